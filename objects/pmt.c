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

void (*pmt_unpinned_hook)(struct pmt *p);

zx_status_t
pmt_create(struct bti *bti, struct vmo *v, uint64_t offset, uint64_t size,
    uint32_t perms, struct pmt **ret)
{
	struct pmt *p;
	zx_status_t st = ZX_OK;

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
	 * memory gets frames (objects/iommu.h): no per-page state beyond
	 * the pages' pin counts.
	 */
	if (vmo_paddr(v, offset, &p->base))
		p->fixed = true;
	else
		st = iommu_frames_pin(v->mem, v->offset + offset, p->npages,
		    p, &p->one, &p->pieces, &p->npieces);
	if (st != ZX_OK) {
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
	if (p->fixed)
		return p->base + i * PAGE;
	for (size_t k = 0; k < p->npieces; k++) {
		if (i < p->pieces[k].count)
			return iommu_piece_addr(&p->pieces[k], i);
		i -= p->pieces[k].count;
	}
	return 0;
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
		if (p->fixed) {
			for (size_t i = 0; i < n; i++)
				addrs[i] = p->base + i * PAGE;
			return ZX_OK;
		}
		for (size_t k = 0; k < p->npieces; k++) {
			iommu_piece_addrs(&p->pieces[k], addrs);
			addrs += p->pieces[k].count;
		}
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
		iommu_frames_unpin(p->pieces, p->npieces, &p->one);
	p->pieces = NULL;
	p->npieces = 0;
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
	free(p);
}

static const struct object_ops pmt_ops = {
	.type = ZX_OBJ_TYPE_PMT,
	.name = "pmt",
	.default_rights = ZX_DEFAULT_PMT_RIGHTS,
	.on_zero_handles = pmt_zero_handles,
	.destroy = pmt_destroy,
};
