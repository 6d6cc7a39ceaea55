/*
 * zx_iommu_create against a real zxd: every status of ZIRCON.md §1.13 in
 * Zircon's order, both resources it accepts, the IOMMU's rights and
 * what it is not (waitable, named).
 */
#include "config-build.h"

#include <criterion/criterion.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>

#include "tests/integration/bti_util.h"

static zx_handle_t
system_resource(uint64_t base)
{
	zx_handle_t root = root_resource(), r = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_resource_create(root, ZX_RSRC_KIND_SYSTEM, base, 1,
	    "sys", 3, &r), ZX_OK);
	zx_handle_close(root);
	return r;
}

static zx_status_t
create(zx_handle_t rsrc, uint32_t type, const void *desc, size_t size)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_status_t st = zx_iommu_create(rsrc, type, desc, size, &h);

	if (st == ZX_OK) {
		cr_assert_neq(h, ZX_HANDLE_INVALID);
		zx_handle_close(h);
	} else {
		cr_assert_eq(h, ZX_HANDLE_INVALID);
	}
	return st;
}

Test(iommu, root_resource_dummy)
{
	zx_iommu_desc_dummy_t desc = { 0 };
	zx_handle_t root = root_resource(), h = ZX_HANDLE_INVALID;
	zx_info_handle_basic_t b;

	cr_assert_eq(zx_iommu_create(root, ZX_IOMMU_TYPE_DUMMY, &desc,
	    sizeof(desc), &h), ZX_OK);
	b = basic_of(h);
	cr_assert_eq(b.type, ZX_OBJ_TYPE_IOMMU);
	cr_assert_eq(b.rights, 0x8003);
	cr_assert_eq(b.rights, ZX_DEFAULT_IOMMU_RIGHTS);
	cr_assert_eq(b.related_koid, 0);
	cr_assert_neq(b.koid, 0);
	zx_handle_close(h);
	zx_handle_close(root);
}

/* The newest trees' name for the same type and descriptor. */
Test(iommu, stub_is_dummy)
{
	zx_iommu_desc_stub_t desc = { 0 };
	zx_handle_t root = root_resource();

	cr_assert_eq(ZX_IOMMU_TYPE_STUB, ZX_IOMMU_TYPE_DUMMY);
	cr_assert_eq(create(root, ZX_IOMMU_TYPE_STUB, &desc, sizeof(desc)),
	    ZX_OK);
	zx_handle_close(root);
}

/* New trees want SYSTEM at IOMMU_BASE; that passes as root does. */
Test(iommu, system_iommu_resource)
{
	zx_iommu_desc_dummy_t desc = { 0 };
	zx_handle_t r = system_resource(ZX_RSRC_SYSTEM_IOMMU_BASE), lesser;

	cr_assert_eq(create(r, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof(desc)),
	    ZX_OK);
	/* No right is needed on it. */
	lesser = dup_rights(r, ZX_RIGHT_TRANSFER);
	cr_assert_eq(create(lesser, ZX_IOMMU_TYPE_DUMMY, &desc,
	    sizeof(desc)), ZX_OK);
	zx_handle_close(lesser);
	zx_handle_close(r);
}

Test(iommu, bad_resource)
{
	zx_iommu_desc_dummy_t desc = { 0 };
	zx_handle_t ev = event_new(), info, mmio, root = root_resource();

	cr_assert_eq(create(ZX_HANDLE_INVALID, ZX_IOMMU_TYPE_DUMMY, &desc,
	    sizeof(desc)), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(create(0x7ffffff3, ZX_IOMMU_TYPE_DUMMY, &desc,
	    sizeof(desc)), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(create(ev, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof(desc)),
	    ZX_ERR_WRONG_TYPE);
	/* The wrong kind or base is WRONG_TYPE in the code (the doc says
	 * ACCESS_DENIED). */
	info = system_resource(ZX_RSRC_SYSTEM_INFO_BASE);
	cr_assert_eq(create(info, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof(desc)),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_resource_create(root, ZX_RSRC_KIND_MMIO,
	    UINT64_C(0xF0000000), PAGE, "m", 1, &mmio), ZX_OK);
	cr_assert_eq(create(mmio, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof(desc)),
	    ZX_ERR_WRONG_TYPE);
	/* The resource comes first: before the size, the copy, the type. */
	cr_assert_eq(create(info, ZX_IOMMU_TYPE_DUMMY, NULL,
	    ZX_IOMMU_MAX_DESC_LEN + 1), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(create(ev, 77, NULL, 1), ZX_ERR_WRONG_TYPE);
	zx_handle_close(mmio);
	zx_handle_close(info);
	zx_handle_close(ev);
	zx_handle_close(root);
}

Test(iommu, descriptor_size)
{
	uint8_t big[ZX_IOMMU_MAX_DESC_LEN + 1] = { 0 };
	zx_handle_t root = root_resource();

	/* Over the limit, whatever the type or pointer. */
	cr_assert_eq(create(root, ZX_IOMMU_TYPE_DUMMY, big, sizeof(big)),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, 77, big, sizeof(big)), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, 77, NULL, SIZE_MAX), ZX_ERR_INVALID_ARGS);
	/* DUMMY wants exactly sizeof(zx_iommu_desc_dummy_t). */
	cr_assert_eq(sizeof(zx_iommu_desc_dummy_t), 1);
	cr_assert_eq(create(root, ZX_IOMMU_TYPE_DUMMY, big, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, ZX_IOMMU_TYPE_DUMMY, big, 2),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, ZX_IOMMU_TYPE_DUMMY, big,
	    ZX_IOMMU_MAX_DESC_LEN), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, ZX_IOMMU_TYPE_DUMMY, big, 1), ZX_OK);
	zx_handle_close(root);
}

/* The copy faults on NULL, before the type is looked at. */
Test(iommu, null_descriptor)
{
	zx_handle_t root = root_resource();

	cr_assert_eq(create(root, ZX_IOMMU_TYPE_DUMMY, NULL, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, 77, NULL, 1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, ZX_IOMMU_TYPE_INTEL, NULL, 16),
	    ZX_ERR_INVALID_ARGS);
	/* Nothing to copy: no fault, and the type decides. */
	cr_assert_eq(create(root, ZX_IOMMU_TYPE_DUMMY, NULL, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, 77, NULL, 0), ZX_ERR_NOT_SUPPORTED);
	zx_handle_close(root);
}

/* Unknown types, and INTEL (VT-d, which zxd does not drive), only after
 * the size and the copy. */
Test(iommu, unsupported_type)
{
	uint8_t desc[64] = { 0 };
	zx_handle_t root = root_resource();

	cr_assert_eq(create(root, ZX_IOMMU_TYPE_INTEL, desc, sizeof(desc)),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(create(root, 2, desc, 1), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(create(root, UINT32_MAX, desc, 1), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(create(root, 77, desc, sizeof(desc)),
	    ZX_ERR_NOT_SUPPORTED);
	zx_handle_close(root);
}

/* A NULL out pointer: INVALID_ARGS, and the IOMMU made goes again. */
Test(iommu, null_out)
{
	zx_iommu_desc_dummy_t desc = { 0 };
	zx_handle_t root = root_resource();

	cr_assert_eq(zx_iommu_create(root, ZX_IOMMU_TYPE_DUMMY, &desc,
	    sizeof(desc), NULL), ZX_ERR_INVALID_ARGS);
	zx_handle_close(root);
}

/* Not waitable, no name, no signals; handles duplicate and transfer. */
Test(iommu, object)
{
	zx_handle_t h = iommu_new(), d = ZX_HANDLE_INVALID;
	char name[ZX_MAX_NAME_LEN];

	cr_assert_eq(zx_object_wait_one(h, ZX_USER_SIGNAL_0, 0, NULL),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_signal(h, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_ACCESS_DENIED);
	/* No GET/SET_PROPERTY right either. */
	cr_assert_eq(zx_object_get_property(h, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_BTI, name, sizeof(name),
	    NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &d), ZX_OK);
	cr_assert_eq(basic_of(d).koid, basic_of(h).koid);
	zx_handle_close(d);
	zx_handle_close(h);
}
