/* Timers and time: zx_timer_create, zx_timer_set, zx_timer_cancel,
 * zx_clock_get_boot, zx_ticks_get, zx_ticks_get_boot,
 * zx_ticks_per_second. (zx_clock_get_monotonic, zx_deadline_after and
 * zx_nanosleep are in object.c.) Ticks are nanoseconds of the Linux
 * clocks, so zx_ticks_per_second is 10^9. */
#include "config-build.h"

#include <time.h>

#include "client/libzx.h"

static zx_time_t
clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (zx_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

EXPORT zx_time_t
zx_clock_get_boot(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

EXPORT zx_ticks_t
zx_ticks_get(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

EXPORT zx_ticks_t
zx_ticks_get_boot(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

EXPORT zx_ticks_t
zx_ticks_per_second(void)
{
	return 1000000000;
}

EXPORT zx_status_t
zx_timer_create(uint32_t options, zx_clock_t clock_id, zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__TimerCreate tc = ZXD__TIMER_CREATE__INIT;

	zx_handle_t h;
	zx_status_t st;

	tc.options = options;
	tc.clock_id = clock_id;
	req.body_case = ZXD__REQUEST__BODY_TIMER_CREATE;
	req.timer_create = &tc;
	st = rpc_new_handles(RPC_CONTROL, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}

EXPORT zx_status_t
zx_timer_set(zx_handle_t h, zx_time_t deadline, zx_duration_t slack)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__TimerSet ts = ZXD__TIMER_SET__INIT;

	ts.deadline = deadline;
	ts.slack = slack;
	req.body_case = ZXD__REQUEST__BODY_TIMER_SET;
	req.timer_set = &ts;
	return rpc_call(h, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_timer_cancel(zx_handle_t h)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__TimerCancel tc = ZXD__TIMER_CANCEL__INIT;

	req.body_case = ZXD__REQUEST__BODY_TIMER_CANCEL;
	req.timer_cancel = &tc;
	return rpc_call(h, &req, NULL, 0, NULL);
}
