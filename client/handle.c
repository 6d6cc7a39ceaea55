/* The per-process handle table: a handle value is (fd << 2) | 3. */
#include "config-build.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "client/libzx.h"
#include "client/usercopy.h"
#include "proto/pages.h"

#define CHUNK_BITS 10
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define N_CHUNKS 4096			/* 4M fds */

static _Atomic(struct zxh *) chunks[N_CHUNKS];
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/*
 * Spare sockets (doc/DATAPATH.md, "Spare sockets"): a handle closed with
 * a close packet leaves its socket here, and the daemon puts one of the
 * process's next new handles on it (HandleDesc.spare) instead of making a
 * socket pair. `pending`: its close waits for the daemon's ack, which
 * the closing thread reads before anyone may take it.
 */
static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t spare_cond = PTHREAD_COND_INITIALIZER;
static struct spare {
	int fd;
	uint64_t ino;
	unsigned epoch;
	bool pending;
} spares[WIRE_SPARES_MAX];
static unsigned nspares;

static void
spare_remove_at(unsigned i)
{
	spares[i] = spares[--nspares];
}

/* Whether the spare at i is of no use: its daemon died or closed its
 * end (it could not have taken the close packet). */
static bool
spare_dead(unsigned i)
{
	struct pollfd p = { .fd = spares[i].fd, .events = POLLIN };

	if (spares[i].pending)
		return false;
	return monitor_epoch_dead(spares[i].epoch) || poll(&p, 1, 0) != 0;
}

/* Keep fd (inode ino, a handle of connection `epoch`) as a spare; false
 * if it cannot be one (no inode known, a connection not the current
 * daemon's) or there is no room. */
static bool
spare_add(int fd, uint64_t ino, unsigned epoch, bool pending)
{
	bool ok;

	if (ino == 0 || epoch != monitor_epoch() || monitor_epoch_dead(epoch))
		return false;
	pthread_mutex_lock(&spare_lock);
	for (unsigned i = 0; nspares == WIRE_SPARES_MAX && i < nspares;) {
		if (spare_dead(i)) {
			close(spares[i].fd);
			spare_remove_at(i);
		} else
			i++;
	}
	ok = nspares < WIRE_SPARES_MAX;
	if (ok)
		spares[nspares++] = (struct spare){ fd, ino, epoch, pending };
	pthread_mutex_unlock(&spare_lock);
	return ok;
}

/* The close of spare fd is over: ready (ok) or, if not, forgotten (the
 * caller closes fd). */
static void
spare_settled(int fd, bool ok)
{
	pthread_mutex_lock(&spare_lock);
	for (unsigned i = 0; i < nspares; i++) {
		if (spares[i].fd != fd)
			continue;
		if (ok)
			spares[i].pending = false;
		else
			spare_remove_at(i);
		break;
	}
	pthread_cond_broadcast(&spare_cond);
	pthread_mutex_unlock(&spare_lock);
}

static struct zxh *slot(int fd, bool create);
static struct zxh *lookup(zx_handle_t h, int *ret_fd);

bool
zxh_fds_inos(const int *fds, size_t n, uint64_t *inos)
{
	for (size_t i = 0; i < n; i++) {
		struct zxh *e = slot(fds[i], false);

		if (e == NULL || !atomic_load(&e->live) || e->ino == 0)
			return false;
		inos[i] = e->ino;
	}
	return true;
}

bool
zxh_spare_offer(zx_handle_t h, int *ret_fd)
{
	struct zxh *e = lookup(h, ret_fd);

	return e != NULL && spare_add(*ret_fd, e->ino, e->epoch, true);
}

void
zxh_spare_settle(int fd, bool kept)
{
	spare_settled(fd, kept);
}

int
zxh_spare_take(uint64_t ino)
{
	int fd = -1;

	pthread_mutex_lock(&spare_lock);
	for (unsigned i = 0; i < nspares; i++) {
		if (spares[i].ino != ino)
			continue;
		if (spares[i].pending) {
			/* The daemon acked; its closer reads the ack. */
			pthread_cond_wait(&spare_cond, &spare_lock);
			i = (unsigned)-1;
			continue;
		}
		fd = spares[i].fd;
		spare_remove_at(i);
		break;
	}
	pthread_mutex_unlock(&spare_lock);
	return fd;
}

static void
spares_atfork_child(void)
{
	pthread_mutex_init(&spare_lock, NULL);
	pthread_cond_init(&spare_cond, NULL);
	for (unsigned i = 0; i < nspares; i++)
		close(spares[i].fd);
	nspares = 0;
}

void libzx_rpc_atfork_child(void);
void libzx_monitor_atfork_child(void);

static void
atfork_child(void)
{
	/* Handles are per process: the child closes what it inherited,
	 * so its copies answer ZX_ERR_BAD_HANDLE. */
	for (size_t c = 0; c < N_CHUNKS; c++) {
		struct zxh *ch = atomic_load(&chunks[c]);

		if (ch == NULL)
			continue;
		for (size_t i = 0; i < CHUNK_SIZE; i++) {
			struct zxh *e = &ch[i];

			pthread_mutex_init(&e->lock, NULL);
			pthread_mutex_init(&e->rdlock, NULL);
			atomic_store(&e->waiters, 0);
			atomic_store(&e->pristine, false);
			if (!atomic_load(&e->live))
				continue;
			atomic_store(&e->live, 0);
			close((int)((c << CHUNK_BITS) | i));
			dlv_drop(e);
			if (e->sigword != NULL)
				munmap((void *)e->sigword, SIGPAGE_SIZE);
			e->sigword = NULL;
			if (e->priv_free != NULL)
				e->priv_free(e->priv);
			e->priv = NULL;
			e->priv_free = NULL;
			e->wake = NULL;
		}
	}
	spares_atfork_child();
	libzx_rpc_atfork_child();
	libzx_monitor_atfork_child();
	usercopy_atfork_child();
}

static void
register_atfork(void)
{
	pthread_atfork(NULL, NULL, atfork_child);
}

void
zxh_atfork_init(void)
{
	pthread_once(&atfork_once, register_atfork);
}

static struct zxh *
slot(int fd, bool create)
{
	size_t c = (size_t)fd >> CHUNK_BITS;
	struct zxh *ch, *expect = NULL;

	if (fd < 0 || c >= N_CHUNKS)
		return NULL;
	ch = atomic_load(&chunks[c]);
	if (ch != NULL || !create)
		return ch ? &ch[fd & (CHUNK_SIZE - 1)] : NULL;
	ch = calloc(CHUNK_SIZE, sizeof(*ch));
	if (ch == NULL)
		return NULL;
	for (size_t i = 0; i < CHUNK_SIZE; i++) {
		pthread_mutex_init(&ch[i].lock, NULL);
		pthread_mutex_init(&ch[i].rdlock, NULL);
		atomic_init(&ch[i].dfd, -1);
	}
	if (!atomic_compare_exchange_strong(&chunks[c], &expect, ch)) {
		free(ch);
		ch = expect;
	}
	return &ch[fd & (CHUNK_SIZE - 1)];
}

bool
zxh_orphaned(const struct zxh *e)
{
	return monitor_epoch_dead(e->epoch);
}

/* The entry of a live handle value, orphans included. */
static struct zxh *
lookup(zx_handle_t h, int *ret_fd)
{
	struct zxh *e;
	int fd;

	if ((h & ZX_HANDLE_FIXED_BITS_MASK) != ZX_HANDLE_FIXED_BITS_MASK ||
	    (h >> 2) > INT_MAX)
		return NULL;
	fd = (int)(h >> 2);
	e = slot(fd, false);
	if (e == NULL || !atomic_load(&e->live))
		return NULL;
	if (ret_fd != NULL)
		*ret_fd = fd;
	return e;
}

/* Any use of a handle but its close may let others observe its pair:
 * from now on both ends close synchronously. (An entry is never freed,
 * so clearing a reused peer's flag only costs it a wait.) */
static void
unpristine(struct zxh *e)
{
	struct zxh *p;

	if (!atomic_load_explicit(&e->pristine, memory_order_relaxed))
		return;
	atomic_store(&e->pristine, false);
	p = slot((int)(e->peer >> 2), false);
	if (p != NULL)
		atomic_store(&p->pristine, false);
}

struct zxh *
zxh_get(zx_handle_t h, int *ret_fd)
{
	struct zxh *e = lookup(h, ret_fd);

	if (e == NULL || zxh_orphaned(e))
		return NULL;
	unpristine(e);
	return e;
}

bool
zxh_hold(struct zxh *e)
{
	atomic_fetch_add(&e->waiters, 1);
	if (atomic_load(&e->live))
		return true;
	atomic_fetch_sub(&e->waiters, 1);
	return false;
}

void
zxh_pair(const zx_handle_t h[2], const uint64_t ids[2])
{
	struct zxh *a = lookup(h[0], NULL), *b = lookup(h[1], NULL);

	if (a == NULL || b == NULL || a == b)
		return;
	a->peer = h[1];
	b->peer = h[0];
	a->id = ids[0];
	b->id = ids[1];
	atomic_store(&a->pristine, true);
	atomic_store(&b->pristine, true);
}

zx_handle_t
zxh_install(int fd, const Zxd__HandleDesc *d)
{
	struct zxh *e;

	zxh_atfork_init();
	e = slot(fd, true);
	if (e == NULL || (uint64_t)fd > (UINT32_MAX >> 2)) {
		close(fd);
		return ZX_HANDLE_INVALID;
	}
	e->type = d->type;
	e->rights = d->rights;
	e->koid = d->koid;
	e->related_koid = d->related_koid;
	e->close_sync = d->close_sync;
	e->ino = d->ino;
	atomic_store(&e->pristine, false);
	e->peer = ZX_HANDLE_INVALID;
	e->id = 0;
	e->sigword = NULL;
	e->priv = NULL;
	e->priv_free = NULL;
	e->wake = NULL;
	atomic_store(&e->dfd, -1);
	atomic_store(&e->waiters, 0);
	e->epoch = monitor_epoch();
	atomic_fetch_add(&e->gen, 1);
	atomic_store(&e->live, 1);
	return ((zx_handle_t)fd << 2) | ZX_HANDLE_FIXED_BITS_MASK;
}

/* Take the entry out of service: wake and wait out any waiter, wait for
 * the call in flight, drop per-handle state. *ret_defer (NULL: the
 * handle leaves the process, not closed): the id (Reply.close_ids) under which
 * its close may be deferred, or 0. */
/* A handle being closed: its fd, and what its close needs. */
struct closing {
	int fd;
	bool sync;		/* the daemon's close must be waited for */
	uint64_t id;		/* may be deferred under this id (or 0) */
	uint64_t ino;		/* its socket's inode (HandleDesc.ino) */
	unsigned epoch;
	bool spare;		/* closed by a close packet, fd kept */
	bool deferred;		/* a place in the pending list is ours */
};

static bool
retire(zx_handle_t h, int *ret_fd, struct closing *k)
{
	struct zxh *e = lookup(h, ret_fd);
	uint64_t *ret_defer = k != NULL ? &k->id : NULL;
	int one = 1;
	atomic_uint *w;

	if (e == NULL || !atomic_compare_exchange_strong(&e->live, &one, 0))
		return false;
	if (k != NULL) {
		k->fd = *ret_fd;
		k->sync = e->close_sync;
		k->ino = e->ino;
		k->epoch = e->epoch;
		k->spare = false;
		k->deferred = false;
	}
	if (ret_defer != NULL)
		*ret_defer = atomic_load(&e->pristine) ? e->id : 0;
	else
		unpristine(e);
	atomic_store(&e->pristine, false);
	atomic_fetch_add(&e->gen, 1);
	w = atomic_load(&e->sigword);
	while (atomic_load(&e->waiters) > 0) {
		struct timespec ts = { 0, 100000 };

		if (w != NULL) {
			/* wait_one sleeps on the counter, other waits on
			 * word 0. */
			syscall(SYS_futex, &w[ZXD_SIGPAGE_SEQ], FUTEX_WAKE,
			    INT_MAX, NULL, NULL, 0);
			syscall(SYS_futex, w, FUTEX_WAKE, INT_MAX, NULL, NULL,
			    0);
		}
		if (e->wake != NULL)
			e->wake(e->priv);
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&e->lock);
	pthread_mutex_lock(&e->rdlock);
	dlv_drop(e);
	pthread_mutex_unlock(&e->rdlock);
	if (w != NULL)
		munmap((void *)w, SIGPAGE_SIZE);
	atomic_store(&e->sigword, NULL);
	if (e->priv_free != NULL)
		e->priv_free(e->priv);
	e->priv = NULL;
	e->priv_free = NULL;
	e->wake = NULL;
	pthread_mutex_unlock(&e->lock);
	return true;
}

/* Zircon's close takes effect before the call returns: a peer sees
 * PEER_CLOSED, a parent its ZERO_CHILDREN, a range is free again. The
 * daemon learns of a close by EOF, so for a handle whose close another
 * handle can observe (the daemon says which, HandleDesc.close_sync), shut
 * our end and wait until the daemon has closed its own. Others (events,
 * VMOs with no parent, ...) close with no round trip. So do the ends of
 * a pair this process made and has not used since (Reply.close_ids):
 * only this process could observe their closes, and
 * only by asking the daemon, whose next request names them first
 * (rpc_defer_reserve, rpc_defer_note). */

/* Whether a synchronous close of a handle can be deferred: a place in
 * the pending list is promised, filled by close_noted. */
static bool
close_deferred(struct closing *k)
{
	if (k->id == 0 || !k->sync || !rpc_defer_reserve())
		return false;
	k->sync = false;
	k->deferred = true;
	return true;
}

/* A deferred close is named in the next requests only from now on: its
 * packet is on the socket (or its descriptor closed), so the daemon,
 * which takes a named close only when one waits there, cannot take a
 * name for a socket it has since reused. */
static void
close_noted(struct closing *k)
{
	if (k->deferred)
		rpc_defer_note(k->id);
	k->deferred = false;
}

/*
 * Begin a close. Where it can, by a close packet that keeps the socket as
 * a spare (WIRE_CLOSE; WIRE_CLOSE_ACK where the close must be waited
 * for): it is on its socket before anything this thread does next, so
 * the daemon, which takes any close waiting on a socket before it
 * answers what the close changes, sees it as it sees an EOF. Otherwise
 * by the descriptor: shut for a synchronous close (the daemon sees EOF),
 * closed later.
 */
static void
close_begin(struct closing *k)
{
	uint8_t b;

	close_deferred(k);
	b = k->sync ? WIRE_CLOSE_ACK : WIRE_CLOSE;
	if (spare_add(k->fd, k->ino, k->epoch, k->sync)) {
		if (send(k->fd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1) {
			k->spare = true;
			return;
		}
		spare_settled(k->fd, false);
	}
	if (k->sync)
		shutdown(k->fd, SHUT_WR);
}

/* The other half: wait (bounded) until the daemon has taken the close:
 * its ack on a spare, its end closed otherwise. */
static void
close_finish(struct closing *k)
{
	struct pollfd p = { .fd = k->fd, .events = POLLIN };
	char buf[64];

	if (k->spare && !k->sync) {
		close_noted(k);
		return;
	}
	while (k->sync) {
		int r = poll(&p, 1, 5000);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		/* A stray packet (with fds) cannot be pending here: calls on
		 * this socket are over. recv returns 0 at the daemon's
		 * close, the ack byte on a spare. */
		r = (int)recv(k->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (k->spare && r == 1 && (uint8_t)buf[0] == WIRE_CLOSE_ACK) {
			spare_settled(k->fd, true);
			return;
		}
		if (r <= 0 && !(r < 0 && errno == EINTR))
			break;
	}
	if (k->spare)
		spare_settled(k->fd, false);
	close(k->fd);
	close_noted(k);
}

bool
zxh_close(zx_handle_t h)
{
	struct closing k;
	int fd;

	if (!retire(h, &fd, &k))
		return false;
	close_begin(&k);
	close_finish(&k);
	return true;
}

/*
 * zx_pmt_unpin of a PMT handle, without waiting (doc/DATAPATH.md, "Unpin
 * without a round trip"): for a handle of type PMT the daemon has only
 * one answer, ZX_OK (no rights are needed, and the type is fixed for the
 * handle's life), so libzx sends WIRE_UNPIN on the handle's socket and
 * returns. The daemon unpins and closes the handle when it reads the
 * packet, and takes it before anything the unpin changes: this process's
 * next request names it (Request.closed), and the answers others could
 * see it in (the BTI's counts, the device's reach, a quarantine, the
 * VMO's pinned pages, the pin quota) settle waiting closes first. False:
 * not a PMT handle of a live daemon (or too many closes pending), so the
 * caller asks the daemon as before.
 */
bool
zxh_unpin_post(zx_handle_t h)
{
	struct zxh *e = lookup(h, NULL);
	uint8_t b = WIRE_UNPIN;
	struct closing k;
	bool sent;
	int fd;

	if (e == NULL || zxh_orphaned(e) || e->type != ZX_OBJ_TYPE_PMT ||
	    e->ino == 0)
		return false;
	if (!rpc_defer_reserve())
		return false;
	if (!retire(h, &fd, &k)) {
		/* Closed by another thread meanwhile: the daemon's answer. */
		rpc_defer_note(0);
		return false;
	}
	k.id = k.ino;
	k.deferred = true;
	k.spare = spare_add(fd, k.ino, k.epoch, false);
	sent = send(fd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1;
	if (k.spare && !sent)
		spare_settled(fd, false);
	if (!k.spare || !sent)
		close(fd);
	/* A packet that could not be sent (the daemon is gone) leaves an
	 * EOF: the handle is closed all the same. */
	close_noted(&k);
	return true;
}

void
zxh_consume_begin(zx_handle_t h, Zxd__Request *req, struct zxh_consume *k)
{
	k->known = zxh_get(h, &k->fd) != NULL;
	k->spare = k->known && zxh_spare_offer(h, &k->fd);
	req->spare_self = k->spare;
}

void
zxh_consume_end(zx_handle_t h, const struct rpc_reply *rep,
    struct zxh_consume *k)
{
	bool kept = k->spare && rep->rep != NULL && rep->rep->self_spare;
	int fd;

	if (rep->rep == NULL) {
		/* No answer (the daemon is gone): the handle stays, an
		 * orphan. */
		if (k->spare)
			spare_settled(k->fd, false);
		return;
	}
	/* The daemon dropped the handle in the turn that sent the reply,
	 * before it read anything else: there is no close to wait for. */
	if (k->known && zxh_forget(h, &fd) && !kept)
		close(fd);
	if (k->spare)
		spare_settled(k->fd, kept);
}

bool
zxh_forget(zx_handle_t h, int *ret_fd)
{
	return retire(h, ret_fd, NULL);
}

EXPORT zx_status_t
zx_handle_close(zx_handle_t h)
{
	if (h == ZX_HANDLE_INVALID)
		return ZX_OK;
	return zxh_close(h) ? ZX_OK : ZX_ERR_BAD_HANDLE;
}

EXPORT zx_status_t
zx_handle_close_many(const zx_handle_t *handles, size_t n)
{
	zx_status_t st = ZX_OK;
	size_t i, j, batch;

	if (handles == NULL && n > 0)
		return ZX_ERR_INVALID_ARGS;
	/* In batches, so the daemon handles a batch's closes together. */
	for (i = 0; i < n; i += batch) {
		struct closing k[64];
		size_t m = 0;
		int fd;

		batch = n - i < 64 ? n - i : 64;
		for (j = i; j < i + batch; j++) {
			if (handles[j] == ZX_HANDLE_INVALID)
				continue;
			if (!retire(handles[j], &fd, &k[m])) {
				st = ZX_ERR_BAD_HANDLE;
				continue;
			}
			close_begin(&k[m]);
			m++;
		}
		for (j = 0; j < m; j++)
			close_finish(&k[j]);
	}
	return st;
}

static zx_status_t
dup_or_replace(zx_handle_t h, zx_rights_t rights, zx_handle_t *out,
    bool replace)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__HandleDuplicate d = ZXD__HANDLE_DUPLICATE__INIT;
	Zxd__HandleReplace r = ZXD__HANDLE_REPLACE__INIT;
	struct zxh_consume k;
	struct rpc_reply rep;
	zx_handle_t nh;
	zx_status_t st;

	if (replace) {
		r.rights = rights;
		req.body_case = ZXD__REQUEST__BODY_HANDLE_REPLACE;
		req.handle_replace = &r;
		zxh_consume_begin(h, &req, &k);
	} else {
		d.rights = rights;
		req.body_case = ZXD__REQUEST__BODY_HANDLE_DUPLICATE;
		req.handle_duplicate = &d;
	}
	st = rpc_call(h, &req, NULL, 0, &rep);
	/* replace consumes the source whatever the outcome. (A value that
	 * was no handle is left alone: another thread may have been given
	 * it since.) */
	if (replace)
		zxh_consume_end(h, &rep, &k);
	if (rep.rep == NULL)
		return st;
	if (st == ZX_OK)
		st = rpc_reply_handles(&rep, &nh, 1);
	rpc_reply_free(&rep);
	if (st != ZX_OK)
		return st;
	if (out == NULL) {
		zx_handle_close(nh);
		return ZX_ERR_INVALID_ARGS;
	}
	*out = nh;
	return ZX_OK;
}

EXPORT zx_status_t
zx_handle_duplicate(zx_handle_t h, zx_rights_t rights, zx_handle_t *out)
{
	return dup_or_replace(h, rights, out, false);
}

EXPORT zx_status_t
zx_handle_replace(zx_handle_t h, zx_rights_t rights, zx_handle_t *out)
{
	return dup_or_replace(h, rights, out, true);
}

EXPORT zx_status_t
zx_handle_check_valid(zx_handle_t h)
{
	if (h == ZX_HANDLE_INVALID)
		return ZX_ERR_INVALID_ARGS;
	if ((h & ZX_HANDLE_FIXED_BITS_MASK) != ZX_HANDLE_FIXED_BITS_MASK)
		return ZX_ERR_OUT_OF_RANGE;
	return zxh_get(h, NULL) != NULL ? ZX_OK : ZX_ERR_NOT_FOUND;
}
