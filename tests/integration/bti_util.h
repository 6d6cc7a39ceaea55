/* Helpers shared by the IOMMU, BTI, PMT and DMA integration tests. */
#ifndef ZXD_TESTS_BTI_UTIL_H
#define ZXD_TESTS_BTI_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iommu.h>
#include <zxd/zxd.h>

#include "tests/integration/vmo_util.h"

/* The default map's pinned-memory window (objects/iommu.h). */
#define WINDOW_BASE	(UINT64_C(1) << 40)
#define WINDOW_SIZE	(UINT64_C(1) << 40)

static inline zx_handle_t
root_resource(void)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zxd_get_root_resource(&h), ZX_OK);
	return h;
}

static inline zx_handle_t
iommu_new(void)
{
	zx_iommu_desc_dummy_t desc = { 0 };
	zx_handle_t root = root_resource(), h = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_iommu_create(root, ZX_IOMMU_TYPE_DUMMY, &desc,
	    sizeof(desc), &h), ZX_OK);
	zx_handle_close(root);
	return h;
}

/* A BTI on an IOMMU of its own (the IOMMU handle is closed: the BTI
 * keeps it). */
static inline zx_handle_t
bti_new(void)
{
	zx_handle_t iommu = iommu_new(), h = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_bti_create(iommu, 0, 0xdeadbeef, &h), ZX_OK);
	zx_handle_close(iommu);
	return h;
}

static inline zx_info_bti_t
bti_info(zx_handle_t bti)
{
	zx_info_bti_t info;
	size_t actual = 0, avail = 0;

	memset(&info, 0xA5, sizeof(info));
	cr_assert_eq(zx_object_get_info(bti, ZX_INFO_BTI, &info,
	    sizeof(info), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	return info;
}

static inline void
assert_counts(zx_handle_t bti, uint64_t pmo, uint64_t quarantine)
{
	zx_info_bti_t info = bti_info(bti);

	cr_assert_eq(info.pmo_count, pmo, "pmo_count %lu, want %lu",
	    (unsigned long)info.pmo_count, (unsigned long)pmo);
	cr_assert_eq(info.quarantine_count, quarantine,
	    "quarantine_count %lu, want %lu",
	    (unsigned long)info.quarantine_count, (unsigned long)quarantine);
}

/* Pin every page of [off, off + size) of vmo, one address per page. */
static inline zx_handle_t
pin(zx_handle_t bti, uint32_t options, zx_handle_t vmo, uint64_t off,
    uint64_t size, zx_paddr_t *addrs)
{
	zx_handle_t pmt = ZX_HANDLE_INVALID;
	zx_status_t st;

	st = zx_bti_pin(bti, options, vmo, off, size, addrs, size / PAGE,
	    &pmt);
	cr_assert_eq(st, ZX_OK, "zx_bti_pin: %s", zx_status_get_string(st));
	return pmt;
}

static inline zx_handle_t
contig_new(zx_handle_t bti, uint64_t size)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_vmo_create_contiguous(bti, size, 0, &h), ZX_OK);
	return h;
}

static inline bool
in_window(zx_paddr_t a)
{
	return a >= WINDOW_BASE && a - WINDOW_BASE < WINDOW_SIZE;
}

#endif
