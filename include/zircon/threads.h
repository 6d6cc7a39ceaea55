/*
 * C11 threads and Zircon handles. zxd threads are Linux threads, which
 * have no Zircon thread object; see zx_thread_self(3).
 */
#ifndef ZIRCON_THREADS_H
#define ZIRCON_THREADS_H

#include <threads.h>

#include <zircon/compiler.h>
#include <zircon/process.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The calling thread's handle for thrd_current(), else INVALID. */
static inline zx_handle_t
thrd_get_zx_handle(thrd_t t)
{
	return thrd_equal(t, thrd_current()) ? zx_thread_self() :
	    ZX_HANDLE_INVALID;
}

/* A C11 threads result as a status. */
static inline zx_status_t
thrd_status_to_zx_status(int thrd_status)
{
	switch (thrd_status) {
	case thrd_success:
		return ZX_OK;
	case thrd_nomem:
		return ZX_ERR_NO_MEMORY;
	case thrd_timedout:
		return ZX_ERR_TIMED_OUT;
	case thrd_busy:
		return ZX_ERR_SHOULD_WAIT;
	default:
		return ZX_ERR_INTERNAL;
	}
}

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_THREADS_H */
