/*
 * zx_vmo_create_physical against a real zxd (sim backend, the default
 * map), as root: every status in Zircon's order of checks, zxd's own for
 * addresses it cannot serve, what the new VMO is, what it refuses, and
 * that physical memory is shared by address.
 *
 * Runs under tests/with-zxd.sh. Criterion runs two tests at once against
 * the shared daemon and physical memory is shared by address, so every
 * test works in a 64 KiB chunk of mmio0 of its own (CHUNK(n)).
 */
#include "config-build.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <zircon/syscalls/object.h>

#include "proto/wire.h"
#include "tests/integration/vmo_physical.h"

#define CHUNK(n)	(MMIO0 + UINT64_C(0x10000) * (n))
/* Zircon's largest VMO: 2^64 - 128 KiB with 4 KiB pages. */
#define VMO_MAX_SIZE_FOR_TEST	(UINT64_MAX & ~(UINT64_C(32) * PAGE - 1))

/* --- the resource argument --------------------------------------------- */

Test(phys_create, bad_handle)
{
	zx_handle_t root = root_resource(), dup, h;

	cr_assert_eq(zx_vmo_create_physical(ZX_HANDLE_INVALID, CHUNK(0), PAGE,
	    &h), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmo_create_physical(0x7ffffff3, CHUNK(0), PAGE, &h),
	    ZX_ERR_BAD_HANDLE);
	/* The handle check comes before any argument check. */
	cr_assert_eq(zx_vmo_create_physical(ZX_HANDLE_INVALID, 1, 0, NULL),
	    ZX_ERR_BAD_HANDLE);
	dup = dup_rights(root, ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_handle_close(dup), ZX_OK);
	cr_assert_eq(zx_vmo_create_physical(dup, CHUNK(0), PAGE, &h),
	    ZX_ERR_BAD_HANDLE);
	zx_handle_close(root);
}

Test(phys_create, wrong_type)
{
	zx_handle_t ev = event_new(), vmo = vmo_new(PAGE, 0), h;

	cr_assert_eq(zx_vmo_create_physical(ev, CHUNK(1), PAGE, &h),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmo_create_physical(vmo, CHUNK(1), PAGE, &h),
	    ZX_ERR_WRONG_TYPE);
	/* Before the range checks. */
	cr_assert_eq(zx_vmo_create_physical(ev, 0, PAGE, &h),
	    ZX_ERR_WRONG_TYPE);
	zx_handle_close(ev);
	zx_handle_close(vmo);
}

/* A resource of another kind than MMIO (or ROOT) is the wrong type. */
Test(phys_create, other_resource_kinds)
{
	zx_handle_t root = root_resource(), irq, ioport, sys, h;

	cr_assert_eq(zx_resource_create(root, ZX_RSRC_KIND_IRQ, 40, 1, "irq",
	    3, &irq), ZX_OK);
	cr_assert_eq(zx_resource_create(root, ZX_RSRC_KIND_IOPORT, 0x3f8, 8,
	    "io", 2, &ioport), ZX_OK);
	cr_assert_eq(zx_resource_create(root, ZX_RSRC_KIND_SYSTEM,
	    ZX_RSRC_SYSTEM_IOMMU_BASE, 1, "sys", 3, &sys), ZX_OK);
	cr_assert_eq(zx_vmo_create_physical(irq, CHUNK(2), PAGE, &h),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmo_create_physical(ioport, CHUNK(2), PAGE, &h),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmo_create_physical(sys, CHUNK(2), PAGE, &h),
	    ZX_ERR_WRONG_TYPE);
	/* Even where the number would fit the other kind's range. */
	cr_assert_eq(zx_vmo_create_physical(irq, 0, PAGE, &h),
	    ZX_ERR_WRONG_TYPE);
	zx_handle_close(irq);
	zx_handle_close(ioport);
	zx_handle_close(sys);
	zx_handle_close(root);
}

/* Zircon looks the resource up without asking for a right. */
Test(phys_create, resource_needs_no_rights)
{
	zx_handle_t root = root_resource(), bare, mmio, mbare, h;

	cr_assert_eq(zx_handle_duplicate(root, 0, &bare), ZX_OK);
	h = phys_new(bare, CHUNK(3), PAGE);
	zx_handle_close(h);
	mmio = mmio_resource(root, CHUNK(3), PAGE);
	cr_assert_eq(zx_handle_replace(mmio, 0, &mbare), ZX_OK);
	h = phys_new(mbare, CHUNK(3), PAGE);
	zx_handle_close(h);
	zx_handle_close(mbare);
	zx_handle_close(bare);
	zx_handle_close(root);
}

/* The root resource reaches anything but RAM. */
Test(phys_create, root_refused_ram)
{
	zx_handle_t root = root_resource(), h = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_vmo_create_physical(root, 0, PAGE, &h),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_create_physical(root, RAM_END - PAGE, PAGE, &h),
	    ZX_ERR_ACCESS_DENIED);
	/* One byte of RAM is enough. */
	cr_assert_eq(zx_vmo_create_physical(root, RAM_END - PAGE, 2 * PAGE,
	    &h), ZX_ERR_ACCESS_DENIED);
	/* Before the size and address checks: unaligned, or empty. */
	cr_assert_eq(zx_vmo_create_physical(root, 0x1001, PAGE, &h),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_create_physical(root, 0x1000, UINT64_MAX - 0x2000,
	    &h), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(h, ZX_HANDLE_INVALID);
	/* The first page past RAM is no RAM (and a hole: see below). */
	cr_assert_neq(zx_vmo_create_physical(root, RAM_END, PAGE, &h),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(root);
}

/* An MMIO resource: only inside its range, widened to whole pages. */
Test(phys_create, mmio_resource_range)
{
	zx_handle_t root = root_resource(), r, half, h;
	uint64_t b = CHUNK(4);

	r = mmio_resource(root, b, 4 * PAGE);
	h = phys_new(r, b, 4 * PAGE);
	zx_handle_close(h);
	h = phys_new(r, b + PAGE, 2 * PAGE);
	zx_handle_close(h);
	cr_assert_eq(zx_vmo_create_physical(r, b - PAGE, PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(r, b + 4 * PAGE, PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(r, b + 3 * PAGE, 2 * PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(r, b - PAGE, 6 * PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	/* RAM is simply outside an MMIO resource. */
	cr_assert_eq(zx_vmo_create_physical(r, 0, PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	/* A size whose end wraps, and an empty range, are outside too:
	 * the resource check comes first. */
	cr_assert_eq(zx_vmo_create_physical(r, b, UINT64_MAX, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(r, b, 0, &h),
	    ZX_ERR_OUT_OF_RANGE);

	/* [b + 0x7800, +0x2000) covers the pages [b + 0x7000, b + 0xA000). */
	cr_assert_eq(zx_resource_create(root, ZX_RSRC_KIND_MMIO, b + 0x7800,
	    0x2000, "half", 4, &half), ZX_OK);
	h = phys_new(half, b + 0x7000, 0x3000);
	zx_handle_close(h);
	cr_assert_eq(zx_vmo_create_physical(half, b + 0x6000, PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(half, b + 0xA000, PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	/* An unaligned address inside passes the resource, then fails. */
	cr_assert_eq(zx_vmo_create_physical(half, b + 0x7800, PAGE, &h),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(half);
	zx_handle_close(r);
	zx_handle_close(root);
}

/* RoundSize, then VmObjectPhysical::Create's checks. */
Test(phys_create, size_and_address)
{
	zx_handle_t root = root_resource(), h = ZX_HANDLE_INVALID;
	uint64_t top = UINT64_MAX & ~(PAGE - 1);

	cr_assert_eq(zx_vmo_create_physical(root, CHUNK(5), UINT64_MAX, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(root, CHUNK(5),
	    VMO_MAX_SIZE_FOR_TEST + 1, &h), ZX_ERR_OUT_OF_RANGE);
	/* Rounding comes before the address check. */
	cr_assert_eq(zx_vmo_create_physical(root, CHUNK(5) + 1, UINT64_MAX,
	    &h), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(root, CHUNK(5) + 1, PAGE, &h),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_physical(root, CHUNK(5) + PAGE / 2, PAGE,
	    &h), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_physical(root, CHUNK(5), 0, &h),
	    ZX_ERR_INVALID_ARGS);
	/* paddr + size - 1 past 2^64. */
	cr_assert_eq(zx_vmo_create_physical(root, top, 2 * PAGE, &h),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_physical(root, top, PAGE + 1, &h),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(h, ZX_HANDLE_INVALID);
	zx_handle_close(root);
}

/* Outside RAM, the sim backend serves MMIO wherever a resource grants
 * it (Zircon's tests create MMIO resources at addresses of their
 * choosing): a window of its own, backed on demand. A range that runs
 * into a configured region without fitting inside it is still out of
 * range: one VMO is one region's bytes. */
Test(phys_create, outside_the_map)
{
	zx_handle_t root = root_resource(), r, h = ZX_HANDLE_INVALID;
	uint64_t top = UINT64_MAX & ~(PAGE - 1);

	h = phys_new(root, RAM_END, PAGE);
	zx_handle_close(h);
	h = phys_new(root, top, PAGE);
	zx_handle_close(h);
	h = ZX_HANDLE_INVALID;
	cr_assert_eq(zx_vmo_create_physical(root, MMIO0 - PAGE, 2 * PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(root, MMIO0 + MMIO0_SIZE - PAGE,
	    2 * PAGE, &h), ZX_ERR_OUT_OF_RANGE);
	/* The whole window is fine. */
	h = phys_new(root, MMIO0, MMIO0_SIZE);
	zx_handle_close(h);
	/* A resource may straddle a region's end; a VMO still cannot. */
	r = mmio_resource(root, MMIO0 + MMIO0_SIZE - PAGE, 2 * PAGE);
	h = phys_new(r, MMIO0 + MMIO0_SIZE - PAGE, PAGE);
	zx_handle_close(h);
	h = ZX_HANDLE_INVALID;
	cr_assert_eq(zx_vmo_create_physical(r, MMIO0 + MMIO0_SIZE - PAGE,
	    2 * PAGE, &h), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(h, ZX_HANDLE_INVALID);
	zx_handle_close(r);
	zx_handle_close(root);
}

/* Zircon's core tests: an MMIO resource at 4 GiB, physical VMOs inside
 * it; two VMOs over the same addresses see the same bytes, as on real
 * hardware. RAM stays refused. */
Test(phys_create, resource_window_on_demand)
{
	const uint64_t base = 0x100000000ULL;
	zx_handle_t root = root_resource(), r, a, b, c = ZX_HANDLE_INVALID;
	volatile uint8_t *pa, *pb;
	char buf[6] = { 0 };

	r = mmio_resource(root, base, 256 * PAGE);
	a = phys_new(r, base, 2 * PAGE);
	b = phys_new(r, base + PAGE, PAGE);
	pa = map_vmo(a, 0, 2 * PAGE, true);
	pb = map_vmo(b, 0, PAGE, false);
	memcpy((void *)(pa + PAGE + 7), "hello", 5);
	memcpy(buf, (const void *)(pb + 7), 5);
	cr_assert_str_eq(buf, "hello");
	unmap(pa, 2 * PAGE);
	unmap(pb, PAGE);
	/* Past the resource: the resource says no first. */
	cr_assert_eq(zx_vmo_create_physical(r, base + 256 * PAGE, PAGE, &c),
	    ZX_ERR_OUT_OF_RANGE);
	/* RAM is still RAM. */
	cr_assert_eq(zx_vmo_create_physical(root, 0, PAGE, &c),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(c, ZX_HANDLE_INVALID);
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(r);
	zx_handle_close(root);
}

/* A NULL out pointer: the VMO is made and lost, as in Zircon. */
Test(phys_create, null_out)
{
	zx_handle_t root = root_resource();

	cr_assert_eq(zx_vmo_create_physical(root, CHUNK(6), PAGE, NULL),
	    ZX_ERR_INVALID_ARGS);
	/* The other statuses still come first. */
	cr_assert_eq(zx_vmo_create_physical(root, 0, PAGE, NULL),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_create_physical(root, CHUNK(6), 0, NULL),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(root);
}

/* --- the new VMO -------------------------------------------------------- */

Test(phys_vmo, what_it_is)
{
	zx_handle_t root = root_resource(), h;
	zx_info_handle_basic_t b;
	zx_info_vmo_t info;
	uint64_t size = 0;

	/* An unaligned size is accepted and rounded (the doc says
	 * otherwise; the kernel rounds). */
	h = phys_new(root, CHUNK(7), PAGE + 1);
	b = basic_of(h);
	cr_assert_eq(b.type, ZX_OBJ_TYPE_VMO);
	cr_assert_eq(b.rights, PHYS_RIGHTS, "%#x", b.rights);
	cr_assert_eq(b.related_koid, 0);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 2 * PAGE);
	/* The content size is the rounded size too. */
	cr_assert_eq(content_size_of(h), 2 * PAGE);
	cr_assert_eq(zx_vmo_get_stream_size(h, &size), ZX_OK);
	cr_assert_eq(size, 2 * PAGE);
	info = vmo_info(h);
	cr_assert_eq(info.koid, b.koid);
	cr_assert_eq(info.flags, PHYS_FLAGS, "%#x", info.flags);
	cr_assert_eq(ZX_INFO_VMO_TYPE(info.flags), ZX_INFO_VMO_TYPE_PHYSICAL);
	cr_assert_eq(info.cache_policy, ZX_CACHE_POLICY_UNCACHED);
	cr_assert_eq(info.size_bytes, 2 * PAGE);
	cr_assert_eq(info.parent_koid, 0);
	cr_assert_eq(info.num_children, 0);
	cr_assert_eq(info.num_mappings, 0);
	cr_assert_eq(info.handle_rights, PHYS_RIGHTS);
	/* Device memory is nobody's committed memory. */
	cr_assert_eq(info.committed_bytes, 0);
	cr_assert(signaled(h, ZX_VMO_ZERO_CHILDREN));
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(phys_vmo, no_read_write_resize)
{
	zx_handle_t root = root_resource(), h;
	char buf[8] = { 0 };
	uint64_t size = 0;

	h = phys_new(root, CHUNK(8), 2 * PAGE);
	cr_assert_eq(zx_vmo_read(h, buf, 0, sizeof(buf)),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_write(h, buf, 0, sizeof(buf)),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_read(h, buf, 0, 0), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_write(h, buf, UINT64_MAX, 8),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_set_size(h, PAGE), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_set_size(h, 4 * PAGE), ZX_ERR_NOT_SUPPORTED);
	/* Rounding the new size comes first. */
	cr_assert_eq(zx_vmo_set_size(h, UINT64_MAX), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 2 * PAGE);
	/* Stream size: no change is fine, past the end is out of range,
	 * and anything else would zero device memory: not supported. */
	cr_assert_eq(zx_vmo_set_stream_size(h, 2 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_set_stream_size(h, 2 * PAGE + 1),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_set_stream_size(h, PAGE), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(content_size_of(h), 2 * PAGE);
	zx_handle_close(h);
	zx_handle_close(root);
}

/* Setting the content size is OK whatever the value, and never zeroes
 * the device's memory. */
Test(phys_vmo, content_size_property)
{
	zx_handle_t root = root_resource(), h;
	volatile uint8_t *p;
	uint64_t cs;

	h = phys_new(root, CHUNK(9), 2 * PAGE);
	p = map_vmo(h, 0, 2 * PAGE, true);
	p[PAGE + 7] = 0x5a;
	cs = 3;
	cr_assert_eq(zx_object_set_property(h, ZX_PROP_VMO_CONTENT_SIZE, &cs,
	    sizeof(cs)), ZX_OK);
	cr_assert_eq(content_size_of(h), 3);
	cr_assert_eq(p[PAGE + 7], 0x5a);
	cs = 100 * PAGE;
	cr_assert_eq(zx_object_set_property(h, ZX_PROP_VMO_CONTENT_SIZE, &cs,
	    sizeof(cs)), ZX_OK);
	cr_assert_eq(content_size_of(h), 100 * PAGE);
	unmap(p, 2 * PAGE);
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(phys_vmo, children_only_slices)
{
	zx_handle_t root = root_resource(), h, c = ZX_HANDLE_INVALID;
	static const uint32_t clones[] = {
		ZX_VMO_CHILD_SNAPSHOT,
		ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE,
		ZX_VMO_CHILD_SNAPSHOT_MODIFIED,
		ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_RESIZABLE,
		ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE |
		    ZX_VMO_CHILD_NO_WRITE,
		ZX_VMO_CHILD_REFERENCE,
		ZX_VMO_CHILD_REFERENCE | ZX_VMO_CHILD_RESIZABLE,
	};

	h = phys_new(root, CHUNK(10), 4 * PAGE);
	for (size_t i = 0; i < sizeof(clones) / sizeof(clones[0]); i++)
		cr_assert_eq(zx_vmo_create_child(h, clones[i], 0, PAGE, &c),
		    ZX_ERR_NOT_SUPPORTED, "options %#x", clones[i]);
	/* Bad option sets are refused before the physical check. */
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE |
	    ZX_VMO_CHILD_SNAPSHOT, 0, PAGE, &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(h, 0, 0, PAGE, &c),
	    ZX_ERR_INVALID_ARGS);
	/* A slice: page-aligned offset, inside. */
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 1, PAGE, &c),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, PAGE / 2,
	    PAGE, &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 3 * PAGE,
	    2 * PAGE, &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 5 * PAGE,
	    PAGE, &c), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, UINT64_MAX &
	    ~(PAGE - 1), 2 * PAGE, &c), ZX_ERR_INVALID_ARGS);
	/* The size is rounded before anything: overflow is out of range,
	 * an unaligned size inside is fine. */
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 0, UINT64_MAX,
	    &c), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(c, ZX_HANDLE_INVALID);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 2 * PAGE,
	    PAGE + 1, &c), ZX_OK);
	zx_handle_close(c);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 4 * PAGE, 0,
	    &c), ZX_OK);
	zx_handle_close(c);
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(phys_vmo, slice)
{
	zx_handle_t root = root_resource(), h, s;
	volatile uint8_t *p, *q;
	zx_info_vmo_t pi, si;

	h = phys_new(root, CHUNK(11), 4 * PAGE);
	cr_assert_eq(zx_vmo_set_cache_policy(h,
	    ZX_CACHE_POLICY_WRITE_COMBINING), ZX_OK);
	cr_assert(signaled(h, ZX_VMO_ZERO_CHILDREN));
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, PAGE,
	    2 * PAGE, &s), ZX_OK);
	cr_assert_not(signaled(h, ZX_VMO_ZERO_CHILDREN));
	cr_assert(signaled(s, ZX_VMO_ZERO_CHILDREN));
	pi = vmo_info(h);
	si = vmo_info(s);
	cr_assert_eq(pi.num_children, 1);
	cr_assert_eq(si.parent_koid, pi.koid);
	cr_assert_eq(si.flags, PHYS_FLAGS, "%#x", si.flags);
	cr_assert_eq(si.size_bytes, 2 * PAGE);
	/* It inherits the cache policy, and the rights are the parent's
	 * (plus the property rights it already has). */
	cr_assert_eq(si.cache_policy, ZX_CACHE_POLICY_WRITE_COMBINING);
	cr_assert_eq(rights_of(s), PHYS_RIGHTS);
	cr_assert_eq(content_size_of(s), 2 * PAGE);
	/* The same memory: the slice's offset 0 is the parent's PAGE. */
	p = map_vmo(h, 0, 4 * PAGE, true);
	q = map_vmo(s, 0, 2 * PAGE, true);
	p[PAGE + 3] = 0x11;
	cr_assert_eq(q[3], 0x11);
	q[PAGE + 5] = 0x22;
	cr_assert_eq(p[2 * PAGE + 5], 0x22);
	/* A slice of the slice. */
	{
		zx_handle_t ss;
		volatile uint8_t *r;

		cr_assert_eq(zx_vmo_create_child(s, ZX_VMO_CHILD_SLICE, PAGE,
		    PAGE, &ss), ZX_OK);
		cr_assert_eq(vmo_info(ss).parent_koid, si.koid);
		r = map_vmo(ss, 0, PAGE, false);
		cr_assert_eq(r[5], 0x22);
		unmap(r, PAGE);
		zx_handle_close(ss);
	}
	unmap(q, 2 * PAGE);
	unmap(p, 4 * PAGE);
	zx_handle_close(s);
	cr_assert(wait_signaled(h, ZX_VMO_ZERO_CHILDREN));
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(phys_vmo, cache_policy)
{
	zx_handle_t root = root_resource(), h, s, ro;
	volatile uint8_t *p;

	h = phys_new(root, CHUNK(12), 2 * PAGE);
	cr_assert_eq(zx_vmo_set_cache_policy(h, 4), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_CACHED),
	    ZX_OK);
	cr_assert_eq(vmo_info(h).cache_policy, ZX_CACHE_POLICY_CACHED);
	cr_assert_eq(zx_vmo_set_cache_policy(h,
	    ZX_CACHE_POLICY_UNCACHED_DEVICE), ZX_OK);
	/* Mapped: no change, but the same policy again is fine. */
	p = map_vmo(h, 0, PAGE, true);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_UNCACHED),
	    ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmo_set_cache_policy(h,
	    ZX_CACHE_POLICY_UNCACHED_DEVICE), ZX_OK);
	unmap(p, PAGE);
	/* With a child, and the child itself (it has a parent). */
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 0, PAGE, &s),
	    ZX_OK);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_UNCACHED),
	    ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmo_set_cache_policy(s, ZX_CACHE_POLICY_UNCACHED),
	    ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmo_set_cache_policy(s,
	    ZX_CACHE_POLICY_UNCACHED_DEVICE), ZX_OK);
	zx_handle_close(s);
	/* Children gone (zxd learns of the close by EOF). */
	cr_assert(wait_signaled(h, ZX_VMO_ZERO_CHILDREN));
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_UNCACHED),
	    ZX_OK);
	/* It needs MAP. */
	ro = dup_rights(h, PHYS_RIGHTS & ~ZX_RIGHT_MAP);
	cr_assert_eq(zx_vmo_set_cache_policy(ro, ZX_CACHE_POLICY_CACHED),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(ro);
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(phys_vmo, op_range)
{
	/* (CACHE_INVALIDATE is a debugging op in Zircon; left out.) */
	static const uint32_t cache_ops[] = {
		ZX_VMO_OP_CACHE_SYNC, ZX_VMO_OP_CACHE_CLEAN,
		ZX_VMO_OP_CACHE_CLEAN_INVALIDATE,
	};
	zx_handle_t root = root_resource(), h, nr, nw;
	uint64_t size = 2 * PAGE;

	h = phys_new(root, CHUNK(13), size);
	for (size_t i = 0; i < sizeof(cache_ops) / sizeof(cache_ops[0]); i++) {
		uint32_t op = cache_ops[i];

		cr_assert_eq(zx_vmo_op_range(h, op, 0, size, NULL, 0), ZX_OK);
		cr_assert_eq(zx_vmo_op_range(h, op, 5, 17, NULL, 0), ZX_OK);
		cr_assert_eq(zx_vmo_op_range(h, op, 0, 0, NULL, 0),
		    ZX_ERR_INVALID_ARGS, "op %u", op);
		cr_assert_eq(zx_vmo_op_range(h, op, size, 0, NULL, 0),
		    ZX_ERR_INVALID_ARGS);
		cr_assert_eq(zx_vmo_op_range(h, op, 1, size, NULL, 0),
		    ZX_ERR_OUT_OF_RANGE);
		cr_assert_eq(zx_vmo_op_range(h, op, UINT64_MAX, 2, NULL, 0),
		    ZX_ERR_OUT_OF_RANGE);
	}
	/* PREFETCH: the range as given, an empty one is fine. */
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_PREFETCH, 0, size, NULL, 0),
	    ZX_OK);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_PREFETCH, 3, 9, NULL, 0),
	    ZX_OK);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_PREFETCH, size, 0, NULL, 0),
	    ZX_OK);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_PREFETCH, size + 1, 0,
	    NULL, 0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_PREFETCH, PAGE, size, NULL,
	    0), ZX_ERR_OUT_OF_RANGE);
	/* What device memory cannot do. */
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_COMMIT, 0, size, NULL, 0),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_DECOMMIT, 0, size, NULL, 0),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_ZERO, 0, size, NULL, 0),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_op_range(h, ZX_VMO_OP_TRY_LOCK, 0, size, NULL, 0),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_vmo_op_range(h, 5, 0, size, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	/* Rights: the type check, then the op's right. */
	nr = dup_rights(h, PHYS_RIGHTS & ~ZX_RIGHT_READ);
	nw = dup_rights(h, PHYS_RIGHTS & ~ZX_RIGHT_WRITE);
	cr_assert_eq(zx_vmo_op_range(nr, ZX_VMO_OP_CACHE_SYNC, 0, size, NULL,
	    0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_op_range(nr, ZX_VMO_OP_PREFETCH, 0, size, NULL,
	    0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_op_range(nw, ZX_VMO_OP_COMMIT, 0, size, NULL, 0),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_op_range(nw, ZX_VMO_OP_CACHE_SYNC, 0, size, NULL,
	    0), ZX_OK);
	zx_handle_close(nr);
	zx_handle_close(nw);
	zx_handle_close(h);
	zx_handle_close(root);
}

/* --- mapping: the bytes are the address's -------------------------------- */

Test(phys_map, rights_and_perms)
{
	zx_handle_t root = root_resource(), h, nomap, ro;
	zx_vaddr_t addr;

	h = phys_new(root, CHUNK(14), PAGE);
	/* No EXECUTE right. */
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_EXECUTE, 0, h, 0, PAGE, &addr), ZX_ERR_ACCESS_DENIED);
	nomap = dup_rights(h, PHYS_RIGHTS & ~ZX_RIGHT_MAP);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0,
	    nomap, 0, PAGE, &addr), ZX_ERR_ACCESS_DENIED);
	ro = dup_rights(h, PHYS_RIGHTS & ~ZX_RIGHT_WRITE);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, 0, ro, 0, PAGE, &addr), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, ro,
	    0, PAGE, &addr), ZX_OK);
	/* A read-only mapping is read-only for real. */
	cr_assert(probe((volatile uint8_t *)addr, false));
	cr_assert_not(probe((volatile uint8_t *)addr, true));
	unmap((volatile uint8_t *)addr, PAGE);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, h,
	    1, PAGE, &addr), ZX_ERR_INVALID_ARGS);
	zx_handle_close(ro);
	zx_handle_close(nomap);
	zx_handle_close(h);
	zx_handle_close(root);
}

/* Two physical VMOs over the same addresses see the same bytes, however
 * they overlap, as on real hardware. */
Test(phys_map, same_address_same_bytes)
{
	zx_handle_t root = root_resource(), a, b, r, c;
	volatile uint8_t *pa, *pb, *pc;
	uint64_t base = CHUNK(15);

	a = phys_new(root, base, 4 * PAGE);
	b = phys_new(root, base + 2 * PAGE, 2 * PAGE);
	r = mmio_resource(root, base + 3 * PAGE, PAGE);
	c = phys_new(r, base + 3 * PAGE, PAGE);
	cr_assert_neq(vmo_info(a).koid, vmo_info(b).koid);
	pa = map_vmo(a, 0, 4 * PAGE, true);
	pb = map_vmo(b, 0, 2 * PAGE, true);
	pc = map_vmo(c, 0, PAGE, true);
	cr_assert_neq(pa, pb);
	for (uint64_t i = 0; i < 4 * PAGE; i += 512)
		pa[i] = (uint8_t)(i / 512 + 1);
	for (uint64_t i = 0; i < 2 * PAGE; i += 512)
		cr_assert_eq(pb[i], pa[2 * PAGE + i]);
	pc[100] = 0xc3;
	cr_assert_eq(pa[3 * PAGE + 100], 0xc3);
	cr_assert_eq(pb[PAGE + 100], 0xc3);
	/* A page that none of them covers is not touched. */
	unmap(pa, 4 * PAGE);
	unmap(pb, 2 * PAGE);
	unmap(pc, PAGE);
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(c);
	zx_handle_close(r);
	zx_handle_close(root);
}

/* Physical memory outlives the VMOs over it. */
Test(phys_map, bytes_outlive_the_vmo)
{
	zx_handle_t root = root_resource(), h;
	volatile uint8_t *p;

	h = phys_new(root, CHUNK(16), PAGE);
	p = map_vmo(h, 0, PAGE, true);
	memcpy((void *)p, "device registers", 17);
	unmap(p, PAGE);
	zx_handle_close(h);
	h = phys_new(root, CHUNK(16), PAGE);
	p = map_vmo(h, 0, PAGE, false);
	cr_assert_arr_eq((const void *)p, "device registers", 17);
	unmap(p, PAGE);
	zx_handle_close(h);
	zx_handle_close(root);
}

/* A mapping counts in ZX_INFO_VMO and blocks cache policy changes;
 * unmapping it (libzx tells the daemon) gives them back. */
Test(phys_map, mappings_counted)
{
	zx_handle_t root = root_resource(), h;
	volatile uint8_t *p;

	h = phys_new(root, CHUNK(17), 2 * PAGE);
	p = map_vmo(h, 0, 2 * PAGE, true);
	cr_assert_eq(vmo_info(h).num_mappings, 1);
	unmap(p, 2 * PAGE);
	cr_assert_eq(vmo_info(h).num_mappings, 0);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_CACHED),
	    ZX_OK);
	zx_handle_close(h);
	zx_handle_close(root);
}

/* --- zxctl phys: the operator sees each VMO where it is -------------- */

/* A raw ListPhys request as zxctl makes it; returns the reply (free it
 * with zxd__reply__free_unpacked) or NULL. */
static Zxd__Reply *
list_phys(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Hello hello = ZXD__HELLO__INIT;
	Zxd__ListPhys lp = ZXD__LIST_PHYS__INIT;
	struct wire_msg m = { 0 };
	Zxd__Reply *rep = NULL;
	const char *path = getenv("ZXD_SOCKET");
	int fd;

	cr_assert_not_null(path);
	m.buf = malloc(WIRE_MAX_MSG);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	hello.version = ZXD_PROTOCOL_VERSION;
	req.body_case = ZXD__REQUEST__BODY_HELLO;
	req.hello = &hello;
	req.txid = 1;
	cr_assert_geq(wire_send(fd, &req.base, NULL, 0), 0);
	cr_assert_gt(wire_recv(fd, &m), 0);
	wire_msg_clear(&m);
	req.body_case = ZXD__REQUEST__BODY_LIST_PHYS;
	req.list_phys = &lp;
	req.txid = 2;
	cr_assert_geq(wire_send(fd, &req.base, NULL, 0), 0);
	cr_assert_gt(wire_recv(fd, &m), 0);
	rep = zxd__reply__unpack(NULL, m.len, m.buf);
	wire_msg_clear(&m);
	close(fd);
	free(m.buf);
	return rep;
}

static const Zxd__PhysVmoView *
find_vmo(const Zxd__Reply *rep, zx_koid_t koid)
{
	for (size_t i = 0; i < rep->phys->n_vmos; i++)
		if (rep->phys->vmos[i]->koid == koid)
			return rep->phys->vmos[i];
	return NULL;
}

Test(phys_zxctl, lists_address_region_size)
{
	zx_handle_t root = root_resource(), h, s, paged;
	const Zxd__PhysVmoView *v;
	zx_koid_t hk, sk, pk;
	Zxd__Reply *rep;

	h = phys_new(root, CHUNK(18), 3 * PAGE);
	cr_assert_eq(zx_object_set_property(h, ZX_PROP_NAME, "uart-regs", 9),
	    ZX_OK);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, PAGE, PAGE,
	    &s), ZX_OK);
	paged = vmo_new(PAGE, 0);
	hk = vmo_info(h).koid;
	sk = vmo_info(s).koid;
	pk = vmo_info(paged).koid;
	rep = list_phys();
	cr_assert_not_null(rep);
	cr_assert_eq(rep->status, ZX_OK);
	cr_assert_eq(rep->body_case, ZXD__REPLY__BODY_PHYS);
	v = find_vmo(rep, hk);
	cr_assert_not_null(v);
	cr_assert_eq(v->paddr, CHUNK(18), "%#" PRIx64, v->paddr);
	cr_assert_eq(v->size, 3 * PAGE);
	cr_assert_str_eq(v->region, "mmio0");
	cr_assert_str_eq(v->name, "uart-regs");
	v = find_vmo(rep, sk);
	cr_assert_not_null(v);
	cr_assert_eq(v->paddr, CHUNK(18) + PAGE);
	cr_assert_eq(v->size, PAGE);
	cr_assert_null(find_vmo(rep, pk));
	zxd__reply__free_unpacked(rep, NULL);
	zx_handle_close(s);
	zx_handle_close(paged);
	zx_handle_close(h);
	zx_handle_close(root);
}
