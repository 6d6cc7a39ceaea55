/*
 * zx_status_get_string(): the name of a status, for messages and logs.
 */
#ifndef ZIRCON_STATUS_H
#define ZIRCON_STATUS_H

#include <zircon/types.h>

#ifndef ZX_SYSCALL_EXPORT
#if defined(__GNUC__) || defined(__clang__)
#define ZX_SYSCALL_EXPORT	__attribute__((visibility("default")))
#else
#define ZX_SYSCALL_EXPORT
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The status's name as spelt in <zircon/errors.h> ("ZX_OK",
 * "ZX_ERR_BAD_HANDLE", ...), or "(UNKNOWN)". The string is static.
 */
ZX_SYSCALL_EXPORT const char *zx_status_get_string(zx_status_t status);
ZX_SYSCALL_EXPORT const char *_zx_status_get_string(zx_status_t status);

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_STATUS_H */
