/* zx_iob_create, zx_iob_allocate_id, zx_iob_create_shared_region and
 * zx_iob_writev. The daemon makes every check in Zircon's order, so that
 * libzx never answers one status where Zircon would give another; what
 * libzx cannot send (a NULL pointer) it sends as a flag. zx_vmar_map_iob
 * is in client/vmar.c, with the other mappings. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/libzx.h"
#include "client/usercopy.h"

/* The handles of the shared regions that SHARED regions name ride as
 * fds: shared_fds[i] is region i's fd index, or -1 (a value libzx does
 * not know: the daemon answers BAD_HANDLE when it gets to that region).
 * Returns whether any region is shared; *ret_nfds fds are in fds. */
static bool
shared_region_fds(const zx_iob_region_t *regions, uint32_t n,
    int32_t *shared_fds, int *fds, size_t *ret_nfds)
{
	size_t nfds = 0;
	bool any = false;

	for (uint32_t i = 0; i < n; i++) {
		const zx_iob_region_shared_t *so;
		int fd;

		shared_fds[i] = -1;
		if (regions[i].type != ZX_IOB_REGION_TYPE_SHARED)
			continue;
		any = true;
		so = (const zx_iob_region_shared_t *)regions[i].max_extension;
		if (zxh_get(so->shared_region, &fd) == NULL)
			continue;
		shared_fds[i] = (int32_t)nfds;
		fds[nfds++] = fd;
	}
	*ret_nfds = nfds;
	return any;
}

EXPORT zx_status_t
zx_iob_create(uint64_t options, const zx_iob_region_t *regions,
    uint32_t num_regions, zx_handle_t *ep0_out, zx_handle_t *ep1_out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__IobCreate ic = ZXD__IOB_CREATE__INIT;
	zx_iob_region_t local[ZX_IOB_MAX_REGIONS];
	int32_t shared_fds[ZX_IOB_MAX_REGIONS];
	int fds[ZX_IOB_MAX_REGIONS];
	size_t nfds = 0;
	zx_handle_t h[2];
	zx_status_t st;

	ic.options = options;
	ic.num_regions = num_regions;
	/* More than the maximum is refused before the copy: send none. A
	 * region array that cannot be read is sent as NULL: the copy
	 * faults at the same point. */
	if (num_regions <= ZX_IOB_MAX_REGIONS && num_regions > 0) {
		if (regions == NULL || usercopy_from_user(local, regions,
		    num_regions * sizeof(*regions)) != ZX_OK) {
			ic.regions_null = true;
		} else {
			ic.regions.data = (uint8_t *)local;
			ic.regions.len = num_regions * sizeof(*regions);
			if (shared_region_fds(local, num_regions,
			    shared_fds, fds, &nfds)) {
				ic.n_shared_fds = num_regions;
				ic.shared_fds = shared_fds;
			}
		}
	}
	ic.out_null = ep0_out == NULL || ep1_out == NULL;
	req.body_case = ZXD__REQUEST__BODY_IOB_CREATE;
	req.iob_create = &ic;
	st = rpc_new_handles(RPC_CONTROL, &req, fds, nfds, h, 2);
	if (st != ZX_OK)
		return st;
	*ep0_out = h[0];
	*ep1_out = h[1];
	return ZX_OK;
}

/* A memfd holding the blob, for blobs too large for one packet. */
static zx_status_t
blob_memfd(const void *blob, size_t size, int *ret_fd)
{
	size_t done = 0;
	int fd = memfd_create("zxd-blob", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return status_from_errno(-errno, ZX_ERR_INTERNAL);
	while (done < size) {
		ssize_t n = write(fd, (const char *)blob + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return ZX_ERR_NO_MEMORY;
		}
		done += (size_t)n;
	}
	*ret_fd = fd;
	return ZX_OK;
}

EXPORT zx_status_t
zx_iob_allocate_id(zx_handle_t handle, zx_iob_allocate_id_options_t options,
    uint32_t region_index, const void *blob, size_t blob_size, uint32_t *id)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__IobAllocateId ia = ZXD__IOB_ALLOCATE_ID__INIT;
	struct rpc_reply rep;
	zx_status_t st;
	int fd = -1;

	ia.options = options;
	ia.region_index = region_index;
	ia.blob_size = blob_size;
	if (blob == NULL) {
		ia.blob_null = true;
	} else if (blob_size > WIRE_INLINE_BLOB_MAX) {
		st = blob_memfd(blob, blob_size, &fd);
		if (st != ZX_OK)
			return st;
		ia.blob_fd = true;
	} else {
		ia.blob.data = (uint8_t *)blob;
		ia.blob.len = blob_size;
	}
	req.body_case = ZXD__REQUEST__BODY_IOB_ALLOCATE_ID;
	req.iob_allocate_id = &ia;
	st = rpc_call(handle, &req, fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0,
	    &rep);
	if (fd >= 0)
		close(fd);
	if (rep.rep == NULL)
		return st;
	if (st == ZX_OK &&
	    rep.rep->body_case != ZXD__REPLY__BODY_IOB_ALLOCATE_ID)
		st = ZX_ERR_INTERNAL;
	/* The id is allocated; copying it out to NULL faults. */
	if (st == ZX_OK && id == NULL)
		st = ZX_ERR_INVALID_ARGS;
	if (st == ZX_OK)
		*id = rep.rep->iob_allocate_id->id;
	rpc_reply_free(&rep);
	return st;
}

EXPORT zx_status_t
zx_iob_create_shared_region(uint64_t options, uint64_t size,
    zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__IobCreateSharedRegion cs = ZXD__IOB_CREATE_SHARED_REGION__INIT;
	zx_handle_t h;
	zx_status_t st;

	cs.options = options;
	cs.size = size;
	req.body_case = ZXD__REQUEST__BODY_IOB_CREATE_SHARED_REGION;
	req.iob_create_shared_region = &cs;
	st = rpc_new_handles(RPC_CONTROL, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}

/* This process's /proc/self/mem, which zxd reads zx_iob_writev's vectors
 * and bytes through where Linux refuses it process_vm_readv on us, and
 * whether zxd already has it. A child made by
 * fork() opens its own: the parent's is bound to the parent's memory. */
static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t mem_once = PTHREAD_ONCE_INIT;
static atomic_int mem_fd = -1;
static atomic_bool mem_sent;

static void
mem_atfork_child(void)
{
	int fd = atomic_exchange(&mem_fd, -1);

	if (fd >= 0)
		close(fd);
	atomic_store(&mem_sent, false);
	pthread_mutex_init(&mem_lock, NULL);
}

static void
mem_init(void)
{
	pthread_atfork(NULL, NULL, mem_atfork_child);
}

static zx_status_t
process_memory(int *ret_fd, bool *ret_send)
{
	int fd = atomic_load(&mem_fd);

	if (fd < 0) {
		pthread_once(&mem_once, mem_init);
		pthread_mutex_lock(&mem_lock);
		fd = atomic_load(&mem_fd);
		if (fd < 0) {
			fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
			atomic_store(&mem_fd, fd);
		}
		pthread_mutex_unlock(&mem_lock);
		if (fd < 0)
			return ZX_ERR_NOT_SUPPORTED;
	}
	*ret_fd = fd;
	*ret_send = !atomic_load(&mem_sent);
	return ZX_OK;
}

EXPORT zx_status_t
zx_iob_writev(zx_handle_t handle, zx_iob_write_options_t options,
    uint32_t region_index, const zx_iovec_t *vectors, size_t num_vectors)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__IobWritev w = ZXD__IOB_WRITEV__INIT;
	struct rpc_reply rep;
	zx_status_t st;
	bool send;
	int fd;

	st = process_memory(&fd, &send);
	if (st != ZX_OK)
		return st;
	w.options = options;
	w.region_index = region_index;
	/* Only addresses: zxd reads the vectors and their bytes. */
	w.vectors = (uint64_t)(uintptr_t)vectors;
	w.num_vectors = num_vectors;
	w.mem_fd = send;
	req.body_case = ZXD__REQUEST__BODY_IOB_WRITEV;
	req.iob_writev = &w;
	if (!send)
		return rpc_call(handle, &req, NULL, 0, NULL);
	st = rpc_call(handle, &req, &fd, 1, &rep);
	/* zxd keeps the first good one, whatever the call's fate (it
	 * takes it before any check); sending it again is harmless. */
	if (rep.rep != NULL && st != ZX_ERR_INVALID_ARGS)
		atomic_store(&mem_sent, true);
	rpc_reply_free(&rep);
	return st;
}
