/* Assertions tests share (criterion): header-only, so that libzxdtest
 * itself needs no criterion (the benchmarks link it). */
#ifndef ZXD_TESTS_ZXDCHECK_H
#define ZXD_TESTS_ZXDCHECK_H

#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

/* ZX_INFO_HANDLE_BASIC of h, which must be a handle. */
static inline zx_info_handle_basic_t
basic_of(zx_handle_t h)
{
	zx_info_handle_basic_t info;

	memset(&info, 0, sizeof(info));
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info,
	    sizeof(info), NULL, NULL), ZX_OK);
	return info;
}

/* Reap child pid: its exit status, or 128 + the signal that killed it. */
static inline int
wait_child(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
