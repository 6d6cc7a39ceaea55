/* zx_vmar_*: the process's root VMAR and its sub-VMARs.
 *
 * libzx reserves the address range, the daemon checks rights and options
 * and hands out the memory opened with the access the mapping may ever
 * need, and libzx maps it over the reservation. libzx keeps a record of
 * its mappings (address, length, the permissions they may get) for
 * zx_vmar_protect and zx_vmar_unmap, and tells the daemon about each
 * unmap of a recorded mapping (IOB mappings included: they keep their
 * endpoint's peer from seeing ZX_IOB_PEER_CLOSED until then). Memory
 * the process mapped by other means is not the VMAR's: zx_vmar_unmap
 * leaves it alone, zx_vmar_protect answers NOT_FOUND for it and
 * SPECIFIC mappings never replace it. */
#include "config-build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/libzx.h"
#include "proto/vmar_layout.h"

/* What the process has in its root VMAR: mappings, and the PROT_NONE
 * reservations of sub-VMARs (sub). Inside a sub-VMAR the daemon keeps
 * the record. */
struct lmap {
	uint64_t addr, len;
	uint32_t max_perms;
	bool sub;
};

/* The process's mappings, by address. */
static struct {
	pthread_mutex_t lock;
	struct lmap *v;
	size_t n, cap;
} maps = { .lock = PTHREAD_MUTEX_INITIALIZER };

static pthread_mutex_t root_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t root_once = PTHREAD_ONCE_INIT;
static zx_handle_t root_handle;
static zx_koid_t root_koid;

static uint64_t
page_size(void)
{
	static uint64_t page;

	if (page == 0)
		page = (uint64_t)sysconf(_SC_PAGESIZE);
	return page;
}

static void
atfork_child(void)
{
	/* The child's handles are gone; its mappings are copies it still
	 * has, so the record stays. A sub-VMAR's reservation is only
	 * address space here (its handle and the daemon's record of it are
	 * the parent's): a plain mapping of the child's, which
	 * SPECIFIC_OVERWRITE may replace. */
	pthread_mutex_init(&root_lock, NULL);
	pthread_mutex_init(&maps.lock, NULL);
	for (size_t i = 0; i < maps.n; i++)
		maps.v[i].sub = false;
	root_handle = ZX_HANDLE_INVALID;
	root_koid = 0;
}

static void
register_atfork(void)
{
	pthread_atfork(NULL, NULL, atfork_child);
}

EXPORT zx_handle_t
zx_vmar_root_self(void)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmarRootSelf rs = ZXD__VMAR_ROOT_SELF__INIT;
	struct zxh *e;
	zx_handle_t h;

	pthread_once(&root_once, register_atfork);
	pthread_mutex_lock(&root_lock);
	e = root_handle != ZX_HANDLE_INVALID ? zxh_get(root_handle, NULL) :
	    NULL;
	/* Fetch it again if the program closed it, or zxd restarted (the
	 * old one is an orphan then: release it). */
	if (e == NULL && root_handle != ZX_HANDLE_INVALID)
		zxh_close(root_handle);
	if (e == NULL || e->type != ZX_OBJ_TYPE_VMAR || e->koid != root_koid) {
		req.body_case = ZXD__REQUEST__BODY_VMAR_ROOT_SELF;
		req.vmar_root_self = &rs;
		root_handle = ZX_HANDLE_INVALID;
		if (rpc_new_handles(RPC_CONTROL, &req, NULL, 0, &h, 1) == ZX_OK) {
			root_handle = h;
			root_koid = zxh_get(h, NULL)->koid;
		}
	}
	h = root_handle;
	pthread_mutex_unlock(&root_lock);
	return h;
}

/* --- the mapping record ---------------------------------------------- */

static uint64_t
end_of(const struct lmap *m)
{
	return m->addr + m->len;
}

/* The first record that ends after addr. */
static size_t
first_after(uint64_t addr)
{
	size_t lo = 0, hi = maps.n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (end_of(&maps.v[mid]) <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool
maps_intersect(uint64_t addr, uint64_t len)
{
	size_t i = first_after(addr);

	return i < maps.n && maps.v[i].addr < addr + len;
}

static zx_status_t
maps_reserve(size_t more)
{
	struct lmap *v;
	size_t cap;

	if (maps.n + more <= maps.cap)
		return ZX_OK;
	cap = maps.cap ? maps.cap * 2 : 16;
	while (cap < maps.n + more)
		cap *= 2;
	v = realloc(maps.v, cap * sizeof(*v));
	if (v == NULL)
		return ZX_ERR_NO_MEMORY;
	maps.v = v;
	maps.cap = cap;
	return ZX_OK;
}

/* Forget [addr, addr + len): records are trimmed or split. Needs room
 * for one more record (maps_reserve(1)). */
static void
maps_remove(uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;
	size_t i = first_after(addr);

	while (i < maps.n && maps.v[i].addr < end) {
		struct lmap *m = &maps.v[i];
		uint64_t mend = end_of(m);

		if (m->addr < addr && mend > end) {
			memmove(m + 2, m + 1, (maps.n - i - 1) * sizeof(*m));
			maps.n++;
			m[1] = *m;
			m[1].addr = end;
			m[1].len = mend - end;
			m->len = addr - m->addr;
			return;
		}
		if (m->addr < addr) {
			m->len = addr - m->addr;
			i++;
		} else if (mend > end) {
			m->len = mend - end;
			m->addr = end;
			i++;
		} else {
			memmove(m, m + 1, (maps.n - i - 1) * sizeof(*m));
			maps.n--;
		}
	}
}

static void
maps_insert(uint64_t addr, uint64_t len, uint32_t max_perms, bool sub)
{
	size_t i = first_after(addr);

	memmove(&maps.v[i + 1], &maps.v[i], (maps.n - i) * sizeof(maps.v[0]));
	maps.v[i] = (struct lmap){ addr, len, max_perms, sub };
	maps.n++;
}

/* munmap the recorded parts of [addr, addr + len). */
static void
unmap_recorded(uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;

	for (size_t i = first_after(addr);
	    i < maps.n && maps.v[i].addr < end; i++) {
		uint64_t a = maps.v[i].addr > addr ? maps.v[i].addr : addr;
		uint64_t b = end_of(&maps.v[i]) < end ? end_of(&maps.v[i]) :
		    end;

		munmap((void *)(uintptr_t)a, b - a);
	}
}

/* Tell the daemon that [addr, addr + len) of our mappings is gone. */
static zx_status_t
report_unmap(zx_handle_t vmar, uint64_t addr, uint64_t len)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmarUnmap um = ZXD__VMAR_UNMAP__INIT;

	um.addr = addr;
	um.len = len;
	req.body_case = ZXD__REQUEST__BODY_VMAR_UNMAP;
	req.vmar_unmap = &um;
	return rpc_call(vmar, &req, NULL, 0, NULL);
}

/* --- reserving address space ----------------------------------------- */

#define RESERVE_FLAGS	(MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

/* What a reservation holds, to give it back if the map fails. */
struct reservation {
	uint64_t addr, size;
	/* SPECIFIC_OVERWRITE: the gaps between our mappings we took. */
	uint64_t (*gaps)[2];
	size_t ngaps;
};

static void
reservation_release(struct reservation *r)
{
	if (r->gaps != NULL) {
		for (size_t i = 0; i < r->ngaps; i++)
			munmap((void *)(uintptr_t)r->gaps[i][0], r->gaps[i][1]);
	} else if (r->size != 0) {
		munmap((void *)(uintptr_t)r->addr, r->size);
	}
	free(r->gaps);
	r->gaps = NULL;
	r->size = 0;
}

static bool
reserve_at(uint64_t addr, uint64_t size)
{
	void *want = (void *)(uintptr_t)addr;
	void *p = mmap(want, size, PROT_NONE,
	    RESERVE_FLAGS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return false;
	if (p != want) {	/* a kernel without MAP_FIXED_NOREPLACE */
		munmap(p, size);
		return false;
	}
	return true;
}

/* Overwriting replaces our own mappings only: every gap between them
 * must be free address space. */
static zx_status_t
reserve_overwrite(struct reservation *r)
{
	uint64_t pos = r->addr, end = r->addr + r->size;
	size_t i = first_after(r->addr);

	r->gaps = calloc(maps.n + 1, sizeof(*r->gaps));
	if (r->gaps == NULL)
		return ZX_ERR_NO_MEMORY;
	while (pos < end) {
		uint64_t next = end;

		if (i < maps.n && maps.v[i].addr < end && maps.v[i].sub) {
			/* A sub-VMAR is in the way. */
			reservation_release(r);
			return ZX_ERR_INVALID_ARGS;
		}
		if (i < maps.n && maps.v[i].addr <= pos) {
			pos = end_of(&maps.v[i++]);
			continue;
		}
		if (i < maps.n && maps.v[i].addr < end)
			next = maps.v[i].addr;
		if (!reserve_at(pos, next - pos)) {
			reservation_release(r);
			return ZX_ERR_INVALID_ARGS;
		}
		r->gaps[r->ngaps][0] = pos;
		r->gaps[r->ngaps][1] = next - pos;
		r->ngaps++;
		pos = next;
	}
	return ZX_OK;
}

/* Anywhere, aligned, inside the root VMAR and below `upper` if set. */
static zx_status_t
reserve_anywhere(struct reservation *r, const struct vmar_place *pl)
{
	uint64_t page = page_size(), extra = pl->align - page, a, top;
	uint64_t limit = pl->upper ? pl->upper : VMAR_ROOT_END;
	char *p;

	/* Below an upper limit, try the highest spot first. */
	if (pl->upper) {
		a = (pl->upper - pl->size) & ~(pl->align - 1);
		if (a >= VMAR_ROOT_BASE && reserve_at(a, pl->size)) {
			r->addr = a;
			r->size = pl->size;
			return ZX_OK;
		}
	}
	p = mmap(NULL, pl->size + extra, PROT_NONE, RESERVE_FLAGS, -1, 0);
	if (p == MAP_FAILED)
		return ZX_ERR_NO_RESOURCES;
	a = ((uint64_t)(uintptr_t)p + pl->align - 1) & ~(pl->align - 1);
	top = (uint64_t)(uintptr_t)p + pl->size + extra;
	if (a > (uint64_t)(uintptr_t)p)
		munmap(p, a - (uint64_t)(uintptr_t)p);
	if (top > a + pl->size)
		munmap((void *)(uintptr_t)(a + pl->size), top - a - pl->size);
	if (a < VMAR_ROOT_BASE || a + pl->size > limit) {
		munmap((void *)(uintptr_t)a, pl->size);
		return ZX_ERR_NO_RESOURCES;
	}
	r->addr = a;
	r->size = pl->size;
	return ZX_OK;
}

static zx_status_t
reserve(struct reservation *r, const struct vmar_place *pl,
    zx_vm_option_t options)
{
	memset(r, 0, sizeof(*r));
	if (pl->addr == 0)
		return reserve_anywhere(r, pl);
	r->addr = pl->addr;
	r->size = pl->size;
	if (options & ZX_VM_SPECIFIC_OVERWRITE)
		return reserve_overwrite(r);
	if (!reserve_at(pl->addr, pl->size)) {
		r->size = 0;
		return errno == ENOMEM ? ZX_ERR_NO_MEMORY :
		    ZX_ERR_ALREADY_EXISTS;
	}
	return ZX_OK;
}

static int
prot_of(uint32_t perms)
{
	return ((perms & ZX_VM_PERM_READ) ? PROT_READ : 0) |
	    ((perms & ZX_VM_PERM_WRITE) ? PROT_WRITE : 0) |
	    ((perms & ZX_VM_PERM_EXECUTE) ? PROT_EXEC : 0);
}

/* A failed mmap over the reservation: anything but a refused
 * permission is a lack of address space. */
static zx_status_t
map_status(int e)
{
	return e == EACCES || e == EPERM ? ZX_ERR_ACCESS_DENIED :
	    ZX_ERR_NO_MEMORY;
}

/* What is mapped: a VMO, or a region of an IOB through an endpoint. */
struct map_source {
	int fd;			/* the VMO's or the endpoint's handle */
	bool iob;
	uint32_t region_index;
};

/* Whether a VMAR handle is this process's root VMAR (in a root libzx
 * reserves the range itself; in a sub-VMAR the daemon chooses). */
static bool
is_root(const struct zxh *e)
{
	return root_koid != 0 && e->koid == root_koid;
}

/* Give [addr, addr + size) of a sub-VMAR back to its PROT_NONE
 * reservation. */
static void
rereserve(uint64_t addr, uint64_t size)
{
	(void)mmap((void *)(uintptr_t)addr, size, PROT_NONE,
	    RESERVE_FLAGS | MAP_FIXED, -1, 0);
}

/* Send the map request; on success mmap over the reservation (the
 * one made here in the root, the sub-VMAR's otherwise). */
static zx_status_t
map_locked(zx_handle_t vmar, bool root, zx_vm_option_t options,
    uint64_t vmar_offset, const struct map_source *src, uint64_t vmo_offset,
    uint64_t len, uint64_t *ret_addr, uint64_t *ret_size)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmarMap mr = ZXD__VMAR_MAP__INIT;
	zx_vm_option_t opts = options;
	struct reservation res = { 0 };
	struct vmar_place pl;
	struct rpc_reply rep;
	uint64_t align, addr, size;
	zx_status_t st;
	uint32_t max_perms;
	void *p;
	int flags;

	/* Work out where the mapping goes as the daemon will; if the
	 * arguments are wrong the daemon says how, in Zircon's order. */
	if (opts & ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED)
		opts |= ZX_VM_PERM_READ;
	mr.placement = ZX_OK;
	mr.daemon_places = !root;
	if (root && vmar_map_flags(opts, &align) == ZX_OK &&
	    vmar_map_layout(VMAR_ROOT_BASE, VMAR_ROOT_LEN, page_size(), opts,
	    vmar_offset, vmo_offset, len, align, &pl) == ZX_OK) {
		st = maps_reserve(2);
		if (st != ZX_OK)
			return st;
		mr.placement = reserve(&res, &pl, opts);
		if (mr.placement == ZX_OK)
			mr.addr = res.addr;
	}
	mr.options = options;
	mr.vmar_offset = vmar_offset;
	mr.vmo_offset = vmo_offset;
	mr.len = len;
	mr.iob = src->iob;
	mr.region_index = src->region_index;
	req.body_case = ZXD__REQUEST__BODY_VMAR_MAP;
	req.vmar_map = &mr;
	st = rpc_call(vmar, &req, &src->fd, 1, &rep);
	if (rep.rep != NULL) {
		if (st == ZX_OK &&
		    (rep.rep->body_case != ZXD__REPLY__BODY_VMAR_MAP ||
		    (root && (mr.addr == 0 ||
		    rep.rep->vmar_map->addr != mr.addr)) || rep.nfds > 1))
			st = ZX_ERR_INTERNAL;
		if (st != ZX_OK)
			rpc_reply_free(&rep);
	}
	if (st != ZX_OK) {
		reservation_release(&res);
		return st;
	}
	addr = rep.rep->vmar_map->addr;
	size = root ? res.size : (len + page_size() - 1) & ~(page_size() - 1);
	max_perms = rep.rep->vmar_map->max_perms;
	if (rep.nfds == 1) {
		flags = MAP_SHARED | MAP_FIXED;
		if (options & ZX_VM_MAP_RANGE)
			flags |= MAP_POPULATE;
		p = mmap((void *)(uintptr_t)addr, size, prot_of(opts), flags,
		    rep.fds[0], (off_t)rep.rep->vmar_map->file_offset);
		if (p == MAP_FAILED) {
			st = map_status(errno);
			rpc_reply_free(&rep);
			if (root)
				reservation_release(&res);
			else
				rereserve(addr, size);
			report_unmap(vmar, addr, size);
			return st;
		}
	} else if (!root) {
		/* Without READ the mapping can never be accessed: a
		 * PROT_NONE range is all it needs (and SPECIFIC_OVERWRITE
		 * may have replaced one that could). */
		rereserve(addr, size);
	}
	rpc_reply_free(&rep);
	if (root) {
		free(res.gaps);
		maps_remove(addr, size);
		maps_insert(addr, size, max_perms, false);
	}
	*ret_addr = addr;
	*ret_size = size;
	return ZX_OK;
}

static zx_status_t
map_common(zx_handle_t handle, zx_vm_option_t options, size_t vmar_offset,
    zx_handle_t obj, bool iob, uint32_t region_index, uint64_t vmo_offset,
    size_t len, zx_vaddr_t *mapped_addr)
{
	struct map_source src = { .iob = iob, .region_index = region_index };
	struct zxh *ev, *em;
	uint64_t addr, size;
	zx_status_t st;
	bool root;

	ev = zxh_get(handle, NULL);
	if (ev == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (ev->type != ZX_OBJ_TYPE_VMAR)
		return ZX_ERR_WRONG_TYPE;
	em = zxh_get(obj, &src.fd);
	if (em == NULL)
		return ZX_ERR_BAD_HANDLE;
	root = is_root(ev);
	pthread_mutex_lock(&maps.lock);
	st = map_locked(handle, root, options, vmar_offset, &src, vmo_offset,
	    len, &addr, &size);
	if (st == ZX_OK && mapped_addr == NULL) {
		/* Zircon destroys a mapping it cannot report. */
		if (root) {
			unmap_recorded(addr, size);
			maps_remove(addr, size);
		} else {
			rereserve(addr, size);
		}
		report_unmap(handle, addr, size);
		st = ZX_ERR_INVALID_ARGS;
	}
	pthread_mutex_unlock(&maps.lock);
	if (st == ZX_OK)
		*mapped_addr = (zx_vaddr_t)addr;
	return st;
}

EXPORT zx_status_t
zx_vmar_map(zx_handle_t handle, zx_vm_option_t options, size_t vmar_offset,
    zx_handle_t vmo, uint64_t vmo_offset, size_t len, zx_vaddr_t *mapped_addr)
{
	return map_common(handle, options, vmar_offset, vmo, false, 0,
	    vmo_offset, len, mapped_addr);
}

/* The region's memory comes with the access this endpoint has to it
 * (a read-only descriptor where it may only read, none where it may not
 * map), and the daemon counts the mapping against the endpoint for
 * ZX_IOB_PEER_CLOSED until zx_vmar_unmap reports it gone. */
EXPORT zx_status_t
zx_vmar_map_iob(zx_handle_t handle, zx_vm_option_t options,
    size_t vmar_offset, zx_handle_t ep, uint32_t region_index,
    uint64_t region_offset, size_t region_len, zx_vaddr_t *mapped_addr)
{
	return map_common(handle, options, vmar_offset, ep, true,
	    region_index, region_offset, region_len, mapped_addr);
}

/* The page-rounded [addr, addr + *size) inside the root VMAR. */
static zx_status_t
check_range(uint64_t addr, uint64_t len, uint64_t *size)
{
	uint64_t page = page_size(), s;

	if (addr & (page - 1))
		return ZX_ERR_INVALID_ARGS;
	s = (len + page - 1) & ~(page - 1);
	if (s == 0 || s < len)
		return ZX_ERR_INVALID_ARGS;
	if (addr < VMAR_ROOT_BASE || addr - VMAR_ROOT_BASE >= VMAR_ROOT_LEN ||
	    s > VMAR_ROOT_LEN - (addr - VMAR_ROOT_BASE))
		return ZX_ERR_INVALID_ARGS;
	*size = s;
	return ZX_OK;
}

/* A length rounded up to pages; 0 if it overflows. */
static uint64_t
round_len(uint64_t len)
{
	uint64_t page = page_size(), s = (len + page - 1) & ~(page - 1);

	return s < len ? 0 : s;
}

/* Apply what the daemon said of a range after an unmap or destroy in a
 * sub-VMAR: back to the reservation, or released (a sub-VMAR of the
 * root destroyed). */
static zx_status_t
apply_range(const struct rpc_reply *rep)
{
	const Zxd__VmarRangeReply *r = rep->rep->vmar_range;

	if (rep->rep->body_case != ZXD__REPLY__BODY_VMAR_RANGE)
		return ZX_ERR_INTERNAL;
	if (r->reserve) {
		rereserve(r->addr, r->len);
	} else {
		unmap_recorded(r->addr, r->len);
		maps_remove(r->addr, r->len);
	}
	return ZX_OK;
}

static zx_status_t
unmap_sub(zx_handle_t handle, uint64_t addr, uint64_t len)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmarUnmap um = ZXD__VMAR_UNMAP__INIT;
	struct rpc_reply rep;
	zx_status_t st;

	um.addr = addr;
	um.len = round_len(len);
	req.body_case = ZXD__REQUEST__BODY_VMAR_UNMAP;
	req.vmar_unmap = &um;
	pthread_mutex_lock(&maps.lock);
	st = rpc_call(handle, &req, NULL, 0, &rep);
	if (st == ZX_OK)
		st = apply_range(&rep);
	rpc_reply_free(&rep);
	pthread_mutex_unlock(&maps.lock);
	return st;
}

EXPORT zx_status_t
zx_vmar_unmap(zx_handle_t handle, zx_vaddr_t addr, size_t len)
{
	struct zxh *e = zxh_get(handle, NULL);
	uint64_t size;
	zx_status_t st;

	if (e == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (e->type != ZX_OBJ_TYPE_VMAR)
		return ZX_ERR_WRONG_TYPE;
	if (!is_root(e))
		return unmap_sub(handle, addr, len);
	st = check_range(addr, len, &size);
	if (st != ZX_OK)
		return st;
	pthread_mutex_lock(&maps.lock);
	if (maps_intersect(addr, size)) {
		st = maps_reserve(1);
		if (st == ZX_OK)
			st = report_unmap(handle, addr, size);
		if (st == ZX_OK) {
			unmap_recorded(addr, size);
			maps_remove(addr, size);
		}
	}
	pthread_mutex_unlock(&maps.lock);
	return st;
}

/* The daemon checks the rights, the arguments and the mappings in
 * Zircon's order; then the Linux kernel has the last word (a read-only
 * descriptor never becomes writable). */
EXPORT zx_status_t
zx_vmar_protect(zx_handle_t handle, zx_vm_option_t options, zx_vaddr_t addr,
    size_t len)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmarProtect pr = ZXD__VMAR_PROTECT__INIT;
	uint64_t size = round_len(len);
	zx_vm_option_t perms = options;
	zx_status_t st;

	if (perms & ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED)
		perms = (perms | ZX_VM_PERM_READ) &
		    ~ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED;
	pr.options = options;
	pr.addr = addr;
	pr.len = size;
	req.body_case = ZXD__REQUEST__BODY_VMAR_PROTECT;
	req.vmar_protect = &pr;
	pthread_mutex_lock(&maps.lock);
	st = rpc_call(handle, &req, NULL, 0, NULL);
	if (st == ZX_OK && mprotect((void *)(uintptr_t)addr, size,
	    prot_of(perms)) < 0)
		st = map_status(errno);
	pthread_mutex_unlock(&maps.lock);
	return st;
}

/* --- sub-VMARs ------------------------------------------------------- */

EXPORT zx_status_t
zx_vmar_allocate(zx_handle_t parent, zx_vm_option_t options, size_t offset,
    size_t size, zx_handle_t *child_vmar, zx_vaddr_t *child_addr)
{
	static const struct vmar_shape root_shape = { VMAR_ROOT_BASE,
	    VMAR_ROOT_LEN, VMAR_ROOT_FLAGS, false };
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmarAllocate al = ZXD__VMAR_ALLOCATE__INIT;
	struct reservation res = { 0 };
	struct vmar_place pl;
	struct rpc_reply rep;
	struct zxh *e;
	zx_handle_t h = ZX_HANDLE_INVALID;
	uint64_t addr = 0;
	zx_status_t st;
	bool root;

	e = zxh_get(parent, NULL);
	if (e == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (e->type != ZX_OBJ_TYPE_VMAR)
		return ZX_ERR_WRONG_TYPE;
	root = is_root(e);
	pthread_mutex_lock(&maps.lock);
	al.options = options;
	al.offset = offset;
	al.size = size;
	al.daemon_places = !root;
	al.placement = ZX_OK;
	if (root && vmar_allocate_layout(&root_shape, page_size(), options,
	    offset, size, &pl) == ZX_OK) {
		st = maps_reserve(2);
		if (st != ZX_OK)
			goto out;
		al.placement = reserve(&res, &pl, options & ZX_VM_SPECIFIC);
		if (al.placement == ZX_OK)
			al.addr = res.addr;
	}
	req.body_case = ZXD__REQUEST__BODY_VMAR_ALLOCATE;
	req.vmar_allocate = &al;
	st = rpc_call(parent, &req, NULL, 0, &rep);
	if (st == ZX_OK &&
	    (rep.rep->body_case != ZXD__REPLY__BODY_VMAR_INFO ||
	    (root && rep.rep->vmar_info->addr != al.addr)))
		st = ZX_ERR_INTERNAL;
	if (st == ZX_OK) {
		addr = rep.rep->vmar_info->addr;
		st = rpc_reply_handles(&rep, &h, 1);
	}
	rpc_reply_free(&rep);
	if (st != ZX_OK) {
		reservation_release(&res);
		goto out;
	}
	/* The reservation is the sub-VMAR. */
	if (root)
		maps_insert(addr, res.size, 0, true);
out:
	pthread_mutex_unlock(&maps.lock);
	if (st != ZX_OK)
		return st;
	/* Zircon destroys a VMAR it cannot report. */
	if (child_vmar == NULL || child_addr == NULL) {
		zx_vmar_destroy(h);
		zx_handle_close(h);
		return ZX_ERR_INVALID_ARGS;
	}
	*child_vmar = h;
	*child_addr = (zx_vaddr_t)addr;
	return ZX_OK;
}

EXPORT zx_status_t
zx_vmar_destroy(zx_handle_t handle)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmarDestroy d = ZXD__VMAR_DESTROY__INIT;
	struct rpc_reply rep;
	zx_status_t st;

	req.body_case = ZXD__REQUEST__BODY_VMAR_DESTROY;
	req.vmar_destroy = &d;
	pthread_mutex_lock(&maps.lock);
	st = maps_reserve(1);
	if (st == ZX_OK) {
		st = rpc_call(handle, &req, NULL, 0, &rep);
		if (st == ZX_OK)
			st = apply_range(&rep);
		rpc_reply_free(&rep);
	}
	pthread_mutex_unlock(&maps.lock);
	return st;
}

static int
advice_of(uint32_t op)
{
	switch (op) {
	case ZX_VMAR_OP_COMMIT:
#ifdef MADV_POPULATE_WRITE
		return MADV_POPULATE_WRITE;
#else
		return MADV_WILLNEED;
#endif
	case ZX_VMAR_OP_MAP_RANGE:
	case ZX_VMAR_OP_ALWAYS_NEED:
	case ZX_VMAR_OP_PREFETCH:
#ifdef MADV_POPULATE_READ
		return MADV_POPULATE_READ;
#else
		return MADV_WILLNEED;
#endif
	case ZX_VMAR_OP_DECOMMIT:
		/* Gives the pages back to the VMO's memory: they read as
		 * zero after, as in Zircon. */
		return MADV_REMOVE;
	default:
		return MADV_DONTNEED;
	}
}

EXPORT zx_status_t
zx_vmar_op_range(zx_handle_t handle, uint32_t op, zx_vaddr_t address,
    size_t size, void *buffer, size_t buffer_size)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmarOpRange o = ZXD__VMAR_OP_RANGE__INIT;
	uint64_t len = round_len(size);
	zx_status_t st;
	void *p = (void *)(uintptr_t)address;

	o.op = op;
	o.addr = address;
	o.len = len;
	o.buffer = buffer != NULL || buffer_size != 0;
	req.body_case = ZXD__REQUEST__BODY_VMAR_OP_RANGE;
	req.vmar_op_range = &o;
	pthread_mutex_lock(&maps.lock);
	st = rpc_call(handle, &req, NULL, 0, NULL);
	if (st == ZX_OK && madvise(p, len, advice_of(op)) < 0) {
		/* Populating is a hint where the kernel cannot (a mapping
		 * without READ is only a reservation here). */
		if (op == ZX_VMAR_OP_DECOMMIT)
			st = map_status(errno);
		else if (op != ZX_VMAR_OP_DONT_NEED)
			(void)madvise(p, len, MADV_WILLNEED);
	}
	pthread_mutex_unlock(&maps.lock);
	return st;
}
