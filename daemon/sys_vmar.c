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
call_vmar_map(struct call *c)
{
	const Zxd__VmarMap *r = c->req->vmar_map;
	const zx_vm_option_t can_map = ZX_VM_CAN_MAP_READ |
	    ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_EXECUTE;
	Zxd__VmarMapReply *rep = call_body(c, sizeof(*rep));
	zx_vm_option_t options = r->options;
	struct handle *hv = c->self, *hm;
	struct object *via = NULL;
	struct vmar_place place;
	zx_rights_t vr, mr;
	uint64_t align, foff;
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
	st = vmar_map_layout(vmar->base, vmar->len, vmo_page_size(), options,
	    r->vmar_offset, r->vmo_offset, r->len, align, &place);
	if (st != ZX_OK)
		return st;

	/* Only the owner's libzx can put a mapping in its address space. */
	if (vmar->pid != c->pid)
		return ZX_ERR_NOT_SUPPORTED;
	st = placement_status(r->placement);
	if (st != ZX_OK)
		return st;
	if (r->addr < vmar->base || r->addr - vmar->base > vmar->len ||
	    place.size > vmar->len - (r->addr - vmar->base) ||
	    (r->addr & (place.align - 1)) ||
	    (place.addr != 0 && r->addr != place.addr))
		return ZX_ERR_INVALID_ARGS;
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
	st = vmar_map_record_iob(vmar, r->addr, place.size, vmo,
	    r->vmo_offset, max_perms, via, r->region_index);
	if (st != ZX_OK) {
		if (fd >= 0)
			close(fd);
		return st;
	}
	if (fd >= 0) {
		st = dispatch_add_fd(c, fd);
		if (st != ZX_OK) {
			vmar_unmap_record(vmar, r->addr, place.size);
			return st;
		}
	}
	zxd__vmar_map_reply__init(rep);
	rep->file_offset = foff;
	rep->max_perms = max_perms;
	c->rep->body_case = ZXD__REPLY__BODY_VMAR_MAP;
	c->rep->vmar_map = rep;
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
