/* IOBuffers, Zircon's IoBufferDispatcher in miniature.
 *
 * An IOBuffer is two endpoints over a set of regions. Each region is the
 * memory of a VMO (struct vmo, never handed out as a handle) whose koid
 * is the region's: a private one, or a shared region's (objects/
 * iob_shared.c), which many IOBuffers may have, reported with the shared
 * region object's koid. Both endpoints share the regions; what each may
 * do with a region (map it readable or writable, mediated reads or
 * writes) is in the region's access bits, endpoint 1's being endpoint
 * 0's shifted up by four.
 *
 * ZX_IOB_PEER_CLOSED: an endpoint's peer is closed once the peer has no
 * handles and no mapping made through it remains. The mapping records of
 * objects/vmar.c tell this file when such a mapping comes and goes
 * (iob_mapping_added/removed); each record keeps its endpoint alive. */
#ifndef ZXD_OBJECTS_IOB_H
#define ZXD_OBJECTS_IOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zircon/syscalls/iob.h>
#include <zircon/types.h>

#include "objects/iob_shared.h"
#include "objects/object.h"
#include "objects/vmo.h"

struct iob_region {
	zx_iob_region_t desc;		/* as given, the size page-rounded */
	struct vmo *vmo;		/* the region's memory: a reference */
	bool resizable;			/* asked for; the memory never is */
	uint8_t *mediated;		/* zxd's own mapping (ID allocator) */
	struct iob_shreg *shared;	/* SHARED: a reference */
	uint64_t tag;			/* MEDIATED_WRITE_RING_BUFFER */
	uint64_t nmaps[2];		/* live mapping records per endpoint */
};

/* What both endpoints share. */
struct iob_shared {
	unsigned refcount;
	struct iob_ep *ep[2];		/* not references; NULL once gone */
	uint32_t nregions;
	struct iob_region regions[];
};

struct iob_ep {
	struct object obj;
	struct iob_shared *sh;		/* a reference */
	unsigned id;			/* 0 or 1 */
	uint32_t mapped_regions;	/* regions with nmaps[id] > 0 */
};

bool iob_is(const struct object *o);

/* The IOB endpoint o is, or NULL when it is none. */
struct iob_ep *iob_of(struct object *o);

/* How zx_iob_create finds the shared region a SHARED region names: the
 * handle in region `index`'s zx_iob_region_shared_t, looked up with no
 * rights required (BAD_HANDLE, WRONG_TYPE). */
struct iob_shared_lookup {
	zx_status_t (*lookup)(void *ctx, uint32_t index,
	    struct iob_shreg **ret);
	void *ctx;
};

/* zx_iob_create after the options, count and copy checks: `n` (1..64)
 * region descriptions, checked region by region in Zircon's order (type
 * and options, size or shared region, access, discipline); the memory
 * is charged to `payer`. On success two endpoints with one reference
 * each. */
zx_status_t iob_create(const zx_iob_region_t *regions, uint32_t n,
    const struct vmo_payer *payer, const struct iob_shared_lookup *shared,
    struct iob_ep **ret0, struct iob_ep **ret1);

/* The shared region of region `index`, or NULL (zxctl). */
struct iob_shreg *iob_region_shared(const struct iob_ep *ep, uint32_t index);

/* zx_iob_writev after the options check and the handle lookup (WRITE):
 * OUT_OF_RANGE, WRONG_TYPE (not a ring buffer), ACCESS_DENIED (no
 * mediated write for this endpoint), then iob_shreg_write. */
zx_status_t iob_writev(struct iob_ep *ep, uint32_t index,
    const struct iob_source *src);

uint32_t iob_region_count(const struct iob_ep *ep);
/* The region's memory (index < count). */
struct vmo *iob_region_vmo(const struct iob_ep *ep, uint32_t index);
/* Whether the region was asked for with ZX_VMO_RESIZABLE. */
bool iob_region_resizable(const struct iob_ep *ep, uint32_t index);
/* IoBufferDispatcher::GetMapRights: READ/WRITE | MAP from the region's
 * access for this endpoint, cut by the handle's rights (MAP excepted). */
zx_rights_t iob_map_rights(const struct iob_ep *ep, uint32_t index,
    zx_rights_t handle_rights);

/* The peer endpoint while it lives, with or without handles. */
struct iob_ep *iob_peer(const struct iob_ep *ep);
/* Live mapping records made through `ep` of region `index`. */
uint64_t iob_mappings(const struct iob_ep *ep, uint32_t index);

/* A mapping record of region `index` made through endpoint `o` came or
 * went (objects/vmar.c). */
void iob_mapping_added(struct object *o, uint32_t index);
void iob_mapping_removed(struct object *o, uint32_t index);

/* Where a blob for iob_allocate_id comes from: bytes, or a descriptor
 * to pread (a memfd), or nothing at all (a faulting user pointer: the
 * allocation happens, the copy does not, ZX_ERR_INVALID_ARGS). */
struct iob_blob {
	const void *data;
	int fd;				/* -1: use data */
	bool fault;
	uint64_t size;
};

/* zx_iob_allocate_id after the options check and the handle lookup
 * (WRITE): OUT_OF_RANGE, WRONG_TYPE, ACCESS_DENIED, then the BlobIdAllocator
 * on the region's memory, which clients may scribble on at the same
 * time: NO_MEMORY, IO_DATA_INTEGRITY. */
zx_status_t iob_allocate_id(struct iob_ep *ep, uint32_t index,
    const struct iob_blob *blob, uint32_t *ret_id);

#endif
