/* IOBuffers across processes, enforced by Linux: endpoint 1 goes to a
 * forked child through a channel and through export/import, and the two
 * exchange data through their mappings; a child's death counts as
 * unmapping what it mapped; and an unprivileged process holding an
 * endpoint that may only read a region cannot change its bytes by any
 * route. */
#include "config-build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proto/wire.h"
#include "objects/vmar.h"
#include "tests/integration/iob_util.h"
#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

#define RW	(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE)
#define CHECK(e, code)	do { if (!(e)) return (code); } while (0)
#define SECOND	1000000000LL
#define TAG_NONROOT	0x5eed5eed5eed5eedULL

/* The layout both sides agree on in region 0. */
struct mailbox {
	_Atomic uint32_t turn;		/* 1: parent wrote, 2: child wrote */
	char text[256];
};

/* Wait until mb->turn is `want` (10 s at most). */
static bool
turn_is(struct mailbox *mb, uint32_t want)
{
	for (int i = 0; i < 10000; i++) {
		if (atomic_load(&mb->turn) == want)
			return true;
		usleep(1000);
	}
	return false;
}

/* The child's side of a conversation over endpoint 1: map, read what
 * the parent wrote, answer, and signal the peer. */
static int
child_talk(zx_handle_t ep1)
{
	struct mailbox *mb;
	zx_vaddr_t a;
	zx_info_handle_basic_t b;

	CHECK(zx_object_get_info(ep1, ZX_INFO_HANDLE_BASIC, &b, sizeof(b),
	    NULL, NULL) == ZX_OK, 10);
	CHECK(b.type == ZX_OBJ_TYPE_IOB && b.rights == IOB_RIGHTS, 11);
	CHECK(zx_vmar_map_iob(zx_vmar_root_self(), RW, 0, ep1, 0, 0, PAGE,
	    &a) == ZX_OK, 12);
	mb = (struct mailbox *)a;
	CHECK(turn_is(mb, 1), 13);
	CHECK(strcmp(mb->text, "ping from the parent") == 0, 14);
	strcpy(mb->text, "pong from the child");
	atomic_store(&mb->turn, 2);
	/* Peering works across processes too. */
	CHECK(zx_object_signal_peer(ep1, 0, ZX_USER_SIGNAL_0) == ZX_OK, 15);
	CHECK(zx_vmar_unmap(zx_vmar_root_self(), a, PAGE) == ZX_OK, 16);
	CHECK(zx_handle_close(ep1) == ZX_OK, 17);
	return 0;
}

static void
parent_talk(zx_handle_t ep0, pid_t child)
{
	struct mailbox *mb;

	mb = (struct mailbox *)map_iob_ok(RW, ep0, 0, 0, PAGE);
	strcpy(mb->text, "ping from the parent");
	atomic_store(&mb->turn, 1);
	cr_assert(turn_is(mb, 2), "no answer");
	cr_assert_str_eq(mb->text, "pong from the child");
	cr_assert_eq(zx_object_wait_one(ep0, ZX_USER_SIGNAL_0,
	    zx_deadline_after(10 * SECOND), NULL), ZX_OK);
	cr_assert_eq(wait_child(child), 0);
	cr_assert(peer_closed_soon(ep0));
	unmap_ok((zx_vaddr_t)mb, PAGE);
}

static int
child_via_channel(int token)
{
	zx_handle_t ch, ep1;
	uint32_t nb, nh;
	char msg[8];

	CHECK(zxd_handle_import(token, &ch) == ZX_OK, 2);
	CHECK(zx_object_wait_one(ch, ZX_CHANNEL_READABLE,
	    zx_deadline_after(10 * SECOND), NULL) == ZX_OK, 3);
	CHECK(zx_channel_read(ch, 0, msg, &ep1, sizeof(msg), 1, &nb, &nh) ==
	    ZX_OK, 4);
	CHECK(nh == 1 && nb == 4 && memcmp(msg, "iob", 4) == 0, 5);
	zx_handle_close(ch);
	return child_talk(ep1);
}

Test(iob_procs, endpoint_through_a_channel)
{
	zx_handle_t ep0, ep1, c0, c1;
	int token;
	pid_t pid;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	cr_assert_eq(zx_channel_create(0, &c0, &c1), ZX_OK);
	cr_assert_eq(zxd_handle_export(c1, &token), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(child_via_channel(token));
	close(token);
	cr_assert_eq(zx_channel_write(c0, 0, "iob", 4, &ep1, 1), ZX_OK);
	parent_talk(ep0, pid);
	zx_handle_close(c0);
	zx_handle_close(ep0);
}

Test(iob_procs, endpoint_through_export)
{
	zx_handle_t ep0, ep1;
	int token;
	pid_t pid;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	cr_assert_eq(zxd_handle_export(ep1, &token), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t h;

		if (zxd_handle_import(token, &h) != ZX_OK)
			_exit(2);
		_exit(child_talk(h));
	}
	close(token);
	parent_talk(ep0, pid);
	zx_handle_close(ep0);
}

/* --- a process's death unmaps what it mapped ------------------------ */

/* Map through the endpoint, close every handle, say so, then wait to
 * be killed. */
static int
child_maps_then_waits(zx_handle_t ep, bool keep_handle, int go)
{
	struct mailbox *mb;
	zx_vaddr_t a;
	char c;

	CHECK(zx_vmar_map_iob(zx_vmar_root_self(), RW, 0, ep, 0, 0, PAGE,
	    &a) == ZX_OK, 3);
	if (!keep_handle)
		CHECK(zx_handle_close(ep) == ZX_OK, 4);
	mb = (struct mailbox *)a;
	strcpy(mb->text, "mapped");
	atomic_store(&mb->turn, 2);
	(void)!read(go, &c, 1);	/* until killed */
	return 0;
}

static void
death_unmaps(bool keep_handle)
{
	zx_handle_t ep0, ep1;
	struct mailbox *mb;
	int token, go[2], st;
	pid_t pid;

	iob_new(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE, &ep0, &ep1);
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(zxd_handle_export(ep0, &token), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t h;

		close(go[1]);
		if (zxd_handle_import(token, &h) != ZX_OK)
			_exit(2);
		_exit(child_maps_then_waits(h, keep_handle, go[0]));
	}
	close(token);
	close(go[0]);
	mb = (struct mailbox *)map_iob_ok(ZX_VM_PERM_READ, ep1, 0, 0, PAGE);
	cr_assert(turn_is(mb, 2));
	cr_assert_str_eq(mb->text, "mapped");
	/* Its handle is gone (or not), its mapping is not. */
	cr_assert(!peer_closed_after_a_while(ep1));
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(peer_closed_soon(ep1));
	close(go[1]);
	unmap_ok((zx_vaddr_t)mb, PAGE);
	zx_handle_close(ep1);
}

Test(iob_procs, death_unmaps_after_close)
{
	death_unmaps(false);
}

Test(iob_procs, death_closes_and_unmaps)
{
	death_unmaps(true);
}

/* --- Linux enforces read-only access -------------------------------- */

/* Exit codes of the unprivileged child: which attack got through (also
 * zxdtest_attack_fd's, 40 and up). */
enum {
	E_SETUP = 20, E_IMPORT, E_MAP, E_NOMAP_FD, E_NOMAP_STATUS, E_RAW,
	E_RAW_FDS, E_MAPPING, E_MAP_FILES, E_ZX_PROTECT, E_ZX_MAP_RW,
	E_CONTROL, E_FOUND,
};

static const char secret[] = "bytes only endpoint 0 may change";

/*
 * Ask the daemon for region `index`'s memory on the wire, as libzx does,
 * but keep the descriptor it hands out: *fds gets what the reply
 * carried. The address is a reservation of our own.
 */
static zx_status_t
raw_map(zx_handle_t ep, uint32_t index, uint32_t perms, int *fds,
    size_t *nfds)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmarMap mr = ZXD__VMAR_MAP__INIT;
	long page = sysconf(_SC_PAGESIZE);
	int vmar_fd = (int)(zx_vmar_root_self() >> 2), ep_fd = (int)(ep >> 2);
	struct wire_msg m = { 0 };
	Zxd__Reply *rep;
	zx_status_t st;
	void *res;

	res = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		return ZX_ERR_NO_MEMORY;
	mr.options = perms;
	mr.len = page;
	mr.addr = (uint64_t)(uintptr_t)res;
	mr.iob = true;
	mr.region_index = index;
	req.txid = 1;
	req.nfds = 1;
	req.body_case = ZXD__REQUEST__BODY_VMAR_MAP;
	req.vmar_map = &mr;
	if (wire_send(vmar_fd, &req.base, &ep_fd, 1) < 0)
		return ZX_ERR_IO;
	m.buf = malloc(WIRE_MAX_MSG);
	if (m.buf == NULL || wire_recv(vmar_fd, &m) <= 0) {
		free(m.buf);
		return ZX_ERR_IO;
	}
	rep = zxd__reply__unpack(NULL, m.len, m.buf);
	st = rep != NULL ? rep->status : ZX_ERR_IO;
	for (size_t i = 0; i < m.nfds; i++)
		fds[i] = m.fds[i];
	*nfds = m.nfds;
	if (rep != NULL)
		zxd__reply__free_unpacked(rep, NULL);
	free(m.buf);
	return st;
}

/* Every mapping of zxd memory outside [skip_lo, skip_hi) (the one it
 * may write) must refuse to become writable. Returns how many there
 * are, or -1 (mprotect got through), -2 (reopening got through). */
static int
attack_mappings(uint64_t skip_lo, uint64_t skip_hi)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512], path[96];
	int n = 0, fd;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;

		if (strstr(line, "/memfd:zxd-") == NULL ||
		    sscanf(line, "%lx-%lx", &lo, &hi) != 2 ||
		    (lo >= skip_lo && hi <= skip_hi))
			continue;
		n++;
		if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE) ==
		    0) {
			n = -1;
			break;
		}
		/* The mapping's file, reopened through /proc. */
		snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		    lo, hi);
		fd = open(path, O_RDWR);
		if (fd >= 0) {
			close(fd);
			n = -2;
			break;
		}
	}
	fclose(f);
	return n;
}

/* Runs as nobody, holding endpoint 1: region 0 read-only for it, region
 * 1 not mappable by it, region 2 writable by it (the control). */
static int
nobody_attacks(void *arg)
{
	long page = sysconf(_SC_PAGESIZE);
	int fds[WIRE_MAX_FDS], lib_fds[16], before, n, r;
	zx_handle_t ep1;
	zx_vaddr_t ro, rw;
	size_t nfds;
	uint64_t lo, hi;

	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	CHECK(zxd_handle_import(*(int *)arg, &ep1) == ZX_OK, E_IMPORT);
	/* libzx's own way: a read-only mapping, and the signal page a
	 * wait fetches. */
	CHECK(zx_vmar_map_iob(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, ep1,
	    0, 0, page, &ro) == ZX_OK, E_MAP);
	CHECK(memcmp((void *)ro, secret, sizeof(secret)) == 0, E_MAP);
	zx_object_wait_one(ep1, ZX_USER_SIGNAL_0, 0, NULL);
	CHECK(zx_vmar_map_iob(zx_vmar_root_self(), RW, 0, ep1, 0, 0, page,
	    &rw) == ZX_ERR_ACCESS_DENIED, E_ZX_MAP_RW);
	/* A region it may not map gives it nothing. */
	before = zxdtest_memfds(lib_fds, 16);
	CHECK(zx_vmar_map_iob(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, ep1,
	    1, 0, page, &rw) == ZX_ERR_ACCESS_DENIED, E_NOMAP_STATUS);
	CHECK(zxdtest_memfds(lib_fds, 16) == before, E_NOMAP_FD);
	/* The control: region 2 it may write. */
	CHECK(zx_vmar_map_iob(zx_vmar_root_self(), RW, 0, ep1, 2, 0, page,
	    &rw) == ZX_OK, E_CONTROL);
	strcpy((char *)rw, "written by nobody");

	/* Every descriptor of zxd memory libzx holds (it keeps none once
	 * mapped, but whatever is there). */
	n = zxdtest_memfds(lib_fds, 16);
	for (int i = 0; i < n; i++)
		if ((r = zxdtest_attack_fd(lib_fds[i])) != 0)
			return r;
	/* Every descriptor the daemon hands out for region 0: exactly one
	 * for a readable mapping, read-only. */
	CHECK(raw_map(ep1, 0, RW, fds, &nfds) == ZX_ERR_ACCESS_DENIED &&
	    nfds == 0, E_RAW);
	CHECK(raw_map(ep1, 0, ZX_VM_PERM_READ, fds, &nfds) == ZX_OK, E_RAW);
	CHECK(nfds == 1, E_RAW_FDS);
	CHECK((fcntl(fds[0], F_GETFL) & O_ACCMODE) == O_RDONLY, E_RAW_FDS);
	if ((r = zxdtest_attack_fd(fds[0])) != 0)
		return r;
	close(fds[0]);
	/* None at all for region 1: not even a mapping without
	 * permissions, since the region gives this endpoint no MAP. */
	CHECK(raw_map(ep1, 1, ZX_VM_PERM_READ, fds, &nfds) ==
	    ZX_ERR_ACCESS_DENIED && nfds == 0, E_RAW_FDS);
	CHECK(raw_map(ep1, 1, 0, fds, &nfds) == ZX_ERR_ACCESS_DENIED &&
	    nfds == 0, E_RAW_FDS);
	/* Every mapping of zxd memory but region 2's: region 0's and the
	 * signal page's at least. */
	lo = rw;
	hi = rw + page;
	r = attack_mappings(lo, hi);
	if (r == -2)
		return E_MAP_FILES;
	if (r < 0)
		return E_MAPPING;
	if (r < 2)
		return E_FOUND;
	CHECK(zx_vmar_protect(zx_vmar_root_self(), RW, ro, page) ==
	    ZX_ERR_ACCESS_DENIED, E_ZX_PROTECT);
	CHECK(memcmp((void *)ro, secret, sizeof(secret)) == 0, E_SETUP);
	return 0;
}

Test(iob_procs, read_only_region_as_nobody)
{
	zx_iob_region_t r[3] = {
		region(EP0_R | EP0_W | EP1_R, PAGE,
		    ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(EP0_R | EP0_W, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
		region(RW_BOTH, PAGE, ZX_IOB_DISCIPLINE_TYPE_NONE),
	};
	zx_handle_t ep0, ep1;
	char *m0, *m1, *m2;
	int token, st;

	cr_assert_eq(zx_iob_create(0, r, 3, &ep0, &ep1), ZX_OK);
	m0 = (char *)map_iob_ok(RW, ep0, 0, 0, PAGE);
	m1 = (char *)map_iob_ok(RW, ep0, 1, 0, PAGE);
	memcpy(m0, secret, sizeof(secret));
	memcpy(m1, secret, sizeof(secret));
	/* A forked child would inherit our writable mappings: none while
	 * it runs. */
	unmap_ok((zx_vaddr_t)m0, PAGE);
	unmap_ok((zx_vaddr_t)m1, PAGE);
	cr_assert_eq(zxd_handle_export(ep1, &token), ZX_OK);
	st = zxdtest_run_as_nobody(nobody_attacks, &token);
	close(token);
	if (st == 126)
		cr_skip_test("cannot drop to uid 65534 (not root)");
	cr_assert_eq(st, 0, "attack %d got through", st);
	m0 = (char *)map_iob_ok(ZX_VM_PERM_READ, ep0, 0, 0, PAGE);
	m1 = (char *)map_iob_ok(ZX_VM_PERM_READ, ep0, 1, 0, PAGE);
	m2 = (char *)map_iob_ok(ZX_VM_PERM_READ, ep0, 2, 0, PAGE);
	cr_assert_arr_eq(m0, secret, sizeof(secret));
	cr_assert_arr_eq(m1, secret, sizeof(secret));
	for (size_t i = sizeof(secret); i < PAGE; i++)
		cr_assert_eq(m0[i], 0);
	cr_assert_str_eq(m2, "written by nobody");
	/* Its death took its mappings (and its handle) with it. */
	cr_assert(peer_closed_soon(ep0));
	unmap_ok((zx_vaddr_t)m0, PAGE);
	unmap_ok((zx_vaddr_t)m1, PAGE);
	unmap_ok((zx_vaddr_t)m2, PAGE);
	zx_handle_close(ep0);
}

/* --- the mediated-write ring buffer across processes ---------------- */

#define WRITERS		3		/* processes */
#define THREADS		2		/* per process */
#define MSGS		300		/* per thread */

struct ring_msg {
	uint32_t writer;		/* process * THREADS + thread */
	uint32_t seq;
	char text[12];
};

struct ring_writer {
	zx_handle_t ep;
	uint32_t writer;
	int err;
};

static void *
ring_writer_thread(void *arg)
{
	struct ring_writer *w = arg;
	struct ring_msg m;
	/* Header and payload in two vectors, as a logger would. */
	zx_iovec_t v[2] = { { &m, 8 }, { m.text, sizeof(m.text) } };

	for (uint32_t i = 0; i < MSGS; i++) {
		zx_status_t st;

		m.writer = w->writer;
		m.seq = i;
		snprintf(m.text, sizeof(m.text), "w%u-%u", w->writer, i);
		while ((st = zx_iob_writev(w->ep, 0, 0, v, 2)) ==
		    ZX_ERR_NO_SPACE)
			usleep(200);
		if (st != ZX_OK) {
			w->err = st;
			break;
		}
	}
	return NULL;
}

/* A writer process: its endpoint 0 arrives by export/import; THREADS
 * threads append at once. */
static int
ring_writer_child(int token, uint32_t index)
{
	struct ring_writer w[THREADS];
	pthread_t t[THREADS];
	zx_handle_t ep;

	CHECK(zxd_handle_import(token, &ep) == ZX_OK, 2);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct ring_writer){ ep, index * THREADS + i, 0 };
		CHECK(pthread_create(&t[i], NULL, ring_writer_thread, &w[i]) ==
		    0, 3);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		CHECK(w[i].err == 0, 4);
	}
	zx_handle_close(ep);
	return 0;
}

/* Many writers in many processes and threads, each through its own
 * IOBuffer (its own tag) over one shared region; one reader consumes
 * through its mapping. Every message arrives whole, once, and each
 * writer's in order. */
Test(iob_procs, ring_many_writer_processes)
{
	zx_handle_t sr, ep0[WRITERS], ep1[WRITERS];
	uint32_t next[WRITERS * THREADS] = { 0 };
	uint64_t tail = 0, total = 0;
	pid_t pid[WRITERS];
	struct ring_hdr *h;
	uint8_t *ring;
	zx_vaddr_t m;

	sr = shared_new(3 * PAGE);
	for (uint32_t i = 0; i < WRITERS; i++)
		ring_iob(sr, EP0_MW | EP1_R | EP1_W, 100 + i, &ep0[i], &ep1[i]);
	m = map_iob_ok(RW, ep1[0], 0, 0, 3 * PAGE);
	h = (struct ring_hdr *)m;
	ring = (uint8_t *)m + PAGE;
	/* This process writes first, so that each child must give zxd a
	 * memory file of its own rather than the one fork() copied. */
	cr_assert_eq(writev1(ep0[0], "parent", 6), ZX_OK);
	tail = (16 + 6 + 7) & ~7ULL;
	atomic_store(&h->tail, tail);
	for (uint32_t i = 0; i < WRITERS; i++) {
		int token;

		cr_assert_eq(zxd_handle_export(ep0[i], &token), ZX_OK);
		pid[i] = fork();
		cr_assert_geq(pid[i], 0);
		if (pid[i] == 0)
			_exit(ring_writer_child(token, i));
		close(token);
	}
	while (total < WRITERS * THREADS * MSGS) {
		uint64_t head = atomic_load_explicit(&h->head,
		    memory_order_acquire);

		if (head == tail) {
			zx_object_wait_one(sr, ZX_IOB_SHARED_REGION_UPDATED,
			    zx_deadline_after(SECOND / 50), NULL);
			continue;
		}
		while (tail < head) {
			uint64_t tag = *(uint64_t *)(ring + tail % (2 * PAGE));
			uint64_t len = *(uint64_t *)(ring +
			    (tail + 8) % (2 * PAGE));
			struct ring_msg msg;
			char want[12];

			cr_assert_eq(len, sizeof(msg));
			for (size_t i = 0; i < sizeof(msg); i++)
				((uint8_t *)&msg)[i] =
				    ring[(tail + 16 + i) % (2 * PAGE)];
			cr_assert_lt(msg.writer, WRITERS * THREADS);
			cr_assert_eq(tag, 100 + msg.writer / THREADS);
			cr_assert_eq(msg.seq, next[msg.writer], "writer %u",
			    msg.writer);
			snprintf(want, sizeof(want), "w%u-%u", msg.writer,
			    msg.seq);
			cr_assert_str_eq(msg.text, want);
			next[msg.writer]++;
			total++;
			tail += (16 + len + 7) & ~7ULL;
		}
		atomic_store_explicit(&h->tail, tail, memory_order_release);
	}
	for (uint32_t i = 0; i < WRITERS; i++)
		cr_assert_eq(wait_child(pid[i]), 0, "writer %u", i);
	cr_assert_eq(atomic_load(&h->head), tail);
	unmap_ok(m, 3 * PAGE);
	for (uint32_t i = 0; i < WRITERS; i++)
		zx_handle_close(ep1[i]);
	zx_handle_close(sr);
}

/* The ring as the parent wrote it, for the reader to check. */
static const char ring_text[] = "a message only the kernel may append";

/* Runs as nobody, holding endpoint 1 of a ring whose endpoint 1 may only
 * map it for reading: it reads the message, and every way to change the
 * ring (header or bytes) fails. */
static int
nobody_reads_ring(void *arg)
{
	long page = sysconf(_SC_PAGESIZE);
	int fds[WIRE_MAX_FDS], lib_fds[16], n, r;
	zx_handle_t ep1;
	zx_vaddr_t ro, rw;
	struct ring_hdr *h;
	size_t nfds;

	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	CHECK(zxd_handle_import(*(int *)arg, &ep1) == ZX_OK, E_IMPORT);
	CHECK(zx_vmar_map_iob(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, ep1,
	    0, 0, 2 * page, &ro) == ZX_OK, E_MAP);
	h = (struct ring_hdr *)ro;
	CHECK(atomic_load(&h->head) == ((16 + sizeof(ring_text) + 7) & ~7u) &&
	    atomic_load(&h->tail) == 0, E_SETUP);
	CHECK(memcmp((char *)ro + page + 16, ring_text, sizeof(ring_text)) ==
	    0, E_SETUP);
	zx_object_wait_one(ep1, ZX_USER_SIGNAL_0, 0, NULL);
	/* Not through libzx: no writable mapping, no mediated write. */
	CHECK(zx_vmar_map_iob(zx_vmar_root_self(), RW, 0, ep1, 0, 0,
	    2 * page, &rw) == ZX_ERR_ACCESS_DENIED, E_ZX_MAP_RW);
	CHECK(writev1(ep1, "forged", 6) == ZX_ERR_ACCESS_DENIED, E_CONTROL);
	CHECK(zx_vmar_protect(zx_vmar_root_self(), RW, ro, 2 * page) ==
	    ZX_ERR_ACCESS_DENIED, E_ZX_PROTECT);
	/* Not through what zxd hands out on the wire: one read-only
	 * descriptor, which cannot be turned writable. */
	CHECK(raw_map(ep1, 0, RW, fds, &nfds) == ZX_ERR_ACCESS_DENIED &&
	    nfds == 0, E_RAW);
	CHECK(raw_map(ep1, 0, ZX_VM_PERM_READ, fds, &nfds) == ZX_OK, E_RAW);
	CHECK(nfds == 1, E_RAW_FDS);
	CHECK((fcntl(fds[0], F_GETFL) & O_ACCMODE) == O_RDONLY, E_RAW_FDS);
	if ((r = zxdtest_attack_fd(fds[0])) != 0)
		return r;
	close(fds[0]);
	n = zxdtest_memfds(lib_fds, 16);
	for (int i = 0; i < n; i++)
		if ((r = zxdtest_attack_fd(lib_fds[i])) != 0)
			return r;
	/* Not through any mapping of zxd memory it has: the ring's and
	 * the signal page's at least. */
	r = attack_mappings(0, 0);
	if (r == -2)
		return E_MAP_FILES;
	if (r < 0)
		return E_MAPPING;
	if (r < 2)
		return E_FOUND;
	return 0;
}

Test(iob_procs, ring_reader_only_as_nobody)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1, w0, w1;
	struct ring_hdr *h;
	zx_vaddr_t m;
	int token, st;

	/* The reader's IOBuffer: endpoint 1 may only map for reading. A
	 * second IOBuffer over the same region has a writable view. */
	ring_iob(sr, EP0_MW | EP1_R, 7, &ep0, &ep1);
	ring_iob(sr, EP0_MW | EP1_R | EP1_W, 8, &w0, &w1);
	cr_assert_eq(writev1(ep0, ring_text, sizeof(ring_text)), ZX_OK);
	cr_assert_eq(zxd_handle_export(ep1, &token), ZX_OK);
	st = zxdtest_run_as_nobody(nobody_reads_ring, &token);
	close(token);
	if (st == 126)
		cr_skip_test("cannot drop to uid 65534 (not root)");
	cr_assert_eq(st, 0, "attack %d got through", st);
	m = map_iob_ok(ZX_VM_PERM_READ, w1, 0, 0, 2 * PAGE);
	h = (struct ring_hdr *)m;
	cr_assert_eq(atomic_load(&h->head),
	    (16 + sizeof(ring_text) + 7) & ~7u);
	cr_assert_eq(atomic_load(&h->tail), 0);
	cr_assert_eq(*(uint64_t *)(m + PAGE), 7);
	cr_assert_arr_eq((char *)m + PAGE + 16, ring_text, sizeof(ring_text));
	/* The ring still takes writes. */
	cr_assert_eq(writev1(w0, "after", 5), ZX_OK);
	cr_assert(peer_closed_soon(ep0));
	unmap_ok(m, 2 * PAGE);
	zx_handle_close(ep0);
	zx_handle_close(w0);
	zx_handle_close(w1);
	zx_handle_close(sr);
}

/* zx_iob_writev on the wire, with the descriptor we choose as the
 * caller's memory file (or none). */
static zx_status_t
raw_writev(zx_handle_t ep, const zx_iovec_t *v, uint64_t n, bool mem_fd,
    int fd)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__IobWritev w = ZXD__IOB_WRITEV__INIT;
	int ep_fd = (int)(ep >> 2);
	struct wire_msg m = { 0 };
	Zxd__Reply *rep;
	zx_status_t st;

	w.vectors = (uint64_t)(uintptr_t)v;
	w.num_vectors = n;
	w.mem_fd = mem_fd;
	req.txid = 7;
	req.nfds = fd >= 0 ? 1 : 0;
	req.body_case = ZXD__REQUEST__BODY_IOB_WRITEV;
	req.iob_writev = &w;
	if (wire_send(ep_fd, &req.base, fd >= 0 ? &fd : NULL,
	    fd >= 0 ? 1 : 0) < 0)
		return ZX_ERR_IO;
	m.buf = malloc(WIRE_MAX_MSG);
	if (m.buf == NULL || wire_recv(ep_fd, &m) <= 0) {
		free(m.buf);
		return ZX_ERR_IO;
	}
	rep = zxd__reply__unpack(NULL, m.len, m.buf);
	st = rep != NULL ? rep->status : ZX_ERR_IO;
	for (size_t i = 0; i < m.nfds; i++)
		close(m.fds[i]);
	if (rep != NULL)
		zxd__reply__free_unpacked(rep, NULL);
	free(m.buf);
	return st;
}

/* A fresh process (a new client) whose first zx_iob_writev requests are
 * forged: zxd reads only the sender's own /proc/PID/mem. */
static int
forged_memory_files(int token)
{
	char msg[] = "mine", path[64];
	zx_iovec_t v = { msg, sizeof(msg) };
	zx_handle_t ep;
	int fd;

	CHECK(zxd_handle_import(token, &ep) == ZX_OK, 2);
	/* No file at all, before zxd has one. */
	CHECK(raw_writev(ep, &v, 1, false, -1) == ZX_ERR_BAD_STATE, 3);
	CHECK(raw_writev(ep, &v, 1, true, -1) == ZX_ERR_INVALID_ARGS, 4);
	/* Files that are not this process's memory. */
	fd = memfd_create("not-mem", MFD_CLOEXEC);
	CHECK(fd >= 0 && write(fd, &v, sizeof(v)) == sizeof(v), 5);
	CHECK(raw_writev(ep, &v, 1, true, fd) == ZX_ERR_INVALID_ARGS, 6);
	close(fd);
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	CHECK(raw_writev(ep, &v, 1, true, fd) == ZX_ERR_INVALID_ARGS, 7);
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)getppid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, 8);
	CHECK(raw_writev(ep, &v, 1, true, fd) == ZX_ERR_INVALID_ARGS, 9);
	close(fd);
	/* Its own, and then libzx's way. */
	fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	CHECK(raw_writev(ep, &v, 1, true, fd) == ZX_OK, 10);
	close(fd);
	CHECK(raw_writev(ep, &v, 1, false, -1) == ZX_OK, 11);
	CHECK(writev1(ep, msg, sizeof(msg)) == ZX_OK, 12);
	zx_handle_close(ep);
	return 0;
}

Test(iob_procs, ring_memory_file_checked)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1;
	struct ring_hdr *h;
	zx_vaddr_t m;
	int token;
	pid_t pid;

	ring_iob(sr, EP0_MW | EP1_R, 9, &ep0, &ep1);
	m = map_iob_ok(ZX_VM_PERM_READ, ep1, 0, 0, 2 * PAGE);
	h = (struct ring_hdr *)m;
	cr_assert_eq(zxd_handle_export(ep0, &token), ZX_OK);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(forged_memory_files(token));
	close(token);
	cr_assert_eq(wait_child(pid), 0);
	/* Three messages, all the child's own bytes. */
	cr_assert_eq(atomic_load(&h->head), 3 * 24);
	for (int i = 0; i < 3; i++)
		cr_assert_str_eq((char *)m + PAGE + i * 24 + 16, "mine");
	unmap_ok(m, 2 * PAGE);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

/* A reader that may write the ring still cannot change its size under
 * zxd's own mapping of it (which would crash zxd on its next append):
 * the memory is sealed at its size. Punching a hole only zeroes. */
Test(iob_procs, ring_writable_fd_cannot_resize)
{
	zx_handle_t sr = shared_new(2 * PAGE), ep0, ep1;
	int fds[WIRE_MAX_FDS];
	size_t nfds;

	ring_iob(sr, EP0_MW | EP1_R | EP1_W, 5, &ep0, &ep1);
	cr_assert_eq(writev1(ep0, "before", 6), ZX_OK);
	cr_assert_eq(raw_map(ep1, 0, RW, fds, &nfds), ZX_OK);
	cr_assert_eq(nfds, 1);
	cr_assert_eq(fcntl(fds[0], F_GETFL) & O_ACCMODE, O_RDWR);
	cr_assert_neq(ftruncate(fds[0], 0), 0);
	cr_assert_neq(ftruncate(fds[0], (off_t)PAGE), 0);
	cr_assert_neq(ftruncate(fds[0], (off_t)(4 * PAGE)), 0);
	/* Zeroing it all is the reader's right; zxd reads a ring that is
	 * empty again. */
	fallocate(fds[0], FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
	    (off_t)(2 * PAGE));
	cr_assert_eq(writev1(ep0, "after", 5), ZX_OK);
	close(fds[0]);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}

/* --- a zxd that may not read its callers' memory directly ------------ */

static bool
accepts(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool ok;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

static pid_t nonroot_pid = -1;
static char nonroot_dir[] = "/tmp/zxd-nonroot.XXXXXX";
static char nonroot_sock[64];

/* Whatever the test's fate, the daemon it started goes. */
static void
stop_nonroot(void)
{
	if (nonroot_pid > 0) {
		kill(nonroot_pid, SIGTERM);
		waitpid(nonroot_pid, NULL, 0);
		nonroot_pid = -1;
	}
	unlink(nonroot_sock);
	rmdir(nonroot_dir);
}

/* zxd running as nobody serves this root process: Linux refuses it
 * process_vm_readv on us, so zx_iob_writev goes through our
 * /proc/self/mem instead, with the same results. */
Test(iob_procs, ring_daemon_not_root, .fini = stop_nonroot)
{
	const char *bin = getenv("ZXD_BIN");
	char *sock = nonroot_sock;
	uint8_t payload[40], got[56], *ring;
	zx_handle_t sr, ep0, ep1;
	struct ring_hdr *h;
	zx_iovec_t v[3];
	zx_vaddr_t m;
	pid_t pid;

	if (geteuid() != 0)
		cr_skip_test("needs root to start zxd as nobody");
	cr_assert_not_null(bin);
	cr_assert_not_null(mkdtemp(nonroot_dir));
	chmod(nonroot_dir, 0777);
	snprintf(sock, sizeof(nonroot_sock), "%s/zxd.sock", nonroot_dir);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(126);
		/* Set after the uid change, which clears it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		unsetenv("NOTIFY_SOCKET");
		unsetenv("LISTEN_FDS");
		execl(bin, "zxd", "--socket", sock, (char *)NULL);
		_exit(127);
	}
	nonroot_pid = pid;
	for (int i = 0; i < 500 && !accepts(sock); i++)
		usleep(10000);
	cr_assert(accepts(sock), "zxd as nobody did not start");
	setenv("ZXD_SOCKET", sock, 1);

	sr = shared_new(2 * PAGE);
	ring_iob(sr, EP0_MW | EP1_R | EP1_W, TAG_NONROOT, &ep0, &ep1);
	m = map_iob_ok(RW, ep1, 0, 0, 2 * PAGE);
	h = (struct ring_hdr *)m;
	ring = (uint8_t *)m + PAGE;
	cr_assert_eq(writev1(ep0, "through mem", 12), ZX_OK);
	cr_assert_eq(atomic_load(&h->head), 32);
	cr_assert_str_eq((char *)ring + 16, "through mem");
	/* Three vectors split across the end of the ring. */
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(3 * i + 1);
	v[0] = (zx_iovec_t){ payload, 5 };
	v[1] = (zx_iovec_t){ payload + 5, 20 };
	v[2] = (zx_iovec_t){ payload + 25, 15 };
	atomic_store(&h->head, PAGE - 24);
	atomic_store(&h->tail, PAGE - 24);
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, v, 3), ZX_OK);
	for (size_t i = 0; i < sizeof(got); i++)
		got[i] = ring[(PAGE - 24 + i) % PAGE];
	cr_assert_eq(((uint64_t *)got)[0], TAG_NONROOT);
	cr_assert_eq(((uint64_t *)got)[1], 40);
	cr_assert_arr_eq(got + 16, payload, 40);
	/* Faults are faults still. */
	v[1] = (zx_iovec_t){ (void *)8, 20 };
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, v, 3), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_iob_writev(ep0, 0, 0, (zx_iovec_t *)8, 1),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(atomic_load(&h->head), PAGE - 24 + 56);
	unmap_ok(m, 2 * PAGE);
	zx_handle_close(ep0);
	zx_handle_close(ep1);
	zx_handle_close(sr);
}
