/* Between backends/phys.c (the map every backend fills) and the
 * backends themselves. Negative errno returns. */
#ifndef ZXD_BACKENDS_PHYS_PRIV_H
#define ZXD_BACKENDS_PHYS_PRIV_H

#include <stdarg.h>

#include "backends/phys.h"

/* How phys_client_fd makes a client's fd for a region. */
enum phys_reopen {
	PHYS_REOPEN_NONE,	/* not served */
	PHYS_REOPEN_MEMFD,	/* a 0400 memfd: dup of share_fd read-write,
				 * /proc/self/fd reopen read-only */
	PHYS_REOPEN_PATH,	/* open(path) afresh */
};

/*
 * Clients never share the daemon's own open file description (region.fd):
 * file status flags such as O_APPEND belong to the description, and a
 * client could set them under the daemon.
 */
struct phys_region_spec {
	struct phys_region region;
	enum phys_reopen reopen;
	const char *path;	/* PHYS_REOPEN_PATH */
	int share_fd;		/* PHYS_REOPEN_MEMFD: the read-write
				 * description clients get dups of; taken */
	bool owns_fd;		/* phys_shutdown closes region.fd */
	bool peer_needs_rawio;	/* the fd reaches beyond the region */
};

/* Add a region to the map; on success the map owns region.fd if
 * owns_fd. Overlaps are checked once the backend is done. */
int phys_add_region(const struct phys_region_spec *s);
/* Add [base, base + size) to the RAM that no one may reach, without a
 * region of its own (RAM known only by address). */
int phys_add_ram(uint64_t base, uint64_t size);
/* Every "System RAM" range /proc/iomem shows (none when it shows only
 * zeros, as it does to non-root readers, or cannot be read). */
int phys_add_iomem_ram(char *err, size_t err_size);

/* $ZXD_SYSROOT followed by path, into buf. */
int phys_host_path(char *buf, size_t size, const char *path);

void phys_errf(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Add an on-demand MMIO region of the sim backend (see
 * phys_serve_on_demand). */
int phys_sim_add_mmio(uint64_t base, uint64_t size);
int phys_sim_init(const struct phys_setup *cfg, char *err, size_t err_size);
int phys_pci_init(const struct phys_setup *cfg, char *err, size_t err_size);
int phys_devmem_init(const struct phys_setup *cfg, char *err,
    size_t err_size);

#endif /* ZXD_BACKENDS_PHYS_PRIV_H */
