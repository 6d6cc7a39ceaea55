/*
 * zx_bti_create, ZX_INFO_BTI, BTI names and zx_bti_pin against a real
 * zxd: every status of ZIRCON.md §1.14 in Zircon's order, and the
 * address lists (per page, ZX_BTI_COMPRESS, ZX_BTI_CONTIGUOUS) with
 * their exact counts and the 32768 cap.
 */
#include "config-build.h"

#include <stdlib.h>

#include <criterion/criterion.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "tests/integration/bti_util.h"

#define MAX_ADDRS	(PAGE * 64 / 8)

/* --- zx_bti_create ---------------------------------------------------- */

Test(bti_create, ok)
{
	zx_handle_t iommu = iommu_new(), h = ZX_HANDLE_INVALID;
	zx_info_handle_basic_t b;

	cr_assert_eq(zx_bti_create(iommu, 0, 0xdeadbeef, &h), ZX_OK);
	b = basic_of(h);
	cr_assert_eq(b.type, ZX_OBJ_TYPE_BTI);
	cr_assert_eq(b.rights, 0x80EF);
	cr_assert_eq(b.rights, ZX_DEFAULT_BTI_RIGHTS);
	cr_assert_eq(b.related_koid, 0);
	zx_handle_close(h);
	/* The dummy IOMMU takes any bus transaction id. */
	cr_assert_eq(zx_bti_create(iommu, 0, 0, &h), ZX_OK);
	zx_handle_close(h);
	cr_assert_eq(zx_bti_create(iommu, 0, UINT64_MAX, &h), ZX_OK);
	zx_handle_close(h);
	zx_handle_close(iommu);
}

Test(bti_create, order)
{
	zx_handle_t iommu = iommu_new(), ev = event_new(), none, h;

	/* Options first, before the handle is looked at. */
	cr_assert_eq(zx_bti_create(ZX_HANDLE_INVALID, 1, 0, &h),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_bti_create(ev, 0x80000000, 0, &h),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_bti_create(iommu, 1, 0, &h), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_bti_create(ZX_HANDLE_INVALID, 0, 0, &h),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_bti_create(0x7ffffff3, 0, 0, &h), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_bti_create(ev, 0, 0, &h), ZX_ERR_WRONG_TYPE);
	/* No right is needed on the IOMMU. */
	none = dup_rights(iommu, 0);
	cr_assert_eq(zx_bti_create(none, 0, 1, &h), ZX_OK);
	zx_handle_close(h);
	cr_assert_eq(zx_bti_create(iommu, 0, 1, NULL), ZX_ERR_INVALID_ARGS);
	zx_handle_close(none);
	zx_handle_close(ev);
	zx_handle_close(iommu);
}

/* The BTI keeps its IOMMU: closing the IOMMU handle changes nothing. */
Test(bti_create, outlives_iommu_handle)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), pmt;
	zx_paddr_t a;

	pmt = pin(bti, ZX_BTI_PERM_READ, vmo, 0, PAGE, &a);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* --- ZX_INFO_BTI, names, waiting --------------------------------------- */

Test(bti_info, fresh)
{
	zx_handle_t bti = bti_new();
	zx_info_bti_t info = bti_info(bti);

	cr_assert_eq(info.minimum_contiguity, PAGE);
	cr_assert_eq(info.aspace_size, UINT64_MAX);
	cr_assert_eq(info.pmo_count, 0);
	cr_assert_eq(info.quarantine_count, 0);
	zx_handle_close(bti);
}

Test(bti_info, statuses)
{
	zx_handle_t bti = bti_new(), ev = event_new(), vmo = vmo_new(PAGE, 0);
	zx_handle_t no_inspect = dup_rights(bti, ZX_DEFAULT_BTI_RIGHTS &
	    ~ZX_RIGHT_INSPECT);
	zx_info_bti_t info;
	size_t actual = 7, avail = 7;

	cr_assert_eq(zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_BTI, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_BAD_HANDLE);
	/* The type before the right. */
	cr_assert_eq(zx_object_get_info(ev, ZX_INFO_BTI, &info, sizeof(info),
	    NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_object_get_info(vmo, ZX_INFO_BTI, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_object_get_info(no_inspect, ZX_INFO_BTI, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_info(bti, ZX_INFO_BTI, &info,
	    sizeof(info) - 1, &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
	/* Other topics of other types. */
	cr_assert_eq(zx_object_get_info(bti, ZX_INFO_VMO, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_WRONG_TYPE);
	zx_handle_close(no_inspect);
	zx_handle_close(vmo);
	zx_handle_close(ev);
	zx_handle_close(bti);
}

/* Bti.NameSupport: "" at first, truncated to 31, "" again. */
Test(bti_info, name)
{
	const char normal[] = "Core Test BTI";
	const char long_name[] = "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789";
	char buf[ZX_MAX_NAME_LEN];
	zx_handle_t bti = bti_new();

	memset(buf, 'x', sizeof(buf));
	cr_assert_eq(zx_object_get_property(bti, ZX_PROP_NAME, buf,
	    sizeof(buf)), ZX_OK);
	cr_assert_eq(strlen(buf), 0);
	cr_assert_eq(zx_object_set_property(bti, ZX_PROP_NAME, normal,
	    sizeof(normal)), ZX_OK);
	cr_assert_eq(zx_object_get_property(bti, ZX_PROP_NAME, buf,
	    sizeof(buf)), ZX_OK);
	cr_assert_str_eq(buf, normal);
	cr_assert_eq(zx_object_set_property(bti, ZX_PROP_NAME, long_name,
	    sizeof(long_name)), ZX_OK);
	cr_assert_eq(zx_object_get_property(bti, ZX_PROP_NAME, buf,
	    sizeof(buf)), ZX_OK);
	cr_assert_eq(buf[sizeof(buf) - 1], 0);
	cr_assert_eq(memcmp(buf, long_name, sizeof(buf) - 1), 0);
	cr_assert_eq(zx_object_set_property(bti, ZX_PROP_NAME, "", 1), ZX_OK);
	cr_assert_eq(zx_object_get_property(bti, ZX_PROP_NAME, buf,
	    sizeof(buf)), ZX_OK);
	cr_assert_str_eq(buf, "");
	zx_handle_close(bti);
}

/* Not waitable; the default rights have neither WAIT nor SIGNAL. */
Test(bti_info, not_waitable)
{
	zx_handle_t bti = bti_new();

	cr_assert_eq(zx_object_wait_one(bti, ZX_USER_SIGNAL_0, 0, NULL),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_signal(bti, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(bti);
}

/* --- zx_bti_pin: the order of checks ---------------------------------- */

struct fixture {
	zx_handle_t bti, vmo, ev;
	zx_paddr_t addrs[4];
	zx_handle_t pmt;
};

static struct fixture f;

static void
setup(void)
{
	f.bti = bti_new();
	f.vmo = vmo_new(4 * PAGE, 0);
	f.ev = event_new();
	f.pmt = ZX_HANDLE_INVALID;
}

static void
teardown(void)
{
	zx_handle_close(f.ev);
	zx_handle_close(f.vmo);
	zx_handle_close(f.bti);
}

static zx_status_t
try_pin(zx_handle_t bti, uint32_t options, zx_handle_t vmo, uint64_t off,
    uint64_t size, size_t n)
{
	zx_paddr_t addrs[8];
	zx_handle_t pmt = ZX_HANDLE_INVALID;
	zx_status_t st;

	st = zx_bti_pin(bti, options, vmo, off, size, addrs, n, &pmt);
	if (st == ZX_OK)
		cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	else
		cr_assert_eq(pmt, ZX_HANDLE_INVALID);
	return st;
}

#define R	ZX_BTI_PERM_READ
#define W	ZX_BTI_PERM_WRITE
#define X	ZX_BTI_PERM_EXECUTE

/* 1. The BTI, needing MAP. */
Test(bti_pin, bti_lookup, .init = setup, .fini = teardown)
{
	zx_handle_t no_map = dup_rights(f.bti, ZX_DEFAULT_BTI_RIGHTS &
	    ~ZX_RIGHT_MAP);

	cr_assert_eq(try_pin(ZX_HANDLE_INVALID, R, f.vmo, 0, PAGE, 1),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(try_pin(f.ev, R, f.vmo, 0, PAGE, 1), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(try_pin(f.vmo, R, f.vmo, 0, PAGE, 1),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(try_pin(no_map, R, f.vmo, 0, PAGE, 1),
	    ZX_ERR_ACCESS_DENIED);
	/* Before anything else is looked at. */
	cr_assert_eq(try_pin(no_map, 0xFF00, f.ev, 1, 1, MAX_ADDRS + 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(try_pin(f.ev, 0xFF00, ZX_HANDLE_INVALID, 1, 1, 0),
	    ZX_ERR_WRONG_TYPE);
	/* MAP is all it needs. */
	zx_handle_close(no_map);
	no_map = dup_rights(f.bti, ZX_RIGHT_MAP);
	cr_assert_eq(try_pin(no_map, R, f.vmo, 0, PAGE, 1), ZX_OK);
	zx_handle_close(no_map);
}

/* 2. Alignment and the address cap, before the VMO. */
Test(bti_pin, arguments, .init = setup, .fini = teardown)
{
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 1, PAGE, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, PAGE / 2, PAGE, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, PAGE + 1, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, PAGE, MAX_ADDRS + 1),
	    ZX_ERR_INVALID_ARGS);
	/* Before the VMO is looked at... */
	cr_assert_eq(try_pin(f.bti, R, ZX_HANDLE_INVALID, 1, PAGE, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R, f.ev, 0, 3, 1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R, f.ev, 0, PAGE, MAX_ADDRS + 1),
	    ZX_ERR_INVALID_ARGS);
	/* ...and exactly 32768 addresses pass this check. */
	cr_assert_eq(MAX_ADDRS, PAGE == 4096 ? 32768 : MAX_ADDRS);
	cr_assert_eq(try_pin(f.bti, R, ZX_HANDLE_INVALID, 0, PAGE, MAX_ADDRS),
	    ZX_ERR_BAD_HANDLE);
}

/* 3. The VMO: MAP, then each permission's right. */
Test(bti_pin, vmo_lookup, .init = setup, .fini = teardown)
{
	zx_handle_t no_map = dup_rights(f.vmo, ZX_DEFAULT_VMO_RIGHTS &
	    ~ZX_RIGHT_MAP);
	zx_handle_t no_read = dup_rights(f.vmo, ZX_DEFAULT_VMO_RIGHTS &
	    ~ZX_RIGHT_READ);
	zx_handle_t no_write = dup_rights(f.vmo, ZX_DEFAULT_VMO_RIGHTS &
	    ~ZX_RIGHT_WRITE);
	zx_handle_t map_only = dup_rights(f.vmo, ZX_RIGHT_MAP);

	cr_assert_eq(try_pin(f.bti, R, ZX_HANDLE_INVALID, 0, PAGE, 1),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(try_pin(f.bti, R, 0x7ffffff3, 0, PAGE, 1),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(try_pin(f.bti, R, f.ev, 0, PAGE, 1), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(try_pin(f.bti, R, f.bti, 0, PAGE, 1), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(try_pin(f.bti, R, no_map, 0, PAGE, 1),
	    ZX_ERR_ACCESS_DENIED);
	/* Even with nothing to ask for, and before the options. */
	cr_assert_eq(try_pin(f.bti, 0xFF00, no_map, 0, PAGE, 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(try_pin(f.bti, R, no_read, 0, PAGE, 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(try_pin(f.bti, W, no_write, 0, PAGE, 1),
	    ZX_ERR_ACCESS_DENIED);
	/* EXECUTE is the device's: it wants READ, not EXECUTE. */
	cr_assert_eq(try_pin(f.bti, X, no_read, 0, PAGE, 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert(!(rights_of(f.vmo) & ZX_RIGHT_EXECUTE));
	cr_assert_eq(try_pin(f.bti, X, f.vmo, 0, PAGE, 1), ZX_OK);
	cr_assert_eq(try_pin(f.bti, W, no_read, 0, PAGE, 1), ZX_OK);
	cr_assert_eq(try_pin(f.bti, R, no_write, 0, PAGE, 1), ZX_OK);
	cr_assert_eq(try_pin(f.bti, R | W | X, f.vmo, 0, PAGE, 1), ZX_OK);
	/* A permission's right before a bad option. */
	cr_assert_eq(try_pin(f.bti, W | 0x100, no_write, 0, PAGE, 1),
	    ZX_ERR_ACCESS_DENIED);
	/* MAP alone: only a pin asking for nothing gets further. */
	cr_assert_eq(try_pin(f.bti, R, map_only, 0, PAGE, 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(try_pin(f.bti, 0, map_only, 0, PAGE, 1),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(map_only);
	zx_handle_close(no_write);
	zx_handle_close(no_read);
	zx_handle_close(no_map);
}

/* 4. Options: COMPRESS and CONTIGUOUS each only without the other, and
 * CONTIGUOUS only for contiguous memory. */
Test(bti_pin, options, .init = setup, .fini = teardown)
{
	zx_handle_t c = contig_new(f.bti, 4 * PAGE);

	cr_assert_eq(try_pin(f.bti, R | (1u << 5), f.vmo, 0, PAGE, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R | 0x80000000, f.vmo, 0, PAGE, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R | ZX_BTI_CONTIGUOUS, f.vmo, 0, PAGE, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R | ZX_BTI_COMPRESS | ZX_BTI_CONTIGUOUS,
	    c, 0, PAGE, 1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R | ZX_BTI_COMPRESS | ZX_BTI_CONTIGUOUS,
	    f.vmo, 0, PAGE, 1), ZX_ERR_INVALID_ARGS);
	/* Option errors come before the range is looked at. */
	cr_assert_eq(try_pin(f.bti, R | ZX_BTI_CONTIGUOUS, f.vmo, 0,
	    100 * PAGE, 1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R | ZX_BTI_CONTIGUOUS, c, 0, PAGE, 1),
	    ZX_OK);
	cr_assert_eq(try_pin(f.bti, R | ZX_BTI_COMPRESS, f.vmo, 0, PAGE, 1),
	    ZX_OK);
	cr_assert_eq(try_pin(f.bti, R | ZX_BTI_COMPRESS, c, 0, PAGE, 1),
	    ZX_OK);
	zx_handle_close(c);
}

/* 5. The pin itself: size 0, range, quarantine, no permission. */
Test(bti_pin, range, .init = setup, .fini = teardown)
{
	zx_handle_t slice;

	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, 0, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 100 * PAGE, 0, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, 5 * PAGE, 5),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 4 * PAGE, PAGE, 1),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, UINT64_MAX & ~(PAGE - 1),
	    2 * PAGE, 2), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 3 * PAGE, PAGE, 1), ZX_OK);
	/* A slice's own size bounds it. */
	cr_assert_eq(zx_vmo_create_child(f.vmo, ZX_VMO_CHILD_SLICE, PAGE,
	    2 * PAGE, &slice), ZX_OK);
	cr_assert_eq(try_pin(f.bti, R, slice, 0, 3 * PAGE, 3),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(try_pin(f.bti, R, slice, PAGE, 2 * PAGE, 2),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(try_pin(f.bti, R, slice, PAGE, PAGE, 1), ZX_OK);
	/* A pin without a permission is refused by the IOMMU, last. */
	cr_assert_eq(try_pin(f.bti, 0, f.vmo, 0, PAGE, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, 0, f.vmo, 0, 5 * PAGE, 5),
	    ZX_ERR_OUT_OF_RANGE);
	assert_counts(f.bti, 0, 0);
	zx_handle_close(slice);
}

/* A pin fails with BAD_STATE while a quarantine stands, after the range
 * check and before the permission check. */
Test(bti_pin, quarantine, .init = setup, .fini = teardown)
{
	zx_handle_t pmt = pin(f.bti, R, f.vmo, 0, PAGE, f.addrs);

	zx_handle_close(pmt);
	assert_counts(f.bti, 1, 1);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, PAGE, 1), ZX_ERR_BAD_STATE);
	cr_assert_eq(try_pin(f.bti, 0, f.vmo, 0, PAGE, 1), ZX_ERR_BAD_STATE);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, 5 * PAGE, 5),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, 0, 1), ZX_ERR_INVALID_ARGS);
	/* ...on that BTI only. */
	{
		zx_handle_t other = bti_new();

		cr_assert_eq(try_pin(other, R, f.vmo, 0, PAGE, 1), ZX_OK);
		zx_handle_close(other);
	}
	cr_assert_eq(zx_bti_release_quarantine(f.bti), ZX_OK);
	assert_counts(f.bti, 0, 0);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, PAGE, 1), ZX_OK);
}

/* --- the address lists ------------------------------------------------- */

/* Per page: exactly size / PAGE addresses; a wrong count undoes the pin
 * and is not counted. */
Test(bti_addrs, per_page_count, .init = setup, .fini = teardown)
{
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, 4 * PAGE, 3),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, 4 * PAGE, 5),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, 4 * PAGE, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, 4 * PAGE, 0),
	    ZX_ERR_INVALID_ARGS);
	assert_counts(f.bti, 0, 0);
	/* The right count works. */
	cr_assert_eq(try_pin(f.bti, R, f.vmo, 0, 4 * PAGE, 4), ZX_OK);
}

Test(bti_addrs, per_page_values, .init = setup, .fini = teardown)
{
	zx_paddr_t a[4], b[4], c[2];
	zx_handle_t p1, p2, p3, slice;
	zx_info_handle_basic_t info;

	p1 = pin(f.bti, R, f.vmo, 0, 4 * PAGE, a);
	info = basic_of(p1);
	cr_assert_eq(info.type, ZX_OBJ_TYPE_PMT);
	cr_assert_eq(info.rights, 0x8000);
	cr_assert_eq(info.rights, ZX_DEFAULT_PMT_RIGHTS);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(a[i] & (PAGE - 1), 0);
		cr_assert(in_window(a[i]), "address %#lx",
		    (unsigned long)a[i]);
		for (int j = 0; j < i; j++)
			cr_assert_neq(a[i], a[j]);
		/* Paged memory is not contiguous to the device. */
		if (i > 0)
			cr_assert_neq(a[i], a[i - 1] + PAGE);
	}
	/* A page has one physical address, whoever pins it, while pinned:
	 * the same BTI, another BTI, a slice. */
	p2 = pin(f.bti, R | W, f.vmo, 0, 4 * PAGE, b);
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0);
	zx_handle_close(f.ev);
	f.ev = bti_new();
	cr_assert_eq(zx_vmo_create_child(f.vmo, ZX_VMO_CHILD_SLICE, 2 * PAGE,
	    2 * PAGE, &slice), ZX_OK);
	p3 = pin(f.ev, W, slice, 0, 2 * PAGE, c);
	cr_assert_eq(c[0], a[2]);
	cr_assert_eq(c[1], a[3]);
	cr_assert_eq(zx_pmt_unpin(p3), ZX_OK);
	cr_assert_eq(zx_pmt_unpin(p2), ZX_OK);
	cr_assert_eq(zx_pmt_unpin(p1), ZX_OK);
	zx_handle_close(slice);
}

/* COMPRESS with a minimum contiguity of one page: one address a page,
 * the same count rule. */
Test(bti_addrs, compress, .init = setup, .fini = teardown)
{
	zx_paddr_t a[4], b[4];
	zx_handle_t p1, p2;

	cr_assert_eq(try_pin(f.bti, R | ZX_BTI_COMPRESS, f.vmo, 0, 4 * PAGE,
	    1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(try_pin(f.bti, R | ZX_BTI_COMPRESS, f.vmo, 0, 4 * PAGE,
	    5), ZX_ERR_INVALID_ARGS);
	p1 = pin(f.bti, R | ZX_BTI_COMPRESS, f.vmo, 0, 4 * PAGE, a);
	p2 = pin(f.bti, R, f.vmo, 0, 4 * PAGE, b);
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0);
	cr_assert_eq(zx_pmt_unpin(p1), ZX_OK);
	cr_assert_eq(zx_pmt_unpin(p2), ZX_OK);
}

/* Contiguous VMOs: consecutive addresses per page and with COMPRESS,
 * one address with CONTIGUOUS (Bti.PinContiguous, PinContigFlag). */
Test(bti_addrs, contiguous, .init = setup, .fini = teardown)
{
	const size_t n = 256;
	zx_paddr_t *a = calloc(n, sizeof(*a)), one = 0, two[2];
	zx_handle_t c = contig_new(f.bti, n * PAGE), pmt;

	pmt = pin(f.bti, R, c, 0, n * PAGE, a);
	cr_assert(in_window(a[0]));
	for (size_t i = 1; i < n; i++)
		cr_assert_eq(a[i], a[0] + i * PAGE);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	memset(a, 0, n * sizeof(*a));
	cr_assert_eq(zx_bti_pin(f.bti, R | ZX_BTI_COMPRESS, c, 0, n * PAGE, a,
	    n, &pmt), ZX_OK);
	for (size_t i = 1; i < n; i++)
		cr_assert_eq(a[i], a[0] + i * PAGE);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	/* CONTIGUOUS: exactly one address, the base, stable. */
	cr_assert_eq(zx_bti_pin(f.bti, R | ZX_BTI_CONTIGUOUS, c, PAGE,
	    10 * PAGE, &one, 1, &pmt), ZX_OK);
	cr_assert_eq(one, a[1]);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zx_bti_pin(f.bti, R | ZX_BTI_CONTIGUOUS, c, 0, PAGE * 2,
	    two, 2, &pmt), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_bti_pin(f.bti, R | ZX_BTI_CONTIGUOUS, c, 0, PAGE * 2,
	    two, 0, &pmt), ZX_ERR_INVALID_ARGS);
	assert_counts(f.bti, 0, 0);
	/* The same run through another BTI. */
	{
		zx_handle_t other = bti_new();

		cr_assert_eq(zx_bti_pin(other, W | ZX_BTI_CONTIGUOUS, c, 0,
		    n * PAGE, &one, 1, &pmt), ZX_OK);
		cr_assert_eq(one, a[0]);
		cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
		zx_handle_close(other);
	}
	zx_handle_close(c);
	free(a);
}

static int
cmp_addr(const void *x, const void *y)
{
	zx_paddr_t a = *(const zx_paddr_t *)x, b = *(const zx_paddr_t *)y;

	return a < b ? -1 : a > b;
}

/* Past 4096 addresses the list travels through a memfd; exactly 32768
 * (64 pages of them) is the most a pin takes. */
Test(bti_addrs, many, .init = setup, .fini = teardown)
{
	const size_t n = MAX_ADDRS;
	zx_paddr_t *a = calloc(n + 1, sizeof(*a));
	zx_handle_t big = vmo_new((n + 1) * PAGE, 0), pmt;

	cr_assert_eq(zx_bti_pin(f.bti, R, big, 0, (n + 1) * PAGE, a, n + 1,
	    &pmt), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_bti_pin(f.bti, R, big, 0, n * PAGE, a, n, &pmt),
	    ZX_OK);
	for (size_t i = 0; i < n; i++) {
		cr_assert(in_window(a[i]));
		cr_assert_eq(a[i] & (PAGE - 1), 0);
	}
	/* All distinct. */
	qsort(a, n, sizeof(*a), cmp_addr);
	for (size_t i = 1; i < n; i++)
		cr_assert_neq(a[i], a[i - 1]);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	/* Around the memfd threshold. */
	cr_assert_eq(zx_bti_pin(f.bti, R, big, 0, 4096 * PAGE, a, 4096, &pmt),
	    ZX_OK);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zx_bti_pin(f.bti, R, big, 0, 4097 * PAGE, a, 4097, &pmt),
	    ZX_OK);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zx_bti_pin(f.bti, R, big, 0, 4097 * PAGE, a, 4096,
	    &pmt), ZX_ERR_INVALID_ARGS);
	assert_counts(f.bti, 0, 0);
	zx_handle_close(big);
	free(a);
}

/* The copy-outs come last, and a failed one undoes the pin (it is not
 * quarantined: nobody ever held it). */
Test(bti_addrs, bad_out_pointers, .init = setup, .fini = teardown)
{
	zx_handle_t pmt = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_bti_pin(f.bti, R, f.vmo, 0, PAGE, NULL, 1, &pmt),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(pmt, ZX_HANDLE_INVALID);
	cr_assert_eq(zx_bti_pin(f.bti, R, f.vmo, 0, PAGE, f.addrs, 1, NULL),
	    ZX_ERR_INVALID_ARGS);
	assert_counts(f.bti, 0, 0);
	/* Earlier checks still come first. */
	cr_assert_eq(zx_bti_pin(f.bti, R, f.vmo, 0, 0, NULL, 0, NULL),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_bti_pin(f.bti, R, f.vmo, 0, 8 * PAGE, NULL, 8, NULL),
	    ZX_ERR_OUT_OF_RANGE);
	/* Pinning works again: nothing was left quarantined. */
	f.pmt = pin(f.bti, R, f.vmo, 0, PAGE, f.addrs);
	cr_assert_eq(zx_pmt_unpin(f.pmt), ZX_OK);
}
