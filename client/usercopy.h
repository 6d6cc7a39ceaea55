/* Copying from and to the caller's buffers the way Zircon's kernel does:
 * a pointer that does not reach readable (or writable) memory is
 * ZX_ERR_INVALID_ARGS, found by the Linux kernel (process_vm_readv and
 * process_vm_writev on this process), never by a fault in libzx. */
#ifndef ZXD_CLIENT_USERCOPY_H
#define ZXD_CLIENT_USERCOPY_H

#include <stddef.h>

#include <zircon/types.h>

/* Copy n bytes from the caller's src into libzx's dst. */
zx_status_t usercopy_from_user(void *dst, const void *src, size_t n);
/* Copy n bytes from libzx's src into the caller's dst. */
zx_status_t usercopy_to_user(void *dst, const void *src, size_t n);
/* Two copies out in one step, in order: n0 bytes to dst0, n1 to dst1
 * (a part of length 0 is skipped, its pointer not looked at). */
zx_status_t usercopy_to_user2(void *dst0, const void *src0, size_t n0,
    void *dst1, const void *src1, size_t n1);
/* In a forked child: the pid it caches is its parent's. */
void usercopy_atfork_child(void);

#endif
