/* make bench: IOBuffer costs against floors measured in the same run.
 *
 *  create    zx_iob_create (one region) + closing both endpoints, vs
 *            memfd_create + ftruncate done by another process and
 *            passed back over a socket (one fd-passing round trip)
 *  transfer  1 GiB from a producer process to a consumer process through
 *            a mapped 1 MiB region (a ring of 8 slots of 128 KiB, plus
 *            a control page), vs the same program on raw shared memfd
 *            mappings. Notification is the same on both sides:
 *              futex    a futex on the control page's counters
 *              signals  zx_object_signal_peer / zx_object_wait_one, on
 *                       the IOB's endpoints, vs on an eventpair
 *            The consumer copies every byte out and checks each slot's
 *            sequence stamp.
 *
 * The create figures run on one CPU (as bench_vmo), so that a round trip
 * costs the work done and not how soon another CPU wakes up; the
 * transfers may use every CPU. Figure and floor are interleaved round by
 * round, so load from elsewhere hits both; each figure is the median of
 * the rounds. Ratios: figure / floor for costs (lower is better); for
 * throughput, the median over the rounds of floor time / figure time of
 * the round's back-to-back pair (1.00 = as fast as the floor), and the
 * best round of each, for a loaded machine.
 *
 * Usage: bench_iob [ROUNDS]
 */
#include "config-build.h"

#include <linux/futex.h>
#include <limits.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

#define TOTAL		(UINT64_C(1) << 30)
#define RING		(UINT64_C(1) << 20)
#define SLOTS		8u
#define SLOT		(RING / SLOTS)
#define NCHUNKS		(TOTAL / SLOT)
#define CTL_SIZE	4096u

static int rounds = 7;

/* --- create ------------------------------------------------------------ */

static void
bench_create(int n)
{
	double *t_floor = calloc(rounds, sizeof(double));
	double *t_iob = calloc(rounds, sizeof(double));
	double *t_ep = calloc(rounds, sizeof(double));
	zx_iob_region_t r;
	int sv[2], st;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	r.type = ZX_IOB_REGION_TYPE_PRIVATE;
	r.access = ZX_IOB_ACCESS_EP0_CAN_MAP_READ |
	    ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE | ZX_IOB_ACCESS_EP1_CAN_MAP_READ;
	r.size = 4096;
	r.discipline.type = ZX_IOB_DISCIPLINE_TYPE_NONE;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		bench_die("socketpair");
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		bench_memfd_server(sv[1]);
	}
	close(sv[1]);
	for (int k = 0; k < rounds; k++) {
		double t0 = bench_now_s();

		for (int i = 0; i < n; i++) {
			int fd;

			if (send(sv[0], "c", 1, 0) != 1)
				bench_die("send");
			fd = bench_recv_fd(sv[0]);
			if (fd < 0)
				bench_die("recv_fd");
			close(fd);
		}
		t_floor[k] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++) {
			zx_handle_t a, b;

			if (zx_iob_create(0, &r, 1, &a, &b) != ZX_OK)
				bench_die("zx_iob_create");
			zx_handle_close(a);
			zx_handle_close(b);
		}
		t_iob[k] = (bench_now_s() - t0) / n;
		/* Two handles with no memory: what the endpoints alone
		 * cost. */
		t0 = bench_now_s();
		for (int i = 0; i < n; i++) {
			zx_handle_t a, b;

			if (zx_eventpair_create(0, &a, &b) != ZX_OK)
				bench_die("zx_eventpair_create");
			zx_handle_close(a);
			zx_handle_close(b);
		}
		t_ep[k] = (bench_now_s() - t0) / n;
	}
	close(sv[0]);
	waitpid(pid, &st, 0);
	printf("create+close (1 region)  %8.2f us   floor (memfd+ftruncate+"
	    "fd round trip) %8.2f us   ratio %.2fx\n",
	    bench_median_of(t_iob, rounds) * 1e6, bench_median_of(t_floor, rounds) * 1e6,
	    bench_median_of(t_iob, rounds) / bench_median_of(t_floor, rounds));
	printf("  (reference: zx_eventpair_create+close %8.2f us, ratio "
	    "%.2fx: two handles and nothing else)\n",
	    bench_median_of(t_ep, rounds) * 1e6,
	    bench_median_of(t_ep, rounds) / bench_median_of(t_floor, rounds));
	free(t_floor);
	free(t_iob);
	free(t_ep);
}

/* --- transfer ---------------------------------------------------------- */

/* The control page. */
struct ctl {
	_Atomic uint32_t ready;		/* the consumer has mapped */
	uint32_t pad0[15];
	_Atomic uint32_t head;		/* slots produced */
	uint32_t pad1[15];
	_Atomic uint32_t tail;		/* slots consumed */
	uint32_t pad2[15];
	_Atomic uint32_t failed;
};

enum notify { FUTEX, SIGNALS };

/* One side's way of waiting for, and announcing, counter changes. */
struct side {
	enum notify how;
	zx_handle_t self;		/* SIGNALS: this side's endpoint */
};

static void
futex_wait(_Atomic uint32_t *w, uint32_t v)
{
	syscall(SYS_futex, w, FUTEX_WAIT, v, NULL, NULL, 0);
}

static void
futex_wake(_Atomic uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Wait until *w != v. */
static uint32_t
wait_change(const struct side *s, _Atomic uint32_t *w, uint32_t v)
{
	uint32_t now_v;

	while ((now_v = atomic_load(w)) == v) {
		if (s->how == FUTEX) {
			futex_wait(w, v);
		} else {
			/* Clear, look again, then sleep: no wake-up is
			 * lost. */
			zx_object_signal(s->self, ZX_USER_SIGNAL_0, 0);
			if ((now_v = atomic_load(w)) != v)
				break;
			zx_object_wait_one(s->self, ZX_USER_SIGNAL_0,
			    ZX_TIME_INFINITE, NULL);
		}
	}
	return now_v;
}

static void
announce(const struct side *s, _Atomic uint32_t *w)
{
	if (s->how == FUTEX)
		futex_wake(w);
	else
		zx_object_signal_peer(s->self, 0, ZX_USER_SIGNAL_0);
}

static void
produce(const struct side *s, struct ctl *c, uint8_t *ring)
{
	static uint8_t src[SLOT];
	uint32_t tail = atomic_load(&c->tail);

	memset(src, 0x5a, sizeof(src));
	for (uint64_t i = 0; i < NCHUNKS; i++) {
		while ((uint32_t)i - tail >= SLOTS)
			tail = wait_change(s, &c->tail, tail);
		memcpy(src, &i, sizeof(i));
		memcpy(ring + (i % SLOTS) * SLOT, src, SLOT);
		atomic_store(&c->head, (uint32_t)(i + 1));
		announce(s, &c->head);
	}
	while (tail != (uint32_t)NCHUNKS)
		tail = wait_change(s, &c->tail, tail);
}

static int
consume(const struct side *s, struct ctl *c, const uint8_t *ring)
{
	static uint8_t dst[SLOT];
	uint32_t head = atomic_load(&c->head);

	atomic_store(&c->ready, 1);
	announce(s, &c->ready);
	for (uint64_t i = 0; i < NCHUNKS; i++) {
		uint64_t stamp;

		while (head == (uint32_t)i)
			head = wait_change(s, &c->head, head);
		memcpy(dst, ring + (i % SLOTS) * SLOT, SLOT);
		memcpy(&stamp, dst, sizeof(stamp));
		if (stamp != i || dst[SLOT - 1] != 0x5a)
			return 1;
		atomic_store(&c->tail, (uint32_t)(i + 1));
		announce(s, &c->tail);
	}
	return 0;
}

/* One 1 GiB transfer through an IOB: the parent produces through
 * endpoint 0, a child consumes through endpoint 1 (read-only access to
 * the data region). Returns the seconds from the consumer's readiness
 * to its last slot. */
static double
run_iob(enum notify how)
{
	zx_iob_region_t r[2];
	zx_handle_t ep0, ep1;
	zx_vaddr_t ring, ctlp;
	struct side me = { how, ZX_HANDLE_INVALID };
	struct ctl *c;
	double t0, t;
	int token, st;
	pid_t pid;

	memset(r, 0, sizeof(r));
	r[0].type = r[1].type = ZX_IOB_REGION_TYPE_PRIVATE;
	r[0].access = ZX_IOB_ACCESS_EP0_CAN_MAP_READ |
	    ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE | ZX_IOB_ACCESS_EP1_CAN_MAP_READ;
	r[0].size = RING;
	r[1].access = ZX_IOB_ACCESS_EP0_CAN_MAP_READ |
	    ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE | ZX_IOB_ACCESS_EP1_CAN_MAP_READ |
	    ZX_IOB_ACCESS_EP1_CAN_MAP_WRITE;
	r[1].size = CTL_SIZE;
	if (zx_iob_create(0, r, 2, &ep0, &ep1) != ZX_OK)
		bench_die("zx_iob_create");
	if (zxd_handle_export(ep1, &token) != ZX_OK)
		bench_die("zxd_handle_export");
	pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		struct side peer = { how, ZX_HANDLE_INVALID };

		if (zxd_handle_import(token, &peer.self) != ZX_OK ||
		    zx_vmar_map_iob(zx_vmar_root_self(), ZX_VM_PERM_READ, 0,
		    peer.self, 0, 0, RING, &ring) != ZX_OK ||
		    zx_vmar_map_iob(zx_vmar_root_self(), ZX_VM_PERM_READ |
		    ZX_VM_PERM_WRITE, 0, peer.self, 1, 0, CTL_SIZE, &ctlp) !=
		    ZX_OK)
			_exit(2);
		_exit(consume(&peer, (struct ctl *)ctlp,
		    (const uint8_t *)ring));
	}
	close(token);
	me.self = ep0;
	if (zx_vmar_map_iob(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, 0, ep0, 0, 0, RING, &ring) != ZX_OK ||
	    zx_vmar_map_iob(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, 0, ep0, 1, 0, CTL_SIZE, &ctlp) != ZX_OK)
		bench_die("zx_vmar_map_iob");
	c = (struct ctl *)ctlp;
	wait_change(&me, &c->ready, 0);
	t0 = bench_now_s();
	produce(&me, c, (uint8_t *)ring);
	t = bench_now_s() - t0;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		bench_die("the IOB consumer");
	zx_vmar_unmap(zx_vmar_root_self(), ring, RING);
	zx_vmar_unmap(zx_vmar_root_self(), ctlp, CTL_SIZE);
	zx_handle_close(ep0);
	return t;
}

/* The same over raw memfd mappings; SIGNALS uses an eventpair. */
static double
run_raw(enum notify how)
{
	int dfd = memfd_create("floor-ring", MFD_CLOEXEC);
	int cfd = memfd_create("floor-ctl", MFD_CLOEXEC);
	struct side me = { how, ZX_HANDLE_INVALID };
	zx_handle_t e0 = ZX_HANDLE_INVALID, e1 = ZX_HANDLE_INVALID;
	uint8_t *ring;
	struct ctl *c;
	double t0, t;
	int token = -1, st;
	pid_t pid;

	if (dfd < 0 || cfd < 0 || ftruncate(dfd, RING) < 0 ||
	    ftruncate(cfd, CTL_SIZE) < 0)
		bench_die("memfd");
	if (how == SIGNALS && (zx_eventpair_create(0, &e0, &e1) != ZX_OK ||
	    zxd_handle_export(e1, &token) != ZX_OK))
		bench_die("eventpair");
	pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		struct side peer = { how, ZX_HANDLE_INVALID };
		void *rp, *cp;

		if (how == SIGNALS &&
		    zxd_handle_import(token, &peer.self) != ZX_OK)
			_exit(2);
		rp = mmap(NULL, RING, PROT_READ, MAP_SHARED, dfd, 0);
		cp = mmap(NULL, CTL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    cfd, 0);
		if (rp == MAP_FAILED || cp == MAP_FAILED)
			_exit(2);
		_exit(consume(&peer, cp, rp));
	}
	if (token >= 0)
		close(token);
	me.self = e0;
	ring = mmap(NULL, RING, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	c = mmap(NULL, CTL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
	if (ring == MAP_FAILED || c == MAP_FAILED)
		bench_die("mmap");
	wait_change(&me, &c->ready, 0);
	t0 = bench_now_s();
	produce(&me, c, ring);
	t = bench_now_s() - t0;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		bench_die("the raw consumer");
	munmap(ring, RING);
	munmap(c, CTL_SIZE);
	close(dfd);
	close(cfd);
	if (e0 != ZX_HANDLE_INVALID)
		zx_handle_close(e0);
	return t;
}

static void
bench_transfer(enum notify how)
{
	double *ti = calloc(rounds, sizeof(double));
	double *tr = calloc(rounds, sizeof(double));
	double *q = calloc(rounds, sizeof(double));
	double gib = (double)TOTAL / (1u << 30);
	const char *name = how == FUTEX ? "futex  " : "signals";

	for (int k = 0; k < rounds; k++) {
		/* Alternate which goes first. */
		if (k % 2 == 0) {
			ti[k] = run_iob(how);
			tr[k] = run_raw(how);
		} else {
			tr[k] = run_raw(how);
			ti[k] = run_iob(how);
		}
	}
	/* The ratio of each round's pair, run back to back, then the
	 * median: load that comes and goes cancels out. */
	for (int k = 0; k < rounds; k++)
		q[k] = tr[k] / ti[k];
	printf("transfer 1 GiB, %s  %7.2f GiB/s   floor (raw memfd) "
	    "%7.2f GiB/s   ratio %.3f of floor speed\n", name,
	    gib / bench_median_of(ti, rounds), gib / bench_median_of(tr, rounds),
	    bench_median_of(q, rounds));
	/* Sorted by bench_median_of(): the fastest round of each, what an idle
	 * machine gives. */
	printf("  (best rounds: %.2f GiB/s vs %.2f GiB/s, ratio %.3f)\n",
	    gib / ti[0], gib / tr[0], tr[0] / ti[0]);
	free(ti);
	free(tr);
	free(q);
}

int
main(int argc, char **argv)
{
	struct zxdtest_daemon d;
	cpu_set_t one, all;
	int r;

	if (argc > 1)
		rounds = atoi(argv[1]) > 0 ? atoi(argv[1]) : rounds;
	sched_getaffinity(0, sizeof(all), &all);
	/* zxd and the floor's server inherit it. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	if (zxdtest_start(&d, NULL) < 0)
		bench_die("starting zxd");
	bench_create(1000);
	sched_setaffinity(0, sizeof(all), &all);
	bench_transfer(FUTEX);
	bench_transfer(SIGNALS);
	r = zxdtest_stop(&d);
	return r == 0 ? 0 : 1;
}
