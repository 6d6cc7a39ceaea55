/* zx_interrupt_*, and zxd_sim_dma_set_interrupt: the sim backend's DMA
 * engine raising a virtual interrupt when a transfer completes. */
#include "config-build.h"

#include "daemon/dispatch.h"
#include "objects/interrupt.h"
#include "objects/resource.h"

#define INTERRUPT_PHYS_OPTIONS \
	(ZX_INTERRUPT_REMAP_IRQ | ZX_INTERRUPT_MODE_MASK | \
	    ZX_INTERRUPT_WAKE_VECTOR | ZX_INTERRUPT_TIMESTAMP_MONO)

static zx_status_t
call_interrupt_create(struct call *c)
{
	const Zxd__InterruptCreate *r = c->req->interrupt_create;
	struct object *o;
	zx_status_t st;

	/* The resource counts only for a physical or wake-vector
	 * interrupt; libzx sends a virtual one on the control
	 * connection. */
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
	st = dispatch_add_handle(c, o, ZX_DEFAULT_INTERRUPT_RIGHTS);
	object_unref(o);
	return st;
}

static zx_status_t
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

static zx_status_t
call_interrupt_wait(struct call *c)
{
	Zxd__InterruptWaitReply *r = &c->body.interrupt_wait;
	zx_time_t ts = 0;
	uint32_t seq = 0;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_INTERRUPT, ZX_RIGHT_WAIT);
	if (st != ZX_OK)
		return st;
	st = interrupt_wait(c->self->obj, &ts, &seq);
	if (st != ZX_OK && st != ZX_ERR_SHOULD_WAIT)
		return st;
	zxd__interrupt_wait_reply__init(r);
	r->timestamp = ts;
	r->seq = seq;
	c->rep->body_case = ZXD__REPLY__BODY_INTERRUPT_WAIT;
	c->rep->interrupt_wait = r;
	return st;
}

static zx_status_t
call_interrupt_ack(struct call *c)
{
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_INTERRUPT, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	return interrupt_ack(c->self->obj);
}

static zx_status_t
call_interrupt_destroy(struct call *c)
{
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_INTERRUPT, 0);
	if (st != ZX_OK)
		return st;
	return interrupt_destroy(c->self->obj);
}

static zx_status_t
call_interrupt_bind(struct call *c)
{
	const Zxd__InterruptBind *r = c->req->interrupt_bind;
	struct handle *port;
	zx_status_t st;

	if (r->options != ZX_INTERRUPT_BIND &&
	    r->options != ZX_INTERRUPT_UNBIND)
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_INTERRUPT, ZX_RIGHT_READ);
	if (st != ZX_OK)
		return st;
	port = dispatch_arg_handle(c, 0);
	if (port == NULL)
		return ZX_ERR_BAD_HANDLE;
	st = handle_check(port, ZX_OBJ_TYPE_PORT, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	/* Until ports can take interrupt packets. */
	return ZX_ERR_NOT_SUPPORTED;
}

static zx_status_t
call_sim_dma_set_interrupt(struct call *c)
{
	struct handle *irq = NULL;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_BTI, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	if (c->msg->nfds > 0) {
		irq = dispatch_arg_handle(c, 0);
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

const struct dispatch_entry sys_interrupt_calls[] = {
	{ ZXD__REQUEST__BODY_INTERRUPT_CREATE, "interrupt_create",
	    call_interrupt_create, ON_ANY, 0 },
	{ ZXD__REQUEST__BODY_INTERRUPT_TRIGGER, "interrupt_trigger",
	    call_interrupt_trigger, ON_HANDLE, 0 },
	{ ZXD__REQUEST__BODY_INTERRUPT_WAIT, "interrupt_wait",
	    call_interrupt_wait, ON_HANDLE, 0 },
	{ ZXD__REQUEST__BODY_INTERRUPT_ACK, "interrupt_ack",
	    call_interrupt_ack, ON_HANDLE, 0 },
	{ ZXD__REQUEST__BODY_INTERRUPT_DESTROY, "interrupt_destroy",
	    call_interrupt_destroy, ON_HANDLE, 0 },
	{ ZXD__REQUEST__BODY_INTERRUPT_BIND, "interrupt_bind",
	    call_interrupt_bind, ON_HANDLE, 1 },
	{ ZXD__REQUEST__BODY_SIM_DMA_SET_INTERRUPT, "sim_dma_set_interrupt",
	    call_sim_dma_set_interrupt, ON_HANDLE, -1 },
	{ 0 },
};
