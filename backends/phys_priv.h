/* Between backends/phys.c (the map every backend fills) and the
 * backends themselves. Negative errno returns. */
#ifndef ZXD_BACKENDS_PHYS_PRIV_H
#define ZXD_BACKENDS_PHYS_PRIV_H

#include <stdarg.h>

#include "backends/phys.h"

/* How phys_client_fd makes a client's fd for a region. */
enum phys_reopen {
	PHYS_REOPEN_NONE,	/* not served */
	PHYS_REOPEN_MEMFD,	/* anon_reopen() of a 0400 memfd */
	PHYS_REOPEN_PATH,	/* dup for read-write, open(path) read-only */
};

struct phys_region_spec {
	struct phys_region region;
	enum phys_reopen reopen;
	const char *path;	/* PHYS_REOPEN_PATH */
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

int phys_sim_init(const struct config *cfg, char *err, size_t err_size);
int phys_pci_init(const struct config *cfg, char *err, size_t err_size);
int phys_devmem_init(const struct config *cfg, char *err,
    size_t err_size);

#endif /* ZXD_BACKENDS_PHYS_PRIV_H */
