/*
 * Unit tests for daemon/wire.c: one protobuf-c message per SOCK_SEQPACKET
 * packet, its fds in the same sendmsg.
 *
 * Round trips with and without fds; every way a packet is malformed at
 * the framing level (too many fds, a truncated or foreign control
 * message, a packet over WIRE_MAX_MSG, a zero-length packet with fds)
 * gives -EPROTO and leaves no fd open in the receiver; bytes that are
 * not a message fail to unpack; EOF reads as 0.
 */
#include "config-build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "proto/envelope.h"
#include "proto/wire.h"

/* Open fds of this process. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;		/* the DIR's own fd */
}

static bool
fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0 || errno != EBADF;
}

static ino_t
ino_of(int fd)
{
	struct stat st;

	cr_assert_eq(fstat(fd, &st), 0);
	return st.st_ino;
}

struct pair {
	int tx, rx;
	struct wire_msg m;
};

static void
pair_open(struct pair *p, bool passcred)
{
	int sv[2], one = 1;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv),
	    0);
	p->tx = sv[0];
	p->rx = sv[1];
	if (passcred)
		cr_assert_eq(setsockopt(p->rx, SOL_SOCKET, SO_PASSCRED, &one,
		    sizeof(one)), 0);
	memset(&p->m, 0, sizeof(p->m));
	p->m.buf = malloc(WIRE_MAX_MSG);
	cr_assert_not_null(p->m.buf);
	for (size_t i = 0; i < WIRE_MAX_FDS; i++)
		p->m.fds[i] = -1;
}

static void
pair_close(struct pair *p)
{
	wire_msg_clear(&p->m);
	free(p->m.buf);
	if (p->tx >= 0)
		close(p->tx);
	close(p->rx);
}

/* A request with a GetInfo body. */
static void
get_info_req(Zxd__Request *req, Zxd__GetInfo *gi, uint64_t txid)
{
	zxd__request__init(req);
	zxd__get_info__init(gi);
	gi->topic = 2;
	gi->buffer_size = 32;
	req->txid = txid;
	req->body_case = ZXD__REQUEST__BODY_GET_INFO;
	req->get_info = gi;
}

/* Raw sendmsg of `len` bytes with `nfds` fds (bypassing wire_send's
 * caps). */
static ssize_t
raw_send(int sock, const void *buf, size_t len, const int *fds, size_t nfds)
{
	size_t space = CMSG_SPACE(sizeof(int) * nfds);
	char *ctl = calloc(1, space ? space : 1);
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	cr_assert_not_null(ctl);
	if (nfds > 0) {
		struct cmsghdr *c;

		mh.msg_control = ctl;
		mh.msg_controllen = space;
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	free(ctl);
	return n;
}

/* n fds to send: dups of one pipe end. */
static int *
make_fds(size_t n, int pipefd[2])
{
	int *fds = calloc(n, sizeof(int));

	cr_assert_not_null(fds);
	cr_assert_eq(pipe2(pipefd, O_CLOEXEC), 0);
	for (size_t i = 0; i < n; i++) {
		fds[i] = fcntl(pipefd[0], F_DUPFD_CLOEXEC, 0);
		cr_assert_geq(fds[i], 0);
	}
	return fds;
}

static void
free_fds(int *fds, size_t n, int pipefd[2])
{
	wire_close_fds(fds, n);
	free(fds);
	close(pipefd[0]);
	close(pipefd[1]);
}

Test(wire, round_trip_without_fds)
{
	struct pair p;
	Zxd__Request req, *got;
	Zxd__GetInfo gi;
	ssize_t n;

	pair_open(&p, false);
	get_info_req(&req, &gi, 77);
	cr_assert_eq(wire_send(p.tx, &req.base, NULL, 0), 0);
	n = wire_recv(p.rx, &p.m);
	cr_assert_eq((size_t)n, protobuf_c_message_get_packed_size(&req.base));
	cr_assert_eq(p.m.len, (size_t)n);
	cr_assert_eq(p.m.nfds, 0);
	cr_assert_not(p.m.has_creds, "no SO_PASSCRED, no credentials");
	got = zxd__request__unpack(NULL, p.m.len, p.m.buf);
	cr_assert_not_null(got);
	cr_assert_eq(got->txid, 77);
	cr_assert_eq(got->body_case, ZXD__REQUEST__BODY_GET_INFO);
	cr_assert_eq(got->get_info->topic, 2);
	cr_assert_eq(got->get_info->buffer_size, 32);
	zxd__request__free_unpacked(got, NULL);
	pair_close(&p);
}

Test(wire, credentials_with_passcred)
{
	struct pair p;
	Zxd__Request req;
	Zxd__GetInfo gi;

	pair_open(&p, true);
	get_info_req(&req, &gi, 1);
	cr_assert_eq(wire_send(p.tx, &req.base, NULL, 0), 0);
	cr_assert_gt(wire_recv(p.rx, &p.m), 0);
	cr_assert(p.m.has_creds);
	cr_assert_eq(p.m.creds.pid, getpid());
	cr_assert_eq(p.m.creds.uid, getuid());
	cr_assert_eq(p.m.creds.gid, getgid());
	pair_close(&p);
}

Test(wire, round_trip_with_fds)
{
	struct pair p;
	Zxd__Request req, *got;
	Zxd__GetInfo gi;
	int pfd[2], mfd, fds[3];
	int before;

	pair_open(&p, true);
	cr_assert_eq(pipe2(pfd, O_CLOEXEC), 0);
	mfd = memfd_create("wire-test", MFD_CLOEXEC);
	cr_assert_geq(mfd, 0);
	fds[0] = pfd[0];
	fds[1] = mfd;
	fds[2] = pfd[1];
	get_info_req(&req, &gi, 5);
	req.nfds = 3;
	cr_assert_eq(wire_send(p.tx, &req.base, fds, 3), 0);
	/* wire_send does not take the fds. */
	for (int i = 0; i < 3; i++)
		cr_assert(fd_is_open(fds[i]));
	before = count_fds();
	cr_assert_gt(wire_recv(p.rx, &p.m), 0);
	cr_assert_eq(p.m.nfds, 3);
	cr_assert_eq(count_fds(), before + 3);
	cr_assert(p.m.has_creds, "fds and credentials together");
	for (int i = 0; i < 3; i++) {
		cr_assert_neq(p.m.fds[i], fds[i]);
		cr_assert_eq(ino_of(p.m.fds[i]), ino_of(fds[i]),
		    "fd %d arrives in order", i);
		cr_assert(fcntl(p.m.fds[i], F_GETFD) & FD_CLOEXEC,
		    "received with MSG_CMSG_CLOEXEC");
	}
	got = zxd__request__unpack(NULL, p.m.len, p.m.buf);
	cr_assert_not_null(got);
	cr_assert_eq(got->nfds, 3);
	zxd__request__free_unpacked(got, NULL);

	/* A claimed fd (set to -1) survives wire_msg_clear; the rest are
	 * closed. */
	int kept = p.m.fds[1];

	p.m.fds[1] = -1;
	wire_msg_clear(&p.m);
	cr_assert_eq(p.m.nfds, 0);
	cr_assert_eq(count_fds(), before + 1);
	cr_assert(fd_is_open(kept));
	close(kept);
	close(pfd[0]);
	close(pfd[1]);
	close(mfd);
	pair_close(&p);
}

Test(wire, max_fds_and_big_message)
{
	struct pair p;
	Zxd__Request req, *got;
	Zxd__SetProperty sp = ZXD__SET_PROPERTY__INIT;
	size_t vlen = WIRE_MAX_MSG - 64;
	uint8_t *value = malloc(vlen);
	int pfd[2], *fds;
	ssize_t n;

	cr_assert_not_null(value);
	for (size_t i = 0; i < vlen; i++)
		value[i] = (uint8_t)(i * 7);
	pair_open(&p, false);
	fds = make_fds(WIRE_MAX_FDS, pfd);
	zxd__request__init(&req);
	sp.property = 3;
	sp.value.data = value;
	sp.value.len = vlen;
	req.body_case = ZXD__REQUEST__BODY_SET_PROPERTY;
	req.set_property = &sp;
	req.nfds = WIRE_MAX_FDS;
	cr_assert_leq(protobuf_c_message_get_packed_size(&req.base),
	    WIRE_MAX_MSG);
	/* Bigger than wire_send's stack buffer: the malloc path. */
	cr_assert_eq(wire_send(p.tx, &req.base, fds, WIRE_MAX_FDS), 0);
	n = wire_recv(p.rx, &p.m);
	cr_assert_gt(n, 0, "got %zd", n);
	cr_assert_eq(p.m.nfds, WIRE_MAX_FDS);
	got = zxd__request__unpack(NULL, p.m.len, p.m.buf);
	cr_assert_not_null(got);
	cr_assert_eq(got->set_property->value.len, vlen);
	cr_assert_eq(memcmp(got->set_property->value.data, value, vlen), 0);
	zxd__request__free_unpacked(got, NULL);
	free_fds(fds, WIRE_MAX_FDS, pfd);
	free(value);
	pair_close(&p);
}

Test(wire, send_refuses_over_caps)
{
	struct pair p;
	Zxd__Request req;
	Zxd__SetProperty sp = ZXD__SET_PROPERTY__INIT;
	Zxd__GetInfo gi;
	uint8_t *value = calloc(1, WIRE_MAX_MSG);
	int pfd[2], *fds;

	cr_assert_not_null(value);
	pair_open(&p, false);
	fds = make_fds(WIRE_MAX_FDS + 1, pfd);
	get_info_req(&req, &gi, 1);
	cr_assert_eq(wire_send(p.tx, &req.base, fds, WIRE_MAX_FDS + 1),
	    -EMSGSIZE);
	zxd__request__init(&req);
	sp.value.data = value;
	sp.value.len = WIRE_MAX_MSG;
	req.body_case = ZXD__REQUEST__BODY_SET_PROPERTY;
	req.set_property = &sp;
	cr_assert_eq(wire_send(p.tx, &req.base, NULL, 0), -EMSGSIZE);
	/* Nothing went out. */
	cr_assert_eq(fcntl(p.rx, F_SETFL, O_NONBLOCK), 0);
	cr_assert_eq(wire_recv(p.rx, &p.m), -EAGAIN);
	free_fds(fds, WIRE_MAX_FDS + 1, pfd);
	free(value);
	pair_close(&p);
}

Test(wire, send_take_closes_fds_sent_or_not)
{
	struct pair p;
	Zxd__Request req;
	Zxd__GetInfo gi;
	int pfd[2], pfd2[2], *fds, copy[2];

	pair_open(&p, false);
	fds = make_fds(2, pfd);
	memcpy(copy, fds, sizeof(copy));
	get_info_req(&req, &gi, 1);
	cr_assert_eq(wire_send_take(p.tx, &req.base, fds, 2), 0);
	cr_assert_eq(fds[0], -1);
	cr_assert_eq(fds[1], -1);
	cr_assert_not(fd_is_open(copy[0]));
	cr_assert_not(fd_is_open(copy[1]));
	cr_assert_gt(wire_recv(p.rx, &p.m), 0);
	cr_assert_eq(p.m.nfds, 2);
	wire_msg_clear(&p.m);

	/* A failed send (peer gone) closes them too. */
	free(fds);
	fds = make_fds(2, pfd2);
	memcpy(copy, fds, sizeof(copy));
	close(p.rx);
	p.rx = -1;
	cr_assert_eq(wire_send_take(p.tx, &req.base, fds, 2), -EPIPE);
	cr_assert_not(fd_is_open(copy[0]));
	cr_assert_not(fd_is_open(copy[1]));
	free(fds);
	close(pfd[0]);
	close(pfd[1]);
	close(pfd2[0]);
	close(pfd2[1]);
	close(p.tx);
	free(p.m.buf);
}

Test(wire, close_fds_skips_negative)
{
	int fds[3] = { -1, -1, -1 };
	int before = count_fds();

	fds[1] = dup(0);
	cr_assert_geq(fds[1], 0);
	wire_close_fds(fds, 3);
	cr_assert_eq(fds[0], -1);
	cr_assert_eq(fds[1], -1);
	cr_assert_eq(fds[2], -1);
	cr_assert_eq(count_fds(), before);
}

Test(wire, garbage_fails_to_unpack)
{
	/* Each passes the framing but is no Request: wire type 7 does not
	 * exist, a varint that never ends, a length past the end, a
	 * sub-message whose own field is broken. */
	static const uint8_t bad[][6] = {
		{ 0x0f, 0x01, 0x02 },
		{ 0x08, 0x80, 0x80, 0x80 },
		{ 0x52, 0x10, 0x00 },
		{ 0xb2, 0x01, 0x02, 0x08, 0xff },
	};
	static const size_t len[] = { 3, 4, 3, 5 };
	struct pair p;

	pair_open(&p, true);
	for (size_t i = 0; i < sizeof(len) / sizeof(len[0]); i++) {
		Zxd__Request *r;

		cr_assert_eq(raw_send(p.tx, bad[i], len[i], NULL, 0),
		    (ssize_t)len[i]);
		cr_assert_eq(wire_recv(p.rx, &p.m), (ssize_t)len[i],
		    "framing is fine for packet %zu", i);
		r = zxd__request__unpack(NULL, p.m.len, p.m.buf);
		cr_assert_null(r, "packet %zu unpacked", i);
		/* Nor as a Reply. */
		cr_assert_null(zxd__reply__unpack(NULL, p.m.len, p.m.buf));
	}
	pair_close(&p);
}

/* One fd beyond the cap, still inside the receive buffer: the extra is
 * closed and the packet refused. */
Test(wire, too_many_fds_eproto)
{
	struct pair p;
	int pfd[2], *fds, before;
	const size_t n = WIRE_MAX_FDS + 1;

	pair_open(&p, true);
	fds = make_fds(n, pfd);
	cr_assert_eq(raw_send(p.tx, "x", 1, fds, n), 1);
	before = count_fds();
	cr_assert_eq(wire_recv(p.rx, &p.m), -EPROTO);
	cr_assert_eq(p.m.nfds, 0);
	cr_assert_eq(count_fds(), before, "received fds leaked");
	free_fds(fds, n, pfd);
	pair_close(&p);
}

/* Far more fds than the control buffer holds: MSG_CTRUNC. */
Test(wire, truncated_control_eproto)
{
	struct pair p;
	int pfd[2], *fds, before;
	const size_t n = 200;

	pair_open(&p, true);
	fds = make_fds(n, pfd);
	cr_assert_eq(raw_send(p.tx, "x", 1, fds, n), 1);
	/* The fds in flight belong to no process; count after sending. */
	before = count_fds();
	cr_assert_eq(wire_recv(p.rx, &p.m), -EPROTO);
	cr_assert_eq(p.m.nfds, 0);
	cr_assert_eq(count_fds(), before, "received fds leaked");
	/* The connection is still usable (the caller decides to drop it). */
	cr_assert_eq(raw_send(p.tx, "y", 1, NULL, 0), 1);
	cr_assert_eq(wire_recv(p.rx, &p.m), 1);
	free_fds(fds, n, pfd);
	pair_close(&p);
}

/* A control message wire_recv does not expect (a timestamp) next to
 * fds. */
Test(wire, foreign_cmsg_eproto)
{
	struct pair p;
	int pfd[2], *fds, before, one = 1;

	pair_open(&p, false);
	cr_assert_eq(setsockopt(p.rx, SOL_SOCKET, SO_TIMESTAMP, &one,
	    sizeof(one)), 0);
	fds = make_fds(2, pfd);
	cr_assert_eq(raw_send(p.tx, "x", 1, fds, 2), 1);
	before = count_fds();
	cr_assert_eq(wire_recv(p.rx, &p.m), -EPROTO);
	cr_assert_eq(p.m.nfds, 0);
	cr_assert_eq(count_fds(), before, "received fds leaked");
	free_fds(fds, 2, pfd);
	pair_close(&p);
}

/* A packet over WIRE_MAX_MSG: MSG_TRUNC, and its fds are closed. */
Test(wire, oversized_packet_eproto)
{
	struct pair p;
	size_t big = WIRE_MAX_MSG + 1;
	uint8_t *buf = calloc(1, big);
	int pfd[2], *fds, before, sz = 4 * WIRE_MAX_MSG;

	cr_assert_not_null(buf);
	pair_open(&p, true);
	setsockopt(p.tx, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	fds = make_fds(3, pfd);
	cr_assert_eq(raw_send(p.tx, buf, big, fds, 3), (ssize_t)big);
	before = count_fds();
	cr_assert_eq(wire_recv(p.rx, &p.m), -EPROTO);
	cr_assert_eq(p.m.nfds, 0);
	cr_assert_eq(count_fds(), before, "received fds leaked");
	/* Exactly WIRE_MAX_MSG is fine. */
	cr_assert_eq(raw_send(p.tx, buf, WIRE_MAX_MSG, NULL, 0),
	    WIRE_MAX_MSG);
	cr_assert_eq(wire_recv(p.rx, &p.m), WIRE_MAX_MSG);
	free_fds(fds, 3, pfd);
	free(buf);
	pair_close(&p);
}

/* A zero-length packet cannot be told from EOF by its length; with fds
 * it is a protocol error, not EOF, and the fds are closed. */
Test(wire, empty_packet_with_fds_eproto)
{
	struct pair p;
	int pfd[2], *fds, before;

	pair_open(&p, true);
	fds = make_fds(2, pfd);
	cr_assert_eq(raw_send(p.tx, "", 0, fds, 2), 0);
	before = count_fds();
	cr_assert_eq(wire_recv(p.rx, &p.m), -EPROTO);
	cr_assert_eq(count_fds(), before, "received fds leaked");
	free_fds(fds, 2, pfd);
	pair_close(&p);
}

Test(wire, eof_and_eagain)
{
	struct pair p;
	int fl;

	pair_open(&p, true);
	fl = fcntl(p.rx, F_GETFL);
	cr_assert_eq(fcntl(p.rx, F_SETFL, fl | O_NONBLOCK), 0);
	cr_assert_eq(wire_recv(p.rx, &p.m), -EAGAIN);
	close(p.tx);
	p.tx = -1;
	cr_assert_eq(wire_recv(p.rx, &p.m), 0);
	cr_assert_eq(wire_recv(p.rx, &p.m), 0, "EOF stays EOF");
	pair_close(&p);
}

/* recvmsg's own errors come back as -errno. */
Test(wire, recv_error)
{
	struct wire_msg m = { .buf = malloc(WIRE_MAX_MSG) };
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	cr_assert_eq(wire_recv(fd, &m), -ENOTSOCK);
	close(fd);
	cr_assert_eq(wire_recv(fd, &m), -EBADF);
	free(m.buf);
}

/* --- proto/envelope.c: the same bytes as protobuf-c, both ways ---------- */

static void
same_as_protobuf_c(const ProtobufCMessage *m)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *a = malloc(n + 1), *b = malloc(n + 1);
	ProtobufCMessage *u;
	uint8_t *c;

	cr_assert_eq(envelope_packed_size(m), n);
	cr_assert_eq(protobuf_c_message_pack(m, a), n);
	cr_assert_eq(envelope_pack(m, b), n);
	cr_assert_arr_eq(a, b, n);
	/* Unpacked by envelope_unpack, packed again by protobuf-c. */
	u = envelope_unpack(m->descriptor, n, a);
	cr_assert_not_null(u);
	c = malloc(n + 1);
	cr_assert_eq(protobuf_c_message_get_packed_size(u), n);
	protobuf_c_message_pack(u, c);
	cr_assert_arr_eq(a, c, n);
	envelope_free(u);
	free(a);
	free(b);
	free(c);
}

/* A plain field of a shape envelope.c does not handle (a fixed64, a
 * string) would send every request and reply through protobuf-c's walk
 * of a hundred oneof members. */
Test(envelope, request_and_reply_take_the_fast_path)
{
	cr_assert(envelope_fast(&zxd__request__descriptor));
	cr_assert(envelope_fast(&zxd__reply__descriptor));
}

Test(envelope, same_bytes_as_protobuf_c)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelWrite w = ZXD__CHANNEL_WRITE__INIT;
	int32_t slots[3] = { 0, -1, 2 };
	Zxd__Reply rep = ZXD__REPLY__INIT;
	Zxd__HandleDesc d[3], *dp[3];
	Zxd__GetInfoReply gi = ZXD__GET_INFO_REPLY__INIT;
	uint8_t data[300];

	same_as_protobuf_c(&req.base);
	req.txid = 0x123456789abcull;
	req.nfds = 2;
	req.absent = true;
	same_as_protobuf_c(&req.base);
	/* A repeated uint64 (Request.closed), packed. */
	{
		uint64_t ids[3] = { 1, 300, 0x123456789ull };

		req.closed = ids;
		req.n_closed = 3;
		same_as_protobuf_c(&req.base);
		req.n_closed = 0;
		req.closed = NULL;
	}
	/* Handles named by inode, and spares offered. */
	{
		uint64_t inos[2] = { 4242, 0x1234567890ull };

		req.handle_args = inos;
		req.n_handle_args = 2;
		req.spare_args = 1ull << 63 | 1;
		req.spare_self = true;
		same_as_protobuf_c(&req.base);
		req.handle_args = NULL;
		req.n_handle_args = 0;
		req.spare_args = 0;
		req.spare_self = false;
	}
	memset(data, 7, sizeof(data));
	w.data.data = data;
	w.data.len = sizeof(data);
	w.num_bytes = sizeof(data);
	w.handle_fds = slots;
	w.n_handle_fds = 3;
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_WRITE;
	req.channel_write = &w;
	same_as_protobuf_c(&req.base);
	/* The bytes as the request's tail, packed last. */
	req.tail.data = data;
	req.tail.len = 200;
	same_as_protobuf_c(&req.base);
	req.tail.data = NULL;
	req.tail.len = 0;

	rep.txid = 9;
	rep.status = -2;		/* sint32 */
	same_as_protobuf_c(&rep.base);
	rep.status = INT32_MIN;
	for (int i = 0; i < 3; i++) {
		zxd__handle_desc__init(&d[i]);
		d[i].koid = 1000 + (uint64_t)i;
		d[i].rights = 0xd003;
		d[i].related_koid = i == 1 ? 77 : 0;
		dp[i] = &d[i];
	}
	d[2].ino = 0x9876543210ull;
	d[2].spare = true;
	rep.self_spare = true;
	rep.spared_args = 5;
	rep.n_handles = 3;
	rep.handles = dp;
	rep.nfds = 3;
	gi.data.data = data;
	gi.data.len = 48;
	gi.actual = 1;
	gi.avail = 1;
	rep.body_case = ZXD__REPLY__BODY_GET_INFO;
	rep.get_info = &gi;
	same_as_protobuf_c(&rep.base);
}

/* Flat sub-messages (every field a scalar: HandleDesc, most bodies) are
 * sized, packed and unpacked by envelope.c itself: every field at its
 * widest, and a field sent with another wire type, which protobuf-c
 * refuses, refused alike. */
Test(envelope, flat_members_same_bytes)
{
	Zxd__Reply rep = ZXD__REPLY__INIT;
	Zxd__HandleDesc d = ZXD__HANDLE_DESC__INIT, *dp = &d;
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ObjectSignal sg = ZXD__OBJECT_SIGNAL__INIT;
	/* Reply.handles[0] = HandleDesc{ koid (1) as fixed64 }. */
	static const uint8_t bad[] = { 0x22, 0x09, 0x09, 1, 2, 3, 4, 5, 6, 7,
	    8 };

	d.koid = UINT64_MAX;
	d.type = UINT32_MAX;
	d.rights = 0x80000000u;
	d.close_sync = true;
	d.related_koid = 1;
	d.ino = 1ull << 63;
	d.spare = true;
	rep.handles = &dp;
	rep.n_handles = 1;
	same_as_protobuf_c(&rep.base);
	sg.clear_mask = UINT32_MAX;
	sg.set_mask = 1;
	req.body_case = ZXD__REQUEST__BODY_OBJECT_SIGNAL;
	req.object_signal = &sg;
	same_as_protobuf_c(&req.base);
	cr_assert_null(protobuf_c_message_unpack(&zxd__reply__descriptor, NULL,
	    sizeof(bad), bad));
	cr_assert_null(envelope_unpack(&zxd__reply__descriptor, sizeof(bad),
	    bad));
}

/* Set every scalar field of m to its widest value (false: m has a
 * field that is not a plain scalar). */
static bool
fill_widest(ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		char *p = (char *)m + f->offset;
		uint64_t u64 = UINT64_MAX;
		uint32_t u32 = UINT32_MAX;
		int32_t i32 = INT32_MIN;
		protobuf_c_boolean b = 1;

		if (f->label != PROTOBUF_C_LABEL_NONE ||
		    (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			return false;
		switch (f->type) {
		case PROTOBUF_C_TYPE_UINT64:
			memcpy(p, &u64, sizeof(u64));
			break;
		case PROTOBUF_C_TYPE_UINT32:
			memcpy(p, &u32, sizeof(u32));
			break;
		case PROTOBUF_C_TYPE_INT32:
		case PROTOBUF_C_TYPE_SINT32:
			memcpy(p, &i32, sizeof(i32));
			break;
		case PROTOBUF_C_TYPE_BOOL:
			memcpy(p, &b, sizeof(b));
			break;
		default:
			return false;
		}
	}
	return true;
}

/* Every call body and reply body made only of scalars, each field at its
 * widest, in its envelope: the same bytes as protobuf-c both ways. */
Test(envelope, every_flat_body_same_bytes)
{
	const ProtobufCMessageDescriptor *envs[2] = {
		&zxd__request__descriptor, &zxd__reply__descriptor
	};
	unsigned flat = 0;

	for (int e = 0; e < 2; e++) {
		const ProtobufCMessageDescriptor *ed = envs[e];

		for (unsigned i = 0; i < ed->n_fields; i++) {
			const ProtobufCFieldDescriptor *f = &ed->fields[i];
			const ProtobufCMessageDescriptor *bd = f->descriptor;
			ProtobufCMessage *env, *body;
			uint32_t id = f->id;

			if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
			    f->type != PROTOBUF_C_TYPE_MESSAGE)
				continue;
			body = calloc(1, bd->sizeof_message);
			env = calloc(1, ed->sizeof_message);
			cr_assert(body != NULL && env != NULL);
			bd->message_init(body);
			ed->message_init(env);
			if (fill_widest(body) && bd->n_fields > 0) {
				flat++;
				memcpy((char *)env + f->offset, &body,
				    sizeof(body));
				memcpy((char *)env + f->quantifier_offset, &id,
				    sizeof(id));
				same_as_protobuf_c(env);
			}
			free(body);
			free(env);
		}
	}
	cr_assert_gt(flat, 20, "only %u flat bodies", flat);
}

/* The tail (Request.tail) is the end of the packet: the head is the
 * packet without its bytes, which the sender sends from where they
 * are. */
Test(envelope, tail_is_sent_apart)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelWrite w = ZXD__CHANNEL_WRITE__INIT;
	ProtobufCBinaryData t;
	uint8_t data[150], *full, *head;
	size_t n, h;
	Zxd__Request *u;

	memset(data, 0x5a, sizeof(data));
	req.txid = 5;
	w.num_bytes = sizeof(data);
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_WRITE;
	req.channel_write = &w;
	req.tail.data = data;
	req.tail.len = sizeof(data);
	n = envelope_packed_size(&req.base);
	h = envelope_head_size(&req.base);
	cr_assert_eq(h + sizeof(data), n);
	full = malloc(n);
	head = malloc(h);
	cr_assert_eq(envelope_pack(&req.base, full), n);
	cr_assert_eq(envelope_pack_head(&req.base, head, &t), h);
	cr_assert_eq(t.data, data);
	cr_assert_eq(t.len, sizeof(data));
	cr_assert_arr_eq(full, head, h);
	cr_assert_arr_eq(full + h, data, sizeof(data));
	/* Unpacked, the tail is a copy. */
	u = (Zxd__Request *)envelope_unpack(&zxd__request__descriptor, n,
	    full);
	cr_assert_not_null(u);
	cr_assert_eq(u->tail.len, sizeof(data));
	cr_assert_arr_eq(u->tail.data, data, sizeof(data));
	cr_assert_eq(u->channel_write->num_bytes, sizeof(data));
	envelope_free(&u->base);
	/* Cut short inside the tail: no message. */
	cr_assert_null(envelope_unpack(&zxd__request__descriptor, n - 1,
	    full));
	/* No tail: the head is the whole packet. */
	req.tail.len = 0;
	req.tail.data = NULL;
	cr_assert_eq(envelope_head_size(&req.base),
	    envelope_packed_size(&req.base));
	free(full);
	free(head);
}

Test(envelope, hostile_bytes)
{
	uint8_t buf[64];
	unsigned seed = 1;

	/* Anything may come; nothing may crash or leak (ASan says). */
	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)(rand_r(&seed) % sizeof(buf));
		ProtobufCMessage *u;

		for (size_t k = 0; k < n; k++)
			buf[k] = (uint8_t)rand_r(&seed);
		/* Tags that exist, now and then. */
		if (n > 0 && i % 3 == 0)
			buf[0] = (uint8_t)((rand_r(&seed) % 4 == 0 ? 4 : 40 +
			    rand_r(&seed) % 80) << 3 | 2);
		u = envelope_unpack(i % 2 ? &zxd__request__descriptor :
		    &zxd__reply__descriptor, n, buf);
		envelope_free(u);
	}
	/* A repeated uint64 sent unpacked (one value per tag), then
	 * packed: both kinds are read, in order. */
	{
		static const uint8_t wire[] = { 4 << 3 | 0, 5,
		    4 << 3 | 2, 3, 0x81, 0x01, 9 };
		Zxd__Request *u = (Zxd__Request *)envelope_unpack(
		    &zxd__request__descriptor, sizeof(wire), wire);

		cr_assert_not_null(u);
		cr_assert_eq(u->n_closed, 3);
		cr_assert_eq(u->closed[0], 5);
		cr_assert_eq(u->closed[1], 129);
		cr_assert_eq(u->closed[2], 9);
		envelope_free(&u->base);
	}
	/* A oneof member twice: the last wins, the first is freed. */
	{
		Zxd__Request req = ZXD__REQUEST__INIT;
		Zxd__GetInfo g = ZXD__GET_INFO__INIT;
		uint8_t one[32], two[64];
		size_t n1, n2;
		Zxd__Request *u;

		g.topic = 5;
		req.body_case = ZXD__REQUEST__BODY_GET_INFO;
		req.get_info = &g;
		n1 = protobuf_c_message_pack(&req.base, one);
		g.topic = 6;
		n2 = protobuf_c_message_pack(&req.base, two);
		memcpy(two + n2, one, n1);
		u = (Zxd__Request *)envelope_unpack(&zxd__request__descriptor,
		    n1 + n2, two);
		cr_assert_not_null(u);
		cr_assert_eq(u->body_case, ZXD__REQUEST__BODY_GET_INFO);
		cr_assert_eq(u->get_info->topic, 5);
		envelope_free(&u->base);
	}
}
