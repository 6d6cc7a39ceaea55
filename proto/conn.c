/* A client's connection to zxd, shared by libzx and zxctl: where the
 * daemon listens, connecting with HELLO, one request and its reply. */
#include "config-build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <zircon/errors.h>
#include <zxd/zxd.h>

#include "proto/conn.h"
#include "proto/envelope.h"

const char *
conn_socket_path(void)
{
	const char *p = getenv("ZXD_SOCKET");

	return p != NULL && *p != '\0' ? p : ZXD_DEFAULT_SOCKET;
}

int
conn_call(int sock, Zxd__Request *req, const int *fds, size_t nfds,
    struct wire_msg *m, Zxd__Reply **ret)
{
	Zxd__Reply *rep;
	ssize_t n;
	int r;

	*ret = NULL;
	req->nfds = (uint32_t)nfds;
	r = wire_send(sock, &req->base, fds, nfds);
	if (r < 0)
		return r;
	n = wire_recv(sock, m);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return (int)n;
	rep = (Zxd__Reply *)envelope_unpack(&zxd__reply__descriptor, m->len,
	    m->buf);
	/* txid 0 with an error: the daemon refused the connection before
	 * reading anything (over a limit, out of descriptors). */
	if (rep == NULL || (rep->txid != req->txid &&
	    !(rep->txid == 0 && rep->status < 0)) || rep->nfds != m->nfds ||
	    rep->n_handles > m->nfds) {
		if (rep != NULL)
			envelope_free(&rep->base);
		wire_msg_clear(m);
		return -EBADMSG;
	}
	*ret = rep;
	return 0;
}

/* The HELLO found the connection closed: the daemon may have refused
 * it first, with a reply of txid 0 left to read (a first read may only
 * report the reset). */
static int
refusal(int fd, struct wire_msg *m, Zxd__Reply **ret)
{
	Zxd__Reply *rep;
	ssize_t n;

	for (int i = 0; i < 2; i++) {
		n = wire_recv(fd, m);
		if (n != -ECONNRESET)
			break;
	}
	if (n <= 0)
		return -ECONNRESET;
	rep = zxd__reply__unpack(NULL, m->len, m->buf);
	if (rep == NULL || rep->txid != 0 || rep->status >= 0) {
		if (rep != NULL)
			zxd__reply__free_unpacked(rep, NULL);
		wire_msg_clear(m);
		return -ECONNRESET;
	}
	*ret = rep;
	return 0;
}

int
conn_open(const char *path, int *ret_fd, int32_t *ret_status)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Hello hello = ZXD__HELLO__INIT;
	struct wire_msg m = { 0 };
	Zxd__Reply *rep;
	int fd, r;

	*ret_status = ZX_OK;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	m.buf = malloc(WIRE_MAX_MSG);
	if (m.buf == NULL)
		return -ENOMEM;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		goto out;
	}
	hello.version = ZXD_PROTOCOL_VERSION;
	req.txid = 1;
	req.body_case = ZXD__REQUEST__BODY_HELLO;
	req.hello = &hello;
	r = conn_call(fd, &req, NULL, 0, &m, &rep);
	if (r == -EPIPE || r == -ECONNRESET)
		r = refusal(fd, &m, &rep);
	if (r == 0) {
		wire_msg_clear(&m);
		*ret_status = rep->status;
		if (rep->status != ZX_OK)
			r = -EPROTONOSUPPORT;
		envelope_free(&rep->base);
	}
out:
	free(m.buf);
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}
