/* zxctl iob KOID: an IOBuffer endpoint, its regions and mappings, and the
 * shared regions' rings; or a shared region's own koid. */
#include "config-build.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zircon/status.h>
#include <zircon/syscalls/iob.h>
#include <zircon/types.h>

#include "client/zxctl/zxctl.h"

/* One endpoint's access nibble: map read/write, mediated read/write. */
static char *
access_text(uint32_t nibble)
{
	return xasprintf("%c%c/%c%c",
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MAP_READ ? 'r' : '-',
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE ? 'w' : '-',
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ ? 'r' : '-',
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE ? 'w' : '-');
}

static json_object *
jaccess(uint32_t nibble)
{
	json_object *a = jnew();

	jbool(a, "map_read", nibble & ZX_IOB_ACCESS_EP0_CAN_MAP_READ);
	jbool(a, "map_write", nibble & ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE);
	jbool(a, "mediated_read",
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ);
	jbool(a, "mediated_write",
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE);
	return a;
}

static const char *
region_type_text(uint32_t type)
{
	switch (type) {
	case ZX_IOB_REGION_TYPE_PRIVATE:
		return "private";
	case ZX_IOB_REGION_TYPE_SHARED:
		return "shared";
	default:
		return "other";
	}
}

static const char *
discipline_text(uint64_t d)
{
	switch (d) {
	case ZX_IOB_DISCIPLINE_TYPE_NONE:
		return "none";
	case ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR:
		return "id_allocator";
	case ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER:
		return "ring_buffer";
	default:
		return "other";
	}
}

static json_object *
jshared(Zxd__IobSharedView *const *sv, size_t n)
{
	/* The first page is the header; a shared region has two at least
	 * to be in an IOBuffer, one at least to exist. */
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	json_object *a = jarray();

	for (size_t i = 0; i < n; i++) {
		json_object *e = jnew();

		ju64(e, "koid", sv[i]->koid);
		ju64(e, "size", sv[i]->size);
		ju64(e, "ring_size", sv[i]->size - page);
		ju64(e, "head", sv[i]->head);
		ju64(e, "tail", sv[i]->tail);
		ju64(e, "unread", sv[i]->head >= sv[i]->tail ?
		    sv[i]->head - sv[i]->tail : 0);
		ju64(e, "writes", sv[i]->writes);
		ju64(e, "bytes", sv[i]->bytes);
		ju64(e, "no_space", sv[i]->no_space);
		ju64(e, "corrupt", sv[i]->corrupt);
		ju64(e, "iobs", sv[i]->iobs);
		ju64(e, "handles", sv[i]->handles);
		json_object_array_add(a, e);
	}
	return a;
}

/* The shared regions' rings: head and tail as the readers left them. */
static void
print_shared(Zxd__IobSharedView *const *sv, size_t n)
{
	static const char *const heads[] = { "SHARED REGION", "SIZE", "HEAD",
		"TAIL", "UNREAD", "WRITES", "BYTES", "FULL", "CORRUPT",
		"IOBS" };
	struct table t;

	table_init(&t, heads, "rrrrrrrrrr");
	for (size_t i = 0; i < n; i++)
		table_row(&t, xasprintf("%" PRIu64, sv[i]->koid),
		    human_size(sv[i]->size),
		    xasprintf("%" PRIu64, sv[i]->head),
		    xasprintf("%" PRIu64, sv[i]->tail),
		    sv[i]->head >= sv[i]->tail ?
		    human_size(sv[i]->head - sv[i]->tail) :
		    xstrdup("corrupt"),
		    xasprintf("%" PRIu64, sv[i]->writes),
		    human_size(sv[i]->bytes),
		    xasprintf("%" PRIu64, sv[i]->no_space),
		    xasprintf("%" PRIu64, sv[i]->corrupt),
		    xasprintf("%u", sv[i]->iobs));
	table_print(&t);
}

int
cmd_iob(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__IobQuery q = ZXD__IOB_QUERY__INIT;
	Zxd__IobReply *iob;
	Zxd__Reply *rep;
	uint64_t koid;
	char what[64];
	int r;

	(void)argc;
	if (!parse_u64(argv[0], UINT64_MAX, &koid) || koid == 0)
		return fail(ctl, EXIT_USAGE, ZX_OK, "iob: '%s' is not a koid",
		    argv[0]);
	q.koid = koid;
	req.body_case = ZXD__REQUEST__BODY_IOB_QUERY;
	req.iob_query = &q;
	snprintf(what, sizeof(what), "IOB %" PRIu64, koid);
	r = call(ctl, &req, ZXD__REPLY__BODY_IOB, what, &rep);
	if (r != EXIT_OK)
		return r;
	iob = rep->iob;

	/* A shared region's own koid: its ring, who holds it. */
	if (iob->n_regions == 0 && iob->n_shared == 1 &&
	    iob->shared[0]->koid == iob->koid) {
		if (ctl->json) {
			json_object *j = jdoc(ctl);

			jstr(j, "kind", "shared_region");
			ju64(j, "koid", iob->koid);
			ju64(j, "signals", iob->signals);
			jset(j, "holders", jholders(iob->holders,
			    iob->n_holders));
			jset(j, "shared", jshared(iob->shared, 1));
			jprint(j);
		} else {
			char *h = holders_text(iob->holders, iob->n_holders, 0);
			char *hp = printable(h);

			printf("IOB shared region %" PRIu64 " (held by %s), "
			    "in %u IOBuffers\n\n", iob->koid, hp,
			    iob->shared[0]->iobs);
			free(h);
			free(hp);
			print_shared(iob->shared, 1);
		}
		return EXIT_OK;
	}

	if (ctl->json) {
		json_object *j = jdoc(ctl), *a = jarray();

		jstr(j, "kind", "iob");
		ju64(j, "koid", iob->koid);
		ju64(j, "peer_koid", iob->peer_koid);
		ju64(j, "signals", iob->signals);
		jset(j, "holders", jholders(iob->holders, iob->n_holders));
		jset(j, "peer_holders", jholders(iob->peer_holders,
		    iob->n_peer_holders));
		for (size_t i = 0; i < iob->n_regions; i++) {
			Zxd__IobRegionView *rg = iob->regions[i];
			json_object *e = jnew();

			ju64(e, "index", rg->index);
			ju64(e, "koid", rg->koid);
			ju64(e, "type", rg->type);
			ju64(e, "discipline", rg->discipline);
			ju64(e, "size", rg->size);
			ju64(e, "access_bits", rg->access);
			jset(e, "access", jaccess(rg->access & 0xf));
			jset(e, "peer_access", jaccess(rg->access >> 4 & 0xf));
			ju64(e, "mappings", rg->mappings);
			ju64(e, "peer_mappings", rg->peer_mappings);
			if (rg->type == ZX_IOB_REGION_TYPE_SHARED)
				ju64(e, "shared_koid", rg->shared_koid);
			if (rg->discipline ==
			    ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER)
				ju64(e, "tag", rg->tag);
			json_object_array_add(a, e);
		}
		jset(j, "regions", a);
		jset(j, "shared", jshared(iob->shared, iob->n_shared));
		a = jarray();
		for (size_t i = 0; i < iob->n_maps; i++) {
			Zxd__IobMappingView *m = iob->maps[i];
			json_object *e = jnew();

			ju64(e, "region", m->region);
			jbool(e, "peer", m->peer);
			ju64(e, "pid", m->pid);
			ju64(e, "addr", m->addr);
			ju64(e, "len", m->len);
			ju64(e, "offset", m->offset);
			ju64(e, "perms", m->perms);
			json_object_array_add(a, e);
		}
		jset(j, "mappings", a);
		ju64(j, "mappings_omitted", iob->maps_omitted);
		jprint(j);
	} else {
		static const char *const heads[] = { "REGION", "KOID", "TYPE",
			"DISCIPLINE", "SIZE", "ACCESS", "PEER ACCESS", "MAPS",
			"PEER MAPS" };
		char *h = holders_text(iob->holders, iob->n_holders, 0);
		char *ph = holders_text(iob->peer_holders,
		    iob->n_peer_holders, 0);
		char *hp = printable(h), *php = printable(ph);
		struct table t;

		printf("IOB endpoint %" PRIu64 " (held by %s), ", iob->koid,
		    hp);
		if (iob->peer_koid != 0)
			printf("peer %" PRIu64 " (held by %s)\n",
			    iob->peer_koid, php);
		else
			printf("peer closed\n");
		printf("access: map read/write / mediated read/write\n\n");
		free(h);
		free(ph);
		free(hp);
		free(php);
		table_init(&t, heads, "rrllrllrr");
		for (size_t i = 0; i < iob->n_regions; i++) {
			Zxd__IobRegionView *rg = iob->regions[i];

			table_row(&t, xasprintf("%u", rg->index),
			    xasprintf("%" PRIu64, rg->koid),
			    xstrdup(region_type_text(rg->type)),
			    xstrdup(discipline_text(rg->discipline)),
			    human_size(rg->size),
			    access_text(rg->access & 0xf),
			    access_text(rg->access >> 4 & 0xf),
			    xasprintf("%" PRIu64, rg->mappings),
			    xasprintf("%" PRIu64, rg->peer_mappings));
		}
		table_print(&t);
		for (size_t i = 0; i < iob->n_regions; i++) {
			Zxd__IobRegionView *rg = iob->regions[i];

			if (rg->discipline ==
			    ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER)
				printf("region %u: ring buffer of shared region "
				    "%" PRIu64 ", tag %#" PRIx64 "\n", rg->index,
				    rg->shared_koid, rg->tag);
		}
		if (iob->n_shared > 0) {
			printf("\n");
			print_shared(iob->shared, iob->n_shared);
		}
		if (iob->n_maps > 0) {
			static const char *const mheads[] = { "REGION",
				"THROUGH", "PID", "ADDRESS", "SIZE", "OFFSET",
				"PERMS" };

			printf("\nmappings:\n");
			table_init(&t, mheads, "rlrlrrl");
			for (size_t i = 0; i < iob->n_maps; i++) {
				Zxd__IobMappingView *m = iob->maps[i];

				table_row(&t, xasprintf("%u", m->region),
				    xstrdup(m->peer ? "peer" : "this"),
				    xasprintf("%u", m->pid),
				    xasprintf("0x%" PRIx64, m->addr),
				    human_size(m->len),
				    xasprintf("0x%" PRIx64, m->offset),
				    xasprintf("%c%c%c",
				    m->perms & ZX_VM_PERM_READ ? 'r' : '-',
				    m->perms & ZX_VM_PERM_WRITE ? 'w' : '-',
				    m->perms & ZX_VM_PERM_EXECUTE ? 'x' : '-'));
			}
			table_print(&t);
		}
		if (iob->maps_omitted > 0)
			printf("(%u more mappings not shown)\n",
			    iob->maps_omitted);
	}
	return EXIT_OK;
}
