/* The sim backend: a simulated physical address space, one sparse memfd
 * per configured region. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backends/anon.h"
#include "backends/phys_priv.h"

/* A client holding a region's fd must not shrink it under the other
 * mappers (they would fault) or grow it; nobody may lift that later. */
#define REGION_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* The daemon's fd and a second read-write description for clients, both
 * opened before the inode turns 0400 (after which no one gets write
 * access by reopening). */
static int
region_memfd(const struct phys_region_def *cr, int *ret_fd, int *ret_share)
{
	char name[64], path[64];
	int fd, share = -1, r = 0;

	snprintf(name, sizeof(name), "zxd-phys:%s", cr->name);
	r = anon_memfd_new(name, cr->size, &fd);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (fcntl(fd, F_ADD_SEALS, REGION_SEALS) < 0 ||
	    (share = open(path, O_RDWR | O_CLOEXEC)) < 0 ||
	    (r = anon_seal_mode(fd)) < 0) {
		if (r == 0)
			r = -errno;
		if (share >= 0)
			close(share);
		close(fd);
		return r;
	}
	*ret_fd = fd;
	*ret_share = share;
	return 0;
}

static int
add_region(const struct phys_region_def *cr, char *err, size_t err_size)
{
	struct phys_region_spec s = {
		.reopen = PHYS_REOPEN_MEMFD,
		.owns_fd = true,
	};
	int fd = -1, share = -1, r;

	r = region_memfd(cr, &fd, &share);
	if (r < 0) {
		phys_errf(err, err_size, "region %s: cannot create its %"
		    PRIu64 "-byte memfd: %s", cr->name, cr->size,
		    strerror(-r));
		return r;
	}
	snprintf(s.region.name, sizeof(s.region.name), "%s", cr->name);
	s.region.kind = cr->kind;
	s.region.base = cr->base;
	s.region.size = cr->size;
	snprintf(s.region.source, sizeof(s.region.source), "memfd");
	s.region.fd = fd;
	s.region.fd_offset = 0;
	s.share_fd = share;
	r = phys_add_region(&s);
	if (r < 0) {
		close(share);
		close(fd);
		phys_errf(err, err_size, "out of memory");
		return r;
	}
	return 0;
}

int
phys_sim_init(const struct phys_setup *cfg, char *err, size_t err_size)
{
	for (size_t i = 0; i < cfg->n_regions; i++) {
		int r = add_region(&cfg->regions[i], err, err_size);

		if (r < 0)
			return r;
	}
	return 0;
}

int
phys_sim_add_mmio(uint64_t base, uint64_t size)
{
	struct phys_region_def cr = {
		.kind = PHYS_MMIO,
		.base = base,
		.size = size,
	};

	snprintf(cr.name, sizeof(cr.name), "mmio@%" PRIx64, base);
	return add_region(&cr, NULL, 0);
}
