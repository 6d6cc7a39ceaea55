/* Ports: packet queues fed by zx_port_queue, by async waits on other
 * objects' signals, and by objects that produce packets themselves
 * (interrupts). The queue lives in a shared ring (proto/port_ring.h)
 * that writers fill and waiters consume without the daemon. */
#ifndef ZXD_OBJECTS_PORT_H
#define ZXD_OBJECTS_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/types.h>
#include "objects/object.h"
#include "proto/port_ring.h"

/*
 * What one client has the daemon hold for ports: registered async waits
 * (each with its packet, preallocated) and queued packets, one item
 * each until the packet is consumed or the wait cancelled. The daemon
 * keeps one per client and checks it against its limit; ports hold
 * references to the accounts of what they queue.
 */
struct port_account {
	unsigned refcount;
	uint64_t items;
	bool logged;		/* the daemon said once it hit its limit */
};

struct port_account *port_account_new(void);
struct port_account *port_account_ref(struct port_account *a);
void port_account_unref(struct port_account *a);

/* The descriptors a port holds of the daemon's: its control page, two
 * arrays of cells, the writers' eventfd and its wake socket pair. */
#define PORT_FDS	6

zx_status_t port_create(uint32_t options, struct object **ret);
/* The port `o` is, or NULL. */
struct port *port_of(struct object *o);
bool port_binds_interrupts(const struct port *p);

/* The fds a holder with `rights` maps (proto/port_ring.h,
 * PORT_SETUP_FDS: three, five with ZX_RIGHT_READ), each opened with
 * the access the rights allow. The caller owns them. */
zx_status_t port_open(struct port *p, zx_rights_t rights,
    int fds[PORT_SETUP_FDS], size_t *ret_n);

/* zx_port_queue: a user packet (type forced to USER), charged to
 * `acct`. SHOULD_WAIT when more than PORT_MAX_USER_PACKETS are queued. */
zx_status_t port_queue_user(struct port *p, const zx_port_packet_t *pkt,
    struct port_account *acct);

/* zx_object_wait_async on object `o` through `handle` (the handle's
 * close cancels it), charged to `acct`. Options as Zircon's (checked by
 * the caller). */
zx_status_t port_wait_async(struct port *p, struct object *o,
    const void *handle, uint64_t key, zx_signals_t signals,
    uint32_t options, struct port_account *acct);

/* For objects that make packets themselves (interrupts): queue a copy
 * of `pkt` as is, from `source` (any pointer the producer can cancel by
 * later). On a ZX_PORT_BIND_TO_INTERRUPT port, ZX_PKT_TYPE_INTERRUPT
 * packets go to a queue drained before everything else. Dropped
 * silently when the port's last handle is gone. */
void port_queue_kernel(struct port *p, const zx_port_packet_t *pkt,
    const void *source);
/* Remove the queued packets of `source`; returns how many. */
size_t port_cancel_source(struct port *p, const void *source);

/* The slow path of zx_port_wait: interrupt packets first, then the
 * oldest queued packet. SHOULD_WAIT when there is none. */
zx_status_t port_pull(struct port *p, zx_port_packet_t *ret);

/* zx_port_cancel: pending waits registered through `handle` with `key`,
 * and their queued packets. NOT_FOUND when nothing was removed. */
zx_status_t port_cancel(struct port *p, const void *handle, uint64_t key);
/* zx_port_cancel_key: every pending wait and queued packet (user
 * packets too) with `key`. NOT_FOUND when nothing was removed. */
zx_status_t port_cancel_key(struct port *p, uint64_t key);

/* Forget the ring cells consumers have taken (and give their charge
 * back), on every port. */
void port_reclaim_all(void);

/* For zxctl: packets queued now and async waits registered. */
void port_counts(struct port *p, size_t *ret_queued, size_t *ret_waits);

#endif
