/*
 * Nothing leaks: handles queued in messages (in flight) are released
 * when their channel goes, whoever dies; tokens closed unused free their
 * handle; failed writes and reads leave nothing behind. Each test runs its
 * own zxd and reads its live counts (zxdtest_stats); the daemon must then
 * stop cleanly, which under the sanitizers also means no leak at exit.
 */
#include "config-build.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

#define CHECK(e, code)	do { if (!(e)) _exit(code); } while (0)

static struct zxdtest_daemon d;

static void
start(void)
{
	cr_assert_eq(zxdtest_start(&d, NULL), 0);
}

static void
stop(void)
{
	cr_assert_eq(zxdtest_stop(&d), 0, "zxd did not stop cleanly");
}

static struct zxdtest_stats
stats(void)
{
	struct zxdtest_stats s;

	cr_assert_eq(zxdtest_stats(d.socket, &s), 0);
	return s;
}

/* The daemon learns of closes by EOF, in its own time: poll. */
static void
expect_counts(uint64_t clients, uint64_t handles, uint64_t objects,
    uint64_t in_flight)
{
	struct zxdtest_stats s;

	for (int i = 0; i < 500; i++) {
		s = stats();
		if (s.clients == clients && s.handles == handles &&
		    s.objects == objects && s.in_flight == in_flight)
			return;
		usleep(10000);
	}
	cr_assert_fail("counts: clients %llu handles %llu objects %llu "
	    "in flight %llu; want %llu %llu %llu %llu",
	    (unsigned long long)s.clients, (unsigned long long)s.handles,
	    (unsigned long long)s.objects, (unsigned long long)s.in_flight,
	    (unsigned long long)clients, (unsigned long long)handles,
	    (unsigned long long)objects, (unsigned long long)in_flight);
}

Test(channel_leaks, process_dies_with_messages_queued)
{
	int p[2];
	pid_t pid;
	char c;

	start();
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t a, b, e[2];

		CHECK(zx_channel_create(0, &a, &b) == ZX_OK, 10);
		for (int i = 0; i < 5; i++) {
			CHECK(zx_event_create(0, &e[0]) == ZX_OK, 11);
			CHECK(zx_eventpair_create(0, &e[1], &(zx_handle_t){ 0 })
			    == ZX_OK, 12);
			CHECK(zx_channel_write(a, 0, "m", 1, e, 2) == ZX_OK,
			    13);
		}
		CHECK(write(p[1], "r", 1) == 1, 14);
		pause();
		_exit(0);
	}
	close(p[1]);
	cr_assert_eq(read(p[0], &c, 1), 1);
	/* Two endpoints, five events, five eventpairs whose other ends the
	 * child still holds; ten handles in flight. */
	expect_counts(1, 2 + 10 + 5, 2 + 5 + 10, 10);
	kill(pid, SIGKILL);
	cr_assert_eq(wait_child(pid), 128 + SIGKILL);
	expect_counts(0, 0, 0, 0);
	close(p[0]);
	stop();
}

Test(channel_leaks, reader_reads_after_writer_died)
{
	zx_handle_t a, b, got[2];
	uint32_t ab, ah;
	char buf[4];
	int token;
	pid_t pid;

	start();
	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(a, &token), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t w, e[2];

		CHECK(zxd_handle_import(token, &w) == ZX_OK, 20);
		CHECK(zx_event_create(0, &e[0]) == ZX_OK, 21);
		CHECK(zx_event_create(0, &e[1]) == ZX_OK, 22);
		CHECK(zx_channel_write(w, 0, "bye", 3, e, 2) == ZX_OK, 23);
		_exit(0);
	}
	close(token);
	cr_assert_eq(wait_child(pid), 0);
	/* Our b, and the message's two events in flight. */
	expect_counts(1, 3, 3, 2);
	cr_assert_eq(zx_channel_read(b, 0, buf, got, sizeof(buf), 2, &ab, &ah),
	    ZX_OK);
	expect_counts(1, 3, 3, 0);
	zx_handle_close_many(got, 2);
	zx_handle_close(b);
	expect_counts(1, 0, 0, 0);
	stop();
}

Test(channel_leaks, token_closed_unused)
{
	zx_handle_t e;
	int token, copy;
	pid_t pid;

	start();
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zxd_handle_export(e, &token), ZX_OK);
	expect_counts(1, 1, 1, 1);
	close(token);
	expect_counts(1, 0, 0, 0);

	/* A copy elsewhere keeps the token alive until it goes too. */
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zxd_handle_export(e, &token), ZX_OK);
	copy = dup(token);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		usleep(200000);
		_exit(0);
	}
	close(token);
	close(copy);
	expect_counts(1, 1, 1, 1);
	cr_assert_eq(wait_child(pid), 0);
	expect_counts(1, 0, 0, 0);
	stop();
}

Test(channel_leaks, failed_writes_and_reads)
{
	zx_handle_t a, b, e, twice[2], got;
	char buf[2];

	start();
	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 1, "x", 1, &e, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	twice[0] = twice[1] = e;
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, twice, 2),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, NULL, 1, &e, 1),
	    ZX_ERR_INVALID_ARGS);
	expect_counts(1, 2, 2, 0);
	/* Discarded on read. */
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "xyz", 3, &e, 1), ZX_OK);
	expect_counts(1, 3, 3, 1);
	cr_assert_eq(zx_channel_read(b, ZX_CHANNEL_READ_MAY_DISCARD, buf, &got,
	    sizeof(buf), 1, NULL, NULL), ZX_ERR_BUFFER_TOO_SMALL);
	expect_counts(1, 2, 2, 0);
	/* Written to a closed peer. */
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	zx_handle_close(b);
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, &e, 1),
	    ZX_ERR_PEER_CLOSED);
	expect_counts(1, 1, 1, 0);
	zx_handle_close(a);
	expect_counts(1, 0, 0, 0);
	stop();
}

Test(channel_leaks, caller_dies_waiting)
{
	zx_handle_t a, b, e, req_h;
	zx_signals_t obs;
	uint8_t buf[8];
	uint32_t ab, ah;
	int token;
	pid_t pid;

	start();
	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(a, &token), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t c, ev;
		uint8_t wr[4] = { 0 };
		zx_channel_call_args_t args = {
			.wr_bytes = wr, .wr_num_bytes = 4,
			.wr_handles = &ev, .wr_num_handles = 1,
		};
		uint32_t x, y;

		CHECK(zxd_handle_import(token, &c) == ZX_OK, 30);
		CHECK(zx_event_create(0, &ev) == ZX_OK, 31);
		zx_channel_call(c, 0, ZX_TIME_INFINITE, &args, &x, &y);
		_exit(32);
	}
	close(token);
	cr_assert_eq(zx_object_wait_one(b, ZX_CHANNEL_READABLE,
	    ZX_TIME_INFINITE, &obs), ZX_OK);
	kill(pid, SIGKILL);
	cr_assert_eq(wait_child(pid), 128 + SIGKILL);
	/* Reply after the caller died, with a handle for it. */
	cr_assert_eq(zx_channel_read(b, 0, buf, &req_h, sizeof(buf), 1, &ab,
	    &ah), ZX_OK);
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	zx_status_t st = zx_channel_write(b, 0, buf, ab, &e, 1);
	cr_assert(st == ZX_OK || st == ZX_ERR_PEER_CLOSED);
	zx_handle_close(req_h);
	zx_handle_close(b);
	expect_counts(1, 0, 0, 0);
	stop();
}

Test(channel_leaks, self_cycle_lives_until_stop)
{
	zx_handle_t c, dd;

	start();
	cr_assert_eq(zx_channel_create(0, &c, &dd), ZX_OK);
	/* d's own handle in d's own queue: nobody can ever read it. As in
	 * Zircon it lives on; zxd frees it when it stops (see
	 * tests/unit/channel.c for that part). */
	cr_assert_eq(zx_channel_write(c, 0, "me", 2, &dd, 1), ZX_OK);
	zx_handle_close(c);
	expect_counts(1, 1, 1, 1);
	stop();
}

Test(channel_leaks, long_chain_freed_iteratively)
{
	zx_handle_t prev_a, prev_b;

	/* Each channel's queue holds the next one's endpoint: freeing the
	 * head frees 2000 channels, without deep recursion. */
	start();
	cr_assert_eq(zx_channel_create(0, &prev_a, &prev_b), ZX_OK);
	zx_handle_t head = prev_b;
	for (int i = 0; i < 2000; i++) {
		zx_handle_t a, b;

		cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
		cr_assert_eq(zx_channel_write(prev_a, 0, "n", 1, &b, 1),
		    ZX_OK);
		zx_handle_close(prev_a);
		prev_a = a;
	}
	zx_handle_close(prev_a);
	expect_counts(1, 2001, 2001, 2000);
	zx_handle_close(head);
	expect_counts(1, 0, 0, 0);
	stop();
}

/* A zxd whose clients may hold n handles each. */
static void
start_with_handle_limit(unsigned n)
{
	char conf[64];

	snprintf(conf, sizeof(conf), "[limits]\nhandles_per_client = %u\n", n);
	cr_assert_eq(zxdtest_start_config(&d, conf, NULL), 0);
}

Test(channel_leaks, tokens_count_against_the_handle_limit)
{
	zx_handle_t e[4], more;
	int tokens[4];

	start_with_handle_limit(4);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(zx_event_create(0, &e[i]), ZX_OK);
		cr_assert_eq(zxd_handle_export(e[i], &tokens[i]), ZX_OK);
	}
	/* Four tokens held: no room for a fifth handle. */
	cr_assert_eq(zx_event_create(0, &more), ZX_ERR_NO_RESOURCES);
	close(tokens[0]);
	expect_counts(1, 3, 3, 3);
	cr_assert_eq(zx_event_create(0, &more), ZX_OK);
	/* An import turns a token back into a handle: still four. */
	cr_assert_eq(zxd_handle_import(tokens[1], &e[1]), ZX_OK);
	cr_assert_eq(zx_event_create(0, &e[0]), ZX_ERR_NO_RESOURCES);
	zx_handle_close(more);
	zx_handle_close(e[1]);
	close(tokens[2]);
	close(tokens[3]);
	expect_counts(1, 0, 0, 0);
	stop();
}

/* Handles in flight count against their sender until read (issue 16):
 * with the limit reached by handles sent and not read yet, the sender
 * can make no more; reading them moves the charge to the reader, which
 * costs nothing within one process. (A reader of another process over
 * its limit: tests/integration/accounting.c.) */
Test(channel_leaks, in_flight_handles_count_against_the_sender)
{
	zx_handle_t a, b, e[2], x, got[2];
	char buf[4];

	start_with_handle_limit(4);
	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_event_create(0, &e[0]), ZX_OK);
	cr_assert_eq(zx_event_create(0, &e[1]), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "hh", 2, e, 2), ZX_OK);
	/* Four handles charged, two of them in flight: no fifth. */
	cr_assert_eq(zx_event_create(0, &x), ZX_ERR_NO_RESOURCES);
	expect_counts(1, 4, 4, 2);
	cr_assert_eq(zx_channel_read(b, 0, buf, got, sizeof(buf), 2, NULL,
	    NULL), ZX_OK);
	cr_assert_arr_eq(buf, "hh", 2);
	expect_counts(1, 4, 4, 0);
	zx_handle_close_many(got, 2);
	cr_assert_eq(zx_event_create(0, &x), ZX_OK);
	zx_handle_close(x);
	zx_handle_close(a);
	zx_handle_close(b);
	expect_counts(1, 0, 0, 0);
	stop();
}
