/* zx_iob_create (ZIRCON.md §1.8): every status in the kernel's order,
 * nothing made on failure, the endpoints' rights, types and koids, the
 * info topics, names and signals. */
#include "config-build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/iob_util.h"
#include "tests/lib/zxdtest.h"

/* Zircon's largest VMO with 4 KiB pages and up. */
#define MAX_SIZE(page)	(UINT64_MAX & ~(32 * (page) - 1))

static zx_status_t
create(uint64_t options, const zx_iob_region_t *r, uint32_t n)
{
	zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;
	zx_status_t st = zx_iob_create(options, r, n, &a, &b);

	if (st == ZX_OK) {
		cr_assert_neq(a, ZX_HANDLE_INVALID);
		cr_assert_neq(b, ZX_HANDLE_INVALID);
		zx_handle_close(a);
		zx_handle_close(b);
	} else {
		cr_assert_eq(a, ZX_HANDLE_INVALID, "out written on failure");
		cr_assert_eq(b, ZX_HANDLE_INVALID, "out written on failure");
	}
	return st;
}

static zx_status_t
create1(zx_iob_region_t r)
{
	return create(0, &r, 1);
}

Test(iob_create, endpoints)
{
	zx_handle_t ep0, ep1;
	zx_info_handle_basic_t b0, b1;
	zx_iob_region_info_t r0, r1;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	/* No signal asserted. */
	assert_new_pair(ep0, ep1, ZX_OBJ_TYPE_IOB, IOB_RIGHTS, 0);
	b0 = basic_of(ep0);
	b1 = basic_of(ep1);
	cr_assert_neq(b0.koid, b1.koid);
	/* The region's memory has a koid of its own, the same from both
	 * endpoints. */
	r0 = region_info_of(ep0, 0);
	r1 = region_info_of(ep1, 0);
	cr_assert_neq(r0.koid, ZX_KOID_INVALID);
	cr_assert_eq(r0.koid, r1.koid);
	cr_assert_neq(r0.koid, b0.koid);
	cr_assert_neq(r0.koid, b1.koid);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

Test(iob_create, region_koids_are_distinct)
{
	zx_iob_region_t r[3] = {
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	zx_handle_t ep0, ep1;
	zx_koid_t k[3];

	cr_assert_eq(zx_iob_create(0, r, 3, &ep0, &ep1), ZX_OK);
	for (int i = 0; i < 3; i++) {
		k[i] = region_info_of(ep0, i).koid;
		cr_assert_eq(region_info_of(ep1, i).koid, k[i]);
		for (int j = 0; j < i; j++)
			cr_assert_neq(k[i], k[j]);
	}
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

Test(iob_create, options_first)
{
	zx_iob_region_t r = region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE);

	cr_assert_eq(create(1, &r, 1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(UINT64_MAX, &r, 1), ZX_ERR_INVALID_ARGS);
	/* Before the count and the copy. */
	cr_assert_eq(create(1, NULL, 65), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(1 << 8, NULL, 0), ZX_ERR_INVALID_ARGS);
}

Test(iob_create, region_count)
{
	zx_iob_region_t r[ZX_IOB_MAX_REGIONS + 1];
	zx_handle_t ep0, ep1;
	zx_info_iob_t info;

	for (int i = 0; i <= ZX_IOB_MAX_REGIONS; i++)
		r[i] = region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE);
	/* Over the maximum: before the copy, so even a NULL array. */
	cr_assert_eq(create(0, r, ZX_IOB_MAX_REGIONS + 1),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(create(0, NULL, ZX_IOB_MAX_REGIONS + 1),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(create(0, NULL, UINT32_MAX), ZX_ERR_OUT_OF_RANGE);
	/* Even with a bad region inside. */
	r[3].type = 7;
	cr_assert_eq(create(0, r, ZX_IOB_MAX_REGIONS + 1),
	    ZX_ERR_OUT_OF_RANGE);
	r[3].type = ZX_IOB_REGION_TYPE_PRIVATE;
	/* The maximum itself is fine. */
	cr_assert_eq(zx_iob_create(0, r, ZX_IOB_MAX_REGIONS, &ep0, &ep1),
	    ZX_OK);
	cr_assert_eq(zx_object_get_info(ep1, ZX_INFO_IOB, &info,
	    sizeof(info), NULL, NULL), ZX_OK);
	cr_assert_eq(info.region_count, ZX_IOB_MAX_REGIONS);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

Test(iob_create, null_or_empty_regions)
{
	zx_iob_region_t r = region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE);

	/* The copy from NULL faults; then an empty array is refused. */
	cr_assert_eq(create(0, NULL, 4), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(0, NULL, 1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(0, NULL, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(0, &r, 0), ZX_ERR_INVALID_ARGS);
}

Test(iob_create, region_type)
{
	zx_iob_region_t r = region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE);

	/* SHARED (1) needs a shared-region handle zxd does not have. */
	for (uint32_t t = 1; t < 4; t++) {
		r.type = t;
		cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS, "type %u", t);
	}
	r.type = UINT32_MAX;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
}

Test(iob_create, private_options)
{
	zx_iob_region_t r = region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE);
	const uint32_t good[] = { ZX_VMO_RESIZABLE, ZX_VMO_DISCARDABLE,
		ZX_VMO_UNBOUNDED, ZX_VMO_RESIZABLE | ZX_VMO_DISCARDABLE,
		ZX_VMO_DISCARDABLE | ZX_VMO_UNBOUNDED };

	r.private_region.options = 0xFFF;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	r.private_region.options = ZX_VMO_RESIZABLE | ZX_VMO_UNBOUNDED;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	/* TRAP_DIRTY is a pager option, not zx_vmo_create's. */
	r.private_region.options = ZX_VMO_TRAP_DIRTY;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	r.private_region.options = 1;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	r.private_region.options = 1u << 31;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		r.private_region.options = good[i];
		cr_assert_eq(create1(r), ZX_OK, "options %#x", good[i]);
	}
}

Test(iob_create, sizes_round_up)
{
	zx_iob_region_t r[5] = {
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, PAGE + 1, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, PAGE - 1, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, 0, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, 1, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	const uint64_t want[5] = { PAGE, 2 * PAGE, PAGE, 0, PAGE };
	zx_handle_t ep0, ep1;

	cr_assert_eq(zx_iob_create(0, r, 5, &ep0, &ep1), ZX_OK);
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(region_info_of(ep0, i).region.size, want[i]);
		cr_assert_eq(region_info_of(ep1, i).region.size, want[i]);
	}
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

Test(iob_create, size_overflow)
{
	zx_iob_region_t r = region(RW_BOTH, UINT64_MAX,
	    ZX_IOB_DISCIPLINE_TYPE_NONE);
	zx_handle_t ep0, ep1;

	cr_assert_eq(create1(r), ZX_ERR_OUT_OF_RANGE);
	r.size = UINT64_MAX - PAGE + 2;
	cr_assert_eq(create1(r), ZX_ERR_OUT_OF_RANGE);
	/* Past Zircon's largest VMO. */
	r.size = MAX_SIZE(PAGE) + 1;
	cr_assert_eq(create1(r), ZX_ERR_OUT_OF_RANGE);
	/* UNBOUNDED: the largest size, whatever was asked. */
	r.size = 0;
	r.private_region.options = ZX_VMO_UNBOUNDED;
	cr_assert_eq(zx_iob_create(0, &r, 1, &ep0, &ep1), ZX_OK);
	cr_assert_eq(region_info_of(ep0, 0).region.size, MAX_SIZE(PAGE));
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

Test(iob_create, access)
{
	const uint32_t bad[] = { 0, EP0_R, EP1_R, EP0_R | EP1_R };
	const uint32_t good[] = { EP0_W, EP1_W, EP0_R | EP1_W,
		EP0_W | EP1_R, RW_BOTH };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(create1(region(bad[i], PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_NONE)), ZX_ERR_INVALID_ARGS,
		    "access %#x", bad[i]);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_assert_eq(create1(region(good[i], PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_NONE)), ZX_OK, "access %#x",
		    good[i]);
	/* Mediated access makes a region reachable too, with a
	 * discipline that mediates. */
	cr_assert_eq(create1(region(EP0_MW, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR)), ZX_OK);
	cr_assert_eq(create1(region(EP0_R | EP1_MW | EP1_MR, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR)), ZX_OK);
	/* Bits past the eight Zircon defines are not checked. */
	cr_assert_eq(create1(region(EP0_W | 0x100, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_NONE)), ZX_OK);
	cr_assert_eq(create1(region(0x100, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_NONE)), ZX_ERR_INVALID_ARGS);
}

Test(iob_create, discipline)
{
	/* NONE mediates nothing. */
	cr_assert_eq(create1(region(EP0_W | EP1_MW, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_NONE)), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create1(region(EP0_W | EP0_MR, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_NONE)), ZX_ERR_INVALID_ARGS);
	/* An ID allocator endpoint that mediates must write. */
	cr_assert_eq(create1(region(EP0_W | EP0_MR, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR)), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create1(region(EP0_W | EP1_MR, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR)), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create1(region(EP0_MW | EP1_MR, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR)), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create1(region(EP0_MR | EP0_MW, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR)), ZX_OK);
	/* Without mediated access at all it is a plain region. */
	cr_assert_eq(create1(region(RW_BOTH, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR)), ZX_OK);
	/* Unknown disciplines, MEDIATED_WRITE_RING_BUFFER (2) among them:
	 * it needs a shared region zxd does not have. */
	cr_assert_eq(create1(region(RW_BOTH, PAGE, 2)), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create1(region(RW_BOTH, PAGE, 99)), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create1(region(RW_BOTH, PAGE, UINT64_MAX)),
	    ZX_ERR_INVALID_ARGS);
	/* The allocator's container cannot be empty or past 32 bits. */
	cr_assert_eq(create1(region(EP0_MW, 0,
	    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR)), ZX_ERR_INVALID_ARGS);
	{
		zx_iob_region_t r = region(EP0_MW, 0,
		    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR);

		r.private_region.options = ZX_VMO_UNBOUNDED;
		cr_assert_eq(create1(r), ZX_ERR_NO_MEMORY);
	}
}

/* Within a region: type, then options and size, then access, then
 * discipline. Across regions: the first region that fails wins. */
Test(iob_create, check_order)
{
	zx_iob_region_t r = region(0, UINT64_MAX, 99), rs[3];

	r.type = 5;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);	/* type */
	r.type = ZX_IOB_REGION_TYPE_PRIVATE;
	cr_assert_eq(create1(r), ZX_ERR_OUT_OF_RANGE);	/* size */
	/* Options are parsed around the size: RESIZABLE|UNBOUNDED before
	 * it, unknown bits after. */
	r.private_region.options = ZX_VMO_RESIZABLE | ZX_VMO_UNBOUNDED;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	r.private_region.options = 1;
	cr_assert_eq(create1(r), ZX_ERR_OUT_OF_RANGE);
	r.private_region.options = 0;
	r.size = PAGE;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);	/* access */
	r.access = EP0_W;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);	/* discipline */

	rs[0] = region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE);
	rs[1] = region(RW_BOTH, UINT64_MAX, ZX_IOB_DISCIPLINE_TYPE_NONE);
	rs[2] = region(0, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE);
	cr_assert_eq(create(0, rs, 3), ZX_ERR_OUT_OF_RANGE);
	rs[1] = region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE);
	rs[0] = region(RW_BOTH, UINT64_MAX, ZX_IOB_DISCIPLINE_TYPE_NONE);
	rs[2].size = UINT64_MAX;
	cr_assert_eq(create(0, rs, 3), ZX_ERR_OUT_OF_RANGE);
	rs[0] = region(0, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE);
	cr_assert_eq(create(0, rs, 3), ZX_ERR_INVALID_ARGS);
}

Test(iob_create, null_out)
{
	zx_iob_region_t r = region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE);
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_iob_create(0, &r, 1, NULL, &h), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(h, ZX_HANDLE_INVALID);
	cr_assert_eq(zx_iob_create(0, &r, 1, &h, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(h, ZX_HANDLE_INVALID);
	cr_assert_eq(zx_iob_create(0, &r, 1, NULL, NULL),
	    ZX_ERR_INVALID_ARGS);
	/* Last: every other check comes first. */
	r.size = UINT64_MAX;
	cr_assert_eq(zx_iob_create(0, &r, 1, NULL, NULL),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_iob_create(0, NULL, 65, NULL, NULL),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_iob_create(0, NULL, 0, NULL, NULL),
	    ZX_ERR_INVALID_ARGS);
}

/* --- nothing is made on failure, and regions are charged -------------- */

static struct zxdtest_daemon daemon_;
#define LIMIT_PAGES	16

static void
start_limited(void)
{
	char conf[64];

	snprintf(conf, sizeof(conf), "[limits]\nvmo_bytes_per_client = %dK\n",
	    LIMIT_PAGES * 4);
	cr_assert_eq(zxdtest_start_config(&daemon_, conf, NULL), 0);
}

static void
stop_limited(void)
{
	cr_assert_eq(zxdtest_stop(&daemon_), 0);
}

static struct zxdtest_stats
stats(void)
{
	struct zxdtest_stats s;

	cr_assert_eq(zxdtest_stats(daemon_.socket, &s), 0);
	return s;
}

/* Closes are seen asynchronously: wait for the counts to settle. */
static struct zxdtest_stats
stats_settled(uint64_t objects)
{
	struct zxdtest_stats s = stats();

	for (int i = 0; i < 500 && s.objects != objects; i++) {
		usleep(10000);
		s = stats();
	}
	return s;
}

Test(iob_create, nothing_made_on_failure, .init = start_limited,
    .fini = stop_limited)
{
	zx_iob_region_t rs[3] = {
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(EP1_MW, PAGE, ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR),
		region(RW_BOTH, PAGE, 42),
	};
	zx_handle_t a, b;
	struct zxdtest_stats before, after;

	if (PAGE != 4096)
		cr_skip_test("page size is not 4 KiB");
	before = stats();
	cr_assert_eq(before.handles, 0);
	/* Two good regions made before the third fails. */
	cr_assert_eq(create(0, rs, 3), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_iob_create(0, rs, 2, NULL, &b), ZX_ERR_INVALID_ARGS);
	rs[2].size = UINT64_MAX;
	rs[2].discipline.type = 0;
	cr_assert_eq(create(0, rs, 3), ZX_ERR_OUT_OF_RANGE);
	after = stats();
	cr_assert_eq(after.objects, before.objects);
	cr_assert_eq(after.handles, 0);
	/* And their memory was given back: the whole limit is free. */
	rs[0].size = LIMIT_PAGES * PAGE;
	cr_assert_eq(zx_iob_create(0, rs, 1, &a, &b), ZX_OK);
	zx_handle_close(a);
	zx_handle_close(b);
	after = stats_settled(before.objects);
	cr_assert_eq(after.objects, before.objects);
}

/* Regions are VMO memory of the creating process: charged for the pages
 * they hold (written through a mapping, or committed by the daemon). */
Test(iob_create, regions_are_charged, .init = start_limited,
    .fini = stop_limited)
{
	zx_iob_region_t rs[2] = {
		region(RW_BOTH, LIMIT_PAGES / 2 * PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, LIMIT_PAGES / 2 * PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	zx_handle_t a, b, v;
	zx_vaddr_t addr;

	if (PAGE != 4096)
		cr_skip_test("page size is not 4 KiB");
	cr_assert_eq(zx_iob_create(0, rs, 2, &a, &b), ZX_OK);
	/* Fill both regions: the whole limit. */
	for (uint32_t i = 0; i < 2; i++) {
		cr_assert_eq(zx_vmar_map_iob(zx_vmar_root_self(),
		    ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, a, i, 0,
		    LIMIT_PAGES / 2 * PAGE, &addr), ZX_OK);
		memset((void *)addr, 1, LIMIT_PAGES / 2 * PAGE);
		cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), addr,
		    LIMIT_PAGES / 2 * PAGE), ZX_OK);
	}
	cr_assert_eq(zx_vmo_create(PAGE, 0, &v), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(v, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0),
	    ZX_ERR_NO_MEMORY);
	/* Held while either endpoint lives. */
	zx_handle_close(a);
	cr_assert_eq(zx_vmo_op_range(v, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0),
	    ZX_ERR_NO_MEMORY);
	zx_handle_close(b);
	/* (The daemon settles closes before refusing.) */
	cr_assert_eq(zx_vmo_op_range(v, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0),
	    ZX_OK);
	zx_handle_close(v);
}

/* --- info topics -------------------------------------------------------- */

Test(iob_info, iob)
{
	zx_iob_region_t r[3] = {
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, 2 * PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, 3 * PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	zx_handle_t ep0, ep1, weak, vmo;
	zx_info_iob_t info;
	size_t actual = 7, avail = 7;

	cr_assert_eq(zx_iob_create(0, r, 3, &ep0, &ep1), ZX_OK);
	for (int e = 0; e < 2; e++) {
		memset(&info, 0xff, sizeof(info));
		cr_assert_eq(zx_object_get_info(e ? ep1 : ep0, ZX_INFO_IOB,
		    &info, sizeof(info), &actual, &avail), ZX_OK);
		cr_assert_eq(info.options, 0);
		cr_assert_eq(info.region_count, 3);
		cr_assert_eq(actual, 1);
		cr_assert_eq(avail, 1);
	}
	cr_assert_eq(zx_object_get_info(ep0, ZX_INFO_IOB, &info,
	    sizeof(info) - 1, &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
	/* INSPECT is needed, for both topics. */
	weak = dup_rights(ep0, IOB_RIGHTS & ~ZX_RIGHT_INSPECT);
	cr_assert_eq(zx_object_get_info(weak, ZX_INFO_IOB, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_info(weak, ZX_INFO_IOB_REGIONS, NULL, 0,
	    NULL, NULL), ZX_ERR_ACCESS_DENIED);
	/* Other objects: the type before the rights. */
	vmo = vmo_new(PAGE, 0);
	cr_assert_eq(zx_object_get_info(vmo, ZX_INFO_IOB, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_WRONG_TYPE);
	zx_handle_close(weak);
	weak = dup_rights(vmo, 0);
	cr_assert_eq(zx_object_get_info(weak, ZX_INFO_IOB_REGIONS, NULL, 0,
	    NULL, NULL), ZX_ERR_WRONG_TYPE);
	/* And an IOB is no VMO. */
	cr_assert_eq(zx_object_get_info(ep0, ZX_INFO_VMO, NULL, 0, NULL,
	    NULL), ZX_ERR_WRONG_TYPE);
	zx_handle_close(weak);
	zx_handle_close(vmo);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

Test(iob_info, regions_as_given)
{
	zx_iob_region_t r[3] = {
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(EP0_R | EP0_W | EP1_MW, 2 * PAGE + 5,
		    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR),
		region(EP1_R | EP1_W, 3 * PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	zx_iob_region_info_t info[5];
	zx_handle_t ep0, ep1;
	size_t actual, avail;

	/* Fields Zircon does not look at come back untouched. */
	r[0].discipline.reserved[3] = 0x1234;
	r[0].private_region.padding1 = 7;
	r[0].private_region.padding2[2] = 0xabcdef;
	r[2].private_region.options = ZX_VMO_RESIZABLE;
	cr_assert_eq(zx_iob_create(0, r, 3, &ep0, &ep1), ZX_OK);
	r[1].size = 3 * PAGE;

	memset(info, 0xee, sizeof(info));
	cr_assert_eq(zx_object_get_info(ep0, ZX_INFO_IOB_REGIONS, info,
	    sizeof(info), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 3);
	cr_assert_eq(avail, 3);
	for (int i = 0; i < 3; i++)
		cr_assert_arr_eq(&info[i].region, &r[i], sizeof(r[i]),
		    "region %d", i);
	/* Multi-record topic: short buffers are fine. */
	cr_assert_eq(zx_object_get_info(ep0, ZX_INFO_IOB_REGIONS, NULL, 0,
	    &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 3);
	memset(info, 0, sizeof(info));
	cr_assert_eq(zx_object_get_info(ep0, ZX_INFO_IOB_REGIONS, info,
	    2 * sizeof(info[0]), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 2);
	cr_assert_eq(avail, 3);
	cr_assert_arr_eq(&info[1].region, &r[1], sizeof(r[1]));
	cr_assert_eq(info[2].koid, 0, "wrote past what fits");
	cr_assert_eq(zx_object_get_info(ep0, ZX_INFO_IOB_REGIONS, info,
	    sizeof(info[0]) + sizeof(info[0]) / 2, &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 3);
	cr_assert_eq(zx_object_get_info(ep0, ZX_INFO_IOB_REGIONS, info,
	    sizeof(info[0]) - 1, NULL, NULL), ZX_OK);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

Test(iob_info, each_endpoint_sees_itself_as_ep0)
{
	zx_iob_region_t r[3] = {
		region(EP0_R | EP0_W, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(EP0_R | EP0_W | EP1_MW, PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR),
		region(EP0_R | EP1_R | EP1_W | 0x300, PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	zx_handle_t ep0, ep1;

	cr_assert_eq(zx_iob_create(0, r, 3, &ep0, &ep1), ZX_OK);
	cr_assert_eq(region_info_of(ep0, 0).region.access, EP0_R | EP0_W);
	cr_assert_eq(region_info_of(ep1, 0).region.access, EP1_R | EP1_W);
	cr_assert_eq(region_info_of(ep0, 1).region.access,
	    EP0_R | EP0_W | EP1_MW);
	cr_assert_eq(region_info_of(ep1, 1).region.access,
	    EP1_R | EP1_W | EP0_MW);
	/* Bits outside the two nibbles: as given to endpoint 0, dropped
	 * by the swap for endpoint 1. */
	cr_assert_eq(region_info_of(ep0, 2).region.access,
	    EP0_R | EP1_R | EP1_W | 0x300);
	cr_assert_eq(region_info_of(ep1, 2).region.access,
	    EP1_R | EP0_R | EP0_W);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

/* --- names -------------------------------------------------------------- */

static void
name_is(zx_handle_t h, const char *want)
{
	char name[ZX_MAX_NAME_LEN];

	memset(name, 0x55, sizeof(name));
	cr_assert_eq(zx_object_get_property(h, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_OK);
	cr_assert_str_eq(name, want);
	for (size_t i = strlen(want); i < sizeof(name); i++)
		cr_assert_eq(name[i], 0);
}

Test(iob_names, either_endpoint_names_both)
{
	zx_iob_region_t r[2] = {
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	const char *longname = "0123456789abcdefghijklmnopqrstuvwxyz";
	zx_handle_t ep0, ep1, weak;
	char name[ZX_MAX_NAME_LEN];

	cr_assert_eq(zx_iob_create(0, r, 2, &ep0, &ep1), ZX_OK);
	name_is(ep0, "");
	name_is(ep1, "");
	cr_assert_eq(zx_object_set_property(ep0, ZX_PROP_NAME, "TestIob", 8),
	    ZX_OK);
	name_is(ep0, "TestIob");
	name_is(ep1, "TestIob");
	cr_assert_eq(zx_object_set_property(ep1, ZX_PROP_NAME, "TestIob2", 9),
	    ZX_OK);
	name_is(ep0, "TestIob2");
	name_is(ep1, "TestIob2");
	/* Cut to 31 characters. */
	cr_assert_eq(zx_object_set_property(ep1, ZX_PROP_NAME, longname,
	    strlen(longname)), ZX_OK);
	name_is(ep0, "0123456789abcdefghijklmnopqrstu");
	cr_assert_eq(zx_object_get_property(ep0, ZX_PROP_NAME, name,
	    ZX_MAX_NAME_LEN - 1), ZX_ERR_BUFFER_TOO_SMALL);
	/* The rights: SET_PROPERTY, GET_PROPERTY. */
	weak = dup_rights(ep0, IOB_RIGHTS & ~ZX_RIGHT_SET_PROPERTY &
	    ~ZX_RIGHT_GET_PROPERTY);
	cr_assert_eq(zx_object_set_property(weak, ZX_PROP_NAME, "x", 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_property(weak, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(weak);
	/* The peer's name stays readable after the other end closes. */
	zx_handle_close(ep0);
	name_is(ep1, "0123456789abcdefghijklmnopqrstu");
	zx_handle_close(ep1);
}

/* --- signals ------------------------------------------------------------ */

Test(iob_signals, user_signals_and_peer)
{
	zx_handle_t ep0, ep1;
	zx_signals_t seen;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	cr_assert_eq(zx_object_signal(ep0, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_object_wait_one(ep0, ZX_USER_SIGNAL_0, 0, &seen),
	    ZX_OK);
	cr_assert_eq(seen, ZX_USER_SIGNAL_0);
	/* PEER_CLOSED is the kernel's to set. */
	cr_assert_eq(zx_object_signal(ep0, 0, ZX_IOB_PEER_CLOSED),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_signal_peer(ep0, 0, ZX_USER_SIGNAL_1), ZX_OK);
	cr_assert_eq(zx_object_wait_one(ep1, ZX_USER_SIGNAL_1, 0, &seen),
	    ZX_OK);
	cr_assert_eq(seen, ZX_USER_SIGNAL_1);
	cr_assert_eq(zx_object_signal_peer(ep1, 0, ZX_IOB_PEER_CLOSED),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(ep1);
	cr_assert(peer_closed_soon(ep0));
	cr_assert_eq(zx_object_wait_one(ep0, ZX_IOB_PEER_CLOSED, 0, &seen),
	    ZX_OK);
	cr_assert_eq(seen, ZX_IOB_PEER_CLOSED | ZX_USER_SIGNAL_0);
	cr_assert_eq(zx_object_signal_peer(ep0, 0, ZX_USER_SIGNAL_1),
	    ZX_ERR_PEER_CLOSED);
	/* related_koid is fixed for the endpoint's life. */
	cr_assert_neq(basic_of(ep0).related_koid, ZX_KOID_INVALID);
	zx_handle_close(ep0);
}

Test(iob_signals, peer_closed_either_way)
{
	zx_handle_t ep0, ep1;
	zx_signals_t seen;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	zx_handle_close(ep0);
	cr_assert(peer_closed_soon(ep1));
	cr_assert_eq(zx_object_wait_one(ep1, ZX_IOB_PEER_CLOSED, 0, &seen),
	    ZX_OK);
	cr_assert_eq(seen, ZX_IOB_PEER_CLOSED);
	zx_handle_close(ep1);

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	zx_handle_close(ep1);
	cr_assert(peer_closed_soon(ep0));
	zx_handle_close(ep0);
}

Test(iob_signals, duplicates_keep_the_peer_open)
{
	zx_handle_t ep0, ep1, d;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	d = dup_rights(ep0, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_close(ep0);
	cr_assert(!peer_closed_after_a_while(ep1));
	zx_handle_close(d);
	cr_assert(peer_closed_soon(ep1));
	zx_handle_close(ep1);
}

/* Zircon's close has taken effect when it returns: ep1 sees PEER_CLOSED
 * at once (deadline 0), every time, whichever way ep0's last handle and
 * mapping went: a duplicate closed too, a mapping unmapped before the
 * close, or after it. */
Test(iob_signals, peer_closed_at_once_every_time)
{
	zx_iob_region_t r;

	memset(&r, 0, sizeof(r));
	r.type = ZX_IOB_REGION_TYPE_PRIVATE;
	r.access = ZX_IOB_ACCESS_EP0_CAN_MAP_READ |
	    ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE | ZX_IOB_ACCESS_EP1_CAN_MAP_READ;
	r.size = 4096;
	r.discipline.type = ZX_IOB_DISCIPLINE_TYPE_NONE;
	for (int i = 0; i < 100; i++) {
		for (int way = 0; way < 3; way++) {
			zx_handle_t ep0, ep1, d;
			zx_vaddr_t a = 0;
			zx_signals_t seen = 0;

			cr_assert_eq(zx_iob_create(0, &r, 1, &ep0, &ep1),
			    ZX_OK);
			if (way > 0)
				cr_assert_eq(zx_vmar_map_iob(
				    zx_vmar_root_self(), ZX_VM_PERM_READ |
				    ZX_VM_PERM_WRITE, 0, ep0, 0, 0, 4096, &a),
				    ZX_OK);
			if (way == 0) {
				cr_assert_eq(zx_handle_duplicate(ep0,
				    ZX_RIGHT_SAME_RIGHTS, &d), ZX_OK);
				cr_assert_eq(zx_handle_close(d), ZX_OK);
			}
			if (way == 1)
				cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(),
				    a, 4096), ZX_OK);
			cr_assert_eq(zx_handle_close(ep0), ZX_OK);
			if (way == 2)
				cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(),
				    a, 4096), ZX_OK);
			zx_object_wait_one(ep1, ZX_IOB_PEER_CLOSED, 0, &seen);
			cr_assert(seen & ZX_IOB_PEER_CLOSED,
			    "round %d, way %d", i, way);
			zx_handle_close(ep1);
		}
	}
}
