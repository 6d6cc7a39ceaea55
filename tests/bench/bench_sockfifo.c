/*
 * The socket, FIFO and interrupt data paths against their Linux floors,
 * two processes each, measured in alternating rounds in the same run:
 *
 *   socket stream throughput (64 KiB writes, 16 MiB per round)
 *       vs a SOCK_STREAM socketpair;
 *   FIFO element round trip (one 8-byte element each way)
 *       vs a pair of pipes;
 *   interrupt trigger -> wait return (a ping-pong over two virtual
 *   interrupts, per one-way hop) vs a pair of eventfds.
 *
 * Starts its own zxd ($ZXD_BIN, else ./zxd). Each line is a figure next
 * to its floor and the median per-round ratio.
 */
#include "config-build.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

#define CHUNK		(64 * 1024)
#define STREAM_BYTES	(16u << 20)

static uint8_t chunk[CHUNK];

static void
reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		bench_die("child");
}

/* --- socket stream ----------------------------------------------------- */

static int
zx_stream_reader(zx_handle_t h)
{
	static uint8_t buf[CHUNK];
	size_t n;

	for (;;) {
		zx_status_t st = zx_socket_read(h, 0, buf, sizeof(buf), &n);

		if (st == ZX_ERR_SHOULD_WAIT)
			st = zx_object_wait_one(h, ZX_SOCKET_READABLE |
			    ZX_SOCKET_PEER_CLOSED, ZX_TIME_INFINITE, NULL);
		else if (st == ZX_ERR_PEER_CLOSED)
			return 0;
		if (st != ZX_OK)
			return 1;
	}
}

static double
zx_stream(void *arg, long iters)
{
	zx_handle_t a, b;
	int64_t t0, t1;
	uint64_t total = (uint64_t)iters * CHUNK, sent = 0;
	int tok;
	pid_t pid;
	size_t n;

	(void)arg;
	if (zx_socket_create(0, &a, &b) != ZX_OK ||
	    zxd_handle_export(b, &tok) != ZX_OK)
		return -1;
	pid = fork();
	if (pid == 0) {
		zx_handle_t h;

		if (zxd_handle_import(tok, &h) != ZX_OK)
			_exit(1);
		_exit(zx_stream_reader(h));
	}
	close(tok);
	t0 = bench_now_ns();
	while (sent < total) {
		zx_status_t st = zx_socket_write(a, 0, chunk, CHUNK, &n);

		if (st == ZX_ERR_SHOULD_WAIT) {
			if (zx_object_wait_one(a, ZX_SOCKET_WRITABLE,
			    ZX_TIME_INFINITE, NULL) != ZX_OK)
				return -1;
			continue;
		}
		if (st != ZX_OK)
			return -1;
		sent += n;
	}
	/* Until the reader has it all: the peer end empties. */
	for (;;) {
		zx_info_socket_t i;

		if (zx_object_get_info(a, ZX_INFO_SOCKET, &i, sizeof(i), NULL,
		    NULL) != ZX_OK)
			return -1;
		if (i.tx_buf_size == 0)
			break;
		zx_object_wait_one(a, ZX_SOCKET_WRITE_THRESHOLD, 0, NULL);
		usleep(50);
	}
	t1 = bench_now_ns();
	zx_handle_close(a);
	reap(pid);
	return (double)(t1 - t0) / (double)iters;
}

static double
unix_stream(void *arg, long iters)
{
	int sv[2];
	int64_t t0, t1;
	uint64_t total = (uint64_t)iters * CHUNK, sent = 0;
	char ack;
	pid_t pid;

	(void)arg;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		static uint8_t buf[CHUNK];
		uint64_t got = 0;

		close(sv[0]);
		while (got < total) {
			ssize_t r = read(sv[1], buf, sizeof(buf));

			if (r <= 0)
				_exit(1);
			got += (uint64_t)r;
		}
		_exit(write(sv[1], "k", 1) == 1 ? 0 : 1);
	}
	close(sv[1]);
	t0 = bench_now_ns();
	while (sent < total) {
		ssize_t r = write(sv[0], chunk, CHUNK);

		if (r <= 0)
			return -1;
		sent += (uint64_t)r;
	}
	if (read(sv[0], &ack, 1) != 1)
		return -1;
	t1 = bench_now_ns();
	close(sv[0]);
	reap(pid);
	return (double)(t1 - t0) / (double)iters;
}

/* --- FIFO round trip --------------------------------------------------- */

static int
fifo_wait_read(zx_handle_t h, uint64_t *v)
{
	for (;;) {
		zx_status_t st = zx_fifo_read(h, 8, v, 1, NULL);

		if (st != ZX_ERR_SHOULD_WAIT)
			return st == ZX_OK ? 0 : -1;
		if (zx_object_wait_one(h, ZX_FIFO_READABLE |
		    ZX_FIFO_PEER_CLOSED, ZX_TIME_INFINITE, NULL) != ZX_OK)
			return -1;
	}
}

static double
zx_fifo_rt(void *arg, long iters)
{
	zx_handle_t a, b;
	uint64_t v = 0;
	int64_t t0, t1;
	int tok;
	pid_t pid;

	(void)arg;
	if (zx_fifo_create(16, 8, 0, &a, &b) != ZX_OK ||
	    zxd_handle_export(b, &tok) != ZX_OK)
		return -1;
	pid = fork();
	if (pid == 0) {
		zx_handle_t h;

		if (zxd_handle_import(tok, &h) != ZX_OK)
			_exit(1);
		for (long i = 0; i < iters; i++) {
			if (fifo_wait_read(h, &v) < 0 ||
			    zx_fifo_write(h, 8, &v, 1, NULL) != ZX_OK)
				_exit(1);
		}
		_exit(0);
	}
	close(tok);
	t0 = bench_now_ns();
	for (long i = 0; i < iters; i++) {
		v = (uint64_t)i;
		if (zx_fifo_write(a, 8, &v, 1, NULL) != ZX_OK ||
		    fifo_wait_read(a, &v) < 0 || v != (uint64_t)i)
			return -1;
	}
	t1 = bench_now_ns();
	zx_handle_close(a);
	reap(pid);
	return (double)(t1 - t0) / (double)iters;
}

static double
pipe_rt(void *arg, long iters)
{
	int p1[2], p2[2];
	uint64_t v = 0;
	int64_t t0, t1;
	pid_t pid;

	(void)arg;
	if (pipe2(p1, O_CLOEXEC) < 0 || pipe2(p2, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		for (long i = 0; i < iters; i++) {
			if (read(p1[0], &v, 8) != 8 || write(p2[1], &v, 8) != 8)
				_exit(1);
		}
		_exit(0);
	}
	t0 = bench_now_ns();
	for (long i = 0; i < iters; i++) {
		v = (uint64_t)i;
		if (write(p1[1], &v, 8) != 8 || read(p2[0], &v, 8) != 8)
			return -1;
	}
	t1 = bench_now_ns();
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	reap(pid);
	return (double)(t1 - t0) / (double)iters;
}

/* --- interrupt trigger -> wait return ---------------------------------- */

static double
zx_irq_hop(void *arg, long iters)
{
	zx_handle_t i1, i2, d1, d2;
	int t1, t2;
	int64_t s, e;
	zx_time_t ts;
	pid_t pid;

	(void)arg;
	if (zx_interrupt_create(0, 0, ZX_INTERRUPT_VIRTUAL, &i1) != ZX_OK ||
	    zx_interrupt_create(0, 0, ZX_INTERRUPT_VIRTUAL, &i2) != ZX_OK ||
	    zx_handle_duplicate(i1, ZX_RIGHT_SAME_RIGHTS, &d1) != ZX_OK ||
	    zx_handle_duplicate(i2, ZX_RIGHT_SAME_RIGHTS, &d2) != ZX_OK ||
	    zxd_handle_export(d1, &t1) != ZX_OK ||
	    zxd_handle_export(d2, &t2) != ZX_OK)
		return -1;
	pid = fork();
	if (pid == 0) {
		zx_handle_t h1, h2;

		if (zxd_handle_import(t1, &h1) != ZX_OK ||
		    zxd_handle_import(t2, &h2) != ZX_OK)
			_exit(1);
		for (long i = 0; i < iters; i++) {
			if (zx_interrupt_wait(h1, &ts) != ZX_OK ||
			    zx_interrupt_trigger(h2, 0, ts) != ZX_OK)
				_exit(1);
		}
		_exit(0);
	}
	close(t1);
	close(t2);
	s = bench_now_ns();
	for (long i = 0; i < iters; i++) {
		if (zx_interrupt_trigger(i1, 0, i + 1) != ZX_OK ||
		    zx_interrupt_wait(i2, &ts) != ZX_OK)
			return -1;
	}
	e = bench_now_ns();
	reap(pid);
	zx_handle_close(i1);
	zx_handle_close(i2);
	/* Two hops per round. */
	return (double)(e - s) / (double)iters / 2;
}

static double
eventfd_hop(void *arg, long iters)
{
	int e1 = eventfd(0, EFD_CLOEXEC), e2 = eventfd(0, EFD_CLOEXEC);
	uint64_t v = 1;
	int64_t s, e;
	pid_t pid;

	(void)arg;
	if (e1 < 0 || e2 < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		for (long i = 0; i < iters; i++) {
			if (read(e1, &v, 8) != 8 || write(e2, &v, 8) != 8)
				_exit(1);
		}
		_exit(0);
	}
	s = bench_now_ns();
	for (long i = 0; i < iters; i++) {
		if (write(e1, &v, 8) != 8 || read(e2, &v, 8) != 8)
			return -1;
	}
	e = bench_now_ns();
	reap(pid);
	close(e1);
	close(e2);
	return (double)(e - s) / (double)iters / 2;
}

int
main(int argc, char **argv)
{
	struct zxdtest_daemon d;
	struct bench_pair p;
	long scale = argc > 1 ? atol(argv[1]) : 1;

	if (getenv("ZXD_BIN") == NULL)
		setenv("ZXD_BIN", "./zxd", 0);
	bench_one_cpu();
	if (zxdtest_start(&d, NULL) != 0)
		bench_die("starting zxd");
	memset(chunk, 0x5a, sizeof(chunk));
	if (bench_paired(zx_stream, NULL, unix_stream, NULL,
	    scale * (STREAM_BYTES / CHUNK), &p) < 0)
		bench_die("socket stream");
	bench_report_pair("socket stream, 64 KiB writes", &p,
	    "socketpair");
	printf("%-34s %8.0f MB/s    floor %7.0f MB/s\n", "  throughput",
	    CHUNK / p.ns * 1e3, CHUNK / p.floor_ns * 1e3);
	if (bench_paired(zx_fifo_rt, NULL, pipe_rt, NULL, scale * 5000,
	    &p) < 0)
		bench_die("fifo round trip");
	bench_report_pair("fifo element round trip", &p, "two pipes");
	if (bench_paired(zx_irq_hop, NULL, eventfd_hop, NULL, scale * 2000,
	    &p) < 0)
		bench_die("interrupt hop");
	bench_report_pair("interrupt trigger -> wait return", &p,
	    "eventfd");
	return zxdtest_stop(&d) == 0 ? 0 : 1;
}
