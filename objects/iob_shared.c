/* IOBuffer shared regions and the mediated-write ring buffer. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "objects/iob_shared.h"

/* Only the ring's header fields are shared with clients. */
struct ring_header {
	uint64_t head;
	uint64_t tail;
};

_Static_assert(sizeof(struct ring_header) == IOB_RING_HEADER_SIZE,
    "ring header layout");

/* zx_iovec_t as the caller's memory holds it (LP64). */
struct user_iovec {
	uint64_t buffer;
	uint64_t capacity;
};

static const struct object_ops shreg_ops;

bool
iob_shreg_is(const struct object *o)
{
	return o != NULL && o->ops == &shreg_ops;
}

zx_status_t
iob_shreg_create(uint64_t size, const struct vmo_payer *payer,
    struct iob_shreg **ret)
{
	struct iob_shreg *sr;
	zx_status_t st;
	void *p;

	sr = calloc(1, sizeof(*sr));
	if (sr == NULL)
		return ZX_ERR_NO_MEMORY;
	st = vmo_create(size, 0, payer, &sr->vmo);
	if (st != ZX_OK) {
		free(sr);
		return st;
	}
	sr->size = vmo_size(sr->vmo);
	/* Zircon's region is always pinned and mapped in the kernel. */
	st = vmo_pin(sr->vmo, 0, sr->size);
	if (st != ZX_OK) {
		object_unref(&sr->vmo->obj);
		free(sr);
		return st == ZX_ERR_OUT_OF_RANGE ? ZX_ERR_NO_MEMORY : st;
	}
	p = mmap(NULL, sr->size, PROT_READ | PROT_WRITE, MAP_SHARED,
	    vmo_mem_fd(sr->vmo->mem), (off_t)vmo_fd_offset(sr->vmo));
	if (p == MAP_FAILED) {
		vmo_unpin(sr->vmo, 0, sr->size);
		object_unref(&sr->vmo->obj);
		free(sr);
		return ZX_ERR_NO_MEMORY;
	}
	sr->base = p;
	object_init(&sr->obj, &shreg_ops);
	*ret = sr;
	return ZX_OK;
}

static void
shreg_destroy(struct object *o)
{
	struct iob_shreg *sr = iob_shreg_of(o);

	munmap(sr->base, sr->size);
	vmo_unpin(sr->vmo, 0, sr->size);
	object_unref(&sr->vmo->obj);
	free(sr);
}

static uint64_t
shreg_memory_bytes(const struct object *o)
{
	return ((const struct iob_shreg *)o)->size;
}

static const struct object_ops shreg_ops = {
	.type = ZX_OBJ_TYPE_IOB_SHARED_REGION,
	.name = "iob_shared_region",
	.default_rights = ZX_DEFAULT_IOB_SHARED_REGION_RIGHTS,
	.waitable = true,
	.destroy = shreg_destroy,
	.memory_bytes = shreg_memory_bytes,
};

void
iob_shreg_ring(const struct iob_shreg *sr, uint64_t *head, uint64_t *tail)
{
	const struct ring_header *h = (const struct ring_header *)sr->base;

	*head = __atomic_load_n(&h->head, __ATOMIC_RELAXED);
	*tail = __atomic_load_n(&h->tail, __ATOMIC_RELAXED);
}

/* The local buffers for `len` ring bytes from offset `off`: one, or two
 * where they wrap. */
static int
ring_span(uint8_t *ring, uint64_t ring_size, uint64_t off, uint64_t len,
    struct iovec *dst)
{
	uint64_t first = ring_size - off < len ? ring_size - off : len;

	dst[0].iov_base = ring + off;
	dst[0].iov_len = first;
	if (first == len)
		return 1;
	dst[1].iov_base = ring;
	dst[1].iov_len = len - first;
	return 2;
}

zx_status_t
iob_shreg_write(struct iob_shreg *sr, uint64_t tag,
    const struct iob_source *src)
{
	struct ring_header *h = (struct ring_header *)sr->base;
	struct user_iovec vec[IOB_RING_MAX_VECTORS];
	uint64_t page = vmo_page_size();
	uint64_t ring_size = sr->size - page;
	uint8_t *ring = sr->base + page;
	uint64_t msg = 0, rounded, head, tail, off;
	struct iovec remote[IOB_RING_MAX_VECTORS], local[2];
	int nremote = 0, nlocal;

	if (src->count > IOB_RING_MAX_VECTORS)
		return ZX_ERR_INVALID_ARGS;
	if (src->count > 0) {
		remote[0].iov_base = (void *)(uintptr_t)src->vectors;
		remote[0].iov_len = src->count * sizeof(vec[0]);
		local[0].iov_base = vec;
		local[0].iov_len = remote[0].iov_len;
		if (!src->read(src->ctx, remote, 1, local, 1))
			return ZX_ERR_INVALID_ARGS;
	}
	for (uint64_t i = 0; i < src->count; i++) {
		if (IOB_RING_MAX_MESSAGE - msg < vec[i].capacity)
			return ZX_ERR_INVALID_ARGS;
		msg += vec[i].capacity;
	}
	rounded = (msg + IOB_RING_HEADER_SIZE + 7) & ~UINT64_C(7);
	if (rounded > ring_size)
		return ZX_ERR_NO_SPACE;

	/* Only zxd writes head (readers should not); tail is the readers'.
	 * Acquire on tail: nothing below may overwrite what a reader has
	 * not finished with. */
	head = __atomic_load_n(&h->head, __ATOMIC_RELAXED);
	tail = __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE);
	if (tail > head || UINT64_MAX - head < rounded || (head & 7)) {
		sr->corrupt++;
		return ZX_ERR_IO_DATA_INTEGRITY;
	}
	if (head - tail > ring_size - rounded) {
		sr->no_space++;
		return ZX_ERR_NO_SPACE;
	}

	/* head and the ring size are multiples of 8: the two header words
	 * never straddle the end. */
	off = head % ring_size;
	memcpy(ring + off, &tag, sizeof(tag));
	off = (off + 8) % ring_size;
	memcpy(ring + off, &msg, sizeof(msg));
	off = (off + 8) % ring_size;
	/* The whole payload in one read, straight into the ring. A buffer
	 * that cannot be read: Zircon's soft fault fails and nothing is
	 * committed. */
	for (uint64_t i = 0; i < src->count; i++) {
		if (vec[i].capacity == 0)
			continue;
		remote[nremote].iov_base = (void *)(uintptr_t)vec[i].buffer;
		remote[nremote].iov_len = vec[i].capacity;
		nremote++;
	}
	if (msg > 0) {
		nlocal = ring_span(ring, ring_size, off, msg, local);
		if (!src->read(src->ctx, remote, nremote, local, nlocal))
			return ZX_ERR_NOT_FOUND;
	}

	/* Release: a reader that sees the new head sees the message. */
	__atomic_fetch_add(&h->head, rounded, __ATOMIC_RELEASE);
	sr->writes++;
	sr->bytes += msg;
	object_strobe(&sr->obj, ZX_IOB_SHARED_REGION_UPDATED);
	return ZX_OK;
}
