/* Reply sockets kept for zx_channel_call (doc/DATAPATH.md,
 * "zx_channel_call"): a thread's first call hands the daemon the sending
 * end of its reply socket; the daemon keeps it, named by its inode, until
 * the thread's end closes, so later calls name it and pass no fd. */
#ifndef ZXD_DAEMON_REPLYSOCK_H
#define ZXD_DAEMON_REPLYSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct client;

/* At most this many a process (each is one of the daemon's descriptors,
 * charged to it). */
#define REPLYSOCK_MAX_PER_CLIENT	64

/* Keep a copy of fd (a SOCK_SEQPACKET socket) for cl: false if it cannot
 * (over the limit or the charge, out of memory), which changes nothing. */
bool replysock_keep(struct client *cl, int fd);
/* A new descriptor for cl's kept socket of inode ino (the caller closes
 * it), or -1 if cl keeps none such. */
int replysock_get(struct client *cl, uint64_t ino);
/* How many are kept, all clients together. */
size_t replysock_count(void);
/* Drop every kept socket (daemon shutdown). */
void replysock_shutdown(void);

#endif
