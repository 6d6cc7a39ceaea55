/*
 * zx_channel_write_etc, zx_channel_read_etc, zx_channel_call_etc,
 * ZX_CHANNEL_WRITE_USE_IOVEC and ZX_CHANNEL_READ_MAY_DISCARD against a
 * real zxd, after Zircon's channel-write-etc, channel-call-etc and
 * channel-iovec core tests (ZIRCON-2.md §2.6).
 */
#include "config-build.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zxd/zxd.h>


#define CHECK(e, code)	do { if (!(e)) _exit(code); } while (0)

static zx_info_handle_basic_t
basic_of(zx_handle_t h)
{
	zx_info_handle_basic_t b;

	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b, sizeof(b),
	    NULL, NULL), ZX_OK);
	return b;
}

static bool
valid(zx_handle_t h)
{
	return zx_object_get_info(h, ZX_INFO_HANDLE_VALID, NULL, 0, NULL,
	    NULL) == ZX_OK;
}

static zx_handle_t
event(void)
{
	zx_handle_t e;

	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	return e;
}

static zx_handle_disposition_t
disp(zx_handle_op_t op, zx_handle_t h, zx_obj_type_t type, zx_rights_t r)
{
	return (zx_handle_disposition_t){ .operation = op, .handle = h,
	    .type = type, .rights = r, .result = ZX_OK };
}

static void
pair(zx_handle_t *a, zx_handle_t *b)
{
	cr_assert_eq(zx_channel_create(0, a, b), ZX_OK);
}

/* Nothing queued. */
static void
assert_empty(zx_handle_t ch)
{
	cr_assert_eq(zx_channel_read(ch, 0, NULL, NULL, 0, 0, NULL, NULL),
	    ZX_ERR_SHOULD_WAIT);
}

/* --- write_etc ------------------------------------------------------- */

Test(write_etc, move_and_duplicate_arrive_with_the_asked_rights)
{
	zx_handle_t a, b, e1 = event(), e2 = event();
	zx_handle_disposition_t d[2] = {
		disp(ZX_HANDLE_OP_MOVE, e1, ZX_OBJ_TYPE_EVENT,
		    ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT),
		disp(ZX_HANDLE_OP_DUPLICATE, e2, ZX_OBJ_TYPE_NONE,
		    ZX_RIGHT_SAME_RIGHTS),
	};
	zx_koid_t k1 = basic_of(e1).koid, k2 = basic_of(e2).koid;
	zx_handle_info_t info[2];
	uint32_t ab, ah;
	char buf[8];

	pair(&a, &b);
	d[0].result = 1234;	/* never overwritten with ZX_OK */
	cr_assert_eq(zx_channel_write_etc(a, 0, "hi", 2, d, 2), ZX_OK);
	cr_assert_eq(d[0].result, 1234);
	cr_assert_eq(d[1].result, ZX_OK);
	cr_assert(!valid(e1), "MOVE takes the handle");
	cr_assert(valid(e2), "DUPLICATE leaves it");
	memset(info, 0xa5, sizeof(info));
	cr_assert_eq(zx_channel_read_etc(b, 0, buf, info, sizeof(buf), 2,
	    &ab, &ah), ZX_OK);
	cr_assert_eq(ab, 2);
	cr_assert_eq(ah, 2);
	cr_assert_eq(info[0].type, ZX_OBJ_TYPE_EVENT);
	cr_assert_eq(info[0].rights, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT);
	cr_assert_eq(info[0].unused, 0);
	cr_assert_eq(basic_of(info[0].handle).koid, k1);
	cr_assert_eq(basic_of(info[0].handle).rights,
	    ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT);
	cr_assert_eq(info[1].type, ZX_OBJ_TYPE_EVENT);
	cr_assert_eq(info[1].rights, ZX_DEFAULT_EVENT_RIGHTS);
	cr_assert_eq(basic_of(info[1].handle).koid, k2);
	cr_assert_neq(info[1].handle, e2);
	cr_assert_eq(basic_of(e2).rights, ZX_DEFAULT_EVENT_RIGHTS);
	zx_handle_close(info[0].handle);
	zx_handle_close(info[1].handle);
	zx_handle_close(e2);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* MultipleHandlesSomeInvalidResultsReportedCorrectly: every entry is
 * processed, the first error is returned, results only on failures, no
 * message, every moved handle closed, duplicated ones kept. */
Test(write_etc, some_invalid_results)
{
	zx_handle_t a, b, ch2a, ch2b, e1 = event(), e2 = event(), e3, e4 =
	    event();
	zx_handle_disposition_t d[4];

	pair(&a, &b);
	pair(&ch2a, &ch2b);
	cr_assert_eq(zx_handle_duplicate(e4, ZX_RIGHT_WAIT, &e3), ZX_OK);
	d[0] = disp(ZX_HANDLE_OP_MOVE, e1, ZX_OBJ_TYPE_CHANNEL,
	    ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_MOVE, e2, ZX_OBJ_TYPE_EVENT,
	    ZX_RIGHT_SAME_RIGHTS);
	d[2] = disp(ZX_HANDLE_OP_MOVE, e3, ZX_OBJ_TYPE_EVENT,
	    ZX_RIGHT_SAME_RIGHTS);
	d[3] = disp(ZX_HANDLE_OP_DUPLICATE, e4, ZX_OBJ_TYPE_EVENT,
	    ZX_RIGHT_SAME_RIGHTS);
	for (int i = 0; i < 4; i++)
		d[i].result = 77;
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 4),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(d[0].result, ZX_ERR_WRONG_TYPE);
	cr_assert_eq(d[1].result, 77);
	cr_assert_eq(d[2].result, ZX_ERR_ACCESS_DENIED);	/* no TRANSFER */
	cr_assert_eq(d[3].result, 77);
	cr_assert(!valid(e1) && !valid(e2) && !valid(e3));
	cr_assert(valid(e4));
	assert_empty(b);
	zx_handle_close(e4);
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(ch2a);
	zx_handle_close(ch2b);
}

Test(write_etc, invalid_operation_takes_the_handle)
{
	zx_handle_t a, b, e1 = event(), e2 = event();
	zx_handle_disposition_t d[1];

	pair(&a, &b);
	d[0] = disp(2, e1, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(d[0].result, ZX_ERR_INVALID_ARGS);
	cr_assert(!valid(e1));
	d[0] = disp(0xffffffff, e2, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert(!valid(e2));
	assert_empty(b);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(write_etc, channel_handle_checks)
{
	zx_handle_t a, b, ro, e1 = event(), e2 = event();
	zx_handle_disposition_t d[1];

	pair(&a, &b);
	/* Not a handle. */
	d[0] = disp(ZX_HANDLE_OP_MOVE, e1, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(ZX_HANDLE_INVALID, 0, NULL, 0, d,
	    1), ZX_ERR_BAD_HANDLE);
	cr_assert(!valid(e1), "consumed on failure");
	/* Not a channel: HandleArgNotAChannelHandle. */
	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, e2, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(e2, 0, NULL, 0, d, 1),
	    ZX_ERR_WRONG_TYPE);
	cr_assert(valid(e2), "a DUPLICATE source stays on failure");
	cr_assert_eq(d[0].result, ZX_OK, "no result before the dispositions");
	/* Without WRITE. */
	cr_assert_eq(zx_handle_duplicate(a, ZX_RIGHT_READ, &ro),
	    ZX_ERR_ACCESS_DENIED);	/* channels lack DUPLICATE */
	cr_assert_eq(zx_handle_replace(a, ZX_RIGHT_READ | ZX_RIGHT_TRANSFER,
	    &ro), ZX_OK);
	d[0] = disp(ZX_HANDLE_OP_MOVE, e2, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(ro, 0, "x", 1, d, 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert(!valid(e2));
	/* Options: OptionsArgNonZero (checked before the handle). */
	e1 = event();
	d[0] = disp(ZX_HANDLE_OP_MOVE, e1, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(ro, 1, "x", 1, d, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert(!valid(e1));
	e1 = event();
	d[0] = disp(ZX_HANDLE_OP_MOVE, e1, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(ZX_HANDLE_INVALID, 4, "x", 1, d, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert(!valid(e1));
	zx_handle_close(ro);
	zx_handle_close(b);
}

/* InvalidHandleInTransferredHandles, RepeatedHandlesWithOpMove,
 * DuplicateHandlesInTransferredHandles. */
Test(write_etc, bad_and_repeated_handles)
{
	zx_handle_t a, b, e1 = event(), e2 = event(), closed = event();
	zx_handle_disposition_t d[3];
	zx_handle_info_t info[3];
	uint32_t ab, ah;

	pair(&a, &b);
	zx_handle_close(closed);
	d[0] = disp(ZX_HANDLE_OP_MOVE, e1, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_MOVE, closed, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	d[2] = disp(ZX_HANDLE_OP_MOVE, 0xffffffff, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 3),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(d[0].result, ZX_OK);
	cr_assert_eq(d[1].result, ZX_ERR_BAD_HANDLE);
	cr_assert_eq(d[2].result, ZX_ERR_BAD_HANDLE);
	cr_assert(!valid(e1));
	d[0] = disp(ZX_HANDLE_OP_MOVE, ZX_HANDLE_INVALID, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1),
	    ZX_ERR_BAD_HANDLE);
	/* The same handle moved twice. */
	d[0] = disp(ZX_HANDLE_OP_MOVE, e2, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_MOVE, e2, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 2),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(d[1].result, ZX_ERR_BAD_HANDLE);
	cr_assert(!valid(e2));
	assert_empty(b);
	/* Duplicated twice, then moved: three handles arrive. */
	e2 = event();
	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, e2, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_DUPLICATE, e2, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_WAIT);
	d[2] = disp(ZX_HANDLE_OP_MOVE, e2, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 3), ZX_OK);
	cr_assert(!valid(e2));
	cr_assert_eq(zx_channel_read_etc(b, 0, NULL, info, 0, 3, &ab, &ah),
	    ZX_OK);
	cr_assert_eq(ah, 3);
	cr_assert_eq(info[1].rights, ZX_RIGHT_WAIT);
	cr_assert_eq(basic_of(info[0].handle).koid,
	    basic_of(info[2].handle).koid);
	for (int i = 0; i < 3; i++)
		zx_handle_close(info[i].handle);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* ChannelHandleInTransferredHandles, HandleDoesNotMatchType, increased
 * rights, HandleWithoutDuplicateRights. */
Test(write_etc, per_handle_rules)
{
	zx_handle_t a, b, e, notrans, nodup;
	zx_handle_disposition_t d[1];
	zx_handle_info_t info[1];
	uint32_t ab, ah;

	pair(&a, &b);
	d[0] = disp(ZX_HANDLE_OP_MOVE, a, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(d[0].result, ZX_ERR_NOT_SUPPORTED);
	cr_assert(!valid(a), "the channel itself was moved, so closed");
	zx_handle_close(b);

	pair(&a, &b);
	for (uint32_t t = 0; t < 64; t++) {
		if (t == ZX_OBJ_TYPE_NONE || t == ZX_OBJ_TYPE_EVENT)
			continue;
		e = event();
		d[0] = disp(ZX_HANDLE_OP_MOVE, e, t, ZX_RIGHT_SAME_RIGHTS);
		cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1),
		    ZX_ERR_WRONG_TYPE, "type %u", t);
		cr_assert(!valid(e));
	}
	/* Rights beyond the source's: INVALID_ARGS; 0 is a subset. */
	e = event();
	d[0] = disp(ZX_HANDLE_OP_MOVE, e, ZX_OBJ_TYPE_EVENT,
	    ZX_DEFAULT_EVENT_RIGHTS | ZX_RIGHT_WRITE);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert(!valid(e));
	e = event();
	d[0] = disp(ZX_HANDLE_OP_MOVE, e, ZX_OBJ_TYPE_EVENT, 0);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1), ZX_OK);
	cr_assert_eq(zx_channel_read_etc(b, 0, NULL, info, 0, 1, &ab, &ah),
	    ZX_OK);
	cr_assert_eq(info[0].rights, 0);
	zx_handle_close(info[0].handle);
	/* Without TRANSFER: ACCESS_DENIED for both operations. */
	e = event();
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT,
	    &notrans), ZX_OK);
	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, notrans, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert(valid(notrans));
	/* Without DUPLICATE: MOVE works, DUPLICATE does not. */
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_TRANSFER, &nodup), ZX_OK);
	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, nodup, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert(valid(nodup));
	/* ...after the common checks: a bad type comes first. */
	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, nodup, ZX_OBJ_TYPE_VMO,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1),
	    ZX_ERR_WRONG_TYPE);
	d[0] = disp(ZX_HANDLE_OP_MOVE, nodup, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1), ZX_OK);
	cr_assert_eq(zx_channel_read_etc(b, 0, NULL, info, 0, 1, &ab, &ah),
	    ZX_OK);
	cr_assert_eq(info[0].rights, ZX_RIGHT_TRANSFER);
	zx_handle_close(info[0].handle);
	zx_handle_close(notrans);
	zx_handle_close(e);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* HandleCountBoundaryChecks, ByteCountIsMax/MaxPlusOne,
 * NullptrArgWhenSizeNonZero, both-zero cases, PEER_CLOSED. */
Test(write_etc, sizes_and_peer)
{
	zx_handle_t a, b, hs[65];
	zx_handle_disposition_t d[65];
	static uint8_t big[ZX_CHANNEL_MAX_MSG_BYTES + 1];
	uint32_t ab, ah;

	pair(&a, &b);
	for (int i = 0; i < 65; i++) {
		hs[i] = event();
		d[i] = disp(i % 2 ? ZX_HANDLE_OP_DUPLICATE : ZX_HANDLE_OP_MOVE,
		    hs[i], ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS);
	}
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 65),
	    ZX_ERR_OUT_OF_RANGE);
	for (int i = 0; i < 65; i++) {
		cr_assert_eq(valid(hs[i]), i % 2 == 1, "slot %d", i);
		cr_assert_eq(d[i].result, ZX_OK);
		if (i % 2)
			zx_handle_close(hs[i]);
	}
	cr_assert_eq(zx_channel_write_etc(a, 0, big, sizeof(big), NULL, 0),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_channel_write_etc(a, 0, big, sizeof(big) - 1, NULL,
	    0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, big, NULL, sizeof(big), 0, &ab,
	    &ah), ZX_OK);
	cr_assert_eq(ab, ZX_CHANNEL_MAX_MSG_BYTES);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 1, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, NULL, 1),
	    ZX_ERR_INVALID_ARGS);
	/* Zero counts: the arrays are not looked at. */
	d[0] = disp(ZX_HANDLE_OP_MOVE, hs[0], ZX_OBJ_TYPE_NONE, 0);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_write_etc(a, 0, big, 0, d, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, NULL, NULL, 0, 0, &ab, &ah), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, NULL, NULL, 0, 0, &ab, &ah), ZX_OK);
	/* OppositeChannelEndClosed. */
	zx_handle_close(b);
	hs[0] = event();
	hs[1] = event();
	d[0] = disp(ZX_HANDLE_OP_MOVE, hs[0], ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_DUPLICATE, hs[1], ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, 0, "x", 1, d, 2),
	    ZX_ERR_PEER_CLOSED);
	cr_assert(!valid(hs[0]));
	cr_assert(valid(hs[1]));
	zx_handle_close(hs[1]);
	zx_handle_close(a);
}

/* A handle moved with a reduced-rights disposition arrives in another
 * process with exactly those rights, and the duplicate's source stays
 * usable here. */
static int
child_reads(zx_handle_t ch)
{
	zx_handle_info_t info[2];
	zx_info_handle_basic_t b;
	zx_signals_t obs;
	uint32_t ab, ah;

	CHECK(zx_object_wait_one(ch, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE,
	    &obs) == ZX_OK, 10);
	CHECK(zx_channel_read_etc(ch, 0, NULL, info, 0, 2, &ab, &ah) == ZX_OK,
	    11);
	CHECK(ah == 2, 12);
	CHECK(info[0].type == ZX_OBJ_TYPE_VMO, 13);
	CHECK(info[0].rights == (ZX_RIGHT_READ | ZX_RIGHT_MAP |
	    ZX_RIGHT_TRANSFER), 14);
	CHECK(zx_object_get_info(info[0].handle, ZX_INFO_HANDLE_BASIC, &b,
	    sizeof(b), NULL, NULL) == ZX_OK, 15);
	CHECK(b.rights == info[0].rights, 16);
	/* The rights are enforced: no write through it. */
	CHECK(zx_vmo_write(info[0].handle, "x", 0, 1) == ZX_ERR_ACCESS_DENIED,
	    17);
	CHECK(info[1].type == ZX_OBJ_TYPE_EVENT &&
	    info[1].rights == ZX_RIGHT_WAIT, 18);
	CHECK(zx_object_signal(info[1].handle, 0, ZX_USER_SIGNAL_0) ==
	    ZX_ERR_ACCESS_DENIED, 19);
	return 0;
}

Test(write_etc, reduced_rights_cross_process)
{
	zx_handle_t a, b, vmo, ev = event();
	zx_handle_disposition_t d[2];
	int token, st;
	pid_t pid;

	pair(&a, &b);
	cr_assert_eq(zx_vmo_create(4096, 0, &vmo), ZX_OK);
	cr_assert_eq(zxd_handle_export(b, &token), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t h;

		CHECK(zxd_handle_import(token, &h) == ZX_OK, 90);
		_exit(child_reads(h));
	}
	close(token);
	d[0] = disp(ZX_HANDLE_OP_MOVE, vmo, ZX_OBJ_TYPE_VMO,
	    ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_TRANSFER);
	d[1] = disp(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT,
	    ZX_RIGHT_WAIT);
	cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 2), ZX_OK);
	cr_assert(!valid(vmo));
	cr_assert_eq(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %d",
	    WEXITSTATUS(st));
	zx_handle_close(ev);
	zx_handle_close(a);
}

/* --- read_etc and MAY_DISCARD ---------------------------------------- */

Test(read_etc, statuses)
{
	zx_handle_t a, b, e = event();
	zx_handle_info_t info[1];
	uint32_t ab = 0, ah = 0;
	char buf[4];

	pair(&a, &b);
	cr_assert_eq(zx_channel_read_etc(b, 0, buf, info, 4, 1, &ab, &ah),
	    ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_channel_read_etc(b, 2, buf, info, 4, 1, &ab, &ah),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_channel_read_etc(e, 0, buf, info, 4, 1, &ab, &ah),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_channel_write(a, 0, "abcdef", 6, &e, 1), ZX_OK);
	cr_assert_eq(zx_channel_read_etc(b, 0, buf, info, 4, 1, &ab, &ah),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(ab, 6);
	cr_assert_eq(ah, 1);
	cr_assert_eq(zx_channel_read_etc(b, 0, buf, info, 8, 0, &ab, &ah),
	    ZX_ERR_BUFFER_TOO_SMALL);
	/* MAY_DISCARD: the message that does not fit is dropped, and its
	 * handle closed. */
	cr_assert_eq(zx_channel_read_etc(b, ZX_CHANNEL_READ_MAY_DISCARD, buf,
	    info, 4, 1, &ab, &ah), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(ab, 6);
	assert_empty(b);
	zx_handle_close(a);
	cr_assert_eq(zx_channel_read_etc(b, 0, buf, info, 4, 1, &ab, &ah),
	    ZX_ERR_PEER_CLOSED);
	zx_handle_close(b);
}

Test(read_etc, may_discard_keeps_what_fits)
{
	zx_handle_t a, b;
	uint32_t ab, ah;
	char buf[8];

	pair(&a, &b);
	cr_assert_eq(zx_channel_write(a, 0, "abc", 3, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, ZX_CHANNEL_READ_MAY_DISCARD, buf,
	    NULL, sizeof(buf), 0, &ab, &ah), ZX_OK);
	cr_assert_eq(ab, 3);
	cr_assert_eq(memcmp(buf, "abc", 3), 0);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* --- iovecs ---------------------------------------------------------- */

Test(iovec, write_and_read)
{
	zx_handle_t a, b, e = event();
	static char many[1000][10], out[ZX_CHANNEL_MAX_MSG_BYTES];
	static zx_channel_iovec_t iov[1000];
	static char large[3][8000];
	zx_handle_disposition_t d[1];
	uint32_t ab, ah;

	pair(&a, &b);
	/* WriteZeroIovecs. */
	cr_assert_eq(zx_channel_write(a, ZX_CHANNEL_WRITE_USE_IOVEC, NULL, 0,
	    NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, out, NULL, sizeof(out), 0, &ab,
	    &ah), ZX_OK);
	cr_assert_eq(ab, 0);
	/* WriteManySmallIovecs. */
	for (int i = 0; i < 1000; i++) {
		memset(many[i], 'a' + i % 26, 10);
		iov[i] = (zx_channel_iovec_t){ many[i], 10, 0 };
	}
	cr_assert_eq(zx_channel_write(a, ZX_CHANNEL_WRITE_USE_IOVEC, iov,
	    1000, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, out, NULL, sizeof(out), 0, &ab,
	    &ah), ZX_OK);
	cr_assert_eq(ab, 10000);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(memcmp(out + 10 * i, many[i], 10), 0);
	/* WriteFewLargeIovecs, with a handle (WriteEtcWithHandle). */
	for (int i = 0; i < 3; i++) {
		memset(large[i], '0' + i, sizeof(large[i]));
		iov[i] = (zx_channel_iovec_t){ large[i], 8000, 0 };
	}
	d[0] = disp(ZX_HANDLE_OP_MOVE, e, ZX_OBJ_TYPE_EVENT,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_write_etc(a, ZX_CHANNEL_WRITE_USE_IOVEC, iov,
	    3, d, 1), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, out, &e, sizeof(out), 1, &ab, &ah),
	    ZX_OK);
	cr_assert_eq(ab, 24000);
	cr_assert_eq(ah, 1);
	cr_assert_eq(out[8000], '1');
	cr_assert_eq(out[23999], '2');
	zx_handle_close(e);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(iovec, statuses)
{
	zx_handle_t a, b, e;
	static zx_channel_iovec_t iov[ZX_CHANNEL_MAX_MSG_IOVECS + 1];
	static char big[100000];

	pair(&a, &b);
	/* WriteTooManyIovecs: the handles go too. */
	e = event();
	for (size_t i = 0; i < ZX_CHANNEL_MAX_MSG_IOVECS + 1; i++)
		iov[i] = (zx_channel_iovec_t){ big, 1, 0 };
	cr_assert_eq(zx_channel_write(a, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 9000,
	    &e, 1), ZX_ERR_OUT_OF_RANGE);
	cr_assert(!valid(e));
	cr_assert_eq(zx_channel_write(a, ZX_CHANNEL_WRITE_USE_IOVEC, iov,
	    ZX_CHANNEL_MAX_MSG_IOVECS, NULL, 0), ZX_OK);
	/* WriteTooManyBytes. */
	iov[0] = (zx_channel_iovec_t){ big, sizeof(big), 0 };
	cr_assert_eq(zx_channel_write(a, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 1,
	    NULL, 0), ZX_ERR_OUT_OF_RANGE);
	/* WriteNonZeroReservedIovec. */
	iov[0] = (zx_channel_iovec_t){ big, 1, 1 };
	cr_assert_eq(zx_channel_write(a, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 1,
	    NULL, 0), ZX_ERR_INVALID_ARGS);
	/* WriteNullBufferNonnullSize. */
	iov[0] = (zx_channel_iovec_t){ NULL, 1, 0 };
	cr_assert_eq(zx_channel_write(a, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 1,
	    NULL, 0), ZX_ERR_INVALID_ARGS);
	/* The iovec checks come after the channel's lookup. */
	e = event();
	iov[0] = (zx_channel_iovec_t){ big, 1, 1 };
	cr_assert_eq(zx_channel_write(e, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 1,
	    NULL, 0), ZX_ERR_WRONG_TYPE);
	zx_handle_close(e);
	/* Only the first message got through. */
	cr_assert_eq(zx_channel_read(b, 0, big, NULL, sizeof(big), 0, NULL,
	    NULL), ZX_OK);
	assert_empty(b);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* --- call_etc -------------------------------------------------------- */

/* The server: echoes bytes 4.. back under the same txid, and sends the
 * handles it got back as they are. */
static void *
server(void *arg)
{
	zx_handle_t ch = *(zx_handle_t *)arg;
	char buf[256];
	zx_handle_t hs[4];
	zx_signals_t obs;
	uint32_t ab, ah;

	for (;;) {
		if (zx_object_wait_one(ch, ZX_CHANNEL_READABLE |
		    ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &obs) != ZX_OK ||
		    !(obs & ZX_CHANNEL_READABLE))
			break;
		if (zx_channel_read(ch, 0, buf, hs, sizeof(buf), 4, &ab,
		    &ah) != ZX_OK)
			break;
		if (zx_channel_write(ch, 0, buf, ab, hs, ah) != ZX_OK)
			break;
	}
	return NULL;
}

Test(call_etc, success_and_rights)
{
	zx_handle_t a, b, e = event(), vmo;
	zx_handle_disposition_t d[2];
	zx_handle_info_t info[2];
	zx_channel_call_etc_args_t args;
	char wr[8] = "....ping", rd[8];
	uint32_t ab, ah;
	pthread_t t;

	pair(&a, &b);
	cr_assert_eq(zx_vmo_create(4096, 0, &vmo), ZX_OK);
	pthread_create(&t, NULL, server, &b);
	/* BytesOnlySuccessCase. */
	args = (zx_channel_call_etc_args_t){ .wr_bytes = wr, .rd_bytes = rd,
	    .wr_num_bytes = 8, .rd_num_bytes = 8 };
	cr_assert_eq(zx_channel_call_etc(a, 0, ZX_TIME_INFINITE, &args, &ab,
	    &ah), ZX_OK);
	cr_assert_eq(ab, 8);
	cr_assert_eq(ah, 0);
	cr_assert_eq(memcmp(rd + 4, "ping", 4), 0);
	cr_assert_geq(*(uint32_t *)rd, 0x80000000u);
	/* HandlesSuccessCase and ReducedRightsSuccessCase. */
	d[0] = disp(ZX_HANDLE_OP_MOVE, vmo, ZX_OBJ_TYPE_VMO,
	    ZX_RIGHT_TRANSFER);
	d[1] = disp(ZX_HANDLE_OP_DUPLICATE, e, ZX_OBJ_TYPE_EVENT,
	    ZX_RIGHT_SAME_RIGHTS);
	args = (zx_channel_call_etc_args_t){ .wr_bytes = wr,
	    .wr_handles = d, .rd_bytes = rd, .rd_handles = info,
	    .wr_num_bytes = 8, .wr_num_handles = 2, .rd_num_bytes = 8,
	    .rd_num_handles = 2 };
	cr_assert_eq(zx_channel_call_etc(a, 0, ZX_TIME_INFINITE, &args, &ab,
	    &ah), ZX_OK);
	cr_assert_eq(ah, 2);
	/* The moved value may already name a handle of the reply. */
	cr_assert(!valid(vmo) || vmo == info[0].handle ||
	    vmo == info[1].handle);
	cr_assert(valid(e));
	cr_assert_eq(info[0].type, ZX_OBJ_TYPE_VMO);
	cr_assert_eq(info[0].rights, ZX_RIGHT_TRANSFER);
	cr_assert_eq(info[1].type, ZX_OBJ_TYPE_EVENT);
	cr_assert_eq(info[1].rights, ZX_DEFAULT_EVENT_RIGHTS);
	cr_assert_eq(basic_of(info[1].handle).koid, basic_of(e).koid);
	zx_handle_close(info[0].handle);
	zx_handle_close(info[1].handle);
	/* IncreasedRightsFailureCase, WrongObjectTypeFailureCase: results
	 * are written back through args->wr_handles. */
	cr_assert_eq(zx_vmo_create(4096, 0, &vmo), ZX_OK);
	d[0] = disp(ZX_HANDLE_OP_MOVE, vmo, ZX_OBJ_TYPE_VMO,
	    ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_EXECUTE);
	args.wr_num_handles = 1;
	cr_assert_eq(zx_channel_call_etc(a, 0, ZX_TIME_INFINITE, &args, &ab,
	    &ah), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(d[0].result, ZX_ERR_INVALID_ARGS);
	cr_assert(!valid(vmo));
	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, e, ZX_OBJ_TYPE_VMO,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_call_etc(a, 0, ZX_TIME_INFINITE, &args, &ab,
	    &ah), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(d[0].result, ZX_ERR_WRONG_TYPE);
	cr_assert(valid(e));
	/* BadChannelFailureCase. */
	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, e, ZX_OBJ_TYPE_NONE,
	    ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_channel_call_etc(ZX_HANDLE_INVALID, 0,
	    ZX_TIME_INFINITE, &args, &ab, &ah), ZX_ERR_BAD_HANDLE);
	cr_assert(valid(e));
	zx_handle_close(a);
	pthread_join(t, NULL);
	zx_handle_close(b);
	zx_handle_close(e);
}

Test(call_etc, iovecs)
{
	zx_handle_t a, b;
	zx_channel_iovec_t iov[3];
	zx_channel_call_etc_args_t args;
	char rd[16];
	uint32_t ab, ah, txid = 0;
	pthread_t t;

	pair(&a, &b);
	pthread_create(&t, NULL, server, &b);
	iov[0] = (zx_channel_iovec_t){ &txid, 4, 0 };
	iov[1] = (zx_channel_iovec_t){ "ab", 2, 0 };
	iov[2] = (zx_channel_iovec_t){ "cd", 2, 0 };
	args = (zx_channel_call_etc_args_t){ .wr_bytes = iov, .rd_bytes = rd,
	    .wr_num_bytes = 3, .rd_num_bytes = sizeof(rd) };
	cr_assert_eq(zx_channel_call_etc(a, ZX_CHANNEL_WRITE_USE_IOVEC,
	    ZX_TIME_INFINITE, &args, &ab, &ah), ZX_OK);
	cr_assert_eq(ab, 8);
	cr_assert_eq(memcmp(rd + 4, "abcd", 4), 0);
	/* CallIovecBytesLessThanTxidSize. */
	args.wr_num_bytes = 1;
	iov[0].capacity = 3;
	cr_assert_eq(zx_channel_call_etc(a, ZX_CHANNEL_WRITE_USE_IOVEC,
	    ZX_TIME_INFINITE, &args, &ab, &ah), ZX_ERR_INVALID_ARGS);
	/* Unknown options. */
	cr_assert_eq(zx_channel_call_etc(a, 1, ZX_TIME_INFINITE, &args, &ab,
	    &ah), ZX_ERR_INVALID_ARGS);
	zx_handle_close(a);
	pthread_join(t, NULL);
	zx_handle_close(b);
}

/* --- bad user pointers (issue 20 item 2) ------------------------------ *
 * A pointer into memory that cannot be read or written is INVALID_ARGS,
 * found by the kernel: libzx never crashes on it. */

static void *
bad_page(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	    0);

	cr_assert_neq(p, MAP_FAILED);
	return p;
}

Test(bad_pointers, write_and_write_etc)
{
	zx_handle_t a, b;
	void *bad = bad_page();
	zx_channel_iovec_t iov[1] = { { bad, 8, 0 } };

	pair(&a, &b);
	cr_assert_eq(zx_channel_write(a, 0, bad, 8, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, bad, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_channel_write_etc(a, 0, bad, 8, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_channel_write_etc(a, 0, "x", 1, bad, 2),
	    ZX_ERR_INVALID_ARGS);
	/* The iovec array, and a buffer it names. */
	cr_assert_eq(zx_channel_write(a, ZX_CHANNEL_WRITE_USE_IOVEC, bad, 1,
	    NULL, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_channel_write(a, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 1,
	    NULL, 0), ZX_ERR_INVALID_ARGS);
	/* In order: the channel's checks come first. */
	cr_assert_eq(zx_channel_write(ZX_HANDLE_INVALID, 0, bad, 8, NULL, 0),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_channel_write(a, 0, bad, ZX_CHANNEL_MAX_MSG_BYTES + 1,
	    NULL, 0), ZX_ERR_OUT_OF_RANGE);
	assert_empty(b);
	/* A faulting results array on failure: still no crash. */
	{
		zx_handle_disposition_t *d = mmap(NULL, 4096, PROT_READ |
		    PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		zx_handle_t e = event();

		cr_assert_neq(d, MAP_FAILED);
		d[0] = disp(ZX_HANDLE_OP_MOVE, e, ZX_OBJ_TYPE_VMO,
		    ZX_RIGHT_SAME_RIGHTS);
		cr_assert_eq(mprotect(d, 4096, PROT_READ), 0);
		cr_assert_eq(zx_channel_write_etc(a, 0, NULL, 0, d, 1),
		    ZX_ERR_WRONG_TYPE);
		cr_assert(!valid(e));
		munmap(d, 4096);
	}
	munmap(bad, 4096);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(bad_pointers, read_and_read_etc)
{
	zx_handle_t a, b, e;
	void *bad = bad_page();
	uint32_t ab, ah;
	char buf[8];

	pair(&a, &b);
	/* Bytes: the message is consumed. */
	cr_assert_eq(zx_channel_write(a, 0, "abc", 3, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, bad, NULL, 8, 0, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	assert_empty(b);
	/* Handles: consumed, and the handle closed. */
	e = event();
	cr_assert_eq(zx_channel_write(a, 0, NULL, 0, &e, 1), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, NULL, bad, 0, 1, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	assert_empty(b);
	e = event();
	cr_assert_eq(zx_channel_write(a, 0, NULL, 0, &e, 1), ZX_OK);
	cr_assert_eq(zx_channel_read_etc(b, 0, NULL, bad, 0, 1, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	assert_empty(b);
	/* The actual sizes. */
	cr_assert_eq(zx_channel_write(a, 0, "abc", 3, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, bad,
	    NULL), ZX_ERR_INVALID_ARGS);
	assert_empty(b);
	munmap(bad, 4096);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(bad_pointers, call_and_call_etc)
{
	zx_handle_t a, b;
	void *bad = bad_page();
	char wr[8] = "....ping", rd[8];
	zx_channel_call_args_t args;
	zx_channel_call_etc_args_t eargs;
	uint32_t ab, ah;
	pthread_t t;

	pair(&a, &b);
	pthread_create(&t, NULL, server, &b);
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, bad, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_channel_call_etc(a, 0, ZX_TIME_INFINITE, bad, &ab,
	    &ah), ZX_ERR_INVALID_ARGS);
	args = (zx_channel_call_args_t){ .wr_bytes = bad, .rd_bytes = rd,
	    .wr_num_bytes = 8, .rd_num_bytes = 8 };
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	args = (zx_channel_call_args_t){ .wr_bytes = wr, .wr_handles = bad,
	    .rd_bytes = rd, .wr_num_bytes = 8, .wr_num_handles = 1,
	    .rd_num_bytes = 8 };
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	/* A reply that cannot be written: INVALID_ARGS after the wait. */
	args = (zx_channel_call_args_t){ .wr_bytes = wr, .rd_bytes = bad,
	    .wr_num_bytes = 8, .rd_num_bytes = 8 };
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	eargs = (zx_channel_call_etc_args_t){ .wr_bytes = wr,
	    .wr_handles = bad, .rd_bytes = rd, .wr_num_bytes = 8,
	    .wr_num_handles = 1, .rd_num_bytes = 8 };
	cr_assert_eq(zx_channel_call_etc(a, 0, ZX_TIME_INFINITE, &eargs, &ab,
	    &ah), ZX_ERR_INVALID_ARGS);
	args = (zx_channel_call_args_t){ .wr_bytes = wr, .rd_bytes = rd,
	    .wr_num_bytes = 8, .rd_num_bytes = 8 };
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, bad, &ah),
	    ZX_ERR_INVALID_ARGS);
	/* And it still works. */
	cr_assert_eq(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &ab, &ah),
	    ZX_OK);
	cr_assert_eq(memcmp(rd + 4, "ping", 4), 0);
	zx_handle_close(a);
	pthread_join(t, NULL);
	zx_handle_close(b);
	munmap(bad, 4096);
}
