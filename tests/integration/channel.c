/*
 * zx_channel_create/write/read against a real zxd: Zircon's limits,
 * signals, check order, and the move of handles (the daemon kills every
 * copy of a sent handle's fd).
 */
#include "config-build.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>

#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

static zx_koid_t
koid_of(zx_handle_t h)
{
	zx_info_handle_basic_t b;

	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b, sizeof(b),
	    NULL, NULL), ZX_OK);
	return b.koid;
}

/* A copy of the handle's fd (zx_handle_t is (fd << 2) | 3). */
static int
dup_of(zx_handle_t h)
{
	int fd = dup((int)(h >> 2));

	cr_assert_geq(fd, 0);
	return fd;
}

/* The daemon serves nothing on the socket any more (closed, or kept as a
 * spare that reaches no handle). */
static bool
socket_dead(int fd)
{
	return zxdtest_socket_holds_nothing(fd) == 1;
}

static bool
socket_alive(int fd)
{
	char b;

	return recv(fd, &b, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

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

static void
expect_empty(zx_handle_t h)
{
	uint32_t ab = 99, ah = 99;

	cr_assert_eq(zx_channel_read(h, 0, NULL, NULL, 0, 0, &ab, &ah),
	    ZX_ERR_SHOULD_WAIT);
}

/* Zircon keeps a peered object's related_koid after the peer is gone. */
Test(channel, related_koid_outlives_peer)
{
	zx_handle_t a, b, e0, e1;
	zx_info_handle_basic_t ia, ib;
	zx_signals_t seen;

	mkchan(&a, &b);
	ib = basic_of(b);
	zx_handle_close(b);
	cr_assert_eq(zx_object_wait_one(a, ZX_CHANNEL_PEER_CLOSED,
	    ZX_TIME_INFINITE, &seen), ZX_OK);
	ia = basic_of(a);
	cr_assert_eq(ia.related_koid, ib.koid);
	zx_handle_close(a);

	cr_assert_eq(zx_eventpair_create(0, &e0, &e1), ZX_OK);
	ib = basic_of(e1);
	zx_handle_close(e1);
	cr_assert_eq(zx_object_wait_one(e0, ZX_EVENTPAIR_PEER_CLOSED,
	    ZX_TIME_INFINITE, &seen), ZX_OK);
	cr_assert_eq(basic_of(e0).related_koid, ib.koid);
	zx_handle_close(e0);
}

Test(channel, create)
{
	zx_handle_t a, b, dummy;
	zx_info_handle_basic_t ia, ib;

	mkchan(&a, &b);
	ia = basic_of(a);
	ib = basic_of(b);
	cr_assert_eq(ia.type, ZX_OBJ_TYPE_CHANNEL);
	cr_assert_eq(ia.rights, 0xF00Eu);
	cr_assert_eq(ib.rights, ZX_DEFAULT_CHANNEL_RIGHTS);
	cr_assert_eq(ia.related_koid, ib.koid);
	cr_assert_eq(ib.related_koid, ia.koid);
	cr_assert_eq(signals_of(a), ZX_CHANNEL_WRITABLE);
	cr_assert_eq(signals_of(b), ZX_CHANNEL_WRITABLE);
	cr_assert_eq(zx_channel_create(1, &dummy, &dummy), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_channel_create(0, NULL, &dummy), ZX_ERR_INVALID_ARGS);
	/* No DUPLICATE right. */
	cr_assert_eq(zx_handle_duplicate(a, ZX_RIGHT_SAME_RIGHTS, &dummy),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel, write_read_fifo_and_signals)
{
	zx_handle_t a, b;
	char buf[64];
	uint32_t ab, ah;
	zx_signals_t obs;

	mkchan(&a, &b);
	expect_empty(b);
	cr_assert_eq(zx_channel_write(a, 0, "one", 3, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "second", 6, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, NULL, 0, NULL, 0), ZX_OK);
	cr_assert_eq(zx_object_wait_one(b, ZX_CHANNEL_READABLE,
	    ZX_TIME_INFINITE, &obs), ZX_OK);
	cr_assert_eq(obs, ZX_CHANNEL_READABLE | ZX_CHANNEL_WRITABLE);
	cr_assert_eq(signals_of(a), ZX_CHANNEL_WRITABLE);
	/* Messages written on b go to a, not to b's own queue. */
	cr_assert_eq(zx_channel_write(b, 0, "back", 4, NULL, 0), ZX_OK);

	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &ab, &ah),
	    ZX_OK);
	cr_assert_eq(ab, 3);
	cr_assert_eq(ah, 0);
	cr_assert_arr_eq(buf, "one", 3);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &ab, &ah),
	    ZX_OK);
	cr_assert_eq(ab, 6);
	cr_assert_arr_eq(buf, "second", 6);
	cr_assert(signals_of(b) & ZX_CHANNEL_READABLE);
	/* An empty message, read with NULL buffers. */
	cr_assert_eq(zx_channel_read(b, 0, NULL, NULL, 0, 0, &ab, &ah), ZX_OK);
	cr_assert_eq(ab, 0);
	cr_assert_eq(signals_of(b), ZX_CHANNEL_WRITABLE);
	expect_empty(b);

	cr_assert_eq(zx_channel_read(a, 0, buf, NULL, sizeof(buf), 0, NULL,
	    NULL), ZX_OK);
	cr_assert_arr_eq(buf, "back", 4);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel, peer_closed)
{
	zx_handle_t a, b;
	char buf[8];
	zx_signals_t obs;

	mkchan(&a, &b);
	cr_assert_eq(zx_channel_write(a, 0, "left", 4, NULL, 0), ZX_OK);
	cr_assert_eq(zx_handle_close(a), ZX_OK);
	cr_assert_eq(zx_object_wait_one(b, ZX_CHANNEL_PEER_CLOSED,
	    ZX_TIME_INFINITE, &obs), ZX_OK);
	/* WRITABLE goes; what was queued can still be read. */
	cr_assert_eq(obs, ZX_CHANNEL_PEER_CLOSED | ZX_CHANNEL_READABLE);
	cr_assert_eq(zx_channel_write(b, 0, "x", 1, NULL, 0),
	    ZX_ERR_PEER_CLOSED);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, NULL,
	    NULL), ZX_OK);
	cr_assert_arr_eq(buf, "left", 4);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, NULL,
	    NULL), ZX_ERR_PEER_CLOSED);
	cr_assert_eq(signals_of(b), ZX_CHANNEL_PEER_CLOSED);
	zx_handle_close(b);
}

Test(channel, buffer_too_small_keeps_message)
{
	zx_handle_t a, b, e, got;
	char buf[16];
	uint32_t ab = 0, ah = 0;

	mkchan(&a, &b);
	e = mkevent();
	cr_assert_eq(zx_channel_write(a, 0, "0123456789", 10, &e, 1), ZX_OK);
	/* Too few bytes: the sizes needed come back, the message stays. */
	cr_assert_eq(zx_channel_read(b, 0, buf, &got, 4, 1, &ab, &ah),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(ab, 10);
	cr_assert_eq(ah, 1);
	/* Too few handles. */
	ab = ah = 0;
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &ab,
	    &ah), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(ab, 10);
	cr_assert_eq(ah, 1);
	/* NULL actual pointers are fine. */
	cr_assert_eq(zx_channel_read(b, 0, NULL, NULL, 0, 0, NULL, NULL),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert(signals_of(b) & ZX_CHANNEL_READABLE);
	cr_assert_eq(zx_channel_read(b, 0, buf, &got, sizeof(buf), 1, &ab,
	    &ah), ZX_OK);
	cr_assert_arr_eq(buf, "0123456789", 10);
	cr_assert_eq(basic_of(got).type, ZX_OBJ_TYPE_EVENT);
	zx_handle_close(got);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel, read_may_discard)
{
	zx_handle_t a, b, e, keep;
	char buf[4];
	uint32_t ab = 0, ah = 0;
	int kept;

	mkchan(&a, &b);
	e = mkevent();
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	cr_assert_eq(count_of(keep), 2);
	kept = dup_of(e);
	cr_assert_eq(zx_channel_write(a, 0, "0123456789", 10, &e, 1), ZX_OK);
	cr_assert(socket_dead(kept));
	close(kept);
	cr_assert_eq(count_of(keep), 2);	/* one is in flight */
	cr_assert_eq(zx_channel_write(a, 0, "ok", 2, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, ZX_CHANNEL_READ_MAY_DISCARD, buf, NULL,
	    sizeof(buf), 0, &ab, &ah), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(ab, 10);
	cr_assert_eq(ah, 1);
	/* Discarded, and its handle closed. */
	cr_assert_eq(count_of(keep), 1);
	cr_assert_eq(zx_channel_read(b, ZX_CHANNEL_READ_MAY_DISCARD, buf, NULL,
	    sizeof(buf), 0, &ab, &ah), ZX_OK);
	cr_assert_arr_eq(buf, "ok", 2);
	/* Fitting messages are read normally with the option. */
	expect_empty(b);
	zx_handle_close(keep);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel, read_null_buffers)
{
	zx_handle_t a, b, e, keep;
	char buf[8];
	uint32_t ab = 0, ah = 0;

	mkchan(&a, &b);
	/* NULL bytes with room claimed: the message is taken, as Zircon's
	 * copy-out fault takes it, and INVALID_ARGS. */
	cr_assert_eq(zx_channel_write(a, 0, "data", 4, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, NULL, NULL, 8, 0, &ab, &ah),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(ab, 4);
	expect_empty(b);
	/* NULL bytes, room claimed, an empty message: fine. */
	cr_assert_eq(zx_channel_write(a, 0, NULL, 0, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, NULL, NULL, 8, 4, &ab, &ah), ZX_OK);
	cr_assert_eq(ab, 0);
	/* NULL handles with room claimed: bytes are copied, the handles are
	 * closed, INVALID_ARGS. */
	e = mkevent();
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "hd", 2, &e, 1), ZX_OK);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 1, &ab,
	    &ah), ZX_ERR_INVALID_ARGS);
	cr_assert_arr_eq(buf, "hd", 2);
	cr_assert_eq(ah, 1);
	expect_empty(b);
	cr_assert_eq(count_of(keep), 1);
	zx_handle_close(keep);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel, read_checks)
{
	zx_handle_t a, b, ro, wo, e;
	char buf[8];

	mkchan(&a, &b);
	e = mkevent();
	cr_assert_eq(zx_channel_read(0, 0, buf, NULL, 8, 0, NULL, NULL),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_channel_read(a | 0x40000000u, 0, buf, NULL, 8, 0,
	    NULL, NULL), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_channel_read(e, 0, buf, NULL, 8, 0, NULL, NULL),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_handle_replace(b, ZX_RIGHT_WRITE | ZX_RIGHT_TRANSFER,
	    &wo), ZX_OK);
	/* The right comes before the options. */
	cr_assert_eq(zx_channel_read(wo, 2, buf, NULL, 8, 0, NULL, NULL),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_channel_read(a, 2, buf, NULL, 8, 0, NULL, NULL),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_channel_read(a, 0x80000000u, buf, NULL, 8, 0, NULL,
	    NULL), ZX_ERR_NOT_SUPPORTED);
	/* write needs WRITE. */
	cr_assert_eq(zx_handle_replace(a, ZX_RIGHT_READ, &ro), ZX_OK);
	cr_assert_eq(zx_channel_write(ro, 0, "x", 1, NULL, 0),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_channel_write(wo, 0, "x", 1, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(ro, 0, buf, NULL, 8, 0, NULL, NULL),
	    ZX_OK);
	cr_assert_eq(zx_channel_write(e, 0, "x", 1, NULL, 0),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_channel_write(0, 0, "x", 1, NULL, 0),
	    ZX_ERR_BAD_HANDLE);
	zx_handle_close(ro);
	zx_handle_close(wo);
	zx_handle_close(e);
}

Test(channel, limits)
{
	static char big[ZX_CHANNEL_MAX_MSG_BYTES + 1];
	static char in[ZX_CHANNEL_MAX_MSG_BYTES];
	zx_handle_t a, b, hs[ZX_CHANNEL_MAX_MSG_HANDLES + 1];
	zx_handle_t got[ZX_CHANNEL_MAX_MSG_HANDLES];
	uint32_t ab, ah;
	int kept;

	mkchan(&a, &b);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	cr_assert_eq(zx_channel_write(a, 0, big, ZX_CHANNEL_MAX_MSG_BYTES,
	    NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, big, ZX_CHANNEL_MAX_MSG_BYTES + 1,
	    NULL, 0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_channel_write(a, 0, big, UINT32_MAX, NULL, 0),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_channel_read(b, 0, in, NULL, sizeof(in), 0, &ab, &ah),
	    ZX_OK);
	cr_assert_eq(ab, ZX_CHANNEL_MAX_MSG_BYTES);
	cr_assert_arr_eq(in, big, sizeof(in));
	expect_empty(b);

	for (size_t i = 0; i < ZX_CHANNEL_MAX_MSG_HANDLES; i++)
		hs[i] = mkevent();
	cr_assert_eq(zx_channel_write(a, 0, "h", 1, hs,
	    ZX_CHANNEL_MAX_MSG_HANDLES), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, in, got, sizeof(in),
	    ZX_CHANNEL_MAX_MSG_HANDLES, &ab, &ah), ZX_OK);
	cr_assert_eq(ah, ZX_CHANNEL_MAX_MSG_HANDLES);
	for (size_t i = 0; i < ZX_CHANNEL_MAX_MSG_HANDLES; i++)
		cr_assert_eq(basic_of(got[i]).type, ZX_OBJ_TYPE_EVENT);
	/* One too many: OUT_OF_RANGE, nothing sent, every handle closed. */
	for (size_t i = 0; i < ZX_CHANNEL_MAX_MSG_HANDLES; i++)
		hs[i] = got[i];
	hs[ZX_CHANNEL_MAX_MSG_HANDLES] = mkevent();
	kept = dup_of(hs[0]);
	cr_assert_eq(zx_channel_write(a, 0, "h", 1, hs,
	    ZX_CHANNEL_MAX_MSG_HANDLES + 1), ZX_ERR_OUT_OF_RANGE);
	for (size_t i = 0; i <= ZX_CHANNEL_MAX_MSG_HANDLES; i++)
		cr_assert_eq(zx_handle_close(hs[i]), ZX_ERR_BAD_HANDLE);
	(void)kept;
	close(kept);
	expect_empty(b);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel, transfer_moves_handle)
{
	zx_handle_t a, b, e, small, got[2];
	zx_koid_t ke;
	uint32_t ab, ah;
	char buf[4];
	int kept;

	mkchan(&a, &b);
	e = mkevent();
	ke = koid_of(e);
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT |
	    ZX_RIGHT_SIGNAL, &small), ZX_OK);
	kept = dup_of(e);
	cr_assert(socket_alive(kept));
	zx_handle_t hs[2] = { e, small };
	cr_assert_eq(zx_channel_write(a, 0, "ev", 2, hs, 2), ZX_OK);
	/* Gone from the sender, and so is the copy of its fd. */
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_handle_close(small), ZX_ERR_BAD_HANDLE);
	cr_assert(socket_dead(kept));
	close(kept);

	cr_assert_eq(zx_channel_read(b, 0, buf, got, sizeof(buf), 2, &ab, &ah),
	    ZX_OK);
	cr_assert_eq(ah, 2);
	/* The same object, with the same rights, in handle order. */
	cr_assert_eq(koid_of(got[0]), ke);
	cr_assert_eq(koid_of(got[1]), ke);
	cr_assert_eq(basic_of(got[0]).rights, ZX_DEFAULT_EVENT_RIGHTS);
	cr_assert_eq(basic_of(got[1]).rights, ZX_RIGHT_TRANSFER |
	    ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL);
	cr_assert_eq(zx_object_signal(got[1], 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert(signals_of(got[0]) & ZX_USER_SIGNAL_0);
	zx_handle_close_many(got, 2);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel, dup_of_sent_handle_is_dead_at_socket_level)
{
	zx_handle_t a, b, e;
	int kept;
	char pkt[16] = { 0 };
	struct msghdr mh = { 0 };
	struct iovec iov = { pkt, sizeof(pkt) };

	mkchan(&a, &b);
	e = mkevent();
	kept = dup_of(e);
	cr_assert_eq(zx_channel_write(a, 0, NULL, 0, &e, 1), ZX_OK);
	/* A raw packet on the copy reaches nothing: the daemon's end is
	 * closed, or kept as a spare, which a packet closes. */
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (sendmsg(kept, &mh, MSG_NOSIGNAL) < 0)
		cr_assert_eq(errno, EPIPE);
	cr_assert_eq(recv(kept, pkt, sizeof(pkt), 0), 0);
	close(kept);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel, failed_write_closes_handles)
{
	zx_handle_t a, b, e1, e2, keep, nt;
	int k1, k2;

	mkchan(&a, &b);
	/* An invalid value among valid ones: BAD_HANDLE, nothing sent, the
	 * valid ones closed (every copy). */
	e1 = mkevent();
	e2 = mkevent();
	cr_assert_eq(zx_handle_duplicate(e1, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	k1 = dup_of(e1);
	k2 = dup_of(e2);
	zx_handle_t hs[3] = { e1, 0x7ffffff3u, e2 };
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, hs, 3), ZX_ERR_BAD_HANDLE);
	cr_assert(socket_dead(k1));
	cr_assert(socket_dead(k2));
	close(k1);
	close(k2);
	cr_assert_eq(count_of(keep), 1);
	expect_empty(b);

	/* The same handle twice: BAD_HANDLE (the second is gone already). */
	e1 = mkevent();
	k1 = dup_of(e1);
	zx_handle_t twice[2] = { e1, e1 };
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, twice, 2),
	    ZX_ERR_BAD_HANDLE);
	cr_assert(socket_dead(k1));
	close(k1);
	expect_empty(b);

	/* No TRANSFER right: ACCESS_DENIED, and closed. */
	e1 = mkevent();
	cr_assert_eq(zx_handle_replace(e1, ZX_RIGHT_WAIT, &nt), ZX_OK);
	k1 = dup_of(nt);
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, &nt, 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert(socket_dead(k1));
	close(k1);
	expect_empty(b);

	/* Options: INVALID_ARGS, handles closed (every copy). */
	e1 = mkevent();
	k1 = dup_of(e1);
	cr_assert_eq(zx_channel_write(a, 1, "x", 1, &e1, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_handle_close(e1), ZX_ERR_BAD_HANDLE);
	cr_assert(socket_dead(k1));
	close(k1);

	/* NULL bytes with a size. */
	e1 = mkevent();
	k1 = dup_of(e1);
	cr_assert_eq(zx_channel_write(a, 0, NULL, 1, &e1, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert(socket_dead(k1));
	close(k1);
	/* NULL handles with a count. */
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, NULL, 1),
	    ZX_ERR_INVALID_ARGS);
	expect_empty(b);

	/* Peer closed: PEER_CLOSED, and the handles closed too. */
	e1 = mkevent();
	k1 = dup_of(e1);
	zx_handle_close(b);
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, &e1, 1),
	    ZX_ERR_PEER_CLOSED);
	cr_assert(socket_dead(k1));
	close(k1);
	zx_handle_close(keep);
	zx_handle_close(a);
}

Test(channel, write_own_handle)
{
	zx_handle_t a, b, e;
	int ka, ke;
	zx_signals_t obs;

	mkchan(&a, &b);
	e = mkevent();
	ka = dup_of(a);
	ke = dup_of(e);
	zx_handle_t hs[2] = { e, a };
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, hs, 2),
	    ZX_ERR_NOT_SUPPORTED);
	/* As in Zircon, the channel handle was taken and closed too. */
	cr_assert(socket_dead(ka));
	cr_assert(socket_dead(ke));
	close(ka);
	close(ke);
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, NULL, 0),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_object_wait_one(b, ZX_CHANNEL_PEER_CLOSED,
	    ZX_TIME_INFINITE, &obs), ZX_OK);
	/* Nothing was sent. */
	cr_assert_eq(zx_channel_read(b, 0, NULL, NULL, 0, 0, NULL, NULL),
	    ZX_ERR_PEER_CLOSED);
	zx_handle_close(b);
}

Test(channel, check_order)
{
	static char big[ZX_CHANNEL_MAX_MSG_BYTES + 1];
	zx_handle_t a, b, ro, e;

	mkchan(&a, &b);
	e = mkevent();
	/* Options before the channel handle. */
	cr_assert_eq(zx_channel_write(0, 1, "x", 1, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	/* The channel handle before the sizes. */
	cr_assert_eq(zx_channel_write(0, 0, big, sizeof(big), NULL, 0),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_channel_write(e, 0, big, sizeof(big), NULL, 0),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_handle_replace(a, ZX_RIGHT_READ, &ro), ZX_OK);
	cr_assert_eq(zx_channel_write(ro, 0, big, sizeof(big), NULL, 0),
	    ZX_ERR_ACCESS_DENIED);
	/* Sizes before NULL pointers. */
	cr_assert_eq(zx_channel_write(b, 0, NULL, sizeof(big), NULL, 0),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_channel_write(b, 0, "x", 1, NULL, 65),
	    ZX_ERR_OUT_OF_RANGE);
	/* NULL bytes before the handles. */
	zx_handle_t bad = 0x7ffffff3u;
	cr_assert_eq(zx_channel_write(b, 0, NULL, 1, &bad, 1),
	    ZX_ERR_INVALID_ARGS);
	/* The handles before the peer. */
	zx_handle_close(ro);
	cr_assert_eq(zx_channel_write(b, 0, "x", 1, &bad, 1),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_channel_write(b, 0, "x", 1, NULL, 0),
	    ZX_ERR_PEER_CLOSED);
	zx_handle_close(b);
	zx_handle_close(e);
}

Test(channel, channel_endpoint_travels)
{
	zx_handle_t a, b, c, d, got;
	char buf[8];
	uint32_t ab, ah;
	zx_koid_t kd;

	mkchan(&a, &b);
	mkchan(&c, &d);
	kd = koid_of(d);
	cr_assert_eq(zx_channel_write(a, 0, "chan", 4, &d, 1), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, buf, &got, sizeof(buf), 1, &ab,
	    &ah), ZX_OK);
	cr_assert_eq(koid_of(got), kd);
	cr_assert_eq(basic_of(got).rights, ZX_DEFAULT_CHANNEL_RIGHTS);
	cr_assert_eq(zx_channel_write(c, 0, "via", 3, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(got, 0, buf, NULL, sizeof(buf), 0, &ab,
	    &ah), ZX_OK);
	cr_assert_arr_eq(buf, "via", 3);
	/* Send a channel through itself's peer: the message holding d sits
	 * in d's own queue; closing c must still not hang anything. */
	cr_assert_eq(zx_channel_write(c, 0, "self", 4, &got, 1), ZX_OK);
	zx_handle_close(c);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel, user_signals)
{
	zx_handle_t a, b;

	mkchan(&a, &b);
	cr_assert_eq(zx_object_signal(a, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(signals_of(a), ZX_CHANNEL_WRITABLE | ZX_USER_SIGNAL_0);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_1), ZX_OK);
	cr_assert(signals_of(b) & ZX_USER_SIGNAL_1);
	cr_assert_eq(zx_object_signal(a, 0, ZX_CHANNEL_READABLE),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(b);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_1),
	    ZX_ERR_PEER_CLOSED);
	zx_handle_close(a);
}

Test(channel, queue_limit)
{
	zx_handle_t a, b, e;
	char c;

	mkchan(&a, &b);
	/* Zircon's 3500 pending messages per endpoint. */
	for (int i = 0; i < 3500; i++)
		cr_assert_eq(zx_channel_write(a, 0, "q", 1, NULL, 0), ZX_OK);
	e = mkevent();
	cr_assert_eq(zx_channel_write(a, 0, "q", 1, &e, 1),
	    ZX_ERR_NO_RESOURCES);
	cr_assert_eq(zx_handle_close(e), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_channel_read(b, 0, &c, NULL, 1, 0, NULL, NULL), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "q", 1, NULL, 0), ZX_OK);
	zx_handle_close(a);
	zx_handle_close(b);
}
