/* The dummy IOMMU, and the simulated physical addresses of zxd's memory
 * (see objects/iommu.h). */
#include "config-build.h"

/* The page and frame tables' hash (objects/iommu.h). */
#define HASH_FUNCTION(k, n, h)	((h) = iommu_hash((k), (n)))

#include <stdlib.h>
#include <string.h>

#include <zircon/syscalls/iommu.h>

#include "backends/phys.h"
#include "objects/iommu.h"

#define PAGE		vmo_page_size()
#define HALF		(IOMMU_WINDOW_SIZE / 2)
/* Consecutive frames are this many pages apart (mod the half's pages);
 * any odd value other than 1 and -1 makes the order a scattered
 * permutation of every frame. */
#define SCATTER		UINT64_C(0x5851F42D4C957F2D)

static const struct object_ops iommu_ops;

struct iommu *
iommu_of(struct object *o)
{
	return o != NULL && o->ops == &iommu_ops ? (struct iommu *)o : NULL;
}

zx_status_t
iommu_create(uint32_t type, const void *desc, size_t desc_size,
    struct iommu **ret)
{
	struct iommu *m;

	(void)desc;	/* the dummy descriptor has nothing to read */
	switch (type) {
	case ZX_IOMMU_TYPE_DUMMY:
		if (desc_size != sizeof(zx_iommu_desc_dummy_t))
			return ZX_ERR_INVALID_ARGS;
		break;
	default:
		/* ZX_IOMMU_TYPE_INTEL needs VT-d hardware zxd does not
		 * drive; anything else is no type at all. */
		return ZX_ERR_NOT_SUPPORTED;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return ZX_ERR_NO_MEMORY;
	object_init(&m->obj, &iommu_ops);
	m->type = type;
	*ret = m;
	return ZX_OK;
}

bool
iommu_valid_bti_id(const struct iommu *iommu, uint64_t bti_id)
{
	(void)iommu;
	(void)bti_id;
	return true;
}

uint64_t
iommu_minimum_contiguity(const struct iommu *iommu)
{
	(void)iommu;
	return PAGE;
}

uint64_t
iommu_aspace_size(const struct iommu *iommu)
{
	(void)iommu;
	return UINT64_MAX;
}

static const struct object_ops iommu_ops = {
	.type = ZX_OBJ_TYPE_IOMMU,
	.name = "iommu",
	.default_rights = ZX_DEFAULT_IOMMU_RIGHTS,
};

/* --- the window ------------------------------------------------------ */

static bool
touches_region(uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < phys_region_count(); i++) {
		const struct phys_region *r = phys_region_at(i);

		/* Last bytes, not ends: a region may end at 2^64. */
		if (r->size != 0 && base <= r->base + (r->size - 1) &&
		    r->base <= base + (size - 1))
			return true;
	}
	return false;
}

uint64_t
iommu_window_base(void)
{
	static uint64_t base;

	if (base != 0)
		return base;
	/* The map is fixed once the daemon serves; the last slot ends at
	 * 2^64 exactly. */
	for (uint64_t k = 1; k < (UINT64_C(1) << 24); k++) {
		if (!touches_region(k * IOMMU_WINDOW_SIZE, IOMMU_WINDOW_SIZE)) {
			base = k * IOMMU_WINDOW_SIZE;
			return base;
		}
	}
	/* A map covering every slot leaves no room: share the first. */
	base = IOMMU_WINDOW_SIZE;
	return base;
}

/* --- contiguous runs: the lower half, first fit -------------------- */

struct run {
	uint64_t start, end;		/* free [start, end) */
	struct run *next;		/* by address */
};

static struct run *free_runs;
static bool runs_ready;

static zx_status_t
runs_init(void)
{
	struct run *r;

	if (runs_ready)
		return ZX_OK;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return ZX_ERR_NO_MEMORY;
	r->start = iommu_window_base();
	r->end = r->start + HALF;
	free_runs = r;
	runs_ready = true;
	return ZX_OK;
}

zx_status_t
iommu_contiguous_alloc(uint64_t size, unsigned align_log2, uint64_t *ret)
{
	struct run **pp, *r, *tail;
	uint64_t align, start;
	zx_status_t st;

	if (size == 0 || size > HALF || align_log2 >= 64)
		return ZX_ERR_NO_MEMORY;
	st = runs_init();
	if (st != ZX_OK)
		return st;
	align = UINT64_C(1) << align_log2;
	if (align < PAGE)
		align = PAGE;
	for (pp = &free_runs; (r = *pp) != NULL; pp = &r->next) {
		start = (r->start + align - 1) & ~(align - 1);
		if (start < r->start || start >= r->end ||
		    size > r->end - start)
			continue;
		if (start + size < r->end) {
			/* Keep what follows the run as its own free run. */
			tail = calloc(1, sizeof(*tail));
			if (tail == NULL)
				return ZX_ERR_NO_MEMORY;
			tail->start = start + size;
			tail->end = r->end;
			tail->next = r->next;
			r->next = tail;
		}
		r->end = start;
		if (r->start == r->end) {
			*pp = r->next;
			free(r);
		}
		*ret = start;
		return ZX_OK;
	}
	return ZX_ERR_NO_MEMORY;
}

void
iommu_contiguous_free(uint64_t addr, uint64_t size)
{
	struct run **pp, *r, *prev = NULL, *n;

	for (pp = &free_runs; (r = *pp) != NULL && r->start < addr;
	    pp = &r->next)
		prev = r;
	/* Merge with the free runs on either side. */
	if (prev != NULL && prev->end == addr) {
		prev->end += size;
		if (r != NULL && r->start == prev->end) {
			prev->end = r->end;
			prev->next = r->next;
			free(r);
		}
		return;
	}
	if (r != NULL && r->start == addr + size) {
		r->start = addr;
		return;
	}
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return;	/* the run is lost to the window, nothing else */
	n->start = addr;
	n->end = addr + size;
	n->next = r;
	*pp = n;
}

/* --- frames: the upper half, scattered ------------------------------ */

static struct iommu_frame *by_key;
static struct iommu_frame *by_addr;
static uint64_t cursor;
static bool wrapped;		/* the cursor went round: check for use */
static size_t n_frames;
/* Frames come and go by the hundred with every pin: keep some. */
#define POOL_MAX	4096
static struct iommu_frame *pool;
static size_t pool_n;

static uint64_t
frames_base(void)
{
	return iommu_window_base() + HALF;
}

bool
iommu_is_frame_addr(uint64_t addr)
{
	return addr >= frames_base() && addr - frames_base() < HALF;
}

struct iommu_frame *
iommu_frame_at(uint64_t addr)
{
	struct iommu_frame *f;

	HASH_FIND(hh_addr, by_addr, &addr, sizeof(addr), f);
	return f;
}

/* The next free frame address in the scattered order. */
static zx_status_t
frame_addr_new(uint64_t *ret)
{
	uint64_t n = HALF / PAGE, addr;

	if (n_frames >= n)
		return ZX_ERR_NO_MEMORY;
	for (;;) {
		addr = frames_base() + ((cursor * SCATTER) & (n - 1)) * PAGE;
		cursor = (cursor + 1) & (n - 1);
		if (cursor == 0)
			wrapped = true;
		if (!wrapped || iommu_frame_at(addr) == NULL)
			break;
	}
	*ret = addr;
	return ZX_OK;
}

zx_status_t
iommu_frame_get(const struct vmo_mem *mem, uint64_t offset,
    struct iommu_frame **ret)
{
	struct iommu_frame *f, key;
	zx_status_t st;

	memset(&key.key, 0, sizeof(key.key));
	key.key.mem = mem;
	key.key.offset = offset;
	HASH_FIND(hh_key, by_key, &key.key, sizeof(key.key), f);
	if (f != NULL) {
		f->refs++;
		*ret = f;
		return ZX_OK;
	}
	if (pool != NULL) {
		f = pool;
		pool = f->pool_next;
		pool_n--;
		memset(f, 0, sizeof(*f));
	} else if ((f = calloc(1, sizeof(*f))) == NULL) {
		return ZX_ERR_NO_MEMORY;
	}
	st = frame_addr_new(&f->addr);
	if (st != ZX_OK) {
		free(f);
		return st;
	}
	f->key.mem = mem;
	f->key.offset = offset;
	f->refs = 1;
	HASH_ADD(hh_key, by_key, key, sizeof(f->key), f);
	HASH_ADD(hh_addr, by_addr, addr, sizeof(f->addr), f);
	n_frames++;
	*ret = f;
	return ZX_OK;
}

void
iommu_frame_put(struct iommu_frame *f)
{
	if (f == NULL || --f->refs > 0)
		return;
	HASH_DELETE(hh_key, by_key, f);
	HASH_DELETE(hh_addr, by_addr, f);
	n_frames--;
	if (pool_n < POOL_MAX) {
		f->pool_next = pool;
		pool = f;
		pool_n++;
	} else {
		free(f);
	}
}

size_t
iommu_frame_count(void)
{
	return n_frames;
}
