/* What the zxd.conf reader (config.c) and its keys (config_keys.c)
 * share; not for other files. */
#ifndef ZXD_DAEMON_CONFIG_PARSE_H
#define ZXD_DAEMON_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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


enum key {
	KEY_SOCKET,
	KEY_SOCKET_MODE,
	KEY_SOCKET_GROUP,
	KEY_BACKEND,
	KEY_ROOT_UIDS,
	KEY_ROOT_GIDS,
	KEY_VMO_BYTES,
	KEY_HANDLES,
	KEY_LIMIT_FIRST,		/* config_limit_keys[], in order */
	KEY_LIMIT_LAST = KEY_LIMIT_FIRST + 13,
	KEY_REGION_KIND,
	KEY_REGION_BASE,
	KEY_REGION_SIZE,
	KEY_PCI_DEVICE,
	KEY_PCI_BAR,
	KEY_LOG_LEVEL,
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
	const char *key;		/* the key being set */

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

/* Each key, indexed by enum key. */
extern const struct key_entry config_keys[N_KEYS];

/* Note an error on `line`. Errors are kept and written sorted by line at
 * the end: some are only found when a section ends, and belong to its
 * header line. */
void parser_error(struct parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
