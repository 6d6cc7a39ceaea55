/* Sockets: Zircon's socket_dispatcher in miniature. */
#include "config-build.h"

#include <limits.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "objects/socket.h"
#include "objects/vmo.h"

struct socket {
	struct object base;		/* first */
	struct ringpair *rp;		/* a reference */
	int end;
	uint32_t options;
	struct ring_ctl *ctl;		/* in the signal page */
};

static struct socket *
to_socket(struct object *o)
{
	return (struct socket *)o;
}

static const struct ring *
ring_in(const struct socket *s)
{
	return &s->rp->ring[s->end];
}

static const struct ring *
ring_out(const struct socket *s)
{
	return &s->rp->ring[1 - s->end];
}

void
socket_refresh(struct object *o)
{
	struct socket *s = to_socket(o);
	zx_signals_t now;

	now = ring_signals(o->signals, ring_used(ring_in(s)),
	    ring_used(ring_out(s)), ring_out(s)->max,
	    s->ctl->rx_threshold, s->ctl->tx_threshold);
	object_signal(o, RING_DATA_SIGNALS, now & RING_DATA_SIGNALS);
}

/* A change waiters cannot see in the signal word (a threshold). */
static void
ctl_changed(struct socket *s)
{
	__atomic_add_fetch(&s->ctl->seq, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &s->ctl->seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	socket_refresh(&s->base);
}

static void
socket_on_zero_handles(struct object *o)
{
	struct object *p = o->peer;

	object_unpair(o, ZX_SOCKET_PEER_CLOSED);
	if (p != NULL)
		socket_refresh(p);
}

static void
socket_destroy(struct object *o)
{
	struct socket *s = to_socket(o);

	ringpair_end_detach(s->rp, s->end);
	free(s);
}

static zx_status_t
socket_get_info(struct object *o, uint32_t topic, zx_rights_t rights,
    void *buf, size_t buf_size, size_t *actual, size_t *avail,
    size_t *record_size)
{
	struct socket *s = to_socket(o);
	zx_info_socket_t info;

	if (topic != ZX_INFO_SOCKET)
		return ZX_ERR_NOT_SUPPORTED;
	if (!(rights & ZX_RIGHT_INSPECT))
		return ZX_ERR_ACCESS_DENIED;
	*record_size = sizeof(info);
	*avail = 1;
	if (buf_size < sizeof(info)) {
		*actual = 0;
		return ZX_ERR_BUFFER_TOO_SMALL;
	}
	memset(&info, 0, sizeof(info));
	info.options = s->options;
	info.rx_buf_max = ring_in(s)->max;
	info.rx_buf_size = ring_used(ring_in(s));
	info.rx_buf_available = ring_first(ring_in(s));
	if (o->peer != NULL) {
		info.tx_buf_max = ring_out(s)->max;
		info.tx_buf_size = ring_used(ring_out(s));
	}
	memcpy(buf, &info, sizeof(info));
	*actual = 1;
	return ZX_OK;
}

static zx_status_t
socket_get_property(struct object *o, uint32_t prop, void *buf, size_t size)
{
	struct socket *s = to_socket(o);
	size_t v;

	switch (prop) {
	case ZX_PROP_SOCKET_RX_THRESHOLD:
		v = s->ctl->rx_threshold;
		break;
	case ZX_PROP_SOCKET_TX_THRESHOLD:
		v = s->ctl->tx_threshold;
		break;
	default:
		return ZX_ERR_NOT_SUPPORTED;
	}
	if (size < sizeof(v))
		return ZX_ERR_BUFFER_TOO_SMALL;
	memcpy(buf, &v, sizeof(v));
	return ZX_OK;
}

static zx_status_t
socket_set_property(struct object *o, uint32_t prop, const void *buf,
    size_t size)
{
	struct socket *s = to_socket(o);
	size_t v;

	if (prop != ZX_PROP_SOCKET_RX_THRESHOLD &&
	    prop != ZX_PROP_SOCKET_TX_THRESHOLD)
		return ZX_ERR_NOT_SUPPORTED;
	if (size < sizeof(v))
		return ZX_ERR_BUFFER_TOO_SMALL;
	memcpy(&v, buf, sizeof(v));
	if (prop == ZX_PROP_SOCKET_RX_THRESHOLD) {
		if (v > ring_in(s)->max)
			return ZX_ERR_INVALID_ARGS;
		__atomic_store_n(&s->ctl->rx_threshold, v, __ATOMIC_SEQ_CST);
	} else {
		if (o->peer == NULL)
			return ZX_ERR_PEER_CLOSED;
		if (v > ring_out(s)->max)
			return ZX_ERR_INVALID_ARGS;
		__atomic_store_n(&s->ctl->tx_threshold, v, __ATOMIC_SEQ_CST);
	}
	ctl_changed(s);
	return ZX_OK;
}

static uint64_t
socket_memory_bytes(const struct object *o)
{
	const struct socket *s = (const struct socket *)o;

	/* Each end shows the direction it reads. */
	return ring_bytes(&s->rp->ring[s->end]);
}

static void
socket_describe(struct object *o, char *buf, size_t len)
{
	struct socket *s = to_socket(o);

	socket_refresh(o);
	snprintf(buf, len, "%s, %llu B queued%s%s",
	    (s->options & ZX_SOCKET_DATAGRAM) ? "datagram" : "stream",
	    (unsigned long long)ring_used(ring_in(s)),
	    (o->signals & ZX_SOCKET_WRITE_DISABLED) ? ", writes off" : "",
	    o->peer == NULL ? ", peer closed" : "");
}

static void
socket_watch(struct object *o)
{
	ringpair_watch(to_socket(o)->rp, true);
}

static const struct object_ops socket_ops = {
	.type = ZX_OBJ_TYPE_SOCKET,
	.name = "socket",
	.default_rights = ZX_DEFAULT_SOCKET_RIGHTS,
	.waitable = true,
	.peered = true,
	.on_zero_handles = socket_on_zero_handles,
	.destroy = socket_destroy,
	.get_info = socket_get_info,
	.get_property = socket_get_property,
	.set_property = socket_set_property,
	.memory_bytes = socket_memory_bytes,
	.describe = socket_describe,
	.refresh = socket_refresh,
	.watch = socket_watch,
};

static zx_status_t
end_new(struct ringpair *rp, int end, void *arg, struct object **ret)
{
	struct socket *s = calloc(1, sizeof(*s));
	zx_status_t st;

	if (s == NULL)
		return ZX_ERR_NO_MEMORY;
	object_init(&s->base, &socket_ops);
	s->rp = rp;
	s->end = end;
	s->options = *(const uint32_t *)arg;
	st = ringpair_end_attach(rp, end, &s->base, socket_refresh);
	if (st != ZX_OK)
		return st;
	s->ctl = rp->ctl[end];
	*ret = &s->base;
	return ZX_OK;
}

zx_status_t
socket_create(uint32_t options, const struct vmo_payer *payer,
    struct object **ret0, struct object **ret1)
{
	bool dgram = options & ZX_SOCKET_DATAGRAM;
	struct ringpair *rp;
	zx_status_t st;
	uint64_t cap;

	if (options & ~ZX_SOCKET_CREATE_MASK)
		return ZX_ERR_INVALID_ARGS;
	/* A datagram record has a header and padding: room for both on top
	 * of Zircon's payload limit (see doc/DATAPATH.md). */
	cap = dgram ? 2 * (uint64_t)RING_SOCKET_MAX : RING_SOCKET_MAX;
	st = ringpair_new(cap, RING_SOCKET_MAX, dgram, payer, &rp);
	if (st != ZX_OK)
		return st;
	return ringpair_make_ends(rp, end_new, &options, ret0, ret1);
}

struct ringpair *
socket_ringpair(struct object *o, int *ret_end)
{
	*ret_end = to_socket(o)->end;
	return to_socket(o)->rp;
}

uint32_t
socket_options(const struct object *o)
{
	return ((const struct socket *)o)->options;
}

/* Disable or enable the writes of endpoint `end` (whose object is `me`,
 * NULL once closed); its peer object is `peer` (NULL once closed). */
static void
set_writes(struct ringpair *rp, int end, struct object *me,
    struct object *peer, bool disabled)
{
	rp->read_disabled[1 - end] = disabled;
	if (me != NULL) {
		if (disabled)
			object_signal(me, 0, ZX_SOCKET_WRITE_DISABLED);
		else
			object_signal(me, ZX_SOCKET_WRITE_DISABLED, 0);
		socket_refresh(me);
	}
	if (peer != NULL) {
		if (disabled)
			object_signal(peer, 0, ZX_SOCKET_PEER_WRITE_DISABLED);
		else
			object_signal(peer, ZX_SOCKET_PEER_WRITE_DISABLED, 0);
	}
}

zx_status_t
socket_set_disposition(struct object *o, uint32_t disposition,
    uint32_t disposition_peer)
{
	struct socket *s = to_socket(o);
	struct ringpair *rp = s->rp;
	struct object *peer = o->peer;

	if (disposition == 0 && disposition_peer == 0)
		return ZX_OK;
	/* Writes come back only once what was written under the old
	 * disposition is drained. */
	if (disposition_peer == ZX_SOCKET_DISPOSITION_WRITE_ENABLED &&
	    ring_used(ring_in(s)) > 0 &&
	    (o->signals & ZX_SOCKET_PEER_WRITE_DISABLED))
		return ZX_ERR_BAD_STATE;
	if (disposition == ZX_SOCKET_DISPOSITION_WRITE_ENABLED &&
	    ring_used(ring_out(s)) > 0 && rp->read_disabled[1 - s->end])
		return ZX_ERR_BAD_STATE;
	if (disposition != 0)
		set_writes(rp, s->end, o, peer,
		    disposition == ZX_SOCKET_DISPOSITION_WRITE_DISABLED);
	if (disposition_peer != 0) {
		bool off = disposition_peer ==
		    ZX_SOCKET_DISPOSITION_WRITE_DISABLED;

		if (peer != NULL) {
			set_writes(rp, 1 - s->end, peer, o, off);
		} else {
			/* Only the local side changes. */
			rp->read_disabled[s->end] = off;
			object_signal(o, off ? 0 : ZX_SOCKET_PEER_WRITE_DISABLED,
			    off ? ZX_SOCKET_PEER_WRITE_DISABLED : 0);
		}
	}
	return ZX_OK;
}
