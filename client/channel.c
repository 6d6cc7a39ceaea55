/* zx_channel_create, zx_channel_write, zx_channel_read, zx_channel_call.
 *
 * A write sends the fds of the handles it carries with the request; the
 * daemon takes them from this process (its end of each handle's socket is
 * closed, so any dup(2) of the fd is dead too) and libzx then drops its
 * entries. The handles of a write are consumed whatever the outcome, as in
 * Zircon. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/libzx.h"
#include "proto/envelope.h"

/* The write part of a write or call request. */
struct wr {
	Zxd__ChannelWrite w;
	int32_t slots[ZX_CHANNEL_MAX_MSG_HANDLES];
	/* The handles' fds, and a call's reply socket. */
	int fds[ZX_CHANNEL_MAX_MSG_HANDLES + 1];
	size_t nfds;
};

/* The handles of a write are gone after it, whatever happened. Values
 * that are not live handles (or come twice) are skipped. */
static void
consume(const zx_handle_t *handles, uint32_t n)
{
	if (handles == NULL)
		return;
	for (uint32_t i = 0; i < n; i++)
		if (handles[i] != ZX_HANDLE_INVALID)
			zxh_close(handles[i]);
}

/* After the request: drop the entries of the handles that were sent
 * (the daemon has closed its end of each). Values that were not handles
 * when the request was made are left alone: another thread may have been
 * given that value since. */
static void
consume_sent(const struct wr *x, const zx_handle_t *handles, uint32_t n)
{
	if (x->w.handle_fds == NULL) {
		consume(handles, n);
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		if (x->slots[i] >= 0)
			zxh_close(handles[i]);
}

/* Describe a write for the daemon, which does every check in Zircon's
 * order. The fds are this process's handle fds, not taken. */
static void
wr_fill(struct wr *x, uint32_t options, const void *bytes,
    uint32_t num_bytes, const zx_handle_t *handles, uint32_t num_handles)
{
	zxd__channel_write__init(&x->w);
	x->nfds = 0;
	x->w.options = options;
	x->w.num_bytes = num_bytes;
	if (num_bytes > 0 && bytes == NULL) {
		x->w.bytes_null = true;
	} else if (num_bytes <= ZX_CHANNEL_MAX_MSG_BYTES) {
		x->w.data.data = (uint8_t *)bytes;
		x->w.data.len = num_bytes;
	}
	x->w.num_handles = num_handles;
	if (num_handles > 0 && handles == NULL) {
		x->w.handles_null = true;
	} else if (num_handles <= ZX_CHANNEL_MAX_MSG_HANDLES) {
		for (uint32_t i = 0; i < num_handles; i++) {
			int fd;

			if (zxh_get(handles[i], &fd) != NULL) {
				x->slots[i] = (int32_t)x->nfds;
				x->fds[x->nfds++] = fd;
			} else {
				x->slots[i] = -1;
			}
		}
		x->w.n_handle_fds = num_handles;
		x->w.handle_fds = x->slots;
	}
}

EXPORT zx_status_t
zx_channel_create(uint32_t options, zx_handle_t *out0, zx_handle_t *out1)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelCreate cc = ZXD__CHANNEL_CREATE__INIT;
	zx_handle_t h[2];
	zx_status_t st;

	cc.options = options;
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_CREATE;
	req.channel_create = &cc;
	st = rpc_new_handles(RPC_CONTROL, &req, NULL, 0, h, 2);
	if (st != ZX_OK)
		return st;
	return rpc_out_pair(h, out0, out1);
}

EXPORT zx_status_t
zx_channel_write(zx_handle_t handle, uint32_t options, const void *bytes,
    uint32_t num_bytes, const zx_handle_t *handles, uint32_t num_handles)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	struct wr x;
	zx_status_t st;

	/* The daemon checks in Zircon's order and closes the handles
	 * itself on every failure. */
	wr_fill(&x, options, bytes, num_bytes, handles, num_handles);
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_WRITE;
	req.channel_write = &x.w;
	st = rpc_call(handle, &req, x.fds, x.nfds, NULL);
	consume_sent(&x, handles, num_handles);
	return st;
}

/* Copy a message out of a reply: bytes first, then the handles, as
 * Zircon does; a NULL buffer for a non-empty part is INVALID_ARGS (the
 * message is gone then, and so are its handles). */
static zx_status_t
take_message(struct rpc_reply *r, void *bytes, uint32_t max_bytes,
    zx_handle_t *handles, uint32_t max_handles)
{
	const Zxd__ChannelReadReply *b = r->rep->channel_read;
	size_t n = r->rep->n_handles;

	if (r->rep->body_case != ZXD__REPLY__BODY_CHANNEL_READ ||
	    b->data.len != b->actual_bytes || b->data.len > max_bytes ||
	    n != b->actual_handles || n > max_handles ||
	    r->nfds != n + (b->delivery ? 1 : 0))
		return ZX_ERR_INTERNAL;
	if (b->data.len > 0) {
		if (bytes == NULL)
			return ZX_ERR_INVALID_ARGS;
		memcpy(bytes, b->data.data, b->data.len);
	}
	if (n > 0) {
		if (handles == NULL)
			return ZX_ERR_INVALID_ARGS;
		return rpc_reply_handles(r, handles, n);
	}
	return ZX_OK;
}

static zx_status_t read_by_request(zx_handle_t handle, struct zxh *e,
    uint32_t options, void *bytes, zx_handle_t *handles, uint32_t num_bytes,
    uint32_t num_handles, uint32_t *actual_bytes, uint32_t *actual_handles);

EXPORT zx_status_t
zx_channel_read(zx_handle_t handle, uint32_t options, void *bytes,
    zx_handle_t *handles, uint32_t num_bytes, uint32_t num_handles,
    uint32_t *actual_bytes, uint32_t *actual_handles)
{
	struct zxh *e = zxh_get(handle, NULL);
	zx_status_t st;

	if (e == NULL)
		return read_by_request(handle, NULL, options, bytes, handles,
		    num_bytes, num_handles, actual_bytes, actual_handles);
	/* One reader at a time: a peek and its take are one step, and a
	 * read by request after a backlog marker comes before any other
	 * read of the delivery socket. */
	pthread_mutex_lock(&e->rdlock);
	if (dlv_read(e, options, bytes, handles, num_bytes, num_handles,
	    actual_bytes, actual_handles, &st) == DLV_ASK)
		st = read_by_request(handle, e, options, bytes, handles,
		    num_bytes, num_handles, actual_bytes, actual_handles);
	pthread_mutex_unlock(&e->rdlock);
	return st;
}

/* A read the daemon answers (asking for a delivery socket if e has
 * none; e is NULL for a value that is not a live handle). */
static zx_status_t
read_by_request(zx_handle_t handle, struct zxh *e, uint32_t options,
    void *bytes, zx_handle_t *handles, uint32_t num_bytes,
    uint32_t num_handles, uint32_t *actual_bytes, uint32_t *actual_handles)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelRead cr = ZXD__CHANNEL_READ__INIT;
	struct rpc_reply rep;
	zx_status_t st;

	cr.options = options;
	cr.num_bytes = num_bytes;
	cr.num_handles = num_handles;
	cr.want_delivery = e != NULL && atomic_load(&e->dfd) < 0;
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_READ;
	req.channel_read = &cr;
	st = rpc_call(handle, &req, NULL, 0, &rep);
	if (rep.rep == NULL)
		return st;
	if (st == ZX_OK && e != NULL &&
	    rep.rep->body_case == ZXD__REPLY__BODY_CHANNEL_READ &&
	    rep.rep->channel_read->delivery &&
	    rep.nfds == rep.rep->n_handles + 1) {
		dlv_adopt(e, rep.fds[rep.nfds - 1]);
		rep.fds[rep.nfds - 1] = -1;
		rep.nfds--;
		rep.rep->channel_read->delivery = false;
	}
	if ((st == ZX_OK || st == ZX_ERR_BUFFER_TOO_SMALL) &&
	    rep.rep->body_case == ZXD__REPLY__BODY_CHANNEL_READ) {
		/* Also on BUFFER_TOO_SMALL: the size the caller needs. */
		if (actual_bytes != NULL)
			*actual_bytes = rep.rep->channel_read->actual_bytes;
		if (actual_handles != NULL)
			*actual_handles = rep.rep->channel_read->actual_handles;
	}
	if (st == ZX_OK)
		st = take_message(&rep, bytes, num_bytes, handles, num_handles);
	rpc_reply_free(&rep);
	return st;
}

/*
 * Each thread's reply socket for zx_channel_call, made once and kept: the
 * daemon gets a copy of its sending end with every call and answers
 * there, so the channel's socket stays free for other threads meanwhile
 * and closing the handle can cancel the wait. Since the thread keeps the
 * sending end too, the daemon's death shows on the handle's socket, which
 * the wait watches as well.
 */
static __thread int call_sock[2] = { -1, -1 };
static pthread_key_t call_sock_key;
static pthread_once_t call_sock_once = PTHREAD_ONCE_INIT;

static void
call_sock_close(void *arg)
{
	(void)arg;
	if (call_sock[0] >= 0) {
		close(call_sock[0]);
		close(call_sock[1]);
	}
	call_sock[0] = call_sock[1] = -1;
}

/* A forked child must not answer for its parent's calls. */
static void
call_sock_atfork_child(void)
{
	call_sock_close(NULL);
}

static void
call_sock_init(void)
{
	pthread_key_create(&call_sock_key, call_sock_close);
	pthread_atfork(NULL, NULL, call_sock_atfork_child);
}

static bool
call_sock_get(void)
{
	pthread_once(&call_sock_once, call_sock_init);
	if (call_sock[0] >= 0)
		return true;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    call_sock) < 0) {
		call_sock[0] = call_sock[1] = -1;
		return false;
	}
	/* Only for the destructor to run at thread exit. */
	pthread_setspecific(call_sock_key, call_sock);
	return true;
}

/* Wait for the outcome of the call whose request had `txid`, on the
 * thread's reply socket; the handle's socket `hfd` says if the daemon
 * went away meanwhile. */
static zx_status_t
call_outcome(int hfd, uint64_t txid, struct rpc_reply *out)
{
	struct wire_msg m = { 0 };
	ssize_t n;

	out->rep = NULL;
	out->nfds = 0;
	m.buf = rpc_thread_buf();
	if (m.buf == NULL)
		return ZX_ERR_NO_MEMORY;
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = call_sock[0], .events = POLLIN },
			{ .fd = hfd, .events = POLLRDHUP },
		};

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return ZX_ERR_INTERNAL;
		if (!(p[0].revents & POLLIN)) {
			if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR |
			    POLLNVAL)) {
				/* The daemon dropped the call without a
				 * word: it went away, and the handle with
				 * it. */
				if (recv(call_sock[0], m.buf, 1, MSG_PEEK |
				    MSG_DONTWAIT) < 0)
					return ZX_ERR_CANCELED;
			} else {
				continue;
			}
		}
		n = wire_recv(call_sock[0], &m);
		if (n <= 0)
			return n == 0 ? ZX_ERR_CANCELED :
			    rpc_status_from_errno((int)n);
		out->rep = (Zxd__Reply *)envelope_unpack(
		    &zxd__reply__descriptor, m.len, m.buf);
		memcpy(out->fds, m.fds, m.nfds * sizeof(int));
		out->nfds = m.nfds;
		if (out->rep == NULL || out->rep->nfds != m.nfds ||
		    out->rep->n_handles > m.nfds) {
			rpc_reply_free(out);
			return ZX_ERR_INTERNAL;
		}
		if (out->rep->txid == txid)
			return ZX_OK;
		/* An outcome from an earlier call this thread gave up on
		 * (its daemon went away): not ours. */
		rpc_reply_free(out);
	}
}

EXPORT zx_status_t
zx_channel_call(zx_handle_t handle, uint32_t options, zx_time_t deadline,
    const zx_channel_call_args_t *args, uint32_t *actual_bytes,
    uint32_t *actual_handles)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelCall cc = ZXD__CHANNEL_CALL__INIT;
	struct rpc_reply rep;
	struct wr x;
	zx_status_t st;
	int hfd = -1;

	if (args == NULL)
		return ZX_ERR_INVALID_ARGS;
	if (!call_sock_get()) {
		consume(args->wr_handles, args->wr_num_handles);
		return ZX_ERR_NO_RESOURCES;
	}
	(void)zxh_get(handle, &hfd);
	wr_fill(&x, options, args->wr_bytes, args->wr_num_bytes,
	    args->wr_handles, args->wr_num_handles);
	cc.write = &x.w;
	cc.rd_num_bytes = args->rd_num_bytes;
	cc.rd_num_handles = args->rd_num_handles;
	cc.deadline = deadline;
	cc.reply_fd = (uint32_t)x.nfds;
	x.fds[x.nfds++] = call_sock[1];
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_CALL;
	req.channel_call = &cc;
	st = rpc_call(handle, &req, x.fds, x.nfds, NULL);
	consume_sent(&x, args->wr_handles, args->wr_num_handles);
	if (st != ZX_OK)
		return st;
	st = call_outcome(hfd, req.txid, &rep);
	if (st != ZX_OK)
		return st;
	st = rep.rep->status;
	if (st == ZX_OK) {
		if (actual_bytes == NULL || actual_handles == NULL ||
		    rep.rep->body_case != ZXD__REPLY__BODY_CHANNEL_READ) {
			st = actual_bytes == NULL || actual_handles == NULL ?
			    ZX_ERR_INVALID_ARGS : ZX_ERR_INTERNAL;
		} else {
			*actual_bytes = rep.rep->channel_read->actual_bytes;
			*actual_handles = rep.rep->channel_read->actual_handles;
			st = take_message(&rep, args->rd_bytes,
			    args->rd_num_bytes, args->rd_handles,
			    args->rd_num_handles);
		}
	}
	rpc_reply_free(&rep);
	return st;
}
