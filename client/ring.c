/* The socket and FIFO data path in libzx: bytes go into and out of the
 * rings the daemon made, with pwrite/pread on their memfds (a bad user
 * buffer is an EFAULT, as Zircon's copy fault is INVALID_ARGS), and
 * only the counters are shared memory. */
#include "config-build.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "client/ring.h"

static void
side_unmap(struct ring_side *s)
{
	if (s->head != NULL)
		munmap(s->head, RING_PAGE);
	if (s->tail != NULL)
		munmap(s->tail, RING_PAGE);
	if (s->data_fd >= 0)
		close(s->data_fd);
}

static void
priv_free(void *arg)
{
	struct ring_priv *p = arg;

	side_unmap(&p->in);
	side_unmap(&p->out);
	if (p->notify_fd >= 0)
		close(p->notify_fd);
	if (p->sigpage != NULL)
		munmap(p->sigpage, RING_PAGE);
	free(p);
}

static void *
map_page(int fd, bool rw)
{
	void *m = mmap(NULL, RING_PAGE, rw ? PROT_READ | PROT_WRITE :
	    PROT_READ, MAP_SHARED, fd, 0);

	return m == MAP_FAILED ? NULL : m;
}

/* Ask the daemon for the handle's descriptors and map them. */
static zx_status_t
priv_fetch(zx_handle_t h, struct zxh *e, struct ring_priv **ret)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__RingSetup rs = ZXD__RING_SETUP__INIT;
	const Zxd__RingSetupReply *r;
	struct rpc_reply rep;
	struct ring_priv *p;
	atomic_uint *expect = NULL;
	zx_status_t st;
	uint32_t mask;
	size_t i = 0;
	void *sw;

	req.body_case = ZXD__REQUEST__BODY_RING_SETUP;
	req.ring_setup = &rs;
	st = rpc_call(h, &req, NULL, 0, &rep);
	if (st == ZX_OK && rep.rep->body_case != ZXD__REPLY__BODY_RING_SETUP)
		st = ZX_ERR_INTERNAL;
	p = st == ZX_OK ? calloc(1, sizeof(*p)) : NULL;
	if (st == ZX_OK && p == NULL)
		st = ZX_ERR_NO_MEMORY;
	if (st != ZX_OK) {
		rpc_reply_free(&rep);
		return st;
	}
	r = rep.rep->ring_setup;
	mask = r->mask;
	p->in.data_fd = p->out.data_fd = p->notify_fd = -1;
	p->end = r->end;
	p->options = r->options;
	p->elem_size = r->elem_size;
	p->in.cap = r->cap_in;
	p->in.max = r->max_in;
	p->out.cap = r->cap_out;
	p->out.max = r->max_out;
	p->can_read = mask & RING_RW_IN_TAIL;
	p->can_write = mask & RING_RW_OUT;
	st = ZX_ERR_INTERNAL;
	if (!(mask & RING_FD_SIGPAGE) || !(mask & RING_FD_IN_HEAD) ||
	    !(mask & RING_FD_IN_TAIL) || !(mask & RING_FD_OUT_HEAD) ||
	    !(mask & RING_FD_OUT_TAIL))
		goto fail;
	if (rep.nfds != (size_t)__builtin_popcount(mask & 0xff))
		goto fail;
	st = ZX_ERR_NO_MEMORY;
	if ((p->sigpage = map_page(rep.fds[i++], false)) == NULL)
		goto fail;
	/* A second mapping for the entry: zx_handle_close wakes waiters
	 * through it (a shared futex is keyed by the page, not the
	 * address). */
	sw = mmap(NULL, RING_PAGE, PROT_READ, MAP_SHARED, rep.fds[0], 0);
	if (sw != MAP_FAILED &&
	    !atomic_compare_exchange_strong(&e->sigword, &expect, sw))
		munmap(sw, RING_PAGE);
	p->sig = p->sigpage;
	p->ctl = (const struct ring_ctl *)((char *)p->sigpage +
	    RING_CTL_OFFSET);
	if ((p->in.head = map_page(rep.fds[i++], false)) == NULL ||
	    (p->in.tail = map_page(rep.fds[i++], p->can_read)) == NULL)
		goto fail;
	if (mask & RING_FD_IN_DATA) {
		p->in.data_fd = rep.fds[i];
		rep.fds[i++] = -1;
	}
	if ((p->out.head = map_page(rep.fds[i++], p->can_write)) == NULL ||
	    (p->out.tail = map_page(rep.fds[i++], false)) == NULL)
		goto fail;
	if (mask & RING_FD_OUT_DATA) {
		p->out.data_fd = rep.fds[i];
		rep.fds[i++] = -1;
	}
	if (mask & RING_FD_NOTIFY) {
		p->notify_fd = rep.fds[i];
		rep.fds[i++] = -1;
	}
	rpc_reply_free(&rep);
	*ret = p;
	return ZX_OK;
fail:
	rpc_reply_free(&rep);
	priv_free(p);
	return st;
}

zx_status_t
ring_get(zx_handle_t h, uint32_t type, zx_rights_t rights,
    struct zxh **ret_e, struct ring_priv **ret_p)
{
	struct ring_priv *p;
	struct zxh *e = zxh_get(h, NULL);
	zx_status_t st;

	if (e == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (e->type != type)
		return ZX_ERR_WRONG_TYPE;
	if ((e->rights & rights) != rights)
		return ZX_ERR_ACCESS_DENIED;
	if (!zxh_hold(e))
		return ZX_ERR_BAD_HANDLE;
	st = ring_priv_get(h, e, &p);
	if (st != ZX_OK) {
		atomic_fetch_sub(&e->waiters, 1);
		return st;
	}
	*ret_e = e;
	*ret_p = p;
	return ZX_OK;
}

zx_status_t
ring_priv_get(zx_handle_t h, struct zxh *e, struct ring_priv **ret)
{
	struct ring_priv *p, *expect = NULL;
	zx_status_t st;

	p = __atomic_load_n(&e->priv, __ATOMIC_ACQUIRE);
	if (p == NULL) {
		st = priv_fetch(h, e, &p);
		if (st != ZX_OK)
			return st;
		__atomic_store_n(&e->priv_free, priv_free, __ATOMIC_RELAXED);
		if (!__atomic_compare_exchange_n(&e->priv, (void **)&expect,
		    p, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			priv_free(p);
			p = expect;
		}
	}
	*ret = p;
	return ZX_OK;
}

size_t
ring_wait_words(const struct ring_priv *p, atomic_uint **words,
    unsigned *vals)
{
	uint32_t *w[RING_WAIT_WORDS - 1] = {
		(uint32_t *)p->sig + 1, (uint32_t *)&p->ctl->seq,
		&p->in.head->seq, &p->out.tail->seq,
	};

	for (size_t i = 0; i < RING_WAIT_WORDS - 1; i++) {
		words[i] = (atomic_uint *)w[i];
		vals[i] = __atomic_load_n(w[i], __ATOMIC_SEQ_CST);
	}
	return RING_WAIT_WORDS - 1;
}

void
ring_put(struct zxh *e)
{
	atomic_fetch_sub(&e->waiters, 1);
}

static uint64_t
used_of(const struct ring_side *s)
{
	uint64_t in = __atomic_load_n(&s->head->payload, __ATOMIC_ACQUIRE);
	uint64_t out = __atomic_load_n(&s->tail->payload, __ATOMIC_ACQUIRE);

	return in - out > s->max ? s->max : in - out;
}

zx_signals_t
ring_signals_now(const struct ring_priv *p)
{
	uint32_t kept = __atomic_load_n(p->sig, __ATOMIC_ACQUIRE);

	return ring_signals(kept, used_of(&p->in), used_of(&p->out),
	    p->out.max, __atomic_load_n(&p->ctl->rx_threshold,
	    __ATOMIC_ACQUIRE), __atomic_load_n(&p->ctl->tx_threshold,
	    __ATOMIC_ACQUIRE));
}

/* A robust, process-shared lock: a holder that died left the counters
 * consistent (they move only after the copy), so carry on. */
static zx_status_t
lock(pthread_mutex_t *m)
{
	int r = pthread_mutex_lock(m);

	if (r == EOWNERDEAD)
		r = pthread_mutex_consistent(m);
	return r == 0 ? ZX_OK : ZX_ERR_INTERNAL;
}

/* Tell waiters a ring moved: the futex word, and the daemon when it
 * watches this socket or FIFO (observers on ports). */
static void
bump(const struct ring_priv *p, uint32_t *seq)
{
	__atomic_add_fetch(seq, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	if (p->notify_fd >= 0 &&
	    __atomic_load_n(&p->ctl->watch, __ATOMIC_SEQ_CST) != 0) {
		uint64_t one = 1;

		if (write(p->notify_fd, &one, sizeof(one)) < 0) {
			/* Full (EAGAIN): the daemon has pokes to read. */
		}
	}
}

/* Copy len bytes between buf and the ring at position pos, wrapping.
 * Returns the bytes moved; *fault when the user buffer faulted. */
static size_t
copy(int fd, uint64_t cap, uint64_t pos, void *buf, size_t len, bool out,
    bool *fault)
{
	size_t done = 0;

	*fault = false;
	while (done < len) {
		uint64_t off = (pos + done) % cap;
		size_t n = len - done;
		ssize_t r;

		if (n > cap - off)
			n = (size_t)(cap - off);
		r = out ? pwrite(fd, (const char *)buf + done, n, (off_t)off) :
		    pread(fd, (char *)buf + done, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*fault = true;
			break;
		}
		done += (size_t)r;
		if ((size_t)r < n) {
			*fault = true;
			break;
		}
	}
	return done;
}

zx_status_t
ring_write(struct ring_priv *p, const void *buf, size_t len, size_t unit,
    bool rollback, size_t *actual)
{
	struct ring_side *s = &p->out;
	bool dgram = p->options & ZX_SOCKET_DATAGRAM, fault = false;
	uint64_t pos, used, room, n, done;
	zx_status_t st;

	if (!p->can_write || s->data_fd < 0)
		return ZX_ERR_ACCESS_DENIED;
	st = lock(&s->head->lock);
	if (st != ZX_OK)
		return st;
	pos = s->head->pos;
	used = used_of(s);
	if (used >= s->max) {
		st = ZX_ERR_SHOULD_WAIT;
		goto out;
	}
	if (dgram) {
		struct ring_dgram_hdr hdr = { .len = (uint32_t)len };
		uint64_t rec = RING_DGRAM_HDR + ((len + RING_DGRAM_ALIGN - 1) &
		    ~(uint64_t)(RING_DGRAM_ALIGN - 1));
		uint64_t tpos = __atomic_load_n(&s->tail->pos,
		    __ATOMIC_ACQUIRE);

		if (len > s->max) {
			st = ZX_ERR_OUT_OF_RANGE;
			goto out;
		}
		if (len + used > s->max || pos - tpos > s->cap ||
		    rec > s->cap - (pos - tpos)) {
			st = ZX_ERR_SHOULD_WAIT;
			goto out;
		}
		copy(s->data_fd, s->cap, pos, &hdr, sizeof(hdr), true,
		    &fault);
		if (!fault)
			copy(s->data_fd, s->cap, pos + RING_DGRAM_HDR,
			    (void *)buf, len, true, &fault);
		if (fault) {
			st = ZX_ERR_INVALID_ARGS;
			goto out;
		}
		__atomic_store_n(&s->head->payload, s->head->payload + len,
		    __ATOMIC_RELEASE);
		__atomic_store_n(&s->head->pos, pos + rec, __ATOMIC_RELEASE);
		done = len;
	} else {
		room = s->max - used;
		n = len < room ? len : room;
		n -= n % unit;
		if (n == 0) {
			st = ZX_ERR_SHOULD_WAIT;
			goto out;
		}
		done = copy(s->data_fd, s->cap, pos, (void *)buf, n, true,
		    &fault);
		if (fault) {
			st = ZX_ERR_INVALID_ARGS;
			if (rollback)
				done = 0;
		}
		done -= done % unit;
		if (done > 0) {
			__atomic_store_n(&s->head->payload,
			    s->head->payload + done, __ATOMIC_RELEASE);
			__atomic_store_n(&s->head->pos, pos + done,
			    __ATOMIC_RELEASE);
		}
	}
	if (done > 0)
		bump(p, &s->head->seq);
	if (st == ZX_OK)
		*actual = done;
out:
	pthread_mutex_unlock(&s->head->lock);
	return st;
}

zx_status_t
ring_read(struct ring_priv *p, void *buf, size_t len, size_t unit,
    bool peek, bool rollback, size_t *actual)
{
	struct ring_side *s = &p->in;
	bool dgram = p->options & ZX_SOCKET_DATAGRAM, fault = false;
	uint64_t hpos, tpos, avail, n, done, rec;
	zx_status_t st;

	if (!p->can_read || s->data_fd < 0)
		return ZX_ERR_ACCESS_DENIED;
	st = lock(&s->tail->lock);
	if (st != ZX_OK)
		return st;
	tpos = s->tail->pos;
	hpos = __atomic_load_n(&s->head->pos, __ATOMIC_ACQUIRE);
	avail = hpos - tpos;
	if (avail == 0 || avail > s->cap) {
		/* Empty, or a writer scribbled on its counters: it can only
		 * have hurt its own stream. */
		st = ZX_ERR_SHOULD_WAIT;
		goto out;
	}
	if (dgram) {
		struct ring_dgram_hdr hdr;

		copy(s->data_fd, s->cap, tpos, &hdr, sizeof(hdr), false,
		    &fault);
		rec = RING_DGRAM_HDR + (((uint64_t)hdr.len +
		    RING_DGRAM_ALIGN - 1) & ~(uint64_t)(RING_DGRAM_ALIGN - 1));
		if (fault || hdr.len > s->max || rec > avail) {
			st = ZX_ERR_SHOULD_WAIT;
			goto out;
		}
		if (len == 0 && !peek) {
			/* Consumes nothing. */
			*actual = 0;
			goto out;
		}
		n = len < hdr.len ? len : hdr.len;
		done = copy(s->data_fd, s->cap, tpos + RING_DGRAM_HDR, buf, n,
		    false, &fault);
		if (fault)
			st = ZX_ERR_INVALID_ARGS;
		if (!peek) {
			/* Consumed (truncated, or dropped on a fault). */
			__atomic_store_n(&s->tail->payload,
			    s->tail->payload + hdr.len, __ATOMIC_RELEASE);
			__atomic_store_n(&s->tail->pos, tpos + rec,
			    __ATOMIC_RELEASE);
			bump(p, &s->tail->seq);
		}
	} else {
		n = len < avail ? len : avail;
		n -= n % unit;
		done = n > 0 ? copy(s->data_fd, s->cap, tpos, buf, n, false,
		    &fault) : 0;
		if (fault) {
			st = ZX_ERR_INVALID_ARGS;
			if (rollback)
				done = 0;
		}
		done -= done % unit;
		if (!peek && done > 0) {
			__atomic_store_n(&s->tail->payload,
			    s->tail->payload + done, __ATOMIC_RELEASE);
			__atomic_store_n(&s->tail->pos, tpos + done,
			    __ATOMIC_RELEASE);
			bump(p, &s->tail->seq);
		}
	}
	if (st == ZX_OK)
		*actual = done;
out:
	pthread_mutex_unlock(&s->tail->lock);
	return st;
}

zx_status_t
ring_wait_one(zx_handle_t h, struct zxh *e, zx_signals_t signals,
    zx_time_t deadline, zx_signals_t *observed)
{
	struct monitor_wait mw = { 0 };
	struct ring_priv *p;
	struct zxh *e2;
	struct timespec ts;
	bool monitored = false;
	zx_status_t st;
	unsigned gen;

	if (!(e->rights & ZX_RIGHT_WAIT))
		return ZX_ERR_ACCESS_DENIED;
	st = ring_get(h, e->type, 0, &e2, &p);
	if (st != ZX_OK)
		return st;
	gen = atomic_load(&e->gen);
	mw.word = (atomic_uint *)p->sig;
	mw.epoch = e->epoch;
	if (deadline > 0 && deadline != ZX_TIME_INFINITE) {
		ts.tv_sec = deadline / 1000000000;
		ts.tv_nsec = deadline % 1000000000;
	}
	for (;;) {
		/* The signal word and the word after it (a change counter
		 * the daemon may wake instead), the thresholds' counter,
		 * and the two rings' words this end's signals follow. */
		uint32_t *words[5] = {
			(uint32_t *)p->sig, (uint32_t *)p->sig + 1,
			(uint32_t *)&p->ctl->seq, &p->in.head->seq,
			&p->out.tail->seq,
		};
		struct futex_waitv wv[5];
		zx_signals_t v;

		for (int i = 0; i < 5; i++) {
			wv[i].val = __atomic_load_n(words[i], __ATOMIC_SEQ_CST);
			wv[i].uaddr = (uintptr_t)words[i];
			wv[i].flags = FUTEX_32;
			wv[i].__reserved = 0;
		}
		v = ring_signals_now(p);
		if (atomic_load(&e->gen) != gen) {
			st = ZX_ERR_CANCELED;
			break;
		}
		if (v & signals) {
			st = ZX_OK;
			if (observed != NULL)
				*observed = v;
			break;
		}
		/* The daemon died: nothing it keeps will change again. */
		if (monitored && monitor_epoch_dead(mw.epoch)) {
			st = ZX_ERR_CANCELED;
			break;
		}
		if (deadline != ZX_TIME_INFINITE &&
		    zx_clock_get_monotonic() >= deadline) {
			st = ZX_ERR_TIMED_OUT;
			if (observed != NULL)
				*observed = v;
			break;
		}
		if (!monitored) {
			/* Only a wait that sleeps registers. */
			monitor_wait_enter(&mw);
			monitored = true;
			continue;
		}
		syscall(SYS_futex_waitv, wv, 5, 0,
		    deadline == ZX_TIME_INFINITE ? NULL : &ts,
		    CLOCK_MONOTONIC);
	}
	if (monitored)
		monitor_wait_leave(&mw);
	if (st == ZX_ERR_CANCELED && observed != NULL)
		*observed = ring_signals_now(p);
	ring_put(e);
	return st;
}
