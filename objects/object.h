/* Kernel objects in miniature: koids, refcounts, signals, peers.
 * Nothing here knows about sockets or the event loop. */
#ifndef ZXD_OBJECTS_OBJECT_H
#define ZXD_OBJECTS_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zircon/types.h>
#include <zircon/errors.h>
#include <zircon/rights.h>

struct object;
struct handle;
struct object_observer;

struct object_ops {
	zx_obj_type_t type;
	const char *name;		/* "event", "vmo", ... */
	zx_rights_t default_rights;
	bool waitable;
	bool has_name;			/* ZX_PROP_NAME get/set */
	bool peered;			/* has a peer (signal_peer) */
	/* Bits beyond ZX_USER_SIGNAL_ALL that zx_object_signal may touch. */
	zx_signals_t signal_extra;
	/* The last handle went away (the object may live on: mappings,
	 * pins, children). */
	void (*on_zero_handles)(struct object *o);
	/* Refcount reached zero: free the type's part; object_unref frees
	 * the struct itself afterwards. */
	void (*destroy)(struct object *o);
	/* Fill the record for a type-specific info topic. NOT_SUPPORTED
	 * when the topic is not this type's. */
	zx_status_t (*get_info)(struct object *o, uint32_t topic,
	    zx_rights_t rights, void *buf, size_t buf_size, size_t *actual,
	    size_t *avail, size_t *record_size);
	/* Properties other than ZX_PROP_NAME; NULL = none (a
	 * type-specific property such as VMO_CONTENT_SIZE then gives
	 * WRONG_TYPE). */
	zx_status_t (*get_property)(struct object *o, uint32_t prop,
	    void *buf, size_t size);
	zx_status_t (*set_property)(struct object *o, uint32_t prop,
	    const void *buf, size_t size);
	/* Naming hook (IOBs name their regions); NULL = copy to o->name. */
	void (*set_name)(struct object *o, const char *name);
	/* Whether closing a handle has effects that other handles can
	 * observe; NULL = every type but events. */
	bool (*close_observable)(const struct object *o);
	/* Memory this object holds, for accounting and zxctl. */
	uint64_t (*memory_bytes)(const struct object *o);
	/* A handle to it was made (handle_count already counts it). */
	void (*handle_added)(struct object *o);
	/* For zxctl: bring o->signals up to date (objects whose state
	 * clients change directly: sockets, FIFOs) and say in a few words
	 * what the type's state is ("stream, 5 B queued"); NULL = nothing
	 * to say. */
	void (*describe)(struct object *o, char *buf, size_t len);
	/* Objects whose clients change their signals without the daemon
	 * (sockets, FIFOs): bring o->signals up to date now (`refresh`),
	 * and start telling the daemon of every change while it has
	 * observers (`watch`, called by object_observe). */
	void (*refresh)(struct object *o);
	void (*watch)(struct object *o);
};

struct object {
	const struct object_ops *ops;
	zx_koid_t koid;
	unsigned refcount;
	unsigned handle_count;
	zx_signals_t signals;
	struct object *peer;		/* peered objects; not a reference */
	zx_koid_t peer_koid;		/* kept after the peer goes, as Zircon */
	char name[ZX_MAX_NAME_LEN];
	uint32_t strobe_seq;		/* object_strobe calls */
	zx_signals_t strobed;		/* every bit ever strobed */
	int sigpage_fd;			/* -1 until a waiter asks */
	_Atomic uint32_t *sigword;	/* mapped sigpage, or NULL */
	uint32_t gc_mark;		/* the daemon's cycle collector */
	struct object_observer *observers;	/* newest first */
	struct object *prev, *next;	/* all live objects */
	struct handle *handles;		/* its handles (handle.obj_next) */
	/* Who was charged for what the object itself holds (descriptors,
	 * shared memory: object_payer_release gives it back); opaque
	 * here, as handle.payer. */
	void *payer;
	unsigned payer_fds;
	uint64_t payer_bytes;
};

/* Called by object_unref for an object with a payer, before it is
 * destroyed (the daemon's accounting); NULL by default. */
extern void (*object_payer_release)(struct object *o);

/* Initialise `o` (embedded at the start of a type's struct) with one
 * reference; assigns the next koid. */
void object_init(struct object *o, const struct object_ops *ops);
struct object *object_ref(struct object *o);
void object_unref(struct object *o);

void object_handle_added(struct object *o);
void object_handle_removed(struct object *o);

/* Peer two objects (eventpairs, channels, IOB endpoints). */
void object_pair(struct object *a, struct object *b);
/* Break the pair and assert `peer_closed` on the survivor. */
void object_unpair(struct object *o, zx_signals_t peer_closed);

/* Change the signal state; wakes futex waiters on the signal page
 * (they wait on its change counter, proto/delivery.h) and runs the
 * observers (below). */
void object_signal(struct object *o, zx_signals_t clear, zx_signals_t set);
/* Bump the change counter and wake its sleepers, signals unchanged (a
 * packet went into a delivery socket). */
void object_signal_notify(struct object *o);
/* Assert `bits` as a new edge even if they were set: a reader took what
 * they meant without the daemon seeing it (doc/DATAPATH.md). */
void object_signal_reassert(struct object *o, zx_signals_t bits);

/* Strobe `bits`: wake whoever waits for them without asserting them
 * (Zircon's UpdateState with a strobe mask, e.g. the shared region's
 * ZX_IOB_SHARED_REGION_UPDATED). On the signal page the strobe sequence
 * word counts strobes (a futex to wait on beside word 0) and the
 * strobed word holds the bits strobed so far. Observers whose signals
 * meet the state with `bits` run with that state. */
void object_strobe(struct object *o, zx_signals_t bits);

/* The signal page's 32-bit words: 0 is the signal state. */
#define OBJECT_SIGWORD_STROBE_SEQ	1
#define OBJECT_SIGWORD_STROBED		2
/*
 * Observers: the one hook every signal change of every object goes
 * through (Zircon's SignalObserver). Ports' async waits use it, and so
 * may any part of the daemon that must react to another object's
 * signals.
 *
 * An observer is one-shot: object_signal unlinks it before calling
 * on_match, which may re-arm it with object_observe. It matches when a
 * change raises at least one bit (old state to new state) and the new
 * state intersects `signals`, or when object_strobe's state (the
 * signals with the strobed bits) does; observers that match one change
 * run newest-registered first. `handle` is the handle the observer was
 * registered through, or NULL: object_cancel_handle cancels the
 * observers of one handle (its close, or its move through a channel),
 * and an object being destroyed cancels all of its observers. on_cancel
 * runs unlinked too, and may free the observer. The object is never
 * freed inside either callback.
 */
struct object_observer {
	struct object_observer *prev, *next;	/* on the object */
	struct object *obj;		/* set while linked; not a reference */
	zx_signals_t signals;
	const void *handle;
	void (*on_match)(struct object_observer *ob, zx_signals_t state);
	void (*on_cancel)(struct object_observer *ob);
};

/* Link `ob` (signals, handle and callbacks filled in) to `o`. */
void object_observe(struct object *o, struct object_observer *ob);
/* Bring o->signals up to date where clients change them directly
 * (object_ops.refresh); a no-op for other types. */
void object_refresh(struct object *o);
/* Unlink `ob` if linked; calls nothing. */
void object_unobserve(struct object_observer *ob);
/* Unlink and cancel every observer of `o` registered through `handle`.
 * Returns how many. */
size_t object_cancel_handle(struct object *o, const void *handle);
/* Observers linked to `o` now. */
size_t object_observer_count(const struct object *o);

/* A read-only fd of the object's signal page (created on first use):
 * its first 32-bit word is the signal state. The caller owns the fd. */
zx_status_t object_sigpage_fd(struct object *o, int *ret_fd);

/* Whether libzx must close a handle to `o` synchronously (see
 * object_ops.close_observable). */
bool object_close_observable(const struct object *o);
/* A close_observable for types whose handles' closes nobody can see. */
bool object_close_never_observable(const struct object *o);

/* A new koid (shared with other koid users such as IOB regions). */
zx_koid_t object_new_koid(void);

/* Walk all live objects. */
struct object *object_first(void);
struct object *object_next(struct object *o);

/* Live counts. */
size_t object_count(void);
size_t object_count_by_type(zx_obj_type_t type);

#endif
