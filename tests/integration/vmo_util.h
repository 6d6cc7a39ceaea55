/* Helpers shared by the VMO and VMAR integration tests. */
#ifndef ZXD_TESTS_VMO_UTIL_H
#define ZXD_TESTS_VMO_UTIL_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "tests/lib/zxdcheck.h"

#define PAGE	((uint64_t)zx_system_get_page_size())

static inline zx_rights_t
rights_of(zx_handle_t h)
{
	return basic_of(h).rights;
}

static inline zx_info_vmo_t
vmo_info(zx_handle_t h)
{
	zx_info_vmo_t info;

	memset(&info, 0, sizeof(info));
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_VMO, &info, sizeof(info),
	    NULL, NULL), ZX_OK);
	return info;
}

static inline zx_handle_t
vmo_new(uint64_t size, uint32_t options)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_vmo_create(size, options, &h), ZX_OK);
	return h;
}

static inline zx_handle_t
event_new(void)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_event_create(0, &h), ZX_OK);
	return h;
}

static inline uint64_t
content_size_of(zx_handle_t h)
{
	uint64_t cs = 0;

	cr_assert_eq(zx_object_get_property(h, ZX_PROP_VMO_CONTENT_SIZE, &cs,
	    sizeof(cs)), ZX_OK);
	return cs;
}

static inline bool
signaled(zx_handle_t h, zx_signals_t s)
{
	zx_signals_t seen = 0;

	return zx_object_wait_one(h, s, 0, &seen) == ZX_OK && (seen & s);
}

/* Closing a handle is asynchronous in zxd (the daemon sees EOF): wait
 * for what the close will do. */
static inline bool
wait_signaled(zx_handle_t h, zx_signals_t s)
{
	return zx_object_wait_one(h, s, zx_deadline_after(5000000000LL),
	    NULL) == ZX_OK;
}

static inline zx_koid_t
wait_parent(zx_handle_t h, zx_koid_t want)
{
	for (int i = 0; i < 5000; i++) {
		zx_koid_t k = vmo_info(h).parent_koid;

		if (k == want)
			return k;
		usleep(1000);
	}
	return vmo_info(h).parent_koid;
}

/* Touch one byte; false if the access faults. */
static sigjmp_buf probe_jmp;

static inline void
probe_handler(int sig)
{
	(void)sig;
	siglongjmp(probe_jmp, 1);
}

static inline bool
probe(volatile uint8_t *p, bool write)
{
	struct sigaction sa, old_segv, old_bus;
	bool ok;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_handler;
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	if (sigsetjmp(probe_jmp, 1) == 0) {
		if (write)
			*p = *p;
		else
			(void)*p;
		ok = true;
	} else {
		ok = false;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return ok;
}

/* zxd_handle_export/import come with the channel work; tests that need
 * to hand a handle to another process skip until libzx has them. */
#pragma weak zxd_handle_export
#pragma weak zxd_handle_import

static inline bool
have_handle_transfer(void)
{
	return &zxd_handle_export != NULL && &zxd_handle_import != NULL;
}

#endif
