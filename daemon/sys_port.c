/* zx_port_create, zx_port_queue, zx_port_wait's slow path,
 * zx_port_cancel, zx_port_cancel_key, zx_object_wait_async. */
#include "config-build.h"

#include <string.h>
#include <unistd.h>

#include "daemon/dispatch.h"
#include "daemon/server.h"
#include "objects/port.h"
#include "proto/port_ring.h"

/* The client's port account, made on first use. */
static struct port_account *
account_of(struct client *cl)
{
	if (cl->port_acct == NULL)
		cl->port_acct = port_account_new();
	return cl->port_acct;
}

/* Whether one more item would put the client over its limit, after
 * taking back the packets consumers took. */
static bool
over_limit(struct client *cl, struct port_account *a)
{
	uint32_t limit = server_config()->port_items_per_client;

	if (limit == 0 || a->items < limit)
		return false;
	port_reclaim_all();
	if (a->items < limit)
		return false;
	/* Once per client: a client at its limit cannot flood the log. */
	if (a->logged)
		return true;
	a->logged = true;
	log_ctx_msg(5, LOG_CLIENT(cl, .message_id = LOG_ID_LIMIT), "client %llu (pid %d uid %u %s): "
	    "port_items_per_client (%u) reached (said once)",
	    (unsigned long long)cl->id,
	    (int)cl->pid, (unsigned)cl->uid, cl->comm, limit);
	return true;
}

zx_status_t
call_port_create(struct call *c)
{
	struct object *o;
	zx_status_t st = port_create(c->req->port_create->options, &o);

	if (st != ZX_OK)
		return st;
	/* Its rings, control page, eventfd and wake socket pair. */
	st = dispatch_charge_object(c, o, PORT_FDS,
	    2 * PORT_RING_SIZE + PORT_CTL_SIZE);
	if (st == ZX_OK)
		st = dispatch_add_handle(c, o, ZX_DEFAULT_PORT_RIGHTS);
	object_unref(o);
	return st;
}

zx_status_t
call_port_queue(struct call *c)
{
	const ProtobufCBinaryData *b = &c->req->port_queue->packet;
	struct port_account *a;
	zx_port_packet_t pkt;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_PORT, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	/* A NULL packet arrives as no bytes: the copy faults. */
	if (b->len != sizeof(pkt))
		return ZX_ERR_INVALID_ARGS;
	memcpy(&pkt, b->data, sizeof(pkt));
	a = account_of(c->client);
	if (a == NULL)
		return ZX_ERR_NO_MEMORY;
	if (over_limit(c->client, a))
		return ZX_ERR_SHOULD_WAIT;
	return port_queue_user(port_of(c->self->obj), &pkt, a);
}

zx_status_t
call_port_setup(struct call *c)
{
	Zxd__PortSetupReply *r;
	int fds[PORT_SETUP_FDS];
	size_t n, i;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_PORT, 0);
	if (st != ZX_OK)
		return st;
	if (!(c->self->rights & (ZX_RIGHT_READ | ZX_RIGHT_WRITE)))
		return ZX_ERR_ACCESS_DENIED;
	r = CALL_REPLY(c, port_setup, PORT_SETUP,
	    zxd__port_setup_reply__init);
	if (r == NULL)
		return ZX_ERR_NO_MEMORY;
	r->pid = (uint32_t)c->client->pid;
	st = port_open(port_of(c->self->obj), c->self->rights, fds, &n);
	for (i = 0; i < n && st == ZX_OK; i++)
		st = dispatch_add_fd(c, fds[i]);
	/* dispatch_add_fd owns the fd it was given, even on failure */
	for (; i < n && st != ZX_OK; i++)
		close(fds[i]);
	return st;
}

zx_status_t
call_port_pull(struct call *c)
{
	Zxd__PortPullReply *r;
	zx_port_packet_t *pkt;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_PORT, ZX_RIGHT_READ);
	if (st != ZX_OK)
		return st;
	pkt = call_alloc(c, sizeof(*pkt));
	if (pkt == NULL)
		return ZX_ERR_NO_MEMORY;
	st = port_pull(port_of(c->self->obj), pkt);
	if (st != ZX_OK)
		return st;
	r = CALL_REPLY(c, port_pull, PORT_PULL,
	    zxd__port_pull_reply__init);
	if (r == NULL)
		return ZX_ERR_NO_MEMORY;
	r->packet.data = (uint8_t *)pkt;
	r->packet.len = sizeof(*pkt);
	return ZX_OK;
}

/* The waitable handle a port call names (its packet's one fd), in
 * Zircon's order: BAD_HANDLE, ACCESS_DENIED without WAIT,
 * NOT_SUPPORTED for an object that cannot be waited on. */
static zx_status_t
waitable_arg(struct call *c, bool sent, struct handle **ret)
{
	struct handle *h = sent ? dispatch_arg_handle(c, 0) : NULL;

	if (h == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (!(h->rights & ZX_RIGHT_WAIT))
		return ZX_ERR_ACCESS_DENIED;
	if (!h->obj->ops->waitable)
		return ZX_ERR_NOT_SUPPORTED;
	*ret = h;
	return ZX_OK;
}

zx_status_t
call_port_cancel(struct call *c)
{
	const Zxd__PortCancel *r = c->req->port_cancel;
	struct handle *src;
	zx_status_t st;

	if (call_nfds(c) != (r->source_sent ? 1u : 0u))
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_PORT, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	st = waitable_arg(c, r->source_sent, &src);
	if (st != ZX_OK)
		return st;
	return port_cancel(port_of(c->self->obj), src, r->key);
}

zx_status_t
call_port_cancel_key(struct call *c)
{
	const Zxd__PortCancelKey *r = c->req->port_cancel_key;
	zx_status_t st;

	if (r->options != 0)
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_PORT, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	return port_cancel_key(port_of(c->self->obj), r->key);
}

#define WAIT_ASYNC_OPTIONS (ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_EDGE | \
	ZX_WAIT_ASYNC_BOOT_TIMESTAMP)

zx_status_t
call_wait_async(struct call *c)
{
	const Zxd__WaitAsync *r = c->req->wait_async;
	struct port_account *a;
	struct handle *h;
	zx_status_t st;

	if (call_nfds(c) != (r->object_sent ? 1u : 0u))
		return ZX_ERR_INVALID_ARGS;
	if ((r->options & ~WAIT_ASYNC_OPTIONS) ||
	    ((r->options & ZX_WAIT_ASYNC_TIMESTAMP) &&
	    (r->options & ZX_WAIT_ASYNC_BOOT_TIMESTAMP)))
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_PORT, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	st = waitable_arg(c, r->object_sent, &h);
	if (st != ZX_OK)
		return st;
	a = account_of(c->client);
	if (a == NULL)
		return ZX_ERR_NO_MEMORY;
	if (over_limit(c->client, a))
		return ZX_ERR_NO_RESOURCES;
	return port_wait_async(port_of(c->self->obj), h->obj, h, r->key,
	    r->signals, r->options, a);
}
