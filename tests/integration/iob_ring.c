/* Shared regions and the mediated-write ring buffer: zx_iob_create_shared_region,
 * regions of type SHARED in zx_iob_create, ZX_INFO_IOB_REGIONS over them,
 * mapping them, and zx_iob_writev: every status in the kernel's order,
 * the ring's layout byte for byte, wrap-around, corrupt headers and
 * concurrent writers (the strobed UPDATED signal: iob_strobe.c). (Zircon's
 * IobSharedRegion and IobWrite* cases, and more.) */
#include "config-build.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/integration/iob_util.h"
#include "tests/lib/zxdtest.h"

#define RW		(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE)
#define MAX_MSG		(65535 - 16)
#define SHARED_RIGHTS	0xD0C3u
#define TAG		0x0123456789abcdefULL

/* Zircon's largest VMO with 4 KiB pages and up. */
#define MAX_SIZE(page)	(UINT64_MAX & ~(32 * (page) - 1))

static zx_status_t
create_shared(uint64_t options, uint64_t size)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_status_t st = zx_iob_create_shared_region(options, size, &h);

	if (st == ZX_OK)
		zx_handle_close(h);
	else
		cr_assert_eq(h, ZX_HANDLE_INVALID, "out written on failure");
	return st;
}

static zx_status_t
create1(zx_iob_region_t r)
{
	zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;
	zx_status_t st = zx_iob_create(0, &r, 1, &a, &b);

	if (st == ZX_OK) {
		zx_handle_close(a);
		zx_handle_close(b);
	} else {
		cr_assert_eq(a, ZX_HANDLE_INVALID);
		cr_assert_eq(b, ZX_HANDLE_INVALID);
	}
	return st;
}

/* --- zx_iob_create_shared_region ------------------------------------ */

Test(iob_shared_region, invalid_args)
{
	cr_assert_eq(create_shared(1, PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create_shared(UINT64_MAX, PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create_shared(0, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create_shared(0, PAGE + 3), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create_shared(0, 1), ZX_ERR_INVALID_ARGS);
	/* Options first, then the size. */
	cr_assert_eq(create_shared(1, 0), ZX_ERR_INVALID_ARGS);
	/* The handle is made, then lost on a NULL out. */
	cr_assert_eq(zx_iob_create_shared_region(0, PAGE, NULL),
	    ZX_ERR_INVALID_ARGS);
}

Test(iob_shared_region, out_of_range)
{
	cr_assert_eq(create_shared(0, UINT64_MAX - PAGE + 1),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(create_shared(0, MAX_SIZE(PAGE) + PAGE),
	    ZX_ERR_OUT_OF_RANGE);
}

Test(iob_shared_region, handle)
{
	zx_handle_t sr = shared_new(PAGE);
	zx_info_handle_basic_t b = basic_of(sr);
	zx_signals_t seen = 0;

	cr_assert_eq(b.type, ZX_OBJ_TYPE_IOB_SHARED_REGION);
	cr_assert_eq(b.rights, ZX_DEFAULT_IOB_SHARED_REGION_RIGHTS);
	cr_assert_eq(b.rights, SHARED_RIGHTS);
	cr_assert_neq(b.koid, ZX_KOID_INVALID);
	cr_assert_eq(b.related_koid, ZX_KOID_INVALID);
	/* User signals, and only those. */
	cr_assert_eq(zx_object_signal(sr, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_object_wait_one(sr, ZX_USER_SIGNAL_0,
	    ZX_TIME_INFINITE_PAST, &seen), ZX_OK);
	cr_assert_eq(seen, ZX_USER_SIGNAL_0);
	cr_assert_eq(zx_object_signal(sr, ZX_USER_SIGNAL_0, 0), ZX_OK);
	cr_assert_eq(zx_object_wait_one(sr, ZX_USER_SIGNAL_0,
	    ZX_TIME_INFINITE_PAST, &seen), ZX_ERR_TIMED_OUT);
	cr_assert_eq(seen, 0);
	cr_assert_eq(zx_object_signal(sr, 0, ZX_IOB_SHARED_REGION_UPDATED),
	    ZX_ERR_INVALID_ARGS);
	/* No SIGNAL_PEER right (and no peer). */
	cr_assert_eq(zx_object_signal_peer(sr, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_ACCESS_DENIED);
	/* No name of its own: "" to read, NOT_SUPPORTED to set. */
	{
		char name[ZX_MAX_NAME_LEN] = "x";

		cr_assert_eq(zx_object_get_property(sr, ZX_PROP_NAME, name,
		    sizeof(name)), ZX_OK);
		cr_assert_str_eq(name, "");
		cr_assert_eq(zx_object_set_property(sr, ZX_PROP_NAME, "n", 1),
		    ZX_ERR_NOT_SUPPORTED);
	}
	/* No MAP: a shared region is mapped through an IOBuffer. */
	{
		zx_vaddr_t a;

		cr_assert_eq(zx_vmar_map(zx_vmar_root_self(),
		    ZX_VM_PERM_READ, 0, sr, 0, PAGE, &a),
		    ZX_ERR_WRONG_TYPE);
	}
	zx_handle_close(sr);
}

/* --- regions of type SHARED ----------------------------------------- */

Test(iob_shared_region, non_ring_disciplines)
{
	zx_handle_t sr = shared_new(2 * PAGE);
	zx_iob_region_t r = ring_region(sr, RW_BOTH, 0);

	r.discipline.type = ZX_IOB_DISCIPLINE_TYPE_NONE;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	r.discipline.type = ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	r.access = EP0_MW;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	r.discipline.type = 42;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	zx_handle_close(sr);
}

Test(iob_shared_region, ring_invalid_args)
{
	zx_handle_t sr1 = shared_new(PAGE), sr2 = shared_new(2 * PAGE);
	zx_handle_t ch0, ch1, none;
	zx_iob_region_t r, p;
	zx_iob_region_shared_t *so;

	/* The ring needs a shared region. */
	p = region(RW_BOTH, PAGE,
	    ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER);
	cr_assert_eq(create1(p), ZX_ERR_INVALID_ARGS);
	/* At least two pages: a header and a ring. */
	cr_assert_eq(create1(ring_region(sr1, RW_BOTH, 0)),
	    ZX_ERR_INVALID_ARGS);
	/* The size comes from the shared region. */
	r = ring_region(sr2, RW_BOTH, 0);
	r.size = 2 * PAGE;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	/* Options, checked before the handle. */
	r = ring_region(ZX_HANDLE_INVALID, RW_BOTH, 0);
	so = (zx_iob_region_shared_t *)r.max_extension;
	so->options = 1;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	r.size = 1;
	so->options = 0;
	cr_assert_eq(create1(r), ZX_ERR_INVALID_ARGS);
	/* Then the handle: none, a bad value, another type. */
	cr_assert_eq(create1(ring_region(ZX_HANDLE_INVALID, RW_BOTH, 0)),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(create1(ring_region(0x7ffffff3u, RW_BOTH, 0)),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_channel_create(0, &ch0, &ch1), ZX_OK);
	cr_assert_eq(create1(ring_region(ch0, RW_BOTH, 0)),
	    ZX_ERR_WRONG_TYPE);
	/* No rights are needed on it. */
	cr_assert_eq(zx_handle_duplicate(sr2, 0, &none), ZX_OK);
	cr_assert_eq(create1(ring_region(none, EP0_MW, 0)), ZX_OK);
	/* Access: reachable somehow. */
	cr_assert_eq(create1(ring_region(sr2, 0, 0)), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create1(ring_region(sr2, EP0_R | EP1_R, 0)),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create1(ring_region(sr2, EP1_MR, 0)), ZX_OK);
	zx_handle_close(none);
	zx_handle_close(ch0);
	zx_handle_close(ch1);
	zx_handle_close(sr1);
	zx_handle_close(sr2);
}

/* A region array that cannot be read faults where Zircon copies it:
 * after the options and the count. */
Test(iob_shared_region, bad_region_array)
{
	zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_iob_create(0, (zx_iob_region_t *)1, 1, &a, &b),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_iob_create(1, (zx_iob_region_t *)1, 1, &a, &b),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_iob_create(0, (zx_iob_region_t *)1, 65, &a, &b),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(a, ZX_HANDLE_INVALID);
	cr_assert_eq(b, ZX_HANDLE_INVALID);
}

/* Regions are checked in order: the first failure wins, and a later
 * region's bad handle is never looked at. */
Test(iob_shared_region, region_order)
{
	zx_handle_t sr = shared_new(2 * PAGE);
	zx_iob_region_t r[3] = {
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		ring_region(sr, EP0_MW | EP1_R, 1),
		ring_region(ZX_HANDLE_INVALID, EP0_MW, 2),
	};
	zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_iob_create(0, r, 3, &a, &b), ZX_ERR_BAD_HANDLE);
	r[0].access = 0;
	cr_assert_eq(zx_iob_create(0, r, 3, &a, &b), ZX_ERR_INVALID_ARGS);
	r[0].access = RW_BOTH;
	r[2] = ring_region(sr, EP1_MW, 2);
	cr_assert_eq(zx_iob_create(0, r, 3, &a, &b), ZX_OK);
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(sr);
}

Test(iob_shared_region, region_info)
{
	zx_handle_t sr = shared_new(4 * PAGE), ep0, ep1, e0, e1;
	zx_koid_t koid = basic_of(sr).koid;
	zx_iob_region_t r = ring_region(sr, EP0_MW | EP1_R | EP1_W, TAG);
	zx_iob_region_info_t i0, i1;
	zx_info_iob_t info;

	cr_assert_eq(zx_iob_create(0, &r, 1, &ep0, &ep1), ZX_OK);
	i0 = region_info_of(ep0, 0);
	i1 = region_info_of(ep1, 0);
	/* As given, size 0 included, but each endpoint sees itself as
	 * endpoint 0; the koid is the shared region's. */
	cr_assert_arr_eq(&i0.region, &r, sizeof(r));
	cr_assert_eq(i0.region.size, 0);
	cr_assert_eq(i1.region.access, EP0_R | EP0_W | EP1_MW);
	cr_assert_eq(i0.koid, koid);
	cr_assert_eq(i1.koid, koid);
	cr_assert_eq(zx_object_get_info(ep0, ZX_INFO_IOB, &info,
	    sizeof(info), NULL, NULL), ZX_OK);
	cr_assert_eq(info.region_count, 1);
	/* Many IOBuffers over one region: one koid, one memory. */
	for (int i = 0; i < 50; i++) {
		ring_iob(sr, EP0_MW, (uint64_t)i, &e0, &e1);
		cr_assert_eq(region_info_of(e0, 0).koid, koid);
		cr_assert_eq(region_info_of(e1, 0).koid, koid);
		zx_handle_close(e0);
		zx_handle_close(e1);
	}
	/* Naming an IOBuffer leaves its shared regions alone. */
	cr_assert_eq(zx_object_set_property(ep0, ZX_PROP_NAME, "x", 1),
	    ZX_OK);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

/* Mapped through an IOBuffer, with that IOBuffer's access: the whole
 * region (header page included), shared by every IOBuffer over it. */
Test(iob_shared_region, mapping)
{
	zx_handle_t sr = shared_new(3 * PAGE), a0, a1, b0, b1, no_map;
	zx_vaddr_t m, n;

	ring_iob(sr, EP0_MW | EP1_R | EP1_W, 1, &a0, &a1);
	ring_iob(sr, EP0_MW | EP1_R, 2, &b0, &b1);
	/* Endpoint 0 may only write through the kernel. */
	cr_assert_eq(map_iob(ZX_VM_PERM_READ, a0, 0, 0, PAGE, &m),
	    ZX_ERR_ACCESS_DENIED);
	m = map_iob_ok(RW, a1, 0, 0, 3 * PAGE);
	cr_assert_eq(map_iob(RW, b1, 0, 0, 3 * PAGE, &n),
	    ZX_ERR_ACCESS_DENIED);
	n = map_iob_ok(ZX_VM_PERM_READ, b1, 0, 0, 3 * PAGE);
	((char *)m)[2 * PAGE] = 'z';
	cr_assert_eq(((char *)n)[2 * PAGE], 'z');
	/* Past the end: nothing to map... but like any mapping past a
	 * VMO's end, it is made and faults. Within bounds: partial. */
	unmap_ok(n, 3 * PAGE);
	n = map_iob_ok(ZX_VM_PERM_READ, b1, 0, 2 * PAGE, PAGE);
	cr_assert_eq(((char *)n)[0], 'z');
	/* The newest kernel wants MAP on the handle too. */
	cr_assert_eq(zx_handle_duplicate(a1, IOB_RIGHTS & ~ZX_RIGHT_MAP,
	    &no_map), ZX_OK);
	cr_assert_eq(map_iob(ZX_VM_PERM_READ, no_map, 0, 0, PAGE, &n),
	    ZX_ERR_ACCESS_DENIED);
	unmap_ok(m, 3 * PAGE);
	zx_handle_close(no_map);
	zx_handle_close(a0);
	zx_handle_close(a1);
	zx_handle_close(b0);
	zx_handle_close(b1);
	zx_handle_close(sr);
}

/* The IOBuffer keeps the shared region alive after its handle closes;
 * the memory lives while a mapping does. */
Test(iob_shared_region, lifetime)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1;
	struct ring_hdr *h;
	zx_vaddr_t m;

	ring_iob(sr, EP0_MW | EP1_R | EP1_W, 0x1234, &ep0, &ep1);
	zx_handle_close(sr);
	cr_assert_eq(writev1(ep0, "AliveAfterClose", 16), ZX_OK);
	m = map_iob_ok(ZX_VM_PERM_READ, ep1, 0, 0, 2 * PAGE);
	h = (struct ring_hdr *)m;
	cr_assert_eq(atomic_load(&h->head), 32);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	cr_assert_eq(atomic_load(&h->head), 32);
	cr_assert_str_eq((char *)m + PAGE + 16, "AliveAfterClose");
	unmap_ok(m, 2 * PAGE);
}

/* --- zx_iob_writev: statuses ---------------------------------------- */

Test(iob_writev, rights_and_access)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1, none, no_write;
	char buf[] = "hello";

	ring_iob(sr, EP0_MW, 0, &ep0, &ep1);
	cr_assert_eq(zx_handle_duplicate(ep0, 0, &none), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(ep0, IOB_RIGHTS & ~ZX_RIGHT_WRITE,
	    &no_write), ZX_OK);
	cr_assert_eq(writev1(none, buf, sizeof(buf)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(writev1(no_write, buf, sizeof(buf)),
	    ZX_ERR_ACCESS_DENIED);
	/* Endpoint 1 may not write through the kernel. */
	cr_assert_eq(writev1(ep1, buf, sizeof(buf)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(writev1(ep0, buf, sizeof(buf)), ZX_OK);
	zx_handle_close(none);
	zx_handle_close(no_write);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

Test(iob_writev, invalid_args)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1, ch0, ch1, id0, id1;
	zx_iob_region_t r[2] = {
		ring_region(sr, EP0_MW | EP1_R, 0),
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	char buf[] = "hello";
	zx_iovec_t v = { buf, sizeof(buf) }, many[9], big[2];
	uint8_t *large = calloc(1, MAX_MSG + 1);
	uint32_t id;

	cr_assert_eq(zx_iob_create(0, r, 2, &ep0, &ep1), ZX_OK);
	cr_assert_eq(zx_channel_create(0, &ch0, &ch1), ZX_OK);
	/* Options before the handle. */
	cr_assert_eq(zx_iob_writev(ep0, 1, 0, &v, 1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_iob_writev(ZX_HANDLE_INVALID, 1, 0, &v, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_iob_writev(ZX_HANDLE_INVALID, 0, 0, &v, 1),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_iob_writev(ch0, 0, 0, &v, 1), ZX_ERR_WRONG_TYPE);
	/* The region: its index, its discipline. */
	cr_assert_eq(zx_iob_writev(ep0, 0, 2, &v, 1), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_iob_writev(ep0, 0, UINT32_MAX, &v, 1),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_iob_writev(ep0, 0, 1, &v, 1), ZX_ERR_WRONG_TYPE);
	/* ... before anything about the vectors. */
	cr_assert_eq(zx_iob_writev(ep0, 0, 1, (zx_iovec_t *)1, 1),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_iob_writev(ep1, 0, 0, (zx_iovec_t *)1, 1),
	    ZX_ERR_ACCESS_DENIED);
	/* A vector array that cannot be read. */
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, (zx_iovec_t *)1, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, NULL, 1), ZX_ERR_INVALID_ARGS);
	/* Sizes that overflow, or exceed the maximum message. */
	big[0] = (zx_iovec_t){ buf, SIZE_MAX };
	big[1] = (zx_iovec_t){ buf, SIZE_MAX };
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, big, 2), ZX_ERR_INVALID_ARGS);
	big[0] = (zx_iovec_t){ large, MAX_MSG + 1 };
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, big, 1), ZX_ERR_INVALID_ARGS);
	big[0] = (zx_iovec_t){ large, MAX_MSG };
	big[1] = (zx_iovec_t){ large, 1 };
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, big, 2), ZX_ERR_INVALID_ARGS);
	/* Larger than the ring (one page here). */
	big[0] = (zx_iovec_t){ large, PAGE + 1 };
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, big, 1), ZX_ERR_NO_SPACE);
	big[0] = (zx_iovec_t){ large, PAGE - 16 + 1 };
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, big, 1), ZX_ERR_NO_SPACE);
	/* More than 8 vectors, even valid ones. */
	for (int i = 0; i < 9; i++)
		many[i] = v;
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, many, 9), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, (zx_iovec_t *)1, 9),
	    ZX_ERR_INVALID_ARGS);
	/* A buffer that cannot be read: Zircon's soft fault fails. */
	big[0] = (zx_iovec_t){ (void *)1, 5 };
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, big, 1), ZX_ERR_NOT_FOUND);
	big[0] = v;
	big[1] = (zx_iovec_t){ NULL, 1 };
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, big, 2), ZX_ERR_NOT_FOUND);
	/* allocate_id is the other discipline's. */
	cr_assert_eq(zx_iob_allocate_id(ep0, 0, 0, buf, 1, &id),
	    ZX_ERR_WRONG_TYPE);
	/* And a ring region's index is no ring for allocate_id's
	 * neighbour either. */
	{
		zx_iob_region_t ia = region(EP0_MW | EP1_R, PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR);

		cr_assert_eq(zx_iob_create(0, &ia, 1, &id0, &id1), ZX_OK);
		cr_assert_eq(writev1(id0, buf, 1), ZX_ERR_WRONG_TYPE);
		zx_handle_close(id0);
		zx_handle_close(id1);
	}
	/* None of this wrote anything; a good write still works. */
	{
		zx_vaddr_t m = map_iob_ok(ZX_VM_PERM_READ, ep1, 0, 0, 2 * PAGE);

		cr_assert_eq(((struct ring_hdr *)m)->head, 0);
		cr_assert_eq(zx_iob_writev(ep0, 0, 0, &v, 1), ZX_OK);
		cr_assert_eq(((struct ring_hdr *)m)->head, 24);
		unmap_ok(m, 2 * PAGE);
	}
	free(large);
	zx_handle_close(ch0);
	zx_handle_close(ch1);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

/* Empty messages: no vectors at all (even a NULL array), or empty
 * ones; several IOBuffers interleave in one ring, each with its tag. */
Test(iob_writev, empty_and_tags)
{
	zx_handle_t sr = shared_new(2 * PAGE), a0, a1, b0, b1;
	const uint64_t ta = 0xAAAAAAAAAAAAAAAAULL, tb = 0xBBBBBBBBBBBBBBBBULL;
	zx_iovec_t empty = { NULL, 0 }, va, vb;
	char ma[] = "MsgFromA", mb[] = "MsgFromB!";
	uint64_t *w;
	zx_vaddr_t m;

	ring_iob(sr, EP0_MW | EP1_R | EP1_W, ta, &a0, &a1);
	ring_iob(sr, EP0_MW | EP1_R | EP1_W, tb, &b0, &b1);
	va = (zx_iovec_t){ ma, sizeof(ma) };
	vb = (zx_iovec_t){ mb, sizeof(mb) };
	cr_assert_eq(zx_iob_writev(a0, 0, 0, NULL, 0), ZX_OK);
	cr_assert_eq(zx_iob_writev(b0, 0, 0, &empty, 1), ZX_OK);
	cr_assert_eq(zx_iob_writev(a0, 0, 0, &va, 1), ZX_OK);
	cr_assert_eq(zx_iob_writev(b0, 0, 0, &vb, 1), ZX_OK);
	m = map_iob_ok(ZX_VM_PERM_READ, a1, 0, 0, 2 * PAGE);
	cr_assert_eq(((struct ring_hdr *)m)->head, 16 + 16 + 32 + 32);
	cr_assert_eq(((struct ring_hdr *)m)->tail, 0);
	w = (uint64_t *)(m + PAGE);
	cr_assert_eq(w[0], ta);
	cr_assert_eq(w[1], 0);
	cr_assert_eq(w[2], tb);
	cr_assert_eq(w[3], 0);
	cr_assert_eq(w[4], ta);
	cr_assert_eq(w[5], sizeof(ma));
	cr_assert_arr_eq(&w[6], ma, sizeof(ma));
	cr_assert_eq(w[8], tb);
	cr_assert_eq(w[9], sizeof(mb));
	cr_assert_arr_eq(&w[10], mb, sizeof(mb));
	unmap_ok(m, 2 * PAGE);
	zx_handle_close(a0);
	zx_handle_close(a1);
	zx_handle_close(b0);
	zx_handle_close(b1);
	zx_handle_close(sr);
}

/* --- the ring: layout, wrap-around, corruption ------------------------ */

static const uint8_t expected_msg[] = {
	0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,	/* tag */
	6, 0, 0, 0, 0, 0, 0, 0,				/* length */
	'1', '2', '3', '4', '5', 0,			/* message */
};

static void
ring_layout(bool two_vectors)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1;
	char buf[] = "12345";
	zx_iovec_t v[2];
	int nv;
	struct ring_hdr *h;
	uint8_t *ring;
	uint64_t last = 0, before;
	zx_vaddr_t m;

	ring_iob(sr, EP0_MW | RW_BOTH, TAG, &ep0, &ep1);
	m = map_iob_ok(RW, ep0, 0, 0, 2 * PAGE);
	h = (struct ring_hdr *)m;
	ring = (uint8_t *)m + PAGE;
	if (two_vectors) {
		v[0] = (zx_iovec_t){ buf, 3 };
		v[1] = (zx_iovec_t){ buf + 3, sizeof(buf) - 3 };
		nv = 2;
	} else {
		v[0] = (zx_iovec_t){ buf, sizeof(buf) };
		nv = 1;
	}
	for (unsigned i = 0; i < PAGE / 24; i++) {
		cr_assert_eq(zx_iob_writev(ep0, 0, 0, v, nv), ZX_OK);
		cr_assert_eq(h->head, last + 24);
		cr_assert_eq(h->tail, 0);
		cr_assert_arr_eq(ring + last, expected_msg,
		    sizeof(expected_msg));
		last = h->head;
	}
	/* Full: the next one would wrap onto unread messages. */
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, v, nv), ZX_ERR_NO_SPACE);
	cr_assert_eq(h->head, last);
	/* Consume one: it fits, split across the end. */
	h->tail += 24;
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, v, nv), ZX_OK);
	cr_assert_eq(h->head, last + 24);
	cr_assert_eq(h->tail, 24);
	before = PAGE - last;
	cr_assert_arr_eq(ring + last, expected_msg, before);
	cr_assert_arr_eq(ring, expected_msg + before,
	    sizeof(expected_msg) - before);
	unmap_ok(m, 2 * PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

Test(iob_writev, layout_one_vector)
{
	ring_layout(false);
}

Test(iob_writev, layout_two_vectors)
{
	ring_layout(true);
}

/* Every split of a message across the end of the ring: header words,
 * payload, several vectors. */
Test(iob_writev, wrap_everywhere)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1;
	uint8_t payload[40], got[64], *ring;
	zx_iovec_t v[3];
	struct ring_hdr *h;
	zx_vaddr_t m;

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 1);
	ring_iob(sr, EP0_MW | EP1_R | EP1_W, TAG, &ep0, &ep1);
	m = map_iob_ok(RW, ep1, 0, 0, 2 * PAGE);
	h = (struct ring_hdr *)m;
	ring = (uint8_t *)m + PAGE;
	v[0] = (zx_iovec_t){ payload, 5 };
	v[1] = (zx_iovec_t){ payload + 5, 20 };
	v[2] = (zx_iovec_t){ payload + 25, 15 };
	for (uint64_t start = PAGE - 64; start < PAGE + 8; start += 8) {
		/* An empty ring whose head and tail stand at `start`. */
		h->head = start;
		h->tail = start;
		cr_assert_eq(zx_iob_writev(ep0, 0, 0, v, 3), ZX_OK);
		cr_assert_eq(h->head, start + 56);
		for (size_t i = 0; i < 56; i++)
			got[i] = ring[(start + i) % PAGE];
		cr_assert_eq(((uint64_t *)got)[0], TAG);
		cr_assert_eq(((uint64_t *)got)[1], 40);
		cr_assert_arr_eq(got + 16, payload, 40, "start %llu",
		    (unsigned long long)start);
	}
	unmap_ok(m, 2 * PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

Test(iob_writev, corrupt_header)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1;
	char buf[] = "12345678abc";
	zx_iovec_t v = { buf, sizeof(buf) };
	struct ring_hdr *h;
	zx_vaddr_t m;

	ring_iob(sr, EP0_MW | RW_BOTH, 0, &ep0, &ep1);
	m = map_iob_ok(RW, ep0, 0, 0, 2 * PAGE);
	h = (struct ring_hdr *)m;
	/* The tail ahead of the head. */
	h->tail = 8;
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, &v, 1), ZX_ERR_IO_DATA_INTEGRITY);
	/* A misaligned head. */
	h->head = 9;
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, &v, 1), ZX_ERR_IO_DATA_INTEGRITY);
	/* A head that would overflow: 12 bytes round to 32 with the
	 * header; 31 are left. */
	h->head = h->tail = UINT64_MAX - 16 - 16 + 1;
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, &v, 1), ZX_ERR_IO_DATA_INTEGRITY);
	/* The checks that come first still do. */
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, (zx_iovec_t *)1, 1),
	    ZX_ERR_INVALID_ARGS);
	v.capacity = PAGE;
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, &v, 1), ZX_ERR_NO_SPACE);
	/* A smaller message fits: 24 bytes. */
	v.capacity = 5;
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, &v, 1), ZX_OK);
	cr_assert_eq(h->head, UINT64_MAX - 31 + 24);
	/* A reader can repair it and go on. */
	h->head = h->tail = 0;
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, &v, 1), ZX_OK);
	cr_assert_eq(h->head, 24);
	unmap_ok(m, 2 * PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

/* A buffer whose pages are not there yet is read all the same (Zircon
 * resolves the fault and retries). */
Test(iob_writev, faulting_buffers_succeed)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1, vmo;
	zx_vaddr_t a, m;
	char *anon;

	ring_iob(sr, EP0_MW | EP1_R, 0, &ep0, &ep1);
	cr_assert_eq(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), RW, 0, vmo, 0, PAGE,
	    &a), ZX_OK);
	cr_assert_eq(writev1(ep0, (void *)a, 10), ZX_OK);
	anon = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(anon, MAP_FAILED);
	cr_assert_eq(writev1(ep0, anon + PAGE - 3, 6), ZX_OK);
	m = map_iob_ok(ZX_VM_PERM_READ, ep1, 0, 0, 2 * PAGE);
	cr_assert_eq(((struct ring_hdr *)m)->head, 32 + 24);
	/* Half-mapped: the bytes before the hole are not enough. */
	munmap(anon + PAGE, PAGE);
	cr_assert_eq(writev1(ep0, anon + PAGE - 3, 6), ZX_ERR_NOT_FOUND);
	cr_assert_eq(((struct ring_hdr *)m)->head, 32 + 24);
	munmap(anon, PAGE);
	unmap_ok(m, 2 * PAGE);
	unmap_ok(a, PAGE);
	zx_handle_close(vmo);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

Test(iob_writev, max_message_size)
{
	const uint64_t size = 2 * (MAX_MSG / PAGE + 2) * PAGE;
	zx_handle_t sr = shared_new(size), ep0, ep1;
	uint8_t *buf = malloc(MAX_MSG), *ring;
	uint8_t hdr[16] = { 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,
	    (uint8_t)MAX_MSG, (uint8_t)(MAX_MSG >> 8), 0, 0, 0, 0, 0, 0 };
	zx_iovec_t v[8];
	size_t gap = MAX_MSG / 8, left = MAX_MSG;
	uint64_t head;
	zx_vaddr_t m;

	for (size_t i = 0; i < MAX_MSG; i++)
		buf[i] = (uint8_t)i;
	ring_iob(sr, EP0_MW | RW_BOTH, TAG, &ep0, &ep1);
	m = map_iob_ok(RW, ep0, 0, 0, size);
	ring = (uint8_t *)m + PAGE;
	cr_assert_eq(writev1(ep0, buf, MAX_MSG), ZX_OK);
	cr_assert_arr_eq(ring, hdr, 16);
	cr_assert_arr_eq(ring + 16, buf, MAX_MSG);
	head = ((struct ring_hdr *)m)->head;
	cr_assert_eq(head, 65536);
	for (int i = 0; i < 7; i++) {
		v[i] = (zx_iovec_t){ buf + i * gap, gap };
		left -= gap;
	}
	v[7] = (zx_iovec_t){ buf + 7 * gap, left };
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, v, 8), ZX_OK);
	cr_assert_arr_eq(ring + head, hdr, 16);
	cr_assert_arr_eq(ring + head + 16, buf, MAX_MSG);
	unmap_ok(m, size);
	free(buf);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

/* --- the UPDATED signal ------------------------------------------------ */

/* --- many writers, one reader ----------------------------------------- */

#define ITERS	1000

struct writer {
	zx_handle_t ep;
	const char *msg;
	size_t len;
	int spins;
};

static void *
writer_thread(void *arg)
{
	struct writer *w = arg;
	zx_iovec_t v = { (void *)w->msg, w->len };

	for (int i = 0; i < ITERS; i++) {
		zx_status_t st;

		while ((st = zx_iob_writev(w->ep, 0, 0, &v, 1)) ==
		    ZX_ERR_NO_SPACE) {
			w->spins++;
			usleep(1000);
		}
		if (st != ZX_OK)
			return (void *)(intptr_t)st;
	}
	return NULL;
}

Test(iob_writev, many_threads)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1;
	struct writer w[2] = {
		{ .msg = "12345", .len = 6 },
		{ .msg = "67890abcde", .len = 11 },
	};
	int count[2] = { 0, 0 };
	uint64_t tail = 0;
	pthread_t t[2];
	uint8_t *ring;
	struct ring_hdr *h;
	zx_vaddr_t m;
	void *ret;

	ring_iob(sr, EP0_MW | EP1_R | EP1_W, TAG, &ep0, &ep1);
	m = map_iob_ok(RW, ep1, 0, 0, 2 * PAGE);
	h = (struct ring_hdr *)m;
	ring = (uint8_t *)m + PAGE;
	for (int i = 0; i < 2; i++) {
		w[i].ep = ep0;
		cr_assert_eq(pthread_create(&t[i], NULL, writer_thread, &w[i]),
		    0);
	}
	while (count[0] < ITERS || count[1] < ITERS) {
		uint64_t head = atomic_load_explicit(&h->head,
		    memory_order_acquire);

		if (head == tail) {
			/* Woken by the strobe, or a while later. */
			zx_object_wait_one(sr, ZX_IOB_SHARED_REGION_UPDATED,
			    zx_deadline_after(20000000LL), NULL);
			continue;
		}
		while (tail < head) {
			uint64_t tag = *(uint64_t *)(ring + tail % PAGE);
			uint64_t len = *(uint64_t *)(ring + (tail + 8) % PAGE);
			char got[16];

			cr_assert_eq(tag, TAG);
			for (uint64_t i = 0; i < len && i < sizeof(got); i++)
				got[i] = (char)ring[(tail + 16 + i) % PAGE];
			if (len == 6) {
				cr_assert_arr_eq(got, "12345", 6);
				count[0]++;
			} else {
				cr_assert_eq(len, 11);
				cr_assert_arr_eq(got, "67890abcde", 11);
				count[1]++;
			}
			tail += (16 + len + 7) & ~7ULL;
		}
		cr_assert_eq(tail, head);
		atomic_store_explicit(&h->tail, tail, memory_order_release);
	}
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(pthread_join(t[i], &ret), 0);
		cr_assert_null(ret, "writer %d: %d", i, (int)(intptr_t)ret);
	}
	cr_assert_eq(h->head, h->tail);
	unmap_ok(m, 2 * PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}
