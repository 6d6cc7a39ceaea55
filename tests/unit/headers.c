/*
 * The public headers against Zircon's ABI: struct layouts, default rights,
 * constants, and zx_status_get_string().
 *
 * Most checks are static, so a wrong value fails the build; the rest run
 * and print each failure, then one TAP result. Exit status 0 means every
 * check passed.
 *
 * Builds as C and as C++:
 *   gcc -std=gnu11 -Wall -Wextra -Werror -Iinclude \
 *       tests/unit/headers.c client/status.c
 *   g++ -x c++ -Wall -Wextra -Werror -Iinclude -c tests/unit/headers.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <zircon/status.h>
#include <zircon/syscalls.h>

#ifdef __cplusplus
#define STATIC_ASSERT(e)	static_assert(e, #e)
#else
#define STATIC_ASSERT(e)	_Static_assert(e, #e)
#endif

#define SIZE(t, n)		STATIC_ASSERT(sizeof(t) == (n))
#define OFF(t, f, n)		STATIC_ASSERT(offsetof(t, f) == (n))

/* Layouts (ZIRCON.md §1.4). These hold on LP64 targets. */

SIZE(zx_info_handle_basic_t, 32);
OFF(zx_info_handle_basic_t, koid, 0);
OFF(zx_info_handle_basic_t, rights, 8);
OFF(zx_info_handle_basic_t, type, 12);
OFF(zx_info_handle_basic_t, related_koid, 16);
OFF(zx_info_handle_basic_t, reserved, 24);
OFF(zx_info_handle_basic_t, padding1, 28);

SIZE(zx_info_handle_count_t, 4);
OFF(zx_info_handle_count_t, handle_count, 0);

SIZE(zx_info_vmar_t, 16);
OFF(zx_info_vmar_t, base, 0);
OFF(zx_info_vmar_t, len, 8);

SIZE(zx_info_vmo_t, 176);
OFF(zx_info_vmo_t, koid, 0);
OFF(zx_info_vmo_t, name, 8);
OFF(zx_info_vmo_t, size_bytes, 40);
OFF(zx_info_vmo_t, parent_koid, 48);
OFF(zx_info_vmo_t, num_children, 56);
OFF(zx_info_vmo_t, num_mappings, 64);
OFF(zx_info_vmo_t, share_count, 72);
OFF(zx_info_vmo_t, flags, 80);
OFF(zx_info_vmo_t, padding1, 84);
OFF(zx_info_vmo_t, committed_bytes, 88);
OFF(zx_info_vmo_t, handle_rights, 96);
OFF(zx_info_vmo_t, cache_policy, 100);
OFF(zx_info_vmo_t, metadata_bytes, 104);
OFF(zx_info_vmo_t, committed_change_events, 112);
OFF(zx_info_vmo_t, populated_bytes, 120);
OFF(zx_info_vmo_t, committed_private_bytes, 128);
OFF(zx_info_vmo_t, populated_private_bytes, 136);
OFF(zx_info_vmo_t, committed_scaled_bytes, 144);
OFF(zx_info_vmo_t, populated_scaled_bytes, 152);
OFF(zx_info_vmo_t, committed_fractional_scaled_bytes, 160);
OFF(zx_info_vmo_t, populated_fractional_scaled_bytes, 168);
/* Older versions are prefixes of the newest. */
SIZE(zx_info_vmo_v1_t, 104);
SIZE(zx_info_vmo_v2_t, 120);
SIZE(zx_info_vmo_v3_t, 128);
OFF(zx_info_vmo_v3_t, populated_bytes, 120);
OFF(zx_info_vmo_v1_t, cache_policy, 100);
OFF(zx_info_vmo_v2_t, committed_change_events, 112);

SIZE(zx_info_bti_t, 32);
OFF(zx_info_bti_t, minimum_contiguity, 0);
OFF(zx_info_bti_t, aspace_size, 8);
OFF(zx_info_bti_t, pmo_count, 16);
OFF(zx_info_bti_t, quarantine_count, 24);

SIZE(zx_info_iob_t, 16);
OFF(zx_info_iob_t, options, 0);
OFF(zx_info_iob_t, region_count, 8);
OFF(zx_info_iob_t, padding1, 12);

SIZE(zx_info_resource_t, 56);
OFF(zx_info_resource_t, kind, 0);
OFF(zx_info_resource_t, flags, 4);
OFF(zx_info_resource_t, base, 8);
OFF(zx_info_resource_t, size, 16);
OFF(zx_info_resource_t, name, 24);

SIZE(zx_iob_discipline_t, 72);
OFF(zx_iob_discipline_t, type, 0);
OFF(zx_iob_discipline_t, reserved, 8);

SIZE(zx_iob_region_private_t, 32);
OFF(zx_iob_region_private_t, options, 0);
OFF(zx_iob_region_private_t, padding1, 4);
OFF(zx_iob_region_private_t, padding2, 8);

SIZE(zx_iob_region_t, 120);
OFF(zx_iob_region_t, type, 0);
OFF(zx_iob_region_t, access, 4);
OFF(zx_iob_region_t, size, 8);
OFF(zx_iob_region_t, discipline, 16);
OFF(zx_iob_region_t, private_region, 88);
OFF(zx_iob_region_t, max_extension, 88);

SIZE(zx_iob_region_info_t, 128);
OFF(zx_iob_region_info_t, region, 0);
OFF(zx_iob_region_info_t, koid, 120);

SIZE(zx_iommu_desc_dummy_t, 1);

SIZE(zx_info_maps_mapping_t, 88);
SIZE(zx_info_maps_t, 152);
SIZE(zx_info_maps_mapping_v2_t, 40);
SIZE(zx_info_maps_v2_t, 104);
SIZE(zx_info_maps_mapping_v1_t, 32);
SIZE(zx_info_maps_v1_t, 96);
OFF(zx_info_maps_t, u, 64);

SIZE(zx_channel_call_args_t, 48);
OFF(zx_channel_call_args_t, wr_num_bytes, 32);
OFF(zx_channel_call_args_t, rd_num_handles, 44);

SIZE(zx_vmo_lock_state_t, 32);

/* Scalar types. */

SIZE(zx_status_t, 4);
SIZE(zx_handle_t, 4);
SIZE(zx_rights_t, 4);
SIZE(zx_signals_t, 4);
SIZE(zx_koid_t, 8);
SIZE(zx_time_t, 8);
SIZE(zx_duration_t, 8);
SIZE(zx_paddr_t, 8);
SIZE(zx_off_t, 8);
SIZE(zx_iob_discipline_type_t, 8);
SIZE(zx_iob_region_type_t, 4);
SIZE(zx_iob_access_t, 4);

/* Rights (ZIRCON.md §1.2). */

STATIC_ASSERT(ZX_RIGHTS_BASIC == 0xC003);
STATIC_ASSERT(ZX_RIGHTS_IO == 0xC);
STATIC_ASSERT(ZX_RIGHTS_PROPERTY == 0xC0);
STATIC_ASSERT(ZX_RIGHTS_POLICY == 0xC00);
STATIC_ASSERT(ZX_DEFAULT_VMO_RIGHTS == 0xD0EF);
STATIC_ASSERT((ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_RESIZE) == 0x40D0EF);
STATIC_ASSERT(ZX_DEFAULT_IOB_RIGHTS == 0xF0EF);
STATIC_ASSERT(ZX_DEFAULT_IOB_SHARED_REGION_RIGHTS == 0xD0C3);
STATIC_ASSERT(ZX_DEFAULT_IOMMU_RIGHTS == 0x8003);
STATIC_ASSERT(ZX_DEFAULT_BTI_RIGHTS == 0x80EF);
STATIC_ASSERT(ZX_DEFAULT_PMT_RIGHTS == 0x8000);
STATIC_ASSERT(ZX_DEFAULT_RESOURCE_RIGHTS == 0x800B);
STATIC_ASSERT(ZX_DEFAULT_EVENT_RIGHTS == 0xD003);
STATIC_ASSERT(ZX_DEFAULT_EVENTPAIR_RIGHTS == 0xF003);
STATIC_ASSERT(ZX_DEFAULT_CHANNEL_RIGHTS == 0xF00E);
STATIC_ASSERT(ZX_DEFAULT_VMAR_RIGHTS == 0x208003);

STATIC_ASSERT(ZX_RIGHT_DUPLICATE == 0x1);
STATIC_ASSERT(ZX_RIGHT_INSPECT == 0x8000);
STATIC_ASSERT(ZX_RIGHT_OP_CHILDREN == 0x200000);
STATIC_ASSERT(ZX_RIGHT_RESIZE == 0x400000);
STATIC_ASSERT(ZX_RIGHT_MANAGE_VMO == 0x1000000);
STATIC_ASSERT(ZX_RIGHT_SAME_RIGHTS == 0x80000000u);

/* Status codes (ZIRCON.md §1.1), spot checks; all are checked at run time. */

STATIC_ASSERT(ZX_OK == 0);
STATIC_ASSERT(ZX_ERR_INTERNAL_INTR_RETRY == -6);
STATIC_ASSERT(ZX_ERR_BUFFER_TOO_SMALL == -15);
STATIC_ASSERT(ZX_ERR_UNAVAILABLE == -28);
STATIC_ASSERT(ZX_ERR_IO_DATA_INTEGRITY == -42);
STATIC_ASSERT(ZX_ERR_CONNECTION_ABORTED == -76);
STATIC_ASSERT(ZX_ERR_INTERNAL_INTR_KILLED == -502);

/* Types, signals, limits (ZIRCON.md §1.3). */

STATIC_ASSERT(ZX_HANDLE_INVALID == 0);
STATIC_ASSERT(ZX_HANDLE_FIXED_BITS_MASK == 3);
STATIC_ASSERT(ZX_TIME_INFINITE == INT64_MAX);
STATIC_ASSERT(ZX_TIME_INFINITE_PAST == INT64_MIN);
STATIC_ASSERT(ZX_KOID_INVALID == 0 && ZX_KOID_KERNEL == 1);
STATIC_ASSERT(ZX_KOID_FIRST == 1024);
STATIC_ASSERT(ZX_MAX_NAME_LEN == 32);
STATIC_ASSERT(ZX_WAIT_MANY_MAX_ITEMS == 64);
STATIC_ASSERT(ZX_CLOCK_MONOTONIC == 0);
STATIC_ASSERT(ZX_SEC(2) == 2000000000);

STATIC_ASSERT(ZX_OBJ_TYPE_VMO == 3);
STATIC_ASSERT(ZX_OBJ_TYPE_EVENT == 5);
STATIC_ASSERT(ZX_OBJ_TYPE_RESOURCE == 15);
STATIC_ASSERT(ZX_OBJ_TYPE_EVENTPAIR == 16);
STATIC_ASSERT(ZX_OBJ_TYPE_VMAR == 18);
STATIC_ASSERT(ZX_OBJ_TYPE_IOMMU == 23);
STATIC_ASSERT(ZX_OBJ_TYPE_BTI == 24);
STATIC_ASSERT(ZX_OBJ_TYPE_PMT == 26);
STATIC_ASSERT(ZX_OBJ_TYPE_IOB == 33);
STATIC_ASSERT(ZX_OBJ_TYPE_IOB_SHARED_REGION == 35);
STATIC_ASSERT(ZX_OBJ_TYPE_UPPER_BOUND == 64);

STATIC_ASSERT(ZX_OBJECT_READABLE == 0x1 && ZX_OBJECT_WRITABLE == 0x2);
STATIC_ASSERT(ZX_OBJECT_PEER_CLOSED == 0x4 && ZX_OBJECT_SIGNALED == 0x8);
STATIC_ASSERT(ZX_SIGNAL_HANDLE_CLOSED == 0x800000);
STATIC_ASSERT(ZX_USER_SIGNAL_0 == 0x1000000);
STATIC_ASSERT(ZX_USER_SIGNAL_7 == 0x80000000u);
STATIC_ASSERT(ZX_USER_SIGNAL_ALL == 0xFF000000u);
STATIC_ASSERT(ZX_EVENT_SIGNALED == 0x8);
STATIC_ASSERT(ZX_EVENTPAIR_SIGNALED == 0x8);
STATIC_ASSERT(ZX_EVENTPAIR_PEER_CLOSED == 0x4);
STATIC_ASSERT(ZX_CHANNEL_PEER_CLOSED == 0x4);
STATIC_ASSERT(ZX_VMO_ZERO_CHILDREN == 0x8);
STATIC_ASSERT(ZX_IOB_PEER_CLOSED == 0x4);
STATIC_ASSERT(ZX_IOB_SHARED_REGION_UPDATED == 0x8);
STATIC_ASSERT(ZX_CHANNEL_MAX_MSG_BYTES == 65536);
STATIC_ASSERT(ZX_CHANNEL_MAX_MSG_HANDLES == 64);
STATIC_ASSERT(ZX_CHANNEL_READ_MAY_DISCARD == 1);

STATIC_ASSERT(ZX_VMO_RESIZABLE == 0x2 && ZX_VMO_DISCARDABLE == 0x4);
STATIC_ASSERT(ZX_VMO_TRAP_DIRTY == 0x8 && ZX_VMO_UNBOUNDED == 0x10);
STATIC_ASSERT(ZX_VMO_CHILD_SNAPSHOT == 0x1);
STATIC_ASSERT(ZX_VMO_CHILD_RESIZABLE == 0x4);
STATIC_ASSERT(ZX_VMO_CHILD_SLICE == 0x8);
STATIC_ASSERT(ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE == 0x10);
STATIC_ASSERT(ZX_VMO_CHILD_NO_WRITE == 0x20);
STATIC_ASSERT(ZX_VMO_CHILD_REFERENCE == 0x40);
STATIC_ASSERT(ZX_VMO_CHILD_SNAPSHOT_MODIFIED == 0x80);

STATIC_ASSERT(ZX_VMO_OP_COMMIT == 1 && ZX_VMO_OP_DECOMMIT == 2);
STATIC_ASSERT(ZX_VMO_OP_LOCK == 3 && ZX_VMO_OP_UNLOCK == 4);
STATIC_ASSERT(ZX_VMO_OP_CACHE_SYNC == 6);
STATIC_ASSERT(ZX_VMO_OP_CACHE_CLEAN_INVALIDATE == 9);
STATIC_ASSERT(ZX_VMO_OP_ZERO == 10 && ZX_VMO_OP_TRY_LOCK == 11);
STATIC_ASSERT(ZX_VMO_OP_PREFETCH == 14);
STATIC_ASSERT(ZX_VMAR_OP_MAP_RANGE == 3 && ZX_VMAR_OP_PREFETCH == 14);

STATIC_ASSERT(ZX_VM_PERM_READ == 0x1 && ZX_VM_PERM_EXECUTE == 0x4);
STATIC_ASSERT(ZX_VM_SPECIFIC == 0x10 && ZX_VM_SPECIFIC_OVERWRITE == 0x20);
STATIC_ASSERT(ZX_VM_CAN_MAP_READ == 0x80);
STATIC_ASSERT(ZX_VM_CAN_MAP_EXECUTE == 0x200);
STATIC_ASSERT(ZX_VM_MAP_RANGE == 0x400);
STATIC_ASSERT(ZX_VM_REQUIRE_NON_RESIZABLE == 0x800);
STATIC_ASSERT(ZX_VM_ALLOW_FAULTS == 0x1000);
STATIC_ASSERT(ZX_VM_OFFSET_IS_UPPER_LIMIT == 0x2000);
STATIC_ASSERT(ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED == 0x4000);
STATIC_ASSERT(ZX_VM_FAULT_BEYOND_STREAM_SIZE == 0x8000);
STATIC_ASSERT(ZX_VM_ALIGN_BASE == 24);
STATIC_ASSERT(ZX_VM_ALIGN_1KB == 10u << 24);
STATIC_ASSERT(ZX_VM_ALIGN_4KB == 12u << 24);
STATIC_ASSERT(ZX_VM_ALIGN_2MB == 21u << 24);
STATIC_ASSERT(ZX_VM_ALIGN_4GB == 32u << 24);

STATIC_ASSERT(ZX_CACHE_POLICY_CACHED == 0);
STATIC_ASSERT(ZX_CACHE_POLICY_UNCACHED == 1);
STATIC_ASSERT(ZX_CACHE_POLICY_UNCACHED_DEVICE == 2);
STATIC_ASSERT(ZX_CACHE_POLICY_WRITE_COMBINING == 3);
STATIC_ASSERT(ZX_CACHE_POLICY_MASK == 3);

STATIC_ASSERT(ZX_BTI_PERM_READ == 1 && ZX_BTI_PERM_WRITE == 2);
STATIC_ASSERT(ZX_BTI_PERM_EXECUTE == 4 && ZX_BTI_COMPRESS == 8);
STATIC_ASSERT(ZX_BTI_CONTIGUOUS == 0x10);

/* Topics, properties, VMO info flags (ZIRCON.md §1.4). */

STATIC_ASSERT(ZX_INFO_NONE == 0);
STATIC_ASSERT(ZX_INFO_HANDLE_VALID == 1 && ZX_INFO_HANDLE_BASIC == 2);
STATIC_ASSERT(ZX_INFO_VMAR == 7);
STATIC_ASSERT(ZX_INFO_PROCESS_MAPS == 0x2000000D);
STATIC_ASSERT(ZX_INFO_PROCESS_MAPS_V2 == 0x1000000D);
STATIC_ASSERT(ZX_INFO_PROCESS_MAPS_V1 == 13);
STATIC_ASSERT(ZX_INFO_PROCESS_VMOS == 0x3000000E);
STATIC_ASSERT(ZX_INFO_PROCESS_VMOS_V3 == 0x2000000E);
STATIC_ASSERT(ZX_INFO_PROCESS_VMOS_V1 == 14);
STATIC_ASSERT(ZX_INFO_PROCESS_VMOS_V2 == 0x1000000E);
STATIC_ASSERT(ZX_INFO_RESOURCE == 18 && ZX_INFO_HANDLE_COUNT == 19);
STATIC_ASSERT(ZX_INFO_BTI == 20);
STATIC_ASSERT(ZX_INFO_VMO == 0x30000017);
STATIC_ASSERT(ZX_INFO_VMO_V3 == 0x20000017);
STATIC_ASSERT(ZX_INFO_VMO_V1 == 0x17 && ZX_INFO_VMO_V2 == 0x10000017);
STATIC_ASSERT(ZX_INFO_IOB == 34 && ZX_INFO_IOB_REGIONS == 35);
STATIC_ASSERT(ZX_INFO_VMAR_MAPS == 36);
STATIC_ASSERT(ZX_INFO_TOPIC(23u, 3u) == ZX_INFO_VMO);

STATIC_ASSERT(ZX_PROP_NAME == 3 && ZX_PROP_VMO_CONTENT_SIZE == 17);

STATIC_ASSERT(ZX_INFO_VMO_TYPE_PAGED == 1 && ZX_INFO_VMO_TYPE_PHYSICAL == 0);
STATIC_ASSERT(ZX_INFO_VMO_TYPE(0x49u) == ZX_INFO_VMO_TYPE_PAGED);
STATIC_ASSERT(ZX_INFO_VMO_TYPE(0x48u) == ZX_INFO_VMO_TYPE_PHYSICAL);
STATIC_ASSERT(ZX_INFO_VMO_RESIZABLE == 0x2);
STATIC_ASSERT(ZX_INFO_VMO_IS_COW_CLONE == 0x4);
STATIC_ASSERT(ZX_INFO_VMO_VIA_HANDLE == 0x8);
STATIC_ASSERT(ZX_INFO_VMO_VIA_MAPPING == 0x10);
STATIC_ASSERT(ZX_INFO_VMO_PAGER_BACKED == 0x20);
STATIC_ASSERT(ZX_INFO_VMO_CONTIGUOUS == 0x40);
STATIC_ASSERT(ZX_INFO_VMO_DISCARDABLE == 0x80);
STATIC_ASSERT(ZX_INFO_VMO_IMMUTABLE == 0x100);
STATIC_ASSERT(ZX_INFO_VMO_VIA_IOB_HANDLE == 0x200);
/* A new paged VMO reports PAGED | VIA_HANDLE; a physical one 0x48. */
STATIC_ASSERT((ZX_INFO_VMO_TYPE_PAGED | ZX_INFO_VMO_VIA_HANDLE) == 9);
STATIC_ASSERT((ZX_INFO_VMO_TYPE_PHYSICAL | ZX_INFO_VMO_VIA_HANDLE |
    ZX_INFO_VMO_CONTIGUOUS) == 0x48);

/* IOB (ZIRCON.md §1.8, §1.10). */

STATIC_ASSERT(ZX_IOB_MAX_REGIONS == 64);
STATIC_ASSERT(ZX_IOB_REGION_TYPE_PRIVATE == 0);
STATIC_ASSERT(ZX_IOB_DISCIPLINE_TYPE_NONE == 0);
STATIC_ASSERT(ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR == 1);
STATIC_ASSERT(ZX_IOB_ACCESS_EP0_CAN_MAP_READ == 0x1);
STATIC_ASSERT(ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE == 0x2);
STATIC_ASSERT(ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ == 0x4);
STATIC_ASSERT(ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE == 0x8);
STATIC_ASSERT(ZX_IOB_ACCESS_EP1_CAN_MAP_READ == 0x10);
STATIC_ASSERT(ZX_IOB_ACCESS_EP1_CAN_MAP_WRITE == 0x20);
STATIC_ASSERT(ZX_IOB_ACCESS_EP1_CAN_MEDIATED_READ == 0x40);
STATIC_ASSERT(ZX_IOB_ACCESS_EP1_CAN_MEDIATED_WRITE == 0x80);
STATIC_ASSERT(ZX_IOB_EP0_CAN_MAP_READ == ZX_IOB_ACCESS_EP0_CAN_MAP_READ);
STATIC_ASSERT(ZX_IOB_EP0_CAN_MAP_WRITE == ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE);
STATIC_ASSERT(ZX_IOB_EP0_CAN_MEDIATED_READ ==
    ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ);
STATIC_ASSERT(ZX_IOB_EP0_CAN_MEDIATED_WRITE ==
    ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE);
STATIC_ASSERT(ZX_IOB_EP1_CAN_MAP_READ == ZX_IOB_ACCESS_EP1_CAN_MAP_READ);
STATIC_ASSERT(ZX_IOB_EP1_CAN_MAP_WRITE == ZX_IOB_ACCESS_EP1_CAN_MAP_WRITE);
STATIC_ASSERT(ZX_IOB_EP1_CAN_MEDIATED_READ ==
    ZX_IOB_ACCESS_EP1_CAN_MEDIATED_READ);
STATIC_ASSERT(ZX_IOB_EP1_CAN_MEDIATED_WRITE ==
    ZX_IOB_ACCESS_EP1_CAN_MEDIATED_WRITE);

/* IOMMU and resources (ZIRCON.md §1.13, §1.15). */

STATIC_ASSERT(ZX_IOMMU_TYPE_DUMMY == 0 && ZX_IOMMU_TYPE_STUB == 0);
STATIC_ASSERT(ZX_IOMMU_TYPE_INTEL == 1);
STATIC_ASSERT(ZX_IOMMU_MAX_DESC_LEN == 4096);

STATIC_ASSERT(ZX_RSRC_KIND_MMIO == 0 && ZX_RSRC_KIND_IRQ == 1);
STATIC_ASSERT(ZX_RSRC_KIND_IOPORT == 2 && ZX_RSRC_KIND_ROOT == 3);
STATIC_ASSERT(ZX_RSRC_KIND_SMC == 4 && ZX_RSRC_KIND_SYSTEM == 5);
STATIC_ASSERT(ZX_RSRC_KIND_COUNT == 6);
STATIC_ASSERT(ZX_RSRC_FLAG_EXCLUSIVE == 0x10000);
STATIC_ASSERT(ZX_RSRC_KIND_MASK == 0xFFFF);
STATIC_ASSERT(ZX_RSRC_EXTRACT_KIND(0x10005u) == ZX_RSRC_KIND_SYSTEM);
STATIC_ASSERT(ZX_RSRC_EXTRACT_FLAGS(0x10005u) == ZX_RSRC_FLAG_EXCLUSIVE);
STATIC_ASSERT((ZX_RSRC_EXTRACT_FLAGS(0x30000u) & ~ZX_RSRC_FLAGS_MASK) != 0);
STATIC_ASSERT(ZX_RSRC_SYSTEM_HYPERVISOR_BASE == 0);
STATIC_ASSERT(ZX_RSRC_SYSTEM_IOMMU_BASE == 8);
STATIC_ASSERT(ZX_RSRC_SYSTEM_STALL_BASE == 13);
STATIC_ASSERT(ZX_RSRC_SYSTEM_COUNT == 14);

/* Run-time checks. */

static const struct {
	zx_status_t status;
	const char *name;
} statuses[] = {
	{ 0, "ZX_OK" },
	{ -1, "ZX_ERR_INTERNAL" },
	{ -2, "ZX_ERR_NOT_SUPPORTED" },
	{ -3, "ZX_ERR_NO_RESOURCES" },
	{ -4, "ZX_ERR_NO_MEMORY" },
	{ -6, "ZX_ERR_INTERNAL_INTR_RETRY" },
	{ -10, "ZX_ERR_INVALID_ARGS" },
	{ -11, "ZX_ERR_BAD_HANDLE" },
	{ -12, "ZX_ERR_WRONG_TYPE" },
	{ -13, "ZX_ERR_BAD_SYSCALL" },
	{ -14, "ZX_ERR_OUT_OF_RANGE" },
	{ -15, "ZX_ERR_BUFFER_TOO_SMALL" },
	{ -20, "ZX_ERR_BAD_STATE" },
	{ -21, "ZX_ERR_TIMED_OUT" },
	{ -22, "ZX_ERR_SHOULD_WAIT" },
	{ -23, "ZX_ERR_CANCELED" },
	{ -24, "ZX_ERR_PEER_CLOSED" },
	{ -25, "ZX_ERR_NOT_FOUND" },
	{ -26, "ZX_ERR_ALREADY_EXISTS" },
	{ -27, "ZX_ERR_ALREADY_BOUND" },
	{ -28, "ZX_ERR_UNAVAILABLE" },
	{ -30, "ZX_ERR_ACCESS_DENIED" },
	{ -40, "ZX_ERR_IO" },
	{ -41, "ZX_ERR_IO_REFUSED" },
	{ -42, "ZX_ERR_IO_DATA_INTEGRITY" },
	{ -43, "ZX_ERR_IO_DATA_LOSS" },
	{ -44, "ZX_ERR_IO_NOT_PRESENT" },
	{ -45, "ZX_ERR_IO_OVERRUN" },
	{ -46, "ZX_ERR_IO_MISSED_DEADLINE" },
	{ -47, "ZX_ERR_IO_INVALID" },
	{ -50, "ZX_ERR_BAD_PATH" },
	{ -51, "ZX_ERR_NOT_DIR" },
	{ -52, "ZX_ERR_NOT_FILE" },
	{ -53, "ZX_ERR_FILE_BIG" },
	{ -54, "ZX_ERR_NO_SPACE" },
	{ -55, "ZX_ERR_NOT_EMPTY" },
	{ -60, "ZX_ERR_STOP" },
	{ -61, "ZX_ERR_NEXT" },
	{ -62, "ZX_ERR_ASYNC" },
	{ -70, "ZX_ERR_PROTOCOL_NOT_SUPPORTED" },
	{ -71, "ZX_ERR_ADDRESS_UNREACHABLE" },
	{ -72, "ZX_ERR_ADDRESS_IN_USE" },
	{ -73, "ZX_ERR_NOT_CONNECTED" },
	{ -74, "ZX_ERR_CONNECTION_REFUSED" },
	{ -75, "ZX_ERR_CONNECTION_RESET" },
	{ -76, "ZX_ERR_CONNECTION_ABORTED" },
	{ -502, "ZX_ERR_INTERNAL_INTR_KILLED" },
};

/* Values that name no status. */
static const zx_status_t unknown[] = {
	1, -5, -7, -16, -29, -31, -48, -56, -63, -77, -501, -503,
	INT32_MIN, INT32_MAX,
};

static int failures;

static void
check_name(zx_status_t status, const char *want)
{
	const char *got = zx_status_get_string(status);

	if (got == NULL || strcmp(got, want) != 0) {
		printf("FAIL: zx_status_get_string(%d) = \"%s\", want \"%s\"\n",
		    (int)status, got != NULL ? got : "(null)", want);
		failures++;
	}
}

/*
 * The names above are those of <zircon/errors.h>: the macros must have
 * the values the table pairs them with.
 */
static void
check_macros(void)
{
#define MACRO(m)	{ m, #m }
	static const struct {
		zx_status_t status;
		const char *name;
	} macros[] = {
		MACRO(ZX_OK),
		MACRO(ZX_ERR_INTERNAL),
		MACRO(ZX_ERR_NOT_SUPPORTED),
		MACRO(ZX_ERR_NO_RESOURCES),
		MACRO(ZX_ERR_NO_MEMORY),
		MACRO(ZX_ERR_INTERNAL_INTR_RETRY),
		MACRO(ZX_ERR_INVALID_ARGS),
		MACRO(ZX_ERR_BAD_HANDLE),
		MACRO(ZX_ERR_WRONG_TYPE),
		MACRO(ZX_ERR_BAD_SYSCALL),
		MACRO(ZX_ERR_OUT_OF_RANGE),
		MACRO(ZX_ERR_BUFFER_TOO_SMALL),
		MACRO(ZX_ERR_BAD_STATE),
		MACRO(ZX_ERR_TIMED_OUT),
		MACRO(ZX_ERR_SHOULD_WAIT),
		MACRO(ZX_ERR_CANCELED),
		MACRO(ZX_ERR_PEER_CLOSED),
		MACRO(ZX_ERR_NOT_FOUND),
		MACRO(ZX_ERR_ALREADY_EXISTS),
		MACRO(ZX_ERR_ALREADY_BOUND),
		MACRO(ZX_ERR_UNAVAILABLE),
		MACRO(ZX_ERR_ACCESS_DENIED),
		MACRO(ZX_ERR_IO),
		MACRO(ZX_ERR_IO_REFUSED),
		MACRO(ZX_ERR_IO_DATA_INTEGRITY),
		MACRO(ZX_ERR_IO_DATA_LOSS),
		MACRO(ZX_ERR_IO_NOT_PRESENT),
		MACRO(ZX_ERR_IO_OVERRUN),
		MACRO(ZX_ERR_IO_MISSED_DEADLINE),
		MACRO(ZX_ERR_IO_INVALID),
		MACRO(ZX_ERR_BAD_PATH),
		MACRO(ZX_ERR_NOT_DIR),
		MACRO(ZX_ERR_NOT_FILE),
		MACRO(ZX_ERR_FILE_BIG),
		MACRO(ZX_ERR_NO_SPACE),
		MACRO(ZX_ERR_NOT_EMPTY),
		MACRO(ZX_ERR_STOP),
		MACRO(ZX_ERR_NEXT),
		MACRO(ZX_ERR_ASYNC),
		MACRO(ZX_ERR_PROTOCOL_NOT_SUPPORTED),
		MACRO(ZX_ERR_ADDRESS_UNREACHABLE),
		MACRO(ZX_ERR_ADDRESS_IN_USE),
		MACRO(ZX_ERR_NOT_CONNECTED),
		MACRO(ZX_ERR_CONNECTION_REFUSED),
		MACRO(ZX_ERR_CONNECTION_RESET),
		MACRO(ZX_ERR_CONNECTION_ABORTED),
		MACRO(ZX_ERR_INTERNAL_INTR_KILLED),
	};
#undef MACRO
	size_t i;

	STATIC_ASSERT(sizeof(macros) / sizeof(macros[0]) ==
	    sizeof(statuses) / sizeof(statuses[0]));
	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
		if (macros[i].status != statuses[i].status ||
		    strcmp(macros[i].name, statuses[i].name) != 0) {
			printf("FAIL: %s is %d, want %s = %d\n",
			    macros[i].name, (int)macros[i].status,
			    statuses[i].name, (int)statuses[i].status);
			failures++;
		}
	}
}

/* Fields must be reachable by their Zircon names, unions included. */
static void
check_fields(void)
{
	zx_iob_region_t region;
	zx_info_vmo_t vmo;

	memset(&region, 0, sizeof(region));
	region.type = ZX_IOB_REGION_TYPE_PRIVATE;
	region.access = ZX_IOB_ACCESS_EP0_CAN_MAP_READ |
	    ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE;
	region.size = 4096;
	region.discipline.type = ZX_IOB_DISCIPLINE_TYPE_NONE;
	region.discipline.reserved[7] = 1;
	region.private_region.options = ZX_VMO_RESIZABLE;
	if (region.max_extension[0] != ZX_VMO_RESIZABLE) {
		printf("FAIL: private_region and max_extension do not alias\n");
		failures++;
	}

	memset(&vmo, 0, sizeof(vmo));
	vmo.flags = ZX_INFO_VMO_TYPE_PAGED | ZX_INFO_VMO_VIA_HANDLE;
	if (ZX_INFO_VMO_TYPE(vmo.flags) != ZX_INFO_VMO_TYPE_PAGED) {
		printf("FAIL: ZX_INFO_VMO_TYPE(0x%x)\n", (unsigned)vmo.flags);
		failures++;
	}
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		check_name(statuses[i].status, statuses[i].name);
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		check_name(unknown[i], "(UNKNOWN)");
	check_macros();
	check_fields();

	/* make check reads TAP. */
	printf("1..1\n");
	if (failures != 0) {
		printf("not ok 1 - headers: %d check(s) failed\n", failures);
		return 1;
	}
	printf("ok 1 - headers\n");
	return 0;
}
