/* make bench: the mediated-write ring buffer against floors measured in
 * the same run.
 *
 *  writev    zx_iob_writev of one 64 B (and one 4 KiB) message into a
 *            shared region's ring, vs a bare SOCK_SEQPACKET round trip
 *            to another process carrying the same bytes (it receives
 *            them and answers 4 bytes). zx_iob_writev is one daemon round
 *            trip whose request carries only addresses: zxd copies the
 *            payload once, from the caller's memory into the ring.
 *  consume   a reader draining a full ring of 64 B messages through its
 *            mapping of the region (read tag and length, copy the payload
 *            out, advance the tail), vs the same code on a raw shared
 *            memfd ring of the same size and layout, filled by another
 *            process as zxd fills the region (so that both readers find
 *            the bytes in another CPU's cache alike).
 *
 * The round trips run on one CPU (as bench_vmo and bench_iob), so that a
 * round trip costs the work done and not how soon another CPU wakes up.
 * Figure and floor alternate round by round; each line gives the medians
 * and the median of the per-round ratios (figure / floor: lower is
 * better, 1.00 = as fast as the floor).
 *
 * Usage: bench_iob_ring
 */
#include "config-build.h"

#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zircon/syscalls.h>

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

#define RING_PAGES	256		/* 1 MiB of ring */

struct ring_hdr {
	_Atomic uint64_t head;
	_Atomic uint64_t tail;
};

static uint64_t page;

/* The floor's raw ring, shared with the floor's server process. */
static uint8_t *raw_ring;

/* A request to the floor's server: fill the raw ring with n messages. */
struct fill_cmd {
	char magic[8];			/* "FILLRING" */
	uint64_t n;
};

/* --- writev and its floor -------------------------------------------- */

struct writev_arg {
	zx_handle_t ep;
	struct ring_hdr *h;		/* the bench's own view, to drain */
	size_t len;
	uint8_t *buf;
};

static double
run_writev(void *p, long iters)
{
	struct writev_arg *a = p;
	zx_iovec_t v = { a->buf, a->len };
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < iters; i++) {
		if (zx_iob_writev(a->ep, 0, 0, &v, 1) != ZX_OK)
			return -1;
		/* Consumed at once: the ring never fills. */
		atomic_store_explicit(&a->h->tail,
		    atomic_load_explicit(&a->h->head, memory_order_relaxed),
		    memory_order_release);
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

/* A daemon round trip that carries nothing (the reference). */
static double
run_signal(void *p, long iters)
{
	struct writev_arg *a = p;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < iters; i++)
		if (zx_object_signal(a->ep, 0, 0) != ZX_OK)
			return -1;
	return (double)(bench_now_ns() - t0) / (double)iters;
}

struct floor_arg {
	int sock;
	size_t len;
	uint8_t *buf;
};

static void raw_fill(long n);

/* The floor's other process: take each message, answer a status; fill
 * the raw ring when asked. */
static void
floor_server(int sock)
{
	uint8_t buf[65536];
	int32_t st = 0;

	for (;;) {
		ssize_t n = recv(sock, buf, sizeof(buf), 0);
		struct fill_cmd cmd;

		if (n <= 0)
			_exit(0);
		if (n == sizeof(cmd)) {
			memcpy(&cmd, buf, sizeof(cmd));
			if (memcmp(cmd.magic, "FILLRING", 8) == 0)
				raw_fill((long)cmd.n);
		}
		if (send(sock, &st, sizeof(st), 0) != sizeof(st))
			_exit(1);
	}
}

static double
run_floor(void *p, long iters)
{
	struct floor_arg *a = p;
	int64_t t0 = bench_now_ns();
	int32_t st;

	for (long i = 0; i < iters; i++) {
		if (send(a->sock, a->buf, a->len, 0) != (ssize_t)a->len ||
		    recv(a->sock, &st, sizeof(st), 0) != sizeof(st))
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static void
bench_writev(zx_handle_t ep, struct ring_hdr *h, int sock)
{
	static const size_t sizes[] = { 64, 4096 };
	uint8_t *buf = malloc(4096);

	memset(buf, 0x5a, 4096);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct writev_arg w = { ep, h, sizes[i], buf };
		struct floor_arg f = { sock, sizes[i], buf };
		struct bench_pair p;
		char name[64], floor_name[64];

		if (bench_paired(run_writev, &w, run_floor, &f, 20000, &p) < 0)
			bench_die("zx_iob_writev");
		snprintf(name, sizeof(name), "zx_iob_writev %zu B", sizes[i]);
		snprintf(floor_name, sizeof(floor_name),
		    "seqpacket round trip, %zu B", sizes[i]);
		bench_report_pair(name, &p, floor_name);
	}
	{
		struct writev_arg w = { ep, h, 0, buf };
		struct floor_arg f = { sock, 8, buf };
		struct bench_pair p;

		if (bench_paired(run_signal, &w, run_floor, &f, 20000, &p) < 0)
			bench_die("zx_object_signal");
		bench_report_pair("  (reference: zx_object_signal)", &p,
		    "seqpacket round trip, 8 B");
	}
	free(buf);
}

/* --- consuming --------------------------------------------------------- */

struct consume_arg {
	struct ring_hdr *h;
	uint8_t *ring;
	uint64_t ring_size;
	/* Refill the ring with `n` messages before a round (not timed). */
	void (*fill)(struct consume_arg *a, long n);
	zx_handle_t ep;			/* zx_iob_writev's endpoint */
	int sock;			/* the floor server's socket */
	uint64_t sink;
};

/* What a reader does per message: tag and length, the payload copied
 * out, the tail advanced. */
static long
consume_all(struct consume_arg *a)
{
	uint64_t tail = atomic_load_explicit(&a->h->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&a->h->head, memory_order_acquire);
	uint8_t out[256];
	long n = 0;

	while (tail < head) {
		uint64_t off = tail % a->ring_size;
		uint64_t tag, len;

		memcpy(&tag, a->ring + off, 8);
		memcpy(&len, a->ring + (off + 8) % a->ring_size, 8);
		off = (off + 16) % a->ring_size;
		if (len > sizeof(out))
			return -1;
		if (off + len <= a->ring_size) {
			memcpy(out, a->ring + off, len);
		} else {
			uint64_t first = a->ring_size - off;

			memcpy(out, a->ring + off, first);
			memcpy(out + first, a->ring, len - first);
		}
		a->sink += tag ^ out[0] ^ out[len - 1];
		tail += (16 + len + 7) & ~UINT64_C(7);
		atomic_store_explicit(&a->h->tail, tail, memory_order_release);
		n++;
	}
	return n;
}

static void
fill_writev(struct consume_arg *a, long n)
{
	uint8_t msg[64];
	zx_iovec_t v = { msg, sizeof(msg) };

	memset(msg, 0xa5, sizeof(msg));
	for (long i = 0; i < n; i++)
		if (zx_iob_writev(a->ep, 0, 0, &v, 1) != ZX_OK)
			bench_die("filling the ring");
}

/* The floor's writer, in the floor's server process: the same layout,
 * written in place. */
static void
raw_fill(long n)
{
	struct ring_hdr *h = (struct ring_hdr *)raw_ring;
	uint64_t ring_size = (RING_PAGES - 1) * page;
	uint8_t *ring = raw_ring + page;
	uint64_t head = atomic_load(&h->head);
	uint8_t msg[64];

	memset(msg, 0xa5, sizeof(msg));
	for (long i = 0; i < n; i++) {
		uint64_t off = head % ring_size, len = sizeof(msg);
		uint64_t tag = 0x1234;

		memcpy(ring + off, &tag, 8);
		memcpy(ring + (off + 8) % ring_size, &len, 8);
		off = (off + 16) % ring_size;
		for (uint64_t k = 0; k < len; k++)
			ring[(off + k) % ring_size] = msg[k];
		head += 16 + len;
	}
	atomic_store_explicit(&h->head, head, memory_order_release);
}

static void
fill_raw(struct consume_arg *a, long n)
{
	struct fill_cmd cmd = { .n = (uint64_t)n };
	int32_t st;

	memcpy(cmd.magic, "FILLRING", 8);
	if (send(a->sock, &cmd, sizeof(cmd), 0) != sizeof(cmd) ||
	    recv(a->sock, &st, sizeof(st), 0) != sizeof(st))
		bench_die("filling the raw ring");
}

static double
run_consume(void *p, long iters)
{
	struct consume_arg *a = p;
	int64_t t;
	long n;

	a->fill(a, iters);
	t = bench_now_ns();
	n = consume_all(a);
	t = bench_now_ns() - t;
	if (n != iters)
		return -1;
	return (double)t / (double)n;
}

static void
bench_consume(zx_handle_t ep, struct ring_hdr *h, int sock)
{
	uint64_t ring_size = (RING_PAGES - 1) * page;
	/* A full ring's worth of 80-byte messages, less a margin. */
	long per_round = (long)(ring_size / 80) - 16;
	struct consume_arg a = { h, (uint8_t *)h + page, ring_size,
	    fill_writev, ep, -1, 0 };
	struct consume_arg f = { (struct ring_hdr *)raw_ring, raw_ring + page,
	    ring_size, fill_raw, ZX_HANDLE_INVALID, sock, 0 };
	struct bench_pair p;

	atomic_store(&h->tail, atomic_load(&h->head));
	if (bench_paired(run_consume, &a, run_consume, &f, per_round, &p) < 0)
		bench_die("consuming");
	bench_report_pair("consume 64 B messages (mapping)", &p,
	    "raw memfd ring, other process");
}

int
main(void)
{
	struct zxdtest_daemon d;
	zx_handle_t sr, ep0, ep1;
	zx_iob_region_t r;
	zx_iob_region_shared_t so = { 0 };
	zx_vaddr_t m;
	cpu_set_t one, all;
	int sv[2];
	pid_t pid;
	int st;

	page = (uint64_t)sysconf(_SC_PAGESIZE);
	sched_getaffinity(0, sizeof(all), &all);
	/* zxd and the floor's server inherit it. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		bench_die("socketpair");
	{
		int fd = memfd_create("floor-ring", MFD_CLOEXEC);
		void *p;

		if (fd < 0 || ftruncate(fd, (off_t)(RING_PAGES * page)) < 0)
			bench_die("memfd");
		p = mmap(NULL, RING_PAGES * page, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			bench_die("mmap");
		close(fd);
		raw_ring = p;
	}
	pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		close(sv[0]);
		floor_server(sv[1]);
	}
	close(sv[1]);
	if (zxdtest_start(&d, NULL) < 0)
		bench_die("starting zxd");

	if (zx_iob_create_shared_region(0, RING_PAGES * page, &sr) != ZX_OK)
		bench_die("zx_iob_create_shared_region");
	memset(&r, 0, sizeof(r));
	r.type = ZX_IOB_REGION_TYPE_SHARED;
	r.access = ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE |
	    ZX_IOB_ACCESS_EP1_CAN_MAP_READ | ZX_IOB_ACCESS_EP1_CAN_MAP_WRITE;
	r.discipline.type = ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER;
	r.discipline.reserved[0] = 0x1234;
	so.shared_region = sr;
	memcpy(r.max_extension, &so, sizeof(so));
	if (zx_iob_create(0, &r, 1, &ep0, &ep1) != ZX_OK)
		bench_die("zx_iob_create");
	if (zx_vmar_map_iob(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, 0, ep1, 0, 0, RING_PAGES * page, &m) != ZX_OK)
		bench_die("zx_vmar_map_iob");

	printf("IOBuffer ring buffer: figures vs floors in the same run "
	    "(one CPU for round trips), medians of %d rounds\n",
	    BENCH_ROUNDS);
	bench_writev(ep0, (struct ring_hdr *)m, sv[0]);
	sched_setaffinity(0, sizeof(all), &all);
	bench_consume(ep0, (struct ring_hdr *)m, sv[0]);

	close(sv[0]);
	waitpid(pid, &st, 0);
	zx_vmar_unmap(zx_vmar_root_self(), m, RING_PAGES * page);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
	return zxdtest_stop(&d) == 0 ? 0 : 1;
}
