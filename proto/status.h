/* The one errno -> zx_status_t conversion, used by zxd and libzx. */
#ifndef ZXD_PROTO_STATUS_H
#define ZXD_PROTO_STATUS_H

#include <zircon/types.h>

/* The status for -errno `negative_errno` (0 gives ZX_OK); an errno
 * without a meaning of its own gives `otherwise`. */
zx_status_t status_from_errno(int negative_errno, zx_status_t otherwise);

#endif
