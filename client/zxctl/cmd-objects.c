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

int
cmd_objects(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListObjects q = ZXD__LIST_OBJECTS__INIT;
	Zxd__ObjectView **all = NULL;
	size_t n = 0;
	bool visible_all = false;
	char tb[16];
	int r;

	(void)argv;
	(void)argc;
	req.body_case = ZXD__REQUEST__BODY_LIST_OBJECTS;
	req.list_objects = &q;
	do {
		Zxd__ObjectsReply *o;
		Zxd__Reply *rep;

		r = call(ctl, &req, ZXD__REPLY__BODY_OBJECTS, "objects", &rep);
		if (r != EXIT_OK)
			goto out;
		o = rep->objects;
		visible_all = o->all_visible;
		if (!append(&all, &n, (void *const *)o->objects,
		    o->n_objects)) {
			r = fail(ctl, EXIT_PROTOCOL, ZX_OK, "out of memory");
			goto out;
		}
		r = next_page(ctl, &q.after, o->next);
		if (r != EXIT_OK)
			goto out;
	} while (q.after != 0);

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
