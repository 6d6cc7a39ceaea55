/*
 * The simulated DMA engine (zxd_sim_dma_read/write): a device behind a
 * BTI reaches exactly the pinned VMO's bytes, as zx_vmo_read and
 * mappings see them, at the addresses the pins handed out and nowhere
 * else: NOT_FOUND for an address not pinned through that BTI (also after
 * unpin, and once quarantined), ACCESS_DENIED without the permission.
 */
#include "config-build.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <criterion/criterion.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "tests/integration/bti_util.h"

#define R	ZX_BTI_PERM_READ
#define W	ZX_BTI_PERM_WRITE
#define X	ZX_BTI_PERM_EXECUTE

static void
fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + seed + (i >> 12));
}

/* --- a small driver ---------------------------------------------------- */

/*
 * What a driver does: allocate a DMA buffer, pin it for the device, hand
 * the device the addresses, let it fill the buffer, read the result; and
 * the other way round. Once with a contiguous buffer (one address), once
 * with a paged one (an address per page, scattered).
 */
static void
driver(bool contiguous)
{
	const size_t n = 16, size = n * PAGE;
	zx_handle_t bti = bti_new(), vmo, pmt;
	zx_paddr_t addrs[16];
	uint8_t *dev = malloc(size), *cpu = malloc(size);
	zx_vaddr_t map = 0;

	if (contiguous) {
		zx_paddr_t base;

		vmo = contig_new(bti, size);
		cr_assert_eq(zx_bti_pin(bti, R | W | ZX_BTI_CONTIGUOUS, vmo, 0,
		    size, &base, 1, &pmt), ZX_OK);
		for (size_t i = 0; i < n; i++)
			addrs[i] = base + i * PAGE;
	} else {
		vmo = vmo_new(size, 0);
		pmt = pin(bti, R | W, vmo, 0, size, addrs);
	}
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, 0, vmo, 0, size, &map), ZX_OK);

	/* The device fills the buffer, page by page at its addresses... */
	fill(dev, size, 7);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(zxd_sim_dma_write(bti, addrs[i], dev + i * PAGE,
		    PAGE), ZX_OK);
	/* ...and the driver reads it, by zx_vmo_read and by its mapping. */
	cr_assert_eq(zx_vmo_read(vmo, cpu, 0, size), ZX_OK);
	cr_assert_eq(memcmp(cpu, dev, size), 0);
	cr_assert_eq(memcmp((void *)map, dev, size), 0);

	/* The driver writes a command block; the device reads it. */
	fill(cpu, size, 99);
	memcpy((void *)map, cpu, size / 2);
	cr_assert_eq(zx_vmo_write(vmo, cpu + size / 2, size / 2, size / 2),
	    ZX_OK);
	memset(dev, 0, size);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(zxd_sim_dma_read(bti, addrs[i], dev + i * PAGE,
		    PAGE), ZX_OK);
	cr_assert_eq(memcmp(cpu, dev, size), 0);

	/* Done: unpin; the device can no longer reach it. */
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zxd_sim_dma_read(bti, addrs[0], dev, 1),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_write(bti, addrs[n - 1], dev, 1),
	    ZX_ERR_NOT_FOUND);
	/* The buffer still holds what the device wrote last. */
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), map, size), ZX_OK);
	zx_handle_close(vmo);
	zx_handle_close(bti);
	free(dev);
	free(cpu);
}

Test(dma, driver_paged)
{
	driver(false);
}

Test(dma, driver_contiguous)
{
	driver(true);
}

/* Offsets inside a page, and transfers across pages of contiguous
 * memory in one go. */
Test(dma, partial_and_spanning)
{
	zx_handle_t bti = bti_new(), c = contig_new(bti, 8 * PAGE), pmt;
	uint8_t buf[3 * 4096 + 10], got[sizeof(buf)];
	zx_paddr_t base;

	cr_assert_geq(PAGE, 4096);
	cr_assert_eq(zx_bti_pin(bti, R | W | ZX_BTI_CONTIGUOUS, c, 2 * PAGE,
	    4 * PAGE, &base, 1, &pmt), ZX_OK);
	fill(buf, sizeof(buf), 3);
	cr_assert_eq(zxd_sim_dma_write(bti, base + 5, buf, sizeof(buf)),
	    ZX_OK);
	cr_assert_eq(zx_vmo_read(c, got, 2 * PAGE + 5, sizeof(got)), ZX_OK);
	cr_assert_eq(memcmp(buf, got, sizeof(buf)), 0);
	memset(got, 0, sizeof(got));
	cr_assert_eq(zxd_sim_dma_read(bti, base + 5, got, sizeof(got)),
	    ZX_OK);
	cr_assert_eq(memcmp(buf, got, sizeof(buf)), 0);
	/* The pinned range ends where it ends. */
	cr_assert_eq(zxd_sim_dma_read(bti, base + 4 * PAGE - 1, got, 2),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_read(bti, base - 1, got, 2),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_read(bti, base + 4 * PAGE - 1, got, 1),
	    ZX_OK);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	zx_handle_close(c);
	zx_handle_close(bti);
}

/* Large transfers go through the caller's memfd: both ways, around the
 * threshold, and 1 MiB. */
Test(dma, large)
{
	const size_t sizes[] = { 8 * 1024 - 1, 8 * 1024, 8 * 1024 + 1,
		64 * 1024, 64 * 1024 + 1, 1 << 20, 4 << 20, (4 << 20) + 4096 };
	const size_t max = (4 << 20) + 4096;
	zx_handle_t bti = bti_new(), c = contig_new(bti, max), pmt;
	uint8_t *buf = malloc(max), *got = malloc(max);
	zx_paddr_t base;

	cr_assert_eq(zx_bti_pin(bti, R | W | ZX_BTI_CONTIGUOUS, c, 0, max,
	    &base, 1, &pmt), ZX_OK);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];

		fill(buf, n, (unsigned)i);
		cr_assert_eq(zxd_sim_dma_write(bti, base, buf, n), ZX_OK);
		memset(got, 0, n);
		cr_assert_eq(zx_vmo_read(c, got, 0, n), ZX_OK);
		cr_assert_eq(memcmp(buf, got, n), 0, "write of %zu", n);
		fill(buf, n, (unsigned)i + 100);
		cr_assert_eq(zx_vmo_write(c, buf, 0, n), ZX_OK);
		memset(got, 0, n);
		cr_assert_eq(zxd_sim_dma_read(bti, base, got, n), ZX_OK);
		cr_assert_eq(memcmp(buf, got, n), 0, "read of %zu", n);
	}
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	/* Large transfers are checked the same way. */
	cr_assert_eq(zxd_sim_dma_read(bti, base, got, max), ZX_ERR_NOT_FOUND);
	zx_handle_close(c);
	zx_handle_close(bti);
	free(buf);
	free(got);
}

/* Past the inline size the daemon copies straight from or into the
 * caller's memory: a buffer the caller cannot use is the kernel's EFAULT,
 * ZX_ERR_INVALID_ARGS, and libzx never touches it itself. */
Test(dma, bad_buffer_is_invalid_args)
{
	const size_t n = 64 * 1024;
	zx_handle_t bti = bti_new(), c = contig_new(bti, n), pmt;
	uint8_t *none, *ro, *ok = malloc(n);
	zx_paddr_t base;

	cr_assert_eq(zx_bti_pin(bti, R | W | ZX_BTI_CONTIGUOUS, c, 0, n,
	    &base, 1, &pmt), ZX_OK);
	none = mmap(NULL, n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(none, MAP_FAILED);
	cr_assert_neq(ro, MAP_FAILED);
	cr_assert_eq(zxd_sim_dma_read(bti, base, none, n), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zxd_sim_dma_write(bti, base, none, n),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zxd_sim_dma_read(bti, base, ro, n), ZX_ERR_INVALID_ARGS);
	/* A readable buffer is fine to write from. */
	cr_assert_eq(zxd_sim_dma_write(bti, base, ro, n), ZX_OK);
	fill(ok, n, 7);
	cr_assert_eq(zxd_sim_dma_write(bti, base, ok, n), ZX_OK);
	memset(ok, 0, n);
	cr_assert_eq(zxd_sim_dma_read(bti, base, ok, n), ZX_OK);
	{
		uint8_t *want = malloc(n);

		fill(want, n, 7);
		cr_assert_eq(memcmp(ok, want, n), 0);
		free(want);
	}
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	munmap(none, n);
	munmap(ro, n);
	free(ok);
	zx_handle_close(c);
	zx_handle_close(bti);
}

/* --- where the device may not go --------------------------------------- */

Test(dma, not_pinned)
{
	zx_handle_t bti = bti_new(), other = bti_new(), vmo = vmo_new(2 * PAGE,
	    0), pmt;
	zx_paddr_t a[2];
	uint8_t b[16] = { 0 };

	/* Nothing pinned at all; the window and outside it. */
	cr_assert_eq(zxd_sim_dma_read(bti, WINDOW_BASE, b, 1),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_read(bti, WINDOW_BASE + WINDOW_SIZE - 1, b,
	    1), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_read(bti, 0, b, 1), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_write(bti, UINT64_C(0xF0000000), b, 1),
	    ZX_ERR_NOT_FOUND);
	pmt = pin(bti, R | W, vmo, 0, 2 * PAGE, a);
	cr_assert_eq(zxd_sim_dma_write(bti, a[1] + PAGE - 8, b, 8), ZX_OK);
	/* Another BTI's device reaches none of it. */
	cr_assert_eq(zxd_sim_dma_read(other, a[0], b, 1), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_write(other, a[1], b, 1), ZX_ERR_NOT_FOUND);
	/* Paged memory is not contiguous: past a page is another page. */
	cr_assert_eq(zxd_sim_dma_read(bti, a[1] + PAGE - 8, b, 9),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zxd_sim_dma_read(bti, a[0], b, 1), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_write(bti, a[1], b, 1), ZX_ERR_NOT_FOUND);
	zx_handle_close(vmo);
	zx_handle_close(other);
	zx_handle_close(bti);
}

/* A PMT closed without unpin is quarantined: pinned, but unreachable. */
Test(dma, quarantined)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), pmt;
	zx_paddr_t a;
	uint8_t b = 0;

	pmt = pin(bti, R | W, vmo, 0, PAGE, &a);
	cr_assert_eq(zxd_sim_dma_read(bti, a, &b, 1), ZX_OK);
	zx_handle_close(pmt);
	cr_assert_eq(zxd_sim_dma_read(bti, a, &b, 1), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_write(bti, a, &b, 1), ZX_ERR_NOT_FOUND);
	assert_counts(bti, 1, 1);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

Test(dma, permissions)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(3 * PAGE, 0), pr, pw, px;
	zx_paddr_t r, w, x;
	uint8_t b[2] = { 1, 2 };

	pr = pin(bti, R, vmo, 0, PAGE, &r);
	pw = pin(bti, W, vmo, PAGE, PAGE, &w);
	px = pin(bti, X, vmo, 2 * PAGE, PAGE, &x);
	cr_assert_eq(zxd_sim_dma_read(bti, r, b, 2), ZX_OK);
	cr_assert_eq(zxd_sim_dma_write(bti, r, b, 2), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zxd_sim_dma_write(bti, w, b, 2), ZX_OK);
	cr_assert_eq(zxd_sim_dma_read(bti, w, b, 2), ZX_ERR_ACCESS_DENIED);
	/* EXECUTE is neither. */
	cr_assert_eq(zxd_sim_dma_read(bti, x, b, 2), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zxd_sim_dma_write(bti, x, b, 2), ZX_ERR_ACCESS_DENIED);
	/* A second pin of a page adds its permissions while it lasts. */
	{
		zx_handle_t p2;
		zx_paddr_t r2;

		p2 = pin(bti, W, vmo, 0, PAGE, &r2);
		cr_assert_eq(r2, r);
		cr_assert_eq(zxd_sim_dma_write(bti, r, b, 2), ZX_OK);
		cr_assert_eq(zx_pmt_unpin(p2), ZX_OK);
		cr_assert_eq(zxd_sim_dma_write(bti, r, b, 2),
		    ZX_ERR_ACCESS_DENIED);
		cr_assert_eq(zxd_sim_dma_read(bti, r, b, 2), ZX_OK);
	}
	cr_assert_eq(zx_pmt_unpin(pr), ZX_OK);
	cr_assert_eq(zx_pmt_unpin(pw), ZX_OK);
	cr_assert_eq(zx_pmt_unpin(px), ZX_OK);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* A transfer is checked whole before anything moves: the first page
 * that fails decides, in address order. */
Test(dma, all_or_nothing)
{
	zx_handle_t bti = bti_new(), c = contig_new(bti, 4 * PAGE), pr, pw;
	uint8_t *buf = malloc(4 * PAGE), *got = malloc(4 * PAGE);
	zx_paddr_t base;

	cr_assert_eq(zx_bti_pin(bti, W | ZX_BTI_CONTIGUOUS, c, 0, 2 * PAGE,
	    &base, 1, &pw), ZX_OK);
	cr_assert_eq(zx_bti_pin(bti, R | ZX_BTI_CONTIGUOUS, c, 2 * PAGE,
	    PAGE, &(zx_paddr_t){ 0 }, 1, &pr), ZX_OK);
	fill(buf, 4 * PAGE, 1);
	/* Writable, writable, read-only: denied, nothing written. */
	cr_assert_eq(zxd_sim_dma_write(bti, base, buf, 3 * PAGE),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_read(c, got, 0, 4 * PAGE), ZX_OK);
	for (size_t i = 0; i < 4 * PAGE; i++)
		cr_assert_eq(got[i], 0);
	/* Writable, writable, read-only, unpinned: the first failure. */
	cr_assert_eq(zxd_sim_dma_write(bti, base, buf, 4 * PAGE),
	    ZX_ERR_ACCESS_DENIED);
	/* Read: write-only first, unpinned later. */
	cr_assert_eq(zxd_sim_dma_read(bti, base, got, 4 * PAGE),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zxd_sim_dma_read(bti, base + 2 * PAGE, got, 2 * PAGE),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_write(bti, base, buf, 2 * PAGE), ZX_OK);
	cr_assert_eq(zx_pmt_unpin(pw), ZX_OK);
	cr_assert_eq(zx_pmt_unpin(pr), ZX_OK);
	zx_handle_close(c);
	zx_handle_close(bti);
	free(buf);
	free(got);
}

/* --- the calls' own statuses ------------------------------------------ */

Test(dma, statuses)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), ev = event_new();
	zx_handle_t ro = dup_rights(bti, ZX_DEFAULT_BTI_RIGHTS &
	    ~ZX_RIGHT_WRITE);
	zx_handle_t wo = dup_rights(bti, ZX_DEFAULT_BTI_RIGHTS &
	    ~ZX_RIGHT_READ);
	zx_handle_t pmt;
	zx_paddr_t a;
	uint8_t b[4] = { 0 };

	pmt = pin(bti, R | W, vmo, 0, PAGE, &a);
	cr_assert_eq(zxd_sim_dma_read(ZX_HANDLE_INVALID, a, b, 1),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zxd_sim_dma_write(0x7ffffff3, a, b, 1),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zxd_sim_dma_read(ev, a, b, 1), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zxd_sim_dma_write(vmo, a, b, 1), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zxd_sim_dma_read(pmt, a, b, 1), ZX_ERR_WRONG_TYPE);
	/* Reading memory takes READ on the BTI, writing it WRITE. */
	cr_assert_eq(zxd_sim_dma_write(ro, a, b, 1), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zxd_sim_dma_read(ro, a, b, 1), ZX_OK);
	cr_assert_eq(zxd_sim_dma_read(wo, a, b, 1), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zxd_sim_dma_write(wo, a, b, 1), ZX_OK);
	/* The buffer after the handle. */
	cr_assert_eq(zxd_sim_dma_read(bti, a, NULL, 1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zxd_sim_dma_write(bti, a, NULL, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zxd_sim_dma_read(ev, a, NULL, 1), ZX_ERR_WRONG_TYPE);
	/* Nothing to move is fine, anywhere. */
	cr_assert_eq(zxd_sim_dma_read(bti, a, NULL, 0), ZX_OK);
	cr_assert_eq(zxd_sim_dma_write(bti, 0, NULL, 0), ZX_OK);
	/* A range past 2^64. */
	cr_assert_eq(zxd_sim_dma_read(bti, UINT64_MAX, b, 2),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	zx_handle_close(wo);
	zx_handle_close(ro);
	zx_handle_close(ev);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* The device sees the VMO's bytes, whoever writes them and however:
 * a write through one VMO handle is read through a slice's pin, and a
 * device write is seen by a mapping of a reference child. */
Test(dma, shared_memory)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(4 * PAGE, 0), slice, ref;
	zx_handle_t pmt;
	zx_paddr_t a[2];
	zx_vaddr_t map = 0;
	uint8_t msg[] = "hello, device", got[sizeof(msg)] = { 0 };

	cr_assert_eq(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, 2 * PAGE,
	    2 * PAGE, &slice), ZX_OK);
	cr_assert_eq(zx_vmo_create_child(vmo, ZX_VMO_CHILD_REFERENCE, 0, 0,
	    &ref), ZX_OK);
	pmt = pin(bti, R | W, slice, 0, 2 * PAGE, a);
	cr_assert_eq(zx_vmo_write(vmo, msg, 3 * PAGE + 100, sizeof(msg)),
	    ZX_OK);
	cr_assert_eq(zxd_sim_dma_read(bti, a[1] + 100, got, sizeof(got)),
	    ZX_OK);
	cr_assert_str_eq((char *)got, (char *)msg);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, ref,
	    0, 4 * PAGE, &map), ZX_OK);
	cr_assert_eq(zxd_sim_dma_write(bti, a[0] + 1, "XY", 2), ZX_OK);
	cr_assert_eq(memcmp((char *)map + 2 * PAGE + 1, "XY", 2), 0);
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), map, 4 * PAGE), ZX_OK);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	zx_handle_close(ref);
	zx_handle_close(slice);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* Threads each with its own memfd for large transfers. */
struct targ {
	zx_handle_t bti;
	zx_paddr_t base;
};

static void *
dma_thread(void *arg)
{
	struct targ *t = arg;
	size_t n = 256 * 1024;
	uint8_t *buf = malloc(n), *got = malloc(n);
	void *bad = NULL;

	for (int i = 0; i < 20; i++) {
		fill(buf, n, (unsigned)i);
		if (zxd_sim_dma_write(t->bti, t->base, buf, n) != ZX_OK ||
		    zxd_sim_dma_read(t->bti, t->base, got, n) != ZX_OK ||
		    memcmp(buf, got, n) != 0)
			bad = arg;
	}
	free(buf);
	free(got);
	return bad;
}

Test(dma, threads)
{
	zx_handle_t bti = bti_new(), c = contig_new(bti, 1 << 20), pmt;
	struct targ args[4];
	zx_paddr_t base;
	pthread_t t[4];

	cr_assert_eq(zx_bti_pin(bti, R | W | ZX_BTI_CONTIGUOUS, c, 0, 1 << 20,
	    &base, 1, &pmt), ZX_OK);
	for (int i = 0; i < 4; i++) {
		args[i].bti = dup_rights(bti, ZX_RIGHT_SAME_RIGHTS);
		args[i].base = base + (uint64_t)i * 256 * 1024;
		cr_assert_eq(pthread_create(&t[i], NULL, dma_thread, &args[i]),
		    0);
	}
	for (int i = 0; i < 4; i++) {
		void *r;

		pthread_join(t[i], &r);
		cr_assert_null(r, "thread %d", i);
		zx_handle_close(args[i].bti);
	}
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	zx_handle_close(c);
	zx_handle_close(bti);
}

/* --- physical VMOs --------------------------------------------------- */

/*
 * A physical VMO pins to its own physical addresses (the dummy IOMMU's
 * rule), contiguous ones, and the device reaches the device memory there:
 * what a mapping of another physical VMO over the same addresses sees
 * and wrote. Addresses of mmio0 no other test here uses.
 */
Test(dma, physical_vmo)
{
	const zx_paddr_t paddr = UINT64_C(0xF0800000);
	zx_handle_t root = root_resource(), bti = bti_new(), pv, other, slice;
	zx_handle_t pmt;
	zx_paddr_t a[4], one = 0;
	zx_vaddr_t map = 0;
	char got[6] = { 0 };

	cr_assert_eq(zx_vmo_create_physical(root, paddr, 4 * PAGE, &pv),
	    ZX_OK);
	cr_assert_eq(zx_vmo_create_physical(root, paddr, 4 * PAGE, &other),
	    ZX_OK);
	/* Per page: its own addresses, consecutive. */
	pmt = pin(bti, R | W, pv, 0, 4 * PAGE, a);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(a[i], paddr + i * PAGE);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	/* CONTIGUOUS is taken for physical memory: one address. */
	cr_assert_eq(zx_bti_pin(bti, R | W | ZX_BTI_CONTIGUOUS, pv, PAGE,
	    2 * PAGE, &one, 1, &pmt), ZX_OK);
	cr_assert_eq(one, paddr + PAGE);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, 0, other, 0, 4 * PAGE, &map), ZX_OK);
	/* The device writes; the other VMO's mapping sees it. */
	cr_assert_eq(zxd_sim_dma_write(bti, paddr + PAGE + 5, "device", 6),
	    ZX_OK);
	cr_assert_eq(memcmp((char *)map + PAGE + 5, "device", 6), 0);
	/* The CPU writes; the device reads it, across the pinned pages. */
	memcpy((char *)map + 2 * PAGE - 3, "cpu!!!", 6);
	cr_assert_eq(zxd_sim_dma_read(bti, paddr + 2 * PAGE - 3, got, 6),
	    ZX_OK);
	cr_assert_eq(memcmp(got, "cpu!!!", 6), 0);
	/* Only the pinned pages. */
	cr_assert_eq(zxd_sim_dma_read(bti, paddr, got, 1), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zxd_sim_dma_read(bti, paddr + 3 * PAGE, got, 1),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zxd_sim_dma_read(bti, paddr + PAGE, got, 1),
	    ZX_ERR_NOT_FOUND);
	/* A slice pins at its own offset's address. */
	cr_assert_eq(zx_vmo_create_child(pv, ZX_VMO_CHILD_SLICE, 2 * PAGE,
	    2 * PAGE, &slice), ZX_OK);
	pmt = pin(bti, R, slice, PAGE, PAGE, a);
	cr_assert_eq(a[0], paddr + 3 * PAGE);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), map, 4 * PAGE), ZX_OK);
	zx_handle_close(slice);
	zx_handle_close(other);
	zx_handle_close(pv);
	zx_handle_close(bti);
	zx_handle_close(root);
}
