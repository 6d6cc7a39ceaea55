/* Helpers for the benchmarks: a clock, a repeated measurement, and the
 * "figure next to its floor" report line. Header-only; each benchmark is
 * one program. */
#ifndef ZXD_TESTS_BENCH_H
#define ZXD_TESTS_BENCH_H

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Put this process, and the children it starts after (zxd, servers),
 * on the CPU it runs on: a round trip then costs the work and the context
 * switches, not how soon another CPU wakes up (the steadier figure on a
 * small or loaded machine). BENCH_ANY_CPU=1 leaves every CPU. */
static inline void
bench_one_cpu(void)
{
	cpu_set_t one;
	int cpu = sched_getcpu();

	if (getenv("BENCH_ANY_CPU") != NULL)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu < 0 ? 0 : cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

static inline int64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline double
bench_now_s(void)
{
	return (double)bench_now_ns() * 1e-9;
}

/* Report what failed and stop: a benchmark with a broken step has no
 * figure to give. Uses program_invocation_short_name. */
#define bench_die(what) do {						\
	fprintf(stderr, "%s: %s failed\n", program_invocation_short_name,\
	    (what));							\
	exit(1);							\
} while (0)

/* One measurement: run `iters` operations, return ns per operation.
 * Returns a negative value if an operation failed. */
typedef double (*bench_fn)(void *arg, long iters);

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of n values (sorts them). */
static inline double
bench_median_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return v[n / 2];
}

#define BENCH_ROUNDS 9

/* The median of BENCH_ROUNDS measurements after one warm-up round. */
static inline double
bench_median(bench_fn fn, void *arg, long iters)
{
	double r[BENCH_ROUNDS];

	if (fn(arg, iters / 4 + 1) < 0)
		return -1;
	for (int i = 0; i < BENCH_ROUNDS; i++) {
		r[i] = fn(arg, iters);
		if (r[i] < 0)
			return -1;
	}
	qsort(r, BENCH_ROUNDS, sizeof(r[0]), bench_cmp_double);
	return r[BENCH_ROUNDS / 2];
}

/* A figure and its floor measured in alternating rounds, so that load
 * from elsewhere hits both alike. Medians of each, and of the per-round
 * ratios. */
struct bench_pair {
	double ns, floor_ns, ratio;
};

static inline int
bench_paired(bench_fn fn, void *arg, bench_fn floor_fn, void *floor_arg,
    long iters, struct bench_pair *ret)
{
	double a[BENCH_ROUNDS], f[BENCH_ROUNDS], q[BENCH_ROUNDS];

	if (fn(arg, iters / 4 + 1) < 0 ||
	    floor_fn(floor_arg, iters / 4 + 1) < 0)
		return -1;
	for (int i = 0; i < BENCH_ROUNDS; i++) {
		f[i] = floor_fn(floor_arg, iters);
		a[i] = fn(arg, iters);
		if (a[i] < 0 || f[i] < 0)
			return -1;
		q[i] = a[i] / f[i];
	}
	qsort(a, BENCH_ROUNDS, sizeof(a[0]), bench_cmp_double);
	qsort(f, BENCH_ROUNDS, sizeof(f[0]), bench_cmp_double);
	qsort(q, BENCH_ROUNDS, sizeof(q[0]), bench_cmp_double);
	ret->ns = a[BENCH_ROUNDS / 2];
	ret->floor_ns = f[BENCH_ROUNDS / 2];
	ret->ratio = q[BENCH_ROUNDS / 2];
	return 0;
}

/* "name  X ns/op  floor Y ns/op (floor name)  ratio Z". */
static inline void
bench_report(const char *name, double ns, const char *floor_name,
    double floor_ns)
{
	printf("%-34s %8.0f ns/op   floor %7.0f ns/op (%s)   ratio %.2fx\n",
	    name, ns, floor_ns, floor_name, ns / floor_ns);
}

static inline void
bench_report_pair(const char *name, const struct bench_pair *p,
    const char *floor_name)
{
	printf("%-34s %8.0f ns/op   floor %7.0f ns/op (%s)   ratio %.2fx\n",
	    name, p->ns, p->floor_ns, floor_name, p->ratio);
}

static inline void
bench_report_alone(const char *name, double ns, const char *note)
{
	printf("%-34s %8.0f ns/op   (%s)\n", name, ns, note);
}

/* fd passing for the floors that hand out a new descriptor. */
static inline int
bench_recv_fd(int sock)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (c == NULL)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static inline void
bench_send_fd(int sock, int fd)
{
	char byte = 0, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	if (sendmsg(sock, &mh, 0) < 0)
		_exit(1);
}

/* The floors' server: one 4 KiB memfd per request byte, passed back. */
static inline void
bench_memfd_server(int sock)
{
	char req;

	while (recv(sock, &req, 1, 0) == 1) {
		int fd = memfd_create("floor", MFD_CLOEXEC);

		if (fd < 0 || ftruncate(fd, 4096) < 0)
			_exit(1);
		bench_send_fd(sock, fd);
		close(fd);
	}
	_exit(0);
}

#endif
