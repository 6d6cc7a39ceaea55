/* Ports and async waits: zx_port_create, zx_port_queue, zx_port_wait,
 * zx_port_cancel, zx_port_cancel_key, zx_object_wait_async.
 *
 * zx_port_queue and zx_port_wait use the port's shared ring
 * (proto/port_ring.h) with no round trip. A queue goes through the
 * daemon only when the ring cannot take it (full, the daemon holds
 * packets behind it, or the port is at its user-packet limit: the daemon
 * decides). A wait asks the daemon only for what the ring does not hold
 * (interrupt packets, overflow) or for a position whose writer died,
 * and sleeps in poll(2) on the port's eventfd (writers), its wake
 * socket (the daemon; EOF when the daemon dies), and an eventfd of its
 * own that a close of the handle by another thread writes. */
#include "config-build.h"

#include <errno.h>
#include <stdatomic.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/libzx.h"
#include "proto/port_ring.h"

/* What a port handle keeps once it has used its port. */
struct port_view {
	struct port_ctl *ctl;
	struct port_uring *ur;
	struct port_kring *kr;	/* with ZX_RIGHT_READ, else NULL */
	bool writable;		/* ur is mapped read-write */
	uint32_t pid;		/* ours, as the daemon knows it */
	int uwake;		/* the port's eventfd: writers wake sleepers */
	int wake;		/* the port's wake socket, or -1 */
	int cancel;		/* eventfd: this handle is closing */
};

static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;

static void
view_free(void *priv)
{
	struct port_view *v = priv;

	if (v->ctl != NULL)
		munmap(v->ctl, PORT_CTL_SIZE);
	if (v->ur != NULL)
		munmap(v->ur, PORT_RING_SIZE);
	if (v->kr != NULL)
		munmap(v->kr, PORT_RING_SIZE);
	if (v->uwake >= 0)
		close(v->uwake);
	if (v->wake >= 0)
		close(v->wake);
	if (v->cancel >= 0)
		close(v->cancel);
	free(v);
}

static void
view_wake(void *priv)
{
	struct port_view *v = priv;
	uint64_t one = 1;

	if (write(v->cancel, &one, sizeof(one)) < 0)
		return;
}

static void *
map(int fd, size_t size, bool writable)
{
	void *m = mmap(NULL, size, PROT_READ | (writable ? PROT_WRITE : 0),
	    MAP_SHARED, fd, 0);

	return m == MAP_FAILED ? NULL : m;
}

/* Map what PortSetup sent (proto/port_ring.h, PORT_SETUP_FDS). */
static zx_status_t
view_map(struct port_view *v, struct rpc_reply *rep)
{
	if (rep->rep->body_case != ZXD__REPLY__BODY_PORT_SETUP ||
	    (rep->nfds != 3 && rep->nfds != PORT_SETUP_FDS))
		return ZX_ERR_INTERNAL;
	v->pid = rep->rep->port_setup->pid;
	v->ctl = map(rep->fds[0], PORT_CTL_SIZE, true);
	/* The writers' cells are writable exactly when the daemon opened
	 * them so (the handle has ZX_RIGHT_WRITE). */
	v->ur = map(rep->fds[1], PORT_RING_SIZE, true);
	v->writable = v->ur != NULL;
	if (v->ur == NULL)
		v->ur = map(rep->fds[1], PORT_RING_SIZE, false);
	v->uwake = rep->fds[2];
	rep->fds[2] = -1;
	if (rep->nfds == PORT_SETUP_FDS) {
		v->kr = map(rep->fds[3], PORT_RING_SIZE, false);
		v->wake = rep->fds[4];
		rep->fds[4] = -1;
		if (v->kr == NULL)
			return ZX_ERR_NO_MEMORY;
	}
	if (v->ctl == NULL || v->ur == NULL)
		return ZX_ERR_NO_MEMORY;
	return ZX_OK;
}

/* The handle's view of its port, set up on first use. */
static zx_status_t
view_of(zx_handle_t h, struct zxh *e, struct port_view **ret)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__PortSetup ps = ZXD__PORT_SETUP__INIT;
	struct rpc_reply rep;
	struct port_view *v;
	zx_status_t st;

	v = __atomic_load_n((struct port_view **)&e->priv, __ATOMIC_ACQUIRE);
	if (v != NULL) {
		*ret = v;
		return ZX_OK;
	}
	pthread_mutex_lock(&setup_lock);
	v = e->priv;
	if (v != NULL)
		goto out;
	req.body_case = ZXD__REQUEST__BODY_PORT_SETUP;
	req.port_setup = &ps;
	st = rpc_call(h, &req, NULL, 0, &rep);
	if (st != ZX_OK)
		goto fail_rep;
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		st = ZX_ERR_NO_MEMORY;
		goto fail_rep;
	}
	v->uwake = v->wake = -1;
	v->cancel = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	st = v->cancel < 0 ? ZX_ERR_NO_RESOURCES : view_map(v, &rep);
	if (st != ZX_OK) {
		view_free(v);
		goto fail_rep;
	}
	rpc_reply_free(&rep);
	e->priv_free = view_free;
	__atomic_store_n((struct port_view **)&e->priv, v, __ATOMIC_RELEASE);
	__atomic_store_n(&e->wake, view_wake, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&setup_lock);
	*ret = v;
	return ZX_OK;
fail_rep:
	rpc_reply_free(&rep);
	pthread_mutex_unlock(&setup_lock);
	return st;
}

enum take { TAKE_OK, TAKE_EMPTY, TAKE_PENDING };

/* Take the oldest packet in the ring. TAKE_PENDING: a writer has
 * claimed the oldest position and not published it yet. */
static enum take
ring_take(struct port_view *v, zx_port_packet_t *out)
{
	struct port_ctl *c = v->ctl;

	for (;;) {
		uint64_t h = atomic_load(&c->head);
		uint64_t t = atomic_load(&c->tail) & ~PORT_TAIL_HELD;
		unsigned i = h % PORT_RING_CELLS;
		uint64_t cl, s;

		if (h >= t)
			return TAKE_EMPTY;
		if (t - h > PORT_RING_CELLS) {
			/* A stale hint: nothing before t - CELLS is left. */
			atomic_compare_exchange_strong(&c->head, &h,
			    t - PORT_RING_CELLS);
			continue;
		}
		cl = atomic_load_explicit(&c->claim[i], memory_order_acquire);
		if (port_consumed(cl, h)) {
			atomic_compare_exchange_strong(&c->head, &h, h + 1);
			continue;
		}
		if (atomic_load_explicit(&v->kr->cell[i].state,
		    memory_order_acquire) == PORT_CELL(h, PORT_CELL_READY)) {
			memcpy(out, &v->kr->cell[i].packet, sizeof(*out));
		} else {
			s = atomic_load_explicit(&v->ur->cell[i].state,
			    memory_order_acquire);
			if (s == PORT_CELL(h, PORT_CELL_ABANDONED)) {
				/* No packet; its cell is not ours to free. */
				atomic_compare_exchange_strong(&c->head, &h,
				    h + 1);
				continue;
			}
			if (s != PORT_CELL(h, PORT_CELL_READY))
				return TAKE_PENDING;
			memcpy(out, &v->ur->cell[i].packet, sizeof(*out));
			/* A writer's packet is a user packet, whatever it
			 * says: no writer forges a signal packet. */
			out->type = ZX_PKT_TYPE_USER;
		}
		if (atomic_compare_exchange_strong(&c->claim[i], &cl, h + 1)) {
			atomic_compare_exchange_strong(&c->head, &h, h + 1);
			return TAKE_OK;
		}
	}
}

/* The daemon gave position pos of cell i up while we were writing it:
 * we are done with the cell, so free it (the daemon left it to us). */
static void
given_up(struct port_ctl *c, unsigned i, uint64_t pos, uint64_t state)
{
	uint64_t cl = atomic_load(&c->claim[i]);

	if (state == PORT_CELL(pos, PORT_CELL_ABANDONED) &&
	    !port_consumed(cl, pos))
		atomic_compare_exchange_strong(&c->claim[i], &cl, pos + 1);
}

/* Queue a user packet in the ring. false when it must go through the
 * daemon: the ring is full or the daemon holds packets behind it. The
 * ring is smaller than the port's user-packet limit, so the limit is
 * only ever reached through the daemon, which decides it. */
static bool
ring_put(struct port_view *v, const zx_port_packet_t *pkt)
{
	struct port_ctl *c = v->ctl;
	uint64_t t, pos, s, o;
	struct port_cell *cell;
	unsigned i;

	for (int tries = 0;; tries++) {
		t = atomic_load(&c->tail);
		if ((t & PORT_TAIL_HELD) || tries > 1000)
			return false;
		pos = t;
		i = pos % PORT_RING_CELLS;
		if (!port_cell_free(atomic_load_explicit(&c->claim[i],
		    memory_order_acquire), pos))
			return false;
		/* Named before claimed (unless a rival for pos was first),
		 * so a writer killed right after its claim is known. */
		cell = &v->ur->cell[i];
		o = atomic_load(&cell->owner);
		if (o >> PORT_OWNER_POS_SHIFT != PORT_OWNER_TAG(pos))
			atomic_compare_exchange_strong(&cell->owner, &o,
			    PORT_OWNER(pos, v->pid));
		if (!atomic_compare_exchange_weak(&c->tail, &t, pos + 1))
			continue;
		atomic_store(&cell->owner, PORT_OWNER(pos, v->pid));
		s = atomic_load(&cell->state);
		if (s != 0 && s >> 2 >= pos) {
			given_up(c, i, pos, s);
			continue;
		}
		memcpy(&cell->packet, pkt, sizeof(*pkt));
		cell->packet.type = ZX_PKT_TYPE_USER;
		if (atomic_compare_exchange_strong(&cell->state, &s,
		    PORT_CELL(pos, PORT_CELL_READY)))
			break;
		given_up(c, i, pos, s);
	}
	if (atomic_load(&c->waiters) > 0) {
		uint64_t one = 1;

		if (write(v->uwake, &one, sizeof(one)) < 0)
			return true;	/* full: sleepers are woken anyway */
	}
	return true;
}

/* Ask the daemon for a packet it holds. */
static zx_status_t
pull(zx_handle_t h, zx_port_packet_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__PortPull pp = ZXD__PORT_PULL__INIT;
	struct rpc_reply rep;
	zx_status_t st;

	req.body_case = ZXD__REQUEST__BODY_PORT_PULL;
	req.port_pull = &pp;
	st = rpc_call(h, &req, NULL, 0, &rep);
	if (st == ZX_OK) {
		if (rep.rep->body_case != ZXD__REPLY__BODY_PORT_PULL ||
		    rep.rep->port_pull->packet.len != sizeof(*out))
			st = ZX_ERR_INTERNAL;
		else
			memcpy(out, rep.rep->port_pull->packet.data,
			    sizeof(*out));
	}
	rpc_reply_free(&rep);
	return st;
}

static zx_time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (zx_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleep until woken or the deadline (or `cap` ns from now, when not
 * 0). ZX_OK when woken (maybe spuriously), TIMED_OUT, or CANCELED when
 * the daemon is gone. */
static zx_status_t
sleep_on(struct port_view *v, zx_time_t deadline, zx_duration_t cap)
{
	struct pollfd p[3] = {
		{ .fd = v->uwake, .events = POLLIN },
		{ .fd = v->cancel, .events = POLLIN },
		{ .fd = v->wake, .events = POLLIN },
	};
	struct timespec ts, *tsp = NULL;
	zx_duration_t left = -1;
	uint64_t n;
	char b;
	int r;

	if (deadline != ZX_TIME_INFINITE) {
		left = deadline - mono_now();
		if (left <= 0)
			return ZX_ERR_TIMED_OUT;
	}
	if (cap > 0 && (left < 0 || cap < left))
		left = cap;
	if (left >= 0) {
		ts.tv_sec = left / 1000000000;
		ts.tv_nsec = left % 1000000000;
		tsp = &ts;
	}
	r = ppoll(p, 3, tsp, NULL);
	if (r < 0)
		return ZX_OK;
	if ((p[0].revents & POLLIN) &&
	    read(v->uwake, &n, sizeof(n)) < 0)
		return ZX_OK;
	if (p[2].revents & POLLIN) {
		ssize_t k = recv(v->wake, &b, 1, MSG_DONTWAIT);

		if (k == 0)
			return ZX_ERR_CANCELED;
	} else if (p[2].revents & (POLLHUP | POLLERR))
		return ZX_ERR_CANCELED;
	return ZX_OK;
}

/* How long a waiter spins on a writer's unpublished position before it
 * asks the daemon (which gives up positions of writers that died), and
 * how often it asks again while that lasts. */
#define PENDING_SPINS	64
#define PENDING_RECHECK	ZX_MSEC(20)

EXPORT zx_status_t
zx_port_wait(zx_handle_t h, zx_time_t deadline, zx_port_packet_t *packet)
{
	struct port_view *v;
	zx_port_packet_t pkt;
	struct zxh *e;
	zx_status_t st;
	unsigned gen;
	int spins = 0;

	/* A handle libzx does not know cannot be waited on; the daemon
	 * checks the type and the rights when the view is set up, and
	 * sends no consumer's side without READ. */
	e = zxh_get(h, NULL);
	if (e == NULL)
		return ZX_ERR_BAD_HANDLE;
	atomic_fetch_add(&e->waiters, 1);
	gen = atomic_load(&e->gen);
	if (!atomic_load(&e->live)) {
		st = ZX_ERR_BAD_HANDLE;
		goto out;
	}
	st = view_of(h, e, &v);
	if (st == ZX_OK && v->kr == NULL)
		st = ZX_ERR_ACCESS_DENIED;
	if (st != ZX_OK)
		goto out;
	for (;;) {
		struct port_ctl *c = v->ctl;
		enum take tk = TAKE_EMPTY;
		uint32_t want;

		if (atomic_load(&e->gen) != gen) {
			st = ZX_ERR_CANCELED;
			break;
		}
		want = atomic_load(&v->kr->pull);
		if (!(want & PORT_PULL_IRQ)) {
			tk = ring_take(v, &pkt);
			if (tk == TAKE_OK) {
				st = ZX_OK;
				break;
			}
			if (tk == TAKE_PENDING && ++spins < PENDING_SPINS) {
				sched_yield();
				continue;
			}
		}
		if (want != 0 || tk == TAKE_PENDING) {
			st = pull(h, &pkt);
			if (st != ZX_ERR_SHOULD_WAIT)
				break;
		}
		if (deadline != ZX_TIME_INFINITE && mono_now() >= deadline) {
			st = ZX_ERR_TIMED_OUT;
			break;
		}
		/* Count ourselves a sleeper, then look once more: the
		 * daemon and writers wake sleepers after publishing. */
		atomic_fetch_add(&c->waiters, 1);
		if (atomic_load(&v->kr->pull) == 0 &&
		    atomic_load(&c->head) >=
		    (atomic_load(&c->tail) & ~PORT_TAIL_HELD) &&
		    atomic_load(&e->gen) == gen)
			st = sleep_on(v, deadline, 0);
		else if (tk == TAKE_PENDING)
			st = sleep_on(v, deadline, PENDING_RECHECK);
		else
			st = ZX_OK;
		atomic_fetch_sub(&c->waiters, 1);
		spins = 0;
		if (st == ZX_ERR_CANCELED)
			break;
		st = ZX_OK;
	}
out:
	atomic_fetch_sub(&e->waiters, 1);
	if (st == ZX_OK && packet == NULL)
		return ZX_ERR_INVALID_ARGS;	/* the packet is lost */
	if (st == ZX_OK)
		*packet = pkt;
	return st;
}

EXPORT zx_status_t
zx_port_create(uint32_t options, zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__PortCreate pc = ZXD__PORT_CREATE__INIT;

	zx_handle_t h;
	zx_status_t st;

	pc.options = options;
	req.body_case = ZXD__REQUEST__BODY_PORT_CREATE;
	req.port_create = &pc;
	st = rpc_new_handles(RPC_CONTROL, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}

/* The daemon's zx_port_queue: what the ring cannot take now. */
static zx_status_t
queue_call(zx_handle_t h, const zx_port_packet_t *packet)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__PortQueue pq = ZXD__PORT_QUEUE__INIT;

	/* A NULL packet goes as no bytes: the daemon answers INVALID_ARGS
	 * after the lookup, where Zircon's copy faults. */
	if (packet != NULL) {
		pq.packet.data = (uint8_t *)packet;
		pq.packet.len = sizeof(*packet);
	}
	req.body_case = ZXD__REQUEST__BODY_PORT_QUEUE;
	req.port_queue = &pq;
	return rpc_call(h, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_port_queue(zx_handle_t h, const zx_port_packet_t *packet)
{
	struct port_view *v;
	struct zxh *e;
	zx_status_t st;
	bool done;

	/* What depends on the handle is fixed for its life and known
	 * since it arrived; a handle libzx does not know goes to the
	 * daemon, which answers BAD_HANDLE. */
	e = zxh_get(h, NULL);
	if (e == NULL)
		return queue_call(h, packet);
	if (e->type != ZX_OBJ_TYPE_PORT)
		return ZX_ERR_WRONG_TYPE;
	if (!(e->rights & ZX_RIGHT_WRITE))
		return ZX_ERR_ACCESS_DENIED;
	if (packet == NULL)
		return ZX_ERR_INVALID_ARGS;
	if (!zxh_hold(e))
		return ZX_ERR_BAD_HANDLE;
	st = view_of(h, e, &v);
	done = st == ZX_OK && v->writable && ring_put(v, packet);
	atomic_fetch_sub(&e->waiters, 1);
	return done ? ZX_OK : queue_call(h, packet);
}

EXPORT zx_status_t
zx_port_cancel(zx_handle_t h, zx_handle_t source, uint64_t key)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__PortCancel pc = ZXD__PORT_CANCEL__INIT;
	int fd;

	/* A source libzx does not know goes unsent: the daemon answers
	 * BAD_HANDLE after looking the port up. */
	pc.source_sent = zxh_get(source, &fd) != NULL;
	pc.key = key;
	req.body_case = ZXD__REQUEST__BODY_PORT_CANCEL;
	req.port_cancel = &pc;
	return rpc_call(h, &req, &fd, pc.source_sent ? 1 : 0, NULL);
}

EXPORT zx_status_t
zx_port_cancel_key(zx_handle_t h, uint32_t options, uint64_t key)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__PortCancelKey pc = ZXD__PORT_CANCEL_KEY__INIT;

	pc.options = options;
	pc.key = key;
	req.body_case = ZXD__REQUEST__BODY_PORT_CANCEL_KEY;
	req.port_cancel_key = &pc;
	return rpc_call(h, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_object_wait_async(zx_handle_t handle, zx_handle_t port, uint64_t key,
    zx_signals_t signals, uint32_t options)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__WaitAsync wa = ZXD__WAIT_ASYNC__INIT;
	struct zxh *e;
	zx_status_t st;
	int fd;

	/* Sent on the port's socket with the object's handle as the fd;
	 * an object handle libzx does not know goes unsent, and the
	 * daemon answers BAD_HANDLE at its place in Zircon's order. */
	e = zxh_get(handle, &fd);
	wa.object_sent = e != NULL;
	wa.key = key;
	wa.signals = signals;
	wa.options = options;
	req.body_case = ZXD__REQUEST__BODY_WAIT_ASYNC;
	req.wait_async = &wa;
	st = rpc_call(port, &req, &fd, e != NULL ? 1 : 0, NULL);
	/* Closing this handle now cancels a wait, with no packet after the
	 * close returns: the close waits for the daemon. */
	if (st == ZX_OK && e != NULL)
		e->close_sync = true;
	return st;
}
