/* Virtual interrupts: Zircon's interrupt_dispatcher state machine. The
 * state lives here; a thread blocked in zx_interrupt_wait sleeps on the
 * interrupt's signal page (struct irq_shared of proto/ring.h), where
 * the trigger that ends its wait leaves the status and timestamp. */
#ifndef ZXD_OBJECTS_INTERRUPT_H
#define ZXD_OBJECTS_INTERRUPT_H

#include <zircon/syscalls.h>

#include "objects/object.h"

/* zx_interrupt_create for a virtual interrupt, after the resource check:
 * INVALID_ARGS unless options are VIRTUAL, optionally with
 * TIMESTAMP_MONO. */
zx_status_t interrupt_create(uint32_t options, struct object **ret);

/* zx_interrupt_trigger after the options and rights checks. */
zx_status_t interrupt_trigger(struct object *o, zx_time_t timestamp);
/* zx_interrupt_wait after the rights check: ZX_OK with *ts when it was
 * triggered already; ZX_ERR_SHOULD_WAIT with *seq when the caller must
 * sleep until irq_shared.seq moves on from *seq and then read the
 * outcome there; BAD_STATE (bound), CANCELED (destroyed). */
zx_status_t interrupt_wait(struct object *o, zx_time_t *ts, uint32_t *seq);
/* zx_interrupt_ack after the rights check. */
zx_status_t interrupt_ack(struct object *o);
/* zx_interrupt_destroy after the type check. */
zx_status_t interrupt_destroy(struct object *o);
/* zx_interrupt_bind / unbind after the option and rights checks; the
 * port is a port object. */
zx_status_t interrupt_bind(struct object *o, struct object *port,
    uint64_t key);
zx_status_t interrupt_unbind(struct object *o, struct object *port);

/* The sim backend's DMA engine: trigger every interrupt attached to
 * the BTI whose koid is `bti_koid` (zxd_sim_dma_set_interrupt). */
void interrupt_attach_sim(struct object *o, zx_koid_t bti_koid);
/* Detach o if it is attached to that BTI. */
void interrupt_detach_sim(struct object *o, zx_koid_t bti_koid);
void interrupt_sim_dma_done(zx_koid_t bti_koid, zx_time_t timestamp);

uint32_t interrupt_options(const struct object *o);
/* For zxctl: "idle", "waiting", "triggered", "needack", "destroyed". */
const char *interrupt_state_name(const struct object *o);

#endif
