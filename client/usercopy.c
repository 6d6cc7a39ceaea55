/* usercopy_from_user / usercopy_to_user: the Linux kernel checks the
 * caller's pointers for libzx. process_vm_readv/writev on this very
 * process copy like memcpy but answer EFAULT where memcpy would crash.
 * Where they are not allowed (a seccomp filter without them), a pipe
 * does the same job: write(2) from or read(2) into the caller's buffer
 * fails with EFAULT too. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/uio.h>
#include <unistd.h>

#include "client/usercopy.h"

/* Through a pipe, in pieces it can hold. */
static zx_status_t
via_pipe(void *dst, const void *src, size_t n)
{
	int p[2];
	zx_status_t st = ZX_OK;

	if (pipe2(p, O_CLOEXEC) < 0)
		return ZX_ERR_NO_RESOURCES;
	while (n > 0 && st == ZX_OK) {
		size_t chunk = n < 4096 ? n : 4096;
		ssize_t w = write(p[1], src, chunk), r;

		if (w <= 0) {
			st = ZX_ERR_INVALID_ARGS;
			break;
		}
		r = read(p[0], dst, (size_t)w);
		if (r != w) {
			st = ZX_ERR_INVALID_ARGS;
			break;
		}
		src = (const char *)src + w;
		dst = (char *)dst + w;
		n -= (size_t)w;
	}
	close(p[0]);
	close(p[1]);
	return st;
}

static zx_status_t
copy(void *dst, const void *src, size_t n, bool from_user)
{
	struct iovec local = { dst, n }, remote = { (void *)src, n };
	ssize_t r;

	if (n == 0)
		return ZX_OK;
	if (dst == NULL || src == NULL)
		return ZX_ERR_INVALID_ARGS;
	if (from_user) {
		r = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	} else {
		local = (struct iovec){ (void *)src, n };
		remote = (struct iovec){ dst, n };
		r = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	}
	if (r == (ssize_t)n)
		return ZX_OK;
	if (r < 0 && (errno == ENOSYS || errno == EPERM))
		return via_pipe(dst, src, n);
	return ZX_ERR_INVALID_ARGS;
}

zx_status_t
usercopy_from_user(void *dst, const void *src, size_t n)
{
	return copy(dst, src, n, true);
}

zx_status_t
usercopy_to_user(void *dst, const void *src, size_t n)
{
	return copy(dst, src, n, false);
}
