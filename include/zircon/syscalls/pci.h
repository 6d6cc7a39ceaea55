/*
 * The legacy kernel PCI interface (zx_pci_*; not supported by zxd, whose
 * PCI access goes through resources and physical VMOs).
 */
#ifndef ZIRCON_SYSCALLS_PCI_H
#define ZIRCON_SYSCALLS_PCI_H

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t zx_pci_bar_types_t;

#define ZX_PCI_BAR_TYPE_UNUSED		((zx_pci_bar_types_t)0u)
#define ZX_PCI_BAR_TYPE_MMIO		((zx_pci_bar_types_t)1u)
#define ZX_PCI_BAR_TYPE_PIO		((zx_pci_bar_types_t)2u)

__ZX_EXTENSIONS_BEGIN
/* An MMIO BAR comes as a VMO handle, a PIO BAR as an address. */
typedef struct zx_pci_bar {
	uint32_t id;
	uint32_t type;
	size_t size;
	union {
		uintptr_t addr;
		__extension__ struct {
			zx_handle_t handle;
			uint8_t padding1[4];
		};
	};
} zx_pci_bar_t;
__ZX_EXTENSIONS_END

typedef struct zx_pcie_device_info {
	uint16_t vendor_id;
	uint16_t device_id;
	uint8_t base_class;
	uint8_t sub_class;
	uint8_t program_interface;
	uint8_t revision_id;
	uint8_t bus_id;
	uint8_t dev_id;
	uint8_t func_id;
	uint8_t padding1;
} zx_pcie_device_info_t;

#define ZX_PCI_MAX_BUSSES		(256u)
#define ZX_PCI_MAX_DEVICES_PER_BUS	(32u)
#define ZX_PCI_MAX_FUNCTIONS_PER_DEVICE	(8u)
#define ZX_PCI_MAX_FUNCTIONS_PER_BUS \
	(ZX_PCI_MAX_DEVICES_PER_BUS * ZX_PCI_MAX_FUNCTIONS_PER_DEVICE)

#define ZX_PCI_MAX_LEGACY_IRQ_PINS	(4u)
#define ZX_PCI_MAX_MSI_IRQS		(32u)
#define ZX_PCI_MAX_MSIX_IRQS		(2048u)

#define ZX_PCI_STANDARD_CONFIG_HDR_SIZE	(64u)
#define ZX_PCI_BASE_CONFIG_SIZE		(256u)
#define ZX_PCI_EXTENDED_CONFIG_SIZE	(4096u)
#define ZX_PCI_ECAM_BYTE_PER_BUS \
	(ZX_PCI_EXTENDED_CONFIG_SIZE * ZX_PCI_MAX_FUNCTIONS_PER_BUS)

#define ZX_PCI_BAR_REGS_PER_BRIDGE	(2u)
#define ZX_PCI_BAR_REGS_PER_DEVICE	(6u)
#define ZX_PCI_MAX_BAR_REGS		(6u)

#define ZX_PCI_NO_IRQ_MAPPING		UINT32_MAX

#define PCI_CFG_SPACE_TYPE_PIO		(0u)
#define PCI_CFG_SPACE_TYPE_MMIO		(1u)
#define PCI_CFG_SPACE_TYPE_DW_ROOT	(2u)
#define PCI_CFG_SPACE_TYPE_DW_DS	(3u)

typedef uint32_t zx_pci_irq_swizzle_lut_t[ZX_PCI_MAX_DEVICES_PER_BUS]
    [ZX_PCI_MAX_FUNCTIONS_PER_DEVICE][ZX_PCI_MAX_LEGACY_IRQ_PINS];

#define ZX_PCI_MAX_IRQS			224

__ZX_EXTENSIONS_BEGIN
typedef struct zx_pci_init_arg {
	zx_pci_irq_swizzle_lut_t dev_pin_to_global_irq;
	uint32_t num_irqs;
	struct {
		uint32_t global_irq;
		bool level_triggered;
		bool active_high;
		uint8_t padding1[2];
	} irqs[ZX_PCI_MAX_IRQS];
	uint32_t addr_window_count;
	__extension__ struct {
		uint64_t base;
		size_t size;
		uint8_t bus_start;
		uint8_t bus_end;
		uint8_t cfg_space_type;
		bool has_ecam;
		uint8_t padding1[4];
	} addr_windows[];
} zx_pci_init_arg_t;
__ZX_EXTENSIONS_END

#define ZX_PCI_INIT_ARG_MAX_ECAM_WINDOWS	2
#define ZX_PCI_INIT_ARG_MAX_SIZE \
	(sizeof(((zx_pci_init_arg_t *)NULL)->addr_windows[0]) * \
	ZX_PCI_INIT_ARG_MAX_ECAM_WINDOWS + sizeof(zx_pci_init_arg_t))

typedef uint32_t zx_pci_irq_mode_t;

#define ZX_PCIE_IRQ_MODE_DISABLED	((zx_pci_irq_mode_t)0u)
#define ZX_PCIE_IRQ_MODE_LEGACY		((zx_pci_irq_mode_t)1u)
#define ZX_PCIE_IRQ_MODE_MSI		((zx_pci_irq_mode_t)2u)
#define ZX_PCIE_IRQ_MODE_MSI_X		((zx_pci_irq_mode_t)3u)

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_PCI_H */
