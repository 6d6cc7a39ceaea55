/*
 * Deferred closes (doc/DATAPATH.md, "Creates and closes"): the ends of
 * an eventpair or IOB this process made and has not used close without
 * waiting for the daemon, yet Zircon's rule still holds: whatever
 * observes the close afterwards sees it has taken effect.
 *
 *  - the next call of this process, on any thread, sees PEER_CLOSED
 *    (wait_one at once or for ever, wait_many, a port's wait_async) and
 *    the handle gone from the process's handle counts;
 *  - an end that left the process (export, a channel) closes
 *    synchronously: another process sees PEER_CLOSED at once;
 *  - so does an end whose pair was used (a wait, a duplicate);
 *  - with the daemon stopped (SIGSTOP), a fresh pair's close returns and
 *    a used or exported one's does not.
 */
#include "config-build.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zxd/zxd.h>

#include "tests/lib/zxdtest.h"

#define ROUNDS 200

static void
pair(zx_handle_t *a, zx_handle_t *b)
{
	zx_status_t st = zx_eventpair_create(0, a, b);

	cr_assert_eq(st, ZX_OK, "zx_eventpair_create: %s",
	    zx_status_get_string(st));
}

static void
iob(zx_handle_t *a, zx_handle_t *b)
{
	zx_iob_region_t r;
	zx_status_t st;

	memset(&r, 0, sizeof(r));
	r.type = ZX_IOB_REGION_TYPE_PRIVATE;
	r.access = ZX_IOB_ACCESS_EP0_CAN_MAP_READ |
	    ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE | ZX_IOB_ACCESS_EP1_CAN_MAP_READ;
	r.size = 4096;
	st = zx_iob_create(0, &r, 1, a, b);
	cr_assert_eq(st, ZX_OK, "zx_iob_create: %s", zx_status_get_string(st));
}

/* The peer's signals right now, with a wait that cannot block. */
static zx_signals_t
now(zx_handle_t h, zx_signals_t want)
{
	zx_signals_t seen = 0;
	zx_status_t st = zx_object_wait_one(h, want, 0, &seen);

	cr_assert(st == ZX_OK || st == ZX_ERR_TIMED_OUT, "wait_one: %s",
	    zx_status_get_string(st));
	return seen;
}

Test(deferred, eventpair_peer_closed_on_the_next_call)
{
	for (int i = 0; i < ROUNDS; i++) {
		zx_handle_t a, b;

		pair(&a, &b);
		cr_assert_eq(zx_handle_close(a), ZX_OK);
		cr_assert(now(b, ZX_EVENTPAIR_PEER_CLOSED) &
		    ZX_EVENTPAIR_PEER_CLOSED, "round %d: not closed", i);
		cr_assert_eq(zx_object_signal_peer(b, 0, ZX_USER_SIGNAL_0),
		    ZX_ERR_PEER_CLOSED);
		cr_assert_eq(zx_handle_close(b), ZX_OK);
		cr_assert_eq(zx_handle_close(a), ZX_ERR_BAD_HANDLE);
	}
}

Test(deferred, iob_peer_closed_on_the_next_call)
{
	for (int i = 0; i < ROUNDS; i++) {
		zx_handle_t a, b;

		iob(&a, &b);
		cr_assert_eq(zx_handle_close(b), ZX_OK);
		cr_assert(now(a, ZX_IOB_PEER_CLOSED) & ZX_IOB_PEER_CLOSED,
		    "round %d: not closed", i);
		cr_assert_eq(zx_handle_close(a), ZX_OK);
	}
}

Test(deferred, close_many_then_the_next_call)
{
	for (int i = 0; i < ROUNDS / 4; i++) {
		zx_handle_t a[3], b[3];

		pair(&a[0], &b[0]);
		iob(&a[1], &b[1]);
		pair(&a[2], &b[2]);
		cr_assert_eq(zx_handle_close_many(a, 3), ZX_OK);
		cr_assert(now(b[0], ZX_EVENTPAIR_PEER_CLOSED) &
		    ZX_EVENTPAIR_PEER_CLOSED);
		cr_assert(now(b[1], ZX_IOB_PEER_CLOSED) & ZX_IOB_PEER_CLOSED);
		cr_assert(now(b[2], ZX_EVENTPAIR_PEER_CLOSED) &
		    ZX_EVENTPAIR_PEER_CLOSED);
		cr_assert_eq(zx_handle_close_many(b, 3), ZX_OK);
	}
}

/* More closes pending than libzx names in one request: the rest close
 * synchronously, and all are seen. */
Test(deferred, many_pending)
{
	enum { N = 100 };
	zx_handle_t a[N], b[N];

	for (int i = 0; i < N; i++)
		pair(&a[i], &b[i]);
	for (int i = 0; i < N; i++)
		cr_assert_eq(zx_handle_close(a[i]), ZX_OK);
	for (int i = 0; i < N; i++)
		cr_assert(now(b[i], ZX_EVENTPAIR_PEER_CLOSED) &
		    ZX_EVENTPAIR_PEER_CLOSED, "pair %d", i);
	cr_assert_eq(zx_handle_close_many(b, N), ZX_OK);
}

struct seer {
	pthread_barrier_t closed, done;
	zx_handle_t b;
	zx_signals_t seen;
};

static void *
seer_main(void *arg)
{
	struct seer *s = arg;

	for (int i = 0; i < ROUNDS / 4; i++) {
		pthread_barrier_wait(&s->closed);
		s->seen = 0;
		zx_object_wait_one(s->b, ZX_EVENTPAIR_PEER_CLOSED, 0,
		    &s->seen);
		pthread_barrier_wait(&s->done);
	}
	return NULL;
}

/* The close is seen by a call another thread makes after it. */
Test(deferred, seen_by_another_thread)
{
	struct seer s;
	pthread_t t;

	pthread_barrier_init(&s.closed, NULL, 2);
	pthread_barrier_init(&s.done, NULL, 2);
	cr_assert_eq(pthread_create(&t, NULL, seer_main, &s), 0);
	for (int i = 0; i < ROUNDS / 4; i++) {
		zx_handle_t a;

		pair(&a, &s.b);
		cr_assert_eq(zx_handle_close(a), ZX_OK);
		pthread_barrier_wait(&s.closed);
		pthread_barrier_wait(&s.done);
		cr_assert(s.seen & ZX_EVENTPAIR_PEER_CLOSED, "round %d", i);
		cr_assert_eq(zx_handle_close(s.b), ZX_OK);
	}
	pthread_join(t, NULL);
	pthread_barrier_destroy(&s.closed);
	pthread_barrier_destroy(&s.done);
}

/* Waits on the survivor read its signal page, which its first use maps
 * with a request: the close has taken effect by then. */
struct waiter {
	zx_handle_t h;
	zx_signals_t want, seen;
	zx_status_t st;
};

static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->st = zx_object_wait_one(w->h, w->want, ZX_TIME_INFINITE, &w->seen);
	return NULL;
}

Test(deferred, infinite_wait_on_the_survivor_ends, .timeout = 60)
{
	for (int i = 0; i < ROUNDS / 4; i++) {
		struct waiter w = { .want = ZX_EVENTPAIR_PEER_CLOSED };
		struct timespec ts;
		zx_handle_t a;
		pthread_t t;

		pair(&a, &w.h);
		cr_assert_eq(zx_handle_close(a), ZX_OK);
		cr_assert_eq(pthread_create(&t, NULL, waiter_main, &w), 0);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 10;
		cr_assert_eq(pthread_timedjoin_np(t, NULL, &ts), 0,
		    "round %d: the wait did not end", i);
		cr_assert_eq(w.st, ZX_OK);
		cr_assert(w.seen & ZX_EVENTPAIR_PEER_CLOSED);
		cr_assert_eq(zx_handle_close(w.h), ZX_OK);
	}
}

Test(deferred, wait_many_on_the_survivors)
{
	for (int i = 0; i < ROUNDS / 4; i++) {
		zx_wait_item_t items[2];
		zx_handle_t a[2], b[2];

		pair(&a[0], &b[0]);
		iob(&a[1], &b[1]);
		cr_assert_eq(zx_handle_close(a[0]), ZX_OK);
		cr_assert_eq(zx_handle_close(a[1]), ZX_OK);
		items[0] = (zx_wait_item_t){ .handle = b[0],
		    .waitfor = ZX_EVENTPAIR_PEER_CLOSED };
		items[1] = (zx_wait_item_t){ .handle = b[1],
		    .waitfor = ZX_IOB_PEER_CLOSED };
		cr_assert_eq(zx_object_wait_many(items, 2, 0), ZX_OK);
		cr_assert(items[0].pending & ZX_EVENTPAIR_PEER_CLOSED,
		    "round %d", i);
		cr_assert(items[1].pending & ZX_IOB_PEER_CLOSED, "round %d", i);
		cr_assert_eq(zx_handle_close_many(b, 2), ZX_OK);
	}
}

Test(deferred, port_wait_async_on_the_survivor)
{
	zx_handle_t port;

	cr_assert_eq(zx_port_create(0, &port), ZX_OK);
	for (int i = 0; i < ROUNDS / 4; i++) {
		zx_port_packet_t pkt;
		zx_handle_t a, b;

		pair(&a, &b);
		cr_assert_eq(zx_handle_close(a), ZX_OK);
		cr_assert_eq(zx_object_wait_async(b, port, (uint64_t)i,
		    ZX_EVENTPAIR_PEER_CLOSED, 0), ZX_OK);
		cr_assert_eq(zx_port_wait(port, 0, &pkt), ZX_OK,
		    "round %d: no packet", i);
		cr_assert_eq(pkt.key, (uint64_t)i);
		cr_assert(pkt.signal.observed & ZX_EVENTPAIR_PEER_CLOSED);
		cr_assert_eq(zx_handle_close(b), ZX_OK);
	}
	cr_assert_eq(zx_handle_close(port), ZX_OK);
}

/* The process's handle counts never include a closed handle. */
Test(deferred, handle_stats)
{
	zx_info_process_handle_stats_t before, after;
	zx_handle_t self = zx_process_self();
	zx_handle_t a, b;

	cr_assert_eq(zx_object_get_info(self, ZX_INFO_PROCESS_HANDLE_STATS,
	    &before, sizeof(before), NULL, NULL), ZX_OK);
	pair(&a, &b);
	cr_assert_eq(zx_handle_close(a), ZX_OK);
	cr_assert_eq(zx_object_get_info(self, ZX_INFO_PROCESS_HANDLE_STATS,
	    &after, sizeof(after), NULL, NULL), ZX_OK);
	cr_assert_eq(after.handle_count[ZX_OBJ_TYPE_EVENTPAIR],
	    before.handle_count[ZX_OBJ_TYPE_EVENTPAIR] + 1);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	cr_assert_eq(zx_object_get_info(self, ZX_INFO_PROCESS_HANDLE_STATS,
	    &after, sizeof(after), NULL, NULL), ZX_OK);
	cr_assert_eq(after.handle_count[ZX_OBJ_TYPE_EVENTPAIR],
	    before.handle_count[ZX_OBJ_TYPE_EVENTPAIR]);
}

/* A child holding one end (imported from `tok`): once told the other
 * end is closed, it must see PEER_CLOSED without waiting. */
static int
child_checks(int tok, int rd, zx_signals_t closed)
{
	zx_signals_t seen = 0;
	zx_handle_t h;
	char c;

	if (zxd_handle_import(tok, &h) != ZX_OK)
		return 1;
	if (read(rd, &c, 1) != 1)
		return 2;
	zx_object_wait_one(h, closed, 0, &seen);
	return seen & closed ? 0 : 3;
}

static void
across(bool is_iob)
{
	zx_signals_t closed = is_iob ? ZX_IOB_PEER_CLOSED :
	    ZX_EVENTPAIR_PEER_CLOSED;

	for (int i = 0; i < 5; i++) {
		zx_handle_t a, b;
		int p[2], tok, st;
		pid_t pid;

		if (is_iob)
			iob(&a, &b);
		else
			pair(&a, &b);
		cr_assert_eq(pipe(p), 0);
		cr_assert_eq(zxd_handle_export(b, &tok), ZX_OK);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			close(p[1]);
			_exit(child_checks(tok, p[0], closed));
		}
		close(p[0]);
		close(tok);
		/* The child has imported the end before the close (the
		 * order does not matter: the close waits either way). */
		cr_assert_eq(zx_handle_close(a), ZX_OK);
		cr_assert_eq(write(p[1], "x", 1), 1);
		close(p[1]);
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "round %d: child status %d", i, WEXITSTATUS(st));
	}
}

/* An end that left the process: the close of the other is synchronous. */
Test(deferred, exported_eventpair_end_sees_it_at_once, .timeout = 60)
{
	across(false);
}

Test(deferred, exported_iob_end_sees_it_at_once, .timeout = 60)
{
	across(true);
}

/* Once a pair is used, its ends close synchronously: a duplicate sent
 * away sees the close at once. */
Test(deferred, used_pair_closes_synchronously, .timeout = 60)
{
	for (int i = 0; i < 5; i++) {
		zx_handle_t a, b, d;
		int p[2], tok, st;
		pid_t pid;

		pair(&a, &b);
		cr_assert_eq(zx_handle_duplicate(b, ZX_RIGHT_SAME_RIGHTS, &d),
		    ZX_OK);
		cr_assert_eq(pipe(p), 0);
		cr_assert_eq(zxd_handle_export(d, &tok), ZX_OK);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			close(p[1]);
			_exit(child_checks(tok, p[0],
			    ZX_EVENTPAIR_PEER_CLOSED));
		}
		close(p[0]);
		close(tok);
		cr_assert_eq(zx_handle_close(b), ZX_OK);
		cr_assert_eq(zx_handle_close(a), ZX_OK);
		cr_assert_eq(write(p[1], "x", 1), 1);
		close(p[1]);
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "round %d: child status %d", i, WEXITSTATUS(st));
	}
}

/* --- with the daemon stopped: which closes wait for it ------------------ */

static struct zxdtest_daemon D;

static void
own_daemon(void)
{
	int r = zxdtest_start(&D, NULL);

	cr_assert_eq(r, 0, "zxdtest_start: %s", strerror(-r));
}

static void
own_daemon_down(void)
{
	kill(D.pid, SIGCONT);
	cr_assert_eq(zxdtest_stop(&D), 0);
}

struct closer {
	zx_handle_t h;
	atomic_bool done;
};

static void *
closer_main(void *arg)
{
	struct closer *c = arg;

	zx_handle_close(c->h);
	atomic_store(&c->done, true);
	return NULL;
}

/* Close h in another thread while the daemon is stopped; whether the
 * close returned within `ms` milliseconds. The daemon runs again after. */
static bool
close_while_stopped(zx_handle_t h, int ms)
{
	struct closer c = { .h = h };
	pthread_t t;
	bool done;

	cr_assert_eq(kill(D.pid, SIGSTOP), 0);
	cr_assert_eq(pthread_create(&t, NULL, closer_main, &c), 0);
	for (int i = 0; i < ms / 10 && !atomic_load(&c.done); i++)
		usleep(10000);
	done = atomic_load(&c.done);
	cr_assert_eq(kill(D.pid, SIGCONT), 0);
	pthread_join(t, NULL);
	return done;
}

TestSuite(stopped, .init = own_daemon, .fini = own_daemon_down,
    .timeout = 60);

/* A fresh pair's end closes without the daemon... */
Test(stopped, fresh_pair_close_does_not_wait)
{
	zx_handle_t a, b;

	pair(&a, &b);
	cr_assert(close_while_stopped(a, 3000),
	    "the close waited for a stopped daemon");
	cr_assert(now(b, ZX_EVENTPAIR_PEER_CLOSED) & ZX_EVENTPAIR_PEER_CLOSED);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	iob(&a, &b);
	cr_assert(close_while_stopped(b, 3000),
	    "the close waited for a stopped daemon");
	cr_assert(now(a, ZX_IOB_PEER_CLOSED) & ZX_IOB_PEER_CLOSED);
	cr_assert_eq(zx_handle_close(a), ZX_OK);
}

/* ... but not once its other end left the process or was used. */
Test(stopped, used_or_exported_pair_close_waits)
{
	zx_handle_t a, b;
	int tok;

	pair(&a, &b);
	cr_assert_eq(zxd_handle_export(b, &tok), ZX_OK);
	cr_assert_not(close_while_stopped(a, 300),
	    "closed before the daemon saw it");
	close(tok);

	pair(&a, &b);
	cr_assert_eq(zx_object_signal(b, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_not(close_while_stopped(a, 300),
	    "closed before the daemon saw it");
	cr_assert_eq(zx_handle_close(b), ZX_OK);

	pair(&a, &b);
	now(a, ZX_USER_SIGNAL_0);
	cr_assert_not(close_while_stopped(b, 300),
	    "closed before the daemon saw it");
	cr_assert_eq(zx_handle_close(a), ZX_OK);
}
