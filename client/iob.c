/* zx_iob_create and zx_iob_allocate_id. The daemon makes every check in
 * Zircon's order, so that libzx never answers one status where Zircon
 * would give another; what libzx cannot send (a NULL pointer) it sends
 * as a flag. zx_vmar_map_iob is in client/vmar.c, with the other
 * mappings. */
#include "config-build.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/libzx.h"

EXPORT zx_status_t
zx_iob_create(uint64_t options, const zx_iob_region_t *regions,
    uint32_t num_regions, zx_handle_t *ep0_out, zx_handle_t *ep1_out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__IobCreate ic = ZXD__IOB_CREATE__INIT;
	zx_handle_t h[2];
	zx_status_t st;

	ic.options = options;
	ic.num_regions = num_regions;
	/* More than the maximum is refused before the copy: send none. */
	if (num_regions <= ZX_IOB_MAX_REGIONS && num_regions > 0) {
		if (regions == NULL) {
			ic.regions_null = true;
		} else {
			ic.regions.data = (uint8_t *)regions;
			ic.regions.len = num_regions * sizeof(*regions);
		}
	}
	ic.out_null = ep0_out == NULL || ep1_out == NULL;
	req.body_case = ZXD__REQUEST__BODY_IOB_CREATE;
	req.iob_create = &ic;
	st = rpc_new_handles(RPC_CONTROL, &req, NULL, 0, h, 2);
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
