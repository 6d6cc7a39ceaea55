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

/* The region flags a VMAR keeps (Zircon's VMAR_FLAG_*), as ZX_VM_* bits. */
#define VMAR_CAN_MAP_RWX \
	(ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_EXECUTE)
#define VMAR_ROOT_FLAGS		(ZX_VM_CAN_MAP_SPECIFIC | VMAR_CAN_MAP_RWX)

/* A sub-VMAR's rights: the base ones and READ, WRITE, EXECUTE for its
 * CAN_MAP_* flags. */
static inline zx_rights_t
vmar_rights_for(uint32_t flags)
{
	return ZX_DEFAULT_VMAR_RIGHTS |
	    ((flags & ZX_VM_CAN_MAP_READ) ? ZX_RIGHT_READ : 0) |
	    ((flags & ZX_VM_CAN_MAP_WRITE) ? ZX_RIGHT_WRITE : 0) |
	    ((flags & ZX_VM_CAN_MAP_EXECUTE) ? ZX_RIGHT_EXECUTE : 0);
}

/* One mapping of a VMO, as libzx reported it. */
struct vmar_mapping {
	struct vmar *vmar;		/* the VMAR it is directly in */
	uint64_t addr, len;
	struct vmo *vmo;		/* a reference */
	uint64_t vmo_offset;
	uint32_t max_perms;		/* ZX_VM_PERM_* */
	uint32_t perms;			/* what it has now */
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
	uint32_t flags;			/* ZX_VM_CAN_MAP_*, ZX_VM_COMPACT */
	bool destroyed;
	struct vmar *parent;		/* NULL for a root; not a reference */
	struct vmar *root;		/* NULL once destroyed; not a reference */
	/* Live sub-VMARs by address, each holding a reference: closing
	 * every handle to a VMAR does not destroy it. */
	struct vmar *children, *sibling;
	struct vmar_mapping *mappings;	/* directly in it, by address */
	size_t num_mappings;
	/* A root's: mappings and sub-VMARs in its whole tree, against
	 * VMAR_MAX_MAPPINGS. */
	size_t tree_entries;
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
/* The same with the permissions the mapping has now. */
zx_status_t vmar_map_record_perms(struct vmar *vmar, uint64_t addr,
    uint64_t len, struct vmo *vmo, uint64_t vmo_offset, uint32_t max_perms,
    uint32_t perms, struct object *via, uint32_t region);
/* Forget the part of every record inside [addr, addr + len): records
 * are trimmed or split as munmap would. */
zx_status_t vmar_unmap_record(struct vmar *vmar, uint64_t addr,
    uint64_t len);
/* The process is gone: destroy its tree, forget every record. */
void vmar_clear(struct vmar *vmar);

/* --- the tree (sub-VMARs) -------------------------------------------- */

struct vmar_place;

/* Whether [addr, addr + len) meets a sub-VMAR of vmar, or a mapping
 * directly in it. */
bool vmar_meets_child(const struct vmar *vmar, uint64_t addr, uint64_t len);
bool vmar_meets_mapping(const struct vmar *vmar, uint64_t addr,
    uint64_t len);
/* Choose where a new mapping or sub-VMAR goes inside vmar (the daemon
 * places inside sub-VMARs; libzx's reservation does it in a root):
 * SPECIFIC onto anything is ALREADY_EXISTS, SPECIFIC_OVERWRITE across a
 * sub-VMAR INVALID_ARGS, no room NO_RESOURCES. A COMPACT VMAR packs
 * from its base; others pick a random spot. */
zx_status_t vmar_place(const struct vmar *vmar, const struct vmar_place *p,
    zx_vm_option_t options, uint64_t *ret_addr);
/* A new sub-VMAR of parent at [addr, addr + size) with `flags` (the
 * parent keeps a reference; *ret gets another). NO_RESOURCES past
 * VMAR_MAX_MAPPINGS entries in the tree. */
zx_status_t vmar_allocate(struct vmar *parent, uint64_t addr, uint64_t size,
    uint32_t flags, struct vmar **ret);
/* Destroy vmar and its subtree: every mapping goes, each sub-VMAR is
 * destroyed, the range goes back to the parent. */
void vmar_destroy(struct vmar *vmar);
/* zx_vmar_unmap's checks and effect after the lookup: BAD_STATE,
 * INVALID_ARGS for a range outside the VMAR or one that cuts a sub-VMAR
 * (or holds one without OP_CHILDREN); sub-VMARs wholly inside are
 * destroyed. */
zx_status_t vmar_unmap(struct vmar *vmar, uint64_t addr, uint64_t len,
    bool op_children);
/* zx_vmar_protect's checks and effect after the argument checks. */
zx_status_t vmar_protect(struct vmar *vmar, uint64_t addr, uint64_t len,
    uint32_t perms, bool op_children);
/* zx_vmar_op_range's checks after the argument checks (the op itself is
 * done by libzx on its own memory). */
zx_status_t vmar_op_range_check(struct vmar *vmar, uint32_t op,
    uint64_t addr, uint64_t len, bool op_children);

/* Call fn on every mapping of the tree under vmar, in address order
 * within each VMAR, depth first. */
void vmar_for_each_mapping(const struct vmar *vmar,
    void (*fn)(const struct vmar_mapping *m, void *arg), void *arg);

/* zx_info_maps_t at its newest layout (V3, 152 bytes). V2 (104 bytes) and
 * V1 (96) are prefixes of it with page counts where it has bytes. */
struct vmar_maps_rec {
	char name[ZX_MAX_NAME_LEN];
	uint64_t base, size, depth;
	uint32_t type;
	uint8_t padding1[4];
	struct {
		uint32_t mmu_flags;
		uint8_t padding1[4];
		uint64_t vmo_koid, vmo_offset;
		uint64_t committed_bytes, populated_bytes;
		uint64_t committed_private_bytes, populated_private_bytes;
		uint64_t committed_scaled_bytes, populated_scaled_bytes;
		uint64_t committed_fractional_scaled_bytes;
		uint64_t populated_fractional_scaled_bytes;
	} mapping;
};
#define VMAR_MAPS_V1_SIZE	96
#define VMAR_MAPS_V2_SIZE	104
#define VMAR_MAPS_V3_SIZE	sizeof(struct vmar_maps_rec)

/* ZX_INFO_PROCESS_MAPS / ZX_INFO_VMAR_MAPS: a depth-first, pre-order
 * dump of the tree under vmar (vmar itself at `depth`), as
 * zx_info_maps_t records of `rec_size` bytes (96, 104 or 152). Writes up
 * to `max` records into buf and returns how many there are. */
size_t vmar_maps_dump(const struct vmar *vmar, size_t depth, void *buf,
    size_t max, size_t rec_size);

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
