/* zx_channel_create, zx_channel_write(_etc), zx_channel_read(_etc),
 * zx_channel_call(_etc).
 *
 * A write sends the fds of the handles it carries with the request; the
 * daemon takes them from this process (its end of each handle's socket is
 * closed, so any dup(2) of the fd is dead too) and libzx then drops its
 * entries. The handles of a write are consumed whatever the outcome, as in
 * Zircon. */
#include "config-build.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/libzx.h"

/* The write part of a write or call request. */
struct wr {
	Zxd__ChannelWrite w;
	int32_t slots[ZX_CHANNEL_MAX_MSG_HANDLES];
	Zxd__HandleOp ops[ZX_CHANNEL_MAX_MSG_HANDLES];
	Zxd__HandleOp *opp[ZX_CHANNEL_MAX_MSG_HANDLES];
	/* The handles' fds, and a call's reply socket. */
	int fds[ZX_CHANNEL_MAX_MSG_HANDLES + 1];
	size_t nfds;
	void *gathered;		/* USE_IOVEC: the bytes, in one piece */
};

/* The handles a write names: plain values, or dispositions. */
struct wr_handles {
	const zx_handle_t *values;
	zx_handle_disposition_t *disp;
	uint32_t n;
};

static zx_handle_t
value_at(const struct wr_handles *hs, uint32_t i)
{
	return hs->values != NULL ? hs->values[i] : hs->disp[i].handle;
}

/* A write takes every handle it names except the DUPLICATE ones. */
static bool
taken(const struct wr_handles *hs, uint32_t i)
{
	return hs->disp == NULL ||
	    hs->disp[i].operation != ZX_HANDLE_OP_DUPLICATE;
}

/* The handles of a write are gone after it, whatever happened. Values
 * that are not live handles (or come twice) are skipped. */
static void
consume(const struct wr_handles *hs)
{
	if (hs->values == NULL && hs->disp == NULL)
		return;
	for (uint32_t i = 0; i < hs->n; i++)
		if (taken(hs, i) && value_at(hs, i) != ZX_HANDLE_INVALID)
			zxh_close(value_at(hs, i));
}

/* After the request: drop the entries of the handles that were sent
 * (the daemon has closed its end of each). Values that were not handles
 * when the request was made are left alone: another thread may have been
 * given that value since. */
static void
consume_sent(const struct wr *x, const struct wr_handles *hs)
{
	if (x->w.handle_fds == NULL) {
		consume(hs);
		return;
	}
	for (uint32_t i = 0; i < hs->n; i++)
		if (x->slots[i] >= 0 && taken(hs, i))
			zxh_close(value_at(hs, i));
}

/* ZX_CHANNEL_WRITE_USE_IOVEC: bytes is an array of num zx_channel_iovec_t.
 * The checks Zircon makes on them before the message's sizes go to the
 * daemon as a status, which it returns after looking the channel up. */
static void
gather(struct wr *x, const zx_channel_iovec_t *iov, uint32_t num)
{
	uint64_t total = 0;
	bool null = false;
	uint8_t *p;

	x->w.num_bytes = 0;
	if (num > ZX_CHANNEL_MAX_MSG_IOVECS) {
		x->w.iovec_status = ZX_ERR_OUT_OF_RANGE;
		return;
	}
	if (num > 0 && iov == NULL) {
		x->w.iovec_status = ZX_ERR_INVALID_ARGS;
		return;
	}
	for (uint32_t i = 0; i < num; i++) {
		if (iov[i].reserved != 0) {
			x->w.iovec_status = ZX_ERR_INVALID_ARGS;
			return;
		}
		total += iov[i].capacity;
		if (total > ZX_CHANNEL_MAX_MSG_BYTES) {
			x->w.iovec_status = ZX_ERR_OUT_OF_RANGE;
			return;
		}
		null |= iov[i].capacity > 0 && iov[i].buffer == NULL;
	}
	x->w.num_bytes = (uint32_t)total;
	/* A buffer that cannot be read faults after the size checks. */
	if (null) {
		x->w.bytes_null = true;
		return;
	}
	if (total == 0)
		return;
	x->gathered = malloc(total);
	if (x->gathered == NULL) {
		x->w.bytes_null = true;
		return;
	}
	p = x->gathered;
	for (uint32_t i = 0; i < num; i++) {
		memcpy(p, iov[i].buffer, iov[i].capacity);
		p += iov[i].capacity;
	}
	x->w.data.data = x->gathered;
	x->w.data.len = total;
}

/* Describe a write for the daemon, which does every check in Zircon's
 * order. The fds are this process's handle fds, not taken. */
static void
wr_fill(struct wr *x, uint32_t options, const void *bytes,
    uint32_t num_bytes, const struct wr_handles *hs)
{
	bool null = hs->values == NULL && hs->disp == NULL;

	zxd__channel_write__init(&x->w);
	x->nfds = 0;
	x->gathered = NULL;
	x->w.options = options;
	if (options & ZX_CHANNEL_WRITE_USE_IOVEC) {
		gather(x, bytes, num_bytes);
	} else {
		x->w.num_bytes = num_bytes;
		if (num_bytes > 0 && bytes == NULL) {
			x->w.bytes_null = true;
		} else if (num_bytes <= ZX_CHANNEL_MAX_MSG_BYTES) {
			x->w.data.data = (uint8_t *)bytes;
			x->w.data.len = num_bytes;
		}
	}
	x->w.num_handles = hs->n;
	if (hs->n > 0 && null) {
		x->w.handles_null = true;
	} else if (hs->n <= ZX_CHANNEL_MAX_MSG_HANDLES) {
		for (uint32_t i = 0; i < hs->n; i++) {
			int fd;

			if (zxh_get(value_at(hs, i), &fd) != NULL) {
				x->slots[i] = (int32_t)x->nfds;
				x->fds[x->nfds++] = fd;
			} else {
				x->slots[i] = -1;
			}
			if (hs->disp != NULL) {
				zxd__handle_op__init(&x->ops[i]);
				x->ops[i].operation = hs->disp[i].operation;
				x->ops[i].type = hs->disp[i].type;
				x->ops[i].rights = hs->disp[i].rights;
				x->opp[i] = &x->ops[i];
			}
		}
		x->w.n_handle_fds = hs->n;
		x->w.handle_fds = x->slots;
		if (hs->disp != NULL) {
			x->w.n_ops = hs->n;
			x->w.ops = x->opp;
		}
	}
}

static void
wr_done(struct wr *x)
{
	free(x->gathered);
	x->gathered = NULL;
}

/* The daemon's per-disposition results: written back where an entry
 * failed only (Zircon never writes ZX_OK there). */
static void
write_back(const struct rpc_reply *r, const struct wr_handles *hs)
{
	const Zxd__ChannelWriteReply *b = r->rep->channel_write;

	if (hs->disp == NULL ||
	    r->rep->body_case != ZXD__REPLY__BODY_CHANNEL_WRITE ||
	    b->n_results != hs->n)
		return;
	for (uint32_t i = 0; i < hs->n; i++)
		if (b->results[i] != ZX_OK)
			hs->disp[i].result = b->results[i];
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

static zx_status_t
write_common(zx_handle_t handle, uint32_t options, const void *bytes,
    uint32_t num_bytes, const struct wr_handles *hs)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	struct rpc_reply rep;
	struct wr x;
	zx_status_t st;

	/* The daemon checks in Zircon's order and closes the handles
	 * itself on every failure. */
	wr_fill(&x, options, bytes, num_bytes, hs);
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_WRITE;
	req.channel_write = &x.w;
	st = rpc_call(handle, &req, x.fds, x.nfds, &rep);
	wr_done(&x);
	if (rep.rep != NULL)
		write_back(&rep, hs);
	rpc_reply_free(&rep);
	consume_sent(&x, hs);
	return st;
}

EXPORT zx_status_t
zx_channel_write(zx_handle_t handle, uint32_t options, const void *bytes,
    uint32_t num_bytes, const zx_handle_t *handles, uint32_t num_handles)
{
	struct wr_handles hs = { handles, NULL, num_handles };

	return write_common(handle, options, bytes, num_bytes, &hs);
}

EXPORT zx_status_t
zx_channel_write_etc(zx_handle_t handle, uint32_t options, const void *bytes,
    uint32_t num_bytes, zx_handle_disposition_t *handles,
    uint32_t num_handles)
{
	struct wr_handles hs = { NULL, handles, num_handles };

	return write_common(handle, options, bytes, num_bytes, &hs);
}

/* Where a read puts the handles: plain values, or zx_handle_info_t. */
struct rd_handles {
	zx_handle_t *values;
	zx_handle_info_t *infos;
};

/* Copy a message out of a reply: bytes first, then the handles, as
 * Zircon does; a NULL buffer for a non-empty part is INVALID_ARGS (the
 * message is gone then, and so are its handles). */
static zx_status_t
take_message(struct rpc_reply *r, void *bytes, uint32_t max_bytes,
    const struct rd_handles *out, uint32_t max_handles)
{
	const Zxd__ChannelReadReply *b = r->rep->channel_read;
	zx_handle_t hv[ZX_CHANNEL_MAX_MSG_HANDLES];
	size_t n = r->rep->n_handles;
	zx_status_t st;

	if (r->rep->body_case != ZXD__REPLY__BODY_CHANNEL_READ ||
	    b->data.len != b->actual_bytes || b->data.len > max_bytes ||
	    n != b->actual_handles || n > max_handles || r->nfds != n ||
	    n > ZX_CHANNEL_MAX_MSG_HANDLES)
		return ZX_ERR_INTERNAL;
	if (b->data.len > 0) {
		if (bytes == NULL)
			return ZX_ERR_INVALID_ARGS;
		memcpy(bytes, b->data.data, b->data.len);
	}
	if (n == 0)
		return ZX_OK;
	if (out->values == NULL && out->infos == NULL)
		return ZX_ERR_INVALID_ARGS;
	st = rpc_reply_handles(r, out->values != NULL ? out->values : hv, n);
	if (st != ZX_OK || out->infos == NULL)
		return st;
	for (size_t i = 0; i < n; i++) {
		out->infos[i].handle = hv[i];
		out->infos[i].type = r->rep->handles[i]->type;
		out->infos[i].rights = r->rep->handles[i]->rights;
		out->infos[i].unused = 0;
	}
	return ZX_OK;
}

static zx_status_t
read_common(zx_handle_t handle, uint32_t options, void *bytes,
    const struct rd_handles *handles, uint32_t num_bytes,
    uint32_t num_handles, uint32_t *actual_bytes, uint32_t *actual_handles)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelRead cr = ZXD__CHANNEL_READ__INIT;
	struct rpc_reply rep;
	zx_status_t st;

	cr.options = options;
	cr.num_bytes = num_bytes;
	cr.num_handles = num_handles;
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_READ;
	req.channel_read = &cr;
	st = rpc_call(handle, &req, NULL, 0, &rep);
	if (rep.rep == NULL)
		return st;
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

EXPORT zx_status_t
zx_channel_read(zx_handle_t handle, uint32_t options, void *bytes,
    zx_handle_t *handles, uint32_t num_bytes, uint32_t num_handles,
    uint32_t *actual_bytes, uint32_t *actual_handles)
{
	struct rd_handles out = { handles, NULL };

	return read_common(handle, options, bytes, &out, num_bytes,
	    num_handles, actual_bytes, actual_handles);
}

EXPORT zx_status_t
zx_channel_read_etc(zx_handle_t handle, uint32_t options, void *bytes,
    zx_handle_info_t *handles, uint32_t num_bytes, uint32_t num_handles,
    uint32_t *actual_bytes, uint32_t *actual_handles)
{
	struct rd_handles out = { NULL, handles };

	return read_common(handle, options, bytes, &out, num_bytes,
	    num_handles, actual_bytes, actual_handles);
}

/* Wait for the one packet the daemon sends on a call's reply socket. */
static zx_status_t
call_outcome(int sock, struct rpc_reply *out)
{
	struct wire_msg m = { 0 };
	ssize_t n;

	out->rep = NULL;
	out->nfds = 0;
	m.buf = malloc(WIRE_MAX_MSG);
	if (m.buf == NULL)
		return ZX_ERR_NO_MEMORY;
	n = wire_recv(sock, &m);
	if (n <= 0) {
		free(m.buf);
		/* The daemon dropped the call without a word: it went
		 * away, and the handle with it. */
		return n == 0 ? ZX_ERR_CANCELED :
		    rpc_status_from_errno((int)n);
	}
	out->rep = zxd__reply__unpack(NULL, m.len, m.buf);
	free(m.buf);
	memcpy(out->fds, m.fds, m.nfds * sizeof(int));
	out->nfds = m.nfds;
	if (out->rep == NULL || out->rep->nfds != m.nfds ||
	    out->rep->n_handles > m.nfds) {
		rpc_reply_free(out);
		return ZX_ERR_INTERNAL;
	}
	return ZX_OK;
}

/* What a call writes and where its reply goes. */
struct call_args {
	const void *wr_bytes;
	uint32_t wr_num_bytes;
	struct wr_handles wr;
	void *rd_bytes;
	uint32_t rd_num_bytes;
	struct rd_handles rd;
	uint32_t rd_num_handles;
};

static zx_status_t
call_common(zx_handle_t handle, uint32_t options, zx_time_t deadline,
    const struct call_args *a, uint32_t *actual_bytes,
    uint32_t *actual_handles)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelCall cc = ZXD__CHANNEL_CALL__INIT;
	struct rpc_reply rep;
	struct wr x;
	zx_status_t st;
	int sv[2];

	/* The daemon answers the call on a socket of its own, so the
	 * channel's socket stays free for other threads meanwhile, and
	 * closing the handle can cancel the wait. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		consume(&a->wr);
		return ZX_ERR_NO_RESOURCES;
	}
	wr_fill(&x, options, a->wr_bytes, a->wr_num_bytes, &a->wr);
	cc.write = &x.w;
	cc.rd_num_bytes = a->rd_num_bytes;
	cc.rd_num_handles = a->rd_num_handles;
	cc.deadline = deadline;
	cc.reply_fd = (uint32_t)x.nfds;
	x.fds[x.nfds++] = sv[1];
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_CALL;
	req.channel_call = &cc;
	st = rpc_call(handle, &req, x.fds, x.nfds, &rep);
	wr_done(&x);
	close(sv[1]);
	if (rep.rep != NULL)
		write_back(&rep, &a->wr);
	rpc_reply_free(&rep);
	consume_sent(&x, &a->wr);
	if (st == ZX_OK)
		st = call_outcome(sv[0], &rep);
	close(sv[0]);
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
			st = take_message(&rep, a->rd_bytes, a->rd_num_bytes,
			    &a->rd, a->rd_num_handles);
		}
	}
	rpc_reply_free(&rep);
	return st;
}

EXPORT zx_status_t
zx_channel_call(zx_handle_t handle, uint32_t options, zx_time_t deadline,
    const zx_channel_call_args_t *args, uint32_t *actual_bytes,
    uint32_t *actual_handles)
{
	struct call_args a;

	if (args == NULL)
		return ZX_ERR_INVALID_ARGS;
	a = (struct call_args){
		.wr_bytes = args->wr_bytes,
		.wr_num_bytes = args->wr_num_bytes,
		.wr = { args->wr_handles, NULL, args->wr_num_handles },
		.rd_bytes = args->rd_bytes,
		.rd_num_bytes = args->rd_num_bytes,
		.rd = { args->rd_handles, NULL },
		.rd_num_handles = args->rd_num_handles,
	};
	return call_common(handle, options, deadline, &a, actual_bytes,
	    actual_handles);
}

EXPORT zx_status_t
zx_channel_call_etc(zx_handle_t handle, uint32_t options, zx_time_t deadline,
    zx_channel_call_etc_args_t *args, uint32_t *actual_bytes,
    uint32_t *actual_handles)
{
	struct call_args a;

	if (args == NULL)
		return ZX_ERR_INVALID_ARGS;
	a = (struct call_args){
		.wr_bytes = args->wr_bytes,
		.wr_num_bytes = args->wr_num_bytes,
		.wr = { NULL, args->wr_handles, args->wr_num_handles },
		.rd_bytes = args->rd_bytes,
		.rd_num_bytes = args->rd_num_bytes,
		.rd = { NULL, args->rd_handles },
		.rd_num_handles = args->rd_num_handles,
	};
	return call_common(handle, options, deadline, &a, actual_bytes,
	    actual_handles);
}
