/* zxctl iob: an IOB endpoint, its regions and mappings, and the shared
 * regions' rings (call_iob_query). */
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

/*
 * How many live mappings IOB endpoint `ep` holds of region `index` (the
 * count ZX_IOB_PEER_CLOSED waits on), whichever process made them.
 */
static uint64_t
detail_iob_mappings(struct object *ep, uint32_t index)
{
	return iob_is(ep) ? iob_mappings(iob_of(ep), index) : 0;
}

/* Whether the asker may see a mapping made by process `pid`: its own
 * uid's processes, or everything when admitted. */
static bool
view_sees_pid(const struct view *v, pid_t pid)
{
	if (v->all)
		return true;
	for (struct client *cl = server_client_first(); cl != NULL;
	    cl = cl->next)
		if (cl->pid == pid)
			return cl->uid == v->uid;
	return false;
}

/*
 * The mappings of the IOB's regions made through `ep` or its peer, by
 * region: at most IOB_MAPS_MAX into out (arena room for as many), the
 * visible rest counted in *omitted.
 */
static size_t
fill_iob_maps(const struct view *v, struct iob_ep *ep, struct arena *a,
    Zxd__IobMappingView ***ret, uint32_t *omitted)
{
	struct iob_ep *peer = iob_peer(ep);
	Zxd__IobMappingView **mv;
	size_t k = 0, total = 0;

	mv = ARENA_ARRAY(a, IOB_MAPS_MAX, Zxd__IobMappingView,
	    ZXD__IOB_MAPPING_VIEW__INIT);
	for (uint32_t i = 0; i < iob_region_count(ep); i++) {
		struct vmo *vmo = iob_region_vmo(ep, i);

		for (struct vmar_mapping *m = vmo->mappings; m != NULL;
		    m = m->vmo_next) {
			if (m->via == NULL || (m->via != &ep->obj &&
			    (peer == NULL || m->via != &peer->obj)) ||
			    !view_sees_pid(v, m->vmar->pid))
				continue;
			total++;
			if (k == IOB_MAPS_MAX)
				continue;
			mv[k]->region = i;
			mv[k]->peer = m->via != &ep->obj;
			mv[k]->pid = (uint32_t)m->vmar->pid;
			mv[k]->addr = m->addr;
			mv[k]->len = m->len;
			mv[k]->offset = m->vmo_offset;
			mv[k]->perms = m->max_perms;
			k++;
		}
	}
	*ret = mv;
	*omitted = (uint32_t)(total - k);
	return k;
}

/* A shared region and its ring as they are now. */
static void
fill_shared_view(Zxd__IobSharedView *sv, struct iob_shreg *sr)
{
	sv->koid = sr->obj.koid;
	sv->size = sr->size;
	iob_shreg_ring(sr, &sv->head, &sv->tail);
	sv->writes = sr->writes;
	sv->bytes = sr->bytes;
	sv->no_space = sr->no_space;
	sv->corrupt = sr->corrupt;
	sv->iobs = sr->niobs;
	sv->handles = sr->obj.handle_count;
}

/* `zxctl iob KOID` on a shared region: its ring and who holds it. */
static zx_status_t
shared_query(struct call *c, const struct view *v, struct object *o)
{
	Zxd__IobSharedView **sv;
	Zxd__IobReply *r;
	struct arena a;
	zx_status_t st;

	st = arena_new(c, &a, ARENA_ALIGN(sizeof(*r)) +
	    arena_size(1, sizeof(**sv)) + holders_room(v, o));
	if (st != ZX_OK)
		return st;
	r = arena_get(&a, sizeof(*r));
	zxd__iob_reply__init(r);
	sv = ARENA_ARRAY(&a, 1, Zxd__IobSharedView,
	    ZXD__IOB_SHARED_VIEW__INIT);
	fill_shared_view(sv[0], iob_shreg_of(o));
	r->koid = o->koid;
	r->signals = o->signals;
	r->shared = sv;
	r->n_shared = 1;
	r->n_holders = fill_holders(v, o, &a, &r->holders, NULL);
	c->rep->body_case = ZXD__REPLY__BODY_IOB;
	c->rep->iob = r;
	return ZX_OK;
}

/*
 * One IOB endpoint and its peer, from ZX_INFO_IOB_REGIONS as the asked
 * endpoint sees it (itself as EP0), with the mappings made through
 * either. The peer is shown while it lives, handles or not (its
 * mappings hold it). An object that is not a visible IOB is "not
 * found", whatever it is.
 */
zx_status_t
call_iob_query(struct call *c)
{
	zx_iob_region_info_t *info = NULL;
	zx_info_iob_t iob;
	Zxd__IobRegionView **rv;
	Zxd__IobSharedView **sv;
	Zxd__IobReply *r;
	struct object *o, *peer;
	struct iob_shreg *shared[ZX_IOB_MAX_REGIONS];
	size_t actual = 0, avail = 0, recsize = 0, n, room, nshared = 0;
	struct view v;
	struct arena a;
	zx_status_t st;

	st = view_init(&v, c);
	if (st != ZX_OK)
		return st;
	o = view_find(&v, c->req->iob_query->koid);
	if (o != NULL && iob_shreg_is(o)) {
		st = shared_query(c, &v, o);
		goto out;
	}
	if (o == NULL || !iob_is(o) ||
	    !view_info(o, ZX_INFO_IOB, &iob, sizeof(iob))) {
		st = ZX_ERR_NOT_FOUND;
		goto out;
	}
	peer = iob_peer(iob_of(o)) != NULL ? &iob_peer(iob_of(o))->obj : NULL;
	n = iob.region_count;
	info = calloc(n ? n : 1, sizeof(*info));
	if (info == NULL) {
		st = ZX_ERR_NO_MEMORY;
		goto out;
	}
	st = o->ops->get_info(o, ZX_INFO_IOB_REGIONS, OPERATOR_RIGHTS, info,
	    n * sizeof(*info), &actual, &avail, &recsize);
	if (st != ZX_OK)
		goto out;
	n = actual < n ? actual : n;
	/* The distinct shared regions, in region order. */
	for (size_t i = 0; i < n; i++) {
		struct iob_shreg *sr = iob_region_shared(iob_of(o),
		    (uint32_t)i);
		size_t k;

		for (k = 0; sr != NULL && k < nshared && shared[k] != sr; k++)
			;
		if (sr != NULL && k == nshared)
			shared[nshared++] = sr;
	}

	room = ARENA_ALIGN(sizeof(*r)) + arena_size(n, sizeof(**rv)) +
	    arena_size(nshared, sizeof(**sv)) +
	    holders_room(&v, o) +
	    arena_size(IOB_MAPS_MAX, sizeof(Zxd__IobMappingView));
	if (peer != NULL)
		room += holders_room(&v, peer);
	st = arena_new(c, &a, room);
	if (st != ZX_OK)
		goto out;
	r = arena_get(&a, sizeof(*r));
	zxd__iob_reply__init(r);
	rv = ARENA_ARRAY(&a, n, Zxd__IobRegionView,
	    ZXD__IOB_REGION_VIEW__INIT);
	for (size_t i = 0; i < n; i++) {
		rv[i]->index = (uint32_t)i;
		rv[i]->koid = info[i].koid;
		rv[i]->type = info[i].region.type;
		rv[i]->discipline = info[i].region.discipline.type;
		rv[i]->size = info[i].region.size;
		rv[i]->access = info[i].region.access;
		if (iob_region_shared(iob_of(o), (uint32_t)i) != NULL)
			rv[i]->shared_koid = info[i].koid;
		if (info[i].region.discipline.type ==
		    ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER)
			rv[i]->tag = info[i].region.discipline.reserved[0];
		rv[i]->mappings = detail_iob_mappings(o, (uint32_t)i);
		if (peer != NULL)
			rv[i]->peer_mappings = detail_iob_mappings(peer,
			    (uint32_t)i);
	}
	r->koid = o->koid;
	r->peer_koid = peer != NULL ? peer->koid : 0;
	r->signals = o->signals;
	r->n_regions = n;
	r->regions = rv;
	sv = ARENA_ARRAY(&a, nshared, Zxd__IobSharedView,
	    ZXD__IOB_SHARED_VIEW__INIT);
	for (size_t k = 0; k < nshared; k++)
		fill_shared_view(sv[k], shared[k]);
	r->shared = sv;
	r->n_shared = nshared;
	r->n_holders = fill_holders(&v, o, &a, &r->holders, NULL);
	if (peer != NULL)
		r->n_peer_holders = fill_holders(&v, peer, &a,
		    &r->peer_holders, NULL);
	r->n_maps = fill_iob_maps(&v, iob_of(o), &a, &r->maps,
	    &r->maps_omitted);
	c->rep->body_case = ZXD__REPLY__BODY_IOB;
	c->rep->iob = r;
out:
	free(info);
	view_free(&v);
	return st;
}
