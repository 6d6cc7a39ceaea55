/*
 * The cycle collector: objects reachable only through messages queued in
 * channels that no process can read any more are destroyed, with their
 * memory and descriptors, as the Linux kernel collects fds in flight on
 * Unix sockets.
 *
 * Mark: a channel endpoint is readable when a process holds a handle to
 * it (every handle in the table; and handles parked behind export tokens,
 * which a process holds as fds), or when a handle to it sits in a message
 * queued on a readable endpoint. Sweep: every endpoint left unmarked with
 * messages queued is garbage; its queue is freed, which frees the handles
 * in it, and the objects they held die with their last reference. All
 * unreadable queues go in the same pass, so a cycle of any length
 * (an endpoint's own handle in its queue, two channels holding each
 * other's, VMOs and IOBs riding along) is broken at once.
 *
 * It runs shortly after a handle or a process goes while handles are in
 * flight (collect_soon), not on every close: a pass costs one walk of the
 * handles and objects.
 */
#include "config-build.h"

#include <stdlib.h>

#include <event2/event.h>

#include "daemon/collect.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "objects/channel.h"
#include "objects/handle.h"

/* Delay between a close and the pass it triggers (closes come in
 * bursts: one pass for the burst). */
#define COLLECT_DELAY_US	20000

static struct {
	struct event *timer;
	uint32_t mark;
	struct object **work;
	size_t nwork, cap;
	uint64_t passes, collected;
} gc;

static void
push(struct object *o)
{
	if (o->gc_mark == gc.mark)
		return;
	o->gc_mark = gc.mark;
	if (!channel_is(o))
		return;
	if (gc.nwork == gc.cap) {
		size_t cap = gc.cap ? gc.cap * 2 : 256;
		struct object **w = reallocarray(gc.work, cap, sizeof(*w));

		if (w == NULL)
			return;		/* marked, not scanned: kept */
		gc.work = w;
		gc.cap = cap;
	}
	gc.work[gc.nwork++] = o;
}

static void
mark_token(struct handle *h, void *arg)
{
	(void)arg;
	push(h->obj);
}

size_t
collect_run(void)
{
	struct object **dead = NULL;
	size_t ndead = 0, cap = 0, freed = 0;

	gc.passes++;
	if (++gc.mark == 0)
		gc.mark = 1;
	/* Everything unmarked from an earlier pass has another mark. */
	gc.nwork = 0;
	for (struct handle *h = handle_first(); h != NULL; h = handle_next(h))
		push(h->obj);
	server_foreach_token(mark_token, NULL);
	while (gc.nwork > 0) {
		struct object *o = gc.work[--gc.nwork];

		for (const struct channel_msg *m = channel_queue(o); m != NULL;
		    m = m->next)
			for (uint32_t i = 0; i < m->nhandles; i++)
				push(m->handles[i]->obj);
	}
	for (struct object *o = object_first(); o != NULL;
	    o = object_next(o)) {
		if (o->gc_mark == gc.mark || channel_queue(o) == NULL)
			continue;
		if (ndead == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct object **d = reallocarray(dead, ncap,
			    sizeof(*d));

			if (d == NULL)
				break;
			dead = d;
			cap = ncap;
		}
		dead[ndead++] = object_ref(o);
	}
	for (size_t i = 0; i < ndead; i++) {
		channel_drop_queue(dead[i]);
		object_unref(dead[i]);
		freed++;
	}
	free(dead);
	if (freed > 0) {
		gc.collected += freed;
		log_debug("cycle collector: %zu unreadable channel queues "
		    "freed", freed);
	}
	return freed;
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	collect_run();
}

void
collect_soon(void)
{
	struct timeval tv = { 0, COLLECT_DELAY_US };

	if (handle_in_flight_count() == 0)
		return;
	if (gc.timer == NULL) {
		gc.timer = evtimer_new(server_base(), timer_cb, NULL);
		if (gc.timer == NULL)
			return;
	}
	if (!evtimer_pending(gc.timer, NULL))
		evtimer_add(gc.timer, &tv);
}

void
collect_shutdown(void)
{
	if (gc.timer != NULL)
		event_free(gc.timer);
	free(gc.work);
	gc = (typeof(gc)){ 0 };
}

uint64_t
collect_count(void)
{
	return gc.collected;
}
