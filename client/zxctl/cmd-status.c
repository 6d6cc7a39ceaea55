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

/* The daemon's call timing, one entry per request type timed. */
static json_object *
jcalls(const Zxd__StatsReply *s)
{
	json_object *a = jarray();

	for (size_t i = 0; i < s->n_call_timing; i++) {
		const Zxd__CallTiming *c = s->call_timing[i];
		json_object *e = jnew();

		jstr(e, "request", c->name);
		ju64(e, "count", c->count);
		ju64(e, "stamped", c->waits);
		ju64(e, "wait_p50_ns", c->wait_p50_ns);
		ju64(e, "wait_p99_ns", c->wait_p99_ns);
		ju64(e, "handler_p50_ns", c->service_p50_ns);
		ju64(e, "handler_p99_ns", c->service_p99_ns);
		json_object_array_add(a, e);
	}
	return a;
}

static char *
usec(uint64_t ns)
{
	return xasprintf("%.1f", (double)ns / 1e3);
}

static void
print_calls(const Zxd__StatsReply *s)
{
	static const char *const heads[] = { "REQUEST", "COUNT",
		"WAIT-P50-US", "WAIT-P99-US", "HANDLER-P50-US",
		"HANDLER-P99-US" };
	struct table t;

	if (s->n_call_timing == 0 && !s->call_timing_on)
		return;
	printf("\ncall timing %s\n", s->call_timing_on ? "on" : "off");
	table_init(&t, heads, "lrrrrr");
	for (size_t i = 0; i < s->n_call_timing; i++) {
		const Zxd__CallTiming *c = s->call_timing[i];

		table_row(&t, printable(c->name),
		    xasprintf("%" PRIu64, c->count), usec(c->wait_p50_ns),
		    usec(c->wait_p99_ns), usec(c->service_p50_ns),
		    usec(c->service_p99_ns));
	}
	if (t.nrows > 0)
		table_print(&t);
	else
		free(t.cells);
}

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

	if (argc > 0 && strcmp(argv[0], "timing-on") == 0)
		q.call_timing = 1;
	else if (argc > 0 && strcmp(argv[0], "timing-off") == 0)
		q.call_timing = 2;
	else if (argc > 0)
		return fail(ctl, EXIT_USAGE, ZX_OK, "status: '%s' is not "
		    "timing-on or timing-off", argv[0]);
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
		ju64(j, "spare_sockets", s->spare_sockets);
		ju64(j, "reply_sockets", s->reply_sockets);
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
		jbool(j, "call_timing_on", s->call_timing_on);
		jset(j, "call_timing", jcalls(s));
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
		printf("handles  %" PRIu64 " (and %" PRIu64 " spare "
		    "sockets, %" PRIu64 " reply sockets)\n", s->handles,
		    s->spare_sockets, s->reply_sockets);
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
		print_calls(s);
	}
	return EXIT_OK;
}
