/*
 * BTIs shared between processes (zxd_handle_export/import): a client
 * that dies with live pins leaves them quarantined on the BTI, as
 * closing its PMTs would, and the other holders see it in ZX_INFO_BTI
 * and release it; nothing else is left behind. And the device's bytes
 * are the VMO's in every process's mappings. Each test starts its own
 * daemon to count what is left.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "proto/wire.h"
#include "tests/integration/bti_util.h"
#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

#define R	ZX_BTI_PERM_READ
#define W	ZX_BTI_PERM_WRITE
#define CHECK(e, code)	do { if (!(e)) _exit(code); } while (0)

static struct zxdtest_daemon d;

static void
own_daemon(void)
{
	cr_assert_eq(zxdtest_start(&d, NULL), 0);
}

static void
stop_daemon(void)
{
	cr_assert_eq(zxdtest_stop(&d), 0);
}

static struct zxdtest_stats
stats(void)
{
	struct zxdtest_stats s;

	cr_assert_eq(zxdtest_stats(d.socket, &s), 0);
	return s;
}

/* Wait for the daemon's counts to come back to `want`. */
static void
wait_counts(uint64_t clients, uint64_t handles, uint64_t objects)
{
	struct zxdtest_stats s;

	for (int i = 0; i < 500; i++) {
		s = stats();
		if (s.clients == clients && s.handles == handles &&
		    s.objects == objects)
			return;
		usleep(10000);
	}
	cr_assert_fail("clients %lu handles %lu objects %lu, want %lu %lu "
	    "%lu", (unsigned long)s.clients, (unsigned long)s.handles,
	    (unsigned long)s.objects, (unsigned long)clients,
	    (unsigned long)handles, (unsigned long)objects);
}

/* A token for a duplicate of h, for a child to import. */
static int
export_dup(zx_handle_t h)
{
	zx_handle_t d2 = dup_rights(h, ZX_RIGHT_SAME_RIGHTS);
	int token = -1;

	cr_assert_eq(zxd_handle_export(d2, &token), ZX_OK);
	return token;
}

/*
 * The child: import the BTI, pin two pages of a VMO of its own, and the
 * second page of the parent's VMO; report the device addresses; unpin nothing;
 * die by SIGKILL.
 */
static void
child_pins_and_dies(int bti_token, int vmo_token, int out)
{
	zx_handle_t bti, vmo, pvmo, p1, p2, p3;
	zx_paddr_t a[3];

	CHECK(zxd_handle_import(bti_token, &bti) == ZX_OK, 10);
	CHECK(zxd_handle_import(vmo_token, &pvmo) == ZX_OK, 11);
	CHECK(zx_vmo_create(2 * PAGE, 0, &vmo) == ZX_OK, 12);
	CHECK(zx_bti_pin(bti, R | W, vmo, 0, PAGE, &a[0], 1, &p1) == ZX_OK,
	    13);
	CHECK(zx_bti_pin(bti, R, vmo, PAGE, PAGE, &a[1], 1, &p2) == ZX_OK,
	    14);
	CHECK(zx_bti_pin(bti, W, pvmo, PAGE, PAGE, &a[2], 1, &p3) == ZX_OK,
	    15);
	CHECK(write(out, a, sizeof(a)) == sizeof(a), 16);
	raise(SIGKILL);
	_exit(17);
}

Test(client_death, quarantines_pins, .init = own_daemon, .fini = stop_daemon)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(2 * PAGE, 0), pmt;
	struct zxdtest_stats base;
	zx_paddr_t a[3], mine;
	uint8_t b = 0;
	int bt, vt, p[2];
	pid_t pid;

	/* Our own pin on the same BTI, live throughout. */
	pmt = pin(bti, R | W, vmo, 0, PAGE, &mine);
	base = stats();
	bt = export_dup(bti);
	vt = export_dup(vmo);
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		child_pins_and_dies(bt, vt, p[1]);
	}
	close(p[1]);
	close(bt);
	close(vt);
	cr_assert_eq(read(p[0], a, sizeof(a)), (ssize_t)sizeof(a));
	close(p[0]);
	cr_assert_eq(wait_child(pid), 128 + SIGKILL);
	/* Its three pins are quarantined, ours is live: every holder of
	 * the BTI sees it. */
	assert_counts(bti, 4, 3);
	/* Unmapped: the device can no longer reach them... */
	for (int i = 0; i < 3; i++) {
		cr_assert_neq(a[i], mine);
		cr_assert_eq(zxd_sim_dma_read(bti, a[i], &b, 1),
		    ZX_ERR_NOT_FOUND);
	}
	cr_assert_eq(zxd_sim_dma_write(bti, a[2], &b, 1), ZX_ERR_NOT_FOUND);
	/* ...but still pinned: our VMO is, and no new pin is allowed. */
	cr_assert_eq(zxd_sim_dma_write(bti, mine, "ok", 2), ZX_OK);
	{
		zx_handle_t p2;
		zx_paddr_t x;

		cr_assert_eq(zx_bti_pin(bti, R, vmo, 0, PAGE, &x, 1, &p2),
		    ZX_ERR_BAD_STATE);
	}
	cr_assert_eq(zx_bti_release_quarantine(bti), ZX_OK);
	assert_counts(bti, 1, 0);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	assert_counts(bti, 0, 0);
	/* Nothing of the child is left: not its client, handles, VMO, PMTs
	 * (our unpinned PMT is gone too). */
	wait_counts(base.clients, base.handles - 1, base.objects - 1);
	zx_handle_close(vmo);
	zx_handle_close(bti);
	/* And nothing of ours: the root resource stays, the rest goes. */
	wait_counts(base.clients, 0, 1);
}

/*
 * Everyone goes: a child holding the only BTI handle dies with pins. The
 * BTI's quarantine goes with it (Zircon would leak it), and so does
 * every object.
 */
Test(client_death, last_holder, .init = own_daemon, .fini = stop_daemon)
{
	zx_handle_t root = root_resource();
	struct zxdtest_stats base;
	int p[2];
	pid_t pid;
	char c;

	base = stats();
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t bti, vmo, pmt, c1;
		zx_paddr_t a;

		close(p[0]);
		bti = bti_new();
		CHECK(zx_vmo_create(4 * PAGE, 0, &vmo) == ZX_OK, 10);
		CHECK(zx_vmo_create_contiguous(bti, 4 * PAGE, 0, &c1) ==
		    ZX_OK, 11);
		CHECK(zx_bti_pin(bti, R, vmo, 0, PAGE, &a, 1, &pmt) == ZX_OK,
		    12);
		CHECK(zx_bti_pin(bti, R | ZX_BTI_CONTIGUOUS, c1, 0, 4 * PAGE,
		    &a, 1, &pmt) == ZX_OK, 13);
		CHECK(zx_bti_pin(bti, R, vmo, PAGE, PAGE, &a, 1, &pmt) ==
		    ZX_OK, 14);
		zx_handle_close(pmt);	/* one already quarantined */
		CHECK(write(p[1], "r", 1) == 1, 15);
		raise(SIGKILL);
		_exit(16);
	}
	close(p[1]);
	cr_assert_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	cr_assert_eq(wait_child(pid), 128 + SIGKILL);
	wait_counts(base.clients, base.handles, base.objects);
	zx_handle_close(root);
}

/* Child: map the VMO it was given, wait for the device's bytes, check
 * them there, then have the device write through its own BTI handle. */
static void
child_maps(int bti_token, int vmo_token, int in, int out, zx_paddr_t a)
{
	zx_handle_t bti, vmo;
	zx_vaddr_t map = 0;
	char c;

	CHECK(zxd_handle_import(bti_token, &bti) == ZX_OK, 10);
	CHECK(zxd_handle_import(vmo_token, &vmo) == ZX_OK, 11);
	CHECK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0,
	    2 * PAGE, &map) == ZX_OK, 12);
	CHECK(write(out, "m", 1) == 1, 13);
	CHECK(read(in, &c, 1) == 1, 14);
	CHECK(memcmp((char *)map + 100, "from the device", 15) == 0, 15);
	CHECK(zxd_sim_dma_write(bti, a + 200, "child's device", 14) == ZX_OK,
	    16);
	CHECK(write(out, "w", 1) == 1, 17);
	_exit(0);
}

Test(shared, device_bytes_in_every_mapping, .init = own_daemon,
    .fini = stop_daemon)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(2 * PAGE, 0), pmt;
	zx_paddr_t a[2];
	int bt, vt, to[2], from[2];
	char c, got[14];
	pid_t pid;

	pmt = pin(bti, R | W, vmo, 0, 2 * PAGE, a);
	bt = export_dup(bti);
	vt = export_dup(vmo);
	cr_assert(pipe(to) == 0 && pipe(from) == 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(to[1]);
		close(from[0]);
		child_maps(bt, vt, to[0], from[1], a[1]);
	}
	close(to[0]);
	close(from[1]);
	close(bt);
	close(vt);
	cr_assert_eq(read(from[0], &c, 1), 1);
	cr_assert_eq(zxd_sim_dma_write(bti, a[0] + 100, "from the device",
	    15), ZX_OK);
	cr_assert_eq(write(to[1], "g", 1), 1);
	cr_assert_eq(read(from[0], &c, 1), 1);
	cr_assert_eq(wait_child(pid), 0);
	cr_assert_eq(zx_vmo_read(vmo, got, PAGE + 200, sizeof(got)), ZX_OK);
	cr_assert_eq(memcmp(got, "child's device", sizeof(got)), 0);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	close(to[1]);
	close(from[0]);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/*
 * zx_pmt_unpin is sent, not waited for (doc/DATAPATH.md, "Unpin without
 * a round trip"): it returns ZX_OK with the daemon stopped, and once the
 * daemon runs, this process's next calls see the pages unpinned (the VMO
 * shrinks over them, the BTI counts nothing, the device reaches nothing).
 */
/* Whether the daemon is stopped (SIGSTOP): its state in /proc. */
static bool
daemon_stopped(void)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)d.pid);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] == 'T';
}

Test(posted_unpin, returns_with_the_daemon_stopped, .init = own_daemon,
    .fini = stop_daemon, .timeout = 30)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(2 * PAGE,
	    ZX_VMO_RESIZABLE), pmt;
	zx_paddr_t a;
	uint8_t b;

	pid_t watchdog;

	pmt = pin(bti, R | W, vmo, PAGE, PAGE, &a);
	cr_assert_eq(zx_vmo_set_size(vmo, PAGE), ZX_ERR_BAD_STATE);
	cr_assert_eq(kill(d.pid, SIGSTOP), 0);
	for (int i = 0; i < 500 && !daemon_stopped(); i++)
		usleep(1000);
	cr_assert(daemon_stopped());
	/* An unpin that waited would wait for this. */
	watchdog = fork();
	cr_assert_geq(watchdog, 0);
	if (watchdog == 0) {
		sleep(3);
		kill(d.pid, SIGCONT);
		_exit(0);
	}
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert(daemon_stopped(), "zx_pmt_unpin waited for the daemon");
	cr_assert_eq(kill(d.pid, SIGCONT), 0);
	kill(watchdog, SIGKILL);
	waitpid(watchdog, NULL, 0);
	cr_assert_eq(zx_vmo_set_size(vmo, PAGE), ZX_OK);
	assert_counts(bti, 0, 0);
	cr_assert_eq(zxd_sim_dma_read(bti, a, &b, 1), ZX_ERR_NOT_FOUND);
	/* The handle is gone, whatever the wait. */
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_ERR_BAD_HANDLE);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/*
 * Another process sees an unpin as soon as zx_pmt_unpin has returned:
 * told through a pipe (not through zxd), a child shrinks the VMO over the
 * page just unpinned and finds the BTI's counts at zero, round after
 * round (the daemon takes unpins already sent before those answers).
 */
#define UNPIN_ROUNDS 100

static void
child_shrinks(int bti_token, int vmo_token, int in, int out)
{
	zx_handle_t bti, vmo;
	zx_info_bti_t info;
	char c;

	CHECK(zxd_handle_import(bti_token, &bti) == ZX_OK, 10);
	CHECK(zxd_handle_import(vmo_token, &vmo) == ZX_OK, 11);
	for (int i = 0; i < UNPIN_ROUNDS; i++) {
		CHECK(read(in, &c, 1) == 1, 12);
		CHECK(zx_vmo_set_size(vmo, PAGE) == ZX_OK, 13);
		CHECK(zx_object_get_info(bti, ZX_INFO_BTI, &info,
		    sizeof(info), NULL, NULL) == ZX_OK, 14);
		CHECK(info.pmo_count == 0 && info.quarantine_count == 0, 15);
		CHECK(zx_vmo_set_size(vmo, 2 * PAGE) == ZX_OK, 16);
		CHECK(write(out, "s", 1) == 1, 17);
	}
	_exit(0);
}

Test(posted_unpin, seen_by_another_process, .init = own_daemon,
    .fini = stop_daemon)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(2 * PAGE,
	    ZX_VMO_RESIZABLE), pmt;
	int bt, vt, to[2], from[2];
	zx_paddr_t a;
	pid_t pid;
	char c;

	bt = export_dup(bti);
	vt = export_dup(vmo);
	cr_assert(pipe(to) == 0 && pipe(from) == 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(to[1]);
		close(from[0]);
		child_shrinks(bt, vt, to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	close(bt);
	close(vt);
	for (int i = 0; i < UNPIN_ROUNDS; i++) {
		pmt = pin(bti, R | W, vmo, PAGE, PAGE, &a);
		cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
		cr_assert_eq(write(to[1], "u", 1), 1);
		cr_assert_eq(read(from[0], &c, 1), 1, "round %d", i);
	}
	cr_assert_eq(wait_child(pid), 0);
	close(to[1]);
	close(from[0]);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/*
 * The answer about a VMO's pinned pages takes an unpin already sent
 * first even where the daemon reads the asking request before the unpin's
 * packet: a shrink queued on the VMO's own socket behind a long commit is
 * read in the very next turn after that commit, ahead of the PMT socket,
 * whose unpin arrived during the commit. The requests go raw on the VMO
 * handle's socket, so that libzx names no pending close in them.
 */
static Zxd__Reply *
raw_reply(int fd, struct wire_msg *m)
{
	ssize_t n;

	wire_msg_clear(m);
	do {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		cr_assert_eq(poll(&p, 1, 20000), 1, "no reply");
		n = wire_recv(fd, m);
	} while (n == -EAGAIN);
	cr_assert_gt(n, 0);
	return zxd__reply__unpack(NULL, (size_t)n, m->buf);
}

Test(posted_unpin, vmo_answer_takes_the_unpin_first, .init = own_daemon,
    .fini = stop_daemon, .timeout = 30)
{
	const uint64_t big = UINT64_C(128) << 20;
	zx_handle_t bti = bti_new(), vmo = vmo_new(big, ZX_VMO_RESIZABLE), pmt;
	Zxd__Request r1 = ZXD__REQUEST__INIT, r2 = ZXD__REQUEST__INIT;
	Zxd__VmoOpRange op = ZXD__VMO_OP_RANGE__INIT;
	Zxd__VmoSetSize ss = ZXD__VMO_SET_SIZE__INIT;
	struct wire_msg m = { .buf = malloc(WIRE_MAX_MSG) };
	int fd = (int)(vmo >> 2);
	Zxd__Reply *rep;
	zx_paddr_t a;

	pmt = pin(bti, R | W, vmo, PAGE, PAGE, &a);
	r1.txid = 1;
	op.op = ZX_VMO_OP_COMMIT;
	op.size = big;
	r1.body_case = ZXD__REQUEST__BODY_VMO_OP_RANGE;
	r1.vmo_op_range = &op;
	r2.txid = 2;
	ss.size = PAGE;
	r2.body_case = ZXD__REQUEST__BODY_VMO_SET_SIZE;
	r2.vmo_set_size = &ss;
	cr_assert_eq(wire_send(fd, &r1.base, NULL, 0), 0);
	usleep(2000);
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	cr_assert_eq(wire_send(fd, &r2.base, NULL, 0), 0);
	rep = raw_reply(fd, &m);
	cr_assert(rep != NULL && rep->txid == 1 && rep->status == ZX_OK);
	zxd__reply__free_unpacked(rep, NULL);
	rep = raw_reply(fd, &m);
	cr_assert(rep != NULL && rep->txid == 2);
	cr_assert_eq(rep->status, ZX_OK, "the shrink saw the page pinned");
	zxd__reply__free_unpacked(rep, NULL);
	wire_msg_clear(&m);
	free(m.buf);
	assert_counts(bti, 0, 0);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}

/*
 * An unpin sent just before the process exits still unpins: with the
 * daemon stopped, the child unpins and exits; the daemon then reads the
 * packet (with the dead sender's credentials) before the socket's EOF,
 * so nothing is quarantined.
 */
Test(posted_unpin, then_exit, .init = own_daemon, .fini = stop_daemon,
    .timeout = 30)
{
	zx_handle_t bti = bti_new();
	int bt = export_dup(bti), to[2], from[2], st;
	pid_t pid;
	char c;

	cr_assert(pipe(to) == 0 && pipe(from) == 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t b, vmo, pmt;
		zx_paddr_t a;

		CHECK(zxd_handle_import(bt, &b) == ZX_OK, 10);
		CHECK(zx_vmo_create(PAGE, 0, &vmo) == ZX_OK, 11);
		CHECK(zx_bti_pin(b, R, vmo, 0, PAGE, &a, 1, &pmt) == ZX_OK, 12);
		CHECK(write(from[1], "p", 1) == 1, 13);
		CHECK(read(to[0], &c, 1) == 1, 14);
		CHECK(zx_pmt_unpin(pmt) == ZX_OK, 15);
		_exit(0);
	}
	close(bt);
	cr_assert_eq(read(from[0], &c, 1), 1);
	assert_counts(bti, 1, 0);
	cr_assert_eq(kill(d.pid, SIGSTOP), 0);
	cr_assert_eq(write(to[1], "u", 1), 1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(kill(d.pid, SIGCONT), 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_counts(bti, 0, 0);
	close(to[0]);
	close(to[1]);
	close(from[0]);
	close(from[1]);
	zx_handle_close(bti);
}

/*
 * WIRE_UNPIN where it does not belong changes nothing it should not: sent
 * through a copy of a PMT's descriptor by another process it is dropped
 * (the pin stays, the owner's handle works); sent on an event's socket
 * it only closes the event, as a close packet would; the daemon serves
 * on.
 */
Test(posted_unpin, stray_packets, .init = own_daemon, .fini = stop_daemon,
    .timeout = 30)
{
	zx_handle_t bti = bti_new(), vmo = vmo_new(PAGE, 0), pmt, ev, dup2;
	uint8_t b = WIRE_UNPIN;
	zx_info_handle_count_t hc;
	int copy, st;
	zx_paddr_t a;
	pid_t pid;

	pmt = pin(bti, R, vmo, 0, PAGE, &a);
	copy = fcntl((int)(pmt >> 2), F_DUPFD_CLOEXEC, 0);
	cr_assert_geq(copy, 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(send(copy, &b, 1, MSG_NOSIGNAL) == 1 ? 0 : 1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(copy);
	assert_counts(bti, 1, 0);
	{
		uint8_t x;

		cr_assert_eq(zxd_sim_dma_read(bti, a, &x, 1), ZX_OK);
	}
	cr_assert_eq(zx_pmt_unpin(pmt), ZX_OK);
	assert_counts(bti, 0, 0);

	/* On an event's socket: the event's handle is closed, nothing
	 * more (a duplicate keeps the event, with one handle left). */
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup2),
	    ZX_OK);
	cr_assert_eq(send((int)(ev >> 2), &b, 1, MSG_NOSIGNAL), 1);
	for (int i = 0; i < 500; i++) {
		cr_assert_eq(zx_object_get_info(dup2, ZX_INFO_HANDLE_COUNT,
		    &hc, sizeof(hc), NULL, NULL), ZX_OK);
		if (hc.handle_count == 1)
			break;
		usleep(2000);
	}
	cr_assert_eq(hc.handle_count, 1);
	cr_assert_eq(zx_object_signal(dup2, 0, ZX_USER_SIGNAL_0), ZX_OK);
	zx_handle_close(dup2);
	zx_handle_close(vmo);
	zx_handle_close(bti);
}
