/*
 * zx_channel_call: the generated txid, replies matched by it (and never
 * queued), deadlines, peer closed and handle closed while waiting, short
 * read buffers, and calls from several threads on one channel; the
 * reply sockets the daemon keeps for calling threads.
 */
#include "config-build.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>

#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

struct msg {
	uint8_t bytes[64];
	uint32_t nbytes;
	zx_handle_t handles[4];
	uint32_t nhandles;
};

static void
mkchan(zx_handle_t *a, zx_handle_t *b)
{
	cr_assert_eq(zx_channel_create(0, a, b), ZX_OK);
}

static zx_handle_t
mkevent(void)
{
	zx_handle_t e;

	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	return e;
}

/* Block until a message is there and read it (no criterion asserts:
 * this runs on server threads too). */
static zx_status_t
recv_msg(zx_handle_t h, struct msg *m)
{
	zx_signals_t obs;
	zx_status_t st;

	st = zx_object_wait_one(h, ZX_CHANNEL_READABLE |
	    ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &obs);
	if (st != ZX_OK)
		return st;
	return zx_channel_read(h, 0, m->bytes, m->handles, sizeof(m->bytes),
	    4, &m->nbytes, &m->nhandles);
}

static zx_txid_t
txid_of(const struct msg *m)
{
	zx_txid_t t;

	memcpy(&t, m->bytes, sizeof(t));
	return t;
}

static zx_status_t
reply(zx_handle_t h, zx_txid_t t, const char *text, zx_handle_t *hs,
    uint32_t nh)
{
	uint8_t buf[64];
	size_t n = strlen(text);

	memcpy(buf, &t, sizeof(t));
	memcpy(buf + sizeof(t), text, n);
	return zx_channel_write(h, 0, buf, (uint32_t)(sizeof(t) + n), hs, nh);
}

/* Server: answer one request with noise first, then the reply. */
struct server {
	zx_handle_t h;
	zx_handle_t give;	/* sent with the reply, or 0 */
	struct msg req;
	zx_status_t st;
};

static void *
serve_one(void *arg)
{
	struct server *s = arg;

	s->st = recv_msg(s->h, &s->req);
	if (s->st != ZX_OK)
		return NULL;
	/* A message with a user txid is not the reply: it is queued. */
	s->st = reply(s->h, 0x1234, "noise", NULL, 0);
	if (s->st == ZX_OK)
		s->st = reply(s->h, txid_of(&s->req), "pong", &s->give,
		    s->give ? 1 : 0);
	return NULL;
}

Test(channel_call, txid_matching)
{
	zx_handle_t a, b, got;
	struct server s = { 0 };
	pthread_t t;
	uint8_t wr[12] = { 0xAA, 0xBB, 0xCC, 0xDD, 'p', 'i', 'n', 'g' };
	uint8_t rd[64];
	uint32_t ab = 0, ah = 0;
	zx_txid_t txid;
	zx_channel_call_args_t args = {
		.wr_bytes = wr, .wr_num_bytes = 8,
		.rd_bytes = rd, .rd_handles = &got,
		.rd_num_bytes = sizeof(rd), .rd_num_handles = 1,
	};

	mkchan(&a, &b);
	s.h = b;
	s.give = mkevent();
	pthread_create(&t, NULL, serve_one, &s);
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &ab, &ah),
	    ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(s.st, ZX_OK);
	/* The request: a generated txid in the first four bytes, the rest
	 * as written. */
	txid = txid_of(&s.req);
	cr_assert_geq(txid, 0x80000000u);
	cr_assert_eq(s.req.nbytes, 8);
	cr_assert_arr_eq(s.req.bytes + 4, "ping", 4);
	/* The reply: only the message with the matching txid. */
	cr_assert_eq(ab, 8);
	cr_assert_eq(ah, 1);
	cr_assert_eq(memcmp(rd, &txid, 4), 0);
	cr_assert_arr_eq(rd + 4, "pong", 4);
	cr_assert_eq(zx_object_signal(got, 0, ZX_EVENT_SIGNALED), ZX_OK);
	/* The noise went to the queue. */
	cr_assert_eq(zx_channel_read(a, 0, rd, NULL, sizeof(rd), 0, &ab, &ah),
	    ZX_OK);
	cr_assert_arr_eq(rd + 4, "noise", 5);
	cr_assert_eq(zx_channel_read(a, 0, rd, NULL, sizeof(rd), 0, &ab, &ah),
	    ZX_ERR_SHOULD_WAIT);
	zx_handle_close(got);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel_call, sends_handles)
{
	zx_handle_t a, b, e;
	struct msg m;
	int kept;
	uint8_t wr[4] = { 0 };
	zx_channel_call_args_t args = {
		.wr_bytes = wr, .wr_num_bytes = 4,
		.wr_handles = &e, .wr_num_handles = 1,
	};
	uint32_t ab, ah;
	char c;

	mkchan(&a, &b);
	e = mkevent();
	kept = dup((int)(e >> 2));
	/* Past deadline: the request goes out, the wait times out. */
	cr_assert_eq(zx_channel_call(a, 0, 0, &args, &ab, &ah),
	    ZX_ERR_TIMED_OUT);
	cr_assert_eq(recv(kept, &c, 1, MSG_DONTWAIT), 0);
	close(kept);
	cr_assert_eq(zx_handle_close(e), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(recv_msg(b, &m), ZX_OK);
	cr_assert_eq(m.nhandles, 1);
	cr_assert_eq(zx_object_signal(m.handles[0], 0, ZX_EVENT_SIGNALED),
	    ZX_OK);
	zx_handle_close(m.handles[0]);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel_call, late_reply_is_queued)
{
	zx_handle_t a, b;
	struct msg m;
	uint8_t wr[4] = { 0 }, rd[16];
	zx_channel_call_args_t args = {
		.wr_bytes = wr, .wr_num_bytes = 4,
		.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
	};
	uint32_t ab, ah;
	zx_time_t t0 = zx_clock_get_monotonic();

	mkchan(&a, &b);
	cr_assert_eq(zx_channel_call(a, 0, zx_deadline_after(50000000), &args,
	    &ab, &ah), ZX_ERR_TIMED_OUT);
	cr_assert_geq(zx_clock_get_monotonic() - t0, 50000000);
	cr_assert_eq(recv_msg(b, &m), ZX_OK);
	cr_assert_eq(reply(b, txid_of(&m), "late", NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(a, 0, rd, NULL, sizeof(rd), 0, &ab, &ah),
	    ZX_OK);
	cr_assert_arr_eq(rd + 4, "late", 4);
	/* ZX_TIME_INFINITE_PAST works as any past deadline. */
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE_PAST, &args, &ab,
	    &ah), ZX_ERR_TIMED_OUT);
	zx_handle_close(a);
	zx_handle_close(b);
}

static void *
close_after_request(void *arg)
{
	zx_handle_t *hs = arg;	/* [0] wait on, [1] close */
	zx_signals_t obs;

	zx_object_wait_one(hs[0], ZX_CHANNEL_READABLE, ZX_TIME_INFINITE, &obs);
	zx_handle_close(hs[1]);
	return NULL;
}

Test(channel_call, peer_closed)
{
	zx_handle_t a, b, hs[2];
	uint8_t wr[4] = { 0 }, rd[16];
	zx_channel_call_args_t args = {
		.wr_bytes = wr, .wr_num_bytes = 4,
		.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
	};
	uint32_t ab, ah;
	pthread_t t;

	/* Closed while waiting. */
	mkchan(&a, &b);
	hs[0] = b;
	hs[1] = b;
	pthread_create(&t, NULL, close_after_request, hs);
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &ab, &ah),
	    ZX_ERR_PEER_CLOSED);
	pthread_join(t, NULL);
	/* Closed before. */
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &ab, &ah),
	    ZX_ERR_PEER_CLOSED);
	zx_handle_close(a);
}

Test(channel_call, canceled_by_close)
{
	zx_handle_t a, b, hs[2];
	uint8_t wr[4] = { 0 }, rd[16];
	zx_channel_call_args_t args = {
		.wr_bytes = wr, .wr_num_bytes = 4,
		.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
	};
	uint32_t ab, ah;
	pthread_t t;

	mkchan(&a, &b);
	hs[0] = b;
	hs[1] = a;
	pthread_create(&t, NULL, close_after_request, hs);
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &ab, &ah),
	    ZX_ERR_CANCELED);
	pthread_join(t, NULL);
	zx_handle_close(b);
}

struct bigreply {
	zx_handle_t h, give;
};

static void *
serve_big(void *arg)
{
	struct bigreply *s = arg;
	struct msg m;

	if (recv_msg(s->h, &m) == ZX_OK)
		reply(s->h, txid_of(&m), "much too long", &s->give, 1);
	return NULL;
}

Test(channel_call, reply_too_big_is_discarded)
{
	zx_handle_t a, b, keep;
	uint8_t wr[4] = { 0 }, rd[8];
	zx_handle_t rh;
	zx_channel_call_args_t args = {
		.wr_bytes = wr, .wr_num_bytes = 4,
		.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
		.rd_handles = &rh, .rd_num_handles = 1,
	};
	uint32_t ab = 77, ah = 77;
	struct bigreply s;
	pthread_t t;

	mkchan(&a, &b);
	s.h = b;
	s.give = mkevent();
	cr_assert_eq(zx_handle_duplicate(s.give, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	pthread_create(&t, NULL, serve_big, &s);
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &ab, &ah),
	    ZX_ERR_BUFFER_TOO_SMALL);
	pthread_join(t, NULL);
	/* Discarded with its handle; not queued either. */
	cr_assert_eq(count_of(keep), 1);
	cr_assert_eq(zx_channel_read(a, 0, rd, NULL, sizeof(rd), 0, &ab, &ah),
	    ZX_ERR_SHOULD_WAIT);
	zx_handle_close(keep);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel_call, checks)
{
	static uint8_t big[ZX_CHANNEL_MAX_MSG_BYTES + 1];
	zx_handle_t a, b, ro, wo, e;
	uint8_t wr[4] = { 0 }, rd[8];
	zx_channel_call_args_t args = {
		.wr_bytes = wr, .wr_num_bytes = 4,
		.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
	};
	uint32_t ab, ah;
	struct msg m;

	mkchan(&a, &b);
	cr_assert_eq(zx_channel_call(a, 0, 0, NULL, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	/* Options first: handles consumed. */
	e = mkevent();
	args.wr_handles = &e;
	args.wr_num_handles = 1;
	cr_assert_eq(zx_channel_call(0, 1, 0, &args, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_handle_close(e), ZX_ERR_BAD_HANDLE);
	args.wr_handles = NULL;
	args.wr_num_handles = 0;
	cr_assert_eq(zx_channel_call(0, 0, 0, &args, &ab, &ah),
	    ZX_ERR_BAD_HANDLE);
	e = mkevent();
	cr_assert_eq(zx_channel_call(e, 0, 0, &args, &ab, &ah),
	    ZX_ERR_WRONG_TYPE);
	zx_handle_close(e);
	/* READ and WRITE both needed. */
	cr_assert_eq(zx_handle_replace(a, ZX_RIGHT_WRITE, &wo), ZX_OK);
	cr_assert_eq(zx_channel_call(wo, 0, 0, &args, &ab, &ah),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_handle_replace(b, ZX_RIGHT_READ, &ro), ZX_OK);
	cr_assert_eq(zx_channel_call(ro, 0, 0, &args, &ab, &ah),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(ro);
	zx_handle_close(wo);
	mkchan(&a, &b);
	/* Sizes, then NULL bytes, then fewer than four bytes. */
	args.wr_bytes = big;
	args.wr_num_bytes = sizeof(big);
	cr_assert_eq(zx_channel_call(a, 0, 0, &args, &ab, &ah),
	    ZX_ERR_OUT_OF_RANGE);
	args.wr_bytes = NULL;
	args.wr_num_bytes = 4;
	cr_assert_eq(zx_channel_call(a, 0, 0, &args, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	args.wr_bytes = wr;
	args.wr_num_bytes = 3;
	e = mkevent();
	args.wr_handles = &e;
	args.wr_num_handles = 1;
	cr_assert_eq(zx_channel_call(a, 0, 0, &args, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_handle_close(e), ZX_ERR_BAD_HANDLE);
	/* Its own handle. */
	args.wr_num_bytes = 4;
	args.wr_handles = &a;
	cr_assert_eq(zx_channel_call(a, 0, 0, &args, &ab, &ah),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_handle_close(a), ZX_ERR_BAD_HANDLE);
	/* None of these sent anything. */
	cr_assert_eq(zx_channel_read(b, 0, m.bytes, NULL, sizeof(m.bytes), 0,
	    &ab, &ah), ZX_ERR_PEER_CLOSED);
	zx_handle_close(b);
}

static void *
serve_plain(void *arg)
{
	zx_handle_t h = *(zx_handle_t *)arg;
	struct msg m;

	if (recv_msg(h, &m) == ZX_OK)
		reply(h, txid_of(&m), "ok", NULL, 0);
	return NULL;
}

Test(channel_call, actual_pointers_needed)
{
	zx_handle_t a, b;
	uint8_t wr[4] = { 0 }, rd[8];
	zx_channel_call_args_t args = {
		.wr_bytes = wr, .wr_num_bytes = 4,
		.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
	};
	uint32_t ah;
	pthread_t t;

	mkchan(&a, &b);
	pthread_create(&t, NULL, serve_plain, &b);
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, NULL, &ah),
	    ZX_ERR_INVALID_ARGS);
	pthread_join(t, NULL);
	/* NULL rd_bytes with a reply carrying bytes. */
	args.rd_bytes = NULL;
	pthread_create(&t, NULL, serve_plain, &b);
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &ah, &ah),
	    ZX_ERR_INVALID_ARGS);
	pthread_join(t, NULL);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* Two callers on one channel; the server answers the second first. */
struct caller {
	zx_handle_t h;
	char tag;
	zx_status_t st;
	uint8_t rd[16];
};

static void *
do_call(void *arg)
{
	struct caller *c = arg;
	uint8_t wr[5] = { 0, 0, 0, 0, (uint8_t)c->tag };
	zx_channel_call_args_t args = {
		.wr_bytes = wr, .wr_num_bytes = 5,
		.rd_bytes = c->rd, .rd_num_bytes = sizeof(c->rd),
	};
	uint32_t ab, ah;

	c->st = zx_channel_call(c->h, 0, ZX_TIME_INFINITE, &args, &ab, &ah);
	return NULL;
}

Test(channel_call, concurrent_callers)
{
	zx_handle_t a, b;
	struct caller c1 = { .tag = '1' }, c2 = { .tag = '2' };
	struct msg m1, m2;
	pthread_t t1, t2;
	char text[2] = { 0 };

	mkchan(&a, &b);
	c1.h = c2.h = a;
	pthread_create(&t1, NULL, do_call, &c1);
	pthread_create(&t2, NULL, do_call, &c2);
	cr_assert_eq(recv_msg(b, &m1), ZX_OK);
	cr_assert_eq(recv_msg(b, &m2), ZX_OK);
	cr_assert_neq(txid_of(&m1), txid_of(&m2));
	/* While both wait, the channel still takes plain writes. */
	cr_assert_eq(zx_channel_write(a, 0, "side", 4, NULL, 0), ZX_OK);
	text[0] = (char)m2.bytes[4];
	cr_assert_eq(reply(b, txid_of(&m2), text, NULL, 0), ZX_OK);
	text[0] = (char)m1.bytes[4];
	cr_assert_eq(reply(b, txid_of(&m1), text, NULL, 0), ZX_OK);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	cr_assert_eq(c1.st, ZX_OK);
	cr_assert_eq(c2.st, ZX_OK);
	cr_assert_eq(c1.rd[4], '1');
	cr_assert_eq(c2.rd[4], '2');
	cr_assert_eq(recv_msg(b, &m1), ZX_OK);
	cr_assert_arr_eq(m1.bytes, "side", 4);
	zx_handle_close(a);
	zx_handle_close(b);
}

/*
 * Reply sockets the daemon keeps (doc/DATAPATH.md, "zx_channel_call"):
 * a thread's first call hands over its reply socket, the daemon keeps it
 * (zxctl status counts it) until the thread exits, and later calls name
 * it. At most REPLY_KEPT_MAX a process; the others pass theirs each
 * time and work the same. These tests run their own daemon, for its
 * counts.
 */
#define REPLY_KEPT_MAX	64

static struct zxdtest_daemon D;

static void
start_own(void)
{
	cr_assert_eq(zxdtest_start(&D, NULL), 0);
}

static void
stop_own(void)
{
	zxdtest_stop(&D);
}

static uint64_t
kept_replies(void)
{
	struct zxdtest_stats s;

	cr_assert_eq(zxdtest_stats(D.socket, &s), 0);
	return s.replies;
}

/* The count once the daemon has seen what it waits for (it learns of a
 * thread's exit from its socket, asynchronously). */
static uint64_t
kept_replies_settled(uint64_t want)
{
	uint64_t n = kept_replies();

	for (int i = 0; i < 300 && n != want; i++) {
		usleep(10000);
		n = kept_replies();
	}
	return n;
}

/* Answer `n` calls on h, each with its own txid and "ok". */
struct echo {
	zx_handle_t h;
	int n;
	zx_status_t st;
};

static void *
echo_calls(void *arg)
{
	struct echo *e = arg;
	struct msg m;

	for (int i = 0; i < e->n; i++) {
		e->st = recv_msg(e->h, &m);
		if (e->st == ZX_OK)
			e->st = reply(e->h, txid_of(&m), "ok", NULL, 0);
		if (e->st != ZX_OK)
			return NULL;
	}
	return NULL;
}

/* `calls` calls on c->h, then (if hold) wait at hold, where the main
 * thread looks, and again until it has looked, before the thread
 * exits. */
struct caller_n {
	zx_handle_t h;
	int calls;
	pthread_barrier_t *hold;
	zx_status_t st;
};

static void *
call_n(void *arg)
{
	struct caller_n *c = arg;

	for (int i = 0; i < c->calls; i++) {
		struct caller one = { .h = c->h, .tag = 'x' };

		do_call(&one);
		c->st = one.st;
		if (c->st != ZX_OK || memcmp(one.rd + 4, "ok", 2) != 0) {
			c->st = c->st != ZX_OK ? c->st : ZX_ERR_INTERNAL;
			break;
		}
	}
	if (c->hold != NULL) {
		pthread_barrier_wait(c->hold);
		pthread_barrier_wait(c->hold);
	}
	return NULL;
}

Test(channel_call, reply_socket_kept_until_the_thread_exits,
    .init = start_own, .fini = stop_own)
{
	zx_handle_t a, b;
	struct echo e = { .n = 6 };
	pthread_barrier_t hold;
	struct caller_n c = { .calls = 3, .hold = &hold };
	pthread_t ts, tc;

	mkchan(&a, &b);
	e.h = b;
	c.h = a;
	cr_assert_eq(kept_replies(), 0);
	pthread_barrier_init(&hold, NULL, 2);
	pthread_create(&ts, NULL, echo_calls, &e);
	pthread_create(&tc, NULL, call_n, &c);
	pthread_barrier_wait(&hold);
	/* Three calls, one socket kept. */
	cr_assert_eq(c.st, ZX_OK);
	cr_assert_eq(kept_replies(), 1);
	pthread_barrier_wait(&hold);
	pthread_join(tc, NULL);
	cr_assert_eq(kept_replies_settled(0), 0);
	/* A new thread's calls hand over a new one. */
	c.hold = NULL;
	pthread_create(&tc, NULL, call_n, &c);
	pthread_join(tc, NULL);
	cr_assert_eq(c.st, ZX_OK);
	cr_assert_eq(kept_replies_settled(0), 0);
	pthread_join(ts, NULL);
	cr_assert_eq(e.st, ZX_OK);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel_call, more_threads_than_the_daemon_keeps,
    .init = start_own, .fini = stop_own, .timeout = 30)
{
	enum { N = REPLY_KEPT_MAX + 6, CALLS = 2 };
	static struct caller_n c[N];
	static pthread_t t[N];
	zx_handle_t a, b;
	struct echo e = { .n = N * CALLS };
	pthread_barrier_t hold;
	pthread_t ts;

	mkchan(&a, &b);
	e.h = b;
	pthread_barrier_init(&hold, NULL, N + 1);
	pthread_create(&ts, NULL, echo_calls, &e);
	for (int i = 0; i < N; i++) {
		c[i] = (struct caller_n){ .h = a, .calls = CALLS,
		    .hold = &hold };
		cr_assert_eq(pthread_create(&t[i], NULL, call_n, &c[i]), 0);
	}
	pthread_barrier_wait(&hold);
	for (int i = 0; i < N; i++)
		cr_assert_eq(c[i].st, ZX_OK, "thread %d: %d", i, c[i].st);
	cr_assert_eq(kept_replies(), REPLY_KEPT_MAX);
	pthread_barrier_wait(&hold);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	pthread_join(ts, NULL);
	cr_assert_eq(e.st, ZX_OK);
	cr_assert_eq(kept_replies_settled(0), 0);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* The thread's socket was kept by a daemon that died: its next call, to
 * the new daemon, hands over a new one. */
Test(channel_call, kept_reply_socket_and_a_new_daemon, .init = start_own,
    .fini = stop_own)
{
	zx_handle_t a, b;
	struct echo e = { .n = 1 };
	struct caller one = { .tag = 'x' };
	pthread_t ts;
	zx_status_t st;

	for (int round = 0; round < 2; round++) {
		do
			st = zx_channel_create(0, &a, &b);
		while (round > 0 && (st == ZX_ERR_UNAVAILABLE ||
		    st == ZX_ERR_BAD_HANDLE));
		cr_assert_eq(st, ZX_OK, "%s", zx_status_get_string(st));
		e.h = b;
		pthread_create(&ts, NULL, echo_calls, &e);
		one.h = a;
		do_call(&one);
		/* A failed call never reached the server: end it. */
		if (one.st != ZX_OK)
			zx_handle_close(a);
		pthread_join(ts, NULL);
		cr_assert_eq(one.st, ZX_OK, "round %d: %s", round,
		    zx_status_get_string(one.st));
		cr_assert_eq(e.st, ZX_OK);
		cr_assert_eq(kept_replies(), 1);
		if (round == 0) {
			kill(D.pid, SIGKILL);
			waitpid(D.pid, NULL, 0);
			cr_assert_eq(zxdtest_respawn(&D, NULL), 0);
		}
	}
	zx_handle_close(a);
	zx_handle_close(b);
}
