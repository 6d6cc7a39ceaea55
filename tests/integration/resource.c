/*
 * Resources against a real zxd: zxd_get_root_resource and its policy,
 * zx_resource_create in Zircon's order of checks, ZX_INFO_RESOURCE.
 *
 * Runs under tests/with-zxd.sh (default configuration: sim backend, RAM
 * at [0, 0x4000_0000), root resource for uid 0) as root. Tests that need
 * their own policy or map, or read the daemon's log, start their own
 * daemon. Criterion runs two tests at once against the shared daemon, and
 * exclusive reservations are daemon-wide, so every test uses MMIO ranges
 * of its own (mmio_base(N)).
 */
#include "config-build.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>
#include <zxd/zxd.h>

#include "proto/wire.h"
#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

#define MMIO	ZX_RSRC_KIND_MMIO
#define IRQ	ZX_RSRC_KIND_IRQ
#define IOPORT	ZX_RSRC_KIND_IOPORT
#define ROOT	ZX_RSRC_KIND_ROOT
#define SMC	ZX_RSRC_KIND_SMC
#define SYSTEM	ZX_RSRC_KIND_SYSTEM
#define EXCL	ZX_RSRC_FLAG_EXCLUSIVE

/* The default map's RAM ends here. */
#define RAM_END	UINT64_C(0x40000000)

static uint64_t page;

static void
setup(void)
{
	page = zx_system_get_page_size();
}

/* A range of MMIO space nobody else in this file uses. */
static uint64_t
mmio_base(unsigned n)
{
	return UINT64_C(0x100000000) * (n + 1);
}

static zx_handle_t
get_root(void)
{
	zx_handle_t h = ZX_HANDLE_INVALID;

	cr_assert_eq(zxd_get_root_resource(&h), ZX_OK);
	cr_assert_neq(h, ZX_HANDLE_INVALID);
	return h;
}

static zx_info_resource_t
info_of(zx_handle_t h)
{
	zx_info_resource_t info;
	size_t actual = 0, avail = 0;

	memset(&info, 0xA5, sizeof(info));
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_RESOURCE, &info,
	    sizeof(info), &actual, &avail), ZX_OK);
	cr_assert_eq(actual, 1);
	cr_assert_eq(avail, 1);
	return info;
}

static zx_status_t
create(zx_handle_t parent, uint32_t options, uint64_t base, uint64_t size,
    zx_handle_t *out)
{
	return zx_resource_create(parent, options, base, size, NULL, 0, out);
}

/* Create, check OK, and return the new handle. */
static zx_handle_t
create_ok(zx_handle_t parent, uint32_t options, uint64_t base,
    uint64_t size)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_status_t st = create(parent, options, base, size, &h);

	cr_assert_eq(st, ZX_OK, "create(%#x, %#lx, %#lx): %d", options,
	    (unsigned long)base, (unsigned long)size, st);
	return h;
}

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

struct own {
	struct zxdtest_daemon d;
};

/* Start a daemon of our own on `conf_text` (NULL: no file). */
static void
own_start(struct own *o, const char *conf_text)
{
	cr_assert_eq(conf_text != NULL ?
	    zxdtest_start_config(&o->d, conf_text, NULL) :
	    zxdtest_start(&o->d, NULL), 0);
}

static void
own_stop(struct own *o)
{
	cr_assert_eq(zxdtest_stop(&o->d), 0, "zxd did not stop cleanly");
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

/* --- zx_resource_create, check 1: the parent handle -------------------- */

Test(resource_create, bad_handle, .init = setup)
{
	zx_handle_t out;

	cr_assert_eq(create(ZX_HANDLE_INVALID, MMIO, mmio_base(1), page,
	    &out), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(create(0x7ffffff3, MMIO, mmio_base(1), page, &out),
	    ZX_ERR_BAD_HANDLE);
	/* Low bits other than 11 are never a handle. */
	cr_assert_eq(create(0x10, MMIO, mmio_base(1), page, &out),
	    ZX_ERR_BAD_HANDLE);
}

Test(resource_create, wrong_type_before_rights, .init = setup)
{
	zx_handle_t ev, ev0, out;

	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(create(ev, MMIO, mmio_base(1), page, &out),
	    ZX_ERR_WRONG_TYPE);
	/* No rights at all: still WRONG_TYPE, the type is checked first. */
	cr_assert_eq(zx_handle_duplicate(ev, 0, &ev0), ZX_OK);
	cr_assert_eq(create(ev0, MMIO, mmio_base(1), page, &out),
	    ZX_ERR_WRONG_TYPE);
	zx_handle_close(ev);
	zx_handle_close(ev0);
}

Test(resource_create, needs_write, .init = setup)
{
	zx_handle_t root = get_root(), ro, out;

	cr_assert_eq(zx_handle_duplicate(root,
	    ZX_DEFAULT_RESOURCE_RIGHTS & ~ZX_RIGHT_WRITE, &ro), ZX_OK);
	cr_assert_eq(create(ro, MMIO, mmio_base(2), page, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* The lookup comes before the kind: still ACCESS_DENIED. */
	cr_assert_eq(create(ro, ZX_RSRC_KIND_COUNT, 0, 0, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* A child without WRITE cannot make grandchildren either. */
	out = create_ok(root, MMIO, mmio_base(2), page);
	cr_assert_eq(zx_handle_replace(out, ZX_RIGHT_INSPECT, &out), ZX_OK);
	cr_assert_eq(create(out, MMIO, mmio_base(2), page, &ro),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(out);
	zx_handle_close(root);
}

/* --- check 2: kind and flags ------------------------------------------- */

Test(resource_create, invalid_kind_or_flags, .init = setup)
{
	zx_handle_t root = get_root(), out;
	uint64_t b = mmio_base(3);

	cr_assert_eq(create(root, ZX_RSRC_KIND_COUNT, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, ZX_RSRC_KIND_COUNT + 1, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, 0xFFFF, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	/* ZX_RSRC_FLAGS_MASK is EXCLUSIVE alone. */
	cr_assert_eq(create(root, MMIO | 0xFF0000, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, MMIO | 0x20000, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, MMIO | 0x80000000, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	/* Before the range check: RAM would be ACCESS_DENIED. */
	cr_assert_eq(create(root, MMIO | 0x20000, 0, page, &out),
	    ZX_ERR_INVALID_ARGS);
	/* Nothing was reserved by the failures. */
	out = create_ok(root, MMIO | EXCL, b, page);
	zx_handle_close(out);
	zx_handle_close(root);
}

/* --- check 3: validate_ranged_resource, any failure ACCESS_DENIED ------- */

Test(resource_create, root_refused_ram, .init = setup)
{
	zx_handle_t root = get_root(), out;

	cr_assert_eq(create(root, MMIO, 0, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(root, MMIO, RAM_END - page, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* Straddling the end of RAM. */
	cr_assert_eq(create(root, MMIO, RAM_END - page, 2 * page, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* Unaligned and tiny still counts. */
	cr_assert_eq(create(root, MMIO, 0x1234, 1, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* The first byte after RAM is fine. */
	out = create_ok(root, MMIO, RAM_END, page);
	zx_handle_close(out);
	/* RAM is an MMIO matter: IRQ 0 and I/O port 0 are not RAM. */
	out = create_ok(root, IRQ, 0, 1);
	zx_handle_close(out);
	out = create_ok(root, IOPORT, 0, 1);
	zx_handle_close(out);
	zx_handle_close(root);
}

Test(resource_create, slice_must_match_kind, .init = setup)
{
	zx_handle_t root = get_root(), mmio, out;
	uint64_t b = mmio_base(4);

	mmio = create_ok(root, MMIO, b, page);
	cr_assert_eq(create(mmio, ROOT, 0, 0, &out), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, ROOT, b, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, IRQ, 0, 0, &out), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, IRQ, b, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1,
	    &out), ZX_ERR_ACCESS_DENIED);
	/* Kind before flags of the parent: still ACCESS_DENIED. */
	cr_assert_eq(create(mmio, IRQ | EXCL, 0, 1, &out),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(mmio);
	zx_handle_close(root);
}

Test(resource_create, slice_must_fit, .init = setup)
{
	zx_handle_t root = get_root(), mmio, out;
	uint64_t b = mmio_base(5);

	mmio = create_ok(root, MMIO, b, page);
	/* Another base, the same size. */
	cr_assert_eq(create(mmio, MMIO, b + page, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* The same base, a larger size. */
	cr_assert_eq(create(mmio, MMIO, b, page + 34, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, MMIO, b - 1, 2, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* Empty, or wrapping past 2^64. */
	cr_assert_eq(create(mmio, MMIO, b, 0, &out), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(mmio, MMIO, b, UINT64_MAX, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* The same range, and smaller ones, are fine. */
	out = create_ok(mmio, MMIO, b, page);
	zx_handle_close(out);
	out = create_ok(mmio, MMIO, b + 16, 16);
	zx_handle_close(out);
	out = create_ok(mmio, MMIO, b + page - 1, 1);
	zx_handle_close(out);
	zx_handle_close(mmio);
	zx_handle_close(root);
}

Test(resource_create, mmio_widened_to_pages, .init = setup)
{
	zx_handle_t root = get_root(), half, odd, out;
	uint64_t b = mmio_base(6);

	/* Half a page covers the whole page. */
	half = create_ok(root, MMIO, b, page / 2);
	out = create_ok(half, MMIO, b, page);
	zx_handle_close(out);
	cr_assert_eq(create(half, MMIO, b, page + 1, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* [b+0x7800, +0x2000) covers [b+0x7000, +0x3000). */
	odd = create_ok(root, MMIO, b + 0x7800, 0x2000);
	out = create_ok(odd, MMIO, b + 0x7000, 0x2000);
	zx_handle_close(out);
	out = create_ok(odd, MMIO, b + 0x7000, 0x3000);
	zx_handle_close(out);
	cr_assert_eq(create(odd, MMIO, b + 0x7000, 0x3001, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(odd, MMIO, b + 0x6fff, 2, &out),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(odd);
	zx_handle_close(half);
	zx_handle_close(root);
}

Test(resource_create, other_kinds_not_widened, .init = setup)
{
	zx_handle_t root = get_root(), irq, io, sys, out;

	irq = create_ok(root, IRQ, 10, 5);
	out = create_ok(irq, IRQ, 12, 2);
	zx_handle_close(out);
	out = create_ok(irq, IRQ, 10, 5);
	zx_handle_close(out);
	cr_assert_eq(create(irq, IRQ, 10, 6, &out), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(irq, IRQ, 9, 1, &out), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(irq, IRQ, 15, 1, &out), ZX_ERR_ACCESS_DENIED);

	io = create_ok(root, IOPORT, 0xCF8, 8);
	out = create_ok(io, IOPORT, 0xCFC, 4);
	zx_handle_close(out);
	cr_assert_eq(create(io, IOPORT, 0xCFC, 5, &out),
	    ZX_ERR_ACCESS_DENIED);

	sys = create_ok(root, SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1);
	out = create_ok(sys, SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1);
	zx_handle_close(out);
	cr_assert_eq(create(sys, SYSTEM, ZX_RSRC_SYSTEM_MSI_BASE, 1, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(sys, MMIO, mmio_base(7), page, &out),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(sys);
	zx_handle_close(io);
	zx_handle_close(irq);
	zx_handle_close(root);
}

/* --- check 4: slices are never exclusive ------------------------------- */

Test(resource_create, exclusive_slices, .init = setup)
{
	zx_handle_t root = get_root(), excl, shared, out;
	uint64_t b = mmio_base(8);

	excl = create_ok(root, MMIO | EXCL, b, page);
	/* exclusive -> shared */
	cr_assert_eq(create(excl, MMIO, b, page, &out), ZX_ERR_INVALID_ARGS);
	/* exclusive -> exclusive */
	cr_assert_eq(create(excl, MMIO | EXCL, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	/* The range check comes first: outside is ACCESS_DENIED. */
	cr_assert_eq(create(excl, MMIO, b + page, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	zx_handle_close(excl);

	/* shared -> exclusive */
	shared = create_ok(root, MMIO, b, page);
	cr_assert_eq(create(shared, MMIO | EXCL, b, page, &out),
	    ZX_ERR_INVALID_ARGS);
	/* shared -> shared */
	out = create_ok(shared, MMIO, b, page);
	zx_handle_close(out);
	zx_handle_close(shared);
	zx_handle_close(root);
}

/* --- check 5: the name ------------------------------------------------- */

Test(resource_create, names, .init = setup)
{
	zx_handle_t root = get_root(), h;
	char longname[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char embedded[] = "ab\0cd";
	zx_info_resource_t info;
	uint64_t b = mmio_base(9);

	cr_assert_eq(zx_resource_create(root, MMIO, b, page,
	    "test_resource_name", sizeof("test_resource_name"), &h), ZX_OK);
	cr_assert_str_eq(info_of(h).name, "test_resource_name");
	zx_handle_close(h);

	/* At most ZX_MAX_NAME_LEN - 1 characters, NUL-padded. */
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, longname,
	    sizeof(longname), &h), ZX_OK);
	info = info_of(h);
	cr_assert_eq(memcmp(info.name, longname, ZX_MAX_NAME_LEN - 1), 0);
	cr_assert_eq(info.name[ZX_MAX_NAME_LEN - 1], '\0');
	zx_handle_close(h);

	/* name_size counts: no NUL needed. */
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, "abcdef", 3,
	    &h), ZX_OK);
	cr_assert_str_eq(info_of(h).name, "abc");
	zx_handle_close(h);

	/* The name ends at its first NUL. */
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, embedded,
	    sizeof(embedded), &h), ZX_OK);
	info = info_of(h);
	cr_assert_str_eq(info.name, "ab");
	cr_assert_eq(info.name[3], '\0');
	zx_handle_close(h);

	/* NULL with size 0 is no name; a non-NULL name with size 0 too. */
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, NULL, 0, &h),
	    ZX_OK);
	cr_assert_str_eq(info_of(h).name, "");
	zx_handle_close(h);
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, "x", 0, &h),
	    ZX_OK);
	cr_assert_str_eq(info_of(h).name, "");
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(resource_create, name_fault, .init = setup)
{
	zx_handle_t root = get_root(), excl, h;
	uint64_t b = mmio_base(10);

	cr_assert_eq(zx_resource_create(root, MMIO, b, page, NULL, 5, &h),
	    ZX_ERR_INVALID_ARGS);
	/* Copied after the range check (3)... */
	cr_assert_eq(zx_resource_create(root, MMIO, 0, page, NULL, 5, &h),
	    ZX_ERR_ACCESS_DENIED);
	/* ...and before the allocator (6): a held range is not NOT_FOUND. */
	excl = create_ok(root, MMIO | EXCL, b, page);
	cr_assert_eq(zx_resource_create(root, MMIO, b, page, NULL, 5, &h),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_resource_create(root, SMC, 0, 1, NULL, 5, &h),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(excl);
	/* The failed call reserved nothing. */
	cr_assert_eq(zx_resource_create(root, MMIO | EXCL, b + page, page,
	    NULL, 5, &h), ZX_ERR_INVALID_ARGS);
	h = create_ok(root, MMIO | EXCL, b + page, page);
	zx_handle_close(h);
	zx_handle_close(root);
}

/* --- check 6: creation --------------------------------------------------- */

Test(resource_create, root_kind, .init = setup)
{
	zx_handle_t root = get_root(), r2, out;
	zx_info_resource_t info;

	cr_assert_eq(zx_resource_create(root, ROOT, 0, 0, "root2", 6, &r2),
	    ZX_OK);
	info = info_of(r2);
	cr_assert_eq(info.kind, ROOT);
	cr_assert_eq(info.base, 0);
	cr_assert_eq(info.size, 0);
	cr_assert_eq(info.flags, 0);
	cr_assert_str_eq(info.name, "root2");
	/* A new object, as strong as the root. */
	cr_assert_neq(basic_of(r2).koid, basic_of(root).koid);
	out = create_ok(r2, MMIO | EXCL, mmio_base(11), page);
	zx_handle_close(out);
	cr_assert_eq(create(r2, MMIO, 0, page, &out), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(r2);

	cr_assert_eq(create(root, ROOT, 1, 0, &out), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, ROOT, 0, 1, &out), ZX_ERR_INVALID_ARGS);
	/* Exclusive roots hold no range: two can live together. */
	r2 = create_ok(root, ROOT | EXCL, 0, 0);
	cr_assert_eq(info_of(r2).flags, EXCL);
	out = create_ok(root, ROOT | EXCL, 0, 0);
	zx_handle_close(out);
	zx_handle_close(r2);
	zx_handle_close(root);
}

Test(resource_create, allocator_rejects, .init = setup)
{
	zx_handle_t root = get_root(), out;

	/* Zircon's own cases: base and size UINT64_MAX. */
	cr_assert_eq(create(root, MMIO, UINT64_MAX, 1024, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, MMIO, 1024, UINT64_MAX, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, MMIO, UINT64_MAX, 1, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, MMIO, mmio_base(12), 0, &out),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(create(root, IRQ, 5, 0, &out), ZX_ERR_INVALID_ARGS);
	/* MMIO space is [0, 2^64 - 1). */
	out = create_ok(root, MMIO, UINT64_MAX - 1, 1);
	zx_handle_close(out);
	zx_handle_close(root);
}

Test(resource_create, address_spaces, .init = setup)
{
	zx_handle_t root = get_root(), out;

	/* IRQ vectors [0, 1024). */
	out = create_ok(root, IRQ, 1023, 1);
	zx_handle_close(out);
	cr_assert_eq(create(root, IRQ, 1024, 1, &out), ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, IRQ, 1000, 25, &out), ZX_ERR_NOT_FOUND);
	/* I/O ports [0, 0xFFFF). */
	out = create_ok(root, IOPORT, 0xFFFE, 1);
	zx_handle_close(out);
	cr_assert_eq(create(root, IOPORT, 0xFFFF, 1, &out),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, IOPORT, 0, 0x10000, &out),
	    ZX_ERR_NOT_FOUND);
	/* System resources [0, ZX_RSRC_SYSTEM_COUNT). */
	out = create_ok(root, SYSTEM, ZX_RSRC_SYSTEM_STALL_BASE, 1);
	zx_handle_close(out);
	cr_assert_eq(create(root, SYSTEM, ZX_RSRC_SYSTEM_COUNT, 1, &out),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, SYSTEM, ZX_RSRC_SYSTEM_STALL_BASE, 2,
	    &out), ZX_ERR_NOT_FOUND);
	/* No SMC space, as on x86 Zircon. */
	cr_assert_eq(create(root, SMC, 0, 1, &out), ZX_ERR_BAD_STATE);
	zx_handle_close(root);
}

Test(resource_create, exclusive_overlap_not_found, .init = setup)
{
	zx_handle_t root = get_root(), a, b2, dup, out;
	uint64_t b = mmio_base(13);

	/* Exclusive first, shared after. */
	a = create_ok(root, MMIO | EXCL, b, 4 * page);
	cr_assert_eq(create(root, MMIO, b, 4 * page, &out),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, MMIO, b + 3 * page, 2 * page, &out),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, MMIO, b - page, page + 1, &out),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, MMIO | EXCL, b + page, 1, &out),
	    ZX_ERR_NOT_FOUND);
	/* Touching is not overlapping. */
	out = create_ok(root, MMIO, b + 4 * page, page);
	zx_handle_close(out);
	out = create_ok(root, MMIO | EXCL, b - page, page);
	zx_handle_close(out);
	/* Other kinds have spaces of their own. */
	out = create_ok(root, IRQ | EXCL, 100, 4);
	b2 = create_ok(root, IOPORT | EXCL, 100, 4);
	cr_assert_eq(create(root, IRQ, 103, 1, &dup), ZX_ERR_NOT_FOUND);
	zx_handle_close(b2);
	zx_handle_close(out);

	/* The reservation lives as long as the object: a duplicate keeps
	 * it, the last handle frees it. */
	cr_assert_eq(zx_handle_duplicate(a, ZX_RIGHT_SAME_RIGHTS, &dup),
	    ZX_OK);
	zx_handle_close(a);
	cr_assert_eq(create(root, MMIO, b, page, &out), ZX_ERR_NOT_FOUND);
	zx_handle_close(dup);
	out = create_ok(root, MMIO, b, page);

	/* Shared first, exclusive after. */
	cr_assert_eq(create(root, MMIO | EXCL, b, 4 * page, &a),
	    ZX_ERR_NOT_FOUND);
	cr_assert_eq(create(root, MMIO | EXCL, b + page - 1, 1, &a),
	    ZX_ERR_NOT_FOUND);
	/* Shared with shared is fine. */
	b2 = create_ok(root, MMIO, b, page);
	zx_handle_close(b2);
	zx_handle_close(out);
	a = create_ok(root, MMIO | EXCL, b, 4 * page);
	zx_handle_close(a);
	zx_handle_close(root);
}

/* zx_handle_close is synchronous in Zircon: once it returns, the range
 * of an exclusive resource whose last handle it was is free. */
Test(resource_create, close_then_reuse, .init = setup)
{
	zx_handle_t root = get_root(), h, other;
	uint64_t b = mmio_base(16);

	for (int i = 0; i < 300; i++) {
		h = create_ok(root, MMIO | EXCL, b, page);
		cr_assert_eq(zx_handle_close(h), ZX_OK);
	}
	/* Settling closes never frees a range still held. */
	h = create_ok(root, MMIO | EXCL, b, page);
	for (int i = 0; i < 20; i++) {
		other = create_ok(root, MMIO, b + page, page);
		zx_handle_close(other);
		cr_assert_eq(create(root, MMIO, b, page, &other),
		    ZX_ERR_NOT_FOUND);
	}
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(resource_create, result, .init = setup)
{
	zx_handle_t root = get_root(), h, h2;
	zx_info_handle_basic_t bi;
	zx_info_resource_t info;
	uint64_t b = mmio_base(14);

	cr_assert_eq(zx_resource_create(root, MMIO | EXCL, b + 0x800,
	    0x1000, "dev0", 4, &h), ZX_OK);
	bi = basic_of(h);
	cr_assert_eq(bi.type, ZX_OBJ_TYPE_RESOURCE);
	cr_assert_eq(bi.rights, 0x800B);
	cr_assert_neq(bi.koid, basic_of(root).koid);
	info = info_of(h);
	cr_assert_eq(info.kind, MMIO);
	cr_assert_eq(info.flags, EXCL);
	/* The range as asked, not widened. */
	cr_assert_eq(info.base, b + 0x800);
	cr_assert_eq(info.size, 0x1000);
	cr_assert_str_eq(info.name, "dev0");
	zx_handle_close(h);

	cr_assert_eq(zx_resource_create(root, IRQ, 7, 3, "irq", 3, &h), ZX_OK);
	info = info_of(h);
	cr_assert_eq(info.kind, IRQ);
	cr_assert_eq(info.flags, 0);
	cr_assert_eq(info.base, 7);
	cr_assert_eq(info.size, 3);
	/* A slice is a resource like any other. */
	h2 = create_ok(h, IRQ, 8, 1);
	cr_assert_eq(info_of(h2).base, 8);
	zx_handle_close(h2);
	zx_handle_close(h);
	zx_handle_close(root);
}

Test(resource_create, null_out_creates_nothing, .init = setup)
{
	zx_handle_t root = get_root(), h;
	uint64_t b = mmio_base(15);

	cr_assert_eq(create(root, MMIO | EXCL, b, page, NULL),
	    ZX_ERR_INVALID_ARGS);
	/* The resource made for it is gone: its range is free. */
	h = create_ok(root, MMIO | EXCL, b, page);
	zx_handle_close(h);
	/* Other errors come first. */
	cr_assert_eq(create(root, MMIO, 0, page, NULL), ZX_ERR_ACCESS_DENIED);
	zx_handle_close(root);
}

/* --- ZX_INFO_RESOURCE and other calls on resources ----------------------- */

Test(resource_info, rights_and_type, .init = setup)
{
	zx_handle_t root = get_root(), noinspect, ev, ev0;
	zx_info_resource_t info;
	size_t actual = 7, avail = 7;

	cr_assert_eq(zx_handle_duplicate(root,
	    ZX_DEFAULT_RESOURCE_RIGHTS & ~ZX_RIGHT_INSPECT, &noinspect),
	    ZX_OK);
	cr_assert_eq(zx_object_get_info(noinspect, ZX_INFO_RESOURCE, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_object_get_info(ev, ZX_INFO_RESOURCE, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_handle_duplicate(ev, 0, &ev0), ZX_OK);
	cr_assert_eq(zx_object_get_info(ev0, ZX_INFO_RESOURCE, &info,
	    sizeof(info), NULL, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_RESOURCE,
	    &info, sizeof(info), NULL, NULL), ZX_ERR_BAD_HANDLE);
	/* Too small: nothing copied, one record available. */
	cr_assert_eq(zx_object_get_info(root, ZX_INFO_RESOURCE, &info,
	    sizeof(info) - 1, &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(actual, 0);
	cr_assert_eq(avail, 1);
	cr_assert_eq(sizeof(info), 56);
	/* An unknown topic. */
	cr_assert_eq(zx_object_get_info(root, 0x7777, &info, sizeof(info),
	    NULL, NULL), ZX_ERR_NOT_SUPPORTED);
	zx_handle_close(ev);
	zx_handle_close(ev0);
	zx_handle_close(noinspect);
	zx_handle_close(root);
}

Test(resource_info, other_calls, .init = setup)
{
	zx_handle_t root = get_root(), dup;
	char name[ZX_MAX_NAME_LEN];
	zx_signals_t obs;

	/* A resource handle has neither property nor signal rights. */
	cr_assert_eq(zx_object_get_property(root, ZX_PROP_NAME, name,
	    sizeof(name)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_set_property(root, ZX_PROP_NAME, "x", 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_signal(root, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_wait_one(root, ZX_USER_SIGNAL_0, 0, &obs),
	    ZX_ERR_ACCESS_DENIED);
	/* It can be duplicated (DUPLICATE) and its info read through the
	 * copy. */
	cr_assert_eq(zx_handle_duplicate(root, ZX_RIGHT_SAME_RIGHTS, &dup),
	    ZX_OK);
	cr_assert_eq(basic_of(dup).rights, 0x800B);
	cr_assert_eq(info_of(dup).kind, ROOT);
	/* No right beyond its own. */
	cr_assert_eq(zx_handle_duplicate(root, ZX_RIGHT_READ, &dup),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(dup);
	zx_handle_close(root);
}

/* --- daemon-wide accounting --------------------------------------------- */

Test(resource_leaks, objects_freed, .init = setup)
{
	struct zxdtest_stats s0, s1;
	zx_handle_t root, h[16], out;
	struct own o;

	own_start(&o, NULL);
	root = get_root();
	cr_assert_eq(zxdtest_stats(o.d.socket, &s0), 0);
	for (unsigned i = 0; i < 16; i++)
		h[i] = create_ok(root, (i % 2 ? EXCL : 0) | MMIO,
		    mmio_base(i), page);
	for (unsigned i = 0; i < 16; i++) {
		cr_assert_eq(create(h[i], MMIO, mmio_base(i), 2 * page, &out),
		    ZX_ERR_ACCESS_DENIED);
		cr_assert_eq(create(root, MMIO | EXCL, mmio_base(i), page,
		    &out), ZX_ERR_NOT_FOUND);
	}
	cr_assert_eq(create(root, MMIO, mmio_base(20), page, NULL),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zxdtest_stats(o.d.socket, &s1), 0);
	cr_assert_eq(s1.objects, s0.objects + 16);
	cr_assert_eq(zx_handle_close_many(h, 16), ZX_OK);
	cr_assert_eq(zxdtest_stats(o.d.socket, &s1), 0);
	cr_assert_eq(s1.objects, s0.objects);
	cr_assert_eq(s1.handles, s0.handles);
	/* The root object outlives its handles. */
	zx_handle_close(root);
	cr_assert_eq(zxdtest_stats(o.d.socket, &s1), 0);
	cr_assert_eq(s1.objects, s0.objects);
	cr_assert_eq(s1.handles, s0.handles - 1);
	own_stop(&o);
}

/* --- RAM comes from the configuration ------------------------------------ */

Test(resource_ram, map_from_config, .init = setup)
{
	struct own o;
	zx_handle_t root, out;

	own_start(&o,
	    "[region dram]\nkind = ram\nbase = 0x80000000\nsize = 16M\n"
	    "[region uart]\nkind = mmio\nbase = 0x10000000\nsize = 4K\n");
	root = get_root();
	cr_assert_eq(create(root, MMIO, 0x80000000, page, &out),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(create(root, MMIO, 0x80FFF000, 2 * page, &out),
	    ZX_ERR_ACCESS_DENIED);
	/* The built-in map's RAM is gone with it. */
	out = create_ok(root, MMIO, 0, page);
	zx_handle_close(out);
	out = create_ok(root, MMIO, 0x81000000, page);
	zx_handle_close(out);
	zx_handle_close(root);
	own_stop(&o);
}
