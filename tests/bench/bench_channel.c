/*
 * Two-process ping-pong over a zx channel (write + wait + read each way)
 * against the same over a bare SOCK_SEQPACKET socketpair, measured in the
 * same run; then both again carrying one handle (for the socketpair, one
 * fd) per message; and zx_channel_call round trips against the plain
 * socketpair. Each figure is printed next to its floor, with the ratio.
 * Starts its own zxd ($ZXD_BIN, else ./zxd).
 *
 * The measurements are interleaved in TRIALS trials so that load from
 * elsewhere hits figure and floor alike; each line shows the median over
 * the trials (and the best).
 *
 * Everything runs on one CPU (BENCH_ANY_CPU=1: any CPU).
 *
 * Usage: bench_channel [ROUNDS_PER_TRIAL [TRIALS]]
 * BENCH_ONLY=chan|chan_h|call|sock|sock_fd runs that figure (or floor)
 * alone, silently (for perf, strace or callgrind on the client and the
 * daemon).
 */
#include "config-build.h"

#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

#define MSG_BYTES	8

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, long v)
{
	fprintf(stderr, "bench_channel: %s failed (%ld)\n", what, v);
	exit(1);
}

/* --- the floor: a socketpair, optionally with one fd per message --- */

static void
sock_send(int s, int fd)
{
	char buf[MSG_BYTES] = "pingpon";
	char space[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		mh.msg_control = space;
		mh.msg_controllen = sizeof(space);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(s, &mh, MSG_NOSIGNAL) != MSG_BYTES)
		die("sendmsg", -1);
}

/* The fd received, -1 if none; -2 at EOF. */
static int
sock_recv(int s)
{
	char buf[MSG_BYTES];
	char space[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = space, .msg_controllen = sizeof(space),
	};
	struct cmsghdr *c;
	ssize_t n;
	int fd = -1;

	n = recvmsg(s, &mh, MSG_CMSG_CLOEXEC);
	if (n == 0)
		return -2;
	if (n != MSG_BYTES)
		die("recvmsg", (long)n);
	c = CMSG_FIRSTHDR(&mh);
	if (c != NULL && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* Seconds per round trip. With with_fd an fd goes back and forth, each
 * side closing the copy it sent, as a moved handle leaves its sender. */
static double
bench_socket(long rounds, bool with_fd)
{
	int sv[2], fd = -1;
	double t0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair", -1);
	pid = fork();
	if (pid < 0)
		die("fork", -1);
	if (pid == 0) {
		int got;

		close(sv[0]);
		while ((got = sock_recv(sv[1])) != -2) {
			sock_send(sv[1], got);
			if (got >= 0)
				close(got);
		}
		_exit(0);
	}
	close(sv[1]);
	if (with_fd)
		fd = eventfd(0, EFD_CLOEXEC);
	t0 = 0;
	/* Round 0 warms up. */
	for (long i = 0; i <= rounds; i++) {
		if (i == 1)
			t0 = now_s();
		sock_send(sv[0], fd);
		if (fd >= 0)
			close(fd);
		fd = sock_recv(sv[0]);
	}
	t0 = now_s() - t0;
	if (fd >= 0)
		close(fd);
	close(sv[0]);
	waitpid(pid, NULL, 0);
	return t0 / (double)rounds;
}

/* --- channels --------------------------------------------------------- */

/* The child's side: echo every message, handles included, until the peer
 * closes. */
static int
echo(zx_handle_t ch)
{
	for (;;) {
		char buf[64];
		zx_handle_t h[1];
		uint32_t nb, nh;
		zx_signals_t obs;
		zx_status_t st;

		st = zx_object_wait_one(ch, ZX_CHANNEL_READABLE |
		    ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &obs);
		if (st != ZX_OK)
			return 2;
		st = zx_channel_read(ch, 0, buf, h, sizeof(buf), 1, &nb, &nh);
		if (st == ZX_ERR_PEER_CLOSED)
			return 0;
		if (st != ZX_OK ||
		    zx_channel_write(ch, 0, buf, nb, h, nh) != ZX_OK)
			return 3;
	}
}

/* A child serving `theirs`, handed over with export/import. */
static pid_t
spawn_echo(zx_handle_t theirs)
{
	int token;
	pid_t pid;
	zx_status_t st = zxd_handle_export(theirs, &token);

	if (st != ZX_OK)
		die("zxd_handle_export", st);
	pid = fork();
	if (pid < 0)
		die("fork", -1);
	if (pid == 0) {
		zx_handle_t h;

		if (zxd_handle_import(token, &h) != ZX_OK)
			_exit(1);
		_exit(echo(h));
	}
	close(token);
	return pid;
}

static void
reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		die("echo child", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static double
bench_channel(long rounds, bool with_handle)
{
	zx_handle_t a, b, h = ZX_HANDLE_INVALID;
	double t0 = 0;
	zx_status_t st;
	pid_t pid;

	st = zx_channel_create(0, &a, &b);
	if (st != ZX_OK)
		die("zx_channel_create", st);
	pid = spawn_echo(b);
	if (with_handle && (st = zx_event_create(0, &h)) != ZX_OK)
		die("zx_event_create", st);
	for (long i = 0; i <= rounds; i++) {
		char buf[64] = "pingpon";
		uint32_t nb, nh;
		zx_signals_t obs;

		if (i == 1)
			t0 = now_s();
		st = zx_channel_write(a, 0, buf, MSG_BYTES, &h,
		    with_handle ? 1 : 0);
		if (st != ZX_OK)
			die("zx_channel_write", st);
		st = zx_object_wait_one(a, ZX_CHANNEL_READABLE,
		    ZX_TIME_INFINITE, &obs);
		if (st != ZX_OK)
			die("zx_object_wait_one", st);
		st = zx_channel_read(a, 0, buf, &h, sizeof(buf), 1, &nb, &nh);
		if (st != ZX_OK || nh != (with_handle ? 1u : 0u))
			die("zx_channel_read", st);
	}
	t0 = now_s() - t0;
	if (with_handle)
		zx_handle_close(h);
	zx_handle_close(a);
	reap(pid);
	return t0 / (double)rounds;
}

static double
bench_call(long rounds)
{
	zx_handle_t a, b;
	double t0 = 0;
	zx_status_t st;
	pid_t pid;

	st = zx_channel_create(0, &a, &b);
	if (st != ZX_OK)
		die("zx_channel_create", st);
	pid = spawn_echo(b);
	for (long i = 0; i <= rounds; i++) {
		char wr[MSG_BYTES] = "pingpon", rd[64];
		zx_channel_call_args_t args = {
			.wr_bytes = wr, .wr_num_bytes = MSG_BYTES,
			.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
		};
		uint32_t nb, nh;

		if (i == 1)
			t0 = now_s();
		st = zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &nb, &nh);
		if (st != ZX_OK)
			die("zx_channel_call", st);
	}
	t0 = now_s() - t0;
	zx_handle_close(a);
	reap(pid);
	return t0 / (double)rounds;
}

#define MAX_TRIALS	64

enum { SOCK, SOCK_FD, CHAN, CHAN_H, CALL, RPC, N_KINDS };

/* One request/reply with the daemon (zx_object_signal), for scale: a
 * channel round trip between two processes makes four of them. */
static double
bench_rpc(long rounds)
{
	zx_handle_t e;
	double t0;
	zx_status_t st = zx_event_create(0, &e);

	if (st != ZX_OK)
		die("zx_event_create", st);
	t0 = now_s();
	for (long i = 0; i < rounds; i++)
		if ((st = zx_object_signal(e, 0, ZX_USER_SIGNAL_0)) != ZX_OK)
			die("zx_object_signal", st);
	t0 = now_s() - t0;
	zx_handle_close(e);
	return t0 / (double)rounds;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median and best of n samples (sorts them). */
static void
summarise(double *v, int n, double *median, double *best)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	*best = v[0];
	*median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
report(const char *what, double *v, const char *floor_name, double *f,
    int n)
{
	double t, tb, fl, fb;

	summarise(v, n, &t, &tb);
	summarise(f, n, &fl, &fb);
	printf("%-26s %8.2f us (best %7.2f)   %-20s %6.2f us (best %5.2f)"
	    "   ratio %5.1fx\n", what, t * 1e6, tb * 1e6, floor_name,
	    fl * 1e6, fb * 1e6, t / fl);
}

int
main(int argc, char **argv)
{
	struct zxdtest_daemon d;
	long rounds = argc > 1 ? atol(argv[1]) : 4000;
	int trials = argc > 2 ? atoi(argv[2]) : 7;
	double v[N_KINDS][MAX_TRIALS];
	const char *only;

	if (rounds < 1)
		rounds = 1;
	if (trials < 1 || trials > MAX_TRIALS)
		trials = 7;
	bench_one_cpu();	/* children (zxd, echo servers) inherit it */
	if (zxdtest_start(&d, NULL) < 0)
		die("starting zxd", -1);
	only = getenv("BENCH_ONLY");
	if (only != NULL) {
		/* For a profiler: one figure, no floor, nothing printed. */
		for (int i = 0; i < trials; i++) {
			if (strcmp(only, "chan") == 0)
				bench_channel(rounds, false);
			else if (strcmp(only, "chan_h") == 0)
				bench_channel(rounds, true);
			else if (strcmp(only, "call") == 0)
				bench_call(rounds);
			else if (strcmp(only, "sock") == 0)
				bench_socket(rounds, false);
			else if (strcmp(only, "sock_fd") == 0)
				bench_socket(rounds, true);
			else
				die("BENCH_ONLY (chan, chan_h, call, sock, "
				    "sock_fd)", 0);
		}
		if (zxdtest_stop(&d) != 0)
			die("zxd did not stop cleanly", -1);
		return 0;
	}
	for (int i = 0; i < trials; i++) {
		v[SOCK][i] = bench_socket(rounds, false);
		v[CHAN][i] = bench_channel(rounds, false);
		v[SOCK_FD][i] = bench_socket(rounds, true);
		v[CHAN_H][i] = bench_channel(rounds, true);
		v[CALL][i] = bench_call(rounds);
		v[RPC][i] = bench_rpc(rounds);
	}
	if (zxdtest_stop(&d) != 0)
		die("zxd did not stop cleanly", -1);
	printf("bench_channel: two processes, %d-byte messages, %d trials of "
	    "%ld round trips; median per round trip\n", MSG_BYTES, trials,
	    rounds);
	report("channel write+wait+read", v[CHAN], "socketpair", v[SOCK],
	    trials);
	report("  carrying one handle", v[CHAN_H], "socketpair + one fd",
	    v[SOCK_FD], trials);
	report("zx_channel_call", v[CALL], "socketpair", v[SOCK], trials);
	report("(one daemon request/reply)", v[RPC], "socketpair", v[SOCK],
	    trials);
	return 0;
}
