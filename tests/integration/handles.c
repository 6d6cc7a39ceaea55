/*
 * Handles against a real zxd (run under tests/with-zxd.sh): every status
 * of ZIRCON.md §1.5, handle values and koids, ZX_INFO_HANDLE_BASIC /
 * VALID / COUNT, properties as far as an event's rights reach, the
 * vDSO-style helpers, the fork rule, and several threads on one handle.
 *
 * An event's default rights (0xD003) carry no GET/SET_PROPERTY, so every
 * property call on it stops at ACCESS_DENIED, as in Zircon; the NAME
 * property is exercised on a VMO (0xD0EF). VMO_CONTENT_SIZE on a non-VMO
 * (WRONG_TYPE) needs a non-VMO with GET_PROPERTY, which no type has by
 * default yet: tests/unit/handle.c drives the handler for it.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "tests/lib/zxdcheck.h"

/* A value with the fixed bits set whose fd is surely not open. */
#define BOGUS	((zx_handle_t)((1000000u << 2) | 3))

static zx_info_handle_basic_t
basic(zx_handle_t h)
{
	zx_info_handle_basic_t b;
	size_t actual = 99, avail = 99;
	zx_status_t st;

	memset(&b, 0xa5, sizeof(b));
	st = zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b, sizeof(b),
	    &actual, &avail);
	cr_assert_eq(st, ZX_OK, "HANDLE_BASIC: %s", zx_status_get_string(st));
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	return b;
}

static zx_rights_t
rights_of(zx_handle_t h)
{
	return basic(h).rights;
}

/* A handle to a new event with exactly `rights`. */
static zx_handle_t
event_with(zx_rights_t rights)
{
	zx_handle_t h = new_event(), r;

	cr_assert_eq(zx_handle_replace(h, rights, &r), ZX_OK);
	cr_assert_eq(rights_of(r), rights);
	return r;
}

static bool
fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* --- values and koids ----------------------------------------------- */

Test(values, nonzero_fixed_bits_koids)
{
	zx_handle_t h[8], a, b;
	zx_koid_t last = 0;

	for (int i = 0; i < 8; i++) {
		h[i] = new_event();
		cr_assert_neq(h[i], ZX_HANDLE_INVALID);
		cr_assert_eq(h[i] & ZX_HANDLE_FIXED_BITS_MASK,
		    ZX_HANDLE_FIXED_BITS_MASK, "value %#x", h[i]);
		for (int j = 0; j < i; j++)
			cr_assert_neq(h[i], h[j]);
		zx_koid_t k = basic(h[i]).koid;

		cr_assert_geq(k, ZX_KOID_FIRST);
		cr_assert_gt(k, last, "koids increase");
		last = k;
	}
	cr_assert_eq(zx_eventpair_create(0, &a, &b), ZX_OK);
	cr_assert_eq(a & 3, 3);
	cr_assert_eq(b & 3, 3);
	cr_assert_neq(a, b);
	cr_assert_gt(basic(a).koid, last);
	cr_assert_neq(basic(a).koid, basic(b).koid);
	cr_assert_eq(zx_handle_close_many(h, 8), ZX_OK);
	cr_assert_eq(zx_handle_close(a), ZX_OK);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
}

/* --- zx_handle_close ------------------------------------------------ */

Test(close, statuses)
{
	zx_handle_t h = new_event();
	int fd = (int)(h >> 2);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	cr_assert_eq(zx_handle_close(ZX_HANDLE_INVALID), ZX_OK);
	cr_assert_eq(zx_handle_close(BOGUS), ZX_ERR_BAD_HANDLE);
	/* The value of an open fd that is no handle is no handle. */
	cr_assert_geq(null, 0);
	cr_assert_eq(zx_handle_close(((zx_handle_t)null << 2) | 3),
	    ZX_ERR_BAD_HANDLE);
	cr_assert(fd_is_open(null), "libzx left the file alone");
	close(null);
	/* A live handle's value with wrong low bits. */
	cr_assert_eq(zx_handle_close(h & ~1u), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_handle_close(h & ~3u), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_handle_check_valid(h), ZX_OK);

	cr_assert_eq(zx_handle_close(h), ZX_OK);
	/* Its socket may stay with libzx as a spare (tests/integration/
	 * spares); the value is no handle either way. */
	(void)fd;
	cr_assert_eq(zx_handle_close(h), ZX_ERR_BAD_HANDLE, "closed twice");
	cr_assert_eq(zx_object_signal(h, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_handle_check_valid(h), ZX_ERR_NOT_FOUND);
}

/* A closed handle's fd number reused by a plain file is still no
 * handle. */
Test(close, reused_fd_is_not_a_handle)
{
	zx_handle_t h = new_event();
	int fd;

	cr_assert_eq(zx_handle_close(h), ZX_OK);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	if (fd != (int)(h >> 2)) {
		cr_assert_eq(dup3(fd, (int)(h >> 2), O_CLOEXEC), (int)(h >> 2));
		close(fd);
		fd = (int)(h >> 2);
	}
	cr_assert_eq(zx_handle_check_valid(h), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_VALID, NULL, 0,
	    NULL, NULL), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_handle_close(h), ZX_ERR_BAD_HANDLE);
	cr_assert(fd_is_open(fd), "libzx left the file alone");
	close(fd);
}

Test(close_many, skips_invalid)
{
	zx_handle_t h[4] = { ZX_HANDLE_INVALID, new_event(), ZX_HANDLE_INVALID,
	    new_event() };

	cr_assert_eq(zx_handle_close_many(h, 4), ZX_OK);
	cr_assert_eq(zx_handle_check_valid(h[1]), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_handle_check_valid(h[3]), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_handle_close_many(NULL, 0), ZX_OK);
	cr_assert_eq(zx_handle_close_many(h, 0), ZX_OK);
	cr_assert_eq(zx_handle_close_many((zx_handle_t[]){ 0, 0 }, 2), ZX_OK);
}

Test(close_many, bad_values_still_close_the_good)
{
	zx_handle_t a = new_event(), b = new_event(), c = new_event();
	zx_handle_t dup[3] = { a, b, a };
	zx_handle_t bogus[3] = { c, BOGUS, ZX_HANDLE_INVALID };

	cr_assert_eq(zx_handle_close_many(dup, 3), ZX_ERR_BAD_HANDLE,
	    "the same value twice");
	cr_assert_eq(zx_handle_check_valid(a), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_handle_check_valid(b), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_handle_close_many(bogus, 3), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_handle_check_valid(c), ZX_ERR_NOT_FOUND);
}

/* More than one kernel batch of 64; the bad value in the second. */
Test(close_many, more_than_64)
{
	enum { N = 150 };
	zx_handle_t h[N + 1];

	for (int i = 0; i < N; i++)
		h[i] = new_event();
	h[N] = h[100];
	cr_assert_eq(zx_handle_close_many(h, N + 1), ZX_ERR_BAD_HANDLE);
	for (int i = 0; i < N; i++)
		cr_assert_eq(zx_handle_check_valid(h[i]), ZX_ERR_NOT_FOUND,
		    "handle %d left open", i);

	for (int i = 0; i < N; i++)
		h[i] = new_event();
	cr_assert_eq(zx_handle_close_many(h, N), ZX_OK);
	for (int i = 0; i < N; i++)
		cr_assert_eq(zx_handle_check_valid(h[i]), ZX_ERR_NOT_FOUND);
}

/* --- zx_handle_duplicate -------------------------------------------- */

Test(duplicate, statuses_in_order)
{
	zx_handle_t h = new_event(), nodup, d;

	d = 0x1234;
	cr_assert_eq(zx_handle_duplicate(BOGUS, ZX_RIGHT_SAME_RIGHTS, &d),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_handle_duplicate(ZX_HANDLE_INVALID,
	    ZX_RIGHT_SAME_RIGHTS, &d), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(d, 0x1234, "out untouched on failure");

	/* No DUPLICATE right: ACCESS_DENIED, before the rights check. */
	nodup = event_with(ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_DUPLICATE);
	cr_assert_eq(zx_handle_duplicate(nodup, ZX_RIGHT_SAME_RIGHTS, &d),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_handle_duplicate(nodup, ZX_RIGHT_WAIT, &d),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_handle_duplicate(nodup, ZX_RIGHT_READ, &d),
	    ZX_ERR_ACCESS_DENIED);

	/* A superset. */
	cr_assert_eq(zx_handle_duplicate(h, ZX_DEFAULT_EVENT_RIGHTS |
	    ZX_RIGHT_READ, &d), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SIGNAL_PEER, &d),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(d, 0x1234);
	/* The source survives every failure. */
	cr_assert_eq(zx_handle_check_valid(h), ZX_OK);
	cr_assert_eq(zx_handle_check_valid(nodup), ZX_OK);
	zx_handle_close(h);
	zx_handle_close(nodup);
}

Test(duplicate, same_rights_and_subsets)
{
	zx_handle_t h = new_event(), d1, d2, d3;
	zx_info_handle_basic_t bh, b1;

	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &d1), ZX_OK);
	cr_assert_neq(d1, h);
	cr_assert_eq(d1 & 3, 3);
	bh = basic(h);
	b1 = basic(d1);
	cr_assert_eq(b1.koid, bh.koid, "the same object");
	cr_assert_eq(b1.rights, ZX_DEFAULT_EVENT_RIGHTS);
	cr_assert_eq(b1.type, ZX_OBJ_TYPE_EVENT);

	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_WAIT | ZX_RIGHT_DUPLICATE,
	    &d2), ZX_OK);
	cr_assert_eq(rights_of(d2), ZX_RIGHT_WAIT | ZX_RIGHT_DUPLICATE);
	/* Exactly the source's rights, spelled out. */
	cr_assert_eq(zx_handle_duplicate(d2, ZX_RIGHT_WAIT |
	    ZX_RIGHT_DUPLICATE, &d3), ZX_OK);
	cr_assert_eq(zx_handle_close(d3), ZX_OK);
	/* No rights at all is a subset too. */
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_NONE, &d3), ZX_OK);
	cr_assert_eq(rights_of(d3), ZX_RIGHT_NONE);
	cr_assert_eq(zx_handle_duplicate(d3, ZX_RIGHT_SAME_RIGHTS, &d1),
	    ZX_ERR_ACCESS_DENIED);

	/* The object lives as long as any handle: signal through one, see
	 * it through another after the first is gone. */
	cr_assert_eq(zx_handle_close(h), ZX_OK);
	cr_assert_eq(zx_object_signal(d1, 0, ZX_USER_SIGNAL_2), ZX_OK);
	cr_assert_eq(zx_object_wait_one(d2, ZX_USER_SIGNAL_2, 0, NULL), ZX_OK);
	zx_handle_close(d1);
	zx_handle_close(d2);
	zx_handle_close(d3);
}

/* --- zx_handle_replace ---------------------------------------------- */

Test(replace, statuses)
{
	zx_handle_t h = new_event(), r = 0x1234, nodup;

	cr_assert_eq(zx_handle_replace(BOGUS, ZX_RIGHT_SAME_RIGHTS, &r),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(r, 0x1234);

	/* A superset: INVALID_ARGS, and the source is gone anyway. */
	cr_assert_eq(zx_handle_replace(h, ZX_DEFAULT_EVENT_RIGHTS |
	    ZX_RIGHT_WRITE, &r), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(r, 0x1234);
	cr_assert_eq(zx_handle_check_valid(h), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_object_signal(h, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_BAD_HANDLE);

	/* DUPLICATE is not needed. */
	nodup = event_with(ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT);
	cr_assert_eq(zx_handle_replace(nodup, ZX_RIGHT_INSPECT, &r), ZX_OK);
	cr_assert_eq(rights_of(r), ZX_RIGHT_INSPECT);
	cr_assert_eq(zx_handle_check_valid(nodup), ZX_ERR_NOT_FOUND);
	zx_handle_close(r);
}

Test(replace, success_invalidates_source)
{
	zx_handle_t h = new_event(), r, r2;
	zx_koid_t k = basic(h).koid;

	cr_assert_eq(zx_handle_replace(h, ZX_RIGHT_SAME_RIGHTS, &r), ZX_OK);
	cr_assert_neq(r, h);
	cr_assert_eq(zx_handle_check_valid(h), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_handle_close(h), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(basic(r).koid, k);
	cr_assert_eq(rights_of(r), ZX_DEFAULT_EVENT_RIGHTS);
	cr_assert_eq(zx_handle_replace(r, ZX_RIGHT_SIGNAL | ZX_RIGHT_WAIT |
	    ZX_RIGHT_INSPECT, &r2), ZX_OK);
	cr_assert_eq(rights_of(r2), ZX_RIGHT_SIGNAL | ZX_RIGHT_WAIT |
	    ZX_RIGHT_INSPECT);
	cr_assert_eq(basic(r2).koid, k);
	/* The object survived the replaces: its state is still there. */
	cr_assert_eq(zx_object_signal(r2, 0, ZX_USER_SIGNAL_4), ZX_OK);
	cr_assert_eq(zx_object_wait_one(r2, ZX_USER_SIGNAL_4, 0, NULL), ZX_OK);
	zx_handle_close(r2);
}

/* --- zx_handle_check_valid ------------------------------------------ */

Test(check_valid, statuses)
{
	zx_handle_t h = new_event();

	cr_assert_eq(zx_handle_check_valid(ZX_HANDLE_INVALID),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_handle_check_valid(1), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_handle_check_valid(2), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_handle_check_valid(4), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_handle_check_valid(h & ~1u), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_handle_check_valid(h & ~2u), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_handle_check_valid(BOGUS), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_handle_check_valid(0xffffffffu), ZX_ERR_NOT_FOUND);
	{
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		cr_assert_geq(null, 0);
		cr_assert_eq(zx_handle_check_valid(((zx_handle_t)null << 2) |
		    3), ZX_ERR_NOT_FOUND, "an fd that is no handle");
		close(null);
	}
	cr_assert_eq(zx_handle_check_valid(h), ZX_OK);
	zx_handle_close(h);
	cr_assert_eq(zx_handle_check_valid(h), ZX_ERR_NOT_FOUND);
}

/* --- zx_object_get_info --------------------------------------------- */

Test(info, handle_basic)
{
	zx_handle_t e = new_event(), a, b;
	zx_info_handle_basic_t be, ba, bb;

	be = basic(e);
	cr_assert_geq(be.koid, ZX_KOID_FIRST);
	cr_assert_eq(be.rights, 0xD003);
	cr_assert_eq(be.rights, ZX_DEFAULT_EVENT_RIGHTS);
	cr_assert_eq(be.type, ZX_OBJ_TYPE_EVENT);
	cr_assert_eq(be.related_koid, 0);
	cr_assert_eq(be.reserved, 0);

	cr_assert_eq(zx_eventpair_create(0, &a, &b), ZX_OK);
	ba = basic(a);
	bb = basic(b);
	cr_assert_eq(ba.rights, 0xF003);
	cr_assert_eq(ba.rights, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	cr_assert_eq(bb.rights, 0xF003);
	cr_assert_eq(ba.type, ZX_OBJ_TYPE_EVENTPAIR);
	cr_assert_eq(bb.type, ZX_OBJ_TYPE_EVENTPAIR);
	cr_assert_eq(ba.related_koid, bb.koid);
	cr_assert_eq(bb.related_koid, ba.koid);
	cr_assert_geq(ba.koid, ZX_KOID_FIRST);
	cr_assert_neq(ba.koid, be.koid);
	/* A duplicate names the same object and peer. */
	{
		zx_handle_t d;

		cr_assert_eq(zx_handle_duplicate(a, ZX_RIGHT_WAIT, &d), ZX_OK);
		cr_assert_eq(basic(d).koid, ba.koid);
		cr_assert_eq(basic(d).related_koid, bb.koid);
		cr_assert_eq(basic(d).rights, ZX_RIGHT_WAIT);
		zx_handle_close(d);
	}
	/* The peer gone, related_koid still names it (as in Zircon). */
	zx_handle_close(b);
	cr_assert_eq(zx_object_wait_one(a, ZX_EVENTPAIR_PEER_CLOSED,
	    zx_deadline_after(ZX_SEC(5)), NULL), ZX_OK);
	cr_assert_eq(basic(a).related_koid, bb.koid);
	zx_handle_close(e);
	zx_handle_close(a);
}

Test(info, handle_valid_and_bad_handles)
{
	zx_handle_t h = event_with(ZX_RIGHT_NONE);
	zx_info_handle_basic_t b;

	/* No rights needed for HANDLE_VALID or HANDLE_BASIC. */
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_VALID, NULL, 0,
	    NULL, NULL), ZX_OK);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b,
	    sizeof(b), NULL, NULL), ZX_OK);
	cr_assert_eq(b.rights, ZX_RIGHT_NONE);
	cr_assert_eq(zx_object_get_info(BOGUS, ZX_INFO_HANDLE_VALID, NULL, 0,
	    NULL, NULL), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_object_get_info(ZX_HANDLE_INVALID,
	    ZX_INFO_HANDLE_BASIC, &b, sizeof(b), NULL, NULL),
	    ZX_ERR_BAD_HANDLE);
	zx_handle_close(h);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_VALID, NULL, 0,
	    NULL, NULL), ZX_ERR_BAD_HANDLE);
}

Test(info, buffer_too_small)
{
	zx_handle_t h = new_event();
	zx_info_handle_basic_t b;
	size_t actual = 99, avail = 99;

	memset(&b, 0x5a, sizeof(b));
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b,
	    sizeof(b) - 1, &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
	cr_assert_eq(((unsigned char *)&b)[0], 0x5a, "buffer untouched");
	actual = avail = 99;
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, NULL, 0,
	    &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
	/* NULL actual/avail are fine. */
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, NULL, 0,
	    NULL, NULL), ZX_ERR_BUFFER_TOO_SMALL);
	/* A bigger buffer than needed gets one record. */
	{
		unsigned char big[100];

		cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, big,
		    sizeof(big), &actual, &avail), ZX_OK);
		cr_assert_eq(actual, 1);
		cr_assert_eq(avail, 1);
	}
	zx_handle_close(h);
}

Test(info, unknown_topic)
{
	zx_handle_t h = new_event();
	char buf[256];

	cr_assert_eq(zx_object_get_info(h, 0x7777, buf, sizeof(buf), NULL,
	    NULL), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_object_get_info(h, 0, buf, sizeof(buf), NULL, NULL),
	    ZX_ERR_NOT_SUPPORTED);
	/* A topic of another type looks the handle up as that type. */
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO, buf, sizeof(buf),
	    NULL, NULL), ZX_ERR_WRONG_TYPE);
	zx_handle_close(h);
}

static uint32_t
handle_count(zx_handle_t h)
{
	zx_info_handle_count_t c = { 0 };

	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_COUNT, &c,
	    sizeof(c), NULL, NULL), ZX_OK);
	return c.handle_count;
}

/* Zircon's close has taken effect when it returns: the count is right
 * at once, with no waiting. */
Test(info, handle_count)
{
	zx_handle_t h = new_event(), d[3], noinspect;
	zx_info_handle_count_t c;

	cr_assert_eq(handle_count(h), 1);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS,
		    &d[i]), ZX_OK);
	cr_assert_eq(handle_count(h), 4, "new handles count at once");
	zx_handle_close_many(d, 3);
	cr_assert_eq(handle_count(h), 1, "closed handles are gone at once");
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_WAIT, &noinspect), ZX_OK);
	cr_assert_eq(zx_object_get_info(noinspect, ZX_INFO_HANDLE_COUNT, &c,
	    sizeof(c), NULL, NULL), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(noinspect);
	zx_handle_close(h);
}

/* Zircon's core test (handle-info): after closing a duplicate, the count
 * no longer has it, every time, for objects whose close is a plain
 * close() in libzx (events, VMOs without a parent). */
Test(info, handle_count_after_close_every_time)
{
	for (int i = 0; i < 200; i++) {
		zx_handle_t e = new_event(), v, d;

		cr_assert_eq(zx_vmo_create(4096, 0, &v), ZX_OK);
		cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SAME_RIGHTS, &d),
		    ZX_OK);
		cr_assert_eq(zx_handle_close(d), ZX_OK);
		cr_assert_eq(handle_count(e), 1, "event, round %d", i);
		cr_assert_eq(zx_handle_duplicate(v, ZX_RIGHT_SAME_RIGHTS, &d),
		    ZX_OK);
		cr_assert_eq(zx_handle_close(d), ZX_OK);
		cr_assert_eq(handle_count(v), 1, "vmo, round %d", i);
		zx_handle_close(e);
		zx_handle_close(v);
	}
}

/* --- properties ----------------------------------------------------- */

Test(property, null_value_before_lookup)
{
	cr_assert_eq(zx_object_get_property(BOGUS, ZX_PROP_NAME, NULL, 32),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_set_property(BOGUS, ZX_PROP_NAME, NULL, 3),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_get_property(ZX_HANDLE_INVALID, 9999, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
}

Test(property, rights_on_an_event)
{
	zx_handle_t h = new_event();
	char name[ZX_MAX_NAME_LEN];
	uint64_t v = 0;

	cr_assert_eq(zx_object_get_property(BOGUS, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_object_set_property(BOGUS, ZX_PROP_NAME, "x", 1),
	    ZX_ERR_BAD_HANDLE);
	/* 0xD003 has neither GET_PROPERTY nor SET_PROPERTY: the rights
	 * check comes before the property, its size or its type. */
	cr_assert_eq(zx_object_get_property(h, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_property(h, ZX_PROP_NAME, name, 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_set_property(h, ZX_PROP_NAME, "abc", 3),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_property(h, ZX_PROP_VMO_CONTENT_SIZE, &v,
	    sizeof(v)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_set_property(h, 9999, &v, sizeof(v)),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(h);
}

/* The NAME property on an object that has it and whose handles carry
 * the property rights. */
Test(property, name_on_a_vmo)
{
	const char *longname = "0123456789abcdefghijklmnopqrstuvwxyz";
	char name[ZX_MAX_NAME_LEN], big[100], zero[ZX_MAX_NAME_LEN] = { 0 };
	zx_handle_t v, noget, noset, d;
	uint64_t x = 0;

	cr_assert_eq(zx_vmo_create(4096, 0, &v), ZX_OK);
	cr_assert_eq(rights_of(v) & ZX_RIGHTS_PROPERTY, ZX_RIGHTS_PROPERTY);

	/* The buffer must hold 32 bytes. */
	cr_assert_eq(zx_object_get_property(v, ZX_PROP_NAME, name,
	    ZX_MAX_NAME_LEN - 1), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(zx_object_get_property(v, ZX_PROP_NAME, name, 0),
	    ZX_ERR_BUFFER_TOO_SMALL);
	memset(name, 'x', sizeof(name));
	cr_assert_eq(zx_object_get_property(v, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_OK);
	cr_assert_eq(memcmp(name, zero, sizeof(name)), 0,
	    "a new VMO's name is 32 NULs");

	cr_assert_eq(zx_object_set_property(v, ZX_PROP_NAME, "hello", 5),
	    ZX_OK);
	memset(big, 'x', sizeof(big));
	cr_assert_eq(zx_object_get_property(v, ZX_PROP_NAME, big,
	    sizeof(big)), ZX_OK);
	cr_assert_str_eq(big, "hello");
	cr_assert_eq(memcmp(big + 5, zero, ZX_MAX_NAME_LEN - 5), 0,
	    "NUL padded to 32");
	cr_assert_eq(big[ZX_MAX_NAME_LEN], 'x', "nothing past 32 bytes");

	/* Longer than 31: clamped, NUL terminated. */
	cr_assert_eq(zx_object_set_property(v, ZX_PROP_NAME, longname,
	    strlen(longname)), ZX_OK);
	cr_assert_eq(zx_object_get_property(v, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_OK);
	cr_assert_eq(name[ZX_MAX_NAME_LEN - 1], '\0');
	cr_assert_eq(strlen(name), ZX_MAX_NAME_LEN - 1);
	cr_assert_eq(memcmp(name, longname, ZX_MAX_NAME_LEN - 1), 0);

	/* The name is the object's: another handle reads it. */
	cr_assert_eq(zx_handle_duplicate(v, ZX_RIGHT_SAME_RIGHTS, &d), ZX_OK);
	cr_assert_eq(zx_object_set_property(d, ZX_PROP_NAME, "via dup", 7),
	    ZX_OK);
	cr_assert_eq(zx_object_get_property(v, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_OK);
	cr_assert_str_eq(name, "via dup");
	zx_handle_close(d);

	/* A size of 0 clears it. */
	cr_assert_eq(zx_object_set_property(v, ZX_PROP_NAME, "", 0), ZX_OK);
	cr_assert_eq(zx_object_get_property(v, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_OK);
	cr_assert_eq(memcmp(name, zero, sizeof(name)), 0);

	/* Unknown properties. */
	cr_assert_eq(zx_object_get_property(v, 9999, &x, sizeof(x)),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_object_set_property(v, 9999, &x, sizeof(x)),
	    ZX_ERR_NOT_SUPPORTED);

	/* Each direction needs its own right. */
	cr_assert_eq(zx_handle_duplicate(v, ZX_DEFAULT_VMO_RIGHTS &
	    ~ZX_RIGHT_GET_PROPERTY, &noget), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(v, ZX_DEFAULT_VMO_RIGHTS &
	    ~ZX_RIGHT_SET_PROPERTY, &noset), ZX_OK);
	cr_assert_eq(zx_object_get_property(noget, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_property(noget, ZX_PROP_NAME, name, 1),
	    ZX_ERR_ACCESS_DENIED, "rights before the size");
	cr_assert_eq(zx_object_set_property(noget, ZX_PROP_NAME, "g", 1),
	    ZX_OK);
	cr_assert_eq(zx_object_set_property(noset, ZX_PROP_NAME, "s", 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_set_property(noset, 9999, &x, sizeof(x)),
	    ZX_ERR_ACCESS_DENIED, "rights before the property");
	cr_assert_eq(zx_object_get_property(noset, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_OK);
	cr_assert_str_eq(name, "g");
	zx_handle_close(noget);
	zx_handle_close(noset);
	zx_handle_close(v);
}

/* --- vDSO-style helpers --------------------------------------------- */

Test(misc, status_strings_and_page_size)
{
	cr_assert_str_eq(zx_status_get_string(ZX_OK), "ZX_OK");
	cr_assert_str_eq(zx_status_get_string(ZX_ERR_BAD_HANDLE),
	    "ZX_ERR_BAD_HANDLE");
	cr_assert_str_eq(zx_status_get_string(ZX_ERR_ACCESS_DENIED),
	    "ZX_ERR_ACCESS_DENIED");
	cr_assert_str_eq(zx_status_get_string(ZX_ERR_INTERNAL_INTR_KILLED),
	    "ZX_ERR_INTERNAL_INTR_KILLED");
	cr_assert_str_eq(zx_status_get_string(-12345), "(UNKNOWN)");
	cr_assert_str_eq(zx_status_get_string(1), "(UNKNOWN)");
	cr_assert_eq(zx_system_get_page_size(),
	    (uint32_t)sysconf(_SC_PAGESIZE));
}

/* --- the fork rule -------------------------------------------------- */

/* Bits of the child's exit status: which check failed. */
static int
child_checks(zx_handle_t inherited, zx_handle_t inherited_pair)
{
	zx_info_handle_basic_t b;
	zx_handle_t e;
	zx_signals_t seen = 0;
	int fails = 0;

	if (zx_object_signal(inherited, 0, ZX_USER_SIGNAL_0) !=
	    ZX_ERR_BAD_HANDLE)
		fails |= 1;
	if (zx_object_get_info(inherited, ZX_INFO_HANDLE_BASIC, &b,
	    sizeof(b), NULL, NULL) != ZX_ERR_BAD_HANDLE)
		fails |= 2;
	if (zx_handle_close(inherited_pair) != ZX_ERR_BAD_HANDLE)
		fails |= 4;
	if (zx_object_wait_one(inherited, ZX_USER_SIGNAL_0, 0, NULL) !=
	    ZX_ERR_BAD_HANDLE)
		fails |= 8;
	/* libzx works with no extra call. */
	if (zx_event_create(0, &e) != ZX_OK)
		return fails | 16;
	if (zx_object_signal(e, 0, ZX_USER_SIGNAL_1) != ZX_OK)
		fails |= 32;
	if (zx_object_wait_one(e, ZX_USER_SIGNAL_1, ZX_TIME_INFINITE,
	    &seen) != ZX_OK || seen != ZX_USER_SIGNAL_1)
		fails |= 64;
	if (zx_handle_close(e) != ZX_OK)
		fails |= 128;
	return fails;
}

Test(fork, inherited_handles_are_bad_and_libzx_works)
{
	zx_handle_t e = new_event(), a, b;
	zx_signals_t seen;
	pid_t pid;
	int st;

	cr_assert_eq(zx_eventpair_create(0, &a, &b), ZX_OK);
	/* A wait set up before the fork (signal page mapped). */
	cr_assert_eq(zx_object_wait_one(e, ZX_USER_SIGNAL_0, 0, NULL),
	    ZX_ERR_TIMED_OUT);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(child_checks(e, a));
	st = wait_child(pid);
	cr_assert_eq(st, 0, "child checks failed: %#x", st);

	/* The parent's handles are untouched by the child's closes and
	 * the child's death. */
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_3), ZX_OK);
	cr_assert_eq(zx_object_wait_one(e, ZX_USER_SIGNAL_3, 0, &seen), ZX_OK);
	cr_assert_eq(seen, ZX_USER_SIGNAL_3, "the child's signal did not "
	    "reach our event");
	cr_assert_eq(basic(a).related_koid, basic(b).koid);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0), ZX_OK);
	zx_handle_close(e);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* A process that only ever talked on the control connection (a failed
 * create gives it no handle) and then forks: the child must not share
 * the parent's connection. */
Test(fork, control_connection_not_shared)
{
	zx_handle_t h;
	pid_t pid;
	int st;

	cr_assert_eq(zx_event_create(1, &h), ZX_ERR_INVALID_ARGS);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_status_t s = zx_event_create(0, &h);

		_exit(s == ZX_OK ? 0 : (-s) & 0xff);
	}
	st = wait_child(pid);
	cr_assert_eq(st, 0, "zx_event_create in the child: %s",
	    zx_status_get_string(-st));
	cr_assert_eq(zx_event_create(0, &h), ZX_OK, "the parent's connection "
	    "still works");
	zx_handle_close(h);
}

/* Two generations: a grandchild inherits nothing either. */
Test(fork, grandchild)
{
	zx_handle_t e = new_event();
	pid_t pid;
	int st;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t c;
		pid_t g;
		int gst;

		if (zx_event_create(0, &c) != ZX_OK)
			_exit(1);
		g = fork();
		if (g == 0)
			_exit(child_checks(c, e));
		if (g < 0 || waitpid(g, &gst, 0) != g || !WIFEXITED(gst))
			_exit(2);
		if (WEXITSTATUS(gst) != 0)
			_exit(WEXITSTATUS(gst));
		_exit(zx_object_signal(c, 0, ZX_USER_SIGNAL_0) == ZX_OK ?
		    0 : 3);
	}
	st = wait_child(pid);
	cr_assert_eq(st, 0, "failed: %#x", st);
	zx_handle_close(e);
}

/* --- several threads on one handle ---------------------------------- */

enum { N_THREADS = 6, N_ITER = 150 };

struct worker {
	zx_handle_t h;
	zx_koid_t koid;
	int idx;
	int errors;
	char first_error[96];
};

static void
worker_fail(struct worker *w, const char *what, zx_status_t st)
{
	if (w->errors++ == 0)
		snprintf(w->first_error, sizeof(w->first_error), "%s: %s",
		    what, zx_status_get_string(st));
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	zx_signals_t mine = ZX_USER_SIGNAL_0 << (w->idx % 8);

	for (int i = 0; i < N_ITER; i++) {
		zx_info_handle_basic_t b;
		zx_handle_t d;
		zx_status_t st;

		switch ((i + w->idx) % 3) {
		case 0:
			st = zx_object_get_info(w->h, ZX_INFO_HANDLE_BASIC,
			    &b, sizeof(b), NULL, NULL);
			if (st != ZX_OK || b.koid != w->koid ||
			    b.rights != ZX_DEFAULT_EVENT_RIGHTS)
				worker_fail(w, "get_info", st);
			break;
		case 1:
			st = zx_object_signal(w->h, 0, mine);
			if (st != ZX_OK) {
				worker_fail(w, "signal", st);
				break;
			}
			st = zx_object_wait_one(w->h, mine, 0, NULL);
			if (st != ZX_OK)
				worker_fail(w, "wait after signal", st);
			break;
		case 2:
			st = zx_handle_duplicate(w->h, ZX_RIGHT_WAIT |
			    ZX_RIGHT_INSPECT, &d);
			if (st != ZX_OK) {
				worker_fail(w, "duplicate", st);
				break;
			}
			st = zx_object_get_info(d, ZX_INFO_HANDLE_BASIC, &b,
			    sizeof(b), NULL, NULL);
			if (st != ZX_OK || b.koid != w->koid ||
			    b.rights != (ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT))
				worker_fail(w, "get_info on dup", st);
			st = zx_handle_close(d);
			if (st != ZX_OK)
				worker_fail(w, "close dup", st);
			break;
		}
	}
	return NULL;
}

Test(threads, many_calls_on_one_handle, .timeout = 60)
{
	zx_handle_t h = new_event();
	struct worker w[N_THREADS];
	pthread_t t[N_THREADS];
	zx_signals_t seen = 0;

	for (int i = 0; i < N_THREADS; i++) {
		w[i] = (struct worker){ .h = h, .koid = basic(h).koid,
		    .idx = i };
		cr_assert_eq(pthread_create(&t[i], NULL, worker_main, &w[i]),
		    0);
	}
	for (int i = 0; i < N_THREADS; i++) {
		pthread_join(t[i], NULL);
		cr_expect_eq(w[i].errors, 0, "thread %d: %d errors, first %s",
		    i, w[i].errors, w[i].first_error);
	}
	cr_assert_eq(zx_object_wait_one(h, ZX_USER_SIGNAL_ALL, 0, &seen),
	    ZX_OK);
	cr_assert_eq(seen, 0x3f000000u, "every thread's bit is set");
	cr_assert_eq(handle_count(h), 1, "every dup was closed");
	zx_handle_close(h);
}
