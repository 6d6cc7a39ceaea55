/* Reply sockets kept for zx_channel_call (daemon/replysock.h). */
#include "config-build.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/account.h"
#include "daemon/replysock.h"
#include "daemon/server.h"
#include "uthash.h"

struct replysock_key {
	uint64_t client_id;
	uint64_t ino;
};

struct replysock {
	struct replysock_key key;
	int fd;
	struct event *ev;	/* the thread's end closed, or a stray packet */
	struct client *client;	/* a reference, while kept */
	unsigned refs;		/* calls waiting to answer on it */
	bool dropped;		/* out of the table; freed at refs 0 */
	UT_hash_handle hh;
};

static struct replysock *kept;

static struct replysock *
find(const struct client *cl, uint64_t ino)
{
	struct replysock_key k = { cl->id, ino };
	struct replysock *r;

	HASH_FIND(hh, kept, &k, sizeof(k), r);
	return r;
}

static void
drop(struct replysock *r)
{
	HASH_DEL(kept, r);
	event_free(r->ev);
	r->ev = NULL;
	account_uncharge(r->client, ACCT_FDS, 1);
	r->client->nreplysocks--;
	server_client_unref(r->client);
	r->client = NULL;
	r->dropped = true;
	/* A call still waiting answers on it (into nothing, if the thread
	 * is gone) and closes it then. */
	if (r->refs == 0) {
		close(r->fd);
		free(r);
	}
}

/* Nothing is sent to the daemon on a reply socket: whatever wakes this
 * (EOF: every copy of the thread's end is closed; or a packet) ends it. */
static void
gone_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drop(arg);
}

struct replysock *
replysock_keep(struct client *cl, int fd)
{
	struct replysock *r;
	struct stat st;

	if (cl->nreplysocks >= REPLYSOCK_MAX_PER_CLIENT ||
	    fstat(fd, &st) < 0 || find(cl, st.st_ino) != NULL)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->key.client_id = cl->id;
	r->key.ino = st.st_ino;
	r->fd = fd;
	r->ev = event_new(server_base(), r->fd, EV_READ | EV_CLOSED, gone_cb,
	    r);
	if (r->ev == NULL || server_charge(cl, ACCT_FDS, 1) != ZX_OK)
		goto fail;
	if (event_add(r->ev, NULL) < 0) {
		account_uncharge(cl, ACCT_FDS, 1);
		goto fail;
	}
	r->client = server_client_ref(cl);
	r->refs = 1;
	cl->nreplysocks++;
	HASH_ADD(hh, kept, key, sizeof(r->key), r);
	return r;
fail:
	if (r->ev != NULL)
		event_free(r->ev);
	free(r);
	return NULL;
}

struct replysock *
replysock_get(struct client *cl, uint64_t ino)
{
	struct replysock *r = find(cl, ino);

	if (r != NULL)
		r->refs++;
	return r;
}

int
replysock_fd(const struct replysock *r)
{
	return r->fd;
}

void
replysock_put(struct replysock *r)
{
	if (--r->refs == 0 && r->dropped) {
		close(r->fd);
		free(r);
	}
}

size_t
replysock_count(void)
{
	return HASH_COUNT(kept);
}

void
replysock_shutdown(void)
{
	struct replysock *r, *tmp;

	HASH_ITER(hh, kept, r, tmp)
		drop(r);
}
