/* zx_vmar_root_self, zx_vmar_map, zx_vmar_map_iob, zx_vmar_unmap,
 * zx_vmar_allocate, zx_vmar_destroy, zx_vmar_protect, zx_vmar_op_range.
 * The daemon checks rights and options, keeps the tree and hands out the
 * memory; libzx does the mmap, in the caller's own address space. */
#include "config-build.h"

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "daemon/dispatch.h"
#include "daemon/server.h"
#include "objects/iob.h"
#include "objects/vmar.h"
#include "objects/vmo.h"

void
sys_vmar_client_gone(struct client *cl)
{
	struct vmar *vmar;

	if (cl->root_vmar == NULL)
		return;
	vmar = vmar_of(cl->root_vmar);
	vmar_clear(vmar);
	/* Handles to it may live on elsewhere; they map nothing. */
	vmar->pid = 0;
	object_unref(cl->root_vmar);
	cl->root_vmar = NULL;
}

zx_status_t
sys_vmar_root(struct call *c, struct vmar **ret)
{
	struct client *cl = c->client;
	struct vmar *vmar;
	zx_status_t st;

	if (cl->root_vmar == NULL) {
		st = vmar_root_new(c->pid, &vmar);
		if (st != ZX_OK)
			return st;
		cl->root_vmar = &vmar->obj;
	}
	*ret = vmar_of(cl->root_vmar);
	return ZX_OK;
}

static zx_status_t
call_vmar_root_self(struct call *c)
{
	Zxd__VmarInfo *r = &c->body.vmar_info;
	struct vmar *vmar;
	zx_status_t st;

	st = sys_vmar_root(c, &vmar);
	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, &vmar->obj, VMAR_ROOT_RIGHTS);
	if (st != ZX_OK)
		return st;
	zxd__vmar_info__init(r);
	r->addr = vmar->base;
	r->len = vmar->len;
	c->rep->body_case = ZXD__REPLY__BODY_VMAR_INFO;
	c->rep->vmar_info = r;
	return ZX_OK;
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
	case ZX_ERR_NO_RESOURCES:
	case ZX_ERR_INVALID_ARGS:
		return placement;
	default:
		return ZX_ERR_INVALID_ARGS;
	}
}

static bool
is_root(const struct vmar *vmar)
{
	return vmar->root == vmar;
}

/* Where a mapping or sub-VMAR goes: in a root, where libzx reserved
 * the range (its outcome in `placement`); in a sub-VMAR, where the tree
 * says. */
static zx_status_t
place_in(struct vmar *vmar, const struct vmar_place *place,
    zx_vm_option_t options, bool daemon_places, int32_t placement,
    uint64_t addr, uint64_t *ret)
{
	zx_status_t st;

	if (!is_root(vmar)) {
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

static zx_status_t
call_vmar_map(struct call *c)
{
	const Zxd__VmarMap *r = c->req->vmar_map;
	const zx_vm_option_t can_map = ZX_VM_CAN_MAP_READ |
	    ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_EXECUTE;
	Zxd__VmarMapReply *rep = &c->body.vmar_map;
	zx_vm_option_t options = r->options;
	struct handle *hv = c->self, *hm;
	struct object *via = NULL;
	struct vmar_place place;
	zx_rights_t vr, mr;
	uint64_t align, foff, addr;
	uint32_t max_perms = 0;
	struct vmar *vmar;
	struct vmo *vmo;
	bool resizable;
	zx_status_t st;
	int fd = -1;

	/* The VMAR, then the VMO or IOB, with no rights required yet. */
	st = handle_check(hv, ZX_OBJ_TYPE_VMAR, 0);
	if (st != ZX_OK)
		return st;
	hm = dispatch_arg_handle(c, 0);
	vmar = vmar_of(hv->obj);
	vr = hv->rights;
	if (r->iob) {
		/* sys_vmar_map_iob: the region's memory, with the rights
		 * this endpoint has on it as the VMO's rights. */
		struct iob_ep *ep;

		st = handle_check(hm, ZX_OBJ_TYPE_IOB, 0);
		if (st != ZX_OK)
			return st;
		ep = iob_of(hm->obj);
		if (r->region_index >= iob_region_count(ep))
			return ZX_ERR_OUT_OF_RANGE;
		via = &ep->obj;
		vmo = iob_region_vmo(ep, r->region_index);
		mr = iob_map_rights(ep, r->region_index, hm->rights);
		resizable = iob_region_resizable(ep, r->region_index);
	} else {
		st = handle_check(hm, ZX_OBJ_TYPE_VMO, 0);
		if (st != ZX_OK)
			return st;
		vmo = vmo_of(hm->obj);
		mr = hm->rights;
		resizable = vmo_is_resizable(vmo);
	}

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
	if ((options & ZX_VM_REQUIRE_NON_RESIZABLE) && resizable)
		return ZX_ERR_NOT_SUPPORTED;
	if (!(options & ZX_VM_ALLOW_FAULTS) && vmo_is_discardable(vmo))
		return ZX_ERR_NOT_SUPPORTED;
	/* A mapping cannot fault past the stream size on Linux. */
	if (options & ZX_VM_FAULT_BEYOND_STREAM_SIZE)
		return ZX_ERR_NOT_SUPPORTED;
	st = vmar_layout(&(struct vmar_shape){ vmar->base, vmar->len,
	    vmar->flags, vmar->destroyed }, vmo_page_size(), options,
	    r->vmar_offset, r->vmo_offset, r->len, align, &place);
	if (st != ZX_OK)
		return st;

	/* Only the owner's libzx can put a mapping in its address space. */
	if (vmar->pid != c->pid)
		return ZX_ERR_NOT_SUPPORTED;
	st = place_in(vmar, &place, options, r->daemon_places, r->placement,
	    r->addr, &addr);
	if (st != ZX_OK)
		return st;
	foff = vmo_fd_offset(vmo) + r->vmo_offset;
	if (foff < r->vmo_offset || foff > INT64_MAX ||
	    place.size > INT64_MAX - foff)
		return ZX_ERR_NO_MEMORY;	/* past what mmap can reach */
	if (max_perms & ZX_VM_PERM_READ) {
		st = sys_vmo_open(c, vmo, (max_perms & ZX_VM_PERM_WRITE) ?
		    O_RDWR : O_RDONLY, &fd);
		if (st != ZX_OK)
			return st;
	}
	st = vmar_map_record_perms(vmar, addr, place.size, vmo,
	    r->vmo_offset, max_perms, options & VMAR_PERMS, via,
	    r->region_index);
	if (st != ZX_OK) {
		if (fd >= 0)
			close(fd);
		return st;
	}
	if (fd >= 0) {
		st = dispatch_add_fd(c, fd);
		if (st != ZX_OK) {
			vmar_unmap_record(vmar, addr, place.size);
			return st;
		}
	}
	zxd__vmar_map_reply__init(rep);
	rep->file_offset = foff;
	rep->max_perms = max_perms;
	rep->addr = addr;
	c->rep->body_case = ZXD__REPLY__BODY_VMAR_MAP;
	c->rep->vmar_map = rep;
	return ZX_OK;
}

static void
reply_range(struct call *c, uint64_t addr, uint64_t len, bool reserve)
{
	Zxd__VmarRangeReply *rep = &c->body.vmar_range;

	zxd__vmar_range_reply__init(rep);
	rep->addr = addr;
	rep->len = len;
	rep->reserve = reserve;
	c->rep->body_case = ZXD__REPLY__BODY_VMAR_RANGE;
	c->rep->vmar_range = rep;
}

/* libzx rounds the length up to pages and checks the range against the
 * root itself (memory mapped by other means is not the VMAR's). */
static zx_status_t
call_vmar_unmap(struct call *c)
{
	const Zxd__VmarUnmap *r = c->req->vmar_unmap;
	struct vmar *vmar;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_VMAR, 0);
	if (st != ZX_OK)
		return st;
	vmar = vmar_of(c->self->obj);
	if (r->len == 0 || (r->addr & (vmo_page_size() - 1)) ||
	    (r->len & (vmo_page_size() - 1)))
		return ZX_ERR_INVALID_ARGS;
	if (vmar->destroyed)
		return ZX_ERR_BAD_STATE;
	if (vmar->pid != c->pid)
		return ZX_ERR_NOT_SUPPORTED;
	st = vmar_unmap(vmar, r->addr, r->len,
	    c->self->rights & ZX_RIGHT_OP_CHILDREN);
	if (st == ZX_OK && !is_root(vmar))
		reply_range(c, r->addr, r->len, true);
	return st;
}

static zx_status_t
call_vmar_allocate(struct call *c)
{
	const Zxd__VmarAllocate *r = c->req->vmar_allocate;
	Zxd__VmarInfo *rep = &c->body.vmar_info;
	zx_rights_t need = 0;
	struct vmar_place place;
	struct vmar *vmar, *child;
	uint64_t addr;
	zx_status_t st;

	if (r->options & ZX_VM_CAN_MAP_READ)
		need |= ZX_RIGHT_READ;
	if (r->options & ZX_VM_CAN_MAP_WRITE)
		need |= ZX_RIGHT_WRITE;
	if (r->options & ZX_VM_CAN_MAP_EXECUTE)
		need |= ZX_RIGHT_EXECUTE;
	st = handle_check(c->self, ZX_OBJ_TYPE_VMAR, need);
	if (st != ZX_OK)
		return st;
	vmar = vmar_of(c->self->obj);
	st = vmar_allocate_layout(&(struct vmar_shape){ vmar->base,
	    vmar->len, vmar->flags, vmar->destroyed }, vmo_page_size(),
	    r->options, r->offset, r->size, &place);
	if (st != ZX_OK)
		return st;
	if (vmar->pid != c->pid)
		return ZX_ERR_NOT_SUPPORTED;
	st = place_in(vmar, &place, r->options & ZX_VM_SPECIFIC,
	    r->daemon_places, r->placement, r->addr, &addr);
	if (st != ZX_OK)
		return st;
	st = vmar_allocate(vmar, addr, place.size, r->options, &child);
	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, &child->obj, vmar_rights_for(r->options));
	if (st != ZX_OK)
		vmar_destroy(child);
	object_unref(&child->obj);
	if (st != ZX_OK)
		return st;
	zxd__vmar_info__init(rep);
	rep->addr = addr;
	rep->len = place.size;
	c->rep->body_case = ZXD__REPLY__BODY_VMAR_INFO;
	c->rep->vmar_info = rep;
	return ZX_OK;
}

static zx_status_t
call_vmar_destroy(struct call *c)
{
	struct vmar *vmar;
	zx_status_t st;
	bool in_root;

	st = handle_check(c->self, ZX_OBJ_TYPE_VMAR, ZX_RIGHT_OP_CHILDREN);
	if (st != ZX_OK)
		return st;
	vmar = vmar_of(c->self->obj);
	if (is_root(vmar))
		return ZX_ERR_NOT_SUPPORTED;
	if (vmar->destroyed)
		return ZX_ERR_BAD_STATE;
	if (vmar->pid != c->pid)
		return ZX_ERR_NOT_SUPPORTED;
	/* A sub-VMAR of the root gives its range back to the process;
	 * deeper ones to their parent's reservation. */
	in_root = is_root(vmar->parent);
	reply_range(c, vmar->base, vmar->len, !in_root);
	vmar_destroy(vmar);
	return ZX_OK;
}

static zx_status_t
call_vmar_protect(struct call *c)
{
	const Zxd__VmarProtect *r = c->req->vmar_protect;
	zx_vm_option_t options = r->options;
	zx_rights_t need = 0;
	uint64_t page = vmo_page_size();
	struct vmar *vmar;
	zx_status_t st;

	if (options & ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED)
		options = (options | ZX_VM_PERM_READ) &
		    ~ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED;
	if (options & ZX_VM_PERM_READ)
		need |= ZX_RIGHT_READ;
	if (options & ZX_VM_PERM_WRITE)
		need |= ZX_RIGHT_WRITE;
	if (options & ZX_VM_PERM_EXECUTE)
		need |= ZX_RIGHT_EXECUTE;
	st = handle_check(c->self, ZX_OBJ_TYPE_VMAR, need);
	if (st != ZX_OK)
		return st;
	vmar = vmar_of(c->self->obj);
	if (!valid_protection(options) || (options & ~VMAR_PERMS))
		return ZX_ERR_INVALID_ARGS;
	if ((r->addr & (page - 1)) || r->len == 0 || (r->len & (page - 1)))
		return ZX_ERR_INVALID_ARGS;
	if (vmar->destroyed)
		return ZX_ERR_BAD_STATE;
	if (vmar->pid != c->pid)
		return ZX_ERR_NOT_SUPPORTED;
	return vmar_protect(vmar, r->addr, r->len, options,
	    c->self->rights & ZX_RIGHT_OP_CHILDREN);
}

static zx_status_t
call_vmar_op_range(struct call *c)
{
	const Zxd__VmarOpRange *r = c->req->vmar_op_range;
	uint64_t page = vmo_page_size();
	struct vmar *vmar;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_VMAR, 0);
	if (st != ZX_OK)
		return st;
	vmar = vmar_of(c->self->obj);
	switch (r->op) {
	case ZX_VMAR_OP_COMMIT:
	case ZX_VMAR_OP_DECOMMIT:
	case ZX_VMAR_OP_MAP_RANGE:
	case ZX_VMAR_OP_ZERO:
	case ZX_VMAR_OP_DONT_NEED:
	case ZX_VMAR_OP_ALWAYS_NEED:
	case ZX_VMAR_OP_PREFETCH:
		break;
	default:
		return ZX_ERR_INVALID_ARGS;
	}
	if (r->buffer)
		return ZX_ERR_INVALID_ARGS;
	if (r->len == 0 || (r->len & (page - 1)) || (r->addr & (page - 1)))
		return ZX_ERR_INVALID_ARGS;
	if (vmar->pid != c->pid && !vmar->destroyed)
		return ZX_ERR_NOT_SUPPORTED;
	st = vmar_op_range_check(vmar, r->op, r->addr, r->len,
	    c->self->rights & ZX_RIGHT_OP_CHILDREN);
	if (st != ZX_OK)
		return st;
	/* Zeroing through a VMAR is not offered (Zircon's read answered
	 * NOT_SUPPORTED too). */
	if (r->op == ZX_VMAR_OP_ZERO)
		return ZX_ERR_NOT_SUPPORTED;
	return ZX_OK;
}

const struct dispatch_entry sys_vmar_calls[] = {
	{ ZXD__REQUEST__BODY_VMAR_ROOT_SELF, "vmar_root_self",
	    call_vmar_root_self, ON_CONTROL, 0 },
	{ ZXD__REQUEST__BODY_VMAR_MAP, "vmar_map", call_vmar_map, ON_HANDLE,
	    1 },
	{ ZXD__REQUEST__BODY_VMAR_UNMAP, "vmar_unmap", call_vmar_unmap,
	    ON_HANDLE, 0 },
	{ ZXD__REQUEST__BODY_VMAR_ALLOCATE, "vmar_allocate",
	    call_vmar_allocate, ON_HANDLE, 0 },
	{ ZXD__REQUEST__BODY_VMAR_DESTROY, "vmar_destroy", call_vmar_destroy,
	    ON_HANDLE, 0 },
	{ ZXD__REQUEST__BODY_VMAR_PROTECT, "vmar_protect", call_vmar_protect,
	    ON_HANDLE, 0 },
	{ ZXD__REQUEST__BODY_VMAR_OP_RANGE, "vmar_op_range",
	    call_vmar_op_range, ON_HANDLE, 0 },
	{ 0 },
};
