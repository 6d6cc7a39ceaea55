/*
 * A VMO's memfd is made at its first use (doc/DATAPATH.md, "Creates and
 * closes"): until then the VMO reads as zero, holds no page, can be
 * resized, named and cloned, and the first use sees all of that.
 */
#include "config-build.h"

#include <string.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

static uint64_t
committed(zx_handle_t v)
{
	zx_info_vmo_t info;

	cr_assert_eq(zx_object_get_info(v, ZX_INFO_VMO, &info, sizeof(info),
	    NULL, NULL), ZX_OK);
	return info.committed_bytes;
}

Test(lazy, untouched_vmo_reads_zero_and_holds_nothing)
{
	char buf[64], zero[64] = { 0 };
	zx_handle_t v;
	uint64_t size;

	cr_assert_eq(zx_vmo_create(3 * 4096, 0, &v), ZX_OK);
	cr_assert_eq(committed(v), 0);
	cr_assert_eq(zx_vmo_get_size(v, &size), ZX_OK);
	cr_assert_eq(size, 3 * 4096);
	/* Ops that only drop pages need no memory. */
	cr_assert_eq(zx_vmo_op_range(v, ZX_VMO_OP_DECOMMIT, 0, 4096, NULL, 0),
	    ZX_OK);
	cr_assert_eq(zx_vmo_op_range(v, ZX_VMO_OP_ZERO, 0, 4096, NULL, 0),
	    ZX_OK);
	memset(buf, 0x5a, sizeof(buf));
	cr_assert_eq(zx_vmo_read(v, buf, 4096, sizeof(buf)), ZX_OK);
	cr_assert_eq(memcmp(buf, zero, sizeof(buf)), 0);
	cr_assert_eq(zx_handle_close(v), ZX_OK);
}

Test(lazy, resized_before_first_use)
{
	char buf[8] = "written", back[8];
	zx_handle_t v;

	cr_assert_eq(zx_vmo_create(4096, ZX_VMO_RESIZABLE, &v), ZX_OK);
	cr_assert_eq(zx_vmo_set_size(v, 3 * 4096), ZX_OK);
	cr_assert_eq(zx_vmo_write(v, buf, 2 * 4096 + 100, sizeof(buf)), ZX_OK);
	cr_assert_eq(zx_vmo_read(v, back, 2 * 4096 + 100, sizeof(back)),
	    ZX_OK);
	cr_assert_eq(memcmp(buf, back, sizeof(buf)), 0);
	cr_assert_eq(zx_vmo_read(v, back, 3 * 4096, 1), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_handle_close(v), ZX_OK);
}

Test(lazy, committed_on_first_commit)
{
	zx_handle_t v;

	cr_assert_eq(zx_vmo_create(2 * 4096, 0, &v), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(v, ZX_VMO_OP_COMMIT, 0, 2 * 4096, NULL,
	    0), ZX_OK);
	cr_assert_eq(committed(v), 2 * 4096);
	cr_assert_eq(zx_handle_close(v), ZX_OK);
}

/* Children of an untouched parent: zeros, and their own memory. */
Test(lazy, children_of_an_untouched_parent)
{
	char buf[4] = "abc", back[4];
	zx_handle_t v, snap, slice;

	cr_assert_eq(zx_vmo_create(2 * 4096, 0, &v), ZX_OK);
	cr_assert_eq(zx_vmo_create_child(v, ZX_VMO_CHILD_SNAPSHOT, 0, 2 * 4096,
	    &snap), ZX_OK);
	cr_assert_eq(zx_vmo_create_child(v, ZX_VMO_CHILD_SLICE, 4096, 4096,
	    &slice), ZX_OK);
	cr_assert_eq(zx_vmo_read(snap, back, 4096, sizeof(back)), ZX_OK);
	cr_assert_eq(memcmp(back, "\0\0\0\0", 4), 0);
	/* The slice shares the parent's memory, made once for both. */
	cr_assert_eq(zx_vmo_write(slice, buf, 0, sizeof(buf)), ZX_OK);
	cr_assert_eq(zx_vmo_read(v, back, 4096, sizeof(back)), ZX_OK);
	cr_assert_eq(memcmp(buf, back, sizeof(buf)), 0);
	/* The snapshot was taken before: it does not see the write. */
	cr_assert_eq(zx_vmo_read(snap, back, 4096, sizeof(back)), ZX_OK);
	cr_assert_eq(memcmp(back, "\0\0\0\0", 4), 0);
	zx_handle_close(slice);
	zx_handle_close(snap);
	zx_handle_close(v);
}
