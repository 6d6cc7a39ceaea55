/* The handle table. */
#include "config-build.h"

#include <stdlib.h>

#include "objects/handle.h"

void (*handle_release_hook)(struct handle *h);
static struct handle *by_ino;
static size_t n_handles;
static size_t n_in_flight;

zx_status_t
handle_new(struct object *o, zx_rights_t rights, struct handle **ret)
{
	struct handle *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return ZX_ERR_NO_MEMORY;
	h->obj = object_ref(o);
	h->rights = rights;
	h->obj_next = o->handles;
	if (o->handles != NULL)
		o->handles->obj_prev = h;
	o->handles = h;
	object_handle_added(o);
	n_handles++;
	*ret = h;
	return ZX_OK;
}

void
handle_free(struct handle *h)
{
	struct object *o;

	if (h == NULL)
		return;
	if (handle_release_hook != NULL)
		handle_release_hook(h);
	handle_table_remove(h);
	handle_set_in_flight(h, false);
	o = h->obj;
	/* Async waits registered through it end with it (no packet). */
	object_cancel_handle(o, h);
	if (h->obj_prev != NULL)
		h->obj_prev->obj_next = h->obj_next;
	else
		o->handles = h->obj_next;
	if (h->obj_next != NULL)
		h->obj_next->obj_prev = h->obj_prev;
	n_handles--;
	free(h);
	object_handle_removed(o);
	object_unref(o);
}

zx_status_t
handle_table_add(struct handle *h, uint64_t ino)
{
	struct handle *old;

	HASH_FIND(hh, by_ino, &ino, sizeof(ino), old);
	if (old != NULL || ino == 0)
		return ZX_ERR_ALREADY_EXISTS;
	h->ino = ino;
	HASH_ADD(hh, by_ino, ino, sizeof(h->ino), h);
	return ZX_OK;
}

void
handle_table_remove(struct handle *h)
{
	if (h->ino != 0) {
		HASH_DEL(by_ino, h);
		h->ino = 0;
	}
}

struct handle *
handle_table_find(uint64_t ino)
{
	struct handle *h;

	HASH_FIND(hh, by_ino, &ino, sizeof(ino), h);
	return h;
}

size_t
handle_count(void)
{
	return n_handles;
}

struct handle *
handle_first(void)
{
	return by_ino;
}

struct handle *
handle_next(const struct handle *h)
{
	return h->hh.next;
}

void
handle_set_in_flight(struct handle *h, bool in_flight)
{
	if (h->in_flight == in_flight)
		return;
	h->in_flight = in_flight;
	if (in_flight)
		n_in_flight++;
	else {
		n_in_flight--;
		/* Out of a channel into a process: as in Zircon, the async
		 * waits made through it before it was sent end here. */
		object_cancel_handle(h->obj, h);
	}
}

size_t
handle_in_flight_count(void)
{
	return n_in_flight;
}

zx_status_t
handle_check(const struct handle *h, zx_obj_type_t type, zx_rights_t rights)
{
	if (h == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (type != ZX_OBJ_TYPE_NONE && h->obj->ops->type != type)
		return ZX_ERR_WRONG_TYPE;
	if ((h->rights & rights) != rights)
		return ZX_ERR_ACCESS_DENIED;
	return ZX_OK;
}
