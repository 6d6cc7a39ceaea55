/* libzx internals: the per-process handle table and the RPC layer. */
#ifndef ZXD_CLIENT_LIBZX_H
#define ZXD_CLIENT_LIBZX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <zircon/syscalls.h>

#include "proto/pages.h"
#include "proto/status.h"
#include "proto/wire.h"

#define EXPORT __attribute__((visibility("default")))

/* One entry per fd that is a handle of this process. */
struct zxh {
	atomic_int live;
	atomic_uint gen;		/* bumped on close: waiters cancel */
	pthread_mutex_t lock;		/* one call at a time on the socket */
	pthread_mutex_t rdlock;		/* one channel read at a time */
	atomic_int dfd;			/* delivery socket, or -1 */
	uint32_t type;
	zx_rights_t rights;
	zx_koid_t koid;
	zx_koid_t related_koid;
	bool close_sync;		/* see HandleDesc.close_sync */
	/* One end of a pair whose closes may be deferred (HandleDesc.
	 * close_deferrable) while neither end has been used: `pristine`
	 * is cleared on both entries by any use of either. */
	atomic_bool pristine;
	zx_handle_t peer;		/* the other end's value */
	uint64_t id;			/* Reply.close_ids */
	uint64_t ino;			/* HandleDesc.ino, or 0 */
	_Atomic(atomic_uint *) sigword;	/* read-only signal page, or NULL */
	atomic_int waiters;
	unsigned epoch;			/* the daemon's, see monitor.c */
	/* Per-type state (a VMO's memfd, ...), released on close. */
	void *priv;
	void (*priv_free)(void *priv);
	/* Wakes this handle's waiters that sleep elsewhere than on the
	 * signal word (a port's), so a close can cancel them; or NULL. */
	void (*wake)(void *priv);
};

/* The entry for a live handle value (fd in *ret_fd), or NULL; NULL
 * too for an orphan (a handle of a daemon that has died). */
struct zxh *zxh_get(zx_handle_t h, int *ret_fd);
/* Count the caller among e's users, so a close waits for it (release with
 * atomic_fetch_sub(&e->waiters, 1)); false, counting nothing, if e was
 * closed meanwhile (BAD_HANDLE). */
bool zxh_hold(struct zxh *e);
/* Whether e's daemon has died (e stays reserved until closed). */
bool zxh_orphaned(const struct zxh *e);
/* The handle's read-only signal page (a WaitSetup round trip the first
 * time), kept in the entry. */
zx_status_t zxh_sigword(zx_handle_t h, struct zxh *e, atomic_uint **ret);
/* Register a handle fd received from the daemon. */
zx_handle_t zxh_install(int fd, const Zxd__HandleDesc *d);
/* Mark the entry dead and close the fd (used by close and by calls that
 * consume their handle). Returns false if it was not live. */
bool zxh_close(zx_handle_t h);
/* Mark two handles just installed from one reply as a pair whose
 * closes may be deferred, under the reply's close_ids. */
void zxh_pair(const zx_handle_t h[2], const uint64_t ids[2]);
/* Whether every fd of fds[0..n) is a live handle whose socket's inode
 * libzx knows: then inos[i] is fds[i]'s (Request.handle_args). */
bool zxh_fds_inos(const int *fds, size_t n, uint64_t *inos);
/* Offer live handle h's socket as a spare for a call that takes h
 * (Request.spare_args): noted as pending; its fd in *ret_fd. False if
 * it cannot be (no room, no inode, an old daemon's). */
bool zxh_spare_offer(zx_handle_t h, int *ret_fd);
/* The call is over: the daemon kept the offered socket (kept: h's entry
 * must be forgotten first) or did not (the pending note goes). */
void zxh_spare_settle(int fd, bool kept);
/* The fd of the spare socket `ino` (HandleDesc.spare), taken out of
 * the process's spares, or -1 if it has none such. */
int zxh_spare_take(uint64_t ino);
/*
 * A call that consumes its handle (the daemon drops it whatever the
 * status: zx_pmt_unpin, zx_handle_replace). zxh_consume_begin, before
 * the call, offers the handle's socket as a spare (Request.spare_self);
 * zxh_consume_end, after it, retires the handle and keeps or closes the
 * socket as the reply says (rep may have no reply: a transport failure).
 * `known`: whether h was a handle of this process at begin.
 */
struct rpc_reply;
struct zxh_consume {
	bool known;
	bool spare;
	int fd;
};
void zxh_consume_begin(zx_handle_t h, Zxd__Request *req,
    struct zxh_consume *k);
void zxh_consume_end(zx_handle_t h, const struct rpc_reply *rep,
    struct zxh_consume *k);
/* zx_pmt_unpin sent without waiting, if h is a PMT handle (client/handle.c);
 * false: ask the daemon. */
bool zxh_unpin_post(zx_handle_t h);
/* Forget the entry without closing the fd (export hands the fd out). */
bool zxh_forget(zx_handle_t h, int *ret_fd);
/* Install the fork handler that drops inherited handles and the control
 * connection in a child (once; before the first of either exists). */
void zxh_atfork_init(void);

struct rpc_reply {
	Zxd__Reply *rep;
	int fds[WIRE_MAX_FDS];
	size_t nfds;
};

/* Where a call goes: a handle value (zx_handle_t, the call goes on its
 * socket) or RPC_CONTROL, the process's control connection (connected
 * on demand), which no handle value equals. */
typedef uint64_t rpc_target_t;
#define RPC_CONTROL	((rpc_target_t)1 << 32)

/*
 * The one way libzx asks the daemon. Sends req with fds[0..nfds) (not
 * taken) to `to` and waits for the reply. A handle value libzx does not
 * know goes to the control connection marked absent: the daemon makes
 * every check, in Zircon's order, and answers BAD_HANDLE where Zircon
 * would. Returns the transport's failure (a socket the daemon closed:
 * ZX_ERR_BAD_HANDLE) or the reply's status. `out` (NULL: only the
 * status) holds the reply whenever the daemon answered, whatever its
 * status; rpc_reply_free(out) is always safe after the call.
 */
zx_status_t rpc_call(rpc_target_t to, Zxd__Request *req, const int *fds,
    size_t nfds, struct rpc_reply *out);
/* What rpc_call and rpc_send return (never a call's status) when the
 * kernel could not read req's tail (Request.tail): nothing was sent. */
#define RPC_ERR_FAULT	((zx_status_t)-0x7ff0)
void rpc_reply_free(struct rpc_reply *r);
/* Send req on handle h's own socket and wait for nothing: for a request
 * whose answer comes elsewhere (zx_channel_call's outcome-only call). A
 * handle this process does not hold is ZX_ERR_BAD_HANDLE, with nothing
 * sent. *upto: pass it to rpc_sent_answered once the answer came. */
zx_status_t rpc_send(zx_handle_t h, Zxd__Request *req, const int *fds,
    size_t nfds, uint64_t *upto);
void rpc_sent_answered(uint64_t upto);
/* A handle closed without waiting (its Reply.close_ids id, its inode):
 * the next requests name it until the daemon has answered one
 * (Request.closed). rpc_defer_reserve promises a place first (false when
 * too many are pending: close synchronously then); rpc_defer_note fills
 * it once the close packet is on the handle's socket, or its descriptor
 * closed (id 0: gives the place back). The daemon takes a named close
 * only if one waits on the socket, so a name sent before its packet, or
 * after the daemon has reused the socket, closes nothing. */
bool rpc_defer_reserve(void);
void rpc_defer_note(uint64_t id);
/* Install the reply's handles into out[0..n) (the reply must carry
 * exactly n). Unused fds are closed by rpc_reply_free. */
zx_status_t rpc_reply_handles(struct rpc_reply *r, zx_handle_t *out,
    size_t n);
/* rpc_call for a call whose reply brings n new handles, installed into
 * out[0..n) on success. */
zx_status_t rpc_new_handles(rpc_target_t to, Zxd__Request *req,
    const int *fds, size_t nfds, zx_handle_t *out, size_t n);
/* Hand a new handle to the caller as the kernel does, last: a NULL
 * `out` loses it (closed) and gives ZX_ERR_INVALID_ARGS. */
zx_status_t rpc_out_handle(zx_handle_t h, zx_handle_t *out);
/* The same for the two ends of a new pair: both or neither. */
zx_status_t rpc_out_pair(const zx_handle_t h[2], zx_handle_t *out0,
    zx_handle_t *out1);

/* The calling thread's receive buffer (WIRE_MAX_MSG bytes), or NULL. */
uint8_t *rpc_thread_buf(void);

/* Delivery sockets (client/dlv.c, doc/DATAPATH.md). dlv_read returns
 * DLV_DONE with the read's outcome in *res, or DLV_ASK: read by request
 * (no socket, a backlog marker, the socket taken back). It writes only
 * the bytes into the caller's memory (through the kernel: EFAULT is
 * INVALID_ARGS); the caller hands out the rest. Called with e->rdlock
 * held. */
enum { DLV_DONE, DLV_ASK };
struct dlv_result {
	zx_status_t st;
	/* BUFFER_TOO_SMALL: the caller writes these out (a message taken
	 * had them written by the kernel, in the read). */
	bool have_actuals;
	uint32_t actual_bytes, actual_handles;
	uint32_t nhandles;		/* installed, on ZX_OK */
	zx_handle_t handles[ZX_CHANNEL_MAX_MSG_HANDLES];
	zx_obj_type_t types[ZX_CHANNEL_MAX_MSG_HANDLES];
	zx_rights_t rights[ZX_CHANNEL_MAX_MSG_HANDLES];
};
int dlv_read(struct zxh *e, uint32_t options, void *bytes,
    uint32_t num_bytes, uint32_t num_handles, uint32_t *actual_bytes,
    uint32_t *actual_handles, struct dlv_result *res);
/* 1 if a packet waits in e's delivery socket, 0 if none, -1 if e has
 * none (or it was taken back): the signal word then says. */
int dlv_readable(struct zxh *e);
/* Keep fd as e's delivery socket (closed if e has one already). */
void dlv_adopt(struct zxh *e, int fd);
/* Close e's delivery socket, if any. */
void dlv_drop(struct zxh *e);
/*
 * Daemon death (client/monitor.c). Every control connection is a new
 * epoch; handles keep the epoch they came in. When zxd dies, the epoch
 * of its connection (and every earlier one) is declared dead within a
 * millisecond or so of the hang-up: calls on its handles answer
 * ZX_ERR_BAD_HANDLE and blocking waits on them end with
 * ZX_ERR_CANCELED.
 *
 * A blocking wait (wait_one, wait_many, a port wait) hooks in thus:
 *
 *	struct monitor_wait mw = { .word = futex_word,
 *	    .epoch = <min epoch of the handles waited on> };
 *	monitor_wait_enter(&mw);	// before the first FUTEX_WAIT
 *	for (;;) {
 *		... if (monitor_epoch_dead(mw.epoch)) -> ZX_ERR_CANCELED
 *		... FUTEX_WAIT(futex_word, seen)
 *	}
 *	monitor_wait_leave(&mw);
 *
 * On a death the monitor FUTEX_WAKEs `word` (and calls `wake`, if set,
 * under an internal lock: it must not block nor call monitor_*) every
 * millisecond until the wait has left. Nothing here runs while the
 * daemon lives: the live fast path costs nothing.
 */
struct monitor_wait {
	atomic_uint *word;		/* woken with FUTEX_WAKE; may be NULL */
	void (*wake)(struct monitor_wait *w);	/* may be NULL */
	unsigned epoch;
	struct monitor_wait *prev, *next;
};
void monitor_wait_enter(struct monitor_wait *w);
void monitor_wait_leave(struct monitor_wait *w);
/* The epoch of the current control connection (0: none yet). */
unsigned monitor_epoch(void);
bool monitor_epoch_dead(unsigned epoch);
/* A new control connection `ctl`: watch it; returns its epoch. */
unsigned monitor_watch(int ctl);
/* Declare `epoch` (and every earlier one) dead; wakes their waiters. */
void monitor_gone(unsigned epoch);
/* A line on stderr, "libzx[PID]: ...", only when ZXD_DEBUG is set (and
 * not "0"): libzx prints nothing otherwise. */
bool monitor_debug_enabled(void);
void monitor_debug(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* A failure of the socket to the daemon as a status: one the daemon
 * closed means the handle is gone (BAD_HANDLE); otherwise the shared
 * conversion (proto/status.h). */
zx_status_t rpc_status_from_errno(int negative_errno);

#endif
