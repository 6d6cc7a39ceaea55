/* zx_channel_create, zx_channel_write(_etc), zx_channel_read(_etc),
 * zx_channel_call(_etc).
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
#include <sys/stat.h>
#include <unistd.h>

#include "client/libzx.h"
#include "client/usercopy.h"
#include "proto/envelope.h"

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
	/* Otherwise the caller's bytes, sent from where they are as the
	 * request's tail (the kernel checks the pointer). */
	const void *tail;
	uint32_t tail_len;
};

/* The handles a write names: plain values, or dispositions. Up to the
 * limit they are read once, through usercopy, into libzx's own copy; a
 * caller's array that cannot be read names none (the daemon answers
 * INVALID_ARGS where Zircon would). */
struct wr_handles {
	const zx_handle_t *values;
	zx_handle_disposition_t *disp;
	uint32_t n;
	/* The caller's dispositions, for the results. */
	zx_handle_disposition_t *user_disp;
	bool fault;
	zx_handle_t local_values[ZX_CHANNEL_MAX_MSG_HANDLES];
	zx_handle_disposition_t local_disp[ZX_CHANNEL_MAX_MSG_HANDLES];
};

static void
wr_handles_load(struct wr_handles *hs)
{
	zx_status_t st;

	hs->user_disp = hs->disp;
	hs->fault = false;
	if (hs->n == 0 || hs->n > ZX_CHANNEL_MAX_MSG_HANDLES ||
	    (hs->values == NULL && hs->disp == NULL))
		return;
	if (hs->values != NULL) {
		st = usercopy_from_user(hs->local_values, hs->values,
		    hs->n * sizeof(hs->values[0]));
		hs->values = hs->local_values;
	} else {
		st = usercopy_from_user(hs->local_disp, hs->disp,
		    hs->n * sizeof(hs->disp[0]));
		hs->disp = hs->local_disp;
	}
	if (st != ZX_OK) {
		hs->fault = true;
		hs->values = NULL;
		hs->disp = NULL;
	}
}

/* Entry i: from libzx's copy, or (past the limit) read from the
 * caller's array now; false where it cannot be read. */
static bool
entry_at(const struct wr_handles *hs, uint32_t i, zx_handle_t *value,
    bool *taken)
{
	zx_handle_disposition_t d;

	if (hs->values == hs->local_values && hs->values != NULL) {
		*value = hs->values[i];
		*taken = true;
		return true;
	}
	if (hs->disp == hs->local_disp && hs->disp != NULL) {
		*value = hs->disp[i].handle;
		*taken = hs->disp[i].operation != ZX_HANDLE_OP_DUPLICATE;
		return true;
	}
	if (hs->values != NULL) {
		*taken = true;
		return usercopy_from_user(value, &hs->values[i],
		    sizeof(*value)) == ZX_OK;
	}
	if (hs->disp != NULL &&
	    usercopy_from_user(&d, &hs->disp[i], sizeof(d)) == ZX_OK) {
		*value = d.handle;
		*taken = d.operation != ZX_HANDLE_OP_DUPLICATE;
		return true;
	}
	return false;
}

/* The handles of a write are gone after it, whatever happened, except
 * the DUPLICATE ones. Values that are not live handles (or come twice)
 * are skipped; so is an array that cannot be read. */
static void
consume(const struct wr_handles *hs)
{
	zx_handle_t v;
	bool taken;

	for (uint32_t i = 0; i < hs->n; i++) {
		if (!entry_at(hs, i, &v, &taken))
			return;
		if (taken && v != ZX_HANDLE_INVALID)
			zxh_close(v);
	}
}

/* After the request: drop the entries of the handles that were sent
 * (the daemon has closed its end of each, or kept it as a spare: bit
 * `slot` of `spared`). Values that were not handles when the request was
 * made are left alone: another thread may have been given that value
 * since. */
static void
consume_sent(const struct wr *x, const struct wr_handles *hs,
    uint64_t spared)
{
	zx_handle_t v;
	bool taken;
	int fd;

	if (x->w.handle_fds == NULL) {
		consume(hs);
		return;
	}
	for (uint32_t i = 0; i < hs->n; i++) {
		int32_t s = x->slots[i];

		if (s < 0 || !entry_at(hs, i, &v, &taken) || !taken)
			continue;
		if (s < 64 && (spared >> s & 1)) {
			/* Its socket is a spare now: the entry goes first. */
			if (zxh_forget(v, &fd))
				zxh_spare_settle(x->fds[s], true);
		} else {
			zxh_close(v);
		}
	}
}

/* Send the moved handles of a write by name, offering their sockets as
 * spares (Request.spare_args); returns the fds to send (0, or x->nfds
 * when they cannot all go by name) and the offer in *offered. */
static size_t
offer_sent(struct wr *x, const struct wr_handles *hs, Zxd__Request *req,
    uint64_t *inos, uint64_t *offered)
{
	zx_handle_t v;
	bool taken;
	int fd;

	*offered = 0;
	if (x->nfds == 0 || !zxh_fds_inos(x->fds, x->nfds, inos))
		return x->nfds;
	req->handle_args = inos;
	req->n_handle_args = x->nfds;
	for (uint32_t i = 0; i < hs->n; i++) {
		int32_t s = x->slots[i];

		/* Each fd once (a value named twice is taken once). */
		if (s < 0 || s >= 64 || (*offered >> s & 1) ||
		    !entry_at(hs, i, &v, &taken) || !taken)
			continue;
		for (int32_t j = 0; j < s; j++)
			if (x->fds[j] == x->fds[s])
				goto next;
		/* (v's fd is x->fds[s]: a value names its fd.) */
		if (zxh_spare_offer(v, &fd))
			*offered |= 1ull << s;
next:		;
	}
	req->spare_args = *offered;
	return 0;
}

/* The offers the daemon did not take: their notes go. */
static void
offer_done(const struct wr *x, uint64_t offered, uint64_t spared)
{
	for (size_t s = 0; s < x->nfds && s < 64; s++)
		if ((offered >> s & 1) && !(spared >> s & 1))
			zxh_spare_settle(x->fds[s], false);
}

/* ZX_CHANNEL_WRITE_USE_IOVEC: bytes is an array of num zx_channel_iovec_t.
 * The checks Zircon makes on them before the message's sizes go to the
 * daemon as a status, which it returns after looking the channel up. */
static void
gather(struct wr *x, const zx_channel_iovec_t *user_iov, uint32_t num)
{
	zx_channel_iovec_t *iov = NULL;
	uint64_t total = 0;
	bool null = false;
	uint8_t *p;

	x->w.num_bytes = 0;
	if (num > ZX_CHANNEL_MAX_MSG_IOVECS) {
		x->w.iovec_status = ZX_ERR_OUT_OF_RANGE;
		return;
	}
	if (num > 0) {
		iov = malloc(num * sizeof(*iov));
		if (iov == NULL || usercopy_from_user(iov, user_iov,
		    num * sizeof(*iov)) != ZX_OK) {
			free(iov);
			x->w.iovec_status = ZX_ERR_INVALID_ARGS;
			return;
		}
	}
	for (uint32_t i = 0; i < num; i++) {
		if (iov[i].reserved != 0) {
			x->w.iovec_status = ZX_ERR_INVALID_ARGS;
			goto out;
		}
		total += iov[i].capacity;
		if (total > ZX_CHANNEL_MAX_MSG_BYTES) {
			x->w.iovec_status = ZX_ERR_OUT_OF_RANGE;
			goto out;
		}
		null |= iov[i].capacity > 0 && iov[i].buffer == NULL;
	}
	x->w.num_bytes = (uint32_t)total;
	/* A buffer that cannot be read faults after the size checks. */
	if (null || total == 0) {
		x->w.bytes_null = null;
		goto out;
	}
	x->gathered = malloc(total);
	if (x->gathered == NULL) {
		x->w.bytes_null = true;
		goto out;
	}
	p = x->gathered;
	for (uint32_t i = 0; i < num; i++) {
		if (usercopy_from_user(p, iov[i].buffer, iov[i].capacity) !=
		    ZX_OK) {
			x->w.bytes_null = true;
			goto out;
		}
		p += iov[i].capacity;
	}
	x->w.data.data = x->gathered;
	x->w.data.len = total;
out:
	free(iov);
}

/* Describe a write for the daemon, which does every check in Zircon's
 * order. The fds are this process's handle fds, not taken. */
static void
wr_fill(struct wr *x, uint32_t options, const void *bytes,
    uint32_t num_bytes, const struct wr_handles *hs)
{
	bool null = (hs->values == NULL && hs->disp == NULL) || hs->fault;

	zxd__channel_write__init(&x->w);
	x->nfds = 0;
	x->gathered = NULL;
	x->tail = NULL;
	x->tail_len = 0;
	x->w.options = options;
	if (options & ZX_CHANNEL_WRITE_USE_IOVEC) {
		gather(x, bytes, num_bytes);
	} else {
		x->w.num_bytes = num_bytes;
		if (num_bytes > 0 && bytes == NULL) {
			x->w.bytes_null = true;
		} else if (num_bytes > 0 &&
		    num_bytes <= ZX_CHANNEL_MAX_MSG_BYTES) {
			/* Read by the kernel as it sends them (wr_send): a
			 * bad pointer is INVALID_ARGS, in its place among
			 * the checks. */
			x->tail = bytes;
			x->tail_len = num_bytes;
		}
	}
	x->w.num_handles = hs->n;
	if (hs->n > 0 && null && hs->n <= ZX_CHANNEL_MAX_MSG_HANDLES) {
		x->w.handles_null = true;
	} else if (hs->n <= ZX_CHANNEL_MAX_MSG_HANDLES) {
		for (uint32_t i = 0; i < hs->n; i++) {
			int fd;

			zx_handle_t v = hs->values != NULL ? hs->values[i] :
			    hs->disp[i].handle;

			if (zxh_get(v, &fd) != NULL) {
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

/* Put x's bytes in req as its tail. */
static void
wr_tail(const struct wr *x, Zxd__Request *req)
{
	req->tail.data = (uint8_t *)x->tail;
	req->tail.len = x->tail_len;
}

/* After RPC_ERR_FAULT (the kernel could not read the bytes; nothing was
 * sent): the same request saying so, for the daemon's status in its
 * order. */
static void
wr_faulted(struct wr *x, Zxd__Request *req)
{
	x->tail = NULL;
	x->tail_len = 0;
	x->w.bytes_null = true;
	wr_tail(x, req);
}

static void
wr_done(struct wr *x)
{
	free(x->gathered);
	x->gathered = NULL;
}

/* Send the write's request on handle h (its bytes as the tail) and take
 * x's buffers back: with `upto`, sent only (rpc_send), else a round trip
 * into rep (rpc_call). A fault on the bytes sends it again saying so. */
static zx_status_t
wr_request(zx_handle_t h, struct wr *x, Zxd__Request *req, size_t nfds,
    struct rpc_reply *rep, uint64_t *upto)
{
	zx_status_t st;

	wr_tail(x, req);
	for (int again = 0;; again++) {
		st = upto != NULL ? rpc_send(h, req, x->fds, nfds, upto) :
		    rpc_call(h, req, x->fds, nfds, rep);
		if (st != RPC_ERR_FAULT || again)
			break;
		wr_faulted(x, req);
	}
	wr_done(x);
	return st;
}

/* The daemon's per-disposition results: written back where an entry
 * failed only (Zircon never writes ZX_OK there). */
static void
write_back(const struct rpc_reply *r, const struct wr_handles *hs)
{
	const Zxd__ChannelWriteReply *b = r->rep->channel_write;

	if (hs->user_disp == NULL ||
	    r->rep->body_case != ZXD__REPLY__BODY_CHANNEL_WRITE ||
	    b->n_results != hs->n)
		return;
	for (uint32_t i = 0; i < hs->n; i++) {
		zx_status_t v = b->results[i];

		if (v != ZX_OK)
			(void)usercopy_to_user(&hs->user_disp[i].result, &v,
			    sizeof(v));
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

static zx_status_t
write_common(zx_handle_t handle, uint32_t options, const void *bytes,
    uint32_t num_bytes, struct wr_handles *hs)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	uint64_t inos[ZX_CHANNEL_MAX_MSG_HANDLES], offered, spared = 0;
	struct rpc_reply rep;
	struct wr x;
	zx_status_t st;
	size_t nfds;

	/* The daemon checks in Zircon's order and closes the handles
	 * itself on every failure. */
	wr_handles_load(hs);
	wr_fill(&x, options, bytes, num_bytes, hs);
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_WRITE;
	req.channel_write = &x.w;
	nfds = offer_sent(&x, hs, &req, inos, &offered);
	st = wr_request(handle, &x, &req, nfds, &rep, NULL);
	if (rep.rep != NULL) {
		write_back(&rep, hs);
		spared = rep.rep->spared_args & offered;
	}
	rpc_reply_free(&rep);
	offer_done(&x, offered, spared);
	consume_sent(&x, hs, spared);
	return st;
}

EXPORT zx_status_t
zx_channel_write(zx_handle_t handle, uint32_t options, const void *bytes,
    uint32_t num_bytes, const zx_handle_t *handles, uint32_t num_handles)
{
	struct wr_handles hs = { .values = handles, .n = num_handles };

	return write_common(handle, options, bytes, num_bytes, &hs);
}

EXPORT zx_status_t
zx_channel_write_etc(zx_handle_t handle, uint32_t options, const void *bytes,
    uint32_t num_bytes, zx_handle_disposition_t *handles,
    uint32_t num_handles)
{
	struct wr_handles hs = { .disp = handles, .n = num_handles };

	return write_common(handle, options, bytes, num_bytes, &hs);
}

/* Where a read puts the handles: plain values, or zx_handle_info_t. */
struct rd_handles {
	zx_handle_t *values;
	zx_handle_info_t *infos;
};

/* Give the reply's handles up: they go back to the daemon closed. */
static void
close_all(const zx_handle_t *hv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		zxh_close(hv[i]);
}

/* Copy a message out of a reply: bytes first, then the handles, as
 * Zircon does; a NULL or faulting buffer for a non-empty part is
 * INVALID_ARGS (the message is gone then, and so are its handles). */
static zx_status_t
take_message(struct rpc_reply *r, void *bytes, uint32_t max_bytes,
    const struct rd_handles *out, uint32_t max_handles)
{
	const Zxd__ChannelReadReply *b = r->rep->channel_read;
	zx_handle_t hv[ZX_CHANNEL_MAX_MSG_HANDLES];
	zx_handle_info_t info[ZX_CHANNEL_MAX_MSG_HANDLES];
	size_t n = r->rep->n_handles;
	zx_status_t st;

	if (r->rep->body_case != ZXD__REPLY__BODY_CHANNEL_READ ||
	    b->data.len != b->actual_bytes || b->data.len > max_bytes ||
	    n != b->actual_handles || n > max_handles || r->nfds != n ||
	    n > ZX_CHANNEL_MAX_MSG_HANDLES)
		return ZX_ERR_INTERNAL;
	if (b->data.len > 0 &&
	    usercopy_to_user(bytes, b->data.data, b->data.len) != ZX_OK)
		return ZX_ERR_INVALID_ARGS;
	if (n == 0)
		return ZX_OK;
	if (out->values == NULL && out->infos == NULL)
		return ZX_ERR_INVALID_ARGS;
	st = rpc_reply_handles(r, hv, n);
	if (st != ZX_OK)
		return st;
	if (out->values != NULL) {
		st = usercopy_to_user(out->values, hv, n * sizeof(hv[0]));
	} else {
		for (size_t i = 0; i < n; i++) {
			info[i].handle = hv[i];
			info[i].type = r->rep->handles[i]->type;
			info[i].rights = r->rep->handles[i]->rights;
			info[i].unused = 0;
		}
		st = usercopy_to_user(out->infos, info, n * sizeof(info[0]));
	}
	if (st != ZX_OK)
		close_all(hv, n);
	return st;
}

/* The actual sizes, where the caller asked for them. */
static zx_status_t
put_actuals(const Zxd__ChannelReadReply *b, uint32_t *actual_bytes,
    uint32_t *actual_handles)
{
	return usercopy_to_user2(actual_bytes, &b->actual_bytes,
	    actual_bytes != NULL ? sizeof(*actual_bytes) : 0, actual_handles,
	    &b->actual_handles, actual_handles != NULL ?
	    sizeof(*actual_handles) : 0);
}

/* A read the daemon answers; e (NULL for a value that is not a live
 * handle) asks for a delivery socket if it has none. */
static zx_status_t
read_by_request(zx_handle_t handle, struct zxh *e, uint32_t options,
    void *bytes, const struct rd_handles *handles, uint32_t num_bytes,
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
		/* The reply's last fd: this handle's delivery socket. */
		dlv_adopt(e, rep.fds[rep.nfds - 1]);
		rep.fds[rep.nfds - 1] = -1;
		rep.nfds--;
		rep.rep->channel_read->delivery = false;
	}
	if ((st == ZX_OK || st == ZX_ERR_BUFFER_TOO_SMALL) &&
	    rep.rep->body_case == ZXD__REPLY__BODY_CHANNEL_READ) {
		/* Also on BUFFER_TOO_SMALL: the size the caller needs. A
		 * faulting pointer loses the message all the same. */
		zx_status_t ast = put_actuals(rep.rep->channel_read,
		    actual_bytes, actual_handles);

		if (st == ZX_OK && ast != ZX_OK)
			st = ast;
		else if (st == ZX_OK)
			st = take_message(&rep, bytes, num_bytes, handles,
			    num_handles);
	}
	rpc_reply_free(&rep);
	return st;
}

/* Hand out what dlv_read took, as a read by request would: the actual
 * sizes (unless the read scattered them already), then the handles
 * (values or infos), through the kernel. */
static zx_status_t
read_delivered(struct dlv_result *r, const struct rd_handles *out,
    uint32_t *actual_bytes, uint32_t *actual_handles)
{
	zx_handle_info_t info[ZX_CHANNEL_MAX_MSG_HANDLES];
	zx_status_t st = r->st;

	if (r->have_actuals) {
		Zxd__ChannelReadReply b = ZXD__CHANNEL_READ_REPLY__INIT;
		zx_status_t ast;

		b.actual_bytes = r->actual_bytes;
		b.actual_handles = r->actual_handles;
		ast = put_actuals(&b, actual_bytes, actual_handles);
		if (st == ZX_OK && ast != ZX_OK)
			st = ast;
	}
	if (st == ZX_OK && r->nhandles > 0) {
		if (out->values != NULL) {
			st = usercopy_to_user(out->values, r->handles,
			    r->nhandles * sizeof(r->handles[0]));
		} else if (out->infos != NULL) {
			for (uint32_t i = 0; i < r->nhandles; i++) {
				info[i].handle = r->handles[i];
				info[i].type = r->types[i];
				info[i].rights = r->rights[i];
				info[i].unused = 0;
			}
			st = usercopy_to_user(out->infos, info,
			    r->nhandles * sizeof(info[0]));
		} else {
			st = ZX_ERR_INVALID_ARGS;
		}
	}
	/* A message taken but not handed out: its handles are gone. */
	if (st != ZX_OK && r->nhandles > 0)
		close_all(r->handles, r->nhandles);
	return st;
}

/* A read: what the daemon pushed into the handle's delivery socket, or
 * by request (doc/DATAPATH.md). */
static zx_status_t
read_common(zx_handle_t handle, uint32_t options, void *bytes,
    const struct rd_handles *handles, uint32_t num_bytes,
    uint32_t num_handles, uint32_t *actual_bytes, uint32_t *actual_handles)
{
	struct zxh *e = zxh_get(handle, NULL);
	struct dlv_result res;
	zx_status_t st;

	if (e == NULL)
		return read_by_request(handle, NULL, options, bytes, handles,
		    num_bytes, num_handles, actual_bytes, actual_handles);
	/* One reader at a time: a peek and its take are one step, and a
	 * read by request after a backlog marker comes before any other
	 * read of the delivery socket. */
	pthread_mutex_lock(&e->rdlock);
	if (dlv_read(e, options, bytes, num_bytes, num_handles, actual_bytes,
	    actual_handles, &res) == DLV_DONE)
		st = read_delivered(&res, handles, actual_bytes,
		    actual_handles);
	else
		st = read_by_request(handle, e, options, bytes, handles,
		    num_bytes, num_handles, actual_bytes, actual_handles);
	pthread_mutex_unlock(&e->rdlock);
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

/*
 * Each thread's reply socket for zx_channel_call, made once and kept: the
 * daemon answers there, so the channel's socket stays free for other
 * threads meanwhile and closing the handle can cancel the wait. The first
 * call hands the daemon the sending end and asks it to keep it
 * (ChannelCall.keep_reply); once it has (Reply.reply_kept), later calls
 * name it by its inode and pass no fd, and the thread closes its own copy
 * of that end, so the daemon's death shows as EOF on the receiving end.
 * Until then the thread keeps both ends, and the wait watches the
 * handle's socket for the daemon's death as well.
 */
static __thread struct {
	int rx, tx;		/* receiving, sending end (-1: given away) */
	uint64_t ino;		/* the sending end's inode */
	unsigned epoch;		/* kept by the daemon of this epoch, or 0 */
} cs = { -1, -1, 0, 0 };
static pthread_key_t call_sock_key;
static pthread_once_t call_sock_once = PTHREAD_ONCE_INIT;

static void
call_sock_close(void *arg)
{
	(void)arg;
	if (cs.rx >= 0)
		close(cs.rx);
	if (cs.tx >= 0)
		close(cs.tx);
	cs.rx = cs.tx = -1;
	cs.epoch = 0;
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

/* The thread's reply socket for a call on a handle of `epoch`: a new one
 * if the daemon that kept the old one is not that handle's. */
static bool
call_sock_get(unsigned epoch)
{
	int sv[2];
	struct stat st;

	pthread_once(&call_sock_once, call_sock_init);
	if (cs.rx >= 0 && (cs.epoch == 0 || cs.epoch == epoch))
		return true;
	call_sock_close(NULL);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return false;
	if (fstat(sv[1], &st) < 0) {
		close(sv[0]);
		close(sv[1]);
		return false;
	}
	cs.rx = sv[0];
	cs.tx = sv[1];
	cs.ino = st.st_ino;
	/* Only for the destructor to run at thread exit. */
	pthread_setspecific(call_sock_key, &cs);
	return true;
}

/* Name the reply socket in cc, or pass it as fds[*nfds] and ask the daemon
 * of `epoch` to keep it. */
static void
call_sock_offer(Zxd__ChannelCall *cc, int *fds, size_t *nfds)
{
	if (cs.epoch != 0) {
		cc->reply_ino = cs.ino;
		cc->reply_fd = UINT32_MAX;
		return;
	}
	cc->keep_reply = true;
	cc->reply_fd = (uint32_t)*nfds;
	fds[(*nfds)++] = cs.tx;
}

/* The outcome says whether the daemon kept the socket it was offered. */
static void
call_sock_taken(const Zxd__Reply *rep, unsigned epoch)
{
	if (cs.epoch != 0 || !rep->reply_kept || cs.tx < 0)
		return;
	cs.epoch = epoch;
	close(cs.tx);
	cs.tx = -1;
}

/* Wait for the outcome of the call whose request had `txid`, on the
 * thread's reply socket; the handle's socket `hfd` says if the daemon
 * went away meanwhile (where the thread still holds the sending end). */
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
			{ .fd = cs.rx, .events = POLLIN },
			{ .fd = hfd, .events = POLLRDHUP },
		};

		if (cs.tx < 0) {
			/* Only the daemon holds the sending end: its death
			 * is EOF here. */
		} else if (poll(p, 2, -1) < 0 && errno != EINTR) {
			return ZX_ERR_INTERNAL;
		} else if (!(p[0].revents & POLLIN)) {
			if (!(p[1].revents & (POLLRDHUP | POLLHUP | POLLERR |
			    POLLNVAL)))
				continue;
			/* The daemon dropped the call without a word: it
			 * went away, and the handle with it. */
			if (recv(cs.rx, m.buf, 1, MSG_PEEK | MSG_DONTWAIT) < 0)
				return ZX_ERR_CANCELED;
		}
		n = wire_recv(cs.rx, &m);
		if (n == -EINTR)
			continue;
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

/* The outcome of a call: its status, or the reply taken into the
 * caller's buffers. Frees rep. */
static zx_status_t
call_taken(struct rpc_reply *rep, struct call_args *a,
    uint32_t *actual_bytes, uint32_t *actual_handles)
{
	zx_status_t st = rep->rep->status;

	if (st == ZX_OK) {
		if (actual_bytes == NULL || actual_handles == NULL ||
		    rep->rep->body_case != ZXD__REPLY__BODY_CHANNEL_READ) {
			st = actual_bytes == NULL || actual_handles == NULL ?
			    ZX_ERR_INVALID_ARGS : ZX_ERR_INTERNAL;
		} else {
			st = put_actuals(rep->rep->channel_read, actual_bytes,
			    actual_handles);
			if (st == ZX_OK)
				st = take_message(rep, a->rd_bytes,
				    a->rd_num_bytes, &a->rd,
				    a->rd_num_handles);
		}
	}
	rpc_reply_free(rep);
	return st;
}

static zx_status_t
call_common(zx_handle_t handle, uint32_t options, zx_time_t deadline,
    struct call_args *a, uint32_t *actual_bytes, uint32_t *actual_handles)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelCall cc = ZXD__CHANNEL_CALL__INIT;
	struct rpc_reply rep;
	unsigned epoch = 0;
	struct zxh *e;
	struct wr x;
	zx_status_t st;
	int hfd = -1;

	wr_handles_load(&a->wr);
	e = zxh_get(handle, &hfd);
	if (e != NULL)
		epoch = e->epoch;
	if (!call_sock_get(epoch)) {
		consume(&a->wr);
		return ZX_ERR_NO_RESOURCES;
	}
	wr_fill(&x, options, a->wr_bytes, a->wr_num_bytes, &a->wr);
	cc.write = &x.w;
	cc.rd_num_bytes = a->rd_num_bytes;
	cc.rd_num_handles = a->rd_num_handles;
	cc.deadline = deadline;
	call_sock_offer(&cc, x.fds, &x.nfds);
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_CALL;
	req.channel_call = &cc;
	if (a->wr.n == 0 && hfd >= 0) {
		/* One packet each way: the daemon answers only on the
		 * reply socket, errors of the write included. */
		uint64_t upto;

		cc.outcome_only = true;
		st = wr_request(handle, &x, &req, x.nfds, NULL, &upto);
		if (st != ZX_OK)
			return st;
		st = call_outcome(hfd, req.txid, &rep);
		if (st != ZX_OK)
			return st;
		rpc_sent_answered(upto);
		call_sock_taken(rep.rep, epoch);
		return call_taken(&rep, a, actual_bytes, actual_handles);
	}
	st = wr_request(handle, &x, &req, x.nfds, &rep, NULL);
	if (rep.rep != NULL)
		write_back(&rep, &a->wr);
	rpc_reply_free(&rep);
	consume_sent(&x, &a->wr, 0);
	if (st != ZX_OK)
		return st;
	st = call_outcome(hfd, req.txid, &rep);
	if (st != ZX_OK)
		return st;
	call_sock_taken(rep.rep, epoch);
	return call_taken(&rep, a, actual_bytes, actual_handles);
}

/* The arguments are read through the kernel: a pointer that faults is
 * INVALID_ARGS, with nothing consumed (the handles cannot be known). */
EXPORT zx_status_t
zx_channel_call(zx_handle_t handle, uint32_t options, zx_time_t deadline,
    const zx_channel_call_args_t *args, uint32_t *actual_bytes,
    uint32_t *actual_handles)
{
	zx_channel_call_args_t k;
	struct call_args a;

	if (usercopy_from_user(&k, args, sizeof(k)) != ZX_OK)
		return ZX_ERR_INVALID_ARGS;
	a = (struct call_args){
		.wr_bytes = k.wr_bytes,
		.wr_num_bytes = k.wr_num_bytes,
		.wr = { .values = k.wr_handles, .n = k.wr_num_handles },
		.rd_bytes = k.rd_bytes,
		.rd_num_bytes = k.rd_num_bytes,
		.rd = { k.rd_handles, NULL },
		.rd_num_handles = k.rd_num_handles,
	};
	return call_common(handle, options, deadline, &a, actual_bytes,
	    actual_handles);
}

EXPORT zx_status_t
zx_channel_call_etc(zx_handle_t handle, uint32_t options, zx_time_t deadline,
    zx_channel_call_etc_args_t *args, uint32_t *actual_bytes,
    uint32_t *actual_handles)
{
	zx_channel_call_etc_args_t k;
	struct call_args a;

	if (usercopy_from_user(&k, args, sizeof(k)) != ZX_OK)
		return ZX_ERR_INVALID_ARGS;
	a = (struct call_args){
		.wr_bytes = k.wr_bytes,
		.wr_num_bytes = k.wr_num_bytes,
		.wr = { .disp = k.wr_handles, .n = k.wr_num_handles },
		.rd_bytes = k.rd_bytes,
		.rd_num_bytes = k.rd_num_bytes,
		.rd = { NULL, k.rd_handles },
		.rd_num_handles = k.rd_num_handles,
	};
	return call_common(handle, options, deadline, &a, actual_bytes,
	    actual_handles);
}
