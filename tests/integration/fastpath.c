/*
 * What libzx answers without a round trip (doc/DATAPATH.md): with the
 * daemon stopped (SIGSTOP) such a call still answers, where one that
 * needed the daemon would block; and what the daemon decided still
 * holds: once it is gone, the same calls say so.
 *
 * Each test runs its own zxd. An alarm bounds every test, so a call that
 * wrongly waits for the stopped daemon fails instead of hanging.
 */
#include "config-build.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

#include "tests/lib/zxdtest.h"

static struct zxdtest_daemon d;

static void
start(void)
{
	alarm(20);
	cr_assert_eq(zxdtest_start(&d, NULL), 0);
}

static void
stop(void)
{
	alarm(0);
	cr_assert_eq(zxdtest_stop(&d), 0, "zxd did not stop cleanly");
}

TestSuite(fastpath, .init = start, .fini = stop);

static zx_status_t
basic(zx_handle_t h, zx_info_handle_basic_t *b, size_t size, size_t *actual,
    size_t *avail)
{
	memset(b, 0xa5, sizeof(*b));
	return zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, b, size, actual,
	    avail);
}

/* The answers with the daemon running, for comparison. */
struct answers {
	zx_info_handle_basic_t ev, ch0, ch1;
};

static void
collect(zx_handle_t ev, zx_handle_t c0, zx_handle_t c1, struct answers *a)
{
	size_t actual, avail;

	cr_assert_eq(basic(ev, &a->ev, sizeof(a->ev), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	cr_assert_eq(basic(c0, &a->ch0, sizeof(a->ch0), NULL, NULL), ZX_OK);
	cr_assert_eq(basic(c1, &a->ch1, sizeof(a->ch1), NULL, NULL), ZX_OK);
}

Test(fastpath, handle_basic_needs_no_daemon)
{
	zx_handle_t ev, c0, c1, ro;
	zx_info_handle_basic_t b;
	struct answers a;
	size_t actual = 99, avail = 99;

	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_channel_create(0, &c0, &c1), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(ev, ZX_RIGHT_WAIT, &ro), ZX_OK);
	collect(ev, c0, c1, &a);
	cr_assert_eq(a.ev.type, ZX_OBJ_TYPE_EVENT);
	cr_assert_eq(a.ev.rights, ZX_DEFAULT_EVENT_RIGHTS);
	cr_assert_eq(a.ev.related_koid, ZX_KOID_INVALID);
	cr_assert_eq(a.ch0.related_koid, a.ch1.koid);
	cr_assert_eq(a.ch1.related_koid, a.ch0.koid);

	cr_assert_eq(kill(d.pid, SIGSTOP), 0);
	/* The same answers, the daemon frozen. */
	cr_assert_eq(basic(ev, &b, sizeof(b), &actual, &avail), ZX_OK);
	cr_assert_eq(memcmp(&b, &a.ev, sizeof(b)), 0);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	cr_assert_eq(basic(c0, &b, sizeof(b), NULL, NULL), ZX_OK);
	cr_assert_eq(memcmp(&b, &a.ch0, sizeof(b)), 0);
	cr_assert_eq(basic(ro, &b, sizeof(b), NULL, NULL), ZX_OK);
	cr_assert_eq(b.koid, a.ev.koid);
	cr_assert_eq(b.rights, ZX_RIGHT_WAIT);
	/* Zircon's short-buffer rule: nothing copied, one record there. */
	actual = avail = 99;
	cr_assert_eq(basic(ev, &b, sizeof(b) - 1, &actual, &avail),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
	cr_assert_eq(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, NULL,
	    sizeof(b), NULL, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_handle_check_valid(ev), ZX_OK);
	cr_assert_eq(kill(d.pid, SIGCONT), 0);

	/* A closed handle is no handle, locally too. */
	cr_assert_eq(zx_handle_close(ro), ZX_OK);
	cr_assert_eq(basic(ro, &b, sizeof(b), NULL, NULL), ZX_ERR_BAD_HANDLE);
	zx_handle_close(ev);
	zx_handle_close(c0);
	zx_handle_close(c1);
}

/* The daemon gone, every handle is gone with it: the local answer checks
 * the daemon's end of the handle's socket. */
Test(fastpath, handle_basic_after_daemon_death)
{
	zx_info_handle_basic_t b;
	zx_handle_t ev;
	int status;

	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(basic(ev, &b, sizeof(b), NULL, NULL), ZX_OK);
	cr_assert_eq(kill(d.pid, SIGKILL), 0);
	cr_assert_eq(waitpid(d.pid, &status, 0), d.pid);
	cr_assert_eq(basic(ev, &b, sizeof(b), NULL, NULL), ZX_ERR_BAD_HANDLE);
	zx_handle_close(ev);
	unlink(d.socket);
	unlink(d.log);
	rmdir(d.dir);
	/* Let stop() find a daemon to stop. */
	cr_assert_eq(zxdtest_start(&d, NULL), 0);
}
