/*
 * zxd dies (SIGKILL) under clients blocked in every kind of wait:
 *
 *  - zx_object_wait_one(ZX_TIME_INFINITE) on an event, an eventpair and a
 *    channel, a zx_channel_read-then-wait loop, a zx_channel_call with no
 *    deadline, in threads of this process and in another process: each
 *    returns (ZX_ERR_CANCELED; the read loop may see ZX_ERR_BAD_HANDLE
 *    from its read first) — the latency is printed, the 100 ms bar is
 *    the stress program's (tests/stress/death), not asserted here;
 *  - a new zxd on the same socket: old handles answer ZX_ERR_BAD_HANDLE
 *    (calls, waits, get_info), zx_handle_close releases them (ZX_OK),
 *    and new calls work in the same process without restarting it.
 */
#include "config-build.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "tests/lib/zxdtest.h"

static struct zxdtest_daemon D;

static void
up(void)
{
	int r = zxdtest_start(&D, NULL);

	cr_assert_eq(r, 0, "zxdtest_start: %s", strerror(-r));
}

static void
down(void)
{
	if (D.pid > 0)
		zxdtest_stop(&D);
}

TestSuite(daemon_death, .init = up, .fini = down, .timeout = 30);

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

enum kind { WAIT_EVENT, WAIT_PAIR, WAIT_CHANNEL, READ_LOOP, CALL, NKINDS };
static const char *const kind_name[] = {
	"wait_one(event)", "wait_one(eventpair)", "wait_one(channel)",
	"read-then-wait loop", "channel_call",
};

struct blocked {
	enum kind kind;
	zx_handle_t h;
	zx_status_t st;
	int64_t returned;
	pthread_t t;
};

static void *
block(void *arg)
{
	struct blocked *b = arg;
	zx_signals_t obs;
	uint8_t buf[64];
	uint32_t nb, nh;

	switch (b->kind) {
	case WAIT_EVENT:
	case WAIT_PAIR:
		b->st = zx_object_wait_one(b->h, ZX_USER_SIGNAL_0,
		    ZX_TIME_INFINITE, &obs);
		break;
	case WAIT_CHANNEL:
		b->st = zx_object_wait_one(b->h, ZX_CHANNEL_READABLE,
		    ZX_TIME_INFINITE, &obs);
		break;
	case READ_LOOP:
		for (;;) {
			b->st = zx_channel_read(b->h, 0, buf, NULL,
			    sizeof(buf), 0, &nb, &nh);
			if (b->st != ZX_ERR_SHOULD_WAIT)
				break;
			b->st = zx_object_wait_one(b->h, ZX_CHANNEL_READABLE |
			    ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &obs);
			if (b->st != ZX_OK)
				break;
		}
		break;
	case CALL: {
		uint32_t req = 0;
		zx_channel_call_args_t a = {
			.wr_bytes = &req, .wr_num_bytes = sizeof(req),
			.rd_bytes = buf, .rd_num_bytes = sizeof(buf),
		};

		b->st = zx_channel_call(b->h, 0, ZX_TIME_INFINITE, &a, &nb,
		    &nh);
		break;
	}
	default:
		break;
	}
	b->returned = now_ns();
	return NULL;
}

/* In another process: make an event and wait on it for ever; write the
 * status and the return time to `fd`. */
static void
child_waits(int fd)
{
	struct { zx_status_t st; int64_t t; } r = { ZX_ERR_INTERNAL, 0 };
	zx_handle_t ev;

	if (zx_event_create(0, &ev) == ZX_OK) {
		(void)!write(fd, &r, 1);	/* ready */
		r.st = zx_object_wait_one(ev, ZX_USER_SIGNAL_0,
		    ZX_TIME_INFINITE, NULL);
	}
	r.t = now_ns();
	(void)!write(fd, &r, sizeof(r));
	_exit(0);
}

Test(daemon_death, blocked_waiters_return_and_restart_works)
{
	zx_handle_t ev, p0, p1, c0, c1, r0, r1, k0, k1, h;
	struct blocked b[NKINDS];
	struct { zx_status_t st; int64_t t; } cr;
	zx_info_handle_basic_t info;
	int pfd[2], st;
	char ready;
	int64_t killed;
	pid_t child;

	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_eventpair_create(0, &p0, &p1), ZX_OK);
	cr_assert_eq(zx_channel_create(0, &c0, &c1), ZX_OK);
	cr_assert_eq(zx_channel_create(0, &r0, &r1), ZX_OK);
	cr_assert_eq(zx_channel_create(0, &k0, &k1), ZX_OK);
	b[WAIT_EVENT].h = ev;
	b[WAIT_PAIR].h = p0;
	b[WAIT_CHANNEL].h = c0;
	b[READ_LOOP].h = r0;
	b[CALL].h = k0;

	cr_assert_eq(pipe(pfd), 0);
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		close(pfd[0]);
		child_waits(pfd[1]);
	}
	close(pfd[1]);
	cr_assert_eq(read(pfd[0], &ready, 1), 1);

	for (int i = 0; i < NKINDS; i++) {
		b[i].kind = (enum kind)i;
		b[i].st = ZX_ERR_INTERNAL;
		cr_assert_eq(pthread_create(&b[i].t, NULL, block, &b[i]), 0);
	}
	/* Let every thread block (a wait's first use of a handle costs one
	 * round trip). */
	usleep(200000);
	killed = now_ns();
	kill(D.pid, SIGKILL);
	waitpid(D.pid, NULL, 0);
	D.pid = 0;

	for (int i = 0; i < NKINDS; i++) {
		cr_assert_eq(pthread_join(b[i].t, NULL), 0);
		printf("# %s returned %s after %.1f ms\n", kind_name[i],
		    zx_status_get_string(b[i].st),
		    (double)(b[i].returned - killed) / 1e6);
		if (i == READ_LOOP)
			cr_expect(b[i].st == ZX_ERR_CANCELED ||
			    b[i].st == ZX_ERR_BAD_HANDLE, "%s: %s",
			    kind_name[i], zx_status_get_string(b[i].st));
		else
			cr_expect_eq(b[i].st, ZX_ERR_CANCELED, "%s: %s",
			    kind_name[i], zx_status_get_string(b[i].st));
	}
	cr_assert_eq(read(pfd[0], &cr, sizeof(cr)), (ssize_t)sizeof(cr));
	close(pfd[0]);
	waitpid(child, &st, 0);
	printf("# another process's wait_one returned %s after %.1f ms\n",
	    zx_status_get_string(cr.st), (double)(cr.t - killed) / 1e6);
	cr_expect_eq(cr.st, ZX_ERR_CANCELED);

	/* A new daemon on the same socket. */
	cr_assert_eq(zxdtest_respawn(&D, NULL), 0);

	/* Old handles: BAD_HANDLE for calls and waits, and no round trip
	 * makes them valid again. */
	cr_expect_eq(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_BAD_HANDLE);
	cr_expect_eq(zx_object_wait_one(ev, ZX_USER_SIGNAL_0, 0, NULL),
	    ZX_ERR_BAD_HANDLE);
	cr_expect_eq(zx_object_get_info(p0, ZX_INFO_HANDLE_BASIC, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_BAD_HANDLE);
	cr_expect_eq(zx_channel_write(c1, 0, "x", 1, NULL, 0),
	    ZX_ERR_BAD_HANDLE);
	cr_expect_eq(zx_handle_duplicate(p1, ZX_RIGHT_SAME_RIGHTS, &h),
	    ZX_ERR_BAD_HANDLE);
	cr_expect_eq(zx_handle_check_valid(ev), ZX_ERR_NOT_FOUND);
	/* ... and closing them releases them. */
	zx_handle_t old[] = { ev, p0, p1, c0, c1, r0, r1, k0, k1 };
	for (size_t i = 0; i < sizeof(old) / sizeof(old[0]); i++)
		cr_expect_eq(zx_handle_close(old[i]), ZX_OK);
	cr_expect_eq(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);

	/* New calls work without restarting the process. */
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_expect_eq(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_expect_eq(zx_object_wait_one(ev, ZX_USER_SIGNAL_0,
	    ZX_TIME_INFINITE, NULL), ZX_OK);
	cr_expect_eq(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, &info,
	    sizeof(info), NULL, NULL), ZX_OK);
	cr_assert_eq(zx_channel_create(0, &c0, &c1), ZX_OK);
	cr_expect_eq(zx_channel_write(c0, 0, "ok", 2, &ev, 1), ZX_OK);
	cr_expect_eq(zx_object_wait_one(c1, ZX_CHANNEL_READABLE,
	    ZX_TIME_INFINITE, NULL), ZX_OK);
	cr_expect_neq(zx_vmar_root_self(), ZX_HANDLE_INVALID);
	zx_handle_close(c0);
	zx_handle_close(c1);
}

/* A wait that starts after the death (before any restart) does not
 * block either. */
Test(daemon_death, wait_after_death)
{
	zx_handle_t ev;
	int64_t t;
	zx_status_t st;

	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_object_wait_one(ev, ZX_USER_SIGNAL_0, 0, NULL),
	    ZX_ERR_TIMED_OUT);
	kill(D.pid, SIGKILL);
	waitpid(D.pid, NULL, 0);
	D.pid = 0;
	/* The monitor declares the death on the hang-up; a wait that comes
	 * first finds the handle valid and is woken by it. */
	t = now_ns();
	st = zx_object_wait_one(ev, ZX_USER_SIGNAL_0, ZX_TIME_INFINITE, NULL);
	cr_expect(st == ZX_ERR_CANCELED || st == ZX_ERR_BAD_HANDLE, "%s",
	    zx_status_get_string(st));
	printf("# wait_one after the death returned %s after %.1f ms\n",
	    zx_status_get_string(st), (double)(now_ns() - t) / 1e6);
	cr_expect_eq(zx_object_wait_one(ev, ZX_USER_SIGNAL_0,
	    ZX_TIME_INFINITE, NULL), ZX_ERR_BAD_HANDLE);
	/* No daemon: create calls say so. */
	cr_expect_eq(zx_event_create(0, &ev), ZX_ERR_UNAVAILABLE);
	cr_assert_eq(zxdtest_respawn(&D, NULL), 0);
	cr_expect_eq(zx_event_create(0, &ev), ZX_OK);
	zx_handle_close(ev);
}
