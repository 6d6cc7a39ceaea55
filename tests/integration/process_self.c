/*
 * A process's view of itself against a real zxd: zx_process_self,
 * zx_thread_self, zx_job_default, and the process topics
 * ZX_INFO_PROCESS_HANDLE_STATS, ZX_INFO_HANDLE_TABLE,
 * ZX_INFO_PROCESS_VMOS (V1-V4), ZX_INFO_PROCESS_MAPS (V1-V3) and
 * ZX_INFO_TASK_STATS (V1-V2), after Zircon's process-object-info and
 * task-get-info tests (ZIRCON-2.md §2.8).
 */
#include "config-build.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>

#include <zircon/process.h>

#include "tests/integration/vmo_util.h"

/* ZX_DEFAULT_{PROCESS,THREAD,JOB}_RIGHTS: 0x6D3CF, 0x4D2CF, 0x7DFCF. */

#define CHECK(e, code)	do { if (!(e)) _exit(code); } while (0)

Test(process_self, handle)
{
	zx_handle_t p = zx_process_self(), job = zx_job_default();
	zx_info_handle_basic_t b;
	char name[ZX_MAX_NAME_LEN], comm[32] = "";
	FILE *f;

	cr_assert_neq(p, ZX_HANDLE_INVALID);
	cr_assert_eq(zx_process_self(), p, "the same handle each time");
	b = basic_of(p);
	cr_assert_eq(b.type, ZX_OBJ_TYPE_PROCESS);
	cr_assert_eq(b.rights, ZX_DEFAULT_PROCESS_RIGHTS);
	cr_assert_eq(b.related_koid, basic_of(job).koid);
	cr_assert_gt(b.koid, 0);
	cr_assert_eq(zx_object_get_property(p, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_OK);
	f = fopen("/proc/self/comm", "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	cr_assert_str_eq(name, comm);
	/* Closed, it is fetched again: the same process. */
	cr_assert_eq(zx_handle_close(p), ZX_OK);
	cr_assert_eq(basic_of(zx_process_self()).koid, b.koid);
	/* Waitable, nothing asserted while it runs. */
	cr_assert_eq(zx_object_wait_one(zx_process_self(), ZX_TASK_TERMINATED,
	    0, NULL), ZX_ERR_TIMED_OUT);
}

Test(job_default, handle)
{
	zx_handle_t job = zx_job_default();
	zx_info_handle_basic_t b = basic_of(job);
	char buf[512];
	size_t a, v;

	cr_assert_eq(b.type, ZX_OBJ_TYPE_JOB);
	cr_assert_eq(b.rights, ZX_DEFAULT_JOB_RIGHTS);
	cr_assert_eq(zx_job_default(), job);
	cr_assert_eq(zx_object_get_info(job, ZX_INFO_HANDLE_COUNT, buf,
	    sizeof(buf), &a, &v), ZX_OK);
	/* Nothing else: the job topics are not offered, the process ones
	 * are another type's. */
	cr_assert_eq(zx_object_get_info(job, 6 /* ZX_INFO_JOB */, buf,
	    sizeof(buf), &a, &v), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_object_get_info(job, ZX_INFO_PROCESS_HANDLE_STATS,
	    buf, sizeof(buf), &a, &v), ZX_ERR_WRONG_TYPE);
}

static void *
thread_koid(void *arg)
{
	zx_handle_t t = zx_thread_self();
	zx_info_handle_basic_t b;

	if (zx_object_get_info(t, ZX_INFO_HANDLE_BASIC, &b, sizeof(b), NULL,
	    NULL) != ZX_OK || zx_thread_self() != t)
		b.koid = 0;
	*(zx_koid_t *)arg = b.koid;
	return NULL;
}

Test(thread_self, one_per_thread)
{
	zx_handle_t t = zx_thread_self();
	zx_info_handle_basic_t b = basic_of(t);
	zx_koid_t other = 0;
	char name[ZX_MAX_NAME_LEN];
	pthread_t th;

	cr_assert_eq(b.type, ZX_OBJ_TYPE_THREAD);
	cr_assert_eq(b.rights, ZX_DEFAULT_THREAD_RIGHTS);
	cr_assert_eq(b.related_koid, basic_of(zx_process_self()).koid);
	cr_assert_eq(zx_thread_self(), t);
	{
		zx_info_process_handle_stats_t s0, s1;

		cr_assert_eq(zx_object_get_info(zx_process_self(),
		    ZX_INFO_PROCESS_HANDLE_STATS, &s0, sizeof(s0), NULL,
		    NULL), ZX_OK);
		pthread_create(&th, NULL, thread_koid, &other);
		pthread_join(th, NULL);
		cr_assert_neq(other, 0);
		cr_assert_neq(other, b.koid);
		/* The thread's handle went with it. */
		cr_assert_eq(zx_object_get_info(zx_process_self(),
		    ZX_INFO_PROCESS_HANDLE_STATS, &s1, sizeof(s1), NULL,
		    NULL), ZX_OK);
		cr_assert_eq(s1.handle_count[ZX_OBJ_TYPE_THREAD],
		    s0.handle_count[ZX_OBJ_TYPE_THREAD]);
	}
	cr_assert_eq(zx_object_get_property(t, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_OK);
	cr_assert_gt(strlen(name), 0);
	/* Present, waitable for nothing. */
	cr_assert_eq(zx_object_wait_one(t, ZX_TASK_TERMINATED, 0, NULL),
	    ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_object_get_info(t, ZX_INFO_PROCESS_MAPS, NULL, 0,
	    NULL, NULL), ZX_ERR_WRONG_TYPE);
}

Test(process_info, handle_stats)
{
	zx_handle_t p = zx_process_self(), a, b, noinspect;
	zx_info_process_handle_stats_t s0, s1;
	size_t actual = 9, avail = 9;

	cr_assert_eq(sizeof(s0), 256);
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_PROCESS_HANDLE_STATS, &s0,
	    sizeof(s0), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	cr_assert_eq(s0.handle_count[0], 0);
	cr_assert_geq(s0.handle_count[ZX_OBJ_TYPE_PROCESS], 1);
	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_PROCESS_HANDLE_STATS, &s1,
	    sizeof(s1), NULL, NULL), ZX_OK);
	cr_assert_eq(s1.handle_count[ZX_OBJ_TYPE_CHANNEL],
	    s0.handle_count[ZX_OBJ_TYPE_CHANNEL] + 2);
	/* A close has taken effect when it returns, even those libzx makes
	 * without a round trip (events). */
	{
		zx_handle_t e = event_new();
		uint32_t before;

		cr_assert_eq(zx_object_get_info(p,
		    ZX_INFO_PROCESS_HANDLE_STATS, &s1, sizeof(s1), NULL,
		    NULL), ZX_OK);
		before = s1.handle_count[ZX_OBJ_TYPE_EVENT];
		cr_assert_geq(before, 1);
		zx_handle_close(e);
		cr_assert_eq(zx_object_get_info(p,
		    ZX_INFO_PROCESS_HANDLE_STATS, &s1, sizeof(s1), NULL,
		    NULL), ZX_OK);
		cr_assert_eq(s1.handle_count[ZX_OBJ_TYPE_EVENT], before - 1);
	}
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_PROCESS_HANDLE_STATS, &s1,
	    sizeof(s1) - 1, &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
	noinspect = dup_rights(p, ZX_DEFAULT_PROCESS_RIGHTS &
	    ~ZX_RIGHT_INSPECT);
	cr_assert_eq(zx_object_get_info(noinspect,
	    ZX_INFO_PROCESS_HANDLE_STATS, &s1, sizeof(s1), NULL, NULL),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_info(a, ZX_INFO_PROCESS_HANDLE_STATS, &s1,
	    sizeof(s1), NULL, NULL), ZX_ERR_WRONG_TYPE);
	zx_handle_close(noinspect);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(process_info, handle_table)
{
	zx_handle_t p = zx_process_self(), ev = event_new(), a, b, dup;
	zx_info_handle_extended_t recs[256];
	size_t actual = 0, avail = 0, count = 0;
	bool seen_ev = false, seen_a = false;

	cr_assert_eq(sizeof(recs[0]), 40);
	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	/* The two-call pattern: count, then fetch. */
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_HANDLE_TABLE, NULL, 0,
	    &count, NULL), ZX_OK);
	cr_assert_geq(count, 4);
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_HANDLE_TABLE, NULL, 0,
	    &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, count);
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_HANDLE_TABLE, recs,
	    sizeof(recs), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, count);
	for (size_t i = 0; i < actual; i++) {
		if (recs[i].handle_value == ev) {
			seen_ev = true;
			cr_assert_eq(recs[i].type, ZX_OBJ_TYPE_EVENT);
			cr_assert_eq(recs[i].rights, ZX_DEFAULT_EVENT_RIGHTS);
			cr_assert_eq(recs[i].koid, basic_of(ev).koid);
			cr_assert_eq(recs[i].related_koid, 0);
		}
		if (recs[i].handle_value == a) {
			seen_a = true;
			cr_assert_eq(recs[i].type, ZX_OBJ_TYPE_CHANNEL);
			cr_assert_eq(recs[i].related_koid, basic_of(b).koid);
		}
		if (recs[i].type == ZX_OBJ_TYPE_PROCESS)
			cr_assert_gt(recs[i].related_koid, 0);
		cr_assert_eq(recs[i].peer_owner_koid, 0);
	}
	cr_assert(seen_ev && seen_a);
	/* INSPECT | MANAGE_PROCESS | MANAGE_THREAD, all three. */
	dup = dup_rights(p, ZX_RIGHT_INSPECT | ZX_RIGHT_MANAGE_THREAD);
	cr_assert_eq(zx_object_get_info(dup, ZX_INFO_HANDLE_TABLE, recs,
	    sizeof(recs), &actual, &avail), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(dup);
	zx_handle_close(ev);
	zx_handle_close(a);
	zx_handle_close(b);
}

static const struct {
	uint32_t topic;
	size_t size;
} vmo_versions[] = {
	{ ZX_INFO_TOPIC(14u, 0u), 104 },
	{ ZX_INFO_TOPIC(14u, 1u), 120 },
	{ ZX_INFO_TOPIC(14u, 2u), 128 },
	{ ZX_INFO_PROCESS_VMOS, 176 },
};

Test(process_info, vmos_every_version)
{
	zx_handle_t p = zx_process_self(), vmo = vmo_new(3 * PAGE, 0), ro;
	static uint8_t buf[64 * 176];
	zx_koid_t k = basic_of(vmo).koid;
	zx_vaddr_t addr;

	cr_assert_eq(ZX_INFO_PROCESS_VMOS, 0x3000000Eu);
	ro = dup_rights(vmo, ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_INSPECT);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, ro, 0,
	    PAGE, &addr), ZX_OK);
	for (size_t v = 0; v < 4; v++) {
		size_t actual = 0, avail = 0, size = vmo_versions[v].size;
		int via_handle = 0, via_mapping = 0, last_handle = -1,
		    first_mapping = -1;

		cr_assert_eq(zx_object_get_info(p, vmo_versions[v].topic, buf,
		    sizeof(buf), &actual, &avail), ZX_OK, "version %zu", v);
		cr_assert_eq(actual, avail);
		for (size_t i = 0; i < actual; i++) {
			const uint8_t *r = buf + i * size;
			zx_koid_t koid;
			uint32_t flags, rights;

			memcpy(&koid, r, 8);
			memcpy(&flags, r + 80, 4);
			memcpy(&rights, r + 96, 4);
			if (flags & ZX_INFO_VMO_VIA_HANDLE)
				last_handle = (int)i;
			if ((flags & ZX_INFO_VMO_VIA_MAPPING) &&
			    first_mapping < 0)
				first_mapping = (int)i;
			if (koid != k)
				continue;
			if (flags & ZX_INFO_VMO_VIA_HANDLE) {
				via_handle++;
				cr_assert(rights == ZX_DEFAULT_VMO_RIGHTS ||
				    rights == (ZX_RIGHT_READ | ZX_RIGHT_MAP |
				    ZX_RIGHT_INSPECT));
			}
			if (flags & ZX_INFO_VMO_VIA_MAPPING) {
				via_mapping++;
				cr_assert_eq(rights, 0);
			}
			if (size == 176) {
				uint64_t priv;

				memcpy(&priv, r + 128, 8);
				cr_assert_leq(priv, 3 * PAGE);
			}
		}
		cr_assert_eq(via_handle, 2, "version %zu", v);
		cr_assert_eq(via_mapping, 1, "version %zu", v);
		/* Handles first, then mappings. */
		cr_assert_lt(last_handle, first_mapping);
		/* A short buffer: fewer copied, all counted. */
		cr_assert_eq(zx_object_get_info(p, vmo_versions[v].topic, buf,
		    size, &actual, &avail), ZX_OK);
		cr_assert_eq(actual, 1);
		cr_assert_geq(avail, 3);
	}
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE), ZX_OK);
	zx_handle_close(ro);
	zx_handle_close(vmo);
}

static const struct {
	uint32_t topic;
	size_t size;
} maps_versions[] = {
	{ ZX_INFO_TOPIC(13u, 0u), 96 },
	{ ZX_INFO_TOPIC(13u, 1u), 104 },
	{ ZX_INFO_PROCESS_MAPS, 152 },
};

Test(process_info, maps_every_version)
{
	zx_handle_t p = zx_process_self(), root = zx_vmar_root_self(), sub,
	    vmo = vmo_new(PAGE, 0);
	static uint8_t buf[4096 * 152];
	zx_vaddr_t sa, m;

	cr_assert_eq(ZX_INFO_PROCESS_MAPS, 0x2000000Du);
	cr_assert_eq(zx_vmar_allocate(root, ZX_VM_CAN_MAP_READ |
	    ZX_VM_CAN_MAP_WRITE, 0, 8 * PAGE, &sub, &sa), ZX_OK);
	cr_assert_eq(zx_vmar_map(sub, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0,
	    vmo, 0, PAGE, &m), ZX_OK);
	for (size_t v = 0; v < 3; v++) {
		size_t actual = 0, avail = 0, size = maps_versions[v].size;
		bool seen_sub = false, seen_map = false;
		size_t sub_depth = 0;

		cr_assert_eq(zx_object_get_info(p, maps_versions[v].topic, buf,
		    sizeof(buf), &actual, &avail), ZX_OK, "version %zu", v);
		cr_assert_eq(actual, avail);
		cr_assert_geq(actual, 4);
		for (size_t i = 0; i < actual; i++) {
			const uint8_t *r = buf + i * size;
			uint64_t base, depth;
			uint32_t type, mmu;

			memcpy(&base, r + 32, 8);
			memcpy(&depth, r + 48, 8);
			memcpy(&type, r + 56, 4);
			memcpy(&mmu, r + 64, 4);
			if (i == 0)
				cr_assert(type == ZX_INFO_MAPS_TYPE_ASPACE &&
				    depth == 0);
			if (i == 1)
				cr_assert(type == ZX_INFO_MAPS_TYPE_VMAR &&
				    depth == 1);
			if (i > 1)
				cr_assert_geq(depth, 2);
			if (type == ZX_INFO_MAPS_TYPE_VMAR && base == sa) {
				seen_sub = true;
				sub_depth = depth;
			}
			if (type == ZX_INFO_MAPS_TYPE_MAPPING && base == m) {
				zx_koid_t koid;

				seen_map = true;
				/* Pre-order: right after its VMAR. */
				cr_assert_eq(depth, sub_depth + 1);
				cr_assert_eq(mmu, ZX_VM_PERM_READ |
				    ZX_VM_PERM_WRITE);
				memcpy(&koid, r + 72, 8);
				cr_assert_eq(koid, basic_of(vmo).koid);
			}
		}
		cr_assert(seen_sub && seen_map, "version %zu", v);
		/* Short buffer: actual < avail, avail unchanged. */
		cr_assert_eq(zx_object_get_info(p, maps_versions[v].topic, buf,
		    2 * size, &actual, &avail), ZX_OK);
		cr_assert_eq(actual, 2);
		cr_assert_geq(avail, 4);
	}
	cr_assert_eq(zx_vmar_destroy(sub), ZX_OK);
	zx_handle_close(sub);
	zx_handle_close(vmo);
}

/* The mapping record of the mapping at addr, at version v. */
static bool
find_mapping(size_t v, zx_vaddr_t addr, uint8_t *buf, size_t max,
    const uint8_t **ret)
{
	size_t actual = 0, avail = 0, size = maps_versions[v].size;

	cr_assert_eq(zx_object_get_info(zx_process_self(),
	    maps_versions[v].topic, buf, max, &actual, &avail), ZX_OK);
	for (size_t i = 0; i < actual; i++) {
		const uint8_t *r = buf + i * size;
		uint64_t base;
		uint32_t type;

		memcpy(&base, r + 32, 8);
		memcpy(&type, r + 56, 4);
		if (type == ZX_INFO_MAPS_TYPE_MAPPING && base == addr) {
			*ret = r;
			return true;
		}
	}
	return false;
}

/* A mapping counts what is committed in the range of the VMO it covers
 * (pages in V1/V2, bytes in V3), not the whole VMO's; in V3 a page its
 * snapshot still shares is not private and counts half scaled. */
Test(process_info, maps_count_the_mapped_range)
{
	zx_handle_t vmo = vmo_new(4 * PAGE, 0), snap;
	static uint8_t buf[4096 * 152];
	const uint8_t *r;
	zx_vaddr_t a;
	uint64_t u[8];
	char c = 1;

	/* Page 0 committed; the mapping covers pages 2 and 3. */
	cr_assert_eq(zx_vmo_write(vmo, &c, 0, 1), ZX_OK);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo,
	    2 * PAGE, 2 * PAGE, &a), ZX_OK);
	for (size_t v = 0; v < 3; v++) {
		cr_assert(find_mapping(v, a, buf, sizeof(buf), &r));
		memcpy(u, r + 88, 8);
		cr_assert_eq(u[0], 0, "version %zu", v);
	}
	/* Page 2 committed too, and shared with a snapshot. */
	cr_assert_eq(zx_vmo_write(vmo, &c, 2 * PAGE, 1), ZX_OK);
	cr_assert_eq(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0,
	    4 * PAGE, &snap), ZX_OK);
	for (size_t v = 0; v < 2; v++) {
		cr_assert(find_mapping(v, a, buf, sizeof(buf), &r));
		memcpy(u, r + 88, 8);
		cr_assert_eq(u[0], 1, "version %zu: pages", v);
	}
	cr_assert(find_mapping(2, a, buf, sizeof(buf), &r));
	memcpy(u, r + 88, sizeof(u));
	cr_assert_eq(u[0], PAGE);		/* committed_bytes */
	cr_assert_eq(u[1], PAGE);		/* populated_bytes */
	cr_assert_eq(u[2], 0);			/* committed_private_bytes */
	cr_assert_eq(u[4], PAGE / 2);		/* committed_scaled_bytes */
	cr_assert_eq(u[6], 0);			/* its fraction */
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), a, 2 * PAGE), ZX_OK);
	zx_handle_close(snap);
	zx_handle_close(vmo);
}

Test(process_info, other_topics_and_rights)
{
	zx_handle_t p = zx_process_self(), noinspect;
	uint8_t buf[1024];
	size_t a, v;

	/* What zxd does not offer on a process handle. */
	cr_assert_eq(zx_object_get_info(p, 3 /* ZX_INFO_PROCESS */, buf,
	    sizeof(buf), &a, &v), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_object_get_info(p, 5 /* ZX_INFO_PROCESS_THREADS */,
	    buf, sizeof(buf), &a, &v), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_VMO, buf, sizeof(buf), &a,
	    &v), ZX_ERR_WRONG_TYPE);
	noinspect = dup_rights(p, ZX_RIGHT_TRANSFER);
	cr_assert_eq(zx_object_get_info(noinspect, ZX_INFO_PROCESS_VMOS,
	    buf, sizeof(buf), &a, &v), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_info(noinspect, ZX_INFO_PROCESS_MAPS,
	    buf, sizeof(buf), &a, &v), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(noinspect);
}

/* --- ZX_INFO_TASK_STATS ---------------------------------------------- */

static zx_info_task_stats_t
task_stats(zx_handle_t p)
{
	zx_info_task_stats_t s;
	size_t actual = 9, avail = 9;

	memset(&s, 0xff, sizeof(s));
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_TASK_STATS, &s, sizeof(s),
	    &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	return s;
}

/* The scaled shared bytes as one fixed-point number (63 bits below the
 * byte). */
static unsigned __int128
scaled_of(const zx_info_task_stats_t *s)
{
	cr_assert_neq(s->mem_fractional_scaled_shared_bytes, UINT64_MAX);
	return ((unsigned __int128)s->mem_scaled_shared_bytes << 63) +
	    s->mem_fractional_scaled_shared_bytes;
}

/* What a mapping adds: mapped, private, shared, scaled (fixed point). */
static void
assert_delta(const zx_info_task_stats_t *s0, const zx_info_task_stats_t *s1,
    uint64_t mapped, uint64_t priv, uint64_t shared,
    unsigned __int128 scaled)
{
	cr_assert_eq(s1->mem_mapped_bytes - s0->mem_mapped_bytes, mapped);
	cr_assert_eq(s1->mem_private_bytes - s0->mem_private_bytes, priv);
	cr_assert_eq(s1->mem_shared_bytes - s0->mem_shared_bytes, shared);
	cr_assert(scaled_of(s1) - scaled_of(s0) == scaled,
	    "scaled %llu + %llu/2^63 -> %llu + %llu/2^63",
	    (unsigned long long)s0->mem_scaled_shared_bytes,
	    (unsigned long long)s0->mem_fractional_scaled_shared_bytes,
	    (unsigned long long)s1->mem_scaled_shared_bytes,
	    (unsigned long long)s1->mem_fractional_scaled_shared_bytes);
}

#define BYTES(n)	((unsigned __int128)(n) << 63)

/* Both versions: V1 is the first four fields of V2. What a VMO mapped
 * in this process alone adds: its length mapped, its committed pages
 * private, at every mapping of it (one more in a sub-VMAR is the same
 * process: still private, counted again). */
Test(task_stats, every_version_and_private_mappings)
{
	zx_handle_t p = zx_process_self(), root = zx_vmar_root_self(), sub,
	    vmo = vmo_new(4 * PAGE, 0);
	zx_info_task_stats_t s0, s1, s2;
	zx_info_task_stats_v1_t v1;
	zx_vaddr_t a1, a2, sa;
	size_t actual = 9, avail = 9;

	cr_assert_eq(ZX_INFO_TASK_STATS_V1, 0x0Cu);
	cr_assert_eq(ZX_INFO_TASK_STATS, 0x1000000Cu);
	cr_assert_eq(sizeof(zx_info_task_stats_v1_t), 32);
	cr_assert_eq(sizeof(zx_info_task_stats_t), 40);
	s0 = task_stats(p);
	cr_assert_geq(s0.mem_mapped_bytes, s0.mem_private_bytes +
	    s0.mem_shared_bytes);
	cr_assert_eq(zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0,
	    vmo, 0, 4 * PAGE, &a1), ZX_OK);
	/* Mapped, nothing committed yet. */
	s1 = task_stats(p);
	assert_delta(&s0, &s1, 4 * PAGE, 0, 0, 0);
	/* Two pages written through the mapping. */
	memset((void *)a1, 1, 1);
	memset((void *)(a1 + 2 * PAGE), 1, 1);
	s1 = task_stats(p);
	assert_delta(&s0, &s1, 4 * PAGE, 2 * PAGE, 0, 0);
	/* V1: the same four fields; it fits in 32 bytes. */
	memset(&v1, 0xff, sizeof(v1));
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_TASK_STATS_V1, &v1,
	    sizeof(v1), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	cr_assert_eq(v1.mem_mapped_bytes, s1.mem_mapped_bytes);
	cr_assert_eq(v1.mem_private_bytes, s1.mem_private_bytes);
	cr_assert_eq(v1.mem_shared_bytes, s1.mem_shared_bytes);
	cr_assert_eq(v1.mem_scaled_shared_bytes, s1.mem_scaled_shared_bytes);
	/* The same VMO again, its last two pages, in a sub-VMAR: the same
	 * process, so share_count 1 and the page there private again. */
	cr_assert_eq(zx_vmar_allocate(root, ZX_VM_CAN_MAP_READ, 0, 4 * PAGE,
	    &sub, &sa), ZX_OK);
	cr_assert_eq(zx_vmar_map(sub, ZX_VM_PERM_READ, 0, vmo, 2 * PAGE,
	    2 * PAGE, &a2), ZX_OK);
	cr_assert_eq(vmo_info(vmo).share_count, 1);
	cr_assert_eq(vmo_info(vmo).num_mappings, 2);
	s2 = task_stats(p);
	assert_delta(&s0, &s2, 6 * PAGE, 3 * PAGE, 0, 0);
	/* Unmapped, it counts no more. */
	cr_assert_eq(zx_vmar_destroy(sub), ZX_OK);
	cr_assert_eq(zx_vmar_unmap(root, a1, 4 * PAGE), ZX_OK);
	s2 = task_stats(p);
	assert_delta(&s0, &s2, 0, 0, 0, 0);
	zx_handle_close(sub);
	zx_handle_close(vmo);
}

/* A snapshot's pages it still shares with its parent are shared (RFC
 * 0254's copy-on-write sharing), half of each in the scaled bytes. */
Test(task_stats, copy_on_write_pages_are_shared)
{
	zx_handle_t p = zx_process_self(), vmo = vmo_new(2 * PAGE, 0), snap;
	zx_info_task_stats_t s0, s1;
	zx_vaddr_t a;
	char c = 7;

	cr_assert_eq(zx_vmo_write(vmo, &c, 0, 1), ZX_OK);
	cr_assert_eq(zx_vmo_write(vmo, &c, PAGE, 1), ZX_OK);
	cr_assert_eq(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0,
	    2 * PAGE, &snap), ZX_OK);
	s0 = task_stats(p);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, 0, snap, 0, 2 * PAGE, &a), ZX_OK);
	s1 = task_stats(p);
	assert_delta(&s0, &s1, 2 * PAGE, 0, 2 * PAGE, BYTES(PAGE));
	/* Written, the first page is the snapshot's own. */
	*(volatile char *)a = 8;
	s1 = task_stats(p);
	assert_delta(&s0, &s1, 2 * PAGE, PAGE, PAGE, BYTES(PAGE / 2));
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), a, 2 * PAGE), ZX_OK);
	zx_handle_close(snap);
	zx_handle_close(vmo);
}

/* A single record and too small a buffer: actual 0, avail 1. */
static void
too_small(zx_handle_t h, uint32_t topic, void *buf, size_t size)
{
	size_t actual = 9, avail = 9;

	cr_assert_eq(zx_object_get_info(h, topic, buf, size, &actual,
	    &avail), ZX_ERR_BUFFER_TOO_SMALL, "topic %#x size %zu", topic,
	    size);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
}

/* Zircon's order: BAD_HANDLE, WRONG_TYPE (a process topic only: jobs
 * and threads too), ACCESS_DENIED without INSPECT, then the record:
 * BUFFER_TOO_SMALL under its size, with actual 0 and avail 1. */
Test(task_stats, errors_in_order)
{
	zx_handle_t p = zx_process_self(), vmo = vmo_new(PAGE, 0), noinspect,
	    vmo_noinspect;
	zx_info_task_stats_t s;
	uint8_t big[64];
	size_t actual, avail;

	cr_assert_eq(zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_TASK_STATS,
	    &s, sizeof(s), NULL, NULL), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_object_get_info(0x12345678, ZX_INFO_TASK_STATS_V1,
	    &s, 0, NULL, NULL), ZX_ERR_BAD_HANDLE);
	vmo_noinspect = dup_rights(vmo, ZX_RIGHT_READ);
	cr_assert_eq(zx_object_get_info(vmo, ZX_INFO_TASK_STATS, &s,
	    sizeof(s), NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_object_get_info(vmo_noinspect, ZX_INFO_TASK_STATS_V1,
	    &s, 0, NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_object_get_info(zx_thread_self(), ZX_INFO_TASK_STATS,
	    &s, sizeof(s), NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_object_get_info(zx_job_default(), ZX_INFO_TASK_STATS,
	    &s, sizeof(s), NULL, NULL), ZX_ERR_WRONG_TYPE);
	noinspect = dup_rights(p, ZX_DEFAULT_PROCESS_RIGHTS &
	    ~ZX_RIGHT_INSPECT);
	cr_assert_eq(zx_object_get_info(noinspect, ZX_INFO_TASK_STATS, &s,
	    sizeof(s), NULL, NULL), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_info(noinspect, ZX_INFO_TASK_STATS_V1, &s,
	    0, NULL, NULL), ZX_ERR_ACCESS_DENIED);
	/* Each version's own size. */
	too_small(p, ZX_INFO_TASK_STATS, &s, sizeof(zx_info_task_stats_v1_t));
	too_small(p, ZX_INFO_TASK_STATS_V1, &s,
	    sizeof(zx_info_task_stats_v1_t) - 1);
	too_small(p, ZX_INFO_TASK_STATS, NULL, 0);
	/* A larger buffer: one record, nothing written past it. */
	memset(big, 0xAB, sizeof(big));
	cr_assert_eq(zx_object_get_info(p, ZX_INFO_TASK_STATS_V1, big,
	    sizeof(big), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	for (size_t i = sizeof(zx_info_task_stats_v1_t); i < sizeof(big); i++)
		cr_assert_eq(big[i], 0xAB);
	zx_handle_close(noinspect);
	zx_handle_close(vmo_noinspect);
	zx_handle_close(vmo);
}

/* A child that maps what it is sent. It sends its process handle, then
 * maps each VMO it gets (its whole size) and says so, until told to go. */
struct mapper {
	pid_t pid;
	zx_handle_t ch, proc;
};

static struct mapper
mapper_start(void)
{
	struct mapper m;
	zx_handle_t b;
	int token;

	cr_assert_eq(zx_channel_create(0, &m.ch, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(b, &token), ZX_OK);
	m.pid = fork();
	cr_assert_geq(m.pid, 0);
	if (m.pid == 0) {
		zx_handle_t h, me, vmo;
		uint32_t nh;
		char c;
		zx_vaddr_t addr;
		uint64_t size;

		CHECK(zxd_handle_import(token, &h) == ZX_OK, 90);
		CHECK(zx_handle_duplicate(zx_process_self(),
		    ZX_RIGHT_SAME_RIGHTS, &me) == ZX_OK, 91);
		CHECK(zx_channel_write(h, 0, NULL, 0, &me, 1) == ZX_OK, 92);
		for (;;) {
			CHECK(zx_object_wait_one(h, ZX_CHANNEL_READABLE,
			    ZX_TIME_INFINITE, NULL) == ZX_OK, 93);
			CHECK(zx_channel_read(h, 0, &c, &vmo, 1, 1, NULL,
			    &nh) == ZX_OK, 94);
			if (nh == 0)
				_exit(0);
			CHECK(zx_vmo_get_size(vmo, &size) == ZX_OK, 95);
			CHECK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ,
			    0, vmo, 0, size, &addr) == ZX_OK, 96);
			CHECK(zx_channel_write(h, 0, "m", 1, NULL, 0) ==
			    ZX_OK, 97);
		}
	}
	close(token);
	cr_assert_eq(zx_object_wait_one(m.ch, ZX_CHANNEL_READABLE,
	    ZX_TIME_INFINITE, NULL), ZX_OK);
	cr_assert_eq(zx_channel_read(m.ch, 0, NULL, &m.proc, 0, 1, NULL,
	    NULL), ZX_OK);
	return m;
}

static void
mapper_map(const struct mapper *m, zx_handle_t vmo)
{
	zx_handle_t d = dup_rights(vmo, ZX_RIGHT_SAME_RIGHTS);
	char c;

	cr_assert_eq(zx_channel_write(m->ch, 0, NULL, 0, &d, 1), ZX_OK);
	cr_assert_eq(zx_object_wait_one(m->ch, ZX_CHANNEL_READABLE,
	    ZX_TIME_INFINITE, NULL), ZX_OK);
	cr_assert_eq(zx_channel_read(m->ch, 0, &c, NULL, 1, 0, NULL, NULL),
	    ZX_OK);
}

/* Told to go; its process has ended when this returns. */
static void
mapper_stop(const struct mapper *m)
{
	cr_assert_eq(zx_channel_write(m->ch, 0, "x", 1, NULL, 0), ZX_OK);
	cr_assert_eq(wait_child(m->pid), 0);
	cr_assert_eq(zx_object_wait_one(m->proc, ZX_TASK_TERMINATED,
	    zx_deadline_after(ZX_SEC(5)), NULL), ZX_OK);
	zx_handle_close(m->ch);
}

/* A VMO other processes map too: its pages are shared, not private, in
 * each, and scaled by how many processes map it (a third of a page has
 * a fraction below the byte); when they are gone it is private again.
 * A process that ended answers BAD_STATE, before the buffer's size. */
Test(task_stats, shared_between_processes)
{
	zx_handle_t p = zx_process_self(), vmo = vmo_new(PAGE, 0);
	zx_info_task_stats_t s0, s1, c0, c1;
	struct mapper m1, m2;
	zx_vaddr_t a;
	size_t actual, avail;

	if (!have_handle_transfer())
		cr_skip_test("no handle transfer");
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, 0, vmo, 0, PAGE, &a), ZX_OK);
	*(volatile char *)a = 1;
	m1 = mapper_start();
	m2 = mapper_start();
	s0 = task_stats(p);
	c0 = task_stats(m1.proc);
	/* Two processes: half of the page each. */
	mapper_map(&m1, vmo);
	cr_assert_eq(vmo_info(vmo).share_count, 2);
	s1 = task_stats(p);
	assert_delta(&s0, &s1, 0, -PAGE, PAGE, BYTES(PAGE / 2));
	c1 = task_stats(m1.proc);
	assert_delta(&c0, &c1, PAGE, 0, PAGE, BYTES(PAGE / 2));
	/* Three: a third each, below the byte too. */
	mapper_map(&m2, vmo);
	cr_assert_eq(vmo_info(vmo).share_count, 3);
	s1 = task_stats(p);
	assert_delta(&s0, &s1, 0, -PAGE, PAGE, BYTES(PAGE) / 3);
	cr_assert_neq(s1.mem_fractional_scaled_shared_bytes,
	    s0.mem_fractional_scaled_shared_bytes);
	c1 = task_stats(m1.proc);
	assert_delta(&c0, &c1, PAGE, 0, PAGE, BYTES(PAGE) / 3);
	/* They end: private again; their handles answer BAD_STATE. */
	mapper_stop(&m1);
	mapper_stop(&m2);
	s1 = task_stats(p);
	assert_delta(&s0, &s1, 0, 0, 0, 0);
	cr_assert_eq(zx_object_get_info(m1.proc, ZX_INFO_TASK_STATS, &c1,
	    sizeof(c1), &actual, &avail), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_object_get_info(m1.proc, ZX_INFO_TASK_STATS_V1, &c1,
	    0, &actual, &avail), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), a, PAGE), ZX_OK);
	zx_handle_close(m1.proc);
	zx_handle_close(m2.proc);
	zx_handle_close(vmo);
}

/* Another process's handle: its own answers while it lives; BAD_STATE
 * and ZX_TASK_TERMINATED once it is gone. */
Test(process_procs, another_process)
{
	zx_handle_t a, b, theirs;
	zx_info_process_handle_stats_t s;
	zx_info_handle_basic_t tb;
	uint8_t buf[64 * 152];
	int token, st;
	pid_t pid;
	size_t actual, avail;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(b, &token), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t h, me, e[3];
		char c;

		CHECK(zxd_handle_import(token, &h) == ZX_OK, 90);
		for (int i = 0; i < 3; i++)
			CHECK(zx_event_create(0, &e[i]) == ZX_OK, 91);
		CHECK(zx_handle_duplicate(zx_process_self(),
		    ZX_RIGHT_SAME_RIGHTS, &me) == ZX_OK, 92);
		CHECK(zx_channel_write(h, 0, NULL, 0, &me, 1) == ZX_OK, 93);
		/* Wait to be told to go. */
		CHECK(zx_object_wait_one(h, ZX_CHANNEL_READABLE,
		    ZX_TIME_INFINITE, NULL) == ZX_OK, 94);
		CHECK(zx_channel_read(h, 0, &c, NULL, 1, 0, NULL, NULL) ==
		    ZX_OK, 95);
		_exit(0);
	}
	close(token);
	cr_assert_eq(zx_object_wait_one(a, ZX_CHANNEL_READABLE,
	    ZX_TIME_INFINITE, NULL), ZX_OK);
	cr_assert_eq(zx_channel_read(a, 0, NULL, &theirs, 0, 1, NULL, NULL),
	    ZX_OK);
	tb = basic_of(theirs);
	cr_assert_eq(tb.type, ZX_OBJ_TYPE_PROCESS);
	cr_assert_neq(tb.koid, basic_of(zx_process_self()).koid);
	cr_assert_eq(zx_object_get_info(theirs, ZX_INFO_PROCESS_HANDLE_STATS,
	    &s, sizeof(s), NULL, NULL), ZX_OK);
	cr_assert_eq(s.handle_count[ZX_OBJ_TYPE_EVENT], 3);
	cr_assert_eq(zx_object_get_info(theirs, ZX_INFO_PROCESS_MAPS, buf,
	    sizeof(buf), &actual, &avail), ZX_OK);
	cr_assert_geq(actual, 2);
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, NULL, 0), ZX_OK);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %d",
	    WEXITSTATUS(st));
	cr_assert_eq(zx_object_wait_one(theirs, ZX_TASK_TERMINATED,
	    zx_deadline_after(ZX_SEC(5)), NULL), ZX_OK);
	cr_assert_eq(zx_object_get_info(theirs, ZX_INFO_PROCESS_VMOS, buf,
	    sizeof(buf), &actual, &avail), ZX_ERR_BAD_STATE);
	cr_assert_eq(zx_object_get_info(theirs, ZX_INFO_PROCESS_MAPS, buf,
	    sizeof(buf), &actual, &avail), ZX_ERR_BAD_STATE);
	zx_handle_close(theirs);
	zx_handle_close(a);
}
