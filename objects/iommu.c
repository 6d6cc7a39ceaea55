/* The dummy IOMMU, and the simulated physical addresses of zxd's memory
 * (see objects/iommu.h). */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>

#include <zircon/syscalls/iommu.h>

#include "backends/phys.h"
#include "objects/iommu.h"
#include "uthash.h"

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

/* Live runs by position (sorted by `first`, disjoint). Runs are made in
 * the order positions are handed out, so until the cursor goes round a
 * new run is appended. */
static struct iommu_run **by_pos;
static size_t n_runs, cap_runs;
static uint64_t cursor;
static bool wrapped;		/* the cursor went round: skip live runs */
static size_t n_frames;

/* The runs of one vmo_mem. */
struct mem_runs {
	const struct vmo_mem *mem;
	struct iommu_run *runs;
	UT_hash_handle hh;
};
static struct mem_runs *by_mem;

static uint64_t
frames_base(void)
{
	return iommu_window_base() + HALF;
}

/* Positions in the half: one per page. */
static uint64_t
positions(void)
{
	return HALF / PAGE;
}

bool
iommu_is_frame_addr(uint64_t addr)
{
	return addr >= frames_base() && addr - frames_base() < HALF;
}

/* SCATTER's inverse modulo 2^64 (Newton's iteration doubles the correct
 * low bits each step), hence modulo the power of two positions() is. */
static uint64_t
scatter_inverse(void)
{
	static uint64_t inv;
	uint64_t x = SCATTER;

	if (inv != 0)
		return inv;
	for (int i = 0; i < 6; i++)
		x *= 2 - SCATTER * x;
	inv = x;
	return inv;
}

uint64_t
iommu_piece_addr(const struct iommu_piece *pc, uint64_t i)
{
	uint64_t pos = pc->run->first + pc->index + i;

	return frames_base() + ((pos * SCATTER) & (positions() - 1)) * PAGE;
}

void
iommu_piece_addrs(const struct iommu_piece *pc, uint64_t *out)
{
	uint64_t base = frames_base(), page = PAGE, mask = positions() - 1;
	uint64_t pos = pc->run->first + pc->index;

	for (uint64_t i = 0; i < pc->count; i++)
		out[i] = base + (((pos + i) * SCATTER) & mask) * page;
}

/* The index in by_pos of the last run starting at or before pos, or
 * n_runs when there is none. */
static size_t
run_before(uint64_t pos)
{
	size_t lo = 0, hi = n_runs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (by_pos[mid]->first <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? n_runs : lo - 1;
}

struct iommu_run *
iommu_frame_at(uint64_t addr, uint64_t *ret_index)
{
	uint64_t pos;
	struct iommu_run *r;
	size_t i;

	if (!iommu_is_frame_addr(addr) || (addr & (PAGE - 1)))
		return NULL;
	pos = (((addr - frames_base()) / PAGE) * scatter_inverse()) &
	    (positions() - 1);
	i = run_before(pos);
	if (i == n_runs)
		return NULL;
	r = by_pos[i];
	if (pos - r->first >= r->npages || r->pins[pos - r->first] == 0)
		return NULL;
	*ret_index = pos - r->first;
	return r;
}

/* n free positions in a row, in the scattered order's next stretch. */
static zx_status_t
positions_new(uint64_t n, uint64_t *ret)
{
	uint64_t total = positions(), start = cursor, scanned = 0;

	if (n == 0 || n > total - n_frames)
		return ZX_ERR_NO_MEMORY;
	if (!wrapped && n <= total - cursor) {
		*ret = cursor;
		cursor = (cursor + n) & (total - 1);
		if (cursor == 0)
			wrapped = true;
		return ZX_OK;
	}
	/* Gone round: the first gap of n from the cursor on between live
	 * runs (holes in runs stay taken until their run goes). */
	wrapped = true;
	while (scanned < 2 * total) {
		size_t i = run_before(start);
		uint64_t next_start = total;

		if (i != n_runs && start - by_pos[i]->first <
		    by_pos[i]->npages) {
			/* Inside a run: go past it. */
			scanned += by_pos[i]->first + by_pos[i]->npages - start;
			start = by_pos[i]->first + by_pos[i]->npages;
		} else {
			size_t j = i == n_runs ? 0 : i + 1;

			if (j < n_runs)
				next_start = by_pos[j]->first;
			if (next_start - start >= n) {
				*ret = start;
				cursor = (start + n) & (total - 1);
				return ZX_OK;
			}
			scanned += next_start - start;
			start = next_start;
		}
		if (start >= total)
			start = 0;
	}
	return ZX_ERR_NO_MEMORY;
}

static zx_status_t
by_pos_insert(struct iommu_run *r)
{
	size_t i;

	if (n_runs == cap_runs) {
		size_t nc = cap_runs ? 2 * cap_runs : 64;
		struct iommu_run **nb = realloc(by_pos, nc * sizeof(*nb));

		if (nb == NULL)
			return ZX_ERR_NO_MEMORY;
		by_pos = nb;
		cap_runs = nc;
	}
	i = n_runs == 0 || by_pos[n_runs - 1]->first < r->first ? n_runs :
	    run_before(r->first) == n_runs ? 0 : run_before(r->first) + 1;
	memmove(&by_pos[i + 1], &by_pos[i], (n_runs - i) * sizeof(*by_pos));
	by_pos[i] = r;
	n_runs++;
	return ZX_OK;
}

static void
by_pos_remove(struct iommu_run *r)
{
	size_t i = run_before(r->first);

	if (i == n_runs || by_pos[i] != r)
		return;
	memmove(&by_pos[i], &by_pos[i + 1], (n_runs - i - 1) *
	    sizeof(*by_pos));
	n_runs--;
}

/* A new run of npages pages of mem from offset, each held once. */
static zx_status_t
run_new(struct mem_runs *mr, uint64_t offset, uint64_t npages,
    struct iommu_run **ret)
{
	struct iommu_run *r = calloc(1, sizeof(*r));
	zx_status_t st;

	if (r == NULL)
		return ZX_ERR_NO_MEMORY;
	r->pins = malloc(npages * sizeof(*r->pins));
	if (r->pins == NULL) {
		free(r);
		return ZX_ERR_NO_MEMORY;
	}
	st = positions_new(npages, &r->first);
	if (st == ZX_OK) {
		r->npages = npages;
		st = by_pos_insert(r);
	}
	if (st != ZX_OK) {
		free(r->pins);
		free(r);
		return st;
	}
	for (uint64_t i = 0; i < npages; i++)
		r->pins[i] = 1;
	r->mem = mr->mem;
	r->offset = offset;
	r->live = npages;
	r->mem_next = mr->runs;
	mr->runs = r;
	n_frames += npages;
	*ret = r;
	return ZX_OK;
}

static void
run_free(struct iommu_run *r)
{
	struct mem_runs *mr;
	struct iommu_run **pp;

	HASH_FIND(hh, by_mem, &r->mem, sizeof(r->mem), mr);
	if (mr != NULL) {
		for (pp = &mr->runs; *pp != NULL; pp = &(*pp)->mem_next) {
			if (*pp == r) {
				*pp = r->mem_next;
				break;
			}
		}
		if (mr->runs == NULL) {
			HASH_DELETE(hh, by_mem, mr);
			free(mr);
		}
	}
	by_pos_remove(r);
	free(r->pins);
	free(r);
}

static void
piece_link(struct iommu_piece *pc, struct iommu_run *r, uint64_t index,
    uint64_t count, void *owner)
{
	pc->run = r;
	pc->index = index;
	pc->count = count;
	pc->owner = owner;
	pc->prev = NULL;
	pc->next = r->pieces;
	if (r->pieces != NULL)
		r->pieces->prev = pc;
	r->pieces = pc;
}

void
iommu_frames_unpin(struct iommu_piece *pieces, size_t n,
    struct iommu_piece *one)
{
	for (size_t k = 0; k < n; k++) {
		struct iommu_piece *pc = &pieces[k];
		struct iommu_run *r = pc->run;

		if (r == NULL)
			continue;
		if (pc->prev != NULL)
			pc->prev->next = pc->next;
		else
			r->pieces = pc->next;
		if (pc->next != NULL)
			pc->next->prev = pc->prev;
		pc->run = NULL;
		if (r->pieces == NULL) {
			/* The run's only pin: no page count to look at. */
			n_frames -= r->live;
			run_free(r);
			continue;
		}
		for (uint64_t i = pc->index; i < pc->index + pc->count; i++) {
			if (--r->pins[i] == 0) {
				r->live--;
				n_frames--;
			}
		}
		if (r->live == 0)
			run_free(r);
	}
	if (pieces != one)
		free(pieces);
}

/* Where page `page` of mem already has an address: a run and index. */
struct cover {
	struct iommu_run *run;
	uint64_t index;
};

/* The end of the stretch from page p: pages with no address yet, or
 * consecutive pages of one run. */
static uint64_t
stretch_end(const struct cover *cov, uint64_t p, uint64_t npages)
{
	uint64_t q;

	for (q = p + 1; q < npages; q++) {
		if (cov[p].run == NULL ? cov[q].run != NULL :
		    cov[q].run != cov[p].run ||
		    cov[q].index != cov[p].index + (q - p))
			break;
	}
	return q;
}

zx_status_t
iommu_frames_pin(const struct vmo_mem *mem, uint64_t offset,
    uint64_t npages, void *owner, struct iommu_piece *one,
    struct iommu_piece **ret_pieces, size_t *ret_n)
{
	uint64_t page = PAGE, end = offset + npages * page, p, q;
	struct iommu_piece *pieces;
	struct cover *cov = NULL;
	struct mem_runs *mr;
	struct iommu_run *r;
	size_t n = 0, k;
	bool shared = false;
	zx_status_t st;

	HASH_FIND(hh, by_mem, &mem, sizeof(mem), mr);
	if (mr == NULL) {
		mr = calloc(1, sizeof(*mr));
		if (mr == NULL)
			return ZX_ERR_NO_MEMORY;
		mr->mem = mem;
		HASH_ADD(hh, by_mem, mem, sizeof(mr->mem), mr);
	}
	for (r = mr->runs; r != NULL && !shared; r = r->mem_next)
		shared = r->offset < end &&
		    offset < r->offset + r->npages * page;
	if (!shared) {
		/* The common case: pages nobody holds, one new run. */
		st = run_new(mr, offset, npages, &r);
		if (st != ZX_OK)
			goto fail;
		piece_link(one, r, 0, npages, owner);
		*ret_pieces = one;
		*ret_n = 1;
		return ZX_OK;
	}
	/* Some pages have addresses already: which, and where. */
	cov = calloc(npages, sizeof(*cov));
	if (cov == NULL) {
		st = ZX_ERR_NO_MEMORY;
		goto fail;
	}
	for (r = mr->runs; r != NULL; r = r->mem_next) {
		uint64_t lo = r->offset > offset ? r->offset : offset;
		uint64_t hi = r->offset + r->npages * page < end ?
		    r->offset + r->npages * page : end;

		for (uint64_t o = lo; o < hi; o += page) {
			uint64_t ri = (o - r->offset) / page;

			if (r->pins[ri] > 0 && cov[(o - offset) / page].run ==
			    NULL)
				cov[(o - offset) / page] = (struct cover){ r, ri };
		}
	}
	/* Pieces: stretches of one run's consecutive pages, and stretches
	 * with no address yet (each a new run). */
	for (p = 0; p < npages; p = stretch_end(cov, p, npages))
		n++;
	pieces = n == 1 ? one : calloc(n, sizeof(*pieces));
	if (pieces == NULL) {
		st = ZX_ERR_NO_MEMORY;
		goto fail;
	}
	for (p = 0, k = 0; p < npages; p = q, k++) {
		q = stretch_end(cov, p, npages);
		if (cov[p].run == NULL) {
			st = run_new(mr, offset + p * page, q - p, &r);
			if (st != ZX_OK) {
				iommu_frames_unpin(pieces, k, one);
				free(cov);
				return st;
			}
			piece_link(&pieces[k], r, 0, q - p, owner);
			continue;
		}
		r = cov[p].run;
		for (uint64_t i = cov[p].index; i < cov[p].index + (q - p); i++)
			r->pins[i]++;
		piece_link(&pieces[k], r, cov[p].index, q - p, owner);
	}
	free(cov);
	*ret_pieces = pieces;
	*ret_n = n;
	return ZX_OK;
fail:
	free(cov);
	if (mr->runs == NULL) {
		HASH_DELETE(hh, by_mem, mr);
		free(mr);
	}
	return st;
}

size_t
iommu_frame_count(void)
{
	return n_frames;
}

void
iommu_frames_skip(uint64_t n)
{
	uint64_t total = positions();

	if (n >= total - cursor)
		wrapped = true;
	cursor = (cursor + n) & (total - 1);
}
