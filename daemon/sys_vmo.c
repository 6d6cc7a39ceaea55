/* zx_vmo_*: look the handles up, check rights in Zircon's order, call
 * objects/vmo.c. zx_vmo_read/write never come here: libzx does them on
 * the descriptor vmo_get_fd hands out. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "backends/phys.h"
#include "daemon/account.h"
#include "daemon/dispatch.h"
#include "proto/status.h"
#include "daemon/server.h"
#include "objects/resource.h"
#include "objects/vmo.h"

/* --- accounting: VMO memory is charged to the client that made it ---- */

static bool
same_process(const void *ctx, const void *arg)
{
	return account_same_process(ctx, arg);
}

static bool
same_uid(const void *ctx, const void *arg)
{
	return account_same_uid(ctx, arg);
}

/* Memory counts against the maker's process and uid (daemon/account.c).
 * Paged memory is charged for the pages it holds, which only a look at
 * the memfds tells: the check adds them (objects/vmo.c asks before the
 * daemon commits pages; creating and growing commit none). */
static zx_status_t
payer_charge(void *ctx, uint64_t bytes)
{
	struct client *cl = ctx;
	zx_status_t st;

	if (bytes == 0)
		return ZX_OK;
	for (int tries = 0;; tries++) {
		st = account_charge_held(cl, ACCT_MEMORY, bytes,
		    vmo_held_bytes(same_process, cl),
		    vmo_held_bytes(same_uid, cl));
		if (st == ZX_OK || tries > 0)
			break;
		/* VMOs the client closed just now may free some. */
		server_settle_client(cl);
	}
	if (st != ZX_OK)
		return ZX_ERR_NO_MEMORY;
	cl->vmo_bytes += bytes;
	return ZX_OK;
}

static void
payer_uncharge(void *ctx, uint64_t bytes)
{
	struct client *cl = ctx;

	account_uncharge(cl, ACCT_MEMORY, bytes);
	cl->vmo_bytes -= bytes;
}

/* The memory's memfd is one of the daemon's descriptors. */
static void
payer_ref(void *ctx)
{
	account_force(server_client_ref(ctx), ACCT_FDS, 1);
}

static void
payer_release(void *ctx)
{
	account_uncharge(ctx, ACCT_FDS, 1);
	server_client_unref(ctx);
}

static const struct vmo_payer_ops payer_ops = {
	.charge = payer_charge,
	.uncharge = payer_uncharge,
	.ref = payer_ref,
	.release = payer_release,
};

void
sys_vmo_payer(struct client *cl, struct vmo_payer *ret)
{
	ret->ops = &payer_ops;
	ret->ctx = cl;
}

static zx_rights_t
vmo_rights(const struct vmo *v)
{
	return ZX_DEFAULT_VMO_RIGHTS |
	    (vmo_is_resizable(v) ? ZX_RIGHT_RESIZE : 0);
}

/* The VMO the call came on, checked for `rights`. */
static zx_status_t
self_vmo(struct call *c, zx_rights_t rights, struct vmo **ret)
{
	zx_status_t st = handle_check(c->self, ZX_OBJ_TYPE_VMO, rights);

	if (st == ZX_OK)
		*ret = vmo_of(c->self->obj);
	return st;
}

zx_status_t
call_vmo_create(struct call *c)
{
	const Zxd__VmoCreate *r = c->req->vmo_create;
	struct vmo_payer payer = { &payer_ops, c->client };
	struct vmo *v;
	zx_status_t st;

	st = vmo_create(r->size, r->options, &payer, &v);
	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, &v->obj, vmo_rights(v));
	object_unref(&v->obj);
	return st;
}

zx_status_t
call_vmo_get_fd(struct call *c)
{
	Zxd__VmoFdReply *r = call_body(c, sizeof(*r));
	zx_rights_t rights = c->self->rights;
	uint64_t offset, limit;
	struct vmo *v;
	zx_status_t st;
	int oflags = -1, sfd, dfd;

	st = self_vmo(c, 0, &v);
	if (st != ZX_OK)
		return st;
	/* Exactly the access the handle's rights allow. A physical VMO
	 * has no zx_vmo_read/write: its bytes are reached by mapping it,
	 * which needs MAP, so no descriptor of them goes out here. */
	if (vmo_is_physical(v))
		oflags = -1;
	else if ((rights & ZX_RIGHT_READ) && (rights & ZX_RIGHT_WRITE))
		oflags = O_RDWR;
	else if (rights & ZX_RIGHT_READ)
		oflags = O_RDONLY;
	else if (rights & ZX_RIGHT_WRITE)
		oflags = O_WRONLY;
	/* Its state page is the signal page. */
	st = dispatch_charge_sigpage(c, &v->obj);
	if (st == ZX_OK)
		st = vmo_get_fds(v, oflags, &sfd, &dfd, &offset, &limit);
	if (st != ZX_OK)
		return st;
	st = dispatch_add_fd(c, sfd);
	if (dfd >= 0) {
		if (st == ZX_OK)
			st = dispatch_add_fd(c, dfd);
		else
			close(dfd);
	}
	if (st != ZX_OK)
		return st;
	zxd__vmo_fd_reply__init(r);
	r->file_offset = offset;
	r->file_limit = limit;
	r->flags = (vmo_is_physical(v) ? VMO_FD_PHYSICAL : 0) |
	    (vmo_is_resizable(v) ? VMO_FD_RESIZABLE : 0);
	c->rep->body_case = ZXD__REPLY__BODY_VMO_FD;
	c->rep->vmo_fd = r;
	return ZX_OK;
}

zx_status_t
call_vmo_set_size(struct call *c)
{
	struct vmo *v;
	zx_status_t st;

	st = self_vmo(c, ZX_RIGHT_WRITE, &v);
	if (st != ZX_OK)
		return st;
	/* Only a resizable VMO asks for RESIZE; the others answer
	 * UNAVAILABLE, as they always have. */
	if (vmo_is_resizable(v) && !(c->self->rights & ZX_RIGHT_RESIZE))
		return ZX_ERR_ACCESS_DENIED;
	/* Unpins already sent come first (doc/DATAPATH.md, "Unpin without
	 * a round trip"); the same in op_range and set_cache_policy. */
	sys_ddk_settle_vmo(v);
	return vmo_set_size(v, c->req->vmo_set_size->size);
}

zx_status_t
call_vmo_set_stream_size(struct call *c)
{
	struct vmo *v;
	zx_status_t st;

	st = self_vmo(c, ZX_RIGHT_WRITE, &v);
	if (st != ZX_OK)
		return st;
	return vmo_set_stream_size(v, c->req->vmo_set_stream_size->size);
}

zx_status_t
call_vmo_create_child(struct call *c)
{
	const Zxd__VmoCreateChild *r = c->req->vmo_create_child;
	const uint32_t snapshots = ZX_VMO_CHILD_SNAPSHOT |
	    ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE |
	    ZX_VMO_CHILD_SNAPSHOT_MODIFIED;
	struct vmo_payer payer = { &payer_ops, c->client };
	uint32_t options = r->options;
	zx_rights_t in, rights;
	uint64_t size;
	struct vmo *v, *child;
	bool no_write;
	zx_status_t st;

	/* sys_vmo_create_child, in its order. */
	st = vmo_round_size(r->size, &size);
	if (st != ZX_OK)
		return st;
	if ((options & ZX_VMO_CHILD_NO_WRITE) &&
	    (options & ZX_VMO_CHILD_RESIZABLE))
		return ZX_ERR_INVALID_ARGS;
	no_write = options & ZX_VMO_CHILD_NO_WRITE;
	options &= ~ZX_VMO_CHILD_NO_WRITE;
	st = self_vmo(c, ZX_RIGHT_DUPLICATE | ZX_RIGHT_READ, &v);
	if (st != ZX_OK)
		return st;
	in = c->self->rights;
	st = vmo_create_child(v, options, r->offset, size, r->size,
	    in & ZX_RIGHT_GET_PROPERTY,
	    no_write && (options & ZX_VMO_CHILD_SNAPSHOT), &payer, &child);
	if (st != ZX_OK)
		return st;
	rights = (in & ~ZX_RIGHT_RESIZE) |
	    ((options & ZX_VMO_CHILD_RESIZABLE) ? ZX_RIGHT_RESIZE : 0) |
	    ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY;
	/* A copy-on-write child is writable at the expense of EXECUTE,
	 * unless NO_WRITE asked otherwise. */
	if (no_write) {
		rights &= ~ZX_RIGHT_WRITE;
	} else if (options & snapshots) {
		rights &= ~ZX_RIGHT_EXECUTE;
		rights |= ZX_RIGHT_WRITE;
	}
	st = dispatch_add_handle(c, &child->obj, rights);
	object_unref(&child->obj);
	return st;
}

zx_status_t
call_vmo_op_range(struct call *c)
{
	const Zxd__VmoOpRange *r = c->req->vmo_op_range;
	Zxd__VmoLockState *ls = call_body(c, sizeof(*ls));
	zx_vmo_lock_state_t state;
	struct vmo *v;
	zx_status_t st;

	st = self_vmo(c, 0, &v);
	if (st != ZX_OK)
		return st;
	/* The two ops whose answer pinned pages change. */
	if (r->op == ZX_VMO_OP_DECOMMIT || r->op == ZX_VMO_OP_ZERO)
		sys_ddk_settle_vmo(v);
	st = vmo_op_range(v, r->op, r->offset, r->size, c->self->rights,
	    r->buffer_size, &state);
	if (st != ZX_OK || r->op != ZX_VMO_OP_LOCK)
		return st;
	zxd__vmo_lock_state__init(ls);
	ls->offset = state.offset;
	ls->size = state.size;
	ls->discarded_offset = state.discarded_offset;
	ls->discarded_size = state.discarded_size;
	c->rep->body_case = ZXD__REPLY__BODY_VMO_LOCK_STATE;
	c->rep->vmo_lock_state = ls;
	return ZX_OK;
}

zx_status_t
call_vmo_set_cache_policy(struct call *c)
{
	uint32_t policy = c->req->vmo_set_cache_policy->cache_policy;
	struct vmo *v;
	zx_status_t st;

	/* The policy is checked before the handle. */
	if (policy & ~ZX_CACHE_POLICY_MASK)
		return ZX_ERR_INVALID_ARGS;
	st = self_vmo(c, ZX_RIGHT_MAP, &v);
	if (st != ZX_OK)
		return st;
	sys_ddk_settle_vmo(v);
	st = vmo_set_cache_policy(v, policy);
	if (st == ZX_ERR_BAD_STATE) {
		/* Children the caller closed just now do not count. */
		server_settle_client(c->client);
		st = vmo_set_cache_policy(v, policy);
	}
	return st;
}

/* --- physical VMOs --------------------------------------------------- */

zx_status_t
call_vmo_create_physical(struct call *c)
{
	const Zxd__VmoCreatePhysical *r = c->req->vmo_create_physical;
	const char *region;
	struct vmo *v;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_RESOURCE, 0);
	if (st != ZX_OK)
		return st;
	st = vmo_physical_create(c->self->obj, r->paddr, r->size, &v,
	    &region);
	if (st != ZX_OK)
		return st;
	log_debug("pid %d created physical VMO koid %" PRIu64 " [%#" PRIx64
	    ", +%#" PRIx64 ") in region %s", (int)c->pid, v->obj.koid,
	    r->paddr, v->mem->size, region);
	/* Zircon's default VMO rights: no EXECUTE, no RESIZE. */
	st = dispatch_add_handle(c, &v->obj, ZX_DEFAULT_VMO_RIGHTS);
	object_unref(&v->obj);
	return st;
}

/* zx_vmo_create_contiguous, on a BTI handle. */
zx_status_t
call_vmo_create_contiguous(struct call *c)
{
	const Zxd__VmoCreateContiguous *r = c->req->vmo_create_contiguous;
	unsigned shift = (unsigned)__builtin_ctzll(vmo_page_size());
	uint32_t align = r->alignment_log2;
	struct vmo_payer payer;
	struct vmo *v;
	zx_status_t st;

	if (r->size == 0)
		return ZX_ERR_INVALID_ARGS;
	if (align == 0)
		align = shift;
	if (align < shift || align >= 64)
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_BTI, ZX_RIGHT_MAP);
	if (st != ZX_OK)
		return st;
	sys_vmo_payer(c->client, &payer);
	st = vmo_contiguous_create(r->size, align, &payer, &v);
	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, &v->obj, ZX_DEFAULT_VMO_RIGHTS);
	object_unref(&v->obj);
	return st;
}

zx_status_t
sys_vmo_open(struct call *c, struct vmo *v, int oflags, int *ret_fd)
{
	struct phys_peer peer = { c->pid, c->msg->creds.uid };

	if (!vmo_is_physical(v))
		return vmo_open(v, oflags, ret_fd);
	return vmo_physical_open(v, (oflags & O_ACCMODE) != O_RDONLY, &peer,
	    ret_fd);
}
