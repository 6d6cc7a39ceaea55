/*
 * Kernel debuglog records, for zx_debuglog_read() (not supported by zxd).
 */
#ifndef ZIRCON_SYSCALLS_LOG_H
#define ZIRCON_SYSCALLS_LOG_H

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

__ZX_EXTENSIONS_BEGIN
typedef struct zx_log_record {
	/* One more than the previous record's. */
	uint64_t sequence;
	uint8_t padding1[4];
	uint16_t datalen;
	uint8_t severity;
	uint8_t flags;
	zx_instant_boot_t timestamp;
	uint64_t pid;
	uint64_t tid;
	__extension__ char data[];
} zx_log_record_t;
__ZX_EXTENSIONS_END

/* A record, header included, is at most this long. */
#define ZX_LOG_RECORD_MAX	((size_t)256)
#define ZX_LOG_RECORD_DATA_MAX	(ZX_LOG_RECORD_MAX - sizeof(zx_log_record_t))

/* Severities. */
#define ZX_LOG_TRACE		(0x10)
#define ZX_LOG_DEBUG		(0x20)
#define ZX_LOG_INFO		(0x30)
#define ZX_LOG_WARNING		(0x40)
#define ZX_LOG_ERROR		(0x50)
#define ZX_LOG_FATAL		(0x60)

/* Flags. */
#define ZX_LOG_LOCAL		(0x10)
#define ZX_LOG_FLAGS_MASK	(0x10)

/* zx_debuglog_create() options. */
#define ZX_LOG_FLAG_READABLE	0x40000000

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_LOG_H */
