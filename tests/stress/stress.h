/*
 * What the stress programs share: a daemon of their own, its descriptors
 * and memory, raw connections, and the well-behaved observer.
 *
 * Every program is bounded in time and count and stops by itself; it
 * prints its figures and a verdict line ("VERDICT: PASS ..." or
 * "VERDICT: FAIL ...") and exits 0 or 1. With --quick (what make check
 * runs) it does a short bounded version and judges correctness only:
 * the timing bars (50 ms, 100 ms) are printed, not judged, there.
 */
#ifndef ZXD_STRESS_H
#define ZXD_STRESS_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>

#include <zircon/status.h>
#include <zircon/syscalls.h>

#include "proto/wire.h"
#include "tests/lib/zxdtest.h"

static bool quick;
static struct zxdtest_daemon D;
static char stress_conf[64];

static inline int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline double
ms(int64_t ns)
{
	return (double)ns / 1e6;
}

static inline void
parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
}

/* Start zxd with `limits` as its [limits] section (may be ""). */
static inline void
daemon_start(const char *limits)
{
	const char *args[] = { "--config", stress_conf, NULL };
	FILE *f;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	snprintf(stress_conf, sizeof(stress_conf), "/tmp/zxd-stress.XXXXXX");
	fd = mkstemp(stress_conf);
	if (fd < 0) {
		perror("mkstemp");
		exit(2);
	}
	fchmod(fd, 0644);
	f = fdopen(fd, "w");
	fprintf(f, "[limits]\n%s", limits);
	fclose(f);
	if (zxdtest_start(&D, args) != 0) {
		fprintf(stderr, "cannot start zxd (ZXD_BIN?)\n");
		unlink(stress_conf);
		exit(2);
	}
}

static inline void
daemon_stop(void)
{
	if (D.pid > 0)
		zxdtest_stop(&D);
	D.pid = 0;
	unlink(stress_conf);
}

static inline int
daemon_fds(void)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)D.pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The daemon's resident memory, KiB. */
static inline long
daemon_rss_kb(void)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)D.pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Wait (up to `secs`) for the daemon to hold no more than `fds`
 * descriptors and `handles` handles; returns the fds it holds then. */
static inline int
daemon_settle(int fds, uint64_t handles, int secs)
{
	struct zxdtest_stats s;
	int n = daemon_fds();

	for (int i = 0; i < secs * 100; i++) {
		n = daemon_fds();
		if (zxdtest_stats(D.socket, &s) == 0 && n <= fds &&
		    s.handles <= handles && s.in_flight == 0)
			break;
		usleep(10000);
	}
	return n;
}

static inline void
drop_to_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0) {
		perror("drop to uid 65534");
		_exit(126);
	}
}

/* A raw control connection after HELLO: its fd, or -1 if refused. */
static inline int
raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Hello hello = ZXD__HELLO__INIT;
	static uint8_t buf[WIRE_MAX_MSG];
	struct wire_msg m = { .buf = buf };
	struct pollfd p;
	Zxd__Reply *rep;
	ssize_t n;
	int fd, st = -1;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", D.socket);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	hello.version = ZXD_PROTOCOL_VERSION;
	req.body_case = ZXD__REQUEST__BODY_HELLO;
	req.hello = &hello;
	req.txid = 1;
	(void)wire_send(fd, &req.base, NULL, 0);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1) {
		close(fd);
		return -1;
	}
	n = wire_recv(fd, &m);
	if (n == -ECONNRESET)
		n = wire_recv(fd, &m);
	if (n > 0) {
		rep = zxd__reply__unpack(NULL, m.len, m.buf);
		if (rep != NULL)
			st = rep->status;
		if (rep != NULL)
			zxd__reply__free_unpacked(rep, NULL);
		wire_msg_clear(&m);
	}
	if (st != ZX_OK) {
		close(fd);
		return -1;
	}
	return fd;
}

/* --- the observer: a well-behaved client of uid 65534 ------------------ */

struct observed {
	uint64_t calls, errors, slow;	/* slow: over 50 ms */
	int64_t max_ns;
	zx_status_t first_error;
	char first_call[32];
};

struct observer {
	pid_t pid;
	int pipe;		/* its figures, at the end */
	int stop;		/* write end: closing it stops it */
};

static inline void
obs_time(struct observed *o, const char *what, int64_t t0, zx_status_t st)
{
	int64_t d = now_ns() - t0;

	o->calls++;
	if (d > o->max_ns)
		o->max_ns = d;
	if (d > 50000000)
		o->slow++;
	if (st != ZX_OK) {
		if (o->errors++ == 0) {
			o->first_error = st;
			snprintf(o->first_call, sizeof(o->first_call), "%s",
			    what);
		}
	}
}

#define OBS(o, what, call) do { \
	int64_t t0_ = now_ns(); \
	zx_status_t st_ = (call); \
	obs_time((o), (what), t0_, st_); \
} while (0)

/* One round of ordinary calls: events, channels with a handle, VMOs. */
static inline void
observe_round(struct observed *o)
{
	zx_handle_t ev = 0, c0 = 0, c1 = 0, v = 0, got = 0;
	char buf[64];
	uint32_t nb, nh;

	OBS(o, "event_create", zx_event_create(0, &ev));
	OBS(o, "object_signal", zx_object_signal(ev, 0, ZX_USER_SIGNAL_0));
	OBS(o, "wait_one", zx_object_wait_one(ev, ZX_USER_SIGNAL_0,
	    ZX_TIME_INFINITE, NULL));
	OBS(o, "channel_create", zx_channel_create(0, &c0, &c1));
	OBS(o, "channel_write", zx_channel_write(c0, 0, "hello", 5, &ev, 1));
	OBS(o, "channel_read", zx_channel_read(c1, 0, buf, &got, sizeof(buf),
	    1, &nb, &nh));
	OBS(o, "vmo_create", zx_vmo_create(4096, 0, &v));
	OBS(o, "vmo_write", zx_vmo_write(v, buf, 0, sizeof(buf)));
	OBS(o, "vmo_read", zx_vmo_read(v, buf, 0, sizeof(buf)));
	OBS(o, "handle_close", zx_handle_close(got));
	OBS(o, "handle_close", zx_handle_close(v));
	zx_handle_close(c0);
	zx_handle_close(c1);
}

/* Fork the observer: uid 65534, rounds until told to stop. */
static inline void
observer_start(struct observer *ob)
{
	int res[2], stop[2];

	if (pipe(res) < 0 || pipe(stop) < 0)
		exit(2);
	ob->pid = fork();
	if (ob->pid < 0)
		exit(2);
	if (ob->pid == 0) {
		struct observed o = { 0 };
		struct pollfd p = { .fd = stop[0], .events = POLLIN };

		close(res[0]);
		close(stop[1]);
		drop_to_nobody();
		/* Warm up: the first call connects. */
		observe_round(&o);
		o = (struct observed){ 0 };
		while (poll(&p, 1, 0) == 0)
			observe_round(&o);
		(void)!write(res[1], &o, sizeof(o));
		_exit(0);
	}
	close(res[1]);
	close(stop[0]);
	ob->pipe = res[0];
	ob->stop = stop[1];
	usleep(100000);
}

static inline struct observed
observer_stop(struct observer *ob)
{
	struct observed o = { .errors = 1, .first_error = ZX_ERR_INTERNAL };
	int st;

	close(ob->stop);
	if (read(ob->pipe, &o, sizeof(o)) != (ssize_t)sizeof(o)) {
		o = (struct observed){ .errors = 1,
		    .first_error = ZX_ERR_INTERNAL };
		snprintf(o.first_call, sizeof(o.first_call), "(died)");
	}
	close(ob->pipe);
	waitpid(ob->pid, &st, 0);
	return o;
}

static inline void
observed_print(const char *what, const struct observed *o)
{
	printf("  observer (uid 65534) during %s: %llu calls, %llu errors, "
	    "max %.2f ms, %llu over 50 ms", what,
	    (unsigned long long)o->calls, (unsigned long long)o->errors,
	    ms(o->max_ns), (unsigned long long)o->slow);
	if (o->errors > 0)
		printf(" (first: %s %s)", o->first_call,
		    zx_status_get_string(o->first_error));
	printf("\n");
}

#endif
