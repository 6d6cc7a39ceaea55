/*
 * Exceptions: types, reports and exception-channel options. zxd has no
 * threads of its own to raise them; the types are here so Fuchsia code
 * compiles.
 */
#ifndef ZIRCON_SYSCALLS_EXCEPTION_H
#define ZIRCON_SYSCALLS_EXCEPTION_H

#include <zircon/compiler.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Architectural exceptions; details in report.context.arch. */
#define ZX_EXCP_GENERAL			((uint32_t)0x008u)
#define ZX_EXCP_FATAL_PAGE_FAULT	((uint32_t)0x108u)
#define ZX_EXCP_UNDEFINED_INSTRUCTION	((uint32_t)0x208u)
#define ZX_EXCP_SW_BREAKPOINT		((uint32_t)0x308u)
#define ZX_EXCP_HW_BREAKPOINT		((uint32_t)0x408u)
#define ZX_EXCP_UNALIGNED_ACCESS	((uint32_t)0x508u)

/* Set in every synthetic (non-architectural) exception. */
#define ZX_EXCP_SYNTH			((uint32_t)0x8000u)

#define ZX_EXCP_THREAD_STARTING		((uint32_t)0x008u | ZX_EXCP_SYNTH)
#define ZX_EXCP_THREAD_EXITING		((uint32_t)0x108u | ZX_EXCP_SYNTH)
#define ZX_EXCP_POLICY_ERROR		((uint32_t)0x208u | ZX_EXCP_SYNTH)
#define ZX_EXCP_PROCESS_STARTING	((uint32_t)0x308u | ZX_EXCP_SYNTH)
#define ZX_EXCP_USER			((uint32_t)0x309u | ZX_EXCP_SYNTH)

typedef uint32_t zx_excp_type_t;

#define ZX_EXCP_IS_ARCH(excp)		(((excp) & ZX_EXCP_SYNTH) == 0)

/* zx_exception_context_t.synth_code of a ZX_EXCP_POLICY_ERROR. */
#define ZX_EXCP_POLICY_CODE_BAD_HANDLE			0u
#define ZX_EXCP_POLICY_CODE_WRONG_OBJECT		1u
#define ZX_EXCP_POLICY_CODE_VMAR_WX			2u
#define ZX_EXCP_POLICY_CODE_NEW_ANY			3u
#define ZX_EXCP_POLICY_CODE_NEW_VMO			4u
#define ZX_EXCP_POLICY_CODE_NEW_CHANNEL			5u
#define ZX_EXCP_POLICY_CODE_NEW_EVENT			6u
#define ZX_EXCP_POLICY_CODE_NEW_EVENTPAIR		7u
#define ZX_EXCP_POLICY_CODE_NEW_PORT			8u
#define ZX_EXCP_POLICY_CODE_NEW_SOCKET			9u
#define ZX_EXCP_POLICY_CODE_NEW_FIFO			10u
#define ZX_EXCP_POLICY_CODE_NEW_TIMER			11u
#define ZX_EXCP_POLICY_CODE_NEW_PROCESS			12u
#define ZX_EXCP_POLICY_CODE_NEW_PROFILE			13u
#define ZX_EXCP_POLICY_CODE_AMBIENT_MARK_VMO_EXEC	14u
#define ZX_EXCP_POLICY_CODE_CHANNEL_FULL_WRITE		15u
#define ZX_EXCP_POLICY_CODE_PORT_TOO_MANY_PACKETS	16u
#define ZX_EXCP_POLICY_CODE_BAD_SYSCALL			17u
#define ZX_EXCP_POLICY_CODE_PORT_TOO_MANY_OBSERVERS	18u
#define ZX_EXCP_POLICY_CODE_HANDLE_LEAK			19u
#define ZX_EXCP_POLICY_CODE_NEW_IOB			20u

typedef struct zx_x86_64_exc_data {
	uint64_t vector;
	uint64_t err_code;
	uint64_t cr2;
} zx_x86_64_exc_data_t;

typedef struct zx_arm64_exc_data {
	uint32_t esr;
	uint8_t padding1[4];
	uint64_t far;
} zx_arm64_exc_data_t;

typedef struct zx_riscv64_exc_data {
	uint64_t cause;
	uint64_t tval;
} zx_riscv64_exc_data_t;

__ZX_EXTENSIONS_BEGIN
typedef struct zx_exception_context {
	struct {
		union {
			zx_x86_64_exc_data_t x86_64;
			__extension__ struct {
				zx_arm64_exc_data_t arm_64;
				uint8_t padding1[8];
			};
			__extension__ struct {
				zx_riscv64_exc_data_t riscv_64;
				uint8_t padding2[8];
			};
		} u;
	} arch;
	/* For synthetic exceptions: the ZX_EXCP_POLICY_CODE_* and such. */
	uint32_t synth_code;
	uint32_t synth_data;
} zx_exception_context_t;
__ZX_EXTENSIONS_END

typedef struct zx_exception_header {
	/* The report's size in bytes, this field included. */
	uint32_t size;
	zx_excp_type_t type;
} zx_exception_header_t;

typedef struct zx_exception_report {
	zx_exception_header_t header;
	zx_exception_context_t context;
} zx_exception_report_t;

/* Sent with the exception handle over an exception channel. */
typedef struct zx_exception_info {
	zx_koid_t pid;
	zx_koid_t tid;
	zx_excp_type_t type;
	uint8_t padding1[4];
} zx_exception_info_t;

/* zx_task_create_exception_channel() options. */
#define ZX_EXCEPTION_CHANNEL_DEBUGGER	((uint32_t)1)

/* zx_info_thread_t.wait_exception_channel_type. */
#define ZX_EXCEPTION_CHANNEL_TYPE_NONE		((uint32_t)0u)
#define ZX_EXCEPTION_CHANNEL_TYPE_DEBUGGER	((uint32_t)1u)
#define ZX_EXCEPTION_CHANNEL_TYPE_THREAD	((uint32_t)2u)
#define ZX_EXCEPTION_CHANNEL_TYPE_PROCESS	((uint32_t)3u)
#define ZX_EXCEPTION_CHANNEL_TYPE_JOB		((uint32_t)4u)
#define ZX_EXCEPTION_CHANNEL_TYPE_JOB_DEBUGGER	((uint32_t)5u)

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_EXCEPTION_H */
