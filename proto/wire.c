/* Packet framing and fd passing for the zxd protocol. */
#include "config-build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto/envelope.h"
#include "proto/wire.h"

void
wire_close_fds(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
	}
}

/* MSG_DONTWAIT in the daemon, 0 in libzx. */
static int io_flags;

void
wire_set_nonblocking(void)
{
	io_flags = MSG_DONTWAIT;
}

int
wire_send(int sock, const ProtobufCMessage *msg, const int *fds,
    size_t nfds)
{
	uint8_t stackbuf[512];
	uint8_t *buf = stackbuf;
	size_t len = envelope_head_size(msg);
	ProtobufCBinaryData tail;
	union {
		struct cmsghdr hdr;
		char space[CMSG_SPACE(sizeof(int) * WIRE_MAX_FDS)];
	} ctl;
	struct iovec iov[2];
	struct msghdr mh = { 0 };
	ssize_t n;
	int r = 0;

	if (len > WIRE_MAX_MSG || nfds > WIRE_MAX_FDS)
		return -EMSGSIZE;
	if (len > sizeof(stackbuf)) {
		buf = malloc(len);
		if (buf == NULL)
			return -ENOMEM;
	}
	len = envelope_pack_head(msg, buf, &tail);
	if (tail.len > WIRE_MAX_MSG - len) {
		r = -EMSGSIZE;
		goto out;
	}
	/* The tail goes from where it is: the kernel reads it (a pointer
	 * that faults is EFAULT, and nothing is sent). */
	iov[0].iov_base = buf;
	iov[0].iov_len = len;
	iov[1].iov_base = tail.data;
	iov[1].iov_len = tail.len;
	mh.msg_iov = iov;
	mh.msg_iovlen = tail.len > 0 ? 2 : 1;
	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.space;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL | io_flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len + tail.len)
		r = -EPROTO;
out:
	if (buf != stackbuf)
		free(buf);
	return r;
}

int
wire_send_take(int sock, const ProtobufCMessage *msg, int *fds, size_t nfds)
{
	int r = wire_send(sock, msg, fds, nfds);

	wire_close_fds(fds, nfds);
	return r;
}

void
wire_msg_clear(struct wire_msg *m)
{
	wire_close_fds(m->fds, m->nfds);
	m->nfds = 0;
	m->len = 0;
	m->has_creds = false;
	m->stamp_ns = 0;
}

ssize_t
wire_recv(int sock, struct wire_msg *m)
{
	return wire_recv_into(sock, m, WIRE_MAX_MSG);
}

ssize_t
wire_recv_into(int sock, struct wire_msg *m, size_t cap)
{
	union {
		struct cmsghdr hdr;
		char space[CMSG_SPACE(sizeof(int) * WIRE_MAX_FDS) +
		    CMSG_SPACE(sizeof(struct ucred)) +
		    CMSG_SPACE(sizeof(struct timespec))];
	} ctl;
	struct iovec iov = { .iov_base = m->buf, .iov_len = cap };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.space,
		.msg_controllen = sizeof(ctl.space),
	};
	bool bad = false;
	ssize_t n;

	m->nfds = 0;
	m->len = 0;
	m->has_creds = false;
	m->stamp_ns = 0;
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | io_flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL;
	    c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET) {
			bad = true;
			continue;
		}
		if (c->cmsg_type == SCM_RIGHTS) {
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			const unsigned char *p = CMSG_DATA(c);

			for (size_t i = 0; i < k; i++) {
				int fd;

				memcpy(&fd, p + i * sizeof(int), sizeof(int));
				if (m->nfds < WIRE_MAX_FDS)
					m->fds[m->nfds++] = fd;
				else {
					close(fd);
					bad = true;
				}
			}
		} else if (c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			m->creds.pid = uc.pid;
			m->creds.uid = uc.uid;
			m->creds.gid = uc.gid;
			m->has_creds = true;
		} else if (c->cmsg_type == SCM_TIMESTAMPNS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			/* The receiver asked (SO_TIMESTAMPNS): when it was
			 * sent. */
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			m->stamp_ns = (int64_t)ts.tv_sec * 1000000000 +
			    ts.tv_nsec;
		} else
			bad = true;
	}
	if (n == 0 && m->nfds == 0 && !bad)
		return 0;
	if (bad || (mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) || n == 0) {
		wire_close_fds(m->fds, m->nfds);
		m->nfds = 0;
		return -EPROTO;
	}
	m->len = (size_t)n;
	return n;
}
