/* The one place the daemon turns a negative errno into a status. */
#ifndef ZXD_ERRNO_H
#define ZXD_ERRNO_H

#include <zircon/types.h>

zx_status_t errno_to_status(int negative_errno);

#endif
