/*
 * zx_object_get_info() topics and records, and zx_object_get_property() /
 * zx_object_set_property() properties.
 *
 * The records are copied to the caller byte for byte, so every layout here
 * is Zircon's ABI (natural alignment, explicit padding). tests/unit/headers.c
 * checks the size and offsets of each one zxd returns.
 */
#ifndef ZIRCON_SYSCALLS_OBJECT_H
#define ZIRCON_SYSCALLS_OBJECT_H

#include <stddef.h>
#include <stdint.h>

#include <zircon/syscalls/iob.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A topic's layout version sits in its top four bits, starting at 0: a
 * caller built against an older record asks for the older topic number.
 */
#define ZX_INFO_TOPIC(t, v) \
	((zx_object_info_topic_t)((t) | ((v) << 28)))

#define ZX_INFO_NONE		((zx_object_info_topic_t)0u)
/* No record: the answer is the status alone. */
#define ZX_INFO_HANDLE_VALID	((zx_object_info_topic_t)1u)
#define ZX_INFO_HANDLE_BASIC	((zx_object_info_topic_t)2u)	/* [1] */
#define ZX_INFO_VMAR		((zx_object_info_topic_t)7u)	/* [1] */
#define ZX_INFO_PROCESS_MAPS_V1	ZX_INFO_TOPIC(13u, 0u)	/* maps_v1[n] */
#define ZX_INFO_PROCESS_MAPS	ZX_INFO_TOPIC(13u, 1u)	/* maps[n] */
#define ZX_INFO_PROCESS_VMOS_V1	ZX_INFO_TOPIC(14u, 0u)	/* vmo_v1[n] */
#define ZX_INFO_PROCESS_VMOS_V2	ZX_INFO_TOPIC(14u, 1u)	/* vmo_v2[n] */
#define ZX_INFO_PROCESS_VMOS	ZX_INFO_TOPIC(14u, 2u)	/* vmo[n] */
#define ZX_INFO_RESOURCE	((zx_object_info_topic_t)18u)	/* [1] */
#define ZX_INFO_HANDLE_COUNT	((zx_object_info_topic_t)19u)	/* [1] */
#define ZX_INFO_BTI		((zx_object_info_topic_t)20u)	/* [1] */
#define ZX_INFO_VMO_V1		ZX_INFO_TOPIC(23u, 0u)	/* vmo_v1[1] */
#define ZX_INFO_VMO_V2		ZX_INFO_TOPIC(23u, 1u)	/* vmo_v2[1] */
#define ZX_INFO_VMO		ZX_INFO_TOPIC(23u, 2u)	/* vmo[1] */
#define ZX_INFO_IOB		((zx_object_info_topic_t)34u)	/* [1] */
#define ZX_INFO_IOB_REGIONS	((zx_object_info_topic_t)35u)	/* [n] */
#define ZX_INFO_VMAR_MAPS	((zx_object_info_topic_t)36u)	/* maps[n] */

/* ZX_INFO_HANDLE_BASIC */
typedef struct zx_info_handle_basic {
	zx_koid_t koid;
	zx_rights_t rights;
	zx_obj_type_t type;
	/*
	 * The peer for peered objects, the parent job of a process, the
	 * process of a thread; otherwise 0. Fixed for the object's life.
	 */
	zx_koid_t related_koid;
	uint32_t reserved;
	uint8_t padding1[4];
} zx_info_handle_basic_t;

/* ZX_INFO_HANDLE_COUNT */
typedef struct zx_info_handle_count {
	uint32_t handle_count;
} zx_info_handle_count_t;

/* ZX_INFO_VMAR */
typedef struct zx_info_vmar {
	uintptr_t base;
	size_t len;
} zx_info_vmar_t;

/* ZX_INFO_BTI */
typedef struct zx_info_bti {
	/* zx_bti_pin() addresses are contiguous for at least this long. */
	uint64_t minimum_contiguity;
	/* Size of the device address space; UINT64_MAX stands for 2^64. */
	uint64_t aspace_size;
	/* Live PMTs, quarantined ones included. */
	uint64_t pmo_count;
	uint64_t quarantine_count;
} zx_info_bti_t;

/* ZX_INFO_RESOURCE */
typedef struct zx_info_resource {
	uint32_t kind;
	uint32_t flags;
	uint64_t base;
	size_t size;
	char name[ZX_MAX_NAME_LEN];
} zx_info_resource_t;

/* ZX_INFO_IOB; the regions come from ZX_INFO_IOB_REGIONS, see iob.h. */
typedef struct zx_info_iob {
	uint64_t options;
	uint32_t region_count;
	uint8_t padding1[4];
} zx_info_iob_t;

/*
 * zx_info_vmo_t.flags. Bit 0 is the VMO's type (paged or physical); test
 * it with ZX_INFO_VMO_TYPE(). The VIA_* bits only appear in
 * ZX_INFO_PROCESS_VMOS and say how the process reaches the VMO.
 */
#define ZX_INFO_VMO_TYPE_PAGED		(1u << 0)
#define ZX_INFO_VMO_TYPE_PHYSICAL	(0u << 0)
#define ZX_INFO_VMO_TYPE(flags)		((flags) & (1u << 0))
#define ZX_INFO_VMO_RESIZABLE		(1u << 1)
#define ZX_INFO_VMO_IS_COW_CLONE	(1u << 2)
#define ZX_INFO_VMO_VIA_HANDLE		(1u << 3)
#define ZX_INFO_VMO_VIA_MAPPING		(1u << 4)
#define ZX_INFO_VMO_PAGER_BACKED	(1u << 5)
#define ZX_INFO_VMO_CONTIGUOUS		(1u << 6)
#define ZX_INFO_VMO_DISCARDABLE		(1u << 7)
#define ZX_INFO_VMO_IMMUTABLE		(1u << 8)
#define ZX_INFO_VMO_VIA_IOB_HANDLE	(1u << 9)

/* ZX_INFO_VMO and ZX_INFO_PROCESS_VMOS */
typedef struct zx_info_vmo {
	zx_koid_t koid;
	char name[ZX_MAX_NAME_LEN];
	/* The page-rounded size. */
	uint64_t size_bytes;
	/* 0 unless the VMO is a child. */
	zx_koid_t parent_koid;
	size_t num_children;
	size_t num_mappings;
	/* Roughly, how many address spaces map it. */
	size_t share_count;
	uint32_t flags;
	uint8_t padding1[4];
	/* Meaningful for paged VMOs only. */
	uint64_t committed_bytes;
	/*
	 * The rights of the handle (VIA_HANDLE), or the effective rights
	 * through the IOB (VIA_IOB_HANDLE).
	 */
	zx_rights_t handle_rights;
	uint32_t cache_policy;
	uint64_t metadata_bytes;
	uint64_t committed_change_events;
	uint64_t populated_bytes;
} zx_info_vmo_t;

/* ZX_INFO_VMO_V2 and ZX_INFO_PROCESS_VMOS_V2: the first 120 bytes. */
typedef struct zx_info_vmo_v2 {
	zx_koid_t koid;
	char name[ZX_MAX_NAME_LEN];
	uint64_t size_bytes;
	zx_koid_t parent_koid;
	size_t num_children;
	size_t num_mappings;
	size_t share_count;
	uint32_t flags;
	uint8_t padding1[4];
	uint64_t committed_bytes;
	zx_rights_t handle_rights;
	uint32_t cache_policy;
	uint64_t metadata_bytes;
	uint64_t committed_change_events;
} zx_info_vmo_v2_t;

/* ZX_INFO_VMO_V1 and ZX_INFO_PROCESS_VMOS_V1: the first 104 bytes. */
typedef struct zx_info_vmo_v1 {
	zx_koid_t koid;
	char name[ZX_MAX_NAME_LEN];
	uint64_t size_bytes;
	zx_koid_t parent_koid;
	size_t num_children;
	size_t num_mappings;
	size_t share_count;
	uint32_t flags;
	uint8_t padding1[4];
	uint64_t committed_bytes;
	zx_rights_t handle_rights;
	uint32_t cache_policy;
} zx_info_vmo_v1_t;

/* ZX_INFO_PROCESS_MAPS and ZX_INFO_VMAR_MAPS */

typedef struct zx_info_maps_mapping {
	/* ZX_VM_PERM_* bits. */
	zx_vm_option_t mmu_flags;
	uint8_t padding1[4];
	/* The VMO or IOB region mapped, and where in it. */
	zx_koid_t vmo_koid;
	uint64_t vmo_offset;
	size_t committed_pages;
	size_t populated_pages;
} zx_info_maps_mapping_t;

typedef struct zx_info_maps_mapping_v1 {
	zx_vm_option_t mmu_flags;
	uint8_t padding1[4];
	zx_koid_t vmo_koid;
	uint64_t vmo_offset;
	size_t committed_pages;
} zx_info_maps_mapping_v1_t;

/* zx_info_maps_t.type; not object types, since aspaces are not objects. */
typedef uint32_t zx_info_maps_type_t;

#define ZX_INFO_MAPS_TYPE_NONE		((zx_info_maps_type_t)0u)
#define ZX_INFO_MAPS_TYPE_ASPACE	((zx_info_maps_type_t)1u)
#define ZX_INFO_MAPS_TYPE_VMAR		((zx_info_maps_type_t)2u)
#define ZX_INFO_MAPS_TYPE_MAPPING	((zx_info_maps_type_t)3u)

/* One node of the address-space tree, in depth-first pre-order. */
typedef struct zx_info_maps {
	char name[ZX_MAX_NAME_LEN];
	zx_vaddr_t base;
	size_t size;
	size_t depth;
	zx_info_maps_type_t type;
	uint8_t padding1[4];
	union {
		zx_info_maps_mapping_t mapping;
	} u;
} zx_info_maps_t;

typedef struct zx_info_maps_v1 {
	char name[ZX_MAX_NAME_LEN];
	zx_vaddr_t base;
	size_t size;
	size_t depth;
	zx_info_maps_type_t type;
	uint8_t padding1[4];
	union {
		zx_info_maps_mapping_v1_t mapping;
	} u;
} zx_info_maps_v1_t;

/* Properties. */

/* char[ZX_MAX_NAME_LEN], NUL-padded; names longer than 31 are cut. */
#define ZX_PROP_NAME			((uint32_t)3u)
/* uint64_t: a VMO's content (stream) size, independent of its size. */
#define ZX_PROP_VMO_CONTENT_SIZE	((uint32_t)17u)

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_OBJECT_H */
