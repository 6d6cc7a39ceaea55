/*
 * Scheduler profiles, for zx_profile_create() (not supported by zxd;
 * the types are here so Fuchsia code compiles).
 */
#ifndef ZIRCON_SYSCALLS_PROFILE_H
#define ZIRCON_SYSCALLS_PROFILE_H

#include <zircon/syscalls/scheduler.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZX_PRIORITY_LOWEST		0
#define ZX_PRIORITY_LOW			8
#define ZX_PRIORITY_DEFAULT		16
#define ZX_PRIORITY_HIGH		24
#define ZX_PRIORITY_HIGHEST		31

#define ZX_PROFILE_INFO_FLAG_PRIORITY	(1 << 0)
#define ZX_PROFILE_INFO_FLAG_CPU_MASK	(1 << 1)
#define ZX_PROFILE_INFO_FLAG_DEADLINE	(1 << 2)
#define ZX_PROFILE_INFO_FLAG_NO_INHERIT	(1 << 3)
#define ZX_PROFILE_INFO_FLAG_MEMORY_PRIORITY (1 << 4)

__ZX_EXTENSIONS_BEGIN
typedef struct zx_profile_info {
	/* Which of the fields below are set. */
	uint32_t flags;
	uint8_t padding1[4];
	union {
		__extension__ struct {
			int32_t priority;
			uint8_t padding2[20];
		};
		zx_sched_deadline_params_t deadline_params;
	};
	zx_cpu_set_t cpu_affinity_mask;
} zx_profile_info_t;
__ZX_EXTENSIONS_END

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_PROFILE_H */
