/*
 * Declarations for sockets, FIFOs and virtual interrupts until the
 * header set (issue 14) lands: Zircon's names and values. Deleted once
 * <zircon/types.h>, <zircon/syscalls.h> and <zircon/syscalls/object.h>
 * carry them.
 */
#ifndef ZXD_CLIENT_SOCKET_DECLS_H
#define ZXD_CLIENT_SOCKET_DECLS_H

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ZX_SOCKET_STREAM
#define ZX_SOCKET_STREAM		((uint32_t)0u)
#define ZX_SOCKET_DATAGRAM		((uint32_t)1u << 0)
#define ZX_SOCKET_CREATE_MASK		(ZX_SOCKET_DATAGRAM)
#define ZX_SOCKET_PEEK			((uint32_t)1u << 3)
#define ZX_SOCKET_DISPOSITION_WRITE_DISABLED	((uint32_t)1u << 0)
#define ZX_SOCKET_DISPOSITION_WRITE_ENABLED	((uint32_t)1u << 1)
#endif
#ifndef ZX_SOCKET_READABLE
#define ZX_SOCKET_READABLE		ZX_OBJECT_READABLE
#define ZX_SOCKET_WRITABLE		ZX_OBJECT_WRITABLE
#define ZX_SOCKET_PEER_CLOSED		ZX_OBJECT_PEER_CLOSED
#define ZX_SOCKET_PEER_WRITE_DISABLED	((zx_signals_t)1u << 4)
#define ZX_SOCKET_WRITE_DISABLED	((zx_signals_t)1u << 5)
#define ZX_SOCKET_READ_THRESHOLD	((zx_signals_t)1u << 10)
#define ZX_SOCKET_WRITE_THRESHOLD	((zx_signals_t)1u << 11)
#define ZX_FIFO_READABLE		ZX_OBJECT_READABLE
#define ZX_FIFO_WRITABLE		ZX_OBJECT_WRITABLE
#define ZX_FIFO_PEER_CLOSED		ZX_OBJECT_PEER_CLOSED
#endif
#ifndef ZX_VIRTUAL_INTERRUPT_UNTRIGGERED
#define ZX_VIRTUAL_INTERRUPT_UNTRIGGERED ((zx_signals_t)1u << 4)
#endif
#ifndef ZX_FIFO_MAX_SIZE_BYTES
#define ZX_FIFO_MAX_SIZE_BYTES		4096u
#endif
#ifndef ZX_INTERRUPT_VIRTUAL
#define ZX_INTERRUPT_REMAP_IRQ		((uint32_t)0x1u)
#define ZX_INTERRUPT_MODE_DEFAULT	((uint32_t)0u << 1)
#define ZX_INTERRUPT_MODE_EDGE_LOW	((uint32_t)1u << 1)
#define ZX_INTERRUPT_MODE_EDGE_HIGH	((uint32_t)2u << 1)
#define ZX_INTERRUPT_MODE_LEVEL_LOW	((uint32_t)3u << 1)
#define ZX_INTERRUPT_MODE_LEVEL_HIGH	((uint32_t)4u << 1)
#define ZX_INTERRUPT_MODE_EDGE_BOTH	((uint32_t)5u << 1)
#define ZX_INTERRUPT_MODE_MASK		((uint32_t)0xe)
#define ZX_INTERRUPT_VIRTUAL		((uint32_t)0x10)
#endif
#ifndef ZX_INTERRUPT_WAKE_VECTOR
#define ZX_INTERRUPT_WAKE_VECTOR	((uint32_t)0x20)
#endif
#ifndef ZX_INTERRUPT_TIMESTAMP_MONO
#define ZX_INTERRUPT_TIMESTAMP_MONO	((uint32_t)1u << 6)
#endif
#ifndef ZX_INTERRUPT_BIND
#define ZX_INTERRUPT_BIND		((uint32_t)0x0u)
#define ZX_INTERRUPT_UNBIND		((uint32_t)0x1u)
#define ZX_INTERRUPT_SLOT_USER		((uint32_t)62u)
#define ZX_INTERRUPT_MAX_SLOTS		((uint32_t)62u)
#endif

#ifndef ZX_DEFAULT_SOCKET_RIGHTS
#define ZX_DEFAULT_SOCKET_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_GET_PROPERTY | \
	    ZX_RIGHT_SET_PROPERTY | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER | \
	    ZX_RIGHT_MANAGE_SOCKET)
#define ZX_DEFAULT_FIFO_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_SIGNAL | \
	    ZX_RIGHT_SIGNAL_PEER)
#define ZX_DEFAULT_INTERRUPT_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_SIGNAL)
#endif

#ifndef ZX_PROP_SOCKET_RX_THRESHOLD
#define ZX_PROP_SOCKET_RX_THRESHOLD	((uint32_t)12u)
#define ZX_PROP_SOCKET_TX_THRESHOLD	((uint32_t)13u)
#endif
#ifndef ZX_INFO_SOCKET
#define ZX_INFO_SOCKET			((zx_object_info_topic_t)22u)
typedef struct zx_info_socket {
	uint32_t options;
	uint8_t padding1[4];
	size_t rx_buf_max;
	size_t rx_buf_size;
	size_t rx_buf_available;
	size_t tx_buf_max;
	size_t tx_buf_size;
} zx_info_socket_t;
#endif
#ifndef ZX_INFO_INTERRUPT
/* The value was not found in the sources read (ZIRCON-2.md §2.9). */
#define ZX_INFO_INTERRUPT		((zx_object_info_topic_t)41u)
typedef struct zx_info_interrupt {
	uint32_t options;
} zx_info_interrupt_t;
#endif

#ifndef ZX_PKT_TYPE_INTERRUPT
#define ZX_PKT_TYPE_INTERRUPT		((uint32_t)0x07u)
#define ZX_PORT_BIND_TO_INTERRUPT	((uint32_t)(0x1u << 0))
#endif

zx_status_t zx_socket_create(uint32_t options, zx_handle_t *out0,
    zx_handle_t *out1);
zx_status_t zx_socket_write(zx_handle_t handle, uint32_t options,
    const void *buffer, size_t buffer_size, size_t *actual);
zx_status_t zx_socket_read(zx_handle_t handle, uint32_t options,
    void *buffer, size_t buffer_size, size_t *actual);
zx_status_t zx_socket_set_disposition(zx_handle_t handle,
    uint32_t disposition, uint32_t disposition_peer);

zx_status_t zx_fifo_create(size_t elem_count, size_t elem_size,
    uint32_t options, zx_handle_t *out0, zx_handle_t *out1);
zx_status_t zx_fifo_write(zx_handle_t handle, size_t elem_size,
    const void *data, size_t count, size_t *actual_count);
zx_status_t zx_fifo_read(zx_handle_t handle, size_t elem_size, void *data,
    size_t data_size, size_t *actual_count);

zx_status_t zx_interrupt_create(zx_handle_t src_obj, uint32_t src_num,
    uint32_t options, zx_handle_t *out_handle);
zx_status_t zx_interrupt_bind(zx_handle_t handle, zx_handle_t port_handle,
    uint64_t key, uint32_t options);
zx_status_t zx_interrupt_wait(zx_handle_t handle, zx_time_t *out_timestamp);
zx_status_t zx_interrupt_destroy(zx_handle_t handle);
zx_status_t zx_interrupt_ack(zx_handle_t handle);
zx_status_t zx_interrupt_trigger(zx_handle_t handle, uint32_t options,
    zx_time_t timestamp);

#ifdef __cplusplus
}
#endif

#endif
