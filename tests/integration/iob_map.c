/* zx_vmar_map_iob (ZIRCON.md §1.9): the statuses in order, the access of
 * each endpoint, shared bytes; and ZX_IOB_PEER_CLOSED, which waits for
 * the closed endpoint's mappings to go (§1.8). */
#include "config-build.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/integration/iob_util.h"

#define RW	(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE)

Test(iob_map, statuses_in_order)
{
	zx_handle_t ep0, ep1, vmo, vmar = zx_vmar_root_self();
	zx_vaddr_t a;

	iob_new(EP0_R | EP0_W | EP1_R, 2 * PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE,
	    &ep0, &ep1);
	vmo = vmo_new(PAGE, 0);
	/* The VMAR, then the endpoint: BAD_HANDLE, WRONG_TYPE. */
	cr_assert_eq(zx_vmar_map_iob(0x7ffffff3, RW, 0, ep0, 0, 0, PAGE, &a),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmar_map_iob(ZX_HANDLE_INVALID, RW, 0, 0x7ffffff3, 9,
	    0, 0, &a), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmar_map_iob(ep1, RW, 0, 0x7ffffff3, 0, 0, PAGE, &a),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmar_map_iob(vmar, RW, 0, 0x7ffffff3, 0, 0, PAGE, &a),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmar_map_iob(vmar, RW, 0, vmo, 0, 0, PAGE, &a),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmar_map_iob(vmar, RW, 0, vmar, 0, 0, PAGE, &a),
	    ZX_ERR_WRONG_TYPE);
	/* The region index, before any right or argument. */
	cr_assert_eq(map_iob(RW | ZX_VM_PERM_EXECUTE, ep1, 1, 1, 0, &a),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(map_iob(0, ep0, UINT32_MAX, 0, PAGE, &a),
	    ZX_ERR_OUT_OF_RANGE);
	/* Then the access of this endpoint: write where it may only
	 * read, even with a length of 0. */
	cr_assert_eq(map_iob(RW, ep1, 0, 0, 0, &a), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(map_iob(RW, ep1, 0, 0, PAGE, &a), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(map_iob(ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE, ep0, 0, 0,
	    PAGE, &a), ZX_ERR_ACCESS_DENIED);
	/* Then the arguments (vmar_map_common's order). */
	cr_assert_eq(map_iob(ZX_VM_PERM_WRITE, ep0, 0, 0, PAGE, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(map_iob(ZX_VM_PERM_READ, ep1, 0, 0, 0, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(map_iob(ZX_VM_PERM_READ, ep1, 0, 1, PAGE, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(map_iob(ZX_VM_PERM_READ | ZX_VM_CAN_MAP_READ, ep1, 0, 0,
	    PAGE, &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map_iob(vmar, RW | ZX_VM_SPECIFIC, 1, ep0, 0, 0,
	    PAGE, &a), ZX_ERR_INVALID_ARGS);
	/* A NULL address: the mapping is made, then destroyed. */
	cr_assert_eq(map_iob(RW, ep0, 0, 0, PAGE, NULL), ZX_ERR_INVALID_ARGS);
	/* The length rounded up to a page overflows. */
	cr_assert_eq(map_iob(RW, ep0, 0, 0, SIZE_MAX, &a),
	    ZX_ERR_OUT_OF_RANGE);
	/* SPECIFIC over a mapping. */
	a = map_iob_ok(RW, ep0, 0, 0, PAGE);
	{
		zx_vaddr_t b;

		cr_assert_eq(zx_vmar_map_iob(vmar, RW | ZX_VM_SPECIFIC,
		    a - 0x1000000, ep0, 0, 0, PAGE, &b),
		    ZX_ERR_ALREADY_EXISTS);
	}
	unmap_ok(a, PAGE);
	zx_handle_close(vmo);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

/* Zircon's MappingRights test: the region's access, the endpoint
 * handle's rights, the VMAR's rights, the options asked for. */
Test(iob_map, mapping_rights)
{
	zx_iob_region_t r[3] = {
		region(EP0_MW, PAGE, ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR),
		region(EP0_R | EP0_W, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(EP0_R | EP1_R | EP0_MW, PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR),
	};
	zx_handle_t ep0, ep1, no_w, no_rw, no_map, vmar_ro;
	zx_vaddr_t a;

	cr_assert_eq(zx_iob_create(0, r, 3, &ep0, &ep1), ZX_OK);
	/* No map access at all. */
	cr_assert_eq(map_iob(RW, ep0, 0, 0, PAGE, &a), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(map_iob(RW, ep1, 0, 0, PAGE, &a), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(map_iob(0, ep0, 0, 0, PAGE, &a), ZX_ERR_ACCESS_DENIED);
	/* Only endpoint 0 may map region 1. */
	cr_assert_eq(map_iob(RW, ep1, 1, 0, 0, &a), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(map_iob(ZX_VM_PERM_READ, ep1, 1, 0, PAGE, &a),
	    ZX_ERR_ACCESS_DENIED);
	a = map_iob_ok(RW, ep0, 1, 0, PAGE);
	unmap_ok(a, PAGE);
	/* Region 2 is read-only for both. */
	cr_assert_eq(map_iob(RW, ep0, 2, 0, 0, &a), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(map_iob(RW, ep1, 2, 0, 0, &a), ZX_ERR_ACCESS_DENIED);
	a = map_iob_ok(ZX_VM_PERM_READ, ep1, 2, 0, PAGE);
	unmap_ok(a, PAGE);
	/* READ, WRITE and MAP must be on the handle too (the newest
	 * kernel: MappingRights, "If the handle lacks ZX_RIGHT_MAP, mapping
	 * should fail even if the region allows it"). */
	no_w = dup_rights(ep0, IOB_RIGHTS & ~ZX_RIGHT_WRITE);
	no_rw = dup_rights(ep0, IOB_RIGHTS & ~ZX_RIGHT_WRITE &
	    ~ZX_RIGHT_READ);
	no_map = dup_rights(ep0, IOB_RIGHTS & ~ZX_RIGHT_MAP);
	cr_assert_eq(map_iob(RW, no_w, 1, 0, PAGE, &a),
	    ZX_ERR_ACCESS_DENIED);
	a = map_iob_ok(ZX_VM_PERM_READ, no_w, 1, 0, PAGE);
	unmap_ok(a, PAGE);
	cr_assert_eq(map_iob(ZX_VM_PERM_READ, no_rw, 1, 0, PAGE, &a),
	    ZX_ERR_ACCESS_DENIED);
	/* Without READ or WRITE the handle still has MAP: a mapping with
	 * no permissions. */
	a = map_iob_ok(0, no_rw, 1, 0, PAGE);
	unmap_ok(a, PAGE);
	cr_assert_eq(map_iob(RW, no_map, 1, 0, PAGE, &a),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(map_iob(ZX_VM_PERM_READ, no_map, 1, 0, PAGE, &a),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(map_iob(0, no_map, 1, 0, PAGE, &a),
	    ZX_ERR_ACCESS_DENIED);
	/* The VMAR's rights count as for any mapping. */
	vmar_ro = dup_rights(zx_vmar_root_self(), ZX_DEFAULT_VMAR_RIGHTS |
	    ZX_RIGHT_READ);
	cr_assert_eq(zx_vmar_map_iob(vmar_ro, RW, 0, ep0, 1, 0, PAGE, &a),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_map_iob(vmar_ro, ZX_VM_PERM_READ, 0, ep0, 1, 0,
	    PAGE, &a), ZX_OK);
	unmap_ok(a, PAGE);
	zx_handle_close(vmar_ro);
	zx_handle_close(no_w);
	zx_handle_close(no_rw);
	zx_handle_close(no_map);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

Test(iob_map, shares_bytes)
{
	zx_handle_t ep0, ep1;
	zx_vaddr_t a, b, c;
	const char *s = "ABCDEFG";

	iob_new(RW_BOTH, 3 * PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	a = map_iob_ok(RW, ep0, 0, 0, 3 * PAGE);
	b = map_iob_ok(RW, ep1, 0, 0, 3 * PAGE);
	cr_assert_neq(a, b);
	memcpy((char *)a, s, strlen(s) + 1);
	cr_assert_str_eq((char *)b, s);
	memcpy((char *)b + 2 * PAGE, "tail", 5);
	cr_assert_str_eq((char *)a + 2 * PAGE, "tail");
	/* A window at an offset in the region. */
	c = map_iob_ok(ZX_VM_PERM_READ, ep1, 0, 2 * PAGE, PAGE);
	cr_assert_str_eq((char *)c, "tail");
	unmap_ok(a, 3 * PAGE);
	unmap_ok(b, 3 * PAGE);
	unmap_ok(c, PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

Test(iob_map, read_only_endpoint)
{
	zx_handle_t ep0, ep1;
	zx_vaddr_t w, r;

	iob_new(EP0_R | EP0_W | EP1_R, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE,
	    &ep0, &ep1);
	w = map_iob_ok(RW, ep0, 0, 0, PAGE);
	r = map_iob_ok(ZX_VM_PERM_READ, ep1, 0, 0, PAGE);
	strcpy((char *)w, "from ep0");
	cr_assert(probe((volatile uint8_t *)r, false));
	cr_assert_str_eq((char *)r, "from ep0");
	cr_assert(!probe((volatile uint8_t *)r, true));
	/* Neither libzx nor the Linux kernel lets it become writable. */
	cr_assert_eq(zx_vmar_protect(zx_vmar_root_self(), RW, r, PAGE),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_neq(mprotect((void *)r, PAGE, PROT_READ | PROT_WRITE), 0);
	cr_assert_str_eq((char *)w, "from ep0");
	unmap_ok(w, PAGE);
	unmap_ok(r, PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

Test(iob_map, region_vmo_options)
{
	zx_iob_region_t r[2] = {
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	zx_handle_t ep0, ep1;
	zx_vaddr_t a;

	r[0].private_region.options = ZX_VMO_RESIZABLE;
	r[1].private_region.options = ZX_VMO_DISCARDABLE;
	cr_assert_eq(zx_iob_create(0, r, 2, &ep0, &ep1), ZX_OK);
	cr_assert_eq(map_iob(RW | ZX_VM_REQUIRE_NON_RESIZABLE, ep0, 0, 0,
	    PAGE, &a), ZX_ERR_NOT_SUPPORTED);
	a = map_iob_ok(RW, ep0, 0, 0, PAGE);
	unmap_ok(a, PAGE);
	cr_assert_eq(map_iob(RW, ep0, 1, 0, PAGE, &a), ZX_ERR_NOT_SUPPORTED);
	a = map_iob_ok(RW | ZX_VM_ALLOW_FAULTS | ZX_VM_REQUIRE_NON_RESIZABLE,
	    ep0, 1, 0, PAGE);
	unmap_ok(a, PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

/* A writer cannot change the size of a region's memory from under the
 * other endpoint (or the daemon): it is fixed, resizable or not. */
Test(iob_map, region_memory_size_is_fixed)
{
	zx_iob_region_t r = region(RW_BOTH, 2 * PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_NONE);
	zx_handle_t ep0, ep1;
	zx_vaddr_t a;
	char path[96];
	int fd;

	r.private_region.options = ZX_VMO_RESIZABLE;
	cr_assert_eq(zx_iob_create(0, &r, 1, &ep0, &ep1), ZX_OK);
	a = map_iob_ok(RW, ep0, 0, 0, 2 * PAGE);
	/* The mapping's file, opened read-write (needs CAP_SYS_ADMIN). */
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
	    (unsigned long)a, (unsigned long)(a + 2 * PAGE));
	fd = open(path, O_RDWR);
	if (fd < 0) {
		unmap_ok(a, 2 * PAGE);
		cr_skip_test("cannot open %s", path);
	}
	cr_assert_neq(ftruncate(fd, 0), 0);
	cr_assert_neq(ftruncate(fd, 64 * PAGE), 0);
	cr_assert_neq(fallocate(fd, 0, 0, 8 * PAGE), 0);
	close(fd);
	strcpy((char *)a + PAGE, "still here");
	cr_assert_str_eq((char *)a + PAGE, "still here");
	unmap_ok(a, 2 * PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

/* --- ZX_IOB_PEER_CLOSED and mappings ------------------------------------ */

Test(iob_peer_closed, waits_for_mappings)
{
	zx_handle_t ep0, ep1;
	zx_vaddr_t a, b;
	zx_signals_t seen;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	a = map_iob_ok(RW, ep0, 0, 0, PAGE);
	b = map_iob_ok(RW, ep0, 0, 0, PAGE);
	zx_handle_close(ep0);
	cr_assert(!peer_closed_after_a_while(ep1));
	cr_assert_eq(zx_object_wait_one(ep1, ZX_IOB_PEER_CLOSED, 0, &seen),
	    ZX_ERR_TIMED_OUT);
	cr_assert_eq(seen, 0);
	/* The pair is broken for signal_peer already, as in Zircon. */
	cr_assert_eq(zx_object_signal_peer(ep1, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_PEER_CLOSED);
	/* The mapping still works, and keeps the memory. */
	strcpy((char *)a, "alive");
	cr_assert_str_eq((char *)b, "alive");
	unmap_ok(a, PAGE);
	cr_assert(!peer_closed_after_a_while(ep1));
	unmap_ok(b, PAGE);
	cr_assert(peer_closed_soon(ep1));
	cr_assert_eq(zx_object_wait_one(ep1, ZX_IOB_PEER_CLOSED, 0, &seen),
	    ZX_OK);
	cr_assert_eq(seen, ZX_IOB_PEER_CLOSED);
	zx_handle_close(ep1);
}

Test(iob_peer_closed, own_mappings_do_not_count)
{
	zx_handle_t ep0, ep1;
	zx_vaddr_t a;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	a = map_iob_ok(RW, ep1, 0, 0, PAGE);
	zx_handle_close(ep0);
	cr_assert(peer_closed_soon(ep1));
	unmap_ok(a, PAGE);
	zx_handle_close(ep1);
}

Test(iob_peer_closed, every_region)
{
	zx_iob_region_t r[2] = {
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, 2 * PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	zx_handle_t ep0, ep1;
	zx_vaddr_t a, b;

	cr_assert_eq(zx_iob_create(0, r, 2, &ep0, &ep1), ZX_OK);
	a = map_iob_ok(RW, ep1, 0, 0, PAGE);
	b = map_iob_ok(RW, ep1, 1, 0, 2 * PAGE);
	zx_handle_close(ep1);
	cr_assert(!peer_closed_after_a_while(ep0));
	unmap_ok(b, 2 * PAGE);
	cr_assert(!peer_closed_after_a_while(ep0));
	unmap_ok(a, PAGE);
	cr_assert(peer_closed_soon(ep0));
	zx_handle_close(ep0);
}

/* An unmap that leaves part of a mapping leaves the mapping. */
Test(iob_peer_closed, partial_unmaps)
{
	zx_handle_t ep0, ep1;
	zx_vaddr_t a;

	iob_new(RW_BOTH, 4 * PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	a = map_iob_ok(RW, ep0, 0, 0, 4 * PAGE);
	zx_handle_close(ep0);
	unmap_ok(a + PAGE, PAGE);		/* split in two */
	cr_assert(!peer_closed_after_a_while(ep1));
	unmap_ok(a, PAGE);
	cr_assert(!peer_closed_after_a_while(ep1));
	unmap_ok(a + 3 * PAGE, PAGE);
	cr_assert(!peer_closed_after_a_while(ep1));
	/* One unmap over the rest and beyond. */
	unmap_ok(a, 4 * PAGE);
	cr_assert(peer_closed_soon(ep1));
	zx_handle_close(ep1);
}

/* Mappings replaced by others are gone too. */
Test(iob_peer_closed, overwritten_mapping)
{
	zx_handle_t ep0, ep1, vmo = vmo_new(PAGE, 0);
	zx_vaddr_t a, b;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	a = map_iob_ok(RW, ep0, 0, 0, PAGE);
	zx_handle_close(ep0);
	cr_assert(!peer_closed_after_a_while(ep1));
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), RW |
	    ZX_VM_SPECIFIC_OVERWRITE, a - 0x1000000, vmo, 0, PAGE, &b), ZX_OK);
	cr_assert_eq(b, a);
	cr_assert(peer_closed_soon(ep1));
	unmap_ok(b, PAGE);
	zx_handle_close(vmo);
	zx_handle_close(ep1);
}

/* A map that fails leaves no mapping behind; nor does one whose
 * address could not be returned. */
Test(iob_peer_closed, failed_maps_hold_nothing)
{
	zx_handle_t ep0, ep1;
	zx_vaddr_t a;

	iob_new(EP0_R | EP0_W | EP1_R, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE,
	    &ep0, &ep1);
	cr_assert_eq(map_iob(RW, ep1, 0, 0, PAGE, &a), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(map_iob(ZX_VM_PERM_READ, ep1, 0, 0, 0, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(map_iob(ZX_VM_PERM_READ, ep1, 0, 0, PAGE, NULL),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(ep1);
	cr_assert(peer_closed_soon(ep0));
	zx_handle_close(ep0);
}

/* The region lives as long as a mapping of it, after both endpoints'
 * handles are gone. */
Test(iob_peer_closed, mapping_outlives_handles)
{
	zx_handle_t ep0, ep1;
	zx_vaddr_t a, b;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	a = map_iob_ok(RW, ep0, 0, 0, PAGE);
	b = map_iob_ok(RW, ep1, 0, 0, PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	strcpy((char *)a, "kept");
	cr_assert_str_eq((char *)b, "kept");
	unmap_ok(a, PAGE);
	unmap_ok(b, PAGE);
}
