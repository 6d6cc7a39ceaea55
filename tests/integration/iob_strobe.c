/* The strobed signal of a shared region: ZX_IOB_SHARED_REGION_UPDATED
 * is strobed by each successful zx_iob_writev, never left asserted. Every
 * waiter sees it as Zircon delivers it: zx_object_wait_one and
 * zx_object_wait_many wake with it in what they observed, and a port's
 * async wait (level or ZX_WAIT_ASYNC_EDGE) gets a ZX_PKT_TYPE_SIGNAL_ONE
 * packet whose trigger and observed hold it (Zircon's
 * Iob.SharedRegionUpdatedSignal). */
#include "config-build.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <zircon/syscalls/port.h>

#include "tests/integration/iob_util.h"

/* --- wait_one ------------------------------------------------------- */

Test(iob_strobe, wait_one)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1;
	struct wait_thread w;
	zx_signals_t seen = 1;

	ring_iob(sr, EP0_MW, 0, &ep0, &ep1);
	cr_assert_eq(zx_object_wait_one(sr, ZX_IOB_SHARED_REGION_UPDATED,
	    ZX_TIME_INFINITE_PAST, &seen), ZX_ERR_TIMED_OUT);
	cr_assert_eq(seen, 0);
	/* A write wakes a waiter, with UPDATED. */
	wait_thread_start(&w, sr, ZX_IOB_SHARED_REGION_UPDATED);
	cr_assert_eq(w.st, 1);
	cr_assert_eq(writev1(ep0, "12345", 6), ZX_OK);
	cr_assert_eq(wait_thread_join(&w), ZX_OK);
	cr_assert_eq(w.seen, ZX_IOB_SHARED_REGION_UPDATED);
	/* ... and it was never left asserted. */
	cr_assert_eq(zx_object_wait_one(sr, ZX_IOB_SHARED_REGION_UPDATED,
	    ZX_TIME_INFINITE_PAST, &seen), ZX_ERR_TIMED_OUT);
	cr_assert_eq(seen, 0);
	/* A failed write strobes nothing. */
	wait_thread_start(&w, sr, ZX_IOB_SHARED_REGION_UPDATED);
	cr_assert_eq(writev1(ep0, (void *)1, 6), ZX_ERR_NOT_FOUND);
	usleep(50000);
	cr_assert_eq(w.st, 1);
	/* Other signals still wake it, level-triggered as ever. */
	cr_assert_eq(zx_object_signal(sr, 0, ZX_USER_SIGNAL_1), ZX_OK);
	cr_assert_eq(writev1(ep0, "x", 1), ZX_OK);
	cr_assert_eq(wait_thread_join(&w), ZX_OK);
	cr_assert(w.seen & ZX_IOB_SHARED_REGION_UPDATED);
	cr_assert_eq(zx_object_wait_one(sr, ZX_USER_SIGNAL_1 |
	    ZX_IOB_SHARED_REGION_UPDATED, ZX_TIME_INFINITE_PAST, &seen), ZX_OK);
	cr_assert_eq(seen, ZX_USER_SIGNAL_1);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

/* --- port async waits ----------------------------------------------- */

static zx_handle_t
port_new(void)
{
	zx_handle_t p = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_port_create(0, &p), ZX_OK);
	return p;
}

/* Nothing is queued on port p now. */
static void
port_empty(zx_handle_t p)
{
	zx_port_packet_t pkt;

	cr_assert_eq(zx_port_wait(p, ZX_TIME_INFINITE_PAST, &pkt),
	    ZX_ERR_TIMED_OUT);
}

/* The one packet a strobe queued for the wait of `key`. */
static zx_port_packet_t
strobe_packet(zx_handle_t p, uint64_t key)
{
	zx_port_packet_t pkt;

	memset(&pkt, 0, sizeof(pkt));
	cr_assert_eq(zx_port_wait(p, ZX_TIME_INFINITE_PAST, &pkt), ZX_OK);
	cr_assert_eq(pkt.key, key);
	cr_assert_eq(pkt.type, ZX_PKT_TYPE_SIGNAL_ONE);
	cr_assert_eq(pkt.status, ZX_OK);
	cr_assert_eq(pkt.signal.trigger, ZX_IOB_SHARED_REGION_UPDATED);
	cr_assert_eq(pkt.signal.count, 1);
	return pkt;
}

Test(iob_strobe, port_wait_async_once)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1, port = port_new();
	zx_port_packet_t pkt;

	ring_iob(sr, EP0_MW, 0, &ep0, &ep1);
	cr_assert_eq(zx_object_wait_async(sr, port, 0x5678,
	    ZX_IOB_SHARED_REGION_UPDATED, 0), ZX_OK);
	port_empty(port);
	cr_assert_eq(writev1(ep0, "12345", 6), ZX_OK);
	pkt = strobe_packet(port, 0x5678);
	cr_assert_eq(pkt.signal.observed, ZX_IOB_SHARED_REGION_UPDATED);
	cr_assert_eq(pkt.signal.timestamp, 0);
	/* Once: the next write queues nothing more. */
	cr_assert_eq(writev1(ep0, "x", 1), ZX_OK);
	port_empty(port);
	/* A failed write strobes nothing. */
	cr_assert_eq(zx_object_wait_async(sr, port, 1,
	    ZX_IOB_SHARED_REGION_UPDATED, 0), ZX_OK);
	cr_assert_eq(writev1(ep0, (void *)1, 6), ZX_ERR_NOT_FOUND);
	port_empty(port);
	/* Observed is the state with the strobe: asserted signals too. */
	cr_assert_eq(zx_object_signal(sr, 0, ZX_USER_SIGNAL_1), ZX_OK);
	cr_assert_eq(writev1(ep0, "y", 1), ZX_OK);
	pkt = strobe_packet(port, 1);
	cr_assert_eq(pkt.signal.observed, ZX_IOB_SHARED_REGION_UPDATED |
	    ZX_USER_SIGNAL_1);
	zx_handle_close(port);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

/* An edge-triggered wait, and one with a timestamp, fire on the strobe
 * too; a wait for other signals only does not. */
Test(iob_strobe, port_wait_async_edge_and_timestamp)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1, port = port_new();
	zx_port_packet_t pkt, other;
	zx_time_t before;

	ring_iob(sr, EP0_MW, 0, &ep0, &ep1);
	cr_assert_eq(zx_object_wait_async(sr, port, 3, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_wait_async(sr, port, 2,
	    ZX_IOB_SHARED_REGION_UPDATED, ZX_WAIT_ASYNC_TIMESTAMP), ZX_OK);
	cr_assert_eq(zx_object_wait_async(sr, port, 1,
	    ZX_IOB_SHARED_REGION_UPDATED, ZX_WAIT_ASYNC_EDGE), ZX_OK);
	before = zx_clock_get_monotonic();
	cr_assert_eq(writev1(ep0, "12345", 6), ZX_OK);
	/* Both, newest wait first (as object_signal fires them). */
	pkt = strobe_packet(port, 1);
	cr_assert_eq(pkt.signal.observed, ZX_IOB_SHARED_REGION_UPDATED);
	pkt = strobe_packet(port, 2);
	cr_assert_geq((zx_time_t)pkt.signal.timestamp, before);
	cr_assert_leq((zx_time_t)pkt.signal.timestamp,
	    zx_clock_get_monotonic());
	port_empty(port);
	/* The USER_SIGNAL_0 wait is still there. */
	cr_assert_eq(zx_object_signal(sr, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &other), ZX_OK);
	cr_assert_eq(other.key, 3);
	cr_assert_eq(other.signal.observed, ZX_USER_SIGNAL_0);
	zx_handle_close(port);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

/* --- wait_many ------------------------------------------------------- */

struct many {
	zx_wait_item_t items[2];
	volatile zx_status_t st;
};

static void *
wait_many_updated(void *arg)
{
	struct many *m = arg;

	m->st = zx_object_wait_many(m->items, 2,
	    zx_deadline_after(ZX_SEC(10)));
	return NULL;
}

/* wait_many with the strobed signal among its items wakes on a write,
 * with it in the item's pending signals. */
Test(iob_strobe, wait_many)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1, ev;
	struct many m = { .st = 1 };
	pthread_t t;

	ring_iob(sr, EP0_MW, 0, &ep0, &ep1);
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	m.items[0] = (zx_wait_item_t){ .handle = ev,
	    .waitfor = ZX_EVENT_SIGNALED };
	m.items[1] = (zx_wait_item_t){ .handle = sr,
	    .waitfor = ZX_IOB_SHARED_REGION_UPDATED };
	/* Not asserted: a poll times out. */
	cr_assert_eq(zx_object_wait_many(m.items, 2, ZX_TIME_INFINITE_PAST),
	    ZX_ERR_TIMED_OUT);
	cr_assert_eq(m.items[1].pending, 0);
	cr_assert_eq(pthread_create(&t, NULL, wait_many_updated, &m), 0);
	usleep(20000);
	cr_assert_eq(m.st, 1);
	cr_assert_eq(writev1(ep0, "12345", 6), ZX_OK);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(m.st, ZX_OK);
	cr_assert_eq(m.items[1].pending, ZX_IOB_SHARED_REGION_UPDATED);
	cr_assert_eq(m.items[0].pending, 0);
	/* Never left asserted. */
	cr_assert_eq(zx_object_wait_many(m.items, 2, ZX_TIME_INFINITE_PAST),
	    ZX_ERR_TIMED_OUT);
	zx_handle_close(ev);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}
