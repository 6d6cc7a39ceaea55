/*
 * Accounting by process and by uid (daemon/account.c), against a daemon
 * of the test's own with small limits:
 *
 *  - the connections of one process share its limits (raw control
 *    connections do not multiply them); the processes of one uid share
 *    the uid's; another uid is not affected;
 *  - a connection over a connection limit is refused at once with
 *    ZX_ERR_NO_RESOURCES (libzx returns it from the first call and, with
 *    ZXD_DEBUG, names the socket);
 *  - handles in flight count against their sender until read, then
 *    against the reader (a reader over its limit leaves the message);
 *  - queued channel messages and bytes count against the writer;
 *  - the descriptor budget: one uid gets its share, another uid and
 *    zxctl are still served; a refusal is logged once per client and
 *    limit.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "proto/wire.h"
#include "tests/lib/zxdtest.h"

static struct zxdtest_daemon D;
static char conf[64];

static void
start(const char *limits)
{
	const char *args[] = { "--config", conf, NULL };
	FILE *f;
	int fd;

	snprintf(conf, sizeof(conf), "/tmp/zxd-acct.XXXXXX");
	fd = mkstemp(conf);
	cr_assert_geq(fd, 0);
	fchmod(fd, 0644);
	f = fdopen(fd, "w");
	fprintf(f, "[limits]\n%s", limits);
	fclose(f);
	cr_assert_eq(zxdtest_start(&D, args), 0);
}

static void
stop(void)
{
	if (D.pid > 0)
		cr_expect_eq(zxdtest_stop(&D), 0);
	D.pid = 0;
	unlink(conf);
}

/* --- raw control connections ------------------------------------------ */

/* Connect and say HELLO: the fd, or -status when refused. */
static int
raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Hello hello = ZXD__HELLO__INIT;
	struct wire_msg m = { 0 };
	struct pollfd p;
	Zxd__Reply *rep;
	ssize_t n;
	int fd, st;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	cr_assert_geq(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", D.socket);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	hello.version = ZXD_PROTOCOL_VERSION;
	req.body_case = ZXD__REQUEST__BODY_HELLO;
	req.hello = &hello;
	req.txid = 1;
	(void)wire_send(fd, &req.base, NULL, 0);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	cr_assert_eq(poll(&p, 1, 5000), 1, "no answer to HELLO");
	m.buf = malloc(WIRE_MAX_MSG);
	n = wire_recv(fd, &m);
	if (n == -ECONNRESET)	/* refused with our HELLO unread */
		n = wire_recv(fd, &m);
	cr_assert_gt(n, 0);
	rep = zxd__reply__unpack(NULL, m.len, m.buf);
	cr_assert_not_null(rep);
	st = rep->status;
	zxd__reply__free_unpacked(rep, NULL);
	wire_msg_clear(&m);
	free(m.buf);
	if (st != ZX_OK) {
		close(fd);
		return st;	/* negative */
	}
	return fd;
}

/* zx_vmo_create on a raw connection; the new handle's fd goes to
 * *keep (closed if keep is NULL). */
static zx_status_t
raw_vmo_create(int fd, uint64_t size, int *keep)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmoCreate vc = ZXD__VMO_CREATE__INIT;
	struct wire_msg m = { 0 };
	Zxd__Reply *rep;
	zx_status_t st;

	vc.size = size;
	req.body_case = ZXD__REQUEST__BODY_VMO_CREATE;
	req.vmo_create = &vc;
	req.txid = 2;
	cr_assert_eq(wire_send(fd, &req.base, NULL, 0), 0);
	m.buf = malloc(WIRE_MAX_MSG);
	cr_assert_gt(wire_recv(fd, &m), 0);
	rep = zxd__reply__unpack(NULL, m.len, m.buf);
	cr_assert_not_null(rep);
	st = rep->status;
	zxd__reply__free_unpacked(rep, NULL);
	if (keep != NULL && st == ZX_OK && m.nfds == 1) {
		*keep = m.fds[0];
		m.fds[0] = -1;
	}
	wire_msg_clear(&m);	/* closes the handle's fd, if any */
	free(m.buf);
	return st;
}

static void
reap_ok(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "child failed: status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* Fork a child of uid/gid `id` running fn(arg); its pid. */
static pid_t
fork_as(uid_t id, int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(id) < 0 ||
		    setuid(id) < 0)
			_exit(126);
		_exit(fn(arg));
	}
	return pid;
}

static pid_t
fork_nobody(int (*fn)(void *), void *arg)
{
	return fork_as(65534, fn, arg);
}

/* --- one process, several connections ---------------------------------- */

Test(accounting, connections_of_one_process_share_its_limits,
    .fini = stop, .timeout = 30)
{
	zx_handle_t e[3], x;
	int fd, h1 = -1, h2 = -1;

	start("handles_per_client = 4\n");
	for (int i = 0; i < 3; i++)
		cr_assert_eq(zx_event_create(0, &e[i]), ZX_OK);
	fd = raw_connect();
	cr_assert_geq(fd, 0);
	/* Another connection of the same process: the same 4 handles. */
	cr_expect_eq(raw_vmo_create(fd, 4096, &h1), ZX_OK);
	cr_expect_eq(raw_vmo_create(fd, 4096, &h2), ZX_ERR_NO_RESOURCES);
	cr_expect_eq(zx_event_create(0, &x), ZX_ERR_NO_RESOURCES);
	/* What one connection gives back, the other may take. */
	close(h1);
	cr_expect_eq(zx_event_create(0, &x), ZX_OK);
	zx_handle_close(x);
	zx_handle_close_many(e, 3);
	close(fd);
}

/* --- one uid, several processes ----------------------------------------- */

struct hold {
	int ready[2], go[2];
	uint64_t size;
	zx_status_t want;
};

/* Make a VMO of `size` and commit it (want: the commit's status), say
 * so, wait for `go`. */
static int
hold_vmo(void *arg)
{
	struct hold *h = arg;
	zx_handle_t v;
	char c = 0;

	if (zx_vmo_create(h->size, 0, &v) != ZX_OK ||
	    zx_vmo_op_range(v, ZX_VMO_OP_COMMIT, 0, h->size, NULL, 0) !=
	    h->want)
		return 1;
	(void)!write(h->ready[1], &c, 1);
	(void)!read(h->go[0], &c, 1);
	return 0;
}

Test(accounting, processes_of_one_uid_share_its_limits,
    .fini = stop, .timeout = 30)
{
	struct hold a = { .size = 48 * 1024, .want = ZX_OK };
	struct hold b = { .size = 32 * 1024, .want = ZX_ERR_NO_MEMORY };
	struct hold c = { .size = 16 * 1024, .want = ZX_OK };
	zx_handle_t v;
	pid_t pa, pb, pc;
	char x = 0;

	start("vmo_bytes_per_uid = 64K\n");
	cr_assert_eq(pipe(a.ready), 0);
	cr_assert_eq(pipe(a.go), 0);
	b.ready[1] = c.ready[1] = a.ready[1];
	b.go[0] = c.go[0] = a.go[0];
	pa = fork_nobody(hold_vmo, &a);
	cr_assert_eq(read(a.ready[0], &x, 1), 1);
	/* Another process of uid 65534: what is left of the uid's 64K. */
	pb = fork_nobody(hold_vmo, &b);
	cr_assert_eq(read(a.ready[0], &x, 1), 1);
	pc = fork_nobody(hold_vmo, &c);
	cr_assert_eq(read(a.ready[0], &x, 1), 1);
	/* Another uid is not affected. */
	cr_expect_eq(zx_vmo_create(48 * 1024, 0, &v), ZX_OK);
	cr_expect_eq(zx_vmo_op_range(v, ZX_VMO_OP_COMMIT, 0, 48 * 1024, NULL,
	    0), ZX_OK);
	zx_handle_close(v);
	(void)!write(a.go[1], "xxx", 3);
	reap_ok(pa);
	reap_ok(pb);
	reap_ok(pc);
}

/* --- connection limits -------------------------------------------------- */

struct newcomer {
	int nraw;		/* raw connections to open first */
	int err[2];		/* the child's stderr */
};

/* Open nraw raw connections, then use libzx: its first call must fail
 * at once with NO_RESOURCES. */
static int
newcomer(void *arg)
{
	struct newcomer *n = arg;
	struct timespec t0, t1;
	zx_handle_t ev;
	zx_status_t st;

	for (int i = 0; i < n->nraw; i++)
		if (raw_connect() < 0)
			return 2;
	dup2(n->err[1], 2);
	setenv("ZXD_DEBUG", "1", 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = zx_event_create(0, &ev);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (st != ZX_ERR_NO_RESOURCES)
		return 3;
	/* Fast: no wait for a timeout (bounded loosely: no timing in
	 * make check, only "not hung"). */
	if (t1.tv_sec - t0.tv_sec > 2)
		return 4;
	return 0;
}

Test(accounting, over_the_connection_limit_fails_at_once,
    .fini = stop, .timeout = 30)
{
	struct newcomer n = { .nraw = 2 };
	char buf[4096] = "";
	ssize_t len;
	int fds[2];
	pid_t pid;

	start("connections_per_process = 2\n");
	/* Raw: the third connection of this process gets its answer before
	 * it even asks. */
	fds[0] = raw_connect();
	fds[1] = raw_connect();
	cr_assert_geq(fds[0], 0);
	cr_assert_geq(fds[1], 0);
	cr_expect_eq(raw_connect(), ZX_ERR_NO_RESOURCES);
	close(fds[0]);
	close(fds[1]);

	/* libzx, in a process that already has two. */
	cr_assert_eq(pipe(n.err), 0);
	pid = fork_nobody(newcomer, &n);
	close(n.err[1]);
	reap_ok(pid);
	len = read(n.err[0], buf, sizeof(buf) - 1);
	close(n.err[0]);
	buf[len > 0 ? len : 0] = '\0';
	cr_expect_not_null(strstr(buf, D.socket), "ZXD_DEBUG said: %s", buf);
	cr_expect_not_null(strstr(buf, "ZX_ERR_NO_RESOURCES"),
	    "ZXD_DEBUG said: %s", buf);
}

static int
hold_connections(void *arg)
{
	int *p = arg;
	char c;

	for (int i = 0; i < 3; i++)
		if (raw_connect() < 0)
			return 2;
	(void)!write(p[1], "r", 1);
	(void)!read(p[2], &c, 1);
	return 0;
}

Test(accounting, uid_connection_limit_spares_other_uids,
    .fini = stop, .timeout = 30)
{
	struct newcomer n = { .nraw = 0 };
	int p[3], go[2];
	zx_handle_t ev;
	pid_t holder, pid;
	char c;

	start("connections_per_uid = 3\n");
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(pipe(go), 0);
	p[2] = go[0];
	holder = fork_nobody(hold_connections, p);
	cr_assert_eq(read(p[0], &c, 1), 1);
	/* A newcomer of the same uid is refused at once... */
	cr_assert_eq(pipe(n.err), 0);
	pid = fork_nobody(newcomer, &n);
	close(n.err[1]);
	reap_ok(pid);
	close(n.err[0]);
	/* ... another uid is served. */
	cr_expect_eq(zx_event_create(0, &ev), ZX_OK);
	zx_handle_close(ev);
	(void)!write(go[1], "g", 1);
	reap_ok(holder);
}

/* --- handles in flight --------------------------------------------------- */

struct reader {
	int token;		/* export token of the channel's read end */
	int ready[2], go[2];
};

/* Import the channel end, fill the handle limit (4: the end and three
 * events), fail to read a message with two handles (it stays), close two
 * events, read it. */
static int
read_over_limit(void *arg)
{
	struct reader *r = arg;
	zx_handle_t b, e[3], got[2];
	uint32_t nb, nh;
	char buf[8], c;

	if (zxd_handle_import(r->token, &b) != ZX_OK)
		return 2;
	for (int i = 0; i < 3; i++)
		if (zx_event_create(0, &e[i]) != ZX_OK)
			return 3;
	(void)!write(r->ready[1], "r", 1);
	(void)!read(r->go[0], &c, 1);
	if (zx_channel_read(b, 0, buf, got, sizeof(buf), 2, &nb, &nh) !=
	    ZX_ERR_NO_RESOURCES)
		return 4;
	zx_handle_close_many(e, 2);
	if (zx_channel_read(b, 0, buf, got, sizeof(buf), 2, &nb, &nh) !=
	    ZX_OK || nh != 2)
		return 5;
	(void)!write(r->ready[1], "d", 1);
	(void)!read(r->go[0], &c, 1);
	return 0;
}

Test(accounting, in_flight_handles_move_from_sender_to_reader,
    .fini = stop, .timeout = 30)
{
	struct reader r;
	zx_handle_t a, b, e[2], x[3];
	pid_t pid;
	char c;

	start("handles_per_client = 4\n");
	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(b, &r.token), ZX_OK);
	cr_assert_eq(pipe(r.ready), 0);
	cr_assert_eq(pipe(r.go), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(read_over_limit(&r));
	close(r.token);
	cr_assert_eq(read(r.ready[0], &c, 1), 1);
	/* a and two events: 3; sent, the events still count here. */
	cr_assert_eq(zx_event_create(0, &e[0]), ZX_OK);
	cr_assert_eq(zx_event_create(0, &e[1]), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "hh", 2, e, 2), ZX_OK);
	cr_assert_eq(zx_event_create(0, &x[0]), ZX_OK);
	cr_expect_eq(zx_event_create(0, &x[1]), ZX_ERR_NO_RESOURCES);
	(void)!write(r.go[1], "g", 1);
	cr_assert_eq(read(r.ready[0], &c, 1), 1);
	/* Read by the other process: they count there now. */
	cr_expect_eq(zx_event_create(0, &x[1]), ZX_OK);
	cr_expect_eq(zx_event_create(0, &x[2]), ZX_OK);
	(void)!write(r.go[1], "g", 1);
	reap_ok(pid);
	zx_handle_close_many(x, 3);
	zx_handle_close(a);
}

/* --- queued messages ------------------------------------------------------ */

Test(accounting, queued_messages_count_against_the_writer,
    .fini = stop, .timeout = 30)
{
	static char big[2048];
	zx_handle_t a, b, c, d;
	char buf[2048];
	uint32_t nb, nh;

	start("channel_messages_per_process = 4\n"
	    "channel_bytes_per_process = 1K\n");
	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_channel_create(0, &c, &d), ZX_OK);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(zx_channel_write(a, 0, "m", 1, NULL, 0), ZX_OK);
	/* Every channel of the process: four queued. */
	cr_expect_eq(zx_channel_write(c, 0, "m", 1, NULL, 0),
	    ZX_ERR_NO_RESOURCES);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &nb,
	    &nh), ZX_OK);
	cr_expect_eq(zx_channel_write(c, 0, "m", 1, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(d, 0, buf, NULL, sizeof(buf), 0, &nb,
	    &nh), ZX_OK);
	/* Bytes: 1K in all. */
	cr_expect_eq(zx_channel_write(c, 0, big, sizeof(big), NULL, 0),
	    ZX_ERR_NO_MEMORY);
	/* A closed reader gives its queue back. */
	zx_handle_close(b);
	zx_handle_close(d);
	zx_handle_close(c);
	cr_assert_eq(zx_channel_create(0, &c, &d), ZX_OK);
	for (int i = 0; i < 4; i++)
		cr_expect_eq(zx_channel_write(c, 0, big, 200, NULL, 0), ZX_OK);
	zx_handle_close(a);
	zx_handle_close(c);
	zx_handle_close(d);
}

/* --- the descriptor budget ------------------------------------------------ */

static int
grab_fds(void *arg)
{
	int *p = arg;
	zx_handle_t ev;
	int n = 0;
	char c;

	while (n < 100000 && zx_event_create(0, &ev) == ZX_OK)
		n++;
	/* Refused again and again: logged once. */
	for (int i = 0; i < 50; i++)
		if (zx_event_create(0, &ev) != ZX_ERR_NO_RESOURCES)
			return 2;
	(void)!write(p[1], &n, sizeof(n));
	(void)!read(p[2], &c, 1);
	return 0;
}

Test(accounting, one_uid_gets_its_share_of_descriptors,
    .fini = stop, .timeout = 30)
{
	struct zxdtest_stats s;
	int p[3], go[2], n = 0, lines = 0;
	zx_handle_t ev[64];
	char line[512];
	pid_t pid;
	FILE *f;

	/* 1000 - 100 reserved - 32 for the daemon: 868, 434 per uid. */
	start("fd_budget = 1000\nfd_reserve = 100\nfd_share_per_uid = 50\n");
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(pipe(go), 0);
	p[2] = go[0];
	pid = fork_nobody(grab_fds, p);
	cr_assert_eq(read(p[0], &n, sizeof(n)), (ssize_t)sizeof(n));
	cr_expect(n > 300 && n < 434, "uid 65534 got %d handles", n);
	/* Another uid is served, and so is zxctl's kind of request. */
	for (int i = 0; i < 64; i++)
		cr_expect_eq(zx_event_create(0, &ev[i]), ZX_OK);
	zx_handle_close_many(ev, 64);
	cr_expect_eq(zxdtest_stats(D.socket, &s), 0);
	(void)!write(go[1], "g", 1);
	reap_ok(pid);
	f = fopen(D.log, "re");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "daemon descriptors") != NULL)
			lines++;
	fclose(f);
	cr_expect_eq(lines, 1, "the refusal was logged %d times", lines);
}

/* A process of uid 65534 that closes SPARE_MAX events (leaving as many
 * spare sockets, each one of the daemon's descriptors charged to its uid)
 * and waits; p[1]: says it is done, p[2]: the go to exit. */
static int
hold_spares(void *arg)
{
	int *p = arg;
	zx_handle_t e[16];
	char c = 0;

	for (int i = 0; i < 16; i++)
		if (zx_event_create(0, &e[i]) != ZX_OK)
			c = 1;
	zx_handle_close_many(e, 16);
	(void)!write(p[1], &c, 1);
	(void)!read(p[2], &c, 1);
	return 0;
}

/* Creates 64 events, as uid 65534: 0 if every one was made. */
static int
create_64(void *arg)
{
	zx_handle_t e[64];
	int bad = 0;

	(void)arg;
	for (int i = 0; i < 64; i++)
		if (zx_event_create(0, &e[i]) != ZX_OK) {
			e[i] = ZX_HANDLE_INVALID;
			bad++;
		}
	zx_handle_close_many(e, 64);
	return bad;
}

/* Spare sockets are a cache: idle ones of other processes of a uid do not
 * keep a descriptor from a process of that uid that needs one (the
 * daemon drops them first, then anyone's). */
Test(accounting, spares_give_way_to_handles, .fini = stop, .timeout = 30)
{
	enum { HOLDERS = 24 };
	pid_t pid[HOLDERS];
	int p[3], go[2];
	struct zxdtest_stats s;

	/* 434 descriptors per uid; the holders take 24 x 17 of them. */
	start("fd_budget = 1000\nfd_reserve = 100\nfd_share_per_uid = 50\n");
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(pipe(go), 0);
	p[2] = go[0];
	for (int i = 0; i < HOLDERS; i++) {
		char c;

		pid[i] = fork_nobody(hold_spares, p);
		cr_assert_eq(read(p[0], &c, 1), 1);
		cr_assert_eq(c, 0, "holder %d could not make its events", i);
	}
	cr_assert_eq(zxdtest_stats(D.socket, &s), 0);
	cr_assert_eq(s.spares, HOLDERS * 16);
	/* 65 more for this one: over the share, unless spares give way. */
	reap_ok(fork_nobody(create_64, NULL));
	cr_assert_eq(zxdtest_stats(D.socket, &s), 0);
	cr_expect_lt(s.spares, HOLDERS * 16);
	for (int i = 0; i < HOLDERS; i++)
		(void)!write(go[1], "g", 1);
	for (int i = 0; i < HOLDERS; i++)
		reap_ok(pid[i]);
}

/* Two uids take the whole budget between them: a newcomer of a third uid
 * is refused at once, but the root-resource policy's peers (zxctl) still
 * get in, through the reserve. */
Test(accounting, the_reserve_keeps_zxctl_served, .fini = stop,
    .timeout = 30)
{
	struct newcomer n = { .nraw = 0 };
	int p1[3], p2[3], go[2], n1 = 0, n2 = 0;
	struct zxdtest_stats s;
	zx_handle_t ev;
	pid_t a, b, c;

	/* 400 - 100 reserved - 32 for the daemon: 268, 134 per uid. */
	start("fd_budget = 400\nfd_reserve = 100\nfd_share_per_uid = 50\n");
	cr_assert_eq(pipe(p1), 0);
	cr_assert_eq(pipe(p2), 0);
	cr_assert_eq(pipe(go), 0);
	p1[2] = p2[2] = go[0];
	a = fork_as(65534, grab_fds, p1);
	cr_assert_eq(read(p1[0], &n1, sizeof(n1)), (ssize_t)sizeof(n1));
	b = fork_as(65533, grab_fds, p2);
	cr_assert_eq(read(p2[0], &n2, sizeof(n2)), (ssize_t)sizeof(n2));
	cr_expect(n1 > 100 && n2 > 100, "got %d and %d", n1, n2);
	/* A third uid: refused at once with NO_RESOURCES. */
	cr_assert_eq(pipe(n.err), 0);
	c = fork_as(65532, newcomer, &n);
	close(n.err[1]);
	reap_ok(c);
	close(n.err[0]);
	/* Root (admitted): served, and so is a stats request. */
	cr_expect_eq(zx_event_create(0, &ev), ZX_OK);
	zx_handle_close(ev);
	cr_expect_eq(zxdtest_stats(D.socket, &s), 0);
	(void)!write(go[1], "gg", 2);
	reap_ok(a);
	reap_ok(b);
}

/* How many objects `make` makes before the daemon refuses; closed after. */
static int
made_until_refused(zx_status_t (*make)(zx_handle_t *), zx_status_t *why)
{
	static zx_handle_t h[1000];
	int n = 0;

	while (n < 1000 && (*why = make(&h[n])) == ZX_OK)
		n++;
	zx_handle_close_many(h, (size_t)n);
	return n;
}

static zx_status_t
make_event(zx_handle_t *h)
{
	return zx_event_create(0, h);
}

static zx_status_t
make_port(zx_handle_t *h)
{
	return zx_port_create(0, h);
}

static zx_handle_t fifo_others[1000];
static size_t n_fifo_others;

static zx_status_t
make_fifo(zx_handle_t *h)
{
	zx_handle_t other;
	zx_status_t st = zx_fifo_create(64, 8, 0, h, &other);

	/* The other end stays open: kept in h's slot's neighbour below. */
	if (st == ZX_OK)
		fifo_others[n_fifo_others++] = other;
	return st;
}

/* A port holds seven of the daemon's descriptors (its handle's socket,
 * its rings, control page, eventfd and wake pair) and 36 KiB of shared
 * memory: its maker is charged for all of them, so a process gets about
 * a seventh as many ports as events from the same share, and gets it
 * back when they close. */
Test(accounting, a_port_is_charged_what_it_holds, .fini = stop,
    .timeout = 30)
{
	zx_status_t why;
	int events, ports, again;

	start("fd_budget = 1000\nfd_reserve = 100\nfd_share_per_uid = 50\n");
	events = made_until_refused(make_event, &why);
	cr_expect_eq(why, ZX_ERR_NO_RESOURCES);
	ports = made_until_refused(make_port, &why);
	cr_expect_eq(why, ZX_ERR_NO_RESOURCES, "%s",
	    zx_status_get_string(why));
	cr_expect(ports * 7 <= events + 16 && ports * 7 >= events - 32,
	    "%d events, %d ports", events, ports);
	again = made_until_refused(make_event, &why);
	cr_expect(again >= events - 16 && again <= events + 16,
	    "%d events before, %d after the ports closed", events, again);
}

/* Channel pairs made until refused; with `read`, each endpoint b is read
 * once first, which gives it a delivery socket (two daemon descriptors,
 * charged to the reader). All closed after. */
static int
channels_until_refused(bool read)
{
	static zx_handle_t h[2000];
	int n = 0;

	while (n < 1000 && zx_channel_create(0, &h[2 * n], &h[2 * n + 1]) ==
	    ZX_OK) {
		char b;
		uint32_t nb, nh;

		n++;
		if (!read)
			continue;
		cr_assert_eq(zx_channel_write(h[2 * n - 2], 0, "x", 1, NULL,
		    0), ZX_OK);
		cr_assert_eq(zx_channel_read(h[2 * n - 1], 0, &b, NULL, 1, 0,
		    &nb, &nh), ZX_OK);
	}
	zx_handle_close_many(h, 2 * (size_t)n);
	return n;
}

Test(accounting, a_delivery_socket_is_charged_to_its_reader, .fini = stop,
    .timeout = 30)
{
	int plain, read;

	start("fd_budget = 1000\nfd_reserve = 100\nfd_share_per_uid = 50\n");
	plain = channels_until_refused(false);
	read = channels_until_refused(true);
	/* Two descriptors a pair, or four with a delivery socket. */
	cr_expect(read * 2 <= plain + 8 && read * 2 >= plain - 16,
	    "%d pairs, %d read ones", plain, read);
}

/* A FIFO pair holds eleven of the daemon's descriptors (two handles'
 * sockets, each direction's head, tail and data memfds, the doorbell, two
 * signal pages): its maker is charged for all of them. */
Test(accounting, a_fifo_is_charged_what_it_holds, .fini = stop,
    .timeout = 30)
{
	zx_status_t why;
	int events, fifos;

	start("fd_budget = 1000\nfd_reserve = 100\nfd_share_per_uid = 50\n");
	events = made_until_refused(make_event, &why);
	cr_expect_eq(why, ZX_ERR_NO_RESOURCES);
	fifos = made_until_refused(make_fifo, &why);
	zx_handle_close_many(fifo_others, n_fifo_others);
	cr_expect_eq(why, ZX_ERR_NO_RESOURCES, "%s",
	    zx_status_get_string(why));
	cr_expect(fifos * 11 <= events + 16 && fifos * 11 >= events - 48,
	    "%d events, %d FIFO pairs", events, fifos);
}

static zx_status_t
make_waited_event(zx_handle_t *h)
{
	zx_status_t st = zx_event_create(0, h);
	zx_signals_t seen;

	/* A wait that cannot be satisfied makes the signal page. */
	if (st == ZX_OK)
		st = zx_object_wait_one(*h, ZX_USER_SIGNAL_0, 0, &seen);
	if (st == ZX_ERR_TIMED_OUT)
		return ZX_OK;
	if (st != ZX_OK && *h != ZX_HANDLE_INVALID)
		zx_handle_close(*h);
	return st;
}

/* An object's signal page is one of the daemon's descriptors: the first
 * waiter (or the object's payer) is charged for it. */
Test(accounting, a_signal_page_is_charged, .fini = stop, .timeout = 30)
{
	zx_status_t why;
	int events, waited;

	start("fd_budget = 1000\nfd_reserve = 100\nfd_share_per_uid = 50\n");
	events = made_until_refused(make_event, &why);
	waited = made_until_refused(make_waited_event, &why);
	cr_expect_eq(why, ZX_ERR_NO_RESOURCES, "%s",
	    zx_status_get_string(why));
	cr_expect(waited * 2 <= events + 16 && waited * 2 >= events - 32,
	    "%d events, %d waited on", events, waited);
}
