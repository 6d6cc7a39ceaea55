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
 * Frames are handed out by frame runs (below), so a pin costs no table
 * entry per page. Physical VMOs are not in the window: they keep their
 * own addresses.
 */
#ifndef ZXD_OBJECTS_IOMMU_H
#define ZXD_OBJECTS_IOMMU_H

#include <stdint.h>
#include <string.h>

#include "objects/object.h"
#include "objects/vmo.h"

#define IOMMU_WINDOW_SIZE	(UINT64_C(1) << 40)

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

/*
 * The physical addresses of pinned pages of paged memory. A pin of n
 * pages that no pin holds yet gets one *run*: n consecutive positions of
 * the scattered order, so its pages get n scattered addresses at once,
 * with no per-page table entry (an address and its page are found from
 * each other by arithmetic on the run). A page that another pin already
 * holds keeps the address it has. A run keeps one pin count per page,
 * as Zircon's vm_page_t does; a page whose count drops to 0 has no
 * address any more, and the run goes when none of its pages has one.
 */
struct iommu_piece;

struct iommu_run {
	const struct vmo_mem *mem;
	uint64_t offset;		/* mem offset of the run's page 0 */
	uint64_t npages;
	uint64_t first;			/* position in the scattered order */
	uint64_t live;			/* pages with a pin count */
	uint32_t *pins;			/* per page: pins holding it */
	struct iommu_piece *pieces;	/* the pins' pieces over it */
	struct iommu_run *mem_next;	/* the runs of mem */
};

/* Pages [index, index + count) of a run, held by one pin (`owner`). */
struct iommu_piece {
	struct iommu_run *run;
	uint64_t index, count;
	void *owner;
	struct iommu_piece *prev, *next;	/* the run's pieces */
};

/*
 * Give the npages pages of mem from `offset` their addresses, for a pin
 * owned by `owner`: *ret_pieces (in page order; `one` when a single
 * piece will do, else an array for iommu_frames_unpin to free) and
 * *ret_n. ZX_ERR_NO_MEMORY when the window is full.
 */
zx_status_t iommu_frames_pin(const struct vmo_mem *mem, uint64_t offset,
    uint64_t npages, void *owner, struct iommu_piece *one,
    struct iommu_piece **ret_pieces, size_t *ret_n);
/* Undo it (the pieces array too, unless it is `one`). */
void iommu_frames_unpin(struct iommu_piece *pieces, size_t n,
    struct iommu_piece *one);
/* The address of page i of a piece; all of them, into out[count]. */
uint64_t iommu_piece_addr(const struct iommu_piece *pc, uint64_t i);
void iommu_piece_addrs(const struct iommu_piece *pc, uint64_t *out);
/* The run holding the pinned page at physical address `addr` (page
 * aligned) and the page's index in it, or NULL. */
struct iommu_run *iommu_frame_at(uint64_t addr, uint64_t *ret_index);
/* Whether addr lies where paged memory's frames live. */
bool iommu_is_frame_addr(uint64_t addr);
/* For tests: pages that have an address now; move the scattered
 * order's cursor on by n positions, as if n pages had come and gone. */
size_t iommu_frame_count(void);
void iommu_frames_skip(uint64_t n);

#endif
