/*
 * Unit tests for the physical-memory backends (backends/phys*.c): sim and
 * pci here, devmem and how zxd starts (or refuses to) with each of them
 * in phys_devmem.c.
 *
 * The pci and devmem backends read every host path under $ZXD_SYSROOT:
 * each of those tests builds a fake tree of plain files in a temporary
 * folder and points ZXD_SYSROOT at it, so no test ever opens a real
 * device's registers or the real /dev/mem. Criterion runs each test in a
 * process of its own, so the backend's global state starts fresh.
 */
#include "config-build.h"

#include "tests/unit/phys_util.h"

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
