/* Sockets: two peered endpoints over a ringpair (objects/ring.h). The
 * bytes go between the clients; the daemon keeps what Zircon's rules
 * need besides the counters: PEER_CLOSED, the dispositions, the
 * thresholds, user signals. */
#ifndef ZXD_OBJECTS_SOCKET_H
#define ZXD_OBJECTS_SOCKET_H

#include <zircon/syscalls.h>

#include "objects/object.h"
#include "objects/ring.h"

struct vmo_payer;

/* zx_socket_create after the policy: two endpoints, one reference each,
 * WRITABLE. Charged to `payer`. */
zx_status_t socket_create(uint32_t options, const struct vmo_payer *payer,
    struct object **ret0, struct object **ret1);
/* zx_socket_set_disposition after the value and rights checks. */
zx_status_t socket_set_disposition(struct object *o, uint32_t disposition,
    uint32_t disposition_peer);
/* The ringpair and which end o is. */
struct ringpair *socket_ringpair(struct object *o, int *ret_end);
uint32_t socket_options(const struct object *o);
/* Bring o->signals up to date with the counters. */
void socket_refresh(struct object *o);

#endif
