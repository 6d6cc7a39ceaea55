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

/* The caller's memory file, for when process_vm_readv is refused: kept
 * once per process, from the first zx_iob_writev that carries it. The
 * file stays bound to the address space it was opened on. */
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

/* What iob_source.read reads from: the calling process. */
struct caller_mem {
	struct client *cl;
	pid_t pid;			/* the sender, as SCM_CREDENTIALS say */
	int fd;				/* its memory file */
};

/* The fallback: each remote range through the memory file, into the
 * local buffers in order. The kernel copies twice this way (through a
 * bounce page of its own), hence only when Linux refuses the other. */
static bool
read_by_fd(int fd, const struct iovec *remote, int nremote,
    const struct iovec *local, int nlocal)
{
	int li = 0;
	size_t loff = 0;

	for (int r = 0; r < nremote; r++) {
		uint64_t addr = (uint64_t)(uintptr_t)remote[r].iov_base;
		size_t left = remote[r].iov_len;

		if (addr > INT64_MAX || left > INT64_MAX - addr)
			return false;
		while (left > 0) {
			size_t n;
			ssize_t k;

			if (li >= nlocal)
				return false;
			n = local[li].iov_len - loff;
			if (n > left)
				n = left;
			k = pread(fd, (char *)local[li].iov_base + loff, n,
			    (off_t)addr);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return false;
			addr += (size_t)k;
			left -= (size_t)k;
			loff += (size_t)k;
			if (loff == local[li].iov_len) {
				li++;
				loff = 0;
			}
		}
	}
	return true;
}

/* iob_source.read: the caller's ranges straight into zxd's buffers (the
 * ring), one copy, with process_vm_readv; where Linux refuses zxd that
 * (no CAP_SYS_PTRACE over the caller: zxd not root and the caller of
 * another uid, or not dumpable), through the caller's memory file. A
 * short read is a fault: a range that is not mapped. */
static bool
read_caller(void *ctx, const struct iovec *remote, int nremote,
    const struct iovec *local, int nlocal)
{
	struct caller_mem *m = ctx;
	size_t want = 0;
	ssize_t k;

	for (int i = 0; i < nlocal; i++)
		want += local[i].iov_len;
	if (!m->cl->mem_by_fd) {
		do
			k = process_vm_readv(m->pid, local, (unsigned long)nlocal,
			    remote, (unsigned long)nremote, 0);
		while (k < 0 && errno == EINTR);
		if (k >= 0)
			return (size_t)k == want;
		if (errno != EPERM)
			return false;
		m->cl->mem_by_fd = true;
	}
	return read_by_fd(m->fd, remote, nremote, local, nlocal);
}

zx_status_t
call_iob_writev(struct call *c)
{
	const Zxd__IobWritev *r = c->req->iob_writev;
	struct caller_mem mem = { c->client, c->pid, -1 };
	struct iob_source src;
	zx_status_t st;

	/* Plumbing first: libzx counts on the memory file being taken
	 * whatever the call's fate. */
	st = caller_memory(c, r->mem_fd, &mem.fd);
	if (st == ZX_OK && r->options != 0)
		st = ZX_ERR_INVALID_ARGS;
	if (st == ZX_OK)
		st = handle_check(c->self, ZX_OBJ_TYPE_IOB, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	src.vectors = r->vectors;
	src.count = r->num_vectors;
	src.read = read_caller;
	src.ctx = &mem;
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
