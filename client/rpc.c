/* Request/reply over a handle's socket or the control connection. */
#include "config-build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <zircon/status.h>
#include <zxd/zxd.h>

#include "client/libzx.h"
#include "proto/conn.h"
#include "proto/envelope.h"

/*
 * The control connection is shared by the process's threads without
 * serializing them: each sends its request (a SEQPACKET send is atomic)
 * and waits; one waiter at a time reads the replies and hands each to the
 * thread whose txid it carries. So N threads keep N requests in flight.
 * Each waiter sleeps on its own condition: a reply wakes only the thread
 * it is for, and a reader leaving with its own reply wakes one other
 * waiter to read next (no herd of N threads woken per reply).
 */
struct ctl_wait {
	uint64_t txid;
	bool done;
	zx_status_t st;			/* transport status once done */
	struct rpc_reply *out;
	struct ctl_wait *next;
	pthread_cond_t cond;		/* done, or asked to read */
};

static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static int ctl_fd = -1;
static unsigned ctl_gen;		/* bumped at each (re)connection */
static bool ctl_reading;		/* a waiter is reading replies */
static struct ctl_wait *ctl_waits;
static unsigned ctl_epoch;		/* monitor.c's epoch of ctl_fd */
static atomic_ulong next_txid = 1;
/* One receive buffer per thread, freed when the thread exits. */
static __thread uint8_t *rxbuf;
static pthread_key_t rxbuf_key;
static pthread_once_t rxbuf_once = PTHREAD_ONCE_INIT;

/*
 * Closes not waited for (client/handle.c): each request names every one
 * the daemon has not yet answered a request for, and the daemon closes
 * them before serving it. An entry goes once a reply comes to a request
 * sent after it was noted, so a request that overtakes another on a
 * different socket names it too.
 */
#define DEFER_MAX 32

static pthread_mutex_t defer_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint defer_n;
static struct {
	uint64_t id;
	uint64_t seq;
} defers[DEFER_MAX];
static uint64_t defer_seq;
static unsigned defer_reserved;	/* places promised, not yet noted */

bool
rpc_defer_reserve(void)
{
	bool ok;

	pthread_mutex_lock(&defer_lock);
	ok = defer_n + defer_reserved < DEFER_MAX;
	if (ok)
		defer_reserved++;
	pthread_mutex_unlock(&defer_lock);
	return ok;
}

void
rpc_defer_note(uint64_t id)
{
	pthread_mutex_lock(&defer_lock);
	defer_reserved--;
	if (id != 0) {
		defers[defer_n].id = id;
		defers[defer_n].seq = ++defer_seq;
		atomic_store(&defer_n, defer_n + 1);
	}
	pthread_mutex_unlock(&defer_lock);
}

/* Name the pending closes in req (ids: room for DEFER_MAX); the seq
 * that the reply confirms, or 0. */
static uint64_t
defer_attach(Zxd__Request *req, uint64_t *ids)
{
	uint64_t upto = 0;

	req->n_closed = 0;
	if (atomic_load_explicit(&defer_n, memory_order_relaxed) == 0)
		return 0;
	pthread_mutex_lock(&defer_lock);
	for (unsigned i = 0; i < defer_n; i++) {
		ids[i] = defers[i].id;
		upto = defers[i].seq;
	}
	req->n_closed = defer_n;
	req->closed = ids;
	pthread_mutex_unlock(&defer_lock);
	return upto;
}

/* The daemon answered a request naming the closes up to `upto`. */
static void
defer_done(uint64_t upto)
{
	unsigned i, k = 0;

	if (upto == 0)
		return;
	pthread_mutex_lock(&defer_lock);
	for (i = 0; i < defer_n; i++)
		if (defers[i].seq > upto)
			defers[k++] = defers[i];
	atomic_store(&defer_n, k);
	pthread_mutex_unlock(&defer_lock);
}

void libzx_rpc_atfork_child(void);

void
libzx_rpc_atfork_child(void)
{
	/* The parent's pending closes are its own. */
	pthread_mutex_init(&defer_lock, NULL);
	atomic_store(&defer_n, 0);
	defer_reserved = 0;
	pthread_mutex_init(&ctl_lock, NULL);
	if (ctl_fd >= 0)
		close(ctl_fd);
	ctl_fd = -1;
	ctl_reading = false;
	ctl_waits = NULL;
}

zx_status_t
rpc_status_from_errno(int e)
{
	switch (-e) {
	case EBADF:
	case ENOTSOCK:
	case EPIPE:
	case ECONNRESET:
	case ENOTCONN:
		/* The daemon closed the socket: the handle is gone. */
		return ZX_ERR_BAD_HANDLE;
	case EMSGSIZE:
		return ZX_ERR_OUT_OF_RANGE;
	default:
		return status_from_errno(e, ZX_ERR_INTERNAL);
	}
}

void
rpc_reply_free(struct rpc_reply *r)
{
	if (r->rep != NULL)
		envelope_free(&r->rep->base);
	r->rep = NULL;
	wire_close_fds(r->fds, r->nfds);
	r->nfds = 0;
}

static void
rxbuf_free(void *p)
{
	rxbuf = NULL;
	free(p);
}

static void
rxbuf_key_init(void)
{
	pthread_key_create(&rxbuf_key, rxbuf_free);
}

static uint8_t *
rxbuf_get(void)
{
	if (rxbuf != NULL)
		return rxbuf;
	pthread_once(&rxbuf_once, rxbuf_key_init);
	rxbuf = malloc(WIRE_MAX_MSG);
	if (rxbuf != NULL && pthread_setspecific(rxbuf_key, rxbuf) != 0) {
		free(rxbuf);
		rxbuf = NULL;
	}
	return rxbuf;
}

/* Send req; *upto: what defer_done takes once it is answered. */
static zx_status_t
send_request(int sock, Zxd__Request *req, const int *fds, size_t nfds,
    uint64_t *upto)
{
	uint64_t ids[DEFER_MAX], inos[WIRE_MAX_FDS];
	int r;

	/* Handles the call takes as arguments go by name, not as fds: a
	 * Unix socket in flight costs the kernel (its garbage collector
	 * runs at each close while one is). */
	if (nfds > 0 && nfds <= WIRE_MAX_FDS && zxh_fds_inos(fds, nfds, inos)) {
		req->handle_args = inos;
		req->n_handle_args = nfds;
		nfds = 0;
	}
	req->txid = atomic_fetch_add(&next_txid, 1);
	req->nfds = (uint32_t)nfds;
	*upto = defer_attach(req, ids);
	r = wire_send(sock, &req->base, fds, nfds);
	req->n_closed = 0;
	req->closed = NULL;
	req->n_handle_args = 0;
	req->handle_args = NULL;
	if (r == -EFAULT)
		return RPC_ERR_FAULT;
	return r < 0 ? rpc_status_from_errno(r) : ZX_OK;
}

/* How many of the reply's handles come with an fd (not on a spare). */
static size_t
reply_handle_fds(const Zxd__Reply *rep)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->n_handles; i++)
		if (!rep->handles[i]->spare)
			n++;
	return n;
}

/* Receive one reply into out (its txid is the caller's to check). */
static zx_status_t
recv_reply(int sock, struct rpc_reply *out)
{
	struct wire_msg m;
	ssize_t n;

	out->rep = NULL;
	out->nfds = 0;
	if (rxbuf_get() == NULL)
		return ZX_ERR_NO_MEMORY;
	m.buf = rxbuf;
	n = wire_recv(sock, &m);
	if (n == 0)
		return ZX_ERR_BAD_HANDLE;
	if (n < 0)
		return rpc_status_from_errno((int)n);
	out->rep = (Zxd__Reply *)envelope_unpack(&zxd__reply__descriptor,
	    m.len, m.buf);
	memcpy(out->fds, m.fds, m.nfds * sizeof(int));
	out->nfds = m.nfds;
	if (out->rep == NULL || out->rep->nfds != m.nfds ||
	    reply_handle_fds(out->rep) > m.nfds) {
		rpc_reply_free(out);
		return ZX_ERR_INTERNAL;
	}
	return ZX_OK;
}

uint8_t *
rpc_thread_buf(void)
{
	return rxbuf_get();
}

/* Send and wait for the matching reply on `sock` (one call at a time on
 * it: the caller holds its lock). */
static zx_status_t
roundtrip(int sock, Zxd__Request *req, const int *fds, size_t nfds,
    struct rpc_reply *out)
{
	uint64_t upto;
	zx_status_t st;

	if (rxbuf_get() == NULL)
		return ZX_ERR_NO_MEMORY;
	st = send_request(sock, req, fds, nfds, &upto);
	if (st == ZX_OK)
		st = recv_reply(sock, out);
	if (st == ZX_OK && out->rep->txid == req->txid)
		defer_done(upto);
	/* txid 0 with an error: the daemon refused the connection before
	 * reading anything (over a limit, out of descriptors). */
	if (st == ZX_OK && out->rep->txid != req->txid &&
	    !(out->rep->txid == 0 && out->rep->status < 0)) {
		rpc_reply_free(out);
		st = ZX_ERR_INTERNAL;
	}
	return st;
}

static zx_status_t
ctl_connect(void)
{
	int32_t hello_status;
	int fd, r;

	/* A child must not inherit this connection, even if this process
	 * never held a handle. */
	zxh_atfork_init();
	r = conn_open(conn_socket_path(), &fd, &hello_status);
	if (r == 0) {
		ctl_fd = fd;
		ctl_gen++;
		ctl_epoch = monitor_watch(fd);
		monitor_debug("connected to %s (connection %u)",
		    conn_socket_path(), ctl_epoch);
		return ZX_OK;
	}
	if (r == -EPROTONOSUPPORT)
		monitor_debug("%s: HELLO refused: %s", conn_socket_path(),
		    zx_status_get_string(hello_status));
	else
		monitor_debug("%s: cannot connect: %s", conn_socket_path(),
		    strerror(-r));
	switch (r) {
	case -EPROTONOSUPPORT:
		return hello_status;
	case -EMFILE:
	case -ENFILE:
	case -ENOBUFS:
	case -ENOMEM:
		return rpc_status_from_errno(r);
	default:
		return ZX_ERR_UNAVAILABLE;
	}
}

/* Fail every waiter (the connection broke); called with ctl_lock held. */
static void
ctl_fail_all(zx_status_t st)
{
	struct ctl_wait *w, *next;

	for (w = ctl_waits; w != NULL; w = next) {
		next = w->next;
		w->done = true;
		w->st = st;
		pthread_cond_signal(&w->cond);
	}
	ctl_waits = NULL;
}

static void
ctl_unlink(struct ctl_wait *me)
{
	for (struct ctl_wait **pp = &ctl_waits; *pp != NULL;
	    pp = &(*pp)->next) {
		if (*pp == me) {
			*pp = me->next;
			return;
		}
	}
}

/* Wait for the reply to `me`, reading replies for every waiter while no
 * one else does. Called and returns with ctl_lock held. */
static void
ctl_wait_reply(struct ctl_wait *me)
{
	while (!me->done) {
		struct rpc_reply r;
		struct ctl_wait *w;
		zx_status_t st;
		int fd = ctl_fd;

		if (ctl_reading) {
			pthread_cond_wait(&me->cond, &ctl_lock);
			continue;
		}
		ctl_reading = true;
		pthread_mutex_unlock(&ctl_lock);
		st = recv_reply(fd, &r);
		pthread_mutex_lock(&ctl_lock);
		ctl_reading = false;
		if (st != ZX_OK && st != ZX_ERR_INTERNAL) {
			ctl_fail_all(st);
			break;
		}
		if (st == ZX_OK && r.rep->txid == 0 && r.rep->status < 0) {
			/* The daemon refused the connection before reading
			 * anything: every request on it has that answer. */
			zx_status_t refused = r.rep->status;

			rpc_reply_free(&r);
			ctl_fail_all(refused);
			break;
		}
		for (w = ctl_waits; w != NULL && st == ZX_OK; w = w->next)
			if (w->txid == r.rep->txid)
				break;
		if (w == NULL) {
			/* Not a reply anyone waits for: the stream is
			 * broken. */
			if (st == ZX_OK)
				rpc_reply_free(&r);
			ctl_fail_all(ZX_ERR_INTERNAL);
			break;
		}
		ctl_unlink(w);
		*w->out = r;
		w->st = ZX_OK;
		w->done = true;
		if (w != me)
			pthread_cond_signal(&w->cond);
	}
	/* Leaving with no reader: the next waiter reads. */
	if (!ctl_reading && ctl_waits != NULL)
		pthread_cond_signal(&ctl_waits->cond);
}

/* One request on the control connection; ctl_lock held. */
static zx_status_t
ctl_call(Zxd__Request *req, const int *fds, size_t nfds,
    struct rpc_reply *out, unsigned *gen)
{
	/* A thread has one call at a time here: its wait record is its
	 * own, off the list again once done. */
	static __thread struct ctl_wait me = {
		.cond = PTHREAD_COND_INITIALIZER,
	};
	uint64_t upto;
	zx_status_t st;

	if (rxbuf_get() == NULL)
		return ZX_ERR_NO_MEMORY;
	*gen = ctl_gen;
	st = send_request(ctl_fd, req, fds, nfds, &upto);
	if (st != ZX_OK)
		return st;
	me.txid = req->txid;
	me.out = out;
	me.done = false;
	me.st = ZX_OK;
	me.next = ctl_waits;
	ctl_waits = &me;
	ctl_wait_reply(&me);
	if (me.st == ZX_OK)
		defer_done(upto);
	return me.st;
}

/* A round trip on the control connection, connected on demand. */
static zx_status_t
control_roundtrip(Zxd__Request *req, const int *fds, size_t nfds,
    struct rpc_reply *out)
{
	zx_status_t st = ZX_OK;
	unsigned gen;

	pthread_mutex_lock(&ctl_lock);
	if (ctl_fd < 0)
		st = ctl_connect();
	if (st == ZX_OK) {
		st = ctl_call(req, fds, nfds, out, &gen);
		if (st == ZX_ERR_BAD_HANDLE) {
			/* The daemon went away (restarted?): its handles
			 * are orphans now; reconnect once (unless another
			 * thread did already). */
			if (ctl_gen == gen && ctl_fd >= 0) {
				monitor_gone(ctl_epoch);
				close(ctl_fd);
				ctl_fd = -1;
			}
			st = ctl_fd >= 0 ? ZX_OK : ctl_connect();
			if (st == ZX_OK)
				st = ctl_call(req, fds, nfds, out, &gen);
			else
				st = ZX_ERR_UNAVAILABLE;
		}
	}
	pthread_mutex_unlock(&ctl_lock);
	return st;
}

static zx_status_t
dispatch_to(rpc_target_t to, Zxd__Request *req, const int *fds, size_t nfds,
    struct rpc_reply *out)
{
	zx_handle_t h = (zx_handle_t)to;
	struct zxh *e;
	zx_status_t st;
	int fd;

	if (to == RPC_CONTROL)
		return control_roundtrip(req, fds, nfds, out);
	e = zxh_get(h, &fd);
	if (e == NULL) {
		/* Not a handle of this process: the daemon says so where
		 * Zircon would. Without a daemon there is no handle. */
		req->absent = true;
		st = control_roundtrip(req, fds, nfds, out);
		return st == ZX_ERR_UNAVAILABLE ? ZX_ERR_BAD_HANDLE : st;
	}
	pthread_mutex_lock(&e->lock);
	if (!atomic_load(&e->live))
		st = ZX_ERR_BAD_HANDLE;
	else
		st = roundtrip(fd, req, fds, nfds, out);
	pthread_mutex_unlock(&e->lock);
	return st;
}

zx_status_t
rpc_call(rpc_target_t to, Zxd__Request *req, const int *fds, size_t nfds,
    struct rpc_reply *out)
{
	struct rpc_reply local;
	zx_status_t st;

	if (out == NULL)
		out = &local;
	out->rep = NULL;
	out->nfds = 0;
	st = dispatch_to(to, req, fds, nfds, out);
	if (st == ZX_OK)
		st = out->rep->status;
	if (out == &local)
		rpc_reply_free(&local);
	return st;
}

zx_status_t
rpc_send(zx_handle_t h, Zxd__Request *req, const int *fds, size_t nfds,
    uint64_t *upto)
{
	struct zxh *e;
	zx_status_t st;
	int fd;

	*upto = 0;
	e = zxh_get(h, &fd);
	if (e == NULL)
		return ZX_ERR_BAD_HANDLE;
	/* The lock keeps the handle's socket the handle's while the packet
	 * goes; replies to other threads' requests on it are theirs. */
	pthread_mutex_lock(&e->lock);
	if (!atomic_load(&e->live))
		st = ZX_ERR_BAD_HANDLE;
	else
		st = send_request(fd, req, fds, nfds, upto);
	pthread_mutex_unlock(&e->lock);
	return st;
}

void
rpc_sent_answered(uint64_t upto)
{
	defer_done(upto);
}

zx_status_t
rpc_reply_handles(struct rpc_reply *r, zx_handle_t *out, size_t n)
{
	size_t k = 0;

	if (r->rep == NULL || r->rep->n_handles != n ||
	    r->nfds < reply_handle_fds(r->rep))
		return ZX_ERR_INTERNAL;
	for (size_t i = 0; i < n; i++) {
		const Zxd__HandleDesc *d = r->rep->handles[i];
		int fd;

		/* A handle on a spare comes without an fd: the spare's. */
		if (d->spare) {
			fd = zxh_spare_take(d->ino);
		} else {
			fd = r->fds[k];
			r->fds[k++] = -1;
		}
		out[i] = fd >= 0 ? zxh_install(fd, d) : ZX_HANDLE_INVALID;
		if (out[i] == ZX_HANDLE_INVALID) {
			for (size_t j = 0; j < i; j++)
				zxh_close(out[j]);
			return fd >= 0 ? ZX_ERR_NO_MEMORY : ZX_ERR_INTERNAL;
		}
	}
	if (n == 2 && r->rep->n_close_ids == 2 && r->rep->close_ids[0] != 0 &&
	    r->rep->close_ids[1] != 0)
		zxh_pair(out, r->rep->close_ids);
	return ZX_OK;
}

zx_status_t
rpc_out_handle(zx_handle_t h, zx_handle_t *out)
{
	if (out == NULL) {
		zx_handle_close(h);
		return ZX_ERR_INVALID_ARGS;
	}
	*out = h;
	return ZX_OK;
}

zx_status_t
rpc_out_pair(const zx_handle_t h[2], zx_handle_t *out0, zx_handle_t *out1)
{
	if (out0 == NULL || out1 == NULL) {
		zx_handle_close_many(h, 2);
		return ZX_ERR_INVALID_ARGS;
	}
	*out0 = h[0];
	*out1 = h[1];
	return ZX_OK;
}

zx_status_t
rpc_new_handles(rpc_target_t to, Zxd__Request *req, const int *fds,
    size_t nfds, zx_handle_t *out, size_t n)
{
	struct rpc_reply rep;
	zx_status_t st;

	st = rpc_call(to, req, fds, nfds, &rep);
	if (st == ZX_OK)
		st = rpc_reply_handles(&rep, out, n);
	rpc_reply_free(&rep);
	return st;
}
