/* zxctl ports: the ports the asker may see, with their queued packets
 * and async waits, and the timers. */
#include "config-build.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <zircon/status.h>
#include <zircon/types.h>

#include "client/zxctl/zxctl.h"

json_object *
jport(const Zxd__PortView *p)
{
	json_object *e = jnew();

	ju64(e, "queued", p->queued);
	ju64(e, "waits", p->waits);
	jbool(e, "bind_to_interrupt", p->bind_to_interrupt);
	return e;
}

json_object *
jtimer(const Zxd__TimerView *t)
{
	json_object *e = jnew();

	ju64(e, "options", t->options);
	jstr(e, "clock", t->clock_id == 1 ? "boot" : "monotonic");
	jbool(e, "armed", t->deadline != 0);
	ji64(e, "deadline", t->deadline);
	ji64(e, "slack", t->slack);
	ji64(e, "remaining_ns", t->remaining_ns);
	return e;
}

/* "12.5ms", "3s": a duration for people. */
static char *
human_ns(int64_t ns)
{
	if (ns < 0)
		ns = 0;
	if (ns < 10000)
		return xasprintf("%" PRId64 "ns", ns);
	if (ns < 10000000)
		return xasprintf("%.1fus", (double)ns / 1e3);
	if (ns < 10000000000)
		return xasprintf("%.1fms", (double)ns / 1e6);
	return xasprintf("%.1fs", (double)ns / 1e9);
}

int
cmd_ports(struct ctl *ctl, char **argv, int argc)
{
	Zxd__ObjectView **all = NULL;
	size_t n = 0, n_ports = 0, n_timers = 0;
	bool visible_all = false;
	int r;

	(void)argv;
	(void)argc;
	r = list_objects(ctl, &all, &n, &visible_all);
	if (r != EXIT_OK)
		goto out;

	if (ctl->json) {
		json_object *j = jdoc(ctl), *pa = jarray(), *ta = jarray();

		jbool(j, "all_visible", visible_all);
		for (size_t i = 0; i < n; i++) {
			json_object *e;

			if (all[i]->port == NULL && all[i]->timer == NULL)
				continue;
			e = all[i]->port != NULL ? jport(all[i]->port) :
			    jtimer(all[i]->timer);
			ju64(e, "koid", all[i]->koid);
			jstr(e, "name", all[i]->name);
			ju64(e, "signals", all[i]->signals);
			ju64(e, "handle_count", all[i]->handle_count);
			jset(e, "holders", jholders(all[i]->holders,
			    all[i]->n_holders));
			json_object_array_add(all[i]->port != NULL ? pa : ta,
			    e);
		}
		jset(j, "ports", pa);
		jset(j, "timers", ta);
		jprint(j);
		goto out;
	}
	{
		static const char *const pheads[] = { "PORT", "QUEUED",
			"WAITS", "OPTIONS", "HOLDERS" };
		static const char *const theads[] = { "TIMER", "CLOCK",
			"ARMED", "IN", "SLACK", "SIGNALED", "HOLDERS" };
		struct table pt, tt;

		table_init(&pt, pheads, "rrrll");
		table_init(&tt, theads, "rllrrll");
		for (size_t i = 0; i < n; i++) {
			const Zxd__PortView *p = all[i]->port;
			const Zxd__TimerView *t = all[i]->timer;
			char *holders = holders_text(all[i]->holders,
			    all[i]->n_holders, all[i]->holders_omitted);

			if (p != NULL) {
				table_row(&pt, xasprintf("%" PRIu64,
				    all[i]->koid),
				    xasprintf("%" PRIu64, p->queued),
				    xasprintf("%" PRIu64, p->waits),
				    xstrdup(p->bind_to_interrupt ?
				    "bind-to-interrupt" : "-"), holders);
				n_ports++;
			} else if (t != NULL) {
				table_row(&tt, xasprintf("%" PRIu64,
				    all[i]->koid),
				    xstrdup(t->clock_id == 1 ? "boot" :
				    "monotonic"),
				    xstrdup(t->deadline != 0 ? "yes" : "no"),
				    t->deadline != 0 ?
				    human_ns(t->remaining_ns) : xstrdup("-"),
				    t->deadline != 0 ? human_ns(t->slack) :
				    xstrdup("-"),
				    xstrdup(all[i]->signals & 0x8u ? "yes" :
				    "no"), holders);
				n_timers++;
			} else
				free(holders);
		}
		if (n_ports > 0)
			table_print(&pt);
		else
			printf("no ports\n");
		if (n_timers > 0)
			table_print(&tt);
		else
			printf("no timers\n");
		if (!visible_all)
			printf("(those your uid holds handles to; the "
			    "root-resource policy shows all)\n");
	}
out:
	free(all);
	return r;
}
