/* Zircon's newest IOBuffer declarations, missing from the zircon/
 * headers until the header set lands (issue 14): shared regions, the
 * mediated-write ring buffer discipline and zx_iob_writev. Values from Fuchsia's
 * zircon/syscalls-next.h, types.h and rights.h. Delete after the merge.
 * Each name is guarded so that the real headers win. */
#ifndef ZXD_CLIENT_IOB_DECLS_H
#define ZXD_CLIENT_IOB_DECLS_H

#include <stddef.h>
#include <stdint.h>

#include <zircon/rights.h>
#include <zircon/syscalls/iob.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER
#define ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER \
	((zx_iob_discipline_type_t)(2u))

/* discipline.reserved of a MEDIATED_WRITE_RING_BUFFER region. */
typedef struct zx_iob_discipline_mediated_write_ring_buffer {
	uint64_t tag;
	uint64_t reserved[7];
} zx_iob_discipline_mediated_write_ring_buffer_t;
#endif

#ifndef ZX_IOB_REGION_TYPE_SHARED
#define ZX_IOB_REGION_TYPE_SHARED	((zx_iob_region_type_t)(1u))

/* max_extension of a SHARED region. */
typedef struct zx_iob_region_shared {
	uint32_t options;
	zx_handle_t shared_region;
	uint64_t padding[3];
} zx_iob_region_shared_t;
#endif

#ifndef ZX_IOB_SHARED_REGION_UPDATED
#define ZX_IOB_SHARED_REGION_UPDATED	ZX_OBJECT_SIGNALED
#endif

#ifndef ZX_OBJ_TYPE_IOB_SHARED_REGION
#define ZX_OBJ_TYPE_IOB_SHARED_REGION	((zx_obj_type_t)35u)
#endif

#ifndef ZX_DEFAULT_IOB_SHARED_REGION_RIGHTS
#define ZX_DEFAULT_IOB_SHARED_REGION_RIGHTS \
	(ZX_RIGHT_TRANSFER | ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT | \
	ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY | ZX_RIGHT_WAIT | \
	ZX_RIGHT_SIGNAL)
#endif

#ifndef ZXD_HAVE_ZX_IOVEC_T
#define ZXD_HAVE_ZX_IOVEC_T
typedef struct zx_iovec {
	void *buffer;
	size_t capacity;
} zx_iovec_t;
#endif

zx_status_t zx_iob_create_shared_region(uint64_t options, uint64_t size,
    zx_handle_t *out);
zx_status_t zx_iob_writev(zx_handle_t handle, zx_iob_write_options_t options,
    uint32_t region_index, const zx_iovec_t *vectors, size_t num_vectors);

#ifdef __cplusplus
}
#endif

#endif
