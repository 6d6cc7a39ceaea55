/*
 * The shared pages of sockets and FIFOs, laid out once for zxd and libzx.
 *
 * A socket or FIFO is two endpoints and two directions. Each direction
 * ("ring") is three memfds the daemon made:
 *
 *   head  one page, written only by the writing end's handles that have
 *         ZX_RIGHT_WRITE (struct ring_head);
 *   tail  one page, written only by the reading end's handles that have
 *         ZX_RIGHT_READ (struct ring_tail);
 *   data  the bytes: read-write for the writers, read-only for the
 *         readers, nothing for any other handle.
 *
 * Everyone else gets the head and tail pages read-only (signals are
 * computed from them). Bytes move with pwrite/pread on the data fd, so a
 * bad user buffer is an EFAULT (ZX_ERR_INVALID_ARGS), never a crash.
 *
 * What only the daemon decides (PEER_CLOSED, the dispositions, user
 * signals, the thresholds) is in the endpoint's signal page, which every
 * handle maps read-only: its first word is the signal state the daemon
 * keeps, and struct ring_ctl sits at RING_CTL_OFFSET.
 */
#ifndef ZXD_PROTO_RING_H
#define ZXD_PROTO_RING_H

#include <pthread.h>
#include <stdint.h>

#define RING_PAGE		4096
#define RING_CTL_OFFSET		64

/* Zircon's socket buffer: 256 KiB rounded up to whole 4064-byte mbuf
 * payloads. */
#define RING_SOCKET_MAX		264160u
/* A datagram is a record: this header, then the payload padded to 8. */
#define RING_DGRAM_HDR		8u
#define RING_DGRAM_ALIGN	8u

struct ring_head {
	pthread_mutex_t lock;		/* robust, process-shared: writers */
	uint64_t pos;			/* bytes ever written (records) */
	uint64_t payload;		/* payload bytes ever written */
	uint32_t seq;			/* futex word: bumped on each write */
};

struct ring_tail {
	pthread_mutex_t lock;		/* robust, process-shared: readers */
	uint64_t pos;			/* bytes ever consumed */
	uint64_t payload;		/* payload bytes ever consumed */
	uint32_t seq;			/* futex word: bumped on each read */
};

struct ring_dgram_hdr {
	uint32_t len;
	uint32_t reserved;
};

/* In the endpoint's signal page, written by the daemon only. */
struct ring_ctl {
	uint32_t seq;			/* futex word: bumped on any change */
	uint32_t watch;			/* the daemon wants to hear of changes */
	uint64_t rx_threshold;		/* ZX_PROP_SOCKET_RX_THRESHOLD */
	uint64_t tx_threshold;		/* ZX_PROP_SOCKET_TX_THRESHOLD */
};

/* Which fds a RingSetup reply carries, in this order. */
#define RING_FD_SIGPAGE		(1u << 0)
#define RING_FD_IN_HEAD		(1u << 1)
#define RING_FD_IN_TAIL		(1u << 2)
#define RING_FD_IN_DATA		(1u << 3)
#define RING_FD_OUT_HEAD	(1u << 4)
#define RING_FD_OUT_TAIL	(1u << 5)
#define RING_FD_OUT_DATA	(1u << 6)
#define RING_FD_NOTIFY		(1u << 7)
/* ... and which of them are writable. */
#define RING_RW_IN_TAIL		(1u << 8)
#define RING_RW_OUT		(1u << 9)	/* out head and data */

/* The signals that follow from the counters (READABLE, WRITABLE,
 * READ_THRESHOLD, WRITE_THRESHOLD); the rest are kept by the daemon. */
#define RING_DATA_SIGNALS	(0x1u | 0x2u | 0x400u | 0x800u)

/* An endpoint's signals from what the daemon keeps (`kept`: PEER_CLOSED
 * 0x4, WRITE_DISABLED 0x20, user signals, ...) and the counters: payload
 * bytes queued for it and by it, its peer's limit, its thresholds. */
static inline uint32_t
ring_signals(uint32_t kept, uint64_t used_in, uint64_t used_out,
    uint64_t max_out, uint64_t rx_threshold, uint64_t tx_threshold)
{
	uint32_t s = kept & ~RING_DATA_SIGNALS;
	int closed = (kept & 0x4u) != 0, disabled = (kept & 0x20u) != 0;

	if (used_in > 0)
		s |= 0x1u;
	if (!closed && !disabled && used_out < max_out)
		s |= 0x2u;
	if (rx_threshold > 0 && used_in >= rx_threshold)
		s |= 0x400u;
	if (tx_threshold > 0 && !closed && max_out - used_out >= tx_threshold)
		s |= 0x800u;
	return s;
}

/* The virtual interrupt's wait state, in its signal page. */
struct irq_shared {
	uint32_t seq;			/* futex word: bumped when a wait ends */
	int32_t status;			/* how the last wait ended */
	int64_t timestamp;		/* its timestamp */
};

#endif
