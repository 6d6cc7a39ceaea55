/* usercopy_from_user / usercopy_to_user: the Linux kernel checks the
 * caller's pointers for libzx. process_vm_readv/writev on this very
 * process copy like memcpy but answer EFAULT where memcpy would crash.
 * Where they are not allowed (a seccomp filter without them), a pipe
 * does the same job: write(2) from or read(2) into the caller's buffer
 * fails with EFAULT too. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
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

/* This process's pid, without a getpid(2) per copy; a forked child
 * forgets it (usercopy_atfork_child). */
static atomic_int self_pid;

void
usercopy_atfork_child(void)
{
	atomic_store(&self_pid, 0);
}

static pid_t
self(void)
{
	pid_t p = atomic_load_explicit(&self_pid, memory_order_relaxed);

	if (p == 0) {
		p = getpid();
		atomic_store_explicit(&self_pid, p, memory_order_relaxed);
	}
	return p;
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
		r = process_vm_readv(self(), &local, 1, &remote, 1, 0);
	} else {
		local = (struct iovec){ (void *)src, n };
		remote = (struct iovec){ dst, n };
		r = process_vm_writev(self(), &local, 1, &remote, 1, 0);
	}
	if (r == (ssize_t)n)
		return ZX_OK;
	if (r < 0 && (errno == ENOSYS || errno == EPERM))
		return via_pipe(dst, src, n);
	return ZX_ERR_INVALID_ARGS;
}

zx_status_t
usercopy_to_user2(void *dst0, const void *src0, size_t n0, void *dst1,
    const void *src1, size_t n1)
{
	struct iovec local[2], remote[2];
	int k = 0;
	ssize_t r;

	if ((n0 > 0 && dst0 == NULL) || (n1 > 0 && dst1 == NULL))
		return ZX_ERR_INVALID_ARGS;
	if (n0 > 0) {
		local[k] = (struct iovec){ (void *)src0, n0 };
		remote[k++] = (struct iovec){ dst0, n0 };
	}
	if (n1 > 0) {
		local[k] = (struct iovec){ (void *)src1, n1 };
		remote[k++] = (struct iovec){ dst1, n1 };
	}
	if (k == 0)
		return ZX_OK;
	/* One call writes both, in order (a fault in the first leaves the
	 * second unwritten, as two copies one after the other). */
	r = process_vm_writev(self(), local, (unsigned long)k, remote,
	    (unsigned long)k, 0);
	if (r == (ssize_t)(n0 + n1))
		return ZX_OK;
	if (r < 0 && (errno == ENOSYS || errno == EPERM)) {
		zx_status_t st = usercopy_to_user(dst0, src0, n0);

		return st == ZX_OK ? usercopy_to_user(dst1, src1, n1) : st;
	}
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
