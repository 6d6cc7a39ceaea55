/* What objects/vmo.c and objects/vmo_child.c share; not for other
 * files. */
#ifndef ZXD_OBJECTS_VMO_PRIV_H
#define ZXD_OBJECTS_VMO_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "objects/vmo.h"

#define PAGE		vmo_page_size()
#define MAX_SIZE	VMO_MAX_SIZE(PAGE)

static inline bool
page_aligned(uint64_t x)
{
	return (x & (PAGE - 1)) == 0;
}

/* [off, off + len) lies inside [0, size) without overflow. */
static inline bool
in_range(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static inline uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static inline bool
is_contiguous(const struct vmo *v)
{
	return v->mem->flags & VMO_MEM_CONTIGUOUS;
}

struct vmo_content *vmo_content_new(uint64_t size);
/* A VMO over `mem` (whose reference it takes) with `content` (same). */
struct vmo *vmo_new(enum vmo_kind kind, struct vmo_mem *mem,
    uint64_t offset, struct vmo_content *content);
/* New anonymous memory of `size` charged to `payer`, and its owner. */
zx_status_t vmo_make_root(uint64_t size, uint64_t content_size,
    uint32_t mflags, const struct vmo_payer *payer, struct vmo **ret);
/* Unlink a child from its parent without touching the parent's
 * signal; the caller settles it (vmo_child.c). */
void vmo_child_unlink(struct vmo *c);
/* Pages of m are about to be handed back: forget what pins found
 * committed. */
static inline void
vmo_mem_uncommitting(struct vmo_mem *m)
{
	m->committed_lo = m->committed_hi = 0;
}

/* Whether any page of [off, off + len) of m is pinned. */
bool vmo_mem_pinned(const struct vmo_mem *m, uint64_t off, uint64_t len);
/* Write v's size, content size and cache policy to its state page. */
void vmo_publish(struct vmo *v);
/* Commit [off, off + len) of v (ZX_VMO_OP_COMMIT, vmo_op.c). */
zx_status_t vmo_commit(struct vmo *v, uint64_t off, uint64_t len);
/* Make [off, off + len) of v read as zero: pinned pages are zeroed in
 * place, the rest handed back. */
zx_status_t vmo_zero_range(struct vmo *v, uint64_t off, uint64_t len);

#endif
