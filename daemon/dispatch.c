/* Request dispatch: unpack, check where and with how many fds a request
 * may come, run its handler, send exactly one reply. */
#include "config-build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/dispatch.h"
#include "daemon/log.h"

#define MAX_BODY 256

static const struct dispatch_entry *const families[] = {
	sys_object_calls,
	sys_event_calls,
	sys_resource_calls,
	sys_operator_calls,
	sys_vmo_calls,
	sys_vmar_calls,
	sys_ddk_calls,
	sys_channel_calls,
	sys_transfer_calls,
	sys_iob_calls,
};

static const struct dispatch_entry *by_body[MAX_BODY];
static bool indexed;

static void
build_index(void)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		for (const struct dispatch_entry *e = families[f];
		    e->fn != NULL; e++) {
			if ((unsigned)e->body < MAX_BODY)
				by_body[e->body] = e;
		}
	}
	indexed = true;
}

void
dispatch_client_gone(struct client *cl)
{
	sys_vmar_client_gone(cl);
}

zx_status_t
dispatch_add_handle(struct call *c, struct object *o, zx_rights_t rights)
{
	struct handle *h;
	zx_status_t st;
	int fd;

	if (c->n_out_handles >= DISPATCH_MAX_OUT)
		return ZX_ERR_INTERNAL;
	st = handle_new(o, rights, &h);
	if (st != ZX_OK)
		return st;
	st = server_attach_handle(c->client, c->pid, h, &fd);
	if (st != ZX_OK) {
		handle_free(h);
		return st;
	}
	c->out_handles[c->n_out_handles] = h;
	c->out_handle_fds[c->n_out_handles] = fd;
	c->n_out_handles++;
	return ZX_OK;
}

zx_status_t
dispatch_give_handle(struct call *c, struct handle *h)
{
	zx_status_t st;
	int fd;

	if (c->n_out_handles >= DISPATCH_MAX_OUT)
		return ZX_ERR_INTERNAL;
	st = server_attach_handle(c->client, c->pid, h, &fd);
	if (st != ZX_OK)
		return st;
	c->out_handles[c->n_out_handles] = h;
	c->out_handle_fds[c->n_out_handles] = fd;
	c->n_out_handles++;
	return ZX_OK;
}

void
dispatch_take_back(struct call *c, size_t from)
{
	for (size_t i = from; i < c->n_out_handles; i++) {
		close(c->out_handle_fds[i]);
		server_detach_handle(c->out_handles[i]);
	}
	if (from < c->n_out_handles)
		c->n_out_handles = from;
}

zx_status_t
dispatch_add_fd(struct call *c, int fd)
{
	if (c->n_out_fds >= DISPATCH_MAX_OUT) {
		close(fd);
		return ZX_ERR_INTERNAL;
	}
	c->out_fds[c->n_out_fds++] = fd;
	return ZX_OK;
}

void
dispatch_log_refused(const struct call *c, const char *fmt, ...)
{
	struct client *cl = c->client;
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_ctx_msg(5, LOG_CLIENT(cl, .koid = c->self ? c->self->obj->koid : 0,
	    .request = c->entry->name), "client %llu (pid %d uid %u %s): "
	    "%s refused: %s", (unsigned long long)cl->id, (int)c->pid,
	    (unsigned)cl->uid, cl->comm, c->entry->name, what);
}

void
dispatch_describe(const struct handle *h, Zxd__HandleDesc *d)
{
	zxd__handle_desc__init(d);
	d->koid = h->obj->koid;
	d->type = h->obj->ops->type;
	d->rights = h->rights;
	d->close_sync = object_close_observable(h->obj);
	d->related_koid = h->obj->peer_koid;
}

struct handle *
dispatch_arg_handle(struct call *c, size_t i)
{
	struct handle *h;

	if (i >= c->msg->nfds || c->msg->fds[i] < 0)
		return NULL;
	h = server_handle_of_fd(c->msg->fds[i]);
	if (h == NULL || h->owner_pid != c->pid)
		return NULL;
	return h;
}

/* Undo the handles a failed call created. */
static void
drop_out(struct call *c)
{
	for (size_t i = 0; i < c->n_out_handles; i++) {
		close(c->out_handle_fds[i]);
		server_close_handle(c->out_handles[i]);
	}
	c->n_out_handles = 0;
	wire_close_fds(c->out_fds, c->n_out_fds);
	c->n_out_fds = 0;
}

static int
send_reply(struct call *c, zx_status_t st)
{
	int fds[2 * DISPATCH_MAX_OUT];
	size_t n = 0;
	int r;

	if (st != ZX_OK)
		drop_out(c);
	c->rep->status = st;
	for (size_t i = 0; i < c->n_out_handles; i++) {
		struct handle *h = c->out_handles[i];

		dispatch_describe(h, &c->out_desc[i]);
		c->out_descp[i] = &c->out_desc[i];
		fds[n++] = c->out_handle_fds[i];
	}
	c->rep->n_handles = c->n_out_handles;
	c->rep->handles = c->out_descp;
	for (size_t i = 0; i < c->n_out_fds; i++)
		fds[n++] = c->out_fds[i];
	c->rep->nfds = (uint32_t)n;
	r = wire_send_take(c->conn->fd, &c->rep->base, fds, n);
	c->n_out_fds = 0;
	if (r < 0) {
		/* The client is gone or not reading: the new handles'
		 * client ends are closed, so their sockets see EOF. */
		for (size_t i = 0; i < c->n_out_handles; i++)
			server_close_handle(c->out_handles[i]);
		c->n_out_handles = 0;
		return r;
	}
	c->n_out_handles = 0;
	return 0;
}

static int
hello(struct conn *conn, Zxd__Request *req)
{
	Zxd__Reply rep = ZXD__REPLY__INIT;
	Zxd__HelloReply hr = ZXD__HELLO_REPLY__INIT;

	if (req->body_case != ZXD__REQUEST__BODY_HELLO || req->nfds != 0)
		return -EPROTO;
	rep.txid = req->txid;
	if (req->hello->version != ZXD_PROTOCOL_VERSION) {
		log_ctx_msg(4, LOG_CLIENT(conn->client, .request = "hello"),
		    "client %llu (pid %d uid %u %s): protocol version %u, "
		    "want %u", (unsigned long long)conn->client->id,
		    (int)conn->client->pid, (unsigned)conn->client->uid,
		    conn->client->comm, req->hello->version,
		    ZXD_PROTOCOL_VERSION);
		rep.status = ZX_ERR_PROTOCOL_NOT_SUPPORTED;
		wire_send(conn->fd, &rep.base, NULL, 0);
		return -EPROTO;
	}
	rep.body_case = ZXD__REPLY__BODY_HELLO;
	rep.hello = &hr;
	hr.version = ZXD_PROTOCOL_VERSION;
	hr.client_id = conn->client->id;
	conn->hello = true;
	return wire_send(conn->fd, &rep.base, NULL, 0) < 0 ? -EPIPE : 0;
}

int
dispatch_packet(struct conn *conn, struct wire_msg *m)
{
	const struct dispatch_entry *e = NULL;
	Zxd__Request *req;
	Zxd__Reply rep = ZXD__REPLY__INIT;
	struct call c = { 0 };
	zx_status_t st;
	int r;

	if (!indexed)
		build_index();
	req = zxd__request__unpack(NULL, m->len, m->buf);
	if (req == NULL)
		return -EPROTO;
	if (req->nfds != m->nfds) {
		r = -EPROTO;
		goto out;
	}
	if (conn->handle == NULL && !conn->hello) {
		r = hello(conn, req);
		goto out;
	}
	if ((unsigned)req->body_case < MAX_BODY)
		e = by_body[req->body_case];
	if (e == NULL || !(e->where & (conn->handle ? ON_HANDLE : ON_CONTROL))
	    || (e->nfds >= 0 && (size_t)e->nfds != m->nfds)) {
		r = -EPROTO;
		goto out;
	}

	c.entry = e;
	c.conn = conn;
	c.client = conn->client;
	c.self = conn->handle;
	c.pid = conn->pid;
	c.req = req;
	c.msg = m;
	c.rep = &rep;
	rep.txid = req->txid;
	if (!m->has_creds || m->creds.pid != conn->pid) {
		/* Handles are per process: another process holding a copy
		 * of the fd (inherited over fork) gets no service. */
		st = conn->handle ? ZX_ERR_BAD_HANDLE : ZX_ERR_ACCESS_DENIED;
	} else
		st = e->fn(&c);
	r = send_reply(&c, st);
	if (r == 0 && c.close_self)
		r = DISPATCH_CLOSE;
	else if (r < 0)
		r = DISPATCH_CLOSE;
	free(c.scratch);
out:
	zxd__request__free_unpacked(req, NULL);
	return r;
}
