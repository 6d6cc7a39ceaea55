/* VMARs: the root address region of a process and its mapping records. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>

#include <zircon/syscalls/object.h>

#include "objects/iob.h"
#include "objects/vmar.h"
#include "objects/vmo.h"

static void
mapping_free(struct vmar *vmar, struct vmar_mapping *m)
{
	vmo_mapping_removed(m->vmo, m);
	object_unref(&m->vmo->obj);
	if (m->via != NULL) {
		iob_mapping_removed(m->via, m->via_region);
		object_unref(m->via);
	}
	vmar->num_mappings--;
	free(m);
}

void
vmar_clear(struct vmar *vmar)
{
	while (vmar->mappings != NULL) {
		struct vmar_mapping *m = vmar->mappings;

		vmar->mappings = m->next;
		mapping_free(vmar, m);
	}
}

static void
vmar_destroy(struct object *o)
{
	struct vmar *vmar = vmar_of(o);

	vmar_clear(vmar);
	free(vmar);
}

static zx_status_t
vmar_get_info(struct object *o, uint32_t topic, zx_rights_t rights,
    void *buf, size_t buf_size, size_t *actual, size_t *avail,
    size_t *record_size)
{
	struct vmar *vmar = vmar_of(o);
	zx_info_vmar_t info = { .base = vmar->base, .len = vmar->len };

	if (topic != ZX_INFO_VMAR)
		return ZX_ERR_NOT_SUPPORTED;
	if (!(rights & ZX_RIGHT_INSPECT))
		return ZX_ERR_ACCESS_DENIED;
	*avail = 1;
	*record_size = sizeof(info);
	if (buf_size < sizeof(info)) {
		*actual = 0;
		return ZX_ERR_BUFFER_TOO_SMALL;
	}
	memcpy(buf, &info, sizeof(info));
	*actual = 1;
	return ZX_OK;
}

static const struct object_ops vmar_ops = {
	.type = ZX_OBJ_TYPE_VMAR,
	.name = "vmar",
	.default_rights = ZX_DEFAULT_VMAR_RIGHTS,
	.destroy = vmar_destroy,
	.get_info = vmar_get_info,
};

struct vmar *
vmar_of(struct object *o)
{
	return o != NULL && o->ops == &vmar_ops ? (struct vmar *)o : NULL;
}

static bool
valid_protection(zx_vm_option_t options)
{
	/* No way to express a writable or executable mapping that cannot
	 * be read. */
	return (options & ZX_VM_PERM_READ) ||
	    !(options & (ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE));
}

/* What libzx's reservation of the address range came to. */
static zx_status_t
placement_status(int32_t placement)
{
	switch (placement) {
	case ZX_OK:
	case ZX_ERR_ALREADY_EXISTS:
	case ZX_ERR_NO_MEMORY:
	case ZX_ERR_INVALID_ARGS:
		return placement;
	default:
		return ZX_ERR_INVALID_ARGS;
	}
}

zx_status_t
vmar_map(struct vmar *vmar, zx_rights_t vr, const struct vmar_map_src *src,
    const struct vmar_map_args *a, struct vmar_map_result *ret)
{
	const zx_vm_option_t can_map = ZX_VM_CAN_MAP_READ |
	    ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_EXECUTE;
	zx_vm_option_t options = a->options;
	zx_rights_t mr = src->rights;
	struct vmar_place place;
	uint32_t max_perms = 0;
	uint64_t align, foff;
	zx_status_t st;

	/* vmar_map_common. */
	if (!(mr & ZX_RIGHT_MAP))
		return ZX_ERR_ACCESS_DENIED;
	/* zxd never offers execute-only mappings. */
	if (options & ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED)
		options |= ZX_VM_PERM_READ;
	if (!valid_protection(options))
		return ZX_ERR_INVALID_ARGS;
	if ((options & ZX_VM_MAP_RANGE) && (options & ZX_VM_SPECIFIC_OVERWRITE))
		return ZX_ERR_INVALID_ARGS;
	if (options & can_map)
		return ZX_ERR_INVALID_ARGS;
	if ((mr & ZX_RIGHT_READ) && (vr & ZX_RIGHT_READ))
		max_perms |= ZX_VM_PERM_READ;
	if ((mr & ZX_RIGHT_WRITE) && (vr & ZX_RIGHT_WRITE))
		max_perms |= ZX_VM_PERM_WRITE;
	if ((mr & ZX_RIGHT_EXECUTE) && (vr & ZX_RIGHT_EXECUTE))
		max_perms |= ZX_VM_PERM_EXECUTE;
	if (options & VMAR_PERMS & ~max_perms)
		return ZX_ERR_ACCESS_DENIED;
	if ((options & ZX_VM_FAULT_BEYOND_STREAM_SIZE) &&
	    !(options & ZX_VM_ALLOW_FAULTS))
		return ZX_ERR_INVALID_ARGS;

	/* VmAddressRegionDispatcher::Map. */
	st = vmar_map_flags(options, &align);
	if (st != ZX_OK)
		return st;
	if ((options & ZX_VM_REQUIRE_NON_RESIZABLE) && src->resizable)
		return ZX_ERR_NOT_SUPPORTED;
	if (!(options & ZX_VM_ALLOW_FAULTS) && vmo_is_discardable(src->vmo))
		return ZX_ERR_NOT_SUPPORTED;
	/* A mapping cannot fault past the stream size on Linux. */
	if (options & ZX_VM_FAULT_BEYOND_STREAM_SIZE)
		return ZX_ERR_NOT_SUPPORTED;
	st = vmar_map_layout(vmar->base, vmar->len, vmo_page_size(), options,
	    a->vmar_offset, a->vmo_offset, a->len, align, &place);
	if (st != ZX_OK)
		return st;

	/* Only the owner's libzx can put a mapping in its address space. */
	if (vmar->pid != a->pid)
		return ZX_ERR_NOT_SUPPORTED;
	st = placement_status(a->placement);
	if (st != ZX_OK)
		return st;
	if (a->addr < vmar->base || a->addr - vmar->base > vmar->len ||
	    place.size > vmar->len - (a->addr - vmar->base) ||
	    (a->addr & (place.align - 1)) ||
	    (place.addr != 0 && a->addr != place.addr))
		return ZX_ERR_INVALID_ARGS;
	foff = vmo_fd_offset(src->vmo) + a->vmo_offset;
	if (foff < a->vmo_offset || foff > INT64_MAX ||
	    place.size > INT64_MAX - foff)
		return ZX_ERR_NO_MEMORY;	/* past what mmap can reach */
	st = vmar_map_record_iob(vmar, a->addr, place.size, src->vmo,
	    a->vmo_offset, max_perms, src->via, src->region);
	if (st != ZX_OK)
		return st;
	ret->size = place.size;
	ret->max_perms = max_perms;
	ret->file_offset = foff;
	return ZX_OK;
}

zx_status_t
vmar_root_new(pid_t pid, struct vmar **ret)
{
	struct vmar *vmar = calloc(1, sizeof(*vmar));

	if (vmar == NULL)
		return ZX_ERR_NO_MEMORY;
	object_init(&vmar->obj, &vmar_ops);
	vmar->base = VMAR_ROOT_BASE;
	vmar->len = VMAR_ROOT_LEN;
	vmar->pid = pid;
	*ret = vmar;
	return ZX_OK;
}

static struct vmar_mapping *
mapping_new(struct vmar *vmar, uint64_t addr, uint64_t len, struct vmo *vmo,
    uint64_t vmo_offset, uint32_t max_perms, struct object *via,
    uint32_t via_region)
{
	struct vmar_mapping *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->vmar = vmar;
	m->addr = addr;
	m->len = len;
	m->vmo = vmo_of(object_ref(&vmo->obj));
	m->vmo_offset = vmo_offset;
	m->max_perms = max_perms;
	if (via != NULL) {
		m->via = object_ref(via);
		m->via_region = via_region;
		iob_mapping_added(via, via_region);
	}
	vmo_mapping_added(vmo, m);
	vmar->num_mappings++;
	return m;
}

/* Insert in address order. */
static void
mapping_insert(struct vmar *vmar, struct vmar_mapping *m)
{
	struct vmar_mapping **pp = &vmar->mappings;

	while (*pp != NULL && (*pp)->addr < m->addr)
		pp = &(*pp)->next;
	m->next = *pp;
	*pp = m;
}

zx_status_t
vmar_map_record(struct vmar *vmar, uint64_t addr, uint64_t len,
    struct vmo *vmo, uint64_t vmo_offset, uint32_t max_perms)
{
	return vmar_map_record_iob(vmar, addr, len, vmo, vmo_offset,
	    max_perms, NULL, 0);
}

zx_status_t
vmar_map_record_iob(struct vmar *vmar, uint64_t addr, uint64_t len,
    struct vmo *vmo, uint64_t vmo_offset, uint32_t max_perms,
    struct object *via, uint32_t region)
{
	struct vmar_mapping *m;

	if (len == 0 || addr < vmar->base || addr - vmar->base > vmar->len ||
	    len > vmar->len - (addr - vmar->base))
		return ZX_ERR_INVALID_ARGS;
	/* A new mapping replaces whatever was recorded there. */
	if (vmar_unmap_record(vmar, addr, len) != ZX_OK)
		return ZX_ERR_NO_MEMORY;
	if (vmar->num_mappings >= VMAR_MAX_MAPPINGS)
		return ZX_ERR_NO_MEMORY;
	m = mapping_new(vmar, addr, len, vmo, vmo_offset, max_perms, via,
	    region);
	if (m == NULL)
		return ZX_ERR_NO_MEMORY;
	mapping_insert(vmar, m);
	return ZX_OK;
}

zx_status_t
vmar_unmap_record(struct vmar *vmar, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;
	struct vmar_mapping **pp = &vmar->mappings, *m;

	if (end < addr)
		end = UINT64_MAX;
	while ((m = *pp) != NULL) {
		uint64_t mend = m->addr + m->len;

		if (mend <= addr || m->addr >= end) {
			pp = &m->next;
			continue;
		}
		if (m->addr < addr && mend > end) {
			/* The hole is in the middle: split in two. */
			struct vmar_mapping *tail = mapping_new(vmar, end,
			    mend - end, m->vmo, m->vmo_offset + (end - m->addr),
			    m->max_perms, m->via, m->via_region);

			if (tail == NULL)
				return ZX_ERR_NO_MEMORY;
			m->len = addr - m->addr;
			tail->next = m->next;
			m->next = tail;
			return ZX_OK;
		}
		if (m->addr < addr) {
			m->len = addr - m->addr;
			pp = &m->next;
		} else if (mend > end) {
			m->vmo_offset += end - m->addr;
			m->len = mend - end;
			m->addr = end;
			pp = &m->next;
		} else {
			*pp = m->next;
			mapping_free(vmar, m);
		}
	}
	return ZX_OK;
}
