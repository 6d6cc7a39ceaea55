/* zxd_get_root_resource and zx_resource_create. */
#include "config-build.h"

#include <zxd/zxd.h>

#include "client/libzx.h"

EXPORT zx_status_t
zxd_get_root_resource(zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__GetRootResource grr = ZXD__GET_ROOT_RESOURCE__INIT;

	/* Nothing to give the handle to: do not make one. */
	if (out == NULL)
		return ZX_ERR_INVALID_ARGS;
	req.body_case = ZXD__REQUEST__BODY_GET_ROOT_RESOURCE;
	req.get_root_resource = &grr;
	return rpc_new_handles(RPC_CONTROL, &req, NULL, 0, out, 1);
}

EXPORT zx_status_t
zx_resource_create(zx_handle_t parent_rsrc, uint32_t options, uint64_t base,
    size_t size, const char *name, size_t name_size,
    zx_handle_t *resource_out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ResourceCreate rc = ZXD__RESOURCE_CREATE__INIT;
	zx_handle_t h;
	zx_status_t st;

	rc.options = options;
	rc.range_base = base;
	rc.range_size = size;
	/* The kernel copies at most ZX_MAX_NAME_LEN - 1 bytes, and finds a
	 * bad pointer only after its other checks: the daemon says when. */
	if (name_size > 0 && name == NULL) {
		rc.name_fault = true;
	} else if (name_size > 0) {
		rc.name.data = (uint8_t *)name;
		rc.name.len = name_size < ZX_MAX_NAME_LEN - 1 ?
		    name_size : ZX_MAX_NAME_LEN - 1;
	}
	req.body_case = ZXD__REQUEST__BODY_RESOURCE_CREATE;
	req.resource_create = &rc;
	st = rpc_new_handles(parent_rsrc, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, resource_out);
}
