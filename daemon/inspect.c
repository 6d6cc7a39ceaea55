/* The operator's side (zxctl): what the asker may see, and replies
 * built in pages. See inspect.h. */
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

void
view_free(struct view *v)
{
	free(v->hs);
	free(v->objs);
}

zx_status_t
view_init(struct view *v, const struct call *c)
{
	size_t nh, no;

	/* Closes libzx makes without a round trip (events, parentless
	 * VMOs, ports, timers) have taken effect when they returned: the
	 * listing must not show what they freed. */
	server_settle(NULL, NULL);
	nh = handle_count();
	no = object_count();
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
size_t
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

struct object *
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

zx_status_t
arena_new(struct call *c, struct arena *a, size_t size)
{
	a->p = calloc(1, size ? size : 1);
	if (a->p == NULL)
		return ZX_ERR_NO_MEMORY;
	a->left = size;
	return call_keep(c, a->p) ? ZX_OK : ZX_ERR_NO_MEMORY;
}

/* Sized beforehand, so it never runs out. */
void *
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
size_t
arena_size(size_t n, size_t size)
{
	return ARENA_ALIGN(n * size) + ARENA_ALIGN(n * sizeof(void *));
}

/* n copies of the message `init` (its protobuf-c INIT value) and an
 * array pointing at them. */
void **
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

/* o's holders (at most HOLDERS_MAX, by pid); the rest counted in
 * *omitted. Arena room: arena_size(HOLDERS_MAX or fewer, Holder). */
size_t
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

size_t
holders_room(const struct view *v, const struct object *o)
{
	size_t n = view_holder_count(v, o);

	return arena_size(n > HOLDERS_MAX ? HOLDERS_MAX : n,
	    sizeof(Zxd__Holder));
}

/* Run a type's get_info for one record; false if it has none. */
bool
view_info(struct object *o, uint32_t topic, void *buf, size_t size)
{
	size_t actual = 0, avail = 0, recsize = 0;

	if (o->ops->get_info == NULL)
		return false;
	memset(buf, 0, size);
	return o->ops->get_info(o, topic, OPERATOR_RIGHTS, buf, size, &actual,
	    &avail, &recsize) == ZX_OK && actual >= 1;
}

/*
 * A page of visible objects with koid > after that pass `want`: their
 * indices in v->objs go to sel[], at most PAGE_ENTRIES. Returns the count.
 */
size_t
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
size_t
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
