/* The address space libzx and zxd agree on and the pure part of
 * zx_vmar_map's and zx_vmar_allocate's checks: libzx reserves the range
 * a mapping or sub-VMAR of the root gets before it asks, the daemon
 * checks the same, so both compute it the same way here. */
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

/* The region flags a VMAR keeps (Zircon's VMAR_FLAG_*), as ZX_VM_* bits. */
#define VMAR_CAN_MAP_RWX \
	(ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_EXECUTE)
#define VMAR_ROOT_FLAGS		(ZX_VM_CAN_MAP_SPECIFIC | VMAR_CAN_MAP_RWX)

/* No way to express a writable or executable mapping that cannot be
 * read. */
static inline bool
vmar_valid_protection(zx_vm_option_t options)
{
	return (options & ZX_VM_PERM_READ) ||
	    !(options & (ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE));
}

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

/* What the checks need to know of the VMAR a mapping or sub-VMAR goes
 * into. */
struct vmar_shape {
	uint64_t base, len;
	uint32_t flags;		/* ZX_VM_CAN_MAP_* */
	bool destroyed;
};

/* CreateSubVmarInternal's checks, in Zircon's order, from the VMAR's
 * state on: `size` is page-rounded already. */
static inline zx_status_t
vmar_sub_layout(const struct vmar_shape *sh, uint64_t page,
    zx_vm_option_t options, uint64_t vmar_offset, uint64_t size,
    uint64_t align, struct vmar_place *p)
{
	bool overwrite = options & ZX_VM_SPECIFIC_OVERWRITE;
	bool specific = (options & ZX_VM_SPECIFIC) || overwrite;
	bool upper = options & ZX_VM_OFFSET_IS_UPPER_LIMIT;
	uint64_t vlen = sh->len;

	if (sh->destroyed)
		return ZX_ERR_BAD_STATE;
	if (size == 0)
		return ZX_ERR_INVALID_ARGS;
	if (options & VMAR_CAN_MAP_RWX & ~sh->flags)
		return ZX_ERR_ACCESS_DENIED;
	if (specific && upper)
		return ZX_ERR_INVALID_ARGS;
	if (!specific && !upper && vmar_offset != 0)
		return ZX_ERR_INVALID_ARGS;
	if (vmar_offset & (page - 1))
		return ZX_ERR_INVALID_ARGS;
	if ((specific || upper) && !(sh->flags & ZX_VM_CAN_MAP_SPECIFIC))
		return ZX_ERR_ACCESS_DENIED;
	if (!upper && (vmar_offset >= vlen || size > vlen - vmar_offset))
		return ZX_ERR_INVALID_ARGS;
	if (upper && (vmar_offset > vlen || size > vlen ||
	    size > vmar_offset))
		return ZX_ERR_INVALID_ARGS;
	p->size = size;
	p->align = align > page ? align : page;
	p->addr = specific ? sh->base + vmar_offset : 0;
	p->upper = upper ? sh->base + vmar_offset : 0;
	if (specific && (p->addr & (p->align - 1)))
		return ZX_ERR_INVALID_ARGS;
	return ZX_OK;
}

/* CreateVmMapping, in Zircon's order, for the VMAR `sh`. */
static inline zx_status_t
vmar_layout(const struct vmar_shape *sh, uint64_t page,
    zx_vm_option_t options, uint64_t vmar_offset, uint64_t vmo_offset,
    uint64_t len, uint64_t align, struct vmar_place *p)
{
	const zx_vm_option_t allowed = VMAR_PERMS |
	    ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED | ZX_VM_SPECIFIC |
	    ZX_VM_SPECIFIC_OVERWRITE | ZX_VM_OFFSET_IS_UPPER_LIMIT |
	    ZX_VM_MAP_RANGE | ZX_VM_REQUIRE_NON_RESIZABLE |
	    ZX_VM_ALLOW_FAULTS | ZX_VM_FAULT_BEYOND_STREAM_SIZE;
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
	/* A mapping asks for no CAN_MAP_* flags (rejected before). */
	return vmar_sub_layout(sh, page, options & ~VMAR_CAN_MAP_RWX,
	    vmar_offset, size, align, p);
}

/* The same for a live VMAR with every region flag (a root). */
static inline zx_status_t
vmar_map_layout(uint64_t base, uint64_t vlen, uint64_t page,
    zx_vm_option_t options, uint64_t vmar_offset, uint64_t vmo_offset,
    uint64_t len, uint64_t align, struct vmar_place *p)
{
	const struct vmar_shape sh = { base, vlen, VMAR_ROOT_FLAGS, false };

	return vmar_layout(&sh, page, options, vmar_offset, vmo_offset, len,
	    align, p);
}

/* zx_vmar_allocate's checks after the lookup, in Zircon's order. */
static inline zx_status_t
vmar_allocate_layout(const struct vmar_shape *sh, uint64_t page,
    zx_vm_option_t options, uint64_t offset, uint64_t size,
    struct vmar_place *p)
{
	const zx_vm_option_t known = VMAR_KNOWN_OPTIONS & ~ZX_VM_MAP_RANGE;
	const zx_vm_option_t allowed = ZX_VM_SPECIFIC |
	    ZX_VM_CAN_MAP_SPECIFIC | ZX_VM_COMPACT | VMAR_CAN_MAP_RWX |
	    ZX_VM_OFFSET_IS_UPPER_LIMIT;
	const zx_vm_option_t low = (UINT32_C(1) << ZX_VM_ALIGN_BASE) - 1;
	uint32_t a = options >> ZX_VM_ALIGN_BASE;

	/* split_syscall_flags: unknown bits, the alignment, permissions. */
	if (options & low & ~known)
		return ZX_ERR_INVALID_ARGS;
	if ((a < 10 && a != 0) || a > 32)
		return ZX_ERR_INVALID_ARGS;
	if (options & (VMAR_PERMS | ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED))
		return ZX_ERR_INVALID_ARGS;
	if (size & (page - 1))
		return ZX_ERR_INVALID_ARGS;
	if (options & low & ~allowed)
		return ZX_ERR_INVALID_ARGS;
	return vmar_sub_layout(sh, page, options, offset, size,
	    a == 0 ? 0 : UINT64_C(1) << a, p);
}

#endif
