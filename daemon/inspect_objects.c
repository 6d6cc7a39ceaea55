/* zxctl objects: the visible objects, by koid (call_list_objects). */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/object.h>

#include "daemon/dispatch.h"
#include "daemon/inspect.h"
#include "daemon/server.h"
#include "objects/bti.h"
#include "objects/iob.h"
#include "objects/pmt.h"
#include "objects/vmar.h"
#include "objects/vmo.h"

/* The words object_ops.describe may write. */
#define DETAIL_MAX	64

zx_status_t
call_list_objects(struct call *c)
{
	Zxd__ObjectsReply *r;
	Zxd__ObjectView **ov;
	zx_koid_t *keys;
	size_t *sel, n, room;
	struct view v;
	struct arena a;
	zx_status_t st;

	st = view_init(&v, c);
	if (st != ZX_OK)
		return st;
	sel = calloc(PAGE_ENTRIES, sizeof(*sel));
	if (sel == NULL) {
		view_free(&v);
		return ZX_ERR_NO_MEMORY;
	}
	n = select_page(&v, c->req->list_objects->after, NULL, sel);
	room = ARENA_ALIGN(sizeof(*r)) + ARENA_ALIGN(n * sizeof(*keys)) +
	    arena_size(n, sizeof(**ov)) + n * ARENA_ALIGN(DETAIL_MAX);
	for (size_t i = 0; i < n; i++)
		room += holders_room(&v, v.objs[sel[i]]);
	st = arena_new(c, &a, room);
	if (st != ZX_OK)
		goto out;

	r = arena_get(&a, sizeof(*r));
	zxd__objects_reply__init(r);
	keys = arena_get(&a, n * sizeof(*keys));
	ov = ARENA_ARRAY(&a, n, Zxd__ObjectView, ZXD__OBJECT_VIEW__INIT);
	for (size_t i = 0; i < n; i++) {
		struct object *o = v.objs[sel[i]];

		keys[i] = o->koid;
		ov[i]->koid = o->koid;
		ov[i]->type = o->ops->type;
		ov[i]->name = o->ops->has_name ? o->name : "";
		/* A VMO's size is its size; anything else shows the
		 * memory it holds. */
		if (o->ops->type == ZX_OBJ_TYPE_VMO)
			ov[i]->size_bytes = vmo_size(vmo_of(o));
		else
			ov[i]->size_bytes = o->ops->memory_bytes != NULL ?
			    o->ops->memory_bytes(o) : 0;
		ov[i]->handle_count = o->handle_count;
		ov[i]->related_koid = o->peer_koid;
		ov[i]->detail = "";
		if (o->ops->describe != NULL) {
			char *d = arena_get(&a, DETAIL_MAX);

			d[0] = '\0';
			o->ops->describe(o, d, DETAIL_MAX);
			ov[i]->detail = d;
		}
		ov[i]->signals = o->signals;
		ov[i]->n_holders = fill_holders(&v, o, &a, &ov[i]->holders,
		    &ov[i]->holders_omitted);
	}
	r->all_visible = v.all;
	r->objects = ov;
	r->n_objects = fit_page((void **)ov, n, n == PAGE_ENTRIES, 16, keys,
	    &r->next);
	c->rep->body_case = ZXD__REPLY__BODY_OBJECTS;
	c->rep->objects = r;
out:
	free(sel);
	view_free(&v);
	return st;
}
