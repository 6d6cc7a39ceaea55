/*
 * objects/iommu.c, bti.c and pmt.c without a daemon: the simulated
 * physical address space (where the window goes, scattered frames shared
 * by every pin of a page, contiguous runs), pins of memory with physical
 * addresses of its own (the physical-VMO hook), quarantine by handle
 * counts, and the DMA engine's copies. Criterion runs each test in a
 * process of its own, so the window and allocators start fresh.
 */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <zircon/syscalls/iommu.h>

#include "backends/anon.h"
#include "backends/phys.h"
#include "daemon/config.h"
#include "objects/bti.h"
#include "objects/iommu.h"
#include "objects/pmt.h"
#include "objects/vmo.h"

#define PAGE	vmo_page_size()
#define TIB	(UINT64_C(1) << 40)
#define R	ZX_BTI_PERM_READ
#define W	ZX_BTI_PERM_WRITE

static struct bti *
new_bti(void)
{
	zx_iommu_desc_dummy_t desc = { 0 };
	struct iommu *m;
	struct bti *b;

	cr_assert_eq(iommu_create(ZX_IOMMU_TYPE_DUMMY, &desc, sizeof(desc),
	    &m), ZX_OK);
	cr_assert_eq(bti_create(m, 7, &b), ZX_OK);
	object_unref(&m->obj);
	/* As if a client held it. */
	object_handle_added(&b->obj);
	return b;
}

static void
drop_bti(struct bti *b)
{
	object_handle_removed(&b->obj);
	object_unref(&b->obj);
}

static struct vmo *
new_vmo(uint64_t size)
{
	struct vmo *v;

	cr_assert_eq(vmo_create(size, 0, NULL, &v), ZX_OK);
	return v;
}

static struct pmt *
do_pin(struct bti *b, struct vmo *v, uint64_t off, uint64_t size,
    uint32_t perms)
{
	struct pmt *p;

	cr_assert_eq(bti_pin(b, v, off, size, perms, &p), ZX_OK);
	return p;
}

static void
unpin(struct pmt *p)
{
	pmt_unpin(p);
	object_unref(&p->obj);
}

Test(iommu_unit, create)
{
	uint8_t desc[2] = { 0 };
	struct iommu *m;

	cr_assert_eq(iommu_create(ZX_IOMMU_TYPE_DUMMY, desc, 2, &m),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(iommu_create(ZX_IOMMU_TYPE_DUMMY, desc, 0, &m),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(iommu_create(ZX_IOMMU_TYPE_INTEL, desc, 1, &m),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(iommu_create(ZX_IOMMU_TYPE_DUMMY, desc, 1, &m), ZX_OK);
	cr_assert_eq(m->obj.ops->type, ZX_OBJ_TYPE_IOMMU);
	cr_assert_eq(m->obj.ops->default_rights, 0x8003);
	cr_assert(!m->obj.ops->waitable);
	cr_assert(!m->obj.ops->has_name);
	cr_assert_eq(iommu_minimum_contiguity(m), PAGE);
	cr_assert_eq(iommu_aspace_size(m), UINT64_MAX);
	cr_assert(iommu_valid_bti_id(m, UINT64_MAX));
	object_unref(&m->obj);
}

/* --- the window ------------------------------------------------------- */

static void
start_phys(const struct phys_region_def *regions, size_t n)
{
	struct config c;
	struct phys_setup ps;
	char err[256];

	cr_assert_eq(config_init_defaults(&c), 0);
	free(c.regions);
	c.regions = calloc(n, sizeof(*c.regions));
	memcpy(c.regions, regions, n * sizeof(*regions));
	c.n_regions = n;
	ps = config_phys(&c);
	cr_assert_eq(phys_init(&ps, err, sizeof(err)), 0, "%s", err);
	config_free(&c);
}

Test(window, default_map)
{
	static const struct phys_region_def map[] = {
		{ "ram", PHYS_RAM, 0, 0x40000000 },
		{ "mmio0", PHYS_MMIO, 0xF0000000, 0x1000000 },
	};

	start_phys(map, 2);
	cr_assert_eq(iommu_window_base(), TIB);
	phys_shutdown();
}

/* A region in the first slot pushes the window past it. */
Test(window, avoids_regions)
{
	static const struct phys_region_def map[] = {
		{ "ram", PHYS_RAM, 0, 0x40000000 },
		{ "high", PHYS_MMIO, TIB + 3 * TIB / 4, 0x1000 },
		{ "higher", PHYS_MMIO, 2 * TIB, 0x1000 },
	};
	uint64_t run;

	start_phys(map, 3);
	cr_assert_eq(iommu_window_base(), 3 * TIB);
	cr_assert_eq(iommu_contiguous_alloc(PAGE, 0, &run), ZX_OK);
	cr_assert_eq(run, 3 * TIB);
	phys_shutdown();
}

/* --- contiguous runs --------------------------------------------------- */

Test(runs, alloc_free_merge)
{
	uint64_t a, b, c, d, base = iommu_window_base();

	cr_assert_eq(iommu_contiguous_alloc(2 * PAGE, 0, &a), ZX_OK);
	cr_assert_eq(a, base);
	cr_assert_eq(iommu_contiguous_alloc(PAGE, 0, &b), ZX_OK);
	cr_assert_eq(b, base + 2 * PAGE);
	cr_assert_eq(iommu_contiguous_alloc(PAGE, 20, &c), ZX_OK);
	cr_assert_eq(c, base + (1 << 20));
	/* The hole below the aligned run is still there. */
	cr_assert_eq(iommu_contiguous_alloc(PAGE, 0, &d), ZX_OK);
	cr_assert_eq(d, base + 3 * PAGE);
	iommu_contiguous_free(a, 2 * PAGE);
	iommu_contiguous_free(d, PAGE);
	iommu_contiguous_free(b, PAGE);
	/* a, b and d merged back into one free run at the start. */
	cr_assert_eq(iommu_contiguous_alloc(4 * PAGE, 0, &a), ZX_OK);
	cr_assert_eq(a, base);
	iommu_contiguous_free(a, 4 * PAGE);
	iommu_contiguous_free(c, PAGE);
	cr_assert_eq(iommu_contiguous_alloc(TIB / 2, 0, &a), ZX_OK);
	cr_assert_eq(a, base);
	cr_assert_eq(iommu_contiguous_alloc(PAGE, 0, &b), ZX_ERR_NO_MEMORY);
	iommu_contiguous_free(a, TIB / 2);
	cr_assert_eq(iommu_contiguous_alloc(TIB / 2 + PAGE, 0, &a),
	    ZX_ERR_NO_MEMORY);
	cr_assert_eq(iommu_contiguous_alloc(PAGE, 41, &a), ZX_ERR_NO_MEMORY);
	cr_assert_eq(iommu_contiguous_alloc(PAGE, 40, &a), ZX_OK);
	cr_assert_eq(a, base);
}

/* --- frames ------------------------------------------------------------ */

Test(frames, scattered_and_shared)
{
	struct bti *b1 = new_bti(), *b2 = new_bti();
	struct vmo *v = new_vmo(64 * PAGE), *slice;
	struct pmt *p1, *p2, *p3;

	p1 = do_pin(b1, v, 0, 64 * PAGE, R);
	cr_assert_eq(iommu_frame_count(), 64);
	for (size_t i = 0; i < 64; i++) {
		uint64_t a = pmt_addr(p1, i), idx;

		cr_assert(iommu_is_frame_addr(a));
		/* One run for the whole pin; the address leads to its page. */
		cr_assert_eq(p1->npieces, 1);
		cr_assert_eq(iommu_frame_at(a, &idx), p1->pieces[0].run);
		cr_assert_eq(idx, i);
		for (size_t j = 0; j < i; j++) {
			uint64_t o = pmt_addr(p1, j);

			cr_assert_neq(a, o);
			/* No two pages are neighbours to the device. */
			cr_assert(a != o + PAGE && o != a + PAGE);
		}
	}
	/* Another BTI, a slice: the same frames, no new ones. */
	p2 = do_pin(b2, v, 8 * PAGE, 8 * PAGE, W);
	cr_assert_eq(vmo_create_child(v, ZX_VMO_CHILD_SLICE, 4 * PAGE,
	    8 * PAGE, 8 * PAGE, false, false, NULL, &slice), ZX_OK);
	p3 = do_pin(b1, slice, 0, 8 * PAGE, R);
	cr_assert_eq(iommu_frame_count(), 64);
	for (size_t i = 0; i < 8; i++) {
		cr_assert_eq(pmt_addr(p2, i), pmt_addr(p1, 8 + i));
		cr_assert_eq(pmt_addr(p3, i), pmt_addr(p1, 4 + i));
	}
	unpin(p1);
	/* Pages 4..15 are still pinned, by p2 and p3. */
	cr_assert_eq(iommu_frame_count(), 12);
	unpin(p3);
	cr_assert_eq(iommu_frame_count(), 8);
	unpin(p2);
	cr_assert_eq(iommu_frame_count(), 0);
	object_unref(&slice->obj);
	object_unref(&v->obj);
	drop_bti(b1);
	drop_bti(b2);
}

/* A freed frame is not handed out again soon. */
Test(frames, not_reused_at_once)
{
	struct bti *b = new_bti();
	struct vmo *v = new_vmo(PAGE);
	uint64_t seen[100];

	for (int i = 0; i < 100; i++) {
		struct pmt *p = do_pin(b, v, 0, PAGE, R);

		seen[i] = pmt_addr(p, 0);
		for (int j = 0; j < i; j++)
			cr_assert_neq(seen[i], seen[j]);
		unpin(p);
	}
	object_unref(&v->obj);
	drop_bti(b);
}

/* A pin over pages another pin holds keeps their addresses and gives
 * the rest new ones; an unpinned page's address leads nowhere, and the
 * page gets a new one when pinned again. */
Test(frames, partial_overlap)
{
	struct bti *b = new_bti(), *b2;
	struct vmo *v = new_vmo(16 * PAGE);
	struct pmt *p1, *p2, *p3, *p4;
	uint64_t old0, idx;
	char byte = 0;

	p1 = do_pin(b, v, 0, 8 * PAGE, R);
	p2 = do_pin(b, v, 4 * PAGE, 8 * PAGE, R | W);
	cr_assert_eq(iommu_frame_count(), 12);
	cr_assert_eq(p2->npieces, 2);
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(pmt_addr(p2, i), pmt_addr(p1, 4 + i));
	for (size_t i = 4; i < 8; i++)
		cr_assert_neq(pmt_addr(p2, i), pmt_addr(p1, i - 4));
	old0 = pmt_addr(p1, 0);
	unpin(p1);
	cr_assert_eq(iommu_frame_count(), 8);
	cr_assert_null(iommu_frame_at(old0, &idx));
	cr_assert_eq(bti_dma(b, false, old0, 1,
	    &(struct bti_dma_io){ .buf = &byte, .fd = -1 }), ZX_ERR_NOT_FOUND);
	cr_assert_eq(iommu_frame_at(pmt_addr(p2, 0), &idx), p2->pieces[0].run);
	cr_assert_eq(idx, 4);
	cr_assert_eq(bti_dma(b, true, pmt_addr(p2, 0), 1,
	    &(struct bti_dma_io){ .buf = &byte, .fd = -1 }), ZX_OK);
	/* Pages 0-3 lost their addresses: new ones; 4-5 keep theirs. */
	p3 = do_pin(b, v, 0, 6 * PAGE, R);
	cr_assert_eq(p3->npieces, 2);
	cr_assert_neq(pmt_addr(p3, 0), old0);
	cr_assert_eq(pmt_addr(p3, 4), pmt_addr(p2, 0));
	cr_assert_eq(iommu_frame_count(), 12);
	/* p3 is read-only: the device may write page 4 through p2 only,
	 * and a writable pin of it through another BTI does not count. */
	unpin(p2);
	cr_assert_eq(bti_dma(b, true, pmt_addr(p3, 4), 1,
	    &(struct bti_dma_io){ .buf = &byte, .fd = -1 }),
	    ZX_ERR_ACCESS_DENIED);
	b2 = new_bti();
	p4 = do_pin(b2, v, 4 * PAGE, PAGE, W);
	cr_assert_eq(pmt_addr(p4, 0), pmt_addr(p3, 4));
	cr_assert_eq(bti_dma(b, true, pmt_addr(p3, 4), 1,
	    &(struct bti_dma_io){ .buf = &byte, .fd = -1 }),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(bti_dma(b2, true, pmt_addr(p3, 4), 1,
	    &(struct bti_dma_io){ .buf = &byte, .fd = -1 }), ZX_OK);
	cr_assert_eq(bti_dma(b2, true, pmt_addr(p3, 3), 1,
	    &(struct bti_dma_io){ .buf = &byte, .fd = -1 }),
	    ZX_ERR_NOT_FOUND);
	unpin(p4);
	drop_bti(b2);
	unpin(p3);
	cr_assert_eq(iommu_frame_count(), 0);
	object_unref(&v->obj);
	drop_bti(b);
}

/* Once the order has gone round, positions still held are skipped. */
Test(frames, wrap_skips_live)
{
	struct bti *b = new_bti();
	struct vmo *v = new_vmo(8 * PAGE);
	uint64_t total = (IOMMU_WINDOW_SIZE / 2) / PAGE, idx;
	struct pmt *p1, *p2, *p3;

	p1 = do_pin(b, v, 0, PAGE, R);
	/* Two positions left before the end: four pages do not fit. */
	iommu_frames_skip(total - 3);
	p2 = do_pin(b, v, PAGE, 4 * PAGE, R);
	p3 = do_pin(b, v, 5 * PAGE, 2 * PAGE, R);
	for (size_t i = 0; i < 4; i++) {
		cr_assert_neq(pmt_addr(p2, i), pmt_addr(p1, 0));
		cr_assert_eq(iommu_frame_at(pmt_addr(p2, i), &idx),
		    p2->pieces[0].run);
		cr_assert_eq(idx, i);
		for (size_t j = 0; j < 2; j++)
			cr_assert_neq(pmt_addr(p2, i), pmt_addr(p3, j));
	}
	cr_assert_eq(iommu_frame_at(pmt_addr(p1, 0), &idx), p1->pieces[0].run);
	cr_assert_eq(iommu_frame_count(), 7);
	unpin(p1);
	unpin(p2);
	unpin(p3);
	cr_assert_eq(iommu_frame_count(), 0);
	object_unref(&v->obj);
	drop_bti(b);
}

/* --- memory with addresses of its own ---------------------------------- */

/* A physical VMO (as zx_vmo_create_physical makes it, over a region's
 * fd) pins to its own addresses, and the device reaches the region's
 * bytes there. */
Test(physical, own_addresses)
{
	const uint64_t paddr = UINT64_C(0xF0002000);
	struct bti *b = new_bti();
	struct vmo *v, *slice;
	struct pmt *p, *ps;
	uint64_t addrs[4], one;
	char buf[8] = { 0 };
	int fd, dup_fd;

	cr_assert_eq(anon_memfd_new("region", 16 * PAGE, &fd), 0);
	dup_fd = dup(fd);
	cr_assert_eq(vmo_create_physical(dup_fd, 2 * PAGE, paddr, 4 * PAGE,
	    &v), ZX_OK);
	cr_assert(vmo_is_contiguous(v));
	p = do_pin(b, v, 0, 4 * PAGE, R | W);
	cr_assert(p->fixed);
	cr_assert_eq(pmt_encode(p, false, false, addrs, 4), ZX_OK);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(addrs[i], paddr + i * PAGE);
	cr_assert_eq(pmt_encode(p, false, true, &one, 1), ZX_OK);
	cr_assert_eq(one, paddr);
	cr_assert_eq(pmt_encode(p, false, true, addrs, 2),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(iommu_frame_count(), 0);
	/* The device writes at paddr + PAGE + 3: region offset 3 pages + 3. */
	cr_assert_eq(bti_dma(b, true, paddr + PAGE + 3, 5,
	    &(struct bti_dma_io){ .buf = "hello", .fd = -1 }), ZX_OK);
	cr_assert_eq(pread(fd, buf, 5, 3 * PAGE + 3), 5);
	cr_assert_str_eq(buf, "hello");
	cr_assert_eq(bti_dma(b, false, paddr - 1, 1,
	    &(struct bti_dma_io){ .buf = buf, .fd = -1 }), ZX_ERR_NOT_FOUND);
	cr_assert_eq(bti_dma(b, false, paddr + 4 * PAGE, 1,
	    &(struct bti_dma_io){ .buf = buf, .fd = -1 }), ZX_ERR_NOT_FOUND);
	/* A slice pins at its own offset's address. */
	cr_assert_eq(vmo_create_child(v, ZX_VMO_CHILD_SLICE, 2 * PAGE,
	    2 * PAGE, 2 * PAGE, false, false, NULL, &slice), ZX_OK);
	ps = do_pin(b, slice, PAGE, PAGE, R);
	cr_assert_eq(pmt_addr(ps, 0), paddr + 3 * PAGE);
	unpin(ps);
	unpin(p);
	cr_assert_eq(bti_dma(b, false, paddr, 1,
	    &(struct bti_dma_io){ .buf = buf, .fd = -1 }), ZX_ERR_NOT_FOUND);
	object_unref(&slice->obj);
	object_unref(&v->obj);
	close(fd);
	drop_bti(b);
}

/* Contiguous memory given an address by vmo_set_paddr answers like a
 * physical VMO, slices included, and gives the run back as it dies. */
Test(physical, set_paddr)
{
	struct vmo *v, *slice;
	uint64_t a, run;

	cr_assert_eq(vmo_create_contiguous(4 * PAGE, NULL, &v), ZX_OK);
	cr_assert(!vmo_paddr(v, 0, &a));
	cr_assert_eq(iommu_contiguous_alloc(4 * PAGE, 0, &run), ZX_OK);
	vmo_set_paddr(v, run, iommu_contiguous_free);
	cr_assert(vmo_paddr(v, 0, &a));
	cr_assert_eq(a, run);
	cr_assert(vmo_paddr(v, 3 * PAGE, &a));
	cr_assert_eq(a, run + 3 * PAGE);
	cr_assert(!vmo_paddr(v, 4 * PAGE, &a));
	cr_assert_eq(vmo_create_child(v, ZX_VMO_CHILD_SLICE, PAGE, 2 * PAGE,
	    2 * PAGE, false, false, NULL, &slice), ZX_OK);
	cr_assert(vmo_paddr(slice, PAGE, &a));
	cr_assert_eq(a, run + 2 * PAGE);
	object_unref(&slice->obj);
	object_unref(&v->obj);
	/* The run is free again: the same one comes back. */
	cr_assert_eq(iommu_contiguous_alloc(4 * PAGE, 0, &a), ZX_OK);
	cr_assert_eq(a, run);
}

/* --- quarantine by handle counts ----------------------------------------- */

Test(quarantine_unit, handles)
{
	struct bti *b = new_bti();
	struct vmo *v = new_vmo(2 * PAGE);
	struct pmt *p1, *p2;
	zx_info_bti_t info;

	/* As dispatch_add_handle does, the handles take the references. */
	p1 = do_pin(b, v, 0, PAGE, R);
	p2 = do_pin(b, v, PAGE, PAGE, R);
	object_handle_added(&p1->obj);
	object_handle_added(&p2->obj);
	/* Closed without unpin: handle_free's order. */
	object_handle_removed(&p1->obj);
	object_unref(&p1->obj);
	bti_info(b, &info);
	cr_assert_eq(info.pmo_count, 2);
	cr_assert_eq(info.quarantine_count, 1);
	cr_assert_eq(p1->state, PMT_QUARANTINED);
	cr_assert_eq(b->mapped, 1);
	/* No new pins meanwhile. */
	{
		struct pmt *p;

		cr_assert_eq(bti_pin(b, v, 0, PAGE, R, &p), ZX_ERR_BAD_STATE);
	}
	bti_release_quarantine(b);
	bti_info(b, &info);
	cr_assert_eq(info.pmo_count, 1);
	cr_assert_eq(info.quarantine_count, 0);
	/* The BTI's last handle goes while p2 is live; then p2's. */
	object_ref(&b->obj);
	drop_bti(b);
	cr_assert(b->zero_handles);
	object_handle_removed(&p2->obj);	/* freed, not quarantined */
	object_unref(&p2->obj);
	cr_assert_eq(b->quarantine_count, 0);
	cr_assert_eq(b->pmo_count, 0);
	object_unref(&b->obj);
	object_unref(&v->obj);
}
