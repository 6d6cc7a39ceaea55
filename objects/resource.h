/*
 * Resources: Zircon's tokens of authority over a range of physical
 * address space (MMIO), interrupt vectors (IRQ), x86 I/O ports (IOPORT)
 * or a system privilege (SYSTEM), and the root resource, which stands in
 * for all of them.
 *
 * The daemon has one root resource object; each grant is a new handle to
 * it. Every resource of a ranged kind takes its range from that kind's
 * address space (zxd's allocators):
 *
 *	MMIO	[0, 2^64 - 1)	RAM refused to the root resource
 *	IRQ	[0, 1024)
 *	IOPORT	[0, 0xFFFF)	as x86 Zircon: port 0xFFFF is outside
 *	SYSTEM	[0, ZX_RSRC_SYSTEM_COUNT)
 *	SMC	none: ZX_ERR_BAD_STATE, as on x86 Zircon
 */
#ifndef ZXD_OBJECTS_RESOURCE_H
#define ZXD_OBJECTS_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>

#include "objects/object.h"

struct resource {
	struct object obj;		/* first */
	zx_rsrc_kind_t kind;
	uint32_t flags;
	uint64_t base;
	uint64_t size;
	struct resource *prev, *next;	/* live ranged resources */
};

/* The resource behind o, or NULL when o is not one. */
struct resource *resource_of(struct object *o);

/* A new reference to the daemon's root resource (made on first use). */
zx_status_t resource_root(struct object **ret);
/* Drop the daemon's own reference to the root resource. */
void resource_shutdown(void);

/*
 * zx_resource_create after the parent handle was looked up with WRITE:
 * Zircon's checks 2 to 6, in order. name holds the caller's name bytes
 * (already cut to ZX_MAX_NAME_LEN - 1); name_fault says the caller's
 * name pointer could not be read (NULL with a non-zero name_size).
 * *ret gets one reference.
 */
zx_status_t resource_create(struct resource *parent, uint32_t options,
    uint64_t base, uint64_t size, const char *name, size_t name_len,
    bool name_fault, struct object **ret);

/*
 * Zircon's validate_ranged_resource(): may r stand for [base, base +
 * size) of `kind`? A ROOT resource may, unless the range touches RAM
 * (MMIO only): ZX_ERR_ACCESS_DENIED. Another kind: ZX_ERR_WRONG_TYPE.
 * Outside r's range (MMIO ranges widened to whole pages):
 * ZX_ERR_OUT_OF_RANGE. Used by zx_vmo_create_physical as
 * validate_resource_mmio, with the statuses as they are.
 */
zx_status_t resource_validate_ranged(const struct resource *r,
    zx_rsrc_kind_t kind, uint64_t base, uint64_t size);

/* Zircon's validate_resource_kind_base(): ROOT, or `kind` at `base`
 * (e.g. SYSTEM at ZX_RSRC_SYSTEM_IOMMU_BASE); else ZX_ERR_WRONG_TYPE. */
zx_status_t resource_validate_kind_base(const struct resource *r,
    zx_rsrc_kind_t kind, uint64_t base);

/* The ZX_INFO_RESOURCE record. */
void resource_info(const struct resource *r, zx_info_resource_t *ret);

#endif
