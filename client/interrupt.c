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

#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "client/libzx.h"
#include "proto/ring.h"

EXPORT zx_status_t
zx_interrupt_create(zx_handle_t src_obj, uint32_t src_num, uint32_t options,
    zx_handle_t *out_handle)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptCreate ic = ZXD__INTERRUPT_CREATE__INIT;
	zx_status_t st;
	zx_handle_t h;

	ic.vector = src_num;
	ic.options = options;
	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_CREATE;
	req.interrupt_create = &ic;
	/* On src_obj's socket (absent if unknown): the daemon decides
	 * whether the resource counts. */
	st = rpc_new_handles(src_obj, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out_handle);
}

EXPORT zx_status_t
zx_interrupt_trigger(zx_handle_t handle, uint32_t options,
    zx_time_t timestamp)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptTrigger it = ZXD__INTERRUPT_TRIGGER__INIT;

	it.options = options;
	it.timestamp = timestamp;
	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_TRIGGER;
	req.interrupt_trigger = &it;
	return rpc_call(handle, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_interrupt_ack(zx_handle_t handle)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptAck ia = ZXD__INTERRUPT_ACK__INIT;

	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_ACK;
	req.interrupt_ack = &ia;
	return rpc_call(handle, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_interrupt_destroy(zx_handle_t handle)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptDestroy id = ZXD__INTERRUPT_DESTROY__INIT;

	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_DESTROY;
	req.interrupt_destroy = &id;
	return rpc_call(handle, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_interrupt_bind(zx_handle_t handle, zx_handle_t port_handle, uint64_t key,
    uint32_t options)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__InterruptBind ib = ZXD__INTERRUPT_BIND__INIT;
	int pfd = -1;

	/* A port value libzx does not know goes as none: the daemon says
	 * BAD_HANDLE where Zircon would, after the interrupt's checks. */
	ib.port_sent = zxh_get(port_handle, &pfd) != NULL;
	ib.key = key;
	ib.options = options;
	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_BIND;
	req.interrupt_bind = &ib;
	return rpc_call(handle, &req, &pfd, ib.port_sent ? 1 : 0, NULL);
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

	req.body_case = ZXD__REQUEST__BODY_INTERRUPT_WAIT;
	req.interrupt_wait = &iw;
	e = zxh_get(handle, NULL);
	if (e == NULL)		/* the daemon answers BAD_HANDLE */
		return rpc_call(handle, &req, NULL, 0, NULL);
	atomic_fetch_add(&e->waiters, 1);
	gen = atomic_load(&e->gen);
	/* The page to sleep on, before the state can move. */
	st = e->type == ZX_OBJ_TYPE_INTERRUPT && (e->rights & ZX_RIGHT_WAIT) ?
	    zxh_sigword(handle, e, &w) : ZX_OK;
	if (st != ZX_OK)
		goto out;
	st = rpc_call(handle, &req, NULL, 0, &rep);
	if (rep.rep == NULL) {
		rpc_reply_free(&rep);
		goto out;
	}
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
			/* Also the signal page's first two words, which a
			 * close of this handle wakes. */
			{
				struct futex_waitv wv[3] = {
					{ seq, (uintptr_t)&sh->seq, FUTEX_32,
					    0 },
					{ __atomic_load_n((uint32_t *)w,
					    __ATOMIC_SEQ_CST), (uintptr_t)w,
					    FUTEX_32, 0 },
					{ __atomic_load_n((uint32_t *)w + 1,
					    __ATOMIC_SEQ_CST),
					    (uintptr_t)((uint32_t *)w + 1),
					    FUTEX_32, 0 },
				};

				if (atomic_load(&e->gen) != gen)
					continue;
				syscall(SYS_futex_waitv, wv, 3, 0, NULL,
				    CLOCK_MONOTONIC);
			}
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
	int fd = -1;

	si.detach = irq == ZX_HANDLE_INVALID;
	si.irq_sent = !si.detach && zxh_get(irq, &fd) != NULL;
	req.body_case = ZXD__REQUEST__BODY_SIM_DMA_SET_INTERRUPT;
	req.sim_dma_set_interrupt = &si;
	return rpc_call(bti, &req, &fd, si.irq_sent ? 1 : 0, NULL);
}
