/*
 * Waiting on a channel handle whose messages arrive through its delivery
 * socket (doc/DATAPATH.md): the reader takes them without the daemon
 * seeing it, so every waiter must take READABLE from the socket, not
 * from the daemon's word, and must sleep on the change counter, which a
 * push moves even when READABLE does not change.
 *
 * Two processes ping-pong in bursts through zx_object_wait_many and
 * through a port (zx_object_wait_async ONCE, re-armed for each message):
 * each wait must end with READABLE, and the read after it must find the
 * message (a stale READABLE reads ZX_ERR_SHOULD_WAIT; a missed wakeup
 * shows as a wait that times out). Then the single-process cases: a
 * drained channel is not READABLE to either waiter.
 */
#include "config-build.h"

#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>
#include <zxd/zxd.h>

#include "tests/lib/zxdcheck.h"

#define CHECK(e, code)	do { if (!(e)) return (code); } while (0)

/* Bounded: a few thousand messages, a few seconds at worst. */
#define ROUNDS		1500
#define WAIT_NS		ZX_SEC(10)

enum how { BY_WAIT_MANY, BY_PORT };

struct side {
	zx_handle_t ch;
	zx_handle_t other;	/* wait_many: an event never signalled */
	zx_handle_t port;
	enum how how;
};

/* Wait until s->ch is readable; 0 or a failure code. */
static int
wait_readable(const struct side *s)
{
	zx_time_t dl = zx_deadline_after(WAIT_NS);

	if (s->how == BY_WAIT_MANY) {
		zx_wait_item_t it[2] = {
			{ .handle = s->other, .waitfor = ZX_USER_SIGNAL_0 },
			{ .handle = s->ch, .waitfor = ZX_CHANNEL_READABLE |
			    ZX_CHANNEL_PEER_CLOSED },
		};

		CHECK(zx_object_wait_many(it, 2, dl) == ZX_OK, 20);
		CHECK(it[1].pending & ZX_CHANNEL_READABLE, 21);
		CHECK(!(it[0].pending & ZX_USER_SIGNAL_0), 22);
	} else {
		zx_port_packet_t pkt;

		CHECK(zx_object_wait_async(s->ch, s->port, 7,
		    ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0) == ZX_OK,
		    30);
		CHECK(zx_port_wait(s->port, dl, &pkt) == ZX_OK, 31);
		CHECK(pkt.key == 7 && pkt.type == ZX_PKT_TYPE_SIGNAL_ONE, 32);
		CHECK(pkt.signal.observed & ZX_CHANNEL_READABLE, 33);
	}
	return 0;
}

/* Read one message, which must be there, and check it is `want`. */
static int
read_one(const struct side *s, uint32_t want)
{
	uint32_t got = ~want, ab, ah;
	zx_status_t st;

	st = zx_channel_read(s->ch, 0, &got, NULL, sizeof(got), 0, &ab, &ah);
	CHECK(st != ZX_ERR_SHOULD_WAIT, 40);
	CHECK(st == ZX_OK && ab == sizeof(got) && ah == 0, 41);
	CHECK(got == want, 42);
	return 0;
}

/*
 * One side of the exchange. Round r: the side whose turn it is writes
 * 1 + r % 3 messages at once (so some pushes land on a socket that is
 * not empty, leaving READABLE as it was), the other waits before each
 * read, then answers with as many. The caller starts.
 */
static int
play(const struct side *s, bool starts)
{
	uint32_t seq = 0;
	int rc;

	for (uint32_t r = 0; r < ROUNDS; r++) {
		uint32_t k = 1 + r % 3;
		bool mine = (r % 2 == 0) == starts;

		for (uint32_t i = 0; i < k; i++, seq++) {
			if (mine) {
				CHECK(zx_channel_write(s->ch, 0, &seq,
				    sizeof(seq), NULL, 0) == ZX_OK, 50);
				continue;
			}
			rc = wait_readable(s);
			if (rc == 0)
				rc = read_one(s, seq);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static int
make_side(struct side *s, zx_handle_t ch, enum how how)
{
	s->ch = ch;
	s->how = how;
	s->other = s->port = ZX_HANDLE_INVALID;
	CHECK(zx_event_create(0, &s->other) == ZX_OK, 10);
	CHECK(zx_port_create(0, &s->port) == ZX_OK, 11);
	return 0;
}

static void
ping_pong(enum how how)
{
	zx_handle_t a, b, h;
	struct side s;
	int token;
	pid_t pid;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(b, &token), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int rc;

		if (zxd_handle_import(token, &h) != ZX_OK)
			_exit(90);
		rc = make_side(&s, h, how);
		_exit(rc != 0 ? rc : play(&s, false));
	}
	close(token);
	cr_assert_eq(make_side(&s, a, how), 0);
	cr_assert_eq(play(&s, true), 0, "parent failed");
	cr_assert_eq(wait_child(pid), 0, "child failed");
	zx_handle_close(s.other);
	zx_handle_close(s.port);
	zx_handle_close(a);
}

Test(channel_waits, wait_many_ping_pong, .timeout = 60)
{
	ping_pong(BY_WAIT_MANY);
}

Test(channel_waits, port_ping_pong, .timeout = 60)
{
	ping_pong(BY_PORT);
}

/* Write two messages into b's queue and read them back: the first read
 * asks the daemon (and brings the delivery socket), the second takes the
 * pushed one; the daemon has not seen the channel drained. */
static void
write_read_twice(zx_handle_t a, zx_handle_t b)
{
	uint32_t v, ab, ah;

	for (uint32_t i = 0; i < 2; i++) {
		cr_assert_eq(zx_channel_write(a, 0, &i, sizeof(i), NULL, 0),
		    ZX_OK);
		cr_assert_eq(zx_channel_read(b, 0, &v, NULL, sizeof(v), 0,
		    &ab, &ah), ZX_OK);
		cr_assert_eq(v, i);
	}
	cr_assert_eq(zx_channel_read(b, 0, &v, NULL, sizeof(v), 0, &ab, &ah),
	    ZX_ERR_SHOULD_WAIT);
}

Test(channel_waits, drained_is_not_readable_to_wait_many)
{
	zx_handle_t a, b;
	zx_wait_item_t it;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	write_read_twice(a, b);
	it = (zx_wait_item_t){ .handle = b, .waitfor = ZX_CHANNEL_READABLE };
	cr_assert_eq(zx_object_wait_many(&it, 1, 0), ZX_ERR_TIMED_OUT);
	cr_assert_eq(it.pending & ZX_CHANNEL_READABLE, 0);
	cr_assert(it.pending & ZX_CHANNEL_WRITABLE);
	/* A message pushed now is seen at once. */
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, NULL, 0), ZX_OK);
	cr_assert_eq(zx_object_wait_many(&it, 1, 0), ZX_OK);
	cr_assert(it.pending & ZX_CHANNEL_READABLE);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel_waits, drained_is_not_readable_to_a_port)
{
	zx_handle_t a, b, port;
	zx_port_packet_t pkt;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_port_create(0, &port), ZX_OK);
	write_read_twice(a, b);
	cr_assert_eq(zx_object_wait_async(b, port, 1, ZX_CHANNEL_READABLE, 0),
	    ZX_OK);
	cr_assert_eq(zx_port_wait(port, 0, &pkt), ZX_ERR_TIMED_OUT);
	/* The registration stays armed: the next message fires it. */
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, NULL, 0), ZX_OK);
	cr_assert_eq(zx_port_wait(port, zx_deadline_after(WAIT_NS), &pkt),
	    ZX_OK);
	cr_assert_eq(pkt.key, 1);
	cr_assert(pkt.signal.observed & ZX_CHANNEL_READABLE);
	/* An edge-triggered wait registered on a drained channel fires on
	 * the next message too. */
	cr_assert_eq(zx_channel_read(b, 0, &pkt, NULL, sizeof(pkt), 0, NULL,
	    NULL), ZX_OK);
	cr_assert_eq(zx_object_wait_async(b, port, 2, ZX_CHANNEL_READABLE,
	    ZX_WAIT_ASYNC_EDGE), ZX_OK);
	cr_assert_eq(zx_port_wait(port, 0, &pkt), ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_channel_write(a, 0, "y", 1, NULL, 0), ZX_OK);
	cr_assert_eq(zx_port_wait(port, zx_deadline_after(WAIT_NS), &pkt),
	    ZX_OK);
	cr_assert_eq(pkt.key, 2);
	zx_handle_close(port);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* A read from the delivery socket scatters the counts into the caller's
 * actual_bytes and actual_handles and the bytes into its buffer with one
 * recvmsg: the kernel checks each pointer, in Zircon's order (counts,
 * then bytes); a fault loses the message and its handles. */
Test(channel_waits, delivered_read_checks_pointers)
{
	uint32_t *bad = (uint32_t *)(uintptr_t)8;
	zx_handle_t a, b, e, keep, got;
	zx_info_handle_count_t hc;
	uint32_t ab, ah;
	char buf[8];

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	write_read_twice(a, b);
	/* A faulting actual_bytes: INVALID_ARGS, the message gone. */
	cr_assert_eq(zx_channel_write(a, 0, "data", 4, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, bad,
	    &ah), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &ab,
	    &ah), ZX_ERR_SHOULD_WAIT);
	/* Faulting bytes: the counts were written first. */
	cr_assert_eq(zx_channel_write(a, 0, "data", 4, NULL, 0), ZX_OK);
	ab = ah = 99;
	cr_assert_eq(zx_channel_read(b, 0, bad, NULL, sizeof(buf), 0, &ab,
	    &ah), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(ab, 4);
	cr_assert_eq(ah, 0);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &ab,
	    &ah), ZX_ERR_SHOULD_WAIT);
	/* A faulting actual_handles: the handle in the message is closed. */
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "hd", 2, &e, 1), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, buf, &got, sizeof(buf), 1, &ab,
	    bad), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_get_info(keep, ZX_INFO_HANDLE_COUNT, &hc,
	    sizeof(hc), NULL, NULL), ZX_OK);
	cr_assert_eq(hc.handle_count, 1);
	/* No actuals at all: fine. */
	cr_assert_eq(zx_channel_write(a, 0, "ok", 2, NULL, 0), ZX_OK);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, NULL,
	    NULL), ZX_OK);
	cr_assert_arr_eq(buf, "ok", 2);
	/* Too small: the counts (written by libzx), the message kept. */
	cr_assert_eq(zx_channel_write(a, 0, "longer", 6, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, 2, 0, &ab, &ah),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(ab, 6);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &ab,
	    &ah), ZX_OK);
	cr_assert_arr_eq(buf, "longer", 6);
	zx_handle_close(keep);
	zx_handle_close(a);
	zx_handle_close(b);
}
