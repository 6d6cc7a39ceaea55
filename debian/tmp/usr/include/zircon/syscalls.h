/*
 * The Zircon calls libzx provides, with Zircon's signatures.
 *
 * Including this header pulls in every public Zircon header zxd ships, as
 * on Fuchsia, so programs need nothing else. Calls that Zircon publishes
 * only in <zircon/syscalls-next.h> (zx_iob_allocate_id,
 * zx_handle_check_valid) are declared here too.
 */
#ifndef ZIRCON_SYSCALLS_H
#define ZIRCON_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>
#include <zircon/types.h>

/*
 * libzx is built with -fvisibility=hidden; this marks what it exports.
 * <zircon/status.h> defines the same macro.
 */
#ifndef ZX_SYSCALL_EXPORT
#if defined(__GNUC__) || defined(__clang__)
#define ZX_SYSCALL_EXPORT	__attribute__((visibility("default")))
#else
#define ZX_SYSCALL_EXPORT
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Handles. */

ZX_SYSCALL_EXPORT zx_status_t zx_handle_close(zx_handle_t handle);
ZX_SYSCALL_EXPORT zx_status_t zx_handle_close_many(
    const zx_handle_t *handles, size_t num_handles);
ZX_SYSCALL_EXPORT zx_status_t zx_handle_duplicate(zx_handle_t handle,
    zx_rights_t rights, zx_handle_t *out);
ZX_SYSCALL_EXPORT zx_status_t zx_handle_replace(zx_handle_t handle,
    zx_rights_t rights, zx_handle_t *out);
ZX_SYSCALL_EXPORT zx_status_t zx_handle_check_valid(zx_handle_t handle);

/* Objects. */

ZX_SYSCALL_EXPORT zx_status_t zx_object_get_info(zx_handle_t handle,
    zx_object_info_topic_t topic, void *buffer, size_t buffer_size,
    size_t *actual, size_t *avail);
ZX_SYSCALL_EXPORT zx_status_t zx_object_get_property(zx_handle_t handle,
    uint32_t property, void *value, size_t value_size);
ZX_SYSCALL_EXPORT zx_status_t zx_object_set_property(zx_handle_t handle,
    uint32_t property, const void *value, size_t value_size);
ZX_SYSCALL_EXPORT zx_status_t zx_object_signal(zx_handle_t handle,
    uint32_t clear_mask, uint32_t set_mask);
ZX_SYSCALL_EXPORT zx_status_t zx_object_signal_peer(zx_handle_t handle,
    uint32_t clear_mask, uint32_t set_mask);
ZX_SYSCALL_EXPORT zx_status_t zx_object_wait_one(zx_handle_t handle,
    zx_signals_t signals, zx_time_t deadline, zx_signals_t *observed);

/* Events. */

ZX_SYSCALL_EXPORT zx_status_t zx_event_create(uint32_t options,
    zx_handle_t *out);
ZX_SYSCALL_EXPORT zx_status_t zx_eventpair_create(uint32_t options,
    zx_handle_t *out0, zx_handle_t *out1);

/* System and time. */

ZX_SYSCALL_EXPORT uint32_t zx_system_get_page_size(void);
ZX_SYSCALL_EXPORT zx_time_t zx_clock_get_monotonic(void);
ZX_SYSCALL_EXPORT zx_time_t zx_deadline_after(zx_duration_t nanoseconds);
ZX_SYSCALL_EXPORT zx_status_t zx_nanosleep(zx_time_t deadline);

/* VMOs. */

ZX_SYSCALL_EXPORT zx_status_t zx_vmo_create(uint64_t size, uint32_t options,
    zx_handle_t *out);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_read(zx_handle_t handle, void *buffer,
    uint64_t offset, size_t buffer_size);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_write(zx_handle_t handle,
    const void *buffer, uint64_t offset, size_t buffer_size);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_get_size(zx_handle_t handle,
    uint64_t *size);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_set_size(zx_handle_t handle,
    uint64_t size);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_get_stream_size(zx_handle_t handle,
    uint64_t *size);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_set_stream_size(zx_handle_t handle,
    uint64_t size);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_create_child(zx_handle_t handle,
    uint32_t options, uint64_t offset, uint64_t size, zx_handle_t *out);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_op_range(zx_handle_t handle,
    uint32_t op, uint64_t offset, uint64_t size, void *buffer,
    size_t buffer_size);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_set_cache_policy(zx_handle_t handle,
    uint32_t cache_policy);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_create_physical(zx_handle_t resource,
    zx_paddr_t paddr, size_t size, zx_handle_t *out);
ZX_SYSCALL_EXPORT zx_status_t zx_vmo_create_contiguous(zx_handle_t bti,
    size_t size, uint32_t alignment_log2, zx_handle_t *out);

/* VMARs. */

ZX_SYSCALL_EXPORT zx_handle_t zx_vmar_root_self(void);
ZX_SYSCALL_EXPORT zx_status_t zx_vmar_map(zx_handle_t handle,
    zx_vm_option_t options, size_t vmar_offset, zx_handle_t vmo,
    uint64_t vmo_offset, size_t len, zx_vaddr_t *mapped_addr);
ZX_SYSCALL_EXPORT zx_status_t zx_vmar_unmap(zx_handle_t handle,
    zx_vaddr_t addr, size_t len);
ZX_SYSCALL_EXPORT zx_status_t zx_vmar_protect(zx_handle_t handle,
    zx_vm_option_t options, zx_vaddr_t addr, size_t len);
ZX_SYSCALL_EXPORT zx_status_t zx_vmar_map_iob(zx_handle_t handle,
    zx_vm_option_t options, size_t vmar_offset, zx_handle_t ep,
    uint32_t region_index, uint64_t region_offset, size_t region_len,
    zx_vaddr_t *mapped_addr);

/* IOBuffers. */

ZX_SYSCALL_EXPORT zx_status_t zx_iob_create(uint64_t options,
    const zx_iob_region_t *regions, uint32_t num_regions,
    zx_handle_t *ep0_out, zx_handle_t *ep1_out);
ZX_SYSCALL_EXPORT zx_status_t zx_iob_allocate_id(zx_handle_t handle,
    zx_iob_allocate_id_options_t options, uint32_t region_index,
    const void *blob, size_t blob_size, uint32_t *id);

/* Channels. */

ZX_SYSCALL_EXPORT zx_status_t zx_channel_create(uint32_t options,
    zx_handle_t *out0, zx_handle_t *out1);
ZX_SYSCALL_EXPORT zx_status_t zx_channel_write(zx_handle_t handle,
    uint32_t options, const void *bytes, uint32_t num_bytes,
    const zx_handle_t *handles, uint32_t num_handles);
ZX_SYSCALL_EXPORT zx_status_t zx_channel_read(zx_handle_t handle,
    uint32_t options, void *bytes, zx_handle_t *handles, uint32_t num_bytes,
    uint32_t num_handles, uint32_t *actual_bytes, uint32_t *actual_handles);
ZX_SYSCALL_EXPORT zx_status_t zx_channel_call(zx_handle_t handle,
    uint32_t options, zx_time_t deadline, const zx_channel_call_args_t *args,
    uint32_t *actual_bytes, uint32_t *actual_handles);

/* Resources, IOMMUs, BTIs and PMTs. */

ZX_SYSCALL_EXPORT zx_status_t zx_resource_create(zx_handle_t parent_rsrc,
    uint32_t options, uint64_t base, size_t size, const char *name,
    size_t name_size, zx_handle_t *resource_out);
ZX_SYSCALL_EXPORT zx_status_t zx_iommu_create(zx_handle_t resource,
    uint32_t type, const void *desc, size_t desc_size, zx_handle_t *out);
ZX_SYSCALL_EXPORT zx_status_t zx_bti_create(zx_handle_t iommu,
    uint32_t options, uint64_t bti_id, zx_handle_t *out);
ZX_SYSCALL_EXPORT zx_status_t zx_bti_pin(zx_handle_t handle,
    uint32_t options, zx_handle_t vmo, uint64_t offset, uint64_t size,
    zx_paddr_t *addrs, size_t num_addrs, zx_handle_t *pmt);
ZX_SYSCALL_EXPORT zx_status_t zx_bti_release_quarantine(zx_handle_t handle);
ZX_SYSCALL_EXPORT zx_status_t zx_pmt_unpin(zx_handle_t handle);

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_H */
