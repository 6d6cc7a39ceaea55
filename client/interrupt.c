/* zx_interrupt_* and zxd_sim_dma_set_interrupt. The state machine is the
 * daemon's; a wait that must sleep does so on the interrupt's signal
 * page (struct irq_shared), where the trigger that ends it leaves the
 * outcome, so the waiter needs no second round trip. */
#include "config-build.h"

#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <zxd/zxd.h>

#include "client/libzx.h"
#include "client/socket_decls.h"
#include "proto/ring.h"

EXPORT zx_status_t
zx_interrupt_create(zx_handle_t src_obj, uint32_t src_num, uint32_t options,
    zx_handle_t *out_handle)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptCreate ic = ZXD__INTERRUPT_CREATE__INIT;

	ic.vector = src_num;
	ic.options = options;
	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_CREATE;
	req.interrupt_create = &ic;
	/* Zircon looks at the resource only for a physical or wake-vector
	 * interrupt. */
	if ((options & ZX_INTERRUPT_VIRTUAL) &&
	    !(options & ZX_INTERRUPT_WAKE_VECTOR))
		return rpc_control_new(&req, NULL, 0, out_handle);
	return rpc_handle_new(src_obj, &req, NULL, 0, out_handle);
}

EXPORT zx_status_t
zx_interrupt_trigger(zx_handle_t handle, uint32_t options,
    zx_time_t timestamp)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptTrigger it = ZXD__INTERRUPT_TRIGGER__INIT;

	/* Before the handle, as Zircon (the daemon checks again). */
	if (options != 0)
		return ZX_ERR_INVALID_ARGS;
	it.options = options;
	it.timestamp = timestamp;
	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_TRIGGER;
	req.interrupt_trigger = &it;
	return rpc_handle_status(handle, &req);
}

EXPORT zx_status_t
zx_interrupt_ack(zx_handle_t handle)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptAck ia = ZXD__INTERRUPT_ACK__INIT;

	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_ACK;
	req.interrupt_ack = &ia;
	return rpc_handle_status(handle, &req);
}

EXPORT zx_status_t
zx_interrupt_destroy(zx_handle_t handle)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptDestroy id = ZXD__INTERRUPT_DESTROY__INIT;

	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_DESTROY;
	req.interrupt_destroy = &id;
	return rpc_handle_status(handle, &req);
}

EXPORT zx_status_t
zx_interrupt_bind(zx_handle_t handle, zx_handle_t port_handle, uint64_t key,
    uint32_t options)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptBind ib = ZXD__INTERRUPT_BIND__INIT;
	struct zxh *e;
	int pfd;

	/* Zircon's order: options, the interrupt, then the port. */
	if (options != ZX_INTERRUPT_BIND && options != ZX_INTERRUPT_UNBIND)
		return ZX_ERR_INVALID_ARGS;
	e = zxh_get(handle, NULL);
	if (e == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (e->type != ZX_OBJ_TYPE_INTERRUPT)
		return ZX_ERR_WRONG_TYPE;
	if (!(e->rights & ZX_RIGHT_READ))
		return ZX_ERR_ACCESS_DENIED;
	if (zxh_get(port_handle, &pfd) == NULL)
		return ZX_ERR_BAD_HANDLE;
	ib.key = key;
	ib.options = options;
	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_BIND;
	req.interrupt_bind = &ib;
	{
		struct rpc_reply rep;
		zx_status_t st = rpc_handle(handle, &req, &pfd, 1, &rep);

		if (st != ZX_OK)
			return st;
		st = rep.rep->status;
		rpc_reply_free(&rep);
		return st;
	}
}

EXPORT zx_status_t
zx_interrupt_wait(zx_handle_t handle, zx_time_t *out_timestamp)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptWait iw = ZXD__INTERRUPT_WAIT__INIT;
	struct rpc_reply rep;
	struct irq_shared *sh;
	struct zxh *e;
	atomic_uint *w;
	zx_status_t st;
	zx_time_t ts = 0;
	uint32_t seq;
	unsigned gen;

	e = zxh_get(handle, NULL);
	if (e == NULL)
		return ZX_ERR_BAD_HANDLE;
	atomic_fetch_add(&e->waiters, 1);
	gen = atomic_load(&e->gen);
	/* The page to sleep on, before the state can move. */
	st = e->type == ZX_OBJ_TYPE_INTERRUPT && (e->rights & ZX_RIGHT_WAIT) ?
	    zxh_sigword(handle, e, &w) : ZX_OK;
	if (st != ZX_OK)
		goto out;
	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_WAIT;
	req.interrupt_wait = &iw;
	st = rpc_handle(handle, &req, NULL, 0, &rep);
	if (st != ZX_OK)
		goto out;
	st = rep.rep->status;
	if (rep.rep->body_case == ZXD__REPLY__BODY_INTERRUPT_WAIT) {
		ts = rep.rep->interrupt_wait->timestamp;
		seq = rep.rep->interrupt_wait->seq;
	} else if (st == ZX_OK || st == ZX_ERR_SHOULD_WAIT) {
		st = ZX_ERR_INTERNAL;
	}
	rpc_reply_free(&rep);
	if (st == ZX_ERR_SHOULD_WAIT) {
		sh = (struct irq_shared *)((char *)w + RING_CTL_OFFSET);
		for (;;) {
			uint32_t now = __atomic_load_n(&sh->seq,
			    __ATOMIC_SEQ_CST);

			if (now != seq) {
				st = sh->status;
				ts = sh->timestamp;
				break;
			}
			if (atomic_load(&e->gen) != gen) {
				st = ZX_ERR_CANCELED;
				break;
			}
			syscall(SYS_futex, &sh->seq, FUTEX_WAIT, seq, NULL,
			    NULL, 0);
		}
	}
	if (st == ZX_OK && out_timestamp != NULL)
		*out_timestamp = ts;
out:
	atomic_fetch_sub(&e->waiters, 1);
	return st;
}

EXPORT zx_status_t
zxd_sim_dma_set_interrupt(zx_handle_t bti, zx_handle_t irq)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__SimDmaSetInterrupt si = ZXD__SIM_DMA_SET_INTERRUPT__INIT;
	struct rpc_reply rep;
	zx_status_t st;
	int fd = -1;

	if (irq != ZX_HANDLE_INVALID && zxh_get(irq, &fd) == NULL)
		return ZX_ERR_BAD_HANDLE;
	req.body_case = ZXD__REQUEST__BODY_SIM_DMA_SET_INTERRUPT;
	req.sim_dma_set_interrupt = &si;
	st = rpc_handle(bti, &req, &fd, fd >= 0 ? 1 : 0, &rep);
	if (st != ZX_OK)
		return st;
	st = rep.rep->status;
	rpc_reply_free(&rep);
	return st;
}
