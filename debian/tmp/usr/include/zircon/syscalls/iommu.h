/*
 * IOMMU types and descriptors for zx_iommu_create().
 */
#ifndef ZIRCON_SYSCALLS_IOMMU_H
#define ZIRCON_SYSCALLS_IOMMU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* zx_iommu_create() refuses a larger descriptor. */
#define ZX_IOMMU_MAX_DESC_LEN		4096

/*
 * A pass-through IOMMU: device addresses are physical addresses and
 * nothing is enforced, but pinning still holds pages in place. Newer
 * trees call it STUB; both names are accepted.
 */
#define ZX_IOMMU_TYPE_DUMMY		0
#define ZX_IOMMU_TYPE_STUB		0
/* Intel VT-d; x86 only, and not provided by zxd. */
#define ZX_IOMMU_TYPE_INTEL		1

/* The descriptor for ZX_IOMMU_TYPE_DUMMY; its size must be exactly 1. */
typedef struct zx_iommu_desc_dummy {
	uint8_t reserved;
} zx_iommu_desc_dummy_t;

typedef zx_iommu_desc_dummy_t zx_iommu_desc_stub_t;

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_IOMMU_H */
