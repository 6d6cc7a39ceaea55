/*
 * Physical VMOs across processes and privilege, on daemons of our own
 * with a map of small regions (sim backend):
 *
 *	ram	RAM	[0, 16 MiB)
 *	dev0	MMIO	[0xF000_0000, +2 pages)
 *	dev1	MMIO	right after dev0, 1 page (a VMO may not span both)
 *	big	MMIO	[0xF010_0000, +1 MiB)
 *
 * - two processes see the same bytes: one hands its VMO to the other
 *   with zxd_handle_export/import, or each makes its own over the same
 *   addresses;
 * - an unprivileged process (uid 65534) has no root resource; with an
 *   MMIO resource handed to it, it makes physical VMOs inside it only,
 *   and sub-resources as Zircon allows; the descriptor it is given to map
 *   them reaches the region holding its range and nothing else (region
 *   granularity: the whole of `big`, but only `dev0` where the region is
 *   as small as the resource).
 *
 * The descriptors libzx receives for a mapping are caught by an mmap()
 * of our own (this program's definition interposes libzx's calls), which
 * keeps a copy of each fd mapped while `spy_armed` is set.
 */
#include "config-build.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/integration/vmo_physical.h"
#include "tests/lib/zxdtest.h"

#define DEV0		UINT64_C(0xF0000000)
#define DEV0_SIZE	(2 * PAGE)
#define DEV1		(DEV0 + DEV0_SIZE)
#define DEV1_SIZE	PAGE
#define BIG		UINT64_C(0xF0100000)
#define BIG_SIZE	UINT64_C(0x100000)

/* --- the mmap spy --------------------------------------------------- */

#define SPY_MAX 8
static volatile int spy_armed;
static int spy_fds[SPY_MAX];
static int n_spy;

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);
	static int resolving;

	/* libzx maps a VMO's memory over its reservation: MAP_FIXED. */
	if (spy_armed && fd >= 0 && (flags & MAP_SHARED) &&
	    (flags & MAP_FIXED) && n_spy < SPY_MAX)
		spy_fds[n_spy++] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (real == NULL && !resolving) {
		resolving = 1;
		real = (void *(*)(void *, size_t, int, int, int, off_t))
		    dlsym(RTLD_NEXT, "mmap");
		resolving = 0;
	}
	if (real == NULL)
		return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd,
		    off);
	return real(addr, len, prot, flags, fd, off);
}

static void
spy_reset(void)
{
	for (int i = 0; i < n_spy; i++)
		close(spy_fds[i]);
	n_spy = 0;
}

/* Map h as zx_vmar_map does and return the descriptor libzx was given
 * (-1 if it saw none or more than one). */
static int
map_and_catch(zx_handle_t h, uint64_t len, zx_vaddr_t *addr)
{
	zx_status_t st;
	int fd = -1;

	spy_reset();
	spy_armed = 1;
	st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, 0, h, 0, len, addr);
	spy_armed = 0;
	if (st == ZX_OK && n_spy == 1) {
		fd = spy_fds[0];
		n_spy = 0;
	}
	spy_reset();
	return st == ZX_OK ? fd : -2;
}

/* --- our daemon ------------------------------------------------------ */

static struct zxdtest_daemon daemon_;

static void
start(const char *backend_extra)
{
	char conf[512];

	snprintf(conf, sizeof(conf), "%s[region ram]\nkind = ram\nbase = 0\n"
	    "size = 16M\n\n"
	    "[region dev0]\nkind = mmio\nbase = %#lx\nsize = %#lx\n\n"
	    "[region dev1]\nkind = mmio\nbase = %#lx\nsize = %#lx\n\n"
	    "[region big]\nkind = mmio\nbase = %#lx\nsize = %#lx\n",
	    backend_extra != NULL ? backend_extra : "",
	    (unsigned long)DEV0, (unsigned long)DEV0_SIZE,
	    (unsigned long)DEV1, (unsigned long)DEV1_SIZE,
	    (unsigned long)BIG, (unsigned long)BIG_SIZE);
	cr_assert_eq(zxdtest_start_config(&daemon_, conf, NULL), 0);
}

/* Stop it: a clean exit, nothing left but the handle to our root VMAR
 * that libzx keeps once we mapped something (`mapped`), and no error in
 * its log. */
static void
stop_(bool mapped)
{
	struct zxdtest_stats s;
	char log[16384];
	ssize_t n;
	int fd, st;

	/* Handles of exited processes go when the daemon reads their
	 * EOF: give it a moment. */
	for (int i = 0; i < 200; i++) {
		cr_assert_eq(zxdtest_stats(daemon_.socket, &s), 0);
		if (s.handles == (mapped ? 1 : 0))
			break;
		usleep(10000);
	}
	cr_expect_eq(s.handles, mapped ? 1 : 0, "%lu handles left",
	    (unsigned long)s.handles);
	kill(daemon_.pid, SIGTERM);
	cr_assert_eq(waitpid(daemon_.pid, &st, 0), daemon_.pid);
	fd = open(daemon_.log, O_RDONLY);
	cr_assert_geq(fd, 0);
	n = read(fd, log, sizeof(log) - 1);
	close(fd);
	log[n > 0 ? n : 0] = '\0';
	unlink(daemon_.log);
	unlink(daemon_.conf);
	rmdir(daemon_.dir);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "zxd: %s", log);
	cr_expect_null(strstr(log, "<3>"), "%s", log);
	cr_expect_null(strstr(log, "Sanitizer"), "%s", log);
	cr_expect_null(strstr(log, "runtime error"), "%s", log);
}

#define stop()	stop_(true)

/* --- the map's edges -------------------------------------------------- */

Test(phys_map_edges, regions)
{
	zx_handle_t root, h = ZX_HANDLE_INVALID;

	start(NULL);
	root = root_resource();
	/* dev0 and dev1 touch, but one VMO is one region. */
	cr_assert_eq(zx_vmo_create_physical(root, DEV0, DEV0_SIZE + PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(root, DEV1 - PAGE, 2 * PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	/* One running into big from the hole before it. */
	cr_assert_eq(zx_vmo_create_physical(root, BIG - PAGE, 2 * PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(root, BIG + BIG_SIZE - PAGE,
	    2 * PAGE, &h), ZX_ERR_OUT_OF_RANGE);
	/* The configured RAM is RAM. */
	cr_assert_eq(zx_vmo_create_physical(root, 0, PAGE, &h),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(h, ZX_HANDLE_INVALID);
	/* A hole (after dev1, past RAM) is served on demand by sim. */
	h = phys_new(root, DEV1 + PAGE, PAGE);
	zx_handle_close(h);
	h = phys_new(root, UINT64_C(0x1000000), PAGE);
	zx_handle_close(h);
	h = phys_new(root, DEV0, DEV0_SIZE);
	zx_handle_close(h);
	h = phys_new(root, DEV1, DEV1_SIZE);
	zx_handle_close(h);
	h = phys_new(root, BIG, BIG_SIZE);
	zx_handle_close(h);
	/* A NULL out loses the VMO and keeps nothing (stop() counts). */
	cr_assert_eq(zx_vmo_create_physical(root, DEV0, PAGE, NULL),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(root);
	stop_(false);
}

/* The handle limit applies: the last status before the out pointer. */
Test(phys_map_edges, handle_limit)
{
	zx_handle_t root, h[2], x = ZX_HANDLE_INVALID;

	start("[limits]\nhandles_per_client = 3\n\n");
	root = root_resource();
	h[0] = phys_new(root, DEV0, PAGE);
	h[1] = phys_new(root, DEV0, PAGE);
	cr_assert_eq(zx_vmo_create_physical(root, DEV0, PAGE, &x),
	    ZX_ERR_NO_RESOURCES);
	cr_assert_eq(x, ZX_HANDLE_INVALID);
	/* The checks before it still come first. */
	cr_assert_eq(zx_vmo_create_physical(root, 0, PAGE, &x),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_vmo_create_physical(root, DEV0, 0, &x),
	    ZX_ERR_INVALID_ARGS);
	/* A handle closed just now makes room. */
	zx_handle_close(h[1]);
	h[1] = phys_new(root, DEV0, PAGE);
	zx_handle_close(h[0]);
	zx_handle_close(h[1]);
	zx_handle_close(root);
	stop_(false);
}

/* Regions are separate memory: writing one never shows in another. */
Test(phys_map_edges, regions_are_separate)
{
	zx_handle_t root, a, b;
	volatile uint8_t *pa, *pb;

	start(NULL);
	root = root_resource();
	a = phys_new(root, DEV0, DEV0_SIZE);
	b = phys_new(root, DEV1, DEV1_SIZE);
	pa = map_vmo(a, 0, DEV0_SIZE, true);
	pb = map_vmo(b, 0, DEV1_SIZE, true);
	memset((void *)pa, 0xaa, DEV0_SIZE);
	for (uint64_t i = 0; i < DEV1_SIZE; i++)
		cr_assert_eq(pb[i], 0);
	unmap(pa, DEV0_SIZE);
	unmap(pb, DEV1_SIZE);
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(root);
	stop();
}

/* --- two processes ----------------------------------------------------- */

/* The VMO itself, handed over with export/import. */
Test(phys_procs, export_import)
{
	zx_handle_t root, h, tmp;
	zx_info_handle_basic_t b;
	volatile uint8_t *p;
	pid_t pid;
	int fd;

	start(NULL);
	root = root_resource();
	h = phys_new(root, DEV0, DEV0_SIZE);
	b = basic_of(h);
	p = map_vmo(h, 0, DEV0_SIZE, true);
	memcpy((void *)p, "from parent", 12);
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &tmp),
	    ZX_OK);
	cr_assert_eq(zxd_handle_export(tmp, &fd), ZX_OK);
	/* The exported handle is gone from this process. */
	cr_assert_eq(zx_handle_close(tmp), ZX_ERR_BAD_HANDLE);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_info_handle_basic_t cb;
		zx_info_vmo_t info;
		zx_vaddr_t addr;
		volatile uint8_t *q;

		CHECK(zxd_handle_import(fd, &h) == ZX_OK, 10);
		CHECK(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &cb,
		    sizeof(cb), NULL, NULL) == ZX_OK, 11);
		CHECK(cb.koid == b.koid && cb.rights == PHYS_RIGHTS, 12);
		CHECK(zx_object_get_info(h, ZX_INFO_VMO, &info,
		    sizeof(info), NULL, NULL) == ZX_OK, 13);
		CHECK(info.flags == PHYS_FLAGS, 14);
		CHECK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
		    ZX_VM_PERM_WRITE, 0, h, 0, DEV0_SIZE, &addr) == ZX_OK, 15);
		q = (volatile uint8_t *)addr;
		CHECK(memcmp((const void *)q, "from parent", 12) == 0, 16);
		memcpy((void *)(q + PAGE), "from child", 11);
		/* The mapping is the process's own. */
		CHECK(zx_object_get_info(h, ZX_INFO_VMO, &info,
		    sizeof(info), NULL, NULL) == ZX_OK, 17);
		CHECK(info.num_mappings == 2, 18);
		CHECK(zx_handle_close(h) == ZX_OK, 19);
		_exit(0);
	}
	close(fd);
	cr_assert_eq(child_status(pid), 0);
	cr_assert_arr_eq((const void *)(p + PAGE), "from child", 11);
	unmap(p, DEV0_SIZE);
	zx_handle_close(h);
	zx_handle_close(root);
	stop();
}

/* Each process makes its own VMO over the same addresses. */
Test(phys_procs, same_address_two_processes)
{
	zx_handle_t root, h;
	volatile uint8_t *p;
	pid_t pid;

	start(NULL);
	root = root_resource();
	h = phys_new(root, BIG, BIG_SIZE);
	p = map_vmo(h, 0, BIG_SIZE, true);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t r, c;
		zx_vaddr_t addr;
		volatile uint8_t *q;

		/* Handles are per process: the parent's are not ours. */
		CHECK(zx_handle_close(h) == ZX_ERR_BAD_HANDLE, 10);
		CHECK(zxd_get_root_resource(&r) == ZX_OK, 11);
		CHECK(zx_vmo_create_physical(r, BIG + 3 * PAGE, PAGE, &c) ==
		    ZX_OK, 12);
		CHECK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
		    ZX_VM_PERM_WRITE, 0, c, 0, PAGE, &addr) == ZX_OK, 13);
		q = (volatile uint8_t *)addr;
		q[17] = 0x71;
		_exit(0);
	}
	cr_assert_eq(child_status(pid), 0);
	cr_assert_eq(p[3 * PAGE + 17], 0x71);
	unmap(p, BIG_SIZE);
	zx_handle_close(h);
	zx_handle_close(root);
	stop();
}

/* --- an unprivileged process ------------------------------------------- */

struct nobody_arg {
	int rsrc_fd;		/* export token of its MMIO resource */
	int vmo_fd;		/* export token of a VMO over big, or -1 */
};

/* Read all of fd; whether `byte` occurs anywhere in it. */
static bool
fd_holds(int fd, uint64_t size, uint8_t byte)
{
	uint8_t buf[4096];

	for (uint64_t off = 0; off < size; off += sizeof(buf)) {
		ssize_t n = pread(fd, buf, sizeof(buf), (off_t)off);

		if (n <= 0)
			return false;
		if (memchr(buf, byte, (size_t)n) != NULL)
			return true;
	}
	return false;
}

/* The descriptor reaches region `name` of `size` bytes and no more. */
static int
check_fd(int fd, const char *name, uint64_t size)
{
	char link[128], want[64], path[64];
	struct stat st;
	uint8_t b;
	ssize_t n;

	if (fd < 0)
		return 1;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != size)
		return 2;
	snprintf(want, sizeof(want), "zxd-phys:%s", name);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 3;
	link[n] = '\0';
	if (strstr(link, want) == NULL)
		return 4;
	/* Nothing past its end, and no way to grow or shrink it. */
	if (pread(fd, &b, 1, (off_t)size) != 0)
		return 5;
	if (pwrite(fd, "x", 1, (off_t)size) != -1 || errno != EPERM)
		return 6;
	if (ftruncate(fd, (off_t)(size + PAGE)) != -1 || errno != EPERM)
		return 7;
	if (ftruncate(fd, 0) != -1 || errno != EPERM)
		return 8;
	/* No way to lift the seals either. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) != -1)
		return 9;
	return 0;
}

static int
as_nobody(void *argp)
{
	const struct nobody_arg *arg = argp;
	zx_handle_t r, root, sub, h, h2;
	zx_vaddr_t addr, addr2;
	int fd, e;

	/* No root resource for uid 65534. */
	CHECK(zxd_get_root_resource(&root) == ZX_ERR_ACCESS_DENIED, 20);
	CHECK(zxd_handle_import(arg->rsrc_fd, &r) == ZX_OK, 21);

	/* Physical VMOs inside its resource (dev0), nowhere else. */
	CHECK(zx_vmo_create_physical(r, DEV0, DEV0_SIZE, &h) == ZX_OK, 22);
	CHECK(zx_vmo_create_physical(r, DEV1, PAGE, &h2) ==
	    ZX_ERR_OUT_OF_RANGE, 23);
	CHECK(zx_vmo_create_physical(r, DEV0 + PAGE, 2 * PAGE, &h2) ==
	    ZX_ERR_OUT_OF_RANGE, 24);
	CHECK(zx_vmo_create_physical(r, BIG, PAGE, &h2) ==
	    ZX_ERR_OUT_OF_RANGE, 25);
	CHECK(zx_vmo_create_physical(r, 0, PAGE, &h2) ==
	    ZX_ERR_OUT_OF_RANGE, 26);

	/* zx_resource_create from it: within, or nothing. */
	CHECK(zx_resource_create(r, ZX_RSRC_KIND_MMIO, DEV0 + PAGE, PAGE,
	    "sub", 3, &sub) == ZX_OK, 30);
	CHECK(zx_resource_create(r, ZX_RSRC_KIND_MMIO, DEV1, PAGE, "x", 1,
	    &h2) == ZX_ERR_ACCESS_DENIED, 31);
	CHECK(zx_resource_create(r, ZX_RSRC_KIND_MMIO, DEV0, DEV0_SIZE + PAGE,
	    "x", 1, &h2) == ZX_ERR_ACCESS_DENIED, 32);
	CHECK(zx_resource_create(r, ZX_RSRC_KIND_ROOT, 0, 0, "x", 1, &h2) ==
	    ZX_ERR_ACCESS_DENIED, 33);
	CHECK(zx_resource_create(r, ZX_RSRC_KIND_IRQ, 1, 1, "x", 1, &h2) ==
	    ZX_ERR_ACCESS_DENIED, 34);
	CHECK(zx_resource_create(r, ZX_RSRC_KIND_MMIO |
	    ZX_RSRC_FLAG_EXCLUSIVE, DEV0, PAGE, "x", 1, &h2) ==
	    ZX_ERR_INVALID_ARGS, 35);
	CHECK(zx_vmo_create_physical(sub, DEV0 + PAGE, PAGE, &h2) == ZX_OK,
	    36);
	CHECK(zx_handle_close(h2) == ZX_OK, 37);
	CHECK(zx_vmo_create_physical(sub, DEV0, PAGE, &h2) ==
	    ZX_ERR_OUT_OF_RANGE, 38);

	/* The descriptor it maps reaches dev0, all of it and only it. */
	fd = map_and_catch(h, DEV0_SIZE, &addr);
	e = check_fd(fd, "dev0", DEV0_SIZE);
	CHECK(e == 0, 40 + e);
	/* The root process wrote 0xd1 all over dev1 and big. */
	CHECK(!fd_holds(fd, DEV0_SIZE, 0xd1), 50);
	memset((void *)addr, 0x0b, DEV0_SIZE);
	/* Mapping it past the region's end: those pages fault. */
	{
		void *p = mmap(NULL, 2 * DEV0_SIZE, PROT_READ, MAP_SHARED, fd,
		    0);

		CHECK(p != MAP_FAILED, 51);
		CHECK(probe((volatile uint8_t *)p, false), 52);
		CHECK(!probe((volatile uint8_t *)p + DEV0_SIZE, false), 53);
		munmap(p, 2 * DEV0_SIZE);
	}
	CHECK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, h, 0,
	    DEV0_SIZE + PAGE, &addr2) == ZX_OK, 54);
	CHECK(probe((volatile uint8_t *)addr2 + DEV0_SIZE - 1, false), 55);
	CHECK(!probe((volatile uint8_t *)addr2 + DEV0_SIZE, false), 56);
	close(fd);

	/* A VMO over big handed to it: the descriptor is all of big
	 * (region granularity), but never another region. */
	if (arg->vmo_fd >= 0) {
		zx_handle_t bv;

		CHECK(zxd_handle_import(arg->vmo_fd, &bv) == ZX_OK, 60);
		fd = map_and_catch(bv, PAGE, &addr);
		e = check_fd(fd, "big", BIG_SIZE);
		CHECK(e == 0, 60 + e);
		CHECK(!fd_holds(fd, BIG_SIZE, 0x0b), 70);
		close(fd);
	}
	return 0;
}

Test(phys_nobody, resource_rules_and_fds)
{
	struct nobody_arg arg;
	zx_handle_t root, r, bv, v1, vb, v0;
	volatile uint8_t *p1, *pb, *p0;
	int rc;

	start(NULL);
	root = root_resource();
	/* Mark dev1 and big, which the unprivileged process must not
	 * reach through dev0. */
	v1 = phys_new(root, DEV1, DEV1_SIZE);
	vb = phys_new(root, BIG, BIG_SIZE);
	p1 = map_vmo(v1, 0, DEV1_SIZE, true);
	pb = map_vmo(vb, 0, BIG_SIZE, true);
	memset((void *)p1, 0xd1, DEV1_SIZE);
	memset((void *)pb, 0xd1, BIG_SIZE);
	r = mmio_resource(root, DEV0, DEV0_SIZE);
	cr_assert_eq(zxd_handle_export(r, &arg.rsrc_fd), ZX_OK);
	bv = phys_new(root, BIG + PAGE, PAGE);
	cr_assert_eq(zxd_handle_export(bv, &arg.vmo_fd), ZX_OK);
	rc = zxdtest_run_as_nobody(as_nobody, &arg);
	cr_assert_eq(rc, 0, "as nobody: check %d failed", rc);
	close(arg.rsrc_fd);
	close(arg.vmo_fd);
	/* What it wrote is in dev0; dev1 and big are as we left them. */
	v0 = phys_new(root, DEV0, DEV0_SIZE);
	p0 = map_vmo(v0, 0, DEV0_SIZE, false);
	for (uint64_t i = 0; i < DEV0_SIZE; i++)
		cr_assert_eq(p0[i], 0x0b);
	for (uint64_t i = 0; i < DEV1_SIZE; i++)
		cr_assert_eq(p1[i], 0xd1);
	for (uint64_t i = 0; i < BIG_SIZE; i += 64)
		cr_assert_eq(pb[i], 0xd1);
	unmap(p0, DEV0_SIZE);
	unmap(p1, DEV1_SIZE);
	unmap(pb, BIG_SIZE);
	zx_handle_close(v0);
	zx_handle_close(v1);
	zx_handle_close(vb);
	zx_handle_close(root);
	stop();
}

/* Root's own process, for comparison: the fd of a VMO in big is big. */
Test(phys_nobody, root_fd_is_the_region_too)
{
	zx_handle_t root, h;
	zx_vaddr_t addr;
	int fd;

	start(NULL);
	root = root_resource();
	h = phys_new(root, DEV1, DEV1_SIZE);
	fd = map_and_catch(h, DEV1_SIZE, &addr);
	cr_assert_eq(check_fd(fd, "dev1", DEV1_SIZE), 0);
	close(fd);
	unmap((volatile uint8_t *)addr, DEV1_SIZE);
	zx_handle_close(h);
	zx_handle_close(root);
	stop();
}
