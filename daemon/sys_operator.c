/*
 * The operator's calls (zxctl): status, objects, handles, iob, phys, bti.
 *
 * Visibility: a peer the root-resource policy admits (root_admitted) sees
 * every object and every holder. Any other peer sees the objects that
 * processes of its own uid hold handles to, and of their holders only
 * those of its uid; asking for another uid's process is refused. Status
 * figures are daemon-wide for everyone.
 *
 * Everything is read through object_ops and Zircon's own info topics
 * (ZX_INFO_VMO, ZX_INFO_IOB_REGIONS, ZX_INFO_BTI), so a new object type
 * shows up in `zxctl objects` and `status` with no change here. What no
 * info topic carries (IOB mappings, a physical VMO's address, a BTI's
 * pins) comes from objects/: iob_mappings(), vmo_paddr(), bti_pins().
 *
 * Lists come in pages that fit one packet (proto/zxd.proto).
 */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/object.h>

#include "daemon/dispatch.h"
#include "daemon/server.h"
#include "objects/bti.h"
#include "objects/pmt.h"
#include "objects/iob.h"
#include "objects/vmar.h"
#include "objects/vmo.h"

/* Per page: at most this many entries, and packed bytes (WIRE_MAX_MSG
 * less room for the envelope). */
#define PAGE_ENTRIES	512
#define PAGE_BYTES	(WIRE_MAX_MSG - 4096)
/* Holders listed per object, BTI pins per BTI; the rest are counted. */
#define HOLDERS_MAX	16
#define PINS_MAX	64
/* IOB mappings listed per `zxctl iob`. */
#define IOB_MAPS_MAX	256

/* Every right: the operator reads info as the kernel would. */
#define OPERATOR_RIGHTS	((zx_rights_t)~ZX_RIGHT_SAME_RIGHTS)

/* ---- extension points --------------------------------------------------- */

/*
 * How many live mappings IOB endpoint `ep` holds of region `index` (the
 * count ZX_IOB_PEER_CLOSED waits on), whichever process made them.
 */
static uint64_t
detail_iob_mappings(struct object *ep, uint32_t index)
{
	return iob_is(ep) ? iob_mappings(iob_of(ep), index) : 0;
}

/* A physical VMO's base physical address; false if `vmo` is not one. */
static bool
detail_vmo_paddr(struct object *vmo, uint64_t *paddr)
{
	return vmo_is(vmo) && vmo_paddr(vmo_of(vmo), 0, paddr);
}

/* ---- what the asker may see --------------------------------------------- */

struct seen {
	struct handle *h;
	struct client *cl;		/* its owner */
};

struct view {
	bool all;			/* root_admitted: sees everything */
	uid_t uid;
	struct seen *hs;		/* visible handles, by (koid, pid) */
	size_t n_hs;
	struct object **objs;		/* visible objects, by koid */
	size_t n_objs;
};

static int
seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if (x->h->obj->koid != y->h->obj->koid)
		return x->h->obj->koid < y->h->obj->koid ? -1 : 1;
	if (x->h->owner_pid != y->h->owner_pid)
		return x->h->owner_pid < y->h->owner_pid ? -1 : 1;
	return x->h->ino < y->h->ino ? -1 : x->h->ino > y->h->ino;
}

static int
obj_cmp(const void *a, const void *b)
{
	const struct object *x = *(struct object *const *)a;
	const struct object *y = *(struct object *const *)b;

	return x->koid < y->koid ? -1 : x->koid > y->koid;
}

static void
view_free(struct view *v)
{
	free(v->hs);
	free(v->objs);
}

static zx_status_t
view_init(struct view *v, const struct call *c)
{
	size_t nh = handle_count(), no = object_count();

	memset(v, 0, sizeof(*v));
	v->all = c->client->root_admitted;
	v->uid = c->client->uid;
	v->hs = calloc(nh ? nh : 1, sizeof(*v->hs));
	v->objs = calloc(no ? no : 1, sizeof(*v->objs));
	if (v->hs == NULL || v->objs == NULL) {
		view_free(v);
		return ZX_ERR_NO_MEMORY;
	}
	for (struct handle *h = handle_first(); h != NULL && v->n_hs < nh;
	    h = handle_next(h)) {
		struct client *cl = h->owner;

		if (cl == NULL || (!v->all && cl->uid != v->uid))
			continue;
		v->hs[v->n_hs].h = h;
		v->hs[v->n_hs++].cl = cl;
	}
	qsort(v->hs, v->n_hs, sizeof(*v->hs), seen_cmp);

	if (v->all) {
		/* Objects alive with no handle (kept by mappings, pins,
		 * children) are shown too. */
		for (struct object *o = object_first(); o != NULL &&
		    v->n_objs < no; o = object_next(o))
			v->objs[v->n_objs++] = o;
		qsort(v->objs, v->n_objs, sizeof(*v->objs), obj_cmp);
	} else {
		for (size_t i = 0; i < v->n_hs; i++)
			if (v->n_objs == 0 ||
			    v->objs[v->n_objs - 1] != v->hs[i].h->obj)
				v->objs[v->n_objs++] = v->hs[i].h->obj;
	}
	return ZX_OK;
}

/* The index in v->objs of the visible object with this koid, or
 * v->n_objs. */
static size_t
view_index(const struct view *v, zx_koid_t koid)
{
	size_t lo = 0, hi = v->n_objs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->objs[mid]->koid < koid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->n_objs && v->objs[lo]->koid == koid ? lo : v->n_objs;
}

static struct object *
view_find(const struct view *v, zx_koid_t koid)
{
	size_t i = view_index(v, koid);

	return i < v->n_objs ? v->objs[i] : NULL;
}

/* Index of the first visible handle to koid (n_hs if none). */
static size_t
view_first_handle(const struct view *v, zx_koid_t koid)
{
	size_t lo = 0, hi = v->n_hs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->hs[mid].h->obj->koid < koid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* How many distinct processes hold visible handles to o. */
static size_t
view_holder_count(const struct view *v, const struct object *o)
{
	size_t n = 0;
	pid_t last = 0;

	for (size_t i = view_first_handle(v, o->koid);
	    i < v->n_hs && v->hs[i].h->obj == o; i++) {
		if (n == 0 || v->hs[i].h->owner_pid != last)
			n++;
		last = v->hs[i].h->owner_pid;
	}
	return n;
}

/* ---- building replies --------------------------------------------------- */

/*
 * Reply messages are built in one block, freed by call_keep after
 * sending: first sized, then carved up.
 */
struct arena {
	char *p;
	size_t left;
};

#define ARENA_ALIGN(n)	(((n) + 15) & ~(size_t)15)

static zx_status_t
arena_new(struct call *c, struct arena *a, size_t size)
{
	a->p = calloc(1, size ? size : 1);
	if (a->p == NULL)
		return ZX_ERR_NO_MEMORY;
	a->left = size;
	return call_keep(c, a->p) ? ZX_OK : ZX_ERR_NO_MEMORY;
}

/* Sized beforehand, so it never runs out. */
static void *
arena_get(struct arena *a, size_t size)
{
	void *p = a->p;

	size = ARENA_ALIGN(size);
	if (size > a->left)
		abort();
	a->p += size;
	a->left -= size;
	return p;
}

/* Arena bytes for n messages of `size` and their pointer array. */
static size_t
arena_size(size_t n, size_t size)
{
	return ARENA_ALIGN(n * size) + ARENA_ALIGN(n * sizeof(void *));
}

/* n copies of the message `init` (its protobuf-c INIT value) and an
 * array pointing at them. */
static void **
arena_array(struct arena *a, size_t n, const void *init, size_t size)
{
	char *msgs = arena_get(a, n * size);
	void **ptrs = arena_get(a, n * sizeof(void *));

	for (size_t i = 0; i < n; i++) {
		memcpy(msgs + i * size, init, size);
		ptrs[i] = msgs + i * size;
	}
	return ptrs;
}

#define ARENA_ARRAY(a, n, type, INIT) __extension__ ({		\
	static const type init_ = INIT;				\
	(type **)arena_array((a), (n), &init_, sizeof(type));	\
})

/* o's holders (at most HOLDERS_MAX, by pid); the rest counted in
 * *omitted. Arena room: arena_size(HOLDERS_MAX or fewer, Holder). */
static size_t
fill_holders(const struct view *v, const struct object *o, struct arena *a,
    Zxd__Holder ***ret, uint32_t *omitted)
{
	size_t total = view_holder_count(v, o);
	size_t n = total > HOLDERS_MAX ? HOLDERS_MAX : total, k = 0;
	Zxd__Holder **hs;

	hs = ARENA_ARRAY(a, n, Zxd__Holder, ZXD__HOLDER__INIT);
	for (size_t i = view_first_handle(v, o->koid);
	    i < v->n_hs && v->hs[i].h->obj == o; i++) {
		const struct seen *s = &v->hs[i];

		if (k > 0 && hs[k - 1]->pid == (uint32_t)s->h->owner_pid) {
			hs[k - 1]->handles++;
			continue;
		}
		if (k == n)
			break;
		hs[k]->pid = (uint32_t)s->h->owner_pid;
		hs[k]->uid = s->cl->uid;
		hs[k]->command = s->cl->comm;
		hs[k]->handles = 1;
		k++;
	}
	*ret = hs;
	if (omitted != NULL)
		*omitted = (uint32_t)(total - n);
	return n;
}

static size_t
holders_room(const struct view *v, const struct object *o)
{
	size_t n = view_holder_count(v, o);

	return arena_size(n > HOLDERS_MAX ? HOLDERS_MAX : n,
	    sizeof(Zxd__Holder));
}

/* Run a type's get_info for one record; false if it has none. */
static bool
object_info(struct object *o, uint32_t topic, void *buf, size_t size)
{
	size_t actual = 0, avail = 0, recsize = 0;

	if (o->ops->get_info == NULL)
		return false;
	memset(buf, 0, size);
	return o->ops->get_info(o, topic, OPERATOR_RIGHTS, buf, size, &actual,
	    &avail, &recsize) == ZX_OK && actual >= 1;
}

static bool
is_physical_vmo(struct object *o)
{
	zx_info_vmo_t info;

	return o->ops->type == ZX_OBJ_TYPE_VMO &&
	    object_info(o, ZX_INFO_VMO, &info, sizeof(info)) &&
	    ZX_INFO_VMO_TYPE(info.flags) == ZX_INFO_VMO_TYPE_PHYSICAL;
}

/*
 * A page of visible objects with koid > after that pass `want`: their
 * indices in v->objs go to sel[], at most PAGE_ENTRIES. Returns the count.
 */
static size_t
select_page(const struct view *v, zx_koid_t after,
    bool (*want)(struct object *), size_t *sel)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n_objs && n < PAGE_ENTRIES; i++) {
		if (v->objs[i]->koid <= after)
			continue;
		if (want != NULL && !want(v->objs[i]))
			continue;
		sel[n++] = i;
	}
	return n;
}

/*
 * Keep the first entries of a page that fit PAGE_BYTES; `next` is the
 * key of the last one kept when more remain (the page was full, or cut
 * short here), else 0.
 */
static size_t
fit_page(void **msgs, size_t n, bool full, size_t fixed,
    const zx_koid_t *keys, uint64_t *next)
{
	size_t bytes = fixed, i;

	for (i = 0; i < n; i++) {
		/* Field tag, length prefix and the message. */
		size_t sz = protobuf_c_message_get_packed_size(msgs[i]) + 6;

		if (i > 0 && bytes + sz > PAGE_BYTES)
			break;
		bytes += sz;
	}
	*next = i < n || full ? (i > 0 ? keys[i - 1] : 0) : 0;
	return i;
}

/* ---- status ------------------------------------------------------------- */

zx_status_t
call_stats(struct call *c)
{
	Zxd__StatsReply *r = call_body(c, sizeof(*r));
	uint64_t handles_by_type[ZX_OBJ_TYPE_UPPER_BOUND] = { 0 };
	size_t n_obj_types = 0, n_handle_types = 0, k;
	uint64_t mem = 0;
	Zxd__TypeCount **oc, **hc;
	struct arena a;
	zx_status_t st;

	for (struct handle *h = handle_first(); h != NULL; h = handle_next(h))
		if (h->obj->ops->type < ZX_OBJ_TYPE_UPPER_BOUND)
			handles_by_type[h->obj->ops->type]++;
	for (zx_obj_type_t t = 0; t < ZX_OBJ_TYPE_UPPER_BOUND; t++) {
		n_obj_types += object_count_by_type(t) != 0;
		n_handle_types += handles_by_type[t] != 0;
	}
	st = arena_new(c, &a, arena_size(n_obj_types, sizeof(**oc)) +
	    arena_size(n_handle_types, sizeof(**hc)));
	if (st != ZX_OK)
		return st;
	oc = ARENA_ARRAY(&a, n_obj_types, Zxd__TypeCount,
	    ZXD__TYPE_COUNT__INIT);
	hc = ARENA_ARRAY(&a, n_handle_types, Zxd__TypeCount,
	    ZXD__TYPE_COUNT__INIT);

	zxd__stats_reply__init(r);
	r->version = (char *)PACKAGE_VERSION;
	r->uptime_ns = server_uptime_ns();
	r->clients = server_client_count();
	r->handles = handle_count();
	r->handles_in_flight = handle_in_flight_count();
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
	c->rep->body_case = ZXD__REPLY__BODY_STATS;
	c->rep->stats = r;
	return ZX_OK;
}

/* ---- objects ------------------------------------------------------------ */

zx_status_t
call_list_objects(struct call *c)
{
	Zxd__ObjectsReply *r;
	Zxd__ObjectView **ov;
	zx_koid_t *keys;
	size_t *sel, n, room;
	struct view v;
	struct arena a;
	zx_status_t st;

	st = view_init(&v, c);
	if (st != ZX_OK)
		return st;
	sel = calloc(PAGE_ENTRIES, sizeof(*sel));
	if (sel == NULL) {
		view_free(&v);
		return ZX_ERR_NO_MEMORY;
	}
	n = select_page(&v, c->req->list_objects->after, NULL, sel);
	room = ARENA_ALIGN(sizeof(*r)) + ARENA_ALIGN(n * sizeof(*keys)) +
	    arena_size(n, sizeof(**ov));
	for (size_t i = 0; i < n; i++)
		room += holders_room(&v, v.objs[sel[i]]);
	st = arena_new(c, &a, room);
	if (st != ZX_OK)
		goto out;

	r = arena_get(&a, sizeof(*r));
	zxd__objects_reply__init(r);
	keys = arena_get(&a, n * sizeof(*keys));
	ov = ARENA_ARRAY(&a, n, Zxd__ObjectView, ZXD__OBJECT_VIEW__INIT);
	for (size_t i = 0; i < n; i++) {
		struct object *o = v.objs[sel[i]];

		keys[i] = o->koid;
		ov[i]->koid = o->koid;
		ov[i]->type = o->ops->type;
		ov[i]->name = o->ops->has_name ? o->name : "";
		/* A VMO's size is its size; anything else shows the
		 * memory it holds. */
		if (o->ops->type == ZX_OBJ_TYPE_VMO)
			ov[i]->size_bytes = vmo_size(vmo_of(o));
		else
			ov[i]->size_bytes = o->ops->memory_bytes != NULL ?
			    o->ops->memory_bytes(o) : 0;
		ov[i]->handle_count = o->handle_count;
		ov[i]->related_koid = o->peer_koid;
		ov[i]->signals = o->signals;
		ov[i]->n_holders = fill_holders(&v, o, &a, &ov[i]->holders,
		    &ov[i]->holders_omitted);
	}
	r->all_visible = v.all;
	r->objects = ov;
	r->n_objects = fit_page((void **)ov, n, n == PAGE_ENTRIES, 16, keys,
	    &r->next);
	c->rep->body_case = ZXD__REPLY__BODY_OBJECTS;
	c->rep->objects = r;
out:
	free(sel);
	view_free(&v);
	return st;
}

/* ---- handles ------------------------------------------------------------ */

static int
seen_ino_cmp(const void *a, const void *b)
{
	const struct seen *x = *(struct seen *const *)a;
	const struct seen *y = *(struct seen *const *)b;

	return x->h->ino < y->h->ino ? -1 : x->h->ino > y->h->ino;
}

zx_status_t
call_list_handles(struct call *c)
{
	const Zxd__ListHandles *q = c->req->list_handles;
	Zxd__HandlesReply *r;
	Zxd__HandleView **hv;
	struct seen **page = NULL;
	uint64_t *keys;
	size_t n = 0, cap = 0;
	struct view v;
	struct arena a;
	zx_status_t st;

	/* Another uid's process is not the asker's to look at. */
	if (q->pid != 0 && !c->client->root_admitted) {
		for (struct handle *h = handle_first(); h != NULL;
		    h = handle_next(h)) {
			struct client *cl = h->owner;

			if ((uint32_t)h->owner_pid == q->pid && cl != NULL &&
			    cl->uid != c->client->uid) {
				dispatch_log_refused(c, "the handles of pid "
				    "%u (uid %u)", q->pid, (unsigned)cl->uid);
				return ZX_ERR_ACCESS_DENIED;
			}
		}
	}

	st = view_init(&v, c);
	if (st != ZX_OK)
		return st;
	for (size_t i = 0; i < v.n_hs; i++) {
		const struct seen *s = &v.hs[i];

		if (s->h->ino <= q->after ||
		    (q->pid != 0 && (uint32_t)s->h->owner_pid != q->pid))
			continue;
		if (n == cap) {
			struct seen **grown;

			cap = cap ? 2 * cap : 64;
			grown = reallocarray(page, cap, sizeof(*page));
			if (grown == NULL) {
				st = ZX_ERR_NO_MEMORY;
				goto out;
			}
			page = grown;
		}
		page[n++] = &v.hs[i];
	}
	if (n > 0)
		qsort(page, n, sizeof(*page), seen_ino_cmp);
	if (n > PAGE_ENTRIES)
		n = PAGE_ENTRIES;

	st = arena_new(c, &a, ARENA_ALIGN(sizeof(*r)) +
	    ARENA_ALIGN(n * sizeof(*keys)) + arena_size(n, sizeof(**hv)));
	if (st != ZX_OK)
		goto out;
	r = arena_get(&a, sizeof(*r));
	zxd__handles_reply__init(r);
	keys = arena_get(&a, n * sizeof(*keys));
	hv = ARENA_ARRAY(&a, n, Zxd__HandleView, ZXD__HANDLE_VIEW__INIT);
	for (size_t i = 0; i < n; i++) {
		const struct seen *s = page[i];

		keys[i] = s->h->ino;
		hv[i]->pid = (uint32_t)s->h->owner_pid;
		hv[i]->uid = s->cl->uid;
		hv[i]->command = s->cl->comm;
		hv[i]->koid = s->h->obj->koid;
		hv[i]->type = s->h->obj->ops->type;
		hv[i]->rights = s->h->rights;
		hv[i]->inode = s->h->ino;
	}
	r->all_visible = v.all;
	r->handles = hv;
	r->n_handles = fit_page((void **)hv, n, n == PAGE_ENTRIES, 16, keys,
	    &r->next);
	c->rep->body_case = ZXD__REPLY__BODY_HANDLES_LIST;
	c->rep->handles_list = r;
out:
	free(page);
	view_free(&v);
	return st;
}

/* ---- iob ---------------------------------------------------------------- */

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
	Zxd__IobReply *r;
	struct object *o, *peer;
	size_t actual = 0, avail = 0, recsize = 0, n, room;
	struct view v;
	struct arena a;
	zx_status_t st;

	st = view_init(&v, c);
	if (st != ZX_OK)
		return st;
	o = view_find(&v, c->req->iob_query->koid);
	if (o == NULL || !iob_is(o) ||
	    !object_info(o, ZX_INFO_IOB, &iob, sizeof(iob))) {
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

	room = ARENA_ALIGN(sizeof(*r)) + arena_size(n, sizeof(**rv)) +
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

/* ---- phys --------------------------------------------------------------- */

static const char *
region_of(const struct config *cfg, uint64_t paddr)
{
	for (size_t i = 0; i < cfg->n_regions; i++) {
		const struct phys_region_def *rg = &cfg->regions[i];

		if (paddr >= rg->base && paddr - rg->base < rg->size)
			return rg->name;
	}
	return "";
}

zx_status_t
call_list_phys(struct call *c)
{
	const struct config *cfg = server_config();
	zx_koid_t after = c->req->list_phys->after;
	size_t n_regions = after == 0 ? cfg->n_regions : 0;
	size_t n_bars = after == 0 ? cfg->n_pci_bars : 0;
	Zxd__PhysReply *r;
	Zxd__PhysRegion **pr;
	Zxd__PciBar **pb;
	Zxd__PhysVmoView **pv;
	zx_koid_t *keys;
	size_t *sel, n, room, fixed;
	struct view v;
	struct arena a;
	zx_status_t st;

	st = view_init(&v, c);
	if (st != ZX_OK)
		return st;
	sel = calloc(PAGE_ENTRIES, sizeof(*sel));
	if (sel == NULL) {
		view_free(&v);
		return ZX_ERR_NO_MEMORY;
	}
	n = select_page(&v, after, is_physical_vmo, sel);
	room = ARENA_ALIGN(sizeof(*r)) + ARENA_ALIGN(n * sizeof(*keys)) +
	    arena_size(n_regions, sizeof(**pr)) +
	    arena_size(n_bars, sizeof(**pb)) + arena_size(n, sizeof(**pv));
	for (size_t i = 0; i < n; i++)
		room += holders_room(&v, v.objs[sel[i]]);
	st = arena_new(c, &a, room);
	if (st != ZX_OK)
		goto out;

	r = arena_get(&a, sizeof(*r));
	zxd__phys_reply__init(r);
	keys = arena_get(&a, n * sizeof(*keys));
	pr = ARENA_ARRAY(&a, n_regions, Zxd__PhysRegion,
	    ZXD__PHYS_REGION__INIT);
	for (size_t i = 0; i < n_regions; i++) {
		pr[i]->name = cfg->regions[i].name;
		pr[i]->kind = (char *)config_region_kind_name(
		    cfg->regions[i].kind);
		pr[i]->start = cfg->regions[i].base;
		pr[i]->size = cfg->regions[i].size;
	}
	pb = ARENA_ARRAY(&a, n_bars, Zxd__PciBar, ZXD__PCI_BAR__INIT);
	for (size_t i = 0; i < n_bars; i++) {
		pb[i]->name = cfg->pci_bars[i].name;
		pb[i]->device = cfg->pci_bars[i].device;
		pb[i]->bar = cfg->pci_bars[i].bar;
	}
	pv = ARENA_ARRAY(&a, n, Zxd__PhysVmoView, ZXD__PHYS_VMO_VIEW__INIT);
	for (size_t i = 0; i < n; i++) {
		struct object *o = v.objs[sel[i]];
		uint64_t paddr = 0;

		keys[i] = o->koid;
		pv[i]->koid = o->koid;
		if (detail_vmo_paddr(o, &paddr)) {
			pv[i]->paddr = paddr;
			pv[i]->region = (char *)region_of(cfg, paddr);
		} else
			pv[i]->region = "";
		/* The span of physical memory it covers: it holds none
		 * of its own (memory_bytes is 0). */
		pv[i]->size = vmo_size(vmo_of(o));
		pv[i]->name = o->ops->has_name ? o->name : "";
		pv[i]->handle_count = o->handle_count;
		pv[i]->n_holders = fill_holders(&v, o, &a, &pv[i]->holders,
		    NULL);
	}
	r->all_visible = v.all;
	r->backend = cfg->backend;
	r->n_regions = n_regions;
	r->regions = pr;
	r->n_pci_bars = n_bars;
	r->pci_bars = pb;
	r->vmos = pv;
	fixed = protobuf_c_message_get_packed_size(&r->base);
	r->n_vmos = fit_page((void **)pv, n, n == PAGE_ENTRIES, fixed + 16,
	    keys, &r->next);
	c->rep->body_case = ZXD__REPLY__BODY_PHYS;
	c->rep->phys = r;
out:
	free(sel);
	view_free(&v);
	return st;
}

/* ---- bti ---------------------------------------------------------------- */

static bool
is_bti(struct object *o)
{
	return o->ops->type == ZX_OBJ_TYPE_BTI;
}

zx_status_t
call_list_bti(struct call *c)
{
	const Zxd__ListBti *q = c->req->list_bti;
	struct bti_pin_view *pins = NULL;
	Zxd__BtiReply *r;
	Zxd__BtiView **bv;
	zx_koid_t *keys;
	size_t *sel = NULL, n, room;
	struct view v;
	struct arena a;
	zx_status_t st;

	/* PMTs closed just now show as quarantined. Closing may destroy
	 * objects: before the view is taken, and over again after each. */
again:
	for (struct object *o = object_first(); o != NULL;
	    o = object_next(o)) {
		if (is_bti(o) && sys_ddk_settle(o) > 0)
			goto again;
	}
	st = view_init(&v, c);
	if (st != ZX_OK)
		return st;
	sel = calloc(PAGE_ENTRIES, sizeof(*sel));
	pins = calloc(PINS_MAX, sizeof(*pins));
	if (sel == NULL || pins == NULL) {
		st = ZX_ERR_NO_MEMORY;
		goto out;
	}
	if (q->koid != 0) {
		size_t i = view_index(&v, q->koid);

		if (i == v.n_objs || !is_bti(v.objs[i])) {
			st = ZX_ERR_NOT_FOUND;
			goto out;
		}
		n = 0;
		if (q->after < q->koid)
			sel[n++] = i;
	} else
		n = select_page(&v, q->after, is_bti, sel);

	room = ARENA_ALIGN(sizeof(*r)) + ARENA_ALIGN(n * sizeof(*keys)) +
	    arena_size(n, sizeof(**bv));
	for (size_t i = 0; i < n; i++) {
		struct object *o = v.objs[sel[i]];
		size_t np = bti_pins(bti_of(o), 0, NULL, 0);

		room += holders_room(&v, o) + arena_size(np > PINS_MAX ?
		    PINS_MAX : np, sizeof(Zxd__BtiPin));
	}
	st = arena_new(c, &a, room);
	if (st != ZX_OK)
		goto out;
	r = arena_get(&a, sizeof(*r));
	zxd__bti_reply__init(r);
	keys = arena_get(&a, n * sizeof(*keys));
	bv = ARENA_ARRAY(&a, n, Zxd__BtiView, ZXD__BTI_VIEW__INIT);
	for (size_t i = 0; i < n; i++) {
		struct object *o = v.objs[sel[i]];
		zx_info_bti_t info;
		size_t total, np;

		keys[i] = o->koid;
		bv[i]->koid = o->koid;
		bv[i]->name = o->ops->has_name ? o->name : "";
		if (object_info(o, ZX_INFO_BTI, &info, sizeof(info))) {
			bv[i]->pmo_count = info.pmo_count;
			bv[i]->quarantine_count = info.quarantine_count;
		}
		total = bti_pins(bti_of(o), 0, pins, PINS_MAX);
		np = total > PINS_MAX ? PINS_MAX : total;
		bv[i]->pins = ARENA_ARRAY(&a, np, Zxd__BtiPin,
		    ZXD__BTI_PIN__INIT);
		for (size_t k = 0; k < np; k++) {
			Zxd__BtiPin *p = bv[i]->pins[k];

			p->pmt_koid = pins[k].pmt_koid;
			p->vmo_koid = pins[k].vmo_koid;
			p->vmo_offset = pins[k].vmo_offset;
			p->size = pins[k].size;
			p->device_addr = pins[k].device_addr;
			p->perms = pins[k].perms;
			p->quarantined = pins[k].quarantined;
		}
		bv[i]->n_pins = np;
		bv[i]->pins_omitted = (uint32_t)(total - np);
		bv[i]->n_holders = fill_holders(&v, o, &a, &bv[i]->holders,
		    NULL);
	}
	r->all_visible = v.all;
	r->btis = bv;
	r->n_btis = fit_page((void **)bv, n, n == PAGE_ENTRIES, 16, keys,
	    &r->next);
	c->rep->body_case = ZXD__REPLY__BODY_BTI;
	c->rep->bti = r;
out:
	free(pins);
	free(sel);
	view_free(&v);
	return st;
}
