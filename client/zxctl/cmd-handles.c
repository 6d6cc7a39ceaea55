/* zxctl handles [PID]: handles by process. */
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

static int
handle_cmp(const void *a, const void *b)
{
	const Zxd__HandleView *x = *(Zxd__HandleView *const *)a;
	const Zxd__HandleView *y = *(Zxd__HandleView *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->koid != y->koid)
		return x->koid < y->koid ? -1 : 1;
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static void
handles_page(const Zxd__Reply *rep, struct page *pg, void *visible_all)
{
	const Zxd__HandlesReply *h = rep->handles_list;

	*(bool *)visible_all = h->all_visible;
	*pg = (struct page){ (void *const *)h->handles, h->n_handles,
	    h->next };
}

int
cmd_handles(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListHandles q = ZXD__LIST_HANDLES__INIT;
	Zxd__HandleView **all = NULL;
	bool visible_all = false;
	char tb[16], what[64];
	size_t n = 0;
	uint64_t pid = 0;
	int r;

	if (argc == 1 && (!parse_u64(argv[0], INT_MAX, &pid) || pid == 0))
		return fail(ctl, EXIT_USAGE, ZX_OK, "handles: '%s' is not a "
		    "process id", argv[0]);
	q.pid = (uint32_t)pid;
	if (pid != 0)
		snprintf(what, sizeof(what), "handles of pid %" PRIu64, pid);
	else
		snprintf(what, sizeof(what), "handles");
	req.body_case = ZXD__REQUEST__BODY_LIST_HANDLES;
	req.list_handles = &q;
	r = list_all(ctl, &(struct listing){ &req, &q.after,
	    ZXD__REPLY__BODY_HANDLES_LIST, what, handles_page, &visible_all },
	    &all, &n);
	if (r != EXIT_OK)
		goto out;
	if (n > 0)
		qsort(all, n, sizeof(*all), handle_cmp);

	if (ctl->json) {
		json_object *j = jdoc(ctl), *a = jarray();

		jbool(j, "all_visible", visible_all);
		if (pid != 0)
			ju64(j, "pid", pid);
		else
			jset(j, "pid", NULL);
		for (size_t i = 0; i < n; i++) {
			json_object *e = jnew();

			ju64(e, "pid", all[i]->pid);
			ju64(e, "uid", all[i]->uid);
			jstr(e, "command", all[i]->command);
			ju64(e, "koid", all[i]->koid);
			ju64(e, "type", all[i]->type);
			jstr(e, "type_name", type_name(all[i]->type, tb));
			ju64(e, "rights", all[i]->rights);
			ju64(e, "value", all[i]->value);
			ju64(e, "related_koid", all[i]->related_koid);
			json_object_array_add(a, e);
		}
		jset(j, "handles", a);
		jprint(j);
	} else {
		static const char *const heads[] = { "PID", "UID", "COMMAND",
			"VALUE", "KOID", "TYPE", "RELATED", "RIGHTS" };
		struct table t;

		table_init(&t, heads, "rrlrrlrl");
		for (size_t i = 0; i < n; i++)
			table_row(&t, xasprintf("%u", all[i]->pid),
			    xasprintf("%u", all[i]->uid),
			    xstrdup(all[i]->command),
			    all[i]->value != 0 ?
			    xasprintf("%#x", all[i]->value) : xstrdup("-"),
			    xasprintf("%" PRIu64, all[i]->koid),
			    xstrdup(type_name(all[i]->type, tb)),
			    koid_or_dash(all[i]->related_koid),
			    rights_text(all[i]->rights));
		table_print(&t);
	}
out:
	free(all);
	return r;
}
