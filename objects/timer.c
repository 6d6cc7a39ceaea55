/* Timers, Zircon's TimerDispatcher in miniature. The deadline is kept
 * as given; the alarm fires at it (a time inside every slack window:
 * CENTER, EARLY and LATE all contain the deadline itself). */
#include "config-build.h"

#include <stdlib.h>
#include <time.h>

#include "objects/timer.h"

static const struct timer_alarm_ops *alarm_ops;
static size_t n_armed;

void
timer_set_alarm(const struct timer_alarm_ops *ops)
{
	alarm_ops = ops;
}

zx_time_t
timer_now(zx_clock_t clock_id)
{
	struct timespec ts;

	clock_gettime(clock_id == ZX_CLOCK_BOOT ? CLOCK_BOOTTIME :
	    CLOCK_MONOTONIC, &ts);
	return (zx_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
disarm(struct timer *t)
{
	if (t->deadline != 0) {
		n_armed--;
		if (alarm_ops != NULL)
			alarm_ops->disarm(t);
	}
	t->deadline = 0;
	t->slack = 0;
}

void
timer_cancel(struct timer *t)
{
	disarm(t);
	object_signal(&t->obj, ZX_TIMER_SIGNALED, 0);
}

void
timer_set(struct timer *t, zx_time_t deadline, zx_duration_t slack)
{
	timer_cancel(t);
	if (deadline <= 0 || deadline <= timer_now(t->clock_id) ||
	    alarm_ops == NULL) {
		object_signal(&t->obj, 0, ZX_TIMER_SIGNALED);
		return;
	}
	t->deadline = deadline;
	t->slack = slack;
	n_armed++;
	alarm_ops->arm(t, deadline);
}

void
timer_fire(struct timer *t)
{
	if (t->deadline == 0)
		return;
	if (timer_now(t->clock_id) < t->deadline) {
		/* Early by the alarm's rounding: once more. */
		alarm_ops->arm(t, t->deadline);
		return;
	}
	disarm(t);
	object_signal(&t->obj, 0, ZX_TIMER_SIGNALED);
}

size_t
timer_armed_count(void)
{
	return n_armed;
}

static void
timer_zero_handles(struct object *o)
{
	disarm((struct timer *)o);
}

static void
timer_destroy(struct object *o)
{
	struct timer *t = (struct timer *)o;

	disarm(t);
	if (alarm_ops != NULL && t->alarm != NULL)
		alarm_ops->release(t);
	free(t);
}

static zx_status_t
timer_get_info(struct object *o, uint32_t topic, zx_rights_t rights,
    void *buf, size_t buf_size, size_t *actual, size_t *avail,
    size_t *record_size)
{
	struct timer *t = (struct timer *)o;
	zx_info_timer_t *rec = buf;

	if (topic != ZX_INFO_TIMER)
		return ZX_ERR_NOT_SUPPORTED;
	if (!(rights & ZX_RIGHT_INSPECT))
		return ZX_ERR_ACCESS_DENIED;
	*record_size = sizeof(*rec);
	*avail = 1;
	if (buf_size < sizeof(*rec)) {
		*actual = 0;
		return ZX_ERR_BUFFER_TOO_SMALL;
	}
	rec->options = t->options;
	rec->clock_id = t->clock_id;
	rec->deadline = t->deadline;
	rec->slack = t->slack;
	*actual = 1;
	return ZX_OK;
}

static bool
timer_close_observable(const struct object *o)
{
	(void)o;
	return false;
}

static const struct object_ops timer_ops = {
	.type = ZX_OBJ_TYPE_TIMER,
	.name = "timer",
	.default_rights = ZX_DEFAULT_TIMER_RIGHTS,
	.waitable = true,
	.has_name = true,
	.on_zero_handles = timer_zero_handles,
	.destroy = timer_destroy,
	.get_info = timer_get_info,
	.close_observable = timer_close_observable,
};

struct timer *
timer_of(struct object *o)
{
	return o != NULL && o->ops == &timer_ops ? (struct timer *)o : NULL;
}

zx_status_t
timer_new(uint32_t options, zx_clock_t clock_id, struct object **ret)
{
	struct timer *t;

	if (clock_id != ZX_CLOCK_MONOTONIC && clock_id != ZX_CLOCK_BOOT)
		return ZX_ERR_INVALID_ARGS;
	if (options > ZX_TIMER_SLACK_LATE)
		return ZX_ERR_INVALID_ARGS;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return ZX_ERR_NO_MEMORY;
	t->options = options;
	t->clock_id = clock_id;
	object_init(&t->obj, &timer_ops);
	*ret = &t->obj;
	return ZX_OK;
}
