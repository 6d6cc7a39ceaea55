/* IOBuffers: two endpoints over shared regions, peer-closed tracking and
 * the ID allocator discipline. */
#include "config-build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zircon/syscalls/object.h>

#include "objects/iob.h"

#define EP0_NIBBLE	0x0Fu
#define EP1_NIBBLE	0xF0u

/* The BlobIdAllocator layout (lib/iob/blob-id-allocator.h): a header at
 * offset 0, then one index entry per id growing up, blobs growing down
 * from blob_head. Both are 8-byte records updated with 64-bit atomics,
 * as Zircon does, so that clients allocating in their mappings at the
 * same time stay consistent with the daemon. */
/* 8-byte aligned, as they are in the region: updated by one 8-byte
 * atomic operation each. */
struct blob_header {
	_Alignas(8) uint32_t next_id;
	uint32_t blob_head;
};

struct blob_index {
	_Alignas(8) uint32_t size;
	uint32_t offset;
};

_Static_assert(sizeof(struct blob_header) == 8, "header layout");
_Static_assert(sizeof(struct blob_index) == 8, "index layout");

/* A client that keeps rewriting the header can make every compare-and-
 * swap fail; the daemon gives up rather than spin for it. */
#define ALLOC_MAX_TRIES	4096

static const struct object_ops iob_ops;

struct iob_ep *
iob_of(struct object *o)
{
	return o != NULL && o->ops == &iob_ops ? (struct iob_ep *)o : NULL;
}

bool
iob_is(const struct object *o)
{
	return o != NULL && o->ops == &iob_ops;
}

/* This endpoint's access nibble, as if it were endpoint 0. */
static uint32_t
access_of(const struct iob_ep *ep, const struct iob_region *r)
{
	uint32_t a = r->desc.access;

	return ep->id == 0 ? a & EP0_NIBBLE : (a & EP1_NIBBLE) >> 4;
}

/* --- regions -------------------------------------------------------- */

static void
region_fini(struct iob_region *r)
{
	uint64_t size = r->desc.size;

	if (r->mediated != NULL) {
		munmap(r->mediated, size);
		vmo_unpin(r->vmo, 0, size);
	}
	if (r->vmo != NULL)
		object_unref(&r->vmo->obj);
	if (r->shared != NULL) {
		r->shared->niobs--;
		object_unref(&r->shared->obj);
	}
}

/* IobRegionIdAllocator::Init: the daemon maps the whole region, pins it
 * and writes the empty container's header. */
static zx_status_t
mediated_init(struct iob_region *r)
{
	uint64_t size = r->desc.size;
	struct blob_header h;
	void *p;
	zx_status_t st;

	/* Zircon's kernel mapping of a size-0 region fails so. */
	if (size == 0)
		return ZX_ERR_INVALID_ARGS;
	/* The allocator's offsets are 32-bit: Zircon cannot map and pin
	 * more either. */
	if (size > UINT32_MAX)
		return ZX_ERR_NO_MEMORY;
	st = vmo_pin(r->vmo, 0, size);
	if (st != ZX_OK)
		return st == ZX_ERR_OUT_OF_RANGE ? ZX_ERR_NO_MEMORY : st;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
	    vmo_mem_fd(r->vmo->mem), (off_t)vmo_fd_offset(r->vmo));
	if (p == MAP_FAILED) {
		vmo_unpin(r->vmo, 0, size);
		return ZX_ERR_NO_MEMORY;
	}
	r->mediated = p;
	/* The memory is fresh, hence zero: only the header to write. */
	h.next_id = 0;
	h.blob_head = (uint32_t)size;
	__atomic_store((struct blob_header *)p, &h, __ATOMIC_RELEASE);
	return ZX_OK;
}

/* CreateRegions and CreateIobRegionVariant for one region, in their
 * order: type and memory, access, discipline. */
static zx_status_t
region_init(struct iob_region *r, uint32_t index, const zx_iob_region_t *d,
    const struct vmo_payer *payer, const struct iob_shared_lookup *lk)
{
	const zx_iob_region_shared_t *so =
	    (const zx_iob_region_shared_t *)d->max_extension;
	const uint32_t med0 = ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ |
	    ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE;
	const uint32_t med1 = ZX_IOB_ACCESS_EP1_CAN_MEDIATED_READ |
	    ZX_IOB_ACCESS_EP1_CAN_MEDIATED_WRITE;
	const uint32_t mapw = ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE |
	    ZX_IOB_ACCESS_EP1_CAN_MAP_WRITE;
	uint32_t opts, a = d->access;
	zx_status_t st;

	r->desc = *d;
	switch (d->type) {
	case ZX_IOB_REGION_TYPE_PRIVATE:
		opts = d->private_region.options;
		/* parse_create_syscall_flags' first check, which the
		 * memory below would no longer see. */
		if ((opts & ZX_VMO_RESIZABLE) && (opts & ZX_VMO_UNBOUNDED))
			return ZX_ERR_INVALID_ARGS;
		/* No call resizes a region, so its memory is made fixed
		 * in size: nobody holding it can shrink it under another
		 * holder's mapping (or the daemon's). */
		st = vmo_create(d->size, opts & ~ZX_VMO_RESIZABLE, payer,
		    &r->vmo);
		if (st != ZX_OK)
			return st;
		r->resizable = opts & ZX_VMO_RESIZABLE;
		r->desc.size = vmo_size(r->vmo);
		break;
	case ZX_IOB_REGION_TYPE_SHARED:
		/* The size comes from the shared region; the one given
		 * must be 0, and stays 0 in ZX_INFO_IOB_REGIONS. */
		if (so->options != 0 || d->size != 0)
			return ZX_ERR_INVALID_ARGS;
		if (lk == NULL)
			return ZX_ERR_BAD_HANDLE;
		st = lk->lookup(lk->ctx, index, &r->shared);
		if (st != ZX_OK)
			return st;
		object_ref(&r->shared->obj);
		r->shared->niobs++;
		/* A header page and at least one page of ring. */
		if (r->shared->size < 2 * vmo_page_size())
			return ZX_ERR_INVALID_ARGS;
		r->vmo = r->shared->vmo;
		object_ref(&r->vmo->obj);
		break;
	default:
		return ZX_ERR_INVALID_ARGS;
	}

	/* The memory must be reachable: writable through a mapping, or
	 * through the kernel. */
	if (!(a & mapw) && !(a & (med0 | med1)))
		return ZX_ERR_INVALID_ARGS;

	switch (d->discipline.type) {
	case ZX_IOB_DISCIPLINE_TYPE_NONE:
		/* Shared regions only take the ring buffer, for now. */
		if (r->shared != NULL)
			return ZX_ERR_INVALID_ARGS;
		if (a & (med0 | med1))
			return ZX_ERR_INVALID_ARGS;
		return ZX_OK;
	case ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER:
		/* ... and the ring buffer only a shared region. */
		if (r->shared == NULL)
			return ZX_ERR_INVALID_ARGS;
		r->tag = ((const zx_iob_discipline_mediated_write_ring_buffer_t *)
		    d->discipline.reserved)->tag;
		return ZX_OK;
	case ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR:
		if (r->shared != NULL)
			return ZX_ERR_INVALID_ARGS;
		/* A mediated endpoint must at least write. */
		if ((a & med0) == ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ ||
		    (a & med1) == ZX_IOB_ACCESS_EP1_CAN_MEDIATED_READ)
			return ZX_ERR_INVALID_ARGS;
		return mediated_init(r);
	default:
		return ZX_ERR_INVALID_ARGS;
	}
}

static void
shared_unref(struct iob_shared *sh)
{
	if (--sh->refcount > 0)
		return;
	for (uint32_t i = 0; i < sh->nregions; i++)
		region_fini(&sh->regions[i]);
	free(sh);
}

static struct iob_ep *
ep_new(struct iob_shared *sh, unsigned id)
{
	struct iob_ep *ep = calloc(1, sizeof(*ep));

	if (ep == NULL)
		return NULL;
	object_init(&ep->obj, &iob_ops);
	ep->sh = sh;
	ep->id = id;
	sh->ep[id] = ep;
	sh->refcount++;
	return ep;
}

zx_status_t
iob_create(const zx_iob_region_t *regions, uint32_t n,
    const struct vmo_payer *payer, const struct iob_shared_lookup *shared,
    struct iob_ep **ret0, struct iob_ep **ret1)
{
	struct iob_shared *sh;
	struct iob_ep *e0, *e1;
	zx_status_t st;

	if (n == 0)
		return ZX_ERR_INVALID_ARGS;
	if (n > ZX_IOB_MAX_REGIONS)
		return ZX_ERR_OUT_OF_RANGE;
	sh = calloc(1, sizeof(*sh) + n * sizeof(sh->regions[0]));
	if (sh == NULL)
		return ZX_ERR_NO_MEMORY;
	sh->refcount = 1;
	for (uint32_t i = 0; i < n; i++) {
		sh->nregions = i + 1;
		st = region_init(&sh->regions[i], i, &regions[i], payer,
		    shared);
		if (st != ZX_OK) {
			shared_unref(sh);
			return st;
		}
	}
	e0 = ep_new(sh, 0);
	e1 = e0 != NULL ? ep_new(sh, 1) : NULL;
	shared_unref(sh);		/* the endpoints hold it now */
	if (e1 == NULL) {
		if (e0 != NULL)
			object_unref(&e0->obj);
		return ZX_ERR_NO_MEMORY;
	}
	object_pair(&e0->obj, &e1->obj);
	*ret0 = e0;
	*ret1 = e1;
	return ZX_OK;
}

/* --- queries -------------------------------------------------------- */

uint32_t
iob_region_count(const struct iob_ep *ep)
{
	return ep->sh->nregions;
}

struct vmo *
iob_region_vmo(const struct iob_ep *ep, uint32_t index)
{
	return ep->sh->regions[index].vmo;
}

bool
iob_region_resizable(const struct iob_ep *ep, uint32_t index)
{
	return ep->sh->regions[index].resizable;
}

zx_rights_t
iob_map_rights(const struct iob_ep *ep, uint32_t index,
    zx_rights_t handle_rights)
{
	uint32_t a = access_of(ep, &ep->sh->regions[index]);
	zx_rights_t r = 0;

	if (a & ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE)
		r |= ZX_RIGHT_WRITE | ZX_RIGHT_MAP;
	if (a & ZX_IOB_ACCESS_EP0_CAN_MAP_READ)
		r |= ZX_RIGHT_READ | ZX_RIGHT_MAP;
	/* The newest kernel takes MAP from the handle too (MappingRights:
	 * a handle without ZX_RIGHT_MAP cannot map, whatever the region
	 * allows); the first ones added it from the region. */
	return r & handle_rights;
}

struct iob_shreg *
iob_region_shared(const struct iob_ep *ep, uint32_t index)
{
	return index < ep->sh->nregions ? ep->sh->regions[index].shared :
	    NULL;
}

struct iob_ep *
iob_peer(const struct iob_ep *ep)
{
	return ep->sh->ep[ep->id ^ 1];
}

uint64_t
iob_mappings(const struct iob_ep *ep, uint32_t index)
{
	return index < ep->sh->nregions ?
	    ep->sh->regions[index].nmaps[ep->id] : 0;
}

/* --- peer closed ---------------------------------------------------- */

/* The peer learns that `ep` is closed once it has neither handles nor
 * mappings (IoBufferDispatcher::OnPeerZeroHandlesLocked, OnZeroChild). */
static void
peer_closed_check(struct iob_ep *ep)
{
	struct iob_ep *p = iob_peer(ep);

	if (ep->obj.handle_count == 0 && ep->mapped_regions == 0 &&
	    p != NULL)
		object_signal(&p->obj, 0, ZX_IOB_PEER_CLOSED);
}

void
iob_mapping_added(struct object *o, uint32_t index)
{
	struct iob_ep *ep = iob_of(o);

	if (ep->sh->regions[index].nmaps[ep->id]++ == 0)
		ep->mapped_regions++;
}

void
iob_mapping_removed(struct object *o, uint32_t index)
{
	struct iob_ep *ep = iob_of(o);

	if (--ep->sh->regions[index].nmaps[ep->id] == 0 &&
	    --ep->mapped_regions == 0)
		peer_closed_check(ep);
}

/* --- object ops ----------------------------------------------------- */

static void
iob_zero_handles(struct object *o)
{
	/* The pair is broken for signal_peer now; PEER_CLOSED may still
	 * wait for this endpoint's mappings. */
	object_unpair(o, 0);
	peer_closed_check(iob_of(o));
}

static void
iob_destroy(struct object *o)
{
	struct iob_ep *ep = iob_of(o);

	ep->sh->ep[ep->id] = NULL;
	shared_unref(ep->sh);
	free(ep);
}

static void
region_info(const struct iob_ep *ep, uint32_t i, zx_iob_region_info_t *info)
{
	const struct iob_region *r = &ep->sh->regions[i];
	uint32_t a = r->desc.access;

	memset(info, 0, sizeof(*info));
	info->region = r->desc;
	/* Every IOBuffer over a shared region reports its koid. */
	info->koid = r->shared != NULL ? r->shared->obj.koid :
	    r->vmo->obj.koid;
	/* Each endpoint sees itself as endpoint 0. */
	if (ep->id == 1)
		info->region.access = ((a & EP0_NIBBLE) << 4) |
		    ((a & EP1_NIBBLE) >> 4);
}

static zx_status_t
iob_get_info(struct object *o, uint32_t topic, zx_rights_t rights,
    void *buf, size_t buf_size, size_t *actual, size_t *avail,
    size_t *record_size)
{
	struct iob_ep *ep = iob_of(o);
	uint32_t n = ep->sh->nregions;

	switch (topic) {
	case ZX_INFO_IOB: {
		zx_info_iob_t info = { .options = 0, .region_count = n };

		if (!(rights & ZX_RIGHT_INSPECT))
			return ZX_ERR_ACCESS_DENIED;
		*avail = 1;
		*record_size = sizeof(info);
		if (buf_size < sizeof(info)) {
			*actual = 0;
			return ZX_ERR_BUFFER_TOO_SMALL;
		}
		memcpy(buf, &info, sizeof(info));
		*actual = 1;
		return ZX_OK;
	}
	case ZX_INFO_IOB_REGIONS: {
		size_t k = buf_size / sizeof(zx_iob_region_info_t);

		if (!(rights & ZX_RIGHT_INSPECT))
			return ZX_ERR_ACCESS_DENIED;
		if (k > n)
			k = n;
		for (uint32_t i = 0; i < k; i++) {
			zx_iob_region_info_t info;

			region_info(ep, i, &info);
			memcpy((char *)buf + i * sizeof(info), &info,
			    sizeof(info));
		}
		*record_size = sizeof(zx_iob_region_info_t);
		*actual = k;
		*avail = n;
		return ZX_OK;
	}
	default:
		return ZX_ERR_NOT_SUPPORTED;
	}
}

/* The name is the regions' (private ones): both endpoints read region
 * 0's. */
static void
iob_set_name(struct object *o, const char *name)
{
	struct iob_shared *sh = iob_of(o)->sh;

	for (uint32_t i = 0; i < sh->nregions; i++)
		if (sh->regions[i].desc.type == ZX_IOB_REGION_TYPE_PRIVATE)
			memcpy(sh->regions[i].vmo->obj.name, name,
			    ZX_MAX_NAME_LEN);
	for (int e = 0; e < 2; e++)
		if (sh->ep[e] != NULL)
			memcpy(sh->ep[e]->obj.name,
			    sh->regions[0].vmo->obj.name, ZX_MAX_NAME_LEN);
}

static const struct object_ops iob_ops = {
	.type = ZX_OBJ_TYPE_IOB,
	.name = "iob",
	.default_rights = ZX_DEFAULT_IOB_RIGHTS,
	.waitable = true,
	.has_name = true,
	.peered = true,
	.on_zero_handles = iob_zero_handles,
	.destroy = iob_destroy,
	.get_info = iob_get_info,
	.set_name = iob_set_name,
};

/* --- the ID allocator ----------------------------------------------- */

/* Copy the blob to [off, off + size) of the region; false if the copy
 * faults (Zircon's copy_array_from_user failing). */
static bool
blob_copy(uint8_t *base, uint32_t off, const struct iob_blob *b)
{
	uint64_t done = 0;

	if (b->fault)
		return false;
	if (b->size == 0)
		return true;
	if (b->fd < 0) {
		memcpy(base + off, b->data, b->size);
		return true;
	}
	while (done < b->size) {
		ssize_t n = pread(b->fd, base + off + done, b->size - done,
		    (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (uint64_t)n;
	}
	return true;
}

/* iob::BlobIdAllocator::Allocate on memory that clients share: the
 * header is read once per attempt and validated before any use, every
 * offset derives from that validated copy, and updates are compare-and-
 * swaps, so whatever a client writes meanwhile costs it its own data,
 * never the daemon's safety. */
static zx_status_t
blob_allocate(uint8_t *base, uint32_t len, const struct iob_blob *b,
    uint32_t *ret_id)
{
	struct blob_header *hp = (struct blob_header *)base;
	struct blob_header hdr, upd;
	struct blob_index empty = { 0, 0 }, idx;
	uint64_t slot;
	uint32_t index_end, remaining, off;
	bool copied, indexed;
	int tries = 0;

	__atomic_load(hp, &hdr, __ATOMIC_RELAXED);
	for (;;) {
		/* Header::index_end() is a uint32_t. */
		index_end = (uint32_t)(sizeof(hdr) +
		    (uint64_t)hdr.next_id * sizeof(idx));
		if (index_end > hdr.blob_head || hdr.blob_head > len)
			return ZX_ERR_IO_DATA_INTEGRITY;
		remaining = hdr.blob_head - index_end;
		if (remaining < sizeof(idx) ||
		    remaining - sizeof(idx) < b->size)
			return ZX_ERR_NO_MEMORY;
		upd.next_id = hdr.next_id + 1;
		upd.blob_head = hdr.blob_head - (uint32_t)b->size;
		if (__atomic_compare_exchange(hp, &hdr, &upd, true,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
		if (++tries >= ALLOC_MAX_TRIES)
			return ZX_ERR_IO_DATA_INTEGRITY;
	}
	/* hdr is the header just before our update. */
	off = hdr.blob_head - (uint32_t)b->size;
	copied = blob_copy(base, off, b);

	/* GetIndex(id): (id + 1) wraps as a uint32_t (next_id 0xFFFFFFFF
	 * lands on the header itself), then scales in 64 bits. Zircon does
	 * not bound it; an index outside the region is corrupt here. */
	slot = (uint64_t)(uint32_t)(hdr.next_id + 1) * sizeof(idx);
	idx.size = (uint32_t)b->size;
	idx.offset = off;
	indexed = slot <= len - sizeof(idx) &&
	    __atomic_compare_exchange((struct blob_index *)(base + slot),
	    &empty, &idx, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
	/* Zircon commits the index even when the copy faulted, and
	 * reports the fault first. */
	if (!copied)
		return ZX_ERR_INVALID_ARGS;
	if (!indexed)
		return ZX_ERR_IO_DATA_INTEGRITY;
	*ret_id = hdr.next_id;
	return ZX_OK;
}

zx_status_t
iob_allocate_id(struct iob_ep *ep, uint32_t index,
    const struct iob_blob *blob, uint32_t *ret_id)
{
	struct iob_region *r;

	if (index >= ep->sh->nregions)
		return ZX_ERR_OUT_OF_RANGE;
	r = &ep->sh->regions[index];
	if (r->desc.discipline.type != ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR)
		return ZX_ERR_WRONG_TYPE;
	if (!(access_of(ep, r) & ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE))
		return ZX_ERR_ACCESS_DENIED;
	return blob_allocate(r->mediated, (uint32_t)r->desc.size, blob,
	    ret_id);
}

/* --- the mediated-write ring buffer --------------------------------- */

zx_status_t
iob_writev(struct iob_ep *ep, uint32_t index, const struct iob_source *src)
{
	struct iob_region *r;

	if (index >= ep->sh->nregions)
		return ZX_ERR_OUT_OF_RANGE;
	r = &ep->sh->regions[index];
	if (r->desc.discipline.type !=
	    ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER)
		return ZX_ERR_WRONG_TYPE;
	if (!(access_of(ep, r) & ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE))
		return ZX_ERR_ACCESS_DENIED;
	return iob_shreg_write(r->shared, r->tag, src);
}
