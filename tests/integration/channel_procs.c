/*
 * Channels between two processes: a forked child gets one endpoint
 * through export/import, then an object (transfer_object.h) travels
 * through the channel both ways; the sender's kept dup(2) of the object's
 * fd is dead; zx_channel_call across processes.
 */
#include "config-build.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "tests/integration/transfer_object.h"

#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

#define CHECK(e, code)	do { if (!(e)) _exit(code); } while (0)

/* Fork a child that holds `theirs` (exported before the fork, imported
 * in the child) and runs fn on it; the parent keeps `ours`. */
static pid_t
fork_with_endpoint(zx_handle_t theirs, int (*fn)(zx_handle_t, void *),
    void *arg)
{
	int token;
	pid_t pid;

	cr_assert_eq(zxd_handle_export(theirs, &token), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t h;

		CHECK(zxd_handle_import(token, &h) == ZX_OK, 90);
		_exit(fn(h, arg));
	}
	close(token);
	return pid;
}

/* Child: receive the object, check it, poke it, send it back. */
static int
child_echo_object(zx_handle_t ch, void *arg)
{
	const zx_info_handle_basic_t *want = arg;
	zx_info_handle_basic_t b;
	zx_handle_t obj;
	zx_signals_t obs;
	char buf[16];
	uint32_t ab, ah;

	CHECK(zx_object_wait_one(ch, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE,
	    &obs) == ZX_OK, 10);
	CHECK(zx_channel_read(ch, 0, buf, &obj, sizeof(buf), 1, &ab, &ah) ==
	    ZX_OK, 11);
	CHECK(ab == 4 && memcmp(buf, "take", 4) == 0 && ah == 1, 12);
	CHECK(zx_object_get_info(obj, ZX_INFO_HANDLE_BASIC, &b, sizeof(b),
	    NULL, NULL) == ZX_OK, 13);
	CHECK(b.koid == want->koid && b.type == want->type &&
	    b.rights == want->rights, 14);
	CHECK(xobj_poke(obj) == ZX_OK, 15);
	CHECK(zx_channel_write(ch, 0, "back", 4, &obj, 1) == ZX_OK, 16);
	/* Gone from this process too, now. */
	CHECK(zx_handle_close(obj) == ZX_ERR_BAD_HANDLE, 17);
	return 0;
}

Test(channel_procs, object_through_channel)
{
	zx_handle_t a, b, obj, keep, back;
	zx_info_handle_basic_t want;
	zx_signals_t obs;
	char buf[16];
	uint32_t ab, ah;
	int kept;
	pid_t pid;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(xobj_create(&obj), ZX_OK);
	want = basic_of(obj);
	cr_assert_eq(zx_handle_duplicate(obj, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	pid = fork_with_endpoint(b, child_echo_object, &want);
	kept = dup((int)(obj >> 2));
	cr_assert_eq(zx_channel_write(a, 0, "take", 4, &obj, 1), ZX_OK);
	/* The copy of the fd this process kept reaches nothing. */
	cr_assert(zxdtest_socket_holds_nothing(kept));
	close(kept);
	cr_assert_eq(wait_child(pid), 0);
	cr_assert(xobj_poked(keep));
	/* It came back; the child's end is closed now. */
	cr_assert_eq(zx_object_wait_one(a, ZX_CHANNEL_PEER_CLOSED,
	    ZX_TIME_INFINITE, &obs), ZX_OK);
	cr_assert_eq(zx_channel_read(a, 0, buf, &back, sizeof(buf), 1, &ab,
	    &ah), ZX_OK);
	cr_assert_arr_eq(buf, "back", 4);
	cr_assert_eq(basic_of(back).koid, want.koid);
	cr_assert_eq(basic_of(back).rights, want.rights);
	zx_handle_close(back);
	zx_handle_close(keep);
	zx_handle_close(a);
}

/* Child: a server answering calls until the peer closes. */
static int
child_server(zx_handle_t ch, void *arg)
{
	int served = 0;

	(void)arg;
	for (;;) {
		zx_signals_t obs;
		uint8_t buf[64];
		zx_handle_t hs[2];
		uint32_t ab, ah;
		zx_status_t st;

		CHECK(zx_object_wait_one(ch, ZX_CHANNEL_READABLE |
		    ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &obs) == ZX_OK,
		    20);
		st = zx_channel_read(ch, 0, buf, hs, sizeof(buf), 2, &ab, &ah);
		if (st == ZX_ERR_PEER_CLOSED)
			return served == 3 ? 0 : 21;
		CHECK(st == ZX_OK && ab >= 4, 22);
		/* Echo bytes and handles, txid included. */
		CHECK(zx_channel_write(ch, 0, buf, ab, hs, ah) == ZX_OK, 23);
		served++;
	}
}

Test(channel_procs, call_across_processes)
{
	zx_handle_t a, b, obj, keep, got;
	uint8_t wr[8] = { 0, 0, 0, 0, 'c', 'a', 'l', 'l' }, rd[8];
	uint32_t ab, ah;
	pid_t pid;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	pid = fork_with_endpoint(b, child_server, NULL);
	for (int i = 0; i < 3; i++) {
		zx_channel_call_args_t args = {
			.wr_bytes = wr, .wr_num_bytes = sizeof(wr),
			.wr_handles = &obj, .wr_num_handles = 1,
			.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
			.rd_handles = &got, .rd_num_handles = 1,
		};

		cr_assert_eq(xobj_create(&obj), ZX_OK);
		cr_assert_eq(zx_handle_duplicate(obj, ZX_RIGHT_SAME_RIGHTS,
		    &keep), ZX_OK);
		cr_assert_eq(zx_channel_call(a, 0, zx_deadline_after(
		    10000000000LL), &args, &ab, &ah), ZX_OK);
		cr_assert_eq(ab, 8);
		cr_assert_eq(ah, 1);
		cr_assert_arr_eq(rd + 4, "call", 4);
		cr_assert_eq(basic_of(got).koid, basic_of(keep).koid);
		zx_handle_close(got);
		zx_handle_close(keep);
	}
	zx_handle_close(a);
	cr_assert_eq(wait_child(pid), 0);
}

/* Child: exit at once, leaving what was sent to it unread. */
static int
child_dies(zx_handle_t ch, void *arg)
{
	zx_signals_t obs;

	(void)arg;
	CHECK(zx_object_wait_one(ch, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE,
	    &obs) == ZX_OK, 30);
	return 0;
}

Test(channel_procs, reader_dies_with_messages_queued)
{
	zx_handle_t a, b, obj, keep;
	zx_info_handle_count_t hc;
	zx_signals_t obs;
	pid_t pid;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(xobj_create(&obj), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(obj, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	pid = fork_with_endpoint(b, child_dies, NULL);
	cr_assert_eq(zx_channel_write(a, 0, "lost", 4, &obj, 1), ZX_OK);
	cr_assert_eq(wait_child(pid), 0);
	cr_assert_eq(zx_object_wait_one(a, ZX_CHANNEL_PEER_CLOSED,
	    ZX_TIME_INFINITE, &obs), ZX_OK);
	/* The handle in the unread message was released with it. */
	cr_assert_eq(zx_object_get_info(keep, ZX_INFO_HANDLE_COUNT, &hc,
	    sizeof(hc), NULL, NULL), ZX_OK);
	cr_assert_eq(hc.handle_count, 1);
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, NULL, 0),
	    ZX_ERR_PEER_CLOSED);
	zx_handle_close(keep);
	zx_handle_close(a);
}

Test(channel_procs, inherited_handle_is_not_the_childs)
{
	zx_handle_t a, b;
	pid_t pid;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* Handles are per process: hand them over explicitly. */
		CHECK(zx_channel_write(a, 0, "x", 1, NULL, 0) ==
		    ZX_ERR_BAD_HANDLE, 40);
		CHECK(zxd_handle_export(b, &(int){ 0 }) == ZX_ERR_BAD_HANDLE,
		    41);
		_exit(0);
	}
	cr_assert_eq(wait_child(pid), 0);
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, NULL, 0), ZX_OK);
	zx_handle_close(a);
	zx_handle_close(b);
}
