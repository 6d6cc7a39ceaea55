/* zxctl bti: BTIs, their pins and quarantine (call_list_bti). */
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

static bool
is_bti(struct object *o)
{
	return o->ops->type == ZX_OBJ_TYPE_BTI;
}

zx_status_t
call_list_bti(struct call *c)
{
	const Zxd__ListBti *q = c->req->list_bti;
	struct bti_pin_view *pins = NULL;
	Zxd__BtiReply *r;
	Zxd__BtiView **bv;
	zx_koid_t *keys;
	size_t *sel = NULL, n, room;
	struct view v;
	struct arena a;
	zx_status_t st;

	/* PMTs closed just now show as quarantined. Closing may destroy
	 * objects: before the view is taken, and over again after each. */
again:
	for (struct object *o = object_first(); o != NULL;
	    o = object_next(o)) {
		if (is_bti(o) && sys_ddk_settle(o) > 0)
			goto again;
	}
	st = view_init(&v, c);
	if (st != ZX_OK)
		return st;
	sel = calloc(PAGE_ENTRIES, sizeof(*sel));
	pins = calloc(PINS_MAX, sizeof(*pins));
	if (sel == NULL || pins == NULL) {
		st = ZX_ERR_NO_MEMORY;
		goto out;
	}
	if (q->koid != 0) {
		size_t i = view_index(&v, q->koid);

		if (i == v.n_objs || !is_bti(v.objs[i])) {
			st = ZX_ERR_NOT_FOUND;
			goto out;
		}
		n = 0;
		if (q->after < q->koid)
			sel[n++] = i;
	} else
		n = select_page(&v, q->after, is_bti, sel);

	room = ARENA_ALIGN(sizeof(*r)) + ARENA_ALIGN(n * sizeof(*keys)) +
	    arena_size(n, sizeof(**bv));
	for (size_t i = 0; i < n; i++) {
		struct object *o = v.objs[sel[i]];
		size_t np = bti_pins(bti_of(o), 0, NULL, 0);

		room += holders_room(&v, o) + arena_size(np > PINS_MAX ?
		    PINS_MAX : np, sizeof(Zxd__BtiPin));
	}
	st = arena_new(c, &a, room);
	if (st != ZX_OK)
		goto out;
	r = arena_get(&a, sizeof(*r));
	zxd__bti_reply__init(r);
	keys = arena_get(&a, n * sizeof(*keys));
	bv = ARENA_ARRAY(&a, n, Zxd__BtiView, ZXD__BTI_VIEW__INIT);
	for (size_t i = 0; i < n; i++) {
		struct object *o = v.objs[sel[i]];
		zx_info_bti_t info;
		size_t total, np;

		keys[i] = o->koid;
		bv[i]->koid = o->koid;
		bv[i]->name = o->ops->has_name ? o->name : "";
		if (view_info(o, ZX_INFO_BTI, &info, sizeof(info))) {
			bv[i]->pmo_count = info.pmo_count;
			bv[i]->quarantine_count = info.quarantine_count;
		}
		total = bti_pins(bti_of(o), 0, pins, PINS_MAX);
		np = total > PINS_MAX ? PINS_MAX : total;
		bv[i]->pins = ARENA_ARRAY(&a, np, Zxd__BtiPin,
		    ZXD__BTI_PIN__INIT);
		for (size_t k = 0; k < np; k++) {
			Zxd__BtiPin *p = bv[i]->pins[k];

			p->pmt_koid = pins[k].pmt_koid;
			p->vmo_koid = pins[k].vmo_koid;
			p->vmo_offset = pins[k].vmo_offset;
			p->size = pins[k].size;
			p->device_addr = pins[k].device_addr;
			p->perms = pins[k].perms;
			p->quarantined = pins[k].quarantined;
		}
		bv[i]->n_pins = np;
		bv[i]->pins_omitted = (uint32_t)(total - np);
		bv[i]->n_holders = fill_holders(&v, o, &a, &bv[i]->holders,
		    NULL);
	}
	r->all_visible = v.all;
	r->btis = bv;
	r->n_btis = fit_page((void **)bv, n, n == PAGE_ENTRIES, 16, keys,
	    &r->next);
	c->rep->body_case = ZXD__REPLY__BODY_BTI;
	c->rep->bti = r;
out:
	free(pins);
	free(sel);
	view_free(&v);
	return st;
}
