/*
 * Accounting by process and by uid.
 *
 * A client record is one control connection; a process may open several
 * (libzx opens one, a hostile program as many as it likes), so nothing is
 * limited per record: every record points at its process's account
 * (keyed by pid while the process has a connection) and at its uid's,
 * and a charge goes to both. What a record pays for outlives it where
 * the thing does: a handle in flight stays charged to its sender until
 * read, a queued message to its writer, memory to its maker; each holds a
 * reference to the record, which holds its accounts.
 *
 * Limits come from zxd.conf's [limits]; the root-resource policy's peers
 * get root_limit_factor times the counts and bytes. The daemon's own
 * descriptors (one per control connection and per handle, one per
 * VMO/IOB memory) are a budget: fd_budget (or RLIMIT_NOFILE) less
 * fd_reserve, which only accepting, refusing and zxctl may use; of the
 * rest one uid, and one process, may hold fd_share_per_uid percent.
 *
 * A refusal is logged once per client record and limit, at notice
 * level, with what was refused; later ones are counted silently.
 */
#include "config-build.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "daemon/account.h"
#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "objects/channel.h"
#include "objects/pmt.h"
#include "uthash.h"

struct acct {
	uint64_t key;			/* pid or uid */
	bool uid;			/* a uid's account */
	bool in_table;			/* findable by key */
	unsigned refcount;		/* client records */
	unsigned live;			/* connected records (process) */
	uint64_t use[ACCT_NKINDS];
	UT_hash_handle hh;
};

static struct acct *procs, *uids;
static const struct config *cfg;
static uint64_t fd_budget;		/* for clients, reserve excluded */
static uint64_t fd_total;		/* charged, all clients */

static const char *const kind_names[ACCT_NKINDS] = {
	[ACCT_CONNECTIONS] = "connections",
	[ACCT_HANDLES] = "handles",
	[ACCT_MEMORY] = "VMO/IOB bytes",
	[ACCT_CHANNEL_BYTES] = "queued channel bytes",
	[ACCT_CHANNEL_MSGS] = "queued channel messages",
	[ACCT_PINNED] = "pinned bytes",
	[ACCT_FDS] = "daemon descriptors",
};

const char *
account_kind_name(enum acct_kind kind)
{
	return kind < ACCT_NKINDS ? kind_names[kind] : "?";
}

/* Queued channel messages count against their writer. */
static zx_status_t
msg_charge(void *payer, uint32_t nbytes)
{
	struct client *cl = payer;
	zx_status_t st = account_charge(cl, ACCT_CHANNEL_MSGS, 1);

	if (st != ZX_OK)
		return st;
	st = account_charge(cl, ACCT_CHANNEL_BYTES, nbytes);
	if (st != ZX_OK)
		account_uncharge(cl, ACCT_CHANNEL_MSGS, 1);
	return st;
}

static void
msg_uncharge(void *payer, uint32_t nbytes)
{
	account_uncharge(payer, ACCT_CHANNEL_MSGS, 1);
	account_uncharge(payer, ACCT_CHANNEL_BYTES, nbytes);
}

static void
msg_release(void *payer)
{
	server_client_unref(payer);
}

static const struct channel_quota msg_quota = {
	.charge = msg_charge,
	.uncharge = msg_uncharge,
	.release = msg_release,
};

static void
pmt_unpinned(struct pmt *p)
{
	struct client *cl = p->payer;

	if (cl == NULL)
		return;
	p->payer = NULL;
	account_uncharge(cl, ACCT_PINNED, p->size);
	server_client_unref(cl);
}

void
account_init(const struct config *c)
{
	struct rlimit rl;
	uint64_t budget = c->fd_budget;

	cfg = c;
	channel_set_quota(&msg_quota);
	pmt_unpinned_hook = pmt_unpinned;
	if (budget == 0) {
		budget = 1024;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur != RLIM_INFINITY)
			budget = (uint64_t)rl.rlim_cur;
		else if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
			budget = UINT32_MAX;
	}
	/* The daemon's own fds (listener, epoll, log, backends) come out of
	 * the reserve too. */
	fd_budget = budget > c->fd_reserve + 32 ? budget - c->fd_reserve - 32 :
	    budget / 2;
	log_debug("descriptor budget: %llu for clients (%llu kept in "
	    "reserve), at most %llu%% per uid", (unsigned long long)fd_budget,
	    (unsigned long long)(budget - fd_budget),
	    (unsigned long long)c->fd_share_per_uid);
}

uint64_t
account_fd_budget(void)
{
	return fd_budget;
}

uint64_t
account_fds_total(void)
{
	return fd_total;
}

static struct acct *
acct_get(struct acct **table, uint64_t key, bool uid)
{
	struct acct *a;

	HASH_FIND(hh, *table, &key, sizeof(key), a);
	if (a != NULL)
		return a;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->key = key;
	a->uid = uid;
	a->in_table = true;
	HASH_ADD(hh, *table, key, sizeof(a->key), a);
	return a;
}

static void
acct_unref(struct acct *a)
{
	if (a == NULL || --a->refcount > 0)
		return;
	if (a->in_table && a->uid)
		HASH_DEL(uids, a);
	else if (a->in_table)
		HASH_DEL(procs, a);
	free(a);
}

/* The limit of `kind` for an account of cl's (0 = none). */
static uint64_t
limit_of(const struct client *cl, enum acct_kind kind, bool uid)
{
	uint64_t v = 0, factor = cl->root_admitted ? cfg->root_limit_factor : 1;

	switch (kind) {
	case ACCT_CONNECTIONS:
		v = uid ? cfg->connections_per_uid :
		    cfg->connections_per_process;
		break;
	case ACCT_HANDLES:
		v = uid ? cfg->handles_per_uid : cfg->handles_per_client;
		break;
	case ACCT_MEMORY:
		v = uid ? cfg->vmo_bytes_per_uid : cfg->vmo_bytes_per_client;
		break;
	case ACCT_CHANNEL_BYTES:
		v = uid ? cfg->channel_bytes_per_uid :
		    cfg->channel_bytes_per_process;
		break;
	case ACCT_CHANNEL_MSGS:
		v = uid ? cfg->channel_messages_per_uid :
		    cfg->channel_messages_per_process;
		break;
	case ACCT_PINNED:
		v = uid ? cfg->pinned_bytes_per_uid :
		    cfg->pinned_bytes_per_process;
		break;
	case ACCT_FDS:
		/* A share of the budget, the same for everyone. */
		v = fd_budget * cfg->fd_share_per_uid / 100;
		return v == 0 ? 1 : v;
	default:
		return 0;
	}
	if (v != 0 && factor > 1)
		v = v > UINT64_MAX / factor ? UINT64_MAX : v * factor;
	return v;
}

uint64_t
account_limit(const struct client *cl, enum acct_kind kind, bool uid)
{
	return limit_of(cl, kind, uid);
}

uint64_t
account_process_use(const struct client *cl, enum acct_kind kind)
{
	return cl->proc != NULL ? cl->proc->use[kind] : 0;
}

uint64_t
account_uid_use(const struct client *cl, enum acct_kind kind)
{
	return cl->user != NULL ? cl->user->use[kind] : 0;
}

static zx_status_t
refusal(enum acct_kind kind)
{
	switch (kind) {
	case ACCT_MEMORY:
	case ACCT_CHANNEL_BYTES:
	case ACCT_PINNED:
		return ZX_ERR_NO_MEMORY;
	default:
		return ZX_ERR_NO_RESOURCES;
	}
}

/* Log a refusal the first time a record hits this limit. */
static void
refused(struct client *cl, enum acct_kind kind, const char *whose,
    uint64_t limit, uint64_t n)
{
	unsigned bit = 1u << (kind * 3 + (whose[0] == 'u' ? 1 :
	    whose[0] == 'p' ? 0 : 2));

	cl->refusals++;
	if (cl->limits_logged & bit)
		return;
	cl->limits_logged |= bit;
	log_rate(5, &cl->lograte[LOG_KIND_REFUSED], LOG_KIND_REFUSED,
	    LOG_CLIENT(cl, .message_id = LOG_ID_LIMIT), "client %llu (pid %d uid %u %s): "
	    "over its %s limit of %llu %s (asked %llu more); refused "
	    "(logged once per client and limit)",
	    (unsigned long long)cl->id, (int)cl->pid, (unsigned)cl->uid,
	    cl->comm, whose, (unsigned long long)limit, kind_names[kind],
	    (unsigned long long)n);
}

static bool
over(uint64_t use, uint64_t n, uint64_t limit)
{
	return limit != 0 && (use > limit || n > limit - use);
}

/* Whether n more of `kind` fit cl's accounts (and the fd budget). */
static zx_status_t
check(struct client *cl, enum acct_kind kind, uint64_t n)
{
	uint64_t lp = limit_of(cl, kind, false), lu = limit_of(cl, kind, true);

	if (cl->proc != NULL && over(cl->proc->use[kind], n, lp)) {
		refused(cl, kind, "process's", lp, n);
		return refusal(kind);
	}
	if (cl->user != NULL && over(cl->user->use[kind], n, lu)) {
		refused(cl, kind, "uid's", lu, n);
		return refusal(kind);
	}
	if (kind == ACCT_FDS && over(fd_total, n, fd_budget)) {
		refused(cl, kind, "daemon's", fd_budget, n);
		return ZX_ERR_NO_RESOURCES;
	}
	return ZX_OK;
}

static void
add(struct client *cl, enum acct_kind kind, uint64_t n)
{
	if (cl->proc != NULL)
		cl->proc->use[kind] += n;
	if (cl->user != NULL)
		cl->user->use[kind] += n;
	if (kind == ACCT_FDS)
		fd_total += n;
}

static void
sub(struct acct *a, enum acct_kind kind, uint64_t n)
{
	if (a == NULL)
		return;
	a->use[kind] = a->use[kind] > n ? a->use[kind] - n : 0;
}

/* Handles and connections each hold one daemon descriptor. */
static bool
takes_fd(enum acct_kind kind)
{
	return kind == ACCT_HANDLES || kind == ACCT_CONNECTIONS;
}

zx_status_t
account_charge(struct client *cl, enum acct_kind kind, uint64_t n)
{
	zx_status_t st = check(cl, kind, n);

	if (st == ZX_OK && takes_fd(kind))
		st = check(cl, ACCT_FDS, n);
	if (st != ZX_OK)
		return st;
	add(cl, kind, n);
	if (takes_fd(kind))
		add(cl, ACCT_FDS, n);
	return ZX_OK;
}

zx_status_t
account_charge_held(struct client *cl, enum acct_kind kind, uint64_t n,
    uint64_t held_proc, uint64_t held_uid)
{
	zx_status_t st;

	if (cl->proc != NULL)
		cl->proc->use[kind] += held_proc;
	if (cl->user != NULL)
		cl->user->use[kind] += held_uid;
	st = check(cl, kind, n);
	if (cl->proc != NULL)
		cl->proc->use[kind] -= held_proc;
	if (cl->user != NULL)
		cl->user->use[kind] -= held_uid;
	if (st == ZX_OK)
		add(cl, kind, n);
	return st;
}

bool
account_same_process(const struct client *a, const struct client *b)
{
	return a == b || (a->proc != NULL && a->proc == b->proc);
}

bool
account_same_uid(const struct client *a, const struct client *b)
{
	return a == b || (a->user != NULL && a->user == b->user);
}

void
account_force(struct client *cl, enum acct_kind kind, uint64_t n)
{
	add(cl, kind, n);
	if (takes_fd(kind))
		add(cl, ACCT_FDS, n);
}

void
account_uncharge(struct client *cl, enum acct_kind kind, uint64_t n)
{
	sub(cl->proc, kind, n);
	sub(cl->user, kind, n);
	if (kind == ACCT_FDS || takes_fd(kind)) {
		if (kind != ACCT_FDS) {
			sub(cl->proc, ACCT_FDS, n);
			sub(cl->user, ACCT_FDS, n);
		}
		fd_total = fd_total > n ? fd_total - n : 0;
	}
}

zx_status_t
account_move(struct client *from, struct client *to, enum acct_kind kind,
    uint64_t n)
{
	zx_status_t st;

	if (from == to || (from->proc == to->proc && from->user == to->user))
		return ZX_OK;
	st = account_charge(to, kind, n);
	if (st == ZX_OK)
		account_uncharge(from, kind, n);
	return st;
}

zx_status_t
account_client_new(struct client *cl)
{
	struct acct *p = acct_get(&procs, (uint64_t)cl->pid, false);
	struct acct *u = acct_get(&uids, (uint64_t)cl->uid, true);
	zx_status_t st;

	if (p != NULL) {
		p->refcount++;
		p->live++;
	}
	if (u != NULL)
		u->refcount++;
	cl->proc = p;
	cl->user = u;
	if (p == NULL || u == NULL)
		return ZX_ERR_NO_MEMORY;
	st = account_charge(cl, ACCT_CONNECTIONS, 1);
	cl->conn_charged = st == ZX_OK;
	return st;
}

void
account_client_disconnected(struct client *cl)
{
	struct acct *p = cl->proc;

	if (cl->conn_charged)
		account_uncharge(cl, ACCT_CONNECTIONS, 1);
	cl->conn_charged = false;
	/* A process with no connection left is gone (or exec'd): a new
	 * one with its pid starts a new account; this one lives on while
	 * what it paid for does. */
	if (p != NULL && --p->live == 0 && p->in_table) {
		HASH_DEL(procs, p);
		p->in_table = false;
	}
}

void
account_client_free(struct client *cl)
{
	acct_unref(cl->proc);
	acct_unref(cl->user);
	cl->proc = cl->user = NULL;
}
