/* What the commands share: text, aligned tables, JSON. */
#include "config-build.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include <zircon/rights.h>
#include <zircon/types.h>

#include "client/zxctl/zxctl.h"

struct table_opts table_opts;

static const struct {
	zx_rights_t bit;
	const char *name;
} right_names[] = {
	{ ZX_RIGHT_DUPLICATE, "duplicate" },
	{ ZX_RIGHT_TRANSFER, "transfer" },
	{ ZX_RIGHT_READ, "read" },
	{ ZX_RIGHT_WRITE, "write" },
	{ ZX_RIGHT_EXECUTE, "execute" },
	{ ZX_RIGHT_MAP, "map" },
	{ ZX_RIGHT_GET_PROPERTY, "get_property" },
	{ ZX_RIGHT_SET_PROPERTY, "set_property" },
	{ ZX_RIGHT_ENUMERATE, "enumerate" },
	{ ZX_RIGHT_DESTROY, "destroy" },
	{ ZX_RIGHT_SET_POLICY, "set_policy" },
	{ ZX_RIGHT_GET_POLICY, "get_policy" },
	{ ZX_RIGHT_SIGNAL, "signal" },
	{ ZX_RIGHT_SIGNAL_PEER, "signal_peer" },
	{ ZX_RIGHT_WAIT, "wait" },
	{ ZX_RIGHT_INSPECT, "inspect" },
	{ ZX_RIGHT_MANAGE_JOB, "manage_job" },
	{ ZX_RIGHT_MANAGE_PROCESS, "manage_process" },
	{ ZX_RIGHT_MANAGE_THREAD, "manage_thread" },
	{ ZX_RIGHT_APPLY_PROFILE, "apply_profile" },
	{ ZX_RIGHT_MANAGE_SOCKET, "manage_socket" },
	{ ZX_RIGHT_OP_CHILDREN, "op_children" },
	{ ZX_RIGHT_RESIZE, "resize" },
	{ ZX_RIGHT_ATTACH_VMO, "attach_vmo" },
	{ ZX_RIGHT_MANAGE_VMO, "manage_vmo" },
};

/* Zircon's right names without ZX_RIGHT_, joined by ','; "none" for
 * none; bits without a name as one hex number at the end. With
 * table_opts.numeric, the hex value. */
char *
rights_text(zx_rights_t rights)
{
	zx_rights_t left = rights;
	char *s;

	if (table_opts.numeric)
		return xasprintf("%#x", rights);
	if (rights == 0)
		return xstrdup("none");
	s = xstrdup("");
	for (size_t i = 0; i < sizeof(right_names) / sizeof(right_names[0]);
	    i++) {
		char *t;

		if (!(rights & right_names[i].bit))
			continue;
		t = xasprintf("%s%s%s", s, *s ? "," : "", right_names[i].name);
		free(s);
		s = t;
		left &= ~right_names[i].bit;
	}
	if (left != 0) {
		char *t = xasprintf("%s%s%#x", s, *s ? "," : "", left);

		free(s);
		s = t;
	}
	return s;
}

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
const char *
type_name(uint32_t type, char buf[16])
{
	if (type < ZX_OBJ_TYPE_UPPER_BOUND && type_names[type] != NULL)
		return type_names[type];
	snprintf(buf, 16, "type_%u", type);
	return buf;
}

char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL) {
		fprintf(stderr, "zxctl: out of memory\n");
		exit(EXIT_PROTOCOL);
	}
	return d;
}

char *
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
char *
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
char *
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

char *
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

void
table_init(struct table *t, const char *const *heads, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->heads = heads;
	t->align = align;
	t->ncols = strlen(align);
}

/* Add a row of ncols strings; each is taken (freed by table_print). */
void
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

/* "DEVICE ADDR", "device_addr" and "device-addr" name one column. */
static bool
col_matches(const char *head, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len && head[i] != '\0'; i++) {
		char h = head[i] == ' ' || head[i] == '-' ? '_' : head[i];
		char n = name[i] == ' ' || name[i] == '-' ? '_' : name[i];

		if (tolower((unsigned char)h) != tolower((unsigned char)n))
			return false;
	}
	return i == len && head[i] == '\0';
}

/* The columns to print, in -o's order, or all; exits on a name the
 * table does not have. */
static size_t
pick_columns(const struct table *t, size_t *cols)
{
	const char *p = table_opts.columns;
	size_t n = 0;

	if (p == NULL) {
		for (size_t i = 0; i < t->ncols; i++)
			cols[i] = i;
		return t->ncols;
	}
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < t->ncols; i++)
			if (col_matches(t->heads[i], p, len))
				break;
		if (i == t->ncols) {
			fprintf(stderr, "zxctl: no column '%.*s' here; the "
			    "columns are:", (int)len, p);
			for (size_t j = 0; j < t->ncols; j++)
				fprintf(stderr, "%s %s", j ? "," : "",
				    t->heads[j]);
			fputc('\n', stderr);
			exit(EXIT_USAGE);
		}
		if (n < t->ncols)
			cols[n++] = i;
		p += len + (p[len] == ',');
	}
	return n;
}

/* The terminal's width when printing to one, or $COLUMNS; 0: no limit. */
static size_t
screen_width(void)
{
	const char *e = getenv("COLUMNS");
	struct winsize ws;

	if (e != NULL && atoi(e) > 0)
		return (size_t)atoi(e);
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0
	    && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* Cut s to at most w columns, marking the cut with '~'. */
static void
cut_to(char **s, size_t w)
{
	size_t n = mbstowcs(NULL, *s, 0), used = 0, i;
	wchar_t *ws;
	char *out;

	if (n == (size_t)-1 || w == 0)
		return;
	ws = calloc(n + 1, sizeof(*ws));
	out = malloc(4 * n + 4);
	if (ws == NULL || out == NULL) {
		free(ws);
		free(out);
		return;
	}
	mbstowcs(ws, *s, n + 1);
	for (i = 0; i < n; i++) {
		int cw = wcwidth(ws[i]);

		if (used + (cw > 0 ? (size_t)cw : 0) > w - 1)
			break;
		used += cw > 0 ? (size_t)cw : 0;
	}
	ws[i] = L'~';
	ws[i + 1] = L'\0';
	wcstombs(out, ws, 4 * n + 4);
	free(ws);
	free(*s);
	*s = out;
}

static void
table_print_row(const struct table *t, const size_t *cols, size_t n,
    const size_t *width, char *const *cells)
{
	for (size_t k = 0; k < n; k++) {
		size_t i = cols[k];
		size_t w = display_width(cells[i]);
		size_t pad = width[i] > w ? width[i] - w : 0;
		bool last = k + 1 == n;

		if (t->align[i] == 'r')
			printf("%*s%s", (int)pad, "", cells[i]);
		else
			printf("%s%*s", cells[i], last ? 0 : (int)pad, "");
		fputs(last ? "\n" : "  ", stdout);
	}
}

/*
 * Print the table: the columns -o picked (all by default), the head row
 * unless --no-legend, and, when the screen is narrower than the table,
 * left-aligned columns cut to fit, widest first.
 */
void
table_print(struct table *t)
{
	size_t *width = calloc(t->ncols, sizeof(*width));
	size_t *cols = calloc(t->ncols, sizeof(*cols));
	size_t n, total = 0, screen;
	char **heads;

	if (width == NULL || cols == NULL)
		exit(EXIT_PROTOCOL);
	n = pick_columns(t, cols);
	heads = calloc(t->ncols, sizeof(*heads));
	if (heads == NULL)
		exit(EXIT_PROTOCOL);
	for (size_t i = 0; i < t->ncols; i++) {
		heads[i] = xstrdup(t->heads[i]);
		width[i] = table_opts.no_legend ? 0 : strlen(t->heads[i]);
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t i = 0; i < t->ncols; i++) {
			size_t w = display_width(t->cells[r * t->ncols + i]);

			if (w > width[i])
				width[i] = w;
		}
	for (size_t k = 0; k < n; k++)
		total += width[cols[k]] + (k + 1 < n ? 2 : 0);
	screen = screen_width();
	/* Too wide for the screen: cut the widest left-aligned column
	 * (head included, down to one character and '~'), then the next. */
	while (screen > 0 && total > screen) {
		size_t widest = t->ncols, over = total - screen, to;

		for (size_t k = 0; k < n; k++)
			if (t->align[cols[k]] == 'l' && width[cols[k]] > 2 &&
			    (widest == t->ncols ||
			    width[cols[k]] > width[widest]))
				widest = cols[k];
		if (widest == t->ncols)
			break;
		to = width[widest] > over + 2 ? width[widest] - over : 2;
		for (size_t r = 0; r < t->nrows; r++) {
			char **c = &t->cells[r * t->ncols + widest];

			if (display_width(*c) > to)
				cut_to(c, to);
		}
		if (strlen(heads[widest]) > to)
			cut_to(&heads[widest], to);
		total -= width[widest] - to;
		width[widest] = to;
	}
	if (!table_opts.no_legend)
		table_print_row(t, cols, n, width, heads);
	for (size_t r = 0; r < t->nrows; r++)
		table_print_row(t, cols, n, width, &t->cells[r * t->ncols]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (size_t i = 0; i < t->ncols; i++)
		free(heads[i]);
	free(heads);
	free(t->cells);
	free(width);
	free(cols);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

json_object *
jnew(void)
{
	json_object *j = json_object_new_object();

	if (j == NULL) {
		fprintf(stderr, "zxctl: out of memory\n");
		exit(EXIT_PROTOCOL);
	}
	return j;
}

json_object *
jarray(void)
{
	json_object *j = json_object_new_array();

	if (j == NULL) {
		fprintf(stderr, "zxctl: out of memory\n");
		exit(EXIT_PROTOCOL);
	}
	return j;
}

void
jset(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

void
ju64(json_object *o, const char *key, uint64_t v)
{
	jset(o, key, json_object_new_uint64(v));
}

void
jstr(json_object *o, const char *key, const char *s)
{
	jset(o, key, json_object_new_string(s != NULL ? s : ""));
}

void
jbool(json_object *o, const char *key, bool v)
{
	jset(o, key, json_object_new_boolean(v));
}

/* The envelope every document has. */
json_object *
jdoc(const struct ctl *ctl)
{
	json_object *j = jnew();

	jset(j, "format", json_object_new_int(JSON_FORMAT));
	jstr(j, "command", ctl->command);
	return j;
}

void
jprint(json_object *j)
{
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

json_object *
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

char *
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

char *
koid_or_dash(uint64_t koid)
{
	return koid != 0 ? xasprintf("%" PRIu64, koid) : xstrdup("-");
}

const char *
scope_text(bool all)
{
	return all ? "every object (the root-resource policy admits you)" :
	    "objects your uid holds handles to";
}
