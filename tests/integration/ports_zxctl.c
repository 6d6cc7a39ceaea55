/* `zxctl ports`: each port with the packets queued on it and the async
 * waits registered on it, each timer with its clock, arming and slack;
 * the same in `zxctl objects --json`. */
#include "config-build.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "tests/lib/zxctlrun.h"

static json_object *
get(json_object *o, const char *key)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no %s", key);
	return v;
}

static zx_koid_t
koid(zx_handle_t h)
{
	zx_info_handle_basic_t b;

	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b,
	    sizeof(b), NULL, NULL), ZX_OK);
	return b.koid;
}

/* The entry of `arr` with koid k. */
static json_object *
find(json_object *arr, zx_koid_t k)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);

		if ((zx_koid_t)json_object_get_int64(get(e, "koid")) == k)
			return e;
	}
	cr_assert_fail("koid %" PRIu64 " not listed", k);
	return NULL;
}

Test(zxctl, ports_and_timers)
{
	zx_handle_t p, e, t, idle;
	zx_port_packet_t u;
	json_object *j, *pe, *te;
	char *out;

	memset(&u, 0, sizeof(u));
	cr_assert_eq(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &p), ZX_OK);
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zx_timer_create(ZX_TIMER_SLACK_LATE, ZX_CLOCK_MONOTONIC,
	    &t), ZX_OK);
	cr_assert_eq(zx_timer_create(0, ZX_CLOCK_BOOT, &idle), ZX_OK);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 1, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_wait_async(t, p, 2, ZX_TIMER_SIGNALED, 0),
	    ZX_OK);
	cr_assert_eq(zx_timer_set(t, zx_deadline_after(ZX_SEC(60)),
	    ZX_MSEC(5)), ZX_OK);
	/* One packet taken: the daemon counts it gone. */
	cr_assert_eq(zx_port_wait(p, 0, &u), ZX_OK);

	out = zxctl_ok((const char *const[]){ "ports", "--json", NULL });
	j = json_tokener_parse(out);
	cr_assert_not_null(j, "not JSON: %s", out);
	free(out);
	pe = find(get(j, "ports"), koid(p));
	cr_assert_eq(json_object_get_int64(get(pe, "queued")), 2);
	cr_assert_eq(json_object_get_int64(get(pe, "waits")), 2);
	cr_assert(json_object_get_boolean(get(pe, "bind_to_interrupt")));
	te = find(get(j, "timers"), koid(t));
	cr_assert(json_object_get_boolean(get(te, "armed")));
	cr_assert_eq(json_object_get_int64(get(te, "slack")), ZX_MSEC(5));
	cr_assert_eq(json_object_get_int64(get(te, "options")),
	    ZX_TIMER_SLACK_LATE);
	cr_assert_gt(json_object_get_int64(get(te, "remaining_ns")),
	    ZX_SEC(50));
	te = find(get(j, "timers"), koid(idle));
	cr_assert(!json_object_get_boolean(get(te, "armed")));
	cr_assert_str_eq(json_object_get_string(get(te, "clock")), "boot");
	json_object_put(j);

	/* zxctl objects --json carries the same. */
	out = zxctl_ok((const char *const[]){ "objects", "--json", NULL });
	j = json_tokener_parse(out);
	cr_assert_not_null(j);
	free(out);
	pe = get(find(get(j, "objects"), koid(p)), "port");
	cr_assert_eq(json_object_get_int64(get(pe, "waits")), 2);
	json_object_put(j);

	/* The text form names both. */
	out = zxctl_ok((const char *const[]){ "ports", NULL });
	cr_assert(strstr(out, "QUEUED") != NULL, "%s", out);
	cr_assert(strstr(out, "bind-to-interrupt") != NULL, "%s", out);
	cr_assert(strstr(out, "monotonic") != NULL, "%s", out);
	free(out);
	zx_handle_close_many((zx_handle_t[]){ p, e, t, idle }, 4);
}
