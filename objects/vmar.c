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
