/* Delivery sockets: a channel endpoint's messages pushed to its only
 * handle (doc/DATAPATH.md). */
#ifndef ZXD_DAEMON_DELIVERY_H
#define ZXD_DAEMON_DELIVERY_H

#include <sys/types.h>

#include "daemon/server.h"
#include "objects/handle.h"

/* Give h (a channel handle of client cl, process pid) a delivery socket
 * and push the endpoint's queue into it; *ret_fd is the reader's end for
 * the reply (the caller sends or closes it). ZX_ERR_NOT_SUPPORTED when h
 * may not have one (not the endpoint's only handle, no READ right, peer
 * gone, already delivering). */
zx_status_t delivery_start(struct client *cl, pid_t pid, struct handle *h,
    int *ret_fd);
/* h leaves its process (closed, moved, exported): stop delivering, its
 * unread messages back in the endpoint's queue. */
void delivery_handle_leaving(struct handle *h);

#endif
