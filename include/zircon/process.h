/*
 * A process's handles to itself: its process, its calling thread, its
 * root VMAR and its default job, plus the startup handles a launcher
 * passed it. The returned handles belong to the runtime: do not close
 * them. Each call has a _zx_ twin, as in Fuchsia's libc.
 */
#ifndef ZIRCON_PROCESS_H
#define ZIRCON_PROCESS_H

#include <stdint.h>

#include <zircon/compiler.h>
#include <zircon/types.h>

#ifndef ZX_SYSCALL_EXPORT
#define ZX_SYSCALL_EXPORT	__attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define _ZX_SYSCALL_DECL(name, type, attrs, nargs, arglist, prototype) \
	ZX_SYSCALL_EXPORT extern attrs type zx_##name prototype; \
	ZX_SYSCALL_EXPORT extern attrs type _zx_##name prototype;

#include <zircon/syscalls/internal/process.inc>

#undef _ZX_SYSCALL_DECL

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_PROCESS_H */
