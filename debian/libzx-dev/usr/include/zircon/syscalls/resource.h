/*
 * Resource kinds, flags and system-resource bases, for zx_resource_create()
 * and ZX_INFO_RESOURCE.
 *
 * zx_resource_create() takes the kind in the low 16 bits of its options and
 * the flags in the high 16.
 */
#ifndef ZIRCON_SYSCALLS_RESOURCE_H
#define ZIRCON_SYSCALLS_RESOURCE_H

#include <stdint.h>

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Kinds below ZX_RSRC_KIND_COUNT each have their own range allocator. */
#define ZX_RSRC_KIND_MMIO		((zx_rsrc_kind_t)0u)
#define ZX_RSRC_KIND_IRQ		((zx_rsrc_kind_t)1u)
#define ZX_RSRC_KIND_IOPORT		((zx_rsrc_kind_t)2u)
#define ZX_RSRC_KIND_ROOT		((zx_rsrc_kind_t)3u)
#define ZX_RSRC_KIND_SMC		((zx_rsrc_kind_t)4u)
#define ZX_RSRC_KIND_SYSTEM		((zx_rsrc_kind_t)5u)
#define ZX_RSRC_KIND_COUNT		((zx_rsrc_kind_t)6u)

/* The only flag: no other resource may overlap this one's range. */
#define ZX_RSRC_FLAG_EXCLUSIVE		((zx_rsrc_flags_t)0x00010000u)

/*
 * The flags a caller may set, as Zircon defines it. The kernel rejects
 * ZX_RSRC_EXTRACT_FLAGS(options) & ~ZX_RSRC_FLAGS_MASK with INVALID_ARGS.
 */
#define ZX_RSRC_FLAGS_MASK	((zx_rsrc_flags_t)ZX_RSRC_FLAG_EXCLUSIVE)

/* Where the kind and the flags sit in zx_resource_create()'s options. */
#define ZX_RSRC_KIND_MASK		((uint32_t)0x0000FFFFu)

#define ZX_RSRC_EXTRACT_KIND(x)		((x) & 0x0000FFFF)
#define ZX_RSRC_EXTRACT_FLAGS(x)	((x) & 0xFFFF0000)

/*
 * ZX_RSRC_KIND_SYSTEM resources have size 1; the base says which
 * privilege they grant.
 */
typedef uint64_t zx_rsrc_system_base_t;

#define ZX_RSRC_SYSTEM_HYPERVISOR_BASE	((zx_rsrc_system_base_t)0u)
#define ZX_RSRC_SYSTEM_VMEX_BASE	((zx_rsrc_system_base_t)1u)
#define ZX_RSRC_SYSTEM_DEBUG_BASE	((zx_rsrc_system_base_t)2u)
#define ZX_RSRC_SYSTEM_INFO_BASE	((zx_rsrc_system_base_t)3u)
#define ZX_RSRC_SYSTEM_CPU_BASE		((zx_rsrc_system_base_t)4u)
#define ZX_RSRC_SYSTEM_POWER_BASE	((zx_rsrc_system_base_t)5u)
#define ZX_RSRC_SYSTEM_MEXEC_BASE	((zx_rsrc_system_base_t)6u)
#define ZX_RSRC_SYSTEM_ENERGY_INFO_BASE	((zx_rsrc_system_base_t)7u)
#define ZX_RSRC_SYSTEM_IOMMU_BASE	((zx_rsrc_system_base_t)8u)
#define ZX_RSRC_SYSTEM_FRAMEBUFFER_BASE	((zx_rsrc_system_base_t)9u)
#define ZX_RSRC_SYSTEM_PROFILE_BASE	((zx_rsrc_system_base_t)10u)
#define ZX_RSRC_SYSTEM_MSI_BASE		((zx_rsrc_system_base_t)11u)
#define ZX_RSRC_SYSTEM_DEBUGLOG_BASE	((zx_rsrc_system_base_t)12u)
#define ZX_RSRC_SYSTEM_STALL_BASE	((zx_rsrc_system_base_t)13u)
#define ZX_RSRC_SYSTEM_COUNT		((zx_rsrc_system_base_t)14u)

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_RESOURCE_H */
