/*
 * The types of Zircon's unstable ("next") calls. <zircon/syscalls-next.h>
 * is where Fuchsia code finds them; <zircon/syscalls.h> includes this too,
 * because zxd declares every call there.
 */
#ifndef ZIRCON_SYSCALLS_INTERNAL_NEXT_TYPES_H
#define ZIRCON_SYSCALLS_INTERNAL_NEXT_TYPES_H

#include <stdint.h>

#include <zircon/compiler.h>
#include <zircon/syscalls/debug.h>
#include <zircon/syscalls/exception.h>
#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Pager writeback: zx_pager_query_dirty_ranges() records. */
typedef struct zx_vmo_dirty_range {
	uint64_t offset;
	uint64_t length;
	uint64_t options;
} zx_vmo_dirty_range_t;

#define ZX_VMO_DIRTY_RANGE_IS_ZERO	((uint64_t)1u)

/* Restricted mode. */
typedef uint64_t zx_restricted_reason_t;

#define ZX_RESTRICTED_REASON_SYSCALL	((zx_restricted_reason_t)0)
#define ZX_RESTRICTED_REASON_EXCEPTION	((zx_restricted_reason_t)1)
#define ZX_RESTRICTED_REASON_KICK	((zx_restricted_reason_t)2)

#if defined(__aarch64__)
typedef struct zx_restricted_state {
	uint64_t x[31];
	uint64_t sp;
	uint64_t pc;
	uint64_t tpidr_el0;
	uint32_t cpsr;
	uint8_t padding1[4];
} zx_restricted_state_t;
#elif defined(__x86_64__)
typedef struct zx_restricted_state {
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t ip, flags;
	uint64_t fs_base, gs_base;
} zx_restricted_state_t;
#elif defined(__riscv)
typedef zx_riscv64_thread_state_general_regs_t zx_restricted_state_t;
#endif

typedef struct zx_restricted_syscall {
	zx_restricted_state_t state;
} zx_restricted_syscall_t;

typedef struct zx_restricted_exception {
	zx_restricted_state_t state;
	zx_exception_report_t exception;
} zx_restricted_exception_t;

/* Interrupts that may wake the system from suspend. */
#define ZX_INTERRUPT_WAKE_VECTOR	((uint32_t)0x20)

/* Software sampling. */
#define ZX_SAMPLER_MIN_PERIOD		ZX_USEC(10)
#define ZX_SAMPLER_MAX_BUFFER_SIZE	((size_t)1024 * 1024 * 1024)

typedef struct zx_sampler_config {
	zx_duration_mono_t period;
	size_t buffer_size;
	uint64_t iobuffer_discipline;
} zx_sampler_config_t;

/* Runtime processor power management. */
typedef uint64_t zx_processor_power_level_options_t;

#define ZX_MAX_POWER_LEVELS		((uint64_t)(256))
#define ZX_MAX_POWER_LEVEL_TRANSFORMATIONS \
	(ZX_MAX_POWER_LEVELS * ZX_MAX_POWER_LEVELS)

#define ZX_PROCESSOR_POWER_LEVEL_OPTIONS_DOMAIN_INDEPENDENT \
	((zx_processor_power_level_options_t)(1u << 0))

typedef uint64_t zx_processor_power_control_t;

#define ZX_PROCESSOR_POWER_CONTROL_CPU_DRIVER	((zx_processor_power_control_t)(0u))
#define ZX_PROCESSOR_POWER_CONTROL_ARM_PSCI	((zx_processor_power_control_t)(1u))
#define ZX_PROCESSOR_POWER_CONTROL_ARM_WFI	((zx_processor_power_control_t)(2u))
#define ZX_PROCESSOR_POWER_CONTROL_RISCV_SBI	((zx_processor_power_control_t)(3u))
#define ZX_PROCESSOR_POWER_CONTROL_RISCV_WFI	((zx_processor_power_control_t)(4u))

#define ZX_PKT_TYPE_PROCESSOR_POWER_LEVEL_TRANSITION_REQUEST \
	((zx_packet_type_t)0x0Au)
#define ZX_PKT_IS_PROCESSOR_POWER_LEVEL_TRANSITION_REQUEST(type) \
	((type) == ZX_PKT_TYPE_PROCESSOR_POWER_LEVEL_TRANSITION_REQUEST)

typedef struct zx_processor_power_level {
	zx_processor_power_level_options_t options;
	uint64_t processing_rate;
	uint64_t power_coefficient_nw;
	zx_processor_power_control_t control_interface;
	uint64_t control_argument;
	char diagnostic_name[ZX_MAX_NAME_LEN];
	uint8_t reserved[32];
} zx_processor_power_level_t;

typedef struct zx_processor_power_level_transition {
	zx_duration_mono_t latency;
	uint64_t energy_nj;
	/* Indexes into the zx_processor_power_level_t array. */
	uint8_t from;
	uint8_t to;
	uint8_t reserved[6];
} zx_processor_power_level_transition_t;

typedef struct zx_processor_power_state {
	uint32_t domain_id;
	uint32_t options;
	zx_processor_power_control_t control_interface;
	uint64_t control_argument;
} zx_processor_power_state_t;

typedef struct zx_processor_power_domain {
	zx_cpu_set_t cpus;
	uint32_t domain_id;
	uint8_t padding1[4];
} zx_processor_power_domain_t;

/* ZX_INFO_POWER_DOMAINS records. */
typedef struct zx_power_domain_info {
	zx_cpu_set_t cpus;
	uint32_t domain_id;
	uint8_t idle_power_levels;
	uint8_t active_power_levels;
	uint8_t padding1[2];
} zx_power_domain_info_t;

/* Memory-stall accounting. */
typedef struct zx_info_memory_stall {
	zx_duration_mono_t stall_time_some;
	zx_duration_mono_t stall_time_full;
} zx_info_memory_stall_t;

#define ZX_INFO_MEMORY_STALL		((zx_object_info_topic_t)38u)

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_INTERNAL_NEXT_TYPES_H */
