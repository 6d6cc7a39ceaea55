/* Running zxctl from a test (criterion): its output, its exit status,
 * as root or as another uid. Header-only, as zxdcheck.h. */
#ifndef ZXD_TESTS_ZXCTLRUN_H
#define ZXD_TESTS_ZXCTLRUN_H

#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

/* $ZXD_TOP_BUILDDIR/rel (the build tree; "." when unset), allocated. */
static inline char *
builddir_path(const char *rel)
{
	const char *top = getenv("ZXD_TOP_BUILDDIR");
	char *p;

	cr_assert(asprintf(&p, "%s/%s", top ? top : ".", rel) > 0);
	return p;
}

/* In a child about to exec: become uid (0: stay as we are). */
static inline void
drop_to(uid_t uid)
{
	if (uid == 0)
		return;
	if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)
		_exit(126);
}

/* Read all of fd into a NUL-terminated buffer. */
static inline char *
slurp(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	cr_assert_not_null(buf);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

/*
 * Run zxctl ARGS... as uid (0: as we are); its stdout in *out, stderr in
 * *err (either may be NULL). Returns its exit status.
 */
static inline int
zxctl_as(uid_t uid, char **out, char **err, const char *const *args)
{
	char *bin = builddir_path("zxctl");
	const char *argv[16] = { bin };
	int po[2], pe[2], st;
	char *o, *e;
	pid_t pid;
	size_t n = 1;

	for (; *args != NULL && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	cr_assert(pipe(po) == 0 && pipe(pe) == 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		drop_to(uid);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	/* Small outputs: read stderr after stdout without deadlock risk
	 * only if stderr stays under a pipe's size, which it does. */
	o = slurp(po[0]);
	e = slurp(pe[0]);
	close(po[0]);
	close(pe[0]);
	cr_assert(waitpid(pid, &st, 0) == pid);
	free(bin);
	if (out != NULL)
		*out = o;
	else
		free(o);
	if (err != NULL)
		*err = e;
	else
		free(e);
	cr_assert(WIFEXITED(st), "zxctl died of a signal");
	return WEXITSTATUS(st);
}

/* Run zxctl ARGS... (NULL-terminated) as we are; it must exit 0. Its
 * stdout, allocated. */
static inline char *
zxctl_ok(const char *const *args)
{
	char *out, *err;
	int rc = zxctl_as(0, &out, &err, args);

	cr_assert_eq(rc, 0, "zxctl %s: exit %d; stderr: %s", args[0], rc,
	    err);
	free(err);
	return out;
}

#endif
