/* zxctl objects: every object the asker may see. */
#include "config-build.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <zircon/status.h>
#include <zircon/syscalls/iob.h>
#include <zircon/types.h>

#include "client/zxctl/zxctl.h"

static void
objects_page(const Zxd__Reply *rep, struct page *pg, void *visible_all)
{
	*(bool *)visible_all = rep->objects->all_visible;
	*pg = (struct page){ (void *const *)rep->objects->objects,
	    rep->objects->n_objects, rep->objects->next };
}

int
list_objects(struct ctl *ctl, Zxd__ObjectView ***all, size_t *n,
    bool *visible_all)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListObjects q = ZXD__LIST_OBJECTS__INIT;
	const struct listing l = { &req, &q.after, ZXD__REPLY__BODY_OBJECTS,
	    "objects", objects_page, visible_all };

	req.body_case = ZXD__REQUEST__BODY_LIST_OBJECTS;
	req.list_objects = &q;
	return list_all(ctl, &l, all, n);
}

int
cmd_objects(struct ctl *ctl, char **argv, int argc)
{
	Zxd__ObjectView **all = NULL;
	size_t n = 0;
	bool visible_all = false;
	char tb[16];
	int r;

	(void)argv;
	(void)argc;
	r = list_objects(ctl, &all, &n, &visible_all);
	if (r != EXIT_OK)
		goto out;

	if (ctl->json) {
		json_object *j = jdoc(ctl), *a = jarray();

		jbool(j, "all_visible", visible_all);
		for (size_t i = 0; i < n; i++) {
			json_object *e = jnew();

			ju64(e, "koid", all[i]->koid);
			ju64(e, "type", all[i]->type);
			jstr(e, "type_name", type_name(all[i]->type, tb));
			jstr(e, "name", all[i]->name);
			ju64(e, "size_bytes", all[i]->size_bytes);
			ju64(e, "handle_count", all[i]->handle_count);
			ju64(e, "related_koid", all[i]->related_koid);
			ju64(e, "signals", all[i]->signals);
			jstr(e, "detail", all[i]->detail);
			jset(e, "holders", jholders(all[i]->holders,
			    all[i]->n_holders));
			ju64(e, "holders_omitted", all[i]->holders_omitted);
			if (all[i]->port != NULL)
				jset(e, "port", jport(all[i]->port));
			if (all[i]->timer != NULL)
				jset(e, "timer", jtimer(all[i]->timer));
			json_object_array_add(a, e);
		}
		jset(j, "objects", a);
		jprint(j);
	} else {
		static const char *const heads[] = { "KOID", "TYPE", "NAME",
			"SIZE", "HANDLES", "PEER", "STATE", "HOLDERS" };
		struct table t;

		table_init(&t, heads, "rllrrrll");
		for (size_t i = 0; i < n; i++)
			table_row(&t, xasprintf("%" PRIu64, all[i]->koid),
			    xstrdup(type_name(all[i]->type, tb)),
			    xstrdup(all[i]->name[0] ? all[i]->name : "-"),
			    human_size(all[i]->size_bytes),
			    xasprintf("%u", all[i]->handle_count),
			    koid_or_dash(all[i]->related_koid),
			    xstrdup(all[i]->detail[0] ? all[i]->detail : "-"),
			    holders_text(all[i]->holders, all[i]->n_holders,
			    all[i]->holders_omitted));
		table_print(&t);
		if (!visible_all)
			printf("(%zu object%s your uid holds handles to; the "
			    "root-resource policy shows all)\n", n,
			    n == 1 ? "" : "s");
	}
out:
	free(all);
	return r;
}
