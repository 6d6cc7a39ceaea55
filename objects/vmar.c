/* VMARs: a process's root address region, its sub-VMARs, and the record
 * of what is mapped where. The memory itself is libzx's: it reserves a
 * sub-VMAR's range (PROT_NONE) and maps over it; the tree here decides
 * where things go and what each call may do. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <zircon/syscalls/object.h>

#include "objects/iob.h"
#include "objects/vmar.h"
#include "objects/vmo.h"

static size_t *
entries_of(struct vmar *vmar)
{
	return vmar->root != NULL ? &vmar->root->tree_entries : NULL;
}

static void
entries_add(struct vmar *vmar, long delta)
{
	size_t *n = entries_of(vmar);

	if (n != NULL)
		*n += (size_t)delta;
}

static bool
tree_full(struct vmar *vmar)
{
	size_t *n = entries_of(vmar);

	return n != NULL && *n >= VMAR_MAX_MAPPINGS;
}

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
	entries_add(vmar, -1);
	free(m);
}

static void
mappings_clear(struct vmar *vmar)
{
	while (vmar->mappings != NULL) {
		struct vmar_mapping *m = vmar->mappings;

		vmar->mappings = m->next;
		mapping_free(vmar, m);
	}
}

void
vmar_destroy(struct vmar *vmar)
{
	struct vmar **pp;

	if (vmar->destroyed)
		return;
	mappings_clear(vmar);
	while (vmar->children != NULL)
		vmar_destroy(vmar->children);
	vmar->destroyed = true;
	if (vmar->parent != NULL) {
		for (pp = &vmar->parent->children; *pp != NULL;
		    pp = &(*pp)->sibling) {
			if (*pp == vmar) {
				*pp = vmar->sibling;
				break;
			}
		}
		entries_add(vmar, -1);
		vmar->parent = NULL;
		vmar->sibling = NULL;
		vmar->root = NULL;
		object_unref(&vmar->obj);	/* the parent's reference */
	} else {
		vmar->root = NULL;
	}
}

void
vmar_clear(struct vmar *vmar)
{
	/* A root: its process is gone. */
	mappings_clear(vmar);
	while (vmar->children != NULL)
		vmar_destroy(vmar->children);
}

static void
vmar_free(struct object *o)
{
	struct vmar *vmar = vmar_of(o);

	/* A destroyed VMAR has nothing left; a root whose process is gone
	 * was cleared. What remains are records of a root never cleared
	 * (unit tests). */
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

	if (topic == ZX_INFO_VMAR_MAPS) {
		/* The layout of the headers this zxd was built with. */
		size_t max = buf_size / sizeof(zx_info_maps_t);

		if (!(rights & ZX_RIGHT_INSPECT))
			return ZX_ERR_ACCESS_DENIED;
		*record_size = sizeof(zx_info_maps_t);
		*avail = vmar_maps_dump(vmar, 0, buf, max,
		    sizeof(zx_info_maps_t));
		*actual = *avail < max ? *avail : max;
		return ZX_OK;
	}
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
	.destroy = vmar_free,
	.get_info = vmar_get_info,
	/* Closing a VMAR's last handle destroys nothing. */
	.close_observable = object_close_never_observable,
};

struct vmar *
vmar_of(struct object *o)
{
	return o != NULL && o->ops == &vmar_ops ? (struct vmar *)o : NULL;
}


/* What libzx's reservation of the address range came to. */
static zx_status_t
placement_status(int32_t placement)
{
	switch (placement) {
	case ZX_OK:
	case ZX_ERR_ALREADY_EXISTS:
	case ZX_ERR_NO_MEMORY:
	case ZX_ERR_NO_RESOURCES:
	case ZX_ERR_INVALID_ARGS:
		return placement;
	default:
		return ZX_ERR_INVALID_ARGS;
	}
}

bool
vmar_is_root(const struct vmar *vmar)
{
	return vmar->root == vmar;
}

zx_status_t
vmar_place_in(struct vmar *vmar, const struct vmar_place *place,
    zx_vm_option_t options, bool daemon_places, zx_status_t placement,
    uint64_t addr, uint64_t *ret)
{
	zx_status_t st;

	if (!vmar_is_root(vmar)) {
		if (!daemon_places)
			return ZX_ERR_INVALID_ARGS;
		return vmar_place(vmar, place, options, ret);
	}
	/* The tree has the last word on what is there. */
	if (place->addr != 0) {
		st = vmar_place(vmar, place, options, ret);
		if (st != ZX_OK)
			return st;
	}
	st = placement_status(placement);
	if (st != ZX_OK)
		return st;
	if (addr < vmar->base || addr - vmar->base > vmar->len ||
	    place->size > vmar->len - (addr - vmar->base) ||
	    (addr & (place->align - 1)) ||
	    (place->addr != 0 && addr != place->addr) ||
	    (place->upper != 0 && addr + place->size > place->upper) ||
	    vmar_meets_child(vmar, addr, place->size))
		return ZX_ERR_INVALID_ARGS;
	*ret = addr;
	return ZX_OK;
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
	uint64_t align, foff, addr;
	zx_status_t st;

	/* vmar_map_common. */
	if (!(mr & ZX_RIGHT_MAP))
		return ZX_ERR_ACCESS_DENIED;
	/* zxd never offers execute-only mappings. */
	if (options & ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED)
		options |= ZX_VM_PERM_READ;
	if (!vmar_valid_protection(options))
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
	st = vmar_layout(&(struct vmar_shape){ vmar->base, vmar->len,
	    vmar->flags, vmar->destroyed }, vmo_page_size(), options,
	    a->vmar_offset, a->vmo_offset, a->len, align, &place);
	if (st != ZX_OK)
		return st;

	/* Only the owner's libzx can put a mapping in its address space. */
	if (vmar->pid != a->pid)
		return ZX_ERR_NOT_SUPPORTED;
	st = vmar_place_in(vmar, &place, options, a->daemon_places,
	    a->placement, a->addr, &addr);
	if (st != ZX_OK)
		return st;
	foff = vmo_fd_offset(src->vmo) + a->vmo_offset;
	if (foff < a->vmo_offset || foff > INT64_MAX ||
	    place.size > INT64_MAX - foff)
		return ZX_ERR_NO_MEMORY;	/* past what mmap can reach */
	st = vmar_map_record_perms(vmar, addr, place.size, src->vmo,
	    a->vmo_offset, max_perms, options & VMAR_PERMS, src->via,
	    src->region);
	if (st != ZX_OK)
		return st;
	ret->addr = addr;
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
	vmar->flags = VMAR_ROOT_FLAGS;
	vmar->root = vmar;
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
	m->perms = max_perms;
	if (via != NULL) {
		m->via = object_ref(via);
		m->via_region = via_region;
		iob_mapping_added(via, via_region);
	}
	vmo_mapping_added(vmo, m);
	vmar->num_mappings++;
	entries_add(vmar, 1);
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
	return vmar_map_record_perms(vmar, addr, len, vmo, vmo_offset,
	    max_perms, max_perms, via, region);
}

zx_status_t
vmar_map_record_perms(struct vmar *vmar, uint64_t addr, uint64_t len,
    struct vmo *vmo, uint64_t vmo_offset, uint32_t max_perms,
    uint32_t perms, struct object *via, uint32_t region)
{
	struct vmar_mapping *m;

	if (len == 0 || addr < vmar->base || addr - vmar->base > vmar->len ||
	    len > vmar->len - (addr - vmar->base))
		return ZX_ERR_INVALID_ARGS;
	/* A new mapping replaces whatever was recorded there. */
	if (vmar_unmap_record(vmar, addr, len) != ZX_OK)
		return ZX_ERR_NO_MEMORY;
	if (tree_full(vmar))
		return ZX_ERR_NO_MEMORY;
	m = mapping_new(vmar, addr, len, vmo, vmo_offset, max_perms, via,
	    region);
	if (m == NULL)
		return ZX_ERR_NO_MEMORY;
	m->perms = perms;
	mapping_insert(vmar, m);
	return ZX_OK;
}

/* Split m at `at` (inside it): m keeps the head, a new record after it
 * the tail. */
static zx_status_t
mapping_split(struct vmar_mapping *m, uint64_t at)
{
	struct vmar_mapping *tail = mapping_new(m->vmar, at,
	    m->addr + m->len - at, m->vmo, m->vmo_offset + (at - m->addr),
	    m->max_perms, m->via, m->via_region);

	if (tail == NULL)
		return ZX_ERR_NO_MEMORY;
	tail->perms = m->perms;
	m->len = at - m->addr;
	tail->next = m->next;
	m->next = tail;
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
			if (mapping_split(m, end) != ZX_OK)
				return ZX_ERR_NO_MEMORY;
			m->len = addr - m->addr;
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

/* --- the tree -------------------------------------------------------- */

static bool
meets(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

bool
vmar_meets_child(const struct vmar *vmar, uint64_t addr, uint64_t len)
{
	for (const struct vmar *c = vmar->children; c != NULL; c = c->sibling)
		if (meets(addr, len, c->base, c->len))
			return true;
	return false;
}

bool
vmar_meets_mapping(const struct vmar *vmar, uint64_t addr, uint64_t len)
{
	for (const struct vmar_mapping *m = vmar->mappings; m != NULL;
	    m = m->next)
		if (meets(addr, len, m->addr, m->len))
			return true;
	return false;
}

/* The next thing in vmar at or after `pos` (a mapping or a sub-VMAR),
 * as [*start, *end); false when there is none. */
static bool
next_used(const struct vmar *vmar, uint64_t pos, uint64_t *start,
    uint64_t *end)
{
	bool found = false;

	for (const struct vmar_mapping *m = vmar->mappings; m != NULL;
	    m = m->next) {
		if (m->addr + m->len > pos && (!found || m->addr < *start)) {
			*start = m->addr;
			*end = m->addr + m->len;
			found = true;
		}
	}
	for (const struct vmar *c = vmar->children; c != NULL;
	    c = c->sibling) {
		if (c->base + c->len > pos && (!found || c->base < *start)) {
			*start = c->base;
			*end = c->base + c->len;
			found = true;
		}
	}
	return found;
}

/* Walk the free gaps of vmar below `limit`: for each, the aligned spots
 * where `size` fits. Counts them; with `pick` set, stops at spot number
 * *pick and returns its address in *ret. */
static uint64_t
spots(const struct vmar *vmar, uint64_t size, uint64_t align, uint64_t limit,
    const uint64_t *pick, uint64_t *ret)
{
	uint64_t pos = vmar->base, count = 0, us = 0, ue = 0;

	while (pos < limit) {
		uint64_t gap_end = limit, a, n;
		bool more = next_used(vmar, pos, &us, &ue);

		if (more && us < gap_end)
			gap_end = us;
		if (more && us <= pos) {
			pos = ue;
			continue;
		}
		a = (pos + align - 1) & ~(align - 1);
		if (a >= pos && a < gap_end && gap_end - a >= size) {
			n = (gap_end - a - size) / align + 1;
			if (pick != NULL && *pick < count + n) {
				*ret = a + (*pick - count) * align;
				return count + n;
			}
			count += n;
		}
		if (!more || ue >= limit)
			break;
		pos = ue;
	}
	return count;
}

zx_status_t
vmar_place(const struct vmar *vmar, const struct vmar_place *p,
    zx_vm_option_t options, uint64_t *ret_addr)
{
	uint64_t limit = vmar->base + vmar->len, n, pick = 0;

	if (p->addr != 0) {
		if (options & ZX_VM_SPECIFIC_OVERWRITE) {
			if (vmar_meets_child(vmar, p->addr, p->size))
				return ZX_ERR_INVALID_ARGS;
		} else if (vmar_meets_child(vmar, p->addr, p->size) ||
		    vmar_meets_mapping(vmar, p->addr, p->size)) {
			return ZX_ERR_ALREADY_EXISTS;
		}
		*ret_addr = p->addr;
		return ZX_OK;
	}
	if (p->upper != 0 && p->upper < limit)
		limit = p->upper;
	n = spots(vmar, p->size, p->align, limit, NULL, NULL);
	if (n == 0)
		return ZX_ERR_NO_RESOURCES;
	/* Zircon randomises where things go; a COMPACT region packs them
	 * (Zircon keeps some entropy there too; zxd takes the first). */
	if (!(vmar->flags & ZX_VM_COMPACT)) {
		if (getrandom(&pick, sizeof(pick), GRND_NONBLOCK) !=
		    (ssize_t)sizeof(pick))
			pick = (uint64_t)random();
		pick %= n;
	}
	spots(vmar, p->size, p->align, limit, &pick, ret_addr);
	return ZX_OK;
}

zx_status_t
vmar_allocate(struct vmar *parent, uint64_t addr, uint64_t size,
    uint32_t flags, struct vmar **ret)
{
	struct vmar *v, **pp;

	if (parent->destroyed)
		return ZX_ERR_BAD_STATE;
	if (addr < parent->base || size > parent->len ||
	    addr - parent->base > parent->len - size ||
	    vmar_meets_child(parent, addr, size) ||
	    vmar_meets_mapping(parent, addr, size))
		return ZX_ERR_INVALID_ARGS;
	if (tree_full(parent))
		return ZX_ERR_NO_RESOURCES;
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return ZX_ERR_NO_MEMORY;
	object_init(&v->obj, &vmar_ops);
	v->base = addr;
	v->len = size;
	v->pid = parent->pid;
	v->flags = flags & (VMAR_CAN_MAP_RWX | ZX_VM_CAN_MAP_SPECIFIC |
	    ZX_VM_COMPACT);
	v->parent = parent;
	v->root = parent->root;
	for (pp = &parent->children; *pp != NULL && (*pp)->base < addr;
	    pp = &(*pp)->sibling)
		;
	v->sibling = *pp;
	*pp = v;
	entries_add(v, 1);
	/* The parent's reference, and the caller's. */
	*ret = vmar_of(object_ref(&v->obj));
	return ZX_OK;
}

/* Every mapping of the subtree of vmar inside [addr, end), in address
 * order. */
struct hits {
	struct vmar_mapping **v;
	size_t n, cap;
	bool nomem;
};

static void
collect(struct vmar *vmar, uint64_t addr, uint64_t end, struct hits *h)
{
	for (struct vmar_mapping *m = vmar->mappings; m != NULL; m = m->next) {
		if (!meets(addr, end - addr, m->addr, m->len))
			continue;
		if (h->n == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 16;
			struct vmar_mapping **v = realloc(h->v,
			    cap * sizeof(*v));

			if (v == NULL) {
				h->nomem = true;
				return;
			}
			h->v = v;
			h->cap = cap;
		}
		h->v[h->n++] = m;
	}
	for (struct vmar *c = vmar->children; c != NULL; c = c->sibling)
		if (meets(addr, end - addr, c->base, c->len))
			collect(c, addr, end, h);
}

static int
by_addr(const void *a, const void *b)
{
	const struct vmar_mapping *x = *(struct vmar_mapping *const *)a;
	const struct vmar_mapping *y = *(struct vmar_mapping *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static zx_status_t
collect_sorted(struct vmar *vmar, uint64_t addr, uint64_t end,
    struct hits *h)
{
	memset(h, 0, sizeof(*h));
	collect(vmar, addr, end, h);
	if (h->nomem) {
		free(h->v);
		return ZX_ERR_NO_MEMORY;
	}
	if (h->n > 1)
		qsort(h->v, h->n, sizeof(h->v[0]), by_addr);
	return ZX_OK;
}

static bool
inside(const struct vmar *vmar, uint64_t addr, uint64_t len)
{
	return addr >= vmar->base && addr - vmar->base <= vmar->len &&
	    len <= vmar->len - (addr - vmar->base);
}

zx_status_t
vmar_unmap(struct vmar *vmar, uint64_t addr, uint64_t len, bool op_children)
{
	struct vmar *c, *next;

	if (vmar->destroyed)
		return ZX_ERR_BAD_STATE;
	if (!inside(vmar, addr, len))
		return ZX_ERR_INVALID_ARGS;
	for (c = vmar->children; c != NULL; c = c->sibling) {
		if (!meets(addr, len, c->base, c->len))
			continue;
		if (c->base < addr || c->base + c->len > addr + len ||
		    !op_children)
			return ZX_ERR_INVALID_ARGS;
	}
	for (c = vmar->children; c != NULL; c = next) {
		next = c->sibling;
		if (meets(addr, len, c->base, c->len))
			vmar_destroy(c);
	}
	return vmar_unmap_record(vmar, addr, len);
}

/* Walk the mappings of [addr, addr + len) for protect and op_range:
 * *gap is set where some of the range is not mapped. */
static zx_status_t
covered(struct vmar *vmar, uint64_t addr, uint64_t len, struct hits *h,
    bool *gap)
{
	uint64_t pos = addr, end = addr + len;
	zx_status_t st = collect_sorted(vmar, addr, end, h);

	if (st != ZX_OK)
		return st;
	*gap = false;
	for (size_t i = 0; i < h->n; i++) {
		if (h->v[i]->addr > pos)
			*gap = true;
		pos = h->v[i]->addr + h->v[i]->len;
	}
	if (pos < end)
		*gap = true;
	return ZX_OK;
}

zx_status_t
vmar_protect(struct vmar *vmar, uint64_t addr, uint64_t len, uint32_t perms,
    bool op_children)
{
	uint64_t end = addr + len;
	struct hits h;
	bool gap;
	zx_status_t st;

	if (vmar->destroyed)
		return ZX_ERR_BAD_STATE;
	if (!inside(vmar, addr, len))
		return ZX_ERR_INVALID_ARGS;
	st = covered(vmar, addr, len, &h, &gap);
	if (st != ZX_OK)
		return st;
	if (gap)
		st = ZX_ERR_NOT_FOUND;
	for (size_t i = 0; st == ZX_OK && i < h.n; i++) {
		if (perms & ~h.v[i]->max_perms)
			st = ZX_ERR_ACCESS_DENIED;
		else if (h.v[i]->vmar != vmar && !op_children)
			st = ZX_ERR_INVALID_ARGS;
	}
	/* Split the records at the ends, then change them. */
	for (size_t i = 0; st == ZX_OK && i < h.n; i++) {
		struct vmar_mapping *m = h.v[i];

		if (m->addr < addr)
			st = mapping_split(m, addr);
		if (st == ZX_OK && m->addr < addr)
			m = m->next;
		if (st == ZX_OK && m->addr + m->len > end)
			st = mapping_split(m, end);
		if (st == ZX_OK)
			m->perms = perms;
	}
	free(h.v);
	return st;
}

zx_status_t
vmar_op_range_check(struct vmar *vmar, uint32_t op, uint64_t addr,
    uint64_t len, bool op_children)
{
	struct hits h;
	bool gap;
	zx_status_t st;

	if (!inside(vmar, addr, len))
		return ZX_ERR_OUT_OF_RANGE;
	if (vmar->destroyed)
		return ZX_ERR_BAD_STATE;
	st = covered(vmar, addr, len, &h, &gap);
	if (st != ZX_OK)
		return st;
	if (gap)
		st = ZX_ERR_BAD_STATE;
	for (size_t i = 0; st == ZX_OK && i < h.n; i++) {
		const struct vmar_mapping *m = h.v[i];
		bool direct = m->vmar == vmar;

		if (!direct && (!op_children || op == ZX_VMAR_OP_COMMIT ||
		    op == ZX_VMAR_OP_DECOMMIT || op == ZX_VMAR_OP_PREFETCH))
			st = ZX_ERR_INVALID_ARGS;
		else if ((op == ZX_VMAR_OP_COMMIT ||
		    op == ZX_VMAR_OP_DECOMMIT) &&
		    !(m->max_perms & ZX_VM_PERM_WRITE))
			st = ZX_ERR_ACCESS_DENIED;
		else if (op == ZX_VMAR_OP_PREFETCH &&
		    !(m->max_perms & ZX_VM_PERM_READ))
			st = ZX_ERR_ACCESS_DENIED;
	}
	free(h.v);
	return st;
}

/* --- ZX_INFO_PROCESS_MAPS -------------------------------------------- */

static void
put_record(void *buf, size_t idx, size_t max, size_t rec_size,
    const struct vmar_maps_rec *r)
{
	if (idx < max)
		memcpy((char *)buf + idx * rec_size, r, rec_size);
}

static size_t
dump(const struct vmar *vmar, size_t depth, void *buf, size_t max,
    size_t rec_size, size_t n)
{
	const struct vmar_mapping *m = vmar->mappings;
	const struct vmar *c = vmar->children;
	struct vmar_maps_rec r;

	memset(&r, 0, sizeof(r));
	strncpy(r.name, vmar->parent == NULL ? "root" : "useralloc",
	    sizeof(r.name) - 1);
	r.base = vmar->base;
	r.size = vmar->len;
	r.depth = depth;
	r.type = ZX_INFO_MAPS_TYPE_VMAR;
	put_record(buf, n++, max, rec_size, &r);
	/* Children and mappings by address. */
	while (m != NULL || c != NULL) {
		if (c == NULL || (m != NULL && m->addr < c->base)) {
			struct vmo_attrib a;

			/* What is committed in the VMO range it covers, as
			 * ZX_INFO_VMO attributes it. */
			vmo_attribute_range(m->vmo, m->vmo_offset, m->len, &a);
			memset(&r, 0, sizeof(r));
			memcpy(r.name, m->vmo->obj.name, sizeof(r.name) - 1);
			r.base = m->addr;
			r.size = m->len;
			r.depth = depth + 1;
			r.type = ZX_INFO_MAPS_TYPE_MAPPING;
			r.mapping.mmu_flags = m->perms;
			r.mapping.vmo_koid = m->vmo->obj.koid;
			r.mapping.vmo_offset = m->vmo_offset;
			if (rec_size < VMAR_MAPS_V3_SIZE) {
				/* V1 and V2 count pages. */
				a.committed /= vmo_page_size();
			}
			r.mapping.committed_bytes = a.committed;
			r.mapping.populated_bytes = a.committed;
			r.mapping.committed_private_bytes = a.private_bytes;
			r.mapping.populated_private_bytes = a.private_bytes;
			r.mapping.committed_scaled_bytes = a.scaled;
			r.mapping.populated_scaled_bytes = a.scaled;
			r.mapping.committed_fractional_scaled_bytes =
			    a.fraction;
			r.mapping.populated_fractional_scaled_bytes =
			    a.fraction;
			put_record(buf, n++, max, rec_size, &r);
			m = m->next;
		} else {
			n = dump(c, depth + 1, buf, max, rec_size, n);
			c = c->sibling;
		}
	}
	return n;
}

size_t
vmar_maps_dump(const struct vmar *vmar, size_t depth, void *buf, size_t max,
    size_t rec_size)
{
	return dump(vmar, depth, buf, max, rec_size, 0);
}

void
vmar_for_each_mapping(const struct vmar *vmar,
    void (*fn)(const struct vmar_mapping *m, void *arg), void *arg)
{
	for (const struct vmar_mapping *m = vmar->mappings; m != NULL;
	    m = m->next)
		fn(m, arg);
	for (const struct vmar *c = vmar->children; c != NULL; c = c->sibling)
		vmar_for_each_mapping(c, fn, arg);
}
