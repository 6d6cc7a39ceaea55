/*
 * Unit tests for the physical-memory backends (backends/phys*.c), and
 * for how zxd starts (or refuses to) with each of them.
 *
 * The pci and devmem backends read every host path under $ZXD_SYSROOT:
 * each of those tests builds a fake tree of plain files in a temporary
 * folder and points ZXD_SYSROOT at it, so no test ever opens a real
 * device's registers or the real /dev/mem. Criterion runs each test in a
 * process of its own, so the backend's global state starts fresh.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "backends/phys.h"
#include "daemon/config.h"
#include "tests/lib/zxdtest.h"

#define GIB	(UINT64_C(1) << 30)
#define MIB	(UINT64_C(1) << 20)
#define PAGE	UINT64_C(4096)

static char tmpdir[64];
static char err[512];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zxdphys.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	unsetenv("ZXD_SYSROOT");
	err[0] = '\0';
}

static void
teardown(void)
{
	phys_shutdown();
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* tmpdir/rel, with its folders made; contents written, or a sparse file
 * of `size` bytes when text is NULL. */
static void
put_file(const char *rel, const char *text, uint64_t size)
{
	char path[512], *p;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	for (p = path + strlen(tmpdir) + 1; (p = strchr(p, '/')) != NULL;
	    p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	if (text != NULL)
		cr_assert_eq(write(fd, text, strlen(text)),
		    (ssize_t)strlen(text));
	else
		cr_assert_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
}

static void
use_sysroot(void)
{
	setenv("ZXD_SYSROOT", tmpdir, 1);
}

/* Defaults, then `text` as a zxd.conf when not NULL. */
static void
load_cfg(struct config *c, const char *text)
{
	char path[512];

	cr_assert_eq(config_init_defaults(c), 0);
	if (text == NULL)
		return;
	snprintf(path, sizeof(path), "%s/zxd.conf", tmpdir);
	put_file("zxd.conf", text, 0);
	cr_assert_eq(config_load(c, path, stderr), 0);
}

/* phys_init of `text` (NULL: the defaults) with backend `backend`. */
static int
init_with(const char *backend, const char *text)
{
	struct config c;
	struct phys_setup ps;
	int r;

	load_cfg(&c, text);
	if (backend != NULL) {
		free(c.backend);
		c.backend = strdup(backend);
	}
	ps = config_phys(&c);
	r = phys_init(&ps, err, sizeof(err));
	config_free(&c);
	return r;
}

static size_t
open_fds(void)
{
	char path[64];
	size_t n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (access(path, F_OK) == 0)
			n++;
	}
	return n;
}

static const struct phys_region *
region_named(const char *name)
{
	for (size_t i = 0; i < phys_region_count(); i++)
		if (strcmp(phys_region_at(i)->name, name) == 0)
			return phys_region_at(i);
	return NULL;
}

static const struct phys_peer me = { 0, 0 };

/* ----------------------------------------------------------------------
 * sim
 */

TestSuite(sim, .init = setup, .fini = teardown);

Test(sim, default_map)
{
	const struct phys_region *ram, *mmio;
	struct stat st;

	cr_assert_eq(init_with(NULL, NULL), 0, "%s", err);
	cr_assert_str_eq(phys_backend(), "sim");
	cr_assert_eq(phys_region_count(), 2);
	ram = phys_region_at(0);
	mmio = phys_region_at(1);
	cr_assert_null(phys_region_at(2));
	cr_assert_str_eq(ram->name, "ram");
	cr_assert_eq(ram->kind, PHYS_RAM);
	cr_assert_eq(ram->base, 0);
	cr_assert_eq(ram->size, GIB);
	cr_assert_str_eq(mmio->name, "mmio0");
	cr_assert_eq(mmio->kind, PHYS_MMIO);
	cr_assert_eq(mmio->base, 0xF0000000);
	cr_assert_eq(mmio->size, 16 * MIB);
	cr_assert_str_eq(mmio->source, "memfd");
	cr_assert_eq(mmio->fd_offset, 0);

	/* Each region is its own memfd, exactly its size, and sparse. */
	cr_assert_eq(fstat(mmio->fd, &st), 0);
	cr_assert_eq((uint64_t)st.st_size, 16 * MIB);
	cr_assert_eq(st.st_blocks, 0);
	cr_assert_eq(st.st_mode & 07777, 0400);
	cr_assert_eq(fstat(ram->fd, &st), 0);
	cr_assert_eq((uint64_t)st.st_size, GIB);
	cr_assert_eq(st.st_blocks, 0);
	cr_assert_neq(ram->fd, mmio->fd);
}

Test(sim, regions_from_config_sorted)
{
	cr_assert_eq(init_with(NULL,
	    "[region uart]\nkind = mmio\nbase = 0xFE201000\nsize = 4K\n"
	    "[region dram]\nkind = ram\nbase = 0\nsize = 256M\n"
	    "[region gpio]\nkind = mmio\nbase = 0xFE200000\nsize = 4K\n"),
	    0, "%s", err);
	cr_assert_eq(phys_region_count(), 3);
	cr_assert_str_eq(phys_region_at(0)->name, "dram");
	cr_assert_str_eq(phys_region_at(1)->name, "gpio");
	cr_assert_str_eq(phys_region_at(2)->name, "uart");
	/* The file's map replaces the built-in one. */
	cr_assert_null(region_named("mmio0"));
	cr_assert_null(region_named("ram"));
	cr_assert_eq(phys_region_at(1)->size, PAGE);
}

Test(sim, memfd_sealed)
{
	const struct phys_region *m;
	int seals;

	cr_assert_eq(init_with(NULL, NULL), 0);
	m = region_named("mmio0");
	seals = fcntl(m->fd, F_GET_SEALS);
	cr_assert_eq(seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
	    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	/* Not even the daemon's own fd can resize it. */
	cr_assert_eq(ftruncate(m->fd, 0), -1);
	cr_assert_eq(errno, EPERM);
	cr_assert_eq(ftruncate(m->fd, 32 * MIB), -1);
	cr_assert_eq(errno, EPERM);
}

Test(sim, lookup)
{
	const struct phys_region *m;
	struct phys_range r;

	cr_assert_eq(init_with(NULL, NULL), 0);
	m = region_named("mmio0");
	cr_assert_eq(phys_lookup(0xF0003000, 2 * PAGE, &r), ZX_OK);
	cr_assert_eq(r.region, m);
	cr_assert_eq(r.paddr, 0xF0003000);
	cr_assert_eq(r.size, 2 * PAGE);
	cr_assert_eq(r.offset, 0x3000);
	cr_assert_eq(r.fd_offset, 0x3000);
	/* The whole region, and its last byte. */
	cr_assert_eq(phys_lookup(0xF0000000, 16 * MIB, &r), ZX_OK);
	cr_assert_eq(phys_lookup(0xF0FFFFFF, 1, &r), ZX_OK);
	cr_assert_eq(r.offset, 16 * MIB - 1);
	/* RAM is found as RAM: the caller refuses it. */
	cr_assert_eq(phys_lookup(0x1000, PAGE, &r), ZX_OK);
	cr_assert_eq(r.region->kind, PHYS_RAM);

	/* One byte too many, a hole, the edge of a hole. */
	cr_assert_eq(phys_lookup(0xF0000000, 16 * MIB + 1, &r),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(phys_lookup(0x50000000, PAGE, &r), ZX_ERR_NOT_FOUND);
	cr_assert_eq(phys_lookup(0xEFFFF000, 2 * PAGE, &r),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(phys_lookup(0xF1000000, PAGE, &r), ZX_ERR_NOT_FOUND);
	cr_assert_eq(phys_lookup(GIB - PAGE, 2 * PAGE, &r), ZX_ERR_NOT_FOUND);
	/* Empty, or wrapping past 2^64. */
	cr_assert_eq(phys_lookup(0xF0000000, 0, &r), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(phys_lookup(UINT64_MAX, 2, &r), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(phys_lookup(0xF0000000, UINT64_MAX, &r),
	    ZX_ERR_INVALID_ARGS);
}

Test(sim, lookup_never_spans_regions)
{
	struct phys_range r;

	/* Two MMIO regions back to back are still two files. */
	cr_assert_eq(init_with(NULL,
	    "[region a]\nkind = mmio\nbase = 0x10000000\nsize = 4K\n"
	    "[region b]\nkind = mmio\nbase = 0x10001000\nsize = 4K\n"), 0);
	cr_assert_eq(phys_lookup(0x10000000, PAGE, &r), ZX_OK);
	cr_assert_str_eq(r.region->name, "a");
	cr_assert_eq(phys_lookup(0x10001000, PAGE, &r), ZX_OK);
	cr_assert_str_eq(r.region->name, "b");
	cr_assert_eq(r.fd_offset, 0);
	cr_assert_eq(phys_lookup(0x10000000, 2 * PAGE, &r),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(phys_lookup(0x10000FFF, 2, &r), ZX_ERR_NOT_FOUND);
}

Test(sim, touches_ram)
{
	cr_assert_eq(init_with(NULL, NULL), 0);
	cr_assert(phys_touches_ram(0, 1));
	cr_assert(phys_touches_ram(GIB - 1, 1));
	cr_assert(phys_touches_ram(GIB - 1, 0x1000));
	cr_assert(phys_touches_ram(0x1234, 1));
	cr_assert_not(phys_touches_ram(GIB, 1));
	cr_assert_not(phys_touches_ram(0xF0000000, PAGE));
	cr_assert_not(phys_touches_ram(0x50000000, PAGE));
	/* Everything from the end of RAM on. */
	cr_assert_not(phys_touches_ram(GIB, UINT64_MAX - GIB));
	/* Empty and wrapping ranges touch nothing. */
	cr_assert_not(phys_touches_ram(0, 0));
	cr_assert_not(phys_touches_ram(1024, UINT64_MAX));
	cr_assert_not(phys_touches_ram(UINT64_MAX, 1024));
}

Test(sim, client_fd_shares_bytes)
{
	struct phys_range a, b;
	const char msg[] = "hello, device";
	char buf[sizeof(msg)];
	uint8_t *pa, *pb;
	int fa, fb;

	cr_assert_eq(init_with(NULL, NULL), 0);
	cr_assert_eq(phys_lookup(0xF0002000, PAGE, &a), ZX_OK);
	cr_assert_eq(phys_lookup(0xF0001000, 2 * PAGE, &b), ZX_OK);
	cr_assert_eq(phys_client_fd(&a, true, &me, &fa), ZX_OK);
	cr_assert_eq(phys_client_fd(&b, true, &me, &fb), ZX_OK);
	cr_assert(fcntl(fa, F_GETFD) & FD_CLOEXEC);
	/* Two VMOs over the same addresses see the same bytes. */
	pa = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fa,
	    (off_t)a.fd_offset);
	pb = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fb,
	    (off_t)b.fd_offset);
	cr_assert_neq(pa, MAP_FAILED);
	cr_assert_neq(pb, MAP_FAILED);
	memcpy(pa + 16, msg, sizeof(msg));
	cr_assert_eq(memcmp(pb + PAGE + 16, msg, sizeof(msg)), 0);
	/* And so does the daemon's own fd. */
	cr_assert_eq(pread(a.region->fd, buf, sizeof(buf), 0x2010),
	    (ssize_t)sizeof(buf));
	cr_assert_eq(memcmp(buf, msg, sizeof(msg)), 0);
	/* A client cannot resize the region under the others. */
	cr_assert_eq(ftruncate(fa, 0), -1);
	cr_assert_eq(ftruncate(fa, 64 * MIB), -1);
	/* Nor change the daemon's file status flags. */
	cr_assert_eq(fcntl(fa, F_SETFL, O_APPEND | O_NONBLOCK), 0);
	cr_assert_eq(fcntl(a.region->fd, F_GETFL) & (O_APPEND | O_NONBLOCK),
	    0);
	munmap(pa, PAGE);
	munmap(pb, 2 * PAGE);
	close(fa);
	close(fb);
}

/* Run as nobody: the read-only fd cannot become writable by any route. */
static int
readonly_checks(int fd)
{
	char path[64];
	void *p;

	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return 1;
	if ((fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDONLY)
		return 2;
	if (pwrite(fd, "x", 1, 0) != -1 || errno != EBADF)
		return 3;
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED || errno != EACCES)
		return 4;
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 5;
	if (mprotect(p, PAGE, PROT_READ | PROT_WRITE) != -1)
		return 6;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (open(path, O_RDWR) != -1 || errno != EACCES)
		return 7;
	return 0;
}

Test(sim, client_fd_read_only)
{
	struct phys_range r;
	int fd, st;
	pid_t pid;

	cr_assert_eq(init_with(NULL, NULL), 0);
	cr_assert_eq(phys_lookup(0xF0000000, PAGE, &r), ZX_OK);
	cr_assert_eq(phys_client_fd(&r, false, &me, &fd), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(readonly_checks(fd));
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0);
	close(fd);
}

Test(sim, client_fd_never_ram)
{
	struct phys_range r;
	int fd = -1;

	cr_assert_eq(init_with(NULL, NULL), 0);
	cr_assert_eq(phys_lookup(0, PAGE, &r), ZX_OK);
	cr_assert_eq(phys_client_fd(&r, true, &me, &fd), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(phys_client_fd(&r, false, &me, &fd),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(fd, -1);
}

Test(sim, lifecycle)
{
	size_t fds = open_fds();

	cr_assert_null(phys_backend());
	cr_assert_eq(phys_region_count(), 0);
	phys_shutdown();
	cr_assert_eq(init_with(NULL, NULL), 0);
	/* Per region: the daemon's fd and the one clients get dups of. */
	cr_assert_eq(open_fds(), fds + 4);
	cr_assert_eq(init_with(NULL, NULL), -EALREADY);
	cr_assert_not_null(strstr(err, "already started"));
	phys_shutdown();
	cr_assert_null(phys_backend());
	cr_assert_eq(phys_region_count(), 0);
	cr_assert_eq(open_fds(), fds);
	cr_assert_eq(init_with("sim", NULL), 0);
	phys_shutdown();
	phys_shutdown();
	cr_assert_eq(init_with("floppy", NULL), -EINVAL);
	cr_assert_not_null(strstr(err, "unknown backend 'floppy'"));
	cr_assert_null(phys_backend());
	cr_assert_eq(open_fds(), fds);
}

/* ----------------------------------------------------------------------
 * pci, on a fake sysfs
 */

#define DEV "sys/bus/pci/devices/0000:01:00.0/"

/* A device with a 64-bit prefetchable 8 MiB BAR 0 (BAR 1 its upper
 * half), a 16 KiB BAR 2, nothing at BAR 3, an I/O BAR 4, and a
 * sub-page BAR 5; then the ROM and bridge lines sysfs prints. */
static void
fake_device(void)
{
	put_file(DEV "resource",
	    "0x00000000fe000000 0x00000000fe7fffff 0x000000000014220c\n"
	    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	    "0x00000000fd000000 0x00000000fd003fff 0x0000000000040200\n"
	    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	    "0x000000000000e000 0x000000000000e01f 0x0000000000040101\n"
	    "0x00000000fd004000 0x00000000fd0040ff 0x0000000000040200\n"
	    "0x00000000fc000000 0x00000000fc01ffff 0x0000000000046200\n"
	    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n",
	    0);
	put_file(DEV "resource0", NULL, 8 * MIB);
	put_file(DEV "resource2", NULL, 16 * 1024);
	put_file(DEV "resource4", NULL, 32);
	put_file(DEV "resource5", NULL, 256);
	put_file("proc/iomem",
	    "00000000-00000fff : Reserved\n"
	    "00001000-0009fbff : System RAM\n"
	    "000a0000-000bffff : PCI Bus 0000:00\n"
	    "00100000-7fffffff : System RAM\n"
	    "  01000000-01ffffff : Kernel code\n"
	    "fc000000-fe7fffff : PCI Bus 0000:01\n"
	    "  fe000000-fe7fffff : 0000:01:00.0\n"
	    "100000000-17fffffff : System RAM\n", 0);
	use_sysroot();
}

static const char pci_conf[] =
	"[daemon]\nbackend = pci\n"
	"[pci gpu]\ndevice = 0000:01:00.0\nbar = 0\n"
	"[pci regs]\ndevice = 01:00.0\nbar = 2\n";

TestSuite(pci, .init = setup, .fini = teardown);

Test(pci, bars_from_sysfs)
{
	const struct phys_region *gpu, *regs;
	struct phys_range r;

	fake_device();
	cr_assert_eq(init_with(NULL, pci_conf), 0, "%s", err);
	cr_assert_str_eq(phys_backend(), "pci");
	/* Only the BARs: the [region] map is the sim backend's. */
	cr_assert_eq(phys_region_count(), 2);
	regs = phys_region_at(0);
	gpu = phys_region_at(1);
	cr_assert_str_eq(regs->name, "regs");
	cr_assert_eq(regs->kind, PHYS_MMIO);
	cr_assert_eq(regs->base, 0xfd000000);
	cr_assert_eq(regs->size, 16 * 1024);
	cr_assert_str_eq(regs->source, "pci 0000:01:00.0 bar 2");
	cr_assert_str_eq(gpu->name, "gpu");
	cr_assert_eq(gpu->base, 0xfe000000);
	cr_assert_eq(gpu->size, 8 * MIB);
	cr_assert_str_eq(gpu->source, "pci 0000:01:00.0 bar 0");
	/* resourceN's offset 0 is the BAR's first byte. */
	cr_assert_eq(phys_lookup(0xfe001000, PAGE, &r), ZX_OK);
	cr_assert_eq(r.region, gpu);
	cr_assert_eq(r.fd_offset, 0x1000);
	cr_assert_eq(phys_lookup(0xfd003000, 2 * PAGE, &r),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(phys_lookup(0xF0000000, PAGE, &r), ZX_ERR_NOT_FOUND);
}

Test(pci, ram_from_iomem)
{
	fake_device();
	cr_assert_eq(init_with(NULL, pci_conf), 0, "%s", err);
	cr_assert(phys_touches_ram(0x1000, 1));
	cr_assert(phys_touches_ram(0x9f000, PAGE));
	cr_assert(phys_touches_ram(0x7ffff000, PAGE));
	cr_assert(phys_touches_ram(0x17ffff000, PAGE));
	/* Reserved, ROM, PCI windows and holes are not RAM. */
	cr_assert_not(phys_touches_ram(0, PAGE));
	cr_assert_not(phys_touches_ram(0xa0000, PAGE));
	cr_assert_not(phys_touches_ram(0x80000000, PAGE));
	cr_assert_not(phys_touches_ram(0xfe000000, 8 * MIB));
	cr_assert_not(phys_touches_ram(0x180000000, PAGE));
}

Test(pci, iomem_as_non_root_sees_it)
{
	fake_device();
	put_file("proc/iomem",
	    "00000000-00000000 : Reserved\n"
	    "00000000-00000000 : System RAM\n"
	    "00000000-00000000 : System RAM\n", 0);
	cr_assert_eq(init_with(NULL, pci_conf), 0, "%s", err);
	cr_assert_not(phys_touches_ram(0, PAGE));
}

Test(pci, client_fd)
{
	char path[512], buf[8] = { 0 };
	struct phys_range r;
	int fd, ro;

	fake_device();
	cr_assert_eq(init_with(NULL, pci_conf), 0, "%s", err);
	cr_assert_eq(phys_lookup(0xfd001000, PAGE, &r), ZX_OK);
	cr_assert_eq(phys_client_fd(&r, true, &me, &fd), ZX_OK);
	cr_assert_eq((fcntl(fd, F_GETFL) & O_ACCMODE), O_RDWR);
	cr_assert(fcntl(fd, F_GETFL) & O_SYNC);
	cr_assert_eq(pwrite(fd, "bar2", 4, (off_t)r.fd_offset), 4);
	/* Its own description: flags set on it stay there. */
	cr_assert_eq(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK), 0);
	cr_assert_eq(fcntl(r.region->fd, F_GETFL) & (O_APPEND | O_NONBLOCK),
	    0);
	/* It lands in the BAR's file. */
	snprintf(path, sizeof(path), "%s/" DEV "resource2", tmpdir);
	ro = open(path, O_RDONLY);
	cr_assert_eq(pread(ro, buf, 4, 0x1000), 4);
	cr_assert_str_eq(buf, "bar2");
	close(ro);
	cr_assert_eq(phys_client_fd(&r, false, &me, &ro), ZX_OK);
	cr_assert_eq((fcntl(ro, F_GETFL) & O_ACCMODE), O_RDONLY);
	cr_assert_eq(pwrite(ro, "x", 1, 0), -1);
	close(ro);
	close(fd);
}

/* phys_init with one [pci] section, expecting failure r with a message
 * containing `what`; nothing may stay behind. */
static void
pci_refused(const char *device, unsigned bar, int r, const char *what)
{
	char conf[256];
	size_t fds = open_fds();

	snprintf(conf, sizeof(conf),
	    "[daemon]\nbackend = pci\n[pci dev]\ndevice = %s\nbar = %u\n",
	    device, bar);
	cr_assert_eq(init_with(NULL, conf), r, "%s", err);
	cr_assert_not_null(strstr(err, what), "'%s' lacks '%s'", err, what);
	cr_assert_null(phys_backend());
	cr_assert_eq(phys_region_count(), 0);
	cr_assert_eq(open_fds(), fds);
}

Test(pci, io_bar_refused)
{
	fake_device();
	pci_refused("0000:01:00.0", 4, -EINVAL, "is an I/O port BAR");
}

Test(pci, unassigned_bar_refused)
{
	fake_device();
	/* The upper half of BAR 0, and an unused BAR. */
	pci_refused("0000:01:00.0", 1, -EINVAL, "BAR 1 is not assigned");
	pci_refused("0000:01:00.0", 3, -EINVAL, "BAR 3 is not assigned");
}

Test(pci, missing_device_refused)
{
	fake_device();
	pci_refused("0000:02:00.0", 0, -ENOENT, "no PCI device 0000:02:00.0");
	pci_refused("0001:01:00.0", 0, -ENOENT, "no PCI device 0001:01:00.0");
}

Test(pci, missing_resource_file_refused)
{
	char path[512];

	fake_device();
	snprintf(path, sizeof(path), "%s/" DEV "resource2", tmpdir);
	cr_assert_eq(unlink(path), 0);
	pci_refused("0000:01:00.0", 2, -ENOENT, "cannot open");
}

Test(pci, sub_page_bar_refused)
{
	fake_device();
	pci_refused("0000:01:00.0", 5, -EINVAL, "is not whole pages");
	/* Page-aligned start, sub-page size: as bad. */
	put_file(DEV "resource",
	    "0x00000000fd000000 0x00000000fd0000ff 0x0000000000040200\n", 0);
	put_file(DEV "resource0", NULL, 256);
	pci_refused("0000:01:00.0", 0, -EINVAL, "is not whole pages");
}

Test(pci, bad_resource_file_refused)
{
	fake_device();
	put_file(DEV "resource",
	    "0x00000000fe000000 0x00000000fe7fffff 0x000000000014220c\n"
	    "garbage\n", 0);
	pci_refused("0000:01:00.0", 1, -EINVAL,
	    "no well-formed line for BAR 1");
	pci_refused("0000:01:00.0", 5, -EINVAL,
	    "no well-formed line for BAR 5");
}

Test(pci, wrong_size_file_refused)
{
	fake_device();
	put_file(DEV "resource2", NULL, 4096);
	pci_refused("0000:01:00.0", 2, -EINVAL,
	    "is not a 0x4000-byte BAR file");
}

Test(pci, bar_over_ram_refused)
{
	fake_device();
	put_file("proc/iomem", "fd000000-fdffffff : System RAM\n", 0);
	pci_refused("0000:01:00.0", 2, -EEXIST, "is RAM");
}

Test(pci, overlapping_bars_refused)
{
	size_t fds;

	fake_device();
	put_file("sys/bus/pci/devices/0000:02:00.0/resource",
	    "0x00000000fe400000 0x00000000fe7fffff 0x0000000000040200\n", 0);
	put_file("sys/bus/pci/devices/0000:02:00.0/resource0", NULL, 4 * MIB);
	fds = open_fds();
	cr_assert_eq(init_with(NULL,
	    "[daemon]\nbackend = pci\n"
	    "[pci a]\ndevice = 0000:01:00.0\nbar = 0\n"
	    "[pci b]\ndevice = 0000:02:00.0\nbar = 0\n"), -EEXIST);
	cr_assert_not_null(strstr(err, "a [0xfe000000, +0x800000) overlaps "
	    "b [0xfe400000, +0x400000)"), "%s", err);
	cr_assert_eq(phys_region_count(), 0);
	cr_assert_eq(open_fds(), fds);
}

Test(pci, needs_a_section)
{
	fake_device();
	/* --backend pci over a file with no [pci] section. */
	cr_assert_eq(init_with("pci", NULL), -EINVAL);
	cr_assert_not_null(strstr(err, "at least one [pci NAME] section"));
}

/* ----------------------------------------------------------------------
 * devmem, on a fake /dev/mem (a plain file)
 */

TestSuite(devmem, .init = setup, .fini = teardown);

struct child_result {
	int r;
	char err[512];
};

/* Run phys_init for devmem as nobody and report through a pipe. */
static void
devmem_as_nobody(struct child_result *res)
{
	int p[2], st;
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct child_result cr = { 0 };

		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(1);
		cr.r = init_with("devmem", NULL);
		memcpy(cr.err, err, sizeof(cr.err));
		_exit(write(p[1], &cr, sizeof(cr)) == sizeof(cr) ? 0 : 2);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0);
	cr_assert_eq(read(p[0], res, sizeof(*res)), sizeof(*res));
	close(p[0]);
	close(p[1]);
}

Test(devmem, refused_without_root)
{
	struct child_result res;

	/* Even with a file it could open. */
	put_file("dev/mem", NULL, 0);
	cr_assert_eq(chmod(tmpdir, 0755), 0);
	use_sysroot();
	devmem_as_nobody(&res);
	cr_assert_eq(res.r, -EPERM);
	cr_assert_not_null(strstr(res.err,
	    "the devmem backend needs root (zxd runs as uid 65534)"),
	    "%s", res.err);
}

Test(devmem, refused_without_dev_mem)
{
	size_t fds = open_fds();

	use_sysroot();
	cr_assert_eq(init_with("devmem", NULL), -ENOENT);
	cr_assert_not_null(strstr(err, "cannot open "), "%s", err);
	cr_assert_not_null(strstr(err, "/dev/mem: No such file"), "%s", err);
	cr_assert_null(phys_backend());
	cr_assert_eq(open_fds(), fds);
}

Test(devmem, refused_without_mmio_regions)
{
	put_file("dev/mem", NULL, 0);
	use_sysroot();
	cr_assert_eq(init_with("devmem",
	    "[region dram]\nkind = ram\nbase = 0\nsize = 1G\n"), -EINVAL);
	cr_assert_not_null(strstr(err, "there are none"), "%s", err);
}

Test(devmem, refused_over_system_ram)
{
	size_t fds;

	put_file("dev/mem", NULL, 0);
	put_file("proc/iomem", "f0000000-f0ffffff : System RAM\n", 0);
	use_sysroot();
	fds = open_fds();
	cr_assert_eq(init_with("devmem", NULL), -EEXIST);
	cr_assert_not_null(strstr(err, "mmio0"), "%s", err);
	cr_assert_not_null(strstr(err, "is RAM"), "%s", err);
	cr_assert_eq(open_fds(), fds);
}

Test(devmem, serves_mmio_regions)
{
	const struct phys_region *ram, *mmio;
	struct phys_range r;
	int fd;

	put_file("dev/mem", NULL, 0);
	use_sysroot();
	cr_assert_eq(init_with("devmem", NULL), 0, "%s", err);
	cr_assert_str_eq(phys_backend(), "devmem");
	ram = region_named("ram");
	mmio = region_named("mmio0");
	cr_assert_eq(ram->kind, PHYS_RAM);
	cr_assert_eq(ram->fd, -1);
	cr_assert_str_eq(ram->source, "not served");
	cr_assert_str_eq(mmio->source, "/dev/mem");
	cr_assert_geq(mmio->fd, 0);
	/* /dev/mem's offsets are physical addresses. */
	cr_assert_eq(phys_lookup(0xF0001000, PAGE, &r), ZX_OK);
	cr_assert_eq(r.fd_offset, 0xF0001000);
	cr_assert(phys_touches_ram(0, PAGE));
	/* This process is root with CAP_SYS_RAWIO. */
	cr_assert_eq(phys_client_fd(&r, true, &(struct phys_peer){
	    getpid(), 0 }, &fd), ZX_OK);
	cr_assert_eq((fcntl(fd, F_GETFL) & O_ACCMODE), O_RDWR);
	close(fd);
	cr_assert_eq(phys_client_fd(&r, false, &(struct phys_peer){
	    getpid(), 0 }, &fd), ZX_OK);
	cr_assert_eq((fcntl(fd, F_GETFL) & O_ACCMODE), O_RDONLY);
	close(fd);
	/* RAM is never served. */
	cr_assert_eq(phys_lookup(0, PAGE, &r), ZX_OK);
	cr_assert_eq(phys_client_fd(&r, true, &(struct phys_peer){
	    getpid(), 0 }, &fd), ZX_ERR_ACCESS_DENIED);
}

/* A child that gave up CAP_SYS_RAWIO and waits to be killed. */
static pid_t
child_without_rawio(void)
{
	int p[2];
	pid_t pid;
	char c;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct __user_cap_header_struct h = {
			_LINUX_CAPABILITY_VERSION_3, 0
		};
		struct __user_cap_data_struct d[2];

		if (syscall(SYS_capget, &h, d) < 0)
			_exit(1);
		d[0].effective &= ~(1u << CAP_SYS_RAWIO);
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(2);
		(void)!write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	cr_assert_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	close(p[1]);
	return pid;
}

Test(devmem, fd_only_for_peers_that_could_open_it)
{
	struct phys_range r;
	pid_t pid;
	int fd = -1;

	put_file("dev/mem", NULL, 0);
	use_sysroot();
	cr_assert_eq(init_with("devmem", NULL), 0, "%s", err);
	cr_assert_eq(phys_lookup(0xF0000000, PAGE, &r), ZX_OK);
	/* Not uid 0. */
	cr_assert_eq(phys_client_fd(&r, false, &(struct phys_peer){
	    getpid(), 65534 }, &fd), ZX_ERR_ACCESS_DENIED);
	/* uid 0 without CAP_SYS_RAWIO. */
	pid = child_without_rawio();
	cr_assert_eq(phys_client_fd(&r, false, &(struct phys_peer){
	    pid, 0 }, &fd), ZX_ERR_ACCESS_DENIED);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* A peer that is gone. */
	cr_assert_eq(phys_client_fd(&r, false, &(struct phys_peer){
	    pid, 0 }, &fd), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(fd, -1);
}

/* ----------------------------------------------------------------------
 * zxd itself: each backend's failures stop it at startup with exit 1.
 */

TestSuite(daemon, .init = setup, .fini = teardown);

struct run {
	int status;		/* exit status, or -1 */
	char log[4096];
};

/* Run zxd with args (after --socket) and wait for it to exit on its own
 * within ~5 s; as nobody when asked. */
static void
run_zxd(const char *const *args, bool as_nobody, struct run *res)
{
	const char *bin = getenv("ZXD_BIN");
	char sock[256], logpath[256];
	const char *argv[16];
	size_t n = 0;
	ssize_t len;
	pid_t pid;
	int fd, st;

	cr_assert_not_null(bin, "ZXD_BIN is not set");
	snprintf(sock, sizeof(sock), "%s/zxd.sock", tmpdir);
	snprintf(logpath, sizeof(logpath), "%s/zxd.log", tmpdir);
	argv[n++] = bin;
	argv[n++] = "--socket";
	argv[n++] = sock;
	for (; *args != NULL; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	chmod(tmpdir, 0777);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd < 0)
			_exit(126);
		dup2(fd, 2);
		unsetenv("LISTEN_FDS");
		unsetenv("NOTIFY_SOCKET");
		if (as_nobody && (setgroups(0, NULL) < 0 ||
		    setgid(65534) < 0 || setuid(65534) < 0))
			_exit(126);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	res->status = -1;
	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			res->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
			break;
		}
		usleep(10000);
	}
	if (res->status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	fd = open(logpath, O_RDONLY);
	cr_assert_geq(fd, 0);
	len = read(fd, res->log, sizeof(res->log) - 1);
	res->log[len > 0 ? len : 0] = '\0';
	close(fd);
	cr_assert_eq(zxdtest_log_reports(logpath), 0, "sanitizer report");
}

Test(daemon, pci_without_sections_exits_1)
{
	struct run res;

	run_zxd((const char *[]){ "--backend", "pci", NULL }, false, &res);
	cr_assert_eq(res.status, 1, "%s", res.log);
	cr_assert_not_null(strstr(res.log, "<3>backend pci: the pci backend "
	    "needs at least one [pci NAME] section"), "%s", res.log);
}

Test(daemon, devmem_as_nobody_exits_1)
{
	struct run res;

	run_zxd((const char *[]){ "--backend", "devmem", NULL }, true, &res);
	cr_assert_eq(res.status, 1, "%s", res.log);
	cr_assert_not_null(strstr(res.log, "<3>backend devmem: the devmem "
	    "backend needs root (zxd runs as uid 65534)"), "%s", res.log);
}

Test(daemon, unknown_backend_exits_1)
{
	struct run res;

	run_zxd((const char *[]){ "--backend", "floppy", NULL }, false, &res);
	cr_assert_eq(res.status, 1, "%s", res.log);
	cr_assert_not_null(strstr(res.log, "<3>unknown backend 'floppy'"),
	    "%s", res.log);
}

Test(daemon, pci_missing_device_exits_1)
{
	char conf[512];
	struct run res;

	fake_device();
	snprintf(conf, sizeof(conf), "%s/pci.conf", tmpdir);
	put_file("pci.conf",
	    "[daemon]\nbackend = pci\n[pci nic]\ndevice = 03:00.0\nbar = 0\n",
	    0);
	run_zxd((const char *[]){ "--config", conf, NULL }, false, &res);
	cr_assert_eq(res.status, 1, "%s", res.log);
	cr_assert_not_null(strstr(res.log, "<3>backend pci: [pci nic]: no PCI "
	    "device 0000:03:00.0"), "%s", res.log);
}

static bool
can_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool ok;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

Test(daemon, pci_backend_starts_and_stops)
{
	const char *bin = getenv("ZXD_BIN");
	char conf[256], sock[256], logpath[256], log[4096];
	pid_t pid;
	ssize_t len;
	int fd, st;

	fake_device();
	cr_assert_not_null(bin);
	snprintf(conf, sizeof(conf), "%s/pci.conf", tmpdir);
	snprintf(sock, sizeof(sock), "%s/zxd.sock", tmpdir);
	snprintf(logpath, sizeof(logpath), "%s/zxd.log", tmpdir);
	put_file("pci.conf", pci_conf, 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		unsetenv("LISTEN_FDS");
		unsetenv("NOTIFY_SOCKET");
		execl(bin, bin, "--socket", sock, "--config", conf, (char *)0);
		_exit(127);
	}
	for (int i = 0; i < 500 && !can_connect(sock); i++)
		usleep(10000);
	cr_assert(can_connect(sock));
	kill(pid, SIGTERM);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	fd = open(logpath, O_RDONLY);
	len = read(fd, log, sizeof(log) - 1);
	log[len > 0 ? len : 0] = '\0';
	close(fd);
	cr_assert_eq(zxdtest_log_reports(logpath), 0, "sanitizer report");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", log);
	cr_assert_not_null(strstr(log, "physical region gpu: mmio "
	    "[0xfe000000, 0xfe800000) from pci 0000:01:00.0 bar 0"), "%s",
	    log);
	cr_assert_not_null(strstr(log, "ready (backend pci)"), "%s", log);
}
