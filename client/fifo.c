/* zx_fifo_*: creation is a round trip; elements go through the rings
 * (client/ring.c) without the daemon. */
#include "config-build.h"

#include "client/ring.h"

EXPORT zx_status_t
zx_fifo_create(size_t elem_count, size_t elem_size, uint32_t options,
    zx_handle_t *out0, zx_handle_t *out1)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__FifoCreate fc = ZXD__FIFO_CREATE__INIT;
	zx_handle_t h[2];
	zx_status_t st;

	fc.elem_count = elem_count;
	fc.elem_size = elem_size;
	fc.options = options;
	req.body_case = ZXD__REQUEST__BODY_FIFO_CREATE;
	req.fifo_create = &fc;
	st = rpc_new_handles(RPC_CONTROL, &req, NULL, 0, h, 2);
	if (st != ZX_OK)
		return st;
	return rpc_out_pair(h, out0, out1);
}

/* Zircon's checks after the lookup, in its order. */
static zx_status_t
check(const struct ring_priv *p, size_t elem_size, size_t count)
{
	if (elem_size != p->elem_size || count == 0)
		return ZX_ERR_OUT_OF_RANGE;
	return ZX_OK;
}

EXPORT zx_status_t
zx_fifo_write(zx_handle_t handle, size_t elem_size, const void *data,
    size_t count, size_t *actual_count)
{
	struct ring_priv *p;
	struct zxh *e;
	zx_status_t st;
	size_t n = 0, max;

	st = ring_get(handle, ZX_OBJ_TYPE_FIFO, ZX_RIGHT_WRITE, &e, &p);
	if (st != ZX_OK)
		return st;
	if (__atomic_load_n(p->sig, __ATOMIC_ACQUIRE) & ZX_FIFO_PEER_CLOSED)
		st = ZX_ERR_PEER_CLOSED;
	else
		st = check(p, elem_size, count);
	if (st == ZX_OK) {
		max = (size_t)(p->out.max / elem_size);
		if (count > max)
			count = max;
		st = ring_write(p, data, count * elem_size, elem_size, true,
		    &n);
	}
	ring_put(e);
	if (st == ZX_OK && actual_count != NULL)
		*actual_count = n / elem_size;
	return st;
}

EXPORT zx_status_t
zx_fifo_read(zx_handle_t handle, size_t elem_size, void *data, size_t count,
    size_t *actual_count)
{
	struct ring_priv *p;
	struct zxh *e;
	zx_signals_t sig;
	zx_status_t st;
	size_t n = 0, max;

	st = ring_get(handle, ZX_OBJ_TYPE_FIFO, ZX_RIGHT_READ, &e, &p);
	if (st != ZX_OK)
		return st;
	st = check(p, elem_size, count);
	if (st == ZX_OK) {
		sig = __atomic_load_n(p->sig, __ATOMIC_ACQUIRE);
		max = (size_t)(p->in.max / elem_size);
		if (count > max)
			count = max;
		st = ring_read(p, data, count * elem_size, elem_size, false,
		    true, &n);
		if (st == ZX_ERR_SHOULD_WAIT && (sig & ZX_FIFO_PEER_CLOSED))
			st = ZX_ERR_PEER_CLOSED;
	}
	ring_put(e);
	if (st == ZX_OK && actual_count != NULL)
		*actual_count = n / elem_size;
	return st;
}
