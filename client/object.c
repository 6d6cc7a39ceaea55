/* zx_object_*, events, and the vDSO-style constants. */
#include "config-build.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "client/libzx.h"
#include "proto/pages.h"
#include "client/ring.h"

EXPORT uint32_t
zx_system_get_page_size(void)
{
	return (uint32_t)sysconf(_SC_PAGESIZE);
}

EXPORT zx_time_t
zx_clock_get_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (zx_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

EXPORT zx_time_t
zx_deadline_after(zx_duration_t d)
{
	zx_time_t now = zx_clock_get_monotonic();

	/* Saturating, as the vDSO's. */
	if (d > 0 && now > ZX_TIME_INFINITE - d)
		return ZX_TIME_INFINITE;
	if (d < 0 && now < ZX_TIME_INFINITE_PAST - d)
		return ZX_TIME_INFINITE_PAST;
	return now + d;
}

EXPORT zx_status_t
zx_nanosleep(zx_time_t deadline)
{
	struct timespec ts;

	if (deadline <= 0)
		return ZX_OK;
	if (deadline == ZX_TIME_INFINITE) {
		for (;;)
			pause();
	}
	ts.tv_sec = deadline / 1000000000;
	ts.tv_nsec = deadline % 1000000000;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
	return ZX_OK;
}

/*
 * ZX_INFO_HANDLE_BASIC without a round trip: a handle's koid, type,
 * rights and related koid are fixed for its life, and the daemon sent
 * them with the handle. Whether the handle is still alive is the daemon's
 * to say: its end of the handle's socket is open (a peek that does not
 * read EOF) unless it dropped the handle, or died. Returns false to
 * leave the call to the daemon (unknown handle, EOF).
 */
static bool
handle_basic_local(zx_handle_t h, void *buffer, size_t buffer_size,
    size_t *actual, size_t *avail, zx_status_t *ret)
{
	zx_info_handle_basic_t rec;
	struct zxh *e;
	char b;
	int fd;

	e = zxh_get(h, &fd);
	if (e == NULL || recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
		return false;
	/* As the daemon's answer: the record count on a short buffer. */
	if (buffer_size < sizeof(rec)) {
		if (actual != NULL)
			*actual = 0;
		if (avail != NULL)
			*avail = 1;
		*ret = ZX_ERR_BUFFER_TOO_SMALL;
		return true;
	}
	if (buffer == NULL) {
		*ret = ZX_ERR_INVALID_ARGS;
		return true;
	}
	memset(&rec, 0, sizeof(rec));
	rec.koid = e->koid;
	rec.rights = e->rights;
	rec.type = e->type;
	rec.related_koid = e->related_koid;
	/* The entry may have been closed meanwhile by another thread:
	 * then the handle was not valid at some point during the call. */
	if (!atomic_load(&e->live))
		return false;
	memcpy(buffer, &rec, sizeof(rec));
	if (actual != NULL)
		*actual = 1;
	if (avail != NULL)
		*avail = 1;
	*ret = ZX_OK;
	return true;
}

EXPORT zx_status_t
zx_object_get_info(zx_handle_t h, uint32_t topic, void *buffer,
    size_t buffer_size, size_t *actual, size_t *avail)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__GetInfo gi = ZXD__GET_INFO__INIT;
	struct rpc_reply rep;
	zx_status_t st;

	if (topic == ZX_INFO_HANDLE_BASIC &&
	    handle_basic_local(h, buffer, buffer_size, actual, avail, &st))
		return st;
	gi.topic = topic;
	gi.buffer_size = buffer_size;
	req.body_case = ZXD__REQUEST__BODY_GET_INFO;
	req.get_info = &gi;
	st = rpc_call(h, &req, NULL, 0, &rep);
	if (rep.rep == NULL)
		return st;
	if (rep.rep->body_case == ZXD__REPLY__BODY_GET_INFO) {
		Zxd__GetInfoReply *r = rep.rep->get_info;

		if (r->data.len > buffer_size) {
			st = ZX_ERR_INTERNAL;
			goto out;
		}
		if (r->data.len > 0) {
			if (buffer == NULL) {
				st = ZX_ERR_INVALID_ARGS;
				goto out;
			}
			memcpy(buffer, r->data.data, r->data.len);
		}
		if (actual != NULL)
			*actual = (size_t)r->actual;
		if (avail != NULL)
			*avail = (size_t)r->avail;
		/* ZX_INFO_HANDLE_TABLE's count-only form: no buffer and no
		 * avail, and actual gets the number of handles. */
		if (topic == ZX_INFO_HANDLE_TABLE && buffer == NULL && avail == NULL &&
		    actual != NULL)
			*actual = (size_t)r->avail;
	}
out:
	rpc_reply_free(&rep);
	return st;
}

EXPORT zx_status_t
zx_object_get_property(zx_handle_t h, uint32_t property, void *value,
    size_t size)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__GetProperty gp = ZXD__GET_PROPERTY__INIT;
	struct rpc_reply rep;
	zx_status_t st;

	if (value == NULL)
		return ZX_ERR_INVALID_ARGS;
	gp.property = property;
	gp.size = size;
	req.body_case = ZXD__REQUEST__BODY_GET_PROPERTY;
	req.get_property = &gp;
	st = rpc_call(h, &req, NULL, 0, &rep);
	if (rep.rep == NULL)
		return st;
	if (st == ZX_OK && rep.rep->body_case == ZXD__REPLY__BODY_PROPERTY) {
		ProtobufCBinaryData v = rep.rep->property->value;

		if (v.len > size)
			st = ZX_ERR_INTERNAL;
		else
			memcpy(value, v.data, v.len);
	}
	rpc_reply_free(&rep);
	return st;
}

EXPORT zx_status_t
zx_object_set_property(zx_handle_t h, uint32_t property, const void *value,
    size_t size)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__SetProperty sp = ZXD__SET_PROPERTY__INIT;

	if (value == NULL)
		return ZX_ERR_INVALID_ARGS;
	sp.property = property;
	/* Nothing the daemon keeps is longer than a page. */
	sp.value.len = size > 4096 ? 4096 : size;
	sp.value.data = (uint8_t *)value;
	req.body_case = ZXD__REQUEST__BODY_SET_PROPERTY;
	req.set_property = &sp;
	return rpc_call(h, &req, NULL, 0, NULL);
}

static zx_status_t
signal_common(zx_handle_t h, uint32_t clear, uint32_t set, bool peer)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ObjectSignal s = ZXD__OBJECT_SIGNAL__INIT;

	s.clear_mask = clear;
	s.set_mask = set;
	if (peer) {
		req.body_case = ZXD__REQUEST__BODY_OBJECT_SIGNAL_PEER;
		req.object_signal_peer = &s;
	} else {
		req.body_case = ZXD__REQUEST__BODY_OBJECT_SIGNAL;
		req.object_signal = &s;
	}
	return rpc_call(h, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_object_signal(zx_handle_t h, uint32_t clear_mask, uint32_t set_mask)
{
	return signal_common(h, clear_mask, set_mask, false);
}

EXPORT zx_status_t
zx_object_signal_peer(zx_handle_t h, uint32_t clear_mask, uint32_t set_mask)
{
	return signal_common(h, clear_mask, set_mask, true);
}

/* Map the object's signal page into the handle's entry. */
zx_status_t
zxh_sigword(zx_handle_t h, struct zxh *e, atomic_uint **ret)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__WaitSetup ws = ZXD__WAIT_SETUP__INIT;
	struct rpc_reply rep;
	atomic_uint *w, *expect = NULL;
	zx_status_t st;
	void *p;

	w = atomic_load(&e->sigword);
	if (w != NULL) {
		*ret = w;
		return ZX_OK;
	}
	req.body_case = ZXD__REQUEST__BODY_WAIT_SETUP;
	req.wait_setup = &ws;
	st = rpc_call(h, &req, NULL, 0, &rep);
	if (rep.rep == NULL)
		return st;
	if (st == ZX_OK && rep.nfds != 1)
		st = ZX_ERR_INTERNAL;
	if (st != ZX_OK) {
		rpc_reply_free(&rep);
		return st;
	}
	p = mmap(NULL, SIGPAGE_SIZE, PROT_READ, MAP_SHARED, rep.fds[0], 0);
	rpc_reply_free(&rep);
	if (p == MAP_FAILED)
		return ZX_ERR_NO_MEMORY;
	if (!atomic_compare_exchange_strong(&e->sigword, &expect, p)) {
		munmap(p, SIGPAGE_SIZE);
		p = expect;
	}
	*ret = p;
	return ZX_OK;
}

/* The signal page's words beside the state (objects/object.h): a strobe
 * count and the bits strobed. A strobed signal (a shared region's
 * ZX_IOB_SHARED_REGION_UPDATED) is never left asserted: a waiter sees
 * it as the count moving, and sleeps on both words at once. */
#define SIGWORD_STROBE_SEQ	1
#define SIGWORD_STROBED		2

static bool
may_strobe(const struct zxh *e, zx_signals_t signals)
{
	return e->type == ZX_OBJ_TYPE_IOB_SHARED_REGION &&
	    (signals & ZX_OBJECT_SIGNALED);
}

/* Sleep until word 0 differs from v or the strobe count from seq. */
static void
wait_words(atomic_uint *w, unsigned v, unsigned seq, bool strobe,
    const struct timespec *ts)
{
	struct futex_waitv fw[2];

	if (!strobe) {
		/* Monotonic absolute deadline; FUTEX_WAIT_BITSET without
		 * FUTEX_CLOCK_REALTIME uses CLOCK_MONOTONIC. */
		syscall(SYS_futex, w, FUTEX_WAIT_BITSET, v, ts, NULL,
		    FUTEX_BITSET_MATCH_ANY);
		return;
	}
	memset(fw, 0, sizeof(fw));
	fw[0].val = v;
	fw[0].uaddr = (uintptr_t)w;
	fw[0].flags = FUTEX_32;
	fw[1].val = seq;
	fw[1].uaddr = (uintptr_t)&w[SIGWORD_STROBE_SEQ];
	fw[1].flags = FUTEX_32;
	syscall(SYS_futex_waitv, fw, 2, 0, ts, CLOCK_MONOTONIC);
}

/* The signals of a handle's object as this process sees them: the
 * daemon's word 0, except READABLE of a channel handle holding a delivery
 * socket, which its reads take without the daemon seeing them (unless the
 * socket says EOF: then the daemon's word). */
static zx_signals_t
item_signals(struct zxh *e, atomic_uint *w)
{
	zx_signals_t v = atomic_load(&w[ZXD_SIGPAGE_SIGNALS]);

	if (atomic_load(&e->dfd) >= 0) {
		int r = dlv_readable(e);

		if (r >= 0)
			v = r ? v | ZX_CHANNEL_READABLE :
			    v & ~ZX_CHANNEL_READABLE;
	}
	return v;
}

EXPORT zx_status_t
zx_object_wait_one(zx_handle_t h, zx_signals_t signals, zx_time_t deadline,
    zx_signals_t *observed)
{
	struct monitor_wait mw = { 0 };
	bool registered = false;
	struct timespec ts;
	struct zxh *e;
	atomic_uint *w;
	zx_status_t st;
	unsigned gen, seq0;
	bool strobe;

	e = zxh_get(h, NULL);
	if (e == NULL)
		return ZX_ERR_BAD_HANDLE;
	atomic_fetch_add(&e->waiters, 1);
	gen = atomic_load(&e->gen);
	if (!atomic_load(&e->live)) {
		st = ZX_ERR_BAD_HANDLE;
		goto out;
	}
	if (e->type == ZX_OBJ_TYPE_SOCKET || e->type == ZX_OBJ_TYPE_FIFO) {
		/* Their signals follow from the rings (client/ring.c). */
		st = ring_wait_one(h, e, signals, deadline, observed);
		goto out;
	}
	st = zxh_sigword(h, e, &w);
	if (st != ZX_OK)
		goto out;
	if (deadline > 0 && deadline != ZX_TIME_INFINITE) {
		ts.tv_sec = deadline / 1000000000;
		ts.tv_nsec = deadline % 1000000000;
	}
	strobe = may_strobe(e, signals);
	seq0 = strobe ? atomic_load(&w[SIGWORD_STROBE_SEQ]) : 0;
	for (;;) {
		/* Our change counter first (any change after this read wakes
		 * the futex wait below), or the strobe count. */
		unsigned cnt = atomic_load(&w[ZXD_SIGPAGE_SEQ]);
		unsigned seq = strobe ? atomic_load(&w[SIGWORD_STROBE_SEQ]) : 0;
		unsigned v = item_signals(e, w);

		if (strobe && seq != seq0)
			v |= atomic_load(&w[SIGWORD_STROBED]) & signals;
		/* Closed by another thread, or zxd died: the handle was
		 * invalidated during the wait. */
		if (atomic_load(&e->gen) != gen || zxh_orphaned(e)) {
			st = ZX_ERR_CANCELED;
			if (observed != NULL)
				*observed = v;
			break;
		}
		if (v & signals) {
			if (observed != NULL)
				*observed = v;
			st = ZX_OK;
			break;
		}
		if (deadline != ZX_TIME_INFINITE &&
		    zx_clock_get_monotonic() >= deadline) {
			if (observed != NULL)
				*observed = v;
			st = ZX_ERR_TIMED_OUT;
			break;
		}
		if (!registered) {
			/* Only a wait that sleeps registers, so the monitor
			 * can wake it if zxd dies (mw.word: the word this
			 * wait sleeps on). A death before this shows in
			 * zxh_orphaned now; any other change since cnt (or
			 * seq) was read ends the sleep at once, so the
			 * state need not be read again. */
			mw.word = strobe ? w : &w[ZXD_SIGPAGE_SEQ];
			mw.epoch = e->epoch;
			monitor_wait_enter(&mw);
			registered = true;
			if (atomic_load(&e->gen) != gen || zxh_orphaned(e))
				continue;
		}
		/* The monitor wakes mw.word if zxd dies. A strobe wait
		 * sleeps on word 0 and the strobe sequence (wait_words);
		 * others on the change counter. */
		if (strobe)
			wait_words(w, v, seq, strobe,
			    deadline == ZX_TIME_INFINITE ? NULL : &ts);
		else
			syscall(SYS_futex, &w[ZXD_SIGPAGE_SEQ],
			    FUTEX_WAIT_BITSET, cnt, deadline ==
			    ZX_TIME_INFINITE ? NULL : &ts, NULL,
			    FUTEX_BITSET_MATCH_ANY);
	}
	if (registered)
		monitor_wait_leave(&mw);
out:
	atomic_fetch_sub(&e->waiters, 1);
	return st;
}

#ifndef FUTEX_32
#define FUTEX_32	2
struct futex_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t __reserved;
};
#endif
#ifndef SYS_futex_waitv
#define SYS_futex_waitv	449
#endif

/* Sleep until one of the n words differs from vals[] (or a spurious
 * wakeup), or the deadline. */
static void
wait_many_words(atomic_uint *const *words, const unsigned *vals, size_t n,
    zx_time_t deadline)
{
	struct futex_waitv fw[FUTEX_WAITV_MAX];
	struct timespec ts, *tsp = NULL;
	size_t k = 0;

	if (deadline != ZX_TIME_INFINITE) {
		ts.tv_sec = deadline / 1000000000;
		ts.tv_nsec = deadline % 1000000000;
		tsp = &ts;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j;

		/* The same object twice (duplicates, or one handle named
		 * twice) is one word to wait on. */
		for (j = 0; j < k; j++)
			if (fw[j].uaddr == (uintptr_t)words[i])
				break;
		if (j < k)
			continue;
		if (k == FUTEX_WAITV_MAX) {
			/* More words than one wait takes (sockets and FIFOs
			 * bring five each): look again every millisecond. */
			zx_time_t soon = zx_clock_get_monotonic() + 1000000;

			if (deadline == ZX_TIME_INFINITE || soon < deadline) {
				ts.tv_sec = soon / 1000000000;
				ts.tv_nsec = soon % 1000000000;
				tsp = &ts;
			}
			break;
		}
		fw[k].val = vals[i];
		fw[k].uaddr = (uintptr_t)words[i];
		fw[k].flags = FUTEX_32;
		fw[k].__reserved = 0;
		k++;
	}
	if (syscall(SYS_futex_waitv, fw, k, 0, tsp, CLOCK_MONOTONIC) < 0 &&
	    errno == ENOSYS) {
		/* Before Linux 5.16: one word at a time, briefly. */
		struct timespec slice = { 0, 1000000 };

		syscall(SYS_futex, words[0], FUTEX_WAIT, vals[0], &slice,
		    NULL, 0);
	}
}

EXPORT zx_status_t
zx_object_wait_many(zx_wait_item_t *items, size_t count, zx_time_t deadline)
{
	struct zxh *es[ZX_WAIT_MANY_MAX_ITEMS];
	atomic_uint *ws[ZX_WAIT_MANY_MAX_ITEMS];
	unsigned gens[ZX_WAIT_MANY_MAX_ITEMS], vals[ZX_WAIT_MANY_MAX_ITEMS];
	/* Shared regions: the strobe count when the wait began (a strobed
	 * signal is seen as the count moving, as in wait_one). */
	unsigned seq0[ZX_WAIT_MANY_MAX_ITEMS];
	bool strobe[ZX_WAIT_MANY_MAX_ITEMS];
	/* Sockets and FIFOs: their signals follow from the rings, and
	 * more words wake them (client/ring.c). */
	struct ring_priv *rps[ZX_WAIT_MANY_MAX_ITEMS];
	zx_signals_t sigs[ZX_WAIT_MANY_MAX_ITEMS];
	atomic_uint *allw[ZX_WAIT_MANY_MAX_ITEMS * RING_WAIT_WORDS];
	unsigned allv[ZX_WAIT_MANY_MAX_ITEMS * RING_WAIT_WORDS];
	struct monitor_wait mw = { 0 };
	bool registered = false;
	zx_status_t st = ZX_OK;
	size_t i, n = 0, nw;

	if (count == 0) {
		/* A sleep until the deadline. */
		zx_nanosleep(deadline);
		return ZX_ERR_TIMED_OUT;
	}
	if (count > ZX_WAIT_MANY_MAX_ITEMS)
		return ZX_ERR_OUT_OF_RANGE;
	if (items == NULL)
		return ZX_ERR_INVALID_ARGS;
	for (n = 0; n < count; n++) {
		es[n] = zxh_get(items[n].handle, NULL);
		if (es[n] == NULL) {
			st = ZX_ERR_BAD_HANDLE;
			break;
		}
		atomic_fetch_add(&es[n]->waiters, 1);
		gens[n] = atomic_load(&es[n]->gen);
		rps[n] = NULL;
		if (!atomic_load(&es[n]->live))
			st = ZX_ERR_BAD_HANDLE;
		else if (es[n]->type == ZX_OBJ_TYPE_SOCKET ||
		    es[n]->type == ZX_OBJ_TYPE_FIFO) {
			st = !(es[n]->rights & ZX_RIGHT_WAIT) ?
			    ZX_ERR_ACCESS_DENIED :
			    ring_priv_get(items[n].handle, es[n], &rps[n]);
			if (st == ZX_OK)
				ws[n] = (atomic_uint *)rps[n]->sig;
		} else
			st = zxh_sigword(items[n].handle, es[n], &ws[n]);
		if (st != ZX_OK) {
			n++;
			break;
		}
		strobe[n] = rps[n] == NULL && may_strobe(es[n],
		    items[n].waitfor);
		seq0[n] = strobe[n] ? atomic_load(&ws[n][SIGWORD_STROBE_SEQ]) :
		    0;
	}
	if (st != ZX_OK)
		goto out;
	for (;;) {
		bool any = false, closed = false;

		nw = 0;
		for (i = 0; i < n; i++) {
			if (rps[i] != NULL) {
				vals[i] = atomic_load(ws[i]);
				allw[nw] = ws[i];
				allv[nw++] = vals[i];
				nw += ring_wait_words(rps[i], allw + nw,
				    allv + nw);
				sigs[i] = ring_signals_now(rps[i]);
			} else {
				/* As zx_object_wait_one: the change counter
				 * first (it moves on every change of word 0
				 * and every push into a delivery socket),
				 * then the state it covers. */
				allw[nw] = &ws[i][ZXD_SIGPAGE_SEQ];
				allv[nw] = atomic_load(allw[nw]);
				nw++;
				sigs[i] = item_signals(es[i], ws[i]);
			}
			if (strobe[i]) {
				unsigned seq = atomic_load(
				    &ws[i][SIGWORD_STROBE_SEQ]);

				allw[nw] = &ws[i][SIGWORD_STROBE_SEQ];
				allv[nw++] = seq;
				if (seq != seq0[i])
					sigs[i] |= atomic_load(
					    &ws[i][SIGWORD_STROBED]) &
					    items[i].waitfor;
			}
			if (atomic_load(&es[i]->gen) != gens[i] ||
			    zxh_orphaned(es[i]))
				closed = true;
			if (sigs[i] & items[i].waitfor)
				any = true;
		}
		if (closed) {
			for (i = 0; i < n; i++) {
				items[i].pending = sigs[i];
				if (atomic_load(&es[i]->gen) != gens[i])
					items[i].pending |=
					    ZX_SIGNAL_HANDLE_CLOSED;
			}
			st = ZX_ERR_CANCELED;
			break;
		}
		if (any || (deadline != ZX_TIME_INFINITE &&
		    zx_clock_get_monotonic() >= deadline)) {
			for (i = 0; i < n; i++)
				items[i].pending = sigs[i];
			st = any ? ZX_OK : ZX_ERR_TIMED_OUT;
			break;
		}
		if (!registered) {
			/* As wait_one: only a wait that sleeps registers,
			 * so the monitor wakes it if zxd dies (one word of
			 * the set is enough). */
			mw.word = allw[0];
			mw.epoch = es[0]->epoch;
			for (i = 1; i < n; i++)
				if (es[i]->epoch < mw.epoch)
					mw.epoch = es[i]->epoch;
			monitor_wait_enter(&mw);
			registered = true;
			/* As wait_one: a death before this shows now, any
			 * other change ends the sleep at once. */
			for (i = 0; i < n; i++)
				if (zxh_orphaned(es[i]))
					break;
			if (i < n)
				continue;
		}
		wait_many_words(allw, allv, nw, deadline);
	}
	if (registered)
		monitor_wait_leave(&mw);
out:
	for (i = 0; i < n; i++)
		atomic_fetch_sub(&es[i]->waiters, 1);
	return st;
}
EXPORT zx_status_t
zx_event_create(uint32_t options, zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__EventCreate ec = ZXD__EVENT_CREATE__INIT;
	zx_handle_t h;
	zx_status_t st;

	ec.options = options;
	req.body_case = ZXD__REQUEST__BODY_EVENT_CREATE;
	req.event_create = &ec;
	st = rpc_new_handles(RPC_CONTROL, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}

EXPORT zx_status_t
zx_eventpair_create(uint32_t options, zx_handle_t *out0, zx_handle_t *out1)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__EventpairCreate ec = ZXD__EVENTPAIR_CREATE__INIT;
	zx_handle_t h[2];
	zx_status_t st;

	ec.options = options;
	req.body_case = ZXD__REQUEST__BODY_EVENTPAIR_CREATE;
	req.eventpair_create = &ec;
	st = rpc_new_handles(RPC_CONTROL, &req, NULL, 0, h, 2);
	if (st != ZX_OK)
		return st;
	return rpc_out_pair(h, out0, out1);
}
