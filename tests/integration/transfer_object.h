/*
 * The object the two-process tests hand over. It is an event for now; to
 * run the same tests with another object (a VMO), change these functions
 * only: create one, change it from the receiving process (poke), and see
 * the change through a handle the sender kept (poked).
 */
#ifndef ZXD_TESTS_TRANSFER_OBJECT_H
#define ZXD_TESTS_TRANSFER_OBJECT_H

#include <stdbool.h>

#include <zircon/syscalls.h>

#define XOBJ_TYPE	ZX_OBJ_TYPE_EVENT
#define XOBJ_RIGHTS	ZX_DEFAULT_EVENT_RIGHTS

static inline zx_status_t
xobj_create(zx_handle_t *out)
{
	return zx_event_create(0, out);
}

/* Runs in the process that received the object. */
static inline zx_status_t
xobj_poke(zx_handle_t h)
{
	return zx_object_signal(h, 0, ZX_USER_SIGNAL_3);
}

/* Whether the object behind h was poked (waits up to 10 s). */
static inline bool
xobj_poked(zx_handle_t h)
{
	zx_signals_t obs;

	return zx_object_wait_one(h, ZX_USER_SIGNAL_3,
	    zx_deadline_after(10000000000LL), &obs) == ZX_OK;
}

#endif
