/* zxctl handles: the visible handles, by process (call_list_handles). */
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
#include "objects/process.h"
#include "objects/vmar.h"
#include "objects/vmo.h"

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
	struct process_fdmap fm = { 0 };
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

		/* Handle values as their process sees them (its fds). */
		if (i == 0 || s->h->owner_pid != page[i - 1]->h->owner_pid) {
			process_fdmap_free(&fm);
			process_fdmap_load(s->h->owner_pid, &fm);
		}
		keys[i] = s->h->ino;
		hv[i]->pid = (uint32_t)s->h->owner_pid;
		hv[i]->uid = s->cl->uid;
		hv[i]->command = s->cl->comm;
		hv[i]->koid = s->h->obj->koid;
		hv[i]->type = s->h->obj->ops->type;
		hv[i]->rights = s->h->rights;
		hv[i]->inode = s->h->ino;
		hv[i]->value = process_fdmap_value(&fm, s->h->ino);
		hv[i]->related_koid = s->h->obj->peer_koid;
	}
	r->all_visible = v.all;
	r->handles = hv;
	r->n_handles = fit_page((void **)hv, n, n == PAGE_ENTRIES, 16, keys,
	    &r->next);
	c->rep->body_case = ZXD__REPLY__BODY_HANDLES_LIST;
	c->rep->handles_list = r;
out:
	process_fdmap_free(&fm);
	free(page);
	view_free(&v);
	return st;
}
