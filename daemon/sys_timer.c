/* zx_timer_create, zx_timer_set, zx_timer_cancel, and the alarms that
 * fire timers (one libevent timer each, made on first arming). */
#include "config-build.h"

#include <event2/event.h>

#include "daemon/dispatch.h"
#include "daemon/server.h"
#include "objects/timer.h"

static void
alarm_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	timer_fire(arg);
}

static void
alarm_arm(struct timer *t, zx_time_t deadline)
{
	zx_time_t left = deadline - timer_now(t->clock_id);
	struct timeval tv;

	if (t->alarm == NULL) {
		t->alarm = evtimer_new(server_base(), alarm_cb, t);
		if (t->alarm == NULL) {
			/* No memory for an alarm: fire now rather than
			 * never. */
			log_warn("timer %llu: no alarm, fired early",
			    (unsigned long long)t->obj.koid);
			left = 0;
		}
	}
	if (left < 0)
		left = 0;
	/* Round up: never early (timer_fire re-arms if it is). */
	left += 999;
	tv.tv_sec = (time_t)(left / 1000000000);
	tv.tv_usec = (suseconds_t)(left % 1000000000 / 1000);
	if (t->alarm != NULL)
		evtimer_add(t->alarm, &tv);
}

static void
alarm_disarm(struct timer *t)
{
	if (t->alarm != NULL)
		evtimer_del(t->alarm);
}

static void
alarm_release(struct timer *t)
{
	if (t->alarm != NULL)
		event_free(t->alarm);
	t->alarm = NULL;
}

static const struct timer_alarm_ops alarm_ops = {
	.arm = alarm_arm,
	.disarm = alarm_disarm,
	.release = alarm_release,
};

zx_status_t
call_timer_create(struct call *c)
{
	const Zxd__TimerCreate *r = c->req->timer_create;
	struct object *o;
	zx_status_t st;

	timer_set_alarm(&alarm_ops);
	st = timer_new(r->options, r->clock_id, &o);
	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, o, ZX_DEFAULT_TIMER_RIGHTS);
	object_unref(o);
	return st;
}

zx_status_t
call_timer_set(struct call *c)
{
	const Zxd__TimerSet *r = c->req->timer_set;
	zx_status_t st;

	if (r->slack < 0)
		return ZX_ERR_OUT_OF_RANGE;
	st = handle_check(c->self, ZX_OBJ_TYPE_TIMER, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	timer_set(timer_of(c->self->obj), r->deadline, r->slack);
	return ZX_OK;
}

zx_status_t
call_timer_cancel(struct call *c)
{
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_TIMER, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	timer_cancel(timer_of(c->self->obj));
	return ZX_OK;
}
