/* VMOs with physical addresses: zx_vmo_create_physical over the
 * physical-memory backend's map (and the descriptors their holders
 * map), zx_vmo_create_contiguous over the IOMMU's window. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "backends/phys.h"
#include "objects/iommu.h"
#include "objects/resource.h"
#include "objects/vmo.h"
#include "proto/status.h"

/* The sim backend serves MMIO outside its configured map on demand: the
 * whole window of the MMIO resource granting it (so every VMO of that
 * resource sees the same bytes), or just the VMO's pages under the root
 * resource. */
static int
serve_on_demand(const struct resource *rs, uint64_t paddr, uint64_t size)
{
	uint64_t page = vmo_page_size(), base, end;

	if (rs != NULL && rs->kind == ZX_RSRC_KIND_MMIO && rs->size != 0) {
		base = rs->base & ~(page - 1);
		end = rs->base + rs->size;
		if (end < rs->base || end + (page - 1) < end)
			return -EINVAL;
		end = (end + page - 1) & ~(page - 1);
		if (phys_serve_on_demand(base, end - base) == 0)
			return 0;
	}
	return phys_serve_on_demand(paddr, size);
}

/*
 * sys_vmo_create_physical, in its order: validate_resource_mmio (no
 * right needed on the resource), RoundSize, VmObjectPhysical::Create's
 * argument checks; then what only zxd has to check, that the range is
 * memory it can serve: one region of the backend's map, MMIO.
 */
zx_status_t
vmo_physical_create(struct object *rsrc, uint64_t paddr, uint64_t size,
    struct vmo **ret, const char **ret_region)
{
	struct phys_range range;
	uint64_t rounded;
	zx_status_t st;
	int fd;

	st = resource_validate_ranged(resource_of(rsrc), ZX_RSRC_KIND_MMIO,
	    paddr, size);
	if (st != ZX_OK)
		return st;
	st = vmo_round_size(size, &rounded);
	if (st != ZX_OK)
		return st;
	if ((paddr & (vmo_page_size() - 1)) || rounded == 0 ||
	    paddr + (rounded - 1) < paddr)
		return ZX_ERR_INVALID_ARGS;
	/* Zircon maps whatever the bus answers there; zxd has bytes only
	 * where a region is, and one VMO is one region's descriptor. */
	st = phys_lookup(paddr, rounded, &range);
	if (st != ZX_OK && serve_on_demand(resource_of(rsrc), paddr,
	    rounded) == 0)
		st = phys_lookup(paddr, rounded, &range);
	if (st != ZX_OK)
		return ZX_ERR_OUT_OF_RANGE;
	/* A resource never covers RAM (the root's filter refused it
	 * first), but the map has the last word. */
	if (range.region->kind == PHYS_RAM)
		return ZX_ERR_ACCESS_DENIED;
	/* Known but not served (no backend makes such an MMIO region
	 * today; devmem's unserved regions are RAM). */
	if (range.region->fd < 0)
		return ZX_ERR_NOT_SUPPORTED;
	fd = fcntl(range.region->fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return status_from_errno(-errno, ZX_ERR_INTERNAL);
	st = vmo_create_physical(fd, range.fd_offset, paddr, rounded, ret);
	if (st == ZX_OK && ret_region != NULL)
		*ret_region = range.region->name;
	return st;
}

zx_status_t
vmo_physical_open(struct vmo *v, bool write, const struct phys_peer *peer,
    int *ret_fd)
{
	struct phys_range range;

	/* The region holding the memory the VMO (or its parent) was made
	 * over: regions are never removed while the daemon runs. */
	if (phys_lookup(v->mem->paddr, v->mem->size, &range) != ZX_OK)
		return ZX_ERR_INTERNAL;
	return phys_client_fd(&range, write, peer, ret_fd);
}

zx_status_t
vmo_contiguous_create(uint64_t size, uint32_t align_log2,
    const struct vmo_payer *payer, struct vmo **ret)
{
	uint64_t base, rounded;
	struct vmo *v;
	zx_status_t st;

	st = vmo_round_size(size, &rounded);
	if (st != ZX_OK)
		return st;
	/* Physically contiguous, aligned: a run of the window, for the
	 * VMO's whole life; then the memory, all committed. */
	st = iommu_contiguous_alloc(rounded, align_log2, &base);
	if (st != ZX_OK)
		return st;
	st = vmo_create_contiguous(size, payer, &v);
	if (st != ZX_OK) {
		iommu_contiguous_free(base, rounded);
		return st;
	}
	vmo_set_paddr(v, base, iommu_contiguous_free);
	*ret = v;
	return ZX_OK;
}
