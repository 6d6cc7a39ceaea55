/* zx_vmo_create, read/write, sizes, content size, info, cache policy and
 * op_range against a real zxd: every status of ZIRCON.md §1.6, in
 * Zircon's check order. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/vmo_util.h"

/* Zircon's largest VMO with 4 KiB pages: 2^64 - 128 KiB. */
#define VMO_MAX	(UINT64_MAX & ~(32 * PAGE - 1))

/* --- zx_vmo_create --------------------------------------------------- */

Test(vmo_create, sizes_round_up_content_size_does_not)
{
	const uint64_t sizes[] = { 0, 1, PAGE - 1, PAGE, PAGE + 1,
	    3 * PAGE + 5 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		zx_handle_t h = vmo_new(sizes[i], 0);
		uint64_t size = 1, stream = 1;

		cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
		cr_assert_eq(size, (sizes[i] + PAGE - 1) & ~(PAGE - 1));
		cr_assert_eq(zx_vmo_get_stream_size(h, &stream), ZX_OK);
		cr_assert_eq(stream, sizes[i]);
		cr_assert_eq(content_size_of(h), sizes[i]);
		cr_assert_eq(zx_handle_close(h), ZX_OK);
	}
}

Test(vmo_create, options)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE | ZX_VMO_UNBOUNDED,
	    &h), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create(PAGE, 1u << 0, &h), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create(PAGE, ZX_VMO_TRAP_DIRTY, &h),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create(PAGE, 1u << 31, &h), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE | 1u << 9, &h),
	    ZX_ERR_INVALID_ARGS);
	/* The size is rounded before leftover options are looked at. */
	cr_assert_eq(zx_vmo_create(UINT64_MAX, 1u << 9, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(h, ZX_HANDLE_INVALID);
	h = vmo_new(PAGE, ZX_VMO_RESIZABLE | ZX_VMO_DISCARDABLE);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
}

Test(vmo_create, sizes_near_the_top)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_vmo_create(UINT64_MAX, 0, &h), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create(UINT64_MAX - PAGE + 2, 0, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create(VMO_MAX + 1, 0, &h), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create(VMO_MAX + 1, ZX_VMO_RESIZABLE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	/* Creatable, as in Zircon: a VMO is charged for the pages it
	 * holds, not its size. */
	cr_assert_eq(zx_vmo_create(UINT64_MAX - 64 * PAGE + 1, 0, &h), ZX_OK);
	cr_assert_eq(zx_vmo_write(h, "top", 1ull << 40, 3), ZX_OK);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
}

Test(vmo_create, null_out)
{
	cr_assert_eq(zx_vmo_create(PAGE, 0, NULL), ZX_ERR_INVALID_ARGS);
}

Test(vmo_create, rights_and_signals)
{
	zx_handle_t h = vmo_new(PAGE, 0), r = vmo_new(PAGE, ZX_VMO_RESIZABLE);
	zx_info_handle_basic_t b = basic_of(h);
	zx_signals_t seen = 0;

	cr_assert_eq(b.rights, 0xD0EF);
	cr_assert_eq(b.type, ZX_OBJ_TYPE_VMO);
	cr_assert_eq(b.related_koid, 0);
	cr_assert_eq(rights_of(r), 0x40D0EF);
	cr_assert_eq(zx_object_wait_one(h, ZX_VMO_ZERO_CHILDREN, 0, &seen),
	    ZX_OK);
	cr_assert_eq(seen, ZX_VMO_ZERO_CHILDREN);
	cr_assert_eq(zx_object_signal(h, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert(signaled(h, ZX_USER_SIGNAL_0));
	/* Only user signals are the caller's to set. */
	cr_assert_eq(zx_object_signal(h, ZX_VMO_ZERO_CHILDREN, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
	cr_assert_eq(zx_handle_close(r), ZX_OK);
}

Test(vmo_create, unbounded)
{
	zx_handle_t h = vmo_new(2 * PAGE + 7, ZX_VMO_UNBOUNDED);
	uint64_t size = 0, stream = 0;
	char buf[16] = "unbounded", back[16];

	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, VMO_MAX);
	cr_assert_eq(zx_vmo_get_stream_size(h, &stream), ZX_OK);
	cr_assert_eq(stream, 2 * PAGE + 7);
	cr_assert_eq(rights_of(h), 0xD0EF);
	cr_assert_eq(vmo_info(h).flags,
	    ZX_INFO_VMO_TYPE_PAGED | ZX_INFO_VMO_VIA_HANDLE);
	cr_assert_eq(zx_vmo_write(h, buf, 1ull << 40, sizeof(buf)), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 1ull << 40, sizeof(back)), ZX_OK);
	cr_assert_arr_eq(back, buf, sizeof(buf));
	/* Past what a memfd can hold: never committed, so zeros... */
	memset(back, 0x55, sizeof(back));
	cr_assert_eq(zx_vmo_read(h, back, VMO_MAX - sizeof(back),
	    sizeof(back)), ZX_OK);
	for (size_t i = 0; i < sizeof(back); i++)
		cr_assert_eq(back[i], 0);
	/* ...and no page there can be committed. */
	cr_assert_eq(zx_vmo_write(h, buf, VMO_MAX - sizeof(buf), sizeof(buf)),
	    ZX_ERR_NO_MEMORY);
	cr_assert_eq(zx_vmo_read(h, back, VMO_MAX - 1, 2),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_set_stream_size(h, 5 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_set_size(h, PAGE), ZX_ERR_UNAVAILABLE);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
}

Test(vmo_create, many)
{
	zx_handle_t h[32];

	for (size_t i = 0; i < 32; i++)
		h[i] = vmo_new(i * PAGE, 0);
	cr_assert_eq(zx_handle_close_many(h, 32), ZX_OK);
}

/* --- zx_vmo_read / zx_vmo_write -------------------------------------- */

Test(vmo_rw, roundtrip_and_zero_fill)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0);
	char *buf = malloc(4 * PAGE), *back = malloc(4 * PAGE);

	cr_assert_eq(zx_vmo_read(h, back, 0, 4 * PAGE), ZX_OK);
	for (uint64_t i = 0; i < 4 * PAGE; i++)
		cr_assert_eq(back[i], 0);
	for (uint64_t i = 0; i < 4 * PAGE; i++)
		buf[i] = (char)(i * 7 + 1);
	cr_assert_eq(zx_vmo_write(h, buf, 0, 4 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 0, 4 * PAGE), ZX_OK);
	cr_assert_arr_eq(back, buf, 4 * PAGE);
	cr_assert_eq(zx_vmo_write(h, "xyz", PAGE - 1, 3), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, PAGE - 2, 5), ZX_OK);
	cr_assert_arr_eq(back + 1, "xyz", 3);
	free(buf);
	free(back);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
}

Test(vmo_rw, ranges)
{
	const uint64_t len = 4 * PAGE;
	zx_handle_t h = vmo_new(len, 0);
	char *buf = calloc(1, 2 * len);

	cr_assert_eq(zx_vmo_read(h, buf, 0, 2 * len), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_write(h, buf, 0, 2 * len), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_read(h, buf, len, 0), ZX_OK);
	cr_assert_eq(zx_vmo_write(h, buf, len, 0), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, buf, len + 1, 0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_write(h, buf, len + 1, 0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_read(h, buf, len - 1, 2), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_read(h, buf, UINT64_MAX - len / 2, len),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_write(h, buf, UINT64_MAX - len / 2, len),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_read(h, buf, UINT64_MAX, 1), ZX_ERR_OUT_OF_RANGE);
	for (int i = 1; i <= 2; i++) {
		cr_assert_eq(zx_vmo_read(h, buf, 0, SIZE_MAX - PAGE / i),
		    ZX_ERR_OUT_OF_RANGE);
		cr_assert_eq(zx_vmo_write(h, buf, 0, SIZE_MAX - PAGE / i),
		    ZX_ERR_OUT_OF_RANGE);
	}
	free(buf);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
}

Test(vmo_rw, bad_buffers)
{
	zx_handle_t h = vmo_new(PAGE, 0);

	/* Zircon's user copy faults on NULL as on any other bad pointer:
	 * NOT_FOUND, and the VMO is unchanged. */
	cr_assert_eq(zx_vmo_write(h, "keep", 0, 4), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, NULL, 0, 16), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_vmo_write(h, NULL, 0, 16), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_vmo_read(h, NULL, 0, 0), ZX_OK);
	cr_assert_eq(zx_vmo_write(h, NULL, PAGE, 0), ZX_OK);
	/* A pointer that faults. */
	cr_assert_eq(zx_vmo_read(h, (void *)16, 0, 16), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_vmo_write(h, (void *)16, 0, 16), ZX_ERR_NOT_FOUND);
	{
		char back[4];

		cr_assert_eq(zx_vmo_read(h, back, 0, 4), ZX_OK);
		cr_assert_arr_eq(back, "keep", 4);
	}
	/* The range comes first. */
	cr_assert_eq(zx_vmo_read(h, NULL, PAGE, 1), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
}

Test(vmo_rw, rights)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0), d, e, e0;
	char buf[8] = "abcdefg", back[8];

	d = dup_rights(h, ZX_RIGHT_READ);
	cr_assert_eq(zx_vmo_read(d, back, 0, 0), ZX_OK);
	cr_assert_eq(zx_vmo_write(d, buf, 0, 0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_write(d, buf, 0, 8), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_handle_close(d), ZX_OK);

	d = dup_rights(h, ZX_RIGHT_WRITE);
	cr_assert_eq(zx_vmo_read(d, back, 0, 8), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_write(d, buf, 0, 8), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 0, 8), ZX_OK);
	cr_assert_arr_eq(back, buf, 8);
	cr_assert_eq(zx_handle_close(d), ZX_OK);

	d = dup_rights(h, 0);
	cr_assert_eq(zx_vmo_read(d, back, 0, 0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_write(d, buf, 0, 0), ZX_ERR_ACCESS_DENIED);
	/* Rights are checked before the range. */
	cr_assert_eq(zx_vmo_read(d, back, UINT64_MAX, 8),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_handle_close(d), ZX_OK);

	/* The type comes before the rights. */
	e = event_new();
	e0 = dup_rights(e, 0);
	cr_assert_eq(zx_vmo_read(e0, back, 0, 0), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmo_write(e0, buf, 0, 0), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_handle_close(e0), ZX_OK);
	cr_assert_eq(zx_handle_close(e), ZX_OK);

	cr_assert_eq(zx_handle_close(h), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 0, 8), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmo_write(h, buf, 0, 8), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmo_read(ZX_HANDLE_INVALID, back, 0, 8),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmo_read(0x7ffffff0, back, 0, 8), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmo_write(0x12345678, buf, 0, 8), ZX_ERR_BAD_HANDLE);
}

Test(vmo_rw, two_handles_one_vmo)
{
	zx_handle_t h = vmo_new(PAGE, 0), d = dup_rights(h,
	    ZX_RIGHT_SAME_RIGHTS);
	char back[6];

	cr_assert_eq(zx_vmo_write(h, "hello", 0, 6), ZX_OK);
	cr_assert_eq(zx_vmo_read(d, back, 0, 6), ZX_OK);
	cr_assert_str_eq(back, "hello");
	cr_assert_eq(zx_vmo_write(d, "world", 0, 6), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 0, 6), ZX_OK);
	cr_assert_str_eq(back, "world");
	cr_assert_eq(zx_handle_close(h), ZX_OK);
	/* The VMO lives on through the other handle. */
	cr_assert_eq(zx_vmo_read(d, back, 0, 6), ZX_OK);
	cr_assert_str_eq(back, "world");
	cr_assert_eq(zx_handle_close(d), ZX_OK);
}

/* --- sizes --------------------------------------------------------- */

Test(vmo_size, get_size_checks)
{
	zx_handle_t h = vmo_new(PAGE, 0), d = dup_rights(h, 0), e = event_new();
	uint64_t size = 0;

	/* No rights needed. */
	cr_assert_eq(zx_vmo_get_size(d, &size), ZX_OK);
	cr_assert_eq(size, PAGE);
	cr_assert_eq(zx_vmo_get_stream_size(d, &size), ZX_OK);
	cr_assert_eq(zx_vmo_get_size(h, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_get_stream_size(h, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_get_size(e, &size), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmo_get_stream_size(e, &size), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmo_get_size(ZX_HANDLE_INVALID, &size),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmo_get_stream_size(0x7ffffff3, &size),
	    ZX_ERR_BAD_HANDLE);
	zx_handle_close(d);
	zx_handle_close(e);
	zx_handle_close(h);
}

Test(vmo_size, set_size_not_resizable)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0);
	uint64_t size = 0;

	cr_assert_eq(zx_vmo_set_size(h, 5 * PAGE), ZX_ERR_UNAVAILABLE);
	cr_assert_eq(zx_vmo_set_size(h, 3 * PAGE), ZX_ERR_UNAVAILABLE);
	/* Rounding overflows before resizability is looked at. */
	cr_assert_eq(zx_vmo_set_size(h, UINT64_MAX), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 4 * PAGE);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
}

Test(vmo_size, set_size_resizable)
{
	zx_handle_t h = vmo_new(4 * PAGE, ZX_VMO_RESIZABLE);
	uint64_t size = 0;
	char back[8];

	cr_assert_eq(zx_vmo_write(h, "abcdefg", 3 * PAGE, 8), ZX_OK);
	cr_assert_eq(zx_vmo_set_size(h, 5 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 5 * PAGE);
	cr_assert_eq(zx_vmo_read(h, back, 3 * PAGE, 8), ZX_OK);
	cr_assert_str_eq(back, "abcdefg");
	/* Shrinking drops the bytes; growing again brings zeros. */
	cr_assert_eq(zx_vmo_set_size(h, 2 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 3 * PAGE, 8), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_set_size(h, 4 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 3 * PAGE, 8), ZX_OK);
	cr_assert_eq(back[0], 0);
	/* Rounded size, unrounded content size, zeroed tail. */
	cr_assert_eq(zx_vmo_write(h, "tailtail", PAGE + 90, 8), ZX_OK);
	cr_assert_eq(zx_vmo_set_size(h, PAGE + 93), ZX_OK);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 2 * PAGE);
	cr_assert_eq(zx_vmo_get_stream_size(h, &size), ZX_OK);
	cr_assert_eq(size, PAGE + 93);
	cr_assert_eq(zx_vmo_read(h, back, PAGE + 90, 8), ZX_OK);
	cr_assert_arr_eq(back, "tai\0\0\0\0\0", 8);
	cr_assert_eq(zx_vmo_set_size(h, 5461), ZX_OK);
	cr_assert_eq(content_size_of(h), 5461);
	cr_assert_eq(zx_vmo_set_size(h, 0), ZX_OK);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 0);
	cr_assert_eq(zx_vmo_set_size(h, UINT64_MAX), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_set_size(h, VMO_MAX + 1), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
}

Test(vmo_size, set_size_rights)
{
	zx_handle_t h = vmo_new(PAGE, ZX_VMO_RESIZABLE), n = vmo_new(PAGE, 0);
	zx_handle_t d, e = event_new();

	d = dup_rights(h, rights_of(h) & ~ZX_RIGHT_RESIZE);
	cr_assert_eq(zx_vmo_set_size(d, 2 * PAGE), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);
	d = dup_rights(h, rights_of(h) & ~ZX_RIGHT_WRITE);
	cr_assert_eq(zx_vmo_set_size(d, 2 * PAGE), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);
	/* A non-resizable VMO does not ask for RESIZE. */
	cr_assert_eq(zx_vmo_set_size(n, 2 * PAGE), ZX_ERR_UNAVAILABLE);
	d = dup_rights(n, rights_of(n) & ~ZX_RIGHT_WRITE);
	cr_assert_eq(zx_vmo_set_size(d, 2 * PAGE), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);
	cr_assert_eq(zx_vmo_set_size(e, PAGE), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmo_set_size(0x7ffffff3, PAGE), ZX_ERR_BAD_HANDLE);
	zx_handle_close(e);
	zx_handle_close(n);
	zx_handle_close(h);
}

Test(vmo_size, stream_size)
{
	const uint64_t create_len = 4 * PAGE + 42;
	zx_handle_t h = vmo_new(create_len, ZX_VMO_RESIZABLE), d, e;
	uint64_t stream = 0, size = 0;

	cr_assert_eq(zx_vmo_get_stream_size(h, &stream), ZX_OK);
	cr_assert_eq(stream, create_len);
	cr_assert_eq(zx_vmo_set_stream_size(h, PAGE - 1), ZX_OK);
	cr_assert_eq(zx_vmo_get_stream_size(h, &stream), ZX_OK);
	cr_assert_eq(stream, PAGE - 1);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 5 * PAGE);
	cr_assert_eq(zx_vmo_set_stream_size(h, 5 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_set_stream_size(h, 5 * PAGE + 1),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_set_stream_size(h, UINT64_MAX),
	    ZX_ERR_OUT_OF_RANGE);
	/* set_size keeps the stream size inside the VMO. */
	cr_assert_eq(zx_vmo_set_size(h, 2 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_get_stream_size(h, &stream), ZX_OK);
	cr_assert_eq(stream, 2 * PAGE);
	d = dup_rights(h, rights_of(h) & ~ZX_RIGHT_WRITE);
	cr_assert_eq(zx_vmo_set_stream_size(d, PAGE), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);
	e = event_new();
	cr_assert_eq(zx_vmo_set_stream_size(e, PAGE), ZX_ERR_WRONG_TYPE);
	zx_handle_close(e);
	cr_assert_eq(zx_vmo_set_stream_size(0x7ffffff3, 0), ZX_ERR_BAD_HANDLE);
	zx_handle_close(h);
}

Test(vmo_size, stream_size_zeroes)
{
	const uint64_t four = 4 * PAGE;
	char *data = malloc(four), *back = malloc(four);
	zx_handle_t h = vmo_new(2 * PAGE, ZX_VMO_UNBOUNDED);
	zx_handle_t g = vmo_new(2 * PAGE - 42, ZX_VMO_UNBOUNDED);

	memset(data, 9, four);
	cr_assert_eq(zx_vmo_write(h, data, 0, four), ZX_OK);
	/* Growing zeroes from the old stream size. */
	cr_assert_eq(zx_vmo_set_stream_size(h, four), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 0, four), ZX_OK);
	for (uint64_t i = 0; i < four; i++)
		cr_assert_eq(back[i], i < 2 * PAGE ? 9 : 0);
	/* Shrinking zeroes from the new one. */
	cr_assert_eq(zx_vmo_write(h, data, 0, four), ZX_OK);
	cr_assert_eq(zx_vmo_set_stream_size(h, 2 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 0, four), ZX_OK);
	for (uint64_t i = 0; i < four; i++)
		cr_assert_eq(back[i], i < 2 * PAGE ? 9 : 0);
	/* Not page aligned. */
	cr_assert_eq(zx_vmo_write(g, data, 0, four), ZX_OK);
	cr_assert_eq(zx_vmo_set_stream_size(g, four), ZX_OK);
	cr_assert_eq(zx_vmo_read(g, back, 0, four), ZX_OK);
	for (uint64_t i = 0; i < four; i++)
		cr_assert_eq(back[i], i < 2 * PAGE - 42 ? 9 : 0);
	free(data);
	free(back);
	zx_handle_close(h);
	zx_handle_close(g);
}

/* --- ZX_PROP_VMO_CONTENT_SIZE ---------------------------------------- */

Test(vmo_content_size, property)
{
	const uint64_t len = 4 * PAGE;
	zx_handle_t h = vmo_new(len, ZX_VMO_RESIZABLE), d, e;
	uint64_t cs = 42, target;
	char back[4];

	cr_assert_eq(content_size_of(h), len);
	target = len / 3;
	cr_assert_eq(zx_object_set_property(h, ZX_PROP_VMO_CONTENT_SIZE,
	    &target, sizeof(target)), ZX_OK);
	cr_assert_eq(content_size_of(h), target);
	cr_assert_eq(zx_vmo_get_stream_size(h, &cs), ZX_OK);
	cr_assert_eq(cs, target);
	/* Any value, even past the VMO. */
	target = len + 15643;
	cr_assert_eq(zx_object_set_property(h, ZX_PROP_VMO_CONTENT_SIZE,
	    &target, sizeof(target)), ZX_OK);
	cr_assert_eq(content_size_of(h), target);
	/* Below the size, the tail reads zero. */
	cr_assert_eq(zx_vmo_write(h, "abcd", 100, 4), ZX_OK);
	target = 102;
	cr_assert_eq(zx_object_set_property(h, ZX_PROP_VMO_CONTENT_SIZE,
	    &target, sizeof(target)), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 100, 4), ZX_OK);
	cr_assert_arr_eq(back, "ab\0\0", 4);

	cr_assert_eq(zx_object_get_property(h, ZX_PROP_VMO_CONTENT_SIZE, &cs,
	    4), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(zx_object_set_property(h, ZX_PROP_VMO_CONTENT_SIZE,
	    &target, 4), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(zx_object_get_property(h, ZX_PROP_VMO_CONTENT_SIZE, NULL,
	    8), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_set_property(h, ZX_PROP_VMO_CONTENT_SIZE, NULL,
	    8), ZX_ERR_INVALID_ARGS);
	d = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_WRITE);
	cr_assert_eq(zx_object_get_property(d, ZX_PROP_VMO_CONTENT_SIZE, &cs,
	    8), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_set_property(d, ZX_PROP_VMO_CONTENT_SIZE,
	    &target, 8), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);
	/* The rights come first; an event has no property rights (and no
	 * other object type here does, so WRONG_TYPE is not reachable). */
	e = event_new();
	cr_assert_eq(zx_object_get_property(e, ZX_PROP_VMO_CONTENT_SIZE, &cs,
	    8), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_set_property(e, ZX_PROP_VMO_CONTENT_SIZE,
	    &target, 8), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(e);
	zx_handle_close(h);
}

/* Zircon's core test: setting the content size through a handle with
 * SET_PROPERTY but not WRITE is ACCESS_DENIED and changes nothing;
 * reading it needs no WRITE. */
Test(vmo_content_size, set_needs_write)
{
	zx_handle_t h = vmo_new(2 * PAGE, 0), d;
	uint64_t target = 10, cs = 0;

	d = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_GET_PROPERTY |
	    ZX_RIGHT_SET_PROPERTY);
	cr_assert_eq(zx_object_set_property(d, ZX_PROP_VMO_CONTENT_SIZE,
	    &target, sizeof(target)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_property(d, ZX_PROP_VMO_CONTENT_SIZE, &cs,
	    sizeof(cs)), ZX_OK);
	cr_assert_eq(cs, 2 * PAGE);
	/* The size check still comes first. */
	cr_assert_eq(zx_object_set_property(d, ZX_PROP_VMO_CONTENT_SIZE,
	    &target, 4), ZX_ERR_BUFFER_TOO_SMALL);
	/* The name needs no WRITE. */
	cr_assert_eq(zx_object_set_property(d, ZX_PROP_NAME, "n", 1), ZX_OK);
	zx_handle_close(d);
	zx_handle_close(h);
}

Test(vmo_content_size, name)
{
	zx_handle_t h = vmo_new(PAGE, 0);
	char name[ZX_MAX_NAME_LEN];

	cr_assert_eq(zx_object_set_property(h, ZX_PROP_NAME, "test vmo", 8),
	    ZX_OK);
	cr_assert_eq(zx_object_get_property(h, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_OK);
	cr_assert_str_eq(name, "test vmo");
	cr_assert_str_eq(vmo_info(h).name, "test vmo");
	zx_handle_close(h);
}

/* --- ZX_INFO_VMO ------------------------------------------------------ */

Test(vmo_info, records)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0), r, d, e;
	zx_info_vmo_t info = vmo_info(h);
	size_t actual = 9, avail = 9;
	char buf[128];

	cr_assert_eq(info.koid, basic_of(h).koid);
	cr_assert_eq(info.size_bytes, 4 * PAGE);
	cr_assert_eq(info.flags, ZX_INFO_VMO_TYPE_PAGED |
	    ZX_INFO_VMO_VIA_HANDLE);
	cr_assert_eq(info.cache_policy, ZX_CACHE_POLICY_CACHED);
	cr_assert_eq(info.handle_rights, 0xD0EF);
	cr_assert_eq(info.parent_koid, 0);
	cr_assert_eq(info.num_children, 0);
	cr_assert_eq(info.num_mappings, 0);
	cr_assert_eq(info.share_count, 1);
	cr_assert_eq(info.committed_bytes, 0);

	r = vmo_new(8 * PAGE, ZX_VMO_RESIZABLE);
	cr_assert_eq(vmo_info(r).flags, ZX_INFO_VMO_TYPE_PAGED |
	    ZX_INFO_VMO_VIA_HANDLE | ZX_INFO_VMO_RESIZABLE);
	zx_handle_close(r);
	r = vmo_new(PAGE, ZX_VMO_DISCARDABLE);
	cr_assert_eq(vmo_info(r).flags, ZX_INFO_VMO_TYPE_PAGED |
	    ZX_INFO_VMO_VIA_HANDLE | ZX_INFO_VMO_DISCARDABLE);
	zx_handle_close(r);

	/* No rights needed; handle_rights are the queried handle's. */
	d = dup_rights(h, ZX_RIGHT_READ);
	cr_assert_eq(vmo_info(d).handle_rights, ZX_RIGHT_READ);
	zx_handle_close(d);

	/* Short buffers, and the older record layouts. */
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO, buf, 127, &actual,
	    &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO_V1, buf, 104, &actual,
	    &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO_V1, buf, 103, &actual,
	    &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO_V2, buf, 120, &actual,
	    &avail), ZX_OK);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO_V2, buf, 119, &actual,
	    &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO_V3, buf, 128, &actual,
	    &avail), ZX_OK);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO_V3, buf, 127, &actual,
	    &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO, &info,
	    sizeof(info) - 1, &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(avail, 1);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO, NULL, sizeof(info),
	    &actual, &avail), ZX_ERR_INVALID_ARGS);

	e = event_new();
	cr_assert_eq(zx_object_get_info(e, ZX_INFO_VMO, buf, sizeof(buf),
	    NULL, NULL), ZX_ERR_WRONG_TYPE);
	zx_handle_close(e);

	/* Committed bytes follow the memory the VMO holds. */
	cr_assert_eq(zx_vmo_write(h, "x", 2 * PAGE, 1), ZX_OK);
	cr_assert_eq(vmo_info(h).committed_bytes, PAGE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_DECOMMIT, 0, 4 * PAGE, NULL,
	    0), ZX_OK);
	cr_assert_eq(vmo_info(h).committed_bytes, 0);
	zx_handle_close(h);
}

/* --- zx_vmo_set_cache_policy ----------------------------------------- */

Test(vmo_cache_policy, statuses)
{
	zx_handle_t h = vmo_new(PAGE, 0), d, e, c;
	char buf[4] = "abc";

	/* The policy is checked before the handle. */
	cr_assert_eq(zx_vmo_set_cache_policy(ZX_HANDLE_INVALID, 4),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_set_cache_policy(h, 0x10), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_set_cache_policy(ZX_HANDLE_INVALID,
	    ZX_CACHE_POLICY_UNCACHED), ZX_ERR_BAD_HANDLE);
	e = event_new();
	cr_assert_eq(zx_vmo_set_cache_policy(e, 0), ZX_ERR_WRONG_TYPE);
	zx_handle_close(e);
	d = dup_rights(h, rights_of(h) & ~ZX_RIGHT_MAP);
	cr_assert_eq(zx_vmo_set_cache_policy(d, ZX_CACHE_POLICY_UNCACHED),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);

	/* With a child, or as a child: BAD_STATE. */
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 0, PAGE, &c),
	    ZX_OK);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_UNCACHED),
	    ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmo_set_cache_policy(c, ZX_CACHE_POLICY_UNCACHED),
	    ZX_ERR_BAD_STATE);
	zx_handle_close(c);

	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_UNCACHED),
	    ZX_OK);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_UNCACHED),
	    ZX_OK);
	cr_assert_eq(vmo_info(h).cache_policy, ZX_CACHE_POLICY_UNCACHED);
	/* Uncached paged VMOs take no reads, writes or zeroing. */
	cr_assert_eq(zx_vmo_read(h, buf, 0, 4), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmo_write(h, buf, 0, 4), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_ZERO, 0, 4, NULL, 0),
	    ZX_ERR_BAD_STATE);
	/* Out-of-range and overflow still win. */
	cr_assert_eq(zx_vmo_read(h, buf, UINT64_MAX, 4), ZX_ERR_OUT_OF_RANGE);
	/* Nor children. */
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE,
	    &c), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 0, PAGE, &c),
	    ZX_ERR_BAD_STATE);
	/* No pages yet: back to cached is fine. */
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_CACHED),
	    ZX_OK);
	cr_assert_eq(zx_vmo_write(h, buf, 0, 4), ZX_OK);
	/* Committed pages cannot go back from uncached. */
	cr_assert_eq(zx_vmo_set_cache_policy(h,
	    ZX_CACHE_POLICY_WRITE_COMBINING), ZX_OK);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_CACHED),
	    ZX_ERR_BAD_STATE);
	zx_handle_close(h);
}

/* --- zx_vmo_op_range -------------------------------------------------- */

Test(vmo_op_range, handles_and_unknown_ops)
{
	zx_handle_t h = vmo_new(PAGE, 0), e = event_new();

	cr_assert_eq(zx_vmo_op_range(h, 5, 0, PAGE, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_op_range(h, 0, 0, PAGE, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_op_range(h, 1000, 0, PAGE, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_op_range(e, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmo_op_range(0x7ffffff3, ZX_VMO_OP_COMMIT, 0, PAGE,
	    NULL, 0), ZX_ERR_BAD_HANDLE);
	zx_handle_close(e);
	zx_handle_close(h);
}

Test(vmo_op_range, rights_per_op)
{
	zx_handle_t h = vmo_new(PAGE, ZX_VMO_DISCARDABLE);
	zx_handle_t r = dup_rights(h, ZX_RIGHT_READ);
	zx_handle_t w = dup_rights(h, ZX_RIGHT_WRITE);
	zx_handle_t n = dup_rights(h, 0);
	zx_vmo_lock_state_t ls;
	static const uint32_t write_ops[] = { ZX_VMO_OP_COMMIT,
	    ZX_VMO_OP_DECOMMIT, ZX_VMO_OP_ZERO, ZX_VMO_OP_CACHE_INVALIDATE };
	static const uint32_t read_ops[] = { ZX_VMO_OP_CACHE_SYNC,
	    ZX_VMO_OP_CACHE_CLEAN, ZX_VMO_OP_CACHE_CLEAN_INVALIDATE,
	    ZX_VMO_OP_PREFETCH };

	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(zx_vmo_op_range(r, write_ops[i], 0, PAGE, NULL, 0),
		    ZX_ERR_ACCESS_DENIED, "op %u", write_ops[i]);
		cr_assert_eq(zx_vmo_op_range(w, write_ops[i], 0, PAGE, NULL, 0),
		    ZX_OK, "op %u", write_ops[i]);
		cr_assert_eq(zx_vmo_op_range(w, read_ops[i], 0, PAGE, NULL, 0),
		    ZX_ERR_ACCESS_DENIED, "op %u", read_ops[i]);
		cr_assert_eq(zx_vmo_op_range(r, read_ops[i], 0, PAGE, NULL, 0),
		    ZX_OK, "op %u", read_ops[i]);
	}
	/* Locks take either right. */
	cr_assert_eq(zx_vmo_op_range(n, ZX_VMO_OP_LOCK, 0, PAGE, &ls,
	    sizeof(ls)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_op_range(n, ZX_VMO_OP_TRY_LOCK, 0, PAGE, NULL, 0),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_op_range(n, ZX_VMO_OP_UNLOCK, 0, PAGE, NULL, 0),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_op_range(r, ZX_VMO_OP_LOCK, 0, PAGE, &ls,
	    sizeof(ls)), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(w, ZX_VMO_OP_UNLOCK, 0, PAGE, NULL, 0),
	    ZX_OK);
	/* Hints need none. */
	cr_assert_eq(zx_vmo_op_range(n, ZX_VMO_OP_ALWAYS_NEED, 0, PAGE, NULL,
	    0), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(n, ZX_VMO_OP_DONT_NEED, 0, PAGE, NULL, 0),
	    ZX_OK);
	zx_handle_close(r);
	zx_handle_close(w);
	zx_handle_close(n);
	zx_handle_close(h);
}

Test(vmo_op_range, commit_decommit)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0);
	char back[3];

	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_COMMIT, 0, 4 * PAGE, NULL,
	    0), ZX_OK);
	cr_assert_eq(vmo_info(h).committed_bytes, 4 * PAGE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_COMMIT, 0, 0, NULL, 0),
	    ZX_OK);
	/* Commit rounds out to pages, then checks the range. */
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_COMMIT, 4 * PAGE - 1, 1,
	    NULL, 0), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_COMMIT, 4 * PAGE, 1, NULL,
	    0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_COMMIT, PAGE, UINT64_MAX,
	    NULL, 0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_COMMIT, UINT64_MAX - 1, 1,
	    NULL, 0), ZX_ERR_OUT_OF_RANGE);

	cr_assert_eq(zx_vmo_write(h, "ab", PAGE, 3), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_DECOMMIT, 0, 5 * PAGE, NULL,
	    0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_DECOMMIT, UINT64_MAX, 2,
	    NULL, 0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_DECOMMIT, 1, PAGE, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_DECOMMIT, 0, PAGE + 1, NULL,
	    0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_DECOMMIT, 0, 0, NULL, 0),
	    ZX_OK);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_DECOMMIT, PAGE, PAGE, NULL,
	    0), ZX_OK);
	cr_assert_eq(vmo_info(h).committed_bytes, 3 * PAGE);
	cr_assert_eq(zx_vmo_read(h, back, PAGE, 3), ZX_OK);
	cr_assert_arr_eq(back, "\0\0\0", 3);
	zx_handle_close(h);
}

Test(vmo_op_range, zero)
{
	zx_handle_t h = vmo_new(3 * PAGE, 0);
	char *data = malloc(3 * PAGE), *back = malloc(3 * PAGE);

	memset(data, 0x5a, 3 * PAGE);
	cr_assert_eq(zx_vmo_write(h, data, 0, 3 * PAGE), ZX_OK);
	/* Exactly the bytes asked, partial pages included. */
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_ZERO, 100, 2 * PAGE, NULL,
	    0), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 0, 3 * PAGE), ZX_OK);
	for (uint64_t i = 0; i < 3 * PAGE; i++)
		cr_assert_eq(back[i], i >= 100 && i < 100 + 2 * PAGE ? 0 :
		    0x5a, "byte %lu", (unsigned long)i);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_ZERO, 0, 0, NULL, 0), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_ZERO, 3 * PAGE - 1, 2, NULL,
	    0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_ZERO, 2, UINT64_MAX, NULL,
	    0), ZX_ERR_OUT_OF_RANGE);
	free(data);
	free(back);
	zx_handle_close(h);
}

Test(vmo_op_range, cache_and_prefetch)
{
	zx_handle_t h = vmo_new(2 * PAGE, 0);
	static const uint32_t cache_ops[] = { ZX_VMO_OP_CACHE_SYNC,
	    ZX_VMO_OP_CACHE_INVALIDATE, ZX_VMO_OP_CACHE_CLEAN,
	    ZX_VMO_OP_CACHE_CLEAN_INVALIDATE };

	for (size_t i = 0; i < 4; i++) {
		uint32_t op = cache_ops[i];

		cr_assert_eq(zx_vmo_op_range(h, op, 10, 20, NULL, 0), ZX_OK);
		cr_assert_eq(zx_vmo_op_range(h, op, 0, 0, NULL, 0),
		    ZX_ERR_INVALID_ARGS);
		cr_assert_eq(zx_vmo_op_range(h, op, 2 * PAGE, 0, NULL, 0),
		    ZX_ERR_INVALID_ARGS);
		cr_assert_eq(zx_vmo_op_range(h, op, 2 * PAGE - 1, 2, NULL, 0),
		    ZX_ERR_OUT_OF_RANGE);
		cr_assert_eq(zx_vmo_op_range(h, op, 1, UINT64_MAX, NULL, 0),
		    ZX_ERR_OUT_OF_RANGE);
	}
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_PREFETCH, 0, 2 * PAGE, NULL,
	    0), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_PREFETCH, 0, 0, NULL, 0),
	    ZX_OK);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_PREFETCH, PAGE, 2 * PAGE,
	    NULL, 0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_PREFETCH, UINT64_MAX, 1,
	    NULL, 0), ZX_ERR_OUT_OF_RANGE);
	zx_handle_close(h);
}

Test(vmo_op_range, locks)
{
	zx_handle_t h = vmo_new(2 * PAGE, 0);
	zx_handle_t d = vmo_new(2 * PAGE, ZX_VMO_DISCARDABLE);
	zx_vmo_lock_state_t ls;

	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_LOCK, 0, 2 * PAGE, &ls,
	    sizeof(ls)), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_TRY_LOCK, 0, 2 * PAGE, NULL,
	    0), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_UNLOCK, 0, 2 * PAGE, NULL,
	    0), ZX_ERR_NOT_SUPPORTED);

	cr_assert_eq(zx_vmo_op_range(d, ZX_VMO_OP_UNLOCK, 0, 2 * PAGE, NULL,
	    0), ZX_ERR_BAD_STATE);
	memset(&ls, 0xff, sizeof(ls));
	cr_assert_eq(zx_vmo_op_range(d, ZX_VMO_OP_LOCK, 0, 2 * PAGE, &ls,
	    sizeof(ls)), ZX_OK);
	cr_assert_eq(ls.offset, 0);
	cr_assert_eq(ls.size, 2 * PAGE);
	cr_assert_eq(ls.discarded_offset, 0);
	cr_assert_eq(ls.discarded_size, 0);
	/* The whole VMO, a big enough buffer. */
	cr_assert_eq(zx_vmo_op_range(d, ZX_VMO_OP_LOCK, 0, PAGE, &ls,
	    sizeof(ls)), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_op_range(d, ZX_VMO_OP_LOCK, 1, UINT64_MAX, &ls,
	    sizeof(ls)), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_op_range(d, ZX_VMO_OP_LOCK, 0, 2 * PAGE, &ls,
	    sizeof(ls) - 1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_op_range(d, ZX_VMO_OP_LOCK, 0, 2 * PAGE, NULL,
	    sizeof(ls)), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_op_range(d, ZX_VMO_OP_TRY_LOCK, 0, 2 * PAGE, NULL,
	    0), ZX_OK);
	/* Two locks taken (the failed ones undid themselves). */
	cr_assert_eq(zx_vmo_op_range(d, ZX_VMO_OP_UNLOCK, 0, 2 * PAGE, NULL,
	    0), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(d, ZX_VMO_OP_UNLOCK, 0, 2 * PAGE, NULL,
	    0), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(d, ZX_VMO_OP_UNLOCK, 0, 2 * PAGE, NULL,
	    0), ZX_ERR_BAD_STATE);
	zx_handle_close(h);
	zx_handle_close(d);
}

/* --- robustness -------------------------------------------------------- */

/* Garbage through every call; the daemon must keep serving. */
Test(vmo_robustness, garbage_arguments)
{
	static const uint64_t vals[] = { 0, 1, 4095, 4096, 4097,
	    UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 4095, 1ull << 63,
	    (1ull << 63) - 1, 0xdeadbeef };
	const size_t nv = sizeof(vals) / sizeof(vals[0]);
	zx_handle_t h = vmo_new(PAGE, ZX_VMO_RESIZABLE), c;
	char buf[64];
	uint64_t size;

	srand(1);
	for (int i = 0; i < 3000; i++) {
		uint64_t a = vals[rand() % nv], b = vals[rand() % nv];
		uint32_t o = (uint32_t)rand();

		switch (i % 8) {
		case 0:
			if (zx_vmo_create(a & ((1ull << 24) - 1), o & 0xff,
			    &c) == ZX_OK)
				zx_handle_close(c);
			break;
		case 1:
			(void)zx_vmo_read(h, buf, a, b % sizeof(buf));
			break;
		case 2:
			(void)zx_vmo_write(h, buf, a, b % sizeof(buf));
			break;
		case 3:
			(void)zx_vmo_set_size(h, a % (64 * PAGE));
			(void)zx_vmo_set_size(h, a);
			break;
		case 4:
			(void)zx_vmo_set_stream_size(h, a);
			break;
		case 5:
			if (zx_vmo_create_child(h, o & 0xff, a % (8 * PAGE),
			    b % (8 * PAGE), &c) == ZX_OK)
				zx_handle_close(c);
			break;
		case 6:
			(void)zx_vmo_op_range(h, o % 16, a, b, buf,
			    sizeof(buf));
			break;
		case 7:
			(void)zx_vmo_set_cache_policy(h, o & 7);
			(void)zx_vmo_get_size(h, &size);
			break;
		}
	}
	zx_handle_close(h);
	h = vmo_new(PAGE, 0);
	cr_assert_eq(zx_vmo_write(h, "ok", 0, 3), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, buf, 0, 3), ZX_OK);
	cr_assert_str_eq(buf, "ok");
	zx_handle_close(h);
}
