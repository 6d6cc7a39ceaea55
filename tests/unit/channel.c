/*
 * objects/channel.c on its own: queues, txid matching for calls, what
 * ends a call, and the release of queued handles (iterative, and the
 * shutdown sweep that frees cycles).
 */
#include "config-build.h"

#include <string.h>

#include <criterion/criterion.h>

#include "objects/channel.h"

static struct channel_msg *
msg(const char *text, uint32_t nhandles)
{
	struct channel_msg *m;
	uint32_t n = (uint32_t)strlen(text);

	cr_assert_eq(channel_msg_new(n, nhandles, &m), ZX_OK);
	memcpy(m->data, text, n);
	return m;
}

/* A handle to o held by a message (in flight). */
static struct handle *
inflight(struct object *o)
{
	struct handle *h;

	cr_assert_eq(handle_new(o, ZX_DEFAULT_CHANNEL_RIGHTS, &h), ZX_OK);
	handle_set_in_flight(h, true);
	return h;
}

/* One handle per endpoint, as zx_channel_create gives. */
static void
pair(struct object **a, struct object **b, struct handle **ha,
    struct handle **hb)
{
	cr_assert_eq(channel_create(0, a, b), ZX_OK);
	cr_assert_eq(handle_new(*a, ZX_DEFAULT_CHANNEL_RIGHTS, ha), ZX_OK);
	cr_assert_eq(handle_new(*b, ZX_DEFAULT_CHANNEL_RIGHTS, hb), ZX_OK);
	object_unref(*a);
	object_unref(*b);
}

Test(channel_obj, queue)
{
	struct object *a, *b;
	struct handle *ha, *hb;
	struct channel_msg *m;
	uint32_t nb, nh;

	pair(&a, &b, &ha, &hb);
	cr_assert_eq(channel_create(1, &a, &b), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(b->signals, ZX_CHANNEL_WRITABLE);
	cr_assert_eq(channel_write(a, msg("one", 0)), ZX_OK);
	cr_assert_eq(channel_write(a, msg("two!", 0)), ZX_OK);
	cr_assert(b->signals & ZX_CHANNEL_READABLE);
	nb = 2;
	nh = 0;
	cr_assert_eq(channel_read(b, &nb, &nh, false, &m),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(nb, 3);
	nb = 3;
	cr_assert_eq(channel_read(b, &nb, &nh, false, &m), ZX_OK);
	cr_assert_arr_eq(m->data, "one", 3);
	channel_unread(b, m);
	nb = 3;
	cr_assert_eq(channel_read(b, &nb, &nh, false, &m), ZX_OK);
	cr_assert_arr_eq(m->data, "one", 3);
	channel_msg_free(m);
	nb = 1;
	cr_assert_eq(channel_read(b, &nb, &nh, true, &m),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(nb, 4);
	cr_assert_eq(b->signals, ZX_CHANNEL_WRITABLE);
	cr_assert_eq(channel_read(b, &nb, &nh, false, &m), ZX_ERR_SHOULD_WAIT);
	handle_free(ha);
	cr_assert_eq(b->signals, ZX_CHANNEL_PEER_CLOSED);
	cr_assert_eq(channel_read(b, &nb, &nh, false, &m), ZX_ERR_PEER_CLOSED);
	m = msg("x", 0);
	cr_assert_eq(channel_write(b, m), ZX_ERR_PEER_CLOSED);
	channel_msg_free(m);
	handle_free(hb);
	cr_assert_eq(object_count(), 0);
}

struct waiter {
	struct channel_waiter w;
	int calls;
	zx_status_t st;
	struct channel_msg *reply;
};

static void
finish(struct channel_waiter *w, zx_status_t st, struct channel_msg *m)
{
	struct waiter *x = (struct waiter *)w;

	x->calls++;
	x->st = st;
	x->reply = m;
}

Test(channel_obj, call_matching)
{
	struct object *a, *b;
	struct handle *ha, *hb;
	struct waiter w1 = { .w.finish = finish }, w2 = { .w.finish = finish };
	struct channel_msg *m, *r;
	zx_txid_t t1, t2;
	uint32_t nb = 64, nh = 0;

	pair(&a, &b, &ha, &hb);
	cr_assert_eq(channel_call_begin(a, msg("....req1", 0), &w1.w), ZX_OK);
	cr_assert_eq(channel_call_begin(a, msg("....req2", 0), &w2.w), ZX_OK);
	t1 = w1.w.txid;
	t2 = w2.w.txid;
	cr_assert_geq(t1, CHANNEL_CALL_TXID_MIN);
	cr_assert_geq(t2, CHANNEL_CALL_TXID_MIN);
	cr_assert_neq(t1, t2);
	cr_assert_eq(channel_read(b, &nb, &nh, false, &m), ZX_OK);
	cr_assert_eq(memcmp(m->data, &t1, 4), 0);
	channel_msg_free(m);
	/* A reply with t2 goes to w2, not to a's queue. */
	r = msg("....rep2", 0);
	memcpy(r->data, &t2, 4);
	cr_assert_eq(channel_write(b, r), ZX_OK);
	cr_assert_eq(w2.calls, 1);
	cr_assert_eq(w2.st, ZX_OK);
	cr_assert_eq(w2.reply, r);
	cr_assert_eq(w2.w.endpoint, NULL);
	cr_assert_eq(a->signals & ZX_CHANNEL_READABLE, 0);
	channel_msg_free(r);
	/* The same txid again: nobody waits for it now, so it is queued. */
	r = msg("....late", 0);
	memcpy(r->data, &t2, 4);
	cr_assert_eq(channel_write(b, r), ZX_OK);
	cr_assert(a->signals & ZX_CHANNEL_READABLE);
	/* Aborting: once. */
	cr_assert(channel_call_abort(&w1.w, ZX_ERR_TIMED_OUT));
	cr_assert(!channel_call_abort(&w1.w, ZX_ERR_TIMED_OUT));
	cr_assert_eq(w1.calls, 1);
	cr_assert_eq(w1.st, ZX_ERR_TIMED_OUT);
	handle_free(ha);
	handle_free(hb);
	cr_assert_eq(object_count(), 0);
}

Test(channel_obj, what_ends_a_call)
{
	struct object *a, *b;
	struct handle *ha, *hb;
	struct waiter w1 = { .w.finish = finish }, w2 = { .w.finish = finish };

	pair(&a, &b, &ha, &hb);
	cr_assert_eq(channel_call_begin(a, msg("....", 0), &w1.w), ZX_OK);
	cr_assert_eq(channel_call_begin(b, msg("....", 0), &w2.w), ZX_OK);
	/* a's last handle goes: its calls are canceled, b's see the peer
	 * close. */
	handle_free(ha);
	cr_assert_eq(w1.calls, 1);
	cr_assert_eq(w1.st, ZX_ERR_CANCELED);
	cr_assert_eq(w2.calls, 1);
	cr_assert_eq(w2.st, ZX_ERR_PEER_CLOSED);
	cr_assert_eq(channel_call_begin(b, msg("....", 0), &w2.w),
	    ZX_ERR_PEER_CLOSED);
	handle_free(hb);
	cr_assert_eq(object_count(), 0);
}

Test(channel_obj, txids_unique_among_calls)
{
	struct object *a, *b;
	struct handle *ha, *hb;
	struct waiter w[3];
	uint32_t nb = 8, nh = 0;
	struct channel_msg *m;

	pair(&a, &b, &ha, &hb);
	memset(w, 0, sizeof(w));
	for (int i = 0; i < 3; i++) {
		w[i].w.finish = finish;
		cr_assert_eq(channel_call_begin(a, msg("....", 0), &w[i].w),
		    ZX_OK);
		cr_assert_eq(channel_read(b, &nb, &nh, false, &m), ZX_OK);
		channel_msg_free(m);
	}
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			cr_assert_neq(w[i].w.txid, w[j].w.txid);
	handle_free(ha);
	handle_free(hb);
}

Test(channel_obj, queue_cap)
{
	struct object *a, *b;
	struct handle *ha, *hb;
	struct channel_msg *m;

	pair(&a, &b, &ha, &hb);
	for (int i = 0; i < CHANNEL_MAX_PENDING; i++)
		cr_assert_eq(channel_write(a, msg("q", 0)), ZX_OK);
	m = msg("q", 0);
	cr_assert_eq(channel_write(a, m), ZX_ERR_NO_RESOURCES);
	channel_msg_free(m);
	cr_assert_eq(b->ops->memory_bytes(b), CHANNEL_MAX_PENDING);
	handle_free(ha);
	handle_free(hb);
	cr_assert_eq(object_count(), 0);
}

Test(channel_obj, long_chain_frees_without_recursion)
{
	struct object *a, *head;
	struct handle *ha, *hhead;
	const int n = 200000;

	/* head's queue holds b1, b1's queue b2, ...: freeing head frees
	 * them all. A recursive free would overflow the stack. */
	pair(&a, &head, &ha, &hhead);
	for (int i = 0; i < n; i++) {
		struct object *na, *nb;
		struct handle *hna;
		struct channel_msg *m = msg("n", 1);

		cr_assert_eq(channel_create(0, &na, &nb), ZX_OK);
		cr_assert_eq(handle_new(na, ZX_DEFAULT_CHANNEL_RIGHTS, &hna),
		    ZX_OK);
		m->handles[0] = inflight(nb);
		object_unref(na);
		object_unref(nb);
		cr_assert_eq(channel_write(a, m), ZX_OK);
		handle_free(ha);
		ha = hna;
		a = na;
	}
	handle_free(ha);
	cr_assert_eq(handle_in_flight_count(), (size_t)n);
	handle_free(hhead);
	cr_assert_eq(object_count(), 0);
	cr_assert_eq(handle_count(), 0);
	cr_assert_eq(handle_in_flight_count(), 0);
}

Test(channel_obj, release_all_frees_cycles)
{
	struct object *a, *b, *c, *d;
	struct handle *ha, *hb, *hc, *hd;
	struct channel_msg *m;

	/* b's handle in b's own queue. */
	pair(&a, &b, &ha, &hb);
	m = msg("self", 1);
	handle_set_in_flight(hb, true);
	m->handles[0] = hb;
	cr_assert_eq(channel_write(a, m), ZX_OK);
	handle_free(ha);
	/* d in c's queue and c in d's queue, both peers gone. */
	pair(&a, &c, &ha, &hc);
	pair(&b, &d, &hb, &hd);
	m = msg("d", 1);
	handle_set_in_flight(hd, true);
	m->handles[0] = hd;
	cr_assert_eq(channel_write(a, m), ZX_OK);
	m = msg("c", 1);
	handle_set_in_flight(hc, true);
	m->handles[0] = hc;
	cr_assert_eq(channel_write(b, m), ZX_OK);
	handle_free(ha);
	handle_free(hb);
	cr_assert_eq(object_count(), 3);
	cr_assert_eq(handle_in_flight_count(), 3);
	channel_release_all();
	cr_assert_eq(object_count(), 0);
	cr_assert_eq(handle_count(), 0);
	cr_assert_eq(handle_in_flight_count(), 0);
}
