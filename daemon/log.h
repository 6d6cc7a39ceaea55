/* Logging: stderr lines with sd-daemon.h priority prefixes, and, for
 * messages about a client, journal fields when stderr is the journal. */
#ifndef ZXD_LOG_H
#define ZXD_LOG_H

#include <stdint.h>
#include <sys/types.h>

#include <systemd/sd-daemon.h>

extern int log_max_priority;

void log_msg(int priority, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(3, __VA_ARGS__)
#define log_warn(...)	log_msg(4, __VA_ARGS__)
#define log_notice(...)	log_msg(5, __VA_ARGS__)
#define log_info(...)	log_msg(6, __VA_ARGS__)
#define log_debug(...)	log_msg(7, __VA_ARGS__)

/* MESSAGE_ID= of the events an operator searches the journal for
 * (journalctl MESSAGE_ID=...; zxd(8) lists them). */
#define LOG_ID_REFUSED		"5416085729d04cb683f17dd3cadb5448"
#define LOG_ID_LIMIT		"a033acf8968e408d925da21364a037fa"
#define LOG_ID_PROTOCOL		"02671b5312ed4b7baf48c4bbb12c20d9"
#define LOG_ID_RELOADED		"b52b239ebbc143cf9936ff64a75d09e0"
#define LOG_ID_RELOAD_FAILED	"68999544974c4371900ea2226fb85069"

/*
 * What a message is about. Each set member becomes a journal field:
 *   client_id	ZXD_CLIENT_ID=	(0: not set)
 *   pid	ZXD_CLIENT_PID= and OBJECT_PID= (0: not set; uid and comm
 *		are only used with a pid)
 *   uid	ZXD_CLIENT_UID=
 *   comm	ZXD_CLIENT_COMM=	(NULL: not set)
 *   koid	ZXD_KOID=	(0: not set)
 *   request	ZXD_REQUEST=	(the dispatch name; NULL: not set)
 * and message_id is MESSAGE_ID=.
 * The message text should still say what matters: on plain stderr the
 * fields are not printed.
 */
struct log_ctx {
	const char *message_id;	/* MESSAGE_ID= (one of LOG_ID_*; NULL: none) */
	uint64_t client_id;
	pid_t pid;
	uid_t uid;
	const char *comm;
	uint64_t koid;
	const char *request;
};

/*
 * Log with journal fields. When stderr is connected to the journal
 * (JOURNAL_STREAM names stderr's device and inode, as systemd sets it),
 * the message goes through sd_journal_sendv() with PRIORITY=, MESSAGE=,
 * SYSLOG_IDENTIFIER=zxd and the fields above; otherwise, or if that
 * fails, it is the same "<N>message" line log_msg() writes.
 */
void log_ctx_msg(int priority, const struct log_ctx *ctx, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/*
 * Rate-limited logging, for what a client can make happen at will (bad
 * packets, refusals, accept failures): per client and per kind, at most
 * LOG_RATE_BURST lines per LOG_RATE_WINDOW_S seconds, and as many for
 * all clients together; the next line let through says how many were
 * suppressed meanwhile.
 */
#define LOG_RATE_BURST		5
#define LOG_RATE_WINDOW_S	10

enum log_kind {
	LOG_KIND_ACCEPT,	/* accepting connections */
	LOG_KIND_PROTOCOL,	/* malformed packets, dropped connections */
	LOG_KIND_REFUSED,	/* requests refused (limits, policy) */
	LOG_KIND_OTHER,
	LOG_NKINDS
};

/* One client's (or the daemon's) budget for one kind. */
struct log_rate {
	uint64_t window;	/* start of the window, seconds */
	unsigned lines;		/* let through in it */
	unsigned suppressed;	/* since the last line let through */
};

/* Log like log_ctx_msg, unless `rate` (the client's state for `kind`;
 * NULL: only the daemon-wide budget applies) is spent. */
void log_rate(int priority, struct log_rate *rate, enum log_kind kind,
    const struct log_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Lines suppressed so far, all kinds (for zxctl status and tests). */
uint64_t log_suppressed_total(void);

#endif
