/* Delivery sockets (doc/DATAPATH.md): the sink through which a channel
 * endpoint's messages reach its only handle without a read request. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/account.h"
#include "daemon/delivery.h"
#include "daemon/server.h"
#include "daemon/dispatch.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "objects/channel.h"
#include "proto/delivery.h"

/* Asked for; the kernel caps it (net.core.wmem_max) and doubles it. */
#define DLV_SNDBUF	(1 << 20)

struct delivery {
	struct channel_sink sink;	/* first */
	struct client *client;		/* a reference: the reader */
	pid_t pid;
	int d0;				/* the daemon's end: it writes */
	int dr;				/* the reader's end, kept to reclaim */
	int limit;			/* push while less is unread */
	/* What was unread when last measured (SIOCOUTQ), plus an upper
	 * bound of what was pushed since: below `limit`, a push needs no
	 * measure unless the caller asks whether the socket was drained. */
	int bound;
};

/* An upper bound of what one packet of len bytes takes of the send
 * buffer (its sk_buff's truesize: the data and the buffer's overhead). */
#define PACKET_COST(len)	((int)(len) + 2048)

/* A packet's header and handle descriptions. */
struct dlv_head {
	struct zxd_dlv_hdr h;
	struct zxd_dlv_handle d[ZX_CHANNEL_MAX_MSG_HANDLES];
};

static struct delivery *
to_dlv(struct channel_sink *s)
{
	return (struct delivery *)s;
}

static int
unread_bytes(const struct delivery *d)
{
	int n = 0;

	if (ioctl(d->d0, SIOCOUTQ, &n) < 0)
		return d->limit;
	return n;
}

static bool
dlv_drained(struct channel_sink *s)
{
	struct delivery *d = to_dlv(s);

	d->bound = unread_bytes(d);
	return d->bound == 0;
}

static int
send_packet(struct delivery *d, const struct dlv_head *head, size_t nh,
    const void *data, size_t len, const int *fds, size_t nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * ZX_CHANNEL_MAX_MSG_HANDLES)];
	} ctl;
	struct iovec iov[2] = {
		{ (void *)head, sizeof(head->h) + nh * sizeof(head->d[0]) },
		{ (void *)data, len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len > 0 ? 2 : 1 };

	if (nfds > 0) {
		struct cmsghdr *c;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	if (sendmsg(d->d0, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/* The handles of a pushed message belong to the reader from the push on
 * (counted against it, usable by it only), as fds in flight in D. */
static zx_status_t
dlv_push(struct channel_sink *s, struct channel_msg *m, bool exact,
    int *drained)
{
	struct delivery *d = to_dlv(s);
	struct dlv_head head;
	int fds[ZX_CHANNEL_MAX_MSG_HANDLES];
	uint32_t i, n = m->nhandles, nfds = 0;
	zx_status_t st = ZX_OK;
	int cost = PACKET_COST(sizeof(head.h) + n * sizeof(head.d[0]) +
	    m->nbytes);

	*drained = -1;
	if (exact || d->bound + cost >= d->limit) {
		int unread = unread_bytes(d);

		*drained = unread == 0;
		d->bound = unread;
		if (unread >= d->limit)
			return ZX_ERR_SHOULD_WAIT;
	}
	if (!d->client->connected)
		return ZX_ERR_SHOULD_WAIT;
	memset(&head.h, 0, sizeof(head.h));
	head.h.kind = ZXD_DLV_MSG;
	head.h.nbytes = head.h.actual_bytes = m->nbytes;
	head.h.nhandles = head.h.actual_handles = n;
	for (i = 0; i < n; i++) {
		struct handle *h = m->handles[i];
		Zxd__HandleDesc desc;
		uint64_t spare;
		int fd;

		/* On one of the reader's spares if it has one: no socket
		 * is made and none travels. */
		st = server_attach_handle_spare(d->client, d->pid, h, &fd,
		    &spare);
		if (st != ZX_OK)
			break;
		if (spare == 0)
			fds[nfds++] = fd;
		dispatch_describe(h, &desc);
		head.d[i] = (struct zxd_dlv_handle){
			.koid = desc.koid,
			.related_koid = desc.related_koid,
			.type = desc.type,
			.rights = desc.rights,
			.flags = (desc.close_sync ? ZXD_DLV_CLOSE_SYNC : 0) |
			    (spare != 0 ? ZXD_DLV_SPARE : 0),
			.ino = desc.ino,
		};
	}
	if (st == ZX_OK && send_packet(d, &head, n, m->data, m->nbytes,
	    fds, nfds) < 0)
		st = ZX_ERR_SHOULD_WAIT;
	if (st != ZX_OK) {
		/* Back in flight, in the message. */
		while (i-- > 0) {
			if (head.d[i].flags & ZXD_DLV_SPARE) {
				server_detach_to_spare(m->handles[i]);
			} else {
				close(fds[--nfds]);
				server_detach_handle(m->handles[i]);
			}
		}
		return st;
	}
	d->bound += cost;
	/* Our copies of the client ends: the packet holds them now. */
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	m->nhandles = 0;
	channel_msg_free(m);
	return ZX_OK;
}

static bool
dlv_mark(struct channel_sink *s)
{
	struct dlv_head head;

	memset(&head.h, 0, sizeof(head.h));
	head.h.kind = ZXD_DLV_BACKLOG;
	if (send_packet(to_dlv(s), &head, 0, NULL, 0, NULL, 0) < 0) {
		log_warn("delivery socket full: reader sent back to requests");
		return false;
	}
	return true;
}

/* One packet taken back from D as a message (NULL for a marker or a
 * packet that does not parse). Its handles go back in flight. */
static struct channel_msg *
reclaim_one(struct delivery *d, struct dlv_head *head, uint8_t *data,
    ssize_t n, const int *fds, size_t nfds)
{
	uint32_t nh = head->h.nhandles, on_spares = 0;
	struct channel_msg *m;
	size_t hl, k = 0;

	if ((size_t)n < sizeof(head->h) || head->h.kind != ZXD_DLV_MSG ||
	    nh > ZX_CHANNEL_MAX_MSG_HANDLES)
		return NULL;
	hl = sizeof(head->h) + nh * sizeof(head->d[0]);
	if ((size_t)n != hl + head->h.nbytes)
		return NULL;
	for (uint32_t i = 0; i < nh; i++)
		on_spares += (head->d[i].flags & ZXD_DLV_SPARE) != 0;
	if (nh - on_spares != nfds ||
	    channel_msg_new(head->h.nbytes, nh, &m) != ZX_OK)
		return NULL;
	memcpy(m->data, data, head->h.nbytes);
	m->nhandles = 0;
	for (uint32_t i = 0; i < nh; i++) {
		bool spare = head->d[i].flags & ZXD_DLV_SPARE;
		struct handle *h;

		if (spare) {
			/* On the reader's spare: it goes back to being
			 * one. */
			h = handle_table_find(head->d[i].ino);
			if (h == NULL || h->owner != d->client)
				continue;
			server_detach_to_spare(h);
		} else {
			h = server_handle_of_fd(fds[k++]);
			if (h == NULL)
				continue;
			server_detach_handle(h);
		}
		m->handles[m->nhandles++] = h;
	}
	return m;
}

static struct channel_msg *
dlv_reclaim(struct channel_sink *s)
{
	struct delivery *d = to_dlv(s);
	struct channel_msg *first = NULL, *last = NULL;
	static uint8_t data[ZX_CHANNEL_MAX_MSG_BYTES];
	struct dlv_head head;

	for (;;) {
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(int) *
			    ZX_CHANNEL_MAX_MSG_HANDLES)];
		} ctl;
		struct iovec iov[2] = {
			{ &head, sizeof(head.h) },
			{ NULL, 0 },
		};
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2,
		    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
		struct zxd_dlv_hdr peek;
		struct channel_msg *m;
		int fds[ZX_CHANNEL_MAX_MSG_HANDLES];
		size_t nfds = 0;
		ssize_t n;

		/* The handle descriptions' length depends on the header. */
		n = recv(d->dr, &peek, sizeof(peek), MSG_PEEK | MSG_DONTWAIT);
		if (n <= 0)
			break;
		if ((size_t)n == sizeof(peek) &&
		    peek.nhandles <= ZX_CHANNEL_MAX_MSG_HANDLES)
			iov[0].iov_len = sizeof(head.h) +
			    peek.nhandles * sizeof(head.d[0]);
		iov[1].iov_base = data;
		iov[1].iov_len = sizeof(data);
		n = recvmsg(d->dr, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n <= 0)
			break;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL;
		    c = CMSG_NXTHDR(&mh, c)) {
			size_t k;

			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_RIGHTS)
				continue;
			k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			if (k > ZX_CHANNEL_MAX_MSG_HANDLES - nfds)
				k = ZX_CHANNEL_MAX_MSG_HANDLES - nfds;
			memcpy(&fds[nfds], CMSG_DATA(c), k * sizeof(int));
			nfds += k;
		}
		m = reclaim_one(d, &head, data, n, fds, nfds);
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		if (m == NULL)
			continue;
		if (last != NULL)
			last->next = m;
		else
			first = m;
		last = m;
	}
	close(d->d0);
	close(d->dr);
	account_uncharge(d->client, ACCT_FDS, 2);
	server_client_unref(d->client);
	free(d);
	return first;
}

zx_status_t
delivery_start(struct client *cl, pid_t pid, struct handle *h, int *ret_fd)
{
	struct object *o = h->obj;
	struct delivery *d;
	int sv[2], size = DLV_SNDBUF, fd;
	socklen_t len = sizeof(size);

	if (!channel_is(o) || o->handle_count != 1 || o->peer == NULL ||
	    channel_has_sink(o) || !(h->rights & ZX_RIGHT_READ) ||
	    !cl->connected)
		return ZX_ERR_NOT_SUPPORTED;
	/* The daemon keeps two descriptors for it, charged to the reader
	 * (over its share, it reads by request instead). */
	if (server_charge(cl, ACCT_FDS, 2) != ZX_OK)
		return ZX_ERR_NO_RESOURCES;
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		account_uncharge(cl, ACCT_FDS, 2);
		return ZX_ERR_NO_MEMORY;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		account_uncharge(cl, ACCT_FDS, 2);
		free(d);
		return ZX_ERR_NO_RESOURCES;
	}
	/* Nothing may be written towards the daemon on it. */
	(void)shutdown(sv[0], SHUT_RD);
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, &len) < 0 ||
	    (fd = fcntl(sv[1], F_DUPFD_CLOEXEC, 0)) < 0) {
		close(sv[0]);
		close(sv[1]);
		account_uncharge(cl, ACCT_FDS, 2);
		free(d);
		return ZX_ERR_NO_RESOURCES;
	}
	/* Room for one more message of the largest size and the marker
	 * above the point where pushing stops. */
	d->limit = size / 2;
	d->sink.push = dlv_push;
	d->sink.mark = dlv_mark;
	d->sink.drained = dlv_drained;
	d->sink.reclaim = dlv_reclaim;
	d->client = server_client_ref(cl);
	d->pid = pid;
	d->d0 = sv[0];
	d->dr = sv[1];
	channel_sink_attach(o, &d->sink);
	*ret_fd = fd;
	return ZX_OK;
}

void
delivery_handle_leaving(struct handle *h)
{
	if (h->obj != NULL && channel_is(h->obj))
		channel_sink_stop(h->obj);
}
