/*
 * zxd.conf parser: INI as inih reads it (sections, "key = value" or
 * "key: value", ';' and '#' comments), line by line, so that every error
 * is reported with its line and parsing goes on after one.
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

#include "daemon/config.h"
#include "daemon/config_parse.h"

static const char *const section_names[] = {
	[SECTION_DAEMON] = "daemon",
	[SECTION_POLICY] = "policy",
	[SECTION_LIMITS] = "limits",
	[SECTION_REGION] = "region",
	[SECTION_PCI] = "pci",
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
		.vmo_bytes_per_uid = CONFIG_DEFAULT_VMO_BYTES_UID,
		.handles_per_uid = CONFIG_DEFAULT_HANDLES_UID,
		.connections_per_process = CONFIG_DEFAULT_CONNS,
		.connections_per_uid = CONFIG_DEFAULT_CONNS_UID,
		.channel_bytes_per_process = CONFIG_DEFAULT_CHAN_BYTES,
		.channel_bytes_per_uid = CONFIG_DEFAULT_CHAN_BYTES_UID,
		.channel_messages_per_process = CONFIG_DEFAULT_CHAN_MSGS,
		.channel_messages_per_uid = CONFIG_DEFAULT_CHAN_MSGS_UID,
		.pinned_bytes_per_process = CONFIG_DEFAULT_PINNED,
		.pinned_bytes_per_uid = CONFIG_DEFAULT_PINNED_UID,
		.root_limit_factor = CONFIG_DEFAULT_ROOT_FACTOR,
		.fd_budget = 0,
		.fd_reserve = CONFIG_DEFAULT_FD_RESERVE,
		.fd_share_per_uid = CONFIG_DEFAULT_FD_SHARE,
		.log_level = CONFIG_DEFAULT_LOG_LEVEL,
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

static const char *const log_levels[] = {
	[3] = "err", [4] = "warning", [5] = "notice", [6] = "info",
	[7] = "debug",
};

int
config_log_level_parse(const char *name)
{
	for (int i = 3; i <= 7; i++)
		if (strcmp(name, log_levels[i]) == 0)
			return i;
	return -1;
}

const char *
config_log_level_name(int level)
{
	return level >= 3 && level <= 7 ? log_levels[level] : "?";
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
void
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
				     config_keys[k].name);
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
				     config_keys[k].name);
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
		if (config_keys[k].section == section)
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

/* A "key = value" line: the key up to the first '=' or ':', both
 * sides without outer blanks. Errors are counted in p. */
static void
parser_key(struct parser *p, char *s)
{
	char *sep = s + strcspn(s, "=:"), *name = s, *value = sep + 1, *end;
	enum key k;

	*sep = '\0';
	for (end = sep; end > name && isspace((unsigned char)end[-1]); end--)
		end[-1] = '\0';
	value += strspn(value, " \t\r\n\f\v");
	if (p->section == SECTION_IGNORED)
		return;
	if (p->section == SECTION_NONE) {
		parser_error(p, p->lineno, "'%s' is outside any section",
			     name);
		return;
	}
	if (!name[0]) {
		parser_error(p, p->lineno, "missing key before '='");
		return;
	}
	for (k = 0; k < N_KEYS; k++)
		if (config_keys[k].section == p->section &&
		    strcmp(config_keys[k].name, name) == 0)
			break;
	if (k == N_KEYS) {
		parser_error(p, p->lineno, "unknown key '%s' in [%s]", name,
			     section_names[p->section]);
		return;
	}
	if (p->key_line[k]) {
		parser_error(p, p->lineno, "%s: already set at line %u", name,
			     p->key_line[k]);
		return;
	}
	p->key_line[k] = p->lineno;
	if (!value[0] && !config_keys[k].empty_ok) {
		parser_error(p, p->lineno, "%s: missing value", name);
		return;
	}
	p->key = name;
	config_keys[k].set(p, value);
}

/*
 * One line, however long: blank lines and comments are skipped, a
 * comment is also a ';' after a blank; leading blanks do not continue
 * the line above. Returns false at the end of the file (or on a read
 * error, in p->fatal).
 */
static bool
parser_line(struct parser *p)
{
	char *s, *end, *comment;
	ssize_t n;

	errno = 0;
	n = getline(&p->line, &p->line_size, p->in);
	if (n < 0) {
		if (ferror(p->in))
			p->fatal = errno ? -errno : -EIO;
		return false;
	}
	p->lineno++;
	s = p->line;
	if (strlen(s) != (size_t)n) {
		parser_error(p, p->lineno, "NUL character in line");
		return true;
	}
	if (p->lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	s += strspn(s, " \t\r\n\f\v");
	if (*s == '\0' || *s == ';' || *s == '#')
		return true;
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
		return true;
	}
	if (!strpbrk(s, "=:")) {
		parser_error(p, p->lineno,
			     "expected '[section]' or 'key = value'");
		return true;
	}
	if (strlen(s) > CONFIG_LINE_MAX) {
		parser_error(p, p->lineno,
			     "line too long (over %d characters without comments)",
			     CONFIG_LINE_MAX);
		return true;
	}
	parser_key(p, s);
	return true;
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
	while (!p.fatal && parser_line(&p))
		;
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
