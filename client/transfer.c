/* zxd_handle_export, zxd_handle_import: a handle handed to another
 * process outside channels, as a token fd good for one import. */
#include "config-build.h"

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include <zxd/zxd.h>

#include "client/libzx.h"

EXPORT zx_status_t
zxd_handle_export(zx_handle_t handle, int *fd_out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__HandleExport he = ZXD__HANDLE_EXPORT__INIT;
	struct rpc_reply rep;
	zx_status_t st;
	int fd;

	if (zxh_get(handle, &fd) == NULL)
		return ZX_ERR_BAD_HANDLE;
	req.body_case = ZXD__REQUEST__BODY_HANDLE_EXPORT;
	req.handle_export = &he;
	st = rpc_call(RPC_CONTROL, &req, &fd, 1, &rep);
	/* Consumed whatever happened; the daemon has closed its end. */
	zxh_close(handle);
	if (rep.rep == NULL)
		return st;
	if (st == ZX_OK && (rep.nfds != 1 || rep.rep->n_handles != 0))
		st = ZX_ERR_INTERNAL;
	if (st == ZX_OK && fd_out == NULL)
		st = ZX_ERR_INVALID_ARGS;	/* the token dies unused */
	if (st == ZX_OK) {
		*fd_out = rep.fds[0];
		rep.fds[0] = -1;
	}
	rpc_reply_free(&rep);
	return st;
}

EXPORT zx_status_t
zxd_handle_import(int fd, zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__HandleImport hi = ZXD__HANDLE_IMPORT__INIT;
	zx_handle_t h;
	zx_status_t st;

	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return ZX_ERR_BAD_HANDLE;
	/* One of this process's own handles is no token; it is consumed
	 * like any fd given here, through the handle table. */
	if ((uint64_t)fd <= (UINT32_MAX >> 2) &&
	    zxh_close(((zx_handle_t)fd << 2) | ZX_HANDLE_FIXED_BITS_MASK))
		return ZX_ERR_BAD_HANDLE;
	req.body_case = ZXD__REQUEST__BODY_HANDLE_IMPORT;
	req.handle_import = &hi;
	st = rpc_new_handles(RPC_CONTROL, &req, &fd, 1, &h, 1);
	close(fd);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}
