/*
 * Sub-VMARs against a real zxd: zx_vmar_allocate, zx_vmar_destroy,
 * zx_vmar_op_range, and map/unmap/protect inside sub-VMARs, after
 * Zircon's vmar core tests (ZIRCON-2.md §2.7). Each sub-VMAR is a real
 * PROT_NONE reservation: mappings land where the daemon says and
 * nothing else can land inside.
 */
#include "config-build.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "tests/integration/vmo_util.h"

#define CHECK(e, code)	do { if (!(e)) _exit(code); } while (0)

#define RWX	(ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_EXECUTE)
#define CAN_RW	(ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE)

static zx_handle_t
sub(zx_handle_t parent, zx_vm_option_t options, size_t offset, size_t size,
    zx_vaddr_t *addr)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_vaddr_t a = 0;

	cr_assert_eq(zx_vmar_allocate(parent, options, offset, size, &h, &a),
	    ZX_OK, "allocate %#x +%zu %zu", options, offset, size);
	if (addr != NULL)
		*addr = a;
	return h;
}

static zx_info_vmar_t
vmar_info(zx_handle_t h)
{
	zx_info_vmar_t i;

	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMAR, &i, sizeof(i), NULL,
	    NULL), ZX_OK);
	return i;
}

/* The permissions Linux gives the page at addr ("rw-p", ...), or "" if
 * nothing is mapped there. */
static const char *
linux_prot(uintptr_t addr)
{
	static char perms[8];
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	perms[0] = '\0';
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;
		char p[8];

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, p) == 3 &&
		    addr >= lo && addr < hi) {
			strcpy(perms, p);
			break;
		}
	}
	fclose(f);
	return perms;
}

static zx_vaddr_t
map(zx_handle_t vmar, zx_vm_option_t options, size_t offset, zx_handle_t vmo,
    size_t len)
{
	zx_vaddr_t a = 0;

	cr_assert_eq(zx_vmar_map(vmar, options, offset, vmo, 0, len, &a),
	    ZX_OK, "map %#x +%zu", options, offset);
	return a;
}

Test(vmar_allocate, basic_rights_and_placement)
{
	zx_handle_t root = zx_vmar_root_self(), c, vmo = vmo_new(PAGE, 0);
	zx_vaddr_t ca, m;
	zx_info_vmar_t i;

	c = sub(root, CAN_RW, 0, 16 * PAGE, &ca);
	cr_assert_eq(basic_of(c).type, ZX_OBJ_TYPE_VMAR);
	cr_assert_eq(rights_of(c), ZX_DEFAULT_VMAR_RIGHTS | ZX_RIGHT_READ |
	    ZX_RIGHT_WRITE);
	cr_assert_eq(ZX_DEFAULT_VMAR_RIGHTS, 0x208003);
	i = vmar_info(c);
	cr_assert_eq(i.base, ca);
	cr_assert_eq(i.len, 16 * PAGE);
	cr_assert_eq(ca % PAGE, 0);
	/* The whole range is reserved, PROT_NONE. */
	cr_assert_str_eq(linux_prot(ca), "---p");
	cr_assert_str_eq(linux_prot(ca + 15 * PAGE), "---p");
	cr_assert(!probe((volatile uint8_t *)ca, false));
	/* A mapping inside lands inside. */
	m = map(c, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, PAGE);
	cr_assert(m >= ca && m + PAGE <= ca + 16 * PAGE);
	cr_assert_str_eq(linux_prot(m), "rw-s");
	*(volatile uint32_t *)m = 0x1234;
	{
		uint32_t v = 0;

		cr_assert_eq(zx_vmo_read(vmo, &v, 0, 4), ZX_OK);
		cr_assert_eq(v, 0x1234);
	}
	/* Only CAN_MAP_READ: a read-only region. */
	{
		zx_handle_t r = sub(root, ZX_VM_CAN_MAP_READ, 0, PAGE, NULL);
		zx_vaddr_t a;

		cr_assert_eq(rights_of(r), ZX_DEFAULT_VMAR_RIGHTS |
		    ZX_RIGHT_READ);
		cr_assert_eq(zx_vmar_map(r, ZX_VM_PERM_READ |
		    ZX_VM_PERM_WRITE, 0, vmo, 0, PAGE, &a),
		    ZX_ERR_ACCESS_DENIED);
		/* CAN_MAP_* is inherited no further than the parent. */
		cr_assert_eq(zx_vmar_allocate(r, ZX_VM_CAN_MAP_WRITE, 0, PAGE,
		    &c, &a), ZX_ERR_ACCESS_DENIED);
		cr_assert_eq(zx_vmar_destroy(r), ZX_OK);
		zx_handle_close(r);
	}
	zx_handle_close(vmo);
	cr_assert_eq(zx_vmar_destroy(c), ZX_OK);
	cr_assert_str_eq(linux_prot(ca), "");
	zx_handle_close(c);
}

/* Offsets are relative to the parent, at every depth. */
Test(vmar_allocate, specific_offsets_and_nesting)
{
	zx_handle_t root = zx_vmar_root_self(), a, b, b2, vmo = vmo_new(PAGE, 0);
	zx_vaddr_t aa, ba, x;

	a = sub(root, CAN_RW | ZX_VM_CAN_MAP_SPECIFIC, 0, 64 * PAGE, &aa);
	b = sub(a, CAN_RW | ZX_VM_SPECIFIC | ZX_VM_CAN_MAP_SPECIFIC,
	    8 * PAGE, 16 * PAGE, &ba);
	cr_assert_eq(ba, aa + 8 * PAGE);
	x = map(b, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 4 * PAGE, vmo, PAGE);
	cr_assert_eq(x, ba + 4 * PAGE);
	cr_assert_str_eq(linux_prot(x), "r--s");
	/* Overlaps: ALREADY_EXISTS, whether full, partial or larger. */
	cr_assert_eq(zx_vmar_allocate(a, ZX_VM_SPECIFIC, 8 * PAGE, PAGE, &b2,
	    &x), ZX_ERR_ALREADY_EXISTS);
	cr_assert_eq(zx_vmar_allocate(a, ZX_VM_SPECIFIC, 4 * PAGE, 8 * PAGE,
	    &b2, &x), ZX_ERR_ALREADY_EXISTS);
	cr_assert_eq(zx_vmar_allocate(a, ZX_VM_SPECIFIC, 0, 64 * PAGE, &b2,
	    &x), ZX_ERR_ALREADY_EXISTS);
	cr_assert_eq(zx_vmar_map(b, ZX_VM_PERM_READ | ZX_VM_SPECIFIC,
	    4 * PAGE, vmo, 0, PAGE, &x), ZX_ERR_ALREADY_EXISTS);
	cr_assert_eq(zx_vmar_map(a, ZX_VM_PERM_READ | ZX_VM_SPECIFIC,
	    8 * PAGE, vmo, 0, PAGE, &x), ZX_ERR_ALREADY_EXISTS);
	/* Without CAN_MAP_SPECIFIC: ACCESS_DENIED, for allocate and map. */
	b2 = sub(a, CAN_RW, 0, 4 * PAGE, NULL);
	cr_assert_eq(zx_vmar_allocate(b2, ZX_VM_SPECIFIC, 0, PAGE, &b, &x),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_map(b2, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 0, vmo,
	    0, PAGE, &x), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_map(b2, ZX_VM_PERM_READ |
	    ZX_VM_OFFSET_IS_UPPER_LIMIT, PAGE, vmo, 0, PAGE, &x),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_destroy(a), ZX_OK);
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(b2);
	zx_handle_close(vmo);
}

/* Zircon's order of checks (§2.7, steps 1-14). */
Test(vmar_allocate, statuses)
{
	zx_handle_t root = zx_vmar_root_self(), p, c, ev = event_new(), norr;
	zx_vaddr_t a, pa;

	p = sub(root, CAN_RW | ZX_VM_CAN_MAP_SPECIFIC, 0, 16 * PAGE, &pa);
	cr_assert_eq(zx_vmar_allocate(ZX_HANDLE_INVALID, 0, 0, PAGE, &c, &a),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmar_allocate(ev, 0, 0, PAGE, &c, &a),
	    ZX_ERR_WRONG_TYPE);
	/* RightsDropTest. */
	norr = dup_rights(p, ZX_DEFAULT_VMAR_RIGHTS);
	cr_assert_eq(zx_vmar_allocate(norr, ZX_VM_CAN_MAP_READ, 0, PAGE, &c,
	    &a), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_allocate(norr, 0, 0, PAGE, &c, &a), ZX_OK);
	cr_assert_eq(zx_vmar_destroy(c), ZX_OK);
	zx_handle_close(c);
	/* Flags. */
	cr_assert_eq(zx_vmar_allocate(p, 1u << 16, 0, PAGE, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, 1u << 31, 0, PAGE, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_MAP_RANGE, 0, PAGE, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, 9u << ZX_VM_ALIGN_BASE, 0, PAGE, &c,
	    &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, 33u << ZX_VM_ALIGN_BASE, 0, PAGE, &c,
	    &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_PERM_READ, 0, PAGE, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, 0, 0, PAGE + 1, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, 0, 0, UINT64_MAX, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_SPECIFIC_OVERWRITE, 0, PAGE,
	    &c, &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_ALLOW_FAULTS, 0, PAGE, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, 0, 0, 0, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_SPECIFIC |
	    ZX_VM_OFFSET_IS_UPPER_LIMIT, PAGE, PAGE, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, 0, PAGE, PAGE, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_SPECIFIC, PAGE / 2, PAGE, &c,
	    &a), ZX_ERR_INVALID_ARGS);
	/* AllocateOobTest. */
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_SPECIFIC, 16 * PAGE, PAGE, &c,
	    &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_SPECIFIC, 15 * PAGE, 2 * PAGE,
	    &c, &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, 0, 0, 17 * PAGE, &c, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_OFFSET_IS_UPPER_LIMIT,
	    2 * PAGE, 3 * PAGE, &c, &a), ZX_ERR_INVALID_ARGS);
	/* Misaligned for the alignment asked. */
	if ((pa & ((1u << 20) - 1)) != 0)
		cr_assert_eq(zx_vmar_allocate(p, ZX_VM_SPECIFIC |
		    ZX_VM_ALIGN_1MB, 0, PAGE, &c, &a), ZX_ERR_INVALID_ARGS);
	/* AllocateUnsatisfiableTest: no room, or an alignment larger than
	 * the region. */
	c = sub(p, ZX_VM_SPECIFIC, 0, 8 * PAGE, NULL);
	cr_assert_eq(zx_vmar_allocate(p, 0, 0, 9 * PAGE, &norr, &a),
	    ZX_ERR_NO_RESOURCES);
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_ALIGN_4GB, 0, PAGE, &norr, &a),
	    ZX_ERR_NO_RESOURCES);
	zx_handle_close(c);
	/* Lost handle: the new VMAR is destroyed. */
	cr_assert_eq(zx_vmar_allocate(p, ZX_VM_SPECIFIC, 12 * PAGE, PAGE,
	    NULL, &a), ZX_ERR_INVALID_ARGS);
	c = sub(p, ZX_VM_SPECIFIC, 12 * PAGE, PAGE, NULL);
	zx_handle_close(c);
	/* Destroyed parent: BAD_STATE (DestroyTest). */
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	cr_assert_eq(zx_vmar_allocate(p, 0, 0, PAGE, &c, &a),
	    ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmar_allocate(p, 0, 0, 0, &c, &a), ZX_ERR_BAD_STATE);
	zx_handle_close(p);
	zx_handle_close(ev);
}

Test(vmar_allocate, compact_and_upper_limit)
{
	zx_handle_t root = zx_vmar_root_self(), p, vmo = vmo_new(PAGE, 0);
	zx_vaddr_t pa, a;

	/* MapInCompactTest: a COMPACT region packs its mappings. */
	p = sub(root, CAN_RW | ZX_VM_COMPACT, 0, 64 * PAGE, &pa);
	for (int i = 0; i < 4; i++) {
		a = map(p, ZX_VM_PERM_READ, 0, vmo, PAGE);
		cr_assert_eq(a, pa + (uint64_t)i * PAGE);
	}
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	zx_handle_close(p);
	/* MapInUpperLimitTest: below base + offset; a full range is
	 * NO_RESOURCES. */
	p = sub(root, CAN_RW | ZX_VM_CAN_MAP_SPECIFIC, 0, 64 * PAGE, &pa);
	for (int i = 0; i < 8; i++) {
		a = map(p, ZX_VM_PERM_READ | ZX_VM_OFFSET_IS_UPPER_LIMIT,
		    8 * PAGE, vmo, PAGE);
		cr_assert(a >= pa && a + PAGE <= pa + 8 * PAGE);
	}
	cr_assert_eq(zx_vmar_map(p, ZX_VM_PERM_READ |
	    ZX_VM_OFFSET_IS_UPPER_LIMIT, 8 * PAGE, vmo, 0, PAGE, &a),
	    ZX_ERR_NO_RESOURCES);
	/* Random placement spreads over the region. */
	{
		zx_vaddr_t first = map(p, ZX_VM_PERM_READ, 0, vmo, PAGE);
		bool moved = false;

		for (int i = 0; i < 16 && !moved; i++)
			moved = map(p, ZX_VM_PERM_READ, 0, vmo, PAGE) !=
			    first + (uint64_t)(i + 1) * PAGE;
		cr_assert(moved, "non-compact regions are randomised");
	}
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	zx_handle_close(p);
	/* Alignment inside a sub-VMAR. */
	p = sub(root, CAN_RW, 0, 64 * 1024 * 1024, &pa);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(zx_vmar_map(p, ZX_VM_PERM_READ | ZX_VM_ALIGN_1MB,
		    0, vmo, 0, PAGE, &a), ZX_OK);
		cr_assert_eq(a % (1024 * 1024), 0);
	}
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	zx_handle_close(p);
	zx_handle_close(vmo);
}

/* DestroyTest, DestroyedVmarTest, MapOverDestroyedTest. */
Test(vmar_destroy, rules)
{
	zx_handle_t root = zx_vmar_root_self(), p, c, noop, vmo = vmo_new(PAGE,
	    0);
	zx_vaddr_t pa, ca, m, a;
	zx_info_vmar_t i;

	p = sub(root, CAN_RW | ZX_VM_CAN_MAP_SPECIFIC, 0, 32 * PAGE, &pa);
	c = sub(p, CAN_RW | ZX_VM_SPECIFIC, 8 * PAGE, 8 * PAGE, &ca);
	m = map(c, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, PAGE);
	*(volatile uint8_t *)m = 7;
	cr_assert_eq(zx_vmar_destroy(root), ZX_ERR_NOT_SUPPORTED);
	noop = dup_rights(c, ZX_DEFAULT_VMAR_RIGHTS & ~ZX_RIGHT_OP_CHILDREN);
	cr_assert_eq(zx_vmar_destroy(noop), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_destroy(ZX_HANDLE_INVALID), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmar_destroy(vmo), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmar_destroy(c), ZX_OK);
	/* The mapping is gone; the range is the parent's reservation. */
	cr_assert(!probe((volatile uint8_t *)m, false));
	cr_assert_str_eq(linux_prot(m), "---p");
	/* The handles stay valid; everything on them is BAD_STATE. */
	cr_assert_eq(zx_object_get_info(c, ZX_INFO_HANDLE_VALID, NULL, 0, NULL,
	    NULL), ZX_OK);
	i = vmar_info(c);
	cr_assert_eq(i.base, ca);
	cr_assert_eq(zx_vmar_destroy(c), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmar_map(c, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a),
	    ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmar_unmap(c, ca, PAGE), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmar_protect(c, ZX_VM_PERM_READ, ca, PAGE),
	    ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmar_allocate(c, 0, 0, PAGE, &noop, &a),
	    ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmar_op_range(c, ZX_VMAR_OP_COMMIT, ca, PAGE, NULL, 0),
	    ZX_ERR_BAD_STATE);
	/* MapOverDestroyedTest: the range is free for reuse. */
	a = map(p, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 8 * PAGE, vmo, 8 * PAGE);
	cr_assert_eq(a, ca);
	/* Destroying the parent takes everything in it. */
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	cr_assert_str_eq(linux_prot(pa), "");
	cr_assert_str_eq(linux_prot(ca), "");
	zx_handle_close(noop);
	zx_handle_close(c);
	zx_handle_close(p);
	zx_handle_close(vmo);
}

/* Closing the last handle does not destroy it: the mappings persist. */
Test(vmar_destroy, closing_handles_keeps_it)
{
	zx_handle_t root = zx_vmar_root_self(), p, vmo = vmo_new(PAGE, 0);
	zx_vaddr_t pa, m, a;

	p = sub(root, CAN_RW, 0, 4 * PAGE, &pa);
	m = map(p, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, PAGE);
	zx_handle_close(p);
	*(volatile uint8_t *)m = 3;
	cr_assert_str_eq(linux_prot(m), "rw-s");
	/* Still there: a specific mapping over it is refused. */
	cr_assert_eq(zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_SPECIFIC,
	    pa - vmar_info(root).base, vmo, 0, PAGE, &a),
	    ZX_ERR_ALREADY_EXISTS);
	/* Through the root, OP_CHILDREN removes it whole. */
	cr_assert_eq(zx_vmar_unmap(root, pa, 4 * PAGE), ZX_OK);
	cr_assert_str_eq(linux_prot(pa), "");
	zx_handle_close(vmo);
}

/* Nothing else lands inside a reserved range. */
Test(vmar_allocate, reservations_keep_others_out)
{
	zx_handle_t root = zx_vmar_root_self(), p;
	zx_vaddr_t pa;
	void *q;

	p = sub(root, CAN_RW, 0, 256 * PAGE, &pa);
	/* A hint inside is not taken. */
	q = mmap((void *)(pa + 16 * PAGE), PAGE, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(q, MAP_FAILED);
	cr_assert((uintptr_t)q < pa || (uintptr_t)q >= pa + 256 * PAGE);
	munmap(q, PAGE);
	q = mmap((void *)(pa + 16 * PAGE), PAGE, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	cr_assert_eq(q, MAP_FAILED);
	for (int i = 0; i < 64; i++) {
		q = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
		cr_assert((uintptr_t)q < pa || (uintptr_t)q >= pa + 256 * PAGE);
		munmap(q, PAGE);
	}
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	zx_handle_close(p);
}

Test(vmar_map, overwrite_in_sub_vmar)
{
	zx_handle_t root = zx_vmar_root_self(), p, c, v1 = vmo_new(4 * PAGE, 0),
	    v2 = vmo_new(PAGE, 0);
	zx_vaddr_t pa, a, b;
	uint8_t x = 0;

	p = sub(root, CAN_RW | ZX_VM_CAN_MAP_SPECIFIC, 0, 32 * PAGE, &pa);
	a = map(p, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_SPECIFIC, 0, v1,
	    4 * PAGE);
	cr_assert_eq(zx_vmo_write(v2, "Z", 0, 1), ZX_OK);
	/* Over the middle of the first mapping. */
	b = map(p, ZX_VM_PERM_READ | ZX_VM_SPECIFIC_OVERWRITE, PAGE, v2, PAGE);
	cr_assert_eq(b, a + PAGE);
	cr_assert_eq(*(volatile uint8_t *)b, 'Z');
	cr_assert_str_eq(linux_prot(b), "r--s");
	cr_assert_str_eq(linux_prot(a), "rw-s");
	*(volatile uint8_t *)(a + 2 * PAGE) = 'Q';
	cr_assert_eq(zx_vmo_read(v1, &x, 2 * PAGE, 1), ZX_OK);
	cr_assert_eq(x, 'Q');
	/* Across a sub-VMAR: INVALID_ARGS; with MAP_RANGE too. */
	c = sub(p, ZX_VM_SPECIFIC, 16 * PAGE, 4 * PAGE, NULL);
	cr_assert_eq(zx_vmar_map(p, ZX_VM_PERM_READ | ZX_VM_SPECIFIC_OVERWRITE,
	    15 * PAGE, v1, 0, 2 * PAGE, &b), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(p, ZX_VM_PERM_READ | ZX_VM_SPECIFIC_OVERWRITE |
	    ZX_VM_MAP_RANGE, 0, v1, 0, PAGE, &b), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	zx_handle_close(c);
	zx_handle_close(p);
	zx_handle_close(v1);
	zx_handle_close(v2);
}

Test(vmar_unmap, in_sub_vmars)
{
	zx_handle_t root = zx_vmar_root_self(), p, c, noop,
	    vmo = vmo_new(4 * PAGE, 0);
	zx_vaddr_t pa, a, ca;

	p = sub(root, CAN_RW | ZX_VM_CAN_MAP_SPECIFIC, 0, 32 * PAGE, &pa);
	a = map(p, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 0, vmo, 4 * PAGE);
	/* Unaligned length rounds up; the range goes back to PROT_NONE. */
	cr_assert_eq(zx_vmar_unmap(p, a + PAGE, PAGE - 1), ZX_OK);
	cr_assert_str_eq(linux_prot(a + PAGE), "---p");
	cr_assert_str_eq(linux_prot(a), "r--s");
	cr_assert_str_eq(linux_prot(a + 2 * PAGE), "r--s");
	/* Nothing mapped there: OK. */
	cr_assert_eq(zx_vmar_unmap(p, pa + 20 * PAGE, PAGE), ZX_OK);
	cr_assert_eq(zx_vmar_unmap(p, a + 1, PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_unmap(p, a, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_unmap(p, pa + 31 * PAGE, 2 * PAGE),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_unmap(p, pa - PAGE, PAGE), ZX_ERR_INVALID_ARGS);
	/* Sub-VMARs: cut is INVALID_ARGS; whole needs OP_CHILDREN. */
	c = sub(p, CAN_RW | ZX_VM_SPECIFIC, 16 * PAGE, 4 * PAGE, &ca);
	cr_assert_eq(zx_vmar_unmap(p, ca, PAGE), ZX_ERR_INVALID_ARGS);
	noop = dup_rights(p, ZX_DEFAULT_VMAR_RIGHTS & ~ZX_RIGHT_OP_CHILDREN);
	cr_assert_eq(zx_vmar_unmap(noop, ca, 4 * PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_unmap(p, ca - PAGE, 6 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmar_map(c, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a),
	    ZX_ERR_BAD_STATE, "destroyed by the unmap");
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	cr_assert_eq(zx_vmar_unmap(p, pa, PAGE), ZX_ERR_BAD_STATE);
	zx_handle_close(noop);
	zx_handle_close(c);
	zx_handle_close(p);
	zx_handle_close(vmo);
}

/* ProtectTest, ProtectSubregionTest. */
Test(vmar_protect, in_sub_vmars)
{
	zx_handle_t root = zx_vmar_root_self(), p, c, noop, ro,
	    vmo = vmo_new(4 * PAGE, 0);
	zx_vaddr_t pa, a, b;

	p = sub(root, CAN_RW | ZX_VM_CAN_MAP_SPECIFIC, 0, 32 * PAGE, &pa);
	a = map(p, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_SPECIFIC, 0, vmo,
	    4 * PAGE);
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ, a + PAGE, PAGE),
	    ZX_OK);
	cr_assert_str_eq(linux_prot(a + PAGE), "r--s");
	cr_assert_str_eq(linux_prot(a), "rw-s");
	cr_assert(!probe((volatile uint8_t *)(a + PAGE), true));
	cr_assert(probe((volatile uint8_t *)a, true));
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, a,
	    4 * PAGE), ZX_OK);
	cr_assert(probe((volatile uint8_t *)(a + PAGE), true));
	/* Statuses. */
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_WRITE, a, PAGE),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, a,
	    PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ, a + 1, PAGE),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ, a, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ, pa + 31 * PAGE,
	    2 * PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ, a, 5 * PAGE),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE, a,
	    PAGE), ZX_ERR_ACCESS_DENIED);
	ro = dup_rights(p, ZX_DEFAULT_VMAR_RIGHTS | ZX_RIGHT_READ);
	cr_assert_eq(zx_vmar_protect(ro, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE,
	    a, PAGE), ZX_ERR_ACCESS_DENIED);
	/* A read-only mapping never becomes writable, even after the VMO
	 * handle is gone. */
	b = map(p, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 8 * PAGE, dup_rights(vmo,
	    ZX_RIGHT_READ | ZX_RIGHT_MAP), PAGE);
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, b,
	    PAGE), ZX_ERR_ACCESS_DENIED);
	/* Through a parent: a sub-VMAR's mapping needs OP_CHILDREN. */
	c = sub(p, CAN_RW | ZX_VM_SPECIFIC, 16 * PAGE, 4 * PAGE, NULL);
	b = map(c, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, PAGE);
	noop = dup_rights(p, ZX_DEFAULT_VMAR_RIGHTS & ~ZX_RIGHT_OP_CHILDREN);
	cr_assert_eq(zx_vmar_protect(noop, 0, b, PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ, b, PAGE), ZX_OK);
	cr_assert_str_eq(linux_prot(b), "r--s");
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	cr_assert_eq(zx_vmar_protect(p, ZX_VM_PERM_READ, a, PAGE),
	    ZX_ERR_BAD_STATE);
	zx_handle_close(noop);
	zx_handle_close(ro);
	zx_handle_close(c);
	zx_handle_close(p);
	zx_handle_close(vmo);
}

Test(vmar_op_range, statuses_and_effects)
{
	zx_handle_t root = zx_vmar_root_self(), p, c, noop,
	    vmo = vmo_new(4 * PAGE, 0), ro = vmo_new(PAGE, 0), ev = event_new();
	zx_vaddr_t pa, a, r, b;
	uint8_t x = 1;

	p = sub(root, CAN_RW | ZX_VM_CAN_MAP_SPECIFIC, 0, 32 * PAGE, &pa);
	a = map(p, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_SPECIFIC, 0, vmo,
	    4 * PAGE);
	r = map(p, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 8 * PAGE,
	    dup_rights(ro, ZX_RIGHT_READ | ZX_RIGHT_MAP), PAGE);
	cr_assert_eq(zx_vmar_op_range(ev, ZX_VMAR_OP_COMMIT, a, PAGE, NULL, 0),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmar_op_range(p, 99, a, PAGE, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_COMMIT, a, PAGE, &x, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_COMMIT, a, PAGE, NULL, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_COMMIT, a, 0, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_COMMIT, a + 1, PAGE, NULL,
	    0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_COMMIT, pa + 31 * PAGE,
	    2 * PAGE, NULL, 0), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_COMMIT, a, 5 * PAGE, NULL,
	    0), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_COMMIT, r, PAGE, NULL, 0),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_DECOMMIT, r, PAGE, NULL,
	    0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_PREFETCH, r, PAGE, NULL,
	    0), ZX_OK);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_ZERO, a, PAGE, NULL, 0),
	    ZX_ERR_NOT_SUPPORTED);
	/* COMMIT populates; DECOMMIT gives the pages back (zeroes). */
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_COMMIT, a, 4 * PAGE, NULL,
	    0), ZX_OK);
	*(volatile uint8_t *)(a + PAGE) = 9;
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_DECOMMIT, a, 4 * PAGE,
	    NULL, 0), ZX_OK);
	cr_assert_eq(zx_vmo_read(vmo, &x, PAGE, 1), ZX_OK);
	cr_assert_eq(x, 0);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_DONT_NEED, a, 4 * PAGE,
	    NULL, 0), ZX_OK);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_ALWAYS_NEED, a, 4 * PAGE,
	    NULL, 0), ZX_OK);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_MAP_RANGE, a, 4 * PAGE,
	    NULL, 0), ZX_OK);
	/* Mappings of a sub-VMAR: COMMIT through the parent is
	 * INVALID_ARGS, and any op without OP_CHILDREN. */
	c = sub(p, CAN_RW | ZX_VM_SPECIFIC, 16 * PAGE, 4 * PAGE, NULL);
	b = map(c, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, PAGE);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_COMMIT, b, PAGE, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_op_range(p, ZX_VMAR_OP_DONT_NEED, b, PAGE, NULL,
	    0), ZX_OK);
	noop = dup_rights(p, ZX_DEFAULT_VMAR_RIGHTS & ~ZX_RIGHT_OP_CHILDREN);
	cr_assert_eq(zx_vmar_op_range(noop, ZX_VMAR_OP_DONT_NEED, b, PAGE,
	    NULL, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_op_range(c, ZX_VMAR_OP_COMMIT, b, PAGE, NULL, 0),
	    ZX_OK);
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	zx_handle_close(noop);
	zx_handle_close(c);
	zx_handle_close(p);
	zx_handle_close(vmo);
	zx_handle_close(ro);
	zx_handle_close(ev);
}

Test(vmar_info, vmar_maps_tree)
{
	zx_handle_t root = zx_vmar_root_self(), p, c, vmo = vmo_new(PAGE, 0);
	zx_info_maps_t maps[8];
	size_t actual = 0, avail = 0;
	zx_vaddr_t pa, ca, m1, m2;

	cr_assert_eq(zx_object_set_property(vmo, ZX_PROP_NAME, "mapped", 6),
	    ZX_OK);
	p = sub(root, CAN_RW | ZX_VM_CAN_MAP_SPECIFIC, 0, 32 * PAGE, &pa);
	m1 = map(p, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 0, vmo, PAGE);
	c = sub(p, CAN_RW | ZX_VM_SPECIFIC, 8 * PAGE, 8 * PAGE, &ca);
	m2 = map(c, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, PAGE);
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_VMAR_MAPS, maps,
	    sizeof(maps), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 4);
	cr_assert_eq(avail, 4);
	cr_assert_eq(maps[0].type, ZX_INFO_MAPS_TYPE_VMAR);
	cr_assert_eq(maps[0].base, pa);
	cr_assert_eq(maps[0].depth, 0);
	cr_assert_eq(maps[1].type, ZX_INFO_MAPS_TYPE_MAPPING);
	cr_assert_eq(maps[1].base, m1);
	cr_assert_eq(maps[1].depth, 1);
	cr_assert_eq(maps[1].u.mapping.mmu_flags, ZX_VM_PERM_READ);
	cr_assert_eq(maps[1].u.mapping.vmo_koid, basic_of(vmo).koid);
	cr_assert_str_eq(maps[1].name, "mapped");
	cr_assert_eq(maps[2].type, ZX_INFO_MAPS_TYPE_VMAR);
	cr_assert_eq(maps[2].base, ca);
	cr_assert_eq(maps[2].depth, 1);
	cr_assert_eq(maps[3].base, m2);
	cr_assert_eq(maps[3].depth, 2);
	cr_assert_eq(maps[3].u.mapping.mmu_flags,
	    ZX_VM_PERM_READ | ZX_VM_PERM_WRITE);
	/* A short buffer: actual < avail. */
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_VMAR_MAPS, maps,
	    2 * sizeof(maps[0]), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 2);
	cr_assert_eq(avail, 4);
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	zx_handle_close(c);
	zx_handle_close(p);
	zx_handle_close(vmo);
}

/* The middle of the widest hole in this address space, 1 GiB aligned:
 * Linux puts what a process maps without an address right next to what
 * it already has (top down from below the stack, or bottom up in the
 * legacy layout), so nothing a process maps by itself (libzx's monitor
 * thread, ASan's allocations and the signal stack ASan maps for each
 * thread when it starts, ...) comes anywhere near it: terabytes away. */
static zx_vaddr_t
quiet_address(void)
{
	const uint64_t align = UINT64_C(1) << 30;
	zx_info_vmar_t root = vmar_info(zx_vmar_root_self());
	uint64_t end = root.base + root.len, prev = root.base, lo, hi,
	    best = 0, best_len = 0;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	cr_assert_not_null(f);
	while (prev < end && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &lo, &hi) != 2 ||
		    hi <= prev)
			continue;
		if (lo > end)
			lo = end;
		if (lo > prev && lo - prev > best_len) {
			best = prev;
			best_len = lo - prev;
		}
		prev = hi;
	}
	fclose(f);
	if (prev < end && end - prev > best_len) {
		best = prev;
		best_len = end - prev;
	}
	cr_assert_geq(best_len, 4 * align, "no wide hole");
	return (best + best_len / 2) & ~(align - 1);
}

/* A sub-VMAR of one process is its own: the other process's address
 * space does not have it, and a handle to it sent over maps nothing
 * there. */
static int
child(zx_handle_t ch, zx_vaddr_t pa)
{
	zx_handle_t v, vmo;
	zx_signals_t obs;
	zx_info_vmar_t i;
	zx_vaddr_t a;
	uint32_t ab, ah;

	CHECK(zx_object_wait_one(ch, ZX_CHANNEL_READABLE, ZX_TIME_INFINITE,
	    &obs) == ZX_OK, 10);
	CHECK(zx_channel_read(ch, 0, NULL, &v, 0, 1, &ab, &ah) == ZX_OK, 11);
	CHECK(zx_object_get_info(v, ZX_INFO_VMAR, &i, sizeof(i), NULL,
	    NULL) == ZX_OK && i.base == pa, 12);
	CHECK(zx_vmo_create(PAGE, 0, &vmo) == ZX_OK, 13);
	CHECK(zx_vmar_map(v, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &a) ==
	    ZX_ERR_NOT_SUPPORTED, 14);
	CHECK(zx_vmar_destroy(v) == ZX_ERR_NOT_SUPPORTED, 15);
	/* Our own tree has no such VMAR. */
	{
		static zx_info_maps_t m[256];
		size_t actual = 0, avail = 0;

		CHECK(zx_object_get_info(zx_vmar_root_self(),
		    ZX_INFO_VMAR_MAPS, m, sizeof(m), &actual, &avail) ==
		    ZX_OK, 16);
		for (size_t k = 0; k < actual; k++)
			CHECK(m[k].base != pa, 18);
	}
	/* Nothing of ours is there (the parent reserved it after the fork,
	 * far from where Linux puts what we map ourselves), and our root
	 * takes that very range: the parent's reservation does not reach
	 * here. */
	CHECK(strcmp(linux_prot(pa), "") == 0, 19);
	CHECK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_SPECIFIC,
	    pa - vmar_info(zx_vmar_root_self()).base, vmo, 0, PAGE, &a) ==
	    ZX_OK && a == pa, 17);
	return 0;
}

Test(vmar_procs, sub_vmars_are_per_process)
{
	zx_handle_t root = zx_vmar_root_self(), a, b, p, vmo = vmo_new(PAGE, 0);
	zx_vaddr_t pa, m, quiet;
	int token, st;
	pid_t pid;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(b, &token), ZX_OK);
	quiet = quiet_address();
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t h;
		zx_signals_t obs;
		zx_vaddr_t want;

		CHECK(zxd_handle_import(token, &h) == ZX_OK, 90);
		/* The address comes first, as a message. */
		CHECK(zx_object_wait_one(h, ZX_CHANNEL_READABLE,
		    ZX_TIME_INFINITE, &obs) == ZX_OK, 91);
		CHECK(zx_channel_read(h, 0, &want, NULL, sizeof(want), 0, NULL,
		    NULL) == ZX_OK, 92);
		_exit(child(h, want));
	}
	close(token);
	/* Made after the fork: the child never had it. Where the child maps
	 * nothing of its own: anywhere else what it maps since the fork
	 * (ASan's signal stack for libzx's monitor thread, mapped by that
	 * thread when it gets to run) may take the range at any time. */
	p = sub(root, CAN_RW | ZX_VM_SPECIFIC, quiet - vmar_info(root).base,
	    16 * PAGE, &pa);
	cr_assert_eq(pa, quiet);
	m = map(p, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, PAGE);
	*(volatile uint8_t *)m = 1;
	cr_assert_eq(zx_channel_write(a, 0, &pa, sizeof(pa), NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, NULL, 0, &p, 1), ZX_OK);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %d",
	    WEXITSTATUS(st));
	/* Still ours, untouched. */
	cr_assert_eq(*(volatile uint8_t *)m, 1);
	cr_assert_str_eq(linux_prot(m), "rw-s");
	zx_handle_close(a);
	zx_handle_close(vmo);
}

/* A sub-VMAR made before a fork is, in the child, only address space it
 * inherited (its handle and its daemon record stay the parent's): the
 * child's root may map over it with SPECIFIC_OVERWRITE, as over any
 * mapping of its own, and a plain SPECIFIC map there finds it taken. */
Test(vmar_procs, inherited_sub_vmar_is_plain_memory_in_the_child)
{
	zx_handle_t root = zx_vmar_root_self(), p, vmo = vmo_new(PAGE, 0);
	zx_vaddr_t pa;
	int st;
	pid_t pid;

	p = sub(root, CAN_RW, 0, 4 * PAGE, &pa);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t r = zx_vmar_root_self(), v;
		zx_vaddr_t base = vmar_info(r).base, a = 0;

		CHECK(zx_vmo_create(PAGE, 0, &v) == ZX_OK, 10);
		CHECK(zx_vmar_map(r, ZX_VM_PERM_READ | ZX_VM_SPECIFIC,
		    pa - base, v, 0, PAGE, &a) == ZX_ERR_ALREADY_EXISTS, 11);
		CHECK(zx_vmar_map(r, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE |
		    ZX_VM_SPECIFIC_OVERWRITE, pa - base, v, 0, PAGE, &a) ==
		    ZX_OK && a == pa, 12);
		*(volatile uint8_t *)a = 7;
		CHECK(zx_vmar_unmap(r, a, PAGE) == ZX_OK, 13);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %d",
	    WEXITSTATUS(st));
	/* The parent's sub-VMAR is untouched. */
	cr_assert_eq(vmar_info(p).base, pa);
	cr_assert_eq(zx_vmar_destroy(p), ZX_OK);
	zx_handle_close(p);
	zx_handle_close(vmo);
}
