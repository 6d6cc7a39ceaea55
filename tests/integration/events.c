/*
 * Events, eventpairs, signals and waits against a real zxd (run under
 * tests/with-zxd.sh): zx_event_create, zx_eventpair_create,
 * zx_object_signal, zx_object_signal_peer and zx_object_wait_one with
 * each status of ZIRCON.md §1.4 in Zircon's order.
 *
 * Across processes: a handle handed to a forked child with
 * zxd_handle_export/import (inherited handles themselves are invalid in
 * the child); signals go both ways, a wait in one process ends on a
 * signal from the other, and the child's death is PEER_CLOSED for the
 * parent.
 */
#include "config-build.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

#include "tests/lib/zxdcheck.h"


static void
pair(zx_handle_t *a, zx_handle_t *b)
{
	zx_status_t st = zx_eventpair_create(0, a, b);

	cr_assert_eq(st, ZX_OK, "zx_eventpair_create: %s",
	    zx_status_get_string(st));
}

static zx_handle_t
with_rights(zx_handle_t h, zx_rights_t rights)
{
	zx_handle_t d;

	cr_assert_eq(zx_handle_duplicate(h, rights, &d), ZX_OK);
	return d;
}

/* The full signal state, read with a wait that cannot block. */
static zx_signals_t
state(zx_handle_t h)
{
	zx_signals_t seen = 0xdeadbeef;
	zx_status_t st = zx_object_wait_one(h, ~0u, 0, &seen);

	cr_assert(st == ZX_OK || st == ZX_ERR_TIMED_OUT, "%s",
	    zx_status_get_string(st));
	return seen;
}

/* --- create --------------------------------------------------------- */

Test(create, event_options)
{
	zx_handle_t h = 0x1234;

	cr_assert_eq(zx_event_create(1, &h), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_event_create(0x80000000u, &h), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(h, 0x1234, "out untouched");
	cr_assert_eq(zx_event_create(0, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_event_create(0, &h), ZX_OK);
	cr_assert_eq(state(h), 0, "a new event has no signal");
	zx_handle_close(h);
}

Test(create, eventpair_options)
{
	zx_handle_t a = 0x1234, b = 0x5678;

	cr_assert_eq(zx_eventpair_create(1, &a, &b), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_eventpair_create(~0u, &a, &b), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(a, 0x1234);
	cr_assert_eq(b, 0x5678);
	cr_assert_eq(zx_eventpair_create(0, &a, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_eventpair_create(0, NULL, &b), ZX_ERR_INVALID_ARGS);
	pair(&a, &b);
	cr_assert_eq(state(a), 0);
	cr_assert_eq(state(b), 0);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* --- zx_object_signal ----------------------------------------------- */

Test(signal, event)
{
	zx_handle_t h = new_event(), nosig;

	cr_assert_eq(zx_object_signal(BOGUS, 0, 0), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_object_signal(ZX_HANDLE_INVALID, 0, 0),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_object_signal(h, 0, ZX_EVENT_SIGNALED |
	    ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_7), ZX_OK);
	cr_assert_eq(state(h), ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0 |
	    ZX_USER_SIGNAL_7);
	cr_assert_eq(zx_object_signal(h, ZX_USER_SIGNAL_0 | ZX_EVENT_SIGNALED,
	    ZX_USER_SIGNAL_1), ZX_OK);
	cr_assert_eq(state(h), ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_7);
	cr_assert_eq(zx_object_signal(h, 0, 0), ZX_OK, "no-op");

	/* Bits outside USER_ALL | SIGNALED, in either mask. */
	cr_assert_eq(zx_object_signal(h, 0, ZX_OBJECT_PEER_CLOSED),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_signal(h, ZX_OBJECT_READABLE, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_signal(h, 0, ZX_SIGNAL_HANDLE_CLOSED),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_signal(h, 0, ZX_USER_SIGNAL_2 | 1u << 16),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(state(h), ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_7,
	    "unchanged by a refused call");

	/* The SIGNAL right, checked before the mask. */
	nosig = with_rights(h, ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_SIGNAL);
	cr_assert_eq(zx_object_signal(nosig, 0, ZX_USER_SIGNAL_3),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_signal(nosig, 0, ZX_OBJECT_READABLE),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(state(h), ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_7);
	zx_handle_close(nosig);
	zx_handle_close(h);
}

Test(signal, eventpair_self)
{
	zx_handle_t a, b;

	pair(&a, &b);
	cr_assert_eq(zx_object_signal(a, 0, ZX_EVENTPAIR_SIGNALED |
	    ZX_USER_SIGNAL_5), ZX_OK);
	cr_assert_eq(state(a), ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_5);
	cr_assert_eq(state(b), 0, "signal touches only this end");
	cr_assert_eq(zx_object_signal(a, 0, ZX_EVENTPAIR_PEER_CLOSED),
	    ZX_ERR_INVALID_ARGS, "PEER_CLOSED is the daemon's to set");
	cr_assert_eq(zx_object_signal(a, ZX_EVENTPAIR_PEER_CLOSED, 0),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* --- zx_object_signal_peer ------------------------------------------ */

Test(signal_peer, eventpair)
{
	zx_handle_t a, b, nopeer;

	pair(&a, &b);
	cr_assert_eq(zx_object_signal_peer(BOGUS, 0, 0), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0 |
	    ZX_EVENTPAIR_SIGNALED), ZX_OK);
	cr_assert_eq(state(b), ZX_USER_SIGNAL_0 | ZX_EVENTPAIR_SIGNALED);
	cr_assert_eq(state(a), 0);
	cr_assert_eq(zx_object_signal_peer(b, 0, ZX_USER_SIGNAL_1), ZX_OK);
	cr_assert_eq(state(a), ZX_USER_SIGNAL_1);
	cr_assert_eq(zx_object_signal_peer(a, ZX_USER_SIGNAL_0, 0), ZX_OK);
	cr_assert_eq(state(b), ZX_EVENTPAIR_SIGNALED);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_EVENTPAIR_PEER_CLOSED),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_signal_peer(a, 0, 1u << 4),
	    ZX_ERR_INVALID_ARGS);

	nopeer = with_rights(a, ZX_DEFAULT_EVENTPAIR_RIGHTS &
	    ~ZX_RIGHT_SIGNAL_PEER);
	cr_assert_eq(zx_object_signal_peer(nopeer, 0, ZX_USER_SIGNAL_2),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_signal(nopeer, 0, ZX_USER_SIGNAL_2), ZX_OK,
	    "SIGNAL is a different right");
	cr_assert_eq(state(b), ZX_EVENTPAIR_SIGNALED);
	zx_handle_close(nopeer);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* An event has no peer. Its default rights lack SIGNAL_PEER, and the
 * lookup with that right comes first (as in Zircon), so the answer is
 * ACCESS_DENIED; NOT_SUPPORTED behind it is tested on the handler in
 * tests/unit/handle.c. */
Test(signal_peer, event)
{
	zx_handle_t h = new_event();

	cr_assert_eq(zx_object_signal_peer(h, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(h);
}

Test(signal_peer, closed_peer)
{
	zx_handle_t a, b;
	zx_signals_t seen = 0;

	pair(&a, &b);
	cr_assert_eq(zx_object_signal(a, 0, ZX_USER_SIGNAL_6), ZX_OK);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	/* The daemon learns of the close by EOF: wait for its verdict. */
	cr_assert_eq(zx_object_wait_one(a, ZX_EVENTPAIR_PEER_CLOSED,
	    zx_deadline_after(5000 * MS), &seen), ZX_OK);
	cr_assert_eq(seen, ZX_EVENTPAIR_PEER_CLOSED | ZX_USER_SIGNAL_6,
	    "PEER_CLOSED is added to the state");
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_PEER_CLOSED);
	/* The mask is still checked first. */
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_OBJECT_READABLE),
	    ZX_ERR_INVALID_ARGS);
	/* Signalling oneself still works. */
	cr_assert_eq(zx_object_signal(a, ZX_USER_SIGNAL_6, 0), ZX_OK);
	cr_assert_eq(state(a), ZX_EVENTPAIR_PEER_CLOSED);
	zx_handle_close(a);
}

/* Zircon's order: once zx_handle_close(b) has returned, a's peer is
 * closed. zxd learns of a close by EOF, so libzx closes such handles
 * synchronously (shut down, wait for the daemon's end to go). */
Test(signal_peer, closed_peer_at_once)
{
	for (int i = 0; i < 200; i++) {
		zx_handle_t a, b;

		pair(&a, &b);
		cr_assert_eq(zx_handle_close(b), ZX_OK);
		cr_assert_eq(zx_object_wait_one(a, ZX_EVENTPAIR_PEER_CLOSED, 0,
		    NULL), ZX_OK, "round %d: PEER_CLOSED not yet asserted", i);
		cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0),
		    ZX_ERR_PEER_CLOSED, "round %d", i);
		zx_handle_close(a);
	}
}

/* PEER_CLOSED comes only with the peer's last handle. */
Test(signal_peer, peer_closed_waits_for_last_handle)
{
	zx_handle_t a, b, b2;

	pair(&a, &b);
	b2 = with_rights(b, ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	cr_assert_eq(zx_object_wait_one(a, ZX_EVENTPAIR_PEER_CLOSED,
	    zx_deadline_after(200 * MS), NULL), ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(state(b2), ZX_USER_SIGNAL_0);
	cr_assert_eq(zx_handle_close(b2), ZX_OK);
	cr_assert_eq(zx_object_wait_one(a, ZX_EVENTPAIR_PEER_CLOSED,
	    zx_deadline_after(5000 * MS), NULL), ZX_OK);
	zx_handle_close(a);
}

/* --- zx_object_wait_one --------------------------------------------- */

Test(wait_one, bad_handle_and_rights)
{
	zx_handle_t h = new_event(), nowait;
	zx_signals_t seen = 0x1234;

	cr_assert_eq(zx_object_wait_one(BOGUS, ZX_EVENT_SIGNALED, 0, &seen),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_object_wait_one(ZX_HANDLE_INVALID, ZX_EVENT_SIGNALED,
	    0, &seen), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(seen, 0x1234);
	cr_assert_eq(zx_object_signal(h, 0, ZX_EVENT_SIGNALED), ZX_OK);
	nowait = with_rights(h, ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_WAIT);
	/* Even with the signal asserted. */
	cr_assert_eq(zx_object_wait_one(nowait, ZX_EVENT_SIGNALED, 0, &seen),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_wait_one(nowait, ZX_EVENT_SIGNALED,
	    ZX_TIME_INFINITE, NULL), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(seen, 0x1234);
	zx_handle_close(nowait);
	zx_handle_close(h);
}

Test(wait_one, satisfied_returns_ok_even_past_deadline)
{
	zx_handle_t h = new_event();
	zx_signals_t seen;

	cr_assert_eq(zx_object_signal(h, 0, ZX_EVENT_SIGNALED |
	    ZX_USER_SIGNAL_3), ZX_OK);
	seen = 0;
	cr_assert_eq(zx_object_wait_one(h, ZX_EVENT_SIGNALED, 0, &seen),
	    ZX_OK);
	cr_assert_eq(seen, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_3,
	    "observed is the full state, not the requested bits");
	seen = 0;
	cr_assert_eq(zx_object_wait_one(h, ZX_USER_SIGNAL_3,
	    ZX_TIME_INFINITE_PAST, &seen), ZX_OK);
	cr_assert_eq(seen, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_3);
	/* Any one of the requested bits is enough. */
	cr_assert_eq(zx_object_wait_one(h, ZX_USER_SIGNAL_0 |
	    ZX_USER_SIGNAL_3, 1, NULL), ZX_OK);
	cr_assert_eq(zx_object_wait_one(h, ZX_EVENT_SIGNALED,
	    ZX_TIME_INFINITE, NULL), ZX_OK);
	zx_handle_close(h);
}

Test(wait_one, past_deadline_times_out_at_once)
{
	zx_handle_t h = new_event();
	zx_signals_t seen;
	zx_time_t t0;

	cr_assert_eq(zx_object_signal(h, 0, ZX_USER_SIGNAL_1), ZX_OK);
	t0 = zx_clock_get_monotonic();
	seen = 0;
	cr_assert_eq(zx_object_wait_one(h, ZX_EVENT_SIGNALED, 0, &seen),
	    ZX_ERR_TIMED_OUT);
	cr_assert_eq(seen, ZX_USER_SIGNAL_1, "observed on time-out too");
	seen = 0;
	cr_assert_eq(zx_object_wait_one(h, ZX_EVENT_SIGNALED,
	    ZX_TIME_INFINITE_PAST, &seen), ZX_ERR_TIMED_OUT);
	cr_assert_eq(seen, ZX_USER_SIGNAL_1);
	cr_assert_eq(zx_object_wait_one(h, ZX_EVENT_SIGNALED,
	    zx_clock_get_monotonic() - 1000 * MS, NULL), ZX_ERR_TIMED_OUT);
	/* Nothing requested: never satisfied. */
	cr_assert_eq(zx_object_wait_one(h, 0, 0, NULL), ZX_ERR_TIMED_OUT);
	cr_assert_lt(zx_clock_get_monotonic() - t0, 1000 * MS,
	    "a past deadline does not block");
	zx_handle_close(h);
}

Test(wait_one, times_out_at_deadline)
{
	zx_handle_t h = new_event();
	zx_time_t t0, deadline, t1;

	t0 = zx_clock_get_monotonic();
	deadline = t0 + 100 * MS;
	cr_assert_eq(zx_object_wait_one(h, ZX_EVENT_SIGNALED, deadline, NULL),
	    ZX_ERR_TIMED_OUT);
	t1 = zx_clock_get_monotonic();
	cr_assert_geq(t1, deadline, "returned %lld ns early",
	    (long long)(deadline - t1));
	cr_assert_lt(t1 - t0, 3000 * MS, "took %lld ms",
	    (long long)((t1 - t0) / MS));
	zx_handle_close(h);
}

struct waiter {
	zx_handle_t h;
	zx_signals_t signals;
	zx_time_t deadline;
	zx_status_t st;
	zx_signals_t seen;
	zx_time_t returned_at;
	volatile int started;
};

static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->started = 1;
	w->st = zx_object_wait_one(w->h, w->signals, w->deadline, &w->seen);
	w->returned_at = zx_clock_get_monotonic();
	return NULL;
}

static void
start_waiter(struct waiter *w, pthread_t *t)
{
	cr_assert_eq(pthread_create(t, NULL, waiter_main, w), 0);
	while (!w->started)
		usleep(1000);
	/* Let it reach the futex. */
	usleep(50000);
}

Test(wait_one, infinite_until_signalled, .timeout = 30)
{
	struct waiter w = { .signals = ZX_USER_SIGNAL_4,
	    .deadline = ZX_TIME_INFINITE };
	pthread_t t;
	zx_time_t signalled;

	w.h = new_event();
	cr_assert_eq(zx_object_signal(w.h, 0, ZX_USER_SIGNAL_0), ZX_OK);
	start_waiter(&w, &t);
	usleep(100000);
	cr_assert_eq(w.returned_at, 0, "returned before the signal");
	/* A signal it does not wait for does not wake it for good. */
	cr_assert_eq(zx_object_signal(w.h, 0, ZX_USER_SIGNAL_1), ZX_OK);
	usleep(50000);
	cr_assert_eq(w.returned_at, 0);
	signalled = zx_clock_get_monotonic();
	cr_assert_eq(zx_object_signal(w.h, 0, ZX_USER_SIGNAL_4), ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(w.st, ZX_OK, "%s", zx_status_get_string(w.st));
	cr_assert_eq(w.seen, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1 |
	    ZX_USER_SIGNAL_4);
	cr_assert_geq(w.returned_at, signalled);
	cr_assert_lt(w.returned_at - signalled, 2000 * MS,
	    "woken %lld ms after the signal",
	    (long long)((w.returned_at - signalled) / MS));
	zx_handle_close(w.h);
}

/* A signal set then cleared before the waiter looks is missed, as in
 * Zircon: wait_one reports state, not edges. A finite wait then times
 * out. */
Test(wait_one, pulse_while_not_waiting_is_not_seen)
{
	zx_handle_t h = new_event();

	cr_assert_eq(zx_object_signal(h, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_object_signal(h, ZX_USER_SIGNAL_0, 0), ZX_OK);
	cr_assert_eq(zx_object_wait_one(h, ZX_USER_SIGNAL_0,
	    zx_deadline_after(50 * MS), NULL), ZX_ERR_TIMED_OUT);
	zx_handle_close(h);
}

Test(wait_one, canceled_by_close, .timeout = 30)
{
	struct waiter w = { .signals = ZX_EVENT_SIGNALED,
	    .deadline = ZX_TIME_INFINITE };
	pthread_t t;

	w.h = new_event();
	start_waiter(&w, &t);
	cr_assert_eq(zx_handle_close(w.h), ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(w.st, ZX_ERR_CANCELED, "%s", zx_status_get_string(w.st));
	cr_assert_eq(zx_handle_check_valid(w.h), ZX_ERR_NOT_FOUND);
}

/* Closing another handle to the same object cancels nothing. */
Test(wait_one, close_of_other_handle_does_not_cancel, .timeout = 30)
{
	struct waiter w = { .signals = ZX_EVENT_SIGNALED,
	    .deadline = ZX_TIME_INFINITE };
	zx_handle_t d;
	pthread_t t;

	w.h = new_event();
	d = with_rights(w.h, ZX_RIGHT_SAME_RIGHTS);
	start_waiter(&w, &t);
	cr_assert_eq(zx_handle_close(d), ZX_OK);
	usleep(50000);
	cr_assert_eq(w.returned_at, 0);
	cr_assert_eq(zx_object_signal(w.h, 0, ZX_EVENT_SIGNALED), ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(w.st, ZX_OK);
	zx_handle_close(w.h);
}

Test(wait_one, peer_closed, .timeout = 30)
{
	struct waiter w = { .signals = ZX_EVENTPAIR_PEER_CLOSED,
	    .deadline = ZX_TIME_INFINITE };
	zx_handle_t b;
	pthread_t t;

	pair(&w.h, &b);
	cr_assert_eq(zx_object_signal_peer(b, 0, ZX_USER_SIGNAL_2), ZX_OK);
	start_waiter(&w, &t);
	cr_assert_eq(w.returned_at, 0);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(w.st, ZX_OK, "%s", zx_status_get_string(w.st));
	cr_assert_eq(w.seen, ZX_EVENTPAIR_PEER_CLOSED | ZX_USER_SIGNAL_2);
	zx_handle_close(w.h);
}

/* A wait on a duplicate sees signals made through the original. */
Test(wait_one, through_another_handle, .timeout = 30)
{
	struct waiter w = { .signals = ZX_USER_SIGNAL_5,
	    .deadline = ZX_TIME_INFINITE };
	zx_handle_t h = new_event();
	pthread_t t;

	w.h = with_rights(h, ZX_RIGHT_WAIT);
	start_waiter(&w, &t);
	cr_assert_eq(zx_object_signal(h, 0, ZX_USER_SIGNAL_5), ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(w.st, ZX_OK);
	zx_handle_close(w.h);
	zx_handle_close(h);
}

/* A blocked wait holds nothing: other threads keep making calls on the
 * same handle. */
Test(wait_one, does_not_stall_other_calls, .timeout = 30)
{
	struct waiter w = { .signals = ZX_USER_SIGNAL_7,
	    .deadline = ZX_TIME_INFINITE };
	zx_info_handle_basic_t b;
	zx_handle_t d;
	zx_time_t t0;
	pthread_t t;

	w.h = new_event();
	start_waiter(&w, &t);
	t0 = zx_clock_get_monotonic();
	for (int i = 0; i < 20; i++) {
		cr_assert_eq(zx_object_get_info(w.h, ZX_INFO_HANDLE_BASIC, &b,
		    sizeof(b), NULL, NULL), ZX_OK);
		cr_assert_eq(zx_object_signal(w.h, ZX_USER_SIGNAL_1,
		    ZX_USER_SIGNAL_0), ZX_OK);
		cr_assert_eq(zx_handle_duplicate(w.h, ZX_RIGHT_SAME_RIGHTS,
		    &d), ZX_OK);
		cr_assert_eq(zx_handle_close(d), ZX_OK);
		/* A second wait on the same handle, alongside. */
		cr_assert_eq(zx_object_wait_one(w.h, ZX_USER_SIGNAL_0, 0,
		    NULL), ZX_OK);
	}
	cr_assert_lt(zx_clock_get_monotonic() - t0, 5000 * MS);
	cr_assert_eq(w.returned_at, 0, "the waiter is still waiting");
	cr_assert_eq(zx_object_signal(w.h, 0, ZX_USER_SIGNAL_7), ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(w.st, ZX_OK);
	zx_handle_close(w.h);
}

/* Many waiters on one object, all woken by one signal. */
Test(wait_one, many_waiters, .timeout = 30)
{
	enum { N = 8 };
	struct waiter w[N];
	pthread_t t[N];
	zx_handle_t h = new_event();

	for (int i = 0; i < N; i++) {
		w[i] = (struct waiter){ .signals = ZX_EVENT_SIGNALED,
		    .deadline = ZX_TIME_INFINITE };
		/* Half on the same handle, half on their own. */
		w[i].h = i % 2 ? h : with_rights(h, ZX_RIGHT_SAME_RIGHTS);
		start_waiter(&w[i], &t[i]);
	}
	cr_assert_eq(zx_object_signal(h, 0, ZX_EVENT_SIGNALED), ZX_OK);
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].st, ZX_OK, "waiter %d: %s", i,
		    zx_status_get_string(w[i].st));
		if (i % 2 == 0)
			zx_handle_close(w[i].h);
	}
	zx_handle_close(h);
}

/* --- across processes ------------------------------------------------ */

/* The child's end of an eventpair: wait for the parent's signal, answer
 * with one of its own, then wait to be told to go. */
static int
pair_child(int tok)
{
	zx_handle_t h;
	zx_signals_t seen = 0;

	if (zxd_handle_import(tok, &h) != ZX_OK)
		return 1;
	if (zx_object_wait_one(h, ZX_USER_SIGNAL_0,
	    zx_deadline_after(ZX_SEC(10)), &seen) != ZX_OK)
		return 2;
	if (seen != ZX_USER_SIGNAL_0)
		return 3;
	if (zx_object_signal_peer(h, 0, ZX_USER_SIGNAL_1) != ZX_OK)
		return 4;
	if (zx_object_wait_one(h, ZX_USER_SIGNAL_2,
	    zx_deadline_after(ZX_SEC(10)), NULL) != ZX_OK)
		return 5;
	return 0;			/* exits holding h */
}

Test(cross_process, eventpair_signals_and_death, .timeout = 60)
{
	zx_handle_t a, b;
	zx_signals_t seen = 0;
	pid_t pid;
	int tok;

	pair(&a, &b);
	cr_assert_eq(zxd_handle_export(b, &tok), ZX_OK);
	pid = fork_child(pair_child, tok);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_object_wait_one(a, ZX_USER_SIGNAL_1,
	    zx_deadline_after(ZX_SEC(10)), &seen), ZX_OK,
	    "no signal from the child");
	cr_assert_eq(seen, ZX_USER_SIGNAL_1);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_2), ZX_OK);
	cr_assert_eq(wait_child(pid), 0);
	/* The child exited with its end open: the daemon sees the EOF. */
	cr_assert_eq(zx_object_wait_one(a, ZX_EVENTPAIR_PEER_CLOSED,
	    zx_deadline_after(ZX_SEC(10)), &seen), ZX_OK);
	cr_assert_eq(seen, ZX_USER_SIGNAL_1 | ZX_EVENTPAIR_PEER_CLOSED);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_PEER_CLOSED);
	zx_handle_close(a);
}

/* A child blocked in an infinite wait on a shared event wakes when the
 * parent signals it. */
static int
event_child(int tok)
{
	zx_handle_t h;
	zx_signals_t seen = 0;
	zx_time_t t0;

	if (zxd_handle_import(tok, &h) != ZX_OK)
		return 1;
	t0 = zx_clock_get_monotonic();
	if (zx_object_wait_one(h, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE,
	    &seen) != ZX_OK)
		return 2;
	if (!(seen & ZX_EVENT_SIGNALED))
		return 3;
	/* The parent signals after 100 ms. */
	if (zx_clock_get_monotonic() - t0 < 50 * MS)
		return 4;
	if (zx_object_signal(h, ZX_EVENT_SIGNALED, ZX_USER_SIGNAL_7) != ZX_OK)
		return 5;
	return zx_handle_close(h) == ZX_OK ? 0 : 6;
}

Test(cross_process, event_wait_wakes_on_other_process, .timeout = 60)
{
	zx_handle_t h = new_event(), d;
	zx_signals_t seen = 0;
	pid_t pid;
	int tok;

	d = with_rights(h, ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zxd_handle_export(d, &tok), ZX_OK);
	pid = fork_child(event_child, tok);
	usleep(100000);
	cr_assert_eq(zx_object_signal(h, 0, ZX_EVENT_SIGNALED), ZX_OK);
	cr_assert_eq(wait_child(pid), 0, "child check failed");
	cr_assert_eq(zx_object_wait_one(h, ZX_USER_SIGNAL_7, 0, &seen), ZX_OK);
	cr_assert_eq(seen, ZX_USER_SIGNAL_7, "the child's change is ours");
	zx_handle_close(h);
}
