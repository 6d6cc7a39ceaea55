/* Ports, Zircon's PortDispatcher in miniature.
 *
 * A port's queue is a sequence of positions in a shared ring
 * (proto/port_ring.h), claimed in order by the daemon and by writers in
 * any process; behind it the daemon may hold an overflow list (while it
 * does, `tail` says so and writers queue through the daemon), and in
 * front of everything, on a ZX_PORT_BIND_TO_INTERRUPT port, its
 * interrupt queue. The daemon remembers what it published in a cell
 * (`meta`: source, key, charge) until a consumer or a cancel consumed
 * it. It trusts nothing the clients can write: every word it reads from
 * the shared pages is checked, every loop over them is bounded, and a
 * port whose control page makes no sense is `broken`: from then on the
 * daemon hands its packets out through PortPull only.
 *
 * An async wait is an object_observer (objects/object.h) with its packet
 * preallocated, as in Zircon, so signal packets are never refused.
 */
#include "config-build.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backends/anon.h"
#include "objects/port.h"
#include "proto/port_ring.h"

#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* Compare-and-swaps on words other processes write give up after this
 * many failures (a writer that keeps changing them hurts its port). */
#define CAS_TRIES	64

/* A packet held by the daemon (overflow list or interrupt queue). */
struct port_pkt {
	struct port_pkt *next;
	zx_port_packet_t packet;
	const void *source;		/* registering handle or producer */
	struct port_account *acct;	/* a reference, or NULL */
	bool user;
	bool embedded;			/* inside a port_wait, not malloc'd */
};

/* What the daemon remembers of a cell it published. */
struct port_meta {
	uint64_t pos;
	const void *source;
	struct port_account *acct;	/* a reference, or NULL */
	uint64_t key;
	bool user;
	bool valid;
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
	bool broken;			/* the control page made no sense */
	int ctl_fd, k_fd, u_fd;
	/* Writers write the eventfd to wake sleepers. The daemon sends a
	 * byte on wake_fd, a SOCK_SEQPACKET pair whose other end holders
	 * get copies of, which also reads EOF when the daemon dies. */
	int uwake_fd;
	int wake_fd, wake_peer;
	struct port_ctl *ctl;
	struct port_kring *kr;
	struct port_uring *ur;
	uint64_t seen;			/* the highest tail seen */
	uint64_t front;			/* nothing before it is pending */
	struct port_meta meta[PORT_RING_CELLS];
	size_t n_meta;
	struct port_pkt_list overflow;
	struct port_pkt_list irq;
	uint32_t user_count;		/* user packets the daemon holds */
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
	    (p->overflow.n || p->broken ? PORT_PULL_OVERFLOW : 0);

	atomic_store(&p->kr->pull, v);
}

static void
wake(struct port *p)
{
	char b = 0;

	if (atomic_load(&p->ctl->waiters) == 0)
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
	p->n_meta--;
}

/* The ring can no longer be trusted: every packet goes through
 * PortPull from now on. */
static void
set_broken(struct port *p)
{
	p->broken = true;
	atomic_fetch_or(&p->ctl->tail, PORT_TAIL_HELD);
	set_pull(p);
}

/* The tail as published, checked: positions only grow. false when
 * broken. */
static bool
load_tail(struct port *p, uint64_t *ret)
{
	uint64_t t = atomic_load(&p->ctl->tail);
	uint64_t pos = t & ~PORT_TAIL_HELD;

	if (p->broken)
		return false;
	if (pos < p->seen) {
		set_broken(p);
		return false;
	}
	p->seen = pos;
	*ret = t;
	return true;
}

/* The first position that can still be pending, and the tail. */
static bool
window(struct port *p, uint64_t *ret_lo, uint64_t *ret_tail)
{
	uint64_t t, lo;

	if (!load_tail(p, &t))
		return false;
	t &= ~PORT_TAIL_HELD;
	lo = p->front;
	if (t - lo > PORT_RING_CELLS)
		lo = t - PORT_RING_CELLS;
	*ret_lo = lo;
	*ret_tail = t;
	return true;
}

/* Forget the cells consumers took (giving back their charge). */
static void
reclaim(struct port *p)
{
	for (unsigned i = 0; i < PORT_RING_CELLS && p->n_meta > 0; i++) {
		struct port_meta *m = &p->meta[i];

		if (m->valid && port_consumed(atomic_load(&p->ctl->claim[i]),
		    m->pos))
			meta_release(p, m);
	}
}

/* Writers stay off the ring while the daemon holds packets behind it. */
static void
hold(struct port *p, bool on)
{
	uint64_t t = atomic_load(&p->ctl->tail);

	for (int i = 0; i < CAS_TRIES; i++) {
		uint64_t want = on ? t | PORT_TAIL_HELD : t & ~PORT_TAIL_HELD;

		if (t == want || atomic_compare_exchange_weak(&p->ctl->tail,
		    &t, want))
			return;
	}
	set_broken(p);
}

/* Publish k in the next position; false when the ring is full (or
 * broken). On success the cell's metadata takes k's charge and k is
 * freed. `held`: the daemon holds an overflow list (and tail says so). */
static bool
publish(struct port *p, struct port_pkt *k, bool held)
{
	struct port_cell *c;
	struct port_meta *m;
	uint64_t t, pos;
	unsigned i;

	for (int tries = 0; tries < CAS_TRIES; tries++) {
		if (!load_tail(p, &t))
			return false;
		if ((t & PORT_TAIL_HELD) && !held) {
			hold(p, false);
			continue;
		}
		pos = t & ~PORT_TAIL_HELD;
		i = pos % PORT_RING_CELLS;
		if (!port_cell_free(atomic_load(&p->ctl->claim[i]), pos))
			return false;
		m = &p->meta[i];
		if (m->valid) {
			if (!port_consumed(atomic_load(&p->ctl->claim[i]),
			    m->pos))
				return false;
			meta_release(p, m);
		}
		if (!atomic_compare_exchange_strong(&p->ctl->tail, &t,
		    (pos + 1) | (t & PORT_TAIL_HELD)))
			continue;
		p->seen = pos + 1;
		c = &p->kr->cell[i];
		memcpy(&c->packet, &k->packet, sizeof(c->packet));
		m->pos = pos;
		m->source = k->source;
		m->acct = k->acct;
		m->key = k->packet.key;
		m->user = k->user;
		m->valid = true;
		p->n_meta++;
		k->acct = NULL;
		k->user = false;
		atomic_store_explicit(&c->state, PORT_CELL(pos,
		    PORT_CELL_READY), memory_order_release);
		pkt_drop(p, k);
		return true;
	}
	return false;
}

static void
list_push_front(struct port_pkt_list *l, struct port_pkt *k)
{
	k->next = l->head;
	l->head = k;
	if (l->tail == NULL)
		l->tail = k;
	l->n++;
}

/* Move the overflow list up into the ring. */
static void
refill(struct port *p)
{
	bool moved = false;
	struct port_pkt *k;

	reclaim(p);
	if (!p->broken && !p->dead) {
		while ((k = list_pop(&p->overflow)) != NULL) {
			if (!publish(p, k, true)) {
				list_push_front(&p->overflow, k);
				break;
			}
			moved = true;
		}
		if (p->overflow.head == NULL)
			hold(p, false);
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
	if (!p->broken && p->overflow.head == NULL && publish(p, k, false)) {
		wake(p);
		return;
	}
	/* Behind the ring: from the moment tail says so, writers queue
	 * through the daemon, so this packet keeps its place. */
	list_append(&p->overflow, k);
	if (!p->broken)
		hold(p, true);
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

/* User packets queued now: those the daemon holds, and every pending
 * position of a writer (READY or still being written). */
static uint64_t
users_queued(struct port *p)
{
	uint64_t n = p->user_count, lo, t;

	if (!window(p, &lo, &t))
		return n;
	for (uint64_t pos = lo; pos < t; pos++) {
		unsigned i = pos % PORT_RING_CELLS;

		if (port_consumed(atomic_load(&p->ctl->claim[i]), pos) ||
		    atomic_load(&p->kr->cell[i].state) ==
		    PORT_CELL(pos, PORT_CELL_READY) ||
		    atomic_load(&p->ur->cell[i].state) ==
		    PORT_CELL(pos, PORT_CELL_ABANDONED))
			continue;
		n++;
	}
	return n;
}

zx_status_t
port_queue_user(struct port *p, const zx_port_packet_t *pkt,
    struct port_account *acct)
{
	struct port_pkt *k;

	reclaim(p);
	if (users_queued(p) > PORT_MAX_USER_PACKETS)
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

/* Whether owner word o names position pos and a process that no
 * longer exists. */
static bool
owner_gone(uint64_t o, uint64_t pos)
{
	pid_t pid = (pid_t)(o & PORT_OWNER_PID_MASK);

	if (o >> PORT_OWNER_POS_SHIFT != PORT_OWNER_TAG(pos) || pid <= 0)
		return false;
	return kill(pid, 0) < 0 && errno == ESRCH;
}

/* Give up position pos of cell i, which a writer claimed and has not
 * published, if the writer named there is gone (proto/port_ring.h).
 * The CAS on the state races the writer's own READY: one wins. */
static bool
abandon(struct port *p, unsigned i, uint64_t pos)
{
	struct port_cell *c = &p->ur->cell[i];
	uint64_t o = atomic_load(&c->owner);
	uint64_t s = atomic_load(&c->state);
	uint64_t cl;

	if (!owner_gone(o, pos) || (s != 0 && s >> 2 >= pos) ||
	    !atomic_compare_exchange_strong(&c->state, &s,
	    PORT_CELL(pos, PORT_CELL_ABANDONED)))
		return false;
	/* Still the dead one's: nobody writes the cell, free it. Else a
	 * live writer does, when it sees ABANDONED. */
	cl = atomic_load(&p->ctl->claim[i]);
	if (atomic_load(&c->owner) == o && !port_consumed(cl, pos))
		atomic_compare_exchange_strong(&p->ctl->claim[i], &cl, pos + 1);
	return true;
}

/* Consume position pos of cell i (claim word `cl` as read). */
static bool
take(struct port *p, unsigned i, uint64_t cl, uint64_t pos)
{
	return atomic_compare_exchange_strong(&p->ctl->claim[i], &cl,
	    pos + 1);
}

/* What position pos holds. */
enum cell_kind { CELL_DONE, CELL_DAEMON, CELL_WRITER, CELL_ABANDONED,
	CELL_PENDING };

static enum cell_kind
cell_kind(struct port *p, unsigned i, uint64_t pos, uint64_t *ret_claim)
{
	uint64_t cl = atomic_load(&p->ctl->claim[i]);

	*ret_claim = cl;
	if (port_consumed(cl, pos))
		return CELL_DONE;
	if (atomic_load_explicit(&p->kr->cell[i].state,
	    memory_order_acquire) == PORT_CELL(pos, PORT_CELL_READY) &&
	    p->meta[i].valid && p->meta[i].pos == pos)
		return CELL_DAEMON;
	switch (atomic_load_explicit(&p->ur->cell[i].state,
	    memory_order_acquire) ^ PORT_CELL(pos, 0)) {
	case PORT_CELL_READY:
		return CELL_WRITER;
	case PORT_CELL_ABANDONED:
		return CELL_ABANDONED;
	}
	return CELL_PENDING;
}

/* The oldest packet in the ring, taken; SHOULD_WAIT when there is
 * none or a writer still writes the oldest. */
static zx_status_t
ring_pull(struct port *p, zx_port_packet_t *ret)
{
	uint64_t lo, t, cl;

	if (!window(p, &lo, &t))
		return ZX_ERR_SHOULD_WAIT;
	for (uint64_t pos = lo; pos < t; pos++) {
		unsigned i = pos % PORT_RING_CELLS;
		zx_port_packet_t copy;

		switch (cell_kind(p, i, pos, &cl)) {
		case CELL_DONE:
			if (pos == p->front)
				p->front = pos + 1;
			continue;
		case CELL_DAEMON:
			memcpy(&copy, &p->kr->cell[i].packet, sizeof(copy));
			if (!take(p, i, cl, pos))
				continue;
			meta_release(p, &p->meta[i]);
			*ret = copy;
			return ZX_OK;
		case CELL_WRITER:
			memcpy(&copy, &p->ur->cell[i].packet, sizeof(copy));
			if (!take(p, i, cl, pos))
				continue;
			copy.type = ZX_PKT_TYPE_USER;
			*ret = copy;
			return ZX_OK;
		case CELL_ABANDONED:
			/* No packet. Its cell is freed by its writer, or
			 * here if that writer is gone too. */
			if (owner_gone(atomic_load(&p->ur->cell[i].owner),
			    pos))
				take(p, i, cl, pos);
			continue;
		case CELL_PENDING:
			if (abandon(p, i, pos))
				continue;
			return ZX_ERR_SHOULD_WAIT;
		}
	}
	return ZX_ERR_SHOULD_WAIT;
}

zx_status_t
port_pull(struct port *p, zx_port_packet_t *ret)
{
	struct port_pkt *k;
	zx_status_t st;

	refill(p);
	k = list_pop(&p->irq);
	if (k == NULL && p->broken)
		k = list_pop(&p->overflow);
	if (k != NULL) {
		*ret = k->packet;
		pkt_drop(p, k);
		set_pull(p);
		return ZX_OK;
	}
	st = ring_pull(p, ret);
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
	uint64_t lo, t, cl;
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
	if (window(p, &lo, &t)) {
		for (uint64_t pos = lo; pos < t; pos++) {
			unsigned i = pos % PORT_RING_CELLS;
			struct port_meta *m = &p->meta[i];

			switch (cell_kind(p, i, pos, &cl)) {
			case CELL_DAEMON:
				if (!matches(mode, m->source, m->user, m->key,
				    source, key) || !take(p, i, cl, pos))
					break;
				meta_release(p, m);
				n++;
				break;
			case CELL_WRITER:
				if (!matches(mode, NULL, true,
				    p->ur->cell[i].packet.key, source, key) ||
				    !take(p, i, cl, pos))
					break;
				n++;
				break;
			default:
				break;
			}
		}
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
	uint64_t lo, t, cl;

	if (!p->dead)
		refill(p);
	if (!p->dead && window(p, &lo, &t))
		for (uint64_t pos = lo; pos < t; pos++) {
			enum cell_kind kd = cell_kind(p,
			    pos % PORT_RING_CELLS, pos, &cl);

			if (kd == CELL_DAEMON || kd == CELL_WRITER)
				n++;
		}
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
	for (unsigned i = 0; i < PORT_RING_CELLS; i++)
		if (p->meta[i].valid)
			meta_release(p, &p->meta[i]);
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
	munmap(p->ctl, PORT_CTL_SIZE);
	munmap(p->kr, PORT_RING_SIZE);
	munmap(p->ur, PORT_RING_SIZE);
	close(p->ctl_fd);
	close(p->k_fd);
	close(p->u_fd);
	close(p->uwake_fd);
	close(p->wake_fd);
	close(p->wake_peer);
	free(p);
}

static uint64_t
port_memory_bytes(const struct object *o)
{
	(void)o;
	return 2 * PORT_RING_SIZE + PORT_CTL_SIZE + sizeof(struct port);
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

/* A sealed memfd of `size` bytes named `name`, mapped read-write;
 * `ro`: its inode made read-only, so holders get read-only copies. */
static int
shared_new(const char *name, size_t size, bool ro, int *ret_fd,
    void **ret_map)
{
	void *map;
	int fd;

	if (anon_memfd_new(name, size, &fd) < 0)
		return -1;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED || anon_seal_size(fd, true) < 0 ||
	    (ro && anon_seal_mode(fd) < 0)) {
		if (map != MAP_FAILED)
			munmap(map, size);
		close(fd);
		return -1;
	}
	*ret_fd = fd;
	*ret_map = map;
	return 0;
}

zx_status_t
port_create(uint32_t options, struct object **ret)
{
	struct port *p;
	void *ctl = NULL, *kr = NULL, *ur = NULL;
	int sv[2] = { -1, -1 };

	if (options != 0 && options != ZX_PORT_BIND_TO_INTERRUPT)
		return ZX_ERR_INVALID_ARGS;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return ZX_ERR_NO_MEMORY;
	p->ctl_fd = p->k_fd = p->u_fd = -1;
	p->uwake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->uwake_fd < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET |
	    SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0 ||
	    shared_new("zxd-port-ctl", PORT_CTL_SIZE, false, &p->ctl_fd,
	    &ctl) < 0 ||
	    shared_new("zxd-port-kcells", PORT_RING_SIZE, true, &p->k_fd,
	    &kr) < 0 ||
	    shared_new("zxd-port-ucells", PORT_RING_SIZE, true, &p->u_fd,
	    &ur) < 0) {
		if (ctl != NULL) {
			munmap(ctl, PORT_CTL_SIZE);
			close(p->ctl_fd);
		}
		if (kr != NULL) {
			munmap(kr, PORT_RING_SIZE);
			close(p->k_fd);
		}
		if (p->uwake_fd >= 0)
			close(p->uwake_fd);
		if (sv[0] >= 0) {
			close(sv[0]);
			close(sv[1]);
		}
		free(p);
		return ZX_ERR_NO_RESOURCES;
	}
	p->wake_fd = sv[0];
	p->wake_peer = sv[1];
	p->ctl = ctl;
	p->kr = kr;
	p->ur = ur;
	p->kr->cells = PORT_RING_CELLS;
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
port_open(struct port *p, zx_rights_t rights, int fds[PORT_SETUP_FDS],
    size_t *ret_n)
{
	size_t n = 0;
	int r = 0;

	/* ctl (read-write), writers' cells (read-write with WRITE), the
	 * writers' eventfd; with READ the daemon's cells (read-only) and
	 * the wake socket. */
	r = anon_reopen(p->ctl_fd, true, &fds[n]);
	if (r == 0 && ++n)
		r = anon_reopen(p->u_fd, (rights & ZX_RIGHT_WRITE) != 0,
		    &fds[n]);
	if (r == 0 && ++n)
		r = (fds[n] = fcntl(p->uwake_fd, F_DUPFD_CLOEXEC, 0)) < 0 ?
		    -errno : 0;
	if (r == 0 && ++n && (rights & ZX_RIGHT_READ)) {
		r = anon_reopen(p->k_fd, false, &fds[n]);
		if (r == 0 && ++n)
			r = (fds[n] = fcntl(p->wake_peer, F_DUPFD_CLOEXEC,
			    0)) < 0 ? -errno : 0;
		if (r == 0)
			n++;
	}
	if (r < 0) {
		while (n > 0)
			close(fds[--n]);
		return ZX_ERR_NO_RESOURCES;
	}
	*ret_n = n;
	return ZX_OK;
}
