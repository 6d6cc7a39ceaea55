/*
 * zx_vmo_create_contiguous (ZIRCON.md §1.12): every status in Zircon's
 * order, the VMO it makes, and its stable run of physical addresses.
 */
#include "config-build.h"

#include <criterion/criterion.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "tests/integration/bti_util.h"

#define R	ZX_BTI_PERM_READ

static zx_status_t
create(zx_handle_t bti, size_t size, uint32_t align)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_status_t st = zx_vmo_create_contiguous(bti, size, align, &h);

	if (st == ZX_OK)
		zx_handle_close(h);
	else
		cr_assert_eq(h, ZX_HANDLE_INVALID);
	return st;
}

static zx_paddr_t
base_of(zx_handle_t bti, zx_handle_t vmo, uint64_t off, uint64_t size)
{
	zx_handle_t pmt;
	zx_paddr_t a = 0;

	cr_assert_eq(zx_bti_pin(bti, R | ZX_BTI_CONTIGUOUS, vmo, off, size,
	    &a, 1, &pmt), ZX_OK);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	return a;
}

Test(contiguous, result)
{
	zx_handle_t bti = bti_new(), h = ZX_HANDLE_INVALID;
	zx_info_handle_basic_t b;
	zx_info_vmo_t info;
	uint64_t size = 0;

	cr_assert_eq(zx_vmo_create_contiguous(bti, 3 * PAGE + 5, 0, &h),
	    ZX_OK);
	b = basic_of(h);
	cr_assert_eq(b.type, ZX_OBJ_TYPE_VMO);
	cr_assert_eq(b.rights, 0xD0EF);
	info = vmo_info(h);
	cr_assert_eq(info.flags, 0x49);
	cr_assert_eq(info.flags, ZX_INFO_VMO_TYPE_PAGED |
	    ZX_INFO_VMO_VIA_HANDLE | ZX_INFO_VMO_CONTIGUOUS);
	cr_assert_eq(info.size_bytes, 4 * PAGE);
	cr_assert_eq(info.cache_policy, ZX_CACHE_POLICY_CACHED);
	/* It is all there from the start. */
	cr_assert_eq(info.committed_bytes, 4 * PAGE);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 4 * PAGE);
	cr_assert_eq(content_size_of(h), 3 * PAGE + 5);
	cr_assert(signaled(h, ZX_VMO_ZERO_CHILDREN));
	/* Not resizable, and its pages stay. */
	cr_assert_eq(zx_vmo_set_size(h, PAGE), ZX_ERR_UNAVAILABLE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0),
	    ZX_ERR_NOT_SUPPORTED);
	/* Zeroing keeps the pages. */
	cr_assert_eq(zx_vmo_write(h, "x", 0, 1), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_ZERO, 0, 2 * PAGE, NULL, 0),
	    ZX_OK);
	cr_assert_eq(vmo_info(h).committed_bytes, 4 * PAGE);
	{
		char c = 1;

		cr_assert_eq(zx_vmo_read(h, &c, 0, 1), ZX_OK);
		cr_assert_eq(c, 0);
	}
	/* Ordinary memory otherwise. */
	cr_assert_eq(zx_vmo_write(h, "abc", PAGE - 1, 3), ZX_OK);
	{
		char got[3];

		cr_assert_eq(zx_vmo_read(h, got, PAGE - 1, 3), ZX_OK);
		cr_assert_eq(memcmp(got, "abc", 3), 0);
	}
	zx_handle_close(h);
	zx_handle_close(bti);
}

/* 1. size 0 and 2. the alignment, before the handle. */
Test(contiguous, arguments)
{
	zx_handle_t bti = bti_new(), ev = event_new();

	cr_assert_eq(create(bti, 0, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(ZX_HANDLE_INVALID, 0, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(ev, 0, 12), ZX_ERR_INVALID_ARGS);
	for (uint32_t a = 1; a < 12; a++)
		cr_assert_eq(create(bti, PAGE, a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(bti, PAGE, 64), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(bti, PAGE, 200), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(ZX_HANDLE_INVALID, PAGE, 11), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(ev, PAGE, 64), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(bti, PAGE, 0), ZX_OK);
	cr_assert_eq(create(bti, PAGE, 12), ZX_OK);
	zx_handle_close(ev);
	zx_handle_close(bti);
}

/* 4. The BTI, needing MAP; 5. the size rounding after it. */
Test(contiguous, bti_lookup)
{
	zx_handle_t bti = bti_new(), ev = event_new(), vmo = vmo_new(PAGE, 0);
	zx_handle_t no_map = dup_rights(bti, ZX_DEFAULT_BTI_RIGHTS &
	    ~ZX_RIGHT_MAP), map_only = dup_rights(bti, ZX_RIGHT_MAP);

	cr_assert_eq(create(ZX_HANDLE_INVALID, PAGE, 0), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(create(0x7ffffff3, PAGE, 0), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(create(ev, PAGE, 0), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(create(vmo, PAGE, 0), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(create(no_map, PAGE, 0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(no_map, SIZE_MAX, 0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(ZX_HANDLE_INVALID, SIZE_MAX, 0),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(create(bti, SIZE_MAX, 0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(create(bti, SIZE_MAX - PAGE + 2, 0),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(create(map_only, PAGE, 0), ZX_OK);
	zx_handle_close(map_only);
	zx_handle_close(no_map);
	zx_handle_close(vmo);
	zx_handle_close(ev);
	zx_handle_close(bti);
}

/* What cannot be had contiguously is NO_MEMORY. */
Test(contiguous, no_memory)
{
	zx_handle_t bti = bti_new();

	cr_assert_eq(create(bti, UINT64_C(1) << 50, 0), ZX_ERR_NO_MEMORY);
	cr_assert_eq(create(bti, PAGE, 63), ZX_ERR_NO_MEMORY);
	zx_handle_close(bti);
}

Test(contiguous, null_out)
{
	zx_handle_t bti = bti_new();

	cr_assert_eq(zx_vmo_create_contiguous(bti, PAGE, 0, NULL),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(bti);
}

/* The run is the VMO's from creation: every pin, through any BTI, of
 * any slice, finds the same addresses; runs never overlap; alignment is
 * honoured. */
Test(contiguous, stable_run)
{
	zx_handle_t bti = bti_new(), other = bti_new(), a, b, al, slice;
	zx_paddr_t pa, pb, pal;

	a = contig_new(bti, 8 * PAGE);
	b = contig_new(bti, 8 * PAGE);
	pa = base_of(bti, a, 0, 8 * PAGE);
	cr_assert(in_window(pa));
	cr_assert_eq(base_of(bti, a, 0, PAGE), pa);
	cr_assert_eq(base_of(other, a, 3 * PAGE, PAGE), pa + 3 * PAGE);
	pb = base_of(bti, b, 0, 8 * PAGE);
	cr_assert(pb >= pa + 8 * PAGE || pa >= pb + 8 * PAGE);
	cr_assert_eq(zx_vmo_create_child(a, ZX_VMO_CHILD_SLICE, 2 * PAGE,
	    4 * PAGE, &slice), ZX_OK);
	cr_assert_eq(vmo_info(slice).flags & ZX_INFO_VMO_CONTIGUOUS,
	    ZX_INFO_VMO_CONTIGUOUS);
	cr_assert_eq(base_of(bti, slice, PAGE, 2 * PAGE), pa + 3 * PAGE);
	/* 1 MiB alignment. */
	cr_assert_eq(zx_vmo_create_contiguous(bti, PAGE, 20, &al), ZX_OK);
	pal = base_of(bti, al, 0, PAGE);
	cr_assert_eq(pal & ((1 << 20) - 1), 0);
	/* The VMO does not need the BTI it was made with. */
	zx_handle_close(bti);
	cr_assert_eq(base_of(other, b, 0, PAGE), pb);
	zx_handle_close(al);
	zx_handle_close(slice);
	zx_handle_close(b);
	zx_handle_close(a);
	zx_handle_close(other);
}

/* Zircon's core test (bti, cache policy of a contiguous VMO): a
 * contiguous VMO made uncached, with its pages committed (all of them,
 * always), goes back to CACHED; an ordinary VMO with committed pages
 * cannot (BAD_STATE). */
Test(contiguous, cache_policy_round_trip)
{
	zx_handle_t bti = bti_new(), h = ZX_HANDLE_INVALID, v;

	cr_assert_eq(zx_vmo_create_contiguous(bti, 2 * PAGE, 0, &h), ZX_OK);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_UNCACHED),
	    ZX_OK);
	cr_assert_eq(vmo_info(h).cache_policy, ZX_CACHE_POLICY_UNCACHED);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_CACHED),
	    ZX_OK);
	cr_assert_eq(vmo_info(h).cache_policy, ZX_CACHE_POLICY_CACHED);
	cr_assert_eq(zx_vmo_set_cache_policy(h,
	    ZX_CACHE_POLICY_WRITE_COMBINING), ZX_OK);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_CACHED),
	    ZX_OK);

	v = vmo_new(PAGE, 0);
	cr_assert_eq(zx_vmo_set_cache_policy(v, ZX_CACHE_POLICY_UNCACHED),
	    ZX_OK);
	cr_assert_eq(zx_vmo_op_range(v, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0),
	    ZX_OK);
	cr_assert_eq(zx_vmo_set_cache_policy(v, ZX_CACHE_POLICY_CACHED),
	    ZX_ERR_BAD_STATE);
	zx_handle_close(v);
	zx_handle_close(h);
	zx_handle_close(bti);
}
