/* zx_vmar_*: the process's root VMAR.
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

struct lmap {
	uint64_t addr, len;
	uint32_t max_perms;
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
	 * has, so the record stays. */
	pthread_mutex_init(&root_lock, NULL);
	pthread_mutex_init(&maps.lock, NULL);
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
	/* Fetch it again if the program closed it. */
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
maps_insert(uint64_t addr, uint64_t len, uint32_t max_perms)
{
	size_t i = first_after(addr);

	memmove(&maps.v[i + 1], &maps.v[i], (maps.n - i) * sizeof(maps.v[0]));
	maps.v[i] = (struct lmap){ addr, len, max_perms };
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
		return ZX_ERR_NO_MEMORY;
	a = ((uint64_t)(uintptr_t)p + pl->align - 1) & ~(pl->align - 1);
	top = (uint64_t)(uintptr_t)p + pl->size + extra;
	if (a > (uint64_t)(uintptr_t)p)
		munmap(p, a - (uint64_t)(uintptr_t)p);
	if (top > a + pl->size)
		munmap((void *)(uintptr_t)(a + pl->size), top - a - pl->size);
	if (a < VMAR_ROOT_BASE || a + pl->size > limit) {
		munmap((void *)(uintptr_t)a, pl->size);
		return ZX_ERR_NO_MEMORY;
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

/* Send the map request; on success mmap over the reservation. */
static zx_status_t
map_locked(zx_handle_t vmar, zx_vm_option_t options, uint64_t vmar_offset,
    const struct map_source *src, uint64_t vmo_offset, uint64_t len,
    uint64_t *ret_addr, uint64_t *ret_size)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmarMap mr = ZXD__VMAR_MAP__INIT;
	zx_vm_option_t opts = options;
	struct reservation res = { 0 };
	struct vmar_place pl;
	struct rpc_reply rep;
	uint64_t align;
	zx_status_t st;
	uint32_t max_perms;
	void *p;
	int flags;

	/* Work out where the mapping goes as the daemon will; if the
	 * arguments are wrong the daemon says how, in Zircon's order. */
	if (opts & ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED)
		opts |= ZX_VM_PERM_READ;
	mr.placement = ZX_OK;
	if (vmar_map_flags(opts, &align) == ZX_OK &&
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
		    mr.addr == 0 || rep.nfds > 1))
			st = ZX_ERR_INTERNAL;
		if (st != ZX_OK)
			rpc_reply_free(&rep);
	}
	if (st != ZX_OK) {
		reservation_release(&res);
		return st;
	}
	max_perms = rep.rep->vmar_map->max_perms;
	if (rep.nfds == 1) {
		flags = MAP_SHARED | MAP_FIXED;
		if (options & ZX_VM_MAP_RANGE)
			flags |= MAP_POPULATE;
		p = mmap((void *)(uintptr_t)res.addr, res.size,
		    prot_of(opts), flags, rep.fds[0],
		    (off_t)rep.rep->vmar_map->file_offset);
		if (p == MAP_FAILED) {
			st = map_status(errno);
			rpc_reply_free(&rep);
			reservation_release(&res);
			report_unmap(vmar, res.addr, res.size);
			return st;
		}
	}
	/* Without READ the mapping can never be accessed: the
	 * PROT_NONE reservation is all it needs. */
	rpc_reply_free(&rep);
	free(res.gaps);
	maps_remove(res.addr, res.size);
	maps_insert(res.addr, res.size, max_perms);
	*ret_addr = res.addr;
	*ret_size = res.size;
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

	ev = zxh_get(handle, NULL);
	if (ev == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (ev->type != ZX_OBJ_TYPE_VMAR)
		return ZX_ERR_WRONG_TYPE;
	em = zxh_get(obj, &src.fd);
	if (em == NULL)
		return ZX_ERR_BAD_HANDLE;
	pthread_mutex_lock(&maps.lock);
	st = map_locked(handle, options, vmar_offset, &src, vmo_offset,
	    len, &addr, &size);
	if (st == ZX_OK && mapped_addr == NULL) {
		/* Zircon destroys a mapping it cannot report. */
		unmap_recorded(addr, size);
		maps_remove(addr, size);
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

EXPORT zx_status_t
zx_vmar_protect(zx_handle_t handle, zx_vm_option_t options, zx_vaddr_t addr,
    size_t len)
{
	zx_rights_t need = 0;
	uint64_t size, pos, end;
	struct zxh *e;
	zx_status_t st = ZX_OK;
	size_t i;

	if (options & ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED)
		options = (options | ZX_VM_PERM_READ) &
		    ~ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED;
	if (options & ZX_VM_PERM_READ)
		need |= ZX_RIGHT_READ;
	if (options & ZX_VM_PERM_WRITE)
		need |= ZX_RIGHT_WRITE;
	if (options & ZX_VM_PERM_EXECUTE)
		need |= ZX_RIGHT_EXECUTE;
	e = zxh_get(handle, NULL);
	if (e == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (e->type != ZX_OBJ_TYPE_VMAR)
		return ZX_ERR_WRONG_TYPE;
	if ((e->rights & need) != need)
		return ZX_ERR_ACCESS_DENIED;
	if (!(options & ZX_VM_PERM_READ) &&
	    (options & (ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE)))
		return ZX_ERR_INVALID_ARGS;
	if (addr & (page_size() - 1))
		return ZX_ERR_INVALID_ARGS;
	/* Protect takes permissions only: no other flag, no alignment. */
	if (options & ~VMAR_PERMS)
		return ZX_ERR_INVALID_ARGS;
	st = check_range(addr, len, &size);
	if (st != ZX_OK)
		return st;
	pthread_mutex_lock(&maps.lock);
	pos = addr;
	end = addr + size;
	for (i = first_after(addr); i < maps.n && pos < end; i++) {
		if (maps.v[i].addr > pos)
			break;
		if (options & ~maps.v[i].max_perms) {
			st = ZX_ERR_ACCESS_DENIED;
			break;
		}
		pos = end_of(&maps.v[i]);
	}
	if (st == ZX_OK && pos < end)
		st = ZX_ERR_NOT_FOUND;
	/* The kernel has the last word: a read-only descriptor never
	 * becomes writable. */
	if (st == ZX_OK && mprotect((void *)(uintptr_t)addr, size,
	    prot_of(options)) < 0)
		st = map_status(errno);
	pthread_mutex_unlock(&maps.lock);
	return st;
}
