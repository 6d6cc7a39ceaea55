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

zx_status_t
call_vmar_root_self(struct call *c)
{
	Zxd__VmarInfo *r = call_body(c, sizeof(*r));
	struct vmar *vmar;
	zx_status_t st;

	if (r == NULL)
		return ZX_ERR_NO_MEMORY;
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

zx_status_t
call_vmar_map(struct call *c)
{
	const Zxd__VmarMap *r = c->req->vmar_map;
	const struct vmar_map_args args = {
		.options = r->options,
		.vmar_offset = r->vmar_offset,
		.vmo_offset = r->vmo_offset,
		.len = r->len,
		.pid = c->pid,
		.addr = r->addr,
		.placement = r->placement,
		.daemon_places = r->daemon_places,
	};
	struct handle *hv = c->self, *hm;
	struct vmar_map_src src = { 0 };
	struct vmar_map_result res;
	Zxd__VmarMapReply *rep;
	struct vmar *vmar;
	zx_status_t st;
	int fd = -1;

	/* The VMAR, then the VMO or IOB, with no rights required yet. */
	st = handle_check(hv, ZX_OBJ_TYPE_VMAR, 0);
	if (st != ZX_OK)
		return st;
	hm = dispatch_arg_handle(c, 0);
	vmar = vmar_of(hv->obj);
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
		src.via = &ep->obj;
		src.region = r->region_index;
		src.vmo = iob_region_vmo(ep, r->region_index);
		src.rights = iob_map_rights(ep, r->region_index, hm->rights);
		src.resizable = iob_region_resizable(ep, r->region_index);
	} else {
		st = handle_check(hm, ZX_OBJ_TYPE_VMO, 0);
		if (st != ZX_OK)
			return st;
		src.vmo = vmo_of(hm->obj);
		src.rights = hm->rights;
		src.resizable = vmo_is_resizable(src.vmo);
	}
	st = vmar_map(vmar, hv->rights, &src, &args, &res);
	if (st != ZX_OK)
		return st;
	if (res.max_perms & ZX_VM_PERM_READ) {
		st = sys_vmo_open(c, src.vmo, (res.max_perms &
		    ZX_VM_PERM_WRITE) ? O_RDWR : O_RDONLY, &fd);
		if (st == ZX_OK)
			st = dispatch_add_fd(c, fd);
		if (st != ZX_OK) {
			vmar_unmap_record(vmar, res.addr, res.size);
			return st;
		}
	}
	rep = CALL_REPLY(c, vmar_map, VMAR_MAP, zxd__vmar_map_reply__init);
	if (rep == NULL)
		return ZX_ERR_NO_MEMORY;
	rep->file_offset = res.file_offset;
	rep->max_perms = res.max_perms;
	rep->addr = res.addr;
	return ZX_OK;
}

static zx_status_t
reply_range(struct call *c, uint64_t addr, uint64_t len, bool reserve)
{
	Zxd__VmarRangeReply *rep = CALL_REPLY(c, vmar_range, VMAR_RANGE,
	    zxd__vmar_range_reply__init);

	if (rep == NULL)
		return ZX_ERR_NO_MEMORY;
	rep->addr = addr;
	rep->len = len;
	rep->reserve = reserve;
	return ZX_OK;
}

/* libzx rounds the length up to pages and checks the range against the
 * root itself (memory mapped by other means is not the VMAR's). */
zx_status_t
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
	if (st == ZX_OK && !vmar_is_root(vmar))
		st = reply_range(c, r->addr, r->len, true);
	return st;
}

zx_status_t
call_vmar_allocate(struct call *c)
{
	const Zxd__VmarAllocate *r = c->req->vmar_allocate;
	Zxd__VmarInfo *rep;
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
	st = vmar_place_in(vmar, &place, r->options & ZX_VM_SPECIFIC,
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
	rep = CALL_REPLY(c, vmar_info, VMAR_INFO, zxd__vmar_info__init);
	if (rep == NULL)
		return ZX_ERR_NO_MEMORY;
	rep->addr = addr;
	rep->len = place.size;
	return ZX_OK;
}

zx_status_t
call_vmar_destroy(struct call *c)
{
	struct vmar *vmar;
	zx_status_t st;
	bool in_root;

	st = handle_check(c->self, ZX_OBJ_TYPE_VMAR, ZX_RIGHT_OP_CHILDREN);
	if (st != ZX_OK)
		return st;
	vmar = vmar_of(c->self->obj);
	if (vmar_is_root(vmar))
		return ZX_ERR_NOT_SUPPORTED;
	if (vmar->destroyed)
		return ZX_ERR_BAD_STATE;
	if (vmar->pid != c->pid)
		return ZX_ERR_NOT_SUPPORTED;
	/* A sub-VMAR of the root gives its range back to the process;
	 * deeper ones to their parent's reservation. */
	in_root = vmar_is_root(vmar->parent);
	st = reply_range(c, vmar->base, vmar->len, !in_root);
	if (st == ZX_OK)
		vmar_destroy(vmar);
	return st;
}

zx_status_t
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
	if (!vmar_valid_protection(options) || (options & ~VMAR_PERMS))
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

zx_status_t
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
