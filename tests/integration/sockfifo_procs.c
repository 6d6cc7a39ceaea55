/*
 * Sockets and FIFOs across processes against a real zxd: bytes stream
 * between two processes through the rings with no daemon in the path; a
 * killed client's ends signal PEER_CLOSED to their peers; a handle's
 * rights are enforced by the Linux kernel on the descriptors it gets (a
 * handle without ZX_RIGHT_WRITE holds no descriptor it could write
 * through, checked as uid 65534, whom file modes bind); the rings are
 * charged to the creator.
 */
#include "config-build.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

#define TOTAL	(4u << 20)

/* The child reads TOTAL bytes, checks them, answers with their sum. */
static int
stream_child(int tok)
{
	zx_handle_t h;
	static uint8_t buf[65536];
	uint64_t got = 0, sum = 0;
	size_t n;

	if (zxd_handle_import(tok, &h) != ZX_OK)
		return 1;
	while (got < TOTAL) {
		zx_status_t st = zx_socket_read(h, 0, buf, sizeof(buf), &n);

		if (st == ZX_ERR_SHOULD_WAIT) {
			if (zx_object_wait_one(h, ZX_SOCKET_READABLE,
			    zx_deadline_after(10000 * MS), NULL) != ZX_OK)
				return 2;
			continue;
		}
		if (st != ZX_OK)
			return 3;
		for (size_t i = 0; i < n; i++) {
			if (buf[i] != (uint8_t)((got + i) * 13))
				return 4;
			sum += buf[i];
		}
		got += n;
	}
	if (zx_socket_write(h, 0, &sum, sizeof(sum), &n) != ZX_OK)
		return 5;
	return 0;
}

Test(procs, stream_between_processes)
{
	zx_handle_t a, b;
	static uint8_t buf[100000];
	uint64_t sent = 0, sum = 0, answer = 0;
	int tok;
	pid_t pid;
	size_t n;

	cr_assert_eq(zx_socket_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(b, &tok), ZX_OK);
	pid = fork_child(stream_child, tok);
	while (sent < TOTAL) {
		size_t want = TOTAL - sent < sizeof(buf) ? TOTAL - sent :
		    sizeof(buf);
		zx_status_t st;

		for (size_t i = 0; i < want; i++)
			buf[i] = (uint8_t)((sent + i) * 13);
		st = zx_socket_write(a, 0, buf, want, &n);
		if (st == ZX_ERR_SHOULD_WAIT) {
			cr_assert_eq(zx_object_wait_one(a, ZX_SOCKET_WRITABLE,
			    zx_deadline_after(10000 * MS), NULL), ZX_OK);
			continue;
		}
		cr_assert_eq(st, ZX_OK, "%s", zx_status_get_string(st));
		for (size_t i = 0; i < n; i++)
			sum += buf[i];
		sent += n;
	}
	cr_assert_eq(zx_object_wait_one(a, ZX_SOCKET_READABLE,
	    zx_deadline_after(10000 * MS), NULL), ZX_OK);
	cr_assert_eq(zx_socket_read(a, 0, &answer, sizeof(answer), &n), ZX_OK);
	cr_assert_eq(answer, sum);
	cr_assert_eq(wait_child(pid), 0);
	/* The child is gone: its end closed with it. */
	cr_assert_eq(zx_object_wait_one(a, ZX_SOCKET_PEER_CLOSED,
	    zx_deadline_after(5000 * MS), NULL), ZX_OK);
	zx_handle_close(a);
}

/* The child imports both its ends, writes one element and one byte, and
 * is killed. */
static int
hold_child(int tok)
{
	zx_handle_t s, f;
	int tok2 = tok >> 16, tok1 = tok & 0xffff;
	uint32_t v = 7;

	if (zxd_handle_import(tok1, &s) != ZX_OK ||
	    zxd_handle_import(tok2, &f) != ZX_OK)
		return 1;
	if (zx_socket_write(s, 0, "k", 1, NULL) != ZX_OK ||
	    zx_fifo_write(f, 4, &v, 1, NULL) != ZX_OK)
		return 2;
	for (;;)
		pause();
}

Test(procs, killed_client_is_peer_closed)
{
	zx_handle_t sa, sb, fa, fb;
	zx_signals_t s;
	int t1, t2;
	pid_t pid;
	char c;
	uint32_t v;

	cr_assert_eq(zx_socket_create(0, &sa, &sb), ZX_OK);
	cr_assert_eq(zx_fifo_create(16, 4, 0, &fa, &fb), ZX_OK);
	cr_assert_eq(zxd_handle_export(sb, &t1), ZX_OK);
	cr_assert_eq(zxd_handle_export(fb, &t2), ZX_OK);
	cr_assert_lt(t1, 0x10000);
	cr_assert_lt(t2, 0x8000);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(hold_child(t1 | (t2 << 16)));
	close(t1);
	close(t2);
	cr_assert_eq(zx_object_wait_one(sa, ZX_SOCKET_READABLE,
	    zx_deadline_after(5000 * MS), NULL), ZX_OK);
	cr_assert_eq(zx_object_wait_one(fa, ZX_FIFO_READABLE,
	    zx_deadline_after(5000 * MS), NULL), ZX_OK);
	kill(pid, SIGKILL);
	cr_assert_eq(wait_child(pid), 128 + SIGKILL);
	cr_assert_eq(zx_object_wait_one(sa, ZX_SOCKET_PEER_CLOSED,
	    zx_deadline_after(5000 * MS), &s), ZX_OK);
	cr_assert_eq(s, ZX_SOCKET_PEER_CLOSED | ZX_SOCKET_READABLE);
	cr_assert_eq(zx_object_wait_one(fa, ZX_FIFO_PEER_CLOSED,
	    zx_deadline_after(5000 * MS), &s), ZX_OK);
	cr_assert_eq(s, ZX_FIFO_PEER_CLOSED | ZX_FIFO_READABLE);
	/* What it wrote before it died is still there. */
	cr_assert_eq(zx_socket_read(sa, 0, &c, 1, NULL), ZX_OK);
	cr_assert_eq(c, 'k');
	cr_assert_eq(zx_fifo_read(fa, 4, &v, 1, NULL), ZX_OK);
	cr_assert_eq(v, 7);
	cr_assert_eq(zx_socket_read(sa, 0, &c, 1, NULL), ZX_ERR_PEER_CLOSED);
	cr_assert_eq(zx_fifo_read(fa, 4, &v, 1, NULL), ZX_ERR_PEER_CLOSED);
	zx_handle_close(sa);
	zx_handle_close(fa);
}

/* The ring descriptors this process holds, by name, with their access
 * modes. */
struct ringfds {
	int n_data, n_data_rw, n_head_rw, n_tail_rw;
	int data_fd_ro;			/* one read-only data fd, or -1 */
};

static void
scan(struct ringfds *r)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	memset(r, 0, sizeof(*r));
	r->data_fd_ro = -1;
	while ((de = readdir(d)) != NULL) {
		char path[300], target[256];
		int fd = atoi(de->d_name), fl;
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		fl = fcntl(fd, F_GETFL);
		if (strstr(target, "zxd-ring-data") != NULL) {
			r->n_data++;
			if ((fl & O_ACCMODE) != O_RDONLY)
				r->n_data_rw++;
			else
				r->data_fd_ro = fd;
		}
	}
	closedir(d);
	/* The counter pages are mappings (their fds are closed). */
	{
		FILE *m = fopen("/proc/self/maps", "r");
		char line[512];

		while (fgets(line, sizeof(line), m) != NULL) {
			char *perms = strchr(line, ' ');
			bool w = perms != NULL && perms[2] == 'w';

			if (strstr(line, "zxd-ring-head") != NULL && w)
				r->n_head_rw++;
			if (strstr(line, "zxd-ring-tail") != NULL && w)
				r->n_tail_rw++;
		}
		fclose(m);
	}
}

static int
nobody_rights(void *arg)
{
	zx_handle_t a, b, ro;
	struct ringfds r;
	char c;
	void *m;
	char path[64];

	(void)arg;
	if (zx_socket_create(0, &a, &b) != ZX_OK)
		return 1;
	if (zx_handle_duplicate(a, ZX_DEFAULT_SOCKET_RIGHTS & ~ZX_RIGHT_WRITE,
	    &ro) != ZX_OK)
		return 2;
	/* Only `ro` sets its data path up in this process. */
	if (zx_socket_read(ro, 0, &c, 1, NULL) != ZX_ERR_SHOULD_WAIT)
		return 3;
	scan(&r);
	/* The incoming data, read-only; no outgoing data at all; the
	 * outgoing head (what a writer advances) read-only; the incoming
	 * tail (what a reader advances) writable. */
	if (r.n_data != 1 || r.n_data_rw != 0 || r.n_head_rw != 0 ||
	    r.n_tail_rw != 1)
		return 4;
	if (zx_socket_write(ro, 0, "x", 1, NULL) != ZX_ERR_ACCESS_DENIED)
		return 5;
	/* The Linux kernel refuses what libzx would never do. */
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
	    r.data_fd_ro, 0);
	if (m != MAP_FAILED)
		return 6;
	if (pwrite(r.data_fd_ro, "x", 1, 0) >= 0)
		return 7;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", r.data_fd_ro);
	if (open(path, O_RDWR) >= 0 || errno != EACCES)
		return 8;
	return 0;
}

Test(enforce, no_write_right_no_writable_fd)
{
	int r = zxdtest_run_as_nobody(nobody_rights, NULL);

	cr_assert_eq(r, 0, "step %d", r);
}

/* The rings are charged to the creator at creation (both directions,
 * Zircon's size each) against its memory limit, and given back when
 * both ends are gone. */
Test(limits, charged_to_creator)
{
	struct zxdtest_daemon d;
	const char *args[] = { "--config", NULL, NULL };
	char conf[] = "/tmp/zxd-sockfifo.XXXXXX";
	zx_handle_t h[8][2], f0, f1;
	size_t n;
	zx_status_t st = ZX_OK;
	FILE *f;
	int fd;

	fd = mkstemp(conf);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	/* One stream socket holds 2 x (264160 + 2 pages) = 544704 bytes. */
	fprintf(f, "[limits]\nvmo_bytes_per_client = 2M\n");
	fclose(f);
	args[1] = conf;
	cr_assert_eq(zxdtest_start(&d, args), 0);
	for (n = 0; n < 8; n++) {
		st = zx_socket_create(0, &h[n][0], &h[n][1]);
		if (st != ZX_OK)
			break;
	}
	cr_assert_eq(st, ZX_ERR_NO_MEMORY);
	cr_assert_eq(n, 3, "%zu sockets fit in 2 MiB", n);
	/* A datagram socket's rings are twice as big: none fits now. */
	cr_assert_eq(zx_socket_create(ZX_SOCKET_DATAGRAM, &f0, &f1),
	    ZX_ERR_NO_MEMORY);
	/* A FIFO is small. */
	cr_assert_eq(zx_fifo_create(64, 64, 0, &f0, &f1), ZX_OK);
	/* One end gone: the rings stay (the other end may still read). */
	zx_handle_close(h[0][0]);
	cr_assert_eq(zx_socket_create(0, &h[0][0], &h[7][0]),
	    ZX_ERR_NO_MEMORY);
	/* Both gone: room again. */
	zx_handle_close(h[0][1]);
	st = ZX_ERR_NO_MEMORY;
	for (int i = 0; i < 200 && st == ZX_ERR_NO_MEMORY; i++) {
		st = zx_socket_create(0, &h[0][0], &h[0][1]);
		if (st == ZX_ERR_NO_MEMORY)
			usleep(10000);	/* closes are seen asynchronously */
	}
	cr_assert_eq(st, ZX_OK);
	for (size_t i = 0; i < n; i++) {
		zx_handle_close(h[i][0]);
		zx_handle_close(h[i][1]);
	}
	zx_handle_close(f0);
	zx_handle_close(f1);
	cr_assert_eq(zxdtest_stop(&d), 0);
	unlink(conf);
}

/* zxctl shows each type with its state, signals brought up to date. */
Test(zxctl, shows_each_type)
{
	const char *top = getenv("ZXD_TOP_BUILDDIR"),
	    *sock = getenv("ZXD_SOCKET");
	zx_handle_t a, b, f0, f1, irq;
	char cmd[8192], out[65536];
	size_t n;
	FILE *p;

	cr_assert(top != NULL && sock != NULL);
	cr_assert_eq(zx_socket_create(ZX_SOCKET_DATAGRAM, &a, &b), ZX_OK);
	cr_assert_eq(zx_socket_write(a, 0, "hello", 5, NULL), ZX_OK);
	cr_assert_eq(zx_fifo_create(16, 8, 0, &f0, &f1), ZX_OK);
	cr_assert_eq(zx_fifo_write(f0, 8, "12345678", 1, NULL), ZX_OK);
	cr_assert_eq(zx_interrupt_create(0, 0, ZX_INTERRUPT_VIRTUAL, &irq),
	    ZX_OK);
	cr_assert_eq(zx_interrupt_trigger(irq, 0, 1), ZX_OK);
	snprintf(cmd, sizeof(cmd), "'%s/zxctl' --socket '%s' objects", top,
	    sock);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	cr_assert_eq(pclose(p), 0);
	cr_assert(strstr(out, "datagram, 5 B queued") != NULL, "%s", out);
	cr_assert(strstr(out, "datagram, 0 B queued") != NULL, "%s", out);
	cr_assert(strstr(out, "16x8 B, 1 queued") != NULL, "%s", out);
	cr_assert(strstr(out, "virtual, triggered") != NULL, "%s", out);
	/* The reader's signals as the daemon reports them are fresh. */
	snprintf(cmd, sizeof(cmd), "'%s/zxctl' --socket '%s' objects --json",
	    top, sock);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	cr_assert_eq(pclose(p), 0);
	cr_assert(strstr(out, "\"signals\": 3") != NULL, "%s", out);
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(f0);
	zx_handle_close(f1);
	zx_handle_close(irq);
}

/* The writable counter page of this process's writing end: a hostile
 * writer scribbles on it. */
static void *
writable_head_page(void)
{
	FILE *m = fopen("/proc/self/maps", "r");
	char line[512];
	void *p = NULL;

	while (p == NULL && fgets(line, sizeof(line), m) != NULL) {
		char *perms = strchr(line, ' ');

		if (strstr(line, "zxd-ring-head") != NULL && perms != NULL &&
		    perms[2] == 'w')
			p = (void *)strtoul(line, NULL, 16);
	}
	fclose(m);
	return p;
}

/* A writer that scribbles on its own counters hurts only its reader:
 * the reader sees an empty ring, the daemon's answers stay in bounds. */
Test(hostile, scribbled_counters)
{
	zx_handle_t a, b, a2, b2;
	zx_info_socket_t i;
	uint64_t *head;
	char c;

	cr_assert_eq(zx_socket_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_socket_write(a, 0, "abc", 3, NULL), ZX_OK);
	head = writable_head_page();
	cr_assert_not_null(head);
	/* struct ring_head: lock, then pos and payload. */
	head[sizeof(pthread_mutex_t) / 8] = 0xfffffffffff0ull;
	head[sizeof(pthread_mutex_t) / 8 + 1] = 0x7fffffffffffull;
	cr_assert_eq(zx_socket_read(b, 0, &c, 1, NULL), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_object_get_info(b, ZX_INFO_SOCKET, &i, sizeof(i),
	    NULL, NULL), ZX_OK);
	cr_assert_leq(i.rx_buf_size, i.rx_buf_max);
	/* The daemon and every other object carry on. */
	cr_assert_eq(zx_socket_create(0, &a2, &b2), ZX_OK);
	cr_assert_eq(zx_socket_write(a2, 0, "x", 1, NULL), ZX_OK);
	cr_assert_eq(zx_socket_read(b2, 0, &c, 1, NULL), ZX_OK);
	cr_assert_eq(c, 'x');
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(a2);
	zx_handle_close(b2);
}

/* zxd dies (SIGKILL) under waits on a socket, a FIFO and an interrupt:
 * each returns ZX_ERR_CANCELED instead of hanging. */
struct dw {
	zx_handle_t h;
	int kind;		/* 0 socket, 1 fifo, 2 interrupt */
	zx_status_t st;
};

static void *
death_wait(void *arg)
{
	struct dw *w = arg;

	if (w->kind == 2)
		w->st = zx_interrupt_wait(w->h, NULL);
	else
		w->st = zx_object_wait_one(w->h, ZX_SOCKET_READABLE,
		    ZX_TIME_INFINITE, NULL);
	return NULL;
}

Test(death, waits_end_when_zxd_dies, .timeout = 30)
{
	struct zxdtest_daemon d;
	zx_handle_t a, b, f0, f1, irq;
	struct dw w[3];
	pthread_t t[3];
	int status;

	cr_assert_eq(zxdtest_start(&d, NULL), 0);
	cr_assert_eq(zx_socket_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_fifo_create(4, 4, 0, &f0, &f1), ZX_OK);
	cr_assert_eq(zx_interrupt_create(0, 0, ZX_INTERRUPT_VIRTUAL, &irq),
	    ZX_OK);
	w[0] = (struct dw){ b, 0, 1 };
	w[1] = (struct dw){ f1, 1, 1 };
	w[2] = (struct dw){ irq, 2, 1 };
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, death_wait, &w[i]);
	usleep(100000);
	kill(d.pid, SIGKILL);
	waitpid(d.pid, &status, 0);
	d.pid = 0;
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].st, ZX_ERR_CANCELED, "wait %d: %s", i,
		    zx_status_get_string(w[i].st));
	}
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(f0);
	zx_handle_close(f1);
	zx_handle_close(irq);
	/* Its folder (zxdtest_stop would signal pid 0). */
	unlink(d.socket);
	unlink(d.log);
	unlink(d.conf);
	rmdir(d.dir);
}
