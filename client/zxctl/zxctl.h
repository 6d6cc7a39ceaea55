/*
 * zxctl: show what zxd holds.
 *
 *	zxctl [--socket PATH] COMMAND [ARG] [--json]
 *
 * One control connection (proto/conn.c, as libzx's), HELLO, then the
 * operator requests of proto/zxd.proto (200-219), paging through lists
 * until the daemon says there is no more. Human output is aligned
 * tables; --json prints one JSON document (json-c) whose schema zxctl(1)
 * documents. Commands are data: the table in zxctl.c, one cmd-NAME.c
 * each; output.c has what they share (text, tables, JSON).
 */
#ifndef ZXD_ZXCTL_H
#define ZXD_ZXCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json.h>

#include <zircon/types.h>

#include "proto/wire.h"

/* Exit statuses (zxctl(1)). */
enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,	/* the daemon answered with an error */
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,	/* no daemon at the socket */
	EXIT_PROTOCOL = 4,	/* a reply zxctl cannot use; out of memory */
};

/* Version of the JSON documents' layout; bumped only when a field
 * changes meaning or goes away (new fields may appear in any version). */
#define JSON_FORMAT 1

struct ctl {
	const char *socket;
	const char *command;
	bool json;
	int fd;
	uint64_t txid;
	uint8_t *buf;
	/* Replies kept until the output is printed (their strings and
	 * messages are what the tables point into). */
	Zxd__Reply **replies;
	size_t n_replies;
};

struct command {
	const char *name;
	const char *args;		/* "" or "[PID]", "KOID", ... */
	int min_args, max_args;
	const char *summary;
	const char *help;
	int (*run)(struct ctl *ctl, char **argv, int argc);
};

/* ---- the commands (cmd-NAME.c) ---- */
int cmd_status(struct ctl *ctl, char **argv, int argc);
int cmd_objects(struct ctl *ctl, char **argv, int argc);
int cmd_ports(struct ctl *ctl, char **argv, int argc);
/* A port's or a timer's part of an object's JSON (cmd-ports.c). */
json_object *jport(const Zxd__PortView *p);
json_object *jtimer(const Zxd__TimerView *t);
int cmd_handles(struct ctl *ctl, char **argv, int argc);
int cmd_maps(struct ctl *ctl, char **argv, int argc);
int cmd_iob(struct ctl *ctl, char **argv, int argc);
int cmd_phys(struct ctl *ctl, char **argv, int argc);
int cmd_bti(struct ctl *ctl, char **argv, int argc);

/* ---- talking to zxd, errors, arguments (zxctl.c) ---- */

/*
 * Report a failure: a line on stderr and, with --json, a document with
 * an "error" member on stdout, so a script always gets one document.
 * status is the daemon's answer, or ZX_OK when there is none. Returns
 * `code`.
 */
int fail(const struct ctl *ctl, int code, zx_status_t status,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* One request whose reply must be OK with body `want`. `what` names
 * the thing asked about, for messages. Connects on first use, so bad
 * arguments are reported without a daemon. Returns an exit status. */
int call(struct ctl *ctl, Zxd__Request *req, Zxd__Reply__BodyCase want,
    const char *what, Zxd__Reply **ret);
/* A listing the daemon answers in pages: `req`, whose cursor is *after,
 * asked again until the cursor comes back 0 (it must move forward);
 * `read` takes one reply (body `want`) apart into a page, and keeps what
 * else the command wants of it through `arg`. */
struct page {
	void *const *items;
	size_t n;
	uint64_t next;		/* the cursor for the next page; 0: done */
};
struct listing {
	Zxd__Request *req;
	uint64_t *after;
	Zxd__Reply__BodyCase want;
	const char *what;
	void (*read)(const Zxd__Reply *rep, struct page *pg, void *arg);
	void *arg;
};
/* Every page's items, appended to *all (n so far; replies stay in ctl,
 * so the items live as long as it). Returns an exit status. */
int list_all(struct ctl *ctl, const struct listing *l, void *all,
    size_t *n);
/* zxctl objects' and zxctl ports' listing: every object the asker may
 * see (cmd-objects.c); *visible_all: all of them, not only its own. */
int list_objects(struct ctl *ctl, Zxd__ObjectView ***all, size_t *n,
    bool *visible_all);
/* A decimal (or 0x hex) argument up to max. */
bool parse_u64(const char *s, uint64_t max, uint64_t *ret);

/* ---- shared output (output.c) ---- */

/* A type's name: Zircon's ZX_OBJ_TYPE_ suffix in lower case. */
const char *type_name(uint32_t type, char buf[16]);
/* Allocating helpers that exit(EXIT_PROTOCOL) when memory runs out. */
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s with control and invalid characters escaped (allocated). */
char *printable(const char *s);
char *human_size(uint64_t n);
char *human_duration(uint64_t ns);
/* "cmd[pid]xN ..." for a holders list, "-" when empty (allocated). */
char *holders_text(Zxd__Holder **hs, size_t n, uint32_t omitted);
char *koid_or_dash(uint64_t koid);
const char *scope_text(bool all);

/* How tables print (zxctl.c sets it from the options): -o's list of
 * columns (NULL: all), --no-legend, --numeric. */
struct table_opts {
	const char *columns;
	bool no_legend;
	bool numeric;
};
extern struct table_opts table_opts;

/* A handle's rights as Zircon's names, or hex with --numeric. */
char *rights_text(zx_rights_t rights);

/* Aligned tables: heads and one 'l' or 'r' per column; rows of
 * allocated cells (taken), printed once complete. */
struct table {
	size_t ncols;
	const char *const *heads;
	const char *align;		/* 'l' or 'r' per column */
	char **cells;			/* printable, owned */
	size_t nrows, cap;
};
void table_init(struct table *t, const char *const *heads,
    const char *align);
void table_row(struct table *t, ...);
void table_print(struct table *t);

/* JSON (json-c), exiting on out of memory. */
json_object *jnew(void);
json_object *jarray(void);
void jset(json_object *o, const char *key, json_object *v);
void ju64(json_object *o, const char *key, uint64_t v);
void jstr(json_object *o, const char *key, const char *s);
void ji64(json_object *o, const char *key, int64_t v);
void jbool(json_object *o, const char *key, bool v);
/* The envelope every document has. */
json_object *jdoc(const struct ctl *ctl);
/* Print j on stdout and free it. */
void jprint(json_object *j);
json_object *jholders(Zxd__Holder **hs, size_t n);

#endif
