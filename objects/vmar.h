/* VMARs: a process's root address region and the record of what it
 * mapped there.
 *
 * The mapping itself is done by libzx (mmap of a descriptor the daemon
 * hands out); the daemon checks rights and options and keeps a record
 * of each mapping, which ZX_INFO_VMO counts and which libzx updates when
 * it unmaps. The static inline functions below are the pure part of
 * zx_vmar_map's checks, shared by both sides so that they agree on the
 * address a mapping gets. */
#ifndef ZXD_OBJECTS_VMAR_H
#define ZXD_OBJECTS_VMAR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/types.h>

#include "objects/object.h"

/* Zircon's user address space: from 16 MiB to the top of what Linux
 * gives a process. */
#define VMAR_ROOT_BASE		UINT64_C(0x1000000)
#if defined(__aarch64__)
#define VMAR_ROOT_END		UINT64_C(0xfffffffff000)
#else
#define VMAR_ROOT_END		UINT64_C(0x7ffffffff000)
#endif
#define VMAR_ROOT_LEN		(VMAR_ROOT_END - VMAR_ROOT_BASE)

/* The root VMAR's rights: the default ones and READ, WRITE, EXECUTE for
 * its CAN_MAP_* flags. */
#define VMAR_ROOT_RIGHTS \
	(ZX_DEFAULT_VMAR_RIGHTS | ZX_RIGHT_READ | ZX_RIGHT_WRITE | \
	    ZX_RIGHT_EXECUTE)

/* Mapping records a VMAR keeps at most: more than Linux lets a process
 * have (vm.max_map_count is 65530 by default). */
#define VMAR_MAX_MAPPINGS	65536

#define VMAR_PERMS \
	(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE)

struct vmo;
struct vmar;

/* One mapping of a VMO, as libzx reported it. */
struct vmar_mapping {
	struct vmar *vmar;
	uint64_t addr, len;
	struct vmo *vmo;		/* a reference */
	uint64_t vmo_offset;
	uint32_t max_perms;		/* ZX_VM_PERM_* */
	/* zx_vmar_map_iob: the endpoint it was made through (a reference)
	 * and the region; NULL for a plain VMO mapping. */
	struct object *via;
	uint32_t via_region;
	struct vmar_mapping *next;	/* in the VMAR, by address */
	struct vmar_mapping *vmo_prev, *vmo_next;	/* in the VMO */
};

struct vmar {
	struct object obj;
	uint64_t base, len;
	pid_t pid;			/* the process it belongs to */
	struct vmar_mapping *mappings;
	size_t num_mappings;
};

static inline struct vmar *
vmar_of(struct object *o)
{
	return (struct vmar *)o;
}

/* The root VMAR of process `pid`. */
zx_status_t vmar_root_new(pid_t pid, struct vmar **ret);

/* Record a mapping of [addr, addr + len) (takes a reference on vmo). */
zx_status_t vmar_map_record(struct vmar *vmar, uint64_t addr, uint64_t len,
    struct vmo *vmo, uint64_t vmo_offset, uint32_t max_perms);
/* The same for region `region` of an IOB made through endpoint `via`
 * (takes a reference on it too; objects/iob.c counts the mapping for
 * ZX_IOB_PEER_CLOSED until the record, or the last piece of it, goes). */
zx_status_t vmar_map_record_iob(struct vmar *vmar, uint64_t addr,
    uint64_t len, struct vmo *vmo, uint64_t vmo_offset, uint32_t max_perms,
    struct object *via, uint32_t region);
/* Forget the part of every record inside [addr, addr + len): records
 * are trimmed or split as munmap would. */
zx_status_t vmar_unmap_record(struct vmar *vmar, uint64_t addr,
    uint64_t len);
/* The process is gone: forget every record. */
void vmar_clear(struct vmar *vmar);

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
