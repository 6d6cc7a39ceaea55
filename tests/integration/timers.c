/*
 * Timers, time calls and zx_object_wait_many against a real zxd (run
 * under tests/with-zxd.sh), with each status of ZIRCON-2.md §2.2-2.3 in
 * Zircon's order and the cases of Zircon's core tests timer/timer.cc and
 * object-wait/wait-test.cc.
 */
#include "config-build.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>


#define BOGUS	((zx_handle_t)((1000000u << 2) | 3))
#define MS	1000000ll

static zx_handle_t
timer(uint32_t options, zx_clock_t clock)
{
	zx_handle_t h;
	zx_status_t st = zx_timer_create(options, clock, &h);

	cr_assert_eq(st, ZX_OK, "zx_timer_create: %s",
	    zx_status_get_string(st));
	return h;
}

static zx_handle_t
event(void)
{
	zx_handle_t h;

	cr_assert_eq(zx_event_create(0, &h), ZX_OK);
	return h;
}

static zx_info_timer_t
info(zx_handle_t t)
{
	zx_info_timer_t i;

	memset(&i, 0xa5, sizeof(i));
	cr_assert_eq(zx_object_get_info(t, ZX_INFO_TIMER, &i, sizeof(i),
	    NULL, NULL), ZX_OK);
	return i;
}

static zx_signals_t
state(zx_handle_t h)
{
	zx_signals_t seen = 0xdeadbeef;
	zx_status_t st = zx_object_wait_one(h, ~0u, 0, &seen);

	cr_assert(st == ZX_OK || st == ZX_ERR_TIMED_OUT);
	return seen;
}

/* --- time ------------------------------------------------------------ */

Test(time, deadline_after)
{
	zx_time_t now = zx_clock_get_monotonic();

	cr_assert_eq(zx_deadline_after(ZX_TIME_INFINITE), ZX_TIME_INFINITE);
	cr_assert_eq(zx_deadline_after(INT64_MAX - 100), ZX_TIME_INFINITE);
	cr_assert_lt(zx_deadline_after(ZX_TIME_INFINITE_PAST), 0);
	cr_assert_geq(zx_deadline_after(ZX_SEC(1)), now + ZX_SEC(1));
}

Test(time, clocks_and_ticks)
{
	zx_time_t m0 = zx_clock_get_monotonic(), b0 = zx_clock_get_boot();
	zx_ticks_t t0 = zx_ticks_get(), tb0 = zx_ticks_get_boot();

	cr_assert_eq(zx_ticks_per_second(), 1000000000);
	cr_assert_gt(m0, 0);
	cr_assert_geq(b0, m0, "boot time includes suspend");
	usleep(2000);
	cr_assert_gt(zx_ticks_get() - t0, 0);
	cr_assert_geq(zx_ticks_get() - t0, 2 * MS);
	cr_assert_gt(zx_ticks_get_boot(), tb0);
	cr_assert_gt(zx_clock_get_boot(), b0);
}

Test(time, nanosleep)
{
	zx_time_t t0 = zx_clock_get_monotonic();

	cr_assert_eq(zx_nanosleep(0), ZX_OK);
	cr_assert_eq(zx_nanosleep(ZX_TIME_INFINITE_PAST), ZX_OK);
	cr_assert_eq(zx_nanosleep(zx_deadline_after(10 * MS)), ZX_OK);
	cr_assert_geq(zx_clock_get_monotonic() - t0, 10 * MS);
}

/* --- timers ----------------------------------------------------------- */

Test(timer, create_statuses_and_rights)
{
	zx_info_handle_basic_t b;
	zx_handle_t t = 0x1234;

	/* InvalidCalls: the clock first. */
	cr_assert_eq(zx_timer_create(0, 2, &t), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_timer_create(5, 2, &t), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_timer_create(3, ZX_CLOCK_MONOTONIC, &t),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(t, 0x1234);
	t = timer(ZX_TIMER_SLACK_LATE, ZX_CLOCK_BOOT);
	cr_assert_eq(zx_object_get_info(t, ZX_INFO_HANDLE_BASIC, &b,
	    sizeof(b), NULL, NULL), ZX_OK);
	cr_assert_eq(b.type, ZX_OBJ_TYPE_TIMER);
	cr_assert_eq(b.rights, 0xD00B);
	cr_assert_eq(state(t), 0);
	zx_info_timer_t i = info(t);
	cr_assert_eq(i.options, ZX_TIMER_SLACK_LATE);
	cr_assert_eq(i.clock_id, ZX_CLOCK_BOOT);
	cr_assert_eq(i.deadline, 0);
	cr_assert_eq(i.slack, 0);
	zx_handle_close(t);
}

Test(timer, set_statuses_in_order)
{
	zx_handle_t t = timer(0, ZX_CLOCK_MONOTONIC), e = event(), ro;

	/* SetNegativeSlack: before the lookup, and nothing changes. */
	cr_assert_eq(zx_timer_set(BOGUS, 0, -1), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_timer_set(t, zx_deadline_after(ZX_SEC(10)), -1),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(info(t).deadline, 0);
	cr_assert_eq(state(t), 0);
	cr_assert_eq(zx_timer_set(BOGUS, 0, 0), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_timer_set(e, 0, 0), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_handle_duplicate(t, ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT,
	    &ro), ZX_OK);
	cr_assert_eq(zx_timer_set(ro, 0, 0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_timer_cancel(BOGUS), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_timer_cancel(e), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_timer_cancel(ro), ZX_ERR_ACCESS_DENIED);
	zx_handle_close_many((zx_handle_t[]){ t, e, ro }, 3);
}

Test(timer, info_statuses)
{
	zx_handle_t t = timer(0, ZX_CLOCK_MONOTONIC), e = event(), ni;
	zx_info_timer_t i;
	size_t actual = 9, avail = 9;

	cr_assert_eq(zx_object_get_info(e, ZX_INFO_TIMER, &i, sizeof(i),
	    NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_handle_duplicate(t, ZX_RIGHT_WAIT, &ni), ZX_OK);
	cr_assert_eq(zx_object_get_info(ni, ZX_INFO_TIMER, &i, sizeof(i),
	    NULL, NULL), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_info(t, ZX_INFO_TIMER, &i, sizeof(i) - 1,
	    &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(avail, 1);
	cr_assert_eq(sizeof(zx_info_timer_t), 24);
	zx_handle_close_many((zx_handle_t[]){ t, e, ni }, 3);
}

Test(timer, past_deadlines_signal_at_once)
{
	zx_handle_t t = timer(0, ZX_CLOCK_MONOTONIC);

	/* EdgeCases, SetNegativeDeadline(Max), SignalsAssertedImmediately */
	cr_assert_eq(zx_timer_set(t, 0, 0), ZX_OK);
	cr_assert_eq(state(t), ZX_TIMER_SIGNALED);
	cr_assert_eq(info(t).deadline, 0);
	cr_assert_eq(zx_timer_cancel(t), ZX_OK);
	cr_assert_eq(state(t), 0);
	cr_assert_eq(zx_timer_set(t, -1, 0), ZX_OK);
	cr_assert_eq(state(t), ZX_TIMER_SIGNALED);
	cr_assert_eq(zx_timer_set(t, ZX_TIME_INFINITE_PAST, 0), ZX_OK);
	cr_assert_eq(state(t), ZX_TIMER_SIGNALED);
	cr_assert_eq(zx_timer_set(t, zx_clock_get_monotonic(), 0), ZX_OK);
	cr_assert_eq(state(t), ZX_TIMER_SIGNALED);
	cr_assert_eq(info(t).deadline, 0);
	cr_assert_eq(info(t).slack, 0);
	/* AlreadyPassedDeadlineOnWaitOne */
	cr_assert_eq(zx_object_wait_one(t, ZX_TIMER_SIGNALED,
	    ZX_TIME_INFINITE_PAST, NULL), ZX_OK);
	cr_assert_eq(zx_timer_cancel(t), ZX_OK);
	cr_assert_eq(zx_timer_cancel(t), ZX_OK, "cancel of a disarmed timer");
	cr_assert_eq(state(t), 0);
	zx_handle_close(t);
}

Test(timer, basic_fires_three_times)
{
	zx_handle_t t = timer(0, ZX_CLOCK_MONOTONIC);
	zx_signals_t pending;

	for (int i = 0; i < 3; i++) {
		zx_time_t dl = zx_deadline_after(10 * MS);

		cr_assert_eq(zx_timer_set(t, dl, ZX_USEC(50)), ZX_OK);
		zx_info_timer_t in = info(t);
		/* Armed; or, on a machine loaded enough that the 10 ms went
		 * by before this look, fired: signaled, not early, and
		 * disarmed. */
		if (in.deadline == 0) {
			cr_assert_eq(zx_object_wait_one(t, ZX_TIMER_SIGNALED,
			    0, &pending), ZX_OK);
			cr_assert_geq(zx_clock_get_monotonic(), dl);
			cr_assert_eq(in.slack, 0);
		} else {
			cr_assert_eq(in.deadline, dl);
			cr_assert_eq(in.slack, ZX_USEC(50));
		}
		/* Not before the deadline (a loaded machine may get there
		 * before this look). */
		if (zx_object_wait_one(t, ZX_TIMER_SIGNALED, 0, &pending) ==
		    ZX_ERR_TIMED_OUT)
			cr_assert_eq(pending, 0);
		else
			cr_assert_geq(zx_clock_get_monotonic(), dl,
			    "fired early");
		cr_assert_eq(zx_object_wait_one(t, ZX_TIMER_SIGNALED,
		    ZX_TIME_INFINITE, &pending), ZX_OK);
		cr_assert_eq(pending, ZX_TIMER_SIGNALED);
		cr_assert_geq(zx_clock_get_monotonic(), dl, "not early");
		in = info(t);
		cr_assert_eq(in.deadline, 0);
		cr_assert_eq(in.slack, 0);
	}
	zx_handle_close(t);
}

Test(timer, restart_and_cancel)
{
	zx_handle_t t = timer(ZX_TIMER_SLACK_EARLY, ZX_CLOCK_MONOTONIC);
	zx_time_t dl;

	/* Restart: the newest deadline counts. */
	for (int i = 0; i < 5; i++) {
		dl = zx_deadline_after(ZX_SEC(10) + i);
		cr_assert_eq(zx_timer_set(t, dl, 0), ZX_OK);
		cr_assert_eq(info(t).deadline, dl);
	}
	cr_assert_eq(zx_timer_set(t, zx_deadline_after(20 * MS), 0), ZX_OK);
	cr_assert_eq(zx_timer_cancel(t), ZX_OK);
	cr_assert_eq(info(t).deadline, 0);
	usleep(40000);
	cr_assert_eq(state(t), 0, "a cancelled timer does not fire");
	zx_handle_close(t);
}

Test(timer, boot_clock)
{
	zx_handle_t t = timer(0, ZX_CLOCK_BOOT);
	zx_time_t dl = zx_clock_get_boot() + 10 * MS;

	cr_assert_eq(zx_timer_set(t, dl, 0), ZX_OK);
	cr_assert_eq(zx_object_wait_one(t, ZX_TIMER_SIGNALED,
	    zx_deadline_after(ZX_SEC(5)), NULL), ZX_OK);
	cr_assert_geq(zx_clock_get_boot(), dl);
	zx_handle_close(t);
}

Test(timer, closing_cancels)
{
	zx_handle_t t = timer(0, ZX_CLOCK_MONOTONIC);

	cr_assert_eq(zx_timer_set(t, zx_deadline_after(5 * MS), 0), ZX_OK);
	cr_assert_eq(zx_handle_close(t), ZX_OK);
	usleep(20000);
	/* The daemon survives an alarm of a timer that is gone. */
	t = timer(0, ZX_CLOCK_MONOTONIC);
	zx_handle_close(t);
}

/* --- wait_many -------------------------------------------------------- */

Test(wait_many, statuses_in_order)
{
	zx_wait_item_t items[65];
	zx_handle_t e = event(), ns;

	for (int i = 0; i < 65; i++)
		items[i] = (zx_wait_item_t){ e, ZX_EVENT_SIGNALED, 0x55 };
	/* TooManyObjects */
	cr_assert_eq(zx_object_wait_many(items, 65, 0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_object_wait_many(NULL, 2, 0), ZX_ERR_INVALID_ARGS);
	/* InvalidHandle; pending is not written. */
	items[1].handle = BOGUS;
	cr_assert_eq(zx_object_wait_many(items, 3, 0), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(items[0].pending, 0x55);
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SIGNAL, &ns), ZX_OK);
	items[1].handle = ns;
	cr_assert_eq(zx_object_wait_many(items, 3, 0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(items[0].pending, 0x55);
	/* 64 is fine, duplicates included. */
	items[1].handle = e;
	cr_assert_eq(zx_object_wait_many(items, 64, 0), ZX_ERR_TIMED_OUT);
	cr_assert_eq(items[63].pending, 0);
	zx_handle_close_many((zx_handle_t[]){ e, ns }, 2);
}

Test(wait_many, zero_items_sleep)
{
	zx_time_t t0 = zx_clock_get_monotonic();

	cr_assert_eq(zx_object_wait_many(NULL, 0, zx_deadline_after(10 * MS)),
	    ZX_ERR_TIMED_OUT);
	cr_assert_geq(zx_clock_get_monotonic() - t0, 10 * MS);
	cr_assert_eq(zx_object_wait_many(NULL, 0, 0), ZX_ERR_TIMED_OUT);
}

Test(wait_many, signaled_and_timeout)
{
	zx_handle_t e[3] = { event(), event(), event() };
	zx_wait_item_t it[3];

	for (int i = 0; i < 3; i++)
		it[i] = (zx_wait_item_t){ e[i], ZX_EVENT_SIGNALED, 0 };
	/* WaitForEventTimeout: pending written on TIMED_OUT too. */
	cr_assert_eq(zx_object_signal(e[2], 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_object_wait_many(it, 3, zx_deadline_after(5 * MS)),
	    ZX_ERR_TIMED_OUT);
	cr_assert_eq(it[0].pending, 0);
	cr_assert_eq(it[2].pending, ZX_USER_SIGNAL_0);
	/* WaitForEventsSignaled: pending is exactly what is set, even with
	 * a past deadline. */
	cr_assert_eq(zx_object_signal(e[1], 0, ZX_EVENT_SIGNALED), ZX_OK);
	cr_assert_eq(zx_object_wait_many(it, 3, ZX_TIME_INFINITE_PAST),
	    ZX_OK);
	cr_assert_eq(it[0].pending, 0);
	cr_assert_eq(it[1].pending, ZX_EVENT_SIGNALED);
	cr_assert_eq(it[2].pending, ZX_USER_SIGNAL_0);
	zx_handle_close_many(e, 3);
}

struct signaller {
	zx_handle_t h;
	int delay_ms;
	bool close;
};

static void *
signal_later(void *arg)
{
	struct signaller *s = arg;

	usleep((useconds_t)s->delay_ms * 1000);
	if (s->close)
		zx_handle_close(s->h);
	else
		zx_object_signal(s->h, 0, ZX_EVENT_SIGNALED);
	return NULL;
}

Test(wait_many, then_signal_from_thread)
{
	zx_handle_t e[2] = { event(), event() };
	zx_wait_item_t it[2] = {
		{ e[0], ZX_EVENT_SIGNALED, 0 }, { e[1], ZX_EVENT_SIGNALED, 0 },
	};
	struct signaller s = { e[1], 30, false };
	pthread_t t;

	pthread_create(&t, NULL, signal_later, &s);
	cr_assert_eq(zx_object_wait_many(it, 2, ZX_TIME_INFINITE), ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(it[0].pending, 0);
	cr_assert_eq(it[1].pending, ZX_EVENT_SIGNALED);
	zx_handle_close_many(e, 2);
}

Test(wait_many, canceled_when_a_handle_closes)
{
	zx_handle_t e[2] = { event(), event() };
	zx_wait_item_t it[2] = {
		{ e[0], ZX_EVENT_SIGNALED, 0 }, { e[1], ZX_EVENT_SIGNALED, 0 },
	};
	struct signaller s = { e[0], 30, true };
	pthread_t t;

	pthread_create(&t, NULL, signal_later, &s);
	cr_assert_eq(zx_object_wait_many(it, 2, zx_deadline_after(ZX_SEC(5))),
	    ZX_ERR_CANCELED);
	pthread_join(t, NULL);
	cr_assert(it[0].pending & ZX_SIGNAL_HANDLE_CLOSED);
	cr_assert_eq(it[1].pending, 0);
	zx_handle_close(e[1]);
}

Test(wait_many, timer_and_event)
{
	zx_handle_t t = timer(0, ZX_CLOCK_MONOTONIC), e = event();
	zx_wait_item_t it[2] = {
		{ e, ZX_EVENT_SIGNALED, 0 }, { t, ZX_TIMER_SIGNALED, 0 },
	};

	cr_assert_eq(zx_timer_set(t, zx_deadline_after(10 * MS), 0), ZX_OK);
	cr_assert_eq(zx_object_wait_many(it, 2, zx_deadline_after(ZX_SEC(5))),
	    ZX_OK);
	cr_assert_eq(it[1].pending, ZX_TIMER_SIGNALED);
	zx_handle_close_many((zx_handle_t[]){ t, e }, 2);
}

Test(timer, infinite_deadline)
{
	zx_handle_t t = timer(0, ZX_CLOCK_MONOTONIC);

	cr_assert_eq(zx_timer_set(t, ZX_TIME_INFINITE, ZX_TIME_INFINITE),
	    ZX_OK);
	cr_assert_eq(info(t).deadline, ZX_TIME_INFINITE);
	cr_assert_eq(info(t).slack, ZX_TIME_INFINITE);
	usleep(10000);
	cr_assert_eq(state(t), 0);
	cr_assert_eq(zx_timer_cancel(t), ZX_OK);
	zx_handle_close(t);
}
