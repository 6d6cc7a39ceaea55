/* zx_interrupt_*, and zxd_sim_dma_set_interrupt: the sim backend's DMA
 * engine raising a virtual interrupt when a transfer completes. */
#include "config-build.h"

#include "daemon/dispatch.h"
#include "objects/interrupt.h"
#include "objects/port.h"
#include "objects/resource.h"

#define INTERRUPT_PHYS_OPTIONS \
	(ZX_INTERRUPT_REMAP_IRQ | ZX_INTERRUPT_MODE_MASK | \
	    ZX_INTERRUPT_WAKE_VECTOR | ZX_INTERRUPT_TIMESTAMP_MONO)

zx_status_t
call_interrupt_create(struct call *c)
{
	const Zxd__InterruptCreate *r = c->req->interrupt_create;
	struct object *o;
	zx_status_t st;

	/* The resource counts only for a physical or wake-vector
	 * interrupt: a virtual one ignores src_obj, whatever it is (it
	 * arrives as this call's handle, or absent). */
	if (!(r->options & ZX_INTERRUPT_VIRTUAL) ||
	    (r->options & ZX_INTERRUPT_WAKE_VECTOR)) {
		if (c->self == NULL)
			return ZX_ERR_BAD_HANDLE;
		st = handle_check(c->self, ZX_OBJ_TYPE_RESOURCE, 0);
		if (st != ZX_OK)
			return st;
		st = resource_validate_ranged(resource_of(c->self->obj),
		    ZX_RSRC_KIND_IRQ, r->vector, 1);
		if (st != ZX_OK)
			return st;
	}
	if (!(r->options & ZX_INTERRUPT_VIRTUAL)) {
		if ((r->options & ~INTERRUPT_PHYS_OPTIONS) ||
		    (r->options & ZX_INTERRUPT_MODE_MASK) >
		    ZX_INTERRUPT_MODE_EDGE_BOTH)
			return ZX_ERR_INVALID_ARGS;
		/* No interrupt controller behind zxd. */
		return ZX_ERR_NOT_SUPPORTED;
	}
	st = interrupt_create(r->options, &o);
	if (st != ZX_OK)
		return st;
	/* Made with its signal page. */
	st = dispatch_charge_object(c, o, 1, 0);
	if (st == ZX_OK)
		st = dispatch_add_handle(c, o, ZX_DEFAULT_INTERRUPT_RIGHTS);
	object_unref(o);
	return st;
}

zx_status_t
call_interrupt_trigger(struct call *c)
{
	const Zxd__InterruptTrigger *r = c->req->interrupt_trigger;
	zx_status_t st;

	if (r->options != 0)
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_INTERRUPT, ZX_RIGHT_SIGNAL);
	if (st != ZX_OK)
		return st;
	return interrupt_trigger(c->self->obj, r->timestamp);
}

zx_status_t
call_interrupt_wait(struct call *c)
{
	Zxd__InterruptWaitReply *r;
	zx_time_t ts = 0;
	uint32_t seq = 0;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_INTERRUPT, ZX_RIGHT_WAIT);
	if (st != ZX_OK)
		return st;
	st = interrupt_wait(c->self->obj, &ts, &seq);
	if (st != ZX_OK && st != ZX_ERR_SHOULD_WAIT)
		return st;
	r = CALL_REPLY(c, interrupt_wait, INTERRUPT_WAIT,
	    zxd__interrupt_wait_reply__init);
	if (r == NULL)
		return ZX_ERR_NO_MEMORY;
	r->timestamp = ts;
	r->seq = seq;
	return st;
}

zx_status_t
call_interrupt_ack(struct call *c)
{
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_INTERRUPT, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	return interrupt_ack(c->self->obj);
}

zx_status_t
call_interrupt_destroy(struct call *c)
{
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_INTERRUPT, 0);
	if (st != ZX_OK)
		return st;
	return interrupt_destroy(c->self->obj);
}

zx_status_t
call_interrupt_bind(struct call *c)
{
	const Zxd__InterruptBind *r = c->req->interrupt_bind;
	struct handle *port;
	zx_status_t st;

	if (r->options != ZX_INTERRUPT_BIND &&
	    r->options != ZX_INTERRUPT_UNBIND)
		return ZX_ERR_INVALID_ARGS;
	if (call_nfds(c) != (r->port_sent ? 1u : 0u))
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_INTERRUPT, ZX_RIGHT_READ);
	if (st != ZX_OK)
		return st;
	port = r->port_sent ? dispatch_arg_handle(c, 0) : NULL;
	if (port == NULL)
		return ZX_ERR_BAD_HANDLE;
	st = handle_check(port, ZX_OBJ_TYPE_PORT, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	if (!port_binds_interrupts(port_of(port->obj)))
		return ZX_ERR_WRONG_TYPE;
	if (r->options == ZX_INTERRUPT_UNBIND)
		return interrupt_unbind(c->self->obj, port->obj);
	return interrupt_bind(c->self->obj, port->obj, r->key);
}

zx_status_t
call_sim_dma_set_interrupt(struct call *c)
{
	const Zxd__SimDmaSetInterrupt *r = c->req->sim_dma_set_interrupt;
	struct handle *irq = NULL;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_BTI, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	if (call_nfds(c) != (r->irq_sent ? 1u : 0u))
		return ZX_ERR_INVALID_ARGS;
	if (!r->detach) {
		irq = r->irq_sent ? dispatch_arg_handle(c, 0) : NULL;
		if (irq == NULL)
			return ZX_ERR_BAD_HANDLE;
		st = handle_check(irq, ZX_OBJ_TYPE_INTERRUPT,
		    ZX_RIGHT_SIGNAL);
		if (st != ZX_OK)
			return st;
		interrupt_attach_sim(irq->obj, c->self->obj->koid);
		return ZX_OK;
	}
	/* Detach every interrupt of this BTI. */
	for (struct object *o = object_first(); o != NULL;
	    o = object_next(o))
		if (o->ops->type == ZX_OBJ_TYPE_INTERRUPT)
			interrupt_detach_sim(o, c->self->obj->koid);
	return ZX_OK;
}
