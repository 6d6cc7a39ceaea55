/*
 * zxd_handle_export / zxd_handle_import: one import per token, in any
 * process (fork inheritance, SCM_RIGHTS, exec), the same object with the
 * same rights, the exporter's handle gone, and the statuses of bad input.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "tests/integration/transfer_object.h"

#include "tests/lib/zxdcheck.h"

/* Exit codes of the children: which step failed. */
#define CHECK(e, code)	do { if (!(e)) _exit(code); } while (0)

static zx_handle_t
mkobj(void)
{
	zx_handle_t h;

	cr_assert_eq(xobj_create(&h), ZX_OK);
	return h;
}

static bool
fd_closed(int fd)
{
	return fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

/* In a child: import fd, check it is the object `koid`, poke it. */
static void
child_import_and_poke(int fd, zx_koid_t koid)
{
	zx_info_handle_basic_t b;
	zx_handle_t h;

	CHECK(zxd_handle_import(fd, &h) == ZX_OK, 10);
	CHECK(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b, sizeof(b),
	    NULL, NULL) == ZX_OK, 11);
	CHECK(b.koid == koid, 12);
	CHECK(b.type == XOBJ_TYPE && b.rights == XOBJ_RIGHTS, 13);
	CHECK(xobj_poke(h) == ZX_OK, 14);
	CHECK(zx_handle_close(h) == ZX_OK, 15);
	_exit(0);
}

Test(transfer, same_process)
{
	zx_handle_t h, keep, got;
	zx_info_handle_basic_t b;
	int fd, kept;
	char c;

	h = mkobj();
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	b = basic_of(h);
	kept = dup((int)(h >> 2));
	cr_assert_eq(zxd_handle_export(h, &fd), ZX_OK);
	cr_assert_geq(fd, 0);
	/* The token is close-on-exec, like every fd libzx makes. */
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* The exporter's handle is gone, copies of its fd included. */
	cr_assert_eq(zx_handle_close(h), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(recv(kept, &c, 1, MSG_DONTWAIT), 0);
	close(kept);
	cr_assert_eq(zxd_handle_import(fd, &got), ZX_OK);
	cr_assert(fd_closed(fd));
	cr_assert_eq(basic_of(got).koid, b.koid);
	cr_assert_eq(basic_of(got).rights, b.rights);
	cr_assert_eq(xobj_poke(got), ZX_OK);
	cr_assert(xobj_poked(keep));
	zx_handle_close(got);
	zx_handle_close(keep);
}

Test(transfer, reduced_rights_kept)
{
	zx_handle_t h, r, got;
	int fd;

	h = mkobj();
	cr_assert_eq(zx_handle_replace(h, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT,
	    &r), ZX_OK);
	cr_assert_eq(zxd_handle_export(r, &fd), ZX_OK);
	cr_assert_eq(zxd_handle_import(fd, &got), ZX_OK);
	cr_assert_eq(basic_of(got).rights, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT);
	zx_handle_close(got);
}

Test(transfer, one_import_per_token)
{
	zx_handle_t h, got, again;
	int fd, copy;

	h = mkobj();
	cr_assert_eq(zxd_handle_export(h, &fd), ZX_OK);
	copy = dup(fd);
	cr_assert_eq(zxd_handle_import(fd, &got), ZX_OK);
	cr_assert_eq(zxd_handle_import(copy, &again), ZX_ERR_BAD_HANDLE);
	cr_assert(fd_closed(copy));
	zx_handle_close(got);
}

Test(transfer, export_errors)
{
	zx_handle_t h, nt, keep;
	int fd = -7, kept;
	char c;

	cr_assert_eq(zxd_handle_export(0, &fd), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zxd_handle_export(0x7ffffff3u, &fd), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(fd, -7);
	/* No TRANSFER: ACCESS_DENIED, and the handle is consumed. */
	h = mkobj();
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	cr_assert_eq(zx_handle_replace(h, ZX_RIGHT_WAIT, &nt), ZX_OK);
	kept = dup((int)(nt >> 2));
	cr_assert_eq(zxd_handle_export(nt, &fd), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(fd, -7);
	cr_assert_eq(zx_handle_close(nt), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(recv(kept, &c, 1, MSG_DONTWAIT), 0);
	close(kept);
	/* NULL out: INVALID_ARGS, consumed too. */
	cr_assert_eq(zx_handle_duplicate(keep, ZX_RIGHT_SAME_RIGHTS, &h),
	    ZX_OK);
	cr_assert_eq(zxd_handle_export(h, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_handle_close(h), ZX_ERR_BAD_HANDLE);
	zx_handle_close(keep);
}

Test(transfer, import_not_a_token)
{
	zx_handle_t got = 0, h, keep;
	int p[2], sv[2], fd;

	cr_assert_eq(zxd_handle_import(-1, &got), ZX_ERR_BAD_HANDLE);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	close(fd);
	cr_assert_eq(zxd_handle_import(fd, &got), ZX_ERR_BAD_HANDLE);
	/* Any other fd is consumed. */
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(zxd_handle_import(p[0], &got), ZX_ERR_BAD_HANDLE);
	cr_assert(fd_closed(p[0]));
	close(p[1]);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv),
	    0);
	cr_assert_eq(zxd_handle_import(sv[0], &got), ZX_ERR_BAD_HANDLE);
	cr_assert(fd_closed(sv[0]));
	close(sv[1]);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert_eq(zxd_handle_import(fd, &got), ZX_ERR_BAD_HANDLE);
	cr_assert(fd_closed(fd));
	/* A live handle's own fd: not a token; the handle is consumed. */
	h = mkobj();
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	cr_assert_eq(zxd_handle_import((int)(h >> 2), &got),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_handle_close(h), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(got, 0);
	zx_handle_close(keep);
}

Test(transfer, import_null_out_uses_the_token)
{
	zx_handle_t h, got;
	int fd, copy;

	h = mkobj();
	cr_assert_eq(zxd_handle_export(h, &fd), ZX_OK);
	copy = dup(fd);
	cr_assert_eq(zxd_handle_import(fd, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert(fd_closed(fd));
	cr_assert_eq(zxd_handle_import(copy, &got), ZX_ERR_BAD_HANDLE);
}

Test(transfer, token_is_no_handle)
{
	zx_handle_t a, b, h, got;
	int fd;
	char c = 'x';

	/* A token's fd passed where a handle goes: BAD_HANDLE. */
	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	h = mkobj();
	cr_assert_eq(zxd_handle_export(h, &fd), ZX_OK);
	zx_handle_t fake = ((zx_handle_t)fd << 2) | 3;
	cr_assert_eq(zx_object_signal(fake, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_BAD_HANDLE);
	/* Anything sent on a token destroys it. */
	cr_assert_eq(send(fd, &c, 1, MSG_NOSIGNAL), 1);
	cr_assert_eq(recv(fd, &c, 1, 0), 0);
	cr_assert_eq(zxd_handle_import(fd, &got), ZX_ERR_BAD_HANDLE);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(transfer, channel_endpoint)
{
	zx_handle_t a, b, got;
	int fd;
	char buf[4];

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(b, &fd), ZX_OK);
	cr_assert_eq(zxd_handle_import(fd, &got), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "abc", 3, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(got, 0, buf, NULL, sizeof(buf), 0, NULL,
	    NULL), ZX_OK);
	cr_assert_arr_eq(buf, "abc", 3);
	zx_handle_close(a);
	zx_handle_close(got);
}

Test(transfer, fork_inheritance)
{
	zx_handle_t h, keep, again;
	zx_koid_t koid;
	int fd;
	pid_t pid;

	h = mkobj();
	koid = basic_of(h).koid;
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	cr_assert_eq(zxd_handle_export(h, &fd), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		child_import_and_poke(fd, koid);
	cr_assert_eq(wait_child(pid), 0);
	cr_assert(xobj_poked(keep));
	/* The child's import used the token up. */
	cr_assert_eq(zxd_handle_import(fd, &again), ZX_ERR_BAD_HANDLE);
	zx_handle_close(keep);
}

Test(transfer, scm_rights)
{
	zx_handle_t h, keep;
	zx_koid_t koid;
	int sv[2], fd;
	pid_t pid;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
	    0);
	h = mkobj();
	koid = basic_of(h).koid;
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	/* The child exists before the export: the token can only reach it
	 * over the socket. */
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char space[CMSG_SPACE(sizeof(int))];
		char b;
		struct iovec iov = { &b, 1 };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = space, .msg_controllen = sizeof(space),
		};
		struct cmsghdr *cm;

		close(sv[0]);
		CHECK(recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC) == 1, 20);
		cm = CMSG_FIRSTHDR(&mh);
		CHECK(cm != NULL && cm->cmsg_type == SCM_RIGHTS, 21);
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
		child_import_and_poke(fd, koid);
	}
	close(sv[1]);
	cr_assert_eq(zxd_handle_export(h, &fd), ZX_OK);
	{
		char space[CMSG_SPACE(sizeof(int))] = { 0 };
		char b = 'T';
		struct iovec iov = { &b, 1 };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = space, .msg_controllen = sizeof(space),
		};
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
		cr_assert_eq(sendmsg(sv[0], &mh, 0), 1);
	}
	/* Our copy may go: the one in flight keeps the token alive. */
	close(fd);
	cr_assert_eq(wait_child(pid), 0);
	cr_assert(xobj_poked(keep));
	close(sv[0]);
	zx_handle_close(keep);
}

Test(transfer, exec_inheritance)
{
	const char *top = getenv("ZXD_TOP_BUILDDIR");
	char helper[4096], koidstr[32];
	zx_handle_t h, keep;
	zx_koid_t koid;
	int fd;
	pid_t pid;

	cr_assert_not_null(top);
	snprintf(helper, sizeof(helper), "%s/tests/integration/transfer_helper",
	    top);
	h = mkobj();
	koid = basic_of(h).koid;
	snprintf(koidstr, sizeof(koidstr), "%" PRIu64, koid);
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	cr_assert_eq(zxd_handle_export(h, &fd), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* dup2 gives a copy without close-on-exec. */
		CHECK(dup2(fd, 10) == 10, 30);
		execl(helper, helper, "10", koidstr, (char *)NULL);
		_exit(31);
	}
	close(fd);
	cr_assert_eq(wait_child(pid), 0);
	cr_assert(xobj_poked(keep));
	zx_handle_close(keep);
}
