/* zx_vmar_root_self, zx_vmar_map, zx_vmar_unmap, zx_vmar_protect: the
 * rights matrix and statuses of ZIRCON.md §1.7, and memory that is
 * shared, not copied. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/vmo_util.h"

#define ROOT_RIGHTS	0x20801Fu

static zx_vaddr_t
map(zx_vm_option_t options, zx_handle_t vmo, uint64_t off, size_t len)
{
	zx_vaddr_t addr = 0;

	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), options, 0, vmo, off,
	    len, &addr), ZX_OK, "options %#x", options);
	cr_assert_neq(addr, 0);
	return addr;
}

static void
unmap(zx_vaddr_t addr, size_t len)
{
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), addr, len), ZX_OK);
}

Test(vmar_root, handle)
{
	zx_handle_t v = zx_vmar_root_self();
	zx_info_handle_basic_t b;
	zx_info_vmar_t info;

	cr_assert_neq(v, ZX_HANDLE_INVALID);
	cr_assert_eq(zx_vmar_root_self(), v);
	b = basic_of(v);
	cr_assert_eq(b.type, ZX_OBJ_TYPE_VMAR);
	cr_assert_eq(b.rights, ROOT_RIGHTS);
	cr_assert_eq(zx_object_get_info(v, ZX_INFO_VMAR, &info, sizeof(info),
	    NULL, NULL), ZX_OK);
	cr_assert_eq(info.base, 0x1000000);
	cr_assert_gt(info.len, 1ull << 40);
	/* Closed, it is fetched again. */
	cr_assert_eq(zx_handle_close(v), ZX_OK);
	v = zx_vmar_root_self();
	cr_assert_eq(basic_of(v).koid, b.koid);
	/* No signals on a VMAR. */
	cr_assert_eq(zx_object_wait_one(v, ZX_USER_SIGNAL_0, 0, NULL),
	    ZX_ERR_ACCESS_DENIED);
}

Test(vmar_map, shares_bytes_with_read_write)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0);
	char *buf = malloc(4 * PAGE);
	volatile char *p;
	zx_vaddr_t a;

	for (uint64_t i = 0; i < 4 * PAGE; i++)
		buf[i] = (char)(i * 3);
	cr_assert_eq(zx_vmo_write(h, buf, 0, 4 * PAGE), ZX_OK);
	a = map(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, h, 0, 4 * PAGE);
	p = (volatile char *)a;
	cr_assert_arr_eq((const char *)a, buf, 4 * PAGE);
	/* The other way round. */
	p[PAGE + 5] = 'M';
	cr_assert_eq(zx_vmo_read(h, buf, PAGE + 5, 1), ZX_OK);
	cr_assert_eq(buf[0], 'M');
	/* And after the fact. */
	cr_assert_eq(zx_vmo_write(h, "late", 3 * PAGE, 5), ZX_OK);
	cr_assert_str_eq((const char *)a + 3 * PAGE, "late");
	/* A second mapping of an offset sees the same page. */
	{
		zx_vaddr_t b = 0;

		cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ,
		    0, h, 3 * PAGE, PAGE, &b), ZX_OK);
		cr_assert_str_eq((const char *)b, "late");
		cr_assert_eq(vmo_info(h).num_mappings, 2);
		cr_assert_eq(vmo_info(h).share_count, 1);
		unmap(b, PAGE);
	}
	unmap(a, 4 * PAGE);
	cr_assert_eq(vmo_info(h).num_mappings, 0);
	free(buf);
	zx_handle_close(h);
}

Test(vmar_map, the_mapping_outlives_the_handle)
{
	zx_handle_t h = vmo_new(PAGE, 0);
	zx_vaddr_t a = map(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, h, 0, PAGE);

	zx_handle_close(h);
	strcpy((char *)a, "still here");
	cr_assert_str_eq((const char *)a, "still here");
	unmap(a, PAGE);
}

/* Zircon's RightsTestMapHelper matrix. */
static void
expect_map(zx_handle_t vmo, uint32_t flags, zx_status_t want)
{
	zx_vaddr_t a = 0;
	zx_status_t st = zx_vmar_map(zx_vmar_root_self(), flags, 0, vmo, 0,
	    4 * PAGE, &a);

	cr_assert_eq(st, want, "flags %#x rights %#x", flags, rights_of(vmo));
	if (st == ZX_OK)
		unmap(a, 4 * PAGE);
}

Test(vmar_map, rights_matrix)
{
	const zx_vm_option_t R = ZX_VM_PERM_READ, W = ZX_VM_PERM_WRITE;
	zx_handle_t h = vmo_new(4 * PAGE, 0), d;

	expect_map(h, 0, ZX_OK);
	expect_map(h, R, ZX_OK);
	expect_map(h, W, ZX_ERR_INVALID_ARGS);
	expect_map(h, R | W, ZX_OK);
	expect_map(h, R | ZX_VM_PERM_EXECUTE, ZX_ERR_ACCESS_DENIED);

	d = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_DUPLICATE);
	expect_map(d, 0, ZX_ERR_ACCESS_DENIED);
	expect_map(d, R, ZX_ERR_ACCESS_DENIED);
	expect_map(d, W, ZX_ERR_ACCESS_DENIED);
	expect_map(d, R | W, ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);

	d = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_DUPLICATE);
	expect_map(d, 0, ZX_OK);
	expect_map(d, R, ZX_OK);
	expect_map(d, W, ZX_ERR_INVALID_ARGS);
	expect_map(d, R | W, ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);

	d = dup_rights(h, ZX_RIGHT_WRITE | ZX_RIGHT_MAP | ZX_RIGHT_DUPLICATE);
	expect_map(d, 0, ZX_OK);
	expect_map(d, R, ZX_ERR_ACCESS_DENIED);
	expect_map(d, W, ZX_ERR_INVALID_ARGS);
	expect_map(d, R | W, ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);

	d = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_MAP |
	    ZX_RIGHT_DUPLICATE);
	expect_map(d, 0, ZX_OK);
	expect_map(d, R, ZX_OK);
	expect_map(d, W, ZX_ERR_INVALID_ARGS);
	expect_map(d, R | W, ZX_OK);
	zx_handle_close(d);
	zx_handle_close(h);
}

Test(vmar_map, vmar_rights)
{
	zx_handle_t h = vmo_new(PAGE, 0), v;
	zx_vaddr_t a = 0;

	v = dup_rights(zx_vmar_root_self(), ROOT_RIGHTS & ~ZX_RIGHT_WRITE);
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, h,
	    0, PAGE, &a), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ, 0, h, 0, PAGE, &a),
	    ZX_OK);
	/* The mapping may never become writable through that VMAR. */
	cr_assert_eq(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, a, PAGE), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_unmap(v, a, PAGE), ZX_OK);
	zx_handle_close(v);
	v = dup_rights(zx_vmar_root_self(), ROOT_RIGHTS & ~ZX_RIGHT_READ);
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ, 0, h, 0, PAGE, &a),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(v);
	zx_handle_close(h);
}

Test(vmar_map, handle_statuses)
{
	zx_handle_t h = vmo_new(PAGE, 0), e = event_new(), d;
	zx_handle_t v = zx_vmar_root_self();
	zx_vaddr_t a = 0;

	cr_assert_eq(zx_vmar_map(ZX_HANDLE_INVALID, ZX_VM_PERM_READ, 0, h, 0,
	    PAGE, &a), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmar_map(h, ZX_VM_PERM_READ, 0, h, 0, PAGE, &a),
	    ZX_ERR_WRONG_TYPE);
	/* The VMAR is looked at first. */
	cr_assert_eq(zx_vmar_map(e, ZX_VM_PERM_READ, 0, 0x7ffffff3, 0, PAGE,
	    &a), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ, 0, ZX_HANDLE_INVALID, 0,
	    PAGE, &a), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ, 0, e, 0, PAGE, &a),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ, 0, v, 0, PAGE, &a),
	    ZX_ERR_WRONG_TYPE);
	/* No MAP right: ACCESS_DENIED before any option is looked at. */
	d = dup_rights(h, rights_of(h) & ~ZX_RIGHT_MAP);
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_WRITE | (1u << 20), 0, d, 0, 0,
	    &a), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(d);
	zx_handle_close(e);
	zx_handle_close(h);
}

Test(vmar_map, option_statuses)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0), r = vmo_new(PAGE,
	    ZX_VMO_RESIZABLE), dv = vmo_new(PAGE, ZX_VMO_DISCARDABLE);
	zx_handle_t v = zx_vmar_root_self();
	const zx_vm_option_t R = ZX_VM_PERM_READ;
	zx_vaddr_t a = 0;

	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_EXECUTE, 0, h, 0, PAGE, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_CAN_MAP_READ, 0, h, 0, PAGE, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_CAN_MAP_EXECUTE, 0, h, 0, PAGE,
	    &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_MAP_RANGE |
	    ZX_VM_SPECIFIC_OVERWRITE, 0, h, 0, PAGE, &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_FAULT_BEYOND_STREAM_SIZE, 0, h,
	    0, PAGE, &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | (1u << 20), 0, h, 0, PAGE, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | (9u << ZX_VM_ALIGN_BASE), 0, h, 0,
	    PAGE, &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | (33u << ZX_VM_ALIGN_BASE), 0, h, 0,
	    PAGE, &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_COMPACT, 0, h, 0, PAGE, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_CAN_MAP_SPECIFIC, 0, h, 0, PAGE,
	    &a), ZX_ERR_INVALID_ARGS);
	/* Resizable and discardable VMOs. */
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_REQUIRE_NON_RESIZABLE, 0, r, 0,
	    PAGE, &a), ZX_ERR_NOT_SUPPORTED);
	a = map(R | ZX_VM_REQUIRE_NON_RESIZABLE, h, 0, PAGE);
	unmap(a, PAGE);
	cr_assert_eq(zx_vmar_map(v, R, 0, dv, 0, PAGE, &a),
	    ZX_ERR_NOT_SUPPORTED);
	a = map(R | ZX_VM_ALLOW_FAULTS, dv, 0, PAGE);
	unmap(a, PAGE);
	/* Lengths and offsets. */
	cr_assert_eq(zx_vmar_map(v, R, 0, h, 0, 0, &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R, 0, h, 1, PAGE, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R, 0, h, 0, SIZE_MAX, &a),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmar_map(v, R, 0, h, UINT64_MAX - PAGE + 1, 2 * PAGE,
	    &a), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmar_map(v, R, PAGE, h, 0, PAGE, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_SPECIFIC, UINTPTR_MAX, h, 0,
	    PAGE, &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_SPECIFIC, PAGE + 1, h, 0, PAGE,
	    &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_SPECIFIC | ZX_VM_ALIGN_1MB,
	    PAGE, h, 0, PAGE, &a), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_map(v, R | ZX_VM_SPECIFIC |
	    ZX_VM_OFFSET_IS_UPPER_LIMIT, 1ull << 30, h, 0, PAGE, &a),
	    ZX_ERR_INVALID_ARGS);
	/* Mapping past the end of the VMO is allowed. */
	a = map(R, h, 0, 8 * PAGE);
	unmap(a, 8 * PAGE);
	cr_assert_eq(vmo_info(h).num_mappings, 0);
	/* A mapping with nowhere to report its address is undone. */
	cr_assert_eq(zx_vmar_map(v, R, 0, h, 0, PAGE, NULL),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmo_info(h).num_mappings, 0);
	zx_handle_close(dv);
	zx_handle_close(r);
	zx_handle_close(h);
}

Test(vmar_map, specific_and_overwrite)
{
	zx_handle_t h = vmo_new(2 * PAGE, 0), g = vmo_new(PAGE, 0);
	zx_handle_t v = zx_vmar_root_self();
	zx_info_vmar_t info;
	zx_vaddr_t a, b = 0, c = 0;
	uint64_t off;

	cr_assert_eq(zx_object_get_info(v, ZX_INFO_VMAR, &info, sizeof(info),
	    NULL, NULL), ZX_OK);
	cr_assert_eq(zx_vmo_write(h, "first", 0, 6), ZX_OK);
	cr_assert_eq(zx_vmo_write(g, "second", 0, 7), ZX_OK);
	a = map(ZX_VM_PERM_READ, h, 0, 2 * PAGE);
	off = a - info.base;
	/* Taken. */
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, off, g,
	    0, PAGE, &b), ZX_ERR_ALREADY_EXISTS);
	/* Overwritten: the second page is g's now. */
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ | ZX_VM_SPECIFIC_OVERWRITE,
	    off + PAGE, g, 0, PAGE, &b), ZX_OK);
	cr_assert_eq(b, a + PAGE);
	cr_assert_str_eq((const char *)b, "second");
	cr_assert_str_eq((const char *)a, "first");
	cr_assert_eq(vmo_info(h).num_mappings, 1);
	cr_assert_eq(vmo_info(g).num_mappings, 1);
	/* Memory the VMAR does not own is never overwritten. */
	c = (zx_vaddr_t)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, c -
	    info.base, g, 0, PAGE, &b), ZX_ERR_ALREADY_EXISTS);
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ | ZX_VM_SPECIFIC_OVERWRITE,
	    c - info.base, g, 0, PAGE, &b), ZX_ERR_INVALID_ARGS);
	munmap((void *)c, PAGE);
	/* Free space, exactly where asked. */
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, c -
	    info.base, g, 0, PAGE, &b), ZX_OK);
	cr_assert_eq(b, c);
	unmap(b, PAGE);
	unmap(a, 2 * PAGE);
	cr_assert_eq(vmo_info(g).num_mappings, 0);
	zx_handle_close(g);
	zx_handle_close(h);
}

Test(vmar_map, alignment_and_upper_limit)
{
	zx_handle_t h = vmo_new(PAGE, 0);
	zx_handle_t v = zx_vmar_root_self();
	zx_info_vmar_t info;
	zx_vaddr_t a = 0;

	cr_assert_eq(zx_object_get_info(v, ZX_INFO_VMAR, &info, sizeof(info),
	    NULL, NULL), ZX_OK);
	a = map(ZX_VM_PERM_READ | ZX_VM_ALIGN_1MB, h, 0, PAGE);
	cr_assert_eq(a & ((1u << 20) - 1), 0);
	unmap(a, PAGE);
	a = map(ZX_VM_PERM_READ | ZX_VM_ALIGN_4GB, h, 0, PAGE);
	cr_assert_eq(a & ((1ull << 32) - 1), 0);
	unmap(a, PAGE);
	/* Low enough to be below where Linux puts mappings by itself (and
	 * below ASan's shadow memory). */
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ |
	    ZX_VM_OFFSET_IS_UPPER_LIMIT, 1ull << 30, h, 0, PAGE, &a), ZX_OK);
	cr_assert_leq(a + PAGE, info.base + (1ull << 30));
	unmap(a, PAGE);
	cr_assert_eq(zx_vmar_map(v, ZX_VM_PERM_READ |
	    ZX_VM_OFFSET_IS_UPPER_LIMIT, PAGE - 1, h, 0, PAGE, &a),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(h);
}

Test(vmar_map, permissions_are_enforced)
{
	zx_handle_t h = vmo_new(2 * PAGE, 0);
	zx_vaddr_t a;

	a = map(ZX_VM_PERM_READ, h, 0, PAGE);
	cr_assert(probe((volatile uint8_t *)a, false));
	cr_assert_not(probe((volatile uint8_t *)a, true));
	unmap(a, PAGE);
	a = map(0, h, 0, PAGE);
	cr_assert_not(probe((volatile uint8_t *)a, false));
	cr_assert_eq(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, a,
	    PAGE), ZX_OK);
	cr_assert(probe((volatile uint8_t *)a, false));
	cr_assert_not(probe((volatile uint8_t *)a, true));
	cr_assert_eq(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, a, PAGE), ZX_OK);
	cr_assert(probe((volatile uint8_t *)a, true));
	cr_assert_eq(zx_vmar_protect(zx_vmar_root_self(), 0, a, PAGE), ZX_OK);
	cr_assert_not(probe((volatile uint8_t *)a, false));
	unmap(a, PAGE);
	/* Past the end of a VMO, accesses fault. */
	a = map(ZX_VM_PERM_READ, h, 0, 4 * PAGE);
	cr_assert(probe((volatile uint8_t *)a + PAGE, false));
	cr_assert_not(probe((volatile uint8_t *)a + 2 * PAGE, false));
	unmap(a, 4 * PAGE);
	zx_handle_close(h);
}

Test(vmar_map, grow_mapped_vmo)
{
	zx_handle_t h = vmo_new(2 * PAGE, ZX_VMO_RESIZABLE);
	volatile uint8_t *p;
	zx_vaddr_t a;
	uint8_t b;

	a = map(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, h, 0, 8 * PAGE);
	p = (volatile uint8_t *)a;
	cr_assert_not(probe(p + 5 * PAGE, false));
	cr_assert_eq(zx_vmo_set_size(h, 6 * PAGE + PAGE / 2), ZX_OK);
	p[5 * PAGE] = 1;
	cr_assert_eq(zx_vmo_read(h, &b, 5 * PAGE, 1), ZX_OK);
	cr_assert_eq(b, 1);
	p[6 * PAGE + PAGE / 2 + 16] = 2;
	cr_assert_eq(zx_vmo_read(h, &b, 6 * PAGE + PAGE / 2 + 16, 1), ZX_OK);
	cr_assert_eq(b, 2);
	b = 3;
	cr_assert_eq(zx_vmo_write(h, &b, 5 * PAGE + 16, 1), ZX_OK);
	cr_assert_eq(p[5 * PAGE + 16], 3);
	/* Shrunk under the mapping: the tail faults again. */
	cr_assert_eq(zx_vmo_set_size(h, PAGE), ZX_OK);
	cr_assert_not(probe(p + PAGE, false));
	cr_assert(probe(p, true));
	unmap(a, 8 * PAGE);
	zx_handle_close(h);
}

Test(vmar_map, cache_policy_refused_while_mapped)
{
	zx_handle_t h = vmo_new(PAGE, 0);
	zx_vaddr_t a = map(ZX_VM_PERM_READ, h, 0, PAGE);

	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_UNCACHED),
	    ZX_ERR_BAD_STATE);
	unmap(a, PAGE);
	cr_assert_eq(zx_vmo_set_cache_policy(h, ZX_CACHE_POLICY_UNCACHED),
	    ZX_OK);
	zx_handle_close(h);
}

Test(vmar_map, slices_and_references_map_their_part)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0), s, r;
	zx_vaddr_t a;

	cr_assert_eq(zx_vmo_write(h, "third", 2 * PAGE, 6), ZX_OK);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_SLICE, 2 * PAGE,
	    PAGE, &s), ZX_OK);
	a = map(ZX_VM_PERM_READ, s, 0, PAGE);
	cr_assert_str_eq((const char *)a, "third");
	unmap(a, PAGE);
	cr_assert_eq(zx_vmo_create_child(h, ZX_VMO_CHILD_REFERENCE, 0, 0, &r),
	    ZX_OK);
	a = map(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, r, 2 * PAGE, PAGE);
	cr_assert_str_eq((const char *)a, "third");
	strcpy((char *)a, "ref");
	unmap(a, PAGE);
	a = map(ZX_VM_PERM_READ | ZX_VM_MAP_RANGE, h, 0, 4 * PAGE);
	cr_assert_str_eq((const char *)a + 2 * PAGE, "ref");
	unmap(a, 4 * PAGE);
	zx_handle_close(r);
	zx_handle_close(s);
	zx_handle_close(h);
}

/* --- zx_vmar_unmap ------------------------------------------------------ */

Test(vmar_unmap, statuses)
{
	zx_handle_t h = vmo_new(PAGE, 0), v = zx_vmar_root_self();
	zx_vaddr_t a = map(ZX_VM_PERM_READ, h, 0, PAGE);

	cr_assert_eq(zx_vmar_unmap(ZX_HANDLE_INVALID, a, PAGE),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmar_unmap(h, a, PAGE), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_vmar_unmap(v, a + 1, PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_unmap(v, a, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_unmap(v, a, SIZE_MAX), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_unmap(v, 0, PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_unmap(v, UINTPTR_MAX & ~(PAGE - 1), PAGE),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmo_info(h).num_mappings, 1);
	/* An unaligned length is rounded up. */
	cr_assert_eq(zx_vmar_unmap(v, a, 1), ZX_OK);
	cr_assert_eq(vmo_info(h).num_mappings, 0);
	/* Nothing there any more: still fine. */
	cr_assert_eq(zx_vmar_unmap(v, a, PAGE), ZX_OK);
	zx_handle_close(h);
}

Test(vmar_unmap, partial)
{
	zx_handle_t h = vmo_new(4 * PAGE, 0);
	zx_vaddr_t a = map(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, h, 0, 4 * PAGE);
	volatile uint8_t *p = (volatile uint8_t *)a;
	uint8_t b;

	unmap(a + PAGE, PAGE);
	cr_assert(probe(p, true));
	cr_assert_not(probe(p + PAGE, false));
	cr_assert(probe(p + 2 * PAGE, true));
	/* Split in two. */
	cr_assert_eq(vmo_info(h).num_mappings, 2);
	p[3 * PAGE] = 7;
	cr_assert_eq(zx_vmo_read(h, &b, 3 * PAGE, 1), ZX_OK);
	cr_assert_eq(b, 7);
	unmap(a + 3 * PAGE, PAGE);
	cr_assert_eq(vmo_info(h).num_mappings, 2);
	/* One call over the gap takes both. */
	unmap(a, 4 * PAGE);
	cr_assert_eq(vmo_info(h).num_mappings, 0);
	zx_handle_close(h);
}

/* --- zx_vmar_protect ----------------------------------------------------- */

Test(vmar_protect, statuses)
{
	zx_handle_t h = vmo_new(2 * PAGE, 0), ro, d, v = zx_vmar_root_self();
	const zx_vm_option_t R = ZX_VM_PERM_READ, W = ZX_VM_PERM_WRITE;
	zx_vaddr_t a = map(R | W, h, 0, 2 * PAGE), b;

	cr_assert_eq(zx_vmar_protect(ZX_HANDLE_INVALID, R, a, PAGE),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_vmar_protect(h, R, a, PAGE), ZX_ERR_WRONG_TYPE);
	d = dup_rights(v, ROOT_RIGHTS & ~ZX_RIGHT_WRITE);
	cr_assert_eq(zx_vmar_protect(d, R | W, a, PAGE), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_protect(d, R, a, PAGE), ZX_OK);
	zx_handle_close(d);
	cr_assert_eq(zx_vmar_protect(v, W, a, PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(v, ZX_VM_PERM_EXECUTE, a, PAGE),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(v, R, a + 1, PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(v, R, a, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(v, R | ZX_VM_SPECIFIC, a, PAGE),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(v, R | ZX_VM_ALIGN_1MB, a, PAGE),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(v, R | (1u << 20), a, PAGE),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_vmar_protect(v, R, 0, PAGE), ZX_ERR_INVALID_ARGS);
	/* Past the mapping: NOT_FOUND. */
	cr_assert_eq(zx_vmar_protect(v, R, a, 3 * PAGE), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_vmar_protect(v, R | ZX_VM_PERM_EXECUTE, a, PAGE),
	    ZX_ERR_ACCESS_DENIED);
	/* A mapping made through a read-only handle stays read-only. */
	ro = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_MAP);
	b = map(R, ro, 0, PAGE);
	cr_assert_eq(zx_vmar_protect(v, R | W, b, PAGE), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmar_protect(v, R, a, 2 * PAGE), ZX_OK);
	cr_assert_not(probe((volatile uint8_t *)a, true));
	cr_assert_eq(zx_vmar_protect(v, R | W, a + PAGE, PAGE), ZX_OK);
	cr_assert(probe((volatile uint8_t *)a + PAGE, true));
	cr_assert_not(probe((volatile uint8_t *)a, true));
	unmap(b, PAGE);
	unmap(a, 2 * PAGE);
	cr_assert_eq(zx_vmar_protect(v, R, a, PAGE), ZX_ERR_NOT_FOUND);
	zx_handle_close(ro);
	zx_handle_close(h);
}

/* --- between processes ------------------------------------------------- */

Test(vmar_share, two_processes_share_bytes)
{
	zx_handle_t h = vmo_new(PAGE, 0), d;
	volatile char *a;
	int fd, st;
	pid_t pid;

	if (!have_handle_transfer())
		cr_skip_test("zxd_handle_export/import not in this libzx");
	a = (volatile char *)map(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, h, 0,
	    PAGE);
	d = dup_rights(h, ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zxd_handle_export(d, &fd), ZX_OK);
	pid = fork();
	if (pid == 0) {
		zx_handle_t c;
		zx_vaddr_t b;

		if (zxd_handle_import(fd, &c) != ZX_OK ||
		    zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
		    ZX_VM_PERM_WRITE, 0, c, 0, PAGE, &b) != ZX_OK)
			_exit(1);
		strcpy((char *)b, "from the child");
		while (((volatile char *)b)[0] != 'F')
			usleep(1000);
		_exit(vmo_info(c).share_count == 2 ? 0 : 2);
	}
	close(fd);
	while (a[0] != 'f')
		usleep(1000);
	cr_assert_str_eq((const char *)a, "from the child");
	a[0] = 'F';
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(WEXITSTATUS(st), 0);
	zx_handle_close(h);
}
