/* zxctl bti [KOID]: pinned ranges and quarantine. */
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

static char *
perms_text(uint32_t perms)
{
	return xasprintf("%c%c%c", perms & 1 ? 'r' : '-', perms & 2 ? 'w' :
	    '-', perms & 4 ? 'x' : '-');
}

static void
bti_page(const Zxd__Reply *rep, struct page *pg, void *visible_all)
{
	*(bool *)visible_all = rep->bti->all_visible;
	*pg = (struct page){ (void *const *)rep->bti->btis, rep->bti->n_btis,
	    rep->bti->next };
}

int
cmd_bti(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListBti q = ZXD__LIST_BTI__INIT;
	Zxd__BtiView **btis = NULL;
	bool visible_all = false;
	char what[64];
	size_t n = 0;
	int r;

	if (argc == 1 && (!parse_u64(argv[0], UINT64_MAX, &q.koid) ||
	    q.koid == 0))
		return fail(ctl, EXIT_USAGE, ZX_OK, "bti: '%s' is not a koid",
		    argv[0]);
	if (q.koid != 0)
		snprintf(what, sizeof(what), "BTI %" PRIu64, q.koid);
	else
		snprintf(what, sizeof(what), "BTIs");
	req.body_case = ZXD__REQUEST__BODY_LIST_BTI;
	req.list_bti = &q;
	r = list_all(ctl, &(struct listing){ &req, &q.after,
	    ZXD__REPLY__BODY_BTI, what, bti_page, &visible_all }, &btis, &n);
	if (r != EXIT_OK)
		goto out;

	if (ctl->json) {
		json_object *j = jdoc(ctl), *a = jarray();

		jbool(j, "all_visible", visible_all);
		for (size_t i = 0; i < n; i++) {
			json_object *e = jnew(), *pins = jarray();

			ju64(e, "koid", btis[i]->koid);
			jstr(e, "name", btis[i]->name);
			ju64(e, "pmo_count", btis[i]->pmo_count);
			ju64(e, "quarantine_count", btis[i]->quarantine_count);
			for (size_t k = 0; k < btis[i]->n_pins; k++) {
				Zxd__BtiPin *p = btis[i]->pins[k];
				json_object *pe = jnew();

				ju64(pe, "pmt_koid", p->pmt_koid);
				ju64(pe, "vmo_koid", p->vmo_koid);
				ju64(pe, "vmo_offset", p->vmo_offset);
				ju64(pe, "size", p->size);
				ju64(pe, "device_addr", p->device_addr);
				ju64(pe, "perms", p->perms);
				jbool(pe, "quarantined", p->quarantined);
				json_object_array_add(pins, pe);
			}
			jset(e, "pins", pins);
			ju64(e, "pins_omitted", btis[i]->pins_omitted);
			jset(e, "holders", jholders(btis[i]->holders,
			    btis[i]->n_holders));
			json_object_array_add(a, e);
		}
		jset(j, "btis", a);
		jprint(j);
	} else if (n == 0) {
		printf("no BTIs\n");
	} else {
		static const char *const heads[] = { "PMT", "VMO", "OFFSET",
			"SIZE", "DEVICE ADDR", "PERMS", "STATE" };

		for (size_t i = 0; i < n; i++) {
			char *h = holders_text(btis[i]->holders,
			    btis[i]->n_holders, 0);
			char *hp = printable(h), *nm = printable(btis[i]->name);
			struct table t;

			printf("%sBTI %" PRIu64 "%s%s%s: %" PRIu64 " pinned, "
			    "%" PRIu64 " quarantined; held by %s\n",
			    i ? "\n" : "", btis[i]->koid, nm[0] ? " \"" : "",
			    nm, nm[0] ? "\"" : "", btis[i]->pmo_count,
			    btis[i]->quarantine_count, hp);
			free(h);
			free(hp);
			free(nm);
			if (btis[i]->n_pins == 0)
				continue;
			table_init(&t, heads, "rrrrrll");
			for (size_t k = 0; k < btis[i]->n_pins; k++) {
				Zxd__BtiPin *p = btis[i]->pins[k];

				table_row(&t,
				    xasprintf("%" PRIu64, p->pmt_koid),
				    xasprintf("%" PRIu64, p->vmo_koid),
				    xasprintf("%#" PRIx64, p->vmo_offset),
				    human_size(p->size),
				    xasprintf("%#" PRIx64, p->device_addr),
				    perms_text(p->perms),
				    xstrdup(p->quarantined ? "quarantined" :
				    "pinned"));
			}
			table_print(&t);
			if (btis[i]->pins_omitted > 0)
				printf("(+%u more pins)\n",
				    btis[i]->pins_omitted);
		}
	}
out:
	free(btis);
	return r;
}
