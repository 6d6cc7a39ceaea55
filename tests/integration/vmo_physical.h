/* Helpers shared by the physical VMO tests (tests/integration/
 * vmo_physical*.c). */
#ifndef ZXD_TESTS_VMO_PHYSICAL_H
#define ZXD_TESTS_VMO_PHYSICAL_H

#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/resource.h>
#include <zxd/zxd.h>

#include "tests/integration/vmo_util.h"

/* The default sim map (API.md): RAM [0, 0x4000_0000), mmio0
 * [0xF000_0000, 0xF100_0000). */
#define RAM_END		UINT64_C(0x40000000)
#define MMIO0		UINT64_C(0xF0000000)
#define MMIO0_SIZE	UINT64_C(0x1000000)

/* Rights of a new physical VMO handle: Zircon's default VMO rights, no
 * EXECUTE, no RESIZE. */
#define PHYS_RIGHTS	((zx_rights_t)0xD0EF)
/* ZX_INFO_VMO.flags: PHYSICAL (0) | VIA_HANDLE | CONTIGUOUS. */
#define PHYS_FLAGS	UINT32_C(0x48)

/* In a forked child: exit with `code` unless e holds. */
#define CHECK(e, code)	do { if (!(e)) _exit(code); } while (0)

static inline zx_handle_t
root_resource(void)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zxd_get_root_resource(&h), ZX_OK);
	return h;
}

/* An MMIO resource [base, base + size) made from `parent`. */
static inline zx_handle_t
mmio_resource(zx_handle_t parent, uint64_t base, uint64_t size)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_resource_create(parent, ZX_RSRC_KIND_MMIO, base, size,
	    "phys-test", 9, &h), ZX_OK);
	return h;
}

static inline zx_handle_t
phys_new(zx_handle_t rsrc, uint64_t paddr, uint64_t size)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_status_t st = zx_vmo_create_physical(rsrc, paddr, size, &h);

	cr_assert_eq(st, ZX_OK, "zx_vmo_create_physical(%#lx, %#lx): %d",
	    (unsigned long)paddr, (unsigned long)size, st);
	return h;
}

/* Map all of `size` bytes of VMO h read-write (or read-only). */
static inline volatile uint8_t *
map_vmo(zx_handle_t h, uint64_t offset, uint64_t size, bool writable)
{
	zx_vaddr_t addr = 0;
	zx_status_t st;

	st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    (writable ? ZX_VM_PERM_WRITE : 0), 0, h, offset, size, &addr);
	cr_assert_eq(st, ZX_OK, "zx_vmar_map: %d", st);
	return (volatile uint8_t *)addr;
}

static inline void
unmap(volatile uint8_t *p, uint64_t size)
{
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)p, size),
	    ZX_OK);
}

/* A child's exit status, which must be a normal exit. */
static inline int
child_status(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "child died of signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

#endif
