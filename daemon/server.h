/* Connections: the listening socket, each process's control connection
 * and the daemon's end of every handle's socket. */
#ifndef ZXD_SERVER_H
#define ZXD_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <event2/event.h>

#include "daemon/config.h"
#include "daemon/log.h"
#include "objects/handle.h"

/* One connected process (its control connection). */
struct client {
	uint64_t id;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	char comm[16];
	bool root_admitted;	/* the root-resource policy admits it */
	unsigned refcount;
	size_t nhandles;
	uint64_t vmo_bytes;
	struct object *root_vmar;	/* made on first use */
	bool connected;
	struct client *prev, *next;
};

/* Journal fields for a message about client `cl`; more log_ctx members
 * may follow, as in LOG_CLIENT(cl, .koid = o->koid). */
#define LOG_CLIENT(cl, ...) (&(struct log_ctx){ .client_id = (cl)->id, \
	.pid = (cl)->pid, .uid = (cl)->uid, .comm = (cl)->comm, __VA_ARGS__ })

/* A socket the daemon holds: a control connection (handle == NULL) or
 * the daemon's end of one handle. */
struct conn {
	int fd;
	struct event *ev;
	struct client *client;	/* a reference */
	struct handle *handle;	/* owned; NULL for a control connection */
	pid_t pid;		/* the process allowed to send on it */
	bool hello;		/* control: HELLO done */
	struct conn *prev, *next;
};

int server_init(struct event_base *base, const struct config *cfg);
/* Listen on an inherited (socket-activated) socket. */
int server_adopt_listener(int fd);
/* Bind `path` ourselves (mode and group from the config). */
int server_bind(const char *path);
/* Close every connection and the listener; removes a socket we bound. */
void server_shutdown(void);

const struct config *server_config(void);
struct event_base *server_base(void);

/* Give `h` (owned by `cl`, usable only by `pid`) a socket pair; returns
 * the client's end, which the caller must send or close. On failure h is
 * left alone. */
zx_status_t server_attach_handle(struct client *cl, pid_t pid,
    struct handle *h, int *ret_fd);
/* The handle whose client end `fd` is (an fd received from a client),
 * or NULL. */
struct handle *server_handle_of_fd(int fd);
/* Closing a handle is a close() the daemon sees later, as EOF. Before
 * refusing something over a limit, take the closes of `cl` that are
 * already there (never those of the handles the packet being served
 * came on or carries). */
void server_client_reap(struct client *cl);
/* Tear down a handle's connection and free the handle: its holders see
 * EOF from now on. */
void server_close_handle(struct handle *h);

/* Apply the closes clients made that the event loop has not seen yet
 * (handle sockets at EOF), leaving `keep` alone: zx_handle_close is a
 * plain close(), but Zircon's is synchronous, so a call that finds a
 * range still held settles them and looks again. Returns how many
 * handles it closed. */
size_t server_settle_closes(const struct conn *keep);
/* Keep a client record alive past its disconnection (VMO accounting). */
struct client *server_client_ref(struct client *cl);
void server_client_unref(struct client *cl);

size_t server_client_count(void);
struct client *server_client_first(void);
uint64_t server_uptime_ns(void);

#endif
