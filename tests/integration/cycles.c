/*
 * Cycle collection (daemon/collect.c): objects reachable only through
 * messages queued in channels no process can read any more are
 * destroyed, with their memory and descriptors. Each case runs in child
 * processes that make the cycle and exit; afterwards the daemon holds no
 * object, handle or handle in flight, and its descriptors are back to
 * what they were:
 *
 *  - a self-cycle: c1 written into c0 (so queued on c1 itself), with a
 *    1 MiB VMO alongside, c0 closed;
 *  - a two-channel cycle: a1 queued on b1 and b1 on a1;
 *  - cycles carrying IOB endpoints and event pairs;
 *  - a queue readable through an export token is kept, and so is one a
 *    live process can read.
 */
#include "config-build.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iob.h>
#include <zxd/zxd.h>

#include "tests/lib/zxdtest.h"

static struct zxdtest_daemon D;

static void
up(void)
{
	cr_assert_eq(zxdtest_start(&D, NULL), 0);
}

static void
down(void)
{
	cr_expect_eq(zxdtest_stop(&D), 0);
}

TestSuite(cycles, .init = up, .fini = down, .timeout = 60);

static int
daemon_fds(void)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)D.pid);
	d = opendir(path);
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Wait until the daemon holds nothing of the children and `fds`
 * descriptors (the collector runs shortly after the last close). */
static void
expect_clean_n(int fds, uint64_t clients)
{
	struct zxdtest_stats s = { 0 };
	int now = -1;

	/* Up to 20 s: on a loaded machine a child may take seconds to go. */
	for (int i = 0; i < 2000; i++) {
		cr_assert_eq(zxdtest_stats(D.socket, &s), 0);
		/* Spare sockets (one fd each, a few a process) are kept
		 * on purpose: count everything else. */
		now = daemon_fds() - (int)s.spares;
		if (s.objects == 0 && s.handles == 0 && s.in_flight == 0 &&
		    s.clients == clients && now == fds)
			return;
		usleep(10000);
	}
	cr_assert_fail("left: %llu objects, %llu handles, %llu in flight, "
	    "%llu clients, %d fds (baseline %d)",
	    (unsigned long long)s.objects, (unsigned long long)s.handles,
	    (unsigned long long)s.in_flight, (unsigned long long)s.clients,
	    now, fds);
}

static void
expect_clean(int fds)
{
	expect_clean_n(fds, 0);
}

static void
run_child(int (*fn)(int), int i)
{
	int st;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(fn(i));
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d: %d", i,
	    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* The daemon's descriptors with nothing made yet (its stats connection
 * closes asynchronously: let it settle). */
static int
baseline(void)
{
	struct zxdtest_stats s;

	cr_assert_eq(zxdtest_stats(D.socket, &s), 0);
	usleep(50000);
	cr_assert_eq(zxdtest_stats(D.socket, &s), 0);
	return daemon_fds() - (int)s.spares;
}

static int
self_cycle(int i)
{
	zx_handle_t c0, c1, v;
	zx_handle_t hs[2];

	(void)i;
	if (zx_channel_create(0, &c0, &c1) != ZX_OK ||
	    zx_vmo_create(1 << 20, 0, &v) != ZX_OK ||
	    zx_vmo_write(v, "data", 0, 4) != ZX_OK)
		return 1;
	hs[0] = c1;
	hs[1] = v;
	if (zx_channel_write(c0, 0, "x", 1, hs, 2) != ZX_OK)
		return 2;
	zx_handle_close(c0);
	return 0;
}

Test(cycles, self_cycle_with_a_vmo)
{
	int fds = baseline();

	for (int i = 0; i < 50; i++)
		run_child(self_cycle, i);
	expect_clean(fds);
}

static int
two_channels(int i)
{
	zx_handle_t a0, a1, b0, b1, x, y, e0, e1;
	zx_handle_t ha[2], hb[2];
	zx_iob_region_t r = {
		.type = ZX_IOB_REGION_TYPE_PRIVATE,
		.access = ZX_IOB_ACCESS_EP0_CAN_MAP_READ |
		    ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE |
		    ZX_IOB_ACCESS_EP1_CAN_MAP_READ,
		.size = 4096,
		.discipline = { .type = ZX_IOB_DISCIPLINE_TYPE_NONE },
		.private_region = { .options = 0 },
	};

	(void)i;
	if (zx_channel_create(0, &a0, &a1) != ZX_OK ||
	    zx_channel_create(0, &b0, &b1) != ZX_OK ||
	    zx_iob_create(0, &r, 1, &x, &y) != ZX_OK ||
	    zx_eventpair_create(0, &e0, &e1) != ZX_OK)
		return 1;
	/* a1 (with an IOB endpoint) waits on b1; b1 (with the other and an
	 * event pair end) waits on a1. The cycle is garbage as soon as it
	 * closes (the collector may take it then: a0 would see its peer
	 * closed), so the event pair end goes first. */
	if (zx_channel_write(a0, 0, "e", 1, &e0, 1) != ZX_OK)
		return 4;
	ha[0] = a1;
	ha[1] = x;
	if (zx_channel_write(b0, 0, "a", 1, ha, 2) != ZX_OK)
		return 2;
	hb[0] = b1;
	hb[1] = y;
	if (zx_channel_write(a0, 0, "b", 1, hb, 2) != ZX_OK)
		return 3;
	zx_handle_close(a0);
	zx_handle_close(b0);
	/* e1 is closed by the exit; the peer lives in the cycle. */
	return 0;
}

Test(cycles, two_channel_cycle_with_iobs)
{
	int fds = baseline();

	for (int i = 0; i < 50; i++)
		run_child(two_channels, i);
	expect_clean(fds);
}

/* A longer ring: c[k]'s second end queued on c[k+1]'s. */
static int
ring(int n)
{
	zx_handle_t e0[8], e1[8];

	for (int k = 0; k < n; k++)
		if (zx_channel_create(0, &e0[k], &e1[k]) != ZX_OK)
			return 1;
	for (int k = 0; k < n; k++)
		if (zx_channel_write(e0[(k + 1) % n], 0, "r", 1, &e1[k], 1) !=
		    ZX_OK)
			return 2;
	for (int k = 0; k < n; k++)
		zx_handle_close(e0[k]);
	return 0;
}

Test(cycles, rings)
{
	int fds = baseline();

	for (int n = 1; n <= 8; n++)
		run_child(ring, n);
	expect_clean(fds);
}

/* An export token is held by a process (as an fd): the queue of the
 * endpoint behind it stays readable, and is not collected. */
Test(cycles, a_token_keeps_its_queue)
{
	zx_handle_t c0, c1, t0, t1, got;
	struct zxdtest_stats s;
	uint32_t nb, nh;
	char buf[4];
	int fds, tok;

	/* This process is a client throughout. */
	cr_assert_eq(zx_event_create(0, &t0), ZX_OK);
	zx_handle_close(t0);
	fds = baseline();
	cr_assert_eq(zx_channel_create(0, &c0, &c1), ZX_OK);
	cr_assert_eq(zx_channel_create(0, &t0, &t1), ZX_OK);
	cr_assert_eq(zx_channel_write(c0, 0, "t", 1, &t1, 1), ZX_OK);
	cr_assert_eq(zxd_handle_export(c1, &tok), ZX_OK);
	zx_handle_close(c0);
	zx_handle_close(t0);
	/* Closes make the collector run: nothing to take. */
	usleep(100000);
	cr_assert_eq(zxdtest_stats(D.socket, &s), 0);
	cr_expect_eq(s.in_flight, 2, "in flight: %llu",
	    (unsigned long long)s.in_flight);
	cr_assert_eq(zxd_handle_import(tok, &c1), ZX_OK);
	cr_assert_eq(zx_channel_read(c1, 0, buf, &got, sizeof(buf), 1, &nb,
	    &nh), ZX_OK);
	cr_assert_eq(nh, 1);
	zx_handle_close(got);
	zx_handle_close(c1);
	expect_clean_n(fds, 1);
}

/* A queue readable by a live process is never collected. */
Test(cycles, readable_queues_stay)
{
	zx_handle_t c0, c1, v, got[2];
	zx_handle_t hs[1];
	uint32_t nb, nh;
	char buf[4];

	cr_assert_eq(zx_channel_create(0, &c0, &c1), ZX_OK);
	cr_assert_eq(zx_vmo_create(4096, 0, &v), ZX_OK);
	hs[0] = v;
	cr_assert_eq(zx_channel_write(c0, 0, "v", 1, hs, 1), ZX_OK);
	zx_handle_close(c0);
	/* Closes elsewhere make the collector run. */
	for (int i = 0; i < 20; i++) {
		zx_handle_t e;

		cr_assert_eq(zx_event_create(0, &e), ZX_OK);
		zx_handle_close(e);
		usleep(5000);
	}
	cr_assert_eq(zx_channel_read(c1, 0, buf, got, sizeof(buf), 2, &nb,
	    &nh), ZX_OK);
	cr_assert_eq(nh, 1);
	cr_expect_eq(zx_vmo_write(got[0], "ok", 0, 2), ZX_OK);
	zx_handle_close(got[0]);
	zx_handle_close(c1);
}
