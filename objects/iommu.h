/*
 * IOMMUs, Zircon's IommuDispatcher with its one portable kind, the dummy
 * (pass-through) IOMMU: device addresses are physical addresses, nothing
 * is enforced, but pinning holds pages in place.
 *
 * zxd's paged memory lives in memfds and has no physical address a device
 * could use, so this file also keeps the simulated physical address space
 * that memory gets one from: a window of the `sim` map that no region
 * (RAM, MMIO) occupies, 2^40 bytes at the first 2^40-aligned address
 * from 2^40 up that touches no region. Its lower half holds contiguous
 * VMOs, each a run given at creation and kept until the VMO dies; its
 * upper half holds the pages of paged VMOs while they are pinned, one
 * frame per page, handed out in a scattered order (consecutive pages
 * never get consecutive addresses, as with real paged memory) and not
 * reused until the half has gone round once, so that a stale address is
 * caught as one. A page pinned twice, through any BTI, has the same
 * address while either pin lasts; once no pin holds it, its frame goes.
 * Physical VMOs are not in the window: they keep their own addresses.
 */
#ifndef ZXD_OBJECTS_IOMMU_H
#define ZXD_OBJECTS_IOMMU_H

#include <stdint.h>
#include <string.h>

#include "objects/object.h"
#include "objects/vmo.h"
#include "uthash.h"

#define IOMMU_WINDOW_SIZE	(UINT64_C(1) << 40)

/*
 * The hash of the frame and page tables, whose keys are addresses and
 * (pointer, offset) pairs: a multiply-xorshift per word, several times
 * cheaper than uthash's default. Files that keep such tables define
 * HASH_FUNCTION(k, n, h) as ((h) = iommu_hash((k), (n))) before any
 * include.
 */
static inline unsigned
iommu_hash(const void *key, size_t len)
{
	uint64_t h = len, w;

	for (size_t i = 0; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(&w, (const char *)key + i, sizeof(w));
		h = (h ^ w) * UINT64_C(0x9E3779B97F4A7C15);
		h ^= h >> 32;
	}
	return (unsigned)h;
}

struct iommu {
	struct object obj;		/* first */
	uint32_t type;			/* ZX_IOMMU_TYPE_* */
};

/* The IOMMU behind o, or NULL when o is not one. */
struct iommu *iommu_of(struct object *o);

/*
 * IommuDispatcher::Create after the size check and the copy: a DUMMY
 * descriptor must be exactly sizeof(zx_iommu_desc_dummy_t) bytes
 * (ZX_ERR_INVALID_ARGS); any other type is ZX_ERR_NOT_SUPPORTED.
 */
zx_status_t iommu_create(uint32_t type, const void *desc, size_t desc_size,
    struct iommu **ret);

/* Every bus transaction id is valid on the dummy IOMMU. */
bool iommu_valid_bti_id(const struct iommu *iommu, uint64_t bti_id);
/* ZX_INFO_BTI's minimum_contiguity and aspace_size. */
uint64_t iommu_minimum_contiguity(const struct iommu *iommu);
uint64_t iommu_aspace_size(const struct iommu *iommu);

/* The simulated window: [*base, *base + IOMMU_WINDOW_SIZE). */
uint64_t iommu_window_base(void);

/* A run of `size` bytes (page multiple) aligned to 2^align_log2, for a
 * contiguous VMO; ZX_ERR_NO_MEMORY when none is free. */
zx_status_t iommu_contiguous_alloc(uint64_t size, unsigned align_log2,
    uint64_t *ret);
/* Give a run back (a vmo_set_paddr release hook). */
void iommu_contiguous_free(uint64_t addr, uint64_t size);

/* The physical address of a pinned page of paged memory: one per page
 * of a vmo_mem, shared by every pin of that page. */
struct iommu_frame {
	struct {
		const struct vmo_mem *mem;
		uint64_t offset;	/* page offset in mem */
	} key;
	uint64_t addr;
	unsigned refs;
	UT_hash_handle hh_key;		/* by (mem, offset) */
	UT_hash_handle hh_addr;		/* by addr */
	struct iommu_frame *pool_next;	/* free frames kept for reuse */
};

/* The frame of the page at `offset` of mem, with one more reference
 * (a new frame when the page had none). */
zx_status_t iommu_frame_get(const struct vmo_mem *mem, uint64_t offset,
    struct iommu_frame **ret);
/* Drop a reference; the last one frees the frame and its address. */
void iommu_frame_put(struct iommu_frame *f);
/* The frame at physical address `addr` (page aligned), or NULL. */
struct iommu_frame *iommu_frame_at(uint64_t addr);
/* Whether addr lies where paged memory's frames live. */
bool iommu_is_frame_addr(uint64_t addr);
/* Live frames, for tests. */
size_t iommu_frame_count(void);

#endif
