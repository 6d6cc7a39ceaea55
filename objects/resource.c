/* Resources, as Zircon's resource.cc and resource_dispatcher.cc have
 * them: range checks, exclusive reservations, the root resource. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/phys.h"
#include "objects/resource.h"

/* The address space each ranged kind's resources are carved from; a
 * kind without one cannot be created (Zircon: no region pool). */
static const struct {
	bool present;
	uint64_t base;
	uint64_t size;
} spaces[ZX_RSRC_KIND_COUNT] = {
	[ZX_RSRC_KIND_MMIO] = { true, 0, UINT64_MAX },
	[ZX_RSRC_KIND_IRQ] = { true, 0, 1024 },
	[ZX_RSRC_KIND_IOPORT] = { true, 0, UINT16_MAX },
	[ZX_RSRC_KIND_SYSTEM] = { true, 0, ZX_RSRC_SYSTEM_COUNT },
};

static struct object *root;
static struct resource *live;

static void
resource_destroy(struct object *o)
{
	struct resource *r = (struct resource *)o;

	if (r->prev != NULL)
		r->prev->next = r->next;
	else if (live == r)
		live = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	free(r);
}

static zx_status_t
resource_get_info(struct object *o, uint32_t topic, zx_rights_t rights,
    void *buf, size_t buf_size, size_t *actual, size_t *avail,
    size_t *record_size)
{
	if (topic != ZX_INFO_RESOURCE)
		return ZX_ERR_NOT_SUPPORTED;
	if (!(rights & ZX_RIGHT_INSPECT))
		return ZX_ERR_ACCESS_DENIED;
	*record_size = sizeof(zx_info_resource_t);
	*avail = 1;
	if (buf_size < sizeof(zx_info_resource_t)) {
		*actual = 0;
		return ZX_ERR_BUFFER_TOO_SMALL;
	}
	resource_info((struct resource *)o, buf);
	*actual = 1;
	return ZX_OK;
}

static const struct object_ops resource_ops = {
	.type = ZX_OBJ_TYPE_RESOURCE,
	.name = "resource",
	.default_rights = ZX_DEFAULT_RESOURCE_RIGHTS,
	.has_name = true,
	.destroy = resource_destroy,
	.get_info = resource_get_info,
};

struct resource *
resource_of(struct object *o)
{
	if (o == NULL || o->ops != &resource_ops)
		return NULL;
	return (struct resource *)o;
}

static zx_status_t
resource_new(zx_rsrc_kind_t kind, uint32_t flags, uint64_t base,
    uint64_t size, const char *name, size_t name_len, struct object **ret)
{
	struct resource *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return ZX_ERR_NO_MEMORY;
	object_init(&r->obj, &resource_ops);
	r->kind = kind;
	r->flags = flags;
	r->base = base;
	r->size = size;
	/* As a kernel Name: up to the first NUL, at most 31 bytes. */
	if (name_len > ZX_MAX_NAME_LEN - 1)
		name_len = ZX_MAX_NAME_LEN - 1;
	if (name_len > 0)
		memcpy(r->obj.name, name, strnlen(name, name_len));
	if (kind != ZX_RSRC_KIND_ROOT) {
		r->next = live;
		if (live != NULL)
			live->prev = r;
		live = r;
	}
	*ret = &r->obj;
	return ZX_OK;
}

zx_status_t
resource_root(struct object **ret)
{
	zx_status_t st;

	if (root == NULL) {
		st = resource_new(ZX_RSRC_KIND_ROOT, 0, 0, 0, "root", 4, &root);
		if (st != ZX_OK)
			return st;
	}
	*ret = object_ref(root);
	return ZX_OK;
}

void
resource_shutdown(void)
{
	object_unref(root);
	root = NULL;
}

/* A resource standing for every range of `kind`; only the kernel makes
 * these in Zircon, and zxd has none but the root, but the rule stays. */
static bool
is_ranged_root(const struct resource *r, zx_rsrc_kind_t kind)
{
	return r->kind == kind && r->base == 0 && r->size == 0;
}

/* Whether two ranges share a byte; empty ranges share nothing. Both
 * were checked not to wrap. */
static bool
intersects(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	if (as == 0 || bs == 0)
		return false;
	return a <= b + (bs - 1) && b <= a + (as - 1);
}

zx_status_t
resource_validate_ranged(const struct resource *r, zx_rsrc_kind_t kind,
    uint64_t base, uint64_t size)
{
	unsigned __int128 rbase = r->base, rend = rbase + r->size;
	unsigned __int128 end = (unsigned __int128)base + size;

	if (r->kind == ZX_RSRC_KIND_ROOT || is_ranged_root(r, kind)) {
		/* Zircon's root resource filter: RAM is off limits even to
		 * root; it is reached through VMOs, never by address. */
		if (kind == ZX_RSRC_KIND_MMIO && phys_touches_ram(base, size))
			return ZX_ERR_ACCESS_DENIED;
		return ZX_OK;
	}
	if (r->kind != kind)
		return ZX_ERR_WRONG_TYPE;
	/* The MMU works in pages, so an MMIO resource covers every page
	 * it touches. */
	if (kind == ZX_RSRC_KIND_MMIO) {
		uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

		rbase -= rbase % page;
		rend = (rend + page - 1) / page * page;
	}
	if (size == 0 || r->size == 0 || base < rbase || end > rend)
		return ZX_ERR_OUT_OF_RANGE;
	return ZX_OK;
}

zx_status_t
resource_validate_kind_base(const struct resource *r, zx_rsrc_kind_t kind,
    uint64_t base)
{
	if (r->kind == ZX_RSRC_KIND_ROOT ||
	    (r->kind == kind && r->base == base))
		return ZX_OK;
	return ZX_ERR_WRONG_TYPE;
}

/* ResourceDispatcher::Create: reserve the range in its kind's space. */
static zx_status_t
check_range(zx_rsrc_kind_t kind, uint32_t flags, uint64_t base,
    uint64_t size)
{
	uint64_t last;

	if (kind == ZX_RSRC_KIND_ROOT)
		return base != 0 || size != 0 ? ZX_ERR_INVALID_ARGS : ZX_OK;
	if (!spaces[kind].present)
		return ZX_ERR_BAD_STATE;
	if (size == 0 || base + size < base)
		return ZX_ERR_INVALID_ARGS;
	last = base + (size - 1);
	if (base < spaces[kind].base ||
	    last > spaces[kind].base + (spaces[kind].size - 1))
		return ZX_ERR_NOT_FOUND;
	for (const struct resource *r = live; r != NULL; r = r->next) {
		if (r->kind != kind ||
		    !intersects(base, size, r->base, r->size))
			continue;
		/* An exclusive range has left the space; an exclusive
		 * request wants no one else in its range. */
		if ((r->flags & ZX_RSRC_FLAG_EXCLUSIVE) ||
		    (flags & ZX_RSRC_FLAG_EXCLUSIVE))
			return ZX_ERR_NOT_FOUND;
	}
	return ZX_OK;
}

zx_status_t
resource_create(struct resource *parent, uint32_t options, uint64_t base,
    uint64_t size, const char *name, size_t name_len, bool name_fault,
    struct object **ret)
{
	zx_rsrc_kind_t kind = ZX_RSRC_EXTRACT_KIND(options);
	uint32_t flags = ZX_RSRC_EXTRACT_FLAGS(options);
	zx_status_t st;

	if (kind >= ZX_RSRC_KIND_COUNT || (flags & ~ZX_RSRC_FLAGS_MASK))
		return ZX_ERR_INVALID_ARGS;
	if (resource_validate_ranged(parent, kind, base, size) != ZX_OK)
		return ZX_ERR_ACCESS_DENIED;
	/* A slice of a resource can be neither exclusive itself nor cut
	 * from an exclusive one: only root reserves. */
	if (parent->kind != ZX_RSRC_KIND_ROOT &&
	    !is_ranged_root(parent, kind) &&
	    ((parent->flags | flags) & ZX_RSRC_FLAG_EXCLUSIVE))
		return ZX_ERR_INVALID_ARGS;
	if (name_fault)
		return ZX_ERR_INVALID_ARGS;
	st = check_range(kind, flags, base, size);
	if (st != ZX_OK)
		return st;
	return resource_new(kind, flags, base, size, name, name_len, ret);
}

void
resource_info(const struct resource *r, zx_info_resource_t *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->kind = r->kind;
	ret->flags = r->flags;
	ret->base = r->base;
	ret->size = r->size;
	memcpy(ret->name, r->obj.name, sizeof(ret->name));
}
