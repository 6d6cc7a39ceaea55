/* One direction of a socket or FIFO as the daemon sees it: the three
 * memfds of proto/ring.h, the daemon's own mappings of the two counter
 * pages, and the limits. The bytes themselves move between the clients;
 * the daemon reads the counters when it must answer for them (signals
 * for waiters on ports, ZX_INFO_SOCKET, zxctl, dispositions). */
#ifndef ZXD_OBJECTS_RING_H
#define ZXD_OBJECTS_RING_H

#include <stdbool.h>
#include <stdint.h>

#include <zircon/types.h>

#include "proto/ring.h"

enum ring_part {
	RING_HEAD,
	RING_TAIL,
	RING_DATA,
};

struct ring {
	int fd[3];			/* by enum ring_part; -1 = none */
	struct ring_head *head;		/* the daemon's mappings */
	struct ring_tail *tail;
	uint64_t cap;			/* bytes of the data memfd */
	uint64_t max;			/* payload limit */
	bool datagram;
};

/* Make the memfds (`cap` data bytes, sparse) and initialise the locks.
 * On failure nothing is left open. */
zx_status_t ring_init(struct ring *r, uint64_t cap, uint64_t max,
    bool datagram);
void ring_fini(struct ring *r);

/* Payload bytes queued, as the counters say (a hostile writer cannot
 * make it exceed max: it is clamped). */
uint64_t ring_used(const struct ring *r);
/* Size of the first datagram (0 if empty); the queued bytes for a
 * stream. */
uint64_t ring_first(const struct ring *r);
/* A new descriptor of one part, read-write or read-only. */
zx_status_t ring_open(const struct ring *r, enum ring_part part,
    bool writable, int *ret_fd);
/* Memory the ring holds (for accounting). */
uint64_t ring_bytes(const struct ring *r);

/* The two directions of a socket or FIFO, shared by both endpoints (each
 * holds a reference): ring[i] is the one endpoint i reads. It outlives
 * either endpoint, so that what one end wrote stays readable after it
 * closed. Its memory is charged to the creator. */
struct vmo_payer;
struct object;
struct ringpair {
	unsigned refs;
	struct ring ring[2];
	bool read_disabled[2];		/* PEER_WRITE_DISABLED of end i */
	uint64_t charged;
	const struct vmo_payer_ops *payer_ops;
	void *payer_ctx;
	/* The endpoints while they live (not references), their ctl in
	 * their signal pages, and how to bring their signals up to date
	 * with the counters. */
	struct object *end[2];
	struct ring_ctl *ctl[2];
	void (*refresh)(struct object *o);
	/* Clients poke this eventfd after changing a ring while the daemon
	 * watches (ring_ctl.watch): the daemon's loop reads it and calls
	 * ringpair_changed. `release` (set by the daemon) undoes its side
	 * when the ringpair goes. */
	int notify_fd;
	void (*release)(void *ctx);
	void *release_ctx;
};

zx_status_t ringpair_new(uint64_t cap, uint64_t max, bool datagram,
    const struct vmo_payer *payer, struct ringpair **ret);
void ringpair_unref(struct ringpair *rp);

/*
 * The endpoints' side every ring type shares. An endpoint object (made
 * with object_init, holding none of rp yet) becomes end `end` of rp:
 * it takes a reference to rp, gets its signal page (which holds its
 * ring_ctl) and is registered with `refresh`. On failure the object is
 * unreffed, and its destroy must call ringpair_end_detach.
 */
zx_status_t ringpair_end_attach(struct ringpair *rp, int end,
    struct object *o, void (*refresh)(struct object *o));
/* The endpoint `end` goes (its object's destroy): drop its reference. */
void ringpair_end_detach(struct ringpair *rp, int end);
/* Make both endpoints of a new rp with end_new (which calls
 * ringpair_end_attach), pair them and bring their signals up to date.
 * Takes the caller's reference to rp whatever happens. */
zx_status_t ringpair_make_ends(struct ringpair *rp,
    zx_status_t (*end_new)(struct ringpair *rp, int end, void *arg,
    struct object **ret), void *arg, struct object **ret0,
    struct object **ret1);

/* Ask the clients of both ends to poke notify_fd after each change (the
 * daemon has observers on an end), or stop. */
void ringpair_watch(struct ringpair *rp, bool on);
/* A client poked: bring both ends' signals up to date (observers see
 * the rising ones). */
void ringpair_changed(struct ringpair *rp);

/*
 * The descriptors endpoint `end` of rp gives a handle: its signal page
 * (sigpage_fd, taken), both counter pages of both directions, the data
 * of the incoming direction if `can_read` and of the outgoing one if
 * `can_write`, the writable ones only for those rights. fds[] gets them
 * in RING_FD_* order, *mask says which (RING_FD_*, RING_RW_*). On
 * failure nothing is left open.
 */
zx_status_t ringpair_fds(const struct ringpair *rp, int end, int sigpage_fd,
    bool can_read, bool can_write, int fds[8], size_t *nfds,
    uint32_t *mask);

#endif
