/*
 * Ports and async waits against a real zxd (run under tests/with-zxd.sh):
 * zx_port_create, zx_port_queue, zx_port_wait, zx_port_cancel,
 * zx_port_cancel_key and zx_object_wait_async, with each status of
 * ZIRCON-2.md §2.1 in Zircon's order and the cases of Zircon's core test
 * port/ports.cc; across processes through zxd_handle_export/import.
 */
#include "config-build.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

#include "tests/integration/port_util.h"
#include "tests/lib/zxdcheck.h"

/* --- layouts --------------------------------------------------------- */

Test(layout, packets)
{
	cr_assert_eq(sizeof(zx_port_packet_t), 48);
	cr_assert_eq(offsetof(zx_port_packet_t, type), 8);
	cr_assert_eq(offsetof(zx_port_packet_t, status), 12);
	cr_assert_eq(offsetof(zx_port_packet_t, signal), 16);
	cr_assert_eq(offsetof(zx_packet_signal_t, count), 8);
	cr_assert_eq(offsetof(zx_packet_signal_t, timestamp), 16);
	cr_assert_eq(sizeof(zx_packet_signal_t), 32);
	cr_assert_eq(sizeof(zx_packet_interrupt_t), 32);
	cr_assert_eq(sizeof(zx_wait_item_t), 12);
}

/* --- create ---------------------------------------------------------- */

Test(create, options_and_rights)
{
	zx_info_handle_basic_t info;
	zx_handle_t h = 0x1234;

	cr_assert_eq(zx_port_create(2, &h), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_port_create(3, &h), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(h, 0x1234);
	cr_assert_eq(zx_port_create(0, NULL), ZX_ERR_INVALID_ARGS);
	h = port(0);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info,
	    sizeof(info), NULL, NULL), ZX_OK);
	cr_assert_eq(info.type, ZX_OBJ_TYPE_PORT);
	cr_assert_eq(info.rights, 0x800F);
	zx_handle_close(h);
	h = port(ZX_PORT_BIND_TO_INTERRUPT);
	/* A BIND_TO_INTERRUPT port takes user packets as well. */
	zx_port_packet_t u = user_packet(1, 2);
	cr_assert_eq(zx_port_queue(h, &u), ZX_OK);
	cr_assert_eq(next(h).key, 1);
	zx_handle_close(h);
}

Test(create, not_waitable)
{
	zx_handle_t p = port(0);
	zx_signals_t seen;

	/* No WAIT right on a port: ACCESS_DENIED first. */
	cr_assert_eq(zx_object_wait_one(p, 1, 0, &seen),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(p);
}

/* --- queue and wait -------------------------------------------------- */

Test(queue, statuses_in_order)
{
	zx_handle_t p = port(0), e = event(), ro;
	zx_port_packet_t u = user_packet(1, 2);

	cr_assert_eq(zx_port_queue(BOGUS, &u), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_port_queue(BOGUS, NULL), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_port_queue(e, &u), ZX_ERR_WRONG_TYPE);
	ro = hdup(p, ZX_RIGHT_READ | ZX_RIGHT_TRANSFER);
	cr_assert_eq(zx_port_queue(ro, &u), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_port_queue(ro, NULL), ZX_ERR_ACCESS_DENIED);
	/* QueueNullPtrReturnsInvalidArgs */
	cr_assert_eq(zx_port_queue(p, NULL), ZX_ERR_INVALID_ARGS);
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, e, ro }, 3);
}

Test(queue, verify_user_packet)
{
	zx_handle_t p = port(0);
	zx_port_packet_t u = user_packet(42, 0), out;

	for (int i = 0; i < 32; i++)
		u.user.c8[i] = (uint8_t)(i * 3 + 1);
	u.type = ZX_PKT_TYPE_USER + 5;
	u.status = -3;
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	out = next(p);
	cr_assert_eq(out.key, 42);
	cr_assert_eq(out.type, ZX_PKT_TYPE_USER, "type forced to USER");
	cr_assert_eq(out.status, -3);
	cr_assert_arr_eq(out.user.c8, u.user.c8, 32);
	zx_handle_close(p);
}

Test(wait, statuses_in_order)
{
	zx_handle_t p = port(0), e = event(), wo;
	zx_port_packet_t pkt;

	cr_assert_eq(zx_port_wait(BOGUS, 0, &pkt), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_port_wait(e, 0, &pkt), ZX_ERR_WRONG_TYPE);
	wo = hdup(p, ZX_RIGHT_WRITE);
	cr_assert_eq(zx_port_wait(wo, 0, &pkt), ZX_ERR_ACCESS_DENIED);
	/* PortTimeout */
	cr_assert_eq(zx_port_wait(p, 0, &pkt), ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_port_wait(p, ZX_TIME_INFINITE_PAST, &pkt),
	    ZX_ERR_TIMED_OUT);
	zx_time_t t0 = zx_clock_get_monotonic();
	cr_assert_eq(zx_port_wait(p, zx_deadline_after(20 * MS), &pkt),
	    ZX_ERR_TIMED_OUT);
	cr_assert_geq(zx_clock_get_monotonic() - t0, 20 * MS);
	/* A queued packet comes even with a past deadline; a NULL packet
	 * loses it. */
	zx_port_packet_t u = user_packet(7, 7);
	cr_assert_eq(zx_port_queue(wo, &u), ZX_OK);
	cr_assert_eq(zx_port_wait(p, ZX_TIME_INFINITE_PAST, &pkt), ZX_OK);
	cr_assert_eq(pkt.key, 7);
	cr_assert_eq(zx_port_queue(wo, &u), ZX_OK);
	cr_assert_eq(zx_port_wait(p, 0, NULL), ZX_ERR_INVALID_ARGS);
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, e, wo }, 3);
}

Test(wait, fifo)
{
	zx_handle_t p = port(0);

	/* More than the ring holds, so the overflow path runs too. */
	for (uint64_t i = 0; i < 1000; i++) {
		zx_port_packet_t u = user_packet(i, i * 2);

		cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	}
	for (uint64_t i = 0; i < 1000; i++) {
		zx_port_packet_t pkt = next(p);

		cr_assert_eq(pkt.key, i);
		cr_assert_eq(pkt.user.u64[0], i * 2);
	}
	empty(p);
	zx_handle_close(p);
}

Test(queue, limit_4096)
{
	zx_handle_t p = port(0);
	zx_port_packet_t u = user_packet(1, 0), pkt;
	zx_status_t st;

	/* Zircon refuses once more than 4096 are queued: 4097 fit. */
	for (int i = 0; i < 4097; i++) {
		st = zx_port_queue(p, &u);
		cr_assert_eq(st, ZX_OK, "packet %d: %s", i,
		    zx_status_get_string(st));
	}
	cr_assert_eq(zx_port_queue(p, &u), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_port_queue(p, &u), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_port_wait(p, 0, &pkt), ZX_OK);
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	/* Signal packets do not count. */
	zx_handle_t e = event();
	cr_assert_eq(zx_object_wait_async(e, p, 9, ZX_EVENT_SIGNALED, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_EVENT_SIGNALED), ZX_OK);
	int n = 0, sig = 0;
	while (zx_port_wait(p, 0, &pkt) == ZX_OK) {
		n++;
		sig += pkt.type == ZX_PKT_TYPE_SIGNAL_ONE;
	}
	cr_assert_eq(n, 4098);
	cr_assert_eq(sig, 1);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

Test(queue, queue_and_close)
{
	zx_handle_t p = port(0);
	zx_port_packet_t u = user_packet(1, 0);

	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(zx_handle_close(p), ZX_OK);
	cr_assert_eq(zx_port_queue(p, &u), ZX_ERR_BAD_HANDLE);
}

struct waiter {
	zx_handle_t port;
	zx_status_t st;
	zx_port_packet_t pkt;
	zx_time_t deadline;
};

static void *
wait_thread(void *arg)
{
	struct waiter *w = arg;

	w->st = zx_port_wait(w->port, w->deadline, &w->pkt);
	return NULL;
}

Test(wait, wakes_on_queue_from_other_thread)
{
	struct waiter w = { .port = port(0), .deadline = ZX_TIME_INFINITE };
	zx_port_packet_t u = user_packet(5, 55);
	pthread_t t;

	pthread_create(&t, NULL, wait_thread, &w);
	usleep(50000);
	cr_assert_eq(zx_port_queue(w.port, &u), ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(w.st, ZX_OK);
	cr_assert_eq(w.pkt.key, 5);
	cr_assert_eq(w.pkt.user.u64[0], 55);
	zx_handle_close(w.port);
}

Test(wait, thread_events_one_packet_each)
{
	zx_handle_t p = port(0);
	struct waiter w[4];
	pthread_t t[4];
	uint64_t keys = 0;

	for (int i = 0; i < 4; i++) {
		w[i] = (struct waiter){ .port = p,
		    .deadline = zx_deadline_after(ZX_SEC(5)) };
		pthread_create(&t[i], NULL, wait_thread, &w[i]);
	}
	usleep(50000);
	for (int i = 0; i < 4; i++) {
		zx_port_packet_t u = user_packet(1u << i, 0);

		cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].st, ZX_OK);
		keys |= w[i].pkt.key;
	}
	cr_assert_eq(keys, 0xf, "each packet released one waiter");
	zx_handle_close(p);
}

Test(wait, close_cancels_a_waiter)
{
	struct waiter w = { .port = port(0), .deadline = ZX_TIME_INFINITE };
	pthread_t t;

	pthread_create(&t, NULL, wait_thread, &w);
	usleep(50000);
	cr_assert_eq(zx_handle_close(w.port), ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(w.st, ZX_ERR_CANCELED);
}

/* --- wait_async ------------------------------------------------------ */

Test(wait_async, statuses_in_order)
{
	zx_handle_t p = port(0), e = event(), pw, ew;

	/* AsyncWaitInvalidOption */
	cr_assert_eq(zx_object_wait_async(e, p, 0, 1, 20),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_wait_async(BOGUS, BOGUS, 0, 1,
	    ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_BOOT_TIMESTAMP),
	    ZX_ERR_INVALID_ARGS);
	/* The port first. */
	cr_assert_eq(zx_object_wait_async(BOGUS, BOGUS, 0, 1, 0),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_object_wait_async(BOGUS, e, 0, 1, 0),
	    ZX_ERR_WRONG_TYPE);
	pw = hdup(p, ZX_RIGHT_READ);
	cr_assert_eq(zx_object_wait_async(BOGUS, pw, 0, 1, 0),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_wait_async(BOGUS, p, 0, 1, 0),
	    ZX_ERR_BAD_HANDLE);
	ew = hdup(e, ZX_RIGHT_SIGNAL);
	cr_assert_eq(zx_object_wait_async(ew, p, 0, 1, 0),
	    ZX_ERR_ACCESS_DENIED);
	/* A port is not waitable, but lacks WAIT first. */
	cr_assert_eq(zx_object_wait_async(p, p, 0, 1, 0),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_signal(e, 0, ZX_EVENT_SIGNALED), ZX_OK);
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, e, pw, ew }, 4);
}

Test(wait_async, channel)
{
	zx_handle_t p = port(0), a, b;
	zx_port_packet_t pkt;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_object_wait_async(a, p, 1, ZX_CHANNEL_READABLE, 0),
	    ZX_OK);
	/* AsyncWaitChannelTimedOut: nothing yet. */
	cr_assert_eq(zx_port_wait(p, zx_deadline_after(10 * MS), &pkt),
	    ZX_ERR_TIMED_OUT);
	for (int round = 0; round < 3; round++) {
		char buf[8];
		uint32_t n;

		cr_assert_eq(zx_channel_write(b, 0, "hi", 2, NULL, 0), ZX_OK);
		pkt = next(p);
		cr_assert_eq(pkt.key, 1);
		cr_assert_eq(pkt.type, ZX_PKT_TYPE_SIGNAL_ONE);
		cr_assert_eq(pkt.status, ZX_OK);
		cr_assert_eq(pkt.signal.trigger, ZX_CHANNEL_READABLE);
		cr_assert_eq(pkt.signal.observed,
		    ZX_CHANNEL_READABLE | ZX_CHANNEL_WRITABLE);
		cr_assert_eq(pkt.signal.count, 1);
		cr_assert_eq(pkt.signal.timestamp, 0);
		cr_assert_eq(pkt.signal.reserved1, 0);
		cr_assert_eq(zx_channel_read(a, 0, buf, NULL, sizeof(buf), 0,
		    &n, NULL), ZX_OK);
		/* One packet per arm; re-arm. */
		empty(p);
		cr_assert_eq(zx_object_wait_async(a, p, 1,
		    ZX_CHANNEL_READABLE, 0), ZX_OK);
	}
	zx_handle_close_many((zx_handle_t[]){ p, a, b }, 3);
}

Test(wait_async, existing_state_is_notified)
{
	zx_handle_t p = port(0), a, b;
	zx_port_packet_t pkt;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_channel_write(b, 0, "x", 1, NULL, 0), ZX_OK);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	cr_assert_eq(zx_object_wait_async(a, p, 2,
	    ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0), ZX_OK);
	pkt = next(p);
	cr_assert_eq(pkt.signal.trigger,
	    ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED);
	cr_assert_eq(pkt.signal.observed,
	    ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED);
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, a }, 2);
}

Test(wait_async, newest_first)
{
	zx_handle_t p = port(0), e = event();
	uint64_t sum = 0;

	/* EventAsyncSignalWaitSingle: 7 waits, read 5: 6+5+4+3+2. */
	for (uint64_t k = 0; k < 7; k++)
		cr_assert_eq(zx_object_wait_async(e, p, k, ZX_EVENT_SIGNALED,
		    0), ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_EVENT_SIGNALED), ZX_OK);
	for (int i = 0; i < 5; i++)
		sum += next(p).key;
	cr_assert_eq(sum, 20);
	cr_assert_eq(next(p).key, 1);
	cr_assert_eq(next(p).key, 0);
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

Test(wait_async, event_repeat)
{
	zx_handle_t p = port(0), e = event();

	for (int i = 0; i < 10; i++) {
		cr_assert_eq(zx_object_wait_async(e, p, (uint64_t)i,
		    ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0, 0), ZX_OK);
		cr_assert_eq(zx_object_signal(e, 0,
		    i % 2 ? ZX_EVENT_SIGNALED : ZX_USER_SIGNAL_0), ZX_OK);
		zx_port_packet_t pkt = next(p);
		cr_assert_eq(pkt.key, (uint64_t)i);
		cr_assert_eq(pkt.signal.observed,
		    i % 2 ? ZX_EVENT_SIGNALED : ZX_USER_SIGNAL_0);
		empty(p);
		cr_assert_eq(zx_object_signal(e, ZX_EVENT_SIGNALED |
		    ZX_USER_SIGNAL_0, 0), ZX_OK);
	}
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

Test(wait_async, many_all_processed, .timeout = 60)
{
	/* AsyncWaitEventManyAllProcessed (16385 there): signal packets have
	 * no limit; more than the 4096 user packets a port takes and many
	 * times the ring, in a time fit for make check. */
	enum { N = 5000 };
	zx_handle_t p = port(0), e = event();
	zx_port_packet_t pkt;
	int n = 0;

	for (int i = 0; i < N; i++)
		cr_assert_eq(zx_object_wait_async(e, p, (uint64_t)i,
		    ZX_EVENT_SIGNALED, 0), ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_EVENT_SIGNALED), ZX_OK);
	while (zx_port_wait(p, 0, &pkt) == ZX_OK) {
		cr_assert_eq(pkt.key, (uint64_t)(N - 1 - n));
		n++;
	}
	cr_assert_eq(n, N);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

Test(wait_async, thousand_waits_on_one_port, .timeout = 60)
{
	enum { N = 1000 };
	zx_handle_t p = port(0), ev[N];
	static uint8_t seen[N];
	int n = 0;

	for (int i = 0; i < N; i++) {
		ev[i] = event();
		cr_assert_eq(zx_object_wait_async(ev[i], p, (uint64_t)i,
		    ZX_USER_SIGNAL_1, ZX_WAIT_ASYNC_TIMESTAMP), ZX_OK);
	}
	empty(p);
	for (int i = N - 1; i >= 0; i -= 2)
		cr_assert_eq(zx_object_signal(ev[i], 0, ZX_USER_SIGNAL_1),
		    ZX_OK);
	for (int i = N - 2; i >= 0; i -= 2)
		cr_assert_eq(zx_object_signal(ev[i], 0, ZX_USER_SIGNAL_1),
		    ZX_OK);
	for (; n < N; n++) {
		zx_port_packet_t pkt = next(p);

		cr_assert_lt(pkt.key, (uint64_t)N);
		cr_assert_eq(seen[pkt.key], 0, "key %llu twice",
		    (unsigned long long)pkt.key);
		seen[pkt.key] = 1;
		cr_assert_neq(pkt.signal.timestamp, 0);
	}
	empty(p);
	zx_handle_close_many(ev, N);
	zx_handle_close(p);
}

Test(wait_async, timestamps)
{
	zx_handle_t p = port(0), e = event();
	zx_time_t t0, t1, b0, b1;
	zx_port_packet_t pkt;

	cr_assert_eq(zx_object_wait_async(e, p, 1, ZX_EVENT_SIGNALED,
	    ZX_WAIT_ASYNC_TIMESTAMP), ZX_OK);
	t0 = zx_clock_get_monotonic();
	cr_assert_eq(zx_object_signal(e, 0, ZX_EVENT_SIGNALED), ZX_OK);
	t1 = zx_clock_get_monotonic();
	pkt = next(p);
	cr_assert_geq((zx_time_t)pkt.signal.timestamp, t0);
	cr_assert_leq((zx_time_t)pkt.signal.timestamp, t1);
	cr_assert_eq(zx_object_signal(e, ZX_EVENT_SIGNALED, 0), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 2, ZX_EVENT_SIGNALED,
	    ZX_WAIT_ASYNC_BOOT_TIMESTAMP), ZX_OK);
	b0 = zx_clock_get_boot();
	cr_assert_eq(zx_object_signal(e, 0, ZX_EVENT_SIGNALED), ZX_OK);
	b1 = zx_clock_get_boot();
	pkt = next(p);
	cr_assert_geq((zx_time_t)pkt.signal.timestamp, b0);
	cr_assert_leq((zx_time_t)pkt.signal.timestamp, b1);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

Test(wait_async, edge)
{
	zx_handle_t p = port(0), e = event();
	zx_port_packet_t pkt;

	/* EdgeTriggerTimeout: asserted already, no packet. */
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 1, ZX_USER_SIGNAL_0,
	    ZX_WAIT_ASYNC_EDGE), ZX_OK);
	empty(p);
	/* Clearing does not fire; raising again does. */
	cr_assert_eq(zx_object_signal(e, ZX_USER_SIGNAL_0, 0), ZX_OK);
	empty(p);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	pkt = next(p);
	cr_assert_eq(pkt.key, 1);
	/* EdgeTriggerCancel */
	cr_assert_eq(zx_object_wait_async(e, p, 2, ZX_USER_SIGNAL_1,
	    ZX_WAIT_ASYNC_EDGE), ZX_OK);
	cr_assert_eq(zx_port_cancel(p, e, 2), ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_1), ZX_OK);
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

Test(wait_async, zero_signals_never_fire)
{
	zx_handle_t p = port(0), e = event();

	cr_assert_eq(zx_object_wait_async(e, p, 1, 0, 0), ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_EVENT_SIGNALED), ZX_OK);
	empty(p);
	cr_assert_eq(zx_port_cancel(p, e, 1), ZX_OK);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

Test(wait_async, every_waitable_type)
{
	zx_handle_t p = port(0), a, b, v, c, t;
	zx_port_packet_t pkt;

	/* eventpair: PEER_CLOSED */
	cr_assert_eq(zx_eventpair_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_object_wait_async(a, p, 1, ZX_EVENTPAIR_PEER_CLOSED,
	    0), ZX_OK);
	zx_handle_close(b);
	pkt = next(p);
	cr_assert_eq(pkt.key, 1);
	cr_assert(pkt.signal.observed & ZX_EVENTPAIR_PEER_CLOSED);
	zx_handle_close(a);
	/* VMO: ZERO_CHILDREN when its child goes */
	cr_assert_eq(zx_vmo_create(4096, 0, &v), ZX_OK);
	cr_assert_eq(zx_vmo_create_child(v, ZX_VMO_CHILD_SNAPSHOT, 0, 4096,
	    &c), ZX_OK);
	cr_assert_eq(zx_object_wait_async(v, p, 2, ZX_VMO_ZERO_CHILDREN, 0),
	    ZX_OK);
	empty(p);
	zx_handle_close(c);
	pkt = next(p);
	cr_assert_eq(pkt.key, 2);
	zx_handle_close(v);
	/* IOB: PEER_CLOSED */
	zx_iob_region_t r;
	memset(&r, 0, sizeof(r));
	r.type = ZX_IOB_REGION_TYPE_PRIVATE;
	r.access = ZX_IOB_ACCESS_EP0_CAN_MAP_READ |
	    ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE | ZX_IOB_ACCESS_EP1_CAN_MAP_READ |
	    ZX_IOB_ACCESS_EP1_CAN_MAP_WRITE;
	r.size = 4096;
	r.discipline.type = ZX_IOB_DISCIPLINE_TYPE_NONE;
	cr_assert_eq(zx_iob_create(0, &r, 1, &a, &b), ZX_OK);
	cr_assert_eq(zx_object_wait_async(a, p, 3, ZX_IOB_PEER_CLOSED, 0),
	    ZX_OK);
	zx_handle_close(b);
	pkt = next(p);
	cr_assert_eq(pkt.key, 3);
	zx_handle_close(a);
	/* timer: SIGNALED */
	cr_assert_eq(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t), ZX_OK);
	cr_assert_eq(zx_object_wait_async(t, p, 4, ZX_TIMER_SIGNALED, 0),
	    ZX_OK);
	cr_assert_eq(zx_timer_set(t, zx_deadline_after(5 * MS), 0), ZX_OK);
	pkt = next(p);
	cr_assert_eq(pkt.key, 4);
	cr_assert_eq(pkt.signal.observed, ZX_TIMER_SIGNALED);
	zx_handle_close_many((zx_handle_t[]){ p, t }, 2);
}

/* --- lifetime --------------------------------------------------------- */

Test(lifetime, closing_the_registering_handle_cancels)
{
	zx_handle_t p = port(0), e = event(), d = hdup(e, ZX_RIGHT_SAME_RIGHTS);
	zx_port_packet_t pkt;

	cr_assert_eq(zx_object_wait_async(d, p, 1, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 2, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_handle_close(d), ZX_OK);
	/* No packet for d's wait, even signalled right after the close;
	 * e's is unaffected. */
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	pkt = next(p);
	cr_assert_eq(pkt.key, 2);
	empty(p);
	/* Packets already queued stay. */
	d = hdup(e, ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_object_wait_async(d, p, 3, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_handle_close(d), ZX_OK);
	cr_assert_eq(next(p).key, 3);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

Test(lifetime, closing_the_port)
{
	zx_handle_t p = port(0), e = event();

	cr_assert_eq(zx_object_wait_async(e, p, 1, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	zx_port_packet_t u = user_packet(1, 1);
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(zx_handle_close(p), ZX_OK);
	/* A later signal produces nothing and breaks nothing. */
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_handle_close(e), ZX_OK);
}

Test(lifetime, close_orders)
{
	/* AsyncWaitCloseOrder: every order of closing port, object and
	 * its peer is safe. */
	for (int order = 0; order < 6; order++) {
		zx_handle_t h[3], p = port(0), a, b;
		static const int perm[6][3] = { { 0, 1, 2 }, { 0, 2, 1 },
		    { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };

		cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
		cr_assert_eq(zx_object_wait_async(a, p, 1,
		    ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0), ZX_OK);
		h[0] = p;
		h[1] = a;
		h[2] = b;
		for (int i = 0; i < 3; i++)
			cr_assert_eq(zx_handle_close(h[perm[order][i]]),
			    ZX_OK);
	}
}

Test(lifetime, handle_through_a_channel)
{
	zx_handle_t p = port(0), e = event(), d = hdup(e, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t a, b, got;
	uint32_t nb, nh;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_object_wait_async(d, p, 1, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, NULL, 0, &d, 1), ZX_OK);
	/* In flight, the registration holds. */
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(next(p).key, 1);
	cr_assert_eq(zx_object_signal(e, ZX_USER_SIGNAL_0, 0), ZX_OK);
	cr_assert_eq(zx_handle_close(d), ZX_ERR_BAD_HANDLE);
	/* A new wait through the handle in flight is impossible here, so
	 * register, send, then read out: the read cancels it. */
	cr_assert_eq(zx_channel_read(b, 0, NULL, &got, 0, 1, &nb, &nh),
	    ZX_OK);
	cr_assert_eq(zx_object_wait_async(got, p, 2, ZX_USER_SIGNAL_1, 0),
	    ZX_OK);
	cr_assert_eq(zx_channel_write(b, 0, NULL, 0, &got, 1), ZX_OK);
	cr_assert_eq(zx_channel_read(a, 0, NULL, &got, 0, 1, &nb, &nh),
	    ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_1), ZX_OK);
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, e, a, b, got }, 5);
}

/* --- cancel ------------------------------------------------------------ */

Test(cancel, statuses_in_order)
{
	zx_handle_t p = port(0), e = event(), pr, en;

	cr_assert_eq(zx_port_cancel(BOGUS, e, 1), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_port_cancel(e, e, 1), ZX_ERR_WRONG_TYPE);
	pr = hdup(p, ZX_RIGHT_READ);
	cr_assert_eq(zx_port_cancel(pr, e, 1), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_port_cancel(p, BOGUS, 1), ZX_ERR_BAD_HANDLE);
	en = hdup(e, ZX_RIGHT_SIGNAL);
	cr_assert_eq(zx_port_cancel(p, en, 1), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_port_cancel(p, e, 1), ZX_ERR_NOT_FOUND);
	zx_handle_close_many((zx_handle_t[]){ p, e, pr, en }, 4);
}

Test(cancel, event_key)
{
	zx_handle_t p = port(0), e = event();
	zx_port_packet_t pkt;

	/* CancelEventKey: only key 1's wait goes. */
	cr_assert_eq(zx_object_wait_async(e, p, 1, ZX_EVENT_SIGNALED, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 2, ZX_EVENT_SIGNALED, 0),
	    ZX_OK);
	cr_assert_eq(zx_port_cancel(p, e, 1), ZX_OK);
	cr_assert_eq(zx_port_cancel(p, e, 1), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_object_signal(e, 0, ZX_EVENT_SIGNALED), ZX_OK);
	pkt = next(p);
	cr_assert_eq(pkt.key, 2);
	empty(p);
	/* CancelEventKeyAfter: delivered and read, nothing to cancel. */
	cr_assert_eq(zx_port_cancel(p, e, 2), ZX_ERR_NOT_FOUND);
	/* Queued but unread: the packet is removed. */
	cr_assert_eq(zx_object_wait_async(e, p, 3, ZX_EVENT_SIGNALED, 0),
	    ZX_OK);
	cr_assert_eq(zx_port_cancel(p, e, 3), ZX_OK);
	empty(p);
	/* User packets have no source: never matched. */
	zx_port_packet_t u = user_packet(4, 0);
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(zx_port_cancel(p, e, 4), ZX_ERR_NOT_FOUND);
	cr_assert_eq(next(p).key, 4);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

Test(cancel, key)
{
	zx_handle_t p = port(0), e = event(), pr;
	zx_port_packet_t u = user_packet(5, 0);

	/* CancelKeyInvalidOptions: before the lookup. */
	cr_assert_eq(zx_port_cancel_key(BOGUS, 1, 5), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_port_cancel_key(BOGUS, 0, 5), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_port_cancel_key(e, 0, 5), ZX_ERR_WRONG_TYPE);
	pr = hdup(p, ZX_RIGHT_READ);
	cr_assert_eq(zx_port_cancel_key(pr, 0, 5), ZX_ERR_ACCESS_DENIED);
	/* CancelKey: removes queued (user ones too) and pending. */
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 5, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 6, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_port_cancel_key(p, 0, 5), ZX_OK);
	cr_assert_eq(zx_port_cancel_key(p, 0, 5), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(next(p).key, 6);
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, e, pr }, 3);
}

/* --- across processes --------------------------------------------------- */

/* The child signals the event the parent's port waits on. */
static int
signal_child(int tok)
{
	zx_handle_t e;

	if (zxd_handle_import(tok, &e) != ZX_OK)
		return 1;
	usleep(50000);
	return zx_object_signal(e, 0, ZX_USER_SIGNAL_3) == ZX_OK ? 0 : 2;
}

Test(cross_process, signal_in_other_process_reaches_port, .timeout = 30)
{
	zx_handle_t p = port(0), e = event(), d = hdup(e, ZX_RIGHT_SAME_RIGHTS);
	zx_port_packet_t pkt;
	pid_t pid;
	int tok;

	cr_assert_eq(zx_object_wait_async(e, p, 77, ZX_USER_SIGNAL_3, 0),
	    ZX_OK);
	cr_assert_eq(zxd_handle_export(d, &tok), ZX_OK);
	pid = fork_child(signal_child, tok);
	cr_assert_eq(zx_port_wait(p, zx_deadline_after(ZX_SEC(10)), &pkt),
	    ZX_OK);
	cr_assert_eq(pkt.key, 77);
	cr_assert_eq(pkt.signal.observed, ZX_USER_SIGNAL_3);
	cr_assert_eq(wait_child(pid), 0);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

/* The child waits on the shared port: first a user packet from the
 * parent, then the signal packet of a wait the parent registered. */
static int
port_child(int tok)
{
	zx_handle_t p;
	zx_port_packet_t pkt;

	if (zxd_handle_import(tok, &p) != ZX_OK)
		return 1;
	if (zx_port_wait(p, zx_deadline_after(ZX_SEC(10)), &pkt) != ZX_OK)
		return 2;
	if (pkt.key != 1 || pkt.user.u64[0] != 99)
		return 3;
	if (zx_port_wait(p, zx_deadline_after(ZX_SEC(10)), &pkt) != ZX_OK)
		return 4;
	if (pkt.key != 2 || pkt.type != ZX_PKT_TYPE_SIGNAL_ONE)
		return 5;
	return 0;
}

Test(cross_process, shared_port, .timeout = 30)
{
	zx_handle_t p = port(0), e = event(), d = hdup(p, ZX_RIGHT_SAME_RIGHTS);
	zx_port_packet_t u = user_packet(1, 99);
	pid_t pid;
	int tok;

	cr_assert_eq(zxd_handle_export(d, &tok), ZX_OK);
	pid = fork_child(port_child, tok);
	usleep(50000);
	cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	usleep(50000);
	cr_assert_eq(zx_object_wait_async(e, p, 2, ZX_EVENT_SIGNALED, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_EVENT_SIGNALED), ZX_OK);
	cr_assert_eq(wait_child(pid), 0, "child check failed");
	empty(p);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

/* --- races ------------------------------------------------------------- */

struct racer {
	zx_handle_t port, object;
	int mode;
	int bad;
};

static void *
race_thread(void *arg)
{
	struct racer *r = arg;

	for (int i = 0; i < 200; i++) {
		zx_port_packet_t pkt = user_packet(1, 0);
		zx_status_t st;

		if (r->mode == 0) {
			st = zx_port_queue(r->port, &pkt);
			if (st != ZX_OK && st != ZX_ERR_BAD_HANDLE)
				r->bad++;
		} else if (r->mode == 1) {
			st = zx_port_wait(r->port, 0, &pkt);
			if (st != ZX_OK && st != ZX_ERR_TIMED_OUT &&
			    st != ZX_ERR_BAD_HANDLE && st != ZX_ERR_CANCELED)
				r->bad++;
		} else {
			st = zx_object_signal(r->object, ZX_USER_SIGNAL_0,
			    ZX_USER_SIGNAL_0 ^ (i & 1 ? ZX_USER_SIGNAL_0 :
			    0));
			(void)st;
		}
		if (st == ZX_ERR_BAD_HANDLE)
			break;
	}
	return NULL;
}

Test(races, close_while_queueing_and_waiting, .timeout = 60)
{
	/* CloseQueueRace, CloseWaitRace: OK or BAD_HANDLE (CANCELED for a
	 * wait a close interrupts), never anything else, never a crash. */
	for (int round = 0; round < 20; round++) {
		struct racer q = { .port = port(0), .mode = 0 };
		struct racer w = { .port = q.port, .mode = 1 };
		pthread_t tq, tw;

		pthread_create(&tq, NULL, race_thread, &q);
		pthread_create(&tw, NULL, race_thread, &w);
		usleep(200 * (unsigned)(round % 5));
		cr_assert_eq(zx_handle_close(q.port), ZX_OK);
		pthread_join(tq, NULL);
		pthread_join(tw, NULL);
		cr_assert_eq(q.bad + w.bad, 0);
	}
}

Test(races, match_while_the_handle_closes, .timeout = 60)
{
	/* MatchHandleCloseRace: a signal racing the close of the handle a
	 * wait was made through gives one packet or none, and after the
	 * close returns no packet can come. */
	zx_handle_t p = port(0);

	for (int round = 0; round < 50; round++) {
		zx_handle_t e = event(), d = hdup(e, ZX_RIGHT_SAME_RIGHTS);
		struct racer s = { .object = e, .mode = 2 };
		zx_port_packet_t pkt;
		pthread_t t;
		int n = 0;

		cr_assert_eq(zx_object_wait_async(d, p, (uint64_t)round,
		    ZX_USER_SIGNAL_0, 0), ZX_OK);
		pthread_create(&t, NULL, race_thread, &s);
		cr_assert_eq(zx_handle_close(d), ZX_OK);
		while (zx_port_wait(p, 0, &pkt) == ZX_OK) {
			cr_assert_eq(pkt.key, (uint64_t)round);
			n++;
		}
		pthread_join(t, NULL);
		cr_assert_leq(n, 1);
		cr_assert_eq(zx_object_signal(e, ZX_USER_SIGNAL_0, 0), ZX_OK);
		cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
		empty(p);
		zx_handle_close(e);
	}
	zx_handle_close(p);
}

/* Handle values are per process: a child's copies of the parent's values
 * are not handles there, whatever the call. */
static zx_handle_t inherited_port, inherited_event;

static int
inherited_child(int tok)
{
	zx_port_packet_t pkt = user_packet(1, 1);
	zx_handle_t own;
	zx_wait_item_t it = { inherited_event, ZX_EVENT_SIGNALED, 0 };

	(void)tok;
	if (zx_port_queue(inherited_port, &pkt) != ZX_ERR_BAD_HANDLE)
		return 1;
	if (zx_port_wait(inherited_port, 0, &pkt) != ZX_ERR_BAD_HANDLE)
		return 2;
	if (zx_object_wait_async(inherited_event, inherited_port, 1, 1, 0) !=
	    ZX_ERR_BAD_HANDLE)
		return 3;
	if (zx_port_create(0, &own) != ZX_OK)
		return 4;
	/* The port is checked first, then the object. */
	if (zx_object_wait_async(inherited_event, own, 1, 1, 0) !=
	    ZX_ERR_BAD_HANDLE)
		return 5;
	if (zx_port_cancel(own, inherited_event, 1) != ZX_ERR_BAD_HANDLE)
		return 6;
	if (zx_object_wait_many(&it, 1, 0) != ZX_ERR_BAD_HANDLE)
		return 7;
	if (zx_timer_set(inherited_event, 0, 0) != ZX_ERR_BAD_HANDLE)
		return 8;
	return 0;
}

Test(cross_process, inherited_values_are_not_handles, .timeout = 30)
{
	pid_t pid;

	inherited_port = port(0);
	inherited_event = event();
	cr_assert_eq(zx_object_wait_async(inherited_event, inherited_port, 1,
	    ZX_EVENT_SIGNALED, 0), ZX_OK);
	pid = fork_child(inherited_child, dup(0));
	cr_assert_eq(wait_child(pid), 0, "child check failed");
	/* The parent's wait is untouched. */
	cr_assert_eq(zx_object_signal(inherited_event, 0, ZX_EVENT_SIGNALED),
	    ZX_OK);
	cr_assert_eq(next(inherited_port).key, 1);
	zx_handle_close_many((zx_handle_t[]){ inherited_port,
	    inherited_event }, 2);
}
