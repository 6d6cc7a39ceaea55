/*
 * zx_port_queue without a round trip (proto/port_ring.h, doc/DATAPATH.md
 * "Ports"), against a real zxd, across processes:
 *
 *  - one order for user packets of two writer processes and the
 *    daemon's signal packets, interleaved;
 *  - Zircon's user-packet limit, exactly, with writers in two processes;
 *  - zx_port_queue's statuses in Zircon's order on the path that asks no
 *    daemon, and what each handle's rights let it map (the Linux kernel
 *    enforces it);
 *  - a waiter in one process woken by a queue from another; the last
 *    handle gone;
 *  - zx_port_cancel_key, zx_port_cancel and ZX_WAIT_ASYNC with packets
 *    in the ring;
 *  - hostile writers: forged packet types, garbage in every word they
 *    can write, a tail far ahead or behind, a claim never published,
 *    a writer killed between its claim and its publication. None
 *    crashes or hangs the daemon or delivers a forged signal packet;
 *    only that port's consumers are hurt, and the daemon serves others.
 */
#include "config-build.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

#include "proto/port_ring.h"
#include "tests/integration/port_util.h"
#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

/* A port that works: the daemon still serves. */
static void
daemon_serves(void)
{
	zx_handle_t p = port(0), e = event();
	zx_port_packet_t u = user_packet(42, 1), pkt;

	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 43, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	pkt = next(p);
	cr_assert_eq(pkt.key, 42);
	pkt = next(p);
	cr_assert_eq(pkt.key, 43);
	cr_assert_eq(pkt.type, ZX_PKT_TYPE_SIGNAL_ONE);
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

/* --- a writer process, driven over a pipe ----------------------------- */

#define FORGE	(1ull << 40)	/* ask the writer to claim a signal type */

struct writer {
	pid_t pid;
	int cmd, ack;
};

static int writer_cmd_fd, writer_ack_fd;

/* Queue each key it is sent (0: exit); answer with the status. */
static int
writer_main(int tok)
{
	zx_handle_t p;
	uint64_t key;

	if (zxd_handle_import(tok, &p) != ZX_OK)
		return 1;
	while (read(writer_cmd_fd, &key, sizeof(key)) == sizeof(key) &&
	    key != 0) {
		zx_port_packet_t u = user_packet(key & (FORGE - 1), key);
		zx_status_t st;

		if (key & FORGE) {
			u.type = ZX_PKT_TYPE_SIGNAL_ONE;
			u.signal.observed = ZX_USER_SIGNAL_7;
		}
		st = zx_port_queue(p, &u);
		if (write(writer_ack_fd, &st, sizeof(st)) != sizeof(st))
			return 2;
	}
	return 0;
}

static void
writer_start(struct writer *w, zx_handle_t p, zx_rights_t rights)
{
	int cmd[2], ack[2], tok;

	cr_assert_eq(pipe(cmd), 0);
	cr_assert_eq(pipe(ack), 0);
	cr_assert_eq(zxd_handle_export(hdup(p, rights | ZX_RIGHT_TRANSFER),
	    &tok), ZX_OK);
	writer_cmd_fd = cmd[0];
	writer_ack_fd = ack[1];
	w->pid = fork_child(writer_main, tok);
	close(cmd[0]);
	close(ack[1]);
	w->cmd = cmd[1];
	w->ack = ack[0];
}

static zx_status_t
writer_queue(struct writer *w, uint64_t key)
{
	zx_status_t st = ZX_ERR_INTERNAL;

	cr_assert_eq(write(w->cmd, &key, sizeof(key)), sizeof(key));
	cr_assert_eq(read(w->ack, &st, sizeof(st)), sizeof(st));
	return st;
}

static void
writer_stop(struct writer *w)
{
	uint64_t zero = 0;

	cr_assert_eq(write(w->cmd, &zero, sizeof(zero)), sizeof(zero));
	cr_assert_eq(wait_child(w->pid), 0);
	close(w->cmd);
	close(w->ack);
}

/* --- one order ---------------------------------------------------------- */

Test(order, two_writers_and_the_daemon)
{
	zx_handle_t p = port(0), e;
	struct writer a, b;
	zx_port_packet_t u = user_packet(4, 4), pkt;
	static const uint64_t want[] = { 1, 100, 2, 3, 4, 101, 5 };

	e = event();
	writer_start(&a, p, ZX_RIGHT_WRITE);
	writer_start(&b, p, ZX_RIGHT_WRITE | ZX_RIGHT_READ);
	cr_assert_eq(writer_queue(&a, 1), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 100, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(writer_queue(&b, 2), ZX_OK);
	cr_assert_eq(writer_queue(&a, 3 | FORGE), ZX_OK);
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(zx_object_signal(e, ZX_USER_SIGNAL_0, 0), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 101, ZX_USER_SIGNAL_1, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_1), ZX_OK);
	cr_assert_eq(writer_queue(&b, 5), ZX_OK);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		pkt = next(p);
		cr_assert_eq(pkt.key, want[i], "packet %zu: key %llu", i,
		    (unsigned long long)pkt.key);
		if (want[i] >= 100) {
			cr_assert_eq(pkt.type, ZX_PKT_TYPE_SIGNAL_ONE);
			cr_assert(pkt.signal.observed & (want[i] == 100 ?
			    ZX_USER_SIGNAL_0 : ZX_USER_SIGNAL_1));
		} else {
			/* A writer's packet is USER whatever it claimed. */
			cr_assert_eq(pkt.type, ZX_PKT_TYPE_USER);
		}
	}
	empty(p);
	writer_stop(&a);
	writer_stop(&b);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

/* Two processes queue as fast as they can while the parent consumes and
 * makes signal packets: every packet arrives once, each writer's in its
 * order, and past the ring's size some go through the daemon. */
static int
burst_main(int tok)
{
	zx_handle_t p;

	if (zxd_handle_import(tok, &p) != ZX_OK)
		return 1;
	for (uint64_t i = 1; i <= 2000; i++) {
		zx_port_packet_t u = user_packet(getpid(), i);
		zx_status_t st;

		while ((st = zx_port_queue(p, &u)) == ZX_ERR_SHOULD_WAIT)
			usleep(100);
		if (st != ZX_OK)
			return 2;
	}
	return 0;
}

Test(order, concurrent_writers_keep_their_order)
{
	zx_handle_t p = port(0), e;
	pid_t pid[2];
	uint64_t last[2] = { 0, 0 }, signals = 0, armed = 0;
	int tok;

	e = event();
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(zxd_handle_export(hdup(p, ZX_RIGHT_WRITE |
		    ZX_RIGHT_TRANSFER), &tok),
		    ZX_OK);
		pid[i] = fork_child(burst_main, tok);
	}
	while (last[0] < 2000 || last[1] < 2000 || signals < armed) {
		zx_port_packet_t pkt = next(p);

		if (pkt.type == ZX_PKT_TYPE_SIGNAL_ONE) {
			cr_assert_eq(pkt.key, 7);
			signals++;
			continue;
		}
		cr_assert_eq(pkt.type, ZX_PKT_TYPE_USER);
		int w = pkt.key == (uint64_t)pid[0] ? 0 : 1;

		cr_assert(w == 0 || pkt.key == (uint64_t)pid[1]);
		cr_assert_eq(pkt.user.u64[0], last[w] + 1, "writer %d: %llu "
		    "after %llu", w, (unsigned long long)pkt.user.u64[0],
		    (unsigned long long)last[w]);
		last[w]++;
		if ((last[0] + last[1]) % 97 == 0) {
			cr_assert_eq(zx_object_wait_async(e, p, 7,
			    ZX_USER_SIGNAL_0, ZX_WAIT_ASYNC_EDGE), ZX_OK);
			cr_assert_eq(zx_object_signal(e, ZX_USER_SIGNAL_0,
			    0), ZX_OK);
			cr_assert_eq(zx_object_signal(e, 0,
			    ZX_USER_SIGNAL_0), ZX_OK);
			armed++;
		}
	}
	cr_assert_eq(wait_child(pid[0]), 0);
	cr_assert_eq(wait_child(pid[1]), 0);
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

/* --- the user-packet limit ---------------------------------------------- */

Test(limit, exact_across_processes)
{
	zx_handle_t p = port(0);
	zx_port_packet_t u = user_packet(1, 0), pkt;
	struct writer w;
	unsigned mine = 1000, theirs = 0;

	writer_start(&w, p, ZX_RIGHT_WRITE);
	for (unsigned i = 0; i < mine; i++)
		cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	/* Zircon: a queue fails once more than 4096 are queued. */
	while (writer_queue(&w, 2) == ZX_OK)
		theirs++;
	cr_assert_eq(mine + theirs, PORT_MAX_USER_PACKETS + 1);
	cr_assert_eq(writer_queue(&w, 2), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_port_queue(p, &u), ZX_ERR_SHOULD_WAIT);
	/* One taken, one more fits, from either process. */
	cr_assert_eq(zx_port_wait(p, 0, &pkt), ZX_OK);
	cr_assert_eq(writer_queue(&w, 2), ZX_OK);
	cr_assert_eq(zx_port_queue(p, &u), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_port_wait(p, 0, &pkt), ZX_OK);
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(writer_queue(&w, 2), ZX_ERR_SHOULD_WAIT);
	/* In order: mine, then theirs. */
	for (unsigned i = 0; i < PORT_MAX_USER_PACKETS + 1; i++)
		cr_assert_eq(next(p).key, i < mine - 2 ? 1u :
		    i < mine - 2 + theirs + 1 ? 2u : 1u, "packet %u", i);
	empty(p);
	writer_stop(&w);
	zx_handle_close(p);
}

/* --- statuses and rights ------------------------------------------------ */

/* The writable and read-only mappings of the port's pages in this
 * process, by memfd name. */
struct maps {
	int ctl_rw, ucells_rw, ucells_ro, kcells_rw, kcells_ro;
	void *ucells_ro_at, *kcells_at;
};

static void
scan_maps(struct maps *m)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];

	memset(m, 0, sizeof(*m));
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo;
		char perms[8];
		bool w;

		if (sscanf(line, "%lx-%*x %7s", &lo, perms) != 2)
			continue;
		w = perms[1] == 'w';
		if (strstr(line, "zxd-port-ctl") != NULL && w)
			m->ctl_rw++;
		if (strstr(line, "zxd-port-ucells") != NULL) {
			if (w)
				m->ucells_rw++;
			else {
				m->ucells_ro++;
				m->ucells_ro_at = (void *)lo;
			}
		}
		if (strstr(line, "zxd-port-kcells") != NULL) {
			if (w)
				m->kcells_rw++;
			else
				m->kcells_ro++;
			m->kcells_at = (void *)lo;
		}
	}
	fclose(f);
}

Test(queue, statuses_in_order_without_the_daemon)
{
	zx_handle_t p = port(0), e, ro, wo, none;
	zx_port_packet_t u = user_packet(1, 2), pkt;

	e = event();
	ro = hdup(p, ZX_RIGHT_READ | ZX_RIGHT_TRANSFER);
	wo = hdup(p, ZX_RIGHT_WRITE);
	none = hdup(p, ZX_RIGHT_TRANSFER);
	/* Before and after each handle has its view. */
	for (int round = 0; round < 2; round++) {
		cr_assert_eq(zx_port_queue(BOGUS, &u), ZX_ERR_BAD_HANDLE);
		cr_assert_eq(zx_port_queue(BOGUS, NULL), ZX_ERR_BAD_HANDLE);
		cr_assert_eq(zx_port_queue(e, &u), ZX_ERR_WRONG_TYPE);
		cr_assert_eq(zx_port_queue(e, NULL), ZX_ERR_WRONG_TYPE);
		cr_assert_eq(zx_port_queue(ro, &u), ZX_ERR_ACCESS_DENIED);
		cr_assert_eq(zx_port_queue(ro, NULL), ZX_ERR_ACCESS_DENIED);
		cr_assert_eq(zx_port_queue(none, &u), ZX_ERR_ACCESS_DENIED);
		cr_assert_eq(zx_port_queue(wo, NULL), ZX_ERR_INVALID_ARGS);
		cr_assert_eq(zx_port_queue(p, NULL), ZX_ERR_INVALID_ARGS);
		cr_assert_eq(zx_port_wait(wo, 0, &pkt), ZX_ERR_ACCESS_DENIED);
		cr_assert_eq(zx_port_wait(none, 0, &pkt),
		    ZX_ERR_ACCESS_DENIED);
		cr_assert_eq(zx_port_wait(ro, 0, &pkt), ZX_ERR_TIMED_OUT);
		/* A write-only handle queues, the others take. */
		cr_assert_eq(zx_port_queue(wo, &u), ZX_OK);
		cr_assert_eq(next(ro).user.u64[0], 2);
		empty(p);
	}
	/* A closed handle is no handle. */
	zx_handle_close(wo);
	cr_assert_eq(zx_port_queue(wo, &u), ZX_ERR_BAD_HANDLE);
	zx_handle_close_many((zx_handle_t[]){ p, e, ro, none }, 4);
}

/* As uid 65534 (no way around file modes): a handle without WRITE has
 * its writers' cells read-only, and the daemon's cells are read-only to
 * every handle; the Linux kernel refuses to make them writable. */
static int
nobody_maps(void *arg)
{
	zx_handle_t p, ro;
	zx_port_packet_t pkt;
	struct maps m;

	(void)arg;
	if (zx_port_create(0, &p) != ZX_OK ||
	    zx_handle_duplicate(p, ZX_RIGHT_READ, &ro) != ZX_OK)
		return 1;
	if (zx_port_wait(ro, 0, &pkt) != ZX_ERR_TIMED_OUT)
		return 2;
	scan_maps(&m);
	if (m.ctl_rw != 1 || m.ucells_rw != 0 || m.ucells_ro != 1 ||
	    m.kcells_rw != 0 || m.kcells_ro != 1)
		return 3;
	if (mprotect(m.ucells_ro_at, PORT_RING_SIZE, PROT_READ | PROT_WRITE)
	    == 0 || errno != EACCES)
		return 4;
	if (mprotect(m.kcells_at, PORT_RING_SIZE, PROT_READ | PROT_WRITE)
	    == 0 || errno != EACCES)
		return 5;
	/* The full handle: writable writers' cells, still no daemon's. */
	if (zx_port_wait(p, 0, &pkt) != ZX_ERR_TIMED_OUT)
		return 6;
	scan_maps(&m);
	if (m.ucells_rw != 1 || m.kcells_rw != 0 || m.kcells_ro != 2)
		return 7;
	return 0;
}

Test(rights, enforced_by_the_kernel)
{
	cr_assert_eq(zxdtest_run_as_nobody(nobody_maps, NULL), 0);
}

/* --- waking, closing ---------------------------------------------------- */

static int
sleeper_main(int tok)
{
	zx_handle_t p;
	zx_port_packet_t pkt;

	if (zxd_handle_import(tok, &p) != ZX_OK)
		return 1;
	for (uint64_t i = 1; i <= 3; i++) {
		if (zx_port_wait(p, zx_deadline_after(ZX_SEC(10)), &pkt) !=
		    ZX_OK)
			return 2;
		if (pkt.key != i)
			return 3;
	}
	return 0;
}

Test(lifetime, waiter_woken_by_another_process)
{
	zx_handle_t p = port(0);
	struct writer w;
	pid_t pid;
	int tok;

	cr_assert_eq(zxd_handle_export(hdup(p, ZX_RIGHT_READ |
	    ZX_RIGHT_TRANSFER), &tok), ZX_OK);
	pid = fork_child(sleeper_main, tok);
	writer_start(&w, p, ZX_RIGHT_WRITE);
	/* The sleeper is asleep by then (not a correctness condition). */
	for (uint64_t i = 1; i <= 3; i++) {
		usleep(50000);
		cr_assert_eq(writer_queue(&w, i), ZX_OK);
	}
	cr_assert_eq(wait_child(pid), 0);
	writer_stop(&w);
	empty(p);
	zx_handle_close(p);
}

/* Closing a handle cancels its waiter; the writer's handle keeps the
 * port, and its queues keep working after the reader's is gone. */
struct blocked {
	zx_handle_t port;
	zx_status_t st;
};

static void *
blocked(void *arg)
{
	struct blocked *b = arg;
	zx_port_packet_t pkt;

	b->st = zx_port_wait(b->port, ZX_TIME_INFINITE, &pkt);
	return NULL;
}

Test(lifetime, last_handle_gone)
{
	zx_handle_t p = port(0);
	zx_port_packet_t u = user_packet(1, 1);
	struct writer w;
	pthread_t t;
	struct blocked arg = { .port = p };

	writer_start(&w, p, ZX_RIGHT_WRITE);
	cr_assert_eq(pthread_create(&t, NULL, blocked, &arg), 0);
	usleep(50000);
	zx_handle_close(p);
	pthread_join(t, NULL);
	cr_assert_eq(arg.st, ZX_ERR_CANCELED);
	cr_assert_eq(zx_port_queue(p, &u), ZX_ERR_BAD_HANDLE);
	for (unsigned i = 0; i < 2 * PORT_RING_CELLS; i++)
		cr_assert_eq(writer_queue(&w, 2), ZX_OK);
	writer_stop(&w);
}

/* --- cancel with packets in the ring ------------------------------------ */

Test(cancel, key_and_source_with_packets_in_the_ring)
{
	zx_handle_t p = port(0), e;
	zx_port_packet_t u5 = user_packet(5, 0), pkt;
	struct writer w;

	e = event();
	writer_start(&w, p, ZX_RIGHT_WRITE);
	cr_assert_eq(writer_queue(&w, 5), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 5, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 6, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(writer_queue(&w, 6), ZX_OK);
	cr_assert_eq(zx_port_queue(p, &u5), ZX_OK);
	cr_assert_eq(writer_queue(&w, 7), ZX_OK);
	/* Ring: 5 (w), 6 or 5 (signal), 5 or 6 (signal), 6 (w), 5 (us),
	 * 7 (w). zx_port_cancel takes signal packets only. */
	cr_assert_eq(zx_port_cancel(p, e, 6), ZX_OK);
	cr_assert_eq(zx_port_cancel(p, e, 6), ZX_ERR_NOT_FOUND);
	/* zx_port_cancel_key takes user and signal packets alike. */
	cr_assert_eq(zx_port_cancel_key(p, 0, 5), ZX_OK);
	cr_assert_eq(zx_port_cancel_key(p, 0, 5), ZX_ERR_NOT_FOUND);
	pkt = next(p);
	cr_assert_eq(pkt.key, 6);
	cr_assert_eq(pkt.type, ZX_PKT_TYPE_USER);
	cr_assert_eq(next(p).key, 7);
	empty(p);
	/* A level wait on a state already asserted fires into the ring
	 * behind a writer's packet; cancelled, it is gone and the next
	 * one comes. */
	cr_assert_eq(writer_queue(&w, 8), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 9, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 10, ZX_USER_SIGNAL_0,
	    ZX_WAIT_ASYNC_TIMESTAMP), ZX_OK);
	cr_assert_eq(zx_port_cancel(p, e, 9), ZX_OK);
	cr_assert_eq(next(p).key, 8);
	pkt = next(p);
	cr_assert_eq(pkt.key, 10);
	cr_assert_eq(pkt.type, ZX_PKT_TYPE_SIGNAL_ONE);
	cr_assert_neq(pkt.signal.timestamp, 0);
	empty(p);
	writer_stop(&w);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

/* --- hostile writers ---------------------------------------------------- */

/* The shared pages of the one port this process has mapped for writing
 * (a forked child inherits its parent's mappings: the tests fork before
 * the parent maps anything of the port). */
struct pages {
	struct port_ctl *ctl;
	struct port_uring *ur;
};

static bool
find_pages(struct pages *pg)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];

	int n = 0;

	memset(pg, 0, sizeof(*pg));
	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo;
		char perms[8];

		if (sscanf(line, "%lx-%*x %7s", &lo, perms) != 2 ||
		    perms[1] != 'w')
			continue;
		if (strstr(line, "zxd-port-ctl") != NULL) {
			pg->ctl = (struct port_ctl *)lo;
			n++;
		}
		if (strstr(line, "zxd-port-ucells") != NULL)
			pg->ur = (struct port_uring *)lo;
	}
	fclose(f);
	return n == 1 && pg->ur != NULL;
}

enum attack { FORGE_CELL, GARBAGE, TAIL_AHEAD, TAIL_BACK, STALL,
	KILLED_MID_CLAIM };

static int attack_kind;
static int attack_ack;

/* A writer that has the producer's mapping does `attack_kind` by hand,
 * says so, and (STALL) stays alive, or (KILLED_MID_CLAIM) dies. */
static int
attacker_main(int tok)
{
	zx_handle_t p;
	zx_port_packet_t u = user_packet(1, 0);
	struct pages pg;
	uint64_t pos;
	struct port_cell *c;
	char b = 'x';

	if (zxd_handle_import(tok, &p) != ZX_OK ||
	    zx_port_queue(p, &u) != ZX_OK || !find_pages(&pg))
		return 1;
	pos = atomic_load(&pg.ctl->tail) & ~PORT_TAIL_HELD;
	c = &pg.ur->cell[pos % PORT_RING_CELLS];
	switch (attack_kind) {
	case FORGE_CELL:
		/* A properly claimed cell saying it is a signal packet. */
		atomic_store(&pg.ctl->tail, pos + 1);
		c->packet = user_packet(2, 0);
		c->packet.type = ZX_PKT_TYPE_SIGNAL_ONE;
		c->packet.signal.observed = ZX_USER_SIGNAL_7;
		atomic_store(&c->state, PORT_CELL(pos, PORT_CELL_READY));
		break;
	case GARBAGE:
		for (size_t i = 0; i < PORT_CTL_SIZE; i++)
			((volatile uint8_t *)pg.ctl)[i] = (uint8_t)rand();
		for (size_t i = 0; i < PORT_RING_SIZE; i++)
			((volatile uint8_t *)pg.ur)[i] = (uint8_t)rand();
		break;
	case TAIL_AHEAD:
		atomic_store(&pg.ctl->tail, 1ull << 62);
		break;
	case TAIL_BACK:
		atomic_store(&pg.ctl->tail, 0);
		break;
	case STALL:
		/* Claimed and never published, by a live process. */
		atomic_store(&pg.ctl->tail, pos + 1);
		atomic_store(&c->owner, PORT_OWNER(pos, getpid()));
		break;
	case KILLED_MID_CLAIM:
		/* What a writer killed between its claim and its READY
		 * leaves (its pid as the daemon knows it: the same pid
		 * namespace here). */
		atomic_store(&pg.ctl->tail, pos + 1);
		atomic_store(&c->owner, PORT_OWNER(pos, getpid()));
		memcpy(&c->packet, &u, 24);
		if (write(attack_ack, &b, 1) != 1)
			return 2;
		raise(SIGKILL);
		break;
	}
	if (write(attack_ack, &b, 1) != 1)
		return 2;
	if (attack_kind == STALL)
		pause();
	return 0;
}

/* Run an attack on port p (the child has READ and WRITE); returns the
 * child's pid, the attack done. */
static pid_t
attack(zx_handle_t p, enum attack kind)
{
	int ack[2], tok;
	pid_t pid;
	char b;

	cr_assert_eq(pipe(ack), 0);
	cr_assert_eq(zxd_handle_export(hdup(p, ZX_RIGHT_SAME_RIGHTS), &tok),
	    ZX_OK);
	attack_kind = kind;
	attack_ack = ack[1];
	pid = fork_child(attacker_main, tok);
	close(ack[1]);
	cr_assert_eq(read(ack[0], &b, 1), 1, "the attacker failed");
	close(ack[0]);
	return pid;
}

/* Everything the port's holders may still do returns, in bounded time,
 * with one of Zircon's statuses. */
static void
port_still_answers(zx_handle_t p)
{
	zx_port_packet_t u = user_packet(3, 0), pkt;
	zx_handle_t e;
	zx_status_t st;

	e = event();
	for (int i = 0; i < 300; i++) {
		st = zx_port_queue(p, &u);
		cr_assert(st == ZX_OK || st == ZX_ERR_SHOULD_WAIT, "%s",
		    zx_status_get_string(st));
	}
	cr_assert_eq(zx_object_wait_async(e, p, 4, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	for (int i = 0; i < 400; i++) {
		memset(&pkt, 0, sizeof(pkt));
		st = zx_port_wait(p, zx_deadline_after(ZX_MSEC(5)), &pkt);
		cr_assert(st == ZX_OK || st == ZX_ERR_TIMED_OUT, "%s",
		    zx_status_get_string(st));
		if (st != ZX_OK)
			break;
		/* Only the daemon's packet is a signal packet. */
		if (pkt.type != ZX_PKT_TYPE_USER) {
			cr_assert_eq(pkt.type, ZX_PKT_TYPE_SIGNAL_ONE);
			cr_assert_eq(pkt.key, 4);
			cr_assert_eq(pkt.signal.observed & ZX_USER_SIGNAL_7,
			    0);
		}
	}
	st = zx_port_cancel_key(p, 0, 3);
	cr_assert(st == ZX_OK || st == ZX_ERR_NOT_FOUND);
	zx_handle_close(e);
}

Test(hostile, forged_signal_packet_is_a_user_packet)
{
	zx_handle_t p = port(0);
	zx_port_packet_t pkt;

	cr_assert_eq(wait_child(attack(p, FORGE_CELL)), 0);
	cr_assert_eq(next(p).key, 1);
	pkt = next(p);
	cr_assert_eq(pkt.key, 2);
	cr_assert_eq(pkt.type, ZX_PKT_TYPE_USER);
	empty(p);
	daemon_serves();
	zx_handle_close(p);
}

Test(hostile, garbage_everywhere)
{
	for (int round = 0; round < 4; round++) {
		zx_handle_t p = port(0);

		srand((unsigned)round);
		cr_assert_eq(wait_child(attack(p, GARBAGE)), 0);
		port_still_answers(p);
		daemon_serves();
		zx_handle_close(p);
	}
}

Test(hostile, tail_moved)
{
	zx_handle_t p = port(0);
	zx_port_packet_t u = user_packet(9, 0);

	/* Far ahead: the positions in between are never published, so
	 * this port's consumers see nothing more; the daemon holds what
	 * it is given (within the client's limits) and serves others. */
	cr_assert_eq(wait_child(attack(p, TAIL_AHEAD)), 0);
	port_still_answers(p);
	daemon_serves();
	zx_handle_close(p);
	/* Back: the daemon stops trusting the ring and hands packets out
	 * itself, in order. */
	p = port(0);
	cr_assert_eq(wait_child(attack(p, TAIL_BACK)), 0);
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	port_still_answers(p);
	daemon_serves();
	zx_handle_close(p);
}

Test(hostile, stalled_claim_hurts_its_port_only)
{
	zx_handle_t p = port(0), other = port(0);
	zx_port_packet_t u = user_packet(5, 0), pkt;
	struct writer w;
	pid_t pid;

	writer_start(&w, other, ZX_RIGHT_WRITE);
	pid = attack(p, STALL);
	cr_assert_eq(next(p).key, 1);
	/* Queued behind the stalled position: not delivered before it. */
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(zx_port_wait(p, zx_deadline_after(ZX_MSEC(100)), &pkt),
	    ZX_ERR_TIMED_OUT);
	/* Other ports, other writers: untouched. */
	cr_assert_eq(writer_queue(&w, 6), ZX_OK);
	cr_assert_eq(next(other).key, 6);
	daemon_serves();
	/* The staller dies: its position is given up, the rest comes. */
	kill(pid, SIGKILL);
	cr_assert_eq(wait_child(pid), 128 + SIGKILL);
	pkt = next(p);
	cr_assert_eq(pkt.key, 5);
	empty(p);
	writer_stop(&w);
	zx_handle_close_many((zx_handle_t[]){ p, other }, 2);
}

Test(hostile, writer_killed_mid_claim)
{
	zx_handle_t p = port(0);
	zx_port_packet_t u = user_packet(5, 0), pkt;
	zx_status_t st;

	cr_assert_eq(wait_child(attack(p, KILLED_MID_CLAIM)), 128 + SIGKILL);
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(next(p).key, 1);
	/* The dead writer's position is skipped, nothing of it shows. */
	st = zx_port_wait(p, zx_deadline_after(ZX_SEC(5)), &pkt);
	cr_assert_eq(st, ZX_OK, "%s", zx_status_get_string(st));
	cr_assert_eq(pkt.key, 5);
	empty(p);
	daemon_serves();
	zx_handle_close(p);
}

/* Writers SIGKILLed at random moments while they queue: whatever they
 * left half done, the port keeps delivering what comes after. */
static int
spinner_main(int tok)
{
	zx_handle_t p;
	zx_port_packet_t u = user_packet(1, 0);

	if (zxd_handle_import(tok, &p) != ZX_OK)
		return 1;
	for (;;) {
		zx_port_packet_t pkt;

		if (zx_port_queue(p, &u) == ZX_ERR_SHOULD_WAIT)
			zx_port_wait(p, 0, &pkt);
	}
	return 0;
}

Test(hostile, writers_killed_at_random)
{
	zx_handle_t p = port(0);
	zx_port_packet_t mark = user_packet(2, 0), pkt;

	srand(1);
	for (int round = 0; round < 6; round++) {
		pid_t pid;
		int tok;

		cr_assert_eq(zxd_handle_export(hdup(p, ZX_RIGHT_SAME_RIGHTS),
		    &tok), ZX_OK);
		pid = fork_child(spinner_main, tok);
		usleep(2000 + (unsigned)rand() % 20000);
		kill(pid, SIGKILL);
		cr_assert_eq(wait_child(pid), 128 + SIGKILL);
		cr_assert_eq(zx_port_queue(p, &mark), ZX_OK);
		do {
			zx_status_t st = zx_port_wait(p,
			    zx_deadline_after(ZX_SEC(5)), &pkt);

			cr_assert_eq(st, ZX_OK, "round %d: %s", round,
			    zx_status_get_string(st));
			cr_assert_eq(pkt.type, ZX_PKT_TYPE_USER);
		} while (pkt.key != 2);
		empty(p);
	}
	daemon_serves();
	zx_handle_close(p);
}
