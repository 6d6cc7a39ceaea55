/* Helpers shared by the IOB integration tests. */
#ifndef ZXD_TESTS_IOB_UTIL_H
#define ZXD_TESTS_IOB_UTIL_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "tests/integration/vmo_util.h"

#define EP0_R	ZX_IOB_ACCESS_EP0_CAN_MAP_READ
#define EP0_W	ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE
#define EP0_MR	ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ
#define EP0_MW	ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE
#define EP1_R	ZX_IOB_ACCESS_EP1_CAN_MAP_READ
#define EP1_W	ZX_IOB_ACCESS_EP1_CAN_MAP_WRITE
#define EP1_MR	ZX_IOB_ACCESS_EP1_CAN_MEDIATED_READ
#define EP1_MW	ZX_IOB_ACCESS_EP1_CAN_MEDIATED_WRITE
#define RW_BOTH	(EP0_R | EP0_W | EP1_R | EP1_W)

#define IOB_RIGHTS	0xF0EFu

static inline zx_iob_region_t
region(uint32_t access, uint64_t size, zx_iob_discipline_type_t discipline)
{
	zx_iob_region_t r;

	memset(&r, 0, sizeof(r));
	r.type = ZX_IOB_REGION_TYPE_PRIVATE;
	r.access = access;
	r.size = size;
	r.discipline.type = discipline;
	return r;
}

/* One region, both endpoints out; asserts success. */
static inline void
iob_new(uint32_t access, uint64_t size, zx_iob_discipline_type_t discipline,
    zx_handle_t *ep0, zx_handle_t *ep1)
{
	zx_iob_region_t r = region(access, size, discipline);

	cr_assert_eq(zx_iob_create(0, &r, 1, ep0, ep1), ZX_OK);
}

static inline zx_status_t
map_iob(zx_vm_option_t options, zx_handle_t ep, uint32_t index,
    uint64_t offset, size_t len, zx_vaddr_t *addr)
{
	return zx_vmar_map_iob(zx_vmar_root_self(), options, 0, ep, index,
	    offset, len, addr);
}

static inline zx_vaddr_t
map_iob_ok(zx_vm_option_t options, zx_handle_t ep, uint32_t index,
    uint64_t offset, size_t len)
{
	zx_vaddr_t a = 0;

	cr_assert_eq(map_iob(options, ep, index, offset, len, &a), ZX_OK,
	    "map region %u", index);
	cr_assert_neq(a, 0);
	return a;
}

static inline void
unmap_ok(zx_vaddr_t a, size_t len)
{
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), a, len), ZX_OK);
}

static inline zx_iob_region_info_t
region_info_of(zx_handle_t ep, uint32_t index)
{
	zx_iob_region_info_t info[ZX_IOB_MAX_REGIONS];
	size_t actual = 0, avail = 0;

	cr_assert_eq(zx_object_get_info(ep, ZX_INFO_IOB_REGIONS, info,
	    sizeof(info), &actual, &avail), ZX_OK);
	cr_assert_lt(index, actual);
	return info[index];
}

/* Peer closed is asynchronous in zxd (a close is seen as EOF, an unmap
 * report crosses a socket): not yet within a short while ... */
static inline bool
peer_closed_soon(zx_handle_t ep)
{
	return zx_object_wait_one(ep, ZX_IOB_PEER_CLOSED,
	    zx_deadline_after(5000000000LL), NULL) == ZX_OK;
}

/* ... or still not after giving the daemon time to act on what came
 * before (a round trip on another handle settles nothing here, so wait
 * a little). */
static inline bool
peer_closed_after_a_while(zx_handle_t ep)
{
	return zx_object_wait_one(ep, ZX_IOB_PEER_CLOSED,
	    zx_deadline_after(200000000LL), NULL) == ZX_OK;
}

/* --- shared regions and the mediated-write ring buffer --------------- */

#define RING_HDR	16		/* {tag, len} before each message */

static inline zx_handle_t
shared_new(uint64_t size)
{
	zx_handle_t sr = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_iob_create_shared_region(0, size, &sr), ZX_OK);
	cr_assert_neq(sr, ZX_HANDLE_INVALID);
	return sr;
}

/* A SHARED region over `sr` with the ring buffer discipline. */
static inline zx_iob_region_t
ring_region(zx_handle_t sr, uint32_t access, uint64_t tag)
{
	zx_iob_region_t r;
	zx_iob_region_shared_t so;
	zx_iob_discipline_mediated_write_ring_buffer_t d;

	memset(&r, 0, sizeof(r));
	memset(&so, 0, sizeof(so));
	memset(&d, 0, sizeof(d));
	r.type = ZX_IOB_REGION_TYPE_SHARED;
	r.access = access;
	r.discipline.type = ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER;
	d.tag = tag;
	memcpy(r.discipline.reserved, &d, sizeof(d));
	so.shared_region = sr;
	memcpy(r.max_extension, &so, sizeof(so));
	return r;
}

static inline void
ring_iob(zx_handle_t sr, uint32_t access, uint64_t tag, zx_handle_t *ep0,
    zx_handle_t *ep1)
{
	zx_iob_region_t r = ring_region(sr, access, tag);

	cr_assert_eq(zx_iob_create(0, &r, 1, ep0, ep1), ZX_OK);
}

static inline zx_status_t
writev1(zx_handle_t ep, const void *buf, size_t len)
{
	zx_iovec_t v = { .buffer = (void *)buf, .capacity = len };

	return zx_iob_writev(ep, 0, 0, &v, 1);
}

/* The ring's header, as readers see it through a mapping. */
struct ring_hdr {
	_Atomic uint64_t head;
	_Atomic uint64_t tail;
};

/* A userspace iob::BlobIdAllocator over a mapped ID_ALLOCATOR region,
 * for interoperation with zx_iob_allocate_id. */
/* 8-byte aligned, as in the region: one 8-byte atomic each. */
struct blob_hdr {
	_Alignas(8) uint32_t next_id;
	uint32_t blob_head;
};

struct blob_idx {
	_Alignas(8) uint32_t size;
	uint32_t offset;
};

enum { UA_OK, UA_INVALID_HEADER, UA_NON_EMPTY, UA_OUT_OF_MEMORY };

static inline int
user_allocate(uint8_t *base, uint32_t len, const void *blob, uint32_t size,
    uint32_t *id)
{
	struct blob_hdr *hp = (struct blob_hdr *)base, hdr, upd;
	struct blob_idx empty = { 0, 0 }, idx;
	uint32_t index_end, remaining, off;

	__atomic_load(hp, &hdr, __ATOMIC_RELAXED);
	for (;;) {
		index_end = (uint32_t)(8 + (uint64_t)hdr.next_id * 8);
		if (index_end > hdr.blob_head || hdr.blob_head > len)
			return UA_INVALID_HEADER;
		remaining = hdr.blob_head - index_end;
		if (remaining < 8 || remaining - 8 < size)
			return UA_OUT_OF_MEMORY;
		upd.next_id = hdr.next_id + 1;
		upd.blob_head = hdr.blob_head - size;
		if (__atomic_compare_exchange(hp, &hdr, &upd, true,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
	}
	off = hdr.blob_head - size;
	memcpy(base + off, blob, size);
	idx.size = size;
	idx.offset = off;
	if (!__atomic_compare_exchange((struct blob_idx *)(base +
	    (uint64_t)(uint32_t)(hdr.next_id + 1) * 8), &empty, &idx, false,
	    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return UA_NON_EMPTY;
	*id = hdr.next_id;
	return UA_OK;
}

/* GetBlob: the bytes of `id`, or NULL. */
static inline const uint8_t *
user_get_blob(const uint8_t *base, uint32_t len, uint32_t id, uint32_t *size)
{
	struct blob_hdr hdr;
	struct blob_idx idx;

	__atomic_load((const struct blob_hdr *)base, &hdr, __ATOMIC_RELAXED);
	if ((uint32_t)(8 + (uint64_t)hdr.next_id * 8) > hdr.blob_head ||
	    hdr.blob_head > len || id >= hdr.next_id)
		return NULL;
	__atomic_load((const struct blob_idx *)(base + (uint64_t)(id + 1) * 8),
	    &idx, __ATOMIC_ACQUIRE);
	if ((idx.size == 0 && idx.offset == 0) || idx.offset < hdr.blob_head ||
	    idx.offset > len || idx.size > len - idx.offset)
		return NULL;
	*size = idx.size;
	return base + idx.offset;
}

#endif
