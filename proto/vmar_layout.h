/* The address space libzx and zxd agree on and the pure part of
 * zx_vmar_map's checks: libzx reserves the range a mapping gets before
 * it asks, the daemon checks the same, so both compute it the same way
 * here. */
#ifndef ZXD_PROTO_VMAR_LAYOUT_H
#define ZXD_PROTO_VMAR_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include <zircon/errors.h>
#include <zircon/types.h>

/* Zircon's user address space: from 16 MiB to the top of what Linux
 * gives a process. */
#define VMAR_ROOT_BASE		UINT64_C(0x1000000)
#if defined(__aarch64__)
#define VMAR_ROOT_END		UINT64_C(0xfffffffff000)
#else
#define VMAR_ROOT_END		UINT64_C(0x7ffffffff000)
#endif
#define VMAR_ROOT_LEN		(VMAR_ROOT_END - VMAR_ROOT_BASE)

#define VMAR_PERMS \
	(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE)

/* --- the pure part of zx_vmar_map ------------------------------------ */

/* Bits of zx_vm_option_t below the alignment field that mean something. */
#define VMAR_KNOWN_OPTIONS	UINT32_C(0xffff)

/* split_syscall_flags: unknown bits and the alignment field. *align is 0
 * or the alignment in bytes. */
static inline zx_status_t
vmar_map_flags(zx_vm_option_t options, uint64_t *align)
{
	uint32_t a;

	if (options & ((UINT32_C(1) << ZX_VM_ALIGN_BASE) - 1) &
	    ~VMAR_KNOWN_OPTIONS)
		return ZX_ERR_INVALID_ARGS;
	a = options >> ZX_VM_ALIGN_BASE;
	if ((a < 10 && a != 0) || a > 32)
		return ZX_ERR_INVALID_ARGS;
	*align = a == 0 ? 0 : UINT64_C(1) << a;
	return ZX_OK;
}

/* Where a mapping goes: its page-rounded size and, for SPECIFIC ones,
 * its address; for OFFSET_IS_UPPER_LIMIT, the address it must end
 * below. */
struct vmar_place {
	uint64_t size;
	uint64_t addr;
	uint64_t upper;
	uint64_t align;		/* at least a page */
};

/* CreateVmMapping and CreateSubVmarInner, in Zircon's order, for a VMAR
 * at [base, base + vlen). */
static inline zx_status_t
vmar_map_layout(uint64_t base, uint64_t vlen, uint64_t page,
    zx_vm_option_t options, uint64_t vmar_offset, uint64_t vmo_offset,
    uint64_t len, uint64_t align, struct vmar_place *p)
{
	const zx_vm_option_t allowed = VMAR_PERMS |
	    ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED | ZX_VM_SPECIFIC |
	    ZX_VM_SPECIFIC_OVERWRITE | ZX_VM_OFFSET_IS_UPPER_LIMIT |
	    ZX_VM_MAP_RANGE | ZX_VM_REQUIRE_NON_RESIZABLE |
	    ZX_VM_ALLOW_FAULTS | ZX_VM_FAULT_BEYOND_STREAM_SIZE;
	bool overwrite = options & ZX_VM_SPECIFIC_OVERWRITE;
	bool specific = (options & ZX_VM_SPECIFIC) || overwrite;
	bool upper = options & ZX_VM_OFFSET_IS_UPPER_LIMIT;
	uint64_t size;

	if (options & ~(allowed | ~VMAR_KNOWN_OPTIONS))
		return ZX_ERR_INVALID_ARGS;
	if (vmo_offset & (page - 1))
		return ZX_ERR_INVALID_ARGS;
	size = (len + page - 1) & ~(page - 1);
	if (size < len)
		return ZX_ERR_OUT_OF_RANGE;
	if (vmo_offset + size < vmo_offset)
		return ZX_ERR_OUT_OF_RANGE;
	if (size == 0)
		return ZX_ERR_INVALID_ARGS;
	if (specific && upper)
		return ZX_ERR_INVALID_ARGS;
	if (!specific && !upper && vmar_offset != 0)
		return ZX_ERR_INVALID_ARGS;
	if (vmar_offset & (page - 1))
		return ZX_ERR_INVALID_ARGS;
	if (!upper && (vmar_offset >= vlen || size > vlen - vmar_offset))
		return ZX_ERR_INVALID_ARGS;
	if (upper && (vmar_offset > vlen || size > vlen ||
	    size > vmar_offset))
		return ZX_ERR_INVALID_ARGS;
	p->size = size;
	p->align = align > page ? align : page;
	p->addr = specific ? base + vmar_offset : 0;
	p->upper = upper ? base + vmar_offset : 0;
	if (specific && (p->addr & (p->align - 1)))
		return ZX_ERR_INVALID_ARGS;
	return ZX_OK;
}

#endif
