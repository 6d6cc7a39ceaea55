/*
 * Resources against a real zxd: zx_resource_create in Zircon's order of
 * checks, ZX_INFO_RESOURCE, accounting, RAM from the configuration (the
 * root resource and its policy: root_resource.c).
 *
 * Runs under tests/with-zxd.sh (default configuration: sim backend, RAM
 * at [0, 0x4000_0000), root resource for uid 0) as root. Tests that need
 * their own policy or map, or read the daemon's log, start their own
 * daemon. Criterion runs two tests at once against the shared daemon, and
 * exclusive reservations are daemon-wide, so every test uses MMIO ranges
 * of its own (mmio_base(N)).
 */
#include "config-build.h"

#include "tests/integration/resource_util.h"

/* --- zx_resource_create, check 1: the parent handle -------------------- */

Test(resource_create, bad_handle, .init = setup)
{
	zx_handle_t out;

	cr_assert_eq(create(ZX_HANDLE_INVALID, MMIO, mmio_base(1), page,
	    &out), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(create(0x7ffffff3, MMIO, mmio_base(1), page, &out),
	    ZX_ERR_BAD_HANDLE);
	/* Low bits other than 11 are never a handle. */
	cr_assert_eq(create(0x10, MMIO, mmio_base(1), page, &out),
	    ZX_ERR_BAD_HANDLE);
}

Test(resource_create, wrong_type_before_rights, .init = setup)
{
	zx_handle_t ev, ev0, out;

	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(create(ev, MMIO, mmio_base(1), page, &out),
	    ZX_ERR_WRONG_TYPE);
	/* No rights at all: still WRONG_TYPE, the type is checked first. */
	cr_assert_eq(zx_handle_duplicate(ev, 0, &ev0), ZX_OK);
	cr_assert_eq(create(ev0, MMIO, mmio_base(1), page, &out),
	    ZX_ERR_WRONG_TYPE);
	zx_handle_close(ev);
	zx_handle_close(ev0);
}

Test(resource_create, needs_write, .init = setup)
{
	zx_handle_t root = get_root(), ro, out;

	cr_assert_eq(zx_handle_duplicate(root,
	    ZX_DEFAULT_RESOURCE_RIGHTS & ~ZX_RIGHT_WRITE, &ro), ZX_OK);
	cr_assert_eq(create(ro, MMIO, mmio_base(2), page, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* The lookup comes before the kind: still ACCESS_DENIED. */
	cr_assert_eq(create(ro, ZX_RSRC_KIND_COUNT, 0, 0, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* A child without WRITE cannot make grandchildren either. */
	out = create_ok(root, MMIO, mmio_base(2), page);
	cr_assert_eq(zx_handle_replace(out, ZX_RIGHT_INSPECT, &out), ZX_OK);
	cr_assert_eq(create(out, MMIO, mmio_base(2), page, &ro),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(out);
	zx_handle_close(root);
}

/* --- check 2: kind and flags ------------------------------------------- */

Test(resource_create, invalid_kind_or_flags, .init = setup)
{
	zx_handle_t root = get_root(), out;
	uint64_t b = mmio_base(3);

	cr_assert_eq(create(root, ZX_RSRC_KIND_COUNT, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, ZX_RSRC_KIND_COUNT + 1, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, 0xFFFF, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	/* ZX_RSRC_FLAGS_MASK is EXCLUSIVE alone. */
	cr_assert_eq(create(root, MMIO | 0xFF0000, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, MMIO | 0x20000, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, MMIO | 0x80000000, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	/* Before the range check: RAM would be ACCESS_DENIED. */
	cr_assert_eq(create(root, MMIO | 0x20000, 0, page, &out),
	    ZX_ERR_INVALID_ARGS);
	/* Nothing was reserved by the failures. */
	out = create_ok(root, MMIO | EXCL, b, page);
	zx_handle_close(out);
	zx_handle_close(root);
}

/* --- check 3: validate_ranged_resource, any failure ACCESS_DENIED ------- */

Test(resource_create, root_refused_ram, .init = setup)
{
	zx_handle_t root = get_root(), out;

	cr_assert_eq(create(root, MMIO, 0, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(root, MMIO, RAM_END - page, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* Straddling the end of RAM. */
	cr_assert_eq(create(root, MMIO, RAM_END - page, 2 * page, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* Unaligned and tiny still counts. */
	cr_assert_eq(create(root, MMIO, 0x1234, 1, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* The first byte after RAM is fine. */
	out = create_ok(root, MMIO, RAM_END, page);
	zx_handle_close(out);
	/* RAM is an MMIO matter: IRQ 0 and I/O port 0 are not RAM. */
	out = create_ok(root, IRQ, 0, 1);
	zx_handle_close(out);
	out = create_ok(root, IOPORT, 0, 1);
	zx_handle_close(out);
	zx_handle_close(root);
}

Test(resource_create, slice_must_match_kind, .init = setup)
{
	zx_handle_t root = get_root(), mmio, out;
	uint64_t b = mmio_base(4);

	mmio = create_ok(root, MMIO, b, page);
	cr_assert_eq(create(mmio, ROOT, 0, 0, &out), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, ROOT, b, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, IRQ, 0, 0, &out), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, IRQ, b, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1,
	    &out), ZX_ERR_ACCESS_DENIED);
	/* Kind before flags of the parent: still ACCESS_DENIED. */
	cr_assert_eq(create(mmio, IRQ | EXCL, 0, 1, &out),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(mmio);
	zx_handle_close(root);
}

Test(resource_create, slice_must_fit, .init = setup)
{
	zx_handle_t root = get_root(), mmio, out;
	uint64_t b = mmio_base(5);

	mmio = create_ok(root, MMIO, b, page);
	/* Another base, the same size. */
	cr_assert_eq(create(mmio, MMIO, b + page, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* The same base, a larger size. */
	cr_assert_eq(create(mmio, MMIO, b, page + 34, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, MMIO, b - 1, 2, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* Empty, or wrapping past 2^64. */
	cr_assert_eq(create(mmio, MMIO, b, 0, &out), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, MMIO, b, UINT64_MAX, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* The same range, and smaller ones, are fine. */
	out = create_ok(mmio, MMIO, b, page);
	zx_handle_close(out);
	out = create_ok(mmio, MMIO, b + 16, 16);
	zx_handle_close(out);
	out = create_ok(mmio, MMIO, b + page - 1, 1);
	zx_handle_close(out);
	zx_handle_close(mmio);
	zx_handle_close(root);
}

Test(resource_create, mmio_widened_to_pages, .init = setup)
{
	zx_handle_t root = get_root(), half, odd, out;
	uint64_t b = mmio_base(6);

	/* Half a page covers the whole page. */
	half = create_ok(root, MMIO, b, page / 2);
	out = create_ok(half, MMIO, b, page);
	zx_handle_close(out);
	cr_assert_eq(create(half, MMIO, b, page + 1, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* [b+0x7800, +0x2000) covers [b+0x7000, +0x3000). */
	odd = create_ok(root, MMIO, b + 0x7800, 0x2000);
	out = create_ok(odd, MMIO, b + 0x7000, 0x2000);
	zx_handle_close(out);
	out = create_ok(odd, MMIO, b + 0x7000, 0x3000);
	zx_handle_close(out);
	cr_assert_eq(create(odd, MMIO, b + 0x7000, 0x3001, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(odd, MMIO, b + 0x6fff, 2, &out),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(odd);
	zx_handle_close(half);
	zx_handle_close(root);
}

Test(resource_create, other_kinds_not_widened, .init = setup)
{
	zx_handle_t root = get_root(), irq, io, sys, out;

	irq = create_ok(root, IRQ, 10, 5);
	out = create_ok(irq, IRQ, 12, 2);
	zx_handle_close(out);
	out = create_ok(irq, IRQ, 10, 5);
	zx_handle_close(out);
	cr_assert_eq(create(irq, IRQ, 10, 6, &out), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(irq, IRQ, 9, 1, &out), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(irq, IRQ, 15, 1, &out), ZX_ERR_ACCESS_DENIED);

	io = create_ok(root, IOPORT, 0xCF8, 8);
	out = create_ok(io, IOPORT, 0xCFC, 4);
	zx_handle_close(out);
	cr_assert_eq(create(io, IOPORT, 0xCFC, 5, &out),
	    ZX_ERR_ACCESS_DENIED);

	sys = create_ok(root, SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1);
	out = create_ok(sys, SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1);
	zx_handle_close(out);
	cr_assert_eq(create(sys, SYSTEM, ZX_RSRC_SYSTEM_MSI_BASE, 1, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(sys, MMIO, mmio_base(7), page, &out),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(sys);
	zx_handle_close(io);
	zx_handle_close(irq);
	zx_handle_close(root);
}

/* --- check 4: slices are never exclusive ------------------------------- */

Test(resource_create, exclusive_slices, .init = setup)
{
	zx_handle_t root = get_root(), excl, shared, out;
	uint64_t b = mmio_base(8);

	excl = create_ok(root, MMIO | EXCL, b, page);
	/* exclusive -> shared */
	cr_assert_eq(create(excl, MMIO, b, page, &out), ZX_ERR_INVALID_ARGS);
	/* exclusive -> exclusive */
	cr_assert_eq(create(excl, MMIO | EXCL, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	/* The range check comes first: outside is ACCESS_DENIED. */
	cr_assert_eq(create(excl, MMIO, b + page, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(excl);

	/* shared -> exclusive */
	shared = create_ok(root, MMIO, b, page);
	cr_assert_eq(create(shared, MMIO | EXCL, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	/* shared -> shared */
	out = create_ok(shared, MMIO, b, page);
	zx_handle_close(out);
	zx_handle_close(shared);
	zx_handle_close(root);
}

/* --- check 5: the name ------------------------------------------------- */

Test(resource_create, names, .init = setup)
{
	zx_handle_t root = get_root(), h;
	char longname[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char embedded[] = "ab\0cd";
	zx_info_resource_t info;
	uint64_t b = mmio_base(9);

	cr_assert_eq(zx_resource_create(root, MMIO, b, page,
	    "test_resource_name", sizeof("test_resource_name"), &h), ZX_OK);
	cr_assert_str_eq(info_of(h).name, "test_resource_name");
	zx_handle_close(h);

	/* At most ZX_MAX_NAME_LEN - 1 characters, NUL-padded. */
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, longname,
	    sizeof(longname), &h), ZX_OK);
	info = info_of(h);
	cr_assert_eq(memcmp(info.name, longname, ZX_MAX_NAME_LEN - 1), 0);
	cr_assert_eq(info.name[ZX_MAX_NAME_LEN - 1], '\0');
	zx_handle_close(h);

	/* name_size counts: no NUL needed. */
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, "abcdef", 3,
	    &h), ZX_OK);
	cr_assert_str_eq(info_of(h).name, "abc");
	zx_handle_close(h);

	/* The name ends at its first NUL. */
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, embedded,
	    sizeof(embedded), &h), ZX_OK);
	info = info_of(h);
	cr_assert_str_eq(info.name, "ab");
	cr_assert_eq(info.name[3], '\0');
	zx_handle_close(h);

	/* NULL with size 0 is no name; a non-NULL name with size 0 too. */
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, NULL, 0, &h),
	    ZX_OK);
	cr_assert_str_eq(info_of(h).name, "");
	zx_handle_close(h);
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, "x", 0, &h),
	    ZX_OK);
	cr_assert_str_eq(info_of(h).name, "");
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(resource_create, name_fault, .init = setup)
{
	zx_handle_t root = get_root(), excl, h;
	uint64_t b = mmio_base(10);

	cr_assert_eq(zx_resource_create(root, MMIO, b, page, NULL, 5, &h),
	    ZX_ERR_INVALID_ARGS);
	/* Copied after the range check (3)... */
	cr_assert_eq(zx_resource_create(root, MMIO, 0, page, NULL, 5, &h),
	    ZX_ERR_ACCESS_DENIED);
	/* ...and before the allocator (6): a held range is not NOT_FOUND. */
	excl = create_ok(root, MMIO | EXCL, b, page);
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, NULL, 5, &h),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_resource_create(root, SMC, 0, 1, NULL, 5, &h),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(excl);
	/* The failed call reserved nothing. */
	cr_assert_eq(zx_resource_create(root, MMIO | EXCL, b + page, page,
	    NULL, 5, &h), ZX_ERR_INVALID_ARGS);
	h = create_ok(root, MMIO | EXCL, b + page, page);
	zx_handle_close(h);
	zx_handle_close(root);
}

/* --- check 6: creation --------------------------------------------------- */

Test(resource_create, root_kind, .init = setup)
{
	zx_handle_t root = get_root(), r2, out;
	zx_info_resource_t info;

	cr_assert_eq(zx_resource_create(root, ROOT, 0, 0, "root2", 6, &r2),
	    ZX_OK);
	info = info_of(r2);
	cr_assert_eq(info.kind, ROOT);
	cr_assert_eq(info.base, 0);
	cr_assert_eq(info.size, 0);
	cr_assert_eq(info.flags, 0);
	cr_assert_str_eq(info.name, "root2");
	/* A new object, as strong as the root. */
	cr_assert_neq(basic_of(r2).koid, basic_of(root).koid);
	out = create_ok(r2, MMIO | EXCL, mmio_base(11), page);
	zx_handle_close(out);
	cr_assert_eq(create(r2, MMIO, 0, page, &out), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(r2);

	cr_assert_eq(create(root, ROOT, 1, 0, &out), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, ROOT, 0, 1, &out), ZX_ERR_INVALID_ARGS);
	/* Exclusive roots hold no range: two can live together. */
	r2 = create_ok(root, ROOT | EXCL, 0, 0);
	cr_assert_eq(info_of(r2).flags, EXCL);
	out = create_ok(root, ROOT | EXCL, 0, 0);
	zx_handle_close(out);
	zx_handle_close(r2);
	zx_handle_close(root);
}

Test(resource_create, allocator_rejects, .init = setup)
{
	zx_handle_t root = get_root(), out;

	/* Zircon's own cases: base and size UINT64_MAX. */
	cr_assert_eq(create(root, MMIO, UINT64_MAX, 1024, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, MMIO, 1024, UINT64_MAX, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, MMIO, UINT64_MAX, 1, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, MMIO, mmio_base(12), 0, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, IRQ, 5, 0, &out), ZX_ERR_INVALID_ARGS);
	/* MMIO space is [0, 2^64 - 1). */
	out = create_ok(root, MMIO, UINT64_MAX - 1, 1);
	zx_handle_close(out);
	zx_handle_close(root);
}

Test(resource_create, address_spaces, .init = setup)
{
	zx_handle_t root = get_root(), out;

	/* IRQ vectors [0, 1024). */
	out = create_ok(root, IRQ, 1023, 1);
	zx_handle_close(out);
	cr_assert_eq(create(root, IRQ, 1024, 1, &out), ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, IRQ, 1000, 25, &out), ZX_ERR_NOT_FOUND);
	/* I/O ports [0, 0xFFFF). */
	out = create_ok(root, IOPORT, 0xFFFE, 1);
	zx_handle_close(out);
	cr_assert_eq(create(root, IOPORT, 0xFFFF, 1, &out),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, IOPORT, 0, 0x10000, &out),
	    ZX_ERR_NOT_FOUND);
	/* System resources [0, ZX_RSRC_SYSTEM_COUNT). */
	out = create_ok(root, SYSTEM, ZX_RSRC_SYSTEM_STALL_BASE, 1);
	zx_handle_close(out);
	cr_assert_eq(create(root, SYSTEM, ZX_RSRC_SYSTEM_COUNT, 1, &out),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, SYSTEM, ZX_RSRC_SYSTEM_STALL_BASE, 2,
	    &out), ZX_ERR_NOT_FOUND);
	/* No SMC space, as on x86 Zircon. */
	cr_assert_eq(create(root, SMC, 0, 1, &out), ZX_ERR_BAD_STATE);
	zx_handle_close(root);
}

Test(resource_create, exclusive_overlap_not_found, .init = setup)
{
	zx_handle_t root = get_root(), a, b2, dup, out;
	uint64_t b = mmio_base(13);

	/* Exclusive first, shared after. */
	a = create_ok(root, MMIO | EXCL, b, 4 * page);
	cr_assert_eq(create(root, MMIO, b, 4 * page, &out),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, MMIO, b + 3 * page, 2 * page, &out),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, MMIO, b - page, page + 1, &out),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, MMIO | EXCL, b + page, 1, &out),
	    ZX_ERR_NOT_FOUND);
	/* Touching is not overlapping. */
	out = create_ok(root, MMIO, b + 4 * page, page);
	zx_handle_close(out);
	out = create_ok(root, MMIO | EXCL, b - page, page);
	zx_handle_close(out);
	/* Other kinds have spaces of their own. */
	out = create_ok(root, IRQ | EXCL, 100, 4);
	b2 = create_ok(root, IOPORT | EXCL, 100, 4);
	cr_assert_eq(create(root, IRQ, 103, 1, &dup), ZX_ERR_NOT_FOUND);
	zx_handle_close(b2);
	zx_handle_close(out);

	/* The reservation lives as long as the object: a duplicate keeps
	 * it, the last handle frees it. */
	cr_assert_eq(zx_handle_duplicate(a, ZX_RIGHT_SAME_RIGHTS, &dup),
	    ZX_OK);
	zx_handle_close(a);
	cr_assert_eq(create(root, MMIO, b, page, &out), ZX_ERR_NOT_FOUND);
	zx_handle_close(dup);
	out = create_ok(root, MMIO, b, page);

	/* Shared first, exclusive after. */
	cr_assert_eq(create(root, MMIO | EXCL, b, 4 * page, &a),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, MMIO | EXCL, b + page - 1, 1, &a),
	    ZX_ERR_NOT_FOUND);
	/* Shared with shared is fine. */
	b2 = create_ok(root, MMIO, b, page);
	zx_handle_close(b2);
	zx_handle_close(out);
	a = create_ok(root, MMIO | EXCL, b, 4 * page);
	zx_handle_close(a);
	zx_handle_close(root);
}

/* zx_handle_close is synchronous in Zircon: once it returns, the range
 * of an exclusive resource whose last handle it was is free. */
Test(resource_create, close_then_reuse, .init = setup)
{
	zx_handle_t root = get_root(), h, other;
	uint64_t b = mmio_base(16);

	for (int i = 0; i < 300; i++) {
		h = create_ok(root, MMIO | EXCL, b, page);
		cr_assert_eq(zx_handle_close(h), ZX_OK);
	}
	/* Settling closes never frees a range still held. */
	h = create_ok(root, MMIO | EXCL, b, page);
	for (int i = 0; i < 20; i++) {
		other = create_ok(root, MMIO, b + page, page);
		zx_handle_close(other);
		cr_assert_eq(create(root, MMIO, b, page, &other),
		    ZX_ERR_NOT_FOUND);
	}
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(resource_create, result, .init = setup)
{
	zx_handle_t root = get_root(), h, h2;
	zx_info_handle_basic_t bi;
	zx_info_resource_t info;
	uint64_t b = mmio_base(14);

	cr_assert_eq(zx_resource_create(root, MMIO | EXCL, b + 0x800,
	    0x1000, "dev0", 4, &h), ZX_OK);
	bi = basic_of(h);
	cr_assert_eq(bi.type, ZX_OBJ_TYPE_RESOURCE);
	cr_assert_eq(bi.rights, 0x800B);
	cr_assert_neq(bi.koid, basic_of(root).koid);
	info = info_of(h);
	cr_assert_eq(info.kind, MMIO);
	cr_assert_eq(info.flags, EXCL);
	/* The range as asked, not widened. */
	cr_assert_eq(info.base, b + 0x800);
	cr_assert_eq(info.size, 0x1000);
	cr_assert_str_eq(info.name, "dev0");
	zx_handle_close(h);

	cr_assert_eq(zx_resource_create(root, IRQ, 7, 3, "irq", 3, &h), ZX_OK);
	info = info_of(h);
	cr_assert_eq(info.kind, IRQ);
	cr_assert_eq(info.flags, 0);
	cr_assert_eq(info.base, 7);
	cr_assert_eq(info.size, 3);
	/* A slice is a resource like any other. */
	h2 = create_ok(h, IRQ, 8, 1);
	cr_assert_eq(info_of(h2).base, 8);
	zx_handle_close(h2);
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(resource_create, null_out_creates_nothing, .init = setup)
{
	zx_handle_t root = get_root(), h;
	uint64_t b = mmio_base(15);

	cr_assert_eq(create(root, MMIO | EXCL, b, page, NULL),
	    ZX_ERR_INVALID_ARGS);
	/* The resource made for it is gone: its range is free. */
	h = create_ok(root, MMIO | EXCL, b, page);
	zx_handle_close(h);
	/* Other errors come first. */
	cr_assert_eq(create(root, MMIO, 0, page, NULL), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(root);
}

/* --- ZX_INFO_RESOURCE and other calls on resources ----------------------- */

Test(resource_info, rights_and_type, .init = setup)
{
	zx_handle_t root = get_root(), noinspect, ev, ev0;
	zx_info_resource_t info;
	size_t actual = 7, avail = 7;

	cr_assert_eq(zx_handle_duplicate(root,
	    ZX_DEFAULT_RESOURCE_RIGHTS & ~ZX_RIGHT_INSPECT, &noinspect),
	    ZX_OK);
	cr_assert_eq(zx_object_get_info(noinspect, ZX_INFO_RESOURCE, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_object_get_info(ev, ZX_INFO_RESOURCE, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_handle_duplicate(ev, 0, &ev0), ZX_OK);
	cr_assert_eq(zx_object_get_info(ev0, ZX_INFO_RESOURCE, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_RESOURCE,
	    &info, sizeof(info), NULL, NULL), ZX_ERR_BAD_HANDLE);
	/* Too small: nothing copied, one record available. */
	cr_assert_eq(zx_object_get_info(root, ZX_INFO_RESOURCE, &info,
	    sizeof(info) - 1, &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
	cr_assert_eq(sizeof(info), 56);
	/* An unknown topic. */
	cr_assert_eq(zx_object_get_info(root, 0x7777, &info, sizeof(info),
	    NULL, NULL), ZX_ERR_NOT_SUPPORTED);
	zx_handle_close(ev);
	zx_handle_close(ev0);
	zx_handle_close(noinspect);
	zx_handle_close(root);
}

Test(resource_info, other_calls, .init = setup)
{
	zx_handle_t root = get_root(), dup;
	char name[ZX_MAX_NAME_LEN];
	zx_signals_t obs;

	/* A resource handle has neither property nor signal rights. */
	cr_assert_eq(zx_object_get_property(root, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_set_property(root, ZX_PROP_NAME, "x", 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_signal(root, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_wait_one(root, ZX_USER_SIGNAL_0, 0, &obs),
	    ZX_ERR_ACCESS_DENIED);
	/* It can be duplicated (DUPLICATE) and its info read through the
	 * copy. */
	cr_assert_eq(zx_handle_duplicate(root, ZX_RIGHT_SAME_RIGHTS, &dup),
	    ZX_OK);
	cr_assert_eq(basic_of(dup).rights, 0x800B);
	cr_assert_eq(info_of(dup).kind, ROOT);
	/* No right beyond its own. */
	cr_assert_eq(zx_handle_duplicate(root, ZX_RIGHT_READ, &dup),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(dup);
	zx_handle_close(root);
}

/* --- daemon-wide accounting --------------------------------------------- */

Test(resource_leaks, objects_freed, .init = setup)
{
	struct zxdtest_stats s0, s1;
	zx_handle_t root, h[16], out;
	struct own o;

	own_start(&o, NULL);
	root = get_root();
	cr_assert_eq(zxdtest_stats(o.d.socket, &s0), 0);
	for (unsigned i = 0; i < 16; i++)
		h[i] = create_ok(root, (i % 2 ? EXCL : 0) | MMIO,
		    mmio_base(i), page);
	for (unsigned i = 0; i < 16; i++) {
		cr_assert_eq(create(h[i], MMIO, mmio_base(i), 2 * page, &out),
		    ZX_ERR_ACCESS_DENIED);
		cr_assert_eq(create(root, MMIO | EXCL, mmio_base(i), page,
		    &out), ZX_ERR_NOT_FOUND);
	}
	cr_assert_eq(create(root, MMIO, mmio_base(20), page, NULL),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zxdtest_stats(o.d.socket, &s1), 0);
	cr_assert_eq(s1.objects, s0.objects + 16);
	cr_assert_eq(zx_handle_close_many(h, 16), ZX_OK);
	cr_assert_eq(zxdtest_stats(o.d.socket, &s1), 0);
	cr_assert_eq(s1.objects, s0.objects);
	cr_assert_eq(s1.handles, s0.handles);
	/* The root object outlives its handles. */
	zx_handle_close(root);
	cr_assert_eq(zxdtest_stats(o.d.socket, &s1), 0);
	cr_assert_eq(s1.objects, s0.objects);
	cr_assert_eq(s1.handles, s0.handles - 1);
	own_stop(&o);
}

/* --- RAM comes from the configuration ------------------------------------ */

Test(resource_ram, map_from_config, .init = setup)
{
	struct own o;
	zx_handle_t root, out;

	own_start(&o,
	    "[region dram]\nkind = ram\nbase = 0x80000000\nsize = 16M\n"
	    "[region uart]\nkind = mmio\nbase = 0x10000000\nsize = 4K\n");
	root = get_root();
	cr_assert_eq(create(root, MMIO, 0x80000000, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(root, MMIO, 0x80FFF000, 2 * page, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* The built-in map's RAM is gone with it. */
	out = create_ok(root, MMIO, 0, page);
	zx_handle_close(out);
	out = create_ok(root, MMIO, 0x81000000, page);
	zx_handle_close(out);
	zx_handle_close(root);
	own_stop(&o);
}
