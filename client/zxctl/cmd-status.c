/* zxctl status: the daemon-wide figures. */
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
cmd_status(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Stats q = ZXD__STATS__INIT;
	Zxd__StatsReply *s;
	Zxd__Reply *rep;
	uint64_t handles[ZX_OBJ_TYPE_UPPER_BOUND] = { 0 };
	uint64_t objects[ZX_OBJ_TYPE_UPPER_BOUND] = { 0 };
	char tb[16];
	int r;

	(void)argv;
	(void)argc;
	req.body_case = ZXD__REQUEST__BODY_STATS;
	req.stats = &q;
	r = call(ctl, &req, ZXD__REPLY__BODY_STATS, "status", &rep);
	if (r != EXIT_OK)
		return r;
	s = rep->stats;
	for (size_t i = 0; i < s->n_objects_by_type; i++)
		if (s->objects_by_type[i]->type < ZX_OBJ_TYPE_UPPER_BOUND)
			objects[s->objects_by_type[i]->type] =
			    s->objects_by_type[i]->count;
	for (size_t i = 0; i < s->n_handles_by_type; i++)
		if (s->handles_by_type[i]->type < ZX_OBJ_TYPE_UPPER_BOUND)
			handles[s->handles_by_type[i]->type] =
			    s->handles_by_type[i]->count;

	if (ctl->json) {
		json_object *j = jdoc(ctl), *types = jarray();

		jstr(j, "version", s->version);
		ju64(j, "pid", s->pid);
		ju64(j, "uptime_ns", s->uptime_ns);
		jstr(j, "backend", s->backend);
		ju64(j, "clients", s->clients);
		ju64(j, "handles", s->handles);
		ju64(j, "objects", s->objects);
		ju64(j, "memory_bytes", s->memory_bytes);
		jbool(j, "all_visible", s->all_visible);
		for (uint32_t t = 0; t < ZX_OBJ_TYPE_UPPER_BOUND; t++) {
			json_object *e;

			if (objects[t] == 0 && handles[t] == 0)
				continue;
			e = jnew();
			ju64(e, "type", t);
			jstr(e, "type_name", type_name(t, tb));
			ju64(e, "objects", objects[t]);
			ju64(e, "handles", handles[t]);
			json_object_array_add(types, e);
		}
		jset(j, "types", types);
		jprint(j);
	} else {
		static const char *const heads[] = { "TYPE", "OBJECTS",
			"HANDLES" };
		char *up = human_duration(s->uptime_ns);
		char *mem = human_size(s->memory_bytes);
		char *ver = printable(s->version), *be = printable(s->backend);
		struct table t;

		printf("zxd %s (pid %u), up %s, backend %s\n", ver, s->pid,
		    up, be);
		printf("clients  %" PRIu64 "\n", s->clients);
		printf("handles  %" PRIu64 "\n", s->handles);
		printf("objects  %" PRIu64 "\n", s->objects);
		printf("memory   %s (%" PRIu64 " bytes)\n", mem,
		    s->memory_bytes);
		printf("you see  %s\n", scope_text(s->all_visible));
		free(up);
		free(mem);
		free(ver);
		free(be);
		table_init(&t, heads, "lrr");
		for (uint32_t i = 0; i < ZX_OBJ_TYPE_UPPER_BOUND; i++)
			if (objects[i] != 0 || handles[i] != 0)
				table_row(&t, xstrdup(type_name(i, tb)),
				    xasprintf("%" PRIu64, objects[i]),
				    xasprintf("%" PRIu64, handles[i]));
		if (t.nrows > 0) {
			putchar('\n');
			table_print(&t);
		} else
			free(t.cells);
	}
	return EXIT_OK;
}
