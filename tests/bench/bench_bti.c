/* make bench: pinning and the simulated DMA engine against floors
 * measured in the same run.
 *
 *  pin      zx_bti_pin + zx_pmt_unpin of 1 MiB (256 pages, an address per
 *           page) vs two bare SOCK_SEQPACKET round trips to another
 *           process (the two calls' messages, no work); for reference a
 *           ZX_BTI_CONTIGUOUS pin of a 1 MiB contiguous VMO (one address),
 *           and the pair against a second floor that also brings the new
 *           handle: a round trip whose reply carries a new socket's fd
 *           (closed after) plus a bare one
 *  dma      zxd_sim_dma_write / zxd_sim_dma_read of 1 MiB (direct: the
 *           daemon copies between the caller's buffer and the memory,
 *           process_vm_readv/writev) vs memcpy of 1 MiB; and of 4 KiB,
 *           8 KiB (in the packet, the largest that is) and 12 KiB
 *           (direct) vs a socket round trip that carries the bytes (sent
 *           and echoed); for reference the 1 MiB copy the kernel makes
 *           for a direct transfer alone (process_vm_readv/writev)
 *
 * Everything (this program, zxd, the floor's server) runs on one CPU, so
 * that a round trip costs the work done and not how soon another CPU
 * wakes up. Each figure is the median of several rounds; the ratio is
 * figure / floor (lower is better). */
#include "config-build.h"

#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/iommu.h>
#include <zxd/zxd.h>

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

#define ROUNDS	11
#define MIB	(1u << 20)

static zx_handle_t
make_bti(void)
{
	zx_iommu_desc_dummy_t desc = { 0 };
	zx_handle_t root, iommu, bti;

	if (zxd_get_root_resource(&root) != ZX_OK ||
	    zx_iommu_create(root, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof(desc),
	    &iommu) != ZX_OK || zx_bti_create(iommu, 0, 0, &bti) != ZX_OK)
		bench_die("making a BTI (run as root)");
	zx_handle_close(iommu);
	zx_handle_close(root);
	return bti;
}

/* --- pin + unpin --------------------------------------------------------- */

/* The floor's server: echo each packet; a one-byte packet 'f' is
 * answered with one end of a new socket pair instead (a new handle's
 * cost to make, pass and drop). */
#define ECHO_MAX	(16 * 1024)

static int echo_sock = -1;
static pid_t echo_pid;

static void
echo_server(int sock)
{
	static char buf[ECHO_MAX];
	ssize_t n;
	int sv[2];

	while ((n = recv(sock, buf, sizeof(buf), 0)) > 0) {
		if (n == 1 && buf[0] == 'f') {
			if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC,
			    0, sv) < 0)
				_exit(1);
			bench_send_fd(sock, sv[1]);
			close(sv[0]);
			close(sv[1]);
		} else if (send(sock, buf, (size_t)n, 0) != n) {
			_exit(1);
		}
	}
	_exit(0);
}

static void
echo_start(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		bench_die("socketpair");
	echo_pid = fork();
	if (echo_pid == 0) {
		close(sv[0]);
		echo_server(sv[1]);
	}
	close(sv[1]);
	echo_sock = sv[0];
}

static void
echo_stop(void)
{
	int st;

	close(echo_sock);
	waitpid(echo_pid, &st, 0);
}

/* One round trip carrying len bytes each way. */
static void
echo(char *buf, size_t len)
{
	if (send(echo_sock, buf, len, 0) != (ssize_t)len ||
	    recv(echo_sock, buf, len, 0) != (ssize_t)len)
		bench_die("echo");
}

/* A round trip bringing a new socket's fd, which is then closed. */
static void
echo_new_fd(void)
{
	int fd;

	if (send(echo_sock, "f", 1, 0) != 1 ||
	    (fd = bench_recv_fd(echo_sock)) < 0)
		bench_die("echo new fd");
	close(fd);
}

static void
bench_pin(zx_handle_t bti, int n)
{
	double t_floor[ROUNDS], t_pin[ROUNDS], t_contig[ROUNDS];
	double t_fd[ROUNDS];
	uint64_t page = zx_system_get_page_size();
	zx_paddr_t *addrs = calloc(MIB / page, sizeof(*addrs)), one;
	zx_handle_t vmo, contig, pmt;
	char buf[64] = { 0 };

	if (page != 4096)
		fprintf(stderr, "bench_bti: %lu-byte pages: 1 MiB is %lu "
		    "pages\n", (unsigned long)page,
		    (unsigned long)(MIB / page));
	if (zx_vmo_create(MIB, 0, &vmo) != ZX_OK ||
	    zx_vmo_create_contiguous(bti, MIB, 0, &contig) != ZX_OK)
		bench_die("zx_vmo_create");
	/* Commit the pages once, as a driver's buffer would be. */
	if (zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, 0, MIB, addrs, MIB / page,
	    &pmt) != ZX_OK || zx_pmt_unpin(pmt) != ZX_OK)
		bench_die("warm up");
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = bench_now_s();

		for (int i = 0; i < 2 * n; i++)
			echo(buf, sizeof(buf));
		t_floor[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++) {
			echo_new_fd();
			echo(buf, sizeof(buf));
		}
		t_fd[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++) {
			if (zx_bti_pin(bti, ZX_BTI_PERM_READ |
			    ZX_BTI_PERM_WRITE, vmo, 0, MIB, addrs, MIB / page,
			    &pmt) != ZX_OK)
				bench_die("zx_bti_pin");
			if (zx_pmt_unpin(pmt) != ZX_OK)
				bench_die("zx_pmt_unpin");
		}
		t_pin[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++) {
			if (zx_bti_pin(bti, ZX_BTI_PERM_READ |
			    ZX_BTI_CONTIGUOUS, contig, 0, MIB, &one, 1,
			    &pmt) != ZX_OK)
				bench_die("zx_bti_pin contiguous");
			if (zx_pmt_unpin(pmt) != ZX_OK)
				bench_die("zx_pmt_unpin");
		}
		t_contig[r] = (bench_now_s() - t0) / n;
	}
	printf("pin+unpin 1 MiB (%lu addresses) %8.2f us   floor (2 socket "
	    "round trips) %6.2f us   ratio %.2fx\n",
	    (unsigned long)(MIB / page), bench_median_of(t_pin, ROUNDS) * 1e6,
	    bench_median_of(t_floor, ROUNDS) * 1e6,
	    bench_median_of(t_pin, ROUNDS) / bench_median_of(t_floor, ROUNDS));
	printf("  (reference: contiguous 1 MiB, 1 address %8.2f us, ratio "
	    "%.2fx)\n", bench_median_of(t_contig, ROUNDS) * 1e6,
	    bench_median_of(t_contig, ROUNDS) / bench_median_of(t_floor, ROUNDS));
	printf("  (reference: floor with the new handle's fd (round trip "
	    "bringing a new socket + round trip) %6.2f us, pin+unpin ratio "
	    "%.2fx)\n", bench_median_of(t_fd, ROUNDS) * 1e6,
	    bench_median_of(t_pin, ROUNDS) / bench_median_of(t_fd, ROUNDS));
	zx_handle_close(contig);
	zx_handle_close(vmo);
	free(addrs);
}

/* --- DMA ----------------------------------------------------------------- */

/* Copy len bytes between buf and mem through the kernel, as a direct
 * transfer does (into mem: process_vm_readv). */
static bool
kernel_copy(char *mem, char *buf, size_t len, bool to_mem)
{
	struct iovec local = { mem, len }, remote = { buf, len };
	ssize_t n = to_mem ? process_vm_readv(getpid(), &local, 1, &remote,
	    1, 0) : process_vm_writev(getpid(), &local, 1, &remote, 1, 0);

	return n == (ssize_t)len;
}

static void
bench_dma(zx_handle_t bti, zx_paddr_t base, size_t len, int n,
    const char *how, bool by_socket)
{
	double t_floor[ROUNDS], t_w[ROUNDS], t_r[ROUNDS];
	double t_kw[ROUNDS], t_kr[ROUNDS];
	char *src = malloc(len), *dst = malloc(len), *mem = NULL;
	volatile char sink;
	int mfd = -1;

	memset(src, 0x5a, len);
	memset(dst, 0, len);
	if (!by_socket) {
		/* The kernel's copy alone, as the daemon makes it: between
		 * a process's buffer and a mapping of a memfd. */
		mfd = memfd_create("bench-dma", MFD_CLOEXEC);
		if (mfd < 0 || ftruncate(mfd, (off_t)len) < 0 ||
		    (mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_SHARED, mfd, 0)) == MAP_FAILED)
			bench_die("memfd");
		memset(mem, 0, len);
	}
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = bench_now_s();

		for (int i = 0; i < n; i++) {
			src[i % len] = (char)i;
			if (by_socket) {
				memcpy(dst, src, len);
				echo(dst, len);
			} else {
				memcpy(dst, src, len);
			}
			sink = dst[(size_t)i % len];
		}
		t_floor[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++)
			if (zxd_sim_dma_write(bti, base, src, len) != ZX_OK)
				bench_die("zxd_sim_dma_write");
		t_w[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++)
			if (zxd_sim_dma_read(bti, base, dst, len) != ZX_OK)
				bench_die("zxd_sim_dma_read");
		t_r[r] = (bench_now_s() - t0) / n;
		if (by_socket)
			continue;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++)
			if (!kernel_copy(mem, src, len, true))
				bench_die("process_vm_readv");
		t_kw[r] = (bench_now_s() - t0) / n;
		t0 = bench_now_s();
		for (int i = 0; i < n; i++)
			if (!kernel_copy(mem, dst, len, false))
				bench_die("process_vm_writev");
		t_kr[r] = (bench_now_s() - t0) / n;
	}
	(void)sink;
	if (memcmp(src, dst, len) != 0)
		bench_die("the bytes read back");
	printf("dma %-9s %7zu KiB  write %8.2f us  read %8.2f us   floor "
	    "(%s) %7.2f us   ratio %.2fx / %.2fx\n", how, len >> 10,
	    bench_median_of(t_w, ROUNDS) * 1e6, bench_median_of(t_r, ROUNDS) * 1e6,
	    by_socket ? "socket round trip" : "memcpy",
	    bench_median_of(t_floor, ROUNDS) * 1e6,
	    bench_median_of(t_w, ROUNDS) / bench_median_of(t_floor, ROUNDS),
	    bench_median_of(t_r, ROUNDS) / bench_median_of(t_floor, ROUNDS));
	if (!by_socket) {
		printf("  (reference: the kernel's copy alone, process_vm_readv "
		    "/ writev %7.2f / %7.2f us; dma ratio to it %.2fx / "
		    "%.2fx)\n", bench_median_of(t_kw, ROUNDS) * 1e6,
		    bench_median_of(t_kr, ROUNDS) * 1e6,
		    bench_median_of(t_w, ROUNDS) / bench_median_of(t_kw, ROUNDS),
		    bench_median_of(t_r, ROUNDS) / bench_median_of(t_kr, ROUNDS));
		munmap(mem, len);
		close(mfd);
	}
	free(src);
	free(dst);
}

int
main(void)
{
	struct zxdtest_daemon d;
	zx_handle_t bti, contig, pmt;
	zx_paddr_t base;
	cpu_set_t one;
	int r;

	/* Children (zxd, the floor's server) inherit it. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	if (zxdtest_start(&d, NULL) < 0)
		bench_die("starting zxd");
	bti = make_bti();
	echo_start();
	bench_pin(bti, 300);
	if (zx_vmo_create_contiguous(bti, 2 * MIB, 0, &contig) != ZX_OK ||
	    zx_bti_pin(bti, ZX_BTI_PERM_READ | ZX_BTI_PERM_WRITE |
	    ZX_BTI_CONTIGUOUS, contig, 0, 2 * MIB, &base, 1, &pmt) != ZX_OK)
		bench_die("pinning a DMA buffer");
	bench_dma(bti, base, 4 * 1024, 3000, "(packet)", true);
	bench_dma(bti, base, 8 * 1024, 3000, "(packet)", true);
	bench_dma(bti, base, 12 * 1024, 3000, "(direct)", true);
	bench_dma(bti, base, MIB, 300, "(direct)", false);
	echo_stop();
	zx_pmt_unpin(pmt);
	zx_handle_close(contig);
	zx_handle_close(bti);
	r = zxdtest_stop(&d);
	return r == 0 ? 0 : 1;
}
