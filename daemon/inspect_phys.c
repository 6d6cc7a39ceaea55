/* zxctl phys: the physical map and its VMOs (call_list_phys). */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/object.h>

#include "backends/phys.h"
#include "daemon/config.h"
#include "daemon/dispatch.h"
#include "daemon/inspect.h"
#include "daemon/server.h"
#include "objects/bti.h"
#include "objects/iob.h"
#include "objects/pmt.h"
#include "objects/vmar.h"
#include "objects/vmo.h"

/* A physical VMO's base physical address; false if `vmo` is not one. */
static bool
detail_vmo_paddr(struct object *vmo, uint64_t *paddr)
{
	return vmo_is(vmo) && vmo_paddr(vmo_of(vmo), 0, paddr);
}

static bool
is_physical_vmo(struct object *o)
{
	zx_info_vmo_t info;

	return o->ops->type == ZX_OBJ_TYPE_VMO &&
	    view_info(o, ZX_INFO_VMO, &info, sizeof(info)) &&
	    ZX_INFO_VMO_TYPE(info.flags) == ZX_INFO_VMO_TYPE_PHYSICAL;
}

static const char *
region_of(const struct config *cfg, uint64_t paddr)
{
	for (size_t i = 0; i < cfg->n_regions; i++) {
		const struct phys_region_def *rg = &cfg->regions[i];

		if (paddr >= rg->base && paddr - rg->base < rg->size)
			return rg->name;
	}
	return "";
}

zx_status_t
call_list_phys(struct call *c)
{
	const struct config *cfg = server_config();
	zx_koid_t after = c->req->list_phys->after;
	size_t n_regions = after == 0 ? cfg->n_regions : 0;
	size_t n_bars = after == 0 ? cfg->n_pci_bars : 0;
	Zxd__PhysReply *r;
	Zxd__PhysRegion **pr;
	Zxd__PciBar **pb;
	Zxd__PhysVmoView **pv;
	zx_koid_t *keys;
	size_t *sel, n, room, fixed;
	struct view v;
	struct arena a;
	zx_status_t st;

	st = view_init(&v, c);
	if (st != ZX_OK)
		return st;
	sel = calloc(PAGE_ENTRIES, sizeof(*sel));
	if (sel == NULL) {
		view_free(&v);
		return ZX_ERR_NO_MEMORY;
	}
	n = select_page(&v, after, is_physical_vmo, sel);
	room = ARENA_ALIGN(sizeof(*r)) + ARENA_ALIGN(n * sizeof(*keys)) +
	    arena_size(n_regions, sizeof(**pr)) +
	    arena_size(n_bars, sizeof(**pb)) + arena_size(n, sizeof(**pv));
	for (size_t i = 0; i < n; i++)
		room += holders_room(&v, v.objs[sel[i]]);
	st = arena_new(c, &a, room);
	if (st != ZX_OK)
		goto out;

	r = arena_get(&a, sizeof(*r));
	zxd__phys_reply__init(r);
	keys = arena_get(&a, n * sizeof(*keys));
	pr = ARENA_ARRAY(&a, n_regions, Zxd__PhysRegion,
	    ZXD__PHYS_REGION__INIT);
	for (size_t i = 0; i < n_regions; i++) {
		pr[i]->name = cfg->regions[i].name;
		pr[i]->kind = (char *)config_region_kind_name(
		    cfg->regions[i].kind);
		pr[i]->start = cfg->regions[i].base;
		pr[i]->size = cfg->regions[i].size;
	}
	pb = ARENA_ARRAY(&a, n_bars, Zxd__PciBar, ZXD__PCI_BAR__INIT);
	for (size_t i = 0; i < n_bars; i++) {
		pb[i]->name = cfg->pci_bars[i].name;
		pb[i]->device = cfg->pci_bars[i].device;
		pb[i]->bar = cfg->pci_bars[i].bar;
	}
	pv = ARENA_ARRAY(&a, n, Zxd__PhysVmoView, ZXD__PHYS_VMO_VIEW__INIT);
	for (size_t i = 0; i < n; i++) {
		struct object *o = v.objs[sel[i]];
		uint64_t paddr = 0;

		keys[i] = o->koid;
		pv[i]->koid = o->koid;
		if (detail_vmo_paddr(o, &paddr)) {
			pv[i]->paddr = paddr;
			pv[i]->region = (char *)region_of(cfg, paddr);
		} else
			pv[i]->region = "";
		/* The span of physical memory it covers: it holds none
		 * of its own (memory_bytes is 0). */
		pv[i]->size = vmo_size(vmo_of(o));
		pv[i]->name = o->ops->has_name ? o->name : "";
		pv[i]->handle_count = o->handle_count;
		pv[i]->n_holders = fill_holders(&v, o, &a, &pv[i]->holders,
		    NULL);
	}
	r->all_visible = v.all;
	r->backend = cfg->backend;
	r->n_regions = n_regions;
	r->regions = pr;
	r->n_pci_bars = n_bars;
	r->pci_bars = pb;
	r->vmos = pv;
	fixed = protobuf_c_message_get_packed_size(&r->base);
	r->n_vmos = fit_page((void **)pv, n, n == PAGE_ENTRIES, fixed + 16,
	    keys, &r->next);
	c->rep->body_case = ZXD__REPLY__BODY_PHYS;
	c->rep->phys = r;
out:
	free(sel);
	view_free(&v);
	return st;
}
