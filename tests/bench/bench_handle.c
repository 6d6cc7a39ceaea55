/*
 * bench_handle: the cost of a call on a handle and of creating one,
 * each next to a floor measured in the same run.
 *
 *   zx_object_get_info(HANDLE_BASIC)   vs  a bare SOCK_SEQPACKET
 *                                          request/reply between two
 *                                          processes (fork + socketpair)
 *   zx_event_create + zx_handle_close  vs  the same round trip, and a
 *                                          round trip whose reply brings
 *                                          a new socketpair end (what a
 *                                          new handle is) by SCM_RIGHTS
 *   zx_object_wait_one, satisfied      vs  nothing: no round trip at all
 *
 * Each figure alternates round by round with its floor, so load from
 * elsewhere weighs on both; measured twice: with every process free to
 * run on any CPU, then with all of them (this program, zxd, the echo
 * servers) on one CPU, where a round trip costs the work and two context
 * switches rather than a cross-CPU wakeup.
 *
 * Starts its own zxd ($ZXD_BIN, else ./zxd). Prints figures only; no
 * pass/fail on timing. Iterations scale with $BENCH_SCALE (default 1).
 */
#include "config-build.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

/* Request and reply sizes close to a GetInfo exchange. */
#define REQ_BYTES	16
#define REP_BYTES	48

/* --- the floor: an echo server in another process ---------------------- */

enum echo_mode { ECHO_PLAIN, ECHO_WITH_FD };

struct echo {
	pid_t pid;
	int sock;
};

static void
echo_serve(int sock, enum echo_mode mode)
{
	char buf[256], rep[REP_BYTES] = { 0 };

	for (;;) {
		ssize_t n = recv(sock, buf, sizeof(buf), 0);

		if (n <= 0)
			_exit(0);
		if (mode == ECHO_PLAIN) {
			if (send(sock, rep, sizeof(rep), 0) < 0)
				_exit(1);
		} else {
			/* Like a create: a new socket pair, one end kept,
			 * the other sent back. */
			union {
				struct cmsghdr h;
				char b[CMSG_SPACE(sizeof(int))];
			} ctl;
			struct iovec iov = { rep, sizeof(rep) };
			struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl.b) };
			struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
			int sv[2];

			if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC,
			    0, sv) < 0)
				_exit(1);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &sv[1], sizeof(int));
			if (sendmsg(sock, &mh, 0) < 0)
				_exit(1);
			close(sv[1]);
			close(sv[0]);
		}
	}
}

static int
echo_start(struct echo *e, enum echo_mode mode)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	e->pid = fork();
	if (e->pid < 0)
		return -errno;
	if (e->pid == 0) {
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		echo_serve(sv[1], mode);
	}
	close(sv[1]);
	e->sock = sv[0];
	return 0;
}

/* A later echo child holds a copy of an earlier one's socket, so EOF
 * alone would not stop it. */
static void
echo_stop(struct echo *e)
{
	close(e->sock);
	kill(e->pid, SIGTERM);
	waitpid(e->pid, NULL, 0);
}

static double
run_echo(void *arg, long iters)
{
	struct echo *e = arg;
	char req[REQ_BYTES] = { 0 }, rep[256];
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < iters; i++) {
		if (send(e->sock, req, sizeof(req), 0) < 0 ||
		    recv(e->sock, rep, sizeof(rep), 0) <= 0)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static double
run_echo_fd(void *arg, long iters)
{
	struct echo *e = arg;
	char req[REQ_BYTES] = { 0 }, rep[256];
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < iters; i++) {
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(int) * 4)];
		} ctl;
		struct iovec iov = { rep, sizeof(rep) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		    .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
		struct cmsghdr *c;
		int fd;

		if (send(e->sock, req, sizeof(req), 0) < 0 ||
		    recvmsg(e->sock, &mh, MSG_CMSG_CLOEXEC) <= 0)
			return -1;
		c = CMSG_FIRSTHDR(&mh);
		if (c == NULL || c->cmsg_type != SCM_RIGHTS)
			return -1;
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
		close(fd);
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

/* --- zxd --------------------------------------------------------------- */

static double
run_get_info(void *arg, long iters)
{
	zx_handle_t h = *(zx_handle_t *)arg;
	zx_info_handle_basic_t b;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < iters; i++)
		if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b, sizeof(b),
		    NULL, NULL) != ZX_OK)
			return -1;
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static double
run_create_close(void *arg, long iters)
{
	int64_t t0 = bench_now_ns();

	(void)arg;
	for (long i = 0; i < iters; i++) {
		zx_handle_t h;

		if (zx_event_create(0, &h) != ZX_OK ||
		    zx_handle_close(h) != ZX_OK)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static double
run_wait_satisfied(void *arg, long iters)
{
	zx_handle_t h = *(zx_handle_t *)arg;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < iters; i++)
		if (zx_object_wait_one(h, ZX_EVENT_SIGNALED, 0, NULL) != ZX_OK)
			return -1;
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_handle: %s failed\n", what);
	exit(1);
}

/* Put the processes on `cpu`, or on every CPU when cpu < 0. */
static void
place(const pid_t *pids, size_t n, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (cpu < 0 ? i < sysconf(_SC_NPROCESSORS_ONLN) : i == cpu)
			CPU_SET(i, &set);
	for (size_t i = 0; i < n; i++)
		if (sched_setaffinity(pids[i], sizeof(set), &set) < 0)
			die("sched_setaffinity");
}

struct figures {
	struct bench_pair info, info_fd, create, create_fd;
	double wait;
};

static void
measure(zx_handle_t h, struct echo *plain, struct echo *withfd, long scale,
    struct figures *f)
{
	if (bench_paired(run_get_info, &h, run_echo, plain, 20000 * scale,
	    &f->info) < 0 ||
	    bench_paired(run_create_close, NULL, run_echo, plain,
	    4000 * scale, &f->create) < 0 ||
	    bench_paired(run_create_close, NULL, run_echo_fd, withfd,
	    4000 * scale, &f->create_fd) < 0)
		die("a measurement");
	f->wait = bench_median(run_wait_satisfied, &h, 200000 * scale);
	if (f->wait < 0)
		die("zx_object_wait_one");
}

static void
report(const char *title, const struct figures *f)
{
	printf("%s\n", title);
	bench_report_pair("  zx_object_get_info(HANDLE_BASIC)", &f->info,
	    "round trip");
	bench_report_pair("  zx_event_create + zx_handle_close", &f->create,
	    "round trip");
	bench_report_pair("  zx_event_create + zx_handle_close",
	    &f->create_fd, "rt + new fd");
	bench_report_alone("  zx_object_wait_one (satisfied)", f->wait,
	    "no round trip");
}

int
main(void)
{
	struct zxdtest_daemon d;
	struct echo plain, withfd;
	struct zxdtest_stats s;
	struct figures spread, pinned;
	const char *sc = getenv("BENCH_SCALE");
	long scale = sc != NULL && atol(sc) > 0 ? atol(sc) : 1;
	zx_handle_t h;
	pid_t pids[4];
	int r, cpu;

	signal(SIGPIPE, SIG_IGN);
	r = zxdtest_start(&d, NULL);
	if (r < 0) {
		fprintf(stderr, "bench_handle: cannot start zxd: %s\n",
		    strerror(-r));
		return 1;
	}
	if (echo_start(&plain, ECHO_PLAIN) < 0 ||
	    echo_start(&withfd, ECHO_WITH_FD) < 0)
		die("fork");
	if (zx_event_create(0, &h) != ZX_OK ||
	    zx_object_signal(h, 0, ZX_EVENT_SIGNALED) != ZX_OK)
		die("zx_event_create");
	pids[0] = getpid();
	pids[1] = d.pid;
	pids[2] = plain.pid;
	pids[3] = withfd.pid;

	/* Client and server on any CPU (a round trip includes a
	 * cross-CPU wakeup), then all on one CPU (a round trip is the
	 * work done plus two context switches). */
	place(pids, 4, -1);
	measure(h, &plain, &withfd, scale, &spread);
	cpu = sched_getcpu();
	place(pids, 4, cpu < 0 ? 0 : cpu);
	measure(h, &plain, &withfd, scale, &pinned);

	printf("bench_handle: medians of %d rounds, each figure alternating "
	    "with its floor\n(round trip: a bare SOCK_SEQPACKET request/reply "
	    "with another process;\n rt + new fd: the reply also brings a new "
	    "socketpair end by SCM_RIGHTS)\n", BENCH_ROUNDS);
	report("any CPU:", &spread);
	report("one CPU:", &pinned);

	zx_handle_close(h);
	/* Every close reached the daemon before it stops. */
	for (int i = 0; i < 200; i++) {
		if (zxdtest_stats(d.socket, &s) == 0 && s.handles == 0)
			break;
		usleep(10000);
	}
	echo_stop(&plain);
	echo_stop(&withfd);
	r = zxdtest_stop(&d);
	if (r != 0) {
		fprintf(stderr, "bench_handle: zxd exited with %d\n", r);
		return 1;
	}
	return 0;
}
