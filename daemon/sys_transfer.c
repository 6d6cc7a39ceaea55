/* zxd_handle_export and zxd_handle_import: a handle handed over outside
 * channels. Export takes the handle from its process (as a channel write
 * does) and parks it behind a token socket pair whose client end is
 * returned; whoever sends that fd on its control connection gets the
 * handle. The token is good once; closed unused, it frees the handle. */
#include "config-build.h"

#include "daemon/dispatch.h"
#include "daemon/server.h"

zx_status_t
call_handle_export(struct call *c)
{
	struct handle *h = dispatch_arg_handle(c, 0);
	zx_status_t st;
	int fd;

	if (h == NULL)
		return ZX_ERR_BAD_HANDLE;
	/* Export consumes the handle whatever happens, like a write. */
	if (!(h->rights & ZX_RIGHT_TRANSFER)) {
		server_close_handle(h);
		return ZX_ERR_ACCESS_DENIED;
	}
	server_detach_handle(h);
	st = server_token_new(c->client, h, &fd);
	if (st != ZX_OK) {
		server_close_handle(h);
		return st;
	}
	return dispatch_add_fd(c, fd);
}

zx_status_t
call_handle_import(struct call *c)
{
	struct conn *tok = server_token_find(c->msg->fds[0]);
	zx_status_t st;

	if (tok == NULL || tok->handle == NULL)
		return ZX_ERR_BAD_HANDLE;
	/* The token's place in its exporter's handle count passes to the
	 * new handle: a process importing its own token needs no room. On
	 * failure (out of descriptors, over the limit) the token keeps the
	 * handle. */
	tok->client->nhandles--;
	st = dispatch_give_handle(c, tok->handle);
	tok->client->nhandles++;
	if (st != ZX_OK)
		return st;
	tok->handle = NULL;
	server_token_close(tok);
	return ZX_OK;
}
