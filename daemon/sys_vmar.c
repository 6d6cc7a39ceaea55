/* zx_vmar_root_self, zx_vmar_map, zx_vmar_map_iob and the unmap
 * reports. The daemon checks rights and options and hands out the
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
call_vmar_root_self(struct call *c)
{
	Zxd__VmarInfo *r = call_body(c, sizeof(*r));
	struct client *cl = c->client;
	struct vmar *vmar;
	zx_status_t st;

	if (cl->root_vmar == NULL) {
		st = vmar_root_new(c->pid, &vmar);
		if (st != ZX_OK)
			return st;
		cl->root_vmar = &vmar->obj;
	}
	vmar = vmar_of(cl->root_vmar);
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
			vmar_unmap_record(vmar, r->addr, res.size);
			return st;
		}
	}
	rep = CALL_REPLY(c, vmar_map, VMAR_MAP, zxd__vmar_map_reply__init);
	if (rep == NULL)
		return ZX_ERR_NO_MEMORY;
	rep->file_offset = res.file_offset;
	rep->max_perms = res.max_perms;
	return ZX_OK;
}

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
	if (vmar->pid != c->pid)
		return ZX_ERR_NOT_SUPPORTED;
	if (r->len == 0 || (r->addr & (vmo_page_size() - 1)))
		return ZX_ERR_INVALID_ARGS;
	return vmar_unmap_record(vmar, r->addr, r->len);
}
