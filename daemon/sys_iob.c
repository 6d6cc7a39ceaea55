/* zx_iob_create and zx_iob_allocate_id: the checks of syscalls/iob.cc in
 * its order, then objects/iob.c. zx_vmar_map_iob is a VMAR call
 * (sys_vmar.c). */
#include "config-build.h"

#include <fcntl.h>
#include <string.h>

#include <zircon/syscalls/iob.h>

#include "daemon/dispatch.h"
#include "daemon/server.h"
#include "objects/iob.h"

zx_status_t
call_iob_create(struct call *c)
{
	const Zxd__IobCreate *r = c->req->iob_create;
	zx_iob_region_t regions[ZX_IOB_MAX_REGIONS];
	struct vmo_payer payer;
	struct iob_ep *e0, *e1;
	uint32_t n = r->num_regions;
	zx_status_t st;

	if (r->options != 0)
		return ZX_ERR_INVALID_ARGS;
	/* (Job policy ZX_POL_NEW_IOB: zxd has no jobs.) */
	if (n > ZX_IOB_MAX_REGIONS)
		return ZX_ERR_OUT_OF_RANGE;
	/* Copying the array from the caller: a NULL array faults. */
	if (n > 0 && (r->regions_null ||
	    r->regions.len != n * sizeof(zx_iob_region_t)))
		return ZX_ERR_INVALID_ARGS;
	if (n > 0)
		memcpy(regions, r->regions.data, r->regions.len);
	sys_vmo_payer(c->client, &payer);
	st = iob_create(regions, n, &payer, &e0, &e1);
	if (st != ZX_OK)
		return st;
	/* Handing the handles out to NULL faults last; the endpoints go
	 * with the references dropped below. */
	if (r->out_null)
		st = ZX_ERR_INVALID_ARGS;
	if (st == ZX_OK)
		st = dispatch_add_handle(c, &e0->obj, ZX_DEFAULT_IOB_RIGHTS);
	if (st == ZX_OK)
		st = dispatch_add_handle(c, &e1->obj, ZX_DEFAULT_IOB_RIGHTS);
	object_unref(&e0->obj);
	object_unref(&e1->obj);
	return st;
}

/* Where the blob of an allocate request is. A descriptor must be a
 * memfd: reading it can never block the daemon. */
static zx_status_t
request_blob(struct call *c, struct iob_blob *b)
{
	const Zxd__IobAllocateId *r = c->req->iob_allocate_id;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->size = r->blob_size;
	if (r->blob_fd) {
		if (c->msg->nfds != 1 ||
		    fcntl(c->msg->fds[0], F_GET_SEALS) < 0)
			return ZX_ERR_INVALID_ARGS;
		b->fd = c->msg->fds[0];
		return ZX_OK;
	}
	if (c->msg->nfds != 0)
		return ZX_ERR_INVALID_ARGS;
	if (r->blob_null) {
		/* Copying zero bytes from NULL is fine. */
		b->fault = r->blob_size > 0;
		return ZX_OK;
	}
	if (r->blob.len != r->blob_size || r->blob_size > WIRE_INLINE_BLOB_MAX)
		return ZX_ERR_INVALID_ARGS;
	b->data = r->blob.data;
	return ZX_OK;
}

zx_status_t
call_iob_allocate_id(struct call *c)
{
	const Zxd__IobAllocateId *r = c->req->iob_allocate_id;
	Zxd__IobAllocateIdReply *rep = call_body(c, sizeof(*rep));
	struct iob_blob blob;
	uint32_t id;
	zx_status_t st;

	if (r->options != 0)
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_IOB, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	st = request_blob(c, &blob);
	if (st != ZX_OK)
		return st;
	st = iob_allocate_id(iob_of(c->self->obj), r->region_index, &blob,
	    &id);
	if (st != ZX_OK)
		return st;
	zxd__iob_allocate_id_reply__init(rep);
	rep->id = id;
	c->rep->body_case = ZXD__REPLY__BODY_IOB_ALLOCATE_ID;
	c->rep->iob_allocate_id = rep;
	return ZX_OK;
}
