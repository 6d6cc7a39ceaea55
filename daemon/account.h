/* What each client process and each uid makes the daemon hold, against
 * the limits of zxd.conf's [limits] (see daemon/account.c). */
#ifndef ZXD_ACCOUNT_H
#define ZXD_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include <zircon/types.h>

struct client;
struct config;

enum acct_kind {
	ACCT_CONNECTIONS,	/* control connections */
	ACCT_HANDLES,		/* held, in flight (sent, unread), tokens */
	ACCT_MEMORY,		/* VMO and IOB bytes */
	ACCT_CHANNEL_BYTES,	/* written to a channel, not read yet */
	ACCT_CHANNEL_MSGS,
	ACCT_PINNED,		/* bytes pinned through BTIs */
	ACCT_FDS,		/* the daemon's descriptors */
	ACCT_NKINDS
};

/* Set up the fd budget (call once the config and RLIMIT_NOFILE are
 * final). */
void account_init(const struct config *cfg);

/* A client record for a new control connection: attach it to its
 * process's and its uid's accounts and charge the connection. ZX_OK, or
 * ZX_ERR_NO_RESOURCES over a connection limit or the fd budget (the
 * record is attached anyway: account_client_free undoes it). */
zx_status_t account_client_new(struct client *cl);
/* The control connection closed (the connection's charge goes). */
void account_client_disconnected(struct client *cl);
/* The record is freed: drop its accounts. */
void account_client_free(struct client *cl);

/* Charge n of `kind` to cl's process and uid: ZX_OK, or the status the
 * limit gives (ZX_ERR_NO_RESOURCES for counts, ZX_ERR_NO_MEMORY for
 * bytes), logged once per client and limit. Handles also take an fd. */
zx_status_t account_charge(struct client *cl, enum acct_kind kind,
    uint64_t n);
/* account_charge as if cl's process held held_proc more and its uid
 * held_uid more (memory the daemon only knows by looking). */
zx_status_t account_charge_held(struct client *cl, enum acct_kind kind,
    uint64_t n, uint64_t held_proc, uint64_t held_uid);
/* Whether client records a and b are of one process / one uid. */
bool account_same_process(const struct client *a, const struct client *b);
bool account_same_uid(const struct client *a, const struct client *b);
/* The same, past any limit (for what cannot be refused). */
void account_force(struct client *cl, enum acct_kind kind, uint64_t n);
void account_uncharge(struct client *cl, enum acct_kind kind, uint64_t n);
/* Move n of `kind` from `from` to `to` (charging only the accounts
 * that differ). */
zx_status_t account_move(struct client *from, struct client *to,
    enum acct_kind kind, uint64_t n);

/* What cl's process / uid holds, and its limit there (0 = none). */
uint64_t account_process_use(const struct client *cl, enum acct_kind kind);
uint64_t account_uid_use(const struct client *cl, enum acct_kind kind);
uint64_t account_limit(const struct client *cl, enum acct_kind kind,
    bool uid);
/* Descriptors charged in all, and the budget for clients. */
uint64_t account_fds_total(void);
uint64_t account_fd_budget(void);
const char *account_kind_name(enum acct_kind kind);

#endif
