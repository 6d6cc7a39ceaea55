/*
 * The root resource against a real zxd: zxd_get_root_resource and its
 * policy (by uid, by gid, setuid programs, no daemon, a daemon gone),
 * refusals logged, the handle limit.
 *
 * Runs under tests/with-zxd.sh (default configuration) as root; tests
 * that need their own policy or read the daemon's log start their own
 * daemon.
 */
#include "config-build.h"

#include "tests/integration/resource_util.h"

/* --- the root resource ------------------------------------------------ */

Test(root_resource, granted_to_root, .init = setup)
{
	zx_handle_t h = get_root();
	zx_info_handle_basic_t b = basic_of(h);
	zx_info_resource_t info = info_of(h);

	cr_assert_eq(b.type, ZX_OBJ_TYPE_RESOURCE);
	cr_assert_eq(b.rights, ZX_DEFAULT_RESOURCE_RIGHTS);
	cr_assert_eq(b.rights, 0x800B);
	cr_assert_eq(b.related_koid, 0);
	cr_assert_eq(info.kind, ROOT);
	cr_assert_eq(info.flags, 0);
	cr_assert_eq(info.base, 0);
	cr_assert_eq(info.size, 0);
	cr_assert_str_eq(info.name, "root");
	for (size_t i = strlen("root"); i < ZX_MAX_NAME_LEN; i++)
		cr_assert_eq(info.name[i], 0);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
}

Test(root_resource, one_object_new_handle_per_grant, .init = setup)
{
	zx_handle_t a = get_root(), b = get_root();

	cr_assert_neq(a, b);
	cr_assert_eq(basic_of(a).koid, basic_of(b).koid);
	/* Closing one grant leaves the other working. */
	cr_assert_eq(zx_handle_close(a), ZX_OK);
	cr_assert_eq(info_of(b).kind, ROOT);
	zx_handle_close(b);
	a = get_root();
	cr_assert_eq(info_of(a).kind, ROOT);
	zx_handle_close(a);
}

Test(root_resource, null_out, .init = setup)
{
	cr_assert_eq(zxd_get_root_resource(NULL), ZX_ERR_INVALID_ARGS);
}

static int
nobody_get_root(void *arg)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_status_t st = zxd_get_root_resource(&h);

	(void)arg;
	if (st != ZX_ERR_ACCESS_DENIED)
		return 10 + (st < 0 ? -st : st);
	/* Nothing was handed out. */
	if (h != ZX_HANDLE_INVALID)
		return 2;
	/* The refusal is an answer, not a dropped connection. */
	if (zx_event_create(0, &h) != ZX_OK)
		return 3;
	zx_handle_close(h);
	return 0;
}

Test(root_resource, refused_to_nobody, .init = setup)
{
	cr_assert_eq(zxdtest_run_as_nobody(nobody_get_root, NULL), 0);
}

static int
drop_after_connect(void *arg)
{
	zx_handle_t h;

	(void)arg;
	/* Connected and admitted as root... */
	if (zxd_get_root_resource(&h) != ZX_OK)
		return 1;
	zx_handle_close(h);
	/* ...then root is given up, on the same connection. */
	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return 2;
	if (zxd_get_root_resource(&h) != ZX_ERR_ACCESS_DENIED)
		return 3;
	return 0;
}

Test(root_resource, refused_after_dropping_root, .init = setup)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(drop_after_connect(NULL));
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0);
}

static int
setuid_like(void *arg)
{
	zx_handle_t h;

	(void)arg;
	/* As a set-user-ID-root program run by nobody: effective uid 0,
	 * real uid 65534, before the first call. */
	if (setresuid(65534, 0, 0) < 0)
		return 1;
	if (zxd_get_root_resource(&h) != ZX_ERR_ACCESS_DENIED)
		return 2;
	return 0;
}

Test(root_resource, refused_to_setuid_program, .init = setup)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(setuid_like(NULL));
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0);
}

Test(root_resource, no_daemon, .init = setup)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	setenv("ZXD_SOCKET", "/nonexistent/zxd.sock", 1);
	cr_assert_eq(zxd_get_root_resource(&h), ZX_ERR_UNAVAILABLE);
	cr_assert_eq(h, ZX_HANDLE_INVALID);
}

static int
nobody_gets_root(void *arg)
{
	zx_handle_t h, mmio;
	zx_info_resource_t info;

	(void)arg;
	if (zxd_get_root_resource(&h) != ZX_OK)
		return 1;
	/* It is the real thing: it mints MMIO resources. */
	if (zx_resource_create(h, MMIO, 0xF0000000, 0x1000, "dev", 3,
	    &mmio) != ZX_OK)
		return 2;
	if (zx_object_get_info(mmio, ZX_INFO_RESOURCE, &info, sizeof(info),
	    NULL, NULL) != ZX_OK || info.kind != MMIO ||
	    info.base != 0xF0000000)
		return 3;
	zx_handle_close(mmio);
	zx_handle_close(h);
	return 0;
}

Test(root_resource, policy_by_gid, .init = setup)
{
	struct own o;
	zx_handle_t h;

	/* No uid at all, only group 65534: root itself is refused. */
	own_start(&o, "[policy]\nroot_uids =\nroot_gids = 65534\n");
	cr_assert_eq(zxdtest_run_as_nobody(nobody_gets_root, NULL), 0);
	cr_assert_eq(zxd_get_root_resource(&h), ZX_ERR_ACCESS_DENIED);
	own_stop(&o);
}

Test(root_resource, policy_by_uid, .init = setup)
{
	struct own o;
	zx_handle_t h;

	own_start(&o, "[policy]\nroot_uids = 65534\n");
	cr_assert_eq(zxdtest_run_as_nobody(nobody_gets_root, NULL), 0);
	cr_assert_eq(zxd_get_root_resource(&h), ZX_ERR_ACCESS_DENIED);
	own_stop(&o);
}

static int
nobody_pid(void *arg)
{
	zx_handle_t h;
	int fd = *(int *)arg;
	pid_t pid = getpid();

	/* Asking again and again gets one notice. */
	for (int i = 0; i < 5; i++)
		if (zxd_get_root_resource(&h) != ZX_ERR_ACCESS_DENIED)
			return 1;
	return write(fd, &pid, sizeof(pid)) == sizeof(pid) ? 0 : 2;
}

Test(root_resource, refusal_is_logged, .init = setup)
{
	char want[128], line[512];
	struct own o;
	int found = 0;
	int p[2];
	pid_t pid;
	FILE *f;

	own_start(&o, NULL);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(zxdtest_run_as_nobody(nobody_pid, &p[1]), 0);
	cr_assert_eq(read(p[0], &pid, sizeof(pid)), sizeof(pid));
	close(p[0]);
	close(p[1]);
	/* Notice level (<5>), with the pid and the uid. */
	snprintf(want, sizeof(want), "<5>root resource refused to pid %d ",
	    (int)pid);
	f = fopen(o.d.log, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, want, strlen(want)) == 0 &&
		    strstr(line, "uid 65534") != NULL)
			found++;
	fclose(f);
	cr_assert_eq(found, 1, "%d '%s... uid 65534' lines in the log", found,
	    want);
	own_stop(&o);
}

/*
 * A handle is per process: a root handle's socket, smuggled as a raw fd
 * to an unprivileged process, gets no service there.
 */
struct smuggle {
	int sock;		/* our end of a socketpair */
};

static int
nobody_uses_stolen_fd(void *arg)
{
	struct smuggle *s = arg;
	char data[1];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ResourceCreate rc = ZXD__RESOURCE_CREATE__INIT;
	struct wire_msg m = { 0 };
	struct cmsghdr *cm;
	Zxd__Reply *rep;
	int fd, r;

	if (recvmsg(s->sock, &mh, 0) != 1)
		return 1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
		return 2;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	/* Speak the protocol on it directly, as a hostile program would. */
	rc.options = MMIO;
	rc.range_base = 0xF0000000;
	rc.range_size = 0x1000;
	req.body_case = ZXD__REQUEST__BODY_RESOURCE_CREATE;
	req.resource_create = &rc;
	req.txid = 42;
	if (wire_send(fd, &req.base, NULL, 0) < 0)
		return 3;
	m.buf = malloc(WIRE_MAX_MSG);
	if (m.buf == NULL || wire_recv(fd, &m) <= 0)
		return 4;
	rep = zxd__reply__unpack(NULL, m.len, m.buf);
	if (rep == NULL)
		return 5;
	r = rep->status == ZX_ERR_BAD_HANDLE && rep->n_handles == 0 &&
	    m.nfds == 0 ? 0 : 6;
	zxd__reply__free_unpacked(rep, NULL);
	wire_msg_clear(&m);
	free(m.buf);
	return r;
}

Test(root_resource, smuggled_fd_is_no_handle, .init = setup)
{
	zx_handle_t root = get_root();
	int sv[2], fd = (int)(root >> 2);
	char cbuf[CMSG_SPACE(sizeof(int))];
	char data[1] = { 0 };
	struct iovec iov = { data, sizeof(data) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	struct smuggle s;
	pid_t pid;
	int st;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	s.sock = sv[1];
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(126);
		_exit(nobody_uses_stolen_fd(&s));
	}
	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	cr_assert_eq(sendmsg(sv[0], &mh, 0), 1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0);
	/* Still fine here. */
	cr_assert_eq(info_of(root).kind, ROOT);
	close(sv[0]);
	close(sv[1]);
	zx_handle_close(root);
}

Test(root_resource, handle_limit, .init = setup)
{
	struct own o;
	zx_handle_t root, a, b, out = ZX_HANDLE_INVALID;

	own_start(&o, "[limits]\nhandles_per_client = 3\n");
	root = get_root();
	a = create_ok(root, MMIO, mmio_base(1), page);
	b = create_ok(root, MMIO | EXCL, mmio_base(2), page);
	cr_assert_eq(zxd_get_root_resource(&out), ZX_ERR_NO_RESOURCES);
	cr_assert_eq(out, ZX_HANDLE_INVALID);
	cr_assert_eq(create(root, MMIO | EXCL, mmio_base(3), page, &out),
	    ZX_ERR_NO_RESOURCES);
	cr_assert_eq(create(a, MMIO, mmio_base(1), page, &out),
	    ZX_ERR_NO_RESOURCES);
	/* The resource made for the refused handle is gone again. */
	zx_handle_close(a);
	a = create_ok(root, MMIO | EXCL, mmio_base(3), page);
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(root);
	own_stop(&o);
}

Test(root_resource, daemon_gone, .init = setup)
{
	struct own o;
	zx_handle_t root, out;

	own_start(&o, NULL);
	root = get_root();
	cr_assert_eq(zxdtest_stop(&o.d), 0);
	cr_assert_eq(create(root, MMIO, mmio_base(1), page, &out),
	    ZX_ERR_BAD_HANDLE);
	zx_handle_close(root);
}
