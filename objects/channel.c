/* Channels: message queues, zx_channel_call's txid matching, and the
 * release of queued handles. */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>

#include "objects/channel.h"

struct channel {
	struct object base;		/* first */
	struct channel_msg *head, *tail;	/* written by the peer */
	size_t nmsgs;
	uint64_t bytes;
	struct channel_waiter *waiters;	/* calls made on this endpoint */
	uint32_t txid;			/* last generated, low 31 bits */
	/* Delivery (doc/DATAPATH.md): messages pushed into the sink and
	 * perhaps not read yet; counted again from zero whenever the sink
	 * is found drained, exactly when it is stopped. */
	struct channel_sink *sink;
	size_t npushed;
	uint64_t pushed_bytes;
};

/*
 * Messages being freed. Freeing a message frees its handles, which can
 * destroy a channel whose own queue must then be freed, and so on down a
 * chain a client can make as long as it likes: the queue is drained in a
 * loop instead of by recursion.
 */
static struct channel_msg *reap_head, *reap_tail;
static bool reaping;
static const struct channel_quota *quota;

void
channel_set_quota(const struct channel_quota *q)
{
	quota = q;
}

void
channel_msg_discharge(struct channel_msg *m)
{
	if (m->payer == NULL || quota == NULL)
		return;
	if (m->charged)
		quota->uncharge(m->payer, m->nbytes);
	m->charged = false;
	quota->release(m->payer);
	m->payer = NULL;
}

/* Charge m to its payer as it is queued. */
static zx_status_t
msg_charge(struct channel_msg *m)
{
	zx_status_t st;

	if (m->payer == NULL || quota == NULL || m->charged)
		return ZX_OK;
	st = quota->charge(m->payer, m->nbytes);
	m->charged = st == ZX_OK;
	return st;
}

static struct channel *
to_channel(struct object *o)
{
	return (struct channel *)o;
}

static void
reap_add(struct channel_msg *first, struct channel_msg *last)
{
	if (first == NULL)
		return;
	last->next = NULL;
	if (reap_tail != NULL)
		reap_tail->next = first;
	else
		reap_head = first;
	reap_tail = last;
	if (reaping)
		return;
	reaping = true;
	while (reap_head != NULL) {
		struct channel_msg *m = reap_head;

		reap_head = m->next;
		if (reap_head == NULL)
			reap_tail = NULL;
		channel_msg_discharge(m);
		for (uint32_t i = 0; i < m->nhandles; i++)
			handle_free(m->handles[i]);
		free(m);
	}
	reaping = false;
}

void
channel_msg_free(struct channel_msg *m)
{
	if (m != NULL)
		reap_add(m, m);
}

zx_status_t
channel_msg_new(uint32_t nbytes, uint32_t nhandles, struct channel_msg **ret)
{
	struct channel_msg *m;

	if (nbytes > ZX_CHANNEL_MAX_MSG_BYTES ||
	    nhandles > ZX_CHANNEL_MAX_MSG_HANDLES)
		return ZX_ERR_OUT_OF_RANGE;
	m = calloc(1, sizeof(*m) + nhandles * sizeof(m->handles[0]) + nbytes);
	if (m == NULL)
		return ZX_ERR_NO_MEMORY;
	m->nbytes = nbytes;
	m->nhandles = nhandles;
	m->data = (uint8_t *)&m->handles[nhandles];
	*ret = m;
	return ZX_OK;
}

static void
waiter_unlink(struct channel_waiter *w)
{
	struct channel *ch = to_channel(w->endpoint);

	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		ch->waiters = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	w->prev = w->next = NULL;
	w->endpoint = NULL;
}

bool
channel_call_abort(struct channel_waiter *w, zx_status_t st)
{
	if (w->endpoint == NULL)
		return false;
	waiter_unlink(w);
	w->finish(w, st, NULL);
	return true;
}

void
channel_abort_calls(struct object *o, zx_status_t st)
{
	struct channel *ch = to_channel(o);

	while (ch->waiters != NULL)
		channel_call_abort(ch->waiters, st);
}

/* Messages queued on ch, wherever they wait. */
static size_t
pending(const struct channel *ch)
{
	return ch->nmsgs + ch->npushed;
}

static bool
sink_readable(const struct channel *ch)
{
	return ch->sink != NULL && !ch->sink->drained(ch->sink);
}

/* READABLE as the daemon can know it: something in the queue or in the
 * sink. */
static void
refresh_readable(struct channel *ch)
{
	if (ch->head != NULL || sink_readable(ch))
		object_signal(&ch->base, 0, ZX_CHANNEL_READABLE);
	else
		object_signal(&ch->base, ZX_CHANNEL_READABLE, 0);
}

/* Push m into the sink; false leaves m to the caller. */
static bool
sink_push(struct channel *ch, struct channel_msg *m)
{
	struct channel_sink *s = ch->sink;
	uint32_t nbytes = m->nbytes;
	int drained = -1;
	/* Observers (port waits) need the edge exactly; futex waiters
	 * sleep on the change counter, which every push moves. */
	zx_status_t st = s->push(s, m, ch->base.observers != NULL,
	    &drained);

	if (drained == 1) {
		ch->npushed = 0;
		ch->pushed_bytes = 0;
	}
	if (st != ZX_OK)
		return false;
	ch->npushed++;
	ch->pushed_bytes += nbytes;
	if (drained == 1) {
		/* The reader emptied the sink without the daemon seeing
		 * it: this message is a new edge of READABLE. */
		object_signal_reassert(&ch->base, ZX_CHANNEL_READABLE);
	} else if (ch->base.signals & ZX_CHANNEL_READABLE) {
		/* Asserted already (or not known to be otherwise, with
		 * nobody observing): only the waiters must look again. */
		object_signal_notify(&ch->base);
	} else {
		object_signal(&ch->base, 0, ZX_CHANNEL_READABLE);
	}
	return true;
}

static void
backlog_push_head(struct channel *ch, struct channel_msg *m)
{
	m->next = ch->head;
	ch->head = m;
	if (ch->tail == NULL)
		ch->tail = m;
	ch->nmsgs++;
	ch->bytes += m->nbytes;
}

static struct channel_msg *
backlog_pop(struct channel *ch)
{
	struct channel_msg *m = ch->head;

	ch->head = m->next;
	if (ch->head == NULL)
		ch->tail = NULL;
	ch->nmsgs--;
	ch->bytes -= m->nbytes;
	m->next = NULL;
	return m;
}

/* Push the backlog into the sink as far as it goes; mark what remains. */
static void
sink_flush(struct channel *ch)
{
	while (ch->head != NULL) {
		struct channel_msg *m = backlog_pop(ch);

		if (!sink_push(ch, m)) {
			backlog_push_head(ch, m);
			break;
		}
	}
	if (ch->head != NULL && !ch->sink->mark(ch->sink))
		channel_sink_stop(&ch->base);
}

static void
enqueue(struct channel *ch, struct channel_msg *m)
{
	m->next = NULL;
	if (ch->sink != NULL && ch->head == NULL && sink_push(ch, m))
		return;
	if (ch->tail != NULL)
		ch->tail->next = m;
	else
		ch->head = m;
	ch->tail = m;
	ch->nmsgs++;
	ch->bytes += m->nbytes;
	/* The first message the sink could not take: tell its reader. */
	if (ch->sink != NULL && ch->head == m && !ch->sink->mark(ch->sink))
		channel_sink_stop(&ch->base);
	object_signal(&ch->base, 0, ZX_CHANNEL_READABLE);
}

/* Whether one more message fits on ch: counted exactly (the sink's
 * unread messages taken back) before saying no. */
static bool
room_for_one(struct channel *ch)
{
	if (pending(ch) < CHANNEL_MAX_PENDING)
		return true;
	/* The pushes counted may all have been read (pushes do not always
	 * look, doc/DATAPATH.md): then nothing needs taking back. */
	if (ch->sink != NULL && ch->sink->drained(ch->sink)) {
		ch->npushed = 0;
		ch->pushed_bytes = 0;
		if (pending(ch) < CHANNEL_MAX_PENDING)
			return true;
	}
	if (ch->sink != NULL)
		channel_sink_stop(&ch->base);
	return pending(ch) < CHANNEL_MAX_PENDING;
}

void
channel_refresh_signals(struct object *o)
{
	refresh_readable(to_channel(o));
}

bool
channel_has_sink(const struct object *o)
{
	return to_channel((struct object *)o)->sink != NULL;
}

void
channel_sink_attach(struct object *o, struct channel_sink *s)
{
	struct channel *ch = to_channel(o);

	ch->sink = s;
	ch->npushed = 0;
	ch->pushed_bytes = 0;
	sink_flush(ch);
}

void
channel_sink_refill(struct object *o)
{
	struct channel *ch = to_channel(o);

	if (ch->sink != NULL)
		sink_flush(ch);
}

void
channel_sink_stop(struct object *o)
{
	struct channel *ch = to_channel(o);
	struct channel_sink *s = ch->sink;
	struct channel_msg *list, *last = NULL;

	if (s == NULL)
		return;
	ch->sink = NULL;
	ch->npushed = 0;
	ch->pushed_bytes = 0;
	list = s->reclaim(s);
	/* Unread, so older than anything still queued here. */
	for (struct channel_msg *m = list; m != NULL; m = m->next) {
		ch->nmsgs++;
		ch->bytes += m->nbytes;
		last = m;
	}
	if (last != NULL) {
		last->next = ch->head;
		if (ch->head == NULL)
			ch->tail = last;
		ch->head = list;
	}
	refresh_readable(ch);
}

static zx_txid_t
msg_txid(const struct channel_msg *m)
{
	zx_txid_t t = 0;

	if (m->nbytes >= sizeof(t))
		memcpy(&t, m->data, sizeof(t));
	return t;
}

zx_status_t
channel_write(struct object *o, struct channel_msg *m)
{
	struct channel *peer = o->peer ? to_channel(o->peer) : NULL;
	zx_status_t st;
	zx_txid_t t;

	if (peer == NULL)
		return ZX_ERR_PEER_CLOSED;
	/* A reply to a call in progress on the peer goes to that call and
	 * never shows in the queue. */
	t = msg_txid(m);
	if (t >= CHANNEL_CALL_TXID_MIN) {
		for (struct channel_waiter *w = peer->waiters; w != NULL;
		    w = w->next) {
			if (w->txid == t) {
				waiter_unlink(w);
				w->finish(w, ZX_OK, m);
				return ZX_OK;
			}
		}
	}
	if (!room_for_one(peer))
		return ZX_ERR_NO_RESOURCES;
	st = msg_charge(m);
	if (st != ZX_OK)
		return st;
	enqueue(peer, m);
	return ZX_OK;
}

zx_status_t
channel_read(struct object *o, uint32_t *nbytes, uint32_t *nhandles,
    bool may_discard, struct channel_msg **ret)
{
	struct channel *ch = to_channel(o);
	struct channel_msg *m;
	zx_status_t st = ZX_OK;

	/* Read by request while the sink holds messages (libzx reads
	 * those itself): take them back first, to keep the order. */
	if (sink_readable(ch))
		channel_sink_stop(o);
	m = ch->head;
	if (m == NULL)
		return o->peer == NULL ? ZX_ERR_PEER_CLOSED :
		    ZX_ERR_SHOULD_WAIT;
	if (m->nbytes > *nbytes || m->nhandles > *nhandles) {
		st = ZX_ERR_BUFFER_TOO_SMALL;
		if (!may_discard) {
			*nbytes = m->nbytes;
			*nhandles = m->nhandles;
			return st;
		}
	}
	*nbytes = m->nbytes;
	*nhandles = m->nhandles;
	backlog_pop(ch);
	refresh_readable(ch);
	if (st != ZX_OK) {
		channel_msg_free(m);
		return st;
	}
	*ret = m;
	return ZX_OK;
}

void
channel_unread(struct object *o, struct channel_msg *m)
{
	struct channel *ch = to_channel(o);

	backlog_push_head(ch, m);
	object_signal(o, 0, ZX_CHANNEL_READABLE);
}

zx_status_t
channel_call_begin(struct object *o, struct channel_msg *m,
    struct channel_waiter *w)
{
	struct channel *ch = to_channel(o);
	struct channel *peer = o->peer ? to_channel(o->peer) : NULL;
	zx_status_t st;
	zx_txid_t t;

	if (peer == NULL)
		return ZX_ERR_PEER_CLOSED;
	if (!room_for_one(peer))
		return ZX_ERR_NO_RESOURCES;
	st = msg_charge(m);
	if (st != ZX_OK)
		return st;
	/* Unique among the calls in progress on this endpoint. */
	for (;;) {
		struct channel_waiter *x;

		ch->txid = (ch->txid + 1) & ~CHANNEL_CALL_TXID_MIN;
		t = ch->txid | CHANNEL_CALL_TXID_MIN;
		for (x = ch->waiters; x != NULL && x->txid != t; x = x->next)
			;
		if (x == NULL)
			break;
	}
	memcpy(m->data, &t, sizeof(t));
	w->txid = t;
	w->endpoint = o;
	w->prev = NULL;
	w->next = ch->waiters;
	if (ch->waiters != NULL)
		ch->waiters->prev = w;
	ch->waiters = w;
	/* The request itself is queued even if the peer has a call waiting
	 * on the same txid, as Zircon does. */
	enqueue(peer, m);
	return ZX_OK;
}

static void
channel_zero_handles(struct object *o)
{
	struct object *p = o->peer;

	channel_sink_stop(o);
	channel_abort_calls(o, ZX_ERR_CANCELED);
	if (p == NULL)
		return;
	/* The reader of the survivor learns of it from the daemon, after
	 * the messages still queued (doc/DATAPATH.md). */
	channel_sink_stop(p);
	p->peer = NULL;
	o->peer = NULL;
	object_signal(p, ZX_CHANNEL_WRITABLE, ZX_CHANNEL_PEER_CLOSED);
	channel_abort_calls(p, ZX_ERR_PEER_CLOSED);
}

static void
channel_destroy(struct object *o)
{
	struct channel *ch = to_channel(o);
	struct channel_msg *head, *tail;

	channel_sink_stop(o);
	head = ch->head;
	tail = ch->tail;
	channel_abort_calls(o, ZX_ERR_CANCELED);
	free(ch);
	reap_add(head, tail);
}

static uint64_t
channel_memory_bytes(const struct object *o)
{
	const struct channel *ch = (const struct channel *)o;

	return ch->bytes + ch->pushed_bytes;
}

/* Delivery is for an endpoint's only handle. */
static void
channel_handle_added(struct object *o)
{
	if (o->handle_count > 1)
		channel_sink_stop(o);
}

static const struct object_ops channel_ops = {
	.type = ZX_OBJ_TYPE_CHANNEL,
	.name = "channel",
	.default_rights = ZX_DEFAULT_CHANNEL_RIGHTS,
	.waitable = true,
	.peered = true,
	.on_zero_handles = channel_zero_handles,
	.destroy = channel_destroy,
	.memory_bytes = channel_memory_bytes,
	.handle_added = channel_handle_added,
	/* Its reader takes pushed messages without the daemon seeing it:
	 * observers (port waits) see READABLE as the socket has it. */
	.refresh = channel_refresh_signals,
};

zx_status_t
channel_create(uint32_t options, struct object **ret0, struct object **ret1)
{
	struct channel *a, *b;

	if (options != 0)
		return ZX_ERR_INVALID_ARGS;
	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return ZX_ERR_NO_MEMORY;
	}
	object_init(&a->base, &channel_ops);
	object_init(&b->base, &channel_ops);
	object_pair(&a->base, &b->base);
	object_signal(&a->base, 0, ZX_CHANNEL_WRITABLE);
	object_signal(&b->base, 0, ZX_CHANNEL_WRITABLE);
	*ret0 = &a->base;
	*ret1 = &b->base;
	return ZX_OK;
}

bool
channel_is(const struct object *o)
{
	return o->ops == &channel_ops;
}

const struct channel_msg *
channel_queue(const struct object *o)
{
	return channel_is(o) ? ((const struct channel *)o)->head : NULL;
}

void
channel_drop_queue(struct object *o)
{
	struct channel *ch = to_channel(o);
	struct channel_msg *head = ch->head, *tail = ch->tail;

	if (!channel_is(o) || head == NULL)
		return;
	ch->head = ch->tail = NULL;
	ch->nmsgs = 0;
	ch->bytes = 0;
	object_signal(o, ZX_CHANNEL_READABLE, 0);
	reap_add(head, tail);
}

void
channel_release_all(void)
{
	bool again = true;

	while (again) {
		again = false;
		for (struct object *o = object_first(); o != NULL;
		    o = object_next(o)) {
			struct channel *ch = to_channel(o);
			struct channel_msg *head, *tail;

			if (o->ops != &channel_ops || ch->head == NULL)
				continue;
			head = ch->head;
			tail = ch->tail;
			ch->head = ch->tail = NULL;
			ch->nmsgs = 0;
			ch->bytes = 0;
			object_ref(o);
			reap_add(head, tail);
			object_unref(o);
			/* Freeing may have destroyed any object: start over. */
			again = true;
			break;
		}
	}
}

/* --- handle dispositions --------------------------------------------- */

void
channel_dispositions_discard(struct channel_disposition *d, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		d[i].take = d[i].src != NULL && d[i].op != ZX_HANDLE_OP_DUPLICATE;
}

static bool
taken_before(const struct channel_disposition *d, uint32_t i)
{
	for (uint32_t j = 0; j < i; j++)
		if (d[j].take && d[j].src == d[i].src)
			return true;
	return false;
}

/* The checks MOVE and DUPLICATE share, in Zircon's order. */
static zx_status_t
disposition_common(const struct object *chan, struct channel_disposition *e)
{
	const struct handle *h = e->src;

	if (!(h->rights & ZX_RIGHT_TRANSFER))
		return ZX_ERR_ACCESS_DENIED;
	if (h->obj == chan)
		return ZX_ERR_NOT_SUPPORTED;
	if (e->type != ZX_OBJ_TYPE_NONE && e->type != h->obj->ops->type)
		return ZX_ERR_WRONG_TYPE;
	if (e->rights == ZX_RIGHT_SAME_RIGHTS) {
		e->new_rights = h->rights;
	} else {
		if ((h->rights & e->rights) != e->rights)
			return ZX_ERR_INVALID_ARGS;
		e->new_rights = e->rights;
	}
	return ZX_OK;
}

zx_status_t
channel_dispositions_check(const struct object *chan,
    struct channel_disposition *d, uint32_t n, zx_status_t *results)
{
	zx_status_t first = ZX_OK;

	for (uint32_t i = 0; i < n; i++) {
		struct channel_disposition *e = &d[i];
		zx_status_t st;

		e->take = false;
		if (e->src == NULL || taken_before(d, i)) {
			st = ZX_ERR_BAD_HANDLE;
		} else if (e->op == ZX_HANDLE_OP_DUPLICATE) {
			st = disposition_common(chan, e);
			if (st == ZX_OK && !(e->src->rights & ZX_RIGHT_DUPLICATE))
				st = ZX_ERR_ACCESS_DENIED;
		} else if (e->op == ZX_HANDLE_OP_MOVE) {
			/* Out of the table first: gone whatever happens. */
			e->take = true;
			st = disposition_common(chan, e);
		} else {
			e->take = true;
			st = ZX_ERR_INVALID_ARGS;
		}
		results[i] = st;
		if (first == ZX_OK)
			first = st;
	}
	return first;
}
