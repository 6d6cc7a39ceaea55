/* Reading a channel handle's delivery socket (doc/DATAPATH.md): the
 * messages the daemon pushed there, taken without asking it. */
#include "config-build.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/libzx.h"
#include "proto/delivery.h"

struct dlv_head {
	struct zxd_dlv_hdr h;
	struct zxd_dlv_handle d[ZX_CHANNEL_MAX_MSG_HANDLES];
};

union dlv_ctl {
	struct cmsghdr align;
	char buf[CMSG_SPACE(sizeof(int) * ZX_CHANNEL_MAX_MSG_HANDLES)];
};

void
dlv_drop(struct zxh *e)
{
	int fd = atomic_exchange(&e->dfd, -1);

	if (fd >= 0)
		close(fd);
}

void
dlv_adopt(struct zxh *e, int fd)
{
	int expect = -1;

	if (!atomic_compare_exchange_strong(&e->dfd, &expect, fd))
		close(fd);
}

int
dlv_readable(struct zxh *e)
{
	struct zxd_dlv_hdr h;
	int fd = atomic_load(&e->dfd);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = recv(fd, &h, sizeof(h), MSG_PEEK | MSG_DONTWAIT);
	if (n > 0)
		return 1;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	/* EOF: the daemon took the socket back; its word says. */
	return -1;
}

/* The fds of a received packet, at most `max`; extra ones are closed. */
static size_t
packet_fds(struct msghdr *mh, int *fds, size_t max)
{
	size_t n = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL;
	    c = CMSG_NXTHDR(mh, c)) {
		size_t k;
		const unsigned char *p = CMSG_DATA(c);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, p + i * sizeof(int), sizeof(int));
			if (n < max)
				fds[n++] = fd;
			else
				close(fd);
		}
	}
	return n;
}

/* A packet's handles that are on this process's spares (no fd came for
 * them): when the packet is lost, so are they, closed by closing the
 * spare (the daemon sees EOF). */
static void
drop_spares(const struct dlv_head *head, uint32_t nh)
{
	for (uint32_t i = 0; i < nh; i++) {
		int fd;

		if (!(head->d[i].flags & ZXD_DLV_SPARE))
			continue;
		fd = zxh_spare_take(head->d[i].ino);
		if (fd >= 0)
			close(fd);
	}
}

/* Take the first packet (described by head, peeked) and lose it (its
 * handles closed). */
static void
discard_packet(int dfd, const struct dlv_head *head)
{
	static __thread uint8_t sink[64];
	union dlv_ctl ctl;
	struct iovec iov = { sink, sizeof(sink) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	int fds[ZX_CHANNEL_MAX_MSG_HANDLES];
	size_t n;

	if (recvmsg(dfd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0)
		return;
	n = packet_fds(&mh, fds, ZX_CHANNEL_MAX_MSG_HANDLES);
	/* Handles nobody installed: closing the fds frees them. */
	wire_close_fds(fds, n);
	if (head != NULL && head->h.kind == ZXD_DLV_MSG)
		drop_spares(head, head->h.nhandles);
}

int
dlv_read(struct zxh *e, uint32_t options, void *bytes, uint32_t num_bytes,
    uint32_t num_handles, uint32_t *actual_bytes, uint32_t *actual_handles,
    struct dlv_result *res)
{
	struct dlv_head head;
	union dlv_ctl ctl;
	struct iovec iov[5];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 5,
	    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	uint32_t ab, ah;
	int fds[ZX_CHANNEL_MAX_MSG_HANDLES];
	int dfd = atomic_load(&e->dfd);
	uint32_t nb, nh, on_spares = 0;
	size_t hl, nfds, k = 0;
	ssize_t n;

	res->have_actuals = false;
	res->nhandles = 0;
	/* Options the daemon would refuse are for the daemon to refuse. */
	if (dfd < 0 || (options & ~ZX_CHANNEL_READ_MAY_DISCARD))
		return DLV_ASK;
	/* The header and the handles' descriptions (which of them are on
	 * spares must be known if the packet is lost). */
	do {
		n = recv(dfd, &head, sizeof(head), MSG_PEEK | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n > (ssize_t)sizeof(head.h))
		n = sizeof(head.h);
	if (n < 0 && errno == EAGAIN) {
		/* The daemon's queue for this endpoint is empty. */
		res->st = ZX_ERR_SHOULD_WAIT;
		return DLV_DONE;
	}
	if (n != (ssize_t)sizeof(head.h) || head.h.kind != ZXD_DLV_MSG ||
	    head.h.nbytes > ZX_CHANNEL_MAX_MSG_BYTES ||
	    head.h.nhandles > ZX_CHANNEL_MAX_MSG_HANDLES) {
		if (n > 0 && head.h.kind == ZXD_DLV_BACKLOG) {
			/* The rest waits in the daemon. */
			discard_packet(dfd, NULL);
			return DLV_ASK;
		}
		/* EOF (the daemon took the socket back) or garbage. */
		dlv_drop(e);
		return DLV_ASK;
	}
	nb = head.h.nbytes;
	nh = head.h.nhandles;
	res->actual_bytes = nb;
	res->actual_handles = nh;
	if (nb > num_bytes || nh > num_handles) {
		/* The size the caller needs, written by the caller. */
		res->have_actuals = true;
		if (options & ZX_CHANNEL_READ_MAY_DISCARD)
			discard_packet(dfd, &head);
		res->st = ZX_ERR_BUFFER_TOO_SMALL;
		return DLV_DONE;
	}
	/* One recvmsg scatters the counts straight into the caller's
	 * actual_bytes and actual_handles, then the bytes into its buffer:
	 * a pointer the kernel cannot write (EFAULT) loses the message and
	 * its handles, as a faulting copy-out does in Zircon, whose order
	 * (counts first) the scatter keeps. */
	hl = sizeof(head.h) + nh * sizeof(head.d[0]);
	iov[0] = (struct iovec){ &head.h, offsetof(struct zxd_dlv_hdr,
	    actual_bytes) };
	iov[1] = (struct iovec){ actual_bytes != NULL ? actual_bytes : &ab,
	    sizeof(ab) };
	iov[2] = (struct iovec){ actual_handles != NULL ? actual_handles : &ah,
	    sizeof(ah) };
	iov[3] = (struct iovec){ head.d, nh * sizeof(head.d[0]) };
	iov[4] = (struct iovec){ bytes, nb };
	do {
		n = recvmsg(dfd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EFAULT) {
		/* The message is lost, its handles with it. (head.d holds
		 * what the peek saw.) */
		drop_spares(&head, nh);
		res->st = ZX_ERR_INVALID_ARGS;
		return DLV_DONE;
	}
	nfds = n > 0 ? packet_fds(&mh, fds, ZX_CHANNEL_MAX_MSG_HANDLES) : 0;
	if (n <= 0 || (size_t)n != hl + nb || head.h.kind != ZXD_DLV_MSG ||
	    head.h.nbytes != nb || head.h.nhandles != nh) {
		/* Taken back by the daemon between the peek and now. */
		wire_close_fds(fds, nfds);
		if (n == 0)
			dlv_drop(e);
		if (n <= 0)
			return DLV_ASK;
		dlv_drop(e);
		res->st = ZX_ERR_INTERNAL;
		return DLV_DONE;
	}
	for (uint32_t i = 0; i < nh; i++)
		on_spares += (head.d[i].flags & ZXD_DLV_SPARE) != 0;
	if ((mh.msg_flags & MSG_CTRUNC) || nfds != nh - on_spares) {
		/* Out of descriptors in this process: the handles the
		 * kernel could not install are gone. */
		wire_close_fds(fds, nfds);
		drop_spares(&head, nh);
		res->st = ZX_ERR_NO_RESOURCES;
		return DLV_DONE;
	}
	for (uint32_t i = 0; i < nh; i++) {
		Zxd__HandleDesc d = ZXD__HANDLE_DESC__INIT;
		int fd;

		d.koid = head.d[i].koid;
		d.related_koid = head.d[i].related_koid;
		d.type = head.d[i].type;
		d.rights = head.d[i].rights;
		d.close_sync = head.d[i].flags & ZXD_DLV_CLOSE_SYNC;
		d.ino = head.d[i].ino;
		/* A handle on one of this process's spares comes with no
		 * fd: the spare's. */
		if (head.d[i].flags & ZXD_DLV_SPARE) {
			fd = zxh_spare_take(d.ino);
		} else {
			fd = fds[k];
			fds[k++] = -1;
		}
		res->handles[i] = fd >= 0 ? zxh_install(fd, &d) :
		    ZX_HANDLE_INVALID;
		res->types[i] = d.type;
		res->rights[i] = d.rights;
		if (res->handles[i] == ZX_HANDLE_INVALID) {
			for (uint32_t j = 0; j < i; j++)
				zxh_close(res->handles[j]);
			wire_close_fds(fds, nfds);
			res->st = fd >= 0 ? ZX_ERR_NO_MEMORY : ZX_ERR_INTERNAL;
			return DLV_DONE;
		}
	}
	res->nhandles = nh;
	res->st = ZX_OK;
	return DLV_DONE;
}
