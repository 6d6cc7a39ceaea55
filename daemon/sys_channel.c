/* zx_channel_create, zx_channel_write, zx_channel_read, zx_channel_call.
 *
 * The handles of a message ride as fds of the write packet. Writing takes
 * each one from the sender as Zircon does: the daemon closes its end of
 * the handle's socket (server_detach_handle), so every copy of the fd the
 * sender kept sees EOF, and the handle waits in the message, in flight.
 * Reading attaches them to the reader as new socket pairs. */
#include "config-build.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/delivery.h"
#include "daemon/dispatch.h"
#include "daemon/log.h"
#include "daemon/replysock.h"
#include "daemon/server.h"
#include "objects/channel.h"

/* A zx_channel_call waiting for its reply. */
struct call_waiter {
	struct channel_waiter w;	/* first */
	struct client *client;		/* a reference: the caller */
	pid_t pid;
	int fd;				/* where the outcome goes */
	struct replysock *rs;		/* fd's kept socket (a reference),
					 * or NULL: fd is the waiter's own */
	bool kept;			/* kept by this call, for later */
	uint64_t req_txid;		/* echoed in the outcome */
	uint32_t rd_bytes, rd_handles;
	struct event *timer;		/* deadline, or NULL */
	zx_time_t deadline;
};

static zx_time_t now_ns(void);

/* Arm cw's timer for the time left until its deadline, rounded up to
 * libevent's microseconds. */
static int
arm_deadline(struct call_waiter *cw, zx_time_t now)
{
	zx_time_t left = cw->deadline - now + 999;
	struct timeval tv = {
		.tv_sec = (time_t)(left / 1000000000),
		.tv_usec = (suseconds_t)(left % 1000000000 / 1000),
	};

	/* libevent counts from its cached loop time, which may be older
	 * than `now`: refresh it, or the timer fires early. */
	event_base_update_cache_time(server_base());
	return evtimer_add(cw->timer, &tv);
}

zx_status_t
call_channel_create(struct call *c)
{
	struct object *a, *b;
	zx_status_t st = channel_create(c->req->channel_create->options,
	    &a, &b);

	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, a, ZX_DEFAULT_CHANNEL_RIGHTS);
	if (st == ZX_OK)
		st = dispatch_add_handle(c, b, ZX_DEFAULT_CHANNEL_RIGHTS);
	object_unref(a);
	object_unref(b);
	return st;
}

/* The handle slots of a write, resolved in slot order: the caller's
 * handle for each (NULL where the value was not one) and what it asked
 * for; the plain calls mean MOVE, any type, the same rights. */
static uint32_t
resolve(struct call *c, const Zxd__ChannelWrite *w,
    struct channel_disposition *d)
{
	size_t n = w->n_handle_fds;

	if (n > ZX_CHANNEL_MAX_MSG_HANDLES)
		n = ZX_CHANNEL_MAX_MSG_HANDLES;
	for (size_t i = 0; i < n; i++) {
		int32_t idx = w->handle_fds[i];
		const Zxd__HandleOp *op = w->n_ops == w->n_handle_fds ?
		    w->ops[i] : NULL;

		d[i].src = idx >= 0 ? dispatch_arg_handle(c, (size_t)idx) :
		    NULL;
		d[i].op = op != NULL ? op->operation : ZX_HANDLE_OP_MOVE;
		d[i].type = op != NULL ? op->type : ZX_OBJ_TYPE_NONE;
		d[i].rights = op != NULL ? op->rights : ZX_RIGHT_SAME_RIGHTS;
		d[i].take = false;
	}
	return (uint32_t)n;
}

/* A failed write closes the handles it took from the caller. */
static void
discard(struct call *c, const struct channel_disposition *d, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!d[i].take)
			continue;
		/* Named twice: closed once. */
		for (uint32_t j = 0; j < i; j++)
			if (d[j].take && d[j].src == d[i].src)
				goto next;
		if (d[i].src == c->self)
			c->close_self = true;
		else
			dispatch_close_arg(c, d[i].src);
next:		;
	}
}

/* Each slot's result, for libzx to write back into the caller's
 * dispositions. */
static void
reply_results(struct call *c, const zx_status_t *results, uint32_t n)
{
	Zxd__ChannelWriteReply *r;
	int32_t *v = call_alloc(c, (n ? n : 1) * sizeof(*v));

	if (v == NULL)
		return;
	r = CALL_REPLY(c, channel_write, CHANNEL_WRITE,
	    zxd__channel_write_reply__init);
	if (r == NULL)
		return;
	for (uint32_t i = 0; i < n; i++)
		v[i] = results[i];
	r->n_results = n;
	r->results = v;
}

/* A write's bytes: in the write, or (libzx's way) the request's tail. */
static const ProtobufCBinaryData *
write_bytes(const struct call *c, const Zxd__ChannelWrite *w)
{
	return w->data.len == 0 && c->req->tail.len > 0 ? &c->req->tail :
	    &w->data;
}

/* Zircon's checks before the handles, in its order. */
static zx_status_t
check_write(struct call *c, const Zxd__ChannelWrite *w, zx_rights_t rights,
    uint32_t min_bytes)
{
	zx_status_t st;

	if (w->options & ~ZX_CHANNEL_WRITE_USE_IOVEC)
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_CHANNEL, rights);
	if (st != ZX_OK)
		return st;
	/* The iovecs' own checks come before the message's sizes. */
	if ((w->options & ZX_CHANNEL_WRITE_USE_IOVEC) &&
	    w->iovec_status != ZX_OK)
		return w->iovec_status == ZX_ERR_OUT_OF_RANGE ?
		    ZX_ERR_OUT_OF_RANGE : ZX_ERR_INVALID_ARGS;
	if (w->num_bytes > ZX_CHANNEL_MAX_MSG_BYTES ||
	    w->num_handles > ZX_CHANNEL_MAX_MSG_HANDLES)
		return ZX_ERR_OUT_OF_RANGE;
	if (w->bytes_null ? w->num_bytes > 0 :
	    write_bytes(c, w)->len != w->num_bytes)
		return ZX_ERR_INVALID_ARGS;
	if (w->num_bytes < min_bytes)
		return ZX_ERR_INVALID_ARGS;
	if (w->handles_null ? w->num_handles > 0 :
	    w->n_handle_fds != w->num_handles ||
	    (w->n_ops != 0 && w->n_ops != w->n_handle_fds))
		return ZX_ERR_INVALID_ARGS;
	return ZX_OK;
}

/* Check a write, process its dispositions and build the message; on
 * failure every handle the write took is closed (duplicated sources
 * stay), and a write with dispositions is told each one's result. */
static zx_status_t
build_msg(struct call *c, const Zxd__ChannelWrite *w, zx_rights_t rights,
    uint32_t min_bytes, struct channel_msg **ret)
{
	struct channel_disposition d[ZX_CHANNEL_MAX_MSG_HANDLES];
	zx_status_t results[ZX_CHANNEL_MAX_MSG_HANDLES];
	struct channel_msg *m = NULL;
	uint32_t n, i;
	zx_status_t st;

	n = resolve(c, w, d);
	st = check_write(c, w, rights, min_bytes);
	if (st != ZX_OK) {
		channel_dispositions_discard(d, n);
		discard(c, d, n);
		return st;
	}
	st = channel_dispositions_check(c->self->obj, d, n, results);
	if (st != ZX_OK) {
		if (w->n_ops != 0)
			reply_results(c, results, n);
		discard(c, d, n);
		return st;
	}
	st = channel_msg_new(w->num_bytes, n, &m);
	/* The duplicates first: nothing is detached until they exist. */
	for (i = 0; st == ZX_OK && i < n; i++)
		if (!d[i].take)
			st = handle_new(d[i].src->obj, d[i].new_rights,
			    &m->handles[i]);
	if (st != ZX_OK) {
		if (m != NULL)
			channel_msg_free(m);
		channel_dispositions_discard(d, n);
		discard(c, d, n);
		return st;
	}
	if (w->num_bytes > 0)
		memcpy(m->data, write_bytes(c, w)->data, w->num_bytes);
	/* Queued, it counts against the writer (daemon/account.c), and so
	 * do its handles until read. */
	m->payer = server_client_ref(c->client);
	for (i = 0; i < n; i++) {
		if (d[i].take) {
			dispatch_detach_arg(c, d[i].src);
			d[i].src->rights = d[i].new_rights;
			m->handles[i] = d[i].src;
		} else {
			handle_set_in_flight(m->handles[i], true);
			server_handle_charge_in_flight(c->client,
			    m->handles[i]);
		}
	}
	*ret = m;
	return ZX_OK;
}

zx_status_t
call_channel_write(struct call *c)
{
	struct channel_msg *m;
	zx_status_t st;

	st = build_msg(c, c->req->channel_write, ZX_RIGHT_WRITE, 0, &m);
	if (st != ZX_OK)
		return st;
	st = channel_write(c->self->obj, m);
	if (st != ZX_OK)
		channel_msg_free(m);
	return st;
}

zx_status_t
call_channel_read(struct call *c)
{
	const Zxd__ChannelRead *r = c->req->channel_read;
	Zxd__ChannelReadReply *body = call_body(c, sizeof(*body));
	struct object *o;
	struct channel_msg *m;
	uint32_t nbytes = r->num_bytes, nhandles = r->num_handles;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_READ);
	if (st != ZX_OK)
		return st;
	if (r->options & ~ZX_CHANNEL_READ_MAY_DISCARD)
		return ZX_ERR_NOT_SUPPORTED;
	o = c->self->obj;
	st = channel_read(o, &nbytes, &nhandles,
	    r->options & ZX_CHANNEL_READ_MAY_DISCARD, &m);
	if (st != ZX_OK && st != ZX_ERR_BUFFER_TOO_SMALL)
		return st;
	zxd__channel_read_reply__init(body);
	body->actual_bytes = nbytes;
	body->actual_handles = nhandles;
	c->rep->body_case = ZXD__REPLY__BODY_CHANNEL_READ;
	c->rep->channel_read = body;
	if (st != ZX_OK) {
		channel_sink_refill(o);
		return st;
	}
	for (uint32_t i = 0; i < m->nhandles; i++) {
		st = dispatch_give_handle(c, m->handles[i]);
		if (st != ZX_OK) {
			/* Out of descriptors or over the handle limit: the
			 * message stays queued, whole. */
			dispatch_take_back(c, 0);
			channel_unread(o, m);
			channel_sink_refill(o);
			return st;
		}
	}
	m->nhandles = 0;
	channel_msg_discharge(m);
	body->data.data = m->data;
	body->data.len = m->nbytes;
	if (!call_keep(c, m))
		return ZX_ERR_NO_MEMORY;
	/* A reader that read by request (after a backlog marker) finds
	 * the rest in its delivery socket again. */
	channel_sink_refill(o);
	if (r->want_delivery) {
		int fd;

		/* After this message: the sink takes the rest in order. */
		if (delivery_start(c->client, c->pid, c->self, &fd) == ZX_OK &&
		    dispatch_add_fd(c, fd) == ZX_OK)
			body->delivery = true;
	}
	return ZX_OK;
}

static void
waiter_free(struct call_waiter *cw)
{
	if (cw->timer != NULL)
		event_free(cw->timer);
	if (cw->rs != NULL)
		replysock_put(cw->rs);
	else
		close(cw->fd);
	server_client_unref(cw->client);
	free(cw);
}

static void
send_outcome(struct call_waiter *cw, zx_status_t st)
{
	Zxd__Reply rep = ZXD__REPLY__INIT;

	rep.txid = cw->req_txid;
	rep.status = st;
	rep.reply_kept = cw->kept;
	/* A caller that is gone cannot be told. */
	(void)wire_send(cw->fd, &rep.base, NULL, 0);
}

/* Hand the reply to the caller: its handles are attached to the calling
 * process and sent with it. Takes m. */
static zx_status_t
deliver(struct call_waiter *cw, struct channel_msg *m)
{
	Zxd__Reply rep = ZXD__REPLY__INIT;
	Zxd__ChannelReadReply body = ZXD__CHANNEL_READ_REPLY__INIT;
	Zxd__HandleDesc desc[ZX_CHANNEL_MAX_MSG_HANDLES];
	Zxd__HandleDesc *descp[ZX_CHANNEL_MAX_MSG_HANDLES];
	int fds[ZX_CHANNEL_MAX_MSG_HANDLES];
	uint32_t n = m->nhandles;
	zx_status_t st = ZX_OK;

	if (m->nbytes > cw->rd_bytes || m->nhandles > cw->rd_handles)
		st = ZX_ERR_BUFFER_TOO_SMALL;
	else if (!cw->client->connected)
		st = ZX_ERR_CANCELED;
	for (uint32_t i = 0; st == ZX_OK && i < n; i++) {
		struct handle *h = m->handles[i];

		st = server_attach_handle(cw->client, cw->pid, h, &fds[i]);
		if (st != ZX_OK) {
			while (i-- > 0) {
				close(fds[i]);
				server_detach_handle(m->handles[i]);
			}
			break;
		}
		dispatch_describe(h, &desc[i]);
		descp[i] = &desc[i];
	}
	if (st != ZX_OK) {
		channel_msg_free(m);
		return st;
	}
	rep.txid = cw->req_txid;
	rep.status = ZX_OK;
	rep.reply_kept = cw->kept;
	rep.nfds = n;
	rep.n_handles = n;
	rep.handles = descp;
	body.data.data = m->data;
	body.data.len = m->nbytes;
	body.actual_bytes = m->nbytes;
	body.actual_handles = n;
	rep.body_case = ZXD__REPLY__BODY_CHANNEL_READ;
	rep.channel_read = &body;
	/* The handles now belong to the caller; if it is gone, closing
	 * our copies of their fds lets EOF free them. */
	(void)wire_send_take(cw->fd, &rep.base, fds, n);
	m->nhandles = 0;
	channel_msg_discharge(m);
	free(m);
	return ZX_OK;
}

static void
call_finish(struct channel_waiter *w, zx_status_t st, struct channel_msg *m)
{
	struct call_waiter *cw = (struct call_waiter *)w;

	if (st == ZX_OK)
		st = deliver(cw, m);
	if (st != ZX_OK)
		send_outcome(cw, st);
	waiter_free(cw);
}

static void
call_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct call_waiter *cw = arg;

	zx_time_t now = now_ns();

	(void)fd;
	(void)what;
	/* libevent's clock may be coarser than CLOCK_MONOTONIC (it uses
	 * CLOCK_MONOTONIC_COARSE where it can): a timer can fire a tick
	 * early. Zircon never times out before the deadline. */
	if (now < cw->deadline && arm_deadline(cw, now) == 0)
		return;
	channel_call_abort(&cw->w, ZX_ERR_TIMED_OUT);
}

static zx_time_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (zx_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Where a call's outcome goes: the reply socket the packet brought (kept
 * for later calls if asked: *kept, and *rs the daemon's reference to
 * it), or the one it names that the daemon keeps (*rs); -1 if neither.
 * With *rs NULL the descriptor is the caller's to close. The outcome
 * socket must never block the daemon: it is made non-blocking (the
 * caller keeps only the other end).
 */
static int
reply_socket(struct call *c, const Zxd__ChannelCall *k, bool *kept,
    struct replysock **rs)
{
	int type = 0, fd;
	socklen_t len = sizeof(type);

	*kept = false;
	*rs = NULL;
	if (k->write == NULL)
		return -1;
	if (k->reply_ino != 0) {
		if (k->reply_fd < c->msg->nfds)
			return -1;
		*rs = replysock_get(c->client, k->reply_ino);
		return *rs != NULL ? replysock_fd(*rs) : -1;
	}
	if (k->reply_fd >= c->msg->nfds)
		return -1;
	fd = c->msg->fds[k->reply_fd];
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_SEQPACKET || fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		return -1;
	c->msg->fds[k->reply_fd] = -1;
	if (k->keep_reply)
		*rs = replysock_keep(c->client, fd);
	*kept = *rs != NULL;
	return fd;
}

zx_status_t
call_channel_call(struct call *c)
{
	const Zxd__ChannelCall *k = c->req->channel_call;
	struct channel_msg *m;
	struct call_waiter *cw;
	zx_status_t st;
	struct replysock *rs;
	bool kept;
	int fd;

	fd = reply_socket(c, k, &kept, &rs);
	if (fd < 0) {
		log_rate(4, &c->client->lograte[LOG_KIND_PROTOCOL],
		    LOG_KIND_PROTOCOL, LOG_CLIENT(c->client), "client %llu "
		    "(pid %d): malformed channel call",
		    (unsigned long long)c->client->id, (int)c->pid);
		return ZX_ERR_INVALID_ARGS;
	}
	cw = calloc(1, sizeof(*cw));
	if (cw == NULL) {
		if (rs != NULL)
			replysock_put(rs);
		else
			close(fd);
		return ZX_ERR_NO_MEMORY;
	}
	cw->w.finish = call_finish;
	cw->client = server_client_ref(c->client);
	cw->pid = c->pid;
	cw->fd = fd;
	cw->rs = rs;
	cw->kept = kept;
	cw->req_txid = c->req->txid;
	cw->rd_bytes = k->rd_num_bytes;
	cw->rd_handles = k->rd_num_handles;
	/* An outcome-only call is answered on the reply socket alone,
	 * every status included; it moves no handles. */
	c->no_reply = k->outcome_only;
	if (k->outcome_only && k->write->num_handles > 0)
		st = ZX_ERR_INVALID_ARGS;
	else
		st = build_msg(c, k->write, ZX_RIGHT_READ | ZX_RIGHT_WRITE,
		    sizeof(zx_txid_t), &m);
	if (st == ZX_OK) {
		st = channel_call_begin(c->self->obj, m, &cw->w);
		if (st != ZX_OK)
			channel_msg_free(m);
	}
	if (st != ZX_OK) {
		if (k->outcome_only)
			send_outcome(cw, st);
		waiter_free(cw);
		return st;
	}
	if (k->deadline != ZX_TIME_INFINITE) {
		zx_time_t now = now_ns();

		/* A deadline already past still sends the request, and the
		 * reply cannot have come yet: Zircon's wait times out. */
		if (k->deadline <= now) {
			channel_call_abort(&cw->w, ZX_ERR_TIMED_OUT);
			return ZX_OK;
		}
		cw->deadline = k->deadline;
		cw->timer = evtimer_new(server_base(), call_timeout, cw);
		if (cw->timer == NULL || arm_deadline(cw, now) < 0) {
			channel_call_abort(&cw->w, ZX_ERR_NO_MEMORY);
			return ZX_OK;
		}
	}
	return ZX_OK;
}
