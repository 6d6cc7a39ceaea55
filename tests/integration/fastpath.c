/*
 * What libzx answers without a round trip (doc/DATAPATH.md): with the
 * daemon stopped (SIGSTOP) such a call still answers, where one that
 * needed the daemon would block; and what the daemon decided still
 * holds: once it is gone, the same calls say so.
 *
 * Each test runs its own zxd. An alarm bounds every test, so a call that
 * wrongly waits for the stopped daemon fails instead of hanging.
 */
#include "config-build.h"

#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

#include "tests/lib/zxdtest.h"

static struct zxdtest_daemon d;

static void
start(void)
{
	alarm(20);
	cr_assert_eq(zxdtest_start(&d, NULL), 0);
}

static void
stop(void)
{
	alarm(0);
	cr_assert_eq(zxdtest_stop(&d), 0, "zxd did not stop cleanly");
}

TestSuite(fastpath, .init = start, .fini = stop);

static zx_status_t
basic(zx_handle_t h, zx_info_handle_basic_t *b, size_t size, size_t *actual,
    size_t *avail)
{
	memset(b, 0xa5, sizeof(*b));
	return zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, b, size, actual,
	    avail);
}

/* The answers with the daemon running, for comparison. */
struct answers {
	zx_info_handle_basic_t ev, ch0, ch1;
};

static void
collect(zx_handle_t ev, zx_handle_t c0, zx_handle_t c1, struct answers *a)
{
	size_t actual, avail;

	cr_assert_eq(basic(ev, &a->ev, sizeof(a->ev), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	cr_assert_eq(basic(c0, &a->ch0, sizeof(a->ch0), NULL, NULL), ZX_OK);
	cr_assert_eq(basic(c1, &a->ch1, sizeof(a->ch1), NULL, NULL), ZX_OK);
}

Test(fastpath, handle_basic_needs_no_daemon)
{
	zx_handle_t ev, c0, c1, ro;
	zx_info_handle_basic_t b;
	struct answers a;
	size_t actual = 99, avail = 99;

	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_channel_create(0, &c0, &c1), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(ev, ZX_RIGHT_WAIT, &ro), ZX_OK);
	collect(ev, c0, c1, &a);
	cr_assert_eq(a.ev.type, ZX_OBJ_TYPE_EVENT);
	cr_assert_eq(a.ev.rights, ZX_DEFAULT_EVENT_RIGHTS);
	cr_assert_eq(a.ev.related_koid, ZX_KOID_INVALID);
	cr_assert_eq(a.ch0.related_koid, a.ch1.koid);
	cr_assert_eq(a.ch1.related_koid, a.ch0.koid);

	cr_assert_eq(kill(d.pid, SIGSTOP), 0);
	/* The same answers, the daemon frozen. */
	cr_assert_eq(basic(ev, &b, sizeof(b), &actual, &avail), ZX_OK);
	cr_assert_eq(memcmp(&b, &a.ev, sizeof(b)), 0);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	cr_assert_eq(basic(c0, &b, sizeof(b), NULL, NULL), ZX_OK);
	cr_assert_eq(memcmp(&b, &a.ch0, sizeof(b)), 0);
	cr_assert_eq(basic(ro, &b, sizeof(b), NULL, NULL), ZX_OK);
	cr_assert_eq(b.koid, a.ev.koid);
	cr_assert_eq(b.rights, ZX_RIGHT_WAIT);
	/* Zircon's short-buffer rule: nothing copied, one record there. */
	actual = avail = 99;
	cr_assert_eq(basic(ev, &b, sizeof(b) - 1, &actual, &avail),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
	cr_assert_eq(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, NULL,
	    sizeof(b), NULL, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_handle_check_valid(ev), ZX_OK);
	cr_assert_eq(kill(d.pid, SIGCONT), 0);

	/* A closed handle is no handle, locally too. */
	cr_assert_eq(zx_handle_close(ro), ZX_OK);
	cr_assert_eq(basic(ro, &b, sizeof(b), NULL, NULL), ZX_ERR_BAD_HANDLE);
	zx_handle_close(ev);
	zx_handle_close(c0);
	zx_handle_close(c1);
}

/* The daemon gone, every handle is gone with it: the local answer checks
 * the daemon's end of the handle's socket. */
Test(fastpath, handle_basic_after_daemon_death)
{
	zx_info_handle_basic_t b;
	zx_handle_t ev;
	int status;

	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(basic(ev, &b, sizeof(b), NULL, NULL), ZX_OK);
	cr_assert_eq(kill(d.pid, SIGKILL), 0);
	cr_assert_eq(waitpid(d.pid, &status, 0), d.pid);
	cr_assert_eq(basic(ev, &b, sizeof(b), NULL, NULL), ZX_ERR_BAD_HANDLE);
	zx_handle_close(ev);
	unlink(d.socket);
	unlink(d.log);
	rmdir(d.dir);
	/* Let stop() find a daemon to stop. */
	cr_assert_eq(zxdtest_start(&d, NULL), 0);
}

/* --- channels: the delivery socket (doc/DATAPATH.md) ------------------ */

static void
put(zx_handle_t ch, const char *s)
{
	cr_assert_eq(zx_channel_write(ch, 0, s, (uint32_t)strlen(s), NULL, 0),
	    ZX_OK);
}

/* Read one message and compare its bytes with s. */
static void
expect(zx_handle_t ch, const char *s)
{
	char buf[256];
	uint32_t nb = 0, nh = 0;
	zx_status_t st;

	st = zx_channel_read(ch, 0, buf, NULL, sizeof(buf), 0, &nb, &nh);
	cr_assert_eq(st, ZX_OK, "read: %s", zx_status_get_string(st));
	cr_assert_eq(nb, strlen(s));
	cr_assert_eq(memcmp(buf, s, nb), 0);
}

static void
expect_status(zx_handle_t ch, zx_status_t want)
{
	char buf[8];
	zx_status_t st;

	st = zx_channel_read(ch, 0, buf, NULL, sizeof(buf), 0, NULL, NULL);
	cr_assert_eq(st, want, "read: %s, want %s", zx_status_get_string(st),
	    zx_status_get_string(want));
}

/* The first read of b goes to the daemon and brings b its delivery
 * socket; what is written after waits there. */
static void
open_delivery(zx_handle_t a, zx_handle_t b)
{
	put(a, "first");
	expect(b, "first");
}

Test(fastpath, channel_read_needs_no_daemon)
{
	zx_handle_t a, b, e, got;
	zx_info_handle_basic_t info, einfo;
	zx_signals_t obs = 0;
	char buf[64];
	uint32_t nb = 0, nh = 0;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	open_delivery(a, b);
	put(a, "second");
	put(a, "third, longer");
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(basic(e, &einfo, sizeof(einfo), NULL, NULL), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "h", 1, &e, 1), ZX_OK);
	cr_assert_eq(zx_handle_check_valid(e), ZX_ERR_NOT_FOUND);
	/* The first wait on a handle maps its signal page (a request). */
	cr_assert_eq(zx_object_wait_one(b, ZX_CHANNEL_WRITABLE, 0, NULL),
	    ZX_OK);

	cr_assert_eq(kill(d.pid, SIGSTOP), 0);
	cr_assert_eq(zx_object_wait_one(b, ZX_CHANNEL_READABLE, 0, &obs),
	    ZX_OK);
	cr_assert(obs & ZX_CHANNEL_READABLE);
	expect(b, "second");
	/* Too small: the message stays, whole, and says its size. */
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, 4, 0, &nb, &nh),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(nb, 13);
	cr_assert_eq(nh, 0);
	expect(b, "third, longer");
	/* A handle, moved: installed here with its type and rights. */
	cr_assert_eq(zx_channel_read(b, 0, buf, &got, 1, 0, &nb, &nh),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(nh, 1);
	cr_assert_eq(zx_channel_read(b, 0, buf, &got, sizeof(buf), 1, &nb,
	    &nh), ZX_OK);
	cr_assert_eq(nh, 1);
	cr_assert_eq(basic(got, &info, sizeof(info), NULL, NULL), ZX_OK);
	cr_assert_eq(info.koid, einfo.koid);
	cr_assert_eq(info.rights, einfo.rights);
	cr_assert_eq(info.type, ZX_OBJ_TYPE_EVENT);
	/* read_etc gets each handle's type and rights from the packet. */
	{
		zx_handle_info_t hi[1];

		cr_assert_eq(kill(d.pid, SIGCONT), 0);
		cr_assert_eq(zx_channel_write(a, 0, "i", 1, &got, 1), ZX_OK);
		cr_assert_eq(kill(d.pid, SIGSTOP), 0);
		cr_assert_eq(zx_channel_read_etc(b, 0, buf, hi, sizeof(buf), 1,
		    &nb, &nh), ZX_OK);
		cr_assert_eq(nh, 1);
		cr_assert_eq(hi[0].type, ZX_OBJ_TYPE_EVENT);
		cr_assert_eq(hi[0].rights, einfo.rights);
		got = hi[0].handle;
		cr_assert_eq(basic(got, &info, sizeof(info), NULL, NULL), ZX_OK);
		cr_assert_eq(info.koid, einfo.koid);
	}
	/* Empty: decided by the daemon's queue, found empty. */
	expect_status(b, ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_object_wait_one(b, ZX_CHANNEL_READABLE,
	    zx_deadline_after(ZX_MSEC(20)), &obs), ZX_ERR_TIMED_OUT);
	cr_assert(!(obs & ZX_CHANNEL_READABLE));
	cr_assert(obs & ZX_CHANNEL_WRITABLE);
	cr_assert_eq(kill(d.pid, SIGCONT), 0);

	/* The moved handle works. */
	cr_assert_eq(zx_object_signal(got, 0, ZX_USER_SIGNAL_0), ZX_OK);
	zx_handle_close(got);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* A reader blocked in wait_one wakes for a message pushed to it. */
struct waiter {
	zx_handle_t h;
	zx_status_t st;
	zx_signals_t obs;
};

static void *
wait_readable(void *arg)
{
	struct waiter *w = arg;

	w->st = zx_object_wait_one(w->h, ZX_CHANNEL_READABLE,
	    zx_deadline_after(ZX_SEC(10)), &w->obs);
	return NULL;
}

Test(fastpath, waiter_wakes_for_pushed_message)
{
	zx_handle_t a, b;
	struct waiter w = { 0 };
	pthread_t t;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	open_delivery(a, b);
	for (int i = 0; i < 50; i++) {
		w.h = b;
		w.st = ZX_ERR_INTERNAL;
		cr_assert_eq(pthread_create(&t, NULL, wait_readable, &w), 0);
		if (i % 2)
			usleep(2000);
		put(a, "ping");
		pthread_join(t, NULL);
		cr_assert_eq(w.st, ZX_OK, "round %d: %s", i,
		    zx_status_get_string(w.st));
		expect(b, "ping");
	}
	zx_handle_close(a);
	zx_handle_close(b);
}

/* More than the socket holds: the rest waits in the daemon, behind a
 * marker; order is kept, and the limit is still the daemon's. */
Test(fastpath, backlog_keeps_order_and_limit)
{
	static char big[8192];
	zx_handle_t a, b;
	char buf[8192];
	uint32_t nb;
	int n;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	open_delivery(a, b);
	for (n = 0; n < 200; n++) {
		memset(big, 'a' + n % 26, sizeof(big));
		memcpy(big, &n, sizeof(n));
		cr_assert_eq(zx_channel_write(a, 0, big, sizeof(big), NULL, 0),
		    ZX_OK);
	}
	for (int i = 0; i < n; i++) {
		int k;

		cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0,
		    &nb, NULL), ZX_OK, "message %d", i);
		cr_assert_eq(nb, sizeof(buf));
		memcpy(&k, buf, sizeof(k));
		cr_assert_eq(k, i);
		cr_assert_eq(buf[100], 'a' + i % 26);
	}
	expect_status(b, ZX_ERR_SHOULD_WAIT);

	/* Zircon's 3,500 pending messages, counted where they wait. */
	for (int i = 0; i < 3500; i++)
		cr_assert_eq(zx_channel_write(a, 0, "q", 1, NULL, 0), ZX_OK,
		    "write %d", i);
	cr_assert_eq(zx_channel_write(a, 0, "q", 1, NULL, 0),
	    ZX_ERR_NO_RESOURCES);
	expect(b, "q");
	cr_assert_eq(zx_channel_write(a, 0, "r", 1, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "q", 1, NULL, 0),
	    ZX_ERR_NO_RESOURCES);
	for (int i = 0; i < 3499; i++)
		expect(b, "q");
	expect(b, "r");
	expect_status(b, ZX_ERR_SHOULD_WAIT);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* The endpoint leaves with unread messages: they go with it. */
Test(fastpath, unread_messages_move_with_the_endpoint)
{
	zx_handle_t a, b, c0, c1, nb_, dup;
	uint32_t nb, nh;
	char buf[8];

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_channel_create(0, &c0, &c1), ZX_OK);
	open_delivery(a, b);
	put(a, "one");
	put(a, "two");
	expect(b, "one");
	/* Moved through another channel: "two" travels with b. */
	cr_assert_eq(zx_channel_write(c0, 0, "b", 1, &b, 1), ZX_OK);
	put(a, "three");
	cr_assert_eq(zx_channel_read(c1, 0, buf, &nb_, sizeof(buf), 1, &nb,
	    &nh), ZX_OK);
	cr_assert_eq(nh, 1);
	expect(nb_, "two");
	put(a, "four");
	/* Replaced (a second handle for a moment): the new one reads on,
	 * in order. */
	cr_assert_eq(zx_handle_replace(nb_, ZX_RIGHT_SAME_RIGHTS, &dup),
	    ZX_OK);
	nb_ = dup;
	expect(nb_, "three");
	expect(nb_, "four");
	expect_status(nb_, ZX_ERR_SHOULD_WAIT);
	put(a, "five");
	put(a, "six");
	expect(nb_, "five");
	/* The peer goes: what was written is still read, then PEER_CLOSED,
	 * and READABLE goes with the last message. */
	zx_handle_close(a);
	cr_assert_eq(zx_object_wait_one(nb_, ZX_CHANNEL_READABLE, 0, NULL),
	    ZX_OK);
	expect(nb_, "six");
	expect_status(nb_, ZX_ERR_PEER_CLOSED);
	cr_assert_eq(zx_object_wait_one(nb_, ZX_CHANNEL_READABLE, 0, NULL),
	    ZX_ERR_TIMED_OUT);
	zx_handle_close(nb_);
	zx_handle_close(c0);
	zx_handle_close(c1);
}

/* Handles pushed to a reader that closes without reading are freed. */
Test(fastpath, unread_pushed_handles_are_freed)
{
	zx_handle_t a, b, e, keep;
	zx_info_handle_count_t cnt;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	open_delivery(a, b);
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "h", 1, &e, 1), ZX_OK);
	cr_assert_eq(zx_object_get_info(keep, ZX_INFO_HANDLE_COUNT, &cnt,
	    sizeof(cnt), NULL, NULL), ZX_OK);
	cr_assert_eq(cnt.handle_count, 2);
	/* Closing b is synchronous: the message's handle is gone after. */
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	cr_assert_eq(zx_object_get_info(keep, ZX_INFO_HANDLE_COUNT, &cnt,
	    sizeof(cnt), NULL, NULL), ZX_OK);
	cr_assert_eq(cnt.handle_count, 1);
	zx_handle_close(keep);
	zx_handle_close(a);
}

/* --- the control connection, shared by threads without a lock -------- */

#define N_THREADS	8
#define N_CALLS		150

static void *
create_many(void *arg)
{
	uintptr_t id = (uintptr_t)arg;

	for (int i = 0; i < N_CALLS; i++) {
		uint64_t want = (uint64_t)(1 + (id * N_CALLS + i) % 64) * 4096;
		uint64_t size = 0;
		zx_handle_t v, e;

		/* Each reply must reach the thread that asked: the size
		 * tells whose VMO came back. */
		if (zx_vmo_create(want, 0, &v) != ZX_OK)
			return (void *)1;
		if (zx_vmo_get_size(v, &size) != ZX_OK || size != want)
			return (void *)2;
		if (zx_event_create(0, &e) != ZX_OK)
			return (void *)3;
		zx_handle_close(e);
		zx_handle_close(v);
	}
	return NULL;
}

Test(fastpath, control_calls_from_many_threads)
{
	pthread_t t[N_THREADS];
	void *ret;

	for (uintptr_t i = 0; i < N_THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, create_many,
		    (void *)i), 0);
	for (int i = 0; i < N_THREADS; i++) {
		cr_assert_eq(pthread_join(t[i], &ret), 0);
		cr_assert_null(ret, "thread %d failed at step %ld", i,
		    (long)(uintptr_t)ret);
	}
}

/* Threads waiting on the control connection when the daemon dies all
 * get an answer (none blocks for ever). */
static void *
create_until_gone(void *arg)
{
	(void)arg;
	for (;;) {
		zx_handle_t e;
		zx_status_t st = zx_event_create(0, &e);

		if (st != ZX_OK)
			return (void *)(intptr_t)st;
		zx_handle_close(e);
	}
}

Test(fastpath, control_waiters_see_daemon_death)
{
	pthread_t t[N_THREADS];
	int status;
	void *ret;

	for (int i = 0; i < N_THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, create_until_gone,
		    NULL), 0);
	usleep(50000);
	cr_assert_eq(kill(d.pid, SIGKILL), 0);
	cr_assert_eq(waitpid(d.pid, &status, 0), d.pid);
	unlink(d.socket);
	for (int i = 0; i < N_THREADS; i++) {
		cr_assert_eq(pthread_join(t[i], &ret), 0);
		cr_assert_eq((zx_status_t)(intptr_t)ret, ZX_ERR_UNAVAILABLE);
	}
	unlink(d.log);
	rmdir(d.dir);
	cr_assert_eq(zxdtest_start(&d, NULL), 0);
}

/* --- zx_channel_call: one reply socket per thread, kept ----------------- */

struct caller {
	zx_handle_t ch;
	zx_status_t st;
};

static void *
call_unanswered(void *arg)
{
	struct caller *c = arg;
	char wr[8] = { 0 }, rd[8];
	zx_channel_call_args_t args = {
		.wr_bytes = wr, .wr_num_bytes = sizeof(wr),
		.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
	};
	uint32_t nb, nh;

	c->st = zx_channel_call(c->ch, 0, ZX_TIME_INFINITE, &args, &nb, &nh);
	return NULL;
}

/* The thread keeps its reply socket's sending end, so the daemon's death
 * cannot show there: the wait watches the handle's socket too. */
Test(fastpath, call_returns_when_daemon_dies)
{
	struct caller c = { .st = ZX_ERR_INTERNAL };
	zx_handle_t peer;
	pthread_t t;
	int status;

	cr_assert_eq(zx_channel_create(0, &c.ch, &peer), ZX_OK);
	cr_assert_eq(pthread_create(&t, NULL, call_unanswered, &c), 0);
	usleep(50000);
	cr_assert_eq(kill(d.pid, SIGKILL), 0);
	cr_assert_eq(waitpid(d.pid, &status, 0), d.pid);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(c.st, ZX_ERR_CANCELED, "%s", zx_status_get_string(c.st));
	unlink(d.socket);
	unlink(d.log);
	rmdir(d.dir);
	cr_assert_eq(zxdtest_start(&d, NULL), 0);
}

/* Calls in a row reuse the socket; a forked child makes its own. */
static void
serve_one(zx_handle_t srv)
{
	char buf[64];
	uint32_t nb, nh;

	cr_assert_eq(zx_object_wait_one(srv, ZX_CHANNEL_READABLE,
	    ZX_TIME_INFINITE, NULL), ZX_OK);
	cr_assert_eq(zx_channel_read(srv, 0, buf, NULL, sizeof(buf), 0, &nb,
	    &nh), ZX_OK);
	buf[4] ^= 1;
	cr_assert_eq(zx_channel_write(srv, 0, buf, nb, NULL, 0), ZX_OK);
}

static void *
serve_many(void *arg)
{
	zx_handle_t srv = *(zx_handle_t *)arg;

	for (int i = 0; i < 100; i++)
		serve_one(srv);
	return NULL;
}

Test(fastpath, calls_in_a_row)
{
	zx_handle_t cl, srv;
	pthread_t t;

	cr_assert_eq(zx_channel_create(0, &cl, &srv), ZX_OK);
	cr_assert_eq(pthread_create(&t, NULL, serve_many, &srv), 0);
	for (int i = 0; i < 100; i++) {
		char wr[8] = { 0, 0, 0, 0, (char)i }, rd[8];
		zx_channel_call_args_t args = {
			.wr_bytes = wr, .wr_num_bytes = sizeof(wr),
			.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
		};
		uint32_t nb, nh;

		cr_assert_eq(zx_channel_call(cl, 0, ZX_TIME_INFINITE, &args,
		    &nb, &nh), ZX_OK, "call %d", i);
		cr_assert_eq(nb, sizeof(rd));
		cr_assert_eq(rd[4], (char)(i ^ 1));
	}
	pthread_join(t, NULL);
	zx_handle_close(cl);
	zx_handle_close(srv);
}

/* --- simulated DMA: staged when the daemon may not reach our memory ----- */

/* A zxd running as uid 65534: it may not read or write the memory of
 * this (root) process, so DMA goes through the staging memfd. */
static pid_t
start_unprivileged(char *dir, size_t dirsize, char *sock, size_t socksize)
{
	const char *bin = getenv("ZXD_BIN") != NULL ? getenv("ZXD_BIN") :
	    "./zxd";
	pid_t pid;

	snprintf(dir, dirsize, "/tmp/zxdtest.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0777), 0);
	snprintf(sock, socksize, "%s/zxd.sock", dir);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, 2);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(126);
		execl(bin, bin, "--socket", sock, (char *)NULL);
		_exit(127);
	}
	/* Ready once it accepts connections (bound is not enough). */
	for (int i = 0; i < 500; i++) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		bool up;

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
		up = fd >= 0 && connect(fd, (struct sockaddr *)&sa,
		    sizeof(sa)) == 0;
		if (fd >= 0)
			close(fd);
		if (up)
			break;
		usleep(10000);
	}
	return pid;
}

Test(fastpath, dma_staged_when_daemon_cannot_reach_us)
{
	char dir[64], sock[100];
	const size_t n = 256 * 1024;
	zx_iommu_desc_dummy_t desc = { 0 };
	zx_handle_t root, iommu, bti, vmo, pmt;
	uint8_t *buf = malloc(n), *got = malloc(n);
	zx_paddr_t base;
	pid_t pid;
	int status;

	if (geteuid() != 0)
		cr_skip_test("needs root, to run zxd as another user");
	pid = start_unprivileged(dir, sizeof(dir), sock, sizeof(sock));
	setenv("ZXD_SOCKET", sock, 1);
	cr_assert_eq(zxd_get_root_resource(&root), ZX_OK);
	cr_assert_eq(zx_iommu_create(root, ZX_IOMMU_TYPE_DUMMY, &desc,
	    sizeof(desc), &iommu), ZX_OK);
	cr_assert_eq(zx_bti_create(iommu, 0, 1, &bti), ZX_OK);
	cr_assert_eq(zx_vmo_create_contiguous(bti, n, 0, &vmo), ZX_OK);
	cr_assert_eq(zx_bti_pin(bti, ZX_BTI_PERM_READ | ZX_BTI_PERM_WRITE |
	    ZX_BTI_CONTIGUOUS, vmo, 0, n, &base, 1, &pmt), ZX_OK);
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)(i * 7 + (size_t)round);
		cr_assert_eq(zxd_sim_dma_write(bti, base, buf, n), ZX_OK);
		cr_assert_eq(zx_vmo_read(vmo, got, 0, n), ZX_OK);
		cr_assert_eq(memcmp(buf, got, n), 0);
		memset(got, 0, n);
		cr_assert_eq(zxd_sim_dma_read(bti, base, got, n), ZX_OK);
		cr_assert_eq(memcmp(buf, got, n), 0);
	}
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	zx_handle_close(vmo);
	zx_handle_close(bti);
	zx_handle_close(iommu);
	zx_handle_close(root);
	kill(pid, SIGTERM);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	rmdir(dir);
	setenv("ZXD_SOCKET", d.socket, 1);
	free(buf);
	free(got);
}
