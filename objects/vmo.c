/* VMOs: memfd-backed memory with Zircon's sizes, children and ops. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/anon.h"
#include "proto/status.h"
#include "objects/vmar.h"
#include "objects/vmo.h"
#include "objects/vmo_priv.h"

static const struct object_ops vmo_ops;

uint64_t
vmo_page_size(void)
{
	static uint64_t page;

	if (page == 0) {
		long p = sysconf(_SC_PAGESIZE);

		page = p > 0 ? (uint64_t)p : 4096;
	}
	return page;
}

bool
vmo_is(const struct object *o)
{
	return o != NULL && o->ops == &vmo_ops;
}

struct vmo *
vmo_of(struct object *o)
{
	return vmo_is(o) ? (struct vmo *)o : NULL;
}

static struct vmo_mem *unbounded;

zx_status_t
vmo_round_size(uint64_t size, uint64_t *ret)
{
	uint64_t r = (size + PAGE - 1) & ~(PAGE - 1);

	if (r < size || r > MAX_SIZE)
		return ZX_ERR_OUT_OF_RANGE;
	*ret = r;
	return ZX_OK;
}

/* --- memory and content size -------------------------------------- */

static struct vmo_mem *
mem_new(int fd, uint64_t size, uint64_t file_limit, uint32_t flags)
{
	struct vmo_mem *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->refcount = 1;
	m->fd = fd;
	m->size = size;
	m->file_limit = file_limit;
	m->flags = flags;
	return m;
}

void *
vmo_mem_map(struct vmo_mem *m, size_t *ret_len)
{
	void *p;

	if (m->dma_map == NULL && m->fd >= 0 && m->file_limit > 0 &&
	    m->file_limit <= SIZE_MAX) {
		p = mmap(NULL, (size_t)m->file_limit, PROT_READ | PROT_WRITE,
		    MAP_SHARED, m->fd, 0);
		if (p != MAP_FAILED) {
			m->dma_map = p;
			m->dma_map_len = (size_t)m->file_limit;
		}
	}
	*ret_len = m->dma_map_len;
	return m->dma_map;
}

static void
mem_unref(struct vmo_mem *m)
{
	struct vmo_pin *p, *next;

	if (--m->refcount > 0)
		return;
	if (m->unbounded_pprev != NULL) {	/* on the unbounded list */
		*m->unbounded_pprev = m->unbounded_next;
		if (m->unbounded_next != NULL)
			m->unbounded_next->unbounded_pprev = m->unbounded_pprev;
	}
	if (m->dma_map != NULL)
		munmap(m->dma_map, m->dma_map_len);
	if (m->fd >= 0)
		close(m->fd);
	if (m->has_paddr && m->paddr_release != NULL)
		m->paddr_release(m->release_addr, m->release_size);
	if (m->payer.ops != NULL) {
		if (m->charged > 0)
			m->payer.ops->uncharge(m->payer.ctx, m->charged);
		m->payer.ops->release(m->payer.ctx);
	}
	for (p = m->pins; p != NULL; p = next) {
		next = p->next;
		free(p);
	}
	free(m);
}

bool
vmo_mem_pinned(const struct vmo_mem *m, uint64_t off, uint64_t len)
{
	for (const struct vmo_pin *p = m->pins; p != NULL; p = p->next)
		if (off < p->offset + p->len && p->offset < off + len)
			return true;
	return false;
}

/* Whether every page of [off, off + len) of the memfd is allocated. */
static bool
mem_committed(struct vmo_mem *m, uint64_t off, uint64_t len)
{
	off_t hole;

	if (off >= m->file_limit || len > m->file_limit - off)
		return false;
	if (off >= m->committed_lo && off + len <= m->committed_hi)
		return true;
	hole = lseek(m->fd, (off_t)off, SEEK_HOLE);
	if (hole < 0 || (uint64_t)hole < off + len)
		return false;
	m->committed_lo = off;
	m->committed_hi = off + len;
	return true;
}

struct vmo_content *
vmo_content_new(uint64_t size)
{
	struct vmo_content *c = calloc(1, sizeof(*c));

	if (c != NULL) {
		c->refcount = 1;
		c->size = size;
	}
	return c;
}

static void
content_unref(struct vmo_content *c)
{
	if (c != NULL && --c->refcount == 0)
		free(c);
}

/* --- the state page ------------------------------------------------- */

void
vmo_publish(struct vmo *v)
{
	struct vmo_shared *s;

	if (v->obj.sigword == NULL)
		return;
	s = (struct vmo_shared *)((char *)v->obj.sigword + VMO_SHARED_OFFSET);
	__atomic_store_n(&s->size, vmo_size(v), __ATOMIC_RELEASE);
	__atomic_store_n(&s->content_size, v->content->size, __ATOMIC_RELEASE);
	__atomic_store_n(&s->cache_policy, v->cache_policy, __ATOMIC_RELEASE);
}

/* Size and content size are shared by every VMO over the memory. */
static void
publish_mem(struct vmo_mem *m)
{
	for (struct vmo *v = m->users; v != NULL; v = v->mem_next)
		vmo_publish(v);
}

/* --- construction --------------------------------------------------- */

/* A VMO over `mem` (whose reference it takes) with `content` (same). */
struct vmo *
vmo_new(enum vmo_kind kind, struct vmo_mem *mem, uint64_t offset,
    struct vmo_content *content)
{
	struct vmo *v = calloc(1, sizeof(*v));

	if (v == NULL) {
		mem_unref(mem);
		content_unref(content);
		return NULL;
	}
	object_init(&v->obj, &vmo_ops);
	v->kind = kind;
	v->mem = mem;
	v->offset = offset;
	v->content = content;
	v->cache_policy = ZX_CACHE_POLICY_CACHED;
	v->mem_next = mem->users;
	mem->users = v;
	object_signal(&v->obj, 0, ZX_VMO_ZERO_CHILDREN);
	return v;
}

/* New anonymous memory of `size` charged to `payer`, and its owner. */
zx_status_t
vmo_make_root(uint64_t size, uint64_t content_size, uint32_t mflags,
    const struct vmo_payer *payer, struct vmo **ret)
{
	uint64_t limit = min_u64(size, ANON_MAX_SIZE);
	uint64_t charge;
	struct vmo_content *content;
	struct vmo_mem *m;
	struct vmo *v;
	zx_status_t st;
	int fd = -1, r;

	/* Paged memory is charged for what it holds (see vmo_held_bytes),
	 * not for its size: a VMO of 2^40 bytes costs what is written in
	 * it. The daemon asks before it commits pages itself (op_range
	 * COMMIT, snapshots); pages a client faults in through its own
	 * mapping or writes are charged by Linux to that client. Contiguous
	 * memory is committed at once and costs its size. */
	if (!(mflags & VMO_MEM_CONTIGUOUS))
		mflags |= VMO_MEM_BY_COMMIT;
	charge = (mflags & VMO_MEM_BY_COMMIT) ? 0 : size;
	if (payer != NULL && payer->ops != NULL) {
		st = payer->ops->charge(payer->ctx, charge);
		if (st != ZX_OK)
			return st;
	}
	r = anon_memfd_new("zxd-vmo", limit, &fd);
	if (r == 0)
		r = anon_seal_mode(fd);
	if (r == 0)
		r = anon_seal_size(fd, !(mflags & VMO_MEM_RESIZABLE));
	st = status_from_errno(r, ZX_ERR_INTERNAL);
	if (st == ZX_OK) {
		m = mem_new(fd, size, limit, mflags);
		content = vmo_content_new(content_size);
		if (m == NULL || content == NULL) {
			free(m);
			content_unref(content);
			st = ZX_ERR_NO_MEMORY;
		}
	}
	if (st != ZX_OK) {
		if (fd >= 0)
			close(fd);
		if (payer != NULL && payer->ops != NULL)
			payer->ops->uncharge(payer->ctx, charge);
		return st;
	}
	if (payer != NULL && payer->ops != NULL) {
		m->payer = *payer;
		m->charged = charge;
		payer->ops->ref(payer->ctx);
	}
	if (mflags & VMO_MEM_BY_COMMIT) {
		m->unbounded_next = unbounded;
		m->unbounded_pprev = &unbounded;
		if (unbounded != NULL)
			unbounded->unbounded_pprev = &m->unbounded_next;
		unbounded = m;
	}
	v = vmo_new(VMO_ROOT, m, 0, content);
	if (v == NULL)
		return ZX_ERR_NO_MEMORY;	/* mem_unref uncharged */
	*ret = v;
	return ZX_OK;
}

zx_status_t
vmo_create(uint64_t size, uint32_t options, const struct vmo_payer *payer,
    struct vmo **ret)
{
	uint32_t mflags = 0;
	uint64_t rounded;
	zx_status_t st;

	/* VmObjectDispatcher::parse_create_syscall_flags, in its order. */
	if (options & ZX_VMO_RESIZABLE) {
		if (options & ZX_VMO_UNBOUNDED)
			return ZX_ERR_INVALID_ARGS;
		mflags |= VMO_MEM_RESIZABLE;
		options &= ~ZX_VMO_RESIZABLE;
	}
	if (options & ZX_VMO_DISCARDABLE) {
		mflags |= VMO_MEM_DISCARDABLE;
		options &= ~ZX_VMO_DISCARDABLE;
	}
	if (options & ZX_VMO_UNBOUNDED) {
		mflags |= VMO_MEM_UNBOUNDED;
		options &= ~ZX_VMO_UNBOUNDED;
		rounded = MAX_SIZE;
	} else {
		st = vmo_round_size(size, &rounded);
		if (st != ZX_OK)
			return st;
	}
	if (options != 0)
		return ZX_ERR_INVALID_ARGS;
	/* The content size is the size asked for, unrounded. */
	return vmo_make_root(rounded, size, mflags, payer, ret);
}

zx_status_t
vmo_create_contiguous(uint64_t size, const struct vmo_payer *payer,
    struct vmo **ret)
{
	uint64_t rounded;
	struct vmo *v;
	zx_status_t st;
	int r;

	st = vmo_round_size(size, &rounded);
	if (st != ZX_OK)
		return st;
	/* Physically contiguous memory has to exist all at once: never
	 * more than the machine has. */
	if (rounded > ANON_MAX_SIZE || rounded / PAGE >
	    (uint64_t)sysconf(_SC_PHYS_PAGES))
		return ZX_ERR_NO_MEMORY;
	st = vmo_make_root(rounded, size, VMO_MEM_CONTIGUOUS, payer, &v);
	if (st != ZX_OK)
		return st;
	r = anon_commit(v->mem->fd, 0, rounded);
	if (r < 0) {
		object_unref(&v->obj);
		return status_from_errno(r, ZX_ERR_INTERNAL);
	}
	*ret = v;
	return ZX_OK;
}

zx_status_t
vmo_create_on_fd(int fd, uint64_t offset, uint64_t size, uint32_t mem_flags,
    struct vmo **ret)
{
	struct vmo_content *content;
	struct vmo_mem *m;
	struct vmo *v;

	if (!page_aligned(offset) || !page_aligned(size) ||
	    offset > ANON_MAX_SIZE || size > ANON_MAX_SIZE - offset) {
		close(fd);
		return ZX_ERR_INVALID_ARGS;
	}
	/* The VMO is [offset, offset + size) of the fd. */
	m = mem_new(fd, size, offset + size, mem_flags & ~VMO_MEM_RESIZABLE);
	content = vmo_content_new(size);
	if (m == NULL || content == NULL) {
		close(fd);
		free(m);
		content_unref(content);
		return ZX_ERR_NO_MEMORY;
	}
	v = vmo_new(VMO_ROOT, m, offset, content);
	if (v == NULL)
		return ZX_ERR_NO_MEMORY;
	*ret = v;
	return ZX_OK;
}

zx_status_t
vmo_create_physical(int fd, uint64_t fd_offset, uint64_t paddr,
    uint64_t size, struct vmo **ret)
{
	struct vmo *v;
	zx_status_t st;

	if (!page_aligned(paddr) || size == 0 || paddr + (size - 1) < paddr) {
		close(fd);
		return ZX_ERR_INVALID_ARGS;
	}
	st = vmo_create_on_fd(fd, fd_offset, size,
	    VMO_MEM_PHYSICAL | VMO_MEM_CONTIGUOUS, &v);
	if (st != ZX_OK)
		return st;
	v->mem->paddr = paddr;
	v->mem->paddr_fd_offset = fd_offset;
	/* VmObjectPhysical::Create: device memory is mapped uncached. */
	v->cache_policy = ZX_CACHE_POLICY_UNCACHED;
	*ret = v;
	return ZX_OK;
}

/* --- queries -------------------------------------------------------- */

uint64_t
vmo_size(const struct vmo *v)
{
	return v->kind == VMO_SLICE ? v->slice_size : v->mem->size;
}

uint64_t
vmo_content_size(const struct vmo *v)
{
	return v->content->size;
}

bool
vmo_is_resizable(const struct vmo *v)
{
	return v->mem->flags & VMO_MEM_RESIZABLE;
}

bool
vmo_is_discardable(const struct vmo *v)
{
	return v->mem->flags & VMO_MEM_DISCARDABLE;
}

bool
vmo_is_physical(const struct vmo *v)
{
	return v->mem->flags & VMO_MEM_PHYSICAL;
}

bool
vmo_is_contiguous(const struct vmo *v)
{
	return v->mem->flags & (VMO_MEM_CONTIGUOUS | VMO_MEM_PHYSICAL);
}

void
vmo_set_paddr(struct vmo *v, uint64_t paddr,
    void (*release)(uint64_t paddr, uint64_t size))
{
	v->mem->has_paddr = true;
	v->mem->paddr = paddr;
	v->mem->paddr_fd_offset = v->offset;
	v->mem->paddr_release = release;
	v->mem->release_addr = paddr;
	v->mem->release_size = vmo_size(v);
}

bool
vmo_paddr(const struct vmo *v, uint64_t offset, uint64_t *paddr)
{
	if ((!vmo_is_physical(v) && !v->mem->has_paddr) ||
	    (offset >= vmo_size(v) && offset != 0))
		return false;
	*paddr = v->mem->paddr + (v->offset - v->mem->paddr_fd_offset) +
	    offset;
	return true;
}

uint64_t
vmo_committed_bytes(const struct vmo *v)
{
	uint64_t bytes;

	/* Zircon attributes shared memory to its owner only. */
	if (v->kind == VMO_SLICE || v->kind == VMO_REFERENCE ||
	    vmo_is_physical(v))
		return 0;
	if (anon_committed(v->mem->fd, &bytes) < 0)
		return 0;
	return min_u64(bytes, v->mem->size);
}

uint64_t
vmo_held_bytes(bool (*mine)(const void *ctx, const void *arg),
    const void *arg)
{
	uint64_t sum = 0, bytes;

	for (struct vmo_mem *m = unbounded; m != NULL; m = m->unbounded_next)
		if (m->payer.ops != NULL && mine(m->payer.ctx, arg) &&
		    anon_committed(m->fd, &bytes) == 0)
			sum += min_u64(bytes, m->size);
	return sum;
}

uint64_t
vmo_unbounded_bytes(const void *ctx)
{
	uint64_t sum = 0, bytes;

	for (struct vmo_mem *m = unbounded; m != NULL; m = m->unbounded_next)
		if (m->payer.ctx == ctx && anon_committed(m->fd, &bytes) == 0)
			sum += bytes;
	return sum;
}

/* The address space a mapping is in: its VMAR tree's root. */
static const struct vmar *
aspace_of(const struct vmar_mapping *m)
{
	return m->vmar->root != NULL ? m->vmar->root : m->vmar;
}

size_t
vmo_share_count(const struct vmo *v)
{
	const struct vmar_mapping *m, *n;
	size_t count = 0;

	if (v->num_mappings < 2)
		return 1;
	/* Distinct address spaces among the mappings (two sub-VMARs of one
	 * process are one). */
	for (m = v->mappings; m != NULL; m = m->vmo_next) {
		for (n = v->mappings; n != m; n = n->vmo_next)
			if (aspace_of(n) == aspace_of(m))
				break;
		if (n == m)
			count++;
	}
	return count;
}

void
vmo_get_info_record(const struct vmo *v, zx_rights_t rights,
    zx_info_vmo_t *info)
{
	uint32_t mflags = v->mem->flags;

	memset(info, 0, sizeof(*info));
	info->koid = v->obj.koid;
	memcpy(info->name, v->obj.name, sizeof(info->name));
	info->size_bytes = vmo_size(v);
	info->parent_koid = v->parent != NULL ? v->parent->obj.koid : 0;
	info->num_children = v->num_children;
	info->num_mappings = v->num_mappings;
	info->share_count = vmo_share_count(v);
	info->flags = ((mflags & VMO_MEM_PHYSICAL) ? ZX_INFO_VMO_TYPE_PHYSICAL :
	    ZX_INFO_VMO_TYPE_PAGED) |
	    ((mflags & VMO_MEM_RESIZABLE) ? ZX_INFO_VMO_RESIZABLE : 0) |
	    ((mflags & VMO_MEM_DISCARDABLE) ? ZX_INFO_VMO_DISCARDABLE : 0) |
	    ((mflags & VMO_MEM_CONTIGUOUS) ? ZX_INFO_VMO_CONTIGUOUS : 0) |
	    (v->kind == VMO_SNAPSHOT ? ZX_INFO_VMO_IS_COW_CLONE : 0) |
	    (v->immutable ? ZX_INFO_VMO_IMMUTABLE : 0) |
	    ZX_INFO_VMO_VIA_HANDLE;
	vmo_attribute(v, info);
	info->handle_rights = rights;
	info->cache_policy = v->cache_policy;
}

/* --- sizes ---------------------------------------------------------- */

/* Make [off, off + len) of the VMO read as zero. Pinned pages are
 * zeroed in place, the rest handed back. */
zx_status_t
vmo_zero_range(struct vmo *v, uint64_t off, uint64_t len)
{
	struct vmo_mem *m = v->mem;
	uint64_t start = v->offset + off, end;
	int r;

	/* VmObjectPhysical has no ZeroRange: device memory is the
	 * device's to change. */
	if (vmo_is_physical(v))
		return ZX_ERR_NOT_SUPPORTED;
	if (len == 0 || start >= m->file_limit)
		return ZX_OK;	/* past the memfd: already zero */
	end = start + min_u64(len, m->file_limit - start);
	/* Contiguous memory keeps its pages, as pinned memory does. */
	if ((m->flags & VMO_MEM_CONTIGUOUS) || vmo_mem_pinned(m, start &
	    ~(PAGE - 1), ((end + PAGE - 1) & ~(PAGE - 1)) - (start &
	    ~(PAGE - 1))))
		r = anon_zero(m->fd, start, end - start);
	else {
		vmo_mem_uncommitting(m);
		r = anon_punch(m->fd, start, end - start);
	}
	return status_from_errno(r, ZX_ERR_INTERNAL);
}

zx_status_t
vmo_set_size(struct vmo *v, uint64_t size)
{
	struct vmo_mem *m = v->mem;
	uint64_t aligned = (size + PAGE - 1) & ~(PAGE - 1);
	uint64_t old = m->size, limit;
	zx_status_t st;
	int r;

	/* VmObjectDispatcher::SetSize: the rounding first, then Resize. */
	if (aligned < size)
		return ZX_ERR_OUT_OF_RANGE;
	if (!vmo_is_resizable(v))
		return vmo_is_physical(v) ? ZX_ERR_NOT_SUPPORTED :
		    ZX_ERR_UNAVAILABLE;
	if (aligned > MAX_SIZE)
		return ZX_ERR_OUT_OF_RANGE;
	if (aligned < old && vmo_mem_pinned(m, aligned, old - aligned))
		return ZX_ERR_BAD_STATE;
	/* Memory charged by what it holds costs nothing to grow. */
	if (aligned > old && m->payer.ops != NULL &&
	    !(m->flags & VMO_MEM_BY_COMMIT)) {
		st = m->payer.ops->charge(m->payer.ctx, aligned - old);
		if (st != ZX_OK)
			return st;
	}
	limit = min_u64(aligned, ANON_MAX_SIZE);
	/* Also undoes whatever a writer did with ftruncate on its fd. */
	vmo_mem_uncommitting(m);
	r = anon_resize(m->fd, limit);
	if (r < 0) {
		if (aligned > old && m->payer.ops != NULL &&
		    !(m->flags & VMO_MEM_BY_COMMIT))
			m->payer.ops->uncharge(m->payer.ctx, aligned - old);
		return status_from_errno(r, ZX_ERR_INTERNAL);
	}
	if (!(m->flags & VMO_MEM_BY_COMMIT)) {
		if (aligned < old && m->payer.ops != NULL)
			m->payer.ops->uncharge(m->payer.ctx, old - aligned);
		if (m->payer.ops != NULL)
			m->charged = m->charged - old + aligned;
	}
	m->size = aligned;
	m->file_limit = limit;
	(void)vmo_zero_range(v, size, aligned - size);
	v->content->size = size;
	publish_mem(m);
	return ZX_OK;
}

zx_status_t
vmo_set_stream_size(struct vmo *v, uint64_t size)
{
	uint64_t vsize = vmo_size(v), old = v->content->size, from;
	zx_status_t st;

	if (size == old)
		return ZX_OK;
	if (size > vsize)
		return ZX_ERR_OUT_OF_RANGE;
	/* Whatever lies past the smaller of the two sizes reads as zero. */
	from = min_u64(size, old);
	st = vmo_zero_range(v, from, vsize - from);
	if (st != ZX_OK)
		return st;
	v->content->size = size;
	publish_mem(v->mem);
	return ZX_OK;
}

void
vmo_set_content_size(struct vmo *v, uint64_t size)
{
	uint64_t vsize = vmo_size(v);

	v->content->size = size;
	/* Zircon ignores the outcome of this zeroing. */
	if (size < vsize)
		(void)vmo_zero_range(v, size, vsize - size);
	publish_mem(v->mem);
}

/* --- descriptors and pins -------------------------------------------- */

zx_status_t
vmo_get_fds(struct vmo *v, int oflags, int *ret_state_fd, int *ret_data_fd,
    uint64_t *ret_offset, uint64_t *ret_limit)
{
	zx_status_t st;
	int sfd, dfd = -1;

	st = object_sigpage_fd(&v->obj, &sfd);
	if (st != ZX_OK)
		return st;
	vmo_publish(v);
	if (oflags != -1) {
		st = vmo_open(v, oflags, &dfd);
		if (st != ZX_OK) {
			close(sfd);
			return st;
		}
	}
	*ret_state_fd = sfd;
	*ret_data_fd = dfd;
	*ret_offset = v->offset;
	*ret_limit = v->mem->file_limit;
	return ZX_OK;
}

zx_status_t
vmo_open(struct vmo *v, int oflags, int *ret_fd)
{
	if (vmo_is_physical(v))
		return ZX_ERR_NOT_SUPPORTED;
	return status_from_errno(anon_open(v->mem->fd, oflags, ret_fd),
	    ZX_ERR_INTERNAL);
}

uint64_t
vmo_fd_offset(const struct vmo *v)
{
	return v->offset;
}

zx_status_t
vmo_pin(struct vmo *v, uint64_t offset, uint64_t len)
{
	struct vmo_pin *p;
	zx_status_t st;

	if (len == 0 || !page_aligned(offset) || !page_aligned(len))
		return ZX_ERR_INVALID_ARGS;
	if (!in_range(offset, len, vmo_size(v)))
		return ZX_ERR_OUT_OF_RANGE;
	/* Contiguous memory is all committed from the start; other memory
	 * is committed unless it already is (a driver pins its buffers
	 * over and over). */
	if (!vmo_is_physical(v) && !is_contiguous(v) &&
	    !mem_committed(v->mem, v->offset + offset, len)) {
		st = vmo_commit(v, offset, len);
		if (st != ZX_OK)
			return st;
		v->mem->committed_lo = v->offset + offset;
		v->mem->committed_hi = v->offset + offset + len;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return ZX_ERR_NO_MEMORY;
	p->offset = v->offset + offset;
	p->len = len;
	p->next = v->mem->pins;
	v->mem->pins = p;
	return ZX_OK;
}

void
vmo_unpin(struct vmo *v, uint64_t offset, uint64_t len)
{
	struct vmo_pin **pp, *p;

	for (pp = &v->mem->pins; (p = *pp) != NULL; pp = &p->next) {
		if (p->offset == v->offset + offset && p->len == len) {
			*pp = p->next;
			free(p);
			return;
		}
	}
}

bool
vmo_any_pinned(const struct vmo *v, uint64_t offset, uint64_t len)
{
	return vmo_mem_pinned(v->mem, v->offset + offset, len);
}

void
vmo_mapping_added(struct vmo *v, struct vmar_mapping *m)
{
	m->vmo_prev = NULL;
	m->vmo_next = v->mappings;
	if (v->mappings != NULL)
		v->mappings->vmo_prev = m;
	v->mappings = m;
	v->num_mappings++;
}

void
vmo_mapping_removed(struct vmo *v, struct vmar_mapping *m)
{
	if (m->vmo_prev != NULL)
		m->vmo_prev->vmo_next = m->vmo_next;
	else
		v->mappings = m->vmo_next;
	if (m->vmo_next != NULL)
		m->vmo_next->vmo_prev = m->vmo_prev;
	m->vmo_prev = m->vmo_next = NULL;
	v->num_mappings--;
}

/* --- object ops ------------------------------------------------------ */

static void
vmo_destroy(struct object *o)
{
	struct vmo *v = vmo_of(o), *p = v->parent, **pp;
	bool was_child = p != NULL;

	/* Zircon re-homes the children of a dying VMO with its parent. */
	if (p != NULL)
		vmo_child_unlink(v);
	while (v->children != NULL) {
		struct vmo *c = v->children;

		vmo_child_unlink(c);
		if (p != NULL) {
			c->parent = p;
			c->sib_next = p->children;
			if (p->children != NULL)
				p->children->sib_prev = c;
			p->children = c;
			p->num_children++;
		}
	}
	if (was_child && p->num_children == 0)
		object_signal(&p->obj, 0, ZX_VMO_ZERO_CHILDREN);
	for (pp = &v->mem->users; *pp != NULL; pp = &(*pp)->mem_next) {
		if (*pp == v) {
			*pp = v->mem_next;
			break;
		}
	}
	content_unref(v->content);
	mem_unref(v->mem);
	free(v);
}

static zx_status_t
vmo_get_info(struct object *o, uint32_t topic, zx_rights_t rights, void *buf,
    size_t buf_size, size_t *actual, size_t *avail, size_t *record_size)
{
	zx_info_vmo_t info;
	size_t size;

	switch (topic) {
	case ZX_INFO_VMO:
		size = sizeof(info);
		break;
	case ZX_INFO_VMO_V3:
		size = offsetof(zx_info_vmo_t, committed_private_bytes);
		break;
	case ZX_INFO_VMO_V2:
		size = offsetof(zx_info_vmo_t, populated_bytes);
		break;
	case ZX_INFO_VMO_V1:
		size = offsetof(zx_info_vmo_t, metadata_bytes);
		break;
	default:
		return ZX_ERR_NOT_SUPPORTED;
	}
	*avail = 1;
	*record_size = size;
	if (buf_size < size) {
		*actual = 0;
		return ZX_ERR_BUFFER_TOO_SMALL;
	}
	vmo_get_info_record(vmo_of(o), rights, &info);
	memcpy(buf, &info, size);
	*actual = 1;
	return ZX_OK;
}

static zx_status_t
vmo_get_property(struct object *o, uint32_t prop, void *buf, size_t size)
{
	uint64_t cs;

	if (prop != ZX_PROP_VMO_CONTENT_SIZE)
		return ZX_ERR_NOT_SUPPORTED;
	if (size < sizeof(cs))
		return ZX_ERR_BUFFER_TOO_SMALL;
	cs = vmo_content_size(vmo_of(o));
	memcpy(buf, &cs, sizeof(cs));
	return ZX_OK;
}

static zx_status_t
vmo_set_property(struct object *o, uint32_t prop, const void *buf,
    size_t size)
{
	uint64_t cs;

	if (prop != ZX_PROP_VMO_CONTENT_SIZE)
		return ZX_ERR_NOT_SUPPORTED;
	if (size < sizeof(cs))
		return ZX_ERR_BUFFER_TOO_SMALL;
	memcpy(&cs, buf, sizeof(cs));
	vmo_set_content_size(vmo_of(o), cs);
	return ZX_OK;
}

static uint64_t
vmo_memory_bytes(const struct object *o)
{
	return vmo_committed_bytes((const struct vmo *)o);
}

/* A child's close is seen at once by its parent (ZERO_CHILDREN,
 * num_children); a VMO with no parent has no such watcher, so its handles
 * close with no round trip. */
static bool
vmo_close_observable(const struct object *o)
{
	return ((const struct vmo *)o)->parent != NULL;
}

static const struct object_ops vmo_ops = {
	.type = ZX_OBJ_TYPE_VMO,
	.name = "vmo",
	.default_rights = ZX_DEFAULT_VMO_RIGHTS,
	.waitable = true,
	.has_name = true,
	.destroy = vmo_destroy,
	.get_info = vmo_get_info,
	.get_property = vmo_get_property,
	.set_property = vmo_set_property,
	.memory_bytes = vmo_memory_bytes,
	.close_observable = vmo_close_observable,
};
