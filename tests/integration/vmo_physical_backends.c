/*
 * Physical VMOs on the real backends, as far as a machine without
 * devices allows: a daemon of our own reads every host path under
 * $ZXD_SYSROOT, which points at a fake tree of plain files, so a mapping
 * lands in a file the test can read back.
 *
 * - pci: a BAR from sysfs; the VMO's bytes are resourceN's, at the
 *   offset of the address in the BAR.
 * - devmem: /dev/mem's offsets are physical addresses; its fd reaches
 *   all of memory, so only a peer that could open /dev/mem itself (uid 0
 *   with CAP_SYS_RAWIO) may map: anyone else is refused at zx_vmar_map,
 *   even holding the VMO.
 */
#include "config-build.h"

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/integration/vmo_physical.h"
#include "tests/lib/zxdtest.h"

static char tmpdir[64];
static struct zxdtest_daemon daemon_;

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* tmpdir/rel with its folders; `text`, or a sparse file of `size`. */
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
	cr_assert_geq(fd, 0, "%s", path);
	if (text != NULL)
		cr_assert_eq(write(fd, text, strlen(text)),
		    (ssize_t)strlen(text));
	else
		cr_assert_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
}

static void
read_file(const char *rel, uint64_t off, void *buf, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

/* Our fake root: files go there before the daemon starts. */
static void
make_root(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zxd-physbe.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	chmod(tmpdir, 0755);
}

static void
start(const char *conf_text)
{
	char conf[128];
	const char *args[] = { "--config", conf, NULL };

	put_file("zxd.conf", conf_text, 0);
	snprintf(conf, sizeof(conf), "%s/zxd.conf", tmpdir);
	setenv("ZXD_SYSROOT", tmpdir, 1);
	cr_assert_eq(zxdtest_start(&daemon_, args), 0);
	unsetenv("ZXD_SYSROOT");
}

static void
stop(void)
{
	char log[8192];
	ssize_t n;
	int fd, st;

	kill(daemon_.pid, SIGTERM);
	cr_assert_eq(waitpid(daemon_.pid, &st, 0), daemon_.pid);
	fd = open(daemon_.log, O_RDONLY);
	cr_assert_geq(fd, 0);
	n = read(fd, log, sizeof(log) - 1);
	close(fd);
	log[n > 0 ? n : 0] = '\0';
	unlink(daemon_.log);
	rmdir(daemon_.dir);
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "zxd: %s", log);
	cr_expect_null(strstr(log, "<3>"), "%s", log);
	cr_expect_null(strstr(log, "Sanitizer"), "%s", log);
}

/* --- pci ----------------------------------------------------------------- */

#define DEV	"sys/bus/pci/devices/0000:01:00.0/"
#define BAR2	UINT64_C(0xfd000000)
#define BAR2_SIZE UINT64_C(0x4000)

static void
fake_device(void)
{
	put_file(DEV "resource",
	    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	    "0x00000000fd000000 0x00000000fd003fff 0x0000000000040200\n"
	    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n",
	    0);
	put_file(DEV "resource2", NULL, BAR2_SIZE);
}

Test(phys_pci, vmo_over_a_bar)
{
	zx_handle_t root, h, s;
	volatile uint8_t *p;
	char back[8];

	cr_assert_eq(PAGE, 4096, "the fake BAR assumes 4 KiB pages");
	make_root();
	fake_device();
	start("[daemon]\nbackend = pci\n"
	    "[pci regs]\ndevice = 0000:01:00.0\nbar = 2\n");
	root = root_resource();
	h = phys_new(root, BAR2, BAR2_SIZE);
	cr_assert_eq(vmo_info(h).flags, PHYS_FLAGS);
	p = map_vmo(h, 0, BAR2_SIZE, true);
	memcpy((void *)(p + PAGE + 8), "bar two", 8);
	read_file(DEV "resource2", PAGE + 8, back, 8);
	cr_assert_arr_eq(back, "bar two", 8);
	/* A VMO inside the BAR starts at its offset in resourceN. */
	s = phys_new(root, BAR2 + 2 * PAGE, PAGE);
	unmap(p, BAR2_SIZE);
	p = map_vmo(s, 0, PAGE, true);
	memcpy((void *)(p + 3), "third", 6);
	read_file(DEV "resource2", 2 * PAGE + 3, back, 6);
	cr_assert_arr_eq(back, "third", 6);
	unmap(p, PAGE);
	/* Past the BAR there is nothing to serve. */
	cr_assert_eq(zx_vmo_create_physical(root, BAR2 + BAR2_SIZE - PAGE,
	    2 * PAGE, &h), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_vmo_create_physical(root, BAR2 - PAGE, PAGE, &h),
	    ZX_ERR_OUT_OF_RANGE);
	zx_handle_close(s);
	zx_handle_close(h);
	zx_handle_close(root);
	stop();
}

/* --- devmem -------------------------------------------------------------- */

#define MMIO	UINT64_C(0xF0000000)
#define MMIO_SIZE UINT64_C(0x10000)

static bool
have_rawio(void)
{
	char line[256];
	unsigned long long caps = 0;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return geteuid() == 0 && (caps >> 17 & 1);
}

static int
nobody_maps(void *arg)
{
	int fd = *(int *)arg;
	zx_handle_t h;
	zx_vaddr_t addr;
	zx_status_t st;

	CHECK(zxd_handle_import(fd, &h) == ZX_OK, 10);
	/* It holds the VMO, but the only fd there is reaches all of
	 * memory: refused. */
	st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, h, 0, PAGE,
	    &addr);
	CHECK(st == ZX_ERR_ACCESS_DENIED, 11);
	/* Everything else about the VMO works. */
	CHECK(zx_vmo_op_range(h, ZX_VMO_OP_CACHE_SYNC, 0, PAGE, NULL, 0) ==
	    ZX_OK, 12);
	CHECK(zx_handle_close(h) == ZX_OK, 13);
	return 0;
}

Test(phys_devmem, vmo_at_its_address)
{
	zx_handle_t root, h, give;
	volatile uint8_t *p;
	char conf[256], back[8];
	int fd;

	if (!have_rawio())
		cr_skip_test("needs uid 0 with CAP_SYS_RAWIO");
	snprintf(conf, sizeof(conf), "[daemon]\nbackend = devmem\n"
	    "[region dram]\nkind = ram\nbase = 0\nsize = 16M\n"
	    "[region regs]\nkind = mmio\nbase = %#lx\nsize = %#lx\n",
	    (unsigned long)MMIO, (unsigned long)MMIO_SIZE);
	make_root();
	put_file("dev/mem", NULL, MMIO + MMIO_SIZE);
	start(conf);
	root = root_resource();
	cr_assert_eq(zx_vmo_create_physical(root, 0, PAGE, &h),
	    ZX_ERR_ACCESS_DENIED);
	h = phys_new(root, MMIO + PAGE, 2 * PAGE);
	p = map_vmo(h, 0, 2 * PAGE, true);
	memcpy((void *)(p + PAGE + 5), "devmem", 7);
	read_file("dev/mem", MMIO + 2 * PAGE + 5, back, 7);
	cr_assert_arr_eq(back, "devmem", 7);
	unmap(p, 2 * PAGE);
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &give),
	    ZX_OK);
	cr_assert_eq(zxd_handle_export(give, &fd), ZX_OK);
	cr_assert_eq(zxdtest_run_as_nobody(nobody_maps, &fd), 0);
	close(fd);
	zx_handle_close(h);
	zx_handle_close(root);
	stop();
}

/* --- sim ----------------------------------------------------------------- */

/* The sim backend makes at most 64 such windows (only holders of the root
 * resource can ask for them); past that, out of range. */
Test(phys_sim, on_demand_windows_are_capped)
{
	zx_handle_t root, h;
	int made = 0, refused = 0;

	make_root();
	start("[daemon]\nbackend = sim\n");
	root = root_resource();

	for (int i = 0; i < 80; i++) {
		zx_status_t st;

		h = ZX_HANDLE_INVALID;
		st = zx_vmo_create_physical(root, 0x200000000ULL +
		    (uint64_t)i * 0x200000, PAGE, &h);
		if (st == ZX_OK) {
			made++;
			zx_handle_close(h);
		} else {
			cr_assert_eq(st, ZX_ERR_OUT_OF_RANGE);
			refused++;
		}
	}
	cr_assert_leq(made, 64);
	cr_assert_eq(made, 64);
	cr_assert_eq(refused, 16);
	zx_handle_close(root);
	stop();
}
