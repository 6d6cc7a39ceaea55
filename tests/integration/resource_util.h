/* What the resource tests share (resource.c, root_resource.c). */
#ifndef ZXD_TESTS_RESOURCE_UTIL_H
#define ZXD_TESTS_RESOURCE_UTIL_H

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>
#include <zxd/zxd.h>

#include "proto/wire.h"
#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

#define MMIO	ZX_RSRC_KIND_MMIO
#define IRQ	ZX_RSRC_KIND_IRQ
#define IOPORT	ZX_RSRC_KIND_IOPORT
#define ROOT	ZX_RSRC_KIND_ROOT
#define SMC	ZX_RSRC_KIND_SMC
#define SYSTEM	ZX_RSRC_KIND_SYSTEM
#define EXCL	ZX_RSRC_FLAG_EXCLUSIVE

/* The default map's RAM ends here. */
#define RAM_END	UINT64_C(0x40000000)

static uint64_t page __attribute__((unused));

static inline void
setup(void)
{
	page = zx_system_get_page_size();
}

/* A range of MMIO space nobody else in this file uses. */
static inline uint64_t
mmio_base(unsigned n)
{
	return UINT64_C(0x100000000) * (n + 1);
}

static inline zx_handle_t
get_root(void)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zxd_get_root_resource(&h), ZX_OK);
	cr_assert_neq(h, ZX_HANDLE_INVALID);
	return h;
}

static inline zx_info_resource_t
info_of(zx_handle_t h)
{
	zx_info_resource_t info;
	size_t actual = 0, avail = 0;

	memset(&info, 0xA5, sizeof(info));
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_RESOURCE, &info,
	    sizeof(info), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	return info;
}

static inline zx_status_t
create(zx_handle_t parent, uint32_t options, uint64_t base, uint64_t size,
    zx_handle_t *out)
{
	return zx_resource_create(parent, options, base, size, NULL, 0, out);
}

/* Create, check OK, and return the new handle. */
static inline zx_handle_t
create_ok(zx_handle_t parent, uint32_t options, uint64_t base,
    uint64_t size)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_status_t st = create(parent, options, base, size, &h);

	cr_assert_eq(st, ZX_OK, "create(%#x, %#lx, %#lx): %d", options,
	    (unsigned long)base, (unsigned long)size, st);
	return h;
}

struct own {
	struct zxdtest_daemon d;
};

/* Start a daemon of our own on `conf_text` (NULL: no file). */
static inline void
own_start(struct own *o, const char *conf_text)
{
	cr_assert_eq(conf_text != NULL ?
	    zxdtest_start_config(&o->d, conf_text, NULL) :
	    zxdtest_start(&o->d, NULL), 0);
}

static inline void
own_stop(struct own *o)
{
	cr_assert_eq(zxdtest_stop(&o->d), 0, "zxd did not stop cleanly");
}

#endif
