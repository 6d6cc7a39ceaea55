/* The wire, shared by zxd, libzx and zxctl: framing (one protobuf-c
 * message per SOCK_SEQPACKET packet, its fds in the same sendmsg) and
 * every constant both sides must agree on. */
#ifndef ZXD_WIRE_H
#define ZXD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/zxd.pb-c.h"

/* Bump when a message changes meaning (HelloReply says it back). */
#define ZXD_PROTOCOL_VERSION	4

/* Caps on one packet: a channel message (64 KiB of bytes, 64 handles)
 * plus room for the envelope. */
#define WIRE_MAX_MSG	(72 * 1024)
#define WIRE_MAX_FDS	64

/* What travels inside a packet; more goes through a memfd the packet
 * carries (see the messages in proto/zxd.proto). */
#define WIRE_INLINE_ADDRS	4096	/* BtiPinReply.addrs */
#define WIRE_INLINE_DMA_MAX	(64 * 1024)	/* SimDma.data, at most */
#define WIRE_INLINE_BLOB_MAX	(WIRE_MAX_MSG - 4096)	/* IobAllocateId */

/*
 * Spare sockets (doc/DATAPATH.md, "Spare sockets"). libzx closes a
 * handle by sending this one-byte packet on its socket and keeps the
 * socket; the daemon closes the handle as at EOF and keeps its end as a
 * spare of that process, to carry its next new handle instead of a new
 * socket pair. WIRE_CLOSE_ACK asks for the same byte back once the
 * close has taken effect (a close others can observe). A process has at
 * most WIRE_SPARES_MAX spares. WIRE_UNPIN, on a PMT handle's socket, is
 * zx_pmt_unpin without a reply: the daemon unpins, then closes the handle
 * as for WIRE_CLOSE (doc/DATAPATH.md, "Unpin without a round trip").
 */
#define WIRE_CLOSE		0xC0
#define WIRE_CLOSE_ACK		0xC1
#define WIRE_UNPIN		0xC2
#define WIRE_SPARES_MAX		16

struct wire_creds {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

/* A received packet. fds not claimed (set to -1) by whoever handles it
 * are closed by wire_msg_clear(). */
struct wire_msg {
	uint8_t *buf;
	size_t len;
	int fds[WIRE_MAX_FDS];
	size_t nfds;
	bool has_creds;
	struct wire_creds creds;
	int64_t stamp_ns;	/* SO_TIMESTAMPNS (CLOCK_REALTIME) or 0 */
};

/* Send a packed message with fds. Does not take the fds: the caller
 * closes them (see wire_send_take). Returns 0 or -errno. A message with a
 * tail (proto/envelope.c: Request.tail) has its bytes sent from where
 * they are: -EFAULT, with nothing sent, if they cannot be read. */
int wire_send(int sock, const ProtobufCMessage *msg, const int *fds,
    size_t nfds);
/* Same, and closes every fd in fds, sent or not. */
int wire_send_take(int sock, const ProtobufCMessage *msg, int *fds,
    size_t nfds);

/* Never block in wire_send and wire_recv (MSG_DONTWAIT), whatever the
 * socket's mode: the daemon's sockets then need no O_NONBLOCK each. */
void wire_set_nonblocking(void);

/* Receive one packet into m (buffer of WIRE_MAX_MSG).
 * Returns >0 (the length), 0 on EOF, -EAGAIN, -EPROTO for a truncated
 * packet or control message, or another -errno. On -EPROTO no fd is
 * left open. */
ssize_t wire_recv(int sock, struct wire_msg *m);
/* The same into a buffer of `cap` bytes (a longer packet: -EPROTO). */
ssize_t wire_recv_into(int sock, struct wire_msg *m, size_t cap);
void wire_msg_clear(struct wire_msg *m);

/* Close fds[0..n) that are >= 0 and set them to -1. */
void wire_close_fds(int *fds, size_t n);

#endif
