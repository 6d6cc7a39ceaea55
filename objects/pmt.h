/*
 * Pinned memory tokens, Zircon's PinnedMemoryTokenDispatcher: one pin of
 * a VMO range through a BTI. While it lasts the pages stay (the VMO
 * refuses set_size, decommit and cache-policy changes over them, and the
 * PMT keeps the VMO itself alive, so a pinned clone still counts as its
 * parent's child), and the device behind the BTI may reach them at the
 * addresses the pin handed out. zx_pmt_unpin ends it; a PMT whose handle
 * goes without an unpin is quarantined on its BTI (objects/bti.h).
 */
#ifndef ZXD_OBJECTS_PMT_H
#define ZXD_OBJECTS_PMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "objects/iommu.h"
#include "objects/object.h"
#include "objects/vmo.h"

struct bti;

enum pmt_state {
	PMT_PINNED,		/* the device may reach it */
	PMT_QUARANTINED,	/* closed unpinned: pages held, unreachable */
	PMT_UNPINNED,
};

struct pmt {
	struct object obj;		/* first */
	struct bti *bti;		/* a reference */
	struct vmo *vmo;		/* a reference until unpinned */
	uint64_t offset, size;		/* the pinned range of vmo */
	uint32_t perms;			/* ZX_BTI_PERM_* */
	enum pmt_state state;
	/* Memory with addresses of its own (contiguous, physical): page i
	 * is at base + i * page. Paged memory: the pieces of frame runs its
	 * pages have (objects/iommu.h), in page order; usually one, `one`. */
	bool fixed;
	uint64_t base;
	struct iommu_piece *pieces;
	size_t npieces;
	struct iommu_piece one;
	size_t npages;
	struct pmt *prev, *next;	/* the BTI's PMTs */
	void *payer;			/* the daemon's: who pays the pin */
};

/* Called once when p's pages are released (unpinned, or its
 * quarantine released), for the daemon's accounting; NULL by default. */
extern void (*pmt_unpinned_hook)(struct pmt *p);

/* The PMT behind o, or NULL when o is not one. */
struct pmt *pmt_of(struct object *o);

/*
 * Pin [offset, offset + size) of v (vmo_pin's checks: page aligned,
 * inside the VMO, committed) and give each page its device address.
 * The PMT is not yet on any BTI's lists; *ret gets one reference.
 */
zx_status_t pmt_create(struct bti *bti, struct vmo *v, uint64_t offset,
    uint64_t size, uint32_t perms, struct pmt **ret);

/* The device address of page i. */
uint64_t pmt_addr(const struct pmt *p, size_t i);

/*
 * PinnedMemoryTokenDispatcher::EncodeAddrs with the dummy IOMMU's
 * minimum contiguity of one page: per page, ZX_BTI_COMPRESS (the same,
 * one address per page) or ZX_BTI_CONTIGUOUS (one address, contiguous
 * memory only). n must be exactly that count: ZX_ERR_INVALID_ARGS.
 */
zx_status_t pmt_encode(const struct pmt *p, bool compress, bool contiguous,
    uint64_t *addrs, size_t n);

/* zx_pmt_unpin: unmap, unpin, let the VMO go. */
void pmt_unpin(struct pmt *p);

#endif
