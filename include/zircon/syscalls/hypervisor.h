/*
 * Guests and VCPUs (not supported by zxd): trap kinds and VCPU state
 * kinds, so Fuchsia code compiles.
 */
#ifndef ZIRCON_SYSCALLS_HYPERVISOR_H
#define ZIRCON_SYSCALLS_HYPERVISOR_H

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* zx_guest_set_trap() kinds. */
#define ZX_GUEST_TRAP_BELL		((uint32_t)0u)
#define ZX_GUEST_TRAP_MEM		((uint32_t)1u)
#define ZX_GUEST_TRAP_IO		((uint32_t)2u)

/* zx_guest_create() options. */
#define ZX_GUEST_OPT_NORMAL		((uint32_t)0u)

/* zx_vcpu_read_state() / zx_vcpu_write_state() kinds. */
#define ZX_VCPU_STATE			((uint32_t)0u)
#define ZX_VCPU_IO			((uint32_t)1u)

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_HYPERVISOR_H */
