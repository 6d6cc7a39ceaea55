/* zx_socket_*: creation and dispositions are round trips; reads and
 * writes go through the rings (client/ring.c) without the daemon. */
#include "config-build.h"

#include <stdint.h>

#include "client/ring.h"

EXPORT zx_status_t
zx_socket_create(uint32_t options, zx_handle_t *out0, zx_handle_t *out1)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__SocketCreate sc = ZXD__SOCKET_CREATE__INIT;
	zx_handle_t h[2];
	zx_status_t st;

	sc.options = options;
	req.body_case = ZXD__REQUEST__BODY_SOCKET_CREATE;
	req.socket_create = &sc;
	st = rpc_new_handles(RPC_CONTROL, &req, NULL, 0, h, 2);
	if (st != ZX_OK)
		return st;
	return rpc_out_pair(h, out0, out1);
}

EXPORT zx_status_t
zx_socket_write(zx_handle_t handle, uint32_t options, const void *buffer,
    size_t buffer_size, size_t *actual)
{
	struct ring_priv *p;
	struct zxh *e;
	zx_signals_t sig;
	zx_status_t st;
	size_t n = 0;

	if (buffer_size > 0 && buffer == NULL)
		return ZX_ERR_INVALID_ARGS;
	if (options != 0)
		return ZX_ERR_INVALID_ARGS;
	st = ring_get(handle, ZX_OBJ_TYPE_SOCKET, ZX_RIGHT_WRITE, &e, &p);
	if (st != ZX_OK)
		return st;
	sig = __atomic_load_n(p->sig, __ATOMIC_ACQUIRE);
	if (sig & ZX_SOCKET_PEER_CLOSED)
		st = ZX_ERR_PEER_CLOSED;
	else if (sig & ZX_SOCKET_WRITE_DISABLED)
		st = ZX_ERR_BAD_STATE;
	else if (buffer_size == 0)
		st = ZX_OK;
	else if (buffer_size > UINT32_MAX)
		st = ZX_ERR_INVALID_ARGS;
	else
		st = ring_write(p, buffer, buffer_size, 1, false, &n);
	ring_put(e);
	if (st == ZX_OK && actual != NULL)
		*actual = n;
	return st;
}

EXPORT zx_status_t
zx_socket_read(zx_handle_t handle, uint32_t options, void *buffer,
    size_t buffer_size, size_t *actual)
{
	struct ring_priv *p;
	struct zxh *e;
	zx_signals_t sig;
	zx_status_t st;
	size_t n = 0;

	if (buffer == NULL && buffer_size > 0)
		return ZX_ERR_INVALID_ARGS;
	if (options & ~ZX_SOCKET_PEEK)
		return ZX_ERR_INVALID_ARGS;
	st = ring_get(handle, ZX_OBJ_TYPE_SOCKET, ZX_RIGHT_READ, &e, &p);
	if (st != ZX_OK)
		return st;
	if (buffer_size > UINT32_MAX) {
		ring_put(e);
		return ZX_ERR_INVALID_ARGS;
	}
	/* The signal word first: data the peer left before it closed is
	 * still read, and only an empty ring is PEER_CLOSED. */
	sig = __atomic_load_n(p->sig, __ATOMIC_ACQUIRE);
	st = ring_read(p, buffer, buffer_size, 1, options & ZX_SOCKET_PEEK,
	    false, &n);
	if (st == ZX_ERR_SHOULD_WAIT) {
		if (sig & ZX_SOCKET_PEER_CLOSED)
			st = ZX_ERR_PEER_CLOSED;
		else if (sig & ZX_SOCKET_PEER_WRITE_DISABLED)
			st = ZX_ERR_BAD_STATE;
	}
	ring_put(e);
	if (st == ZX_OK && actual != NULL)
		*actual = n;
	return st;
}

EXPORT zx_status_t
zx_socket_set_disposition(zx_handle_t handle, uint32_t disposition,
    uint32_t disposition_peer)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__SocketSetDisposition sd = ZXD__SOCKET_SET_DISPOSITION__INIT;

	sd.disposition = disposition;
	sd.disposition_peer = disposition_peer;
	req.body_case = ZXD__REQUEST__BODY_SOCKET_SET_DISPOSITION;
	req.socket_set_disposition = &sd;
	return rpc_call(handle, &req, NULL, 0, NULL);
}
