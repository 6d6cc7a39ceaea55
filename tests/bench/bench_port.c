/*
 * bench_port: ports and async waits, each next to a floor measured in
 * the same run (alternating rounds, medians).
 *
 *   event signal -> packet dequeued      vs  eventfd write -> epoll_wait +
 *   in another process (one-way latency)     read in another process
 *   zx_port_queue -> packet dequeued     vs  the same
 *   in another process (one-way latency)
 *   zx_port_queue + zx_port_wait         vs  pipe write + read
 *   zx_object_wait_async (registration;  vs  a bare SOCK_SEQPACKET round
 *   the packet then taken from the ring)     trip with another process,
 *                                            and one carrying an fd
 *
 * The latency figures: the signalling process writes the time into
 * shared memory just before it signals; the other takes the packet and
 * notes the time; they then hand the turn back over a pipe (untimed).
 *
 * Starts its own zxd ($ZXD_BIN, else ./zxd). Prints figures only; no
 * pass/fail on timing. Iterations scale with $BENCH_SCALE (default 1).
 */
#include "config-build.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

/* --- one-way latency to another process -------------------------------- */

/* Shared between the two processes of a latency measurement. */
struct shared {
	volatile int64_t sent;		/* time just before the signal */
	volatile int64_t total;		/* sum of latencies, ns */
};

struct latency {
	struct shared *sh;
	int go[2];			/* parent -> child: "measure n" */
	int done[2];			/* child -> parent: "taken" */
	pid_t pid;
	bool zx;			/* zx path, else eventfd + epoll */
	bool queue;			/* zx: a queued packet, not a signal */
	/* zx: the child waits on its port for the event's signal, or for
	 * a packet queued on it */
	zx_handle_t event;
	zx_handle_t port;
	/* eventfd floor */
	int efd;
};

static void
child_loop(struct latency *l, zx_handle_t port, zx_handle_t ev, int ep)
{
	long n;

	while (read(l->go[0], &n, sizeof(n)) == sizeof(n)) {
		for (long i = 0; i < n; i++) {
			char b = 0;

			if (l->zx) {
				zx_port_packet_t pkt;

				if (zx_port_wait(port, ZX_TIME_INFINITE,
				    &pkt) != ZX_OK)
					_exit(2);
				l->sh->total += bench_now_ns() - l->sh->sent;
				/* Re-arm (untimed) before handing back; edge
				 * mode, as one of the two bits is always set. */
				if (!l->queue && zx_object_wait_async(ev, port, 1,
				    ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1,
				    ZX_WAIT_ASYNC_EDGE) != ZX_OK)
					_exit(3);
			} else {
				struct epoll_event e;
				uint64_t v;

				if (epoll_wait(ep, &e, 1, -1) != 1 ||
				    read(l->efd, &v, sizeof(v)) != sizeof(v))
					_exit(2);
				l->sh->total += bench_now_ns() - l->sh->sent;
			}
			if (write(l->done[1], &b, 1) != 1)
				_exit(4);
		}
	}
	_exit(0);
}

static void
latency_start(struct latency *l, bool zx, bool queue)
{
	l->zx = zx;
	l->queue = queue;
	l->sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (l->sh == MAP_FAILED || pipe(l->go) < 0 || pipe(l->done) < 0)
		bench_die("setup");
	if (zx) {
		zx_handle_t d, mine;
		int tok;

		/* The child gets the port (queue) or the event (signal). */
		if ((queue ? zx_port_create(0, &l->port) :
		    zx_event_create(0, &l->event)) != ZX_OK)
			bench_die("create");
		mine = queue ? l->port : l->event;
		if (zx_handle_duplicate(mine, ZX_RIGHT_SAME_RIGHTS, &d) !=
		    ZX_OK || zxd_handle_export(d, &tok) != ZX_OK)
			bench_die("export");
		l->pid = fork();
		if (l->pid == 0) {
			zx_handle_t h, port;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (zxd_handle_import(tok, &h) != ZX_OK)
				_exit(1);
			if (queue)
				child_loop(l, h, 0, -1);
			if (zx_port_create(0, &port) != ZX_OK ||
			    zx_object_wait_async(h, port, 1,
			    ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1, 0) != ZX_OK)
				_exit(1);
			child_loop(l, port, h, -1);
		}
		close(tok);
	} else {
		l->efd = eventfd(0, EFD_CLOEXEC);
		if (l->efd < 0)
			bench_die("eventfd");
		l->pid = fork();
		if (l->pid == 0) {
			struct epoll_event e = { .events = EPOLLIN };
			int ep = epoll_create1(EPOLL_CLOEXEC);

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, l->efd, &e) < 0)
				_exit(1);
			child_loop(l, 0, 0, ep);
		}
	}
	if (l->pid < 0)
		bench_die("fork");
}

static double
run_latency(void *arg, long iters)
{
	struct latency *l = arg;
	static unsigned flip;

	l->sh->total = 0;
	if (write(l->go[1], &iters, sizeof(iters)) != sizeof(iters))
		return -1;
	for (long i = 0; i < iters; i++) {
		char b;

		/* Let the other side fall asleep first. */
		usleep(20);
		l->sh->sent = bench_now_ns();
		if (l->zx && l->queue) {
			zx_port_packet_t pkt = { .key = 1,
			    .type = ZX_PKT_TYPE_USER };

			if (zx_port_queue(l->port, &pkt) != ZX_OK)
				return -1;
		} else if (l->zx) {
			/* Each signal changes the state and raises a bit. */
			flip ^= 1;
			if (zx_object_signal(l->event, flip ? ZX_USER_SIGNAL_1 :
			    ZX_USER_SIGNAL_0, flip ? ZX_USER_SIGNAL_0 :
			    ZX_USER_SIGNAL_1) != ZX_OK)
				return -1;
		} else {
			uint64_t one = 1;

			if (write(l->efd, &one, sizeof(one)) != sizeof(one))
				return -1;
		}
		if (read(l->done[0], &b, 1) != 1)
			return -1;
	}
	return (double)l->sh->total / (double)iters;
}

static void
latency_stop(struct latency *l)
{
	close(l->go[1]);
	kill(l->pid, SIGTERM);
	waitpid(l->pid, NULL, 0);
	if (l->zx && l->queue)
		zx_handle_close(l->port);
	else if (l->zx)
		zx_handle_close(l->event);
	else
		close(l->efd);
}

/* --- queue + wait, same thread ---------------------------------------- */

static double
run_queue_wait(void *arg, long iters)
{
	zx_handle_t p = *(zx_handle_t *)arg;
	zx_port_packet_t pkt;
	int64_t t0 = bench_now_ns();

	memset(&pkt, 0, sizeof(pkt));
	for (long i = 0; i < iters; i++) {
		pkt.key = (uint64_t)i;
		if (zx_port_queue(p, &pkt) != ZX_OK ||
		    zx_port_wait(p, 0, &pkt) != ZX_OK)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static double
run_pipe(void *arg, long iters)
{
	int *fds = arg;
	char buf[48] = { 0 };
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < iters; i++)
		if (write(fds[1], buf, sizeof(buf)) != sizeof(buf) ||
		    read(fds[0], buf, sizeof(buf)) != sizeof(buf))
			return -1;
	return (double)(bench_now_ns() - t0) / (double)iters;
}

/* --- registration ----------------------------------------------------- */

struct reg {
	zx_handle_t port, event;
};

static double
run_wait_async(void *arg, long iters)
{
	struct reg *r = arg;
	zx_port_packet_t pkt;
	int64_t t0 = bench_now_ns();

	/* The event is signalled: each wait fires at registration, and
	 * its packet is taken from the ring with no round trip. */
	for (long i = 0; i < iters; i++)
		if (zx_object_wait_async(r->event, r->port, 1,
		    ZX_EVENT_SIGNALED, 0) != ZX_OK ||
		    zx_port_wait(r->port, 0, &pkt) != ZX_OK)
			return -1;
	return (double)(bench_now_ns() - t0) / (double)iters;
}

struct echo {
	pid_t pid;
	int sock;
	bool with_fd;
	int fd;				/* sent along when with_fd */
};

static void
echo_start(struct echo *e, bool with_fd)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		bench_die("socketpair");
	e->with_fd = with_fd;
	e->fd = eventfd(0, EFD_CLOEXEC);
	e->pid = fork();
	if (e->pid < 0)
		bench_die("fork");
	if (e->pid == 0) {
		char buf[256], rep[32] = { 0 };

		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			union {
				struct cmsghdr h;
				char b[CMSG_SPACE(sizeof(int))];
			} ctl;
			struct iovec iov = { buf, sizeof(buf) };
			struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl.b) };
			struct cmsghdr *c;
			int fd;

			if (recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC) <= 0)
				_exit(0);
			c = CMSG_FIRSTHDR(&mh);
			if (c != NULL && c->cmsg_type == SCM_RIGHTS) {
				memcpy(&fd, CMSG_DATA(c), sizeof(fd));
				close(fd);
			}
			if (send(sv[1], rep, sizeof(rep), 0) < 0)
				_exit(1);
		}
	}
	close(sv[1]);
	e->sock = sv[0];
}

static double
run_echo(void *arg, long iters)
{
	struct echo *e = arg;
	char req[32] = { 0 }, rep[64];
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < iters; i++) {
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(int))];
		} ctl;
		struct iovec iov = { req, sizeof(req) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

		if (e->with_fd) {
			struct cmsghdr *c;

			mh.msg_control = ctl.b;
			mh.msg_controllen = sizeof(ctl.b);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &e->fd, sizeof(int));
		}
		if (sendmsg(e->sock, &mh, 0) < 0 ||
		    recv(e->sock, rep, sizeof(rep), 0) <= 0)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static void
echo_stop(struct echo *e)
{
	close(e->sock);
	kill(e->pid, SIGTERM);
	waitpid(e->pid, NULL, 0);
	close(e->fd);
}

int
main(void)
{
	struct zxdtest_daemon d;
	struct latency lz, lq, le;
	struct echo plain, withfd;
	struct bench_pair lat, qlat, qw, reg, reg_fd;
	struct reg r;
	const char *sc = getenv("BENCH_SCALE");
	long scale = sc != NULL && atol(sc) > 0 ? atol(sc) : 1;
	int pfd[2];
	int rc;

	signal(SIGPIPE, SIG_IGN);
	bench_one_cpu();
	rc = zxdtest_start(&d, NULL);
	if (rc < 0) {
		fprintf(stderr, "bench_port: cannot start zxd: %s\n",
		    strerror(-rc));
		return 1;
	}
	latency_start(&lz, true, false);
	latency_start(&lq, true, true);
	latency_start(&le, false, false);
	echo_start(&plain, false);
	echo_start(&withfd, true);
	if (pipe(pfd) < 0 || zx_port_create(0, &r.port) != ZX_OK ||
	    zx_event_create(0, &r.event) != ZX_OK ||
	    zx_object_signal(r.event, 0, ZX_EVENT_SIGNALED) != ZX_OK)
		bench_die("setup");

	if (bench_paired(run_latency, &lz, run_latency, &le, 2000 * scale,
	    &lat) < 0 ||
	    bench_paired(run_latency, &lq, run_latency, &le, 2000 * scale,
	    &qlat) < 0)
		bench_die("latency");
	if (bench_paired(run_queue_wait, &r.port, run_pipe, pfd,
	    20000 * scale, &qw) < 0)
		bench_die("queue + wait");
	if (bench_paired(run_wait_async, &r, run_echo, &plain, 20000 * scale,
	    &reg) < 0 ||
	    bench_paired(run_wait_async, &r, run_echo, &withfd, 20000 * scale,
	    &reg_fd) < 0)
		bench_die("wait_async");

	printf("bench_port: medians of %d rounds, each figure alternating "
	    "with its floor\n", BENCH_ROUNDS);
	bench_report_pair("  signal -> packet, other process", &lat,
	    "eventfd -> epoll");
	bench_report_pair("  queue -> packet, other process", &qlat,
	    "eventfd -> epoll");
	bench_report_pair("  zx_port_queue + zx_port_wait", &qw,
	    "pipe write + read");
	bench_report_pair("  zx_object_wait_async", &reg, "round trip");
	bench_report_pair("  zx_object_wait_async", &reg_fd, "rt + fd");

	latency_stop(&lz);
	latency_stop(&lq);
	latency_stop(&le);
	echo_stop(&plain);
	echo_stop(&withfd);
	zx_handle_close_many((zx_handle_t[]){ r.port, r.event }, 2);
	close(pfd[0]);
	close(pfd[1]);
	rc = zxdtest_stop(&d);
	return rc == 0 ? 0 : 1;
}
