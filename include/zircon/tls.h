/*
 * Thread-pointer offsets Zircon's ABI reserves for the stack guard and
 * the unsafe stack pointer. On Linux these slots belong to glibc; the
 * values are here for code that names them.
 */
#ifndef ZIRCON_TLS_H
#define ZIRCON_TLS_H

#if defined(__x86_64__)
#define ZX_TLS_STACK_GUARD_OFFSET	0x10
#define ZX_TLS_UNSAFE_SP_OFFSET		0x18
#elif defined(__aarch64__)
#define ZX_TLS_STACK_GUARD_OFFSET	(-0x10)
#define ZX_TLS_UNSAFE_SP_OFFSET		(-0x8)
#elif defined(__riscv)
#define ZX_TLS_STACK_GUARD_OFFSET	(-0x10)
#define ZX_TLS_UNSAFE_SP_OFFSET		(-0x8)
#endif

#endif /* ZIRCON_TLS_H */
