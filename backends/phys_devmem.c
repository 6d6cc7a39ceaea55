/*
 * The devmem backend: the configuration's MMIO regions, mapped through
 * /dev/mem at their physical addresses. Root only: opening /dev/mem needs
 * CAP_SYS_RAWIO, and an fd of it reaches all of physical memory, so it is
 * handed only to peers that could open it themselves. RAM regions, and
 * whatever /proc/iomem calls System RAM, are never served.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backends/phys_priv.h"

int
phys_devmem_init(const struct phys_setup *cfg, char *err, size_t err_size)
{
	char path[4096];
	bool owned = false;
	size_t n_mmio = 0;
	int fd, r;

	if (geteuid() != 0) {
		phys_errf(err, err_size,
		    "the devmem backend needs root (zxd runs as uid %u)",
		    (unsigned)geteuid());
		return -EPERM;
	}
	for (size_t i = 0; i < cfg->n_regions; i++)
		if (cfg->regions[i].kind == PHYS_MMIO)
			n_mmio++;
	if (n_mmio == 0) {
		phys_errf(err, err_size,
		    "the devmem backend serves the MMIO [region] sections, "
		    "and there are none");
		return -EINVAL;
	}
	if (phys_host_path(path, sizeof(path), "/dev/mem") < 0) {
		phys_errf(err, err_size, "$ZXD_SYSROOT is too long");
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		phys_errf(err, err_size, "cannot open %s: %s", path,
		    strerror(-r));
		return r;
	}

	for (size_t i = 0; i < cfg->n_regions; i++) {
		const struct phys_region_def *cr = &cfg->regions[i];
		bool mmio = cr->kind == PHYS_MMIO;
		struct phys_region_spec s = {
			.reopen = mmio ? PHYS_REOPEN_PATH : PHYS_REOPEN_NONE,
			.path = mmio ? path : NULL,
			/* One region closes the shared fd. */
			.owns_fd = mmio && !owned,
			.peer_needs_rawio = true,
		};

		snprintf(s.region.name, sizeof(s.region.name), "%s",
		    cr->name);
		s.region.kind = mmio ? PHYS_MMIO : PHYS_RAM;
		s.region.base = cr->base;
		s.region.size = cr->size;
		snprintf(s.region.source, sizeof(s.region.source), "%s",
		    mmio ? "/dev/mem" : "not served");
		s.region.fd = mmio ? fd : -1;
		s.region.fd_offset = cr->base;
		r = phys_add_region(&s);
		if (r < 0) {
			if (!owned)
				close(fd);
			phys_errf(err, err_size, "out of memory");
			return r;
		}
		owned = owned || s.owns_fd;
	}
	return phys_add_iomem_ram(err, err_size);
}
