/*
 * The C header set as a Fuchsia C program uses it, against a real zxd:
 * every public header included, the time helpers, the new topic versions,
 * the structs of this wave filled and passed, and calls that follow
 * client/syscalls.tab (implemented: they work; not yet: they return
 * ZX_ERR_NOT_SUPPORTED or an invalid handle, as libzx's stubs do).
 */
#include "config-build.h"

#include <string.h>

#include <criterion/criterion.h>
#include <zircon/assert.h>
#include <zircon/availability.h>
#include <zircon/compiler.h>
#include <zircon/errors.h>
#include <zircon/features.h>
#include <zircon/limits.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/rights.h>
#include <zircon/status.h>
#include <zircon/string_view.h>
#include <zircon/syscalls-next.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/clock.h>
#include <zircon/syscalls/debug.h>
#include <zircon/syscalls/exception.h>
#include <zircon/syscalls/hypervisor.h>
#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/log.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/pci.h>
#include <zircon/syscalls/policy.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/profile.h>
#include <zircon/syscalls/resource.h>
#include <zircon/syscalls/scheduler.h>
#include <zircon/syscalls/smc.h>
#include <zircon/syscalls/system.h>
#include <zircon/syscalls/types.h>
#include <zircon/threads.h>
#include <zircon/time.h>
#include <zircon/tls.h>
#include <zircon/types.h>
#include <zxd/zxd.h>

#include "client/syscalls-tab.h"

#define PER_TABLE(name, expr) \
	cr_assert_eq((expr), ZXD_IMPLEMENTED_##name ? ZX_OK : \
	    ZX_ERR_NOT_SUPPORTED, "%s", #expr)

Test(headers_c, time_helpers_saturate)
{
	volatile int64_t big = INT64_MAX / 2, n = 3;

	cr_assert_eq(zx_time_add_duration(ZX_TIME_INFINITE, 1),
	    ZX_TIME_INFINITE);
	cr_assert_eq(zx_time_sub_duration(ZX_TIME_INFINITE_PAST, 1),
	    ZX_TIME_INFINITE_PAST);
	cr_assert_eq(zx_time_sub_time(ZX_TIME_INFINITE_PAST, 1),
	    ZX_TIME_INFINITE_PAST);
	cr_assert_eq(zx_duration_mul_int64(big, n), ZX_TIME_INFINITE);
	cr_assert_eq(zx_duration_mul_int64(big, -n), ZX_TIME_INFINITE_PAST);
	/* The macros take the saturating path for non-constants. */
	cr_assert_eq(ZX_SEC(big), ZX_TIME_INFINITE);
	cr_assert_eq(ZX_MSEC(n), 3000000);
	cr_assert_eq(zx_duration_from_timespec((struct timespec){ 1, 5 }),
	    ZX_SEC(1) + 5);
	cr_assert_eq(zx_timespec_from_duration(ZX_MSEC(1500)).tv_nsec,
	    500000000);
	cr_assert_eq(zx_ticks_sub_ticks(INT64_MIN, 1), ZX_TIME_INFINITE_PAST);
	cr_assert(zx_deadline_after(ZX_SEC(1)) > zx_clock_get_monotonic());
	cr_assert_eq(_zx_deadline_after(ZX_TIME_INFINITE), ZX_TIME_INFINITE);
}

Test(headers_c, misc_headers)
{
	zx_string_view_t v = { "zircon", 6 };
	zx_proc_args_t args = { .protocol = ZX_PROCARGS_PROTOCOL };
	uint32_t info = PA_HND(PA_FD, 2);

	ZX_ASSERT(v.length == strlen(v.c_str));
	ZX_DEBUG_ASSERT(args.protocol == 0x4150585d);
	cr_assert_eq(PA_HND_TYPE(info), PA_FD);
	cr_assert_eq(PA_HND_ARG(info), 2);
	{ int arr[5]; cr_assert_eq(countof(arr), 5); (void)arr; }
	cr_assert_eq(zx_system_get_page_size(), ZX_PAGE_SIZE);
	cr_assert_eq(thrd_status_to_zx_status(thrd_timedout), ZX_ERR_TIMED_OUT);
	cr_assert_str_eq(_zx_status_get_string(ZX_ERR_IO), "ZX_ERR_IO");
}

Test(headers_c, vmo_info_versions)
{
	zx_handle_t h;
	zx_info_vmo_t v4;
	zx_info_vmo_v3_t v3;
	zx_info_vmo_v2_t v2;
	zx_info_vmo_v1_t v1;

	cr_assert_eq(zx_vmo_create(ZX_PAGE_SIZE, 0, &h), ZX_OK);
	cr_assert_eq(zx_vmo_write(h, "x", 0, 1), ZX_OK);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO, &v4, sizeof(v4), NULL,
	    NULL), ZX_OK);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO_V3, &v3, sizeof(v3),
	    NULL, NULL), ZX_OK);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO_V2, &v2, sizeof(v2),
	    NULL, NULL), ZX_OK);
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO_V1, &v1, sizeof(v1),
	    NULL, NULL), ZX_OK);
	cr_assert_eq(v4.koid, v1.koid);
	cr_assert_eq(v4.committed_bytes, ZX_PAGE_SIZE);
	cr_assert_eq(v4.committed_private_bytes, ZX_PAGE_SIZE);
	cr_assert_eq(v3.populated_bytes, v4.populated_bytes);
	cr_assert_eq(v2.handle_rights, ZX_DEFAULT_VMO_RIGHTS);
	zx_handle_close(h);
}

Test(headers_c, waits_and_ports_follow_the_table)
{
	zx_handle_t e1, e2, port = ZX_HANDLE_INVALID;
	zx_wait_item_t items[2];
	zx_port_packet_t pkt;

	cr_assert_eq(zx_event_create(0, &e1), ZX_OK);
	cr_assert_eq(zx_event_create(0, &e2), ZX_OK);
	cr_assert_eq(zx_object_signal(e2, 0, ZX_EVENT_SIGNALED), ZX_OK);
	items[0] = (zx_wait_item_t){ e1, ZX_EVENT_SIGNALED, 0 };
	items[1] = (zx_wait_item_t){ e2, ZX_EVENT_SIGNALED, 0 };
	PER_TABLE(object_wait_many, zx_object_wait_many(items, 2,
	    ZX_TIME_INFINITE));
	PER_TABLE(port_create, zx_port_create(0, &port));
	memset(&pkt, 0, sizeof(pkt));
	pkt.key = 7;
	pkt.type = ZX_PKT_TYPE_USER;
	pkt.user.u32[0] = 0xfeed;
	if (ZXD_IMPLEMENTED_port_create && ZXD_IMPLEMENTED_port_queue &&
	    ZXD_IMPLEMENTED_port_wait) {
		zx_port_packet_t out;

		cr_assert_eq(zx_port_queue(port, &pkt), ZX_OK);
		cr_assert_eq(zx_port_wait(port, ZX_TIME_INFINITE, &out), ZX_OK);
		cr_assert_eq(out.user.u32[0], 0xfeed);
		zx_handle_close(port);
	} else if (!ZXD_IMPLEMENTED_port_queue) {
		cr_assert_eq(zx_port_queue(port, &pkt), ZX_ERR_NOT_SUPPORTED);
	}
	zx_handle_close(e1);
	zx_handle_close(e2);
}

Test(headers_c, self_handles_and_unsupported_calls)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_futex_t futex = 0;
	zx_clock_create_args_v1_t cargs = { .backstop_time = 0 };

	cr_assert_eq(zx_process_self() != ZX_HANDLE_INVALID,
	    ZXD_IMPLEMENTED_process_self);
	cr_assert_eq(_zx_thread_self() != ZX_HANDLE_INVALID,
	    ZXD_IMPLEMENTED_thread_self);
	cr_assert_eq(zx_job_default() != ZX_HANDLE_INVALID,
	    ZXD_IMPLEMENTED_job_default);
	cr_assert_eq(zx_take_startup_handle(PA_HND(PA_USER0, 0)) !=
	    ZX_HANDLE_INVALID, 0);
	cr_assert_neq(zx_vmar_root_self(), ZX_HANDLE_INVALID);
	PER_TABLE(clock_create, zx_clock_create(ZX_CLOCK_ARGS_VERSION(1) |
	    ZX_CLOCK_OPT_AUTO_START, &cargs, &h));
	if (h != ZX_HANDLE_INVALID)
		zx_handle_close(h);
	PER_TABLE(futex_wake, zx_futex_wake(&futex, 1));
	if (!ZXD_IMPLEMENTED_job_create)
		cr_assert_eq(zx_job_create(ZX_HANDLE_INVALID, 0, &h),
		    ZX_ERR_NOT_SUPPORTED);
}
