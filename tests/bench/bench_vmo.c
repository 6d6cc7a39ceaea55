/* make bench: VMO costs against floors measured in the same run.
 *
 *  create   zx_vmo_create + zx_handle_close      vs memfd_create + ftruncate
 *           done by another process and passed back over a socket (one
 *           fd-passing round trip)
 *  rw       zx_vmo_write / zx_vmo_read, 4 KiB and 1 MiB, vs pwrite /
 *           pread on a memfd
 *  touch    first touch of every page of a fresh 64 MiB mapping made by
 *           zx_vmar_map, vs the same on a raw memfd mapping
 *
 * Everything (this program, zxd, the floor's server) runs on one CPU, so
 * that a round trip costs the work done and not how soon another CPU
 * wakes up. Each figure is the median of several rounds; the ratio is figure /
 * floor for costs (lower is better) and floor / figure for throughput
 * (higher is better, 1.0 = as fast as the floor). */
#include "config-build.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zircon/syscalls.h>

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

#define ROUNDS		11
#define TOUCH_SIZE	(64u << 20)

/* --- create ------------------------------------------------------------ */

static void
bench_create(int n)
{
	double t_floor[ROUNDS], t_zx[ROUNDS], t_ev[ROUNDS];
	int sv[2], st;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		bench_die("socketpair");
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		bench_memfd_server(sv[1]);
	}
	close(sv[1]);
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = bench_now_s();

		for (int i = 0; i < n; i++) {
			int fd;

			if (send(sv[0], "c", 1, 0) != 1)
				bench_die("send");
			fd = bench_recv_fd(sv[0]);
			if (fd < 0)
				bench_die("recv_fd");
			close(fd);
		}
		t_floor[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++) {
			zx_handle_t h;

			if (zx_vmo_create(4096, 0, &h) != ZX_OK)
				bench_die("zx_vmo_create");
			zx_handle_close(h);
		}
		t_zx[r] = (bench_now_s() - t0) / n;
		/* The same round trip for an object with no memory: what
		 * any handle costs (socket pair, fd passing, EOF). */
		t0 = bench_now_s();
		for (int i = 0; i < n; i++) {
			zx_handle_t h;

			if (zx_event_create(0, &h) != ZX_OK)
				bench_die("zx_event_create");
			zx_handle_close(h);
		}
		t_ev[r] = (bench_now_s() - t0) / n;
	}
	close(sv[0]);
	waitpid(pid, &st, 0);
	printf("create+close  %8.2f us   floor (memfd+ftruncate+fd round "
	    "trip) %8.2f us   ratio %.2fx\n", bench_median_of(t_zx, ROUNDS) * 1e6,
	    bench_median_of(t_floor, ROUNDS) * 1e6,
	    bench_median_of(t_zx, ROUNDS) / bench_median_of(t_floor, ROUNDS));
	printf("  (reference: zx_event_create+close %8.2f us, ratio %.2fx: "
	    "the handle itself)\n", bench_median_of(t_ev, ROUNDS) * 1e6,
	    bench_median_of(t_ev, ROUNDS) / bench_median_of(t_floor, ROUNDS));
}

/* --- read / write ------------------------------------------------------- */

static void
bench_rw(size_t len, int n)
{
	double tw[ROUNDS], tr[ROUNDS], fw[ROUNDS], fr[ROUNDS];
	char *buf = malloc(len);
	zx_handle_t h;
	int fd;

	memset(buf, 0x5a, len);
	fd = memfd_create("floor", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)len) < 0)
		bench_die("memfd");
	if (zx_vmo_create(len, 0, &h) != ZX_OK)
		bench_die("zx_vmo_create");
	/* Commit both and warm the descriptor cache. */
	if (pwrite(fd, buf, len, 0) != (ssize_t)len ||
	    zx_vmo_write(h, buf, 0, len) != ZX_OK)
		bench_die("warm up");
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = bench_now_s();

		for (int i = 0; i < n; i++)
			if (pwrite(fd, buf, len, 0) != (ssize_t)len)
				bench_die("pwrite");
		fw[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++)
			if (zx_vmo_write(h, buf, 0, len) != ZX_OK)
				bench_die("zx_vmo_write");
		tw[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++)
			if (pread(fd, buf, len, 0) != (ssize_t)len)
				bench_die("pread");
		fr[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++)
			if (zx_vmo_read(h, buf, 0, len) != ZX_OK)
				bench_die("zx_vmo_read");
		tr[r] = (bench_now_s() - t0) / n;
	}
	printf("write %7zu B %8.3f us   floor (pwrite) %8.3f us   "
	    "ratio %.2f of floor speed\n", len, bench_median_of(tw, ROUNDS) * 1e6,
	    bench_median_of(fw, ROUNDS) * 1e6, bench_median_of(fw, ROUNDS) / bench_median_of(tw, ROUNDS));
	printf("read  %7zu B %8.3f us   floor (pread)  %8.3f us   "
	    "ratio %.2f of floor speed\n", len, bench_median_of(tr, ROUNDS) * 1e6,
	    bench_median_of(fr, ROUNDS) * 1e6, bench_median_of(fr, ROUNDS) / bench_median_of(tr, ROUNDS));
	zx_handle_close(h);
	close(fd);
	free(buf);
}

/* --- first touch of a mapping ------------------------------------------ */

static double
touch(volatile char *p, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	double t0 = bench_now_s();

	for (size_t off = 0; off < len; off += (size_t)page)
		p[off] = 1;
	return bench_now_s() - t0;
}

static void
bench_touch(void)
{
	double tz[ROUNDS], tf[ROUNDS];
	zx_handle_t h;
	zx_vaddr_t a;
	void *p;
	int fd;

	for (int r = 0; r < ROUNDS; r++) {
		fd = memfd_create("floor", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, TOUCH_SIZE) < 0)
			bench_die("memfd");
		p = mmap(NULL, TOUCH_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
		if (p == MAP_FAILED)
			bench_die("mmap");
		tf[r] = touch(p, TOUCH_SIZE);
		munmap(p, TOUCH_SIZE);
		close(fd);

		if (zx_vmo_create(TOUCH_SIZE, 0, &h) != ZX_OK ||
		    zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
		    ZX_VM_PERM_WRITE, 0, h, 0, TOUCH_SIZE, &a) != ZX_OK)
			bench_die("zx_vmar_map");
		tz[r] = touch((volatile char *)a, TOUCH_SIZE);
		zx_vmar_unmap(zx_vmar_root_self(), a, TOUCH_SIZE);
		zx_handle_close(h);
	}
	printf("first touch 64 MiB %8.2f ms   floor (memfd mmap) %8.2f ms   "
	    "ratio %.2f of floor speed\n", bench_median_of(tz, ROUNDS) * 1e3,
	    bench_median_of(tf, ROUNDS) * 1e3, bench_median_of(tf, ROUNDS) / bench_median_of(tz, ROUNDS));
}

int
main(void)
{
	struct zxdtest_daemon d;
	cpu_set_t one;
	int r;

	/* Children (zxd, the floor's server) inherit it. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	if (zxdtest_start(&d, NULL) < 0)
		bench_die("starting zxd");
	bench_create(1000);
	bench_rw(4096, 20000);
	bench_rw(1 << 20, 300);
	bench_touch();
	r = zxdtest_stop(&d);
	return r == 0 ? 0 : 1;
}
