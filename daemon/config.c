/*
 * zxd.conf parser, on libinih.
 *
 * inih reports only the first bad line and never says which line a key is
 * on (Debian builds it without INI_HANDLER_LINENO), so it reads through
 * parser_read_line(), which counts lines and does the line-level work:
 * comments, section headers, syntax errors and over-long lines are handled
 * there, and inih is handed only well-formed "key = value" lines (every
 * other line becomes an empty one, so inih's count stays in step). inih
 * calls the reader once per line and calls the handler for that line
 * before reading the next, so p->lineno is the line of the key being set.
 *
 * The file is parsed into a copy of the caller's configuration, which
 * replaces the original only when the whole file is valid.
 */
#include "config-build.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include <ini.h>

#include "daemon/config.h"

enum section {
	SECTION_NONE,		/* before the first header */
	SECTION_IGNORED,	/* bad header, reported already */
	SECTION_DAEMON,
	SECTION_POLICY,
	SECTION_LIMITS,
	SECTION_REGION,
	SECTION_PCI,
};

static const char *const section_names[] = {
	[SECTION_DAEMON] = "daemon",
	[SECTION_POLICY] = "policy",
	[SECTION_LIMITS] = "limits",
	[SECTION_REGION] = "region",
	[SECTION_PCI] = "pci",
};

enum key {
	KEY_SOCKET,
	KEY_SOCKET_MODE,
	KEY_SOCKET_GROUP,
	KEY_BACKEND,
	KEY_ROOT_UIDS,
	KEY_ROOT_GIDS,
	KEY_VMO_BYTES,
	KEY_HANDLES,
	KEY_REGION_KIND,
	KEY_REGION_BASE,
	KEY_REGION_SIZE,
	KEY_PCI_DEVICE,
	KEY_PCI_BAR,
	N_KEYS,
};

struct parser_message {
	unsigned line;
	size_t seq;			/* order found, within a line */
	char *text;
};

struct parser {
	struct config *c;		/* the copy being filled in */
	const char *path;
	FILE *errors;
	FILE *in;
	char *line;			/* getline() buffer */
	size_t line_size;
	unsigned lineno;
	unsigned n_errors;
	struct parser_message *messages;	/* kept when errors != NULL */
	size_t n_messages;
	int fatal;			/* -errno that stops the parse */

	enum section section;
	unsigned section_line;
	unsigned section_errors;	/* n_errors when the section began */
	unsigned key_line[N_KEYS];	/* where each key was set, or 0 */

	struct phys_region_def region;	/* the [region] being read */
	struct phys_bar_def pci;	/* the [pci] being read */
	bool seen_region;
	bool seen_pci;
	unsigned *region_lines;		/* header line of c->regions[i] */
	unsigned *pci_lines;		/* header line of c->pci_bars[i] */
};

struct key_entry {
	enum section section;
	const char *name;
	bool empty_ok;
	void (*set)(struct parser *p, const char *value);
};

static void set_socket(struct parser *p, const char *value);
static void set_socket_mode(struct parser *p, const char *value);
static void set_socket_group(struct parser *p, const char *value);
static void set_backend(struct parser *p, const char *value);
static void set_root_uids(struct parser *p, const char *value);
static void set_root_gids(struct parser *p, const char *value);
static void set_vmo_bytes(struct parser *p, const char *value);
static void set_handles(struct parser *p, const char *value);
static void set_region_kind(struct parser *p, const char *value);
static void set_region_base(struct parser *p, const char *value);
static void set_region_size(struct parser *p, const char *value);
static void set_pci_device(struct parser *p, const char *value);
static void set_pci_bar(struct parser *p, const char *value);

static const struct key_entry keys[N_KEYS] = {
	[KEY_SOCKET] =
		{ SECTION_DAEMON, "socket", false, set_socket },
	[KEY_SOCKET_MODE] =
		{ SECTION_DAEMON, "socket_mode", false, set_socket_mode },
	[KEY_SOCKET_GROUP] =
		{ SECTION_DAEMON, "socket_group", true, set_socket_group },
	[KEY_BACKEND] =
		{ SECTION_DAEMON, "backend", false, set_backend },
	[KEY_ROOT_UIDS] =
		{ SECTION_POLICY, "root_uids", true, set_root_uids },
	[KEY_ROOT_GIDS] =
		{ SECTION_POLICY, "root_gids", true, set_root_gids },
	[KEY_VMO_BYTES] =
		{ SECTION_LIMITS, "vmo_bytes_per_client", false,
		  set_vmo_bytes },
	[KEY_HANDLES] =
		{ SECTION_LIMITS, "handles_per_client", false, set_handles },
	[KEY_REGION_KIND] =
		{ SECTION_REGION, "kind", false, set_region_kind },
	[KEY_REGION_BASE] =
		{ SECTION_REGION, "base", false, set_region_base },
	[KEY_REGION_SIZE] =
		{ SECTION_REGION, "size", false, set_region_size },
	[KEY_PCI_DEVICE] =
		{ SECTION_PCI, "device", false, set_pci_device },
	[KEY_PCI_BAR] =
		{ SECTION_PCI, "bar", false, set_pci_bar },
};

static const char *const backends[] = { "sim", "pci", "devmem" };

static const struct phys_region_def default_regions[] = {
	{ "ram", PHYS_RAM, 0x0, 0x40000000 },
	{ "mmio0", PHYS_MMIO, 0xf0000000, 0x1000000 },
};

static void *
memdup(const void *src, size_t n, size_t size)
{
	void *dst;

	if (n == 0)
		return NULL;
	dst = reallocarray(NULL, n, size);
	if (dst)
		memcpy(dst, src, n * size);
	return dst;
}

static int
strdup_or_null(const char *src, char **ret)
{
	char *s = NULL;

	if (src) {
		s = strdup(src);
		if (!s)
			return -ENOMEM;
	}
	*ret = s;
	return 0;
}

void
config_free(struct config *c)
{
	free(c->path);
	free(c->socket_path);
	free(c->backend);
	free(c->root_uids);
	free(c->root_gids);
	free(c->regions);
	free(c->pci_bars);
	memset(c, 0, sizeof(*c));
}

int
config_init_defaults(struct config *ret)
{
	static const uid_t root = 0;
	struct config c = {
		.socket_mode = CONFIG_DEFAULT_SOCKET_MODE,
		.vmo_bytes_per_client = CONFIG_DEFAULT_VMO_BYTES,
		.handles_per_client = CONFIG_DEFAULT_HANDLES,
		.n_root_uids = 1,
		.n_regions = sizeof(default_regions) /
			     sizeof(default_regions[0]),
	};

	c.socket_path = strdup(CONFIG_DEFAULT_SOCKET);
	c.backend = strdup(CONFIG_DEFAULT_BACKEND);
	c.root_uids = memdup(&root, 1, sizeof(root));
	c.regions = memdup(default_regions, c.n_regions,
			   sizeof(default_regions[0]));
	if (!c.socket_path || !c.backend || !c.root_uids || !c.regions) {
		config_free(&c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

/* A deep copy, for parsing into without touching the original. */
static int
config_copy(const struct config *src, struct config *ret)
{
	struct config c = *src;

	c.path = c.socket_path = c.backend = NULL;
	c.root_uids = memdup(src->root_uids, src->n_root_uids,
			     sizeof(uid_t));
	c.root_gids = memdup(src->root_gids, src->n_root_gids,
			     sizeof(gid_t));
	c.regions = memdup(src->regions, src->n_regions,
			   sizeof(struct phys_region_def));
	c.pci_bars = memdup(src->pci_bars, src->n_pci_bars,
			    sizeof(struct phys_bar_def));
	if (strdup_or_null(src->path, &c.path) < 0 ||
	    strdup_or_null(src->socket_path, &c.socket_path) < 0 ||
	    strdup_or_null(src->backend, &c.backend) < 0 ||
	    (src->n_root_uids && !c.root_uids) ||
	    (src->n_root_gids && !c.root_gids) ||
	    (src->n_regions && !c.regions) ||
	    (src->n_pci_bars && !c.pci_bars)) {
		config_free(&c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

bool
config_backend_known(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(name, backends[i]) == 0)
			return true;
	return false;
}

const char *
config_region_kind_name(enum phys_kind kind)
{
	return kind == PHYS_MMIO ? "mmio" : "ram";
}

bool
config_admits_root(const struct config *c, uid_t uid, gid_t gid,
		   const gid_t *groups, size_t n_groups)
{
	for (size_t i = 0; i < c->n_root_uids; i++)
		if (c->root_uids[i] == uid)
			return true;
	for (size_t i = 0; i < c->n_root_gids; i++) {
		if (c->root_gids[i] == gid)
			return true;
		for (size_t j = 0; j < n_groups; j++)
			if (c->root_gids[i] == groups[j])
				return true;
	}
	return false;
}

/*
 * Errors are kept and written sorted by line at the end: some are only
 * found when a section ends, and belong to its header line.
 */
static void __attribute__((format(printf, 3, 4)))
parser_error(struct parser *p, unsigned line, const char *fmt, ...)
{
	struct parser_message *m;
	va_list ap;
	char *text;
	int len;

	p->n_errors++;
	if (!p->errors || p->fatal)
		return;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = len < 0 ? NULL : malloc((size_t)len + 1);
	m = reallocarray(p->messages, p->n_messages + 1, sizeof(*m));
	if (m)
		p->messages = m;
	if (!text || !m) {
		free(text);
		p->fatal = -ENOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, (size_t)len + 1, fmt, ap);
	va_end(ap);
	m[p->n_messages] = (struct parser_message) {
		.line = line,
		.seq = p->n_messages,
		.text = text,
	};
	p->n_messages++;
}

static int
parser_message_cmp(const void *a, const void *b)
{
	const struct parser_message *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
parser_flush_messages(struct parser *p)
{
	size_t n = p->n_messages;

	if (!p->fatal && n)
		qsort(p->messages, n, sizeof(*p->messages),
		      parser_message_cmp);
	for (size_t i = 0; i < n; i++) {
		if (!p->fatal)
			fprintf(p->errors, "%s:%u: %s\n", p->path,
				p->messages[i].line, p->messages[i].text);
		free(p->messages[i].text);
	}
	free(p->messages);
	p->messages = NULL;
	p->n_messages = 0;
}

/* Digit value in base 16, or 16 for a non-digit. */
static unsigned
xdigit_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return (unsigned)(ch - '0');
	if (ch >= 'a' && ch <= 'f')
		return (unsigned)(ch - 'a' + 10);
	if (ch >= 'A' && ch <= 'F')
		return (unsigned)(ch - 'A' + 10);
	return 16;
}

/*
 * Decimal or "0x" hex, with a K/M/G/T suffix (powers of 1024) if suffix.
 * strtoull() is not used because it takes a sign and leading blanks.
 * Returns 0, -EINVAL for anything but a number, -ERANGE on overflow.
 */
static int
parse_u64(const char *s, bool suffix, uint64_t *ret)
{
	unsigned base = 10, digit, shift = 0;
	bool overflow = false;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (xdigit_value(*s) >= base)
		return -EINVAL;
	for (; (digit = xdigit_value(*s)) < base; s++) {
		if (v > (UINT64_MAX - digit) / base)
			overflow = true;
		else
			v = v * base + digit;
	}
	if (suffix && *s) {
		const char *units = "KMGT", *u;

		u = strchr(units, toupper((unsigned char)*s));
		if (!u)
			return -EINVAL;
		shift = 10 * (unsigned)(u - units + 1);
		s++;
	}
	if (*s)
		return -EINVAL;
	if (overflow || v > UINT64_MAX >> shift)
		return -ERANGE;
	*ret = v << shift;
	return 0;
}

/* parse_u64() up to max, reporting errors against key. */
static bool
parser_number(struct parser *p, const char *key, const char *value,
	      bool suffix, uint64_t max, uint64_t *ret)
{
	uint64_t v;
	int r;

	r = parse_u64(value, suffix, &v);
	if (r == -EINVAL) {
		parser_error(p, p->lineno, "%s: '%s' is not a number%s",
			     key, value,
			     suffix ? " (with an optional K, M, G or T)" : "");
		return false;
	}
	if (r < 0 || v > max) {
		parser_error(p, p->lineno,
			     "%s: '%s' is out of range (at most %" PRIu64 ")",
			     key, value, max);
		return false;
	}
	*ret = v;
	return true;
}

/* Looks up a user or group name: 0, -ENOENT, or another -errno. */
static int
lookup_id(const char *name, bool group, id_t *ret)
{
	long size = sysconf(group ? _SC_GETGR_R_SIZE_MAX :
			    _SC_GETPW_R_SIZE_MAX);

	if (size <= 0)
		size = 1024;
	for (;;) {
		struct passwd pw, *pw_res = NULL;
		struct group gr, *gr_res = NULL;
		char *buf;
		id_t id = 0;
		int r;

		buf = malloc((size_t)size);
		if (!buf)
			return -ENOMEM;
		if (group) {
			r = getgrnam_r(name, &gr, buf, (size_t)size, &gr_res);
			if (r == 0 && gr_res)
				id = gr.gr_gid;
		} else {
			r = getpwnam_r(name, &pw, buf, (size_t)size, &pw_res);
			if (r == 0 && pw_res)
				id = pw.pw_uid;
		}
		free(buf);
		if (r == ERANGE && size < (1L << 20)) {
			size *= 2;
			continue;
		}
		/* Some NSS modules say "not found" with an error. */
		if ((r == 0 && !gr_res && !pw_res) || r == ENOENT ||
		    r == ESRCH)
			return -ENOENT;
		if (r)
			return -r;
		*ret = id;
		return 0;
	}
}

/* A numeric id (if it starts with a digit) or a user or group name. */
static bool
parser_id(struct parser *p, const char *key, const char *item, bool group,
	  id_t *ret)
{
	const char *what = group ? "group" : "user";
	uint64_t v;
	id_t id = 0;
	int r;

	if (isdigit((unsigned char)item[0])) {
		/* (id_t)-1 means "no id" to chown() and friends. */
		if (!parser_number(p, key, item, false, UINT32_MAX - 1, &v))
			return false;
		*ret = (id_t)v;
		return true;
	}
	r = lookup_id(item, group, &id);
	if (r == -ENOENT) {
		parser_error(p, p->lineno, "%s: unknown %s '%s'", key, what,
			     item);
		return false;
	}
	if (r == -ENOMEM) {
		p->fatal = r;
		return false;
	}
	if (r < 0) {
		parser_error(p, p->lineno, "%s: cannot look up %s '%s': %s",
			     key, what, item, strerror(-r));
		return false;
	}
	*ret = id;
	return true;
}

/*
 * A list of ids separated by commas and/or blanks; every bad item is
 * reported. Returns false when one was bad or memory ran out.
 */
static bool
parser_id_list(struct parser *p, const char *key, const char *value,
	       bool group, id_t **ret, size_t *ret_n)
{
	char *copy, *item, *save = NULL;
	id_t *ids = NULL, *grown;
	size_t n = 0;
	bool ok = true;

	copy = strdup(value);
	if (!copy) {
		p->fatal = -ENOMEM;
		return false;
	}
	for (item = strtok_r(copy, ", \t", &save); item;
	     item = strtok_r(NULL, ", \t", &save)) {
		id_t id;

		if (!parser_id(p, key, item, group, &id)) {
			ok = false;
			if (p->fatal)
				break;
			continue;
		}
		grown = reallocarray(ids, n + 1, sizeof(*ids));
		if (!grown) {
			p->fatal = -ENOMEM;
			ok = false;
			break;
		}
		ids = grown;
		ids[n++] = id;
	}
	free(copy);
	if (!ok) {
		free(ids);
		return false;
	}
	*ret = ids;
	*ret_n = n;
	return true;
}

static void
set_socket(struct parser *p, const char *value)
{
	const size_t max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;
	char *s;

	if (value[0] != '/') {
		parser_error(p, p->lineno,
			     "socket: '%s' is not an absolute path", value);
		return;
	}
	if (strlen(value) > max) {
		parser_error(p, p->lineno,
			     "socket: path longer than %zu characters", max);
		return;
	}
	s = strdup(value);
	if (!s) {
		p->fatal = -ENOMEM;
		return;
	}
	free(p->c->socket_path);
	p->c->socket_path = s;
}

/* Always octal, as chmod(1) reads it: "666" must not mean 01232. */
static void
set_socket_mode(struct parser *p, const char *value)
{
	unsigned mode = 0;
	const char *s;

	for (s = value; *s >= '0' && *s <= '7' && mode <= 0777; s++)
		mode = mode * 8 + (unsigned)(*s - '0');
	if (*s || mode > 0777) {
		parser_error(p, p->lineno,
			     "socket_mode: '%s' is not an octal mode from 0 to 0777",
			     value);
		return;
	}
	p->c->socket_mode = (mode_t)mode;
}

static void
set_socket_group(struct parser *p, const char *value)
{
	id_t gid;

	if (!value[0]) {
		p->c->socket_group_set = false;
		p->c->socket_group = 0;
		return;
	}
	if (!parser_id(p, "socket_group", value, true, &gid))
		return;
	p->c->socket_group_set = true;
	p->c->socket_group = (gid_t)gid;
}

static void
set_backend(struct parser *p, const char *value)
{
	char *s;

	if (!config_backend_known(value)) {
		parser_error(p, p->lineno,
			     "backend: unknown backend '%s' (sim, pci or devmem)",
			     value);
		return;
	}
	s = strdup(value);
	if (!s) {
		p->fatal = -ENOMEM;
		return;
	}
	free(p->c->backend);
	p->c->backend = s;
}

static void
set_root_uids(struct parser *p, const char *value)
{
	uid_t *uids = NULL;
	id_t *ids;
	size_t n;

	if (!parser_id_list(p, "root_uids", value, false, &ids, &n))
		return;
	if (n) {
		uids = reallocarray(NULL, n, sizeof(*uids));
		if (!uids) {
			free(ids);
			p->fatal = -ENOMEM;
			return;
		}
		for (size_t i = 0; i < n; i++)
			uids[i] = (uid_t)ids[i];
	}
	free(ids);
	free(p->c->root_uids);
	p->c->root_uids = uids;
	p->c->n_root_uids = n;
}

static void
set_root_gids(struct parser *p, const char *value)
{
	gid_t *gids = NULL;
	id_t *ids;
	size_t n;

	if (!parser_id_list(p, "root_gids", value, true, &ids, &n))
		return;
	if (n) {
		gids = reallocarray(NULL, n, sizeof(*gids));
		if (!gids) {
			free(ids);
			p->fatal = -ENOMEM;
			return;
		}
		for (size_t i = 0; i < n; i++)
			gids[i] = (gid_t)ids[i];
	}
	free(ids);
	free(p->c->root_gids);
	p->c->root_gids = gids;
	p->c->n_root_gids = n;
}

static void
set_vmo_bytes(struct parser *p, const char *value)
{
	uint64_t v;

	if (parser_number(p, "vmo_bytes_per_client", value, true, UINT64_MAX,
			  &v))
		p->c->vmo_bytes_per_client = v;
}

static void
set_handles(struct parser *p, const char *value)
{
	uint64_t v;

	if (parser_number(p, "handles_per_client", value, false, UINT32_MAX,
			  &v))
		p->c->handles_per_client = (uint32_t)v;
}

static void
set_region_kind(struct parser *p, const char *value)
{
	if (strcmp(value, "ram") == 0)
		p->region.kind = PHYS_RAM;
	else if (strcmp(value, "mmio") == 0)
		p->region.kind = PHYS_MMIO;
	else
		parser_error(p, p->lineno, "kind: '%s' is not ram or mmio",
			     value);
}

static bool
parser_page_aligned(struct parser *p, const char *key, const char *value,
		    uint64_t v)
{
	if (v % CONFIG_PAGE_SIZE == 0)
		return true;
	parser_error(p, p->lineno,
		     "%s: '%s' is not a multiple of the page size (%" PRIu64
		     ")", key, value, CONFIG_PAGE_SIZE);
	return false;
}

static void
set_region_base(struct parser *p, const char *value)
{
	uint64_t v;

	if (parser_number(p, "base", value, true, UINT64_MAX, &v) &&
	    parser_page_aligned(p, "base", value, v))
		p->region.base = v;
}

static void
set_region_size(struct parser *p, const char *value)
{
	uint64_t v;

	if (!parser_number(p, "size", value, true, UINT64_MAX, &v) ||
	    !parser_page_aligned(p, "size", value, v))
		return;
	if (v == 0) {
		parser_error(p, p->lineno, "size: must not be 0");
		return;
	}
	p->region.size = v;
}

/* "dddd:bb:dd.f" (4 to 7 domain digits) or "bb:dd.f" for domain 0. */
static bool
parse_pci_address(const char *s, char ret[16])
{
	unsigned domain = 0, bus = 0, dev = 0, fn, n;
	const char *colon = strchr(s, ':');

	if (colon && strchr(colon + 1, ':')) {
		for (n = 0; xdigit_value(*s) < 16; s++, n++)
			domain = domain * 16 + xdigit_value(*s);
		if (n < 4 || n > 7 || *s++ != ':')
			return false;
	}
	for (n = 0; n < 2; n++, s++) {
		if (xdigit_value(*s) >= 16)
			return false;
		bus = bus * 16 + xdigit_value(*s);
	}
	if (*s++ != ':')
		return false;
	for (n = 0; n < 2; n++, s++) {
		if (xdigit_value(*s) >= 16)
			return false;
		dev = dev * 16 + xdigit_value(*s);
	}
	if (dev > 0x1f || *s++ != '.' || *s < '0' || *s > '7' || s[1])
		return false;
	fn = (unsigned)(*s - '0');
	snprintf(ret, 16, "%04x:%02x:%02x.%x", domain, bus, dev, fn);
	return true;
}

static void
set_pci_device(struct parser *p, const char *value)
{
	if (!parse_pci_address(value, p->pci.device))
		parser_error(p, p->lineno,
			     "device: '%s' is not a PCI address (DDDD:BB:DD.F)",
			     value);
}

static void
set_pci_bar(struct parser *p, const char *value)
{
	uint64_t v;

	if (parser_number(p, "bar", value, false, 5, &v))
		p->pci.bar = (unsigned)v;
}

/* Region and PCI names end up in zxctl's output, JSON included. */
static bool
name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > CONFIG_NAME_MAX)
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz"
			    "0123456789_.-") == n;
}

static void
parser_end_region(struct parser *p)
{
	struct phys_region_def *r = &p->region, *o, *grown;
	struct config *c = p->c;
	unsigned *lines;

	for (enum key k = KEY_REGION_KIND; k <= KEY_REGION_SIZE; k++)
		if (!p->key_line[k])
			parser_error(p, p->section_line,
				     "[region %s] has no '%s'", r->name,
				     keys[k].name);
	if (p->n_errors != p->section_errors)
		return;
	if (r->size > UINT64_MAX - r->base) {
		parser_error(p, p->section_line,
			     "[region %s] ends beyond 2^64", r->name);
		return;
	}
	for (size_t i = 0; i < c->n_regions; i++) {
		o = &c->regions[i];
		if (r->base < o->base + o->size && o->base < r->base + r->size)
			parser_error(p, p->section_line,
				     "[region %s] [%#" PRIx64 ", %#" PRIx64
				     ") overlaps [region %s] (line %u)",
				     r->name, r->base, r->base + r->size,
				     o->name, p->region_lines[i]);
	}
	if (p->n_errors != p->section_errors)
		return;

	grown = reallocarray(c->regions, c->n_regions + 1, sizeof(*grown));
	if (grown)
		c->regions = grown;
	lines = reallocarray(p->region_lines, c->n_regions + 1,
			     sizeof(*lines));
	if (lines)
		p->region_lines = lines;
	if (!grown || !lines) {
		p->fatal = -ENOMEM;
		return;
	}
	c->regions[c->n_regions] = *r;
	p->region_lines[c->n_regions++] = p->section_line;
}

static void
parser_end_pci(struct parser *p)
{
	struct phys_bar_def *b = &p->pci, *o, *grown;
	struct config *c = p->c;
	unsigned *lines;

	for (enum key k = KEY_PCI_DEVICE; k <= KEY_PCI_BAR; k++)
		if (!p->key_line[k])
			parser_error(p, p->section_line,
				     "[pci %s] has no '%s'", b->name,
				     keys[k].name);
	if (p->n_errors != p->section_errors)
		return;
	for (size_t i = 0; i < c->n_pci_bars; i++) {
		o = &c->pci_bars[i];
		if (strcmp(b->device, o->device) == 0 && b->bar == o->bar)
			parser_error(p, p->section_line,
				     "[pci %s] is the same BAR as [pci %s] (line %u)",
				     b->name, o->name, p->pci_lines[i]);
	}
	if (p->n_errors != p->section_errors)
		return;

	grown = reallocarray(c->pci_bars, c->n_pci_bars + 1, sizeof(*grown));
	if (grown)
		c->pci_bars = grown;
	lines = reallocarray(p->pci_lines, c->n_pci_bars + 1, sizeof(*lines));
	if (lines)
		p->pci_lines = lines;
	if (!grown || !lines) {
		p->fatal = -ENOMEM;
		return;
	}
	c->pci_bars[c->n_pci_bars] = *b;
	p->pci_lines[c->n_pci_bars++] = p->section_line;
}

static void
parser_end_section(struct parser *p)
{
	if (p->section == SECTION_REGION)
		parser_end_region(p);
	else if (p->section == SECTION_PCI)
		parser_end_pci(p);
	p->section = SECTION_IGNORED;
}

/* A [region NAME] or [pci NAME] header. */
static void
parser_begin_named(struct parser *p, enum section section, const char *name)
{
	const char *type = section_names[section];
	struct config *c = p->c;

	if (!name_valid(name))
		parser_error(p, p->lineno,
			     "invalid %s name '%s' (1 to %d of A-Z a-z 0-9 _ . -)",
			     type, name, CONFIG_NAME_MAX);

	/* The file's regions (or BARs) replace those it started with. */
	if (section == SECTION_REGION) {
		if (!p->seen_region) {
			free(c->regions);
			c->regions = NULL;
			c->n_regions = 0;
			p->seen_region = true;
		}
		for (size_t i = 0; i < c->n_regions; i++)
			if (strcmp(c->regions[i].name, name) == 0)
				parser_error(p, p->lineno,
					     "duplicate [region %s], first at line %u",
					     name, p->region_lines[i]);
		memset(&p->region, 0, sizeof(p->region));
		snprintf(p->region.name, sizeof(p->region.name), "%s", name);
	} else {
		if (!p->seen_pci) {
			free(c->pci_bars);
			c->pci_bars = NULL;
			c->n_pci_bars = 0;
			p->seen_pci = true;
		}
		for (size_t i = 0; i < c->n_pci_bars; i++)
			if (strcmp(c->pci_bars[i].name, name) == 0)
				parser_error(p, p->lineno,
					     "duplicate [pci %s], first at line %u",
					     name, p->pci_lines[i]);
		memset(&p->pci, 0, sizeof(p->pci));
		snprintf(p->pci.name, sizeof(p->pci.name), "%s", name);
	}
	for (enum key k = 0; k < N_KEYS; k++)
		if (keys[k].section == section)
			p->key_line[k] = 0;
}

/* A line starting with '[', comments and trailing blanks removed. */
static void
parser_header(struct parser *p, char *s)
{
	enum section section = SECTION_NONE;
	char *end, *type, *name;

	parser_end_section(p);
	p->section_line = p->lineno;
	p->section_errors = p->n_errors;

	end = strchr(s, ']');
	if (!end) {
		parser_error(p, p->lineno, "missing ']' in section header");
		return;
	}
	if (end[1]) {
		parser_error(p, p->lineno, "unexpected text after ']'");
		return;
	}
	*end = '\0';
	type = s + 1;
	type += strspn(type, " \t");
	name = type + strcspn(type, " \t");
	if (*name) {
		*name++ = '\0';
		name += strspn(name, " \t");
		/* Trailing blanks before ']'. */
		for (end = name + strlen(name);
		     end > name && isspace((unsigned char)end[-1]); end--)
			end[-1] = '\0';
	}

	for (enum section i = SECTION_DAEMON; i <= SECTION_PCI; i++)
		if (strcmp(type, section_names[i]) == 0)
			section = i;
	switch (section) {
	case SECTION_NONE:
		parser_error(p, p->lineno, "unknown section [%s%s%s]", type,
			     *name ? " " : "", name);
		return;
	case SECTION_DAEMON:
	case SECTION_POLICY:
	case SECTION_LIMITS:
		if (*name) {
			parser_error(p, p->lineno, "[%s] takes no name", type);
			return;
		}
		break;
	case SECTION_REGION:
	case SECTION_PCI:
		if (!*name) {
			parser_error(p, p->lineno,
				     "[%s] needs a name, as in [%s NAME]",
				     type, type);
			return;
		}
		parser_begin_named(p, section, name);
		break;
	case SECTION_IGNORED:
		break;
	}
	p->section = section;
}

/*
 * inih's reader, an fgets() look-alike called once per line. It reads
 * the whole line however long, and hands inih either "key = value\n" with
 * comments and outer blanks removed, or "\n" for a line it dealt with
 * itself. Every line it returns ends in '\n', so inih never thinks a line
 * was cut short and asks for the rest (with INI_ALLOW_REALLOC).
 *
 * Leading blanks go too: to inih, an indented line continues the value
 * above, which is never what a zxd.conf means.
 */
static char *
parser_read_line(char *str, int num, void *stream)
{
	struct parser *p = stream;
	char *s, *end, *comment;
	ssize_t n;
	size_t len;

	if (p->fatal || num < 2)
		return NULL;
	errno = 0;
	n = getline(&p->line, &p->line_size, p->in);
	if (n < 0) {
		if (ferror(p->in))
			p->fatal = errno ? -errno : -EIO;
		return NULL;
	}
	p->lineno++;
	strcpy(str, "\n");

	s = p->line;
	if (strlen(s) != (size_t)n) {
		parser_error(p, p->lineno, "NUL character in line");
		return str;
	}
	if (p->lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	s += strspn(s, " \t\r\n\f\v");
	if (*s == '\0' || *s == ';' || *s == '#')
		return str;

	/* As inih sees it, a comment is a ';' after a blank. */
	for (comment = s + 1; *comment; comment++) {
		if (*comment == ';' && isspace((unsigned char)comment[-1])) {
			*comment = '\0';
			break;
		}
	}
	for (end = s + strlen(s); isspace((unsigned char)end[-1]); end--)
		end[-1] = '\0';

	if (*s == '[') {
		parser_header(p, s);
		return str;
	}
	if (!strpbrk(s, "=:")) {
		parser_error(p, p->lineno,
			     "expected '[section]' or 'key = value'");
		return str;
	}
	len = strlen(s);
	if (len + 2 > (size_t)num) {
		parser_error(p, p->lineno,
			     "line too long (over %d characters without comments)",
			     num - 2);
		return str;
	}
	memcpy(str, s, len);
	memcpy(str + len, "\n", 2);
	return str;
}

/* inih's handler; errors are counted in p, so it never fails. */
static int
parser_handle_key(void *user, const char *section, const char *name,
		  const char *value)
{
	struct parser *p = user;
	enum key k;

	(void)section;	/* tracked by parser_header() */
	if (p->section == SECTION_IGNORED || p->fatal)
		return 1;
	if (p->section == SECTION_NONE) {
		parser_error(p, p->lineno, "'%s' is outside any section",
			     name);
		return 1;
	}
	if (!name[0]) {
		parser_error(p, p->lineno, "missing key before '='");
		return 1;
	}
	for (k = 0; k < N_KEYS; k++)
		if (keys[k].section == p->section &&
		    strcmp(keys[k].name, name) == 0)
			break;
	if (k == N_KEYS) {
		parser_error(p, p->lineno, "unknown key '%s' in [%s]", name,
			     section_names[p->section]);
		return 1;
	}
	if (p->key_line[k]) {
		parser_error(p, p->lineno, "%s: already set at line %u", name,
			     p->key_line[k]);
		return 1;
	}
	p->key_line[k] = p->lineno;
	if (!value[0] && !keys[k].empty_ok) {
		parser_error(p, p->lineno, "%s: missing value", name);
		return 1;
	}
	keys[k].set(p, value);
	return 1;
}

/* Checks that need the whole file. */
static void
parser_finish(struct parser *p)
{
	struct config *c = p->c;

	parser_end_section(p);
	if (p->key_line[KEY_BACKEND] && c->backend &&
	    strcmp(c->backend, "pci") == 0 && !p->seen_pci &&
	    c->n_pci_bars == 0)
		parser_error(p, p->key_line[KEY_BACKEND],
			     "backend: pci needs at least one [pci NAME] section");
}

int
config_load(struct config *c, const char *path, FILE *errors)
{
	struct config copy;
	struct parser p = {
		.c = &copy,
		.path = path,
		.errors = errors,
		.section = SECTION_NONE,
	};
	char *path_copy;
	int r;

	r = config_copy(c, &copy);
	if (r < 0)
		return r;
	path_copy = strdup(path);
	if (!path_copy) {
		config_free(&copy);
		return -ENOMEM;
	}
	free(copy.path);
	copy.path = path_copy;

	p.in = fopen(path, "re");
	if (!p.in) {
		r = -errno;
		goto out;
	}
	r = ini_parse_stream(parser_read_line, &p, parser_handle_key, &p);
	if (r == -2)
		p.fatal = -ENOMEM;
	else if (r > 0 && p.n_errors == 0)
		/* A line inih refused that the reader let through. */
		parser_error(&p, (unsigned)r, "syntax error");
	if (!p.fatal)
		parser_finish(&p);
	r = p.fatal;
	if (!r && p.n_errors)
		r = -EINVAL;

out:
	parser_flush_messages(&p);
	if (r < 0 && r != -EINVAL && errors)
		fprintf(errors, "%s: %s\n", path, strerror(-r));
	if (p.in)
		fclose(p.in);
	free(p.line);
	free(p.region_lines);
	free(p.pci_lines);
	if (r < 0) {
		config_free(&copy);
		return r;
	}
	config_free(c);
	*c = copy;
	return 0;
}
