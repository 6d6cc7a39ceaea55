/*
 * Physical memory: the physical address space zxd serves physical VMOs
 * from, and the RAM that nobody may reach by address. One backend per
 * daemon, chosen by `backend =` in zxd.conf (or --backend):
 *
 *   sim     The configuration's [region] sections (or the built-in map:
 *           RAM "ram" [0, 0x4000_0000), MMIO "mmio0" [0xF000_0000,
 *           0xF100_0000)). Each region, RAM or MMIO, is its own sparse
 *           memfd created at startup; two physical VMOs over the same
 *           addresses share its pages, as on real hardware.
 *   pci     One MMIO region per [pci NAME] section: a memory BAR whose
 *           bus address range is read from sysfs
 *           (/sys/bus/pci/devices/DEV/resource), backed by
 *           /sys/bus/pci/devices/DEV/resourceN.
 *   devmem  The configuration's MMIO [region] sections, backed by
 *           /dev/mem. Only for a daemon running as root.
 *
 * RAM. The sim backend's RAM regions, plus for pci and devmem every
 * "System RAM" range of /proc/iomem (when it shows addresses, i.e. to
 * root) and the configuration's RAM regions. A range that touches RAM is
 * refused to the root resource (phys_touches_ram), as Zircon's root
 * resource filter refuses it; client fds for RAM are never handed out.
 *
 * Granularity: the region. Linux cannot hand out part of a file as a
 * file of its own, so the fd a client receives to map a physical VMO
 * reaches the whole region that holds the VMO (a memfd, a BAR's resourceN
 * file), and a holder of that fd could map any page of that region, not
 * only the VMO's. zxd guarantees that it never reaches outside that one
 * region: a VMO never spans regions, RAM is never handed out, and memfds
 * are sealed against resizing. For page-exact isolation declare smaller
 * regions (a [region] may be a single page). The devmem backend's fd is
 * /dev/mem itself, which reaches all of physical memory: it is handed
 * only to peers that could open /dev/mem themselves (uid 0 with
 * CAP_SYS_RAWIO), so it grants nobody more than they already have.
 *
 * Test hook: the real backends read every host path (/sys/bus/pci,
 * /proc/iomem, /dev/mem) under $ZXD_SYSROOT when it is set (ignored in
 * setuid/setgid programs), so tests point them at a fake tree of plain
 * files.
 *
 * Errors are negative errno values in the plumbing (init) and Zircon
 * statuses where the answer reaches a syscall (lookup, client fds).
 * Nothing here is thread-safe; the daemon is single-threaded.
 */
#ifndef ZXD_BACKENDS_PHYS_H
#define ZXD_BACKENDS_PHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <zircon/types.h>

enum phys_kind {
	PHYS_RAM,
	PHYS_MMIO,
};

/* Longest region or PCI name, without the terminating NUL. */
#define PHYS_NAME_MAX		31

/* A region the configuration declares: [base, base + size). */
struct phys_region_def {
	char name[PHYS_NAME_MAX + 1];
	enum phys_kind kind;
	uint64_t base;
	uint64_t size;
};

/* A PCI BAR the pci backend exposes as a physical range. */
struct phys_bar_def {
	char name[PHYS_NAME_MAX + 1];
	char device[16];		/* "dddd:bb:dd.f", lower case */
	unsigned bar;			/* 0..5 */
};

/* What phys_init starts: a backend and what it serves. */
struct phys_setup {
	const char *backend;		/* "sim", "pci", "devmem"; NULL: sim */
	const struct phys_region_def *regions;
	size_t n_regions;
	const struct phys_bar_def *bars;
	size_t n_bars;
};

/* One region of the physical address space: [base, base + size). */
struct phys_region {
	char name[PHYS_NAME_MAX + 1];
	enum phys_kind kind;
	uint64_t base;
	uint64_t size;
	/* Where the bytes live, for zxctl: "memfd", "pci 0000:01:00.0 bar 2",
	 * "/dev/mem", or "not served" for RAM known only by address. */
	char source[64];
	/* The daemon's own read-write fd, never to be sent to a client
	 * (phys_client_fd makes those); -1 when the region is not served. */
	int fd;
	/* File offset of `base` in fd. */
	uint64_t fd_offset;
};

/* What phys_lookup found: a range inside one region. */
struct phys_range {
	const struct phys_region *region;
	uint64_t paddr;
	uint64_t size;
	uint64_t offset;	/* paddr - region->base */
	uint64_t fd_offset;	/* file offset of paddr in region->fd and in
				 * fds from phys_client_fd: mmap() there */
};

/* Who will hold a client fd. */
struct phys_peer {
	pid_t pid;
	uid_t uid;
};

/*
 * Start the backend setup->backend with its regions or PCI BARs. On
 * failure nothing is left set up, a one-line reason (naming the section,
 * device or file at fault) is written to err, and -errno is returned:
 * -EINVAL for an unknown backend or a configuration it cannot serve,
 * -EPERM for devmem without root, -ENOENT for a missing device or file,
 * -EEXIST for overlapping regions or BARs. Calling it twice without
 * phys_shutdown() in between gives -EALREADY.
 */
int phys_init(const struct phys_setup *setup, char *err, size_t err_size);

/* Close every fd and forget the map; fine to call when not started. */
void phys_shutdown(void);

/* "sim", "pci" or "devmem"; NULL when not started. */
const char *phys_backend(void);

/* The regions, sorted by base, RAM included; never overlapping. */
size_t phys_region_count(void);
const struct phys_region *phys_region_at(size_t i);

/* Whether any byte of [base, base + size) is RAM. An empty range or one
 * that wraps past 2^64 touches nothing (Zircon's filter lets those through
 * and the allocator then refuses them with ZX_ERR_INVALID_ARGS). */
bool phys_touches_ram(uint64_t base, uint64_t size);

/* The sim backend only: serve [base, base + size) (page aligned) as an
 * MMIO window of its own, backed on demand by a sparse memfd, when no
 * configured region touches it and it is not RAM. A resource may grant
 * MMIO anywhere outside RAM, as Zircon's tests expect; the configured
 * map is only where devices are declared. At most PHYS_ON_DEMAND_MAX
 * such windows of at most PHYS_ON_DEMAND_MAX_SIZE bytes each, kept for
 * the daemon's life. 0, -EEXIST (a region is there), -EACCES (RAM),
 * -ENOSPC (over the caps), -EOPNOTSUPP (another backend), -errno. */
#define PHYS_ON_DEMAND_MAX		64
#define PHYS_ON_DEMAND_MAX_SIZE	(1ULL << 36)
int phys_serve_on_demand(uint64_t base, uint64_t size);

/*
 * Find the region holding all of [paddr, paddr + size):
 *   ZX_OK                one region, RAM or MMIO, holds it all (the
 *                        caller refuses RAM where Zircon does: for
 *                        zx_vmo_create_physical that is ACCESS_DENIED,
 *                        found earlier by phys_touches_ram);
 *   ZX_ERR_INVALID_ARGS  size 0, or the range wraps past 2^64;
 *   ZX_ERR_NOT_FOUND     some of it lies in a hole (no region), or it
 *                        spans two regions: zxd has no bytes to serve
 *                        there as one VMO (Zircon would map whatever the
 *                        bus answers; zxd cannot).
 */
zx_status_t phys_lookup(uint64_t paddr, uint64_t size,
    struct phys_range *ret);

/*
 * A new CLOEXEC fd for a client to map r (at r->fd_offset), read-write or
 * read-only. It never shares an open file description with the daemon's
 * region->fd (status flags such as O_APPEND live there); a read-only one
 * is a fresh O_RDONLY description of a file the client cannot reopen for
 * writing. It reaches r->region and nothing else, except on devmem (see
 * above). The caller owns the fd.
 *   ZX_ERR_ACCESS_DENIED  RAM; or devmem and the peer is not uid 0 with
 *                         CAP_SYS_RAWIO in effect;
 *   ZX_ERR_NOT_SUPPORTED  the region is not served (no fd);
 *   ZX_ERR_NO_RESOURCES, ZX_ERR_IO  out of fds, reopen failed.
 */
zx_status_t phys_client_fd(const struct phys_range *r, bool writable,
    const struct phys_peer *peer, int *ret_fd);

#endif /* ZXD_BACKENDS_PHYS_H */
