/* A client's connection to zxd (libzx's control connection, zxctl's). */
#ifndef ZXD_PROTO_CONN_H
#define ZXD_PROTO_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "proto/wire.h"

/* $ZXD_SOCKET if set and not empty, else ZXD_DEFAULT_SOCKET. */
const char *conn_socket_path(void);

/*
 * Connect to zxd at `path` and say HELLO with ZXD_PROTOCOL_VERSION.
 * Returns 0 with the connection in *ret_fd, or -errno: -ENAMETOOLONG
 * for a path that does not fit a sockaddr_un, socket(2)'s or
 * connect(2)'s error, conn_call's; -EPROTONOSUPPORT when the daemon
 * refused the HELLO, with its status in *ret_status.
 */
int conn_open(const char *path, int *ret_fd, int32_t *ret_status);

/*
 * Send req (with req->txid set by the caller) and fds[0..nfds) (not
 * taken) on `sock`, and read its reply into m (m->buf: WIRE_MAX_MSG
 * bytes). Returns 0 and the unpacked reply in *ret, its fds in m->fds;
 * or wire_send's or wire_recv's -errno, -ECONNRESET when the daemon
 * closed the connection, -EBADMSG for a reply that does not unpack or
 * does not match the request (its fds closed).
 */
int conn_call(int sock, Zxd__Request *req, const int *fds, size_t nfds,
    struct wire_msg *m, Zxd__Reply **ret);

#endif
