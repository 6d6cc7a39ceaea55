/* zxctl maps PID: a process's address space as ZX_INFO_PROCESS_MAPS
 * gives it (call_list_maps). */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>

#include <zircon/syscalls/object.h>

#include "daemon/dispatch.h"
#include "daemon/inspect.h"
#include "daemon/server.h"
#include "objects/process.h"
#include "objects/vmar.h"

zx_status_t
call_list_maps(struct call *c)
{
	const Zxd__ListMaps *q = c->req->list_maps;
	zx_info_maps_t *recs = NULL;
	struct client *cl;
	Zxd__MapsReply *r;
	Zxd__MapView **mv;
	struct arena a;
	size_t n, count;
	zx_status_t st;

	for (cl = server_client_first(); cl != NULL; cl = cl->next)
		if (cl->connected && (uint32_t)cl->pid == q->pid)
			break;
	if (q->pid == 0 || cl == NULL)
		return ZX_ERR_NOT_FOUND;
	/* Another uid's process is not the asker's to look at. */
	if (!c->client->root_admitted && cl->uid != c->client->uid) {
		dispatch_log_refused(c, "the maps of pid %u (uid %u)", q->pid,
		    (unsigned)cl->uid);
		return ZX_ERR_ACCESS_DENIED;
	}
	n = process_maps_records(cl->pid, vmar_of(cl->root_vmar), NULL, 0,
	    sizeof(*recs));
	recs = calloc(n, sizeof(*recs));
	if (recs == NULL)
		return ZX_ERR_NO_MEMORY;
	n = process_maps_records(cl->pid, vmar_of(cl->root_vmar), recs, n,
	    sizeof(*recs));
	count = q->after < n ? n - q->after : 0;
	if (count > PAGE_ENTRIES)
		count = PAGE_ENTRIES;
	st = arena_new(c, &a, ARENA_ALIGN(sizeof(*r)) +
	    arena_size(count, sizeof(**mv)));
	if (st != ZX_OK)
		goto out;
	r = arena_get(&a, sizeof(*r));
	zxd__maps_reply__init(r);
	mv = ARENA_ARRAY(&a, count, Zxd__MapView, ZXD__MAP_VIEW__INIT);
	for (size_t i = 0; i < count; i++) {
		zx_info_maps_t *m = &recs[q->after + i];

		mv[i]->depth = (uint32_t)m->depth;
		mv[i]->type = m->type;
		mv[i]->addr = m->base;
		mv[i]->size = m->size;
		m->name[sizeof(m->name) - 1] = '\0';
		mv[i]->name = m->name;
		if (m->type == ZX_INFO_MAPS_TYPE_MAPPING) {
			mv[i]->mmu_flags = m->u.mapping.mmu_flags;
			mv[i]->vmo_koid = m->u.mapping.vmo_koid;
			mv[i]->vmo_offset = m->u.mapping.vmo_offset;
			mv[i]->committed_bytes =
			    m->u.mapping.committed_bytes;
		}
	}
	r->pid = (uint32_t)cl->pid;
	r->command = cl->comm;
	r->maps = mv;
	r->n_maps = count;
	r->next = q->after + count < n ? q->after + count : 0;
	c->rep->body_case = ZXD__REPLY__BODY_MAPS;
	c->rep->maps = r;
out:
	/* The names point into recs: keep it until the reply is sent. */
	if (st == ZX_OK && !call_keep(c, recs))
		return ZX_ERR_NO_MEMORY;
	if (st != ZX_OK)
		free(recs);
	return st;
}
