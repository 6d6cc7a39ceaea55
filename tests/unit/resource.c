/*
 * Unit tests for objects/resource.c: the checks other calls build on.
 * zx_resource_create folds every validate_ranged_resource failure into
 * ZX_ERR_ACCESS_DENIED; zx_vmo_create_physical and zx_iommu_create pass
 * the statuses through, so they are checked here one by one.
 */
#include "config-build.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "backends/phys.h"
#include "daemon/config.h"
#include "objects/event.h"
#include "objects/resource.h"

#define MMIO	ZX_RSRC_KIND_MMIO
#define IRQ	ZX_RSRC_KIND_IRQ
#define SYSTEM	ZX_RSRC_KIND_SYSTEM
#define ROOT	ZX_RSRC_KIND_ROOT
#define EXCL	ZX_RSRC_FLAG_EXCLUSIVE

static uint64_t page;
static struct object *root_obj;
static struct resource *root;

/* The default sim map: RAM [0, 0x4000_0000). */
static void
setup(void)
{
	struct config c;
	struct phys_setup ps;
	char err[256];

	page = (uint64_t)sysconf(_SC_PAGESIZE);
	cr_assert_eq(config_init_defaults(&c), 0);
	ps = config_phys(&c);
	cr_assert_eq(phys_init(&ps, err, sizeof(err)), 0, "%s", err);
	config_free(&c);
	cr_assert_eq(resource_root(&root_obj), ZX_OK);
	root = resource_of(root_obj);
	cr_assert_not_null(root);
}

static void
teardown(void)
{
	object_unref(root_obj);
	resource_shutdown();
	phys_shutdown();
}

TestSuite(resource, .init = setup, .fini = teardown);

static struct resource *
make(struct resource *parent, uint32_t options, uint64_t base,
    uint64_t size)
{
	struct object *o;

	cr_assert_eq(resource_create(parent, options, base, size, "", 0,
	    false, &o), ZX_OK);
	return resource_of(o);
}

Test(resource, root_is_one_object)
{
	struct object *again;
	zx_info_resource_t info;

	cr_assert_eq(resource_root(&again), ZX_OK);
	cr_assert_eq(again, root_obj);
	cr_assert_eq(again->refcount, 3);	/* ours twice, the daemon's */
	object_unref(again);
	resource_info(root, &info);
	cr_assert_eq(info.kind, ROOT);
	cr_assert_str_eq(info.name, "root");
	cr_assert_eq(root_obj->ops->type, ZX_OBJ_TYPE_RESOURCE);
	cr_assert_eq(root_obj->ops->default_rights, 0x800B);
}

Test(resource, resource_of_other_types)
{
	struct object *ev;

	cr_assert_eq(event_create(0, &ev), ZX_OK);
	cr_assert_null(resource_of(ev));
	cr_assert_null(resource_of(NULL));
	object_unref(ev);
}

Test(resource, validate_root)
{
	cr_assert_eq(resource_validate_ranged(root, MMIO, 0xF0000000, page),
	    ZX_OK);
	/* RAM, even a byte of it. */
	cr_assert_eq(resource_validate_ranged(root, MMIO, 0, page),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(resource_validate_ranged(root, MMIO, 0x3FFFFFFF, 2),
	    ZX_ERR_ACCESS_DENIED);
	/* Ranges the allocator will refuse pass the filter. */
	cr_assert_eq(resource_validate_ranged(root, MMIO, 0, 0), ZX_OK);
	cr_assert_eq(resource_validate_ranged(root, MMIO, 1024, UINT64_MAX),
	    ZX_OK);
	/* Only MMIO is filtered. */
	cr_assert_eq(resource_validate_ranged(root, IRQ, 0, 16), ZX_OK);
	cr_assert_eq(resource_validate_ranged(root, ROOT, 0, 0), ZX_OK);
}

Test(resource, validate_mmio_resource)
{
	uint64_t b = 0x200000000;
	struct resource *r = make(root, MMIO, b + 0x7800, 0x2000);
	struct resource *half = make(root, MMIO, b + 0x100000, page / 2);

	/* Another kind. */
	cr_assert_eq(resource_validate_ranged(r, IRQ, b + 0x7800, 1),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(resource_validate_ranged(r, ROOT, 0, 0),
	    ZX_ERR_WRONG_TYPE);
	/* Widened to [b + 0x7000, b + 0xA000). */
	cr_assert_eq(resource_validate_ranged(r, MMIO, b + 0x7000, 0x2000),
	    ZX_OK);
	cr_assert_eq(resource_validate_ranged(r, MMIO, b + 0x7000, 0x3000),
	    ZX_OK);
	cr_assert_eq(resource_validate_ranged(r, MMIO, b + 0x9FFF, 1),
	    ZX_OK);
	cr_assert_eq(resource_validate_ranged(r, MMIO, b + 0x7000, 0x3001),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(resource_validate_ranged(r, MMIO, b + 0x6000, 0x1000),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(resource_validate_ranged(r, MMIO, b + 0xA000, 1),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(resource_validate_ranged(r, MMIO, b + 0x8000, 0),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(resource_validate_ranged(r, MMIO, UINT64_MAX, 2),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(resource_validate_ranged(half, MMIO, b + 0x100000,
	    page), ZX_OK);
	cr_assert_eq(resource_validate_ranged(half, MMIO, b + 0x100000,
	    page + 1), ZX_ERR_OUT_OF_RANGE);
	object_unref(&r->obj);
	object_unref(&half->obj);
}

Test(resource, validate_irq_not_widened)
{
	struct resource *r = make(root, IRQ, 10, 5);

	cr_assert_eq(resource_validate_ranged(r, IRQ, 10, 5), ZX_OK);
	cr_assert_eq(resource_validate_ranged(r, IRQ, 14, 1), ZX_OK);
	cr_assert_eq(resource_validate_ranged(r, IRQ, 15, 1),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(resource_validate_ranged(r, IRQ, 9, 2),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(resource_validate_ranged(r, MMIO, 10, 1),
	    ZX_ERR_WRONG_TYPE);
	object_unref(&r->obj);
}

Test(resource, validate_kind_base)
{
	struct resource *iommu = make(root, SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE,
	    1);
	struct resource *msi = make(root, SYSTEM, ZX_RSRC_SYSTEM_MSI_BASE, 1);
	struct resource *mmio = make(root, MMIO, 0xF0000000, page);

	cr_assert_eq(resource_validate_kind_base(root, SYSTEM,
	    ZX_RSRC_SYSTEM_IOMMU_BASE), ZX_OK);
	cr_assert_eq(resource_validate_kind_base(iommu, SYSTEM,
	    ZX_RSRC_SYSTEM_IOMMU_BASE), ZX_OK);
	cr_assert_eq(resource_validate_kind_base(msi, SYSTEM,
	    ZX_RSRC_SYSTEM_IOMMU_BASE), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(resource_validate_kind_base(mmio, SYSTEM,
	    ZX_RSRC_SYSTEM_IOMMU_BASE), ZX_ERR_WRONG_TYPE);
	object_unref(&iommu->obj);
	object_unref(&msi->obj);
	object_unref(&mmio->obj);
}

Test(resource, exclusive_lives_with_the_object)
{
	struct object *o;
	struct resource *r = make(root, MMIO | EXCL, 0x300000000, page);

	cr_assert_eq(resource_create(root, MMIO, 0x300000000, 1, NULL, 0,
	    false, &o), ZX_ERR_NOT_FOUND);
	object_ref(&r->obj);
	object_unref(&r->obj);
	cr_assert_eq(resource_create(root, MMIO, 0x300000000, 1, NULL, 0,
	    false, &o), ZX_ERR_NOT_FOUND);
	object_unref(&r->obj);
	cr_assert_eq(resource_create(root, MMIO | EXCL, 0x300000000, page,
	    NULL, 0, false, &o), ZX_OK);
	object_unref(o);
}

Test(resource, names)
{
	struct object *o;
	zx_info_resource_t info;
	char raw[40];

	/* Bytes as sent by a client: no NUL, too long. */
	memset(raw, 'n', sizeof(raw));
	cr_assert_eq(resource_create(root, IRQ, 1, 1, raw, sizeof(raw), false,
	    &o), ZX_OK);
	resource_info(resource_of(o), &info);
	cr_assert_eq(strlen(info.name), ZX_MAX_NAME_LEN - 1);
	object_unref(o);
	cr_assert_eq(resource_create(root, IRQ, 1, 1, "a\0b", 3, false, &o),
	    ZX_OK);
	resource_info(resource_of(o), &info);
	cr_assert_str_eq(info.name, "a");
	cr_assert_eq(info.name[2], '\0');
	object_unref(o);
}
