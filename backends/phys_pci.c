/*
 * The pci backend: each [pci NAME] section is an MMIO region, a memory
 * BAR whose bus addresses come from sysfs. The `resource` file of a
 * device has one line per resource, BARs 0 to 5 first:
 *
 *	0x00000000fe000000 0x00000000fe7fffff 0x0000000000140204
 *
 * start, end (inclusive) and the kernel's IORESOURCE_* flags. The BAR's
 * bytes are mapped through `resourceN`, whose offset 0 is the BAR start.
 * The configuration's [region] sections are not used: RAM is what
 * /proc/iomem calls System RAM.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/phys_priv.h"

/* include/linux/ioport.h */
#define IORESOURCE_IO		0x00000100
#define IORESOURCE_MEM		0x00000200
#define IORESOURCE_DISABLED	0x10000000
#define IORESOURCE_UNSET	0x20000000

struct bar {
	uint64_t start;
	uint64_t size;
	uint64_t flags;
};

/* Line `bar` of DEV/resource. */
static int
read_bar(const struct phys_bar_def *b, struct bar *ret, char *err,
    size_t err_size)
{
	char rel[128], path[4096], *line = NULL;
	unsigned long long start = 0, end = 0, flags = 0;
	size_t cap = 0;
	unsigned n = 0;
	bool found = false;
	int r;
	FILE *f;

	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/resource",
	    b->device);
	if (phys_host_path(path, sizeof(path), rel) < 0) {
		phys_errf(err, err_size, "$ZXD_SYSROOT is too long");
		return -ENAMETOOLONG;
	}
	f = fopen(path, "re");
	if (f == NULL) {
		r = -errno;
		if (r == -ENOENT)
			phys_errf(err, err_size,
			    "[pci %s]: no PCI device %s (%s: %s)", b->name,
			    b->device, path, strerror(-r));
		else
			phys_errf(err, err_size, "[pci %s]: %s: %s", b->name,
			    path, strerror(-r));
		return r;
	}
	while (getline(&line, &cap, f) > 0) {
		if (n++ != b->bar)
			continue;
		found = sscanf(line, "%llx %llx %llx", &start, &end,
		    &flags) == 3;
		break;
	}
	free(line);
	fclose(f);
	if (!found) {
		phys_errf(err, err_size,
		    "[pci %s]: %s has no well-formed line for BAR %u",
		    b->name, path, b->bar);
		return -EINVAL;
	}
	if (flags & IORESOURCE_IO) {
		phys_errf(err, err_size,
		    "[pci %s]: %s BAR %u is an I/O port BAR (flags %#llx); "
		    "only memory BARs can back physical VMOs", b->name,
		    b->device, b->bar, flags);
		return -EINVAL;
	}
	if (!(flags & IORESOURCE_MEM) ||
	    (flags & (IORESOURCE_DISABLED | IORESOURCE_UNSET)) ||
	    end <= start || (start == 0 && end == 0)) {
		phys_errf(err, err_size,
		    "[pci %s]: %s BAR %u is not assigned (unused, or the "
		    "upper half of a 64-bit BAR)", b->name, b->device, b->bar);
		return -EINVAL;
	}
	ret->start = start;
	ret->size = end - start + 1;	/* end > start: no wrap to 0 */
	ret->flags = flags;
	return 0;
}

static int
add_bar(const struct phys_bar_def *b, char *err, size_t err_size)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct phys_region_spec s = {
		.reopen = PHYS_REOPEN_PATH,
		.owns_fd = true,
	};
	char rel[128], path[4096];
	struct stat st;
	struct bar bar = { 0 };
	int fd, r;

	r = read_bar(b, &bar, err, err_size);
	if (r < 0)
		return r;
	/* Part of a page is all or nothing to the MMU: the rest of it may
	 * hold another device's registers. */
	if (bar.start % page != 0 || bar.size % page != 0) {
		phys_errf(err, err_size,
		    "[pci %s]: %s BAR %u [%#" PRIx64 ", +%#" PRIx64 ") is not "
		    "whole pages; mapping it would expose what shares its "
		    "pages", b->name, b->device, b->bar, bar.start, bar.size);
		return -EINVAL;
	}
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/resource%u",
	    b->device, b->bar);
	if (phys_host_path(path, sizeof(path), rel) < 0) {
		phys_errf(err, err_size, "$ZXD_SYSROOT is too long");
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		phys_errf(err, err_size, "[pci %s]: cannot open %s: %s",
		    b->name, path, strerror(-r));
		return r;
	}
	/* sysfs sizes resourceN as the BAR; anything else is not one. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != bar.size) {
		phys_errf(err, err_size,
		    "[pci %s]: %s is not a %#" PRIx64 "-byte BAR file",
		    b->name, path, bar.size);
		close(fd);
		return -EINVAL;
	}
	snprintf(s.region.name, sizeof(s.region.name), "%s", b->name);
	s.region.kind = PHYS_MMIO;
	s.region.base = bar.start;
	s.region.size = bar.size;
	snprintf(s.region.source, sizeof(s.region.source), "pci %s bar %u",
	    b->device, b->bar);
	s.region.fd = fd;
	s.region.fd_offset = 0;
	s.path = path;
	r = phys_add_region(&s);
	if (r < 0) {
		close(fd);
		phys_errf(err, err_size, "out of memory");
	}
	return r;
}

int
phys_pci_init(const struct phys_setup *cfg, char *err, size_t err_size)
{
	int r;

	if (cfg->n_bars == 0) {
		phys_errf(err, err_size,
		    "the pci backend needs at least one [pci NAME] section");
		return -EINVAL;
	}
	for (size_t i = 0; i < cfg->n_bars; i++) {
		r = add_bar(&cfg->bars[i], err, err_size);
		if (r < 0)
			return r;
	}
	return phys_add_iomem_ram(err, err_size);
}
