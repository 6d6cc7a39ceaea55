/* VMAR declarations main's headers do not have yet (issue 14 brings
 * them; this file goes once they land). */
#ifndef ZXD_CLIENT_VMAR_DECLS_H
#define ZXD_CLIENT_VMAR_DECLS_H

#include <stddef.h>

#include <zircon/types.h>

zx_status_t zx_vmar_allocate(zx_handle_t parent_vmar, zx_vm_option_t options,
    size_t offset, size_t size, zx_handle_t *child_vmar,
    zx_vaddr_t *child_addr);
zx_status_t zx_vmar_destroy(zx_handle_t handle);
zx_status_t zx_vmar_op_range(zx_handle_t handle, uint32_t op,
    zx_vaddr_t address, size_t size, void *buffer, size_t buffer_size);

#endif
