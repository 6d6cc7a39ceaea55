/* zxctl maps PID: a process's address space, as ZX_INFO_PROCESS_MAPS
 * gives it to the process itself. */
#include "config-build.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include "client/zxctl/zxctl.h"

static const char *
maps_type_name(uint32_t type)
{
	switch (type) {
	case ZX_INFO_MAPS_TYPE_ASPACE:
		return "aspace";
	case ZX_INFO_MAPS_TYPE_VMAR:
		return "vmar";
	case ZX_INFO_MAPS_TYPE_MAPPING:
		return "mapping";
	default:
		return "none";
	}
}

static char *
perms_text(uint32_t f)
{
	return xasprintf("%c%c%c", (f & ZX_VM_PERM_READ) ? 'r' : '-',
	    (f & ZX_VM_PERM_WRITE) ? 'w' : '-',
	    (f & ZX_VM_PERM_EXECUTE) ? 'x' : '-');
}

static void
maps_page(const Zxd__Reply *rep, struct page *pg, void *command)
{
	if (*(char **)command == NULL)
		*(char **)command = xstrdup(rep->maps->command);
	*pg = (struct page){ (void *const *)rep->maps->maps,
	    rep->maps->n_maps, rep->maps->next };
}

int
cmd_maps(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListMaps q = ZXD__LIST_MAPS__INIT;
	Zxd__MapView **all = NULL;
	char what[64], *command = NULL;
	size_t n = 0;
	uint64_t pid = 0;
	int r;

	(void)argc;
	if (!parse_u64(argv[0], INT_MAX, &pid) || pid == 0)
		return fail(ctl, EXIT_USAGE, ZX_OK, "maps: '%s' is not a "
		    "process id", argv[0]);
	q.pid = (uint32_t)pid;
	snprintf(what, sizeof(what), "maps of pid %" PRIu64, pid);
	req.body_case = ZXD__REQUEST__BODY_LIST_MAPS;
	req.list_maps = &q;
	r = list_all(ctl, &(struct listing){ &req, &q.after,
	    ZXD__REPLY__BODY_MAPS, what, maps_page, &command }, &all, &n);
	if (r != EXIT_OK)
		goto out;

	if (ctl->json) {
		json_object *j = jdoc(ctl), *a = jarray();

		ju64(j, "pid", pid);
		jstr(j, "process", command);
		for (size_t i = 0; i < n; i++) {
			json_object *e = jnew();

			ju64(e, "depth", all[i]->depth);
			ju64(e, "type", all[i]->type);
			jstr(e, "type_name", maps_type_name(all[i]->type));
			jstr(e, "name", all[i]->name);
			ju64(e, "base", all[i]->addr);
			ju64(e, "size", all[i]->size);
			if (all[i]->type == ZX_INFO_MAPS_TYPE_MAPPING) {
				ju64(e, "mmu_flags", all[i]->mmu_flags);
				ju64(e, "vmo_koid", all[i]->vmo_koid);
				ju64(e, "vmo_offset", all[i]->vmo_offset);
				ju64(e, "committed_bytes",
				    all[i]->committed_bytes);
			}
			json_object_array_add(a, e);
		}
		jset(j, "maps", a);
		jprint(j);
	} else {
		static const char *const heads[] = { "TYPE", "BASE", "END",
			"SIZE", "PERMS", "VMO", "OFFSET", "NAME" };
		struct table t;

		table_init(&t, heads, "lrrrlrrl");
		for (size_t i = 0; i < n; i++) {
			const Zxd__MapView *m = all[i];
			bool map = m->type == ZX_INFO_MAPS_TYPE_MAPPING;

			/* Indented by depth: the tree reads as one. */
			table_row(&t, xasprintf("%*s%s", (int)(2 * m->depth),
			    "", maps_type_name(m->type)),
			    xasprintf("%#" PRIx64, m->addr),
			    xasprintf("%#" PRIx64, m->addr + m->size),
			    human_size(m->size),
			    map ? perms_text(m->mmu_flags) : xstrdup("-"),
			    map ? koid_or_dash(m->vmo_koid) : xstrdup("-"),
			    map ? xasprintf("%#" PRIx64, m->vmo_offset) :
			    xstrdup("-"),
			    xstrdup(m->name));
		}
		table_print(&t);
	}
out:
	free(command);
	free(all);
	return r;
}
