/* zx_vmo_*. Reads and writes go straight to the VMO's memory through a
 * descriptor the daemon opened with exactly the access the handle's
 * rights allow, fetched once per handle; sizes come from the VMO's
 * read-only state page. Only size changes and object operations are
 * round trips. */
#include "config-build.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/libzx.h"
#include "proto/pages.h"


/* zxh.priv of a VMO handle. */
struct vmo_priv {
	int fd;			/* -1: neither READ nor WRITE */
	uint64_t file_offset;	/* where the VMO starts in fd */
	uint64_t file_limit;	/* how far fd reaches */
	uint32_t flags;		/* VMO_FD_* */
	void *page;
	const struct vmo_shared *state;
};

static void
priv_free(void *arg)
{
	struct vmo_priv *p = arg;

	if (p->fd >= 0)
		close(p->fd);
	munmap(p->page, SIGPAGE_SIZE);
	free(p);
}

/* Ask the daemon for the handle's descriptors. */
static zx_status_t
priv_fetch(zx_handle_t h, struct vmo_priv **ret)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmoGetFd gf = ZXD__VMO_GET_FD__INIT;
	struct rpc_reply rep;
	struct vmo_priv *p;
	zx_status_t st;

	req.body_case = ZXD__REQUEST__BODY_VMO_GET_FD;
	req.vmo_get_fd = &gf;
	st = rpc_call(h, &req, NULL, 0, &rep);
	if (rep.rep == NULL)
		return st;
	if (st == ZX_OK && (rep.rep->body_case != ZXD__REPLY__BODY_VMO_FD ||
	    rep.nfds < 1 || rep.nfds > 2))
		st = ZX_ERR_INTERNAL;
	p = st == ZX_OK ? calloc(1, sizeof(*p)) : NULL;
	if (st == ZX_OK && p == NULL)
		st = ZX_ERR_NO_MEMORY;
	if (st == ZX_OK) {
		p->page = mmap(NULL, SIGPAGE_SIZE, PROT_READ, MAP_SHARED,
		    rep.fds[0], 0);
		if (p->page == MAP_FAILED) {
			free(p);
			st = ZX_ERR_NO_MEMORY;
		}
	}
	if (st != ZX_OK) {
		rpc_reply_free(&rep);
		return st;
	}
	p->state = (const struct vmo_shared *)((char *)p->page +
	    VMO_SHARED_OFFSET);
	p->fd = -1;
	if (rep.nfds == 2) {
		p->fd = rep.fds[1];
		rep.fds[1] = -1;
	}
	p->file_offset = rep.rep->vmo_fd->file_offset;
	p->file_limit = rep.rep->vmo_fd->file_limit;
	p->flags = rep.rep->vmo_fd->flags;
	rpc_reply_free(&rep);
	*ret = p;
	return ZX_OK;
}

/*
 * The entry of VMO handle h with its data path ready, marked in use
 * (zxh.waiters) so that a concurrent close waits before it frees the
 * descriptors. Release with vmo_put.
 */
static zx_status_t
vmo_get(zx_handle_t h, zx_rights_t rights, struct zxh **ret_e,
    struct vmo_priv **ret_p)
{
	struct vmo_priv *p, *expect = NULL;
	struct zxh *e = zxh_get(h, NULL);
	zx_status_t st;

	if (e == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (e->type != ZX_OBJ_TYPE_VMO)
		return ZX_ERR_WRONG_TYPE;
	if ((e->rights & rights) != rights)
		return ZX_ERR_ACCESS_DENIED;
	if (!zxh_hold(e))
		return ZX_ERR_BAD_HANDLE;
	p = __atomic_load_n(&e->priv, __ATOMIC_ACQUIRE);
	if (p == NULL) {
		st = priv_fetch(h, &p);
		if (st != ZX_OK) {
			atomic_fetch_sub(&e->waiters, 1);
			return st;
		}
		__atomic_store_n(&e->priv_free, priv_free, __ATOMIC_RELAXED);
		if (!__atomic_compare_exchange_n(&e->priv, (void **)&expect,
		    p, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			priv_free(p);
			p = expect;
		}
	}
	*ret_e = e;
	*ret_p = p;
	return ZX_OK;
}

static void
vmo_put(struct zxh *e)
{
	atomic_fetch_sub(&e->waiters, 1);
}

static uint64_t
state_size(const struct vmo_priv *p)
{
	return __atomic_load_n(&p->state->size, __ATOMIC_ACQUIRE);
}

/* Zircon's checks of a read or write of [off, off + len), in order. */
static zx_status_t
rw_check(const struct vmo_priv *p, uint64_t off, size_t len,
    const void *buf)
{
	if (p->flags & VMO_FD_PHYSICAL)
		return ZX_ERR_NOT_SUPPORTED;
	if (off + len < off)
		return ZX_ERR_OUT_OF_RANGE;
	if (__atomic_load_n(&p->state->cache_policy, __ATOMIC_ACQUIRE) !=
	    ZX_CACHE_POLICY_CACHED)
		return ZX_ERR_BAD_STATE;
	if (off + len > state_size(p))
		return ZX_ERR_OUT_OF_RANGE;
	/* No check of buf here: the kernel's pread/pwrite fault on it
	 * (NULL included) and say EFAULT, which is Zircon's NOT_FOUND. */
	return ZX_OK;
}

/* A failed pread/pwrite on the VMO's descriptor: the shared
 * conversion, but a descriptor opened without write access means the
 * handle lacks it, and EINVAL here is an offset past what a file can
 * hold. */
static zx_status_t
io_status(int e)
{
	/* VmObject::ReadUser/WriteUser: a user copy that faults. */
	if (e == EFAULT)
		return ZX_ERR_NOT_FOUND;
	if (e == EBADF)
		return ZX_ERR_ACCESS_DENIED;
	if (e == EINVAL)
		return ZX_ERR_NO_MEMORY;
	return status_from_errno(-e, ZX_ERR_IO);
}

EXPORT zx_status_t
zx_vmo_read(zx_handle_t handle, void *buffer, uint64_t offset,
    size_t buffer_size)
{
	struct vmo_priv *p;
	struct zxh *e;
	uint64_t pos, end, lim;
	char *out = buffer;
	zx_status_t st;

	st = vmo_get(handle, ZX_RIGHT_READ, &e, &p);
	if (st != ZX_OK)
		return st;
	st = rw_check(p, offset, buffer_size, buffer);
	if (st != ZX_OK || buffer_size == 0)
		goto out;
	/* Past the end of the memfd (an unbounded VMO is bigger than a
	 * memfd can be) nothing was ever committed: zeros. */
	pos = p->file_offset + offset;
	end = pos + buffer_size;
	lim = end < p->file_limit ? end : p->file_limit;
	while (pos < lim) {
		size_t n = lim - pos > SSIZE_MAX ? SSIZE_MAX : lim - pos;
		ssize_t r = pread(p->fd, out, n, (off_t)pos);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			st = io_status(errno);
			goto out;
		}
		if (r == 0) {
			/* The memfd is shorter than the VMO: it shrank
			 * under us, or someone truncated it. */
			if (offset + buffer_size > state_size(p)) {
				st = ZX_ERR_OUT_OF_RANGE;
				goto out;
			}
			break;
		}
		pos += (uint64_t)r;
		out += r;
	}
	if (pos < end)
		memset(out, 0, end - pos);
out:
	vmo_put(e);
	return st;
}

EXPORT zx_status_t
zx_vmo_write(zx_handle_t handle, const void *buffer, uint64_t offset,
    size_t buffer_size)
{
	const char *in = buffer;
	struct vmo_priv *p;
	struct zxh *e;
	uint64_t pos, end;
	zx_status_t st;

	st = vmo_get(handle, ZX_RIGHT_WRITE, &e, &p);
	if (st != ZX_OK)
		return st;
	st = rw_check(p, offset, buffer_size, buffer);
	if (st != ZX_OK || buffer_size == 0)
		goto out;
	pos = p->file_offset + offset;
	end = pos + buffer_size;
	/* Pages past what a memfd can hold cannot be committed. */
	if (end > p->file_limit || end < pos) {
		st = ZX_ERR_NO_MEMORY;
		goto out;
	}
	while (pos < end) {
		size_t n = end - pos > SSIZE_MAX ? SSIZE_MAX : end - pos;
		ssize_t r = pwrite(p->fd, in, n, (off_t)pos);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			st = r < 0 ? io_status(errno) : ZX_ERR_IO;
			goto out;
		}
		pos += (uint64_t)r;
		in += r;
	}
out:
	vmo_put(e);
	return st;
}

EXPORT zx_status_t
zx_vmo_get_size(zx_handle_t handle, uint64_t *size)
{
	struct vmo_priv *p;
	struct zxh *e;
	zx_status_t st;

	st = vmo_get(handle, 0, &e, &p);
	if (st != ZX_OK)
		return st;
	if (size == NULL)
		st = ZX_ERR_INVALID_ARGS;
	else
		*size = state_size(p);
	vmo_put(e);
	return st;
}

EXPORT zx_status_t
zx_vmo_get_stream_size(zx_handle_t handle, uint64_t *size)
{
	struct vmo_priv *p;
	struct zxh *e;
	zx_status_t st;

	st = vmo_get(handle, 0, &e, &p);
	if (st != ZX_OK)
		return st;
	if (size == NULL)
		st = ZX_ERR_INVALID_ARGS;
	else
		*size = __atomic_load_n(&p->state->content_size,
		    __ATOMIC_ACQUIRE);
	vmo_put(e);
	return st;
}

EXPORT zx_status_t
zx_vmo_set_size(zx_handle_t handle, uint64_t size)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmoSetSize ss = ZXD__VMO_SET_SIZE__INIT;

	ss.size = size;
	req.body_case = ZXD__REQUEST__BODY_VMO_SET_SIZE;
	req.vmo_set_size = &ss;
	return rpc_call(handle, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_vmo_set_stream_size(zx_handle_t handle, uint64_t size)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmoSetStreamSize ss = ZXD__VMO_SET_STREAM_SIZE__INIT;

	ss.size = size;
	req.body_case = ZXD__REQUEST__BODY_VMO_SET_STREAM_SIZE;
	req.vmo_set_stream_size = &ss;
	return rpc_call(handle, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_vmo_create(uint64_t size, uint32_t options, zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmoCreate vc = ZXD__VMO_CREATE__INIT;
	zx_handle_t h;
	zx_status_t st;

	vc.size = size;
	vc.options = options;
	req.body_case = ZXD__REQUEST__BODY_VMO_CREATE;
	req.vmo_create = &vc;
	st = rpc_new_handles(RPC_CONTROL, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}

EXPORT zx_status_t
zx_vmo_create_child(zx_handle_t handle, uint32_t options, uint64_t offset,
    uint64_t size, zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmoCreateChild cc = ZXD__VMO_CREATE_CHILD__INIT;
	zx_handle_t h;
	zx_status_t st;

	cc.options = options;
	cc.offset = offset;
	cc.size = size;
	req.body_case = ZXD__REQUEST__BODY_VMO_CREATE_CHILD;
	req.vmo_create_child = &cc;
	st = rpc_new_handles(handle, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}

EXPORT zx_status_t
zx_vmo_op_range(zx_handle_t handle, uint32_t op, uint64_t offset,
    uint64_t size, void *buffer, size_t buffer_size)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmoOpRange or = ZXD__VMO_OP_RANGE__INIT;
	struct rpc_reply rep;
	zx_status_t st;

	or.op = op;
	or.offset = offset;
	or.size = size;
	/* A lock state that cannot be stored is a short buffer to the
	 * daemon: it answers INVALID_ARGS once every other check passed. */
	or.buffer_size = buffer != NULL ? buffer_size : 0;
	req.body_case = ZXD__REQUEST__BODY_VMO_OP_RANGE;
	req.vmo_op_range = &or;
	st = rpc_call(handle, &req, NULL, 0, &rep);
	if (rep.rep == NULL)
		return st;
	if (st == ZX_OK && op == ZX_VMO_OP_LOCK) {
		const Zxd__VmoLockState *ls = rep.rep->vmo_lock_state;
		zx_vmo_lock_state_t state;

		if (rep.rep->body_case != ZXD__REPLY__BODY_VMO_LOCK_STATE) {
			st = ZX_ERR_INTERNAL;
		} else {
			state.offset = ls->offset;
			state.size = ls->size;
			state.discarded_offset = ls->discarded_offset;
			state.discarded_size = ls->discarded_size;
			memcpy(buffer, &state, sizeof(state));
		}
	}
	rpc_reply_free(&rep);
	return st;
}

EXPORT zx_status_t
zx_vmo_set_cache_policy(zx_handle_t handle, uint32_t cache_policy)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmoSetCachePolicy cp = ZXD__VMO_SET_CACHE_POLICY__INIT;

	cp.cache_policy = cache_policy;
	req.body_case = ZXD__REQUEST__BODY_VMO_SET_CACHE_POLICY;
	req.vmo_set_cache_policy = &cp;
	return rpc_call(handle, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_vmo_create_physical(zx_handle_t resource, zx_paddr_t paddr, size_t size,
    zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmoCreatePhysical cp = ZXD__VMO_CREATE_PHYSICAL__INIT;
	zx_handle_t h;
	zx_status_t st;

	/* Asked on the resource's handle: the daemon checks the resource,
	 * the range and the map, in Zircon's order. */
	cp.paddr = paddr;
	cp.size = size;
	req.body_case = ZXD__REQUEST__BODY_VMO_CREATE_PHYSICAL;
	req.vmo_create_physical = &cp;
	st = rpc_new_handles(resource, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}
