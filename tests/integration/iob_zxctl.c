/* `zxctl iob KOID`: the regions with size and access per endpoint, the
 * mapping counts the peer-closed rule waits on, and the mappings
 * themselves; region names in `zxctl objects`. */
#include "config-build.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json.h>

#include "tests/integration/iob_util.h"
#include "tests/lib/zxctlrun.h"

#define RW	(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE)

static json_object *
iob_json(zx_koid_t koid)
{
	char k[32];
	char *out;
	json_object *j;

	snprintf(k, sizeof(k), "%" PRIu64, koid);
	out = zxctl_ok((const char *const[]){ "iob", k, "--json", NULL });
	j = json_tokener_parse(out);
	cr_assert_not_null(j, "not JSON: %s", out);
	free(out);
	return j;
}

static json_object *
get(json_object *o, const char *key)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no %s", key);
	return v;
}

static uint64_t
u64(json_object *o, const char *key)
{
	return (uint64_t)json_object_get_int64(get(o, key));
}

static bool
flag(json_object *o, const char *key)
{
	return json_object_get_boolean(get(o, key));
}

static json_object *
at(json_object *a, size_t i)
{
	cr_assert_lt(i, json_object_array_length(a));
	return json_object_array_get_idx(a, i);
}

/* The mapping at addr in j's list, or NULL. */
static json_object *
mapping_at(json_object *j, zx_vaddr_t addr)
{
	json_object *maps = get(j, "mappings");

	for (size_t i = 0; i < json_object_array_length(maps); i++)
		if (u64(at(maps, i), "addr") == addr)
			return at(maps, i);
	return NULL;
}

Test(iob_zxctl, regions_access_and_mappings)
{
	zx_iob_region_t r[2] = {
		region(EP0_R | EP0_W | EP1_R, 2 * PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(EP0_R | EP0_W | EP1_MW, PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR),
	};
	zx_handle_t ep0, ep1;
	zx_koid_t k0, k1, rk0;
	zx_vaddr_t a, b, c;
	json_object *j, *rg, *m;
	char *text;

	cr_assert_eq(zx_iob_create(0, r, 2, &ep0, &ep1), ZX_OK);
	k0 = basic_of(ep0).koid;
	k1 = basic_of(ep1).koid;
	rk0 = region_info_of(ep0, 0).koid;
	a = map_iob_ok(RW, ep0, 0, 0, 2 * PAGE);
	b = map_iob_ok(ZX_VM_PERM_READ, ep1, 0, PAGE, PAGE);
	c = map_iob_ok(ZX_VM_PERM_READ, ep0, 1, 0, PAGE);

	j = iob_json(k0);
	cr_assert_eq(u64(j, "koid"), k0);
	cr_assert_eq(u64(j, "peer_koid"), k1);
	rg = at(get(j, "regions"), 0);
	cr_assert_eq(u64(rg, "koid"), rk0);
	cr_assert_eq(u64(rg, "size"), 2 * PAGE);
	cr_assert(flag(get(rg, "access"), "map_read"));
	cr_assert(flag(get(rg, "access"), "map_write"));
	cr_assert(flag(get(rg, "peer_access"), "map_read"));
	cr_assert(!flag(get(rg, "peer_access"), "map_write"));
	cr_assert_eq(u64(rg, "mappings"), 1);
	cr_assert_eq(u64(rg, "peer_mappings"), 1);
	rg = at(get(j, "regions"), 1);
	cr_assert_eq(u64(rg, "discipline"),
	    ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR);
	cr_assert_eq(u64(rg, "size"), PAGE);
	cr_assert(flag(get(rg, "peer_access"), "mediated_write"));
	cr_assert(!flag(get(rg, "access"), "mediated_write"));
	cr_assert_eq(u64(rg, "mappings"), 1);
	cr_assert_eq(u64(rg, "peer_mappings"), 0);
	/* The mappings themselves. */
	cr_assert_eq(json_object_array_length(get(j, "mappings")), 3);
	m = mapping_at(j, a);
	cr_assert_not_null(m);
	cr_assert_eq(u64(m, "region"), 0);
	cr_assert(!flag(m, "peer"));
	cr_assert_eq(u64(m, "pid"), (uint64_t)getpid());
	cr_assert_eq(u64(m, "len"), 2 * PAGE);
	cr_assert_eq(u64(m, "perms"), RW);
	m = mapping_at(j, b);
	cr_assert_not_null(m);
	cr_assert(flag(m, "peer"));
	cr_assert_eq(u64(m, "offset"), PAGE);
	cr_assert_eq(u64(m, "perms"), ZX_VM_PERM_READ);
	m = mapping_at(j, c);
	cr_assert_not_null(m);
	cr_assert_eq(u64(m, "region"), 1);
	json_object_put(j);

	/* The other endpoint sees itself as endpoint 0. */
	j = iob_json(k1);
	rg = at(get(j, "regions"), 0);
	cr_assert(flag(get(rg, "access"), "map_read"));
	cr_assert(!flag(get(rg, "access"), "map_write"));
	cr_assert(flag(get(rg, "peer_access"), "map_write"));
	cr_assert(!flag(mapping_at(j, b), "peer"));
	cr_assert(flag(mapping_at(j, a), "peer"));
	json_object_put(j);

	/* Closed but mapped, the peer is still shown, with its mappings;
	 * unmapped, it is gone. */
	zx_handle_close(ep0);
	cr_assert(!peer_closed_after_a_while(ep1));
	j = iob_json(k1);
	cr_assert_eq(u64(j, "peer_koid"), k0);
	cr_assert_eq(u64(at(get(j, "regions"), 0), "peer_mappings"), 1);
	json_object_put(j);
	unmap_ok(a, 2 * PAGE);
	unmap_ok(c, PAGE);
	cr_assert(peer_closed_soon(ep1));
	j = iob_json(k1);
	cr_assert_eq(u64(j, "peer_koid"), 0);
	cr_assert_eq(json_object_array_length(get(j, "mappings")), 1);
	json_object_put(j);

	/* The table. */
	{
		char k[32];

		snprintf(k, sizeof(k), "%" PRIu64, k1);
		text = zxctl_ok((const char *const[]){ "iob", k, NULL });
		cr_assert_not_null(strstr(text, "peer closed"), "%s", text);
		cr_assert_not_null(strstr(text, "mappings:"), "%s", text);
		cr_assert_not_null(strstr(text, "r-/--"), "%s", text);
		free(text);
	}
	unmap_ok(b, PAGE);
	zx_handle_close(ep1);
}

Test(iob_zxctl, region_names)
{
	zx_iob_region_t r[2] = {
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	zx_handle_t ep0, ep1;
	zx_koid_t rk[2];
	json_object *j, *objs;
	char *out;
	int found = 0;

	cr_assert_eq(zx_iob_create(0, r, 2, &ep0, &ep1), ZX_OK);
	cr_assert_eq(zx_object_set_property(ep1, ZX_PROP_NAME, "zxctl-iob",
	    9), ZX_OK);
	rk[0] = region_info_of(ep0, 0).koid;
	rk[1] = region_info_of(ep0, 1).koid;
	if (geteuid() != 0)
		cr_skip_test("region memory is listed to admitted peers");
	out = zxctl_ok((const char *const[]){ "objects", "--json", NULL });
	j = json_tokener_parse(out);
	cr_assert_not_null(j);
	objs = get(j, "objects");
	for (size_t i = 0; i < json_object_array_length(objs); i++) {
		json_object *o = at(objs, i);
		uint64_t k = u64(o, "koid");

		if (k != rk[0] && k != rk[1])
			continue;
		found++;
		cr_assert_eq(u64(o, "type"), ZX_OBJ_TYPE_VMO);
		cr_assert_str_eq(json_object_get_string(get(o, "name")),
		    "zxctl-iob");
	}
	cr_assert_eq(found, 2);
	json_object_put(j);
	free(out);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
}

/* Shared regions: the IOBuffer's view names the shared region and the
 * tag; the shared region's own koid shows its ring as readers left it
 * and the daemon's counts of appends, full rings and corrupt headers. */
Test(iob_zxctl, shared_region_and_ring)
{
	zx_handle_t sr = shared_new(3 * PAGE), ep0, ep1, f0, f1;
	zx_koid_t srk = basic_of(sr).koid, k0;
	json_object *j, *rg, *sv;
	struct ring_hdr *h;
	zx_vaddr_t m;
	char k[32], *out;

	ring_iob(sr, EP0_MW | EP1_R | EP1_W, 0x77, &ep0, &ep1);
	ring_iob(sr, EP0_MW, 0x78, &f0, &f1);
	k0 = basic_of(ep0).koid;
	cr_assert_eq(writev1(ep0, "hello", 5), ZX_OK);
	cr_assert_eq(writev1(ep0, "world!", 6), ZX_OK);
	m = map_iob_ok(RW, ep1, 0, 0, 3 * PAGE);
	h = (struct ring_hdr *)m;
	atomic_store(&h->tail, 24);

	j = iob_json(k0);
	cr_assert_str_eq(json_object_get_string(get(j, "kind")), "iob");
	rg = at(get(j, "regions"), 0);
	cr_assert_eq(u64(rg, "type"), ZX_IOB_REGION_TYPE_SHARED);
	cr_assert_eq(u64(rg, "discipline"),
	    ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER);
	cr_assert_eq(u64(rg, "koid"), srk);
	cr_assert_eq(u64(rg, "shared_koid"), srk);
	cr_assert_eq(u64(rg, "tag"), 0x77);
	cr_assert_eq(u64(rg, "size"), 0);
	cr_assert(flag(get(rg, "access"), "mediated_write"));
	cr_assert(flag(get(rg, "peer_access"), "map_read"));
	cr_assert_eq(u64(rg, "peer_mappings"), 1);
	sv = at(get(j, "shared"), 0);
	cr_assert_eq(u64(sv, "koid"), srk);
	cr_assert_eq(u64(sv, "size"), 3 * PAGE);
	cr_assert_eq(u64(sv, "ring_size"), 2 * PAGE);
	cr_assert_eq(u64(sv, "head"), 48);
	cr_assert_eq(u64(sv, "tail"), 24);
	cr_assert_eq(u64(sv, "unread"), 24);
	cr_assert_eq(u64(sv, "writes"), 2);
	cr_assert_eq(u64(sv, "bytes"), 11);
	cr_assert_eq(u64(sv, "iobs"), 2);
	json_object_put(j);

	/* A corrupt header and a full ring are counted. */
	atomic_store(&h->tail, 64);
	cr_assert_eq(writev1(ep0, "x", 1), ZX_ERR_IO_DATA_INTEGRITY);
	atomic_store(&h->head, 2 * PAGE + 48);
	atomic_store(&h->tail, 48 + 16);
	cr_assert_eq(writev1(ep0, "xyz", 3), ZX_ERR_NO_SPACE);
	j = iob_json(srk);
	cr_assert_str_eq(json_object_get_string(get(j, "kind")),
	    "shared_region");
	cr_assert_eq(u64(j, "koid"), srk);
	sv = at(get(j, "shared"), 0);
	cr_assert_eq(u64(sv, "corrupt"), 1);
	cr_assert_eq(u64(sv, "no_space"), 1);
	cr_assert_eq(u64(sv, "handles"), 1);
	cr_assert_eq(json_object_array_length(get(j, "holders")), 1);
	json_object_put(j);

	/* The text form says the same. */
	snprintf(k, sizeof(k), "%" PRIu64, srk);
	out = zxctl_ok((const char *const[]){ "iob", k, NULL });
	cr_assert_not_null(strstr(out, "IOB shared region"), "%s", out);
	cr_assert_not_null(strstr(out, "in 2 IOBuffers"), "%s", out);
	free(out);
	snprintf(k, sizeof(k), "%" PRIu64, k0);
	out = zxctl_ok((const char *const[]){ "iob", k, NULL });
	cr_assert_not_null(strstr(out, "ring_buffer"), "%s", out);
	cr_assert_not_null(strstr(out, "tag 0x77"), "%s", out);
	cr_assert_not_null(strstr(out, "SHARED REGION"), "%s", out);
	free(out);

	unmap_ok(m, 3 * PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(f0);
	zx_handle_close(f1);
	zx_handle_close(sr);
}
