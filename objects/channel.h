/* Channels: two peered endpoints; each endpoint queues the messages its
 * peer writes. A queued message owns its handles, which belong to no
 * process while they wait there ("in flight"). */
#ifndef ZXD_OBJECTS_CHANNEL_H
#define ZXD_OBJECTS_CHANNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "objects/handle.h"
#include "objects/object.h"

/* Zircon's kMaxPendingMessageCount: a write that would queue more than
 * this many messages on one endpoint fails (Zircon raises a policy
 * exception; zxd answers ZX_ERR_NO_RESOURCES). */
#define CHANNEL_MAX_PENDING	3500

/* Txids from here up are generated for zx_channel_call. */
#define CHANNEL_CALL_TXID_MIN	0x80000000u

struct channel_msg {
	struct channel_msg *next;
	void *payer;			/* who is charged while it is queued
					 * (see channel_set_quota), or NULL */
	bool charged;
	uint32_t nbytes;
	uint32_t nhandles;
	uint8_t *data;			/* nbytes, in this allocation */
	struct handle *handles[];	/* nhandles; owned */
};

/* A zx_channel_call waiting on one endpoint for the reply whose txid
 * matches. */
struct channel_waiter {
	zx_txid_t txid;
	/* Called once when the wait ends: with the reply (st == ZX_OK; the
	 * callee takes it) or with NULL and the status that ended it
	 * (ZX_ERR_PEER_CLOSED, ZX_ERR_CANCELED, or what channel_call_abort
	 * was given). The waiter is off the endpoint by then. */
	void (*finish)(struct channel_waiter *w, zx_status_t st,
	    struct channel_msg *reply);
	struct object *endpoint;	/* while registered; not a reference */
	struct channel_waiter *prev, *next;
};

/*
 * Where an endpoint's messages go when its only handle reads them without
 * the daemon (doc/DATAPATH.md): the daemon's delivery socket. The channel
 * keeps the order: messages pushed into the sink come before those still
 * queued here (the backlog), and while the backlog is not empty the sink
 * ends with a marker that sends the reader back to the daemon.
 */
struct channel_sink {
	/* Hand m to the reader. ZX_OK takes m; otherwise (no room, no
	 * resources) m stays with the caller, unchanged. *drained says
	 * whether every packet pushed before had been read: 1 or 0, or -1
	 * when the sink did not look (it may skip looking unless `exact`,
	 * while what it pushed since it last looked surely fits). */
	zx_status_t (*push)(struct channel_sink *s, struct channel_msg *m,
	    bool exact, int *drained);
	/* Push the backlog marker; false if it could not be. */
	bool (*mark)(struct channel_sink *s);
	/* Whether every packet pushed has been read. */
	bool (*drained)(struct channel_sink *s);
	/* Take back every packet not read yet, as messages, oldest first,
	 * and free the sink: its reader sees EOF from then on. */
	struct channel_msg *(*reclaim)(struct channel_sink *s);
};

/* Two endpoints with one reference each, ZX_CHANNEL_WRITABLE asserted.
 * options must be 0 (ZX_ERR_INVALID_ARGS). */
zx_status_t channel_create(uint32_t options, struct object **ret0,
    struct object **ret1);

/* A message with room for nbytes of data (uninitialised) and nhandles
 * handle slots (NULL). The message is one allocation: free() frees it
 * once its handles are taken out (nhandles = 0). */
zx_status_t channel_msg_new(uint32_t nbytes, uint32_t nhandles,
    struct channel_msg **ret);
/* Free m and every handle it still holds. */
void channel_msg_free(struct channel_msg *m);

/* Accounting of queued messages (the daemon's; none by default): a
 * message with a payer is charged when queued and discharged when it
 * leaves for good. charge returns ZX_OK or the status refusing it. */
struct channel_quota {
	zx_status_t (*charge)(void *payer, uint32_t nbytes);
	void (*uncharge)(void *payer, uint32_t nbytes);
	void (*release)(void *payer);	/* drop the message's reference */
};
void channel_set_quota(const struct channel_quota *q);
/* m was read or handed to a call: uncharge it and drop its payer
 * (before free()). channel_msg_free does it too. */
void channel_msg_discharge(struct channel_msg *m);

/* Queue m on o's peer (or hand it straight to a waiting call there whose
 * txid matches). Takes m on ZX_OK; on ZX_ERR_PEER_CLOSED or
 * ZX_ERR_NO_RESOURCES m is left to the caller. */
zx_status_t channel_write(struct object *o, struct channel_msg *m);

/* Zircon's read: *nbytes and *nhandles give the room and come back as
 * the size of the first message. ZX_ERR_SHOULD_WAIT (empty),
 * ZX_ERR_PEER_CLOSED (empty and the peer is gone), ZX_ERR_BUFFER_TOO_SMALL
 * (the message stays queued unless may_discard, in which case it is
 * freed), or ZX_OK with the message in *ret. */
zx_status_t channel_read(struct object *o, uint32_t *nbytes,
    uint32_t *nhandles, bool may_discard, struct channel_msg **ret);
/* Put a message just read back at the head of o's queue. */
void channel_unread(struct object *o, struct channel_msg *m);

/* Write m (at least 4 bytes) with a fresh txid in its first 4 bytes and
 * register w for the reply. Takes m on ZX_OK; ZX_ERR_PEER_CLOSED
 * leaves m to the caller and w unregistered. */
zx_status_t channel_call_begin(struct object *o, struct channel_msg *m,
    struct channel_waiter *w);
/* End w's wait with st if it is still registered (finish is called);
 * false if it had already ended. */
bool channel_call_abort(struct channel_waiter *w, zx_status_t st);
/* End every call waiting on o with st. */
void channel_abort_calls(struct object *o, zx_status_t st);

/* Start delivering o's messages into `s` (o must have one handle and no
 * sink): the queue is pushed into it at once, as far as it fits. */
void channel_sink_attach(struct object *o, struct channel_sink *s);
/* After a read by request: push what the sink has room for again, and
 * mark what remains. Nothing if o has no sink. */
void channel_sink_refill(struct object *o);
/* Stop delivering: unread messages come back to the head of the queue in
 * order, and the sink is freed. Nothing if o has no sink. */
void channel_sink_stop(struct object *o);
/* Make o's ZX_CHANNEL_READABLE exact again (a sink's reader reads
 * without the daemon seeing it): for whoever is about to look at the
 * daemon's copy of the signals (a wait registered on a port, an info
 * query). */
void channel_refresh_signals(struct object *o);
/* Whether o delivers into a sink. */
bool channel_has_sink(const struct object *o);
/* Whether o is a channel endpoint. */
bool channel_is(const struct object *o);
/* The first message queued on endpoint o (what o's holder would read
 * next), or NULL; messages follow by ->next. */
const struct channel_msg *channel_queue(const struct object *o);
/* Free every message queued on o, with their handles: for the cycle
 * collector, once no process can read o any more. May destroy any
 * object, o too unless the caller holds a reference. */
void channel_drop_queue(struct object *o);

/* --- handle dispositions (zx_channel_write_etc) ----------------------
 *
 * One entry per handle slot of a write: what the caller named and asked
 * for, and what processing decided. The plain zx_channel_write is the
 * same with every entry MOVE, type NONE, SAME_RIGHTS. */
struct channel_disposition {
	struct handle *src;	/* the caller's handle, NULL if the value
				 * is not one */
	uint32_t op;		/* ZX_HANDLE_OP_* (any value) */
	zx_obj_type_t type;	/* ZX_OBJ_TYPE_NONE: any */
	zx_rights_t rights;	/* or ZX_RIGHT_SAME_RIGHTS */
	/* Out: the source leaves the caller's table (MOVE and unknown
	 * operations, whatever the outcome), and, on success, the rights
	 * the handle in the message gets. */
	bool take;
	zx_rights_t new_rights;
};

/* A write failed before its dispositions were looked at: every source
 * whose operation is not DUPLICATE is taken all the same (Zircon's
 * consume-on-failure rule); duplicates are left alone. */
void channel_dispositions_discard(struct channel_disposition *d,
    uint32_t n);
/* Zircon's per-entry processing, in array order, for a write to channel
 * endpoint `chan`: every entry is processed, results[i] gets each one's
 * status, and the first failure is returned. A source already taken by
 * an earlier entry counts as no handle (BAD_HANDLE). */
zx_status_t channel_dispositions_check(const struct object *chan,
    struct channel_disposition *d, uint32_t n, zx_status_t *results);

/* Free every queued message of every channel, for shutdown: messages
 * that hold handles to their own channel (or longer cycles) keep each
 * other alive until then, as they do in Zircon. */
void channel_release_all(void);

#endif
