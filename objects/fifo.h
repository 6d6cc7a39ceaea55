/* FIFOs: two peered endpoints over a ringpair (objects/ring.h) of
 * fixed-size elements. The elements go between the clients; the daemon
 * keeps PEER_CLOSED and user signals. */
#ifndef ZXD_OBJECTS_FIFO_H
#define ZXD_OBJECTS_FIFO_H

#include <zircon/syscalls.h>

#include "objects/object.h"
#include "objects/ring.h"

struct vmo_payer;

/* zx_fifo_create after the policy: OUT_OF_RANGE for a zero count or
 * size, either over ZX_FIFO_MAX_SIZE_BYTES, or a product over it. */
zx_status_t fifo_create(uint64_t elem_count, uint64_t elem_size,
    const struct vmo_payer *payer, struct object **ret0,
    struct object **ret1);
struct ringpair *fifo_ringpair(struct object *o, int *ret_end);
uint32_t fifo_elem_size(const struct object *o);
uint32_t fifo_elem_count(const struct object *o);
/* Bring o->signals up to date with the counters. */
void fifo_refresh(struct object *o);

#endif
