/*
 * The stubs client/syscalls.c makes of client/syscalls.tab's unsupported
 * calls, run without a daemon (none of them reaches one): every call
 * returning a status returns ZX_ERR_NOT_SUPPORTED, every call returning a
 * handle returns ZX_HANDLE_INVALID, and every other one aborts with a
 * message naming itself; each _zx_ twin does the same.
 *
 * The list of calls comes from cdecls.inc and the table, expanded here as
 * libzx expands it. The stubs ignore their arguments, so each is called
 * through a pointer taking eight zero integers (every Zircon call takes
 * only integers and pointers, at most eight).
 */
#include "config-build.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <zircon/process.h>
#include <zircon/syscalls.h>

#include "client/syscalls-tab.h"

enum kind { STATUS, HANDLE, ABORTS };

#define KIND_zx_status_t		STATUS
#define KIND_zx_handle_t		HANDLE
#define KIND_void			ABORTS
#define KIND_uint32_t			ABORTS
#define KIND_uint64_t			ABORTS
#define KIND_zx_ticks_t			ABORTS
#define KIND_zx_instant_mono_t		ABORTS
#define KIND_zx_instant_boot_t		ABORTS
#define KIND_zx_instant_mono_ticks_t	ABORTS
#define KIND_zx_instant_boot_ticks_t	ABORTS
#define KIND_zx_string_view_t		ABORTS

struct call {
	const char *name;
	enum kind kind;
	void (*fn)(void);
	void (*twin)(void);
};

#define ENTRY_IMPLEMENTED(name, type)
#define ENTRY_UNSUPPORTED(name, type) \
	{ #name, KIND_##type, (void (*)(void))zx_##name, \
	  (void (*)(void))_zx_##name },
#define ENTRY_PICK2(state, ...)	ENTRY_##state(__VA_ARGS__)
#define ENTRY_PICK(state, ...)	ENTRY_PICK2(state, __VA_ARGS__)
#define _ZX_SYSCALL_DECL(name, type, attrs, nargs, args, params) \
	ENTRY_PICK(ZXD_SYSCALL_##name, name, type)

static const struct call calls[] = {
#include <zircon/syscalls/internal/cdecls.inc>
#include <zircon/syscalls/internal/process.inc>
};

#undef _ZX_SYSCALL_DECL

#define NCALLS	(sizeof(calls) / sizeof(calls[0]))

typedef zx_status_t (*status_fn)(long, long, long, long, long, long, long,
    long);
typedef zx_handle_t (*handle_fn)(long, long, long, long, long, long, long,
    long);
typedef void (*any_fn)(long, long, long, long, long, long, long, long);

Test(unsupported, statuses_and_handles)
{
	size_t i, n = 0;

	for (i = 0; i < NCALLS; i++) {
		const struct call *c = &calls[i];

		if (c->kind == STATUS) {
			cr_expect_eq(((status_fn)c->fn)(0, 0, 0, 0, 0, 0, 0, 0),
			    ZX_ERR_NOT_SUPPORTED, "zx_%s", c->name);
			cr_expect_eq(((status_fn)c->twin)(0, 0, 0, 0, 0, 0, 0,
			    0), ZX_ERR_NOT_SUPPORTED, "_zx_%s", c->name);
			n++;
		} else if (c->kind == HANDLE) {
			cr_expect_eq(((handle_fn)c->fn)(0, 0, 0, 0, 0, 0, 0, 0),
			    ZX_HANDLE_INVALID, "zx_%s", c->name);
			cr_expect_eq(((handle_fn)c->twin)(0, 0, 0, 0, 0, 0, 0,
			    0), ZX_HANDLE_INVALID, "_zx_%s", c->name);
			n++;
		}
	}
	cr_log_info("%zu unsupported calls return a status or a handle", n);
}

/* Runs fn in a child; returns its stderr, and whether it aborted. */
static int
aborts_with(void (*fn)(void), char *msg, size_t size)
{
	int p[2], st;
	ssize_t got;
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		dup2(p[1], 2);
		((any_fn)fn)(0, 0, 0, 0, 0, 0, 0, 0);
		_exit(0);
	}
	close(p[1]);
	got = read(p[0], msg, size - 1);
	msg[got > 0 ? got : 0] = '\0';
	close(p[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

Test(unsupported, value_calls_abort_with_a_message)
{
	char msg[256], want[128];
	size_t i;

	for (i = 0; i < NCALLS; i++) {
		const struct call *c = &calls[i];

		if (c->kind != ABORTS)
			continue;
		snprintf(want, sizeof(want),
		    "libzx: zx_%s is not supported by zxd\n", c->name);
		cr_expect(aborts_with(c->fn, msg, sizeof(msg)), "zx_%s",
		    c->name);
		cr_expect_str_eq(msg, want);
		cr_expect(aborts_with(c->twin, msg, sizeof(msg)), "_zx_%s",
		    c->name);
		cr_expect_str_eq(msg, want);
	}
}

/* An implemented call's twin is the call: same answer, no stub. */
Test(unsupported, twins_of_implemented_calls)
{
	cr_assert_eq(_zx_system_get_page_size(), zx_system_get_page_size());
	cr_assert_eq(_zx_handle_close(ZX_HANDLE_INVALID), ZX_OK);
	cr_assert_eq(_zx_handle_close(0x7ffffff3), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(_zx_deadline_after(ZX_TIME_INFINITE), ZX_TIME_INFINITE);
}
