/*
 * Every Zircon system call, with Zircon's signatures, each as zx_NAME and
 * as its _zx_NAME twin. The list itself is in
 * <zircon/syscalls/internal/cdecls.inc>.
 *
 * libzx defines every one of them. The calls zxd does not implement
 * return ZX_ERR_NOT_SUPPORTED (those returning void abort, those
 * returning a value return 0); client/syscalls.tab and libzx(3) list
 * which are which.
 *
 * Besides what Fuchsia's header includes, this one also includes the
 * other public headers zxd ships (port, IOB, IOMMU, resource, process and
 * the unstable calls' types), so programs need nothing else.
 */
#ifndef ZIRCON_SYSCALLS_H
#define ZIRCON_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

#include <zircon/compiler.h>
#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/string_view.h>
#include <zircon/syscalls/exception.h>
#include <zircon/syscalls/internal/next-types.h>
#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/pci.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/profile.h>
#include <zircon/syscalls/resource.h>
#include <zircon/syscalls/smc.h>
#include <zircon/syscalls/system.h>
#include <zircon/syscalls/types.h>
#include <zircon/types.h>

/*
 * libzx is built with -fvisibility=hidden; this marks what it exports.
 * <zircon/status.h> defines the same macro.
 */
#ifndef ZX_SYSCALL_EXPORT
#if defined(__GNUC__) || defined(__clang__)
#define ZX_SYSCALL_EXPORT	__attribute__((visibility("default")))
#else
#define ZX_SYSCALL_EXPORT
#endif
#endif

#include <zircon/process.h>

#ifdef __cplusplus
extern "C" {
#endif

#define _ZX_SYSCALL_DECL(name, type, attrs, nargs, arglist, prototype) \
	ZX_SYSCALL_EXPORT extern attrs type zx_##name prototype; \
	ZX_SYSCALL_EXPORT extern attrs type _zx_##name prototype;

#include <zircon/syscalls/internal/cdecls.inc>

#undef _ZX_SYSCALL_DECL

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_H */
