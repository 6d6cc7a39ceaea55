/* The physical map every backend fills: regions, RAM, lookups and the
 * fds clients get. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/anon.h"
#include "backends/phys_priv.h"

/* CAP_SYS_RAWIO, which open("/dev/mem") requires. */
#define CAP_SYS_RAWIO_BIT 17

struct region {
	struct phys_region pub;		/* first: phys_client_fd casts */
	enum phys_reopen reopen;
	char *path;
	int share_fd;
	bool owns_fd;
	bool peer_needs_rawio;
};

struct ram_range {
	uint64_t base;
	uint64_t size;
};

static struct {
	const char *backend;
	struct region **regions;	/* each allocated on its own: physical
					 * VMOs keep pointers to them */
	size_t n_regions;
	size_t n_on_demand;
	struct ram_range *ram;
	size_t n_ram;
} map;

void
phys_errf(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
}

int
phys_host_path(char *buf, size_t size, const char *path)
{
	const char *root = secure_getenv("ZXD_SYSROOT");
	int n;

	n = snprintf(buf, size, "%s%s", root != NULL ? root : "", path);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int
phys_add_region(const struct phys_region_spec *s)
{
	struct region **grown, *r;
	char *path = NULL;

	if (s->path != NULL && (path = strdup(s->path)) == NULL)
		return -ENOMEM;
	r = calloc(1, sizeof(*r));
	grown = reallocarray(map.regions, map.n_regions + 1, sizeof(*grown));
	if (r == NULL || grown == NULL) {
		free(r);
		free(path);
		return -ENOMEM;
	}
	map.regions = grown;
	map.regions[map.n_regions++] = r;
	r->pub = s->region;
	r->reopen = s->reopen;
	r->path = path;
	r->share_fd = s->reopen == PHYS_REOPEN_MEMFD ? s->share_fd : -1;
	r->owns_fd = s->owns_fd;
	r->peer_needs_rawio = s->peer_needs_rawio;
	return 0;
}

int
phys_add_ram(uint64_t base, uint64_t size)
{
	struct ram_range *grown;

	if (size == 0)
		return 0;
	grown = reallocarray(map.ram, map.n_ram + 1, sizeof(*grown));
	if (grown == NULL)
		return -ENOMEM;
	map.ram = grown;
	map.ram[map.n_ram].base = base;
	map.ram[map.n_ram].size = size;
	map.n_ram++;
	return 0;
}

int
phys_add_iomem_ram(char *err, size_t err_size)
{
	char path[4096], *line = NULL;
	unsigned long long start, end;
	size_t cap = 0;
	int name_at, r = 0;
	FILE *f;

	r = phys_host_path(path, sizeof(path), "/proc/iomem");
	if (r < 0) {
		phys_errf(err, err_size, "$ZXD_SYSROOT is too long");
		return r;
	}
	/* Without it zxd knows only the RAM the configuration declares. */
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	while (r == 0 && getline(&line, &cap, f) > 0) {
		char *name;

		line[strcspn(line, "\n")] = '\0';
		name_at = 0;
		if (sscanf(line, " %llx-%llx : %n", &start, &end,
		    &name_at) != 2 || name_at == 0)
			continue;
		name = line + name_at;
		/* Non-root readers see every range as 0-0. */
		if (strcmp(name, "System RAM") != 0 || end < start ||
		    (start == 0 && end == 0))
			continue;
		if (end == UINT64_MAX)
			end--;		/* keep size representable */
		r = phys_add_ram(start, end - start + 1);
	}
	free(line);
	fclose(f);
	if (r < 0)
		phys_errf(err, err_size, "%s: %s", path, strerror(-r));
	return r;
}

static int
region_cmp(const void *a, const void *b)
{
	const struct region *x = *(struct region *const *)a;
	const struct region *y = *(struct region *const *)b;

	if (x->pub.base != y->pub.base)
		return x->pub.base < y->pub.base ? -1 : 1;
	return 0;
}

/* Whether [a, a + as) and [b, b + bs) share a byte. Sizes are not 0; a
 * range may end exactly at 2^64, so compare last bytes. */
static bool
overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a <= b + (bs - 1) && b <= a + (as - 1);
}

static bool
range_valid(uint64_t base, uint64_t size)
{
	return size != 0 && base + size - 1 >= base;
}

/* Sort the regions; refuse overlaps, and MMIO over RAM. */
static int
check_map(char *err, size_t err_size)
{
	qsort(map.regions, map.n_regions, sizeof(*map.regions), region_cmp);
	for (size_t i = 0; i + 1 < map.n_regions; i++) {
		const struct phys_region *a = &map.regions[i]->pub;
		const struct phys_region *b = &map.regions[i + 1]->pub;

		if (a->base + (a->size - 1) >= b->base) {
			phys_errf(err, err_size,
			    "%s [%#" PRIx64 ", +%#" PRIx64 ") overlaps %s [%#"
			    PRIx64 ", +%#" PRIx64 ")", a->name, a->base,
			    a->size, b->name, b->base, b->size);
			return -EEXIST;
		}
	}
	for (size_t i = 0; i < map.n_regions; i++) {
		const struct phys_region *a = &map.regions[i]->pub;

		if (a->kind != PHYS_MMIO)
			continue;
		for (size_t j = 0; j < map.n_ram; j++) {
			const struct ram_range *m = &map.ram[j];

			if (overlaps(a->base, a->size, m->base, m->size)) {
				phys_errf(err, err_size,
				    "%s [%#" PRIx64 ", +%#" PRIx64 ") is RAM "
				    "([%#" PRIx64 ", +%#" PRIx64 ") in "
				    "/proc/iomem): refusing to serve it",
				    a->name, a->base, a->size, m->base,
				    m->size);
				return -EEXIST;
			}
		}
	}
	return 0;
}

int
phys_init(const struct phys_setup *cfg, char *err, size_t err_size)
{
	const char *name = cfg->backend ? cfg->backend : "sim";
	int r;

	if (map.backend != NULL) {
		phys_errf(err, err_size, "already started (%s)",
		    map.backend);
		return -EALREADY;
	}
	if (strcmp(name, "sim") == 0) {
		map.backend = "sim";
		r = phys_sim_init(cfg, err, err_size);
	} else if (strcmp(name, "pci") == 0) {
		map.backend = "pci";
		r = phys_pci_init(cfg, err, err_size);
	} else if (strcmp(name, "devmem") == 0) {
		map.backend = "devmem";
		r = phys_devmem_init(cfg, err, err_size);
	} else {
		phys_errf(err, err_size,
		    "unknown backend '%s' (sim, pci or devmem)", name);
		return -EINVAL;
	}
	if (r == 0)
		r = check_map(err, err_size);
	if (r < 0)
		phys_shutdown();
	return r;
}

void
phys_shutdown(void)
{
	for (size_t i = 0; i < map.n_regions; i++) {
		if (map.regions[i]->owns_fd && map.regions[i]->pub.fd >= 0)
			close(map.regions[i]->pub.fd);
		if (map.regions[i]->share_fd >= 0)
			close(map.regions[i]->share_fd);
		free(map.regions[i]->path);
		free(map.regions[i]);
	}
	free(map.regions);
	free(map.ram);
	memset(&map, 0, sizeof(map));
}

const char *
phys_backend(void)
{
	return map.backend;
}

size_t
phys_region_count(void)
{
	return map.n_regions;
}

const struct phys_region *
phys_region_at(size_t i)
{
	return i < map.n_regions ? &map.regions[i]->pub : NULL;
}

bool
phys_touches_ram(uint64_t base, uint64_t size)
{
	if (!range_valid(base, size))
		return false;
	for (size_t i = 0; i < map.n_regions; i++) {
		const struct phys_region *r = &map.regions[i]->pub;

		if (r->kind == PHYS_RAM &&
		    overlaps(base, size, r->base, r->size))
			return true;
	}
	for (size_t i = 0; i < map.n_ram; i++) {
		if (overlaps(base, size, map.ram[i].base, map.ram[i].size))
			return true;
	}
	return false;
}

int
phys_serve_on_demand(uint64_t base, uint64_t size)
{
	int r;

	if (map.backend == NULL || strcmp(map.backend, "sim") != 0)
		return -EOPNOTSUPP;
	if (!range_valid(base, size))
		return -EINVAL;
	for (size_t i = 0; i < map.n_regions; i++) {
		const struct phys_region *x = &map.regions[i]->pub;

		if (overlaps(base, size, x->base, x->size))
			return -EEXIST;
	}
	if (phys_touches_ram(base, size))
		return -EACCES;
	if (size > PHYS_ON_DEMAND_MAX_SIZE ||
	    map.n_on_demand >= PHYS_ON_DEMAND_MAX)
		return -ENOSPC;
	r = phys_sim_add_mmio(base, size);
	if (r == 0)
		map.n_on_demand++;
	return r;
}

zx_status_t
phys_lookup(uint64_t paddr, uint64_t size, struct phys_range *ret)
{
	if (!range_valid(paddr, size))
		return ZX_ERR_INVALID_ARGS;
	for (size_t i = 0; i < map.n_regions; i++) {
		const struct phys_region *r = &map.regions[i]->pub;
		uint64_t off;

		if (paddr < r->base || paddr - r->base > r->size - 1)
			continue;
		off = paddr - r->base;
		/* One region or nothing: regions never overlap. */
		if (size > r->size - off)
			return ZX_ERR_NOT_FOUND;
		ret->region = r;
		ret->paddr = paddr;
		ret->size = size;
		ret->offset = off;
		ret->fd_offset = r->fd_offset + off;
		return ZX_OK;
	}
	return ZX_ERR_NOT_FOUND;
}

/* Whether pid has CAP_SYS_RAWIO in its effective set. */
static bool
peer_has_rawio(pid_t pid)
{
	char path[64], line[256];
	unsigned long long caps;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			found = true;
			break;
		}
	}
	fclose(f);
	return found && (caps >> CAP_SYS_RAWIO_BIT & 1);
}

static zx_status_t
status_of(int negative_errno)
{
	switch (-negative_errno) {
	case EMFILE:
	case ENFILE:
		return ZX_ERR_NO_RESOURCES;
	case ENOMEM:
		return ZX_ERR_NO_MEMORY;
	default:
		return ZX_ERR_IO;
	}
}

zx_status_t
phys_client_fd(const struct phys_range *range, bool writable,
    const struct phys_peer *peer, int *ret_fd)
{
	const struct region *r = (const struct region *)range->region;
	int fd = -1, e;

	if (r->pub.kind == PHYS_RAM)
		return ZX_ERR_ACCESS_DENIED;
	if (r->reopen == PHYS_REOPEN_NONE || r->pub.fd < 0)
		return ZX_ERR_NOT_SUPPORTED;
	if (r->peer_needs_rawio &&
	    (peer->uid != 0 || !peer_has_rawio(peer->pid)))
		return ZX_ERR_ACCESS_DENIED;
	switch (r->reopen) {
	case PHYS_REOPEN_MEMFD:
		e = anon_reopen(writable ? r->share_fd : r->pub.fd, writable,
		    &fd);
		if (e < 0)
			return status_of(e);
		break;
	case PHYS_REOPEN_PATH:
		fd = open(r->path, (writable ? O_RDWR : O_RDONLY) | O_SYNC |
		    O_CLOEXEC);
		if (fd < 0)
			return status_of(-errno);
		break;
	default:
		return ZX_ERR_NOT_SUPPORTED;
	}
	*ret_fd = fd;
	return ZX_OK;
}
