/*
 * Sub-VMARs and handle dispositions against their floors, measured in
 * the same run:
 *  - zx_vmar_allocate + zx_vmar_map (one page, in the new VMAR) +
 *    zx_vmar_destroy, against what libzx asks of Linux for it: mmap a
 *    PROT_NONE reservation, mmap a memfd page over it, munmap;
 *  - the same with the sub-VMAR made once, map + unmap in it, against
 *    mmap MAP_FIXED + mmap PROT_NONE back;
 *  - zx_channel_write_etc moving a handle with reduced rights (and
 *    zx_channel_read_etc taking it back), against zx_channel_write +
 *    zx_channel_read moving the same handle;
 *  - write_etc DUPLICATE-ing a handle, against the same floor.
 * Starts its own zxd ($ZXD_BIN, else ./zxd).
 */
#include "config-build.h"

#include <sched.h>
#include <sys/mman.h>

#include <zircon/syscalls.h>

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

#define PAGE	4096

static zx_handle_t vmo, ch[2], ev;
static int memfd = -1;

static double
zx_alloc_map_destroy(void *arg, long iters)
{
	zx_handle_t root = zx_vmar_root_self(), sub;
	zx_vaddr_t sa, a;
	int64_t t0 = bench_now_ns();

	(void)arg;
	for (long i = 0; i < iters; i++) {
		if (zx_vmar_allocate(root, ZX_VM_CAN_MAP_READ |
		    ZX_VM_CAN_MAP_WRITE, 0, 16 * PAGE, &sub, &sa) != ZX_OK ||
		    zx_vmar_map(sub, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0,
		    vmo, 0, PAGE, &a) != ZX_OK ||
		    zx_vmar_destroy(sub) != ZX_OK ||
		    zx_handle_close(sub) != ZX_OK)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static double
floor_reserve_map_unmap(void *arg, long iters)
{
	int64_t t0 = bench_now_ns();

	(void)arg;
	for (long i = 0; i < iters; i++) {
		void *r = mmap(NULL, 16 * PAGE, PROT_NONE, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_NORESERVE, -1, 0), *p;

		if (r == MAP_FAILED)
			return -1;
		p = mmap(r, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED |
		    MAP_FIXED, memfd, 0);
		if (p == MAP_FAILED || munmap(r, 16 * PAGE) < 0)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static zx_handle_t bench_sub;

static double
zx_map_unmap_in_sub(void *arg, long iters)
{
	zx_vaddr_t a;
	int64_t t0 = bench_now_ns();

	(void)arg;
	for (long i = 0; i < iters; i++) {
		if (zx_vmar_map(bench_sub, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0,
		    vmo, 0, PAGE, &a) != ZX_OK ||
		    zx_vmar_unmap(bench_sub, a, PAGE) != ZX_OK)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static double
floor_map_fixed_rereserve(void *arg, long iters)
{
	char *r = arg;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < iters; i++) {
		char *at = r + (i % 16) * PAGE;

		if (mmap(at, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED |
		    MAP_FIXED, memfd, 0) == MAP_FAILED ||
		    mmap(at, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

/* A handle goes out on ch[0] and comes back from ch[1], every time. */
static double
plain_move(void *arg, long iters)
{
	char b[8] = "message";
	uint32_t ab, ah;
	int64_t t0 = bench_now_ns();

	(void)arg;
	for (long i = 0; i < iters; i++) {
		if (zx_channel_write(ch[0], 0, b, sizeof(b), &ev, 1) != ZX_OK ||
		    zx_channel_read(ch[1], 0, b, &ev, sizeof(b), 1, &ab,
		    &ah) != ZX_OK)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static double
etc_move_reduced(void *arg, long iters)
{
	char b[8] = "message";
	zx_handle_disposition_t d;
	zx_handle_info_t info;
	uint32_t ab, ah;
	int64_t t0 = bench_now_ns();

	(void)arg;
	for (long i = 0; i < iters; i++) {
		d = (zx_handle_disposition_t){ ZX_HANDLE_OP_MOVE, ev,
		    ZX_OBJ_TYPE_EVENT, ZX_DEFAULT_EVENT_RIGHTS, ZX_OK };
		if (zx_channel_write_etc(ch[0], 0, b, sizeof(b), &d, 1) !=
		    ZX_OK || zx_channel_read_etc(ch[1], 0, b, &info,
		    sizeof(b), 1, &ab, &ah) != ZX_OK)
			return -1;
		ev = info.handle;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static double
etc_duplicate(void *arg, long iters)
{
	char b[8] = "message";
	zx_handle_disposition_t d;
	zx_handle_t got;
	uint32_t ab, ah;
	int64_t t0 = bench_now_ns();

	(void)arg;
	for (long i = 0; i < iters; i++) {
		d = (zx_handle_disposition_t){ ZX_HANDLE_OP_DUPLICATE, ev,
		    ZX_OBJ_TYPE_NONE, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER |
		    ZX_RIGHT_DUPLICATE, ZX_OK };
		if (zx_channel_write_etc(ch[0], 0, b, sizeof(b), &d, 1) !=
		    ZX_OK || zx_channel_read(ch[1], 0, b, &got, sizeof(b), 1,
		    &ab, &ah) != ZX_OK || zx_handle_close(got) != ZX_OK)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

int
main(void)
{
	struct zxdtest_daemon d;
	struct bench_pair p;
	cpu_set_t one;
	zx_vaddr_t sa;
	void *r;
	int rc;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	if (zxdtest_start(&d, NULL) < 0)
		bench_die("starting zxd");
	memfd = memfd_create("floor", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, PAGE) < 0)
		bench_die("memfd");
	if (zx_vmo_create(PAGE, 0, &vmo) != ZX_OK ||
	    zx_channel_create(0, &ch[0], &ch[1]) != ZX_OK ||
	    zx_event_create(0, &ev) != ZX_OK)
		bench_die("setup");

	if (bench_paired(zx_alloc_map_destroy, NULL, floor_reserve_map_unmap,
	    NULL, 2000, &p) < 0)
		bench_die("allocate+map+destroy");
	bench_report_pair("vmar allocate+map+destroy", &p,
	    "mmap reserve+map+munmap");

	if (zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ |
	    ZX_VM_CAN_MAP_WRITE | ZX_VM_COMPACT, 0, 64 * PAGE, &bench_sub,
	    &sa) != ZX_OK)
		bench_die("allocate");
	r = mmap(NULL, 16 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		bench_die("mmap");
	if (bench_paired(zx_map_unmap_in_sub, NULL, floor_map_fixed_rereserve,
	    r, 5000, &p) < 0)
		bench_die("map+unmap in a sub-VMAR");
	bench_report_pair("map+unmap in a sub-VMAR", &p,
	    "mmap fixed+mmap PROT_NONE");

	if (bench_paired(etc_move_reduced, NULL, plain_move, NULL, 5000,
	    &p) < 0)
		bench_die("write_etc move");
	bench_report_pair("write_etc+read_etc move, reduced", &p,
	    "write+read moving a handle");
	if (bench_paired(etc_duplicate, NULL, plain_move, NULL, 5000, &p) < 0)
		bench_die("write_etc duplicate");
	bench_report_pair("write_etc duplicate+read+close", &p,
	    "write+read moving a handle");
	rc = zxdtest_stop(&d);
	return rc == 0 ? 0 : 1;
}
