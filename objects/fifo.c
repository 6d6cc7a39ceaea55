/* FIFOs: Zircon's fifo_dispatcher in miniature. */
#include "config-build.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "objects/fifo.h"
#include "objects/vmo.h"

struct fifo {
	struct object base;		/* first */
	struct ringpair *rp;		/* a reference */
	int end;
	uint32_t elem_count, elem_size;
};

static struct fifo *
to_fifo(struct object *o)
{
	return (struct fifo *)o;
}

void
fifo_refresh(struct object *o)
{
	struct fifo *f = to_fifo(o);
	const struct ring *in = &f->rp->ring[f->end];
	const struct ring *out = &f->rp->ring[1 - f->end];
	zx_signals_t now;

	now = ring_signals(o->signals, ring_used(in), ring_used(out),
	    out->max, 0, 0);
	object_signal(o, RING_DATA_SIGNALS, now & RING_DATA_SIGNALS);
}

static void
fifo_on_zero_handles(struct object *o)
{
	struct object *p = o->peer;

	object_unpair(o, ZX_FIFO_PEER_CLOSED);
	if (p != NULL)
		fifo_refresh(p);
}

static void
fifo_destroy(struct object *o)
{
	struct fifo *f = to_fifo(o);

	ringpair_end_detach(f->rp, f->end);
	free(f);
}

static uint64_t
fifo_memory_bytes(const struct object *o)
{
	const struct fifo *f = (const struct fifo *)o;

	return ring_bytes(&f->rp->ring[f->end]);
}

static void
fifo_describe(struct object *o, char *buf, size_t len)
{
	struct fifo *f = to_fifo(o);

	fifo_refresh(o);
	snprintf(buf, len, "%ux%u B, %llu queued%s", f->elem_count,
	    f->elem_size, (unsigned long long)(ring_used(&f->rp->ring[f->end]) /
	    f->elem_size), o->peer == NULL ? ", peer closed" : "");
}

static void
fifo_watch(struct object *o)
{
	ringpair_watch(to_fifo(o)->rp, true);
}

static const struct object_ops fifo_ops = {
	.type = ZX_OBJ_TYPE_FIFO,
	.name = "fifo",
	.default_rights = ZX_DEFAULT_FIFO_RIGHTS,
	.waitable = true,
	.peered = true,
	.on_zero_handles = fifo_on_zero_handles,
	.destroy = fifo_destroy,
	.memory_bytes = fifo_memory_bytes,
	.describe = fifo_describe,
	.refresh = fifo_refresh,
	.watch = fifo_watch,
};

/* The element count and size both ends share. */
struct fifo_shape {
	uint32_t count, size;
};

static zx_status_t
end_new(struct ringpair *rp, int end, void *arg, struct object **ret)
{
	const struct fifo_shape *shape = arg;
	struct fifo *f = calloc(1, sizeof(*f));
	zx_status_t st;

	if (f == NULL)
		return ZX_ERR_NO_MEMORY;
	object_init(&f->base, &fifo_ops);
	f->rp = rp;
	f->end = end;
	f->elem_count = shape->count;
	f->elem_size = shape->size;
	st = ringpair_end_attach(rp, end, &f->base, fifo_refresh);
	if (st == ZX_OK)
		*ret = &f->base;
	return st;
}

zx_status_t
fifo_create(uint64_t elem_count, uint64_t elem_size,
    const struct vmo_payer *payer, struct object **ret0,
    struct object **ret1)
{
	struct fifo_shape shape;
	struct ringpair *rp;
	zx_status_t st;
	uint64_t bytes;

	if (elem_count == 0 || elem_size == 0 ||
	    elem_count > ZX_FIFO_MAX_SIZE_BYTES ||
	    elem_size > ZX_FIFO_MAX_SIZE_BYTES)
		return ZX_ERR_OUT_OF_RANGE;
	bytes = elem_count * elem_size;
	if (bytes > ZX_FIFO_MAX_SIZE_BYTES)
		return ZX_ERR_OUT_OF_RANGE;
	st = ringpair_new(bytes, bytes, false, payer, &rp);
	if (st != ZX_OK)
		return st;
	shape.count = (uint32_t)elem_count;
	shape.size = (uint32_t)elem_size;
	return ringpair_make_ends(rp, end_new, &shape, ret0, ret1);
}

struct ringpair *
fifo_ringpair(struct object *o, int *ret_end)
{
	*ret_end = to_fifo(o)->end;
	return to_fifo(o)->rp;
}

uint32_t
fifo_elem_size(const struct object *o)
{
	return ((const struct fifo *)o)->elem_size;
}

uint32_t
fifo_elem_count(const struct object *o)
{
	return ((const struct fifo *)o)->elem_count;
}
