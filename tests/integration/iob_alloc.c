/* zx_iob_allocate_id (ZIRCON.md §1.10): the ID allocator discipline,
 * shared with allocations userspace makes in its mapping of the region,
 * its statuses in order, and a daemon that stays safe while a client
 * scribbles on the region during its allocations. */
#include "config-build.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/iob_util.h"

#define RW	(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE)

static const uint8_t blob10[32] = { 'a' };

/* Endpoint 0 maps region 0 (an ID allocator), endpoint 1 mediates; region
 * 1 is a plain one. */
struct fixture {
	zx_handle_t ep0, ep1;
	uint8_t *bytes;
	uint32_t len;
};

static struct fixture
fixture_new(uint64_t size)
{
	zx_iob_region_t r[2] = {
		region(EP0_R | EP0_W | EP1_MW, size,
		    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR),
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	struct fixture f;

	cr_assert_eq(zx_iob_create(0, r, 2, &f.ep0, &f.ep1), ZX_OK);
	f.len = (uint32_t)region_info_of(f.ep0, 0).region.size;
	f.bytes = (uint8_t *)map_iob_ok(RW, f.ep0, 0, 0, f.len);
	return f;
}

static void
fixture_free(struct fixture *f)
{
	unmap_ok((zx_vaddr_t)f->bytes, f->len);
	zx_handle_close(f->ep0);
	zx_handle_close(f->ep1);
}

static zx_status_t
alloc(zx_handle_t ep, const void *blob, size_t size, uint32_t *id)
{
	return zx_iob_allocate_id(ep, 0, 0, blob, size, id);
}

static struct blob_hdr
header(const struct fixture *f)
{
	struct blob_hdr h;

	__atomic_load((struct blob_hdr *)f->bytes, &h, __ATOMIC_ACQUIRE);
	return h;
}

Test(iob_alloc, container_initialised)
{
	struct fixture f = fixture_new(2 * PAGE);

	cr_assert_eq(header(&f).next_id, 0);
	cr_assert_eq(header(&f).blob_head, 2 * PAGE);
	for (uint32_t i = 8; i < f.len; i++)
		cr_assert_eq(f.bytes[i], 0);
	fixture_free(&f);
}

/* Zircon's IdAllocatorMediatedAccess: ids are shared by the two ways of
 * allocating. */
Test(iob_alloc, mediated_and_userspace_share_ids)
{
	struct fixture f = fixture_new(PAGE);
	const uint8_t *b;
	uint32_t id, size;

	for (uint32_t want = 0; want < 100; want++) {
		uint8_t blob[10];

		memset(blob, (int)want, sizeof(blob));
		cr_assert_eq(header(&f).next_id, want);
		if (want % 2 == 0)
			cr_assert_eq(user_allocate(f.bytes, f.len, blob,
			    sizeof(blob), &id), UA_OK);
		else
			cr_assert_eq(alloc(f.ep1, blob, sizeof(blob), &id),
			    ZX_OK);
		cr_assert_eq(id, want);
	}
	cr_assert_eq(header(&f).next_id, 100);
	/* Every blob readable where its index says. */
	for (uint32_t i = 0; i < 100; i++) {
		b = user_get_blob(f.bytes, f.len, i, &size);
		cr_assert_not_null(b, "blob %u", i);
		cr_assert_eq(size, 10);
		for (int k = 0; k < 10; k++)
			cr_assert_eq(b[k], (uint8_t)i);
	}
	fixture_free(&f);
}

Test(iob_alloc, statuses_in_order)
{
	struct fixture f = fixture_new(PAGE);
	zx_handle_t weak, vmo = vmo_new(PAGE, 0);
	uint32_t id;

	/* The options, before the handle. */
	cr_assert_eq(zx_iob_allocate_id(f.ep1, 1, 0, blob10, 10, &id),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_iob_allocate_id(0x7ffffff3, UINT32_MAX, 0, blob10,
	    10, &id), ZX_ERR_INVALID_ARGS);
	/* The handle: BAD_HANDLE, WRONG_TYPE, then WRITE. */
	cr_assert_eq(zx_iob_allocate_id(0x7ffffff3, 0, 0, blob10, 10, &id),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_iob_allocate_id(ZX_HANDLE_INVALID, 0, 0, blob10, 10,
	    &id), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_iob_allocate_id(vmo, 0, 0, blob10, 10, &id),
	    ZX_ERR_WRONG_TYPE);
	weak = dup_rights(f.ep1, IOB_RIGHTS & ~ZX_RIGHT_WRITE);
	cr_assert_eq(zx_iob_allocate_id(weak, 0, 7, blob10, 10, &id),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(weak);
	weak = dup_rights(vmo, 0);
	cr_assert_eq(zx_iob_allocate_id(weak, 0, 0, blob10, 10, &id),
	    ZX_ERR_WRONG_TYPE);
	zx_handle_close(weak);
	/* The region: its index, its discipline, this endpoint's access. */
	cr_assert_eq(zx_iob_allocate_id(f.ep1, 0, 2, blob10, 10, &id),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_iob_allocate_id(f.ep0, 0, UINT32_MAX, NULL, 10, &id),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_iob_allocate_id(f.ep1, 0, 1, blob10, 10, &id),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_iob_allocate_id(f.ep0, 0, 1, blob10, 10, &id),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_iob_allocate_id(f.ep0, 0, 0, blob10, 10, &id),
	    ZX_ERR_ACCESS_DENIED);
	/* None of it allocated anything. */
	cr_assert_eq(header(&f).next_id, 0);
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id), ZX_OK);
	cr_assert_eq(id, 0);
	zx_handle_close(vmo);
	fixture_free(&f);
}

Test(iob_alloc, full)
{
	struct fixture f = fixture_new(PAGE);
	uint32_t id, n = 0, before;
	int r;

	while ((r = user_allocate(f.bytes, f.len, blob10, 10, &id)) == UA_OK)
		n++;
	cr_assert_eq(r, UA_OUT_OF_MEMORY);
	cr_assert_eq(n, (PAGE - 8) / 18);
	before = header(&f).blob_head;
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id), ZX_ERR_NO_MEMORY);
	cr_assert_eq(header(&f).next_id, n);
	cr_assert_eq(header(&f).blob_head, before);
	/* What is left still takes a smaller blob (an index and 0 bytes
	 * at least). */
	if (header(&f).blob_head - (8 + 8 * n) >= 8) {
		cr_assert_eq(alloc(f.ep1, blob10, 0, &id), ZX_OK);
		cr_assert_eq(id, n);
	}
	fixture_free(&f);
}

Test(iob_alloc, blob_fills_exactly)
{
	struct fixture f = fixture_new(PAGE);
	uint8_t *big = malloc(PAGE);
	uint32_t id;

	memset(big, 'z', PAGE);
	/* header 8 + one index 8: PAGE - 16 bytes fit, one more does not. */
	cr_assert_eq(alloc(f.ep1, big, PAGE - 15, &id), ZX_ERR_NO_MEMORY);
	cr_assert_eq(alloc(f.ep1, big, PAGE - 16, &id), ZX_OK);
	cr_assert_eq(id, 0);
	cr_assert_eq(header(&f).blob_head, 16);
	cr_assert_eq(f.bytes[16], 'z');
	cr_assert_eq(f.bytes[PAGE - 1], 'z');
	cr_assert_eq(alloc(f.ep1, big, 0, &id), ZX_ERR_NO_MEMORY);
	free(big);
	fixture_free(&f);
}

/* Zircon's corruption case: next_id = 0xFFFFFFFF makes the index end
 * wrap to 0 and the new id's index slot land on the header itself. */
Test(iob_alloc, next_id_wraps_onto_header)
{
	struct fixture f = fixture_new(PAGE);
	struct blob_hdr *h = (struct blob_hdr *)f.bytes;
	uint32_t id = 1234, head;

	cr_assert_eq(alloc(f.ep1, blob10, 10, &id), ZX_OK);
	h->next_id = UINT32_MAX;
	head = h->blob_head;
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id),
	    ZX_ERR_IO_DATA_INTEGRITY);
	cr_assert_eq(id, 0, "id written on failure");
	/* The header was taken before the index was found taken. */
	cr_assert_eq(header(&f).next_id, 0);
	cr_assert_eq(header(&f).blob_head, head - 10);
	fixture_free(&f);
}

Test(iob_alloc, invalid_headers)
{
	struct fixture f = fixture_new(PAGE);
	struct blob_hdr *h = (struct blob_hdr *)f.bytes;
	uint32_t id;

	/* blob_head past the region. */
	h->blob_head = PAGE + 8;
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id),
	    ZX_ERR_IO_DATA_INTEGRITY);
	/* Indices past blob_head. */
	h->blob_head = 64;
	h->next_id = 8;
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id),
	    ZX_ERR_IO_DATA_INTEGRITY);
	/* Nothing changed either time. */
	cr_assert_eq(header(&f).next_id, 8);
	cr_assert_eq(header(&f).blob_head, 64);
	/* index_end == blob_head is valid, but full. */
	h->next_id = 7;
	cr_assert_eq(alloc(f.ep1, blob10, 0, &id), ZX_ERR_NO_MEMORY);
	/* The index end wraps to a small value and the slot lands far past
	 * the region: Zircon would write there, zxd refuses it. */
	h->next_id = 0x20000000;
	h->blob_head = PAGE;
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id),
	    ZX_ERR_IO_DATA_INTEGRITY);
	cr_assert_eq(header(&f).next_id, 0x20000001);
	fixture_free(&f);
}

Test(iob_alloc, non_empty_index)
{
	struct fixture f = fixture_new(PAGE);
	struct blob_idx *slot = (struct blob_idx *)(f.bytes + 8);
	uint32_t id;

	slot[1].size = 1;	/* id 1's slot, not yet allocated */
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id), ZX_OK);
	cr_assert_eq(id, 0);
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id),
	    ZX_ERR_IO_DATA_INTEGRITY);
	/* The id is spent, and the next one is fine. */
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id), ZX_OK);
	cr_assert_eq(id, 2);
	fixture_free(&f);
}

/* A blob pointer that faults: Zircon allocates, commits the index, then
 * reports the failed copy. A NULL id: the id is allocated, then not
 * returned. */
Test(iob_alloc, faulting_pointers)
{
	struct fixture f = fixture_new(PAGE);
	struct blob_idx *slot = (struct blob_idx *)(f.bytes + 8);
	uint32_t id = 77;

	cr_assert_eq(alloc(f.ep1, NULL, 10, &id), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(id, 77);
	cr_assert_eq(header(&f).next_id, 1);
	cr_assert_eq(slot[0].size, 10);
	cr_assert_eq(slot[0].offset, PAGE - 10);
	/* Zero bytes from NULL is no fault. */
	cr_assert_eq(alloc(f.ep1, NULL, 0, &id), ZX_OK);
	cr_assert_eq(id, 1);
	cr_assert_eq(alloc(f.ep1, blob10, 10, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(header(&f).next_id, 3);
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id), ZX_OK);
	cr_assert_eq(id, 3);
	/* A full container fails before the copy: no fault then. */
	cr_assert_eq(alloc(f.ep1, NULL, 2 * PAGE, &id), ZX_ERR_NO_MEMORY);
	fixture_free(&f);
}

/* Blobs larger than one request packet travel in a memfd. */
Test(iob_alloc, large_blob)
{
	struct fixture f = fixture_new(1 << 20);
	size_t size = 300 * 1024;
	uint8_t *big = calloc(1, 1 << 20);
	const uint8_t *b;
	uint32_t id, got;

	for (size_t i = 0; i < size; i++)
		big[i] = (uint8_t)(i * 7 + 3);
	cr_assert_eq(alloc(f.ep1, blob10, 10, &id), ZX_OK);
	cr_assert_eq(alloc(f.ep1, big, size, &id), ZX_OK);
	cr_assert_eq(id, 1);
	b = user_get_blob(f.bytes, f.len, 1, &got);
	cr_assert_not_null(b);
	cr_assert_eq(got, size);
	cr_assert_arr_eq(b, big, size);
	cr_assert_eq(alloc(f.ep1, big, (1 << 20), &id), ZX_ERR_NO_MEMORY);
	free(big);
	fixture_free(&f);
}

/* Both endpoints may mediate; a region with both map and mediated
 * access on one endpoint works either way. */
Test(iob_alloc, either_endpoint)
{
	zx_iob_region_t r = region(EP0_R | EP0_W | EP0_MW | EP1_MW | EP1_MR,
	    PAGE, ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR);
	zx_handle_t ep0, ep1;
	uint32_t id;

	cr_assert_eq(zx_iob_create(0, &r, 1, &ep0, &ep1), ZX_OK);
	cr_assert_eq(zx_iob_allocate_id(ep0, 0, 0, blob10, 10, &id), ZX_OK);
	cr_assert_eq(id, 0);
	cr_assert_eq(zx_iob_allocate_id(ep1, 0, 0, blob10, 10, &id), ZX_OK);
	cr_assert_eq(id, 1);
	/* After the peer closed too. */
	zx_handle_close(ep0);
	cr_assert(peer_closed_soon(ep1));
	cr_assert_eq(zx_iob_allocate_id(ep1, 0, 0, blob10, 10, &id), ZX_OK);
	cr_assert_eq(id, 2);
	zx_handle_close(ep1);
}

/* --- concurrency ------------------------------------------------------- */

struct racer {
	struct fixture *f;
	atomic_bool stop;
	unsigned seed;
	uint32_t mine[4096];
	uint32_t n;
	int fails;
};

/* Userspace allocations racing with the daemon's: each blob says who
 * wrote it. */
static void *
user_racer(void *arg)
{
	struct racer *r = arg;
	uint8_t blob[12];
	uint32_t id;

	memset(blob, 'U', sizeof(blob));
	while (!atomic_load(&r->stop) && r->n < 4096) {
		int st = user_allocate(r->f->bytes, r->f->len, blob,
		    sizeof(blob), &id);

		if (st == UA_OUT_OF_MEMORY)
			break;
		if (st != UA_OK) {
			r->fails++;
			break;
		}
		r->mine[r->n++] = id;
	}
	return NULL;
}

Test(iob_alloc, concurrent_with_userspace)
{
	struct fixture f = fixture_new(16 * PAGE);
	struct racer *u[2];
	pthread_t t[2];
	uint8_t blob[12];
	uint32_t id, daemon_ids = 0, total;
	zx_status_t st;

	memset(blob, 'D', sizeof(blob));
	for (int i = 0; i < 2; i++) {
		u[i] = calloc(1, sizeof(*u[i]));
		u[i]->f = &f;
		cr_assert_eq(pthread_create(&t[i], NULL, user_racer, u[i]), 0);
	}
	while ((st = alloc(f.ep1, blob, sizeof(blob), &id)) == ZX_OK)
		daemon_ids++;
	cr_assert_eq(st, ZX_ERR_NO_MEMORY);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(u[i]->fails, 0);
	}
	total = header(&f).next_id;
	cr_assert_eq(total, daemon_ids + u[0]->n + u[1]->n);
	/* Every id has its own blob, written by whoever got the id. */
	for (uint32_t i = 0; i < total; i++) {
		uint32_t size;
		const uint8_t *b = user_get_blob(f.bytes, f.len, i, &size);
		bool user = false;

		cr_assert_not_null(b, "id %u", i);
		cr_assert_eq(size, 12);
		for (int k = 0; k < 2; k++)
			for (uint32_t j = 0; j < u[k]->n; j++)
				user |= u[k]->mine[j] == i;
		cr_assert_eq(b[0], user ? 'U' : 'D', "id %u", i);
		cr_assert_eq(b[11], user ? 'U' : 'D', "id %u", i);
	}
	free(u[0]);
	free(u[1]);
	fixture_free(&f);
}

/* Garbage written all over the container while the daemon allocates:
 * each call returns one of the allocator's statuses, and the daemon
 * neither crashes nor writes outside the region. */
static void *
scribbler(void *arg)
{
	struct racer *r = arg;
	uint32_t *w = (uint32_t *)r->f->bytes;
	uint32_t words = 64;

	while (!atomic_load(&r->stop)) {
		uint32_t i = rand_r(&r->seed) % words;
		uint32_t v;

		switch (rand_r(&r->seed) % 4) {
		case 0:
			v = (uint32_t)rand_r(&r->seed);
			break;
		case 1:
			v = rand_r(&r->seed) % (r->f->len + 64);
			break;
		case 2:
			v = UINT32_MAX - rand_r(&r->seed) % 4;
			break;
		default:
			v = 0;
			break;
		}
		__atomic_store_n(&w[i], v, __ATOMIC_RELAXED);
	}
	return NULL;
}

Test(iob_alloc, daemon_survives_scribbling)
{
	struct fixture f = fixture_new(PAGE);
	struct racer *s = calloc(1, sizeof(*s));
	zx_handle_t ep0, ep1;
	uint8_t *tail;
	pthread_t t;
	uint32_t id;
	int seen[3] = { 0 };

	s->f = &f;
	s->seed = 12345;
	cr_assert_eq(pthread_create(&t, NULL, scribbler, s), 0);
	for (int i = 0; i < 3000; i++) {
		zx_status_t st = alloc(f.ep1, blob10, 1 + i % 24, &id);

		if (st == ZX_OK)
			seen[0]++;
		else if (st == ZX_ERR_NO_MEMORY)
			seen[1]++;
		else if (st == ZX_ERR_IO_DATA_INTEGRITY)
			seen[2]++;
		else
			cr_assert_fail("status %d", st);
		/* Put a valid header back now and then. */
		if (i % 50 == 0) {
			struct blob_hdr h = { 0, f.len };

			__atomic_store((struct blob_hdr *)f.bytes, &h,
			    __ATOMIC_RELEASE);
		}
	}
	atomic_store(&s->stop, true);
	pthread_join(t, NULL);
	cr_assert_gt(seen[2], 0);
	/* The daemon is alive and well. */
	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	tail = (uint8_t *)map_iob_ok(RW, ep0, 0, 0, PAGE);
	cr_assert_eq(tail[0], 0);
	unmap_ok((zx_vaddr_t)tail, PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	free(s);
	fixture_free(&f);
}
