/*
 * zx_object_get_info() topics and records, and zx_object_get_property() /
 * zx_object_set_property() properties.
 *
 * The records are copied to the caller byte for byte, so every layout here
 * is Zircon's ABI (natural alignment, explicit padding). A topic's layout
 * version sits in its top four bits: the plain name is the newest layout,
 * the _Vn names are the older ones, and a caller built against an older
 * record asks for the older topic number and gets the shorter record.
 * tests/unit/headers.c checks the size and offsets of every record.
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

#define __ZX_INFO_TOPIC(t, v) \
	((zx_object_info_topic_t)((t) | ((v) << 28)))
/* zxd's older spelling. */
#define ZX_INFO_TOPIC(t, v)	__ZX_INFO_TOPIC(t, v)

/* Topics, with what each returns: [1] one record, [n] an array. */
#define ZX_INFO_NONE			((zx_object_info_topic_t)0u)
/* No record: the answer is the status alone. */
#define ZX_INFO_HANDLE_VALID		((zx_object_info_topic_t)1u)
#define ZX_INFO_HANDLE_BASIC		((zx_object_info_topic_t)2u)	/* [1] */
#define ZX_INFO_PROCESS			__ZX_INFO_TOPIC(3u, 1u)		/* [1] */
#define ZX_INFO_PROCESS_THREADS		((zx_object_info_topic_t)4u)	/* koid[n] */
#define ZX_INFO_VMAR			((zx_object_info_topic_t)7u)	/* [1] */
#define ZX_INFO_JOB_CHILDREN		((zx_object_info_topic_t)8u)	/* koid[n] */
#define ZX_INFO_JOB_PROCESSES		((zx_object_info_topic_t)9u)	/* koid[n] */
#define ZX_INFO_THREAD			((zx_object_info_topic_t)10u)	/* [1] */
#define ZX_INFO_THREAD_EXCEPTION_REPORT_V1 __ZX_INFO_TOPIC(11u, 0u)
#define ZX_INFO_THREAD_EXCEPTION_REPORT	__ZX_INFO_TOPIC(11u, 1u)	/* [1] */
#define ZX_INFO_TASK_STATS_V1		__ZX_INFO_TOPIC(12u, 0u)
#define ZX_INFO_TASK_STATS		__ZX_INFO_TOPIC(12u, 1u)	/* [1] */
#define ZX_INFO_PROCESS_MAPS_V1		__ZX_INFO_TOPIC(13u, 0u)	/* maps_v1[n] */
#define ZX_INFO_PROCESS_MAPS_V2		__ZX_INFO_TOPIC(13u, 1u)	/* maps_v2[n] */
#define ZX_INFO_PROCESS_MAPS		__ZX_INFO_TOPIC(13u, 2u)	/* maps[n] */
#define ZX_INFO_PROCESS_VMOS_V1		__ZX_INFO_TOPIC(14u, 0u)	/* vmo_v1[n] */
#define ZX_INFO_PROCESS_VMOS_V2		__ZX_INFO_TOPIC(14u, 1u)	/* vmo_v2[n] */
#define ZX_INFO_PROCESS_VMOS_V3		__ZX_INFO_TOPIC(14u, 2u)	/* vmo_v3[n] */
#define ZX_INFO_PROCESS_VMOS		__ZX_INFO_TOPIC(14u, 3u)	/* vmo[n] */
#define ZX_INFO_THREAD_STATS		((zx_object_info_topic_t)15u)	/* [1] */
#define ZX_INFO_CPU_STATS		((zx_object_info_topic_t)16u)	/* [n] */
#define ZX_INFO_KMEM_STATS_V1		__ZX_INFO_TOPIC(17u, 0u)
#define ZX_INFO_KMEM_STATS		__ZX_INFO_TOPIC(17u, 1u)	/* [1] */
#define ZX_INFO_RESOURCE		((zx_object_info_topic_t)18u)	/* [1] */
#define ZX_INFO_HANDLE_COUNT		((zx_object_info_topic_t)19u)	/* [1] */
#define ZX_INFO_BTI			((zx_object_info_topic_t)20u)	/* [1] */
#define ZX_INFO_PROCESS_HANDLE_STATS	((zx_object_info_topic_t)21u)	/* [1] */
#define ZX_INFO_SOCKET			((zx_object_info_topic_t)22u)	/* [1] */
#define ZX_INFO_VMO_V1			__ZX_INFO_TOPIC(23u, 0u)	/* vmo_v1[1] */
#define ZX_INFO_VMO_V2			__ZX_INFO_TOPIC(23u, 1u)	/* vmo_v2[1] */
#define ZX_INFO_VMO_V3			__ZX_INFO_TOPIC(23u, 2u)	/* vmo_v3[1] */
#define ZX_INFO_VMO			__ZX_INFO_TOPIC(23u, 3u)	/* vmo[1] */
#define ZX_INFO_JOB			((zx_object_info_topic_t)24u)	/* [1] */
#define ZX_INFO_TIMER			((zx_object_info_topic_t)25u)	/* [1] */
#define ZX_INFO_STREAM			((zx_object_info_topic_t)26u)	/* [1] */
#define ZX_INFO_HANDLE_TABLE		((zx_object_info_topic_t)27u)	/* extended[n] */
#define ZX_INFO_MSI			((zx_object_info_topic_t)28u)	/* [1] */
#define ZX_INFO_GUEST_STATS		((zx_object_info_topic_t)29u)	/* [1] */
#define ZX_INFO_TASK_RUNTIME_V1		__ZX_INFO_TOPIC(30u, 0u)
#define ZX_INFO_TASK_RUNTIME		__ZX_INFO_TOPIC(30u, 1u)	/* [1] */
#define ZX_INFO_KMEM_STATS_EXTENDED	((zx_object_info_topic_t)31u)	/* [1] */
#define ZX_INFO_VCPU			((zx_object_info_topic_t)32u)	/* [1] */
#define ZX_INFO_KMEM_STATS_COMPRESSION	((zx_object_info_topic_t)33u)	/* [1] */
#define ZX_INFO_IOB			((zx_object_info_topic_t)34u)	/* [1] */
#define ZX_INFO_IOB_REGIONS		((zx_object_info_topic_t)35u)	/* [n] */
#define ZX_INFO_VMAR_MAPS		((zx_object_info_topic_t)36u)	/* maps[n] */
/* zx_info_interrupt_t[1]. The number was not found in the Fuchsia
 * sources read (ZIRCON-2.md §2.9); zxd uses 41. */
#define ZX_INFO_INTERRUPT		((zx_object_info_topic_t)41u)
/* Unstable: power_domain_info[n] (<zircon/syscalls-next.h>). */
#define ZX_INFO_POWER_DOMAINS		((zx_object_info_topic_t)37u)

/* Return codes of a task that was killed. */
#define ZX_TASK_RETCODE_SYSCALL_KILL		((int64_t)-1024)
#define ZX_TASK_RETCODE_OOM_KILL		((int64_t)-1025)
#define ZX_TASK_RETCODE_POLICY_KILL		((int64_t)-1026)
#define ZX_TASK_RETCODE_VDSO_KILL		((int64_t)-1027)
#define ZX_TASK_RETCODE_EXCEPTION_KILL		((int64_t)-1028)
#define ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL	((int64_t)-1029)

/* No CPU, or an unknown one. */
#define ZX_INFO_INVALID_CPU		((uint32_t)0xFFFFFFFFu)

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

/* ZX_INFO_HANDLE_TABLE */
typedef struct zx_info_handle_extended {
	zx_obj_type_t type;
	/* Meaningful only in the process that was asked about. */
	zx_handle_t handle_value;
	zx_rights_t rights;
	uint32_t reserved;
	zx_koid_t koid;
	zx_koid_t related_koid;
	/* The process that holds the peer; Zircon reports 0. */
	zx_koid_t peer_owner_koid;
} zx_info_handle_extended_t;

/* ZX_INFO_HANDLE_COUNT */
typedef struct zx_info_handle_count {
	uint32_t handle_count;
} zx_info_handle_count_t;

/* ZX_INFO_PROCESS_HANDLE_STATS: handles held, by object type. */
typedef struct zx_info_process_handle_stats {
	uint32_t handle_count[ZX_OBJ_TYPE_UPPER_BOUND];
} zx_info_process_handle_stats_t;

/* ZX_INFO_PROCESS */
typedef uint32_t zx_info_process_flags_t;

#define ZX_INFO_PROCESS_FLAG_STARTED		((zx_info_process_flags_t)(1u << 0))
#define ZX_INFO_PROCESS_FLAG_EXITED		((zx_info_process_flags_t)(1u << 1))
#define ZX_INFO_PROCESS_FLAG_DEBUGGER_ATTACHED	((zx_info_process_flags_t)(1u << 2))

typedef struct zx_info_process {
	/* Valid with ZX_INFO_PROCESS_FLAG_EXITED. */
	int64_t return_code;
	/* Valid with ZX_INFO_PROCESS_FLAG_STARTED. */
	zx_time_t start_time;
	zx_info_process_flags_t flags;
	uint8_t padding1[4];
} zx_info_process_t;

/* ZX_INFO_JOB */
typedef struct zx_info_job {
	int64_t return_code;
	bool exited;
	bool kill_on_oom;
	bool debugger_attached;
	uint8_t padding1[5];
} zx_info_job_t;

/* ZX_INFO_TIMER */
typedef struct zx_info_timer {
	uint32_t options;
	/* Was padding before timers took a clock. */
	zx_clock_t clock_id;
	/* 0 when the timer is not armed. */
	zx_time_t deadline;
	zx_duration_t slack;
} zx_info_timer_t;

/* ZX_INFO_STREAM */
typedef struct zx_info_stream {
	uint32_t options;
	uint8_t padding1[4];
	zx_off_t seek;
	uint64_t content_size;
} zx_info_stream_t;

/* ZX_INFO_THREAD */
typedef uint32_t zx_thread_state_t;

typedef struct zx_info_thread {
	zx_thread_state_t state;
	/* A ZX_EXCEPTION_CHANNEL_TYPE_* value while blocked in an
	 * exception. */
	uint32_t wait_exception_channel_type;
	zx_cpu_set_t cpu_affinity_mask;
} zx_info_thread_t;

/* ZX_INFO_THREAD_STATS */
typedef struct zx_info_thread_stats {
	zx_duration_t total_runtime;
	uint32_t last_scheduled_cpu;
	uint8_t padding1[4];
} zx_info_thread_stats_t;

/* ZX_INFO_TASK_STATS */
typedef struct zx_info_task_stats {
	size_t mem_mapped_bytes;
	size_t mem_private_bytes;
	size_t mem_shared_bytes;
	size_t mem_scaled_shared_bytes;
	/* The part of a byte cut from mem_scaled_shared_bytes, in 1/2^63. */
	uint64_t mem_fractional_scaled_shared_bytes;
} zx_info_task_stats_t;

typedef struct zx_info_task_stats_v1 {
	size_t mem_mapped_bytes;
	size_t mem_private_bytes;
	size_t mem_shared_bytes;
	size_t mem_scaled_shared_bytes;
} zx_info_task_stats_v1_t;

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

/* ZX_INFO_SOCKET */
typedef struct zx_info_socket {
	uint32_t options;
	uint8_t padding1[4];
	size_t rx_buf_max;
	size_t rx_buf_size;
	/* Stream: rx_buf_size. Datagram: the size of the next datagram. */
	size_t rx_buf_available;
	/* 0 once the peer is closed. */
	size_t tx_buf_max;
	size_t tx_buf_size;
} zx_info_socket_t;

/* ZX_INFO_INTERRUPT */
typedef struct zx_info_interrupt {
	/* The options it was created with. */
	uint32_t options;
} zx_info_interrupt_t;

/* ZX_INFO_PROCESS_MAPS and ZX_INFO_VMAR_MAPS */

typedef struct zx_info_maps_mapping {
	/* ZX_VM_PERM_* bits. */
	zx_vm_option_t mmu_flags;
	uint8_t padding1[4];
	/* The VMO or IOB region mapped, and where in it. */
	zx_koid_t vmo_koid;
	uint64_t vmo_offset;
	size_t committed_bytes;
	size_t populated_bytes;
	size_t committed_private_bytes;
	size_t populated_private_bytes;
	size_t committed_scaled_bytes;
	size_t populated_scaled_bytes;
	uint64_t committed_fractional_scaled_bytes;
	uint64_t populated_fractional_scaled_bytes;
} zx_info_maps_mapping_t;

typedef struct zx_info_maps_mapping_v2 {
	zx_vm_option_t mmu_flags;
	uint8_t padding1[4];
	zx_koid_t vmo_koid;
	uint64_t vmo_offset;
	size_t committed_pages;
	size_t populated_pages;
} zx_info_maps_mapping_v2_t;

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

typedef struct zx_info_maps_v2 {
	char name[ZX_MAX_NAME_LEN];
	zx_vaddr_t base;
	size_t size;
	size_t depth;
	zx_info_maps_type_t type;
	uint8_t padding1[4];
	union {
		zx_info_maps_mapping_v2_t mapping;
	} u;
} zx_info_maps_v2_t;

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

/* ZX_INFO_VMO and ZX_INFO_PROCESS_VMOS: 176 bytes. */
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
	/* Meaningful for paged VMOs only; includes copy-on-write sharing. */
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
	/* The memory this VMO alone holds (freed if it were closed). */
	uint64_t committed_private_bytes;
	uint64_t populated_private_bytes;
	/* Each byte counted 1/n when n VMOs share it. */
	uint64_t committed_scaled_bytes;
	uint64_t populated_scaled_bytes;
	uint64_t committed_fractional_scaled_bytes;
	uint64_t populated_fractional_scaled_bytes;
} zx_info_vmo_t;

/* ZX_INFO_VMO_V3: the first 128 bytes. */
typedef struct zx_info_vmo_v3 {
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
	uint64_t populated_bytes;
} zx_info_vmo_v3_t;

/* ZX_INFO_VMO_V2: the first 120 bytes. */
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

/* ZX_INFO_VMO_V1: the first 104 bytes. */
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

/* ZX_INFO_GUEST_STATS: one layout per architecture. */
typedef struct zx_arm64_info_guest_stats {
	uint32_t cpu_number;
	uint32_t flags;
	uint64_t vm_entries;
	uint64_t vm_exits;
	uint64_t wfi_wfe_instructions;
	uint64_t instruction_aborts;
	uint64_t data_aborts;
	uint64_t system_instructions;
	uint64_t smc_instructions;
	uint64_t interrupts;
} zx_arm64_info_guest_stats_t;

typedef struct zx_x86_64_info_guest_stats {
	uint32_t cpu_number;
	uint32_t flags;
	uint64_t vm_entries;
	uint64_t vm_exits;
	uint64_t interrupts;
	uint64_t interrupt_windows;
	uint64_t cpuid_instructions;
	uint64_t hlt_instructions;
	uint64_t control_register_accesses;
	uint64_t io_instructions;
	uint64_t rdmsr_instructions;
	uint64_t wrmsr_instructions;
	uint64_t ept_violations;
	uint64_t xsetbv_instructions;
	uint64_t pause_instructions;
	uint64_t vmcall_instructions;
} zx_x86_64_info_guest_stats_t;

typedef struct zx_riscv64_info_guest_stats {
	uint32_t cpu_number;
	uint32_t flags;
	uint64_t vm_entries;
	uint64_t vm_exits;
	uint64_t interrupts;
} zx_riscv64_info_guest_stats_t;

#if defined(__aarch64__)
typedef zx_arm64_info_guest_stats_t zx_info_guest_stats_t;
#elif defined(__x86_64__)
typedef zx_x86_64_info_guest_stats_t zx_info_guest_stats_t;
#elif defined(__riscv)
typedef zx_riscv64_info_guest_stats_t zx_info_guest_stats_t;
#endif

/* ZX_INFO_TASK_RUNTIME */
typedef struct zx_info_task_runtime {
	zx_duration_t cpu_time;
	zx_duration_t queue_time;
	zx_duration_t page_fault_time;
	zx_duration_t lock_contention_time;
} zx_info_task_runtime_t;

typedef struct zx_info_task_runtime_v1 {
	zx_duration_t cpu_time;
	zx_duration_t queue_time;
} zx_info_task_runtime_v1_t;

/* ZX_INFO_CPU_STATS */
#define ZX_INFO_CPU_STATS_FLAG_ONLINE	(1u << 0)

typedef struct zx_info_cpu_stats {
	uint32_t cpu_number;
	uint32_t flags;
	zx_duration_t idle_time;
	uint64_t reschedules;
	uint64_t context_switches;
	uint64_t irq_preempts;
	uint64_t preempts;
	uint64_t yields;
	uint64_t ints;
	uint64_t timer_ints;
	uint64_t timers;
	uint64_t page_faults;
	uint64_t exceptions;
	uint64_t syscalls;
	uint64_t reschedule_ipis;
	uint64_t generic_ipis;
} zx_info_cpu_stats_t;

/* ZX_INFO_KMEM_STATS */
typedef struct zx_info_kmem_stats {
	uint64_t total_bytes;
	uint64_t free_bytes;
	uint64_t free_loaned_bytes;
	uint64_t wired_bytes;
	uint64_t total_heap_bytes;
	uint64_t free_heap_bytes;
	uint64_t vmo_bytes;
	uint64_t mmu_overhead_bytes;
	uint64_t ipc_bytes;
	uint64_t cache_bytes;
	uint64_t slab_bytes;
	uint64_t zram_bytes;
	uint64_t other_bytes;
	uint64_t vmo_reclaim_total_bytes;
	uint64_t vmo_reclaim_newest_bytes;
	uint64_t vmo_reclaim_oldest_bytes;
	uint64_t vmo_reclaim_disabled_bytes;
	uint64_t vmo_discardable_locked_bytes;
	uint64_t vmo_discardable_unlocked_bytes;
} zx_info_kmem_stats_t;

typedef struct zx_info_kmem_stats_v1 {
	uint64_t total_bytes;
	uint64_t free_bytes;
	uint64_t wired_bytes;
	uint64_t total_heap_bytes;
	uint64_t free_heap_bytes;
	uint64_t vmo_bytes;
	uint64_t mmu_overhead_bytes;
	uint64_t ipc_bytes;
	uint64_t other_bytes;
} zx_info_kmem_stats_v1_t;

/* ZX_INFO_KMEM_STATS_EXTENDED (deprecated). */
typedef struct zx_info_kmem_stats_extended {
	uint64_t total_bytes;
	uint64_t free_bytes;
	uint64_t wired_bytes;
	uint64_t total_heap_bytes;
	uint64_t free_heap_bytes;
	uint64_t vmo_bytes;
	uint64_t vmo_pager_total_bytes;
	uint64_t vmo_pager_newest_bytes;
	uint64_t vmo_pager_oldest_bytes;
	uint64_t vmo_discardable_locked_bytes;
	uint64_t vmo_discardable_unlocked_bytes;
	uint64_t mmu_overhead_bytes;
	uint64_t ipc_bytes;
	uint64_t other_bytes;
	uint64_t vmo_reclaim_disabled_bytes;
} zx_info_kmem_stats_extended_t;

/* ZX_INFO_KMEM_STATS_COMPRESSION */
typedef struct zx_info_kmem_stats_compression {
	uint64_t uncompressed_storage_bytes;
	uint64_t compressed_storage_bytes;
	uint64_t compressed_fragmentation_bytes;
	zx_duration_t compression_time;
	zx_duration_t decompression_time;
	uint64_t total_page_compression_attempts;
	uint64_t failed_page_compression_attempts;
	uint64_t total_page_decompressions;
	uint64_t compressed_page_evictions;
	uint64_t eager_page_compressions;
	uint64_t memory_pressure_page_compressions;
	uint64_t critical_memory_page_compressions;
	uint64_t pages_decompressed_unit_ns;
	uint64_t pages_decompressed_within_log_time[8];
} zx_info_kmem_stats_compression_t;

/* ZX_INFO_RESOURCE */
typedef struct zx_info_resource {
	uint32_t kind;
	uint32_t flags;
	uint64_t base;
	size_t size;
	char name[ZX_MAX_NAME_LEN];
} zx_info_resource_t;

/* ZX_INFO_MSI */
typedef struct zx_info_msi {
	uint64_t target_addr;
	uint32_t target_data;
	uint32_t base_irq_id;
	uint32_t num_irq;
	uint32_t interrupt_count;
} zx_info_msi_t;

/* ZX_INFO_VCPU */
typedef struct zx_info_vcpu {
	uint32_t flags;
} zx_info_vcpu_t;

#define ZX_INFO_VCPU_FLAG_KICKED	((uint32_t)(1u << 0))

/* ZX_INFO_IOB; the regions come from ZX_INFO_IOB_REGIONS. */
typedef struct zx_info_iob {
	uint64_t options;
	uint32_t region_count;
	uint8_t padding1[4];
} zx_info_iob_t;

/*
 * One record of ZX_INFO_IOB_REGIONS. Each endpoint sees itself as EP0:
 * on endpoint 1 the two access nibbles come back swapped.
 */
typedef struct zx_iob_region_info {
	zx_iob_region_t region;
	/* The koid of the memory object backing the region. */
	zx_koid_t koid;
} zx_iob_region_info_t;

/* Properties. */

/* char[ZX_MAX_NAME_LEN], NUL-padded; names longer than 31 are cut. */
#define ZX_PROP_NAME			((uint32_t)3u)
#if defined(__x86_64__)
/* uintptr_t. */
#define ZX_PROP_REGISTER_GS		((uint32_t)2u)
#define ZX_PROP_REGISTER_FS		((uint32_t)4u)
#endif
/* uintptr_t: the dynamic linker's debug address. */
#define ZX_PROP_PROCESS_DEBUG_ADDR	((uint32_t)5u)
/* uintptr_t: where the vDSO is mapped. */
#define ZX_PROP_PROCESS_VDSO_BASE_ADDRESS ((uint32_t)6u)
#define ZX_PROP_PROCESS_BREAK_ON_LOAD	((uint32_t)7u)
#define ZX_PROP_PROCESS_HW_TRACE_CONTEXT_ID ((uint32_t)8u)
/* size_t: the READ_THRESHOLD and WRITE_THRESHOLD signal levels. */
#define ZX_PROP_SOCKET_RX_THRESHOLD	12u
#define ZX_PROP_SOCKET_TX_THRESHOLD	13u
#define ZX_PROP_JOB_KILL_ON_OOM		15u
#define ZX_PROP_EXCEPTION_STATE		16u
/* uint64_t: a VMO's content (stream) size, independent of its size. */
#define ZX_PROP_VMO_CONTENT_SIZE	17u
#define ZX_PROP_EXCEPTION_STRATEGY	18u
/* uint8_t: whether a stream appends. */
#define ZX_PROP_STREAM_MODE_APPEND	19u

/* zx_info_thread_t.state. BLOCKED only appears refined by a reason. */
#define ZX_THREAD_STATE_NEW		((zx_thread_state_t)0x0000u)
#define ZX_THREAD_STATE_RUNNING		((zx_thread_state_t)0x0001u)
#define ZX_THREAD_STATE_SUSPENDED	((zx_thread_state_t)0x0002u)
#define ZX_THREAD_STATE_BLOCKED		((zx_thread_state_t)0x0003u)
#define ZX_THREAD_STATE_DYING		((zx_thread_state_t)0x0004u)
#define ZX_THREAD_STATE_DEAD		((zx_thread_state_t)0x0005u)
#define ZX_THREAD_STATE_BLOCKED_EXCEPTION ((zx_thread_state_t)0x0103u)
#define ZX_THREAD_STATE_BLOCKED_SLEEPING ((zx_thread_state_t)0x0203u)
#define ZX_THREAD_STATE_BLOCKED_FUTEX	((zx_thread_state_t)0x0303u)
#define ZX_THREAD_STATE_BLOCKED_PORT	((zx_thread_state_t)0x0403u)
#define ZX_THREAD_STATE_BLOCKED_CHANNEL	((zx_thread_state_t)0x0503u)
#define ZX_THREAD_STATE_BLOCKED_WAIT_ONE ((zx_thread_state_t)0x0603u)
#define ZX_THREAD_STATE_BLOCKED_WAIT_MANY ((zx_thread_state_t)0x0703u)
#define ZX_THREAD_STATE_BLOCKED_INTERRUPT ((zx_thread_state_t)0x0803u)
#define ZX_THREAD_STATE_BLOCKED_PAGER	((zx_thread_state_t)0x0903u)
#define ZX_THREAD_STATE_BASIC(n)	((n) & 0xff)

/* ZX_PROP_EXCEPTION_STATE values. */
#define ZX_EXCEPTION_STATE_TRY_NEXT	0u
#define ZX_EXCEPTION_STATE_HANDLED	1u
#define ZX_EXCEPTION_STATE_THREAD_EXIT	2u

/* ZX_PROP_EXCEPTION_STRATEGY values. */
#define ZX_EXCEPTION_STRATEGY_FIRST_CHANCE	0u
#define ZX_EXCEPTION_STRATEGY_SECOND_CHANCE	1u

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_OBJECT_H */
