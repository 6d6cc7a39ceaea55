/*
 * Spare sockets (doc/DATAPATH.md, "Spare sockets"): a handle closed by
 * libzx leaves its socket to carry the process's next new handle, and
 * nothing a Zircon program can see changes.
 *
 *  - a close keeps the socket (zxctl's count of spares), the next create
 *    takes it, and at most WIRE_SPARES_MAX are kept a process;
 *  - a close that others observe (an eventpair's used end) is over when
 *    zx_handle_close returns, spare or not; a count asked at once from
 *    another process sees it;
 *  - zx_pmt_unpin and zx_handle_replace leave their consumed handle's
 *    socket as a spare;
 *  - a close packet another process sends on a copy of a handle's
 *    descriptor closes nothing, and junk it sends there or on a copy of
 *    the control connection drops nothing; a packet on a spare drops only that
 *    spare; a daemon restart leaves spares that are never used again;
 *  - a forked child starts with none.
 * Each test runs its own zxd, so the counts are this process's alone.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

#include "proto/wire.h"
#include "tests/lib/zxdcheck.h"
#include "tests/lib/zxdtest.h"

static struct zxdtest_daemon D;

static void
start(void)
{
	cr_assert_eq(zxdtest_start(&D, NULL), 0);
}

static void
stop(void)
{
	zxdtest_stop(&D);
}

static struct zxdtest_stats
stats(void)
{
	struct zxdtest_stats s;

	cr_assert_eq(zxdtest_stats(D.socket, &s), 0);
	return s;
}

static int
fd_of(zx_handle_t h)
{
	return (int)(h >> 2);
}

static bool
fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

Test(spares, close_keeps_the_socket_and_create_takes_it, .init = start,
    .fini = stop)
{
	zx_handle_t a = new_event(), b;
	zx_koid_t ka = basic_of(a).koid;
	zx_info_handle_basic_t info;

	cr_assert_eq(stats().spares, 0);
	cr_assert_eq(zx_handle_close(a), ZX_OK);
	/* The object is gone at once; the socket stays. */
	cr_assert_eq(stats().objects, 0);
	cr_assert_eq(stats().handles, 0);
	cr_assert_eq(stats().spares, 1);
	cr_assert(fd_is_open(fd_of(a)), "libzx kept the socket");
	cr_assert_eq(zx_handle_check_valid(a), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_object_signal(a, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_BAD_HANDLE);

	/* The next create comes on it: same descriptor, a new object. */
	b = new_event();
	cr_assert_eq(stats().spares, 0);
	cr_assert_eq(fd_of(b), fd_of(a));
	info = basic_of(b);
	cr_assert_neq(info.koid, ka);
	cr_assert_eq(info.type, ZX_OBJ_TYPE_EVENT);
	cr_assert_eq(zx_object_signal(b, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
}

Test(spares, at_most_the_limit, .init = start, .fini = stop)
{
	enum { N = WIRE_SPARES_MAX + 8 };
	zx_handle_t h[N];
	int closed_for_real = 0;

	for (int i = 0; i < N; i++)
		h[i] = new_event();
	cr_assert_eq(zx_handle_close_many(h, N), ZX_OK);
	cr_assert_eq(stats().spares, WIRE_SPARES_MAX);
	cr_assert_eq(stats().handles, 0);
	for (int i = 0; i < N; i++)
		closed_for_real += !fd_is_open(fd_of(h[i]));
	cr_assert_eq(closed_for_real, N - WIRE_SPARES_MAX);
	/* And every new handle takes one until none is left. */
	for (int i = 0; i < N; i++)
		h[i] = new_event();
	cr_assert_eq(stats().spares, 0);
	cr_assert_eq(stats().handles, N);
	cr_assert_eq(zx_handle_close_many(h, N), ZX_OK);
}

/* Zircon: the close has taken effect when zx_handle_close returns. */
Test(spares, observed_close_is_done_on_return, .init = start, .fini = stop)
{
	for (int i = 0; i < 200; i++) {
		zx_handle_t a, b, d;
		zx_info_handle_count_t cnt;
		zx_signals_t seen = 0;

		cr_assert_eq(zx_eventpair_create(0, &a, &b), ZX_OK);
		/* Used: its close is a synchronous one. */
		cr_assert_eq(zx_object_signal(a, 0, ZX_USER_SIGNAL_0), ZX_OK);
		cr_assert_eq(zx_handle_duplicate(b, ZX_RIGHT_SAME_RIGHTS, &d),
		    ZX_OK);
		cr_assert_eq(zx_handle_close(a), ZX_OK);
		cr_assert_eq(zx_object_wait_one(b, ZX_EVENTPAIR_PEER_CLOSED, 0,
		    &seen), ZX_OK);
		cr_assert_eq(zx_handle_close(d), ZX_OK);
		cr_assert_eq(zx_object_get_info(b, ZX_INFO_HANDLE_COUNT, &cnt,
		    sizeof(cnt), NULL, NULL), ZX_OK);
		cr_assert_eq(cnt.handle_count, 1);
		cr_assert_eq(zx_handle_close(b), ZX_OK);
	}
	cr_assert_gt(stats().spares, 0);
}

/* Another process counts handles right after this one's close. */
Test(spares, close_seen_by_another_process_at_once, .init = start,
    .fini = stop)
{
	int go[2], done[2];
	zx_handle_t e = new_event(), d, tok_h;
	int token;
	pid_t pid;
	char c;

	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SAME_RIGHTS, &tok_h),
	    ZX_OK);
	cr_assert_eq(zxd_handle_export(tok_h, &token), ZX_OK);
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(done), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t mine;
		zx_info_handle_count_t cnt;
		int bad = 0;

		if (zxd_handle_import(token, &mine) != ZX_OK)
			_exit(2);
		for (int i = 0; i < 100; i++) {
			if (write(done[1], "r", 1) != 1 ||
			    read(go[0], &c, 1) != 1)
				_exit(3);
			if (zx_object_get_info(mine, ZX_INFO_HANDLE_COUNT, &cnt,
			    sizeof(cnt), NULL, NULL) != ZX_OK)
				_exit(4);
			/* e and mine: the duplicate just closed is gone. */
			bad += cnt.handle_count != 2;
		}
		_exit(bad ? 5 : 0);
	}
	close(token);
	for (int i = 0; i < 100; i++) {
		cr_assert_eq(read(done[0], &c, 1), 1);
		cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SAME_RIGHTS, &d),
		    ZX_OK);
		cr_assert_eq(zx_handle_close(d), ZX_OK);
		cr_assert_eq(write(go[1], "g", 1), 1);
	}
	cr_assert_eq(wait_child(pid), 0,
	    "the other process saw a stale count");
	zx_handle_close(e);
}

Test(spares, replace_leaves_a_spare, .init = start, .fini = stop)
{
	zx_handle_t a = new_event(), b;

	cr_assert_eq(zx_handle_replace(a, ZX_RIGHT_SIGNAL | ZX_RIGHT_WAIT,
	    &b), ZX_OK);
	cr_assert_eq(stats().spares, 1);
	cr_assert_eq(zx_handle_check_valid(a), ZX_ERR_NOT_FOUND);
	cr_assert_eq(basic_of(b).rights, ZX_RIGHT_SIGNAL | ZX_RIGHT_WAIT);
	/* A failed replace consumes the source too. */
	cr_assert_eq(zx_handle_replace(b, ZX_RIGHT_DUPLICATE, &a),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_handle_check_valid(b), ZX_ERR_NOT_FOUND);
	cr_assert_eq(stats().handles, 0);
	cr_assert_eq(stats().spares, 2);
}

/* Send one byte on fd from another process (a copy passed raw). */
static void
send_from_other_process(int fd, uint8_t byte)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* Whatever libzx did at fork, this raw dup is the
		 * parent's socket. */
		_exit(send(fd, &byte, 1, MSG_NOSIGNAL) == 1 ? 0 : 1);
	}
	cr_assert_eq(wait_child(pid), 0);
}

Test(spares, close_packet_from_another_process_closes_nothing,
    .init = start, .fini = stop)
{
	zx_handle_t e = new_event();
	int raw = dup(fd_of(e));

	cr_assert_geq(raw, 0);
	send_from_other_process(raw, WIRE_CLOSE);
	send_from_other_process(raw, WIRE_CLOSE_ACK);
	close(raw);
	/* Counts settle every close there is: none. */
	cr_assert_eq(stats().handles, 1);
	cr_assert_eq(stats().spares, 0);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_handle_close(e), ZX_OK);
}

/* Send `len` bytes of junk on fd from another process. */
static void
junk_from_other_process(int fd, size_t len)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		uint8_t junk[64];

		memset(junk, 0xff, sizeof(junk));
		_exit(send(fd, junk, len, MSG_NOSIGNAL) == (ssize_t)len ?
		    0 : 1);
	}
	cr_assert_eq(wait_child(pid), 0);
}

/* Whether fd is one of this process's connections to the daemon (the
 * control connection, the death monitor's): connected to the listening
 * socket, which the daemon bound as "PATH.<pid>" before renaming it. */
static bool
is_daemon_connection(int fd)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	size_t n = strlen(D.socket);

	return getpeername(fd, (struct sockaddr *)&a, &len) == 0 &&
	    a.sun_family == AF_UNIX && len > offsetof(struct sockaddr_un,
	    sun_path) + n && strncmp(a.sun_path, D.socket, n) == 0;
}

/* Junk another process sends through a copy of a handle's descriptor, or
 * of one of its connections to the daemon, is its own protocol error: the owner
 * keeps its handle and its connection. (The daemon used to drop the
 * connection the junk came on.) */
Test(spares, junk_from_another_process_drops_nothing, .init = start,
    .fini = stop)
{
	zx_handle_t e = new_event(), f;
	int raw = dup(fd_of(e)), conns = 0;

	cr_assert_geq(raw, 0);
	junk_from_other_process(raw, 8);
	junk_from_other_process(raw, 64);
	close(raw);
	/* The daemon has read the junk once a later request on the same
	 * socket is answered. */
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(stats().handles, 1);

	for (int fd = 3; fd < 1024; fd++) {
		if (!is_daemon_connection(fd))
			continue;
		raw = dup(fd);
		cr_assert_geq(raw, 0);
		junk_from_other_process(raw, 8);
		close(raw);
		conns++;
	}
	cr_assert_geq(conns, 1, "no connection to the daemon found");
	/* A create goes on the control connection (no spare is left). */
	cr_assert_eq(stats().spares, 0);
	cr_assert_eq(zx_event_create(0, &f), ZX_OK);
	cr_assert_eq(zx_object_signal(f, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_1), ZX_OK);
	cr_assert_eq(stats().handles, 2);
	cr_assert_eq(zx_handle_close(f), ZX_OK);
	cr_assert_eq(zx_handle_close(e), ZX_OK);
}

Test(spares, packet_on_a_spare_drops_only_it, .init = start, .fini = stop)
{
	zx_handle_t a = new_event(), b = new_event(), c;
	int fa = fd_of(a);
	uint8_t junk[3] = { 1, 2, 3 };

	cr_assert_eq(zx_handle_close(a), ZX_OK);
	cr_assert_eq(stats().spares, 1);
	cr_assert_eq(send(fa, junk, sizeof(junk), MSG_NOSIGNAL),
	    (ssize_t)sizeof(junk));
	/* The daemon drops that spare when it reads the packet, and only
	 * it. */
	for (int i = 0; i < 200 && stats().spares != 0; i++)
		usleep(10000);
	cr_assert_eq(stats().spares, 0);
	cr_assert_eq(zx_object_signal(b, 0, ZX_USER_SIGNAL_0), ZX_OK);
	c = new_event();
	cr_assert_eq(zx_object_signal(c, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_handle_close(c), ZX_OK);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	cr_assert_eq(stats().spares, 2);
}

/* Spares of a dead daemon are never offered to the new one's handles. */
Test(spares, daemon_restart, .init = start, .fini = stop)
{
	zx_handle_t h[4];

	for (int i = 0; i < 4; i++)
		h[i] = new_event();
	cr_assert_eq(zx_handle_close_many(h, 4), ZX_OK);
	kill(D.pid, SIGKILL);
	waitpid(D.pid, NULL, 0);
	cr_assert_eq(zxdtest_respawn(&D, NULL), 0);
	for (int round = 0; round < 3; round++) {
		zx_handle_t e;
		zx_status_t st;

		/* The first call may find the old connection dead. */
		do
			st = zx_event_create(0, &e);
		while (st == ZX_ERR_UNAVAILABLE || st == ZX_ERR_BAD_HANDLE);
		cr_assert_eq(st, ZX_OK, "%s", zx_status_get_string(st));
		cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
		cr_assert_eq(zx_handle_close(e), ZX_OK);
	}
	cr_assert_eq(stats().spares, 1);
}

Test(spares, forked_child_has_none, .init = start, .fini = stop)
{
	zx_handle_t a = new_event();
	int fa = fd_of(a);
	pid_t pid;

	cr_assert_eq(zx_handle_close(a), ZX_OK);
	cr_assert_eq(stats().spares, 1);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		zx_handle_t e;

		/* The parent's spare is not the child's: closed at fork. */
		if (fcntl(fa, F_GETFD) >= 0)
			_exit(3);
		if (zx_event_create(0, &e) != ZX_OK)
			_exit(2);
		if (zx_object_signal(e, 0, ZX_USER_SIGNAL_0) != ZX_OK)
			_exit(4);
		_exit(0);
	}
	cr_assert_eq(wait_child(pid), 0);
	/* The parent's spare is still there and still works. */
	a = new_event();
	cr_assert_eq(fd_of(a), fa);
	cr_assert_eq(zx_object_signal(a, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_handle_close(a), ZX_OK);
}

/* A moved handle leaves its socket as the writer's spare, and arrives on
 * one of the reader's: no socket is made or passed. */
Test(spares, channel_moves_handles_on_spares, .init = start, .fini = stop)
{
	zx_handle_t a, b, e, keep, got;
	uint32_t nb, nh;
	char buf[4];
	int fe;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	/* A first read makes b read from its delivery socket, where the
	 * daemon pushes the next messages. */
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &nb,
	    &nh), ZX_OK);
	e = new_event();
	fe = fd_of(e);
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "e", 1, &e, 1), ZX_OK);
	cr_assert_eq(zx_handle_check_valid(e), ZX_ERR_NOT_FOUND);
	cr_assert_eq(count_of(keep), 2);
	cr_assert_eq(zx_channel_read(b, 0, buf, &got, sizeof(buf), 1, &nb,
	    &nh), ZX_OK);
	cr_assert_eq(nh, 1);
	/* The writer's socket became its spare, and the push took it. */
	cr_assert_eq(fd_of(got), fe);
	cr_assert_eq(basic_of(got).koid, basic_of(keep).koid);
	cr_assert_eq(zx_object_signal(got, 0, ZX_USER_SIGNAL_1), ZX_OK);
	cr_assert(signals_of(keep) & ZX_USER_SIGNAL_1);
	cr_assert_eq(stats().spares, 0);
	zx_handle_close(got);
	cr_assert_eq(count_of(keep), 1);
	zx_handle_close_many((zx_handle_t[]){ a, b, keep }, 3);
}

static int child_go[2];

static int
child_reads_on_its_spare(int tok)
{
	zx_handle_t b, e, got;
	uint32_t nb, nh;
	char buf[4];
	int fe;

	if (zxd_handle_import(tok, &b) != ZX_OK)
		return 2;
	/* Read from the delivery socket from now on. */
	if (zx_object_wait_one(b, ZX_CHANNEL_READABLE,
	    zx_deadline_after(ZX_SEC(10)), NULL) != ZX_OK ||
	    zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &nb, &nh) !=
	    ZX_OK)
		return 3;
	/* A spare of the child's own. */
	if (zx_event_create(0, &e) != ZX_OK)
		return 4;
	fe = fd_of(e);
	zx_handle_close(e);
	if (write(child_go[1], "s", 1) != 1)
		return 5;
	if (zx_object_wait_one(b, ZX_CHANNEL_READABLE,
	    zx_deadline_after(ZX_SEC(10)), NULL) != ZX_OK)
		return 6;
	if (zx_channel_read(b, 0, buf, &got, sizeof(buf), 1, &nb, &nh) !=
	    ZX_OK || nh != 1)
		return 7;
	if (fd_of(got) != fe)
		return 8;
	if (zx_object_signal(got, 0, ZX_USER_SIGNAL_2) != ZX_OK)
		return 9;
	return 0;
}

Test(spares, handle_lands_on_the_readers_spare, .init = start,
    .fini = stop)
{
	zx_handle_t a, b, e, keep;
	pid_t pid;
	int tok;
	char c;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zxd_handle_export(b, &tok), ZX_OK);
	cr_assert_eq(pipe(child_go), 0);
	pid = fork_child(child_reads_on_its_spare, tok);
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, NULL, 0), ZX_OK);
	/* The child has its spare now. */
	cr_assert_eq(read(child_go[0], &c, 1), 1);
	e = new_event();
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "e", 1, &e, 1), ZX_OK);
	cr_assert_eq(wait_child(pid), 0);
	cr_assert(signals_of(keep) & ZX_USER_SIGNAL_2);
	/* The child is gone, and so is what it held. */
	for (int i = 0; i < 500 && count_of(keep) != 1; i++)
		usleep(10000);
	cr_assert_eq(count_of(keep), 1);
	zx_handle_close_many((zx_handle_t[]){ a, keep }, 2);
}

/* A message lost by the reader (MAY_DISCARD, its endpoint closed) loses
 * the handles on its spares too: nothing stays alive. */
Test(spares, lost_messages_close_handles_on_spares, .init = start,
    .fini = stop)
{
	zx_handle_t a, b, e, keep;
	uint32_t nb, nh;
	char buf[4];

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	e = new_event();
	cr_assert_eq(zx_handle_duplicate(e, ZX_RIGHT_SAME_RIGHTS, &keep),
	    ZX_OK);

	/* A first read makes the reader's endpoint read from its delivery
	 * socket, where the next messages are pushed. */
	cr_assert_eq(zx_channel_write(a, 0, "x", 1, NULL, 0), ZX_OK);
	cr_assert_eq(zx_channel_read(b, 0, buf, NULL, sizeof(buf), 0, &nb,
	    &nh), ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "e", 1, &e, 1), ZX_OK);
	cr_assert_eq(count_of(keep), 2);
	cr_assert_eq(zx_channel_read(b, ZX_CHANNEL_READ_MAY_DISCARD, NULL,
	    NULL, 0, 0, &nb, &nh), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(count_of(keep), 1);

	/* Pushed, never read, endpoint closed. */
	cr_assert_eq(zx_handle_duplicate(keep, ZX_RIGHT_SAME_RIGHTS, &e),
	    ZX_OK);
	cr_assert_eq(zx_channel_write(a, 0, "e", 1, &e, 1), ZX_OK);
	cr_assert_eq(count_of(keep), 2);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	cr_assert_eq(count_of(keep), 1);
	zx_handle_close_many((zx_handle_t[]){ a, keep }, 2);
}
