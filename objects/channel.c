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
};

/*
 * Messages being freed. Freeing a message frees its handles, which can
 * destroy a channel whose own queue must then be freed, and so on down a
 * chain a client can make as long as it likes: the queue is drained in a
 * loop instead of by recursion.
 */
static struct channel_msg *reap_head, *reap_tail;
static bool reaping;

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

static void
enqueue(struct channel *ch, struct channel_msg *m)
{
	m->next = NULL;
	if (ch->tail != NULL)
		ch->tail->next = m;
	else
		ch->head = m;
	ch->tail = m;
	ch->nmsgs++;
	ch->bytes += m->nbytes;
	object_signal(&ch->base, 0, ZX_CHANNEL_READABLE);
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
	if (peer->nmsgs >= CHANNEL_MAX_PENDING)
		return ZX_ERR_NO_RESOURCES;
	enqueue(peer, m);
	return ZX_OK;
}

zx_status_t
channel_read(struct object *o, uint32_t *nbytes, uint32_t *nhandles,
    bool may_discard, struct channel_msg **ret)
{
	struct channel *ch = to_channel(o);
	struct channel_msg *m = ch->head;
	zx_status_t st = ZX_OK;

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
	ch->head = m->next;
	if (ch->head == NULL) {
		ch->tail = NULL;
		object_signal(o, ZX_CHANNEL_READABLE, 0);
	}
	ch->nmsgs--;
	ch->bytes -= m->nbytes;
	m->next = NULL;
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

	m->next = ch->head;
	ch->head = m;
	if (ch->tail == NULL)
		ch->tail = m;
	ch->nmsgs++;
	ch->bytes += m->nbytes;
	object_signal(o, 0, ZX_CHANNEL_READABLE);
}

zx_status_t
channel_call_begin(struct object *o, struct channel_msg *m,
    struct channel_waiter *w)
{
	struct channel *ch = to_channel(o);
	struct channel *peer = o->peer ? to_channel(o->peer) : NULL;
	zx_txid_t t;

	if (peer == NULL)
		return ZX_ERR_PEER_CLOSED;
	if (peer->nmsgs >= CHANNEL_MAX_PENDING)
		return ZX_ERR_NO_RESOURCES;
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

	channel_abort_calls(o, ZX_ERR_CANCELED);
	if (p == NULL)
		return;
	p->peer = NULL;
	o->peer = NULL;
	object_signal(p, ZX_CHANNEL_WRITABLE, ZX_CHANNEL_PEER_CLOSED);
	channel_abort_calls(p, ZX_ERR_PEER_CLOSED);
}

static void
channel_destroy(struct object *o)
{
	struct channel *ch = to_channel(o);
	struct channel_msg *head = ch->head, *tail = ch->tail;

	channel_abort_calls(o, ZX_ERR_CANCELED);
	free(ch);
	reap_add(head, tail);
}

static uint64_t
channel_memory_bytes(const struct object *o)
{
	return ((const struct channel *)o)->bytes;
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
