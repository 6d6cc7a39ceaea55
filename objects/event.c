/* Events and eventpairs: nothing but signals. */
#include "config-build.h"

#include <stdlib.h>

#include "objects/event.h"

static void
eventpair_zero_handles(struct object *o)
{
	object_unpair(o, ZX_EVENTPAIR_PEER_CLOSED);
}

static const struct object_ops event_ops = {
	.type = ZX_OBJ_TYPE_EVENT,
	.name = "event",
	.default_rights = ZX_DEFAULT_EVENT_RIGHTS,
	.waitable = true,
	.has_name = true,
	.signal_extra = ZX_EVENT_SIGNALED,
};

static const struct object_ops eventpair_ops = {
	.type = ZX_OBJ_TYPE_EVENTPAIR,
	.name = "eventpair",
	.default_rights = ZX_DEFAULT_EVENTPAIR_RIGHTS,
	.waitable = true,
	.has_name = true,
	.signal_extra = ZX_EVENTPAIR_SIGNALED,
	.peered = true,
	.on_zero_handles = eventpair_zero_handles,
};

zx_status_t
event_create(uint32_t options, struct object **ret)
{
	struct object *o;

	if (options != 0)
		return ZX_ERR_INVALID_ARGS;
	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return ZX_ERR_NO_MEMORY;
	object_init(o, &event_ops);
	*ret = o;
	return ZX_OK;
}

zx_status_t
event_pair_create(uint32_t options, struct object **ret0, struct object **ret1)
{
	struct object *a, *b;

	if (options != 0)
		return ZX_ERR_NOT_SUPPORTED;
	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return ZX_ERR_NO_MEMORY;
	}
	object_init(a, &eventpair_ops);
	object_init(b, &eventpair_ops);
	object_pair(a, b);
	*ret0 = a;
	*ret1 = b;
	return ZX_OK;
}
