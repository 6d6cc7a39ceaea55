/* Rights enforced by the Linux kernel, not by libzx: a process holding a
 * read-only VMO handle, running as another user than zxd, cannot write
 * the VMO through any descriptor libzx gave it, and a writer cannot
 * change the size of a VMO that is not resizable. */
#include "config-build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/vmo_util.h"
#include "tests/lib/zxdtest.h"

static const char secret[] = "the bytes nobody may change";

/* Exit codes of the child: which attack got through (also
 * zxdtest_attack_fd's, 40 and up). */
enum {
	OK = 0, E_SETUP = 10, E_FOUND, E_MAP_PROTECT, E_ZX_WRITE, E_CHANGED,
	E_ZX_PROTECT, E_ZX_OPS,
};

/* After setuid the process is not dumpable, and its own /proc/self/fd
 * is root's: make it ours again, so that reopening through it is an
 * attack on the memfd's mode and not on /proc. */
static void
own_proc_self(void)
{
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* Every mapping of a VMO's memory (or state page) in this process must
 * refuse to become writable. Returns how many there are, or -1. */
static int
attack_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;

		if (strstr(line, "/memfd:zxd-") == NULL ||
		    sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		n++;
		if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE) ==
		    0) {
			n = -1;
			break;
		}
	}
	fclose(f);
	return n;
}

/* Holding read-only handle ro (and nothing else for its VMO): try every
 * descriptor, the mapping, and the calls that need WRITE. */
static int
attack_handle(zx_handle_t ro)
{
	long page = sysconf(_SC_PAGESIZE);
	char back[sizeof(secret)];
	zx_vaddr_t a;
	int fds[16], n, r;

	/* Have libzx open everything it would: the read path, a map. */
	if (zx_vmo_read(ro, back, 0, sizeof(back)) != ZX_OK ||
	    zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, ro, 0, page,
	    &a) != ZX_OK)
		return E_SETUP;
	/* The data descriptor libzx keeps; the state page's and the
	 * map's it closed once mapped: their mappings are what is left. */
	n = zxdtest_memfds(fds, 16);
	if (n < 1)
		return E_FOUND;
	for (int i = 0; i < n; i++)
		if ((r = zxdtest_attack_fd(fds[i])) != OK)
			return r;
	r = attack_mappings();
	if (r < 0)
		return E_MAP_PROTECT;
	if (r < 2)	/* the state page and the zx_vmar_map mapping */
		return E_FOUND;
	if (zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, a, page) != ZX_ERR_ACCESS_DENIED)
		return E_ZX_PROTECT;
	if (zx_vmo_write(ro, "X", 0, 1) != ZX_ERR_ACCESS_DENIED)
		return E_ZX_WRITE;
	if (zx_vmo_op_range(ro, ZX_VMO_OP_ZERO, 0, page, NULL, 0) !=
	    ZX_ERR_ACCESS_DENIED ||
	    zx_vmo_op_range(ro, ZX_VMO_OP_DECOMMIT, 0, page, NULL, 0) !=
	    ZX_ERR_ACCESS_DENIED ||
	    zx_vmo_set_size(ro, 0) != ZX_ERR_ACCESS_DENIED ||
	    zx_vmo_set_stream_size(ro, 0) != ZX_ERR_ACCESS_DENIED)
		return E_ZX_OPS;
	if (zx_vmo_read(ro, back, 0, sizeof(back)) != ZX_OK ||
	    memcmp(back, secret, sizeof(secret)) != 0 ||
	    memcmp((const void *)a, secret, sizeof(secret)) != 0)
		return E_CHANGED;
	return OK;
}

static int
nobody_makes_read_only(void *arg)
{
	const zx_rights_t ro_rights = ZX_RIGHT_READ | ZX_RIGHT_MAP |
	    ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER;
	zx_handle_t h, ro;

	(void)arg;
	own_proc_self();
	if (zx_vmo_create(2 * sysconf(_SC_PAGESIZE), 0, &h) != ZX_OK ||
	    zx_vmo_write(h, secret, 0, sizeof(secret)) != ZX_OK ||
	    zx_handle_duplicate(h, ro_rights, &ro) != ZX_OK)
		return E_SETUP;
	/* Its writable descriptor goes with it. */
	zx_handle_close(h);
	return attack_handle(ro);
}

Test(vmo_enforce, read_only_handle_as_nobody)
{
	int r = zxdtest_run_as_nobody(nobody_makes_read_only, NULL);

	if (r == 126)
		cr_skip_test("cannot drop to uid 65534 (not root)");
	cr_assert_eq(r, OK, "attack %d got through", r);
}

static int
nobody_imports(void *arg)
{
	zx_handle_t ro;

	own_proc_self();
	if (zxd_handle_import(*(int *)arg, &ro) != ZX_OK)
		return E_SETUP;
	return attack_handle(ro);
}

Test(vmo_enforce, read_only_handle_from_another_process)
{
	zx_handle_t h, ro;
	char back[sizeof(secret)];
	int fd, r;

	if (!have_handle_transfer())
		cr_skip_test("zxd_handle_export/import not in this libzx");
	h = vmo_new(2 * PAGE, 0);
	cr_assert_eq(zx_vmo_write(h, secret, 0, sizeof(secret)), ZX_OK);
	ro = dup_rights(h, ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_TRANSFER);
	cr_assert_eq(zxd_handle_export(ro, &fd), ZX_OK);
	r = zxdtest_run_as_nobody(nobody_imports, &fd);
	close(fd);
	if (r == 126)
		cr_skip_test("cannot drop to uid 65534 (not root)");
	cr_assert_eq(r, OK, "attack %d got through", r);
	cr_assert_eq(zx_vmo_read(h, back, 0, sizeof(back)), ZX_OK);
	cr_assert_arr_eq(back, secret, sizeof(secret));
	zx_handle_close(h);
}

/* The writable descriptor of handle h (after one write through it). */
static int
data_fd(zx_handle_t h)
{
	int fds[16], n;

	cr_assert_eq(zx_vmo_write(h, "w", 0, 1), ZX_OK);
	n = zxdtest_memfds(fds, 16);
	for (int i = 0; i < n; i++)
		if ((fcntl(fds[i], F_GETFL) & O_ACCMODE) == O_RDWR)
			return fds[i];
	cr_assert_fail("no writable VMO descriptor");
	return -1;
}

Test(vmo_enforce, writer_cannot_resize_fixed_size)
{
	zx_handle_t h = vmo_new(2 * PAGE, 0), d;
	int fd = data_fd(h), fd2, fds[16], n;
	struct stat st;
	uint64_t size;

	cr_assert_neq(ftruncate(fd, 0), 0);
	cr_assert_eq(errno, EPERM);
	cr_assert_neq(ftruncate(fd, 64 * PAGE), 0);
	cr_assert_neq(pwrite(fd, "x", 1, 2 * PAGE), 1);
	cr_assert_neq(fallocate(fd, 0, 0, 8 * PAGE), 0);
	/* Nobody can add seals either (freeze other writers, say). */
	cr_assert_neq(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq((uint64_t)st.st_size, 2 * PAGE);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 2 * PAGE);
	/* Each handle has its own open file description: O_APPEND set on
	 * one does not reach the other holders' writes. */
	cr_assert_eq(fcntl(fd, F_SETFL, O_APPEND), 0);
	d = dup_rights(h, ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(zx_vmo_write(d, "at 100", 100, 7), ZX_OK);
	n = zxdtest_memfds(fds, 16);
	fd2 = -1;
	for (int i = 0; i < n; i++)
		if (fds[i] != fd && (fcntl(fds[i], F_GETFL) & O_ACCMODE) ==
		    O_RDWR)
			fd2 = fds[i];
	cr_assert_geq(fd2, 0);
	cr_assert_eq(fcntl(fd2, F_GETFL) & O_APPEND, 0);
	{
		char back[7];

		cr_assert_eq(zx_vmo_read(h, back, 100, 7), ZX_OK);
		cr_assert_str_eq(back, "at 100");
	}
	zx_handle_close(d);
	zx_handle_close(h);
}

/* What remains possible on a resizable VMO: a writer's ftruncate does
 * change the memfd. The daemon's size stays authoritative and its next
 * zx_vmo_set_size puts the memfd back. */
Test(vmo_enforce, resizable_writer_truncate)
{
	zx_handle_t h = vmo_new(2 * PAGE, ZX_VMO_RESIZABLE);
	int fd = data_fd(h);
	struct stat st;
	uint64_t size;
	char b;

	cr_assert_eq(ftruncate(fd, 0), 0);
	cr_assert_eq(zx_vmo_get_size(h, &size), ZX_OK);
	cr_assert_eq(size, 2 * PAGE);
	/* Reads of what the memfd lost see zeros. */
	cr_assert_eq(zx_vmo_read(h, &b, PAGE, 1), ZX_OK);
	cr_assert_eq(b, 0);
	cr_assert_eq(zx_vmo_set_size(h, 3 * PAGE), ZX_OK);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq((uint64_t)st.st_size, 3 * PAGE);
	cr_assert_neq(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), 0);
	zx_handle_close(h);
}

static int
nobody_writer(void *arg)
{
	long page = sysconf(_SC_PAGESIZE);
	char path[64];
	zx_handle_t h;
	int fds[16], n;

	(void)arg;
	own_proc_self();
	if (zx_vmo_create(2 * page, 0, &h) != ZX_OK ||
	    zx_vmo_write(h, "w", 0, 1) != ZX_OK)
		return E_SETUP;
	n = zxdtest_memfds(fds, 16);
	for (int i = 0; i < n; i++) {
		if (ftruncate(fds[i], page) == 0)
			return ZXDTEST_ATTACK_TRUNCATE;
		if (fchmod(fds[i], 0666) == 0)
			return ZXDTEST_ATTACK_FCHMOD;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
		if (open(path, O_RDWR) >= 0)
			return ZXDTEST_ATTACK_REOPEN;
	}
	return n >= 1 ? OK : E_FOUND;
}

Test(vmo_enforce, writer_as_nobody)
{
	int r = zxdtest_run_as_nobody(nobody_writer, NULL);

	if (r == 126)
		cr_skip_test("cannot drop to uid 65534 (not root)");
	cr_assert_eq(r, OK, "attack %d got through", r);
}
