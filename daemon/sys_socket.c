/* zx_socket_create, zx_fifo_create, zx_socket_set_disposition, and the
 * setup of their data path. Reads and writes never come here: libzx
 * moves the bytes through the rings the daemon made (proto/ring.h). */
#include "config-build.h"

#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/dispatch.h"
#include "daemon/server.h"
#include "objects/fifo.h"
#include "objects/socket.h"
#include "objects/vmo.h"

/* The ringpair's doorbell on the daemon's loop. */
static void
notify_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ringpair_changed(arg);
}

static void
notify_release(void *ctx)
{
	event_free(ctx);
}

static zx_status_t
watch_doorbell(struct ringpair *rp)
{
	struct event *ev = event_new(server_base(), rp->notify_fd,
	    EV_READ | EV_PERSIST, notify_cb, rp);

	if (ev == NULL || event_add(ev, NULL) < 0) {
		if (ev != NULL)
			event_free(ev);
		return ZX_ERR_NO_MEMORY;
	}
	rp->release = notify_release;
	rp->release_ctx = ev;
	return ZX_OK;
}

/* A ring pair holds nine of the daemon's descriptors (each direction's
 * head, tail and data memfds, the doorbell eventfd, and each end's
 * signal page, which carries the ring's ctl); the memory's payer counts
 * one. The other eight are charged to the maker, four on each end. */
static zx_status_t
charge_ring_fds(struct call *c, struct object *a, struct object *b)
{
	zx_status_t st = dispatch_charge_object(c, a, 4, 0);

	return st == ZX_OK ? dispatch_charge_object(c, b, 4, 0) : st;
}

zx_status_t
call_socket_create(struct call *c)
{
	struct vmo_payer payer;
	struct object *a, *b;
	zx_status_t st;
	int end;

	sys_vmo_payer(c->client, &payer);
	st = socket_create(c->req->socket_create->options, &payer, &a, &b);
	if (st != ZX_OK)
		return st;
	st = watch_doorbell(socket_ringpair(a, &end));
	if (st == ZX_OK)
		st = charge_ring_fds(c, a, b);
	if (st == ZX_OK)
		st = dispatch_add_handle(c, a, ZX_DEFAULT_SOCKET_RIGHTS);
	if (st == ZX_OK)
		st = dispatch_add_handle(c, b, ZX_DEFAULT_SOCKET_RIGHTS);
	object_unref(a);
	object_unref(b);
	return st;
}

zx_status_t
call_fifo_create(struct call *c)
{
	const Zxd__FifoCreate *r = c->req->fifo_create;
	struct vmo_payer payer;
	struct object *a, *b;
	zx_status_t st;
	int end;

	/* Zircon ignores the options. */
	sys_vmo_payer(c->client, &payer);
	st = fifo_create(r->elem_count, r->elem_size, &payer, &a, &b);
	if (st != ZX_OK)
		return st;
	st = watch_doorbell(fifo_ringpair(a, &end));
	if (st == ZX_OK)
		st = charge_ring_fds(c, a, b);
	if (st == ZX_OK)
		st = dispatch_add_handle(c, a, ZX_DEFAULT_FIFO_RIGHTS);
	if (st == ZX_OK)
		st = dispatch_add_handle(c, b, ZX_DEFAULT_FIFO_RIGHTS);
	object_unref(a);
	object_unref(b);
	return st;
}

zx_status_t
call_ring_setup(struct call *c)
{
	struct object *o = c->self->obj;
	Zxd__RingSetupReply *r;
	struct ringpair *rp;
	zx_rights_t rights = c->self->rights;
	int end, fds[8], sigfd;
	size_t nfds = 0;
	uint32_t mask;
	zx_status_t st;

	r = CALL_REPLY(c, ring_setup, RING_SETUP, zxd__ring_setup_reply__init);
	if (r == NULL)
		return ZX_ERR_NO_MEMORY;
	if (o->ops->type == ZX_OBJ_TYPE_SOCKET) {
		rp = socket_ringpair(o, &end);
		r->options = socket_options(o);
		r->elem_size = 1;
	} else if (o->ops->type == ZX_OBJ_TYPE_FIFO) {
		rp = fifo_ringpair(o, &end);
		r->elem_size = fifo_elem_size(o);
	} else {
		return ZX_ERR_WRONG_TYPE;
	}
	st = object_sigpage_fd(o, &sigfd);
	if (st != ZX_OK)
		return st;
	st = ringpair_fds(rp, end, sigfd, rights & ZX_RIGHT_READ,
	    rights & ZX_RIGHT_WRITE, fds, &nfds, &mask);
	if (st != ZX_OK) {
		close(sigfd);
		return st;
	}
	for (size_t i = 0; i < nfds; i++) {
		zx_status_t ast = dispatch_add_fd(c, fds[i]);

		if (ast != ZX_OK && st == ZX_OK)
			st = ast;
	}
	if (st != ZX_OK)
		return st;
	r->end = (uint32_t)end;
	r->cap_in = rp->ring[end].cap;
	r->max_in = rp->ring[end].max;
	r->cap_out = rp->ring[1 - end].cap;
	r->max_out = rp->ring[1 - end].max;
	r->mask = mask;
	return ZX_OK;
}

static bool
disposition_valid(uint32_t d)
{
	return d == 0 || d == ZX_SOCKET_DISPOSITION_WRITE_DISABLED ||
	    d == ZX_SOCKET_DISPOSITION_WRITE_ENABLED;
}

zx_status_t
call_socket_set_disposition(struct call *c)
{
	const Zxd__SocketSetDisposition *r = c->req->socket_set_disposition;
	zx_status_t st;

	if (!disposition_valid(r->disposition) ||
	    !disposition_valid(r->disposition_peer))
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_SOCKET,
	    ZX_RIGHT_MANAGE_SOCKET);
	if (st != ZX_OK)
		return st;
	return socket_set_disposition(c->self->obj, r->disposition,
	    r->disposition_peer);
}
