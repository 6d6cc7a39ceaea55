/* zxctl phys: the physical address map and its VMOs. */
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
phys_page(const Zxd__Reply *rep, struct page *pg, void *first)
{
	if (*(Zxd__PhysReply **)first == NULL)
		*(Zxd__PhysReply **)first = rep->phys;
	*pg = (struct page){ (void *const *)rep->phys->vmos,
	    rep->phys->n_vmos, rep->phys->next };
}

int
cmd_phys(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListPhys q = ZXD__LIST_PHYS__INIT;
	Zxd__PhysReply *first = NULL;
	Zxd__PhysVmoView **vmos = NULL;
	size_t n = 0;
	int r;

	(void)argv;
	(void)argc;
	req.body_case = ZXD__REQUEST__BODY_LIST_PHYS;
	req.list_phys = &q;
	r = list_all(ctl, &(struct listing){ &req, &q.after,
	    ZXD__REPLY__BODY_PHYS, "physical map", phys_page, &first }, &vmos,
	    &n);
	if (r != EXIT_OK)
		goto out;

	if (ctl->json) {
		json_object *j = jdoc(ctl), *rg = jarray(), *pb = jarray();
		json_object *vm = jarray();

		jbool(j, "all_visible", first->all_visible);
		jstr(j, "backend", first->backend);
		for (size_t i = 0; i < first->n_regions; i++) {
			json_object *e = jnew();

			jstr(e, "name", first->regions[i]->name);
			jstr(e, "kind", first->regions[i]->kind);
			ju64(e, "start", first->regions[i]->start);
			ju64(e, "size", first->regions[i]->size);
			json_object_array_add(rg, e);
		}
		jset(j, "regions", rg);
		for (size_t i = 0; i < first->n_pci_bars; i++) {
			json_object *e = jnew();

			jstr(e, "name", first->pci_bars[i]->name);
			jstr(e, "device", first->pci_bars[i]->device);
			ju64(e, "bar", first->pci_bars[i]->bar);
			json_object_array_add(pb, e);
		}
		jset(j, "pci_bars", pb);
		for (size_t i = 0; i < n; i++) {
			json_object *e = jnew();

			ju64(e, "koid", vmos[i]->koid);
			ju64(e, "paddr", vmos[i]->paddr);
			ju64(e, "size", vmos[i]->size);
			jstr(e, "region", vmos[i]->region);
			jstr(e, "name", vmos[i]->name);
			ju64(e, "handle_count", vmos[i]->handle_count);
			jset(e, "holders", jholders(vmos[i]->holders,
			    vmos[i]->n_holders));
			json_object_array_add(vm, e);
		}
		jset(j, "vmos", vm);
		jprint(j);
	} else {
		static const char *const rheads[] = { "REGION", "KIND",
			"START", "END", "SIZE" };
		static const char *const bheads[] = { "BAR", "DEVICE",
			"INDEX" };
		static const char *const vheads[] = { "KOID", "PADDR", "SIZE",
			"REGION", "NAME", "HANDLES", "HOLDERS" };
		char *be = printable(first->backend);
		struct table t;

		printf("backend %s\n\n", be);
		free(be);
		table_init(&t, rheads, "llrrr");
		for (size_t i = 0; i < first->n_regions; i++) {
			Zxd__PhysRegion *rg = first->regions[i];

			table_row(&t, xstrdup(rg->name), xstrdup(rg->kind),
			    xasprintf("0x%08" PRIx64, rg->start),
			    xasprintf("0x%08" PRIx64, rg->start + rg->size),
			    human_size(rg->size));
		}
		table_print(&t);
		if (first->n_pci_bars > 0) {
			putchar('\n');
			table_init(&t, bheads, "llr");
			for (size_t i = 0; i < first->n_pci_bars; i++)
				table_row(&t,
				    xstrdup(first->pci_bars[i]->name),
				    xstrdup(first->pci_bars[i]->device),
				    xasprintf("%u", first->pci_bars[i]->bar));
			table_print(&t);
		}
		printf("\nphysical VMOs:%s\n", n == 0 ? " none" : "");
		if (n > 0) {
			table_init(&t, vheads, "rrrllrl");
			for (size_t i = 0; i < n; i++)
				table_row(&t,
				    xasprintf("%" PRIu64, vmos[i]->koid),
				    xasprintf("0x%08" PRIx64, vmos[i]->paddr),
				    human_size(vmos[i]->size),
				    xstrdup(vmos[i]->region[0] ?
				    vmos[i]->region : "-"),
				    xstrdup(vmos[i]->name[0] ?
				    vmos[i]->name : "-"),
				    xasprintf("%u", vmos[i]->handle_count),
				    holders_text(vmos[i]->holders,
				    vmos[i]->n_holders, 0));
			table_print(&t);
		}
	}
out:
	free(vmos);
	return r;
}
