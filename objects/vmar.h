/* VMARs: a process's root address region and the record of what it
 * mapped there.
 *
 * The mapping itself is done by libzx (mmap of a descriptor the daemon
 * hands out); the daemon checks rights and options and keeps a record
 * of each mapping, which ZX_INFO_VMO counts and which libzx updates when
 * it unmaps. The address space and the pure part of the checks, which
 * both sides share, are in proto/vmar_layout.h. */
#ifndef ZXD_OBJECTS_VMAR_H
#define ZXD_OBJECTS_VMAR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/types.h>

#include "objects/object.h"
#include "proto/vmar_layout.h"

/* The root VMAR's rights: the default ones and READ, WRITE, EXECUTE for
 * its CAN_MAP_* flags. */
#define VMAR_ROOT_RIGHTS \
	(ZX_DEFAULT_VMAR_RIGHTS | ZX_RIGHT_READ | ZX_RIGHT_WRITE | \
	    ZX_RIGHT_EXECUTE)

/* Mapping records a VMAR keeps at most: more than Linux lets a process
 * have (vm.max_map_count is 65530 by default). */
#define VMAR_MAX_MAPPINGS	65536

struct vmo;
struct vmar;

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

/* The VMAR o is, or NULL when it is none. */
struct vmar *vmar_of(struct object *o);

/* The root VMAR of process `pid`. */
zx_status_t vmar_root_new(pid_t pid, struct vmar **ret);

/* What zx_vmar_map maps: a VMO, or region `region` of an IOB through
 * endpoint `via` (NULL for a VMO), with the rights the caller's handle
 * has on that memory. */
struct vmar_map_src {
	struct vmo *vmo;
	zx_rights_t rights;
	bool resizable;
	struct object *via;
	uint32_t region;
};

/* A zx_vmar_map request: the call's arguments, the calling process and
 * where its libzx reserved the range (or what reserving came to); in a
 * sub-VMAR the daemon places it (daemon_places). */
struct vmar_map_args {
	zx_vm_option_t options;
	uint64_t vmar_offset, vmo_offset, len;
	pid_t pid;
	uint64_t addr;
	zx_status_t placement;
	bool daemon_places;
};

struct vmar_map_result {
	uint64_t addr;			/* where it goes */
	uint64_t size;			/* page-rounded */
	uint32_t max_perms;		/* ZX_VM_PERM_* it may ever get */
	uint64_t file_offset;		/* of vmo_offset in the VMO's fd */
};

/*
 * zx_vmar_map after the handle lookups: vmar_map_common's and
 * VmAddressRegionDispatcher::Map's checks in Zircon's order (`vmar_rights`
 * are the VMAR handle's), then the placement (libzx's in a root, the
 * tree's in a sub-VMAR), then the record of the mapping. Only the VMAR's
 * own process may map (ZX_ERR_NOT_SUPPORTED otherwise).
 */
zx_status_t vmar_map(struct vmar *vmar, zx_rights_t vmar_rights,
    const struct vmar_map_src *src, const struct vmar_map_args *args,
    struct vmar_map_result *ret);
/* Whether vmar is a process's root VMAR. */
bool vmar_is_root(const struct vmar *vmar);
/* Where a sub-VMAR goes (zx_vmar_allocate), as vmar_map places a
 * mapping: *ret gets the address. */
zx_status_t vmar_place_in(struct vmar *vmar, const struct vmar_place *place,
    zx_vm_option_t options, bool daemon_places, zx_status_t placement,
    uint64_t addr, uint64_t *ret);

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

#endif
