/*
 * zx_system_powerctl() commands and the performance-info topics (not
 * supported by zxd).
 */
#ifndef ZIRCON_SYSCALLS_SYSTEM_H
#define ZIRCON_SYSCALLS_SYSTEM_H

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZX_SYSTEM_POWERCTL_ENABLE_ALL_CPUS			1u
#define ZX_SYSTEM_POWERCTL_DISABLE_ALL_CPUS_BUT_PRIMARY		2u
#define ZX_SYSTEM_POWERCTL_ACPI_TRANSITION_S_STATE		3u
#define ZX_SYSTEM_POWERCTL_X86_SET_PKG_PL1			4u
#define ZX_SYSTEM_POWERCTL_REBOOT				5u
#define ZX_SYSTEM_POWERCTL_REBOOT_BOOTLOADER			6u
#define ZX_SYSTEM_POWERCTL_REBOOT_RECOVERY			7u
#define ZX_SYSTEM_POWERCTL_SHUTDOWN				8u
#define ZX_SYSTEM_POWERCTL_ACK_KERNEL_INITIATED_REBOOT		9u

__ZX_EXTENSIONS_BEGIN
typedef struct zx_system_powerctl_arg {
	union {
		__extension__ struct {
			struct {
				uint8_t target_s_state;
				uint8_t sleep_type_a;
				uint8_t sleep_type_b;
			} acpi_transition_s_state;
			uint8_t padding1[9];
		};
		struct {
			uint32_t power_limit;
			uint32_t time_window;
			uint8_t clamp;
			uint8_t enable;
			uint8_t padding2[2];
		} x86_power_limit;
	};
} zx_system_powerctl_arg_t;
__ZX_EXTENSIONS_END

/* zx_system_{get,set}_performance_info() topics. */
#define ZX_CPU_PERF_SCALE		((uint32_t)1u)
#define ZX_CPU_DEFAULT_PERF_SCALE	((uint32_t)2u)
#define ZX_CPU_POWER_LIMIT		((uint32_t)3u)

typedef struct zx_cpu_performance_scale {
	uint32_t integral_part;
	uint32_t fractional_part;
} zx_cpu_performance_scale_t;

typedef struct zx_cpu_performance_info {
	uint32_t logical_cpu_number;
	zx_cpu_performance_scale_t performance_scale;
} zx_cpu_performance_info_t;

typedef struct zx_cpu_power_limit {
	uint32_t logical_cpu_number;
	uint8_t padding1[4];
	uint64_t max_power_nw;
} zx_cpu_power_limit_t;

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_SYSTEM_H */
