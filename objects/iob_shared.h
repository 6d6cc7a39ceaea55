/* IOBuffer shared regions, Zircon's IoBufferSharedRegionDispatcher in
 * miniature, and the mediated-write ring buffer that lives in them.
 *
 * A shared region is memory that any number of IOBuffers take as a
 * region of type ZX_IOB_REGION_TYPE_SHARED. With the discipline
 * ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER it holds a ring of
 * messages: the first page is the header {u64 head; u64 tail;}, the rest
 * (size - one page) the ring. zx_iob_writev appends {u64 tag; u64 len;}
 * and the payload at head % ring size, wrapping, and advances head by the
 * message's size rounded up to 8; readers consume through their mappings
 * and advance tail themselves. After each append the region's
 * ZX_IOB_SHARED_REGION_UPDATED signal is strobed: waiters wake, the
 * signal is never left asserted.
 *
 * The daemon is single-threaded, so appends are atomic with respect to
 * each other without a lock; head and tail are shared with clients that
 * may write them at any time, so each append reads them once, validates
 * them, and derives every offset from that validated copy. */
#ifndef ZXD_OBJECTS_IOB_SHARED_H
#define ZXD_OBJECTS_IOB_SHARED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <zircon/types.h>

#include "objects/object.h"
#include "objects/vmo.h"

/* The ring header and message header are 16 bytes each; a message is at
 * most this many payload bytes (the whole message fits 64 KiB and its
 * length 16 bits), and has at most this many vectors. */
#define IOB_RING_HEADER_SIZE	16
#define IOB_RING_MAX_MESSAGE	((1u << 16) - 1 - IOB_RING_HEADER_SIZE)
#define IOB_RING_MAX_VECTORS	8

struct iob_shreg {
	struct object obj;
	struct vmo *vmo;		/* the memory: a reference */
	uint8_t *base;			/* zxd's own mapping, all of it */
	uint64_t size;
	unsigned niobs;			/* IOBuffer regions over it */
	/* For zxctl. */
	uint64_t writes, bytes, no_space, corrupt;
};

bool iob_shreg_is(const struct object *o);

static inline struct iob_shreg *
iob_shreg_of(struct object *o)
{
	return (struct iob_shreg *)o;
}

/* zx_iob_create_shared_region after the options and size checks
 * (size > 0, page-aligned): the memory, charged to `payer`, pinned and
 * mapped by zxd for the whole life of the region. OUT_OF_RANGE past
 * the largest VMO; NO_MEMORY when it cannot be had. */
zx_status_t iob_shreg_create(uint64_t size, const struct vmo_payer *payer,
    struct iob_shreg **ret);

/* Where a mediated write's vectors and bytes are: the caller's memory,
 * read through `read`, which copies the caller's ranges `remote` (in
 * order) into the local buffers `local` (in order; both hold the same
 * number of bytes) and returns false if any of it cannot be read. */
struct iob_source {
	uint64_t vectors;		/* the zx_iovec_t array's address */
	uint64_t count;
	bool (*read)(void *ctx, const struct iovec *remote, int nremote,
	    const struct iovec *local, int nlocal);
	void *ctx;
};

/* IoBufferSharedRegionDispatcher::Write: INVALID_ARGS (too many vectors,
 * an unreadable vector array, a message over the maximum), NO_SPACE
 * (larger than the ring, or no room now), IO_DATA_INTEGRITY (a header
 * the readers corrupted), NOT_FOUND (a buffer that cannot be read: the
 * message is not committed). */
zx_status_t iob_shreg_write(struct iob_shreg *sr, uint64_t tag,
    const struct iob_source *src);

/* The header as it is now (zxctl). */
void iob_shreg_ring(const struct iob_shreg *sr, uint64_t *head,
    uint64_t *tail);

#endif
