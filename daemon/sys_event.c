/* zx_event_create, zx_eventpair_create. */
#include "config-build.h"

#include "daemon/dispatch.h"
#include "objects/event.h"

zx_status_t
call_event_create(struct call *c)
{
	struct object *o;
	zx_status_t st = event_create(c->req->event_create->options, &o);

	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, o, ZX_DEFAULT_EVENT_RIGHTS);
	object_unref(o);
	return st;
}

zx_status_t
call_eventpair_create(struct call *c)
{
	struct object *a, *b;
	zx_status_t st = event_pair_create(c->req->eventpair_create->options,
	    &a, &b);

	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, a, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	if (st == ZX_OK)
		st = dispatch_add_handle(c, b, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	object_unref(a);
	object_unref(b);
	return st;
}
