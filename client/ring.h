/* libzx's side of the socket and FIFO data path (proto/ring.h): the
 * descriptors a handle got from the daemon, the copies in and out of
 * the rings, the signals computed from the counters, and the wait. */
#ifndef ZXD_CLIENT_RING_H
#define ZXD_CLIENT_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/libzx.h"
#include "proto/ring.h"

struct ring_side {
	struct ring_head *head;
	struct ring_tail *tail;
	int data_fd;			/* -1: no access */
	uint64_t cap, max;
};

/* zxh.priv of a socket or FIFO handle. */
struct ring_priv {
	void *sigpage;			/* read-only */
	const uint32_t *sig;		/* the daemon's signal word */
	const struct ring_ctl *ctl;
	struct ring_side in, out;
	uint32_t end, options, elem_size;
	bool can_read, can_write;
	int notify_fd;			/* the daemon's doorbell */
};

/* The entry of handle h, of `type`, with `rights` and its data path
 * ready, marked in use until ring_put. BAD_HANDLE, WRONG_TYPE,
 * ACCESS_DENIED as Zircon's lookup. */
zx_status_t ring_get(zx_handle_t h, uint32_t type, zx_rights_t rights,
    struct zxh **ret_e, struct ring_priv **ret_p);
void ring_put(struct zxh *e);

/* The endpoint's signals now. */
zx_signals_t ring_signals_now(const struct ring_priv *p);

/*
 * Copy into the outgoing ring: up to len bytes in whole `unit`s
 * (stream, FIFO), or one record (datagram). SHOULD_WAIT when full;
 * INVALID_ARGS on a fault (a stream keeps what was copied before it,
 * `rollback` drops it); OUT_OF_RANGE for a datagram over the limit.
 */
zx_status_t ring_write(struct ring_priv *p, const void *buf, size_t len,
    size_t unit, bool rollback, size_t *actual);
/* Copy from the incoming ring: up to len bytes in whole units, or the
 * first datagram truncated to len (the rest dropped unless peeking).
 * ZX_ERR_SHOULD_WAIT when empty (the caller turns it into PEER_CLOSED
 * or BAD_STATE as the signals say). */
zx_status_t ring_read(struct ring_priv *p, void *buf, size_t len,
    size_t unit, bool peek, bool rollback, size_t *actual);

/* For zx_object_wait_many: the handle's data path, set up if need be
 * (e must be held in use by the caller), and the words besides the
 * signal word to sleep on with their values now (RING_WAIT_WORDS - 1
 * at most); read them before ring_signals_now. */
#define RING_WAIT_WORDS	5
zx_status_t ring_priv_get(zx_handle_t h, struct zxh *e,
    struct ring_priv **ret);
size_t ring_wait_words(const struct ring_priv *p, atomic_uint **words,
    unsigned *vals);

/* zx_object_wait_one on a socket or FIFO handle. */
zx_status_t ring_wait_one(zx_handle_t h, struct zxh *e, zx_signals_t signals,
    zx_time_t deadline, zx_signals_t *observed);

#endif
