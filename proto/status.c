#include "config-build.h"

#include <errno.h>

#include <zircon/errors.h>

#include "proto/status.h"

zx_status_t
status_from_errno(int e, zx_status_t otherwise)
{
	switch (-e) {
	case 0:
		return ZX_OK;
	case ENOMEM:
	case ENOSPC:
	case EFBIG:
		return ZX_ERR_NO_MEMORY;
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
		return ZX_ERR_NO_RESOURCES;
	case EINVAL:
	case EFAULT:
		return ZX_ERR_INVALID_ARGS;
	case EACCES:
	case EPERM:
		return ZX_ERR_ACCESS_DENIED;
	case EBADF:
	case ENOTSOCK:
		return ZX_ERR_BAD_HANDLE;
	case EPIPE:
	case ECONNRESET:
		return ZX_ERR_PEER_CLOSED;
	case ENOENT:
		return ZX_ERR_NOT_FOUND;
	case EIO:
		return ZX_ERR_IO;
	case ERANGE:
	case EOVERFLOW:
		return ZX_ERR_OUT_OF_RANGE;
	case ENOTSUP:
		return ZX_ERR_NOT_SUPPORTED;
	default:
		return otherwise;
	}
}
