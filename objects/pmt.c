/* Pinned memory tokens: one pin of a VMO range, its device addresses. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>

#include "objects/bti.h"
#include "objects/pmt.h"

#define PAGE	vmo_page_size()

static const struct object_ops pmt_ops;

struct pmt *
pmt_of(struct object *o)
{
	return o != NULL && o->ops == &pmt_ops ? (struct pmt *)o : NULL;
}

static void
put_frames(struct pmt *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		iommu_frame_put(p->frames[i]);
		p->frames[i] = NULL;
	}
}

void (*pmt_unpinned_hook)(struct pmt *p);

zx_status_t
pmt_create(struct bti *bti, struct vmo *v, uint64_t offset, uint64_t size,
    uint32_t perms, struct pmt **ret)
{
	struct pmt *p;
	zx_status_t st = ZX_OK;
	size_t i;

	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		vmo_unpin(v, offset, size);
		return ZX_ERR_NO_MEMORY;
	}
	p->offset = offset;
	p->size = size;
	p->perms = perms;
	p->npages = size / PAGE;
	/*
	 * The dummy IOMMU hands out physical addresses. Memory that has
	 * them (contiguous VMOs, physical VMOs) is used as it is; paged
	 * memory gets a frame per page (objects/iommu.h).
	 */
	if (vmo_paddr(v, offset, &p->base)) {
		p->fixed = true;
	} else {
		p->frames = calloc(p->npages, sizeof(*p->frames));
		if (p->frames == NULL)
			st = ZX_ERR_NO_MEMORY;
		for (i = 0; st == ZX_OK && i < p->npages; i++) {
			st = iommu_frame_get(v->mem, v->offset + offset +
			    i * PAGE, &p->frames[i]);
			if (st != ZX_OK)
				put_frames(p, i);
		}
	}
	if (st != ZX_OK) {
		free(p->frames);
		free(p);
		vmo_unpin(v, offset, size);
		return st;
	}
	object_init(&p->obj, &pmt_ops);
	p->bti = bti;
	object_ref(&bti->obj);
	p->vmo = v;
	object_ref(&v->obj);
	p->state = PMT_PINNED;
	*ret = p;
	return ZX_OK;
}

uint64_t
pmt_addr(const struct pmt *p, size_t i)
{
	return p->fixed ? p->base + i * PAGE : p->frames[i]->addr;
}

zx_status_t
pmt_encode(const struct pmt *p, bool compress, bool contiguous,
    uint64_t *addrs, size_t n)
{
	bool contig_vmo = vmo_is_contiguous(p->vmo);

	/* The minimum contiguity is a page: COMPRESS lists every page too,
	 * from the base for contiguous memory. */
	if (compress || !contiguous) {
		if (n != p->npages)
			return ZX_ERR_INVALID_ARGS;
		for (size_t i = 0; i < n; i++)
			addrs[i] = pmt_addr(p, i);
		return ZX_OK;
	}
	if (n != 1 || !contig_vmo)
		return ZX_ERR_INVALID_ARGS;
	addrs[0] = pmt_addr(p, 0);
	return ZX_OK;
}

void
pmt_unpin(struct pmt *p)
{
	if (p->state == PMT_PINNED)
		bti_unmap(p->bti, p);
	if (p->state == PMT_UNPINNED)
		return;
	p->state = PMT_UNPINNED;
	if (pmt_unpinned_hook != NULL)
		pmt_unpinned_hook(p);
	if (!p->fixed)
		put_frames(p, p->npages);
	vmo_unpin(p->vmo, p->offset, p->size);
	/* A clone pinned after its handle went dies now. */
	object_unref(&p->vmo->obj);
	p->vmo = NULL;
}

static void
pmt_zero_handles(struct object *o)
{
	struct pmt *p = (struct pmt *)o;

	if (p->state == PMT_PINNED)
		bti_quarantine(p->bti, p);
}

static void
pmt_destroy(struct object *o)
{
	struct pmt *p = (struct pmt *)o;
	struct bti *b = p->bti;

	pmt_unpin(p);
	bti_remove(b, p);
	object_unref(&b->obj);
	free(p->frames);
	free(p);
}

static const struct object_ops pmt_ops = {
	.type = ZX_OBJ_TYPE_PMT,
	.name = "pmt",
	.default_rights = ZX_DEFAULT_PMT_RIGHTS,
	.on_zero_handles = pmt_zero_handles,
	.destroy = pmt_destroy,
};
