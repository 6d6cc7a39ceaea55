/* Calls on any handle: duplicate, replace, info, properties, signals.
 * (The operator's stats are in inspect_status.c.) */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>

#include <zircon/syscalls/object.h>


#include "daemon/dispatch.h"
#include "daemon/server.h"
#include "objects/process.h"

static zx_status_t
new_rights(zx_rights_t have, zx_rights_t want, zx_rights_t *ret)
{
	if (want == ZX_RIGHT_SAME_RIGHTS) {
		*ret = have;
		return ZX_OK;
	}
	if ((have & want) != want)
		return ZX_ERR_INVALID_ARGS;
	*ret = want;
	return ZX_OK;
}

zx_status_t
call_handle_duplicate(struct call *c)
{
	zx_rights_t r;
	zx_status_t st;

	if (!(c->self->rights & ZX_RIGHT_DUPLICATE))
		return ZX_ERR_ACCESS_DENIED;
	st = new_rights(c->self->rights, c->req->handle_duplicate->rights, &r);
	if (st != ZX_OK)
		return st;
	return dispatch_add_handle(c, c->self->obj, r);
}

zx_status_t
call_handle_replace(struct call *c)
{
	zx_rights_t r;
	zx_status_t st;

	/* The source goes away whatever happens. */
	c->close_self = true;
	st = new_rights(c->self->rights, c->req->handle_replace->rights, &r);
	if (st != ZX_OK)
		return st;
	return dispatch_add_handle(c, c->self->obj, r);
}

/* Copy one fixed-size record with Zircon's short-buffer rule. */
static zx_status_t
info_single(struct call *c, const void *rec, size_t size)
{
	Zxd__GetInfoReply *r = call_body(c, sizeof(*r));
	uint64_t bufsize = c->req->get_info->buffer_size;

	zxd__get_info_reply__init(r);
	c->rep->body_case = ZXD__REPLY__BODY_GET_INFO;
	c->rep->get_info = r;
	r->avail = 1;
	if (bufsize < size) {
		r->actual = 0;
		return ZX_ERR_BUFFER_TOO_SMALL;
	}
	r->data.data = call_alloc(c, size);
	if (r->data.data == NULL)
		return ZX_ERR_NO_MEMORY;
	memcpy(r->data.data, rec, size);
	r->data.len = size;
	r->actual = 1;
	return ZX_OK;
}

zx_status_t
call_get_info(struct call *c)
{
	struct handle *h = c->self;
	struct object *o = h->obj;
	uint32_t topic = c->req->get_info->topic;
	uint64_t bufsize = c->req->get_info->buffer_size;

	switch (topic) {
	case ZX_INFO_HANDLE_VALID:
		return ZX_OK;
	case ZX_INFO_HANDLE_BASIC: {
		zx_info_handle_basic_t rec = {
			.koid = o->koid,
			.rights = h->rights,
			.type = o->ops->type,
			.related_koid = o->peer_koid,
		};
		return info_single(c, &rec, sizeof(rec));
	}
	/* Topics of one type answer WRONG_TYPE for the others. */
	case ZX_INFO_IOB:
	case ZX_INFO_IOB_REGIONS:
		if (o->ops->type != ZX_OBJ_TYPE_IOB)
			return ZX_ERR_WRONG_TYPE;
		break;
	case ZX_INFO_VMO:
	case ZX_INFO_VMO_V1:
	case ZX_INFO_VMO_V2:
	case ZX_INFO_VMO_V3:
		if (o->ops->type != ZX_OBJ_TYPE_VMO)
			return ZX_ERR_WRONG_TYPE;
		break;
	case ZX_INFO_TIMER:
		if (o->ops->type != ZX_OBJ_TYPE_TIMER)
			return ZX_ERR_WRONG_TYPE;
		break;
	case ZX_INFO_VMAR:
	case ZX_INFO_VMAR_MAPS:
		if (o->ops->type != ZX_OBJ_TYPE_VMAR)
			return ZX_ERR_WRONG_TYPE;
		break;
	/* The process topics, at every version. */
	case ZX_INFO_PROCESS_MAPS_V1:
	case ZX_INFO_PROCESS_MAPS_V2:
	case ZX_INFO_PROCESS_MAPS:
	case ZX_INFO_TASK_STATS_V1:
	case ZX_INFO_TASK_STATS:
		if (o->ops->type != ZX_OBJ_TYPE_PROCESS)
			return ZX_ERR_WRONG_TYPE;
		break;
	case ZX_INFO_PROCESS_VMOS_V1:
	case ZX_INFO_PROCESS_VMOS_V2:
	case ZX_INFO_PROCESS_VMOS_V3:
	case ZX_INFO_PROCESS_VMOS:
	case ZX_INFO_PROCESS_HANDLE_STATS:
	case ZX_INFO_HANDLE_TABLE:
		if (o->ops->type != ZX_OBJ_TYPE_PROCESS)
			return ZX_ERR_WRONG_TYPE;
		/* The process's closes not seen yet have taken effect, as
		 * Zircon's close has when it returns. */
		if (process_of(o)->owner != NULL)
			server_settle_client((struct client *)
			    process_of(o)->owner);
		break;
	case ZX_INFO_HANDLE_COUNT: {
		zx_info_handle_count_t rec;

		if (!(h->rights & ZX_RIGHT_INSPECT))
			return ZX_ERR_ACCESS_DENIED;
		/* Zircon's close has taken effect when it returns; events and
		 * parentless VMOs close without a round trip, so count the
		 * closes of this object's handles not seen yet first. */
		server_settle_object(o);
		rec.handle_count = o->handle_count;
		return info_single(c, &rec, sizeof(rec));
	}
	case ZX_INFO_BTI:
		if (o->ops->type != ZX_OBJ_TYPE_BTI)
			return ZX_ERR_WRONG_TYPE;
		/* PMTs closed just now are quarantined already. */
		sys_ddk_settle(o);
		break;
	case ZX_INFO_SOCKET:
		if (o->ops->type != ZX_OBJ_TYPE_SOCKET)
			return ZX_ERR_WRONG_TYPE;
		break;
	case ZX_INFO_INTERRUPT:
		if (o->ops->type != ZX_OBJ_TYPE_INTERRUPT)
			return ZX_ERR_WRONG_TYPE;
		break;
	case ZX_INFO_RESOURCE:
		/* Zircon looks the handle up as a resource: another type is
		 * WRONG_TYPE, before any rights check. */
		if (o->ops->type != ZX_OBJ_TYPE_RESOURCE)
			return ZX_ERR_WRONG_TYPE;
		break;
	default:
		break;
	}
	if (o->ops->get_info != NULL) {
		Zxd__GetInfoReply *r = call_body(c, sizeof(*r));
		size_t actual = 0, avail = 0, recsize = 0;
		size_t cap = bufsize > 1 << 20 ? 1 << 20 : (size_t)bufsize;
		void *buf = call_alloc(c, cap);
		zx_status_t st;

		if (buf == NULL)
			return ZX_ERR_NO_MEMORY;
		st = o->ops->get_info(o, topic, h->rights, buf, cap,
		    &actual, &avail, &recsize);
		if (st != ZX_OK && st != ZX_ERR_BUFFER_TOO_SMALL)
			return st;
		zxd__get_info_reply__init(r);
		c->rep->body_case = ZXD__REPLY__BODY_GET_INFO;
		c->rep->get_info = r;
		r->actual = actual;
		r->avail = avail;
		r->data.data = buf;
		r->data.len = st == ZX_OK ? actual * recsize : 0;
		return st;
	}
	return ZX_ERR_NOT_SUPPORTED;
}

zx_status_t
call_get_property(struct call *c)
{
	struct object *o = c->self->obj;
	uint32_t prop = c->req->get_property->property;
	uint64_t size = c->req->get_property->size;
	Zxd__PropertyReply *r = call_body(c, sizeof(*r));
	zx_status_t st;

	if (!(c->self->rights & ZX_RIGHT_GET_PROPERTY))
		return ZX_ERR_ACCESS_DENIED;
	zxd__property_reply__init(r);
	switch (prop) {
	case ZX_PROP_NAME:
		if (size < ZX_MAX_NAME_LEN)
			return ZX_ERR_BUFFER_TOO_SMALL;
		r->value.data = call_alloc(c, ZX_MAX_NAME_LEN);
		if (r->value.data == NULL)
			return ZX_ERR_NO_MEMORY;
		if (o->ops->has_name)
			memcpy(r->value.data, o->name, ZX_MAX_NAME_LEN - 1);
		r->value.len = ZX_MAX_NAME_LEN;
		break;
	case ZX_PROP_SOCKET_RX_THRESHOLD:
	case ZX_PROP_SOCKET_TX_THRESHOLD:
		if (size < sizeof(size_t))
			return ZX_ERR_BUFFER_TOO_SMALL;
		if (o->ops->type != ZX_OBJ_TYPE_SOCKET)
			return ZX_ERR_WRONG_TYPE;
		/* fall through */
	case ZX_PROP_VMO_CONTENT_SIZE:
		if (size < sizeof(uint64_t))
			return ZX_ERR_BUFFER_TOO_SMALL;
		if (o->ops->get_property == NULL)
			return ZX_ERR_WRONG_TYPE;
		/* fall through */
	default:
		if (o->ops->get_property == NULL)
			return ZX_ERR_NOT_SUPPORTED;
		if (size > 4096)
			size = 4096;
		r->value.data = call_alloc(c, size);
		if (r->value.data == NULL)
			return ZX_ERR_NO_MEMORY;
		st = o->ops->get_property(o, prop, r->value.data, size);
		if (st != ZX_OK)
			return st;
		r->value.len = size;
		break;
	}
	c->rep->body_case = ZXD__REPLY__BODY_PROPERTY;
	c->rep->property = r;
	return ZX_OK;
}

zx_status_t
call_set_property(struct call *c)
{
	struct object *o = c->self->obj;
	uint32_t prop = c->req->set_property->property;
	ProtobufCBinaryData v = c->req->set_property->value;
	char name[ZX_MAX_NAME_LEN];

	if (!(c->self->rights & ZX_RIGHT_SET_PROPERTY))
		return ZX_ERR_ACCESS_DENIED;
	switch (prop) {
	case ZX_PROP_NAME:
		if (!o->ops->has_name)
			return ZX_ERR_NOT_SUPPORTED;
		memset(name, 0, sizeof(name));
		/* An empty value arrives as (NULL, 0). */
		if (v.len > 0)
			memcpy(name, v.data, v.len < ZX_MAX_NAME_LEN - 1 ?
			    v.len : ZX_MAX_NAME_LEN - 1);
		if (o->ops->set_name != NULL)
			o->ops->set_name(o, name);
		else
			memcpy(o->name, name, sizeof(name));
		return ZX_OK;
	case ZX_PROP_SOCKET_RX_THRESHOLD:
	case ZX_PROP_SOCKET_TX_THRESHOLD:
		if (v.len < sizeof(size_t))
			return ZX_ERR_BUFFER_TOO_SMALL;
		if (o->ops->type != ZX_OBJ_TYPE_SOCKET)
			return ZX_ERR_WRONG_TYPE;
		/* fall through */
	case ZX_PROP_VMO_CONTENT_SIZE:
		if (v.len < sizeof(uint64_t))
			return ZX_ERR_BUFFER_TOO_SMALL;
		if (o->ops->set_property == NULL)
			return ZX_ERR_WRONG_TYPE;
		/* Setting the content size writes the VMO: the kernel wants
		 * WRITE as well as SET_PROPERTY. */
		if (!(c->self->rights & ZX_RIGHT_WRITE))
			return ZX_ERR_ACCESS_DENIED;
		/* fall through */
	default:
		if (o->ops->set_property == NULL)
			return ZX_ERR_NOT_SUPPORTED;
		return o->ops->set_property(o, prop, v.data, v.len);
	}
}

static zx_status_t
check_mask(const struct object *o, uint32_t clear, uint32_t set)
{
	zx_signals_t allowed = ZX_USER_SIGNAL_ALL | o->ops->signal_extra;

	if ((clear | set) & ~allowed)
		return ZX_ERR_INVALID_ARGS;
	return ZX_OK;
}

zx_status_t
call_object_signal(struct call *c)
{
	struct object *o = c->self->obj;
	const Zxd__ObjectSignal *s = c->req->object_signal;
	zx_status_t st;

	if (!(c->self->rights & ZX_RIGHT_SIGNAL))
		return ZX_ERR_ACCESS_DENIED;
	if (!o->ops->waitable)
		return ZX_ERR_NOT_SUPPORTED;
	st = check_mask(o, s->clear_mask, s->set_mask);
	if (st != ZX_OK)
		return st;
	object_signal(o, s->clear_mask, s->set_mask);
	return ZX_OK;
}

zx_status_t
call_object_signal_peer(struct call *c)
{
	struct object *o = c->self->obj;
	const Zxd__ObjectSignal *s = c->req->object_signal_peer;
	zx_status_t st;

	if (!(c->self->rights & ZX_RIGHT_SIGNAL_PEER))
		return ZX_ERR_ACCESS_DENIED;
	if (!o->ops->peered)
		return ZX_ERR_NOT_SUPPORTED;
	st = check_mask(o, s->clear_mask, s->set_mask);
	if (st != ZX_OK)
		return st;
	if (o->peer == NULL)
		return ZX_ERR_PEER_CLOSED;
	object_signal(o->peer, s->clear_mask, s->set_mask);
	return ZX_OK;
}

zx_status_t
call_wait_setup(struct call *c)
{
	struct object *o = c->self->obj;
	zx_status_t st;
	int fd;

	if (!(c->self->rights & ZX_RIGHT_WAIT))
		return ZX_ERR_ACCESS_DENIED;
	if (!o->ops->waitable)
		return ZX_ERR_NOT_SUPPORTED;
	/* The first waiter makes the object's signal page, one of the
	 * daemon's descriptors: charged to whoever pays for the object,
	 * else to this caller. */
	st = dispatch_charge_sigpage(c, o);
	if (st != ZX_OK)
		return st;
	st = object_sigpage_fd(o, &fd);
	if (st != ZX_OK)
		return st;
	return dispatch_add_fd(c, fd);
}
