/* VMARs: a process's root address region and the record of what it
 * mapped there.
 *
 * The mapping itself is done by libzx (mmap of a descriptor the daemon
 * hands out); the daemon checks rights and options and keeps a record
 * of each mapping, which ZX_INFO_VMO counts and which libzx updates when
 * it unmaps. The address space and the pure part of zx_vmar_map's
 * checks, which both sides share, are in proto/vmar_layout.h. */
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
 * where its libzx reserved the range (or what reserving came to). */
struct vmar_map_args {
	zx_vm_option_t options;
	uint64_t vmar_offset, vmo_offset, len;
	pid_t pid;
	uint64_t addr;
	zx_status_t placement;
};

struct vmar_map_result {
	uint64_t size;			/* page-rounded */
	uint32_t max_perms;		/* ZX_VM_PERM_* it may ever get */
	uint64_t file_offset;		/* of vmo_offset in the VMO's fd */
};

/*
 * zx_vmar_map after the handle lookups: vmar_map_common's and
 * VmAddressRegionDispatcher::Map's checks in Zircon's order (`vmar_rights`
 * are the VMAR handle's), then the placement libzx made, then the
 * record of the mapping. Only the VMAR's own process may map
 * (ZX_ERR_NOT_SUPPORTED otherwise).
 */
zx_status_t vmar_map(struct vmar *vmar, zx_rights_t vmar_rights,
    const struct vmar_map_src *src, const struct vmar_map_args *args,
    struct vmar_map_result *ret);

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

#endif
