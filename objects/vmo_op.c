/* zx_vmo_op_range and zx_vmo_set_cache_policy. */
#include "config-build.h"

#include <errno.h>
#include <string.h>

#include <zircon/syscalls/object.h>

#include "backends/anon.h"
#include "objects/vmo.h"
#include "objects/vmo_priv.h"
#include "proto/status.h"

/* The page-rounded range [*off, *off + *len) for commit and prefetch,
 * checked against the VMO. */
static zx_status_t
round_range(const struct vmo *v, uint64_t *off, uint64_t *len)
{
	uint64_t end = *off + *len, end_page, start;

	if (end < *off)
		return ZX_ERR_OUT_OF_RANGE;
	end_page = (end + PAGE - 1) & ~(PAGE - 1);
	if (end_page < end)
		return ZX_ERR_OUT_OF_RANGE;
	start = *off & ~(PAGE - 1);
	if (!in_range(start, end_page - start, vmo_size(v)))
		return ZX_ERR_OUT_OF_RANGE;
	*off = start;
	*len = end_page - start;
	return ZX_OK;
}

zx_status_t
vmo_commit(struct vmo *v, uint64_t off, uint64_t len)
{
	struct vmo_mem *m = v->mem;
	uint64_t start;
	zx_status_t st;

	if (vmo_is_physical(v))
		return ZX_ERR_NOT_SUPPORTED;
	st = round_range(v, &off, &len);
	if (st != ZX_OK || len == 0)
		return st;
	start = v->offset + off;
	if (start >= m->file_limit)
		return ZX_ERR_NO_MEMORY;
	if (len > m->file_limit - start)
		return ZX_ERR_NO_MEMORY;
	/* An unbounded VMO is charged by what it holds: committing must
	 * fit in what its payer may still hold. */
	if ((m->flags & VMO_MEM_BY_COMMIT) && m->payer.ops != NULL) {
		st = m->payer.ops->charge(m->payer.ctx, len);
		if (st != ZX_OK)
			return st;
		m->payer.ops->uncharge(m->payer.ctx, len);
	}
	return status_from_errno(anon_commit(m->fd, start, len),
	    ZX_ERR_INTERNAL);
}

static zx_status_t
op_decommit(struct vmo *v, uint64_t off, uint64_t len)
{
	uint64_t start = v->offset + off;

	if (vmo_is_physical(v) || is_contiguous(v))
		return ZX_ERR_NOT_SUPPORTED;
	if (!in_range(off, len, vmo_size(v)))
		return ZX_ERR_OUT_OF_RANGE;
	if (len == 0)
		return ZX_OK;
	/* Copy-on-write children cannot drop pages (VmCowPages). */
	if (v->kind == VMO_SNAPSHOT)
		return ZX_ERR_NOT_SUPPORTED;
	if (!page_aligned(off) || !page_aligned(len))
		return ZX_ERR_INVALID_ARGS;
	if (vmo_mem_pinned(v->mem, start, len))
		return ZX_ERR_BAD_STATE;
	if (start >= v->mem->file_limit)
		return ZX_OK;
	len = min_u64(len, v->mem->file_limit - start);
	vmo_mem_uncommitting(v->mem);
	return status_from_errno(anon_punch(v->mem->fd, start, len),
	    ZX_ERR_INTERNAL);
}

static zx_status_t
op_zero(struct vmo *v, uint64_t off, uint64_t len)
{
	if (vmo_is_physical(v))
		return ZX_ERR_NOT_SUPPORTED;
	/* Zeroing is an efficient write, and uncached VMOs take none. */
	if (v->cache_policy != ZX_CACHE_POLICY_CACHED)
		return ZX_ERR_BAD_STATE;
	if (!in_range(off, len, vmo_size(v)))
		return ZX_ERR_OUT_OF_RANGE;
	return vmo_zero_range(v, off, len);
}

static zx_status_t
op_cache(struct vmo *v, uint64_t off, uint64_t len)
{
	if (len == 0)
		return ZX_ERR_INVALID_ARGS;
	if (!in_range(off, len, vmo_size(v)))
		return ZX_ERR_OUT_OF_RANGE;
	/* The memory is coherent for every user the daemon serves. */
	return ZX_OK;
}

static zx_status_t
op_prefetch(struct vmo *v, uint64_t off, uint64_t len)
{
	/* VmObjectPhysical::PrefetchRange: always present; the range is
	 * checked as given. */
	if (vmo_is_physical(v))
		return in_range(off, len, vmo_size(v)) ? ZX_OK :
		    ZX_ERR_OUT_OF_RANGE;
	/* Nothing is ever compressed or paged out by zxd. */
	return round_range(v, &off, &len);
}

/* Discardable VMOs: zxd never discards, so a lock never finds the
 * contents gone. The range is the whole VMO. */
static zx_status_t
op_lock_check(struct vmo *v, uint64_t off, uint64_t len)
{
	if (!vmo_is_discardable(v))
		return ZX_ERR_NOT_SUPPORTED;
	if (off + len < off)
		return ZX_ERR_OUT_OF_RANGE;
	if (off != 0 || len != vmo_size(v))
		return ZX_ERR_OUT_OF_RANGE;
	return ZX_OK;
}

zx_status_t
vmo_op_range(struct vmo *v, uint32_t op, uint64_t offset, uint64_t size,
    zx_rights_t rights, uint64_t buffer_size, zx_vmo_lock_state_t *ls)
{
	const zx_rights_t rw = ZX_RIGHT_READ | ZX_RIGHT_WRITE;
	zx_status_t st;

	switch (op) {
	case ZX_VMO_OP_COMMIT:
		if (!(rights & ZX_RIGHT_WRITE))
			return ZX_ERR_ACCESS_DENIED;
		return vmo_commit(v, offset, size);
	case ZX_VMO_OP_DECOMMIT:
		if (!(rights & ZX_RIGHT_WRITE))
			return ZX_ERR_ACCESS_DENIED;
		return op_decommit(v, offset, size);
	case ZX_VMO_OP_LOCK:
		if (!(rights & rw))
			return ZX_ERR_ACCESS_DENIED;
		st = op_lock_check(v, offset, size);
		if (st != ZX_OK)
			return st;
		/* Zircon locks, then finds the buffer too small and
		 * unlocks again: no change. */
		if (buffer_size < sizeof(*ls))
			return ZX_ERR_INVALID_ARGS;
		v->lock_count++;
		memset(ls, 0, sizeof(*ls));
		ls->offset = offset;
		ls->size = size;
		return ZX_OK;
	case ZX_VMO_OP_TRY_LOCK:
		if (!(rights & rw))
			return ZX_ERR_ACCESS_DENIED;
		st = op_lock_check(v, offset, size);
		if (st == ZX_OK)
			v->lock_count++;
		return st;
	case ZX_VMO_OP_UNLOCK:
		if (!(rights & rw))
			return ZX_ERR_ACCESS_DENIED;
		st = op_lock_check(v, offset, size);
		if (st != ZX_OK)
			return st;
		if (v->lock_count == 0)
			return ZX_ERR_BAD_STATE;
		v->lock_count--;
		return ZX_OK;
	case ZX_VMO_OP_CACHE_SYNC:
	case ZX_VMO_OP_CACHE_CLEAN:
	case ZX_VMO_OP_CACHE_CLEAN_INVALIDATE:
		if (!(rights & ZX_RIGHT_READ))
			return ZX_ERR_ACCESS_DENIED;
		return op_cache(v, offset, size);
	case ZX_VMO_OP_CACHE_INVALIDATE:
		/* It may drop dirty lines: a write. */
		if (!(rights & ZX_RIGHT_WRITE))
			return ZX_ERR_ACCESS_DENIED;
		return op_cache(v, offset, size);
	case ZX_VMO_OP_ZERO:
		if (!(rights & ZX_RIGHT_WRITE))
			return ZX_ERR_ACCESS_DENIED;
		return op_zero(v, offset, size);
	case ZX_VMO_OP_ALWAYS_NEED:
	case ZX_VMO_OP_DONT_NEED:
		/* Hints for pager-backed VMOs; ignored for the others. */
		return ZX_OK;
	case ZX_VMO_OP_PREFETCH:
		if (!(rights & ZX_RIGHT_READ))
			return ZX_ERR_ACCESS_DENIED;
		return op_prefetch(v, offset, size);
	default:
		return ZX_ERR_INVALID_ARGS;
	}
}

zx_status_t
vmo_set_cache_policy(struct vmo *v, uint32_t policy)
{
	if (policy & ~ZX_CACHE_POLICY_MASK)
		return ZX_ERR_INVALID_ARGS;
	/* VmObjectPhysical::SetMappingCachePolicy: the same policy again
	 * is fine whatever the state; a slice always has its parent (the
	 * kernel's slice keeps the parent object alive). */
	if (vmo_is_physical(v)) {
		if (policy == v->cache_policy)
			return ZX_OK;
		if (v->num_mappings != 0 || v->num_children != 0 ||
		    v->parent != NULL || v->kind == VMO_SLICE)
			return ZX_ERR_BAD_STATE;
		v->cache_policy = policy;
		vmo_publish(v);
		return ZX_OK;
	}
	/* VmObjectPaged::SetMappingCachePolicy: no way back from uncached
	 * for committed pages (contiguous VMOs are exempt: their pages are
	 * pinned for life and were cleaned when made uncached), and nothing
	 * may share or pin the pages. */
	if (v->cache_policy != ZX_CACHE_POLICY_CACHED &&
	    !is_contiguous(v) && vmo_committed_bytes(v) != 0)
		return ZX_ERR_BAD_STATE;
	if (v->mem->pins != NULL || v->num_mappings != 0 ||
	    v->num_children != 0 || v->parent != NULL)
		return ZX_ERR_BAD_STATE;
	if (v->kind == VMO_SLICE || v->kind == VMO_REFERENCE ||
	    v->mem->users != v || v->mem_next != NULL)
		return ZX_ERR_BAD_STATE;
	v->cache_policy = policy;
	vmo_publish(v);
	return ZX_OK;
}
