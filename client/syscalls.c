/*
 * The calls of client/syscalls.tab that zxd does not implement, and the
 * _zx_ twin of every call.
 *
 * <zircon/syscalls/internal/cdecls.inc> lists every call once; the
 * generated client/syscalls-tab.h says, per call, IMPLEMENTED or
 * UNSUPPORTED. Expanding the list here defines, for an UNSUPPORTED call,
 * zx_NAME and _zx_NAME returning ZX_ERR_NOT_SUPPORTED, and for an
 * IMPLEMENTED one only _zx_NAME, forwarding to the zx_NAME defined
 * elsewhere in libzx. A call missing from the table does not compile; a
 * call marked IMPLEMENTED that nothing defines does not link.
 */
#include <stdio.h>
#include <stdlib.h>

#include <zircon/process.h>
#include <zircon/syscalls.h>

#include "client/syscalls-tab.h"

/* The stubs ignore their arguments by design. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

static void __attribute__((noreturn))
syscalls_abort(const char *name)
{
	fprintf(stderr, "libzx: zx_%s is not supported by zxd\n", name);
	abort();
}

/*
 * What an unsupported call does, by return type. Only a status can say
 * "not supported"; a handle can be invalid; a void call or a plain value
 * (a tick count, a CPU count) has no way to fail, so the process stops
 * with a message rather than go on with a made-up value.
 */
#define SYSCALLS_FAIL_zx_status_t(n)	return ZX_ERR_NOT_SUPPORTED;
#define SYSCALLS_FAIL_zx_handle_t(n)	return ZX_HANDLE_INVALID;
#define SYSCALLS_FAIL_void(n)		syscalls_abort(n);
#define SYSCALLS_FAIL_uint32_t(n)	syscalls_abort(n);
#define SYSCALLS_FAIL_uint64_t(n)	syscalls_abort(n);
#define SYSCALLS_FAIL_zx_ticks_t(n)	syscalls_abort(n);
#define SYSCALLS_FAIL_zx_instant_mono_t(n) syscalls_abort(n);
#define SYSCALLS_FAIL_zx_instant_boot_t(n) syscalls_abort(n);
#define SYSCALLS_FAIL_zx_instant_mono_ticks_t(n) syscalls_abort(n);
#define SYSCALLS_FAIL_zx_instant_boot_ticks_t(n) syscalls_abort(n);
#define SYSCALLS_FAIL_zx_string_view_t(n) syscalls_abort(n);

/* How a twin hands back its result. */
#define SYSCALLS_RETURN_void
#define SYSCALLS_RETURN_zx_status_t	return
#define SYSCALLS_RETURN_zx_handle_t	return
#define SYSCALLS_RETURN_uint32_t	return
#define SYSCALLS_RETURN_uint64_t	return
#define SYSCALLS_RETURN_zx_ticks_t	return
#define SYSCALLS_RETURN_zx_instant_mono_t return
#define SYSCALLS_RETURN_zx_instant_boot_t return
#define SYSCALLS_RETURN_zx_instant_mono_ticks_t return
#define SYSCALLS_RETURN_zx_instant_boot_ticks_t return
#define SYSCALLS_RETURN_zx_string_view_t return

#define SYSCALLS_IMPLEMENTED(name, type, args, params) \
	type _zx_##name params \
	{ \
		SYSCALLS_RETURN_##type zx_##name args; \
	}

#define SYSCALLS_UNSUPPORTED(name, type, args, params) \
	type zx_##name params \
	{ \
		SYSCALLS_FAIL_##type(#name) \
	} \
	type _zx_##name params \
	{ \
		SYSCALLS_FAIL_##type(#name) \
	}

#define SYSCALLS_PICK2(state, ...)	SYSCALLS_##state(__VA_ARGS__)
#define SYSCALLS_PICK(state, ...)	SYSCALLS_PICK2(state, __VA_ARGS__)

#define _ZX_SYSCALL_DECL(name, type, attrs, nargs, args, params) \
	SYSCALLS_PICK(ZXD_SYSCALL_##name, name, type, args, params)

#include <zircon/syscalls/internal/cdecls.inc>
#include <zircon/syscalls/internal/process.inc>

#undef _ZX_SYSCALL_DECL
