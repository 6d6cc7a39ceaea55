/* The listening socket, control connections and handle sockets. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon/account.h"
#include "daemon/collect.h"
#include "daemon/delivery.h"
#include "daemon/dispatch.h"
#include "daemon/log.h"
#include "daemon/replysock.h"
#include "daemon/server.h"
#include "daemon/timing.h"
#include "proto/wire.h"
#include "objects/channel.h"
#include "objects/port.h"

/* Packets handled per wakeup of one connection. libzx has at most one
 * call in flight per socket, so after one packet the next read would
 * almost always be a wasted EAGAIN; epoll is level-triggered, so a
 * client that pipelines is simply served again on the next turn, after
 * everyone else. */
#define CONN_BURST 1

/*
 * Who is served first. A loop turn serves every ready connection once
 * (round robin, above); with 1,000 busy clients a turn lasts tens of
 * milliseconds. Newcomers should not wait for it: the listener and a
 * control connection's first two packets (HELLO and its first call:
 * all of `zxctl status`) have libevent priority PRIO_FIRST, everything
 * else PRIO_CONN, so a turn serves them first; and every
 * SERVER_TURN_SLICE connection callbacks the turn stops to look at
 * them alone (serve_first: accept, and a small epoll set of the
 * newcomers' sockets, so the look costs nothing with 1,000 busy
 * connections), then goes on where it was.
 */
#define PRIO_FIRST	0
#define PRIO_CONN	1
#define SERVER_TURN_SLICE 32
#define FIRST_PACKETS	2

static struct {
	struct event_base *base;
	const struct config *cfg;
	int listen_fd;
	struct event *listen_ev;
	struct event *backoff_ev;
	char *bound_path;
	struct conn *conns;
	struct conn *tokens;		/* by token_ino */
	struct client *clients;
	size_t nclients;
	uint64_t next_client_id;
	struct timespec start;
	uint8_t *rxbuf;
	struct conn **settling;		/* server_settle's list, while it
					 * closes (conn_unlink empties slots) */
	struct conn *dispatching;	/* the conn whose packet is handled */
	struct wire_msg *dispatching_msg;	/* and the packet */
	const uint64_t *dispatching_inos;	/* its Request.handle_args */
	size_t dispatching_ninos;
	int spare_fd;			/* given up to refuse when out of fds */
	struct event *trim_ev;		/* heap trim after disconnects */
	int first_ep;			/* epoll set of newcomers' sockets */
	unsigned since_first;		/* callbacks since serve_first */
	bool serving_first;
} srv = { .listen_fd = -1, .spare_fd = -1, .first_ep = -1 };

static void conn_read_cb(evutil_socket_t fd, short what, void *arg);

const struct config *
server_config(void)
{
	return srv.cfg;
}

struct event_base *
server_base(void)
{
	return srv.base;
}

uint64_t
server_uptime_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - srv.start.tv_sec) * 1000000000ull +
	    (uint64_t)(now.tv_nsec - srv.start.tv_nsec);
}

static bool conn_at_eof(const struct conn *c);
static bool conn_spare(struct conn *c, bool ack);

size_t
server_client_count(void)
{
	size_t n = srv.nclients;

	/* Less those gone whose end the loop has not reached yet: a
	 * newcomer asking is served before the disconnects ahead of it. */
	for (struct conn *c = srv.conns; c != NULL; c = c->next)
		if (c->handle == NULL && !c->token && !c->spare &&
		    c != srv.dispatching && conn_at_eof(c))
			n--;
	return n;
}

size_t
server_spare_count(void)
{
	size_t n = 0;

	for (struct client *cl = srv.clients; cl != NULL; cl = cl->next)
		n += cl->nspares;
	return n;
}

struct client *
server_client_first(void)
{
	return srv.clients;
}

struct client *
server_client_ref(struct client *cl)
{
	cl->refcount++;
	return cl;
}

void
server_client_unref(struct client *cl)
{
	if (cl == NULL || --cl->refcount > 0)
		return;
	account_client_free(cl);
	port_account_unref(cl->port_acct);
	free(cl);
}

/* Whether the kernel stamps what arrives on fd (daemon/timing.h). */
static void
conn_stamp(int fd, bool on)
{
	int v = on;

	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &v, sizeof(v));
}

void
server_timing(bool on)
{
	if (on)
		timing_start();
	else
		timing_stop();
	for (struct conn *c = srv.conns; c != NULL; c = c->next)
		if (!c->token)
			conn_stamp(c->fd, on);
}

static struct conn *
conn_new(int fd, struct client *cl, pid_t pid)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	if (timing_on)
		conn_stamp(fd, true);
	c->fd = fd;
	c->pid = pid;
	c->ev = event_new(srv.base, fd, EV_READ | EV_PERSIST, conn_read_cb, c);
	if (c->ev == NULL || event_add(c->ev, NULL) < 0) {
		if (c->ev != NULL)
			event_free(c->ev);
		free(c);
		return NULL;
	}
	c->client = cl;
	cl->refcount++;
	c->next = srv.conns;
	if (srv.conns != NULL)
		srv.conns->prev = c;
	srv.conns = c;
	return c;
}

/* Close the socket and take c out of the list; c is freed by the
 * caller. */
static void
conn_unlink(struct conn *c)
{
	event_free(c->ev);
	if (c->settle_slot != 0)
		srv.settling[c->settle_slot - 1] = NULL;
	c->settle_slot = 0;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv.conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
}

/* A newcomer's socket leaves the first-served set. */
static void
conn_first_done(struct conn *c)
{
	if (c->first == 0)
		return;
	c->first = 0;
	if (srv.first_ep >= 0)
		epoll_ctl(srv.first_ep, EPOLL_CTL_DEL, c->fd, NULL);
	event_priority_set(c->ev, PRIO_CONN);
}

/* Take c off its client's spares. */
static void
spare_unlink(struct client *cl, struct conn *c)
{
	for (struct conn **pp = &cl->spares; *pp != NULL;
	    pp = &(*pp)->spare_next) {
		if (*pp == c) {
			*pp = c->spare_next;
			cl->nspares--;
			break;
		}
	}
	c->spare_next = NULL;
	c->spare = false;
}

static void
conn_close(struct conn *c)
{
	struct client *cl = c->client;

	/* Messages pushed to this handle come back to its endpoint's
	 * queue first (they may hold handles on other connections). */
	if (c->handle != NULL && !c->token)
		delivery_handle_leaving(c->handle);
	conn_first_done(c);
	conn_unlink(c);
	/* The client's synchronous close returns when it sees this end
	 * close (zx_handle_close): what the close causes (a peer's
	 * PEER_CLOSED, a parent's ZERO_CHILDREN) must be done by then, so
	 * the descriptor goes last. */
	if (c->token) {
		HASH_DEL(srv.tokens, c);
		cl->nhandles--;
		handle_free(c->handle);
	} else if (c->handle != NULL) {
		cl->nhandles--;
		handle_free(c->handle);
	} else if (c->spare) {
		spare_unlink(cl, c);
		account_uncharge(cl, ACCT_FDS, 1);
	} else {
		cl->connected = false;
		/* Its spares would carry only its own new handles. */
		while (cl->spares != NULL)
			conn_close(cl->spares);
		account_client_disconnected(cl);
		if (cl->prev != NULL)
			cl->prev->next = cl->next;
		else
			srv.clients = cl->next;
		if (cl->next != NULL)
			cl->next->prev = cl->prev;
		srv.nclients--;
		/* What it held is free: give the heap back to the system
		 * once the burst of closes is over. */
		if (srv.trim_ev != NULL &&
		    !evtimer_pending(srv.trim_ev, NULL)) {
			struct timeval tv = { 0, 500000 };

			evtimer_add(srv.trim_ev, &tv);
		}
		/* The process is gone (or exec'd): so is its address space. */
		dispatch_client_gone(cl);
		log_ctx_msg(7, LOG_CLIENT(cl), "client %llu (pid %d uid %u "
		    "%s) disconnected", (unsigned long long)cl->id,
		    (int)cl->pid, (unsigned)cl->uid, cl->comm);
	}
	close(c->fd);
	free(c);
	server_client_unref(cl);
	/* What it held may have been the last way to read a queue. */
	collect_soon();
}

/* Whether h is one of the handles the packet being served carries: the
 * handler may hold it. */
static bool
in_dispatch(const struct handle *h)
{
	const struct wire_msg *m = srv.dispatching_msg;
	struct stat st;

	for (size_t i = 0; i < srv.dispatching_ninos; i++)
		if (srv.dispatching_inos[i] == h->ino)
			return true;
	for (size_t i = 0; m != NULL && i < m->nfds; i++)
		if (m->fds[i] >= 0 && fstat(m->fds[i], &st) == 0 &&
		    (uint64_t)st.st_ino == h->ino)
			return true;
	return false;
}

void
server_close_handle(struct handle *h)
{
	if (h->conn != NULL)
		conn_close(h->conn);
	else
		handle_free(h);
}

/* Whether b is a close packet's byte (proto/wire.h). */
static bool
is_close_byte(unsigned char b)
{
	return b == WIRE_CLOSE || b == WIRE_CLOSE_ACK || b == WIRE_UNPIN;
}

/* What comes first on a socket: nothing, EOF (the client's end is
 * gone), a close packet (WIRE_CLOSE, WIRE_CLOSE_ACK, WIRE_UNPIN) or a
 * request. */
enum pending { PEND_NONE, PEND_EOF, PEND_CLOSE, PEND_REQUEST };

static enum pending
conn_pending(const struct conn *c)
{
	unsigned char b;
	ssize_t n = recv(c->fd, &b, 1, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);

	if (n == 0)
		return PEND_EOF;
	if (n == 1 && is_close_byte(b))
		return PEND_CLOSE;
	return n < 0 ? PEND_NONE : PEND_REQUEST;
}

/* Whether the client end of a socket is gone, with nothing left to
 * read. */
static bool
conn_at_eof(const struct conn *c)
{
	return conn_pending(c) == PEND_EOF;
}

/* Whether a settle may close c now (its client closed it: EOF or a close
 * packet waits; and it is not the packet being served's). */
static bool
conn_settles(struct conn *c)
{
	enum pending p;

	if (c->handle == NULL || c->token || c == srv.dispatching)
		return c->token && c != srv.dispatching &&
		    !in_dispatch(c->handle) && conn_at_eof(c);
	p = conn_pending(c);
	return (p == PEND_EOF || p == PEND_CLOSE) && !in_dispatch(c->handle);
}

/* The close packet just read from c (creds in m): the handle is closed
 * and its socket kept as a spare; one another process sent is dropped
 * (a copy of the descriptor is no handle). WIRE_UNPIN unpins a PMT
 * first (zx_pmt_unpin), so its close quarantines nothing. */
static void
conn_close_packet(struct conn *c, const struct wire_msg *m)
{
	if (!m->has_creds || m->creds.pid != c->pid)
		return;
	if (m->buf[0] == WIRE_UNPIN)
		sys_ddk_unpin_closing(c->handle);
	conn_spare(c, m->buf[0] == WIRE_CLOSE_ACK);
}

/* Whether m is a close packet. */
static bool
is_close_packet(const struct wire_msg *m, ssize_t n)
{
	return n == 1 && m->nfds == 0 && is_close_byte(m->buf[0]);
}

/* Take the close that conn_settles saw on c: EOF closes it, a close
 * packet makes it a spare. */
static void
conn_take_close(struct conn *c)
{
	uint8_t buf[2];
	struct wire_msg m = { .buf = buf };
	ssize_t n;

	if (c->token) {
		conn_close(c);
		return;
	}
	n = wire_recv_into(c->fd, &m, sizeof(buf));
	if (n == -EAGAIN)
		return;
	if (is_close_packet(&m, n)) {
		conn_close_packet(c, &m);
		return;
	}
	wire_msg_clear(&m);
	conn_close(c);
}

/* Whether server_settle should close c now: the pick first, as
 * in_dispatch costs a system call per fd the packet carries. */
static bool
settle_wants(struct conn *c, bool (*pick)(const struct handle *h, void *arg),
    void *arg)
{
	if (c->handle == NULL || c == srv.dispatching)
		return false;
	if (pick != NULL && !pick(c->handle, arg))
		return false;
	return conn_settles(c);
}

size_t
server_settle(bool (*pick)(const struct handle *h, void *arg), void *arg)
{
	size_t n = 0;

	/* Not from inside a settle's own closes. */
	if (srv.settling != NULL)
		return 0;
	for (;;) {
		struct conn **v = NULL, **nv, *c;
		size_t k = 0, cap = 0;

		for (c = srv.conns; c != NULL; c = c->next) {
			if (!settle_wants(c, pick, arg))
				continue;
			if (k == cap) {
				cap = cap ? 2 * cap : 16;
				nv = realloc(v, cap * sizeof(*v));
				/* Out of memory: these first, the rest next. */
				if (nv == NULL)
					break;
				v = nv;
			}
			v[k++] = c;
			c->settle_slot = k;
		}
		if (k == 0) {
			free(v);
			return n;
		}
		srv.settling = v;
		for (size_t i = 0; i < k; i++) {
			/* NULL: freed by an earlier close. */
			c = v[i];
			if (c == NULL)
				continue;
			v[i] = NULL;
			c->settle_slot = 0;
			conn_take_close(c);
			n++;
		}
		srv.settling = NULL;
		free(v);
	}
}

size_t
server_settle_object(struct object *o)
{
	struct conn *c, *tmp;
	struct handle *h;
	size_t n = 0;

	/* o outlives the walk: the packet being served holds a handle to
	 * it, which is never closed here. */
again:
	for (h = o->handles; h != NULL; h = h->obj_next) {
		c = h->conn;
		if (c != NULL && c->handle == h && conn_settles(c)) {
			conn_take_close(c);
			n++;
			goto again;
		}
	}
	/* Handles parked behind an export token have no connection of
	 * their own: the token's (tokens are few). */
	HASH_ITER(hh, srv.tokens, c, tmp) {
		if (c->handle != NULL && c->handle->obj == o &&
		    conn_settles(c)) {
			conn_take_close(c);
			n++;
			goto again;
		}
	}
	return n;
}

static bool
of_client(const struct handle *h, void *arg)
{
	const struct conn *c = h->conn;
	const struct client *cl = arg;

	/* Every connection of the process: its limits are the process's
	 * (daemon/account.c). */
	return c != NULL && (c->client == cl ||
	    (cl->proc != NULL && c->client->proc == cl->proc));
}

size_t
server_settle_client(struct client *cl)
{
	return server_settle(of_client, cl);
}

void
server_close_listed(struct conn *conn, const uint64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct handle *h = handle_table_find(ids[i]);
		struct conn *hc = h != NULL ? h->conn : NULL;
		enum pending p;

		/* The process may close only what it holds; one of those
		 * it says it closed may have been seen at EOF already. */
		if (hc == NULL || hc == conn || hc->token ||
		    !of_client(h, conn->client) || in_dispatch(h))
			continue;
		/* Only a close that waits there: libzx names a close once
		 * its packet is sent (or its descriptor closed), so a socket
		 * with none has been reused since, or the name came early
		 * (a hostile process): either way nothing to close. */
		p = conn_pending(hc);
		if (p == PEND_CLOSE || p == PEND_EOF)
			conn_take_close(hc);
	}
}

void
server_detach_handle(struct handle *h)
{
	struct conn *c = h->conn;

	delivery_handle_leaving(h);
	if (c != NULL) {
		conn_unlink(c);
		close(c->fd);
		c->client->nhandles--;
		server_client_unref(c->client);
		free(c);
	}
	handle_table_remove(h);
	h->conn = NULL;
	h->owner = NULL;
	h->owner_pid = 0;
	handle_set_in_flight(h, true);
}

/* A packet on a token: nothing may be sent there. EOF (every copy of
 * the client's end closed) frees the handle behind it. */
static void
token_read(struct conn *c)
{
	struct wire_msg m = { .buf = srv.rxbuf };
	ssize_t n = wire_recv(c->fd, &m);

	if (n == -EAGAIN)
		return;
	wire_msg_clear(&m);
	if (n != 0)
		log_rate(4, &c->client->lograte[LOG_KIND_PROTOCOL],
		    LOG_KIND_PROTOCOL, LOG_CLIENT(c->client), "client %llu "
		    "(pid %d): packet on an export token, token destroyed",
		    (unsigned long long)c->client->id, (int)c->client->pid);
	conn_close(c);
}

/* Whether m came from another process than c's, through a copy of c's
 * descriptor (one the owner passed on raw, or inherited over fork). Pid
 * 0: sent before the daemon accepted the connection and asked for
 * credentials (SO_PASSCRED), so by the process that connected. */
static pid_t
sender_of(const struct conn *c, const struct wire_msg *m)
{
	return m->has_creds && m->creds.pid != 0 ? m->creds.pid : c->pid;
}

static bool
from_elsewhere(const struct conn *c, const struct wire_msg *m)
{
	return sender_of(c, m) != c->pid;
}

/* A malformed packet such a copy sent: it is dropped, and c, which still
 * belongs to its owner, stays as it was. */
static void
conn_ignore_foreign(struct conn *c, pid_t sender)
{
	log_rate(4, &c->client->lograte[LOG_KIND_PROTOCOL], LOG_KIND_PROTOCOL,
	    LOG_CLIENT(c->client, .koid = c->handle ? c->handle->obj->koid : 0,
	    .message_id = LOG_ID_PROTOCOL),
	    "client %llu (pid %d): malformed packet from pid %d on a copy "
	    "of its %s connection, ignored",
	    (unsigned long long)c->client->id, (int)c->client->pid,
	    (int)sender, c->handle ? "handle" : "control");
}

/* One packet of connection c (it may be closed on return). */
static void
conn_read(struct conn *c)
{
	struct wire_msg m = { .buf = srv.rxbuf };
	int fd = c->fd;

	if (c->token) {
		token_read(c);
		return;
	}
	for (int i = 0; i < CONN_BURST; i++) {
		ssize_t n = wire_recv(fd, &m);
		pid_t sender;
		int r;

		if (n == -EAGAIN)
			return;
		if (n == 0 || c->spare) {
			/* EOF; on a spare, anything (nothing is sent
			 * there). */
			wire_msg_clear(&m);
			conn_close(c);
			return;
		}
		if (c->handle != NULL && is_close_packet(&m, n)) {
			conn_close_packet(c, &m);
			return;
		}
		if (n == -EPROTO && from_elsewhere(c, &m)) {
			conn_ignore_foreign(c, m.creds.pid);
			wire_msg_clear(&m);
			continue;
		}
		if (n < 0) {
			log_rate(4, &c->client->lograte[LOG_KIND_PROTOCOL],
			    LOG_KIND_PROTOCOL, LOG_CLIENT(c->client, .koid =
			    c->handle ? c->handle->obj->koid : 0,
			    .message_id = LOG_ID_PROTOCOL),
			    "client %llu (pid %d uid %u %s): %s on %s "
			    "connection, dropped",
			    (unsigned long long)c->client->id,
			    (int)c->client->pid, (unsigned)c->client->uid,
			    c->client->comm, n == -EPROTO ?
			    "malformed packet" : strerror((int)-n),
			    c->handle ? "handle" : "control");
			conn_close(c);
			return;
		}
		if (c->first == 1)
			conn_first_done(c);
		else if (c->first > 1)
			c->first--;
		srv.dispatching = c;
		srv.dispatching_msg = &m;
		r = dispatch_packet(c, &m);
		srv.dispatching = NULL;
		srv.dispatching_msg = NULL;
		server_dispatching_args(NULL, 0);
		sender = sender_of(c, &m);
		wire_msg_clear(&m);
		if (r == -EPROTO && sender != c->pid) {
			conn_ignore_foreign(c, sender);
			continue;
		}
		if (r == DISPATCH_CLOSE) {
			conn_close(c);
			return;
		}
		if (r == DISPATCH_SPARE) {
			conn_spare(c, false);
			return;
		}
		if (r < 0) {
			log_rate(4, &c->client->lograte[LOG_KIND_PROTOCOL],
			    LOG_KIND_PROTOCOL, LOG_CLIENT(c->client, .koid =
			    c->handle ? c->handle->obj->koid : 0,
			    .message_id = LOG_ID_PROTOCOL),
			    "client %llu (pid %d uid %u %s): protocol error "
			    "on %s connection, dropped",
			    (unsigned long long)c->client->id,
			    (int)c->client->pid, (unsigned)c->client->uid,
			    c->client->comm, c->handle ? "handle" : "control");
			conn_close(c);
			return;
		}
	}
}

static void accept_cb(evutil_socket_t lfd, short what, void *arg);

/* Between connections of a long turn: newcomers first (see above). A
 * newcomer served may close others, so the set is asked again for each
 * one (a closed connection has left it). */
static void
serve_first(void)
{
	struct epoll_event ev;

	srv.since_first = 0;
	srv.serving_first = true;
	if (srv.listen_ev != NULL && event_pending(srv.listen_ev, EV_READ,
	    NULL))
		accept_cb(srv.listen_fd, EV_READ, NULL);
	for (int i = 0; i < 16 && srv.first_ep >= 0 &&
	    epoll_wait(srv.first_ep, &ev, 1, 0) == 1; i++)
		conn_read(ev.data.ptr);
	srv.serving_first = false;
}

static void
conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_read(arg);
	if (!srv.serving_first && ++srv.since_first >= SERVER_TURN_SLICE)
		serve_first();
}

static int
set_passcred(int fd)
{
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

static bool
peer_admitted(int fd, const struct ucred *uc)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);
	size_t n = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0)
		n = len / sizeof(gid_t);
	return config_admits_root(srv.cfg, uc->uid, uc->gid, groups, n);
}

static void
read_comm(pid_t pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	snprintf(buf, size, "?");
	f = fopen(path, "re");
	if (f == NULL)
		return;
	if (fgets(buf, (int)size, f) != NULL)
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static void
trim_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	malloc_trim(0);
}

static void
backoff_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	event_add(srv.listen_ev, NULL);
}

/* Tell a peer we cannot serve why, before its HELLO (a reply with
 * txid 0; libzx reads it when its HELLO finds the socket closed), and
 * close: refusing costs no descriptor for long. */
static void
refuse_peer(int fd, zx_status_t st)
{
	Zxd__Reply rep = ZXD__REPLY__INIT;

	char b[64];

	rep.txid = 0;
	rep.status = st;
	(void)wire_send(fd, &rep.base, NULL, 0);
	/* A HELLO left unread would make the peer's first recv fail with
	 * ECONNRESET (libzx then reads again). */
	for (int i = 0; i < 4 && recv(fd, b, sizeof(b), MSG_DONTWAIT) > 0; i++)
		;
	close(fd);
}

static void
spare_fd_open(void)
{
	if (srv.spare_fd < 0)
		srv.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* Connections accepted per wakeup of the listener: a burst of
 * newcomers (1,000 clients starting at once) gets in within a few turns
 * of the loop, not one per turn behind every busy connection. */
#define ACCEPT_BURST 64

static bool accept_one(evutil_socket_t lfd);

static void
accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	(void)what;
	(void)arg;
	for (int i = 0; i < ACCEPT_BURST && accept_one(lfd); i++)
		;
}

/* Accept (or refuse) one newcomer; false when there is none left or
 * accepting must pause. */
static bool
accept_one(evutil_socket_t lfd)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	struct client *cl;
	struct conn *c;
	zx_status_t st;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE) &&
	    srv.spare_fd >= 0) {
		/* Out of descriptors: with the one kept for this, take the
		 * newcomer and tell it, rather than leave it waiting. */
		close(srv.spare_fd);
		srv.spare_fd = -1;
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			log_rate(4, NULL, LOG_KIND_ACCEPT, NULL, "accept: out of "
			    "descriptors; newcomers refused with "
			    "ZX_ERR_NO_RESOURCES");
			refuse_peer(fd, ZX_ERR_NO_RESOURCES);
		}
		spare_fd_open();
		return false;
	}
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* Out of descriptors: stop accepting for a while
			 * rather than spin on a listener that stays ready. */
			struct timeval tv = { 0, 100000 };

			log_rate(4, NULL, LOG_KIND_ACCEPT, NULL, "accept: %s; "
			    "pausing new connections", strerror(errno));
			event_del(srv.listen_ev);
			event_add(srv.backoff_ev, &tv);
		}
		return false;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0 ||
	    set_passcred(fd) < 0) {
		close(fd);
		return true;
	}
	cl = calloc(1, sizeof(*cl));
	if (cl == NULL) {
		refuse_peer(fd, ZX_ERR_NO_MEMORY);
		return true;
	}
	cl->id = ++srv.next_client_id;
	cl->mem_fd = -1;
	cl->pid = uc.pid;
	cl->uid = uc.uid;
	cl->gid = uc.gid;
	cl->refcount = 1;
	cl->root_admitted = peer_admitted(fd, &uc);
	read_comm(uc.pid, cl->comm, sizeof(cl->comm));
	st = account_client_new(cl);
	if (st != ZX_OK) {
		/* Over a connection limit or the descriptor budget. */
		refuse_peer(fd, st);
		account_client_disconnected(cl);
		server_client_unref(cl);
		return true;
	}
	c = conn_new(fd, cl, uc.pid);
	if (c == NULL) {
		refuse_peer(fd, ZX_ERR_NO_MEMORY);
		account_client_disconnected(cl);
		server_client_unref(cl);
		return true;
	}
	server_client_unref(cl);	/* the connection holds it now */
	c->first = FIRST_PACKETS;
	event_priority_set(c->ev, PRIO_FIRST);
	if (srv.first_ep >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

		epoll_ctl(srv.first_ep, EPOLL_CTL_ADD, fd, &ev);
	}
	cl->connected = true;
	cl->next = srv.clients;
	if (srv.clients != NULL)
		srv.clients->prev = cl;
	srv.clients = cl;
	srv.nclients++;
	log_ctx_msg(7, LOG_CLIENT(cl), "client %llu (pid %d uid %u %s) "
	    "connected%s", (unsigned long long)cl->id, (int)cl->pid,
	    (unsigned)cl->uid, cl->comm,
	    cl->root_admitted ? ", admitted to the root resource" : "");
	return true;
}

static void
drop_spares(struct client *cl)
{
	while (cl->spares != NULL)
		conn_close(cl->spares);
}

/*
 * Make room for a charge that failed, in stages: 0, the closes the client
 * has made already and its own spares; 1, the spares of the other
 * processes of its uid; 2, everyone's. Spares are a cache (each holds one
 * of the daemon's descriptors, charged to its process and uid): a
 * process that loses one only makes its next handle's socket afresh, so
 * idle spares never keep a descriptor from a process that needs it
 * (tests/stress/load: 500 processes of one uid with their spares
 * exhausted its share).
 */
static void
make_room(struct client *cl, int stage)
{
	struct client *c, *next;

	if (stage == 0) {
		server_settle_client(cl);
		drop_spares(cl);
		return;
	}
	for (c = srv.clients; c != NULL; c = next) {
		next = c->next;
		if (c == cl || c->spares == NULL ||
		    (stage == 1 && c->uid != cl->uid))
			continue;
		server_client_ref(c);
		drop_spares(c);
		server_client_unref(c);
	}
}

/* The stages of make_room there are. */
#define ROOM_STAGES	3

zx_status_t
server_charge(struct client *cl, enum acct_kind kind, uint64_t n)
{
	zx_status_t st = account_charge(cl, kind, n);

	for (int stage = 0; st != ZX_OK && stage < ROOM_STAGES; stage++) {
		make_room(cl, stage);
		st = account_charge(cl, kind, n);
	}
	return st;
}

/* Charge a handle paid for by `old` (NULL: nobody yet) to cl: a handle
 * read from a channel or imported moves from its sender to its reader. */
static zx_status_t
charge_handle(struct client *cl, struct client *old)
{
	zx_status_t st;

	for (int stage = 0;; stage++) {
		if (old == cl)
			return ZX_OK;
		st = old != NULL ? account_move(old, cl, ACCT_HANDLES, 1) :
		    account_charge(cl, ACCT_HANDLES, 1);
		if (st == ZX_OK || stage == ROOM_STAGES)
			return st;
		/* Handles the client closed just now may make room; so
		 * may spares' descriptors. */
		make_room(cl, stage);
	}
}

/* Undo charge_handle. */
static void
uncharge_handle(struct client *cl, struct client *old)
{
	if (old == cl)
		return;
	if (old != NULL)
		account_force(old, ACCT_HANDLES, 1);
	account_uncharge(cl, ACCT_HANDLES, 1);
}

void
server_handle_charge_in_flight(struct client *cl, struct handle *h)
{
	/* Past the limit if need be: the message is built, and is at most
	 * 64 handles over. */
	account_force(cl, ACCT_HANDLES, 1);
	h->payer = server_client_ref(cl);
}

/* object_unref's hook: what an object held of the daemon's own comes
 * back to whoever made it. */
static void
object_released(struct object *o)
{
	struct client *cl = o->payer;

	o->payer = NULL;
	account_uncharge(cl, ACCT_FDS, o->payer_fds);
	account_uncharge(cl, ACCT_MEMORY, o->payer_bytes);
	server_client_unref(cl);
}

/* handle_free's hook: what the handle cost its payer comes back. */
static void
handle_released(struct handle *h)
{
	struct client *cl = h->payer;

	if (cl == NULL)
		return;
	h->payer = NULL;
	account_uncharge(cl, ACCT_HANDLES, 1);
	server_client_unref(cl);
}

/* h is on c now, owned by cl (charged already). */
static void
conn_bind(struct conn *c, struct client *cl, pid_t pid, struct handle *h,
    struct client *old)
{
	c->handle = h;
	h->conn = c;
	h->owner = cl;
	h->owner_pid = pid;
	if (old != cl) {
		h->payer = server_client_ref(cl);
		server_client_unref(old);
	}
	handle_set_in_flight(h, false);
	cl->nhandles++;
}

/* c joins cl's spares, its descriptor charged to cl. */
static void
spare_push(struct client *cl, struct conn *c)
{
	c->spare = true;
	c->spare_next = cl->spares;
	cl->spares = c;
	cl->nspares++;
	account_force(cl, ACCT_FDS, 1);
}

/* Take c's handle off it (the handle itself is the caller's to free or
 * put in flight) and make c a spare of its client: its descriptor stays
 * charged, where the handle's charge covered it. */
static void
conn_unbind(struct conn *c)
{
	struct client *cl = c->client;
	struct handle *h = c->handle;

	delivery_handle_leaving(h);
	conn_first_done(c);
	c->spare_ino = h->ino;
	c->handle = NULL;
	h->conn = NULL;
	spare_push(cl, c);
	cl->nhandles--;
}

/*
 * c's client closed its handle with a close packet (ack: it waits for
 * the byte back): close the handle as at EOF, with every effect, and
 * keep the socket as a spare for the process's next new handle, charged
 * as the handle was. Over WIRE_SPARES_MAX, or once the process has hung
 * up, the socket closes instead (an acking client then sees EOF, which
 * it also takes as the close done).
 */
static bool
conn_spare(struct conn *c, bool ack)
{
	struct client *cl = c->client;
	struct handle *h = c->handle;
	uint8_t b = WIRE_CLOSE_ACK;

	if (cl->nspares >= WIRE_SPARES_MAX || !cl->connected) {
		conn_close(c);
		return false;
	}
	conn_unbind(c);
	handle_free(h);
	/* What it held may have been the last way to read a queue. */
	collect_soon();
	if (ack && send(c->fd, &b, 1, MSG_DONTWAIT | MSG_NOSIGNAL) != 1) {
		conn_close(c);
		return false;
	}
	return true;
}

bool
server_detach_to_spare(struct handle *h)
{
	struct conn *c = h->conn;

	if (c == NULL || c->handle != h || c->token ||
	    c->client->nspares >= WIRE_SPARES_MAX || !c->client->connected) {
		server_detach_handle(h);
		return false;
	}
	conn_unbind(c);
	handle_table_remove(h);
	h->owner = NULL;
	h->owner_pid = 0;
	handle_set_in_flight(h, true);
	return true;
}

bool
server_handle_attached(const struct handle *h)
{
	const struct conn *c = h->conn;

	return c != NULL && c->handle == h && !c->token;
}

void
server_dispatching_args(const uint64_t *inos, size_t n)
{
	srv.dispatching_inos = inos;
	srv.dispatching_ninos = n;
}

bool
server_can_spare(const struct conn *c)
{
	return c->handle != NULL && !c->token && c->client->connected &&
	    c->client->nspares < WIRE_SPARES_MAX;
}

bool
server_close_to_spare(struct handle *h)
{
	struct conn *c = h->conn;

	if (c != NULL && c->handle == h && !c->token)
		return conn_spare(c, false);
	server_close_handle(h);
	return false;
}

zx_status_t
server_attach_handle_spare(struct client *cl, pid_t pid, struct handle *h,
    int *ret_fd, uint64_t *ret_spare)
{
	struct client *old = h->payer;
	struct conn *c = cl->spares;
	zx_status_t zst;

	*ret_spare = 0;
	if (c == NULL || c->pid != pid || !cl->connected)
		return server_attach_handle(cl, pid, h, ret_fd);
	/* The spare's descriptor charge makes room for the handle's. */
	spare_unlink(cl, c);
	account_uncharge(cl, ACCT_FDS, 1);
	zst = charge_handle(cl, old);
	if (zst == ZX_OK) {
		zst = handle_table_add(h, c->spare_ino);
		if (zst != ZX_OK)
			uncharge_handle(cl, old);
	}
	if (zst != ZX_OK) {
		spare_push(cl, c);
		return zst;
	}
	conn_bind(c, cl, pid, h, old);
	*ret_fd = -1;
	*ret_spare = c->spare_ino;
	return ZX_OK;
}

zx_status_t
server_attach_handle(struct client *cl, pid_t pid, struct handle *h,
    int *ret_fd)
{
	struct client *old = h->payer;
	struct stat st;
	struct conn *c;
	zx_status_t zst;
	int sv[2];

	zst = charge_handle(cl, old);
	if (zst != ZX_OK)
		return zst;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		uncharge_handle(cl, old);
		return ZX_ERR_NO_RESOURCES;
	}
	if (set_passcred(sv[0]) < 0 || fstat(sv[1], &st) < 0 ||
	    handle_table_add(h, st.st_ino) != ZX_OK)
		goto fail;
	c = conn_new(sv[0], cl, pid);
	if (c == NULL) {
		handle_table_remove(h);
		goto fail;
	}
	conn_bind(c, cl, pid, h, old);
	*ret_fd = sv[1];
	return ZX_OK;
fail:
	close(sv[0]);
	close(sv[1]);
	uncharge_handle(cl, old);
	return ZX_ERR_NO_RESOURCES;
}

zx_status_t
server_token_new(struct client *cl, struct handle *h, int *ret_fd)
{
	struct stat st;
	struct conn *c;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ZX_ERR_NO_RESOURCES;
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) < 0 || fstat(sv[1], &st) < 0)
		goto fail;
	c = conn_new(sv[0], cl, 0);
	if (c == NULL)
		goto fail;
	c->token = true;
	c->token_ino = st.st_ino;
	c->handle = h;
	/* A token counts as a handle of its exporter until it is used or
	 * closed, so tokens cannot pile up past handles_per_client. */
	cl->nhandles++;
	HASH_ADD(hh, srv.tokens, token_ino, sizeof(c->token_ino), c);
	*ret_fd = sv[1];
	return ZX_OK;
fail:
	close(sv[0]);
	close(sv[1]);
	return ZX_ERR_NO_RESOURCES;
}

struct conn *
server_token_find(int fd)
{
	struct stat st;
	uint64_t ino;
	struct conn *c;

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return NULL;
	ino = st.st_ino;
	HASH_FIND(hh, srv.tokens, &ino, sizeof(ino), c);
	return c;
}

void
server_foreach_token(void (*fn)(struct handle *h, void *arg), void *arg)
{
	struct conn *c, *tmp;

	HASH_ITER(hh, srv.tokens, c, tmp)
		if (c->handle != NULL)
			fn(c->handle, arg);
}

void
server_token_close(struct conn *tok)
{
	conn_close(tok);
}

struct handle *
server_handle_of_fd(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return NULL;
	return handle_table_find(st.st_ino);
}

int
server_init(struct event_base *base, const struct config *cfg)
{
	if (event_base_priority_init(base, 2) < 0)
		return -EINVAL;
	srv.base = base;
	srv.first_ep = epoll_create1(EPOLL_CLOEXEC);
	srv.cfg = cfg;
	/* Every socket the daemon reads or writes is served without
	 * blocking; handle sockets are made without O_NONBLOCK. */
	wire_set_nonblocking();
	clock_gettime(CLOCK_MONOTONIC, &srv.start);
	srv.rxbuf = malloc(WIRE_MAX_MSG);
	if (srv.rxbuf == NULL)
		return -ENOMEM;
	srv.backoff_ev = evtimer_new(base, backoff_cb, NULL);
	if (srv.backoff_ev == NULL)
		return -ENOMEM;
	srv.trim_ev = evtimer_new(base, trim_cb, NULL);
	handle_release_hook = handle_released;
	object_payer_release = object_released;
	account_init(cfg);
	spare_fd_open();
	return 0;
}

int
server_adopt_listener(int fd)
{
	/* Credentials on the listener, which accepted connections inherit:
	 * a packet a client sends between the accept and a setsockopt on
	 * the new socket would otherwise come without a sender (pid 0). */
	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 || set_passcred(fd) < 0)
		return -errno;
	srv.listen_fd = fd;
	srv.listen_ev = event_new(srv.base, fd, EV_READ | EV_PERSIST,
	    accept_cb, NULL);
	if (srv.listen_ev == NULL ||
	    event_priority_set(srv.listen_ev, PRIO_FIRST) < 0 ||
	    event_add(srv.listen_ev, NULL) < 0)
		return -ENOMEM;
	return 0;
}

/* Whether a live daemon answers on `path`. */
static bool
socket_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return used;
}

int
server_bind(const char *path)
{
	const struct config *cfg = srv.cfg;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char tmp[sizeof(sa.sun_path)];
	mode_t old;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (socket_in_use(&sa))
		return -EADDRINUSE;
	/* The socket gets its name once it listens, with its final mode
	 * (rename(2) is atomic): whoever sees the file can connect. Where
	 * the path leaves no room for a temporary name, bind it directly. */
	if (snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		strcpy(tmp, path);
	unlink(tmp);
	if (strcmp(tmp, path) == 0)
		unlink(path);
	strcpy(sa.sun_path, tmp);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Bind under a umask that keeps the socket closed until its final
	 * mode is set. */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(fd, SOMAXCONN) < 0)
		goto fail;
	if (cfg->socket_group_set && chown(tmp, (uid_t)-1, cfg->socket_group) < 0)
		goto fail_unlink;
	if (chmod(tmp, cfg->socket_mode) < 0)
		goto fail_unlink;
	if (strcmp(tmp, path) != 0 && rename(tmp, path) < 0)
		goto fail_unlink;
	srv.bound_path = strdup(path);
	r = server_adopt_listener(fd);
	if (r < 0) {
		unlink(path);
		close(fd);
		return r;
	}
	return 0;
fail_unlink:
	r = -errno;
	unlink(tmp);
	close(fd);
	return r;
fail:
	r = -errno;
	close(fd);
	return r;
}

void
server_shutdown(void)
{
	/* Handle connections first: closing a control connection frees
	 * its client once the handles' references are gone. */
	struct conn *c = srv.conns, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		if (c->handle != NULL)
			conn_close(c);
	}
	while (srv.conns != NULL)
		conn_close(srv.conns);
	/* Handles that only channel messages hold (a channel's own handle
	 * in its queue, and longer cycles). */
	channel_release_all();
	replysock_shutdown();
	collect_shutdown();
	if (srv.listen_ev != NULL)
		event_free(srv.listen_ev);
	if (srv.backoff_ev != NULL)
		event_free(srv.backoff_ev);
	if (srv.trim_ev != NULL)
		event_free(srv.trim_ev);
	if (srv.listen_fd >= 0)
		close(srv.listen_fd);
	if (srv.bound_path != NULL) {
		unlink(srv.bound_path);
		free(srv.bound_path);
	}
	free(srv.rxbuf);
	if (srv.first_ep >= 0)
		close(srv.first_ep);
	timing_stop();
	timing_free();
	if (srv.spare_fd >= 0)
		close(srv.spare_fd);
	handle_release_hook = NULL;
	object_payer_release = NULL;
	srv = (typeof(srv)){ .listen_fd = -1, .spare_fd = -1,
	    .first_ep = -1 };
}
