/*
 * Forward declarations of the structs the system-call prototypes name, so
 * <zircon/syscalls.h> can declare every call without pulling in each
 * topic header first.
 */
#ifndef ZIRCON_SYSCALLS_TYPES_H
#define ZIRCON_SYSCALLS_TYPES_H

#include <zircon/compiler.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zx_port_packet zx_port_packet_t;
typedef struct zx_pci_bar zx_pci_bar_t;
typedef struct zx_pcie_device_info zx_pcie_device_info_t;
typedef struct zx_pci_init_arg zx_pci_init_arg_t;
typedef union zx_rrec zx_rrec_t;
typedef struct zx_system_powerctl_arg zx_system_powerctl_arg_t;
typedef struct zx_profile_info zx_profile_info_t;
typedef struct zx_smc_parameters zx_smc_parameters_t;
typedef struct zx_smc_result zx_smc_result_t;

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_TYPES_H */
