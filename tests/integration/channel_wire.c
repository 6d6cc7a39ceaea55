/*
 * Malformed channel requests straight on a handle's socket, as a client
 * without libzx could send them: each gets a status, and the daemon never
 * blocks on a caller's outcome socket; kept reply sockets and
 * outcome-only calls on the wire.
 */
#include "config-build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>

#include "proto/wire.h"

static uint8_t rxbuf[WIRE_MAX_MSG];

/* One raw request on sock; returns the reply's status. */
static zx_status_t
raw(int sock, Zxd__Request *req, int *fds, size_t nfds)
{
	struct wire_msg m = { .buf = rxbuf };
	Zxd__Reply *rep;
	zx_status_t st;

	req->txid = 77;
	req->nfds = (uint32_t)nfds;
	cr_assert_eq(wire_send(sock, &req->base, fds, nfds), 0);
	cr_assert_gt(wire_recv(sock, &m), 0);
	rep = zxd__reply__unpack(NULL, m.len, m.buf);
	cr_assert_not_null(rep);
	cr_assert_eq(rep->txid, 77);
	st = rep->status;
	zxd__reply__free_unpacked(rep, NULL);
	wire_msg_clear(&m);
	return st;
}

static int
fd_of(zx_handle_t h)
{
	return (int)(h >> 2);
}

Test(channel_wire, malformed_writes)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelWrite w = ZXD__CHANNEL_WRITE__INIT;
	zx_handle_t a, b, e;
	int32_t slots[2];
	int efd;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_WRITE;
	req.channel_write = &w;
	/* Bytes that do not match num_bytes. */
	w.num_bytes = 5;
	w.data.data = (uint8_t *)"abc";
	w.data.len = 3;
	cr_assert_eq(raw(fd_of(a), &req, NULL, 0), ZX_ERR_INVALID_ARGS);
	/* Fewer slots than num_handles. */
	w.num_bytes = 3;
	w.num_handles = 2;
	w.n_handle_fds = 1;
	slots[0] = -1;
	w.handle_fds = slots;
	cr_assert_eq(raw(fd_of(a), &req, NULL, 0), ZX_ERR_INVALID_ARGS);
	/* A slot naming an fd the packet does not have, or a bad index. */
	w.num_handles = 2;
	w.n_handle_fds = 2;
	slots[0] = 5;
	slots[1] = -9;
	cr_assert_eq(raw(fd_of(a), &req, NULL, 0), ZX_ERR_BAD_HANDLE);
	/* A handle named by two slots through one fd: BAD_HANDLE, and the
	 * handle is taken (closed). */
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	efd = fd_of(e);
	slots[0] = 0;
	slots[1] = 0;
	cr_assert_eq(raw(fd_of(a), &req, &efd, 1), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_BAD_HANDLE);
	zx_handle_close(e);
	/* Still serving, and nothing was queued. */
	cr_assert_eq(zx_channel_read(b, 0, NULL, NULL, 0, 0, NULL, NULL),
	    ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_channel_write(a, 0, "ok", 2, NULL, 0), ZX_OK);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel_wire, malformed_calls)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelCall cc = ZXD__CHANNEL_CALL__INIT;
	Zxd__ChannelWrite w = ZXD__CHANNEL_WRITE__INIT;
	zx_handle_t a, b;
	int sv[2];

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_CALL;
	req.channel_call = &cc;
	/* No write part. */
	cr_assert_eq(raw(fd_of(a), &req, NULL, 0), ZX_ERR_INVALID_ARGS);
	cc.write = &w;
	w.num_bytes = 4;
	w.data.data = (uint8_t *)"abcd";
	w.data.len = 4;
	/* No reply socket. */
	cr_assert_eq(raw(fd_of(a), &req, NULL, 0), ZX_ERR_INVALID_ARGS);
	/* A stream socket for the outcome. */
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
	    0);
	cr_assert_eq(raw(fd_of(a), &req, &sv[1], 1), ZX_ERR_INVALID_ARGS);
	close(sv[0]);
	close(sv[1]);
	cr_assert_eq(zx_channel_read(b, 0, NULL, NULL, 0, 0, NULL, NULL),
	    ZX_ERR_SHOULD_WAIT);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(channel_wire, outcome_socket_never_blocks_the_daemon)
{
	static uint8_t big[ZX_CHANNEL_MAX_MSG_BYTES];
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelCall cc = ZXD__CHANNEL_CALL__INIT;
	Zxd__ChannelWrite w = ZXD__CHANNEL_WRITE__INIT;
	zx_handle_t a, b;
	int sv[2];
	const int n = 40;

	/* n calls whose outcomes all go to one socket nobody reads; the
	 * replies are large, so the socket fills up. */
	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv),
	    0);
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_CALL;
	req.channel_call = &cc;
	cc.write = &w;
	cc.deadline = ZX_TIME_INFINITE;
	cc.rd_num_bytes = sizeof(big);
	w.num_bytes = 4;
	w.data.data = (uint8_t *)"abcd";
	w.data.len = 4;
	for (int i = 0; i < n; i++)
		cr_assert_eq(raw(fd_of(a), &req, &sv[1], 1), ZX_OK);
	close(sv[1]);
	for (int i = 0; i < n; i++) {
		uint32_t nb;

		cr_assert_eq(zx_channel_read(b, 0, big, NULL, sizeof(big), 0,
		    &nb, NULL), ZX_OK);
		cr_assert_eq(nb, 4);
		cr_assert_eq(zx_channel_write(b, 0, big, sizeof(big), NULL, 0),
		    ZX_OK);
	}
	/* The daemon is still there. */
	cr_assert_eq(zx_channel_write(b, 0, "ok", 2, NULL, 0), ZX_OK);
	close(sv[0]);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* Send a raw request and expect no reply on sock (an outcome-only call
 * answers elsewhere). */
static void
send_only(int sock, Zxd__Request *req, int *fds, size_t nfds)
{
	uint8_t b;

	req->txid = 78;
	req->nfds = (uint32_t)nfds;
	cr_assert_eq(wire_send(sock, &req->base, fds, nfds), 0);
	/* The daemon answers requests in order: a plain request after it
	 * is answered first if it got none. */
	usleep(20000);
	cr_assert_eq(recv(sock, &b, 1, MSG_PEEK | MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN);
}

/* The one outcome on a reply socket: its status; *kept: reply_kept. */
static zx_status_t
outcome(int rx, uint64_t txid, bool *kept)
{
	struct wire_msg m = { .buf = rxbuf };
	Zxd__Reply *rep;
	zx_status_t st;

	cr_assert_gt(wire_recv(rx, &m), 0);
	rep = zxd__reply__unpack(NULL, m.len, m.buf);
	cr_assert_not_null(rep);
	cr_assert_eq(rep->txid, txid);
	st = rep->status;
	if (kept != NULL)
		*kept = rep->reply_kept;
	zxd__reply__free_unpacked(rep, NULL);
	wire_msg_clear(&m);
	return st;
}

/* A reply socket kept by the daemon and named by its inode, and the
 * outcome-only call, as a client without libzx could use them. */
Test(channel_wire, kept_reply_sockets_and_outcome_only_calls)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ChannelCall cc = ZXD__CHANNEL_CALL__INIT;
	Zxd__ChannelWrite w = ZXD__CHANNEL_WRITE__INIT;
	zx_handle_t a, b, e;
	int sv[2], efd;
	int32_t slot = 0;
	struct stat st;
	uint8_t byte = 1;
	bool kept = false;
	ssize_t rr;

	cr_assert_eq(zx_channel_create(0, &a, &b), ZX_OK);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv),
	    0);
	cr_assert_eq(fstat(sv[1], &st), 0);
	req.body_case = ZXD__REQUEST__BODY_CHANNEL_CALL;
	req.channel_call = &cc;
	cc.write = &w;
	w.num_bytes = 4;
	w.data.data = (uint8_t *)"abcd";
	w.data.len = 4;
	/* A deadline already past: the outcome, TIMED_OUT, comes at once. */
	cc.deadline = 1;

	/* Kept when asked: the outcome says so. */
	cc.keep_reply = true;
	cc.reply_fd = 0;
	cr_assert_eq(raw(fd_of(a), &req, &sv[1], 1), ZX_OK);
	cr_assert_eq(outcome(sv[0], 77, &kept), ZX_ERR_TIMED_OUT);
	cr_assert(kept);
	close(sv[1]);

	/* Named by its inode: the outcome comes there. */
	cc.keep_reply = false;
	cc.reply_ino = st.st_ino;
	cc.reply_fd = UINT32_MAX;
	cr_assert_eq(raw(fd_of(a), &req, NULL, 0), ZX_OK);
	cr_assert_eq(outcome(sv[0], 77, NULL), ZX_ERR_TIMED_OUT);

	/* Outcome-only: nothing on the handle's socket, every status on the
	 * reply socket; one that moves a handle is refused there, and the
	 * handle stays. */
	cc.outcome_only = true;
	send_only(fd_of(a), &req, NULL, 0);
	cr_assert_eq(outcome(sv[0], 78, NULL), ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	efd = fd_of(e);
	w.num_handles = 1;
	w.n_handle_fds = 1;
	w.handle_fds = &slot;
	send_only(fd_of(a), &req, &efd, 1);
	cr_assert_eq(outcome(sv[0], 78, NULL), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	zx_handle_close(e);
	w.num_handles = 0;
	w.n_handle_fds = 0;
	w.handle_fds = NULL;
	cc.outcome_only = false;

	/* An inode the daemon keeps nothing for. */
	cc.reply_ino = st.st_ino + 1;
	cr_assert_eq(raw(fd_of(a), &req, NULL, 0), ZX_ERR_INVALID_ARGS);

	/* A packet on the kept socket ends it: the daemon closes its end
	 * (EOF here, the last sending end gone) and knows the name no
	 * more. */
	cr_assert_eq(send(sv[0], &byte, 1, MSG_NOSIGNAL), 1);
	rr = recv(sv[0], &byte, 1, 0);
	/* (The packet was left unread: the kernel may say so first.) */
	if (rr < 0 && errno == ECONNRESET)
		rr = recv(sv[0], &byte, 1, 0);
	cr_assert_eq(rr, 0);
	cc.reply_ino = st.st_ino;
	cr_assert_eq(raw(fd_of(a), &req, NULL, 0), ZX_ERR_INVALID_ARGS);

	/* Nothing was queued by any of it but the timed-out requests. */
	for (int i = 0; i < 3; i++)
		cr_assert_eq(zx_channel_read(b, ZX_CHANNEL_READ_MAY_DISCARD,
		    NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(zx_channel_read(b, 0, NULL, NULL, 0, 0, NULL, NULL),
	    ZX_ERR_SHOULD_WAIT);
	close(sv[0]);
	zx_handle_close(a);
	zx_handle_close(b);
}
