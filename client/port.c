/* Ports and async waits: zx_port_create, zx_port_queue, zx_port_wait,
 * zx_port_cancel, zx_port_cancel_key, zx_object_wait_async.
 *
 * zx_port_wait takes packets from the port's shared ring
 * (objects/port_ring.h) with no round trip; it asks the daemon only for
 * what the ring does not hold (interrupt packets, overflow), and sleeps
 * in poll(2) on the port's wake socket, which also reads EOF when the
 * daemon dies, and on an eventfd of its own that a close of the handle
 * by another thread writes. */
#include "config-build.h"

#include <errno.h>
#include <stdatomic.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/libzx.h"
#include "proto/port_ring.h"

/* What a handle with READ keeps to consume packets. */
struct port_view {
	struct port_ring *ring;
	int wake;		/* the port's wake socket */
	int cancel;		/* eventfd: this handle is closing */
};

static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;

static void
view_free(void *priv)
{
	struct port_view *v = priv;

	munmap(v->ring, PORT_RING_SIZE);
	close(v->wake);
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

/* The handle's view of the ring, set up on first use. */
static zx_status_t
view_of(zx_handle_t h, struct zxh *e, struct port_view **ret)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__PortSetup ps = ZXD__PORT_SETUP__INIT;
	struct rpc_reply rep;
	struct port_view *v;
	zx_status_t st;
	void *map;

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
	if (st == ZX_OK && rep.nfds != 2)
		st = ZX_ERR_INTERNAL;
	if (st != ZX_OK)
		goto fail_rep;
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		st = ZX_ERR_NO_MEMORY;
		goto fail_rep;
	}
	map = mmap(NULL, PORT_RING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    rep.fds[0], 0);
	v->cancel = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (map == MAP_FAILED || v->cancel < 0) {
		if (map != MAP_FAILED)
			munmap(map, PORT_RING_SIZE);
		if (v->cancel >= 0)
			close(v->cancel);
		free(v);
		st = ZX_ERR_NO_MEMORY;
		goto fail_rep;
	}
	v->ring = map;
	v->wake = rep.fds[1];
	rep.fds[1] = -1;
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

/* Take the oldest published packet; false when the ring is empty. */
static bool
ring_take(struct port_ring *r, zx_port_packet_t *out)
{
	for (;;) {
		uint64_t h = atomic_load(&r->head);
		uint64_t t = atomic_load(&r->tail);
		struct port_ring_cell *c;
		uint64_t s, ready;

		if (h >= t)
			return false;
		if (t - h > PORT_RING_CELLS) {
			/* A stale hint: nothing before t - CELLS is left. */
			atomic_compare_exchange_strong(&r->head, &h, t - PORT_RING_CELLS);
			continue;
		}
		c = &r->cell[h % PORT_RING_CELLS];
		ready = PORT_CELL(h, PORT_CELL_READY);
		s = atomic_load_explicit(&c->state, memory_order_acquire);
		if (s == ready) {
			memcpy(out, &c->packet, sizeof(*out));
			if (atomic_compare_exchange_strong(&c->state, &ready, PORT_CELL(h, PORT_CELL_TAKEN))) {
				atomic_compare_exchange_strong(&r->head, &h, h + 1);
				return true;
			}
			continue;
		}
		/* Taken, cancelled (or reused since): move the hint on. */
		atomic_compare_exchange_strong(&r->head, &h, h + 1);
	}
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

/* Sleep until woken or the deadline. ZX_OK when woken (maybe
 * spuriously), TIMED_OUT, or CANCELED when the daemon is gone. */
static zx_status_t
sleep_on(struct port_view *v, zx_time_t deadline)
{
	struct pollfd p[2] = {
		{ .fd = v->wake, .events = POLLIN },
		{ .fd = v->cancel, .events = POLLIN },
	};
	struct timespec ts, *tsp = NULL;
	char b;
	int r;

	if (deadline != ZX_TIME_INFINITE) {
		zx_time_t left = deadline - mono_now();

		if (left <= 0)
			return ZX_ERR_TIMED_OUT;
		ts.tv_sec = left / 1000000000;
		ts.tv_nsec = left % 1000000000;
		tsp = &ts;
	}
	r = ppoll(p, 2, tsp, NULL);
	if (r < 0)
		return ZX_OK;
	if (p[0].revents & POLLIN) {
		ssize_t n = recv(v->wake, &b, 1, MSG_DONTWAIT);

		if (n == 0)
			return ZX_ERR_CANCELED;
	} else if (p[0].revents & (POLLHUP | POLLERR))
		return ZX_ERR_CANCELED;
	return ZX_OK;
}

EXPORT zx_status_t
zx_port_wait(zx_handle_t h, zx_time_t deadline, zx_port_packet_t *packet)
{
	struct port_view *v;
	zx_port_packet_t pkt;
	struct zxh *e;
	zx_status_t st;
	unsigned gen;

	/* A handle libzx does not know cannot be waited on; the daemon
	 * checks the type and READ when the view is set up. */
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
	if (st != ZX_OK)
		goto out;
	for (;;) {
		struct port_ring *r = v->ring;
		uint32_t want;

		if (atomic_load(&e->gen) != gen) {
			st = ZX_ERR_CANCELED;
			break;
		}
		want = atomic_load(&r->pull);
		if (!(want & PORT_PULL_IRQ) && ring_take(r, &pkt)) {
			st = ZX_OK;
			break;
		}
		if (want != 0) {
			st = pull(h, &pkt);
			if (st != ZX_ERR_SHOULD_WAIT)
				break;
		}
		if (deadline != ZX_TIME_INFINITE && mono_now() >= deadline) {
			st = ZX_ERR_TIMED_OUT;
			break;
		}
		/* Count ourselves a sleeper, then look once more: the
		 * daemon wakes sleepers after publishing. */
		atomic_fetch_add(&r->waiters, 1);
		if (atomic_load(&r->pull) == 0 &&
		    atomic_load(&r->head) >=
		    atomic_load(&r->tail) &&
		    atomic_load(&e->gen) == gen)
			st = sleep_on(v, deadline);
		else
			st = ZX_OK;
		atomic_fetch_sub(&r->waiters, 1);
		if (st == ZX_ERR_CANCELED)
			break;
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

EXPORT zx_status_t
zx_port_queue(zx_handle_t h, const zx_port_packet_t *packet)
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
