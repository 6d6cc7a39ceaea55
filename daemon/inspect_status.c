/* zxctl status: daemon-wide figures (call_stats). */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/object.h>

#include "daemon/dispatch.h"
#include "daemon/inspect.h"
#include "daemon/replysock.h"
#include "daemon/server.h"
#include "daemon/timing.h"
#include "objects/bti.h"
#include "objects/iob.h"
#include "objects/pmt.h"
#include "objects/vmar.h"
#include "objects/vmo.h"

zx_status_t
call_stats(struct call *c)
{
	Zxd__StatsReply *r = call_body(c, sizeof(*r));
	uint64_t handles_by_type[ZX_OBJ_TYPE_UPPER_BOUND] = { 0 };
	size_t n_obj_types = 0, n_handle_types = 0, k;
	uint64_t mem = 0;
	Zxd__TypeCount **oc, **hc;
	Zxd__CallTiming **ct;
	uint32_t timing = c->req->stats->call_timing;
	size_t n_timed;
	struct arena a;
	zx_status_t st;

	/* Timing is daemon-wide: only an operator turns it on or off. */
	if (timing > 2)
		return ZX_ERR_INVALID_ARGS;
	if (timing != 0 && !c->client->root_admitted)
		return ZX_ERR_ACCESS_DENIED;
	if (timing != 0)
		server_timing(timing == 1);
	n_timed = timing_count();

	/* As view_init: the closes already made count. */
	server_settle(NULL, NULL);

	for (struct handle *h = handle_first(); h != NULL; h = handle_next(h))
		if (h->obj->ops->type < ZX_OBJ_TYPE_UPPER_BOUND)
			handles_by_type[h->obj->ops->type]++;
	for (zx_obj_type_t t = 0; t < ZX_OBJ_TYPE_UPPER_BOUND; t++) {
		n_obj_types += object_count_by_type(t) != 0;
		n_handle_types += handles_by_type[t] != 0;
	}
	st = arena_new(c, &a, arena_size(n_obj_types, sizeof(**oc)) +
	    arena_size(n_handle_types, sizeof(**hc)) +
	    arena_size(n_timed, sizeof(**ct)));
	if (st != ZX_OK)
		return st;
	oc = ARENA_ARRAY(&a, n_obj_types, Zxd__TypeCount,
	    ZXD__TYPE_COUNT__INIT);
	hc = ARENA_ARRAY(&a, n_handle_types, Zxd__TypeCount,
	    ZXD__TYPE_COUNT__INIT);
	ct = ARENA_ARRAY(&a, n_timed, Zxd__CallTiming,
	    ZXD__CALL_TIMING__INIT);
	timing_report(ct, n_timed);

	zxd__stats_reply__init(r);
	r->version = (char *)PACKAGE_VERSION;
	r->uptime_ns = server_uptime_ns();
	r->clients = server_client_count();
	r->handles = handle_count();
	r->handles_in_flight = handle_in_flight_count();
	r->spare_sockets = server_spare_count();
	r->reply_sockets = replysock_count();
	r->objects = object_count();
	r->backend = server_config()->backend;
	r->all_visible = c->client->root_admitted;
	r->pid = (uint32_t)getpid();
	k = 0;
	for (zx_obj_type_t t = 0; t < ZX_OBJ_TYPE_UPPER_BOUND; t++) {
		size_t n = object_count_by_type(t);

		if (n != 0) {
			oc[k]->type = t;
			oc[k++]->count = n;
		}
	}
	k = 0;
	for (zx_obj_type_t t = 0; t < ZX_OBJ_TYPE_UPPER_BOUND; t++) {
		if (handles_by_type[t] != 0) {
			hc[k]->type = t;
			hc[k++]->count = handles_by_type[t];
		}
	}
	r->n_objects_by_type = n_obj_types;
	r->objects_by_type = oc;
	r->n_handles_by_type = n_handle_types;
	r->handles_by_type = hc;
	for (struct object *o = object_first(); o != NULL; o = object_next(o))
		if (o->ops->memory_bytes != NULL)
			mem += o->ops->memory_bytes(o);
	r->memory_bytes = mem;
	r->call_timing_on = timing_on;
	r->n_call_timing = n_timed;
	r->call_timing = ct;
	c->rep->body_case = ZXD__REPLY__BODY_STATS;
	c->rep->stats = r;
	return ZX_OK;
}
