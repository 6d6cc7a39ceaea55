/*
 * Bus transaction initiators, Zircon's BusTransactionInitiatorDispatcher:
 * a device's view of memory through an IOMMU. Pins go through a BTI
 * (objects/pmt.h); its PMTs are counted in ZX_INFO_BTI, quarantined ones
 * included.
 *
 * Quarantine. A PMT whose handle goes without zx_pmt_unpin (closed, or
 * its process died) is unmapped at once, so the device no longer reaches
 * it, but its pages stay pinned, held by the BTI, until
 * zx_bti_release_quarantine. While the quarantine is not empty no new
 * pin is allowed. Zircon leaks the quarantine of a BTI whose last handle
 * goes; zxd releases it instead, since without a BTI handle no simulated
 * device can reach the pages, and the daemon must not grow without end.
 *
 * The simulated DMA engine (bti_dma) is the device: it reaches memory
 * only at addresses pinned through this BTI and not quarantined, with
 * the pins' permissions.
 */
#ifndef ZXD_OBJECTS_BTI_H
#define ZXD_OBJECTS_BTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zircon/syscalls/object.h>

#include "objects/iommu.h"
#include "objects/object.h"
#include "objects/pmt.h"
#include "objects/vmo.h"

struct bti {
	struct object obj;		/* first */
	struct iommu *iommu;		/* a reference */
	uint64_t bti_id;
	bool zero_handles;
	struct pmt *pmts;		/* every live PMT */
	size_t pmo_count;
	size_t quarantine_count;
	size_t mapped;			/* PMTs the device may reach */
	size_t mapped_fixed;		/* of which with fixed addresses */
};

/* The BTI behind o, or NULL when o is not one. */
struct bti *bti_of(struct object *o);

/* A pinned range of a BTI, as the operator sees it (`zxctl bti`). */
struct bti_pin_view {
	zx_koid_t pmt_koid;
	zx_koid_t vmo_koid;
	uint64_t vmo_offset;
	uint64_t size;
	uint64_t device_addr;		/* the first one handed out */
	uint32_t perms;			/* ZX_BTI_PERM_* */
	bool quarantined;
};

/* Up to `n` of the pins of b, from the `skip`-th, into out[]; returns
 * how many pins b has in all (quarantined ones included), newest
 * first. */
size_t bti_pins(const struct bti *b, size_t skip, struct bti_pin_view *out,
    size_t n);

/* BusTransactionInitiatorDispatcher::Create: ZX_ERR_INVALID_ARGS for a
 * bti_id the IOMMU does not know (never, with the dummy). */
zx_status_t bti_create(struct iommu *iommu, uint64_t bti_id,
    struct bti **ret);

/*
 * BusTransactionInitiatorDispatcher::Pin, in its order: size 0
 * (ZX_ERR_INVALID_ARGS); pinning (vmo_pin: ZX_ERR_OUT_OF_RANGE past the
 * VMO, commit failures); a BTI with no handles or a quarantine
 * (ZX_ERR_BAD_STATE); no permission (ZX_ERR_INVALID_ARGS, the IOMMU's
 * refusal). The new PMT (one reference, no handle yet) is mapped.
 */
zx_status_t bti_pin(struct bti *b, struct vmo *v, uint64_t offset,
    uint64_t size, uint32_t perms, struct pmt **ret);

/* zx_bti_release_quarantine: unpin and drop every quarantined PMT. */
void bti_release_quarantine(struct bti *b);

/* The ZX_INFO_BTI record. */
void bti_info(const struct bti *b, zx_info_bti_t *ret);

/* How the DMA engine's bytes travel: a buffer of the transfer's length,
 * or, when buf is NULL, a file (a client's memfd) from offset 0. */
struct bti_dma_io {
	void *buf;
	int fd;
	/* Or the memory of process pid at user_addr (pid > 0). */
	pid_t pid;
	uint64_t user_addr;
};

/*
 * The simulated device reads (write false: memory to io) or writes (io
 * to memory) [addr, addr + len). Every page of the range is checked
 * first, in address order: one not pinned through b, or quarantined, is
 * ZX_ERR_NOT_FOUND; one pinned without ZX_BTI_PERM_READ (a read) or
 * ZX_BTI_PERM_WRITE (a write) is ZX_ERR_ACCESS_DENIED. Nothing moves
 * unless every page passes. A range that wraps past 2^64 is
 * ZX_ERR_INVALID_ARGS.
 */
zx_status_t bti_dma(struct bti *b, bool write, uint64_t addr, uint64_t len,
    const struct bti_dma_io *io);

/* For objects/pmt.c: enter or leave the device's view (a PMT in state
 * PMT_PINNED is in it: the device finds paged memory's pages through
 * their frame runs' pieces, objects/iommu.h). */
void bti_map(struct bti *b, struct pmt *p);
void bti_unmap(struct bti *b, struct pmt *p);
/* A mapped PMT lost its last handle. */
void bti_quarantine(struct bti *b, struct pmt *p);
/* A PMT is being destroyed. */
void bti_remove(struct bti *b, struct pmt *p);

#endif
