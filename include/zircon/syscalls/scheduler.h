/*
 * Deadline-scheduler parameters, for zx_profile_create().
 * 0 < capacity <= relative_deadline <= period must hold.
 */
#ifndef ZIRCON_SYSCALLS_SCHEDULER_H
#define ZIRCON_SYSCALLS_SCHEDULER_H

#include <zircon/compiler.h>
#include <zircon/time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zx_sched_deadline_params {
	zx_duration_mono_t capacity;
	zx_duration_mono_t relative_deadline;
	zx_duration_mono_t period;
} zx_sched_deadline_params_t;

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_SCHEDULER_H */
