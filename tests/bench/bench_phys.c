/* make bench: physical VMOs against floors measured in the same run.
 *
 *  cycle    zx_vmo_create_physical + zx_vmar_map + touch + zx_vmar_unmap
 *           + zx_handle_close of one page of mmio0 (sim backend), vs
 *           what it cannot do without: another process opens a memfd
 *           region afresh and passes the fd back over a socket (one
 *           fd-passing round trip), then mmap + touch + munmap + close
 *  create   zx_vmo_create_physical + zx_handle_close alone
 *  map      zx_vmar_map + touch + zx_vmar_unmap of an existing physical
 *           VMO, vs the floor without its open (a dup passed back)
 *
 * Everything runs on one CPU (see bench_vmo.c). Each figure is the
 * median of several rounds; the ratio is figure / floor (lower is
 * better). */
#include "config-build.h"

#include <fcntl.h>
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
#include <zxd/zxd.h>

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

#define ROUNDS		11
#define MMIO0		UINT64_C(0xF0000000)
#define REGION_SIZE	(16u << 20)

/* The floor's server: a region memfd; per request, a new descriptor of
 * it ('o': opened afresh, as zxd does for read-only fds; 'd': a dup, as
 * it does for read-write ones), passed back. */
static void
region_server(int sock)
{
	char req, path[64];
	int region = memfd_create("floor-region", MFD_CLOEXEC);

	if (region < 0 || ftruncate(region, REGION_SIZE) < 0)
		_exit(1);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", region);
	while (recv(sock, &req, 1, 0) == 1) {
		int fd = req == 'o' ? open(path, O_RDWR | O_CLOEXEC) :
		    fcntl(region, F_DUPFD_CLOEXEC, 0);

		if (fd < 0)
			_exit(1);
		bench_send_fd(sock, fd);
		close(fd);
	}
	_exit(0);
}

static void
floor_once(int sock, char how, size_t page)
{
	volatile char *p;
	int fd;

	if (send(sock, &how, 1, 0) != 1)
		bench_die("send");
	fd = bench_recv_fd(sock);
	if (fd < 0)
		bench_die("recv_fd");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		bench_die("mmap");
	p[0] = 1;
	munmap((void *)p, page);
	close(fd);
}

static void
map_once(zx_handle_t vmo, size_t page)
{
	zx_vaddr_t a;

	if (zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
	    ZX_VM_PERM_WRITE, 0, vmo, 0, page, &a) != ZX_OK)
		bench_die("zx_vmar_map");
	((volatile char *)a)[0] = 1;
	if (zx_vmar_unmap(zx_vmar_root_self(), a, page) != ZX_OK)
		bench_die("zx_vmar_unmap");
}

static void
report(const char *what, double *t, const char *floor_what, double *f)
{
	double mt = bench_median_of(t, ROUNDS), mf = bench_median_of(f, ROUNDS);

	printf("%-8s %8.2f us   floor (%s) %8.2f us   ratio %.2fx\n", what,
	    mt * 1e6, floor_what, mf * 1e6, mt / mf);
}

static void
bench(zx_handle_t root, int n)
{
	double t_cycle[ROUNDS], t_create[ROUNDS], t_map[ROUNDS];
	double f_open[ROUNDS], f_dup[ROUNDS];
	size_t page = zx_system_get_page_size();
	zx_handle_t h, kept;
	int sv[2], st;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		bench_die("socketpair");
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		region_server(sv[1]);
	}
	close(sv[1]);
	if (zx_vmo_create_physical(root, MMIO0 + page, page, &kept) != ZX_OK)
		bench_die("zx_vmo_create_physical");
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = bench_now_s();

		for (int i = 0; i < n; i++)
			floor_once(sv[0], 'o', page);
		f_open[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++)
			floor_once(sv[0], 'd', page);
		f_dup[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++) {
			if (zx_vmo_create_physical(root, MMIO0, page, &h) !=
			    ZX_OK)
				bench_die("zx_vmo_create_physical");
			map_once(h, page);
			zx_handle_close(h);
		}
		t_cycle[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++) {
			if (zx_vmo_create_physical(root, MMIO0, page, &h) !=
			    ZX_OK)
				bench_die("zx_vmo_create_physical");
			zx_handle_close(h);
		}
		t_create[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++)
			map_once(kept, page);
		t_map[r] = (bench_now_s() - t0) / n;
	}
	close(sv[0]);
	waitpid(pid, &st, 0);
	zx_handle_close(kept);
	report("cycle", t_cycle, "open+fd round trip+mmap+touch+munmap+close",
	    f_open);
	report("create", t_create, "same", f_open);
	report("map", t_map, "dup+fd round trip+mmap+touch+munmap+close",
	    f_dup);
}

int
main(void)
{
	struct zxdtest_daemon d;
	zx_handle_t root;
	cpu_set_t one;
	int r;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	if (zxdtest_start(&d, NULL) < 0)
		bench_die("starting zxd");
	if (zxd_get_root_resource(&root) != ZX_OK)
		bench_die("zxd_get_root_resource (run as root)");
	printf("physical VMOs, one page of mmio0 (sim backend):\n");
	bench(root, 2000);
	zx_handle_close(root);
	r = zxdtest_stop(&d);
	return r == 0 ? 0 : 1;
}
