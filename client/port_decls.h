/* Ports, async waits, wait_many, timers and time: the declarations main's
 * headers lack until the header set (issue 14) lands. Every item is
 * guarded, so this file can sit beside the real headers; it is deleted
 * once they are on main. Values are Zircon's (ZIRCON-2.md §2.1-2.3). */
#ifndef ZXD_CLIENT_PORT_DECLS_H
#define ZXD_CLIENT_PORT_DECLS_H

#include <stddef.h>
#include <stdint.h>

#include <zircon/types.h>
#include <zircon/rights.h>
#include <zircon/syscalls/object.h>

#ifndef ZX_SYSCALL_EXPORT
#define ZX_SYSCALL_EXPORT	__attribute__((visibility("default")))
#endif

#ifndef ZX_PORT_BIND_TO_INTERRUPT
#define ZX_PORT_BIND_TO_INTERRUPT	((uint32_t)1u << 0)

#define ZX_WAIT_ASYNC_ONCE		((uint32_t)0u)
#define ZX_WAIT_ASYNC_TIMESTAMP		((uint32_t)1u)
#define ZX_WAIT_ASYNC_EDGE		((uint32_t)2u)
#define ZX_WAIT_ASYNC_BOOT_TIMESTAMP	((uint32_t)4u)

#define ZX_PKT_TYPE_USER		((uint8_t)0x00u)
#define ZX_PKT_TYPE_SIGNAL_ONE		((uint8_t)0x01u)
#define ZX_PKT_TYPE_GUEST_BELL		((uint8_t)0x03u)
#define ZX_PKT_TYPE_GUEST_MEM		((uint8_t)0x04u)
#define ZX_PKT_TYPE_GUEST_IO		((uint8_t)0x05u)
#define ZX_PKT_TYPE_GUEST_VCPU		((uint8_t)0x06u)
#define ZX_PKT_TYPE_INTERRUPT		((uint8_t)0x07u)
#define ZX_PKT_TYPE_PAGE_REQUEST	((uint8_t)0x09u)

#define ZX_PKT_IS_USER(type)		((type) == ZX_PKT_TYPE_USER)
#define ZX_PKT_IS_SIGNAL_ONE(type)	((type) == ZX_PKT_TYPE_SIGNAL_ONE)
#define ZX_PKT_IS_INTERRUPT(type)	((type) == ZX_PKT_TYPE_INTERRUPT)

typedef union zx_packet_user {
	uint64_t u64[4];
	uint32_t u32[8];
	uint16_t u16[16];
	uint8_t c8[32];
} zx_packet_user_t;

typedef struct zx_packet_signal {
	zx_signals_t trigger;
	zx_signals_t observed;
	uint64_t count;
	uint64_t timestamp;
	uint64_t reserved1;
} zx_packet_signal_t;

typedef struct zx_packet_interrupt {
	zx_time_t timestamp;
	uint64_t reserved0;
	uint64_t reserved1;
	uint64_t reserved2;
} zx_packet_interrupt_t;

typedef struct zx_packet_page_request {
	uint16_t command;
	uint16_t flags;
	uint32_t reserved0;
	uint64_t offset;
	uint64_t length;
	uint64_t reserved1;
} zx_packet_page_request_t;

typedef struct zx_port_packet {
	uint64_t key;
	uint32_t type;
	zx_status_t status;
	union {
		zx_packet_user_t user;
		zx_packet_signal_t signal;
		zx_packet_interrupt_t interrupt;
		zx_packet_page_request_t page_request;
	};
} zx_port_packet_t;
#endif

#ifndef ZX_WAIT_MANY_MAX_ITEMS
#define ZX_WAIT_MANY_MAX_ITEMS		((size_t)64)
#endif
#ifndef ZXD_HAVE_WAIT_ITEM
#define ZXD_HAVE_WAIT_ITEM
typedef struct zx_wait_item {
	zx_handle_t handle;
	zx_signals_t waitfor;
	zx_signals_t pending;
} zx_wait_item_t;
#endif

#ifndef ZX_TIMER_SIGNALED
#define ZX_TIMER_SIGNALED		((zx_signals_t)1u << 3)
#endif
#ifndef ZX_TIMER_SLACK_CENTER
#define ZX_TIMER_SLACK_CENTER		((uint32_t)0u)
#define ZX_TIMER_SLACK_EARLY		((uint32_t)1u)
#define ZX_TIMER_SLACK_LATE		((uint32_t)2u)
#endif
#ifndef ZX_CLOCK_MONOTONIC
#define ZX_CLOCK_MONOTONIC		((zx_clock_t)0)
#endif
#ifndef ZX_CLOCK_BOOT
#define ZX_CLOCK_BOOT			((zx_clock_t)1)
#endif

#ifndef ZX_DEFAULT_PORT_RIGHTS
#define ZX_DEFAULT_PORT_RIGHTS \
	((ZX_RIGHTS_BASIC & ~ZX_RIGHT_WAIT) | ZX_RIGHTS_IO)
#endif
#ifndef ZX_DEFAULT_TIMER_RIGHTS
#define ZX_DEFAULT_TIMER_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHT_WRITE | ZX_RIGHT_SIGNAL)
#endif

#ifndef ZX_INFO_TIMER
#define ZX_INFO_TIMER			((zx_object_info_topic_t)25u)
typedef struct zx_info_timer {
	uint32_t options;
	zx_clock_t clock_id;
	zx_time_t deadline;
	zx_duration_t slack;
} zx_info_timer_t;
#endif

#ifndef ZXD_HAVE_PORT_SYSCALLS
#define ZXD_HAVE_PORT_SYSCALLS
ZX_SYSCALL_EXPORT zx_status_t zx_port_create(uint32_t options,
    zx_handle_t *out);
ZX_SYSCALL_EXPORT zx_status_t zx_port_queue(zx_handle_t handle,
    const zx_port_packet_t *packet);
ZX_SYSCALL_EXPORT zx_status_t zx_port_wait(zx_handle_t handle,
    zx_time_t deadline, zx_port_packet_t *packet);
ZX_SYSCALL_EXPORT zx_status_t zx_port_cancel(zx_handle_t handle,
    zx_handle_t source, uint64_t key);
ZX_SYSCALL_EXPORT zx_status_t zx_port_cancel_key(zx_handle_t handle,
    uint32_t options, uint64_t key);
ZX_SYSCALL_EXPORT zx_status_t zx_object_wait_async(zx_handle_t handle,
    zx_handle_t port, uint64_t key, zx_signals_t signals, uint32_t options);
ZX_SYSCALL_EXPORT zx_status_t zx_object_wait_many(zx_wait_item_t *items,
    size_t num_items, zx_time_t deadline);
ZX_SYSCALL_EXPORT zx_status_t zx_timer_create(uint32_t options,
    zx_clock_t clock_id, zx_handle_t *out);
ZX_SYSCALL_EXPORT zx_status_t zx_timer_set(zx_handle_t handle,
    zx_time_t deadline, zx_duration_t slack);
ZX_SYSCALL_EXPORT zx_status_t zx_timer_cancel(zx_handle_t handle);
ZX_SYSCALL_EXPORT zx_time_t zx_clock_get_boot(void);
ZX_SYSCALL_EXPORT zx_ticks_t zx_ticks_get(void);
ZX_SYSCALL_EXPORT zx_ticks_t zx_ticks_get_boot(void);
ZX_SYSCALL_EXPORT zx_ticks_t zx_ticks_per_second(void);
#endif

#endif
