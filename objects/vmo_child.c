/* VMO children: slices, references and snapshots (zx_vmo_create_child),
 * and the parent/child links ZX_VMO_ZERO_CHILDREN follows. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>

#include "backends/anon.h"
#include "objects/vmo.h"
#include "objects/vmo_priv.h"
#include "proto/status.h"

static void
child_link(struct vmo *parent, struct vmo *c)
{
	c->parent = parent;
	c->sib_prev = NULL;
	c->sib_next = parent->children;
	if (parent->children != NULL)
		parent->children->sib_prev = c;
	parent->children = c;
	if (parent->num_children++ == 0)
		object_signal(&parent->obj, ZX_VMO_ZERO_CHILDREN, 0);
}

void
vmo_child_unlink(struct vmo *c)
{
	struct vmo *p = c->parent;

	if (c->sib_prev != NULL)
		c->sib_prev->sib_next = c->sib_next;
	else
		p->children = c->sib_next;
	if (c->sib_next != NULL)
		c->sib_next->sib_prev = c->sib_prev;
	p->num_children--;
	c->parent = NULL;
	c->sib_prev = c->sib_next = NULL;
}

static zx_status_t
make_slice(struct vmo *v, uint64_t offset, uint64_t size,
    uint64_t content_size, struct vmo **ret)
{
	struct vmo_content *content;
	struct vmo *c;

	if (!page_aligned(offset) || !page_aligned(size))
		return ZX_ERR_INVALID_ARGS;
	if (size > MAX_SIZE)
		return ZX_ERR_OUT_OF_RANGE;
	if (!in_range(offset, size, vmo_size(v)))
		return ZX_ERR_INVALID_ARGS;
	if (vmo_is_resizable(v))
		return ZX_ERR_NOT_SUPPORTED;
	if (v->cache_policy != ZX_CACHE_POLICY_CACHED && !is_contiguous(v) &&
	    !vmo_is_physical(v))
		return ZX_ERR_BAD_STATE;
	content = vmo_content_new(content_size);
	if (content == NULL)
		return ZX_ERR_NO_MEMORY;
	v->mem->refcount++;
	c = vmo_new(VMO_SLICE, v->mem, v->offset + offset, content);
	if (c == NULL)
		return ZX_ERR_NO_MEMORY;
	c->slice_size = size;
	c->cache_policy = v->cache_policy;
	*ret = c;
	return ZX_OK;
}

static zx_status_t
make_reference(struct vmo *v, bool resizable, uint64_t offset,
    uint64_t size, struct vmo **ret)
{
	struct vmo *c;

	if (vmo_is_physical(v))
		return ZX_ERR_NOT_SUPPORTED;
	/* A reference spans the whole parent. */
	if (offset != 0 || size != 0)
		return ZX_ERR_INVALID_ARGS;
	if (v->kind == VMO_SLICE || is_contiguous(v))
		return ZX_ERR_NOT_SUPPORTED;
	if (resizable && !vmo_is_resizable(v))
		return ZX_ERR_NOT_SUPPORTED;
	if (v->cache_policy != ZX_CACHE_POLICY_CACHED)
		return ZX_ERR_BAD_STATE;
	v->mem->refcount++;
	v->content->refcount++;
	c = vmo_new(VMO_REFERENCE, v->mem, v->offset, v->content);
	if (c == NULL)
		return ZX_ERR_NO_MEMORY;
	*ret = c;
	return ZX_OK;
}

/* A snapshot of any kind is an eager copy: it sees the parent as it was,
 * which is what SNAPSHOT promises and more than the other kinds do. */
static zx_status_t
make_snapshot(struct vmo *v, uint32_t type, bool resizable, uint64_t offset,
    uint64_t size, uint64_t content_size, const struct vmo_payer *payer,
    struct vmo **ret)
{
	uint64_t vsize = vmo_size(v), len, probe;
	struct vmo *c;
	zx_status_t st;
	int r;

	if (vmo_is_physical(v))
		return ZX_ERR_NOT_SUPPORTED;
	if (is_contiguous(v))
		return ZX_ERR_INVALID_ARGS;
	if (!page_aligned(offset) || !page_aligned(size))
		return ZX_ERR_INVALID_ARGS;
	if (size > MAX_SIZE)
		return ZX_ERR_OUT_OF_RANGE;
	if (offset + size < offset || v->offset + offset < offset)
		return ZX_ERR_OUT_OF_RANGE;
	if (v->cache_policy != ZX_CACHE_POLICY_CACHED)
		return ZX_ERR_BAD_STATE;
	/* A bidirectional clone through a slice has no defined meaning. */
	if (type == ZX_VMO_CHILD_SNAPSHOT && v->kind == VMO_SLICE)
		return ZX_ERR_NOT_SUPPORTED;
	st = vmo_make_root(size, content_size, resizable ? VMO_MEM_RESIZABLE : 0,
	    payer, &c);
	if (st != ZX_OK)
		return st;
	/* Past the parent's end the child reads zero. */
	len = offset < vsize ? min_u64(size, vsize - offset) : 0;
	len = min_u64(len, c->mem->file_limit);
	/* The copy commits what the parent holds there: ask first. */
	probe = min_u64(len, vmo_committed_bytes(v));
	if (probe > 0 && payer != NULL && payer->ops != NULL) {
		st = payer->ops->charge(payer->ctx, probe);
		if (st != ZX_OK) {
			object_unref(&c->obj);
			return st;
		}
		payer->ops->uncharge(payer->ctx, probe);
	}
	/* A parent with no memfd yet holds only zeros: nothing to copy. */
	r = 0;
	if (v->mem->fd >= 0) {
		r = vmo_mem_fd(c->mem);
		if (r >= 0)
			r = anon_copy(v->mem->fd, v->offset + offset, r, 0,
			    len);
	}
	if (r < 0) {
		object_unref(&c->obj);
		return status_from_errno(r, ZX_ERR_INTERNAL);
	}
	c->kind = VMO_SNAPSHOT;
	c->snap_offset = offset;
	*ret = c;
	return ZX_OK;
}

zx_status_t
vmo_create_child(struct vmo *v, uint32_t options, uint64_t offset,
    uint64_t size, uint64_t content_size, bool copy_name, bool immutable,
    const struct vmo_payer *payer, struct vmo **ret)
{
	bool resizable = false;
	uint32_t type;
	struct vmo *c = NULL;
	zx_status_t st;

	/* VmObjectDispatcher::CreateChildInternal, in its order. */
	if (vmo_is_discardable(v))
		return ZX_ERR_NOT_SUPPORTED;
	if (options & ZX_VMO_CHILD_SLICE) {
		if (options & ~ZX_VMO_CHILD_SLICE)
			return ZX_ERR_INVALID_ARGS;
		st = make_slice(v, offset, size, content_size, &c);
	} else if (options & ZX_VMO_CHILD_REFERENCE) {
		options &= ~ZX_VMO_CHILD_REFERENCE;
		if (options & ZX_VMO_CHILD_RESIZABLE) {
			resizable = true;
			options &= ~ZX_VMO_CHILD_RESIZABLE;
		}
		if (options != 0)
			return ZX_ERR_INVALID_ARGS;
		st = make_reference(v, resizable, offset, size, &c);
	} else {
		if (options & ZX_VMO_CHILD_SNAPSHOT)
			type = ZX_VMO_CHILD_SNAPSHOT;
		else if (options & ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE)
			type = ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE;
		else if (options & ZX_VMO_CHILD_SNAPSHOT_MODIFIED)
			type = ZX_VMO_CHILD_SNAPSHOT_MODIFIED;
		else
			return ZX_ERR_INVALID_ARGS;
		options &= ~type;
		if (options & ZX_VMO_CHILD_RESIZABLE) {
			resizable = true;
			options &= ~ZX_VMO_CHILD_RESIZABLE;
		}
		if (options != 0)
			return ZX_ERR_INVALID_ARGS;
		st = make_snapshot(v, type, resizable, offset, size,
		    content_size, payer, &c);
	}
	if (st != ZX_OK)
		return st;
	if (copy_name)
		memcpy(c->obj.name, v->obj.name, sizeof(c->obj.name));
	c->immutable = immutable;
	child_link(v, c);
	*ret = c;
	return ZX_OK;
}
