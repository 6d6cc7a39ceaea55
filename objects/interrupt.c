/* Virtual interrupts. */
#include "config-build.h"

#include <limits.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "objects/interrupt.h"
#include "objects/port.h"
#include "proto/ring.h"

enum irq_state {
	IRQ_IDLE,
	IRQ_WAITING,		/* a thread sleeps in zx_interrupt_wait */
	IRQ_TRIGGERED,		/* fired while unbound, not yet taken */
	IRQ_NEEDACK,		/* taken (or its packet queued), not acked */
	IRQ_DESTROYED,
};

struct interrupt {
	struct object base;		/* first */
	uint32_t options;
	enum irq_state state;
	bool pending;			/* a timestamp is recorded */
	zx_time_t pending_ts;
	struct irq_shared *sh;		/* in the signal page */
	struct object *port;		/* bound to; a reference */
	uint64_t key;
	zx_koid_t sim_bti;		/* raised by this BTI's DMA engine */
	/* On sim_irqs while sim_bti is set. */
	struct interrupt *sim_prev, *sim_next;
};

/* The interrupts a simulated DMA engine raises: a transfer looks here,
 * not through every object of the daemon. */
static struct interrupt *sim_irqs;

static void
sim_unlink(struct interrupt *q)
{
	if (q->sim_bti == ZX_KOID_INVALID)
		return;
	if (q->sim_prev != NULL)
		q->sim_prev->sim_next = q->sim_next;
	else
		sim_irqs = q->sim_next;
	if (q->sim_next != NULL)
		q->sim_next->sim_prev = q->sim_prev;
	q->sim_prev = q->sim_next = NULL;
	q->sim_bti = ZX_KOID_INVALID;
}

static struct interrupt *
to_irq(struct object *o)
{
	return (struct interrupt *)o;
}

/* End the wait of whoever sleeps in zx_interrupt_wait. */
static void
wake_waiters(struct interrupt *q, zx_status_t st, zx_time_t ts)
{
	q->sh->status = st;
	q->sh->timestamp = ts;
	__atomic_add_fetch(&q->sh->seq, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &q->sh->seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* --- the port side ----------------------------------------------- */

/* Queue the interrupt packet with the pending timestamp (the port is
 * the interrupt's reference; packets carry the interrupt as source). */
static void
port_send(struct interrupt *q)
{
	zx_port_packet_t pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.key = q->key;
	pkt.type = ZX_PKT_TYPE_INTERRUPT;
	pkt.status = ZX_OK;
	pkt.interrupt.timestamp = q->pending_ts;
	q->pending = false;
	port_queue_kernel(port_of(q->port), &pkt, q);
}

/* Remove this interrupt's queued packets from its port: how many. */
static size_t
port_take_packets(struct interrupt *q)
{
	return port_cancel_source(port_of(q->port), q);
}

/* ------------------------------------------------------------------ */

static zx_status_t
do_destroy(struct interrupt *q)
{
	zx_status_t st = ZX_OK;

	if (q->port != NULL) {
		/* The binding stays (unbind then says CANCELED). */
		if (port_take_packets(q) == 0 && q->state == IRQ_NEEDACK)
			st = ZX_ERR_NOT_FOUND;
	} else if (q->state == IRQ_WAITING) {
		wake_waiters(q, ZX_ERR_CANCELED, 0);
	}
	q->state = IRQ_DESTROYED;
	object_signal(&q->base, 0, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
	return st;
}

static void
irq_on_zero_handles(struct object *o)
{
	struct interrupt *q = to_irq(o);

	if (q->state != IRQ_DESTROYED)
		do_destroy(q);
}

static void
irq_destroy(struct object *o)
{
	struct interrupt *q = to_irq(o);

	sim_unlink(q);
	if (q->port != NULL) {
		port_take_packets(q);
		object_unref(q->port);
	}
	free(q);
}

static zx_status_t
irq_get_info(struct object *o, uint32_t topic, zx_rights_t rights,
    void *buf, size_t buf_size, size_t *actual, size_t *avail,
    size_t *record_size)
{
	zx_info_interrupt_t info = { .options = to_irq(o)->options };

	(void)rights;
	if (topic != ZX_INFO_INTERRUPT)
		return ZX_ERR_NOT_SUPPORTED;
	*record_size = sizeof(info);
	*avail = 1;
	if (buf_size < sizeof(info)) {
		*actual = 0;
		return ZX_ERR_BUFFER_TOO_SMALL;
	}
	*(zx_info_interrupt_t *)buf = info;
	*actual = 1;
	return ZX_OK;
}

static void
irq_describe(struct object *o, char *buf, size_t len)
{
	struct interrupt *q = to_irq(o);

	snprintf(buf, len, "virtual, %s%s", interrupt_state_name(o),
	    q->port != NULL ? ", bound" : "");
}

static const struct object_ops irq_ops = {
	.type = ZX_OBJ_TYPE_INTERRUPT,
	.name = "interrupt",
	.default_rights = ZX_DEFAULT_INTERRUPT_RIGHTS,
	.waitable = true,
	.on_zero_handles = irq_on_zero_handles,
	.destroy = irq_destroy,
	.get_info = irq_get_info,
	.describe = irq_describe,
};

zx_status_t
interrupt_create(uint32_t options, struct object **ret)
{
	struct interrupt *q;
	zx_status_t st;
	int fd;

	if (!(options & ZX_INTERRUPT_VIRTUAL) ||
	    (options & ~(ZX_INTERRUPT_VIRTUAL | ZX_INTERRUPT_TIMESTAMP_MONO)))
		return ZX_ERR_INVALID_ARGS;
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return ZX_ERR_NO_MEMORY;
	object_init(&q->base, &irq_ops);
	q->options = options;
	q->state = IRQ_IDLE;
	st = object_sigpage_fd(&q->base, &fd);
	if (st != ZX_OK) {
		object_unref(&q->base);
		return st;
	}
	close(fd);
	q->sh = (struct irq_shared *)((char *)q->base.sigword +
	    RING_CTL_OFFSET);
	object_signal(&q->base, 0, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
	*ret = &q->base;
	return ZX_OK;
}

zx_status_t
interrupt_trigger(struct object *o, zx_time_t timestamp)
{
	struct interrupt *q = to_irq(o);

	if (!q->pending && q->state != IRQ_DESTROYED) {
		q->pending = true;
		q->pending_ts = timestamp;
	}
	switch (q->state) {
	case IRQ_DESTROYED:
		return ZX_ERR_CANCELED;
	case IRQ_WAITING:
		/* Straight to the sleeper: it wakes with the outcome. */
		q->state = IRQ_NEEDACK;
		q->pending = false;
		wake_waiters(q, ZX_OK, q->pending_ts);
		break;
	default:
		if (q->port != NULL) {
			if (q->state != IRQ_NEEDACK) {
				port_send(q);
				q->state = IRQ_NEEDACK;
			}
		} else {
			q->state = IRQ_TRIGGERED;
		}
		break;
	}
	object_signal(o, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED, 0);
	return ZX_OK;
}

zx_status_t
interrupt_wait(struct object *o, zx_time_t *ts, uint32_t *seq)
{
	struct interrupt *q = to_irq(o);

	if (q->port != NULL)
		return ZX_ERR_BAD_STATE;
	switch (q->state) {
	case IRQ_DESTROYED:
		return ZX_ERR_CANCELED;
	case IRQ_TRIGGERED:
		q->state = IRQ_NEEDACK;
		*ts = q->pending_ts;
		q->pending = false;
		return ZX_OK;
	case IRQ_NEEDACK:
		/* The implicit ack: re-arm, then sleep. */
		object_signal(o, 0, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
		/* fall through */
	default:
		q->state = IRQ_WAITING;
		*seq = __atomic_load_n(&q->sh->seq, __ATOMIC_SEQ_CST);
		return ZX_ERR_SHOULD_WAIT;
	}
}

zx_status_t
interrupt_ack(struct object *o)
{
	struct interrupt *q = to_irq(o);

	if (q->port == NULL)
		return ZX_ERR_BAD_STATE;
	if (q->state == IRQ_DESTROYED)
		return ZX_ERR_CANCELED;
	if (q->state != IRQ_NEEDACK)
		return ZX_OK;
	if (q->pending) {
		/* Another trigger came meanwhile: its packet goes out now;
		 * waiters on UNTRIGGERED see a strobe. */
		object_signal(o, 0, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
		port_send(q);
		object_signal(o, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED, 0);
		return ZX_OK;
	}
	q->state = IRQ_IDLE;
	object_signal(o, 0, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
	return ZX_OK;
}

zx_status_t
interrupt_destroy(struct object *o)
{
	return do_destroy(to_irq(o));
}

zx_status_t
interrupt_bind(struct object *o, struct object *port, uint64_t key)
{
	struct interrupt *q = to_irq(o);

	if (q->state == IRQ_DESTROYED)
		return ZX_ERR_CANCELED;
	if (q->state == IRQ_WAITING)
		return ZX_ERR_BAD_STATE;
	if (q->port != NULL)
		return ZX_ERR_ALREADY_BOUND;
	q->port = object_ref(port);
	q->key = key;
	if (q->state == IRQ_TRIGGERED) {
		port_send(q);
		q->state = IRQ_NEEDACK;
	}
	return ZX_OK;
}

zx_status_t
interrupt_unbind(struct object *o, struct object *port)
{
	struct interrupt *q = to_irq(o);

	if (q->port == NULL || q->port != port)
		return ZX_ERR_NOT_FOUND;
	if (q->state == IRQ_DESTROYED)
		return ZX_ERR_CANCELED;
	port_take_packets(q);
	object_unref(q->port);
	q->port = NULL;
	q->key = 0;
	return ZX_OK;
}

void
interrupt_attach_sim(struct object *o, zx_koid_t bti_koid)
{
	struct interrupt *q = to_irq(o);

	sim_unlink(q);
	if (bti_koid == ZX_KOID_INVALID)
		return;
	q->sim_bti = bti_koid;
	q->sim_next = sim_irqs;
	if (sim_irqs != NULL)
		sim_irqs->sim_prev = q;
	sim_irqs = q;
}

void
interrupt_detach_sim(struct object *o, zx_koid_t bti_koid)
{
	if (to_irq(o)->sim_bti == bti_koid)
		sim_unlink(to_irq(o));
}

void
interrupt_sim_dma_done(zx_koid_t bti_koid, zx_time_t timestamp)
{
	struct interrupt *q, *next;

	for (q = sim_irqs; q != NULL; q = next) {
		next = q->sim_next;
		if (q->sim_bti == bti_koid && bti_koid != ZX_KOID_INVALID)
			interrupt_trigger(&q->base, timestamp);
	}
}

uint32_t
interrupt_options(const struct object *o)
{
	return ((const struct interrupt *)o)->options;
}

const char *
interrupt_state_name(const struct object *o)
{
	static const char *const names[] = {
		"idle", "waiting", "triggered", "needack", "destroyed",
	};

	return names[((const struct interrupt *)o)->state];
}
