/*
 * zx_system_get_features() kinds and bits.
 */
#ifndef ZIRCON_FEATURES_H
#define ZIRCON_FEATURES_H

#include <stdint.h>

#define ZX_FEATURE_KIND_CPU			((uint32_t)0)
#define ZX_FEATURE_KIND_HW_BREAKPOINT_COUNT	((uint32_t)1)
#define ZX_FEATURE_KIND_HW_WATCHPOINT_COUNT	((uint32_t)2)
#define ZX_FEATURE_KIND_ADDRESS_TAGGING		((uint32_t)3)
#define ZX_FEATURE_KIND_VM			((uint32_t)4)

#define ZX_HAS_CPU_FEATURES		((uint32_t)(1u << 0))

/* ZX_FEATURE_KIND_VM */
#define ZX_VM_FEATURE_CAN_MAP_XOM	((uint32_t)(1u << 0))

#if defined(__aarch64__)
#define ZX_ARM64_FEATURE_ISA_FP		((uint32_t)(1u << 1))
#define ZX_ARM64_FEATURE_ISA_ASIMD	((uint32_t)(1u << 2))
#define ZX_ARM64_FEATURE_ISA_AES	((uint32_t)(1u << 3))
#define ZX_ARM64_FEATURE_ISA_PMULL	((uint32_t)(1u << 4))
#define ZX_ARM64_FEATURE_ISA_SHA1	((uint32_t)(1u << 5))
#define ZX_ARM64_FEATURE_ISA_SHA256	((uint32_t)(1u << 6))
#define ZX_ARM64_FEATURE_ISA_CRC32	((uint32_t)(1u << 7))
#define ZX_ARM64_FEATURE_ISA_ATOMICS	((uint32_t)(1u << 8))
#define ZX_ARM64_FEATURE_ISA_RDM	((uint32_t)(1u << 9))
#define ZX_ARM64_FEATURE_ISA_SHA3	((uint32_t)(1u << 10))
#define ZX_ARM64_FEATURE_ISA_SM3	((uint32_t)(1u << 11))
#define ZX_ARM64_FEATURE_ISA_SM4	((uint32_t)(1u << 12))
#define ZX_ARM64_FEATURE_ISA_DP		((uint32_t)(1u << 13))
#define ZX_ARM64_FEATURE_ISA_DPB	((uint32_t)(1u << 14))
#define ZX_ARM64_FEATURE_ISA_FHM	((uint32_t)(1u << 15))
#define ZX_ARM64_FEATURE_ISA_TS		((uint32_t)(1u << 16))
#define ZX_ARM64_FEATURE_ISA_RNDR	((uint32_t)(1u << 17))
#define ZX_ARM64_FEATURE_ISA_SHA512	((uint32_t)(1u << 18))
#define ZX_ARM64_FEATURE_ISA_I8MM	((uint32_t)(1u << 19))
#define ZX_ARM64_FEATURE_ISA_SVE	((uint32_t)(1u << 20))
#define ZX_ARM64_FEATURE_ISA_ARM32	((uint32_t)(1u << 21))
#define ZX_ARM64_FEATURE_ISA_MOPS	((uint32_t)(1u << 22))
#define ZX_ARM64_FEATURE_ISA_SHA2	ZX_ARM64_FEATURE_ISA_SHA256
#define ZX_ARM64_FEATURE_ADDRESS_TAGGING_TBI ((uint32_t)(1u << 0))
#endif

#endif /* ZIRCON_FEATURES_H */
