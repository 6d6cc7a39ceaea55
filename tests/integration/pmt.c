/*
 * zx_pmt_unpin, the quarantine and zx_bti_release_quarantine, and what a
 * pin does to its VMO (ZIRCON.md §1.14): set_size and decommit refuse
 * pinned pages, the cache policy is frozen, a pinned clone keeps its
 * parent's ZX_VMO_ZERO_CHILDREN clear until unpinned. Tests that count
 * the daemon's objects start their own daemon.
 */
#include "config-build.h"

#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

#include "tests/integration/bti_util.h"
#include "tests/lib/zxdtest.h"

#define R	ZX_BTI_PERM_READ
#define W	ZX_BTI_PERM_WRITE

/* --- zx_pmt_unpin ----------------------------------------------------- */

Test(pmt_unpin, ok)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(2 * PAGE, 0), pmt;
	zx_paddr_t a[2];

	pmt = pin(bti, R, vmo, 0, 2 * PAGE, a);
	assert_counts(bti, 1, 0);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	assert_counts(bti, 0, 0);
	/* The handle went with it. */
	cr_assert_eq(zx_handle_close(pmt), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_ERR_BAD_HANDLE);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

Test(pmt_unpin, statuses)
{
	zx_handle_t ev = event_new(), vmo = vmo_new(PAGE, 0);

	cr_assert_eq(zx_pmt_unpin(ZX_HANDLE_INVALID), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_pmt_unpin(0x7ffffff3), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_pmt_unpin(0x7ffffff0), ZX_ERR_BAD_HANDLE);
	/* The handle is removed before its type is looked at. */
	cr_assert_eq(zx_pmt_unpin(ev), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_pmt_unpin(vmo), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmo_get_size(vmo, &(uint64_t){ 0 }),
	    ZX_ERR_BAD_HANDLE);
}

/* No right is needed: not even INSPECT. */
Test(pmt_unpin, no_rights)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), pmt, bare;
	zx_paddr_t a;

	pmt = pin(bti, R, vmo, 0, PAGE, &a);
	cr_assert_eq(zx_handle_replace(pmt, 0, &bare), ZX_OK);
	cr_assert_eq(rights_of(bare), 0);
	cr_assert_eq(zx_pmt_unpin(bare), ZX_OK);
	assert_counts(bti, 0, 0);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* A PMT cannot be duplicated (no DUPLICATE right); replacing it keeps
 * the pin. */
Test(pmt_unpin, replace_keeps_pin)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), pmt, d;
	zx_paddr_t a;

	pmt = pin(bti, R, vmo, 0, PAGE, &a);
	cr_assert_eq(zx_handle_duplicate(pmt, ZX_RIGHT_SAME_RIGHTS, &d),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_handle_replace(pmt, ZX_RIGHT_SAME_RIGHTS, &d), ZX_OK);
	assert_counts(bti, 1, 0);
	cr_assert_eq(zx_pmt_unpin(d), ZX_OK);
	assert_counts(bti, 0, 0);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* --- quarantine ------------------------------------------------------- */

/* Bti.GetInfoTest. */
Test(quarantine, close_without_unpin)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, ZX_VMO_RESIZABLE);
	zx_handle_t pmt;
	zx_paddr_t a;

	assert_counts(bti, 0, 0);
	pmt = pin(bti, R, vmo, 0, PAGE, &a);
	assert_counts(bti, 1, 0);
	cr_assert_eq(zx_handle_close(pmt), ZX_OK);
	assert_counts(bti, 1, 1);
	/* The pages stay pinned while quarantined. */
	cr_assert_eq(zx_vmo_set_size(vmo, 0), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_bti_release_quarantine(bti), ZX_OK);
	assert_counts(bti, 0, 0);
	cr_assert_eq(zx_vmo_set_size(vmo, 0), ZX_OK);
	/* Nothing to release is fine too. */
	cr_assert_eq(zx_bti_release_quarantine(bti), ZX_OK);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* Only the unpinned ones are quarantined, each counted. */
Test(quarantine, counts)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(4 * PAGE, 0), p[4];
	zx_paddr_t a;

	for (int i = 0; i < 4; i++)
		p[i] = pin(bti, R, vmo, i * PAGE, PAGE, &a);
	assert_counts(bti, 4, 0);
	zx_handle_close(p[0]);
	zx_handle_close(p[2]);
	assert_counts(bti, 4, 2);
	cr_assert_eq(zx_pmt_unpin(p[1]), ZX_OK);
	assert_counts(bti, 3, 2);
	cr_assert_eq(zx_bti_release_quarantine(bti), ZX_OK);
	assert_counts(bti, 1, 0);
	/* The live pin survives the release. */
	cr_assert_eq(zx_pmt_unpin(p[3]), ZX_OK);
	assert_counts(bti, 0, 0);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

Test(quarantine, release_statuses)
{
	zx_handle_t bti = bti_new(), ev = event_new(), no_write, vmo, pmt;
	zx_paddr_t a;

	no_write = dup_rights(bti, ZX_DEFAULT_BTI_RIGHTS & ~ZX_RIGHT_WRITE);
	cr_assert_eq(zx_bti_release_quarantine(ZX_HANDLE_INVALID),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_bti_release_quarantine(ev), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_bti_release_quarantine(no_write),
	    ZX_ERR_ACCESS_DENIED);
	/* Refused means nothing released. */
	vmo = vmo_new(PAGE, 0);
	pmt = pin(bti, R, vmo, 0, PAGE, &a);
	zx_handle_close(pmt);
	cr_assert_eq(zx_bti_release_quarantine(no_write),
	    ZX_ERR_ACCESS_DENIED);
	assert_counts(bti, 1, 1);
	/* WRITE is all it needs. */
	zx_handle_close(no_write);
	no_write = dup_rights(bti, ZX_RIGHT_WRITE);
	cr_assert_eq(zx_bti_release_quarantine(no_write), ZX_OK);
	assert_counts(bti, 0, 0);
	zx_handle_close(no_write);
	zx_handle_close(vmo);
	zx_handle_close(ev);
	zx_handle_close(bti);
}

/* A release right after the close still finds the PMT quarantined. */
Test(quarantine, release_right_after_close)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), pmt;
	zx_paddr_t a;

	for (int i = 0; i < 50; i++) {
		pmt = pin(bti, R, vmo, 0, PAGE, &a);
		zx_handle_close(pmt);
		cr_assert_eq(zx_bti_release_quarantine(bti), ZX_OK);
	}
	assert_counts(bti, 0, 0);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* The descriptors a call brought: open now and not in `before`. */
static int
new_fd(const bool *before, int n)
{
	for (int fd = 0; fd < n; fd++)
		if (!before[fd] && fcntl(fd, F_GETFD) >= 0)
			return fd;
	return -1;
}

/* A PMT's descriptor closed behind libzx's back (as a process's death
 * or exec closes it) is a close the daemon learns of by EOF, later; the
 * answers it changes (no pin while a quarantine exists, the device no
 * longer reaching it) take it first. Each pin is closed and asked about
 * at once, with no round trip between. */
Test(quarantine, raw_close_seen_at_once)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), pmt, p2;
	zx_paddr_t a, x;
	bool before[256];
	uint8_t b = 0;

	for (int i = 0; i < 20; i++) {
		for (int fd = 0; fd < 256; fd++)
			before[fd] = fcntl(fd, F_GETFD) >= 0;
		pmt = pin(bti, R, vmo, 0, PAGE, &a);
		(void)pmt;	/* libzx's entry goes stale: never used */
		close(new_fd(before, 256));
		if (i % 2 == 0) {
			cr_assert_eq(zx_bti_pin(bti, R, vmo, 0, PAGE, &x, 1,
			    &p2), ZX_ERR_BAD_STATE);
		} else {
			cr_assert_eq(zxd_sim_dma_read(bti, a, &b, 1),
			    ZX_ERR_NOT_FOUND);
		}
		assert_counts(bti, 1, 1);
		cr_assert_eq(zx_bti_release_quarantine(bti), ZX_OK);
	}
	assert_counts(bti, 0, 0);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* --- what a pin does to its VMO --------------------------------------- */

/* Bti.Resize, and shrinking around the pinned pages. */
Test(pinned_vmo, set_size)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(4 * PAGE, ZX_VMO_RESIZABLE);
	zx_handle_t pmt;
	zx_paddr_t a;

	pmt = pin(bti, R, vmo, PAGE, PAGE, &a);
	cr_assert_eq(zx_vmo_set_size(vmo, 0), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmo_set_size(vmo, PAGE), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmo_set_size(vmo, PAGE + 1), ZX_OK);
	cr_assert_eq(zx_vmo_set_size(vmo, 2 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_set_size(vmo, 8 * PAGE), ZX_OK);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zx_vmo_set_size(vmo, 0), ZX_OK);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

Test(pinned_vmo, decommit)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(4 * PAGE, 0), pmt;
	zx_paddr_t a;

	pmt = pin(bti, R, vmo, PAGE, PAGE, &a);
	cr_assert_eq(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, 4 * PAGE,
	    NULL, 0), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 2 * PAGE,
	    2 * PAGE, NULL, 0), ZX_OK);
	/* Pinning committed the page. */
	cr_assert_geq(vmo_info(vmo).committed_bytes, PAGE);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, 4 * PAGE,
	    NULL, 0), ZX_OK);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* A pin commits its pages every time: pinning a buffer again after
 * its pages were handed back (decommit, zero, a smaller size) commits
 * them again, though the daemon remembers what it found committed. */
Test(pinned_vmo, commits_again)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(4 * PAGE,
	    ZX_VMO_RESIZABLE), pmt;
	zx_paddr_t a[4];

	for (int how = 0; how < 3; how++) {
		pmt = pin(bti, R, vmo, 0, 4 * PAGE, a);
		cr_assert_eq(vmo_info(vmo).committed_bytes, 4 * PAGE);
		cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
		/* Again at once: nothing to commit. */
		pmt = pin(bti, R, vmo, 0, 4 * PAGE, a);
		cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
		cr_assert_eq(vmo_info(vmo).committed_bytes, 4 * PAGE);
		if (how == 0)
			cr_assert_eq(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT,
			    0, 4 * PAGE, NULL, 0), ZX_OK);
		else if (how == 1)
			cr_assert_eq(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO,
			    0, 4 * PAGE, NULL, 0), ZX_OK);
		else
			cr_assert_eq(zx_vmo_set_size(vmo, 0), ZX_OK);
		cr_assert_eq(vmo_info(vmo).committed_bytes, 0, "how %d",
		    how);
		if (how == 2)
			cr_assert_eq(zx_vmo_set_size(vmo, 4 * PAGE), ZX_OK);
	}
	pmt = pin(bti, R, vmo, 0, 4 * PAGE, a);
	cr_assert_eq(vmo_info(vmo).committed_bytes, 4 * PAGE);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

Test(pinned_vmo, cache_policy_frozen)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), pmt;
	zx_paddr_t a;

	pmt = pin(bti, R, vmo, 0, PAGE, &a);
	cr_assert_eq(zx_vmo_set_cache_policy(vmo, ZX_CACHE_POLICY_UNCACHED),
	    ZX_ERR_BAD_STATE);
	cr_assert_eq(vmo_info(vmo).cache_policy, ZX_CACHE_POLICY_CACHED);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zx_vmo_set_cache_policy(vmo,
	    ZX_CACHE_POLICY_WRITE_COMBINING), ZX_OK);
	/* Pinning an uncached VMO works, and freezes it the same way. */
	pmt = pin(bti, R, vmo, 0, PAGE, &a);
	cr_assert_eq(zx_vmo_set_cache_policy(vmo, ZX_CACHE_POLICY_CACHED),
	    ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* Bti.Clone: a pinned clone keeps its parent's ZERO_CHILDREN clear even
 * after the clone's handle is closed, until the unpin. */
Test(pinned_vmo, clone_keeps_parent)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, ZX_VMO_RESIZABLE);
	zx_handle_t clone, pmt;
	zx_paddr_t a;

	cr_assert_eq(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE,
	    &clone), ZX_OK);
	pmt = pin(bti, R, clone, 0, PAGE, &a);
	zx_handle_close(clone);
	/* get_info settles the close; the clone lives on in the pin. */
	assert_counts(bti, 1, 0);
	usleep(20000);
	cr_assert_eq(zx_object_wait_one(vmo, ZX_VMO_ZERO_CHILDREN,
	    ZX_TIME_INFINITE_PAST, NULL), ZX_ERR_TIMED_OUT);
	cr_assert_eq(vmo_info(vmo).num_children, 1);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert(wait_signaled(vmo, ZX_VMO_ZERO_CHILDREN));
	cr_assert_eq(vmo_info(vmo).num_children, 0);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* A quarantined clone keeps its parent's child count too, until the
 * quarantine is released. */
Test(pinned_vmo, quarantined_clone)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), clone, pmt;
	zx_paddr_t a;

	cr_assert_eq(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE,
	    &clone), ZX_OK);
	pmt = pin(bti, R, clone, 0, PAGE, &a);
	zx_handle_close(clone);
	zx_handle_close(pmt);
	assert_counts(bti, 1, 1);
	cr_assert_eq(vmo_info(vmo).num_children, 1);
	cr_assert_eq(zx_bti_release_quarantine(bti), ZX_OK);
	cr_assert(wait_signaled(vmo, ZX_VMO_ZERO_CHILDREN));
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/* A pinned VMO whose handle is gone stays alive and pinned. */
Test(pinned_vmo, outlives_handle)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), pmt;
	zx_paddr_t a;
	uint8_t byte = 0x5A, got = 0;

	cr_assert_eq(zx_vmo_write(vmo, &byte, 7, 1), ZX_OK);
	pmt = pin(bti, R, vmo, 0, PAGE, &a);
	zx_handle_close(vmo);
	assert_counts(bti, 1, 0);
	cr_assert_eq(zxd_sim_dma_read(bti, a + 7, &got, 1), ZX_OK);
	cr_assert_eq(got, 0x5A);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(zxd_sim_dma_read(bti, a + 7, &got, 1), ZX_ERR_NOT_FOUND);
	zx_handle_close(bti);
}

/* --- lifetimes, on a daemon of our own --------------------------------- */

static struct zxdtest_daemon d;

static void
own_daemon(void)
{
	cr_assert_eq(zxdtest_start(&d, NULL), 0);
}

static void
stop_daemon(void)
{
	cr_assert_eq(zxdtest_stop(&d), 0);
}

static struct zxdtest_stats
stats(void)
{
	struct zxdtest_stats s;

	cr_assert_eq(zxdtest_stats(d.socket, &s), 0);
	return s;
}

/* Objects go once their last holder does: after the handles close the
 * daemon's counts come back. */
static void
wait_objects(uint64_t want)
{
	struct zxdtest_stats s;

	for (int i = 0; i < 500; i++) {
		s = stats();
		if (s.objects == want)
			return;
		usleep(10000);
	}
	cr_assert_eq(s.objects, want, "objects %lu, want %lu",
	    (unsigned long)s.objects, (unsigned long)want);
}

Test(lifetime, nothing_left, .init = own_daemon, .fini = stop_daemon)
{
	zx_handle_t root = root_resource(), bti, vmo, c, pmt[3];
	uint64_t base = stats().objects;
	zx_paddr_t a;

	bti = bti_new();
	vmo = vmo_new(2 * PAGE, 0);
	c = contig_new(bti, 2 * PAGE);
	pmt[0] = pin(bti, R, vmo, 0, PAGE, &a);
	pmt[1] = pin(bti, R, c, 0, PAGE, &a);
	pmt[2] = pin(bti, R, vmo, PAGE, PAGE, &a);
	/* One unpinned, one quarantined, one live when the BTI goes. */
	cr_assert_eq(zx_pmt_unpin(pmt[0]), ZX_OK);
	zx_handle_close(pmt[1]);
	zx_handle_close(vmo);
	zx_handle_close(c);
	zx_handle_close(bti);
	/* The live pin still works without the BTI handle... */
	cr_assert_eq(zx_pmt_unpin(pmt[2]), ZX_OK);
	/* ...and everything is gone: IOMMU, BTI, PMTs, VMOs. */
	wait_objects(base);
	zx_handle_close(root);
}

/* Zircon leaks the quarantine of a BTI whose last handle goes; zxd frees
 * it, and a PMT closed after that is freed, not quarantined. */
Test(lifetime, bti_closed_with_quarantine, .init = own_daemon,
    .fini = stop_daemon)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(4 * PAGE, 0), p1, p2;
	uint64_t base;
	zx_paddr_t a;

	base = stats().objects - 3;	/* the IOMMU, the BTI, the VMO */
	p1 = pin(bti, R, vmo, 0, PAGE, &a);
	p2 = pin(bti, R, vmo, PAGE, PAGE, &a);
	zx_handle_close(p1);
	assert_counts(bti, 2, 1);
	zx_handle_close(bti);
	wait_objects(base + 4);		/* IOMMU, BTI, VMO, p2 */
	zx_handle_close(p2);
	wait_objects(base + 1);		/* the VMO */
	zx_handle_close(vmo);
	wait_objects(base);
}
