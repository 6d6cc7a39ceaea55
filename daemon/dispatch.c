/* Request dispatch: unpack, check where and with how many fds a request
 * may come, run its handler, send exactly one reply. */
#include "config-build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/account.h"
#include "daemon/dispatch.h"
#include "proto/envelope.h"
#include "daemon/log.h"
#include "daemon/timing.h"

#define MAX_BODY 256

/* A name listed twice in calls.def redeclares its enumerator. */
enum {
#define CALL(n_, w_, k_) CALL_INDEX_##n_,
#include "daemon/calls.def"
#undef CALL
	N_CALLS
};

static struct dispatch_entry table[N_CALLS] = {
#define CALL(n_, w_, k_) \
	{ .name = #n_, .fn = call_##n_, .where = (w_), .nfds = (k_) },
#include "daemon/calls.def"
#undef CALL
};

static const struct dispatch_entry *by_body[MAX_BODY];
static bool indexed;

int
dispatch_init(void)
{
	const ProtobufCMessageDescriptor *d = &zxd__request__descriptor;

	if (indexed)
		return 0;
	for (size_t i = 0; i < N_CALLS; i++) {
		struct dispatch_entry *e = &table[i];
		const ProtobufCFieldDescriptor *f =
		    protobuf_c_message_descriptor_get_field_by_name(d, e->name);

		if (f == NULL || f->id >= MAX_BODY ||
		    !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)) {
			fprintf(stderr, "zxd: calls.def: %s is not a request "
			    "of proto/zxd.proto\n", e->name);
			return -1;
		}
		if (by_body[f->id] != NULL) {
			fprintf(stderr, "zxd: calls.def: %s and %s are both "
			    "request %u\n", by_body[f->id]->name, e->name,
			    f->id);
			return -1;
		}
		e->body = (Zxd__Request__BodyCase)f->id;
		by_body[f->id] = e;
	}
	/* call_body holds any reply body without an allocation. */
	for (unsigned i = 0; i < zxd__reply__descriptor.n_fields; i++) {
		const ProtobufCFieldDescriptor *f =
		    &zxd__reply__descriptor.fields[i];
		const ProtobufCMessageDescriptor *md = f->descriptor;

		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    md->sizeof_message > sizeof(((struct call *)0)->body)) {
			fprintf(stderr, "zxd: reply body %s is over %zu "
			    "bytes\n", md->name,
			    sizeof(((struct call *)0)->body));
			return -1;
		}
	}
	indexed = true;
	return 0;
}

const struct dispatch_entry *
dispatch_lookup(Zxd__Request__BodyCase body)
{
	if (!indexed && dispatch_init() < 0)
		abort();
	return (unsigned)body < MAX_BODY ? by_body[body] : NULL;
}

void
dispatch_call_release(struct call *c)
{
	for (size_t i = 0; i < c->n_scratch; i++)
		free(c->scratch[i]);
	c->n_scratch = 0;
	c->small_used = 0;
	c->body_used = false;
}

void *
call_body(struct call *c, size_t size)
{
	if (!c->body_used && size <= sizeof(c->body)) {
		c->body_used = true;
		memset(c->body, 0, size);
		return c->body;
	}
	return call_alloc(c, size);
}

bool
call_keep(struct call *c, void *p)
{
	if (c->n_scratch >= sizeof(c->scratch) / sizeof(c->scratch[0])) {
		free(p);
		return false;
	}
	c->scratch[c->n_scratch++] = p;
	return true;
}

void *
call_alloc(struct call *c, size_t size)
{
	size_t align = _Alignof(max_align_t);
	void *p;

	/* Small records (an info topic, a name) come from the call. */
	if (size <= sizeof(c->small) - c->small_used) {
		p = c->small + c->small_used;
		c->small_used += (size + align - 1) & ~(align - 1);
		if (c->small_used > sizeof(c->small))
			c->small_used = sizeof(c->small);
		memset(p, 0, size);
		return p;
	}
	p = calloc(1, size ? size : 1);

	if (p == NULL || !call_keep(c, p))
		return NULL;
	return p;
}

void
dispatch_client_gone(struct client *cl)
{
	sys_process_client_gone(cl);
	sys_vmar_client_gone(cl);
	sys_iob_client_gone(cl);
}

zx_status_t
dispatch_add_handle(struct call *c, struct object *o, zx_rights_t rights)
{
	struct handle *h;
	zx_status_t st;
	int fd;

	if (c->n_out_handles >= DISPATCH_MAX_OUT)
		return ZX_ERR_INTERNAL;
	uint64_t spare;

	st = handle_new(o, rights, &h);
	if (st != ZX_OK)
		return st;
	/* A new handle goes on one of the process's spares if it has one
	 * (its fd stays -1: HandleDesc.spare). */
	st = server_attach_handle_spare(c->client, c->pid, h, &fd, &spare);
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
	log_rate(5, &cl->lograte[LOG_KIND_REFUSED], LOG_KIND_REFUSED,
	    LOG_CLIENT(cl, .koid = c->self ? c->self->obj->koid : 0,
	    .request = c->entry->name, .message_id = LOG_ID_REFUSED),
	    "client %llu (pid %d uid %u %s): "
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
	d->ino = h->ino;
}

/* h's place among the arguments libzx offers as spares, or -1. */
static int
offered_arg(const struct call *c, const struct handle *h)
{
	for (size_t i = 0; i < c->req->n_handle_args && i < 64; i++)
		if (c->req->handle_args[i] == h->ino &&
		    (c->req->spare_args >> i & 1))
			return (int)i;
	return -1;
}

void
dispatch_detach_arg(struct call *c, struct handle *h)
{
	int i = offered_arg(c, h);

	if (i < 0)
		server_detach_handle(h);
	else if (server_detach_to_spare(h))
		c->rep->spared_args |= 1ull << i;
}

void
dispatch_close_arg(struct call *c, struct handle *h)
{
	int i = offered_arg(c, h);

	if (i < 0)
		server_close_handle(h);
	else if (server_close_to_spare(h))
		c->rep->spared_args |= 1ull << i;
}

zx_status_t
dispatch_charge_object(struct call *c, struct object *o, unsigned fds,
    uint64_t bytes)
{
	struct client *cl = c->client;
	zx_status_t st;

	/* A call of no client's (the daemon's own): nobody to charge. */
	if (cl == NULL)
		return ZX_OK;
	if (o->payer != NULL) {
		account_force(o->payer, ACCT_FDS, fds);
		account_force(o->payer, ACCT_MEMORY, bytes);
		o->payer_fds += fds;
		o->payer_bytes += bytes;
		return ZX_OK;
	}
	st = server_charge(cl, ACCT_FDS, fds);
	if (st != ZX_OK)
		return st;
	st = server_charge(cl, ACCT_MEMORY, bytes);
	if (st != ZX_OK) {
		account_uncharge(cl, ACCT_FDS, fds);
		return ZX_ERR_NO_MEMORY;
	}
	o->payer = server_client_ref(cl);
	o->payer_fds = fds;
	o->payer_bytes = bytes;
	return ZX_OK;
}

zx_status_t
dispatch_charge_sigpage(struct call *c, struct object *o)
{
	if (o->sigword != NULL)
		return ZX_OK;
	/* Its page is not counted as memory: VMO limits are the pages
	 * a VMO holds, and an object's own bookkeeping is not charged. */
	return dispatch_charge_object(c, o, 1, 0);
}

size_t
call_nfds(const struct call *c)
{
	return c->msg->nfds + c->req->n_handle_args;
}

struct handle *
dispatch_arg_handle(struct call *c, size_t i)
{
	struct handle *h;

	if (c->req->n_handle_args > 0) {
		/* A handle named by its socket's inode: one this process
		 * holds now (not in flight, not behind a token). */
		if (i >= c->req->n_handle_args || c->msg->nfds != 0)
			return NULL;
		h = handle_table_find(c->req->handle_args[i]);
		if (h == NULL || h->in_flight || !server_handle_attached(h) ||
		    h->owner_pid != c->pid)
			return NULL;
		return h;
	}
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
		if (c->out_handle_fds[i] >= 0) {
			close(c->out_handle_fds[i]);
			server_close_handle(c->out_handles[i]);
		} else
			server_close_to_spare(c->out_handles[i]);
	}
	c->n_out_handles = 0;
	wire_close_fds(c->out_fds, c->n_out_fds);
	c->n_out_fds = 0;
}

/* Whether the two new handles are a fresh pair whose closes libzx may
 * defer (Reply.close_ids): each end's one handle, nothing
 * else watching either. Channels are not (a close releases the handles
 * queued in the endpoint, which others observe). */
static bool
close_deferrable(const struct handle *h0, const struct handle *h1)
{
	const struct object *a = h0->obj, *b = h1->obj;

	if (a->ops->type != b->ops->type ||
	    (a->ops->type != ZX_OBJ_TYPE_EVENTPAIR &&
	    a->ops->type != ZX_OBJ_TYPE_IOB))
		return false;
	return a->peer_koid == b->koid && b->peer_koid == a->koid &&
	    a->handle_count == 1 && b->handle_count == 1 &&
	    a->sigpage_fd < 0 && b->sigpage_fd < 0 &&
	    a->observers == NULL && b->observers == NULL &&
	    h0->ino != 0 && h1->ino != 0;
}

static int
send_reply(struct call *c, zx_status_t st)
{
	int fds[2 * DISPATCH_MAX_OUT];
	uint64_t close_ids[2];
	size_t n = 0;
	int r;

	if (st != ZX_OK)
		drop_out(c);
	c->rep->status = st;
	for (size_t i = 0; i < c->n_out_handles; i++) {
		struct handle *h = c->out_handles[i];

		dispatch_describe(h, &c->out_desc[i]);
		c->out_descp[i] = &c->out_desc[i];
		if (c->out_handle_fds[i] >= 0)
			fds[n++] = c->out_handle_fds[i];
		else
			c->out_desc[i].spare = true;
	}
	if (c->n_out_handles == 2 &&
	    close_deferrable(c->out_handles[0], c->out_handles[1])) {
		close_ids[0] = c->out_handles[0]->ino;
		close_ids[1] = c->out_handles[1]->ino;
		c->rep->close_ids = close_ids;
		c->rep->n_close_ids = 2;
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
		log_rate(4, &conn->client->lograte[LOG_KIND_PROTOCOL],
		    LOG_KIND_PROTOCOL, LOG_CLIENT(conn->client,
		    .request = "hello", .message_id = LOG_ID_PROTOCOL),
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
	struct call c;
	zx_status_t st;
	int64_t start = timing_on ? timing_now_ns() : 0;
	int r;

	if (!indexed && dispatch_init() < 0)
		abort();
	req = (Zxd__Request *)envelope_unpack(&zxd__request__descriptor,
	    m->len, m->buf);
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
	/* A call on a handle libzx does not know comes on the control
	 * connection marked absent. */
	if (e == NULL || !(e->where & (conn->handle || req->absent ?
	    ON_HANDLE : ON_CONTROL)) || (req->absent && conn->handle) ||
	    (e->nfds >= 0 &&
	    (size_t)e->nfds != m->nfds + req->n_handle_args)) {
		r = -EPROTO;
		goto out;
	}

	server_dispatching_args(req->handle_args, req->n_handle_args);
	memset(&c, 0, offsetof(struct call, out_handles));
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
	} else if (req->absent && !(e->where & SELF_LATE)) {
		server_close_listed(conn, req->closed, req->n_closed);
		st = ZX_ERR_BAD_HANDLE;
	} else {
		/* What the process closed before this request has taken
		 * effect before it is served. */
		server_close_listed(conn, req->closed, req->n_closed);
		st = e->fn(&c);
	}
	/* A consumed handle's socket may stay as a spare, if libzx keeps
	 * it for that. */
	if (c.close_self && req->spare_self && server_can_spare(conn))
		rep.self_spare = true;
	r = c.no_reply ? 0 : send_reply(&c, st);
	if (timing_on && start != 0)
		timing_record((size_t)(e - table), N_CALLS, e->name,
		    m->stamp_ns, start, timing_now_ns());
	if (r == 0 && c.close_self)
		r = rep.self_spare ? DISPATCH_SPARE : DISPATCH_CLOSE;
	else if (r < 0)
		r = DISPATCH_CLOSE;
	dispatch_call_release(&c);
out:
	envelope_free(&req->base);
	return r;
}
