/* Connections: the listening socket, each process's control connection
 * and the daemon's end of every handle's socket. */
#ifndef ZXD_SERVER_H
#define ZXD_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <event2/event.h>

#include "daemon/account.h"
#include "daemon/config.h"
#include "daemon/log.h"
#include "objects/handle.h"

struct port_account;

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
	struct port_account *port_acct;	/* made on first use */
	struct object *process;		/* made on first use */
	int mem_fd;		/* its /proc/PID/mem (zx_iob_writev), or -1 */
	bool mem_by_fd;		/* process_vm_readv refused: use mem_fd */
	bool connected;
	/* daemon/account.c: its process's and uid's accounts. */
	struct acct *proc, *user;
	bool conn_charged;
	unsigned limits_logged;		/* limits already logged */
	uint64_t refusals;		/* requests refused over a limit */
	struct log_rate lograte[LOG_NKINDS];
	/* Its spare handle sockets (conn.spare), newest first. */
	struct conn *spares;
	unsigned nspares;
	unsigned nreplysocks;	/* daemon/replysock.c */
	struct client *prev, *next;
};

/* Journal fields for a message about client `cl`; more log_ctx members
 * may follow, as in LOG_CLIENT(cl, .koid = o->koid). */
#define LOG_CLIENT(cl, ...) (&(struct log_ctx){ .client_id = (cl)->id, \
	.pid = (cl)->pid, .uid = (cl)->uid, .comm = (cl)->comm, __VA_ARGS__ })

/* A socket the daemon holds: a control connection (handle == NULL), the
 * daemon's end of one handle, or an export token (token; handle is the
 * handle parked behind it, in flight). */
struct conn {
	int fd;
	struct event *ev;
	struct client *client;	/* a reference */
	struct handle *handle;	/* owned; NULL for a control connection */
	pid_t pid;		/* the process allowed to send on it */
	bool hello;		/* control: HELLO done */
	bool token;		/* an export token */
	/* A spare: the socket of a handle its process closed into it
	 * (WIRE_CLOSE), kept to carry that process's next new handle;
	 * handle is NULL. Charged as a handle. */
	bool spare;
	uint64_t spare_ino;	/* inode of the client's end */
	struct conn *spare_next;	/* client.spares */
	uint8_t first;		/* packets still served first (newcomer) */
	uint64_t token_ino;	/* token: inode of the client's end */
	UT_hash_handle hh;	/* token: in the token table */
	size_t settle_slot;	/* 1 + its place in a settle's list, or 0 */
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
/* The same, on one of cl's spares if it has one for pid: then *ret_fd
 * is -1 and *ret_spare the spare's inode (HandleDesc.ino), else 0. */
zx_status_t server_attach_handle_spare(struct client *cl, pid_t pid,
    struct handle *h, int *ret_fd, uint64_t *ret_spare);
/* Whether h is on a socket of its own (held by a process, not in flight
 * nor behind a token). */
bool server_handle_attached(const struct handle *h);
/* The handles (Request.handle_args) the packet being served names. */
void server_dispatching_args(const uint64_t *inos, size_t n);
/* Whether conn's handle, closed now, could leave its socket as a spare
 * (room among its process's spares). */
bool server_can_spare(const struct conn *conn);
/* server_detach_handle, keeping the handle's socket as a spare of its
 * process (true) if there is room (false: closed as by
 * server_detach_handle). */
bool server_detach_to_spare(struct handle *h);
/* Undo server_attach_handle_spare of a handle on a spare: the handle is
 * freed and its socket is a spare again (true), or closed (false). */
bool server_close_to_spare(struct handle *h);
/* The handle whose client end `fd` is (an fd received from a client),
 * or NULL. */
struct handle *server_handle_of_fd(int fd);
/* Tear down a handle's connection and free the handle: its holders see
 * EOF from now on. Also frees a handle in flight. */
void server_close_handle(struct handle *h);
/* A new handle made straight into flight (a duplicate in a channel
 * message): charge it to cl, its sender, until read. */
void server_handle_charge_in_flight(struct client *cl, struct handle *h);
/* Take h off its process without freeing it: the daemon closes its end
 * of h's socket, so every copy of the client's end (dup(2)s included)
 * sees EOF, and h is in flight until server_attach_handle gives it to a
 * process again or server_close_handle frees it. */
void server_detach_handle(struct handle *h);

/* Park the in-flight handle h behind a new token socket pair and return
 * the token's client end (the caller sends or closes it). The token owns
 * h: closing every copy of that end frees h. Until then it counts as one
 * of cl's handles. */
zx_status_t server_token_new(struct client *cl, struct handle *h,
    int *ret_fd);
/* The token whose client end `fd` is (an fd received from a client), or
 * NULL. */
struct conn *server_token_find(int fd);
/* Call fn on the handle behind each export token. */
void server_foreach_token(void (*fn)(struct handle *h, void *arg),
    void *arg);
/* Destroy a token; the handle behind it, if still there, is freed. Set
 * tok->handle to NULL first to keep it. */
void server_token_close(struct conn *tok);

/* Client records are shared by their connections and by anything else
 * that must reach the process later (a call waiting for its reply, VMO
 * accounting). */
struct client *server_client_ref(struct client *cl);
void server_client_unref(struct client *cl);

/*
 * The one settle primitive. Closing a handle is a close() the daemon
 * sees later, as EOF; Zircon's close is synchronous. Before an answer a
 * close changes (a limit, a range still held, what a device reaches),
 * take the closes that are already there: close every handle whose
 * client end is gone with no request left before it and that `pick`
 * selects (NULL: any), never the one the packet being served came on or
 * carries. One walk finds them, then they are closed in turn (a close may
 * free others: those are skipped), and it walks again until none is
 * left. Returns how many it closed; each may have destroyed objects.
 */
size_t server_settle(bool (*pick)(const struct handle *h, void *arg),
    void *arg);
/* Time every request from now on, afresh (on), or stop (daemon/timing.h):
 * the kernel stamps what arrives on every connection while on. */
void server_timing(bool on);
/* server_settle of the handles of client `cl`. */
size_t server_settle_client(struct client *cl);
/* Close the handles, named by inode, that conn's process closed without
 * waiting (Request.closed): those still open and its own. */
void server_close_listed(struct conn *conn, const uint64_t *ids, size_t n);
/* server_settle of the handles of object `o` (walks only those: it
 * costs nothing more with 1,000 clients connected). */
size_t server_settle_object(struct object *o);
/* Connected clients, less those whose control connection has hung up
 * (EOF waiting to be read). */
size_t server_client_count(void);
/* account_charge, once more after taking the client's closes and
 * spares if it is over a limit. */
zx_status_t server_charge(struct client *cl, enum acct_kind kind,
    uint64_t n);
/* Spare sockets held for every client (conn.spare). */
size_t server_spare_count(void);
struct client *server_client_first(void);
uint64_t server_uptime_ns(void);

#endif
