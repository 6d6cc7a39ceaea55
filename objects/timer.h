/* Timers: an object whose ZX_TIMER_SIGNALED rises at a deadline on the
 * monotonic or the boot clock. objects/ has no event loop: the daemon
 * supplies the alarm (timer_set_alarm) and calls timer_fire. */
#ifndef ZXD_OBJECTS_TIMER_H
#define ZXD_OBJECTS_TIMER_H

#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/types.h>
#include "objects/object.h"

struct timer {
	struct object obj;		/* first */
	uint32_t options;		/* ZX_TIMER_SLACK_* */
	zx_clock_t clock_id;
	zx_time_t deadline;		/* 0 when not armed */
	zx_duration_t slack;		/* 0 when not armed */
	void *alarm;			/* the daemon's, for this timer */
};

/* The daemon's alarm: arm calls timer_fire(t) once, at or after
 * `deadline` on t's clock, replacing any earlier arming; disarm cancels
 * it; release frees t->alarm (the timer is going away). */
struct timer_alarm_ops {
	void (*arm)(struct timer *t, zx_time_t deadline);
	void (*disarm)(struct timer *t);
	void (*release)(struct timer *t);
};
void timer_set_alarm(const struct timer_alarm_ops *ops);

/* Now on clock `clock_id` (ZX_CLOCK_MONOTONIC or ZX_CLOCK_BOOT), ns. */
zx_time_t timer_now(zx_clock_t clock_id);

zx_status_t timer_new(uint32_t options, zx_clock_t clock_id,
    struct object **ret);
/* The timer `o` is, or NULL. */
struct timer *timer_of(struct object *o);
/* zx_timer_set after the checks of the syscall layer (slack >= 0). */
void timer_set(struct timer *t, zx_time_t deadline, zx_duration_t slack);
void timer_cancel(struct timer *t);
/* The alarm went off. */
void timer_fire(struct timer *t);
/* Armed timers, for zxctl. */
size_t timer_armed_count(void);

#endif
