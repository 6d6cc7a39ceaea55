/* Channel declarations main's headers do not have yet (issue 14 brings
 * them; this file goes once they land). Included by libzx, the daemon's
 * channel code and the tests. */
#ifndef ZXD_CLIENT_CHANNEL_DECLS_H
#define ZXD_CLIENT_CHANNEL_DECLS_H

#include <zircon/types.h>

#ifndef ZX_HANDLE_OP_MOVE
#define ZX_CHANNEL_WRITE_USE_IOVEC	((uint32_t)2u)
#define ZX_CHANNEL_MAX_MSG_IOVECS	((uint32_t)8192u)

#define ZX_HANDLE_OP_MOVE		((zx_handle_op_t)0u)
#define ZX_HANDLE_OP_DUPLICATE		((zx_handle_op_t)1u)

typedef uint32_t zx_handle_op_t;

typedef struct zx_handle_disposition {
	zx_handle_op_t operation;
	zx_handle_t handle;
	zx_obj_type_t type;
	zx_rights_t rights;
	zx_status_t result;
} zx_handle_disposition_t;

typedef struct zx_handle_info {
	zx_handle_t handle;
	zx_obj_type_t type;
	zx_rights_t rights;
	uint32_t unused;
} zx_handle_info_t;

typedef struct zx_channel_call_etc_args {
	const void *wr_bytes;
	zx_handle_disposition_t *wr_handles;
	void *rd_bytes;
	zx_handle_info_t *rd_handles;
	uint32_t wr_num_bytes;
	uint32_t wr_num_handles;
	uint32_t rd_num_bytes;
	uint32_t rd_num_handles;
} zx_channel_call_etc_args_t;

typedef struct zx_channel_iovec {
	const void *buffer;
	uint32_t capacity;
	uint32_t reserved;
} zx_channel_iovec_t;
#endif

zx_status_t zx_channel_write_etc(zx_handle_t handle, uint32_t options,
    const void *bytes, uint32_t num_bytes,
    zx_handle_disposition_t *handles, uint32_t num_handles);
zx_status_t zx_channel_read_etc(zx_handle_t handle, uint32_t options,
    void *bytes, zx_handle_info_t *handles, uint32_t num_bytes,
    uint32_t num_handles, uint32_t *actual_bytes,
    uint32_t *actual_handles);
zx_status_t zx_channel_call_etc(zx_handle_t handle, uint32_t options,
    zx_time_t deadline, zx_channel_call_etc_args_t *args,
    uint32_t *actual_bytes, uint32_t *actual_handles);

#endif
