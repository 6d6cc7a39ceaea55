/* zxd_get_root_resource and zx_resource_create. */
#include "config-build.h"

#include <inttypes.h>

#include "daemon/dispatch.h"
#include "daemon/log.h"
#include "objects/resource.h"

/*
 * The policy decided at connect time from the peer's effective uid, gid
 * and supplementary groups (struct client.root_admitted). This packet's
 * sender credentials (real uid and gid, as SCM_CREDENTIALS carries them)
 * must agree: a process that dropped root after connecting, or a setuid
 * program run by someone the policy does not admit, is refused.
 */
static uint64_t last_refused;

static bool
admitted(const struct call *c)
{
	const struct wire_creds *cr = &c->msg->creds;

	if (!c->client->root_admitted)
		return false;
	if (cr->uid == c->client->uid && cr->gid == c->client->gid)
		return true;
	return config_admits_root(server_config(), cr->uid, cr->gid, NULL,
	    0);
}

zx_status_t
call_get_root_resource(struct call *c)
{
	const struct wire_creds *cr = &c->msg->creds;
	struct object *o;
	zx_status_t st;

	if (!admitted(c)) {
		/* One notice per process in a row, so that a client asking
		 * in a loop does not flood the journal. */
		log_msg(c->client->id == last_refused ? 7 : 5,
		    "root resource refused to pid %d (%s), uid %u gid %u: "
		    "not admitted by the policy", (int)c->pid,
		    c->client->comm, (unsigned)cr->uid, (unsigned)cr->gid);
		last_refused = c->client->id;
		return ZX_ERR_ACCESS_DENIED;
	}
	st = resource_root(&o);
	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, o, ZX_DEFAULT_RESOURCE_RIGHTS);
	object_unref(o);
	if (st == ZX_OK)
		log_info("root resource granted to pid %d (%s), uid %u",
		    (int)c->pid, c->client->comm, (unsigned)cr->uid);
	return st;
}

zx_status_t
call_resource_create(struct call *c)
{
	const Zxd__ResourceCreate *rc = c->req->resource_create;
	struct resource *r;
	struct object *o;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_RESOURCE, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	st = resource_create(resource_of(c->self->obj), rc->options,
	    rc->range_base, rc->range_size, (const char *)rc->name.data,
	    rc->name.len, rc->name_fault, &o);
	/* A range held by a resource whose last handle the caller (or
	 * anyone) has closed already is free in Zircon. */
	if (st == ZX_ERR_NOT_FOUND && server_settle(NULL, NULL) > 0)
		st = resource_create(resource_of(c->self->obj), rc->options,
		    rc->range_base, rc->range_size,
		    (const char *)rc->name.data, rc->name.len,
		    rc->name_fault, &o);
	if (st != ZX_OK)
		return st;
	r = resource_of(o);
	log_debug("pid %d created resource koid %" PRIu64 ": kind %u flags "
	    "%#x [%#" PRIx64 ", +%#" PRIx64 ") '%s'", (int)c->pid, o->koid,
	    r->kind, r->flags, r->base, r->size, o->name);
	st = dispatch_add_handle(c, o, ZX_DEFAULT_RESOURCE_RIGHTS);
	object_unref(o);
	return st;
}
