/* zx_vmo_create_child: slices, references and snapshots, their rights,
 * the ZX_VMO_ZERO_CHILDREN signal and every status of ZIRCON.md §1.6 in
 * Zircon's order. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>

#include "tests/integration/vmo_util.h"

#define SNAPSHOTS \
	(ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE | \
	    ZX_VMO_CHILD_SNAPSHOT_MODIFIED)

static zx_handle_t
child(zx_handle_t parent, uint32_t options, uint64_t offset, uint64_t size)
{
	zx_handle_t c = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_vmo_create_child(parent, options, offset, size, &c),
	    ZX_OK, "options %#x", options);
	return c;
}

Test(vmo_child, checks_before_the_handle)
{
	zx_handle_t c;

	/* The size is rounded, and NO_WRITE|RESIZABLE refused, before the
	 * handle is looked at. */
	cr_assert_eq(zx_vmo_create_child(ZX_HANDLE_INVALID,
	    ZX_VMO_CHILD_SNAPSHOT, 0, UINT64_MAX, &c), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_child(ZX_HANDLE_INVALID,
	    ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_NO_WRITE |
	    ZX_VMO_CHILD_RESIZABLE, 0, PAGE, &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(ZX_HANDLE_INVALID,
	    ZX_VMO_CHILD_SNAPSHOT, 0, PAGE, &c), ZX_ERR_BAD_HANDLE);
}

Test(vmo_child, handle_checks)
{
	zx_handle_t h = vmo_new(PAGE, 0), e = event_new(), d, c;

	cr_assert_eq(zx_vmo_create_child(e, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE,
	    &c), ZX_ERR_WRONG_TYPE);
	d = dup_rights(h, rights_of(h) & ~ZX_RIGHT_DUPLICATE);
	cr_assert_eq(zx_vmo_create_child(d, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE,
	    &c), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);
	d = dup_rights(h, rights_of(h) & ~ZX_RIGHT_READ);
	cr_assert_eq(zx_vmo_create_child(d, ZX_VMO_CHILD_SLICE, 0, PAGE, &c),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);
	/* Rights come before the options. */
	d = dup_rights(h, 0);
	cr_assert_eq(zx_vmo_create_child(d, 0xff00, 0, PAGE, &c),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE,
	    NULL), ZX_ERR_INVALID_ARGS);
	/* ...and the child made anyway went away again. */
	cr_assert(wait_signaled(h, ZX_VMO_ZERO_CHILDREN));
	zx_handle_close(e);
	zx_handle_close(h);
}

Test(vmo_child, options)
{
	zx_handle_t h = vmo_new(2 * PAGE, 0), dv = vmo_new(PAGE,
	    ZX_VMO_DISCARDABLE), c;
	static const uint32_t bad[] = {
		0,
		ZX_VMO_CHILD_RESIZABLE,
		ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_SNAPSHOT,
		ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_RESIZABLE,
		ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_REFERENCE,
		ZX_VMO_CHILD_REFERENCE | ZX_VMO_CHILD_SNAPSHOT,
		ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE,
		ZX_VMO_CHILD_SNAPSHOT_MODIFIED |
		    ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE,
		ZX_VMO_CHILD_SNAPSHOT | (1u << 1),
		ZX_VMO_CHILD_SNAPSHOT | (1u << 12),
		1u << 31,
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(zx_vmo_create_child(h, bad[i], 0, PAGE, &c),
		    ZX_ERR_INVALID_ARGS, "options %#x", bad[i]);
	/* Discardable VMOs have no children, whatever the options. */
	cr_assert_eq(zx_vmo_create_child(dv, ZX_VMO_CHILD_SLICE, 0, PAGE, &c),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_create_child(dv, 0, 0, PAGE, &c),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert(signaled(h, ZX_VMO_ZERO_CHILDREN));
	zx_handle_close(dv);
	zx_handle_close(h);
}

/* Zircon's ChildPermsTestHelper: the rights each kind of child gets. */
static void
check_child_rights(zx_handle_t vmo)
{
	const zx_rights_t prop = ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY;
	zx_rights_t parent = rights_of(vmo);
	zx_handle_t c;

	c = child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE);
	cr_assert_eq(rights_of(c), (parent | prop | ZX_RIGHT_WRITE) &
	    ~ZX_RIGHT_EXECUTE);
	zx_handle_close(c);
	c = child(vmo, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_NO_WRITE, 0, PAGE);
	cr_assert_eq(rights_of(c), (parent | prop) & ~ZX_RIGHT_WRITE);
	zx_handle_close(c);
	c = child(vmo, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, 0, PAGE);
	cr_assert_eq(rights_of(c), (parent | prop | ZX_RIGHT_WRITE) &
	    ~ZX_RIGHT_EXECUTE);
	zx_handle_close(c);
	c = child(vmo, ZX_VMO_CHILD_SLICE, 0, PAGE);
	cr_assert_eq(rights_of(c), parent | prop);
	zx_handle_close(c);
	c = child(vmo, ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_NO_WRITE, 0, PAGE);
	cr_assert_eq(rights_of(c), (parent | prop) & ~ZX_RIGHT_WRITE);
	zx_handle_close(c);
	c = child(vmo, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_RESIZABLE, 0,
	    PAGE);
	cr_assert_eq(rights_of(c), (parent | prop | ZX_RIGHT_WRITE |
	    ZX_RIGHT_RESIZE) & ~ZX_RIGHT_EXECUTE);
	zx_handle_close(c);
}

Test(vmo_child, rights)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0), d;

	check_child_rights(h);
	d = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_DUPLICATE);
	check_child_rights(d);
	zx_handle_close(d);
	d = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_DUPLICATE);
	check_child_rights(d);
	zx_handle_close(d);
	zx_handle_close(h);
}

Test(vmo_child, slice_shares_bytes)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0), s, ss, ro;
	char back[8];
	uint64_t size;

	s = child(h, ZX_VMO_CHILD_SLICE, PAGE, 2 * PAGE);
	cr_assert_eq(zx_vmo_get_size(s, &size), ZX_OK);
	cr_assert_eq(size, 2 * PAGE);
	cr_assert_eq(zx_vmo_write(h, "parent", PAGE + 8, 7), ZX_OK);
	cr_assert_eq(zx_vmo_read(s, back, 8, 7), ZX_OK);
	cr_assert_str_eq(back, "parent");
	cr_assert_eq(zx_vmo_write(s, "slice!", 2 * PAGE - 7, 7), ZX_OK);
	cr_assert_eq(zx_vmo_read(h, back, 3 * PAGE - 7, 7), ZX_OK);
	cr_assert_str_eq(back, "slice!");
	/* Its own bounds. */
	cr_assert_eq(zx_vmo_read(s, back, 2 * PAGE - 4, 8),
	    ZX_ERR_OUT_OF_RANGE);
	/* A slice of a slice. */
	ss = child(s, ZX_VMO_CHILD_SLICE, PAGE, PAGE);
	cr_assert_eq(zx_vmo_read(ss, back, PAGE - 7, 7), ZX_OK);
	cr_assert_str_eq(back, "slice!");
	/* A read-only slice cannot write. */
	ro = child(h, ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_NO_WRITE, 0, PAGE);
	cr_assert_eq(zx_vmo_write(ro, "x", 0, 1), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_read(ro, back, 0, 1), ZX_OK);
	/* The unrounded size is the slice's content size. */
	zx_handle_close(ss);
	ss = child(h, ZX_VMO_CHILD_SLICE, 0, PAGE + 10);
	cr_assert_eq(zx_vmo_get_size(ss, &size), ZX_OK);
	cr_assert_eq(size, 2 * PAGE);
	cr_assert_eq(content_size_of(ss), PAGE + 10);
	cr_assert_eq(vmo_info(ss).parent_koid, basic_of(h).koid);
	cr_assert_eq(vmo_info(h).num_children, 3);
	zx_handle_close(ss);
	zx_handle_close(ro);
	zx_handle_close(s);
	zx_handle_close(h);
}

Test(vmo_child, slice_statuses)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0), r = vmo_new(PAGE,
	    ZX_VMO_RESIZABLE), c;

	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 1, PAGE, &c),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 4 * PAGE, PAGE,
	    &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, PAGE, 4 * PAGE,
	    &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE,
	    UINT64_MAX - PAGE + 1, 2 * PAGE, &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(r, ZX_VMO_CHILD_SLICE, 0, PAGE, &c),
	    ZX_ERR_NOT_SUPPORTED);
	/* A zero-length slice at the end is fine. */
	c = child(h, ZX_VMO_CHILD_SLICE, 4 * PAGE, 0);
	zx_handle_close(c);
	/* Slices are never resizable. */
	c = child(h, ZX_VMO_CHILD_SLICE, 0, PAGE);
	cr_assert_eq(zx_vmo_set_size(c, 2 * PAGE), ZX_ERR_UNAVAILABLE);
	zx_handle_close(c);
	zx_handle_close(r);
	zx_handle_close(h);
}

Test(vmo_child, reference)
{
	zx_handle_t h = vmo_new(2 * PAGE, ZX_VMO_RESIZABLE), n = vmo_new(PAGE,
	    0), ref, ref2, s, c;
	uint64_t size = 0, cs;
	char back[4];

	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_REFERENCE, PAGE, 0,
	    &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_REFERENCE, 0, PAGE,
	    &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(n, ZX_VMO_CHILD_REFERENCE |
	    ZX_VMO_CHILD_RESIZABLE, 0, 0, &c), ZX_ERR_NOT_SUPPORTED);
	s = child(n, ZX_VMO_CHILD_SLICE, 0, PAGE);
	cr_assert_eq(zx_vmo_create_child(s, ZX_VMO_CHILD_REFERENCE, 0, 0, &c),
	    ZX_ERR_NOT_SUPPORTED);
	zx_handle_close(s);

	ref = child(h, ZX_VMO_CHILD_REFERENCE | ZX_VMO_CHILD_RESIZABLE, 0, 0);
	cr_assert(rights_of(ref) & ZX_RIGHT_RESIZE);
	/* Same bytes, same size, same content size. */
	cr_assert_eq(zx_vmo_write(h, "ref", PAGE, 4), ZX_OK);
	cr_assert_eq(zx_vmo_read(ref, back, PAGE, 4), ZX_OK);
	cr_assert_str_eq(back, "ref");
	cr_assert_eq(zx_vmo_set_size(ref, 5 * PAGE + 3), ZX_OK);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 6 * PAGE);
	cr_assert_eq(zx_vmo_get_stream_size(h, &cs), ZX_OK);
	cr_assert_eq(cs, 5 * PAGE + 3);
	cr_assert_eq(zx_vmo_set_stream_size(h, 7), ZX_OK);
	cr_assert_eq(content_size_of(ref), 7);
	cr_assert_eq(vmo_info(ref).flags & ZX_INFO_VMO_RESIZABLE,
	    ZX_INFO_VMO_RESIZABLE);
	/* Without RESIZABLE the reference is still resizable, but its
	 * handle has no RESIZE. */
	ref2 = child(h, ZX_VMO_CHILD_REFERENCE, 0, 0);
	cr_assert_eq(rights_of(ref2) & ZX_RIGHT_RESIZE, 0);
	cr_assert_eq(zx_vmo_set_size(ref2, PAGE), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(ref2);
	/* A reference of a non-resizable VMO. */
	ref2 = child(n, ZX_VMO_CHILD_REFERENCE, 0, 0);
	cr_assert_eq(zx_vmo_set_size(ref2, PAGE), ZX_ERR_UNAVAILABLE);
	zx_handle_close(ref2);
	zx_handle_close(ref);
	zx_handle_close(n);
	zx_handle_close(h);
}

Test(vmo_child, snapshot_is_a_copy)
{
	const uint32_t kinds[] = { ZX_VMO_CHILD_SNAPSHOT,
	    ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE,
	    ZX_VMO_CHILD_SNAPSHOT_MODIFIED };

	for (size_t k = 0; k < 3; k++) {
		zx_handle_t h = vmo_new(3 * PAGE, 0), c;
		zx_info_vmo_t info;
		char back[8];
		uint64_t size;

		cr_assert_eq(zx_vmo_write(h, "before", PAGE, 7), ZX_OK);
		c = child(h, kinds[k], PAGE, 3 * PAGE + 1);
		cr_assert_eq(zx_vmo_read(c, back, 0, 7), ZX_OK);
		cr_assert_str_eq(back, "before");
		/* Neither sees the other's later writes. */
		cr_assert_eq(zx_vmo_write(h, "parent", PAGE, 7), ZX_OK);
		cr_assert_eq(zx_vmo_read(c, back, 0, 7), ZX_OK);
		cr_assert_str_eq(back, "before");
		cr_assert_eq(zx_vmo_write(c, "child", 0, 6), ZX_OK);
		cr_assert_eq(zx_vmo_read(h, back, PAGE, 7), ZX_OK);
		cr_assert_str_eq(back, "parent");
		/* Past the parent's end it reads zero. */
		cr_assert_eq(zx_vmo_get_size(c, &size), ZX_OK);
		cr_assert_eq(size, 4 * PAGE);
		cr_assert_eq(content_size_of(c), 3 * PAGE + 1);
		cr_assert_eq(zx_vmo_read(c, back, 3 * PAGE, 8), ZX_OK);
		cr_assert_arr_eq(back, "\0\0\0\0\0\0\0\0", 8);
		info = vmo_info(c);
		cr_assert_eq(info.parent_koid, basic_of(h).koid);
		cr_assert_eq(info.flags, ZX_INFO_VMO_TYPE_PAGED |
		    ZX_INFO_VMO_VIA_HANDLE | ZX_INFO_VMO_IS_COW_CLONE);
		cr_assert_eq(zx_vmo_set_size(c, PAGE), ZX_ERR_UNAVAILABLE);
		/* Copy-on-write children cannot decommit. */
		cr_assert_eq(zx_vmo_op_range(c, ZX_VMO_OP_DECOMMIT, 0, PAGE,
		    NULL, 0), ZX_ERR_NOT_SUPPORTED);
		zx_handle_close(c);
		zx_handle_close(h);
	}
}

Test(vmo_child, snapshot_statuses)
{
	zx_handle_t h = vmo_new(2 * PAGE, 0), s, c, ro;

	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SNAPSHOT, 1, PAGE,
	    &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SNAPSHOT,
	    UINT64_MAX - PAGE + 1, 2 * PAGE, &c), ZX_ERR_OUT_OF_RANGE);
	/* Through a slice only the weaker kinds. */
	s = child(h, ZX_VMO_CHILD_SLICE, 0, PAGE);
	cr_assert_eq(zx_vmo_create_child(s, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE,
	    &c), ZX_ERR_NOT_SUPPORTED);
	c = child(s, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, 0, PAGE);
	zx_handle_close(c);
	zx_handle_close(s);
	/* Resizable snapshots. */
	c = child(h, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_RESIZABLE, 0, PAGE);
	cr_assert_eq(zx_vmo_set_size(c, 8 * PAGE), ZX_OK);
	cr_assert_eq(vmo_info(c).flags & ZX_INFO_VMO_RESIZABLE,
	    ZX_INFO_VMO_RESIZABLE);
	zx_handle_close(c);
	/* An immutable snapshot. */
	c = child(h, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_NO_WRITE, 0, PAGE);
	cr_assert(vmo_info(c).flags & ZX_INFO_VMO_IMMUTABLE);
	cr_assert_eq(zx_vmo_write(c, "x", 0, 1), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(c);
	/* A read-only parent handle still gives a writable snapshot. */
	ro = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE);
	c = child(ro, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE);
	cr_assert_eq(zx_vmo_write(c, "x", 0, 1), ZX_OK);
	zx_handle_close(c);
	zx_handle_close(ro);
	zx_handle_close(h);
}

Test(vmo_child, name_copied)
{
	zx_handle_t h = vmo_new(PAGE, 0), c, d;

	cr_assert_eq(zx_object_set_property(h, ZX_PROP_NAME, "parent", 6),
	    ZX_OK);
	c = child(h, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE);
	cr_assert_str_eq(vmo_info(c).name, "parent");
	zx_handle_close(c);
	/* Only when the parent handle may read properties. */
	d = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE);
	c = child(d, ZX_VMO_CHILD_SLICE, 0, PAGE);
	cr_assert_str_eq(vmo_info(c).name, "");
	zx_handle_close(c);
	zx_handle_close(d);
	zx_handle_close(h);
}

Test(vmo_child, zero_children_signal)
{
	zx_handle_t h = vmo_new(PAGE, 0), c1, c2;

	cr_assert(signaled(h, ZX_VMO_ZERO_CHILDREN));
	c1 = child(h, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE);
	cr_assert_not(signaled(h, ZX_VMO_ZERO_CHILDREN));
	c2 = child(h, ZX_VMO_CHILD_SLICE, 0, PAGE);
	cr_assert_eq(vmo_info(h).num_children, 2);
	zx_handle_close(c1);
	cr_assert_not(signaled(h, ZX_VMO_ZERO_CHILDREN));
	zx_handle_close(c2);
	cr_assert(wait_signaled(h, ZX_VMO_ZERO_CHILDREN));
	cr_assert_eq(vmo_info(h).num_children, 0);
	/* A child's own signal is its own. */
	c1 = child(h, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE);
	cr_assert(signaled(c1, ZX_VMO_ZERO_CHILDREN));
	zx_handle_close(c1);
	zx_handle_close(h);
}

Test(vmo_child, zero_children_wakes_a_waiter)
{
	zx_handle_t h = vmo_new(PAGE, 0), c = child(h, ZX_VMO_CHILD_SLICE, 0,
	    PAGE);
	zx_signals_t seen = 0;

	cr_assert_eq(zx_object_wait_one(h, ZX_VMO_ZERO_CHILDREN,
	    zx_deadline_after(1000000), &seen), ZX_ERR_TIMED_OUT);
	zx_handle_close(c);
	cr_assert_eq(zx_object_wait_one(h, ZX_VMO_ZERO_CHILDREN,
	    zx_deadline_after(5000000000), &seen), ZX_OK);
	cr_assert(seen & ZX_VMO_ZERO_CHILDREN);
	zx_handle_close(h);
}

Test(vmo_child, grandchildren_move_up)
{
	zx_handle_t h = vmo_new(PAGE, 0), c, g;
	zx_koid_t hk = basic_of(h).koid;

	c = child(h, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE);
	g = child(c, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE);
	cr_assert_eq(vmo_info(g).parent_koid, basic_of(c).koid);
	zx_handle_close(c);
	/* The grandchild is h's child now. */
	cr_assert_eq(wait_parent(g, hk), hk);
	cr_assert_eq(vmo_info(h).num_children, 1);
	cr_assert_not(signaled(h, ZX_VMO_ZERO_CHILDREN));
	zx_handle_close(g);
	cr_assert(wait_signaled(h, ZX_VMO_ZERO_CHILDREN));
	/* An orphan has no parent. */
	c = child(h, ZX_VMO_CHILD_SLICE, 0, PAGE);
	zx_handle_close(h);
	cr_assert_eq(wait_parent(c, 0), 0);
	zx_handle_close(c);
}

/* Zircon's close is synchronous: once the child's last handle is closed,
 * the parent's ZERO_CHILDREN is already asserted (libzx closes a child's
 * handle with a round trip for this). */
Test(vmo_child, zero_children_at_once_after_close)
{
	for (int i = 0; i < 200; i++) {
		zx_handle_t p = vmo_new(PAGE, 0), c;
		zx_signals_t seen = 0;

		cr_assert_eq(zx_vmo_create_child(p, ZX_VMO_CHILD_SLICE, 0, PAGE,
		    &c), ZX_OK);
		cr_assert_eq(zx_handle_close(c), ZX_OK);
		cr_assert_eq(zx_object_wait_one(p, ZX_VMO_ZERO_CHILDREN, 0,
		    &seen), ZX_OK, "round %d: ZERO_CHILDREN not yet back", i);
		zx_handle_close(p);
	}
}

/* Zircon's attribution (ZX_INFO_VMO v4; core tests vmo and vmo-clone): a
 * page a VMO still shares with its copy-on-write relatives counts in
 * full in committed/populated bytes, not in the private bytes, and 1/n
 * in the scaled bytes, the rest of a byte in the fractional field (a
 * 63-bit fraction). metadata_bytes is 0 until a page is committed. */
Test(vmo_child, attribution_divides_shared_pages)
{
	const uint64_t third = (UINT64_C(1) << 63) / 3;
	zx_handle_t v = vmo_new(4 * PAGE, 0), c, c2;
	zx_info_vmo_t i;

	i = vmo_info(v);
	cr_assert_eq(i.metadata_bytes, 0);
	cr_assert_eq(zx_vmo_write(v, "a", 0, 1), ZX_OK);
	cr_assert_eq(zx_vmo_write(v, "b", PAGE, 1), ZX_OK);
	i = vmo_info(v);
	cr_assert_neq(i.metadata_bytes, 0);
	cr_assert_eq(i.populated_bytes, 2 * PAGE);
	cr_assert_eq(i.populated_private_bytes, 2 * PAGE);
	cr_assert_eq(i.populated_scaled_bytes, 2 * PAGE);

	/* A snapshot: both pages shared by two. */
	c = child(v, ZX_VMO_CHILD_SNAPSHOT, 0, 4 * PAGE);
	for (int k = 0; k < 2; k++) {
		i = vmo_info(k == 0 ? v : c);
		cr_assert_eq(i.committed_bytes, 2 * PAGE);
		cr_assert_eq(i.populated_bytes, 2 * PAGE);
		cr_assert_eq(i.populated_private_bytes, 0);
		cr_assert_eq(i.committed_private_bytes, 0);
		cr_assert_eq(i.populated_scaled_bytes, PAGE);
		cr_assert_eq(i.populated_fractional_scaled_bytes, 0);
	}

	/* The parent writes page 0: each now owns its page 0. */
	cr_assert_eq(zx_vmo_write(v, "A", 0, 1), ZX_OK);
	for (int k = 0; k < 2; k++) {
		i = vmo_info(k == 0 ? v : c);
		cr_assert_eq(i.populated_private_bytes, PAGE);
		cr_assert_eq(i.populated_scaled_bytes, PAGE + PAGE / 2);
	}

	/* A second snapshot: page 1 shared by three, page 0 by v and c2. */
	c2 = child(v, ZX_VMO_CHILD_SNAPSHOT, 0, 4 * PAGE);
	i = vmo_info(v);
	cr_assert_eq(i.populated_private_bytes, 0);
	cr_assert_eq(i.populated_scaled_bytes, PAGE / 2 + PAGE / 3);
	cr_assert_eq(i.populated_fractional_scaled_bytes >> 32,
	    ((PAGE % 3) * third) >> 32, "%#llx",
	    (unsigned long long)i.populated_fractional_scaled_bytes);
	i = vmo_info(c);
	cr_assert_eq(i.populated_private_bytes, PAGE);
	cr_assert_eq(i.populated_scaled_bytes, PAGE + PAGE / 3);
	zx_handle_close(c2);
	zx_handle_close(c);
	zx_handle_close(v);
}
