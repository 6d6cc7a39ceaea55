/*
 * zxctl: show what zxd holds.
 *
 *	zxctl [--socket PATH] COMMAND [ARG] [--json]
 *
 * It speaks the wire protocol directly (libwire): one control connection,
 * HELLO, then the operator requests of proto/zxd.proto (200-219), paging
 * through lists until the daemon says there is no more. Human output is
 * aligned tables; --json prints one JSON document (json-c) whose schema
 * zxctl(1) documents. Commands are data: the table at the bottom.
 */
#include "config-build.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include <json.h>

#include <zircon/status.h>
#include <zircon/syscalls/iob.h>
#include <zircon/types.h>
#include <zxd/zxd.h>

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

static const struct command commands[];

/* ---- text --------------------------------------------------------------- */

static const char *const type_names[ZX_OBJ_TYPE_UPPER_BOUND] = {
	[ZX_OBJ_TYPE_NONE] = "none",
	[ZX_OBJ_TYPE_PROCESS] = "process",
	[ZX_OBJ_TYPE_THREAD] = "thread",
	[ZX_OBJ_TYPE_VMO] = "vmo",
	[ZX_OBJ_TYPE_CHANNEL] = "channel",
	[ZX_OBJ_TYPE_EVENT] = "event",
	[ZX_OBJ_TYPE_PORT] = "port",
	[ZX_OBJ_TYPE_INTERRUPT] = "interrupt",
	[ZX_OBJ_TYPE_PCI_DEVICE] = "pci_device",
	[ZX_OBJ_TYPE_DEBUGLOG] = "debuglog",
	[ZX_OBJ_TYPE_SOCKET] = "socket",
	[ZX_OBJ_TYPE_RESOURCE] = "resource",
	[ZX_OBJ_TYPE_EVENTPAIR] = "eventpair",
	[ZX_OBJ_TYPE_JOB] = "job",
	[ZX_OBJ_TYPE_VMAR] = "vmar",
	[ZX_OBJ_TYPE_FIFO] = "fifo",
	[ZX_OBJ_TYPE_GUEST] = "guest",
	[ZX_OBJ_TYPE_VCPU] = "vcpu",
	[ZX_OBJ_TYPE_TIMER] = "timer",
	[ZX_OBJ_TYPE_IOMMU] = "iommu",
	[ZX_OBJ_TYPE_BTI] = "bti",
	[ZX_OBJ_TYPE_PROFILE] = "profile",
	[ZX_OBJ_TYPE_PMT] = "pmt",
	[ZX_OBJ_TYPE_SUSPEND_TOKEN] = "suspend_token",
	[ZX_OBJ_TYPE_PAGER] = "pager",
	[ZX_OBJ_TYPE_EXCEPTION] = "exception",
	[ZX_OBJ_TYPE_CLOCK] = "clock",
	[ZX_OBJ_TYPE_STREAM] = "stream",
	[ZX_OBJ_TYPE_MSI] = "msi",
	[ZX_OBJ_TYPE_IOB] = "iob",
	[ZX_OBJ_TYPE_COUNTER] = "counter",
	[ZX_OBJ_TYPE_IOB_SHARED_REGION] = "iob_shared_region",
};

/* A type's name: Zircon's ZX_OBJ_TYPE_ suffix in lower case. */
static const char *
type_name(uint32_t type, char buf[16])
{
	if (type < ZX_OBJ_TYPE_UPPER_BOUND && type_names[type] != NULL)
		return type_names[type];
	snprintf(buf, 16, "type_%u", type);
	return buf;
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL) {
		fprintf(stderr, "zxctl: out of memory\n");
		exit(EXIT_PROTOCOL);
	}
	return d;
}

static char * __attribute__((format(printf, 1, 2)))
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		fprintf(stderr, "zxctl: out of memory\n");
		exit(EXIT_PROTOCOL);
	}
	return s;
}

/*
 * Names and commands come from clients: on a terminal they must not be
 * able to move the cursor or change colours. Printable characters of
 * the locale stay, anything else becomes \xNN.
 */
static char *
printable(const char *s)
{
	size_t len = strlen(s), o = 0;
	char *out = malloc(4 * len + 1);
	mbstate_t mb;

	if (out == NULL)
		return xstrdup("?");
	memset(&mb, 0, sizeof(mb));
	while (*s != '\0') {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &mb);

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0 ||
		    !iswprint((wint_t)wc)) {
			o += (size_t)sprintf(out + o, "\\x%02x",
			    (unsigned char)*s);
			memset(&mb, 0, sizeof(mb));
			n = 1;
		} else {
			memcpy(out + o, s, n);
			o += n;
		}
		s += n;
		len -= n;
	}
	out[o] = '\0';
	return out;
}

/* Columns a printable() string takes. */
static size_t
display_width(const char *s)
{
	size_t n = mbstowcs(NULL, s, 0), w = 0;
	wchar_t *ws;

	if (n == (size_t)-1)
		return strlen(s);
	ws = calloc(n + 1, sizeof(*ws));
	if (ws == NULL)
		return strlen(s);
	mbstowcs(ws, s, n + 1);
	for (size_t i = 0; i < n; i++) {
		int cw = wcwidth(ws[i]);

		w += cw > 0 ? (size_t)cw : 0;
	}
	free(ws);
	return w;
}

/* 0, 512, 4K, 1.5M, 16G: powers of 1024, one decimal when not whole. */
static char *
human_size(uint64_t n)
{
	static const char units[] = "KMGTPE";
	double v = (double)n;
	int u = -1;

	if (n < 1024)
		return xasprintf("%" PRIu64, n);
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (v == (double)(uint64_t)v)
		return xasprintf("%" PRIu64 "%c", (uint64_t)v, units[u]);
	return xasprintf("%.1f%c", v, units[u]);
}

static char *
human_duration(uint64_t ns)
{
	uint64_t s = ns / 1000000000u;
	uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;

	if (d > 0)
		return xasprintf("%" PRIu64 "d %" PRIu64 "h %" PRIu64 "m", d,
		    h, m);
	if (h > 0)
		return xasprintf("%" PRIu64 "h %" PRIu64 "m %" PRIu64 "s", h,
		    m, s % 60);
	if (m > 0)
		return xasprintf("%" PRIu64 "m %" PRIu64 "s", m, s % 60);
	return xasprintf("%" PRIu64 ".%03" PRIu64 "s", s,
	    ns / 1000000u % 1000);
}

/* ---- aligned tables ----------------------------------------------------- */

struct table {
	size_t ncols;
	const char *const *heads;
	const char *align;		/* 'l' or 'r' per column */
	char **cells;			/* printable, owned */
	size_t nrows, cap;
};

static void
table_init(struct table *t, const char *const *heads, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->heads = heads;
	t->align = align;
	t->ncols = strlen(align);
}

/* Add a row of ncols strings; each is taken (freed by table_print). */
static void
table_row(struct table *t, ...)
{
	va_list ap;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->cells = reallocarray(t->cells, t->cap * t->ncols,
		    sizeof(*t->cells));
		if (t->cells == NULL) {
			fprintf(stderr, "zxctl: out of memory\n");
			exit(EXIT_PROTOCOL);
		}
	}
	va_start(ap, t);
	for (size_t i = 0; i < t->ncols; i++) {
		char *s = va_arg(ap, char *);

		t->cells[t->nrows * t->ncols + i] = printable(s);
		free(s);
	}
	va_end(ap);
	t->nrows++;
}

static void
table_print_row(const struct table *t, const size_t *width,
    const char *const *cells)
{
	for (size_t i = 0; i < t->ncols; i++) {
		size_t w = display_width(cells[i]);
		size_t pad = width[i] > w ? width[i] - w : 0;
		bool last = i + 1 == t->ncols;

		if (t->align[i] == 'r')
			printf("%*s%s", (int)pad, "", cells[i]);
		else
			printf("%s%*s", cells[i], last ? 0 : (int)pad, "");
		fputs(last ? "\n" : "  ", stdout);
	}
}

static void
table_print(struct table *t)
{
	size_t *width = calloc(t->ncols, sizeof(*width));

	if (width == NULL)
		exit(EXIT_PROTOCOL);
	for (size_t i = 0; i < t->ncols; i++)
		width[i] = strlen(t->heads[i]);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t i = 0; i < t->ncols; i++) {
			size_t w = display_width(t->cells[r * t->ncols + i]);

			if (w > width[i])
				width[i] = w;
		}
	table_print_row(t, width, t->heads);
	for (size_t r = 0; r < t->nrows; r++)
		table_print_row(t, width,
		    (const char *const *)&t->cells[r * t->ncols]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(width);
}

/* ---- JSON --------------------------------------------------------------- */

static json_object *
jnew(void)
{
	json_object *j = json_object_new_object();

	if (j == NULL) {
		fprintf(stderr, "zxctl: out of memory\n");
		exit(EXIT_PROTOCOL);
	}
	return j;
}

static json_object *
jarray(void)
{
	json_object *j = json_object_new_array();

	if (j == NULL) {
		fprintf(stderr, "zxctl: out of memory\n");
		exit(EXIT_PROTOCOL);
	}
	return j;
}

static void
jset(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static void
ju64(json_object *o, const char *key, uint64_t v)
{
	jset(o, key, json_object_new_uint64(v));
}

static void
jstr(json_object *o, const char *key, const char *s)
{
	jset(o, key, json_object_new_string(s != NULL ? s : ""));
}

static void
jbool(json_object *o, const char *key, bool v)
{
	jset(o, key, json_object_new_boolean(v));
}

/* The envelope every document has. */
static json_object *
jdoc(const struct ctl *ctl)
{
	json_object *j = jnew();

	jset(j, "format", json_object_new_int(JSON_FORMAT));
	jstr(j, "command", ctl->command);
	return j;
}

static void
jprint(json_object *j)
{
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

static json_object *
jholders(Zxd__Holder **hs, size_t n)
{
	json_object *a = jarray();

	for (size_t i = 0; i < n; i++) {
		json_object *h = jnew();

		ju64(h, "pid", hs[i]->pid);
		ju64(h, "uid", hs[i]->uid);
		jstr(h, "command", hs[i]->command);
		ju64(h, "handles", hs[i]->handles);
		json_object_array_add(a, h);
	}
	return a;
}

/* ---- errors ------------------------------------------------------------- */

/*
 * Report a failure: a line on stderr and, with --json, a document with
 * an "error" member on stdout, so a script always gets one document.
 * status is the daemon's answer, or ZX_OK when there is none.
 */
static int __attribute__((format(printf, 4, 5)))
fail(const struct ctl *ctl, int code, zx_status_t status, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (status != ZX_OK)
		fprintf(stderr, "zxctl: %s (%s)\n", msg,
		    zx_status_get_string(status));
	else
		fprintf(stderr, "zxctl: %s\n", msg);
	if (ctl->json && ctl->command != NULL) {
		json_object *j = jdoc(ctl), *e = jnew();

		jstr(e, "message", msg);
		jset(e, "status", json_object_new_int(status));
		jstr(e, "status_name", status != ZX_OK ?
		    zx_status_get_string(status) : "");
		jset(e, "exit_status", json_object_new_int(code));
		jset(j, "error", e);
		jprint(j);
	}
	return code;
}

/* ---- talking to zxd ----------------------------------------------------- */

static const char *
socket_path(const struct ctl *ctl)
{
	const char *e = getenv("ZXD_SOCKET");

	if (ctl->socket != NULL)
		return ctl->socket;
	return e != NULL && *e != '\0' ? e : ZXD_DEFAULT_SOCKET;
}

/* Send req and read its reply into *ret (kept in ctl->replies). Returns
 * an exit status; the reply's own status is the caller's to read. */
static int
roundtrip(struct ctl *ctl, Zxd__Request *req, Zxd__Reply **ret)
{
	struct wire_msg m = { .buf = ctl->buf };
	Zxd__Reply *rep, **grown;
	ssize_t n;
	int r;

	req->txid = ++ctl->txid;
	req->nfds = 0;
	r = wire_send(ctl->fd, &req->base, NULL, 0);
	if (r < 0)
		return fail(ctl, EXIT_UNREACHABLE, ZX_OK, "%s: %s",
		    socket_path(ctl), strerror(-r));
	n = wire_recv(ctl->fd, &m);
	if (n == 0)
		return fail(ctl, EXIT_PROTOCOL, ZX_OK,
		    "zxd closed the connection (a request it does not "
		    "know? zxd and zxctl of different versions?)");
	if (n < 0)
		return fail(ctl, EXIT_PROTOCOL, ZX_OK, "reading a reply: %s",
		    n == -EPROTO ? "malformed packet" : strerror((int)-n));
	rep = zxd__reply__unpack(NULL, m.len, m.buf);
	wire_msg_clear(&m);
	if (rep == NULL || rep->txid != req->txid || rep->nfds != 0) {
		if (rep != NULL)
			zxd__reply__free_unpacked(rep, NULL);
		return fail(ctl, EXIT_PROTOCOL, ZX_OK,
		    "zxd sent a reply zxctl cannot read");
	}
	grown = reallocarray(ctl->replies, ctl->n_replies + 1,
	    sizeof(*grown));
	if (grown == NULL) {
		zxd__reply__free_unpacked(rep, NULL);
		return fail(ctl, EXIT_PROTOCOL, ZX_OK, "out of memory");
	}
	ctl->replies = grown;
	ctl->replies[ctl->n_replies++] = rep;
	*ret = rep;
	return EXIT_OK;
}

static int
ctl_connect(struct ctl *ctl)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Hello hello = ZXD__HELLO__INIT;
	const char *path = socket_path(ctl);
	Zxd__Reply *rep;
	int r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return fail(ctl, EXIT_USAGE, ZX_OK, "%s: socket path too long",
		    path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	ctl->buf = malloc(WIRE_MAX_MSG);
	ctl->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (ctl->buf == NULL || ctl->fd < 0)
		return fail(ctl, EXIT_PROTOCOL, ZX_OK, "%s", strerror(errno));
	if (connect(ctl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail(ctl, EXIT_UNREACHABLE, ZX_OK,
		    "cannot reach zxd at %s: %s", path, strerror(errno));
	hello.version = ZXD_PROTOCOL_VERSION;
	req.body_case = ZXD__REQUEST__BODY_HELLO;
	req.hello = &hello;
	r = roundtrip(ctl, &req, &rep);
	if (r != EXIT_OK)
		return r;
	if (rep->status != ZX_OK)
		return fail(ctl, EXIT_UNREACHABLE, rep->status,
		    "zxd at %s does not speak protocol version %u", path,
		    ZXD_PROTOCOL_VERSION);
	return EXIT_OK;
}

/* One request whose reply must be OK with body `want`. `what` names
 * the thing asked about, for messages. Connects on first use, so bad
 * arguments are reported without a daemon. */
static int
call(struct ctl *ctl, Zxd__Request *req, Zxd__Reply__BodyCase want,
    const char *what, Zxd__Reply **ret)
{
	Zxd__Reply *rep;
	int r = EXIT_OK;

	if (ctl->fd < 0)
		r = ctl_connect(ctl);
	if (r == EXIT_OK)
		r = roundtrip(ctl, req, &rep);
	if (r != EXIT_OK)
		return r;
	if (rep->status == ZX_ERR_NOT_FOUND)
		return fail(ctl, EXIT_REFUSED, rep->status, "no such %s",
		    what);
	if (rep->status == ZX_ERR_ACCESS_DENIED)
		return fail(ctl, EXIT_REFUSED, rep->status,
		    "%s: not yours to see", what);
	if (rep->status != ZX_OK)
		return fail(ctl, EXIT_REFUSED, rep->status, "%s", what);
	if (rep->body_case != want)
		return fail(ctl, EXIT_PROTOCOL, ZX_OK,
		    "zxd sent an unexpected reply");
	*ret = rep;
	return EXIT_OK;
}

/* Append k pointers of a reply page to *arr (n so far). */
static bool
append(void *arr, size_t *n, void *const *src, size_t k)
{
	void ***a = arr, **grown;

	if (k == 0)
		return true;
	grown = reallocarray(*a, *n + k, sizeof(void *));
	if (grown == NULL)
		return false;
	memcpy(grown + *n, src, k * sizeof(void *));
	*a = grown;
	*n += k;
	return true;
}

/* Pages: the cursor must move forward, or the daemon is confused. */
static int
next_page(struct ctl *ctl, uint64_t *after, uint64_t next)
{
	if (next != 0 && next <= *after)
		return fail(ctl, EXIT_PROTOCOL, ZX_OK,
		    "zxd sent a page cursor that goes backwards");
	*after = next;
	return EXIT_OK;
}

static char *
holders_text(Zxd__Holder **hs, size_t n, uint32_t omitted)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *t;

		if (hs[i]->handles > 1)
			t = xasprintf("%s%s%s[%u]x%u", s, i ? " " : "",
			    hs[i]->command, hs[i]->pid, hs[i]->handles);
		else
			t = xasprintf("%s%s%s[%u]", s, i ? " " : "",
			    hs[i]->command, hs[i]->pid);
		free(s);
		s = t;
	}
	if (omitted > 0) {
		char *t = xasprintf("%s +%u more", s, omitted);

		free(s);
		s = t;
	}
	if (*s == '\0') {
		free(s);
		s = xstrdup("-");
	}
	return s;
}

static char *
koid_or_dash(uint64_t koid)
{
	return koid != 0 ? xasprintf("%" PRIu64, koid) : xstrdup("-");
}

static const char *
scope_text(bool all)
{
	return all ? "every object (the root-resource policy admits you)" :
	    "objects your uid holds handles to";
}

/* ---- status ------------------------------------------------------------- */

static int
cmd_status(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Stats q = ZXD__STATS__INIT;
	Zxd__StatsReply *s;
	Zxd__Reply *rep;
	uint64_t handles[ZX_OBJ_TYPE_UPPER_BOUND] = { 0 };
	uint64_t objects[ZX_OBJ_TYPE_UPPER_BOUND] = { 0 };
	char tb[16];
	int r;

	(void)argv;
	(void)argc;
	req.body_case = ZXD__REQUEST__BODY_STATS;
	req.stats = &q;
	r = call(ctl, &req, ZXD__REPLY__BODY_STATS, "status", &rep);
	if (r != EXIT_OK)
		return r;
	s = rep->stats;
	for (size_t i = 0; i < s->n_objects_by_type; i++)
		if (s->objects_by_type[i]->type < ZX_OBJ_TYPE_UPPER_BOUND)
			objects[s->objects_by_type[i]->type] =
			    s->objects_by_type[i]->count;
	for (size_t i = 0; i < s->n_handles_by_type; i++)
		if (s->handles_by_type[i]->type < ZX_OBJ_TYPE_UPPER_BOUND)
			handles[s->handles_by_type[i]->type] =
			    s->handles_by_type[i]->count;

	if (ctl->json) {
		json_object *j = jdoc(ctl), *types = jarray();

		jstr(j, "version", s->version);
		ju64(j, "pid", s->pid);
		ju64(j, "uptime_ns", s->uptime_ns);
		jstr(j, "backend", s->backend);
		ju64(j, "clients", s->clients);
		ju64(j, "handles", s->handles);
		ju64(j, "objects", s->objects);
		ju64(j, "memory_bytes", s->memory_bytes);
		jbool(j, "all_visible", s->all_visible);
		for (uint32_t t = 0; t < ZX_OBJ_TYPE_UPPER_BOUND; t++) {
			json_object *e;

			if (objects[t] == 0 && handles[t] == 0)
				continue;
			e = jnew();
			ju64(e, "type", t);
			jstr(e, "type_name", type_name(t, tb));
			ju64(e, "objects", objects[t]);
			ju64(e, "handles", handles[t]);
			json_object_array_add(types, e);
		}
		jset(j, "types", types);
		jprint(j);
	} else {
		static const char *const heads[] = { "TYPE", "OBJECTS",
			"HANDLES" };
		char *up = human_duration(s->uptime_ns);
		char *mem = human_size(s->memory_bytes);
		char *ver = printable(s->version), *be = printable(s->backend);
		struct table t;

		printf("zxd %s (pid %u), up %s, backend %s\n", ver, s->pid,
		    up, be);
		printf("clients  %" PRIu64 "\n", s->clients);
		printf("handles  %" PRIu64 "\n", s->handles);
		printf("objects  %" PRIu64 "\n", s->objects);
		printf("memory   %s (%" PRIu64 " bytes)\n", mem,
		    s->memory_bytes);
		printf("you see  %s\n", scope_text(s->all_visible));
		free(up);
		free(mem);
		free(ver);
		free(be);
		table_init(&t, heads, "lrr");
		for (uint32_t i = 0; i < ZX_OBJ_TYPE_UPPER_BOUND; i++)
			if (objects[i] != 0 || handles[i] != 0)
				table_row(&t, xstrdup(type_name(i, tb)),
				    xasprintf("%" PRIu64, objects[i]),
				    xasprintf("%" PRIu64, handles[i]));
		if (t.nrows > 0) {
			putchar('\n');
			table_print(&t);
		} else
			free(t.cells);
	}
	return EXIT_OK;
}

/* ---- objects ------------------------------------------------------------ */

static int
cmd_objects(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListObjects q = ZXD__LIST_OBJECTS__INIT;
	Zxd__ObjectView **all = NULL;
	size_t n = 0;
	bool visible_all = false;
	char tb[16];
	int r;

	(void)argv;
	(void)argc;
	req.body_case = ZXD__REQUEST__BODY_LIST_OBJECTS;
	req.list_objects = &q;
	do {
		Zxd__ObjectsReply *o;
		Zxd__Reply *rep;

		r = call(ctl, &req, ZXD__REPLY__BODY_OBJECTS, "objects", &rep);
		if (r != EXIT_OK)
			goto out;
		o = rep->objects;
		visible_all = o->all_visible;
		if (!append(&all, &n, (void *const *)o->objects,
		    o->n_objects)) {
			r = fail(ctl, EXIT_PROTOCOL, ZX_OK, "out of memory");
			goto out;
		}
		r = next_page(ctl, &q.after, o->next);
		if (r != EXIT_OK)
			goto out;
	} while (q.after != 0);

	if (ctl->json) {
		json_object *j = jdoc(ctl), *a = jarray();

		jbool(j, "all_visible", visible_all);
		for (size_t i = 0; i < n; i++) {
			json_object *e = jnew();

			ju64(e, "koid", all[i]->koid);
			ju64(e, "type", all[i]->type);
			jstr(e, "type_name", type_name(all[i]->type, tb));
			jstr(e, "name", all[i]->name);
			ju64(e, "size_bytes", all[i]->size_bytes);
			ju64(e, "handle_count", all[i]->handle_count);
			ju64(e, "related_koid", all[i]->related_koid);
			ju64(e, "signals", all[i]->signals);
			jset(e, "holders", jholders(all[i]->holders,
			    all[i]->n_holders));
			ju64(e, "holders_omitted", all[i]->holders_omitted);
			json_object_array_add(a, e);
		}
		jset(j, "objects", a);
		jprint(j);
	} else {
		static const char *const heads[] = { "KOID", "TYPE", "NAME",
			"SIZE", "HANDLES", "PEER", "HOLDERS" };
		struct table t;

		table_init(&t, heads, "rllrrrl");
		for (size_t i = 0; i < n; i++)
			table_row(&t, xasprintf("%" PRIu64, all[i]->koid),
			    xstrdup(type_name(all[i]->type, tb)),
			    xstrdup(all[i]->name[0] ? all[i]->name : "-"),
			    human_size(all[i]->size_bytes),
			    xasprintf("%u", all[i]->handle_count),
			    koid_or_dash(all[i]->related_koid),
			    holders_text(all[i]->holders, all[i]->n_holders,
			    all[i]->holders_omitted));
		table_print(&t);
		if (!visible_all)
			printf("(%zu object%s your uid holds handles to; the "
			    "root-resource policy shows all)\n", n,
			    n == 1 ? "" : "s");
	}
out:
	free(all);
	return r;
}

/* ---- handles ------------------------------------------------------------ */

static int
handle_cmp(const void *a, const void *b)
{
	const Zxd__HandleView *x = *(Zxd__HandleView *const *)a;
	const Zxd__HandleView *y = *(Zxd__HandleView *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->koid != y->koid)
		return x->koid < y->koid ? -1 : 1;
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static bool
parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*ret = v;
	return true;
}

static int
cmd_handles(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListHandles q = ZXD__LIST_HANDLES__INIT;
	Zxd__HandleView **all = NULL;
	bool visible_all = false;
	char tb[16], what[64];
	size_t n = 0;
	uint64_t pid = 0;
	int r;

	if (argc == 1 && (!parse_u64(argv[0], INT_MAX, &pid) || pid == 0))
		return fail(ctl, EXIT_USAGE, ZX_OK, "handles: '%s' is not a "
		    "process id", argv[0]);
	q.pid = (uint32_t)pid;
	if (pid != 0)
		snprintf(what, sizeof(what), "handles of pid %" PRIu64, pid);
	else
		snprintf(what, sizeof(what), "handles");
	req.body_case = ZXD__REQUEST__BODY_LIST_HANDLES;
	req.list_handles = &q;
	do {
		Zxd__HandlesReply *h;
		Zxd__Reply *rep;

		r = call(ctl, &req, ZXD__REPLY__BODY_HANDLES_LIST, what, &rep);
		if (r != EXIT_OK)
			goto out;
		h = rep->handles_list;
		visible_all = h->all_visible;
		if (!append(&all, &n, (void *const *)h->handles,
		    h->n_handles)) {
			r = fail(ctl, EXIT_PROTOCOL, ZX_OK, "out of memory");
			goto out;
		}
		r = next_page(ctl, &q.after, h->next);
		if (r != EXIT_OK)
			goto out;
	} while (q.after != 0);
	if (n > 0)
		qsort(all, n, sizeof(*all), handle_cmp);

	if (ctl->json) {
		json_object *j = jdoc(ctl), *a = jarray();

		jbool(j, "all_visible", visible_all);
		if (pid != 0)
			ju64(j, "pid", pid);
		else
			jset(j, "pid", NULL);
		for (size_t i = 0; i < n; i++) {
			json_object *e = jnew();

			ju64(e, "pid", all[i]->pid);
			ju64(e, "uid", all[i]->uid);
			jstr(e, "command", all[i]->command);
			ju64(e, "koid", all[i]->koid);
			ju64(e, "type", all[i]->type);
			jstr(e, "type_name", type_name(all[i]->type, tb));
			ju64(e, "rights", all[i]->rights);
			json_object_array_add(a, e);
		}
		jset(j, "handles", a);
		jprint(j);
	} else {
		static const char *const heads[] = { "PID", "UID", "COMMAND",
			"KOID", "TYPE", "RIGHTS" };
		struct table t;

		table_init(&t, heads, "rrlrll");
		for (size_t i = 0; i < n; i++)
			table_row(&t, xasprintf("%u", all[i]->pid),
			    xasprintf("%u", all[i]->uid),
			    xstrdup(all[i]->command),
			    xasprintf("%" PRIu64, all[i]->koid),
			    xstrdup(type_name(all[i]->type, tb)),
			    xasprintf("%#x", all[i]->rights));
		table_print(&t);
	}
out:
	free(all);
	return r;
}

/* ---- iob ---------------------------------------------------------------- */

/* One endpoint's access nibble: map read/write, mediated read/write. */
static char *
access_text(uint32_t nibble)
{
	return xasprintf("%c%c/%c%c",
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MAP_READ ? 'r' : '-',
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE ? 'w' : '-',
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ ? 'r' : '-',
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE ? 'w' : '-');
}

static json_object *
jaccess(uint32_t nibble)
{
	json_object *a = jnew();

	jbool(a, "map_read", nibble & ZX_IOB_ACCESS_EP0_CAN_MAP_READ);
	jbool(a, "map_write", nibble & ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE);
	jbool(a, "mediated_read",
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ);
	jbool(a, "mediated_write",
	    nibble & ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE);
	return a;
}

static const char *
region_type_text(uint32_t type)
{
	return type == ZX_IOB_REGION_TYPE_PRIVATE ? "private" : "other";
}

static const char *
discipline_text(uint64_t d)
{
	switch (d) {
	case ZX_IOB_DISCIPLINE_TYPE_NONE:
		return "none";
	case ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR:
		return "id_allocator";
	default:
		return "other";
	}
}

static int
cmd_iob(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__IobQuery q = ZXD__IOB_QUERY__INIT;
	Zxd__IobReply *iob;
	Zxd__Reply *rep;
	uint64_t koid;
	char what[64];
	int r;

	(void)argc;
	if (!parse_u64(argv[0], UINT64_MAX, &koid) || koid == 0)
		return fail(ctl, EXIT_USAGE, ZX_OK, "iob: '%s' is not a koid",
		    argv[0]);
	q.koid = koid;
	req.body_case = ZXD__REQUEST__BODY_IOB_QUERY;
	req.iob_query = &q;
	snprintf(what, sizeof(what), "IOB %" PRIu64, koid);
	r = call(ctl, &req, ZXD__REPLY__BODY_IOB, what, &rep);
	if (r != EXIT_OK)
		return r;
	iob = rep->iob;

	if (ctl->json) {
		json_object *j = jdoc(ctl), *a = jarray();

		ju64(j, "koid", iob->koid);
		ju64(j, "peer_koid", iob->peer_koid);
		ju64(j, "signals", iob->signals);
		jset(j, "holders", jholders(iob->holders, iob->n_holders));
		jset(j, "peer_holders", jholders(iob->peer_holders,
		    iob->n_peer_holders));
		for (size_t i = 0; i < iob->n_regions; i++) {
			Zxd__IobRegionView *rg = iob->regions[i];
			json_object *e = jnew();

			ju64(e, "index", rg->index);
			ju64(e, "koid", rg->koid);
			ju64(e, "type", rg->type);
			ju64(e, "discipline", rg->discipline);
			ju64(e, "size", rg->size);
			ju64(e, "access_bits", rg->access);
			jset(e, "access", jaccess(rg->access & 0xf));
			jset(e, "peer_access", jaccess(rg->access >> 4 & 0xf));
			ju64(e, "mappings", rg->mappings);
			ju64(e, "peer_mappings", rg->peer_mappings);
			json_object_array_add(a, e);
		}
		jset(j, "regions", a);
		a = jarray();
		for (size_t i = 0; i < iob->n_maps; i++) {
			Zxd__IobMappingView *m = iob->maps[i];
			json_object *e = jnew();

			ju64(e, "region", m->region);
			jbool(e, "peer", m->peer);
			ju64(e, "pid", m->pid);
			ju64(e, "addr", m->addr);
			ju64(e, "len", m->len);
			ju64(e, "offset", m->offset);
			ju64(e, "perms", m->perms);
			json_object_array_add(a, e);
		}
		jset(j, "mappings", a);
		ju64(j, "mappings_omitted", iob->maps_omitted);
		jprint(j);
	} else {
		static const char *const heads[] = { "REGION", "KOID", "TYPE",
			"DISCIPLINE", "SIZE", "ACCESS", "PEER ACCESS", "MAPS",
			"PEER MAPS" };
		char *h = holders_text(iob->holders, iob->n_holders, 0);
		char *ph = holders_text(iob->peer_holders,
		    iob->n_peer_holders, 0);
		char *hp = printable(h), *php = printable(ph);
		struct table t;

		printf("IOB endpoint %" PRIu64 " (held by %s), ", iob->koid,
		    hp);
		if (iob->peer_koid != 0)
			printf("peer %" PRIu64 " (held by %s)\n",
			    iob->peer_koid, php);
		else
			printf("peer closed\n");
		printf("access: map read/write / mediated read/write\n\n");
		free(h);
		free(ph);
		free(hp);
		free(php);
		table_init(&t, heads, "rrllrllrr");
		for (size_t i = 0; i < iob->n_regions; i++) {
			Zxd__IobRegionView *rg = iob->regions[i];

			table_row(&t, xasprintf("%u", rg->index),
			    xasprintf("%" PRIu64, rg->koid),
			    xstrdup(region_type_text(rg->type)),
			    xstrdup(discipline_text(rg->discipline)),
			    human_size(rg->size),
			    access_text(rg->access & 0xf),
			    access_text(rg->access >> 4 & 0xf),
			    xasprintf("%" PRIu64, rg->mappings),
			    xasprintf("%" PRIu64, rg->peer_mappings));
		}
		table_print(&t);
		if (iob->n_maps > 0) {
			static const char *const mheads[] = { "REGION",
				"THROUGH", "PID", "ADDRESS", "SIZE", "OFFSET",
				"PERMS" };

			printf("\nmappings:\n");
			table_init(&t, mheads, "rlrlrrl");
			for (size_t i = 0; i < iob->n_maps; i++) {
				Zxd__IobMappingView *m = iob->maps[i];

				table_row(&t, xasprintf("%u", m->region),
				    xstrdup(m->peer ? "peer" : "this"),
				    xasprintf("%u", m->pid),
				    xasprintf("0x%" PRIx64, m->addr),
				    human_size(m->len),
				    xasprintf("0x%" PRIx64, m->offset),
				    xasprintf("%c%c%c",
				    m->perms & ZX_VM_PERM_READ ? 'r' : '-',
				    m->perms & ZX_VM_PERM_WRITE ? 'w' : '-',
				    m->perms & ZX_VM_PERM_EXECUTE ? 'x' : '-'));
			}
			table_print(&t);
		}
		if (iob->maps_omitted > 0)
			printf("(%u more mappings not shown)\n",
			    iob->maps_omitted);
	}
	return EXIT_OK;
}

/* ---- phys --------------------------------------------------------------- */

static int
cmd_phys(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListPhys q = ZXD__LIST_PHYS__INIT;
	Zxd__PhysReply *first = NULL;
	Zxd__PhysVmoView **vmos = NULL;
	size_t n = 0;
	int r;

	(void)argv;
	(void)argc;
	req.body_case = ZXD__REQUEST__BODY_LIST_PHYS;
	req.list_phys = &q;
	do {
		Zxd__PhysReply *p;
		Zxd__Reply *rep;

		r = call(ctl, &req, ZXD__REPLY__BODY_PHYS, "physical map",
		    &rep);
		if (r != EXIT_OK)
			goto out;
		p = rep->phys;
		if (first == NULL)
			first = p;
		if (!append(&vmos, &n, (void *const *)p->vmos, p->n_vmos)) {
			r = fail(ctl, EXIT_PROTOCOL, ZX_OK, "out of memory");
			goto out;
		}
		r = next_page(ctl, &q.after, p->next);
		if (r != EXIT_OK)
			goto out;
	} while (q.after != 0);

	if (ctl->json) {
		json_object *j = jdoc(ctl), *rg = jarray(), *pb = jarray();
		json_object *vm = jarray();

		jbool(j, "all_visible", first->all_visible);
		jstr(j, "backend", first->backend);
		for (size_t i = 0; i < first->n_regions; i++) {
			json_object *e = jnew();

			jstr(e, "name", first->regions[i]->name);
			jstr(e, "kind", first->regions[i]->kind);
			ju64(e, "start", first->regions[i]->start);
			ju64(e, "size", first->regions[i]->size);
			json_object_array_add(rg, e);
		}
		jset(j, "regions", rg);
		for (size_t i = 0; i < first->n_pci_bars; i++) {
			json_object *e = jnew();

			jstr(e, "name", first->pci_bars[i]->name);
			jstr(e, "device", first->pci_bars[i]->device);
			ju64(e, "bar", first->pci_bars[i]->bar);
			json_object_array_add(pb, e);
		}
		jset(j, "pci_bars", pb);
		for (size_t i = 0; i < n; i++) {
			json_object *e = jnew();

			ju64(e, "koid", vmos[i]->koid);
			ju64(e, "paddr", vmos[i]->paddr);
			ju64(e, "size", vmos[i]->size);
			jstr(e, "region", vmos[i]->region);
			jstr(e, "name", vmos[i]->name);
			ju64(e, "handle_count", vmos[i]->handle_count);
			jset(e, "holders", jholders(vmos[i]->holders,
			    vmos[i]->n_holders));
			json_object_array_add(vm, e);
		}
		jset(j, "vmos", vm);
		jprint(j);
	} else {
		static const char *const rheads[] = { "REGION", "KIND",
			"START", "END", "SIZE" };
		static const char *const bheads[] = { "BAR", "DEVICE",
			"INDEX" };
		static const char *const vheads[] = { "KOID", "PADDR", "SIZE",
			"REGION", "NAME", "HANDLES", "HOLDERS" };
		char *be = printable(first->backend);
		struct table t;

		printf("backend %s\n\n", be);
		free(be);
		table_init(&t, rheads, "llrrr");
		for (size_t i = 0; i < first->n_regions; i++) {
			Zxd__PhysRegion *rg = first->regions[i];

			table_row(&t, xstrdup(rg->name), xstrdup(rg->kind),
			    xasprintf("0x%08" PRIx64, rg->start),
			    xasprintf("0x%08" PRIx64, rg->start + rg->size),
			    human_size(rg->size));
		}
		table_print(&t);
		if (first->n_pci_bars > 0) {
			putchar('\n');
			table_init(&t, bheads, "llr");
			for (size_t i = 0; i < first->n_pci_bars; i++)
				table_row(&t,
				    xstrdup(first->pci_bars[i]->name),
				    xstrdup(first->pci_bars[i]->device),
				    xasprintf("%u", first->pci_bars[i]->bar));
			table_print(&t);
		}
		printf("\nphysical VMOs:%s\n", n == 0 ? " none" : "");
		if (n > 0) {
			table_init(&t, vheads, "rrrllrl");
			for (size_t i = 0; i < n; i++)
				table_row(&t,
				    xasprintf("%" PRIu64, vmos[i]->koid),
				    xasprintf("0x%08" PRIx64, vmos[i]->paddr),
				    human_size(vmos[i]->size),
				    xstrdup(vmos[i]->region[0] ?
				    vmos[i]->region : "-"),
				    xstrdup(vmos[i]->name[0] ?
				    vmos[i]->name : "-"),
				    xasprintf("%u", vmos[i]->handle_count),
				    holders_text(vmos[i]->holders,
				    vmos[i]->n_holders, 0));
			table_print(&t);
		}
	}
out:
	free(vmos);
	return r;
}

/* ---- bti ---------------------------------------------------------------- */

static char *
perms_text(uint32_t perms)
{
	return xasprintf("%c%c%c", perms & 1 ? 'r' : '-', perms & 2 ? 'w' :
	    '-', perms & 4 ? 'x' : '-');
}

static int
cmd_bti(struct ctl *ctl, char **argv, int argc)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListBti q = ZXD__LIST_BTI__INIT;
	Zxd__BtiView **btis = NULL;
	bool visible_all = false;
	char what[64];
	size_t n = 0;
	int r;

	if (argc == 1 && (!parse_u64(argv[0], UINT64_MAX, &q.koid) ||
	    q.koid == 0))
		return fail(ctl, EXIT_USAGE, ZX_OK, "bti: '%s' is not a koid",
		    argv[0]);
	if (q.koid != 0)
		snprintf(what, sizeof(what), "BTI %" PRIu64, q.koid);
	else
		snprintf(what, sizeof(what), "BTIs");
	req.body_case = ZXD__REQUEST__BODY_LIST_BTI;
	req.list_bti = &q;
	do {
		Zxd__BtiReply *b;
		Zxd__Reply *rep;

		r = call(ctl, &req, ZXD__REPLY__BODY_BTI, what, &rep);
		if (r != EXIT_OK)
			goto out;
		b = rep->bti;
		visible_all = b->all_visible;
		if (!append(&btis, &n, (void *const *)b->btis, b->n_btis)) {
			r = fail(ctl, EXIT_PROTOCOL, ZX_OK, "out of memory");
			goto out;
		}
		r = next_page(ctl, &q.after, b->next);
		if (r != EXIT_OK)
			goto out;
	} while (q.after != 0);

	if (ctl->json) {
		json_object *j = jdoc(ctl), *a = jarray();

		jbool(j, "all_visible", visible_all);
		for (size_t i = 0; i < n; i++) {
			json_object *e = jnew(), *pins = jarray();

			ju64(e, "koid", btis[i]->koid);
			jstr(e, "name", btis[i]->name);
			ju64(e, "pmo_count", btis[i]->pmo_count);
			ju64(e, "quarantine_count", btis[i]->quarantine_count);
			for (size_t k = 0; k < btis[i]->n_pins; k++) {
				Zxd__BtiPin *p = btis[i]->pins[k];
				json_object *pe = jnew();

				ju64(pe, "pmt_koid", p->pmt_koid);
				ju64(pe, "vmo_koid", p->vmo_koid);
				ju64(pe, "vmo_offset", p->vmo_offset);
				ju64(pe, "size", p->size);
				ju64(pe, "device_addr", p->device_addr);
				ju64(pe, "perms", p->perms);
				jbool(pe, "quarantined", p->quarantined);
				json_object_array_add(pins, pe);
			}
			jset(e, "pins", pins);
			ju64(e, "pins_omitted", btis[i]->pins_omitted);
			jset(e, "holders", jholders(btis[i]->holders,
			    btis[i]->n_holders));
			json_object_array_add(a, e);
		}
		jset(j, "btis", a);
		jprint(j);
	} else if (n == 0) {
		printf("no BTIs\n");
	} else {
		static const char *const heads[] = { "PMT", "VMO", "OFFSET",
			"SIZE", "DEVICE ADDR", "PERMS", "STATE" };

		for (size_t i = 0; i < n; i++) {
			char *h = holders_text(btis[i]->holders,
			    btis[i]->n_holders, 0);
			char *hp = printable(h), *nm = printable(btis[i]->name);
			struct table t;

			printf("%sBTI %" PRIu64 " %s%s%s: %" PRIu64 " pinned, "
			    "%" PRIu64 " quarantined; held by %s\n",
			    i ? "\n" : "", btis[i]->koid, nm[0] ? "\"" : "",
			    nm, nm[0] ? "\"" : "", btis[i]->pmo_count,
			    btis[i]->quarantine_count, hp);
			free(h);
			free(hp);
			free(nm);
			if (btis[i]->n_pins == 0)
				continue;
			table_init(&t, heads, "rrrrrll");
			for (size_t k = 0; k < btis[i]->n_pins; k++) {
				Zxd__BtiPin *p = btis[i]->pins[k];

				table_row(&t,
				    xasprintf("%" PRIu64, p->pmt_koid),
				    xasprintf("%" PRIu64, p->vmo_koid),
				    xasprintf("%#" PRIx64, p->vmo_offset),
				    human_size(p->size),
				    xasprintf("%#" PRIx64, p->device_addr),
				    perms_text(p->perms),
				    xstrdup(p->quarantined ? "quarantined" :
				    "pinned"));
			}
			table_print(&t);
			if (btis[i]->pins_omitted > 0)
				printf("(+%u more pins)\n",
				    btis[i]->pins_omitted);
		}
	}
out:
	free(btis);
	return r;
}

/* ---- the commands ------------------------------------------------------- */

static const struct command commands[] = {
	{ "status", "", 0, 0,
	    "the daemon: version, uptime, clients, handles, objects, memory",
	    "Show zxd's version, pid, uptime and backend; how many clients,\n"
	    "handles and objects it has (by object type) and the memory its\n"
	    "objects hold. These figures are daemon-wide for every user.\n",
	    cmd_status },
	{ "objects", "", 0, 0,
	    "objects: koid, type, name, size, handles, holders",
	    "List the objects you may see, by koid: type, name, the memory\n"
	    "each holds, its handle count, its peer, and the processes\n"
	    "holding handles to it (command[pid], xN for N handles).\n"
	    "Without the root-resource policy's admission you see the\n"
	    "objects your uid holds handles to, and only your uid's holders.\n",
	    cmd_objects },
	{ "handles", "[PID]", 0, 1,
	    "handles by process (of one process with PID)",
	    "List handles by process: pid, uid, command, the object's koid\n"
	    "and type, and the handle's rights. With PID, only that\n"
	    "process's; asking for another uid's process is refused unless\n"
	    "the root-resource policy admits you.\n",
	    cmd_handles },
	{ "iob", "KOID", 1, 1,
	    "an IOBuffer endpoint: regions, access per endpoint, mappings",
	    "Show the IOBuffer endpoint KOID and its peer: each region's\n"
	    "memory-object koid, type, discipline, size, the access of each\n"
	    "endpoint (map read/write / mediated read/write) and how many\n"
	    "mappings each endpoint holds. KOID must be an IOB you may see,\n"
	    "else \"no such IOB\" (exit status 1).\n",
	    cmd_iob },
	{ "phys", "", 0, 0,
	    "the physical address map and the physical VMOs on it",
	    "Show the physical-memory backend, its map (the sim backend's\n"
	    "regions from zxd.conf, or the built-in one; PCI BARs for the\n"
	    "pci backend) and the physical VMOs you may see on it.\n",
	    cmd_phys },
	{ "bti", "[KOID]", 0, 1,
	    "BTIs: pinned ranges and quarantine",
	    "List the BTIs you may see (or BTI KOID only): pinned and\n"
	    "quarantined counts, and each pinned range: its PMT, VMO, offset,\n"
	    "size, device address and permissions.\n",
	    cmd_bti },
	{ 0 },
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "Usage: zxctl [--socket PATH] COMMAND [ARG] [--json]\n"
	    "Show what zxd holds.\n\nCommands:\n");
	for (const struct command *c = commands; c->name != NULL; c++) {
		char head[32];

		snprintf(head, sizeof(head), "%s %s", c->name, c->args);
		fprintf(f, "  %-16s%s\n", head, c->summary);
	}
	fprintf(f,
	    "\nOptions:\n"
	    "  -s, --socket PATH  zxd's socket (default: $ZXD_SOCKET, else "
	    "%s)\n"
	    "  -j, --json         print one JSON document\n"
	    "  -h, --help         show this help, or a command's with "
	    "COMMAND --help\n"
	    "  -V, --version      show the version\n\n"
	    "Exit status: 0 done; 1 zxd refused or does not know what was "
	    "asked;\n2 usage error; 3 zxd cannot be reached; 4 unusable "
	    "reply.\nSee zxctl(1).\n", ZXD_DEFAULT_SOCKET);
}

static void
command_usage(const struct command *c)
{
	printf("Usage: zxctl [--socket PATH] %s%s%s [--json]\n%s", c->name,
	    c->args[0] ? " " : "", c->args, c->help);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct ctl ctl = { .fd = -1 };
	const struct command *cmd = NULL;
	bool help = false;
	int opt, nargs, r;

	setlocale(LC_ALL, "");
	while ((opt = getopt_long(argc, argv, "s:jhV", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			ctl.socket = optarg;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			printf("zxctl %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		if (help) {
			usage(stdout);
			return EXIT_OK;
		}
		fprintf(stderr, "zxctl: no command given\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0 && !help) {
		help = true;
		optind++;
		if (optind == argc) {
			usage(stdout);
			return EXIT_OK;
		}
	}
	for (const struct command *c = commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[optind]) == 0)
			cmd = c;
	if (cmd == NULL) {
		fprintf(stderr, "zxctl: unknown command '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (help) {
		command_usage(cmd);
		return EXIT_OK;
	}
	ctl.command = cmd->name;
	nargs = argc - optind - 1;
	if (nargs < cmd->min_args || nargs > cmd->max_args) {
		r = fail(&ctl, EXIT_USAGE, ZX_OK,
		    "%s: wrong number of arguments", cmd->name);
		if (!ctl.json)
			command_usage(cmd);
		return r;
	}

	r = cmd->run(&ctl, argv + optind + 1, nargs);
	if (fflush(stdout) != 0 && r == EXIT_OK) {
		fprintf(stderr, "zxctl: writing output: %s\n",
		    strerror(errno));
		r = EXIT_PROTOCOL;
	}
	for (size_t i = 0; i < ctl.n_replies; i++)
		zxd__reply__free_unpacked(ctl.replies[i], NULL);
	free(ctl.replies);
	free(ctl.buf);
	if (ctl.fd >= 0)
		close(ctl.fd);
	return r;
}
