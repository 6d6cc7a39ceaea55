/*
 * objects/object.c's observer hook and objects/port.c on their own: the
 * order observers run in, cancellation by handle and by destruction,
 * and a port's queues: FIFO through ring and overflow, interrupt packets
 * first on a BIND_TO_INTERRUPT port (what interrupts will use), what a
 * consumer taking from the shared ring gives back, and cancellation of
 * packets a producer queued.
 */
#include "config-build.h"

#include <stdatomic.h>

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "objects/event.h"
#include "objects/handle.h"
#include "objects/port.h"
#include "proto/port_ring.h"

struct probe {
	struct object_observer ob;
	int *log;
	int *n;
	int id;
	bool cancelled;
};

static void
probe_match(struct object_observer *ob, zx_signals_t state)
{
	struct probe *p = (struct probe *)ob;

	(void)state;
	p->log[(*p->n)++] = p->id;
}

static void
probe_cancel(struct object_observer *ob)
{
	((struct probe *)ob)->cancelled = true;
}

static void
probe_init(struct probe *p, int id, zx_signals_t s, const void *h, int *log,
    int *n)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->log = log;
	p->n = n;
	p->ob.signals = s;
	p->ob.handle = h;
	p->ob.on_match = probe_match;
	p->ob.on_cancel = probe_cancel;
}

Test(observer, newest_first_one_shot_raise_only)
{
	struct object *e;
	struct probe p[3];
	int log[8], n = 0;

	cr_assert_eq(event_create(0, &e), ZX_OK);
	for (int i = 0; i < 3; i++) {
		probe_init(&p[i], i, i == 2 ? ZX_USER_SIGNAL_1 :
		    ZX_USER_SIGNAL_0, NULL, log, &n);
		object_observe(e, &p[i].ob);
	}
	cr_assert_eq(object_observer_count(e), 3);
	object_signal(e, 0, ZX_USER_SIGNAL_0);
	cr_assert_eq(n, 2);
	cr_assert_eq(log[0], 1, "newest first");
	cr_assert_eq(log[1], 0);
	cr_assert_eq(object_observer_count(e), 1, "one-shot");
	/* Clearing raises nothing; a raise of another bit fires a waiter
	 * whose bit is set in the whole state. */
	object_observe(e, &p[0].ob);
	object_signal(e, ZX_USER_SIGNAL_0, 0);
	cr_assert_eq(n, 2);
	object_signal(e, 0, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1);
	cr_assert_eq(n, 4);
	object_unref(e);
}

Test(observer, cancel_by_handle_and_on_destroy)
{
	struct object *e;
	struct probe a, b, c;
	int log[8], n = 0;
	int h1, h2;

	cr_assert_eq(event_create(0, &e), ZX_OK);
	probe_init(&a, 1, ZX_USER_SIGNAL_0, &h1, log, &n);
	probe_init(&b, 2, ZX_USER_SIGNAL_0, &h2, log, &n);
	probe_init(&c, 3, ZX_USER_SIGNAL_0, &h1, log, &n);
	object_observe(e, &a.ob);
	object_observe(e, &b.ob);
	object_observe(e, &c.ob);
	cr_assert_eq(object_cancel_handle(e, &h1), 2);
	cr_assert(a.cancelled && c.cancelled && !b.cancelled);
	object_signal(e, 0, ZX_USER_SIGNAL_0);
	cr_assert_eq(n, 1);
	cr_assert_eq(log[0], 2);
	object_observe(e, &a.ob);
	a.cancelled = false;
	object_unref(e);
	cr_assert(a.cancelled, "destruction cancels");
}

static zx_port_packet_t
pkt(uint64_t key, uint32_t type)
{
	zx_port_packet_t p;

	memset(&p, 0, sizeof(p));
	p.key = key;
	p.type = type;
	return p;
}

/* A port with one handle, as a process would hold it. */
static struct port *
new_port(uint32_t options, struct handle **h)
{
	struct object *o;

	cr_assert_eq(port_create(options, &o), ZX_OK);
	cr_assert_eq(handle_new(o, ZX_DEFAULT_PORT_RIGHTS, h), ZX_OK);
	object_unref(o);
	return port_of(o);
}

Test(port, interrupt_packets_first)
{
	struct port_account *a = port_account_new();
	struct handle *h;
	struct port *p = new_port(ZX_PORT_BIND_TO_INTERRUPT, &h);
	zx_port_packet_t u = pkt(1, ZX_PKT_TYPE_USER), irq, out;
	int src;

	cr_assert(port_binds_interrupts(p));
	cr_assert_eq(port_queue_user(p, &u, a), ZX_OK);
	u.key = 2;
	cr_assert_eq(port_queue_user(p, &u, a), ZX_OK);
	irq = pkt(9, ZX_PKT_TYPE_INTERRUPT);
	irq.interrupt.timestamp = 1234;
	port_queue_kernel(p, &irq, &src);
	cr_assert_eq(a->items, 2, "kernel packets are not the client's");
	cr_assert_eq(port_pull(p, &out), ZX_OK);
	cr_assert_eq(out.key, 9);
	cr_assert_eq(out.type, ZX_PKT_TYPE_INTERRUPT);
	cr_assert_eq(out.interrupt.timestamp, 1234);
	cr_assert_eq(port_pull(p, &out), ZX_OK);
	cr_assert_eq(out.key, 1);
	/* A producer takes back what it queued. */
	port_queue_kernel(p, &irq, &src);
	cr_assert_eq(port_cancel_source(p, &src), 1);
	cr_assert_eq(port_pull(p, &out), ZX_OK);
	cr_assert_eq(out.key, 2);
	cr_assert_eq(port_pull(p, &out), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(a->items, 0);
	handle_free(h);
	port_account_unref(a);
}

Test(port, plain_port_interrupt_packets_in_order)
{
	struct handle *h;
	struct port *p = new_port(0, &h);
	zx_port_packet_t u = pkt(1, ZX_PKT_TYPE_USER), irq, out;

	cr_assert(!port_binds_interrupts(p));
	cr_assert_eq(port_queue_user(p, &u, NULL), ZX_OK);
	irq = pkt(9, ZX_PKT_TYPE_INTERRUPT);
	port_queue_kernel(p, &irq, NULL);
	cr_assert_eq(port_pull(p, &out), ZX_OK);
	cr_assert_eq(out.key, 1);
	cr_assert_eq(port_pull(p, &out), ZX_OK);
	cr_assert_eq(out.key, 9);
	handle_free(h);
}

/* The port's shared pages, mapped as a holder of every right would. */
struct shared {
	struct port_ctl *ctl;
	struct port_uring *ur;
	struct port_kring *kr;
	int fds[PORT_SETUP_FDS];
	size_t n;
};

static void
shared_map(struct port *p, struct shared *m)
{
	cr_assert_eq(port_open(p, ZX_DEFAULT_PORT_RIGHTS, m->fds, &m->n),
	    ZX_OK);
	cr_assert_eq(m->n, PORT_SETUP_FDS);
	m->ctl = mmap(NULL, PORT_CTL_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, m->fds[0], 0);
	m->ur = mmap(NULL, PORT_RING_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, m->fds[1], 0);
	m->kr = mmap(NULL, PORT_RING_SIZE, PROT_READ, MAP_SHARED, m->fds[3],
	    0);
	cr_assert(m->ctl != MAP_FAILED && m->ur != MAP_FAILED &&
	    m->kr != MAP_FAILED);
	/* The daemon's cells are read-only to every holder. */
	cr_assert_eq(mmap(NULL, PORT_RING_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, m->fds[3], 0), MAP_FAILED);
}

static void
shared_unmap(struct shared *m)
{
	munmap(m->ctl, PORT_CTL_SIZE);
	munmap(m->ur, PORT_RING_SIZE);
	munmap(m->kr, PORT_RING_SIZE);
	for (size_t i = 0; i < m->n; i++)
		close(m->fds[i]);
}

Test(port, ring_consumers_and_overflow)
{
	struct port_account *a = port_account_new();
	struct handle *h;
	struct port *p = new_port(0, &h);
	struct shared m;
	zx_port_packet_t u, out;
	size_t queued, waits;
	const uint64_t n = PORT_RING_CELLS + 50;

	shared_map(p, &m);
	for (uint64_t i = 0; i < n; i++) {
		u = pkt(i, ZX_PKT_TYPE_USER);
		cr_assert_eq(port_queue_user(p, &u, a), ZX_OK);
	}
	cr_assert_eq(m.ctl->tail, PORT_RING_CELLS | PORT_TAIL_HELD,
	    "the ring is full, the daemon holds the rest");
	cr_assert(m.kr->pull & PORT_PULL_OVERFLOW);
	port_counts(p, &queued, &waits);
	cr_assert_eq(queued, n);
	/* A consumer takes the first cell as libzx does. */
	uint64_t cl = 0;
	cr_assert_eq(m.kr->cell[0].state, PORT_CELL(0, PORT_CELL_READY));
	cr_assert(atomic_compare_exchange_strong(&m.ctl->claim[0], &cl, 1));
	cr_assert_eq(m.kr->cell[0].packet.key, 0);
	/* A scribbled claim counts as taken, no more. */
	atomic_store(&m.ctl->claim[1], 2);
	port_reclaim_all();
	cr_assert_eq(a->items, n - 2);
	cr_assert_eq(m.ctl->tail, (PORT_RING_CELLS + 2) | PORT_TAIL_HELD,
	    "overflow moved up");
	for (uint64_t i = 2; i < n; i++) {
		cr_assert_eq(port_pull(p, &out), ZX_OK);
		cr_assert_eq(out.key, i);
	}
	cr_assert_eq(port_pull(p, &out), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(m.kr->pull, 0);
	cr_assert_eq(m.ctl->tail & PORT_TAIL_HELD, 0, "writers may claim");
	cr_assert_eq(a->items, 0);
	shared_unmap(&m);
	handle_free(h);
	port_account_unref(a);
}

/* A writer's cell, as libzx fills it (type left as the writer says). */
static void
writer_put(struct shared *m, uint64_t key, uint32_t type)
{
	uint64_t pos = m->ctl->tail;
	struct port_cell *c = &m->ur->cell[pos % PORT_RING_CELLS];

	m->ctl->tail = pos + 1;
	c->owner = PORT_OWNER(pos, getpid());
	c->packet = pkt(key, type);
	c->packet.signal.observed = 0x55;
	atomic_store(&c->state, PORT_CELL(pos, PORT_CELL_READY));
}

Test(port, writers_and_daemon_in_one_order)
{
	struct port_account *a = port_account_new();
	struct handle *h;
	struct port *p = new_port(0, &h);
	zx_port_packet_t u = pkt(1, ZX_PKT_TYPE_USER), k, out;
	struct shared m;
	uint64_t pos;

	shared_map(p, &m);
	cr_assert_eq(port_queue_user(p, &u, a), ZX_OK);
	writer_put(&m, 2, ZX_PKT_TYPE_SIGNAL_ONE);	/* a forgery */
	k = pkt(3, ZX_PKT_TYPE_SIGNAL_ONE);
	port_queue_kernel(p, &k, &a);
	writer_put(&m, 4, ZX_PKT_TYPE_USER);
	/* A claimed position its writer has not published holds the
	 * ones behind it... */
	pos = m.ctl->tail++;
	u.key = 6;
	cr_assert_eq(port_queue_user(p, &u, a), ZX_OK);
	cr_assert_eq(port_cancel_key(p, 4), ZX_OK, "a writer's packet");
	for (uint64_t key = 1; key <= 3; key++) {
		cr_assert_eq(port_pull(p, &out), ZX_OK);
		cr_assert_eq(out.key, key);
		cr_assert_eq(out.type, key == 3 ? ZX_PKT_TYPE_SIGNAL_ONE :
		    ZX_PKT_TYPE_USER, "only the daemon makes signal packets");
	}
	cr_assert_eq(port_pull(p, &out), ZX_ERR_SHOULD_WAIT);
	/* ...while its writer lives (this process); a dead one's is
	 * given up (pid 1 << 22 is past any pid_max but the largest). */
	m.ur->cell[pos % PORT_RING_CELLS].owner = PORT_OWNER(pos, getpid());
	cr_assert_eq(port_pull(p, &out), ZX_ERR_SHOULD_WAIT);
	m.ur->cell[pos % PORT_RING_CELLS].owner = PORT_OWNER(pos,
	    (1u << 22) + 1);
	cr_assert_eq(port_pull(p, &out), ZX_OK);
	cr_assert_eq(out.key, 6);
	cr_assert_eq(m.ur->cell[pos % PORT_RING_CELLS].state,
	    PORT_CELL(pos, PORT_CELL_ABANDONED));
	cr_assert_eq(a->items, 0);
	shared_unmap(&m);
	handle_free(h);
	port_account_unref(a);
}

/* Words a hostile holder may write: the daemon checks them, never
 * loops on them, and stops trusting a port whose tail went back. */
Test(port, hostile_control_page)
{
	struct handle *h;
	struct port *p = new_port(0, &h);
	zx_port_packet_t u = pkt(1, ZX_PKT_TYPE_USER), out;
	struct shared m;

	shared_map(p, &m);
	/* Every claim word says consumed: cells are free to the daemon
	 * (what a consumer would see is that port's own business). */
	for (unsigned i = 0; i < PORT_RING_CELLS; i++)
		m.ctl->claim[i] = ~0ull >> 1;
	cr_assert_eq(port_queue_user(p, &u, NULL), ZX_OK);
	m.ctl->tail = 1ull << 62;		/* far ahead */
	u.key = 2;
	cr_assert_eq(port_queue_user(p, &u, NULL), ZX_OK);
	m.ctl->tail = 0;			/* back */
	u.key = 3;
	cr_assert_eq(port_queue_user(p, &u, NULL), ZX_OK);
	cr_assert(m.kr->pull & PORT_PULL_OVERFLOW, "pulled from now on");
	/* Keys 1 and 2 stay in the ring (for that port's consumers);
	 * the daemon hands out what it still holds. */
	cr_assert_eq(port_pull(p, &out), ZX_OK);
	cr_assert_eq(out.key, 3);
	cr_assert_eq(port_pull(p, &out), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(port_cancel_key(p, 3), ZX_ERR_NOT_FOUND);
	shared_unmap(&m);
	handle_free(h);
}

Test(port, user_limit_and_cancel_key)
{
	struct handle *h;
	struct port *p = new_port(0, &h);
	zx_port_packet_t u = pkt(5, ZX_PKT_TYPE_USER), out;

	for (unsigned i = 0; i <= PORT_MAX_USER_PACKETS; i++)
		cr_assert_eq(port_queue_user(p, &u, NULL), ZX_OK);
	cr_assert_eq(port_queue_user(p, &u, NULL), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(port_cancel_key(p, 5), ZX_OK);
	cr_assert_eq(port_cancel_key(p, 5), ZX_ERR_NOT_FOUND);
	cr_assert_eq(port_pull(p, &out), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(port_queue_user(p, &u, NULL), ZX_OK);
	handle_free(h);
}

Test(port, waits_end_with_the_port)
{
	struct port_account *a = port_account_new();
	struct object *e;
	struct handle *h, *eh;
	struct port *p = new_port(0, &h);

	cr_assert_eq(event_create(0, &e), ZX_OK);
	cr_assert_eq(handle_new(e, ZX_DEFAULT_EVENT_RIGHTS, &eh), ZX_OK);
	cr_assert_eq(port_wait_async(p, e, eh, 1, ZX_USER_SIGNAL_0, 0, a),
	    ZX_OK);
	cr_assert_eq(object_observer_count(e), 1);
	cr_assert_eq(a->items, 1);
	handle_free(h);		/* the port's last handle */
	cr_assert_eq(object_observer_count(e), 0);
	cr_assert_eq(a->items, 0);
	object_signal(e, 0, ZX_USER_SIGNAL_0);
	handle_free(eh);
	object_unref(e);
	port_account_unref(a);
}
