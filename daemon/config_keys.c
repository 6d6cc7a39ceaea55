/* zxd.conf's keys: the table of what each section takes, and the
 * parsing of each value (numbers, users and groups, PCI addresses). */
#include "config-build.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/config_parse.h"

static void set_socket(struct parser *p, const char *value);
static void set_socket_mode(struct parser *p, const char *value);
static void set_socket_group(struct parser *p, const char *value);
static void set_backend(struct parser *p, const char *value);
static void set_root_uids(struct parser *p, const char *value);
static void set_root_gids(struct parser *p, const char *value);
static void set_vmo_bytes(struct parser *p, const char *value);
static void set_handles(struct parser *p, const char *value);
static void set_limit(struct parser *p, const char *value);
static void set_region_kind(struct parser *p, const char *value);
static void set_region_base(struct parser *p, const char *value);
static void set_region_size(struct parser *p, const char *value);
static void set_pci_device(struct parser *p, const char *value);
static void set_pci_bar(struct parser *p, const char *value);
static void set_log_level(struct parser *p, const char *value);

const struct config_limit_key config_limit_keys[] = {
	{ "vmo_bytes_per_uid", offsetof(struct config, vmo_bytes_per_uid), true, 0,
	  UINT64_MAX },
	{ "handles_per_uid", offsetof(struct config, handles_per_uid), false, 0,
	  UINT32_MAX },
	{ "connections_per_process", offsetof(struct config, connections_per_process), false, 0,
	  UINT32_MAX },
	{ "connections_per_uid", offsetof(struct config, connections_per_uid), false, 0,
	  UINT32_MAX },
	{ "channel_bytes_per_process", offsetof(struct config, channel_bytes_per_process), true, 0,
	  UINT64_MAX },
	{ "channel_bytes_per_uid", offsetof(struct config, channel_bytes_per_uid), true, 0,
	  UINT64_MAX },
	{ "channel_messages_per_process", offsetof(struct config, channel_messages_per_process), false, 0,
	  UINT32_MAX },
	{ "channel_messages_per_uid", offsetof(struct config, channel_messages_per_uid), false, 0,
	  UINT32_MAX },
	{ "pinned_bytes_per_process", offsetof(struct config, pinned_bytes_per_process), true, 0,
	  UINT64_MAX },
	{ "pinned_bytes_per_uid", offsetof(struct config, pinned_bytes_per_uid), true, 0,
	  UINT64_MAX },
	{ "root_limit_factor", offsetof(struct config, root_limit_factor), false, 1,
	  1024 },
	{ "fd_budget", offsetof(struct config, fd_budget), false, 0,
	  UINT32_MAX },
	{ "fd_reserve", offsetof(struct config, fd_reserve), false, 0,
	  65536 },
	{ "fd_share_per_uid", offsetof(struct config, fd_share_per_uid), false, 1,
	  100 },
};
const size_t config_n_limit_keys =
    sizeof(config_limit_keys) / sizeof(config_limit_keys[0]);

const struct key_entry config_keys[N_KEYS] = {
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
	[KEY_LIMIT_FIRST + 0] =
		{ SECTION_LIMITS, "vmo_bytes_per_uid", false, set_limit },
	[KEY_LIMIT_FIRST + 1] =
		{ SECTION_LIMITS, "handles_per_uid", false, set_limit },
	[KEY_LIMIT_FIRST + 2] =
		{ SECTION_LIMITS, "connections_per_process", false, set_limit },
	[KEY_LIMIT_FIRST + 3] =
		{ SECTION_LIMITS, "connections_per_uid", false, set_limit },
	[KEY_LIMIT_FIRST + 4] =
		{ SECTION_LIMITS, "channel_bytes_per_process", false, set_limit },
	[KEY_LIMIT_FIRST + 5] =
		{ SECTION_LIMITS, "channel_bytes_per_uid", false, set_limit },
	[KEY_LIMIT_FIRST + 6] =
		{ SECTION_LIMITS, "channel_messages_per_process", false, set_limit },
	[KEY_LIMIT_FIRST + 7] =
		{ SECTION_LIMITS, "channel_messages_per_uid", false, set_limit },
	[KEY_LIMIT_FIRST + 8] =
		{ SECTION_LIMITS, "pinned_bytes_per_process", false, set_limit },
	[KEY_LIMIT_FIRST + 9] =
		{ SECTION_LIMITS, "pinned_bytes_per_uid", false, set_limit },
	[KEY_LIMIT_FIRST + 10] =
		{ SECTION_LIMITS, "root_limit_factor", false, set_limit },
	[KEY_LIMIT_FIRST + 11] =
		{ SECTION_LIMITS, "fd_budget", false, set_limit },
	[KEY_LIMIT_FIRST + 12] =
		{ SECTION_LIMITS, "fd_reserve", false, set_limit },
	[KEY_LIMIT_FIRST + 13] =
		{ SECTION_LIMITS, "fd_share_per_uid", false, set_limit },
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
	[KEY_LOG_LEVEL] =
		{ SECTION_DAEMON, "log_level", false, set_log_level },
};

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
set_limit(struct parser *p, const char *value)
{
	for (size_t i = 0; i < config_n_limit_keys; i++) {
		const struct config_limit_key *k = &config_limit_keys[i];
		uint64_t v;

		if (strcmp(k->name, p->key) != 0)
			continue;
		if (!parser_number(p, k->name, value, k->suffix, k->max, &v))
			return;
		if (v < k->min) {
			parser_error(p, p->lineno, "%s: '%s' is out of range "
				     "(at least %" PRIu64 ")", k->name, value,
				     k->min);
			return;
		}
		*(uint64_t *)((char *)p->c + k->offset) = v;
		return;
	}
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

static void
set_log_level(struct parser *p, const char *value)
{
	int level = config_log_level_parse(value);

	if (level < 0) {
		parser_error(p, p->lineno, "log_level: unknown level '%s' "
		    "(err, warning, notice, info or debug)", value);
		return;
	}
	p->c->log_level = level;
}
