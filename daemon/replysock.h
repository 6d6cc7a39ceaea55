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

struct replysock;

/* Keep fd (a SOCK_SEQPACKET socket) for cl, and take a reference for the
 * caller (replysock_put): NULL if it cannot (over the limit or the
 * charge, out of memory), which changes nothing and leaves fd the
 * caller's. */
struct replysock *replysock_keep(struct client *cl, int fd);
/* A reference to cl's kept socket of inode ino, or NULL if cl keeps none
 * such. Its descriptor stays open until the last reference goes, even
 * if the socket is dropped meanwhile (the thread's end closed). */
struct replysock *replysock_get(struct client *cl, uint64_t ino);
int replysock_fd(const struct replysock *r);
void replysock_put(struct replysock *r);
/* How many are kept, all clients together. */
size_t replysock_count(void);
/* Drop every kept socket (daemon shutdown). */
void replysock_shutdown(void);

#endif
