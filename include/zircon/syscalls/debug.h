/*
 * Thread register state, for zx_thread_read_state() and
 * zx_thread_write_state() (not supported by zxd; the layouts are here so
 * Fuchsia code compiles).
 */
#ifndef ZIRCON_SYSCALLS_DEBUG_H
#define ZIRCON_SYSCALLS_DEBUG_H

#include <stdint.h>

#include <zircon/compiler.h>

#ifdef __cplusplus
extern "C" {
#endif

/* x86-64 */

typedef struct zx_x86_64_thread_state_general_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags, fs_base, gs_base;
} zx_x86_64_thread_state_general_regs_t;

typedef struct zx_x86_64_thread_state_fp_regs {
	uint16_t fcw;
	uint16_t fsw;
	uint8_t ftw;
	uint8_t reserved;
	uint16_t fop;
	uint64_t fip;
	uint64_t fdp;
	uint8_t padding1[8];
	/* x87 uses the low 80 bits of each, MMX the low 64. */
	__ALIGNED(16) struct {
		uint64_t low;
		uint64_t high;
	} st[8];
} zx_x86_64_thread_state_fp_regs_t;

typedef struct zx_x86_64_thread_state_vector_regs {
	struct {
		uint64_t v[8];
	} zmm[32];
	uint64_t opmask[8];
	uint32_t mxcsr;
	uint8_t padding1[4];
} zx_x86_64_thread_state_vector_regs_t;

typedef struct zx_x86_64_thread_state_debug_regs {
	uint64_t dr[4];
	uint64_t dr6;
	uint64_t dr7;
} zx_x86_64_thread_state_debug_regs_t;

/* arm64 */

typedef struct zx_arm64_thread_state_general_regs {
	uint64_t r[30];
	uint64_t lr;
	uint64_t sp;
	uint64_t pc;
	uint64_t cpsr;
	uint64_t tpidr;
} zx_arm64_thread_state_general_regs_t;

typedef struct zx_arm64_thread_state_fp_regs {
	uint32_t unused;
} zx_arm64_thread_state_fp_regs_t;

typedef struct zx_arm64_thread_state_vector_regs {
	uint32_t fpcr;
	uint32_t fpsr;
	struct {
		uint64_t low;
		uint64_t high;
	} v[32];
} zx_arm64_thread_state_vector_regs_t;

#define AARCH64_MAX_HW_BREAKPOINTS	16
#define AARCH64_MAX_HW_WATCHPOINTS	16

typedef struct zx_arm64_thread_state_debug_regs {
	struct {
		uint32_t dbgbcr;
		uint8_t padding1[4];
		uint64_t dbgbvr;
	} hw_bps[AARCH64_MAX_HW_BREAKPOINTS];
	struct {
		uint32_t dbgwcr;
		uint8_t padding1[4];
		uint64_t dbgwvr;
	} hw_wps[AARCH64_MAX_HW_WATCHPOINTS];
	uint64_t far;
	uint32_t esr;
	uint8_t hw_bps_count;
	uint8_t hw_wps_count;
	uint8_t padding1[2];
} zx_arm64_thread_state_debug_regs_t;

/* riscv64 */

typedef struct zx_riscv64_thread_state_general_regs {
	uint64_t pc, ra, sp, gp, tp, t0, t1, t2, s0, s1;
	uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
	uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
	uint64_t t3, t4, t5, t6;
} zx_riscv64_thread_state_general_regs_t;

typedef struct zx_riscv64_thread_state_fp_regs {
	__ALIGNED(16) struct {
		uint64_t low;
		uint64_t high;
	} q[32];
	uint32_t fcsr;
	uint32_t reserved[3];
} zx_riscv64_thread_state_fp_regs_t;

typedef struct zx_riscv64_thread_state_vector_regs {
	struct {
		uint8_t contents[16];
	} v[32];
	uint64_t vcsr;
	uint64_t vstart;
	uint64_t vl;
	uint64_t vtype;
} zx_riscv64_thread_state_vector_regs_t;

typedef struct zx_riscv64_thread_state_debug_regs {
	uint32_t unused;
} zx_riscv64_thread_state_debug_regs_t;

#if defined(__x86_64__)
typedef zx_x86_64_thread_state_general_regs_t zx_thread_state_general_regs_t;
typedef zx_x86_64_thread_state_fp_regs_t zx_thread_state_fp_regs_t;
typedef zx_x86_64_thread_state_vector_regs_t zx_thread_state_vector_regs_t;
typedef zx_x86_64_thread_state_debug_regs_t zx_thread_state_debug_regs_t;
#elif defined(__aarch64__)
typedef zx_arm64_thread_state_general_regs_t zx_thread_state_general_regs_t;
typedef zx_arm64_thread_state_fp_regs_t zx_thread_state_fp_regs_t;
typedef zx_arm64_thread_state_vector_regs_t zx_thread_state_vector_regs_t;
typedef zx_arm64_thread_state_debug_regs_t zx_thread_state_debug_regs_t;
#elif defined(__riscv)
typedef zx_riscv64_thread_state_general_regs_t zx_thread_state_general_regs_t;
typedef zx_riscv64_thread_state_fp_regs_t zx_thread_state_fp_regs_t;
typedef zx_riscv64_thread_state_vector_regs_t zx_thread_state_vector_regs_t;
typedef zx_riscv64_thread_state_debug_regs_t zx_thread_state_debug_regs_t;
#endif

/* ZX_THREAD_STATE_SINGLE_STEP: 0 or 1. */
typedef uint32_t zx_thread_state_single_step_t;

typedef uint32_t zx_thread_state_topic_t;

#define ZX_THREAD_STATE_GENERAL_REGS	((uint32_t)0)
#define ZX_THREAD_STATE_FP_REGS		((uint32_t)1)
#define ZX_THREAD_STATE_VECTOR_REGS	((uint32_t)2)
#define ZX_THREAD_STATE_DEBUG_REGS	((uint32_t)4)
#define ZX_THREAD_STATE_SINGLE_STEP	((uint32_t)5)

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_DEBUG_H */
