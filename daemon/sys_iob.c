/* zx_iob_create, zx_iob_allocate_id, zx_iob_create_shared_region and
 * zx_iob_writev: the checks of syscalls/iob.cc in its order, then
 * objects/iob.c and objects/iob_shared.c. zx_vmar_map_iob is a VMAR call
 * (sys_vmar.c). */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <unistd.h>

#include <zircon/syscalls/iob.h>

#include "daemon/dispatch.h"
#include "daemon/server.h"
#include "objects/iob.h"

/* The shared region a SHARED region names: the handle rode as one of
 * the packet's fds (IobCreate.shared_fds), looked up with no rights. */
static zx_status_t
shared_lookup(void *ctx, uint32_t index, struct iob_shreg **ret)
{
	struct call *c = ctx;
	const Zxd__IobCreate *r = c->req->iob_create;
	struct handle *h = NULL;
	zx_status_t st;

	if (index < r->n_shared_fds && r->shared_fds[index] >= 0)
		h = dispatch_arg_handle(c, (size_t)r->shared_fds[index]);
	st = handle_check(h, ZX_OBJ_TYPE_IOB_SHARED_REGION, 0);
	if (st != ZX_OK)
		return st;
	*ret = iob_shreg_of(h->obj);
	return ZX_OK;
}

zx_status_t
call_iob_create(struct call *c)
{
	const Zxd__IobCreate *r = c->req->iob_create;
	const struct iob_shared_lookup lookup = { shared_lookup, c };
	zx_iob_region_t regions[ZX_IOB_MAX_REGIONS];
	struct vmo_payer payer;
	struct iob_ep *e0, *e1;
	uint32_t n = r->num_regions;
	zx_status_t st;

	if (r->options != 0)
		return ZX_ERR_INVALID_ARGS;
	/* (Job policy ZX_POL_NEW_IOB: zxd has no jobs.) */
	if (n > ZX_IOB_MAX_REGIONS)
		return ZX_ERR_OUT_OF_RANGE;
	/* Copying the array from the caller: a NULL array faults. */
	if (n > 0 && (r->regions_null ||
	    r->regions.len != n * sizeof(zx_iob_region_t)))
		return ZX_ERR_INVALID_ARGS;
	if (n > 0)
		memcpy(regions, r->regions.data, r->regions.len);
	sys_vmo_payer(c->client, &payer);
	st = iob_create(regions, n, &payer, &lookup, &e0, &e1);
	if (st != ZX_OK)
		return st;
	/* Handing the handles out to NULL faults last; the endpoints go
	 * with the references dropped below. */
	if (r->out_null)
		st = ZX_ERR_INVALID_ARGS;
	if (st == ZX_OK)
		st = dispatch_add_handle(c, &e0->obj, ZX_DEFAULT_IOB_RIGHTS);
	if (st == ZX_OK)
		st = dispatch_add_handle(c, &e1->obj, ZX_DEFAULT_IOB_RIGHTS);
	object_unref(&e0->obj);
	object_unref(&e1->obj);
	return st;
}

/* Where the blob of an allocate request is. A descriptor must be a
 * memfd: reading it can never block the daemon. */
static zx_status_t
request_blob(struct call *c, struct iob_blob *b)
{
	const Zxd__IobAllocateId *r = c->req->iob_allocate_id;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->size = r->blob_size;
	if (r->blob_fd) {
		if (c->msg->nfds != 1 ||
		    fcntl(c->msg->fds[0], F_GET_SEALS) < 0)
			return ZX_ERR_INVALID_ARGS;
		b->fd = c->msg->fds[0];
		return ZX_OK;
	}
	if (c->msg->nfds != 0)
		return ZX_ERR_INVALID_ARGS;
	if (r->blob_null) {
		/* Copying zero bytes from NULL is fine. */
		b->fault = r->blob_size > 0;
		return ZX_OK;
	}
	if (r->blob.len != r->blob_size || r->blob_size > WIRE_INLINE_BLOB_MAX)
		return ZX_ERR_INVALID_ARGS;
	b->data = r->blob.data;
	return ZX_OK;
}

zx_status_t
call_iob_allocate_id(struct call *c)
{
	const Zxd__IobAllocateId *r = c->req->iob_allocate_id;
	Zxd__IobAllocateIdReply *rep = call_body(c, sizeof(*rep));
	struct iob_blob blob;
	uint32_t id;
	zx_status_t st;

	if (r->options != 0)
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_IOB, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	st = request_blob(c, &blob);
	if (st != ZX_OK)
		return st;
	st = iob_allocate_id(iob_of(c->self->obj), r->region_index, &blob,
	    &id);
	if (st != ZX_OK)
		return st;
	zxd__iob_allocate_id_reply__init(rep);
	rep->id = id;
	c->rep->body_case = ZXD__REPLY__BODY_IOB_ALLOCATE_ID;
	c->rep->iob_allocate_id = rep;
	return ZX_OK;
}

zx_status_t
call_iob_create_shared_region(struct call *c)
{
	const Zxd__IobCreateSharedRegion *r = c->req->iob_create_shared_region;
	struct vmo_payer payer;
	struct iob_shreg *sr;
	zx_status_t st;

	if (r->options != 0 || r->size == 0 ||
	    (r->size & (vmo_page_size() - 1)))
		return ZX_ERR_INVALID_ARGS;
	/* (Job policy ZX_POL_NEW_IOB: zxd has no jobs.) */
	sys_vmo_payer(c->client, &payer);
	st = iob_shreg_create(r->size, &payer, &sr);
	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, &sr->obj,
	    ZX_DEFAULT_IOB_SHARED_REGION_RIGHTS);
	object_unref(&sr->obj);
	return st;
}

/* --- zx_iob_writev: reading the caller's memory --------------------- */

/* Whether `fd` is the /proc/PID/mem of process `pid`: reading any other
 * file could block the daemon, or read what the caller cannot. */
static bool
is_mem_of(int fd, pid_t pid)
{
	struct statfs sfs;
	struct stat a, b;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
	    fstat(fd, &a) == 0 && S_ISREG(a.st_mode) &&
	    stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino;
}

/* The caller's memory file: kept once per process, from the first
 * zx_iob_writev that carries it. The file stays bound to the address
 * space it was opened on, so a recycled pid never redirects it. */
static zx_status_t
caller_memory(struct call *c, bool sent, int *ret_fd)
{
	struct client *cl = c->client;
	int fd;

	if (sent && cl->mem_fd < 0) {
		if (c->msg->nfds != 1 || !is_mem_of(c->msg->fds[0], c->pid))
			return ZX_ERR_INVALID_ARGS;
		fd = fcntl(c->msg->fds[0], F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return ZX_ERR_NO_RESOURCES;
		cl->mem_fd = fd;
	} else if (c->msg->nfds != (sent ? 1 : 0)) {
		return ZX_ERR_INVALID_ARGS;
	}
	if (cl->mem_fd < 0)
		return ZX_ERR_BAD_STATE;
	*ret_fd = cl->mem_fd;
	return ZX_OK;
}

/* iob_source.read: preadv of the caller's memory at `addr`. A short
 * read is a fault (an unmapped page; EIO for none at all). */
static bool
read_caller(void *ctx, uint64_t addr, const struct iovec *dst, int ndst)
{
	int fd = *(const int *)ctx;
	size_t want = 0, done = 0;

	for (int i = 0; i < ndst; i++)
		want += dst[i].iov_len;
	if (addr > INT64_MAX || want > INT64_MAX - addr)
		return false;
	while (done < want) {
		struct iovec v[2];
		size_t skip = done;
		int n = 0;
		ssize_t k;

		for (int i = 0; i < ndst && n < 2; i++) {
			if (skip >= dst[i].iov_len) {
				skip -= dst[i].iov_len;
				continue;
			}
			v[n].iov_base = (char *)dst[i].iov_base + skip;
			v[n].iov_len = dst[i].iov_len - skip;
			skip = 0;
			n++;
		}
		k = preadv(fd, v, n, (off_t)(addr + done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		done += (size_t)k;
	}
	return true;
}

zx_status_t
call_iob_writev(struct call *c)
{
	const Zxd__IobWritev *r = c->req->iob_writev;
	struct iob_source src;
	zx_status_t st;
	int fd;

	/* Plumbing first: libzx counts on the memory file being taken
	 * whatever the call's fate. */
	st = caller_memory(c, r->mem_fd, &fd);
	if (st == ZX_OK && r->options != 0)
		st = ZX_ERR_INVALID_ARGS;
	if (st == ZX_OK)
		st = handle_check(c->self, ZX_OBJ_TYPE_IOB, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	src.vectors = r->vectors;
	src.count = r->num_vectors;
	src.read = read_caller;
	src.ctx = &fd;
	return iob_writev(iob_of(c->self->obj), r->region_index, &src);
}

void
sys_iob_client_gone(struct client *cl)
{
	if (cl->mem_fd >= 0) {
		close(cl->mem_fd);
		cl->mem_fd = -1;
	}
}
