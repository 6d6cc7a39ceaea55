/*
 * Bad input and client death against a daemon of the test's own
 * (zxdtest_start), so the daemon-wide counts and fds are ours to compare:
 *
 *  - every malformed packet on the control connection, and on a handle's
 *    socket, closes that connection only, while libzx in this process
 *    (its own control connection and other handles) keeps being served;
 *  - a request from another process on a copy of a handle's fd (or of a
 *    control connection) is answered BAD_HANDLE (ACCESS_DENIED);
 *  - a client that is SIGKILLed leaves nothing behind;
 *  - SIGTERM/SIGINT: exit 0, socket removed, nothing logged at error
 *    level, no sanitizer report;
 *  - the daemon leaks no fds over bursts of calls and of bad packets.
 */
#include "config-build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include <zxd/zxd.h>

#include "proto/wire.h"
#include "tests/lib/zxdtest.h"

static struct zxdtest_daemon D;

static void
daemon_up(void)
{
	int r = zxdtest_start(&D, NULL);

	cr_assert_eq(r, 0, "zxdtest_start: %s", strerror(-r));
}

/* Stop with `sig`; the daemon must exit 0, remove its socket and have
 * logged nothing at error level nor any sanitizer report. */
static void
daemon_down_checked(int sig)
{
	char line[512], bad[1024] = "";
	int st;
	FILE *f;

	if (D.pid <= 0)
		return;
	kill(D.pid, sig);
	cr_assert_eq(waitpid(D.pid, &st, 0), D.pid);
	D.pid = 0;
	f = fopen(D.log, "re");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if ((line[0] == '<' && line[1] >= '0' &&
			    line[1] <= '3') || strstr(line, "Sanitizer") ||
			    strstr(line, "runtime error"))
				strncat(bad, line, sizeof(bad) - strlen(bad) -
				    1);
		fclose(f);
	}
	cr_expect_eq(access(D.socket, F_OK), -1, "socket left behind");
	unlink(D.socket);
	unlink(D.log);
	rmdir(D.dir);
	cr_assert(WIFEXITED(st), "zxd died of signal %d", WTERMSIG(st));
	cr_assert_eq(WEXITSTATUS(st), 0);
	cr_assert_str_empty(bad, "zxd logged:\n%s", bad);
}

/* After a failed assertion: no daemon outlives the test. */
static void
daemon_reap(void)
{
	if (D.pid > 0) {
		kill(D.pid, SIGKILL);
		waitpid(D.pid, NULL, 0);
		unlink(D.socket);
		unlink(D.log);
		rmdir(D.dir);
		D.pid = 0;
	}
}

static int
count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d, "%s: %s", path, strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* The daemon's open fds, once steady: the stats connection this test
 * has just closed is only dropped when the daemon reads its EOF. */
static int
daemon_fds(void)
{
	char path[64];
	int a, b = -1;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)D.pid);
	for (int i = 0; i < 100; i++) {
		a = count_dir(path);
		usleep(20000);
		b = count_dir(path);
		if (a == b)
			break;
	}
	return b;
}

static struct zxdtest_stats
stats(void)
{
	struct zxdtest_stats s;

	cr_assert_eq(zxdtest_stats(D.socket, &s), 0);
	return s;
}

/* Closing is asynchronous for the daemon: wait until the counts (and
 * then the fds) are back to what they were. Spare sockets (at most
 * WIRE_SPARES_MAX a process, each one fd) are kept on purpose: the fds
 * compared are those of everything else. */
static void
settle(const struct zxdtest_stats *want, int want_fds)
{
	struct zxdtest_stats s = { 0 };
	int fds = -1;

	for (int i = 0; i < 500; i++) {
		s = stats();
		if (s.clients == want->clients && s.handles == want->handles &&
		    s.objects == want->objects) {
			fds = daemon_fds() - (int)s.spares;
			if (want_fds < 0 ||
			    fds == want_fds - (int)want->spares)
				return;
		}
		usleep(10000);
	}
	cr_assert_fail("not back to baseline: clients %lu/%lu handles %lu/%lu "
	    "objects %lu/%lu fds %d/%d", (unsigned long)s.clients,
	    (unsigned long)want->clients, (unsigned long)s.handles,
	    (unsigned long)want->handles, (unsigned long)s.objects,
	    (unsigned long)want->objects, fds, want_fds - (int)want->spares);
}

/* --- raw protocol ---------------------------------------------------- */

static int
raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", D.socket);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void
raw_send(int sock, const void *buf, size_t len, const int *fds, size_t nfds)
{
	size_t space = CMSG_SPACE(sizeof(int) * nfds);
	char *ctl = calloc(1, space);
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int sz = 4 * WIRE_MAX_MSG;

	cr_assert_not_null(ctl);
	setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (nfds > 0) {
		struct cmsghdr *c;

		mh.msg_control = ctl;
		mh.msg_controllen = space;
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	cr_assert_eq(sendmsg(sock, &mh, MSG_NOSIGNAL), (ssize_t)len,
	    "sendmsg: %s", strerror(errno));
	free(ctl);
}

/* Send `req` as is (its nfds unchanged) with fds attached. */
static void
send_req(int sock, Zxd__Request *req, const int *fds, size_t nfds)
{
	int r = wire_send(sock, &req->base, fds, nfds);

	cr_assert_eq(r, 0, "wire_send: %s", strerror(-r));
}

/* The next reply, or NULL at EOF. Fails after 5 s of silence. */
static Zxd__Reply *
recv_reply(int sock, struct wire_msg *m)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	ssize_t n;

	cr_assert_eq(poll(&p, 1, 5000), 1, "no answer from zxd");
	n = wire_recv(sock, m);
	cr_assert_geq(n, 0, "wire_recv: %s", strerror((int)-n));
	if (n == 0)
		return NULL;
	return zxd__reply__unpack(NULL, m->len, m->buf);
}

static struct wire_msg *
msg_new(void)
{
	struct wire_msg *m = calloc(1, sizeof(*m));

	cr_assert_not_null(m);
	m->buf = malloc(WIRE_MAX_MSG);
	cr_assert_not_null(m->buf);
	return m;
}

static void
msg_free(struct wire_msg *m)
{
	wire_msg_clear(m);
	free(m->buf);
	free(m);
}

/* The daemon closes `sock`: EOF, with no reply before it (or exactly
 * one with `status` when status != 0). */
static void
expect_dropped(int sock, zx_status_t status, const char *what)
{
	struct wire_msg *m = msg_new();
	Zxd__Reply *rep = recv_reply(sock, m);

	if (status != ZX_OK) {
		cr_assert_not_null(rep, "%s: no reply before EOF", what);
		cr_assert_eq(rep->status, status, "%s: status %s", what,
		    zx_status_get_string(rep->status));
		zxd__reply__free_unpacked(rep, NULL);
		rep = recv_reply(sock, m);
	}
	if (rep != NULL) {
		cr_assert_fail("%s: answered (status %s) instead of dropping "
		    "the connection", what, zx_status_get_string(rep->status));
	}
	msg_free(m);
}

static void
req_hello(Zxd__Request *req, Zxd__Hello *h, uint32_t version)
{
	zxd__request__init(req);
	zxd__hello__init(h);
	h->version = version;
	req->txid = 1;
	req->body_case = ZXD__REQUEST__BODY_HELLO;
	req->hello = h;
}

static void
raw_hello(int sock)
{
	Zxd__Request req;
	Zxd__Hello h;
	struct wire_msg *m = msg_new();
	Zxd__Reply *rep;

	req_hello(&req, &h, ZXD_PROTOCOL_VERSION);
	send_req(sock, &req, NULL, 0);
	rep = recv_reply(sock, m);
	cr_assert_not_null(rep);
	cr_assert_eq(rep->status, ZX_OK);
	cr_assert_eq(rep->body_case, ZXD__REPLY__BODY_HELLO);
	cr_assert_eq(rep->hello->version, ZXD_PROTOCOL_VERSION);
	zxd__reply__free_unpacked(rep, NULL);
	msg_free(m);
}

/* A connected, greeted raw control connection. */
static int
raw_control(void)
{
	int fd = raw_connect();

	raw_hello(fd);
	return fd;
}

/* libzx in this process, and a fresh raw client, are still served. */
static void
still_served(zx_handle_t keep, const char *after)
{
	zx_handle_t h;
	zx_signals_t seen = 0;
	zx_status_t st;
	int fd;

	st = zx_event_create(0, &h);
	cr_assert_eq(st, ZX_OK, "after %s: create: %s", after,
	    zx_status_get_string(st));
	cr_assert_eq(zx_object_signal(h, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_object_wait_one(h, ZX_USER_SIGNAL_0, 0, NULL), ZX_OK);
	cr_assert_eq(zx_handle_close(h), ZX_OK);
	if (keep != ZX_HANDLE_INVALID) {
		st = zx_object_signal(keep, ZX_USER_SIGNAL_ALL,
		    ZX_USER_SIGNAL_1);
		cr_assert_eq(st, ZX_OK, "after %s: the other handle: %s",
		    after, zx_status_get_string(st));
		cr_assert_eq(zx_object_wait_one(keep, ZX_USER_SIGNAL_1, 0,
		    &seen), ZX_OK);
	}
	fd = raw_control();
	close(fd);
}

/* A few fds to attach: dups of one pipe end. */
static int *
some_fds(size_t n)
{
	int *fds = calloc(n, sizeof(int)), p[2];

	cr_assert_not_null(fds);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	for (size_t i = 0; i < n; i++)
		fds[i] = fcntl(p[0], F_DUPFD_CLOEXEC, 0);
	close(p[0]);
	close(p[1]);
	return fds;
}

static void
free_fds(int *fds, size_t n)
{
	wire_close_fds(fds, n);
	free(fds);
}

/* --- the bad packets ------------------------------------------------- */

enum bad_kind {
	BAD_GARBAGE,		/* bytes that do not unpack */
	BAD_EMPTY_PACKET,	/* zero-length packet (reads as EOF) */
	BAD_NO_BODY,		/* a Request with no body */
	BAD_HELLO,		/* a HELLO where none is due */
	BAD_EVENT_CREATE,	/* a control-only request */
	BAD_GET_INFO,		/* a handle-only request */
	BAD_NFDS_MORE,		/* declares 1 fd, carries none */
	BAD_NFDS_FEWER,		/* declares 0 fds, carries 2 */
	BAD_FDS_NOT_EXPECTED,	/* declares and carries 1; takes none */
	BAD_OVERSIZED,		/* a packet over WIRE_MAX_MSG */
	BAD_TOO_MANY_FDS,	/* more than WIRE_MAX_FDS fds */
	BAD_ABSENT_CREATE,	/* `absent` on a control-only request */
	BAD_ABSENT_GET_INFO,	/* `absent` (good on the control connection) */
	BAD_LAST = BAD_ABSENT_GET_INFO
};

static const char *const bad_name[] = {
	"garbage", "empty packet", "no body", "hello", "event_create",
	"get_info", "nfds > fds", "nfds < fds", "unexpected fd",
	"oversized", "too many fds", "absent event_create", "absent get_info",
};

static void
send_bad(int sock, enum bad_kind k)
{
	static const uint8_t garbage[] = { 0x0f, 0xff, 0xff, 0x01, 0x02 };
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Hello hello;
	Zxd__EventCreate ec = ZXD__EVENT_CREATE__INIT;
	Zxd__GetInfo gi = ZXD__GET_INFO__INIT;
	uint8_t *big;
	int *fds;

	req.txid = 99;
	gi.topic = ZX_INFO_HANDLE_BASIC;
	gi.buffer_size = sizeof(zx_info_handle_basic_t);
	switch (k) {
	case BAD_GARBAGE:
		raw_send(sock, garbage, sizeof(garbage), NULL, 0);
		break;
	case BAD_EMPTY_PACKET:
		raw_send(sock, "", 0, NULL, 0);
		break;
	case BAD_NO_BODY:
		send_req(sock, &req, NULL, 0);
		break;
	case BAD_HELLO:
		req_hello(&req, &hello, ZXD_PROTOCOL_VERSION);
		send_req(sock, &req, NULL, 0);
		break;
	case BAD_EVENT_CREATE:
		req.body_case = ZXD__REQUEST__BODY_EVENT_CREATE;
		req.event_create = &ec;
		send_req(sock, &req, NULL, 0);
		break;
	case BAD_GET_INFO:
		req.body_case = ZXD__REQUEST__BODY_GET_INFO;
		req.get_info = &gi;
		send_req(sock, &req, NULL, 0);
		break;
	case BAD_ABSENT_CREATE:
		req.absent = true;
		req.body_case = ZXD__REQUEST__BODY_EVENT_CREATE;
		req.event_create = &ec;
		send_req(sock, &req, NULL, 0);
		break;
	case BAD_ABSENT_GET_INFO:
		req.absent = true;
		req.body_case = ZXD__REQUEST__BODY_GET_INFO;
		req.get_info = &gi;
		send_req(sock, &req, NULL, 0);
		break;
	case BAD_NFDS_MORE:
	case BAD_NFDS_FEWER:
	case BAD_FDS_NOT_EXPECTED:
		req.body_case = ZXD__REQUEST__BODY_GET_INFO;
		req.get_info = &gi;
		fds = some_fds(2);
		req.nfds = k == BAD_NFDS_MORE ? 1 : k == BAD_NFDS_FEWER ? 0 : 1;
		send_req(sock, &req, fds, k == BAD_NFDS_MORE ? 0 :
		    k == BAD_NFDS_FEWER ? 2 : 1);
		free_fds(fds, 2);
		break;
	case BAD_OVERSIZED:
		big = calloc(1, WIRE_MAX_MSG + 100);
		cr_assert_not_null(big);
		fds = some_fds(2);
		raw_send(sock, big, WIRE_MAX_MSG + 100, fds, 2);
		free_fds(fds, 2);
		free(big);
		break;
	case BAD_TOO_MANY_FDS:
		req.body_case = ZXD__REQUEST__BODY_GET_INFO;
		req.get_info = &gi;
		req.nfds = 100;
		big = malloc(WIRE_MAX_MSG);
		cr_assert_not_null(big);
		protobuf_c_message_pack(&req.base, big);
		fds = some_fds(100);
		raw_send(sock, big, protobuf_c_message_get_packed_size(
		    &req.base), fds, 100);
		free_fds(fds, 100);
		free(big);
		break;
	}
}

TestSuite(robust, .init = daemon_up, .fini = daemon_reap, .timeout = 120);

/* Each bad packet on a control connection, before and after HELLO. */
Test(robust, control_connection)
{
	struct zxdtest_stats base;
	zx_handle_t keep;
	int fds0;

	cr_assert_eq(zx_event_create(0, &keep), ZX_OK);
	still_served(keep, "nothing");
	base = stats();
	fds0 = daemon_fds();
	for (int k = BAD_GARBAGE; k <= BAD_LAST; k++) {
		int sock;

		/* Before HELLO: anything but a good HELLO. */
		if (k != BAD_HELLO) {
			sock = raw_connect();
			send_bad(sock, k);
			expect_dropped(sock, ZX_OK, bad_name[k]);
			close(sock);
			still_served(keep, bad_name[k]);
		}
		/* After HELLO: a second HELLO, a handle-only request, an
		 * absent control-only one, and every framing error. */
		if (k == BAD_EVENT_CREATE || k == BAD_ABSENT_GET_INFO)
			continue;
		sock = raw_control();
		send_bad(sock, k);
		expect_dropped(sock, ZX_OK, bad_name[k]);
		close(sock);
		still_served(keep, bad_name[k]);
	}
	settle(&base, fds0);
	zx_handle_close(keep);
	daemon_down_checked(SIGTERM);
}

/* A call on a handle the caller's libzx does not know comes on the
 * control connection marked absent: answered BAD_HANDLE in Zircon's
 * order (after the checks Zircon makes first), the connection kept. */
Test(robust, absent_handle)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__GetInfo gi = ZXD__GET_INFO__INIT;
	Zxd__VmoSetCachePolicy cp = ZXD__VMO_SET_CACHE_POLICY__INIT;
	struct wire_msg *m = msg_new();
	Zxd__Reply *rep;
	int sock = raw_control();

	req.txid = 7;
	req.absent = true;
	gi.topic = ZX_INFO_HANDLE_BASIC;
	gi.buffer_size = sizeof(zx_info_handle_basic_t);
	req.body_case = ZXD__REQUEST__BODY_GET_INFO;
	req.get_info = &gi;
	send_req(sock, &req, NULL, 0);
	rep = recv_reply(sock, m);
	cr_assert_not_null(rep);
	cr_assert_eq(rep->txid, 7);
	cr_assert_eq(rep->status, ZX_ERR_BAD_HANDLE);
	cr_assert_eq(rep->n_handles, 0);
	zxd__reply__free_unpacked(rep, NULL);
	wire_msg_clear(m);

	/* Zircon checks the policy before the handle. */
	req.txid = 8;
	cp.cache_policy = ~0u;
	req.body_case = ZXD__REQUEST__BODY_VMO_SET_CACHE_POLICY;
	req.vmo_set_cache_policy = &cp;
	send_req(sock, &req, NULL, 0);
	rep = recv_reply(sock, m);
	cr_assert_not_null(rep);
	cr_assert_eq(rep->txid, 8);
	cr_assert_eq(rep->status, ZX_ERR_INVALID_ARGS);
	zxd__reply__free_unpacked(rep, NULL);
	wire_msg_clear(m);
	req.txid = 9;
	cp.cache_policy = ZX_CACHE_POLICY_CACHED;
	send_req(sock, &req, NULL, 0);
	rep = recv_reply(sock, m);
	cr_assert_not_null(rep);
	cr_assert_eq(rep->txid, 9);
	cr_assert_eq(rep->status, ZX_ERR_BAD_HANDLE);
	zxd__reply__free_unpacked(rep, NULL);
	msg_free(m);
	close(sock);
	still_served(ZX_HANDLE_INVALID, "absent");
	daemon_down_checked(SIGTERM);
}

/* A HELLO with another protocol version: told so, then dropped. */
Test(robust, wrong_protocol_version)
{
	Zxd__Request req;
	Zxd__Hello h;
	int sock;

	for (uint32_t v = 0; v < 4; v++) {
		if (v == ZXD_PROTOCOL_VERSION)
			continue;
		sock = raw_connect();
		req_hello(&req, &h, v);
		send_req(sock, &req, NULL, 0);
		expect_dropped(sock, ZX_ERR_PROTOCOL_NOT_SUPPORTED,
		    "wrong version");
		close(sock);
	}
	/* A HELLO carrying fds. */
	{
		int *fds = some_fds(1);

		sock = raw_connect();
		req_hello(&req, &h, ZXD_PROTOCOL_VERSION);
		req.nfds = 1;
		send_req(sock, &req, fds, 1);
		free_fds(fds, 1);
		expect_dropped(sock, ZX_OK, "hello with an fd");
		close(sock);
	}
	still_served(ZX_HANDLE_INVALID, "wrong version");
	daemon_down_checked(SIGTERM);
}

/* Each bad packet on a handle's socket closes that handle only. */
Test(robust, handle_socket)
{
	struct zxdtest_stats base;
	zx_handle_t keep, h;
	zx_info_handle_basic_t b;
	int fds0;

	cr_assert_eq(zx_event_create(0, &keep), ZX_OK);
	still_served(keep, "nothing");
	base = stats();
	fds0 = daemon_fds();
	for (int k = BAD_GARBAGE; k <= BAD_LAST; k++) {
		/* A handle-only request is a good one here. */
		if (k == BAD_GET_INFO)
			continue;
		cr_assert_eq(zx_event_create(0, &h), ZX_OK);
		/* With a signal page, so the teardown frees one too. */
		cr_assert_eq(zx_object_wait_one(h, ZX_USER_SIGNAL_0, 0, NULL),
		    ZX_ERR_TIMED_OUT);
		send_bad((int)(h >> 2), k);
		expect_dropped((int)(h >> 2), ZX_OK, bad_name[k]);
		/* The daemon dropped it: libzx now sees a dead socket. */
		cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b,
		    sizeof(b), NULL, NULL), ZX_ERR_BAD_HANDLE, "%s",
		    bad_name[k]);
		cr_assert_eq(zx_handle_close(h), ZX_OK);
		still_served(keep, bad_name[k]);
	}
	settle(&base, fds0);
	zx_handle_close(keep);
	daemon_down_checked(SIGTERM);
}

/* A copy of a handle's fd (or of a control connection) in another
 * process gets no service: the reply says BAD_HANDLE (ACCESS_DENIED),
 * and the owner keeps its handle. */
Test(robust, other_process_on_inherited_fds)
{
	zx_handle_t h, d;
	int copy, ctl, st;
	pid_t pid;

	cr_assert_eq(zx_event_create(0, &h), ZX_OK);
	cr_assert_eq(zx_object_signal(h, 0, ZX_USER_SIGNAL_2), ZX_OK);
	/* libzx closes inherited handles in a child; a dup survives. */
	copy = fcntl((int)(h >> 2), F_DUPFD_CLOEXEC, 0);
	cr_assert_geq(copy, 0);
	ctl = raw_control();
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		Zxd__Request req = ZXD__REQUEST__INIT;
		Zxd__GetInfo gi = ZXD__GET_INFO__INIT;
		Zxd__HandleDuplicate hd = ZXD__HANDLE_DUPLICATE__INIT;
		Zxd__ObjectSignal sg = ZXD__OBJECT_SIGNAL__INIT;
		Zxd__EventCreate ec = ZXD__EVENT_CREATE__INIT;
		struct wire_msg m = { .buf = malloc(WIRE_MAX_MSG) };
		int fails = 0;

		/* On the handle: three kinds of call. */
		for (int i = 0; i < 3; i++) {
			Zxd__Reply *rep;

			req.txid = 10 + i;
			if (i == 0) {
				gi.topic = ZX_INFO_HANDLE_BASIC;
				gi.buffer_size = 32;
				req.body_case = ZXD__REQUEST__BODY_GET_INFO;
				req.get_info = &gi;
			} else if (i == 1) {
				hd.rights = ZX_RIGHT_SAME_RIGHTS;
				req.body_case =
				    ZXD__REQUEST__BODY_HANDLE_DUPLICATE;
				req.handle_duplicate = &hd;
			} else {
				sg.clear_mask = ZX_USER_SIGNAL_2;
				req.body_case =
				    ZXD__REQUEST__BODY_OBJECT_SIGNAL;
				req.object_signal = &sg;
			}
			if (wire_send(copy, &req.base, NULL, 0) < 0 ||
			    wire_recv(copy, &m) <= 0) {
				fails |= 1 << i;
				continue;
			}
			rep = zxd__reply__unpack(NULL, m.len, m.buf);
			if (rep == NULL || rep->status != ZX_ERR_BAD_HANDLE ||
			    rep->txid != req.txid || m.nfds != 0 ||
			    rep->body_case != ZXD__REPLY__BODY__NOT_SET)
				fails |= 1 << i;
			if (rep != NULL)
				zxd__reply__free_unpacked(rep, NULL);
			wire_msg_clear(&m);
		}
		/* On the parent's control connection. */
		req.txid = 20;
		req.body_case = ZXD__REQUEST__BODY_EVENT_CREATE;
		req.event_create = &ec;
		if (wire_send(ctl, &req.base, NULL, 0) < 0 ||
		    wire_recv(ctl, &m) <= 0)
			fails |= 8;
		else {
			Zxd__Reply *rep = zxd__reply__unpack(NULL, m.len,
			    m.buf);

			if (rep == NULL || rep->status !=
			    ZX_ERR_ACCESS_DENIED || m.nfds != 0)
				fails |= 16;
			if (rep != NULL)
				zxd__reply__free_unpacked(rep, NULL);
		}
		wire_msg_clear(&m);
		_exit(fails);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0, "child saw service: %#x",
	    WEXITSTATUS(st));
	close(copy);
	/* The owner is unaffected: the signal is still set, calls work. */
	cr_assert_eq(zx_object_wait_one(h, ZX_USER_SIGNAL_2, 0, NULL), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &d), ZX_OK);
	zx_handle_close(d);
	zx_handle_close(h);
	/* And so is the raw control connection's owner. */
	{
		Zxd__Request req = ZXD__REQUEST__INIT;
		Zxd__EventCreate ec = ZXD__EVENT_CREATE__INIT;
		struct wire_msg *m = msg_new();
		Zxd__Reply *rep;

		req.txid = 30;
		req.body_case = ZXD__REQUEST__BODY_EVENT_CREATE;
		req.event_create = &ec;
		send_req(ctl, &req, NULL, 0);
		rep = recv_reply(ctl, m);
		cr_assert_not_null(rep);
		cr_assert_eq(rep->status, ZX_OK);
		cr_assert_eq(m->nfds, 1, "the new handle's fd");
		zxd__reply__free_unpacked(rep, NULL);
		msg_free(m);
	}
	close(ctl);
	daemon_down_checked(SIGTERM);
}

/* A client that dies holding objects leaves nothing behind. */
Test(robust, client_death)
{
	struct zxdtest_stats base, mid;
	zx_handle_t mine, a, b;
	zx_info_handle_basic_t ba;
	int ready[2], fds0, st;
	char c;
	pid_t pid;

	cr_assert_eq(zx_event_create(0, &mine), ZX_OK);
	cr_assert_eq(zx_eventpair_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_object_signal(mine, 0, ZX_USER_SIGNAL_3), ZX_OK);
	base = stats();
	fds0 = daemon_fds();
	cr_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t h[40];
		int n = 0, bad = 0;

		close(ready[0]);
		for (int i = 0; i < 10; i++)
			bad |= zx_event_create(0, &h[n++]);
		for (int i = 0; i < 5; i++) {
			bad |= zx_eventpair_create(0, &h[n], &h[n + 1]);
			n += 2;
		}
		for (int i = 0; i < 5; i++)
			bad |= zx_handle_duplicate(h[i], ZX_RIGHT_SAME_RIGHTS,
			    &h[n++]);
		/* Signal pages too. */
		for (int i = 0; i < 10; i++)
			zx_object_wait_one(h[i], ZX_USER_SIGNAL_0, 0, NULL);
		c = bad ? 'x' : 'r';
		(void)!write(ready[1], &c, 1);
		for (;;)
			pause();
	}
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	cr_assert_eq(c, 'r', "the child's calls failed");
	mid = stats();
	cr_assert_eq(mid.clients, base.clients + 1);
	cr_assert_eq(mid.handles, base.handles + 25);
	cr_assert_eq(mid.objects, base.objects + 20);
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	settle(&base, fds0);

	/* Our own objects are untouched. */
	cr_assert_eq(zx_object_wait_one(mine, ZX_USER_SIGNAL_3, 0, NULL),
	    ZX_OK);
	cr_assert_eq(zx_object_get_info(a, ZX_INFO_HANDLE_BASIC, &ba,
	    sizeof(ba), NULL, NULL), ZX_OK);
	cr_assert_neq(ba.related_koid, 0, "our eventpair is still paired");
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_object_wait_one(b, ZX_USER_SIGNAL_0, 0, NULL), ZX_OK);
	zx_handle_close(mine);
	zx_handle_close(a);
	zx_handle_close(b);
	daemon_down_checked(SIGTERM);
}

/* The child holds one end of our eventpair (handed over by export) and
 * is killed: we see PEER_CLOSED, and nothing of it remains. */
Test(robust, client_death_with_a_survivor)
{
	struct zxdtest_stats base;
	zx_handle_t a, b;
	zx_signals_t seen = 0;
	int ready[2], tok, fds0, st;
	char c;
	pid_t pid;

	cr_assert_eq(zx_event_create(0, &a), ZX_OK);	/* connect first */
	zx_handle_close(a);
	base = stats();
	fds0 = daemon_fds();
	cr_assert_eq(zx_eventpair_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(b, &tok), ZX_OK);
	cr_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t h, e;

		close(ready[0]);
		c = zxd_handle_import(tok, &h) == ZX_OK &&
		    zx_object_signal_peer(h, 0, ZX_USER_SIGNAL_4) == ZX_OK &&
		    zx_event_create(0, &e) == ZX_OK ? 'r' : 'x';
		(void)!write(ready[1], &c, 1);
		for (;;)
			pause();
	}
	close(tok);
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	cr_assert_eq(c, 'r', "the child's calls failed");
	cr_assert_eq(zx_object_wait_one(a, ZX_USER_SIGNAL_4, 0, NULL), ZX_OK);
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(zx_object_wait_one(a, ZX_EVENTPAIR_PEER_CLOSED,
	    zx_deadline_after(ZX_SEC(10)), &seen), ZX_OK);
	cr_assert_eq(seen, ZX_USER_SIGNAL_4 | ZX_EVENTPAIR_PEER_CLOSED);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_PEER_CLOSED);
	zx_handle_close(a);
	settle(&base, fds0);
	daemon_down_checked(SIGTERM);
}

/* 1000 creates and closes (events, eventpairs, waits) leak no fd in
 * the daemon, and the counts come back. */
Test(robust, no_fd_leak_over_a_burst)
{
	struct zxdtest_stats base;
	zx_handle_t keep;
	int fds0;

	/* Our control connection exists before the baseline. */
	cr_assert_eq(zx_event_create(0, &keep), ZX_OK);
	base = stats();
	fds0 = daemon_fds();
	for (int i = 0; i < 1000; i++) {
		zx_handle_t h, a, b, d;

		cr_assert_eq(zx_event_create(0, &h), ZX_OK);
		if (i % 10 == 0) {
			cr_assert_eq(zx_object_wait_one(h, ZX_EVENT_SIGNALED,
			    0, NULL), ZX_ERR_TIMED_OUT);
			cr_assert_eq(zx_handle_duplicate(h, ZX_RIGHT_WAIT, &d),
			    ZX_OK);
			cr_assert_eq(zx_handle_close(d), ZX_OK);
		}
		if (i % 10 == 5) {
			cr_assert_eq(zx_eventpair_create(0, &a, &b), ZX_OK);
			cr_assert_eq(zx_handle_replace(a, ZX_RIGHT_WAIT, &d),
			    ZX_OK);
			cr_assert_eq(zx_handle_close(d), ZX_OK);
			cr_assert_eq(zx_handle_close(b), ZX_OK);
		}
		cr_assert_eq(zx_handle_close(h), ZX_OK);
	}
	settle(&base, fds0);
	zx_handle_close(keep);
	daemon_down_checked(SIGTERM);
}

/* SIGTERM and SIGINT with clients still connected and holding handles
 * (and one waiting): exit 0, socket removed, clean log. */
Test(robust, clean_stop_with_live_clients)
{
	zx_handle_t h[10];
	int raw;

	for (int i = 0; i < 10; i++)
		cr_assert_eq(zx_event_create(0, &h[i]), ZX_OK);
	cr_assert_eq(zx_object_wait_one(h[0], ZX_USER_SIGNAL_0, 0, NULL),
	    ZX_ERR_TIMED_OUT);
	raw = raw_connect();	/* connected, never greeted */
	daemon_down_checked(SIGTERM);
	/* The handles now answer BAD_HANDLE. */
	cr_assert_eq(zx_object_signal(h[1], 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_BAD_HANDLE);
	zx_handle_close_many(h, 10);
	close(raw);
}

Test(robust, clean_stop_on_sigint)
{
	zx_handle_t a, b;

	cr_assert_eq(zx_eventpair_create(0, &a, &b), ZX_OK);
	daemon_down_checked(SIGINT);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* An eventpair made on a raw control connection: the two handle fds
 * (in fds[0..1]) and their descriptions' ids. */
static void
raw_eventpair(int sock, int *fds, uint64_t *ids, bool *deferrable)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__EventpairCreate ec = ZXD__EVENTPAIR_CREATE__INIT;
	struct wire_msg *m = msg_new();
	Zxd__Reply *rep;

	req.txid = 40;
	req.body_case = ZXD__REQUEST__BODY_EVENTPAIR_CREATE;
	req.eventpair_create = &ec;
	send_req(sock, &req, NULL, 0);
	rep = recv_reply(sock, m);
	cr_assert_not_null(rep);
	cr_assert_eq(rep->status, ZX_OK);
	cr_assert_eq(rep->n_handles, 2);
	cr_assert_eq(m->nfds, 2);
	cr_assert_eq(rep->n_close_ids, 2);
	for (int i = 0; i < 2; i++) {
		fds[i] = m->fds[i];
		m->fds[i] = -1;
		ids[i] = rep->close_ids[i];
		deferrable[i] = ids[i] != 0;
	}
	zxd__reply__free_unpacked(rep, NULL);
	msg_free(m);
}

/* Send req on sock and return the reply's status. */
static zx_status_t
raw_status(int sock, Zxd__Request *req)
{
	struct wire_msg *m = msg_new();
	Zxd__Reply *rep;
	zx_status_t st;

	send_req(sock, req, NULL, 0);
	rep = recv_reply(sock, m);
	cr_assert_not_null(rep);
	st = rep->status;
	zxd__reply__free_unpacked(rep, NULL);
	msg_free(m);
	return st;
}

/* One request (an event create) naming `ids` as closed; its status. */
static zx_status_t
raw_closed(int sock, uint64_t *ids, size_t n)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__EventCreate ec = ZXD__EVENT_CREATE__INIT;

	req.txid = 41;
	req.n_closed = n;
	req.closed = ids;
	req.body_case = ZXD__REQUEST__BODY_EVENT_CREATE;
	req.event_create = &ec;
	return raw_status(sock, &req);
}

/* A raw zx_object_signal_peer on handle socket fd; its status. */
static zx_status_t
raw_signal_peer(int fd)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ObjectSignal sg = ZXD__OBJECT_SIGNAL__INIT;

	req.txid = 43;
	sg.set_mask = ZX_USER_SIGNAL_0;
	req.body_case = ZXD__REQUEST__BODY_OBJECT_SIGNAL_PEER;
	req.object_signal_peer = &sg;
	return raw_status(fd, &req);
}

/* Request.closed (deferred closes, doc/DATAPATH.md): the daemon closes
 * the handles a process names there only if they are its own, and only
 * a close that already waits on the handle's socket (libzx names a close
 * once its packet is sent): a name with none closes nothing, since the
 * socket may since carry a new handle (spares reuse it, and its inode
 * with it). Naming another process's handles, or nonsense, changes
 * nothing. */
Test(robust, closed_list_names_own_handles_only)
{
	uint64_t ids[2], bogus[3];
	bool deferrable[2];
	zx_handle_t a, b;
	zx_signals_t seen = 0;
	struct stat sa;
	int fds[2], sock, st;
	pid_t pid;
	char c;

	sock = raw_control();
	raw_eventpair(sock, fds, ids, deferrable);
	cr_assert(deferrable[0] && deferrable[1]);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(fstat(fds[i], &sa), 0);
		cr_assert_eq(ids[i], (uint64_t)sa.st_ino);
	}
	/* This process's own, nothing waiting on it: still open. */
	cr_assert_eq(raw_closed(sock, &ids[0], 1), ZX_OK);
	cr_assert_eq(recv(fds[0], &c, 1, MSG_DONTWAIT), -1,
	    "a handle named with no close waiting was closed");
	cr_assert_eq(raw_signal_peer(fds[0]), ZX_OK);
	cr_assert_eq(raw_signal_peer(fds[1]), ZX_OK);
	/* Its close waiting (the descriptor closed): named, closed. */
	close(fds[0]);
	cr_assert_eq(raw_closed(sock, &ids[0], 1), ZX_OK);
	cr_assert_eq(raw_signal_peer(fds[1]), ZX_ERR_PEER_CLOSED);
	close(fds[1]);

	/* Another process's: untouched. */
	cr_assert_eq(zx_eventpair_create(0, &a, &b), ZX_OK);
	cr_assert_eq(fstat((int)(a >> 2), &sa), 0);
	bogus[0] = sa.st_ino;
	bogus[1] = 0;
	bogus[2] = ~0ull;
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int s = raw_control();

		_exit(raw_closed(s, bogus, 3) == ZX_OK ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_eq(zx_object_wait_one(b, ZX_EVENTPAIR_PEER_CLOSED, 0, &seen),
	    ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_handle_close(a), ZX_OK);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	close(sock);
	still_served(ZX_HANDLE_INVALID, "closed list");
	daemon_down_checked(SIGTERM);
}

/* Request.handle_args: handles named by their sockets' inodes (what
 * libzx sends instead of fds). Another process naming this one's handle
 * (or nonsense) gets BAD_HANDLE, takes nothing and hurts nobody; a spare
 * offer for a handle it does not hold is ignored. */
Test(robust, handle_args_name_own_handles_only)
{
	zx_handle_t e;
	struct stat se;
	int st;
	pid_t pid;

	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(fstat((int)(e >> 2), &se), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		uint64_t inos[3] = { se.st_ino, 0, ~0ull };
		int s = raw_control(), bad = 0;

		for (int i = 0; i < 3; i++) {
			Zxd__Request req = ZXD__REQUEST__INIT;
			Zxd__HandleExport ex = ZXD__HANDLE_EXPORT__INIT;
			struct wire_msg *m = msg_new();
			Zxd__Reply *rep;

			req.txid = 50 + (uint64_t)i;
			req.handle_args = &inos[i];
			req.n_handle_args = 1;
			req.spare_args = 1;
			req.body_case = ZXD__REQUEST__BODY_HANDLE_EXPORT;
			req.handle_export = &ex;
			send_req(s, &req, NULL, 0);
			rep = recv_reply(s, m);
			if (rep == NULL || rep->status != ZX_ERR_BAD_HANDLE ||
			    rep->nfds != 0 || rep->spared_args != 0)
				bad++;
			if (rep != NULL)
				zxd__reply__free_unpacked(rep, NULL);
			msg_free(m);
		}
		_exit(bad);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "a foreign inode was taken (status %d)", st);
	/* Still this process's, and everyone is still served. */
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	still_served(e, "foreign handle_args");
	cr_assert_eq(zx_handle_close(e), ZX_OK);
}
