/* Ports, Zircon's PortDispatcher in miniature.
 *
 * A packet is queued in one of three places, in this order of delivery:
 * the interrupt queue (ZX_PORT_BIND_TO_INTERRUPT ports only), the shared
 * ring (objects/port_ring.h), and the overflow list behind it. A packet
 * goes to the ring when nothing waits in the overflow list and a cell is
 * free, so the ring plus the list is one FIFO. Cells consumers took are
 * reclaimed at each port operation; the list then moves up into them.
 *
 * An async wait is an object_observer (objects/object.h) with its packet
 * preallocated, as in Zircon, so signal packets are never refused.
 */
#include "config-build.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backends/anon.h"
#include "objects/port.h"
#include "proto/port_ring.h"

#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* A packet held by the daemon (overflow list or interrupt queue). */
struct port_pkt {
	struct port_pkt *next;
	zx_port_packet_t packet;
	const void *source;		/* registering handle or producer */
	struct port_account *acct;	/* a reference, or NULL */
	bool user;
	bool embedded;			/* inside a port_wait, not malloc'd */
};

/* What the daemon remembers of a published cell. */
struct port_meta {
	const void *source;
	struct port_account *acct;	/* a reference, or NULL */
	uint64_t key;
	bool user;
};

/* A pending async wait. */
struct port_wait {
	struct object_observer ob;	/* first */
	struct port *port;
	struct port_wait *prev, *next;	/* on the port */
	uint64_t key;
	uint32_t options;
	struct port_account *acct;	/* a reference */
	struct port_pkt pkt;		/* preallocated */
};

struct port_pkt_list {
	struct port_pkt *head, *tail;
	size_t n;
};

struct port {
	struct object obj;		/* first */
	uint32_t options;
	bool dead;			/* the last handle is gone */
	int ring_fd;
	/* A SOCK_SEQPACKET pair: the daemon sends a byte on wake_fd to wake
	 * sleepers; holders get copies of wake_peer, which also reads EOF
	 * when the daemon dies. */
	int wake_fd, wake_peer;
	struct port_ring *ring;
	uint64_t tail;			/* next position to publish */
	uint64_t reclaim;		/* first position not reclaimed */
	struct port_meta meta[PORT_RING_CELLS];
	struct port_pkt_list overflow;
	struct port_pkt_list irq;
	uint32_t user_count;
	struct port_wait *waits;
	size_t n_waits;
	struct port *prev_port, *next_port;	/* all ports */
};

static struct port *all_ports;

struct port_account *
port_account_new(void)
{
	struct port_account *a = calloc(1, sizeof(*a));

	if (a != NULL)
		a->refcount = 1;
	return a;
}

struct port_account *
port_account_ref(struct port_account *a)
{
	if (a != NULL)
		a->refcount++;
	return a;
}

void
port_account_unref(struct port_account *a)
{
	if (a != NULL && --a->refcount == 0)
		free(a);
}

/* One item of `a` is given back. */
static void
acct_release(struct port_account *a)
{
	if (a == NULL)
		return;
	if (a->items > 0)
		a->items--;
	port_account_unref(a);
}

static struct port_account *
acct_charge(struct port_account *a)
{
	if (a != NULL)
		a->items++;
	return port_account_ref(a);
}

static void
list_append(struct port_pkt_list *l, struct port_pkt *k)
{
	k->next = NULL;
	if (l->tail != NULL)
		l->tail->next = k;
	else
		l->head = k;
	l->tail = k;
	l->n++;
}

static struct port_pkt *
list_pop(struct port_pkt_list *l)
{
	struct port_pkt *k = l->head;

	if (k == NULL)
		return NULL;
	l->head = k->next;
	if (l->head == NULL)
		l->tail = NULL;
	l->n--;
	k->next = NULL;
	return k;
}

/* Free a packet the daemon held, giving back what it was charged. */
static void
pkt_drop(struct port *p, struct port_pkt *k)
{
	if (k->user && p->user_count > 0)
		p->user_count--;
	acct_release(k->acct);
	k->acct = NULL;
	if (k->embedded)
		free(container_of(k, struct port_wait, pkt));
	else
		free(k);
}

static void
set_pull(struct port *p)
{
	uint32_t v = (p->irq.n ? PORT_PULL_IRQ : 0) |
	    (p->overflow.n ? PORT_PULL_OVERFLOW : 0);

	atomic_store(&p->ring->pull, v);
}

static void
wake(struct port *p)
{
	char b = 0;

	if (atomic_load(&p->ring->waiters) == 0)
		return;
	/* Never blocks; a full buffer means wakeups are pending anyway. */
	if (send(p->wake_fd, &b, 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return;
}

static void
meta_release(struct port *p, struct port_meta *m)
{
	if (m->user && p->user_count > 0)
		p->user_count--;
	acct_release(m->acct);
	memset(m, 0, sizeof(*m));
}

/* Take back the cells consumers took. */
static void
reclaim(struct port *p)
{
	while (p->reclaim < p->tail) {
		uint64_t pos = p->reclaim;
		struct port_ring_cell *c = &p->ring->cell[pos % PORT_RING_CELLS];

		if (atomic_load_explicit(&c->state, memory_order_acquire) ==
		    PORT_CELL(pos, PORT_CELL_READY))
			break;
		meta_release(p, &p->meta[pos % PORT_RING_CELLS]);
		p->reclaim++;
	}
}

/* Publish k in the next cell; false when the ring is full. The cell's
 * metadata takes k's charge; k itself is freed. */
static bool
publish(struct port *p, struct port_pkt *k)
{
	uint64_t pos = p->tail;
	struct port_ring_cell *c;
	struct port_meta *m;

	if (pos - p->reclaim >= PORT_RING_CELLS)
		return false;
	c = &p->ring->cell[pos % PORT_RING_CELLS];
	m = &p->meta[pos % PORT_RING_CELLS];
	memcpy(&c->packet, &k->packet, sizeof(c->packet));
	m->source = k->source;
	m->acct = k->acct;
	m->key = k->packet.key;
	m->user = k->user;
	k->acct = NULL;
	k->user = false;
	atomic_store_explicit(&c->state, PORT_CELL(pos, PORT_CELL_READY), memory_order_release);
	p->tail = pos + 1;
	atomic_store(&p->ring->tail, p->tail);
	pkt_drop(p, k);
	return true;
}

/* Reclaim, then move the overflow list up into the ring. */
static void
refill(struct port *p)
{
	bool moved = false;

	reclaim(p);
	while (p->overflow.head != NULL && p->tail - p->reclaim <
	    PORT_RING_CELLS) {
		publish(p, list_pop(&p->overflow));
		moved = true;
	}
	set_pull(p);
	if (moved)
		wake(p);
}

/* Queue k (charged already) at the end of the port's queue. */
static void
deliver(struct port *p, struct port_pkt *k)
{
	if (p->dead) {
		pkt_drop(p, k);
		return;
	}
	if (k->packet.type == ZX_PKT_TYPE_INTERRUPT &&
	    (p->options & ZX_PORT_BIND_TO_INTERRUPT)) {
		list_append(&p->irq, k);
		set_pull(p);
		wake(p);
		return;
	}
	reclaim(p);
	if (p->overflow.head == NULL && publish(p, k)) {
		wake(p);
		return;
	}
	list_append(&p->overflow, k);
	set_pull(p);
	wake(p);
}

static void
wait_unlink(struct port_wait *w)
{
	struct port *p = w->port;

	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		p->waits = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	w->prev = w->next = NULL;
	p->n_waits--;
}

static zx_time_t
now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (zx_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The wait matched: its packet joins the queue, carrying its charge. */
static void
wait_fire(struct port_wait *w, zx_signals_t state)
{
	struct port_pkt *k = &w->pkt;
	zx_packet_signal_t *s = &k->packet.signal;

	memset(&k->packet, 0, sizeof(k->packet));
	k->packet.key = w->key;
	k->packet.type = ZX_PKT_TYPE_SIGNAL_ONE;
	k->packet.status = ZX_OK;
	s->trigger = w->ob.signals;
	s->observed = state;
	s->count = 1;
	if (w->options & ZX_WAIT_ASYNC_TIMESTAMP)
		s->timestamp = (uint64_t)now_ns(CLOCK_MONOTONIC);
	else if (w->options & ZX_WAIT_ASYNC_BOOT_TIMESTAMP)
		s->timestamp = (uint64_t)now_ns(CLOCK_BOOTTIME);
	k->source = w->ob.handle;
	k->acct = w->acct;
	w->acct = NULL;
	k->user = false;
	k->embedded = true;
	deliver(w->port, k);
}

static void
wait_on_match(struct object_observer *ob, zx_signals_t state)
{
	struct port_wait *w = (struct port_wait *)ob;

	wait_unlink(w);
	wait_fire(w, state);
}

static void
wait_free(struct port_wait *w)
{
	acct_release(w->acct);
	free(w);
}

static void
wait_on_cancel(struct object_observer *ob)
{
	struct port_wait *w = (struct port_wait *)ob;

	wait_unlink(w);
	wait_free(w);
}

zx_status_t
port_wait_async(struct port *p, struct object *o, const void *handle,
    uint64_t key, zx_signals_t signals, uint32_t options,
    struct port_account *acct)
{
	struct port_wait *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return ZX_ERR_NO_MEMORY;
	w->port = p;
	w->key = key;
	w->options = options;
	w->acct = acct_charge(acct);
	w->ob.signals = signals;
	w->ob.handle = handle;
	w->ob.on_match = wait_on_match;
	w->ob.on_cancel = wait_on_cancel;
	w->next = p->waits;
	if (p->waits != NULL)
		p->waits->prev = w;
	p->waits = w;
	p->n_waits++;
	/* Level mode: a signal already asserted fires now (as the
	 * object's clients left it, for sockets and FIFOs). */
	object_refresh(o);
	if (!(options & ZX_WAIT_ASYNC_EDGE) && (o->signals & signals)) {
		wait_unlink(w);
		wait_fire(w, o->signals);
		return ZX_OK;
	}
	object_observe(o, &w->ob);
	return ZX_OK;
}

zx_status_t
port_queue_user(struct port *p, const zx_port_packet_t *pkt,
    struct port_account *acct)
{
	struct port_pkt *k;

	reclaim(p);
	if (p->user_count > PORT_MAX_USER_PACKETS)
		return ZX_ERR_SHOULD_WAIT;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return ZX_ERR_NO_MEMORY;
	k->packet = *pkt;
	k->packet.type = ZX_PKT_TYPE_USER;
	k->user = true;
	k->acct = acct_charge(acct);
	p->user_count++;
	deliver(p, k);
	return ZX_OK;
}

void
port_queue_kernel(struct port *p, const zx_port_packet_t *pkt,
    const void *source)
{
	struct port_pkt *k;

	if (p->dead)
		return;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return;
	k->packet = *pkt;
	k->source = source;
	deliver(p, k);
}

zx_status_t
port_pull(struct port *p, zx_port_packet_t *ret)
{
	struct port_pkt *k;
	zx_status_t st = ZX_ERR_SHOULD_WAIT;

	refill(p);
	k = list_pop(&p->irq);
	if (k != NULL) {
		*ret = k->packet;
		pkt_drop(p, k);
		set_pull(p);
		return ZX_OK;
	}
	for (uint64_t pos = p->reclaim; pos < p->tail; pos++) {
		struct port_ring_cell *c =
		    &p->ring->cell[pos % PORT_RING_CELLS];
		uint64_t ready = PORT_CELL(pos, PORT_CELL_READY);
		zx_port_packet_t copy;

		if (atomic_load_explicit(&c->state, memory_order_acquire) != ready)
			continue;
		memcpy(&copy, &c->packet, sizeof(copy));
		if (atomic_compare_exchange_strong_explicit(&c->state, &ready, PORT_CELL(pos, PORT_CELL_TAKEN), memory_order_acq_rel, memory_order_acquire)) {
			*ret = copy;
			st = ZX_OK;
			break;
		}
	}
	refill(p);
	return st;
}

enum match_mode { MATCH_HANDLE_KEY, MATCH_KEY, MATCH_SOURCE };

static bool
matches(enum match_mode mode, const void *source, bool user, uint64_t key,
    const void *want_source, uint64_t want_key)
{
	switch (mode) {
	case MATCH_HANDLE_KEY:
		return !user && source == want_source && key == want_key;
	case MATCH_KEY:
		return key == want_key;
	case MATCH_SOURCE:
		return !user && source == want_source;
	}
	return false;
}

static size_t
cancel(struct port *p, enum match_mode mode, const void *source,
    uint64_t key)
{
	struct port_wait *w, *wnext;
	struct port_pkt_list keep = { 0 };
	struct port_pkt *k;
	size_t n = 0;

	reclaim(p);
	if (mode != MATCH_SOURCE) {
		for (w = p->waits; w != NULL; w = wnext) {
			wnext = w->next;
			if (!matches(mode, w->ob.handle, false, w->key, source,
			    key))
				continue;
			object_unobserve(&w->ob);
			wait_unlink(w);
			wait_free(w);
			n++;
		}
	}
	for (uint64_t pos = p->reclaim; pos < p->tail; pos++) {
		struct port_ring_cell *c =
		    &p->ring->cell[pos % PORT_RING_CELLS];
		struct port_meta *m = &p->meta[pos % PORT_RING_CELLS];
		uint64_t ready = PORT_CELL(pos, PORT_CELL_READY);

		if (!matches(mode, m->source, m->user, m->key, source, key))
			continue;
		if (atomic_compare_exchange_strong_explicit(&c->state, &ready, PORT_CELL(pos, PORT_CELL_CANCELED), memory_order_acq_rel, memory_order_acquire))
			n++;
	}
	for (int q = 0; q < 2; q++) {
		struct port_pkt_list *l = q ? &p->irq : &p->overflow;

		keep = (struct port_pkt_list){ 0 };
		while ((k = list_pop(l)) != NULL) {
			if (matches(mode, k->source, k->user, k->packet.key,
			    source, key)) {
				pkt_drop(p, k);
				n++;
			} else
				list_append(&keep, k);
		}
		*l = keep;
	}
	refill(p);
	return n;
}

zx_status_t
port_cancel(struct port *p, const void *handle, uint64_t key)
{
	return cancel(p, MATCH_HANDLE_KEY, handle, key) ? ZX_OK :
	    ZX_ERR_NOT_FOUND;
}

zx_status_t
port_cancel_key(struct port *p, uint64_t key)
{
	return cancel(p, MATCH_KEY, NULL, key) ? ZX_OK : ZX_ERR_NOT_FOUND;
}

size_t
port_cancel_source(struct port *p, const void *source)
{
	return cancel(p, MATCH_SOURCE, source, 0);
}

void
port_reclaim_all(void)
{
	for (struct port *p = all_ports; p != NULL; p = p->next_port)
		if (!p->dead)
			refill(p);
}

void
port_counts(struct port *p, size_t *ret_queued, size_t *ret_waits)
{
	size_t n = p->overflow.n + p->irq.n;

	if (!p->dead)
		refill(p);
	for (uint64_t pos = p->reclaim; pos < p->tail; pos++)
		if (atomic_load_explicit(&p->ring->cell[pos %
		    PORT_RING_CELLS].state, memory_order_acquire) ==
		    PORT_CELL(pos, PORT_CELL_READY))
			n++;
	*ret_queued = n;
	*ret_waits = p->n_waits;
}

/* The last handle is gone: no packet can be read any more. */
static void
port_zero_handles(struct object *o)
{
	struct port *p = (struct port *)o;
	struct port_pkt *k;

	p->dead = true;
	while (p->waits != NULL) {
		struct port_wait *w = p->waits;

		object_unobserve(&w->ob);
		wait_unlink(w);
		wait_free(w);
	}
	while ((k = list_pop(&p->overflow)) != NULL)
		pkt_drop(p, k);
	while ((k = list_pop(&p->irq)) != NULL)
		pkt_drop(p, k);
	for (; p->reclaim < p->tail; p->reclaim++)
		meta_release(p, &p->meta[p->reclaim % PORT_RING_CELLS]);
	set_pull(p);
}

static void
port_destroy(struct object *o)
{
	struct port *p = (struct port *)o;

	if (!p->dead)
		port_zero_handles(o);
	if (p->prev_port != NULL)
		p->prev_port->next_port = p->next_port;
	else
		all_ports = p->next_port;
	if (p->next_port != NULL)
		p->next_port->prev_port = p->prev_port;
	munmap(p->ring, PORT_RING_SIZE);
	close(p->ring_fd);
	close(p->wake_fd);
	close(p->wake_peer);
	free(p);
}

static uint64_t
port_memory_bytes(const struct object *o)
{
	(void)o;
	return PORT_RING_SIZE + sizeof(struct port);
}

static bool
port_close_observable(const struct object *o)
{
	(void)o;
	return false;
}

static const struct object_ops port_ops = {
	.type = ZX_OBJ_TYPE_PORT,
	.name = "port",
	.default_rights = ZX_DEFAULT_PORT_RIGHTS,
	.waitable = false,
	.on_zero_handles = port_zero_handles,
	.destroy = port_destroy,
	.memory_bytes = port_memory_bytes,
	.close_observable = port_close_observable,
};

struct port *
port_of(struct object *o)
{
	return o != NULL && o->ops == &port_ops ? (struct port *)o : NULL;
}

bool
port_binds_interrupts(const struct port *p)
{
	return (p->options & ZX_PORT_BIND_TO_INTERRUPT) != 0;
}

zx_status_t
port_create(uint32_t options, struct object **ret)
{
	struct port *p;
	void *map;
	int sv[2];

	if (options != 0 && options != ZX_PORT_BIND_TO_INTERRUPT)
		return ZX_ERR_INVALID_ARGS;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return ZX_ERR_NO_MEMORY;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0, sv) < 0) {
		free(p);
		return ZX_ERR_NO_RESOURCES;
	}
	p->wake_fd = sv[0];
	p->wake_peer = sv[1];
	if (anon_memfd_new("zxd-port", PORT_RING_SIZE, &p->ring_fd) < 0) {
		close(sv[0]);
		close(sv[1]);
		free(p);
		return ZX_ERR_NO_RESOURCES;
	}
	map = mmap(NULL, PORT_RING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    p->ring_fd, 0);
	if (map == MAP_FAILED || anon_seal_size(p->ring_fd, true) < 0) {
		if (map != MAP_FAILED)
			munmap(map, PORT_RING_SIZE);
		close(p->ring_fd);
		close(sv[0]);
		close(sv[1]);
		free(p);
		return ZX_ERR_NO_MEMORY;
	}
	p->ring = map;
	p->ring->cells = PORT_RING_CELLS;
	p->options = options;
	object_init(&p->obj, &port_ops);
	p->next_port = all_ports;
	if (all_ports != NULL)
		all_ports->prev_port = p;
	all_ports = p;
	*ret = &p->obj;
	return ZX_OK;
}

zx_status_t
port_open_ring(struct port *p, int *ret_ring, int *ret_efd)
{
	int rfd, efd;

	if (anon_reopen(p->ring_fd, true, &rfd) < 0)
		return ZX_ERR_NO_RESOURCES;
	efd = fcntl(p->wake_peer, F_DUPFD_CLOEXEC, 0);
	if (efd < 0) {
		close(rfd);
		return ZX_ERR_NO_RESOURCES;
	}
	*ret_ring = rfd;
	*ret_efd = efd;
	return ZX_OK;
}
