/* libzx's own additions to the Zircon API. */
#ifndef ZXD_ZXD_H
#define ZXD_ZXD_H

#include <stddef.h>

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where clients look for the daemon when ZXD_SOCKET is not set. */
#define ZXD_DEFAULT_SOCKET "/run/zxd/zxd.sock"

#define ZXD_EXPORT __attribute__((visibility("default")))

/* The root resource, for a peer that zxd's policy admits
 * (default policy: uid 0 only). ZX_ERR_ACCESS_DENIED otherwise. */
ZXD_EXPORT zx_status_t zxd_get_root_resource(zx_handle_t *out);

/* Hand a handle to another process by other means than a channel
 * (fork/exec inheritance, SCM_RIGHTS on a socket of your own).
 * export consumes the handle (it needs ZX_RIGHT_TRANSFER) and returns a
 * file descriptor good for exactly one import; import consumes the fd
 * and returns a handle to the same object with the same rights.
 * The fd is close-on-exec; a token closed unused frees its handle. An fd
 * that is not an unused token gives ZX_ERR_BAD_HANDLE (and is consumed).
 * See zxd_handle_export(3). */
ZXD_EXPORT zx_status_t zxd_handle_export(zx_handle_t handle, int *fd_out);
ZXD_EXPORT zx_status_t zxd_handle_import(int fd, zx_handle_t *out);

/* The simulated DMA engine of the `sim` backend: a device behind `bti`
 * reads or writes device addresses that zx_bti_pin handed out.
 * ZX_ERR_NOT_FOUND where an address is not pinned through this BTI,
 * ZX_ERR_ACCESS_DENIED for a write to a page pinned without
 * ZX_BTI_PERM_WRITE (or a read without ZX_BTI_PERM_READ). The whole
 * range is checked before any byte moves. Reading needs ZX_RIGHT_READ
 * on bti, writing ZX_RIGHT_WRITE. */
ZXD_EXPORT zx_status_t zxd_sim_dma_read(zx_handle_t bti, zx_paddr_t addr,
    void *buf, size_t len);
ZXD_EXPORT zx_status_t zxd_sim_dma_write(zx_handle_t bti, zx_paddr_t addr,
    const void *buf, size_t len);

/* The simulated device's completion interrupt: from now on, every
 * transfer through `bti` (zxd_sim_dma_read or zxd_sim_dma_write) that
 * succeeds triggers the virtual interrupt `irq`, as zx_interrupt_trigger
 * with the completion time (ZX_CLOCK_MONOTONIC) as its timestamp.
 * `irq` must have ZX_RIGHT_SIGNAL (else ZX_ERR_ACCESS_DENIED); bti needs
 * ZX_RIGHT_WRITE. The BTI does not keep the interrupt alive. Several
 * interrupts may be attached to one BTI; ZX_HANDLE_INVALID detaches
 * them all. See zxd_sim_dma_set_interrupt(3). */
ZXD_EXPORT zx_status_t zxd_sim_dma_set_interrupt(zx_handle_t bti,
    zx_handle_t irq);

#ifdef __cplusplus
}
#endif

#endif
