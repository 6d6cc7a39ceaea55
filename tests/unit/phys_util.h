/* What the physical-memory backend tests share (phys.c, phys_devmem.c):
 * a temporary sysroot, configurations, the backend started on them. */
#ifndef ZXD_TESTS_PHYS_UTIL_H
#define ZXD_TESTS_PHYS_UTIL_H

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
static char err[512] __attribute__((unused));

static inline int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static inline void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zxdphys.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	unsetenv("ZXD_SYSROOT");
	err[0] = '\0';
}

static inline void
teardown(void)
{
	phys_shutdown();
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* tmpdir/rel, with its folders made; contents written, or a sparse file
 * of `size` bytes when text is NULL. */
static inline void
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

static inline void
use_sysroot(void)
{
	setenv("ZXD_SYSROOT", tmpdir, 1);
}

/* Defaults, then `text` as a zxd.conf when not NULL. */
static inline void
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
static inline int
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

static inline size_t
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

static inline const struct phys_region *
region_named(const char *name)
{
	for (size_t i = 0; i < phys_region_count(); i++)
		if (strcmp(phys_region_at(i)->name, name) == 0)
			return phys_region_at(i);
	return NULL;
}

static const struct phys_peer me __attribute__((unused)) = { 0, 0 };

/* A fake PCI device in the sysroot, and a configuration that serves
 * two of its BARs. */
#define DEV "sys/bus/pci/devices/0000:01:00.0/"

/* A device with a 64-bit prefetchable 8 MiB BAR 0 (BAR 1 its upper
 * half), a 16 KiB BAR 2, nothing at BAR 3, an I/O BAR 4, and a
 * sub-page BAR 5; then the ROM and bridge lines sysfs prints. */
static inline void
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

static const char pci_conf[] __attribute__((unused)) =
	"[daemon]\nbackend = pci\n"
	"[pci gpu]\ndevice = 0000:01:00.0\nbar = 0\n"
	"[pci regs]\ndevice = 01:00.0\nbar = 2\n";

#endif
