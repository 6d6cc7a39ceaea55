/*
 * zxd.conf: the daemon's configuration file.
 *
 * An INI file (daemon/config.c reads it). An example; [daemon] (but socket_group),
 * [policy] and [limits] show the built-in defaults:
 *
 *	[daemon]
 *	socket = /run/zxd/zxd.sock	; when zxd binds it itself
 *	socket_mode = 0666		; always octal, as for chmod(1)
 *	socket_group = zxd		; name or gid; empty: leave as is
 *	backend = sim			; sim | pci | devmem
 *
 *	[policy]			; who may get the root resource:
 *	root_uids = 0			; user names or uids
 *	root_gids =			; group names or gids
 *
 *	[limits]			; 0 = unlimited (but fd_*)
 *	vmo_bytes_per_client = 16G	; per process (VMO and IOB memory)
 *	handles_per_client = 65536	; per process
 *	vmo_bytes_per_uid = 64G
 *	handles_per_uid = 262144
 *	connections_per_process = 64	; control connections
 *	connections_per_uid = 4096
 *	channel_bytes_per_process = 64M	; written, not read yet
 *	channel_bytes_per_uid = 256M
 *	channel_messages_per_process = 16384
 *	channel_messages_per_uid = 65536
 *	pinned_bytes_per_process = 1G	; pinned through BTIs
 *	pinned_bytes_per_uid = 4G
 *	root_limit_factor = 1		; the root-resource policy's peers
 *					; get the limits above times this
 *	fd_budget = 0			; the daemon's fds; 0 = RLIMIT_NOFILE
 *	fd_reserve = 256		; kept for accepting, refusing, zxctl
 *	fd_share_per_uid = 50		; percent of the rest one uid may hold
 *
 *	[region NAME]			; sim backend, one per region
 *	kind = ram			; ram | mmio
 *	base = 0xF0000000		; page aligned (4096)
 *	size = 0x1000000		; page aligned, not 0
 *
 *	[pci NAME]			; pci backend, one per BAR
 *	device = 0000:00:02.0		; DDDD:BB:DD.F or BB:DD.F
 *	bar = 0				; 0 to 5
 *
 * Syntax: "[section]" or "[section NAME]" headers, "key = value" lines
 * (":" works as well as "="), comments from ";" or "#" at the start of a
 * line or from ";" after a blank. Leading blanks are ignored: there are no
 * continuation lines. Section and key names are case-sensitive; an unknown
 * section or key, or a key given twice, is an error.
 *
 * Numbers are decimal (leading zeros do not make them octal) or hex with
 * "0x"; byte quantities (vmo_bytes_per_client, region base and size) may
 * end in K, M, G or T (powers of 1024). Signs, blanks inside a number,
 * trailing garbage and values out of range are errors.
 *
 * socket is an absolute path of at most 107 bytes (sun_path's limit).
 *
 * Lists (root_uids, root_gids) are separated by commas and/or blanks. An
 * item that starts with a digit is a numeric id, anything else is looked up
 * as a user or group name when the file is loaded.
 *
 * A file with at least one [region] section replaces the whole default
 * physical map with its regions; one without keeps it. Likewise, any
 * [pci] section replaces the list of PCI BARs. Region and PCI names are
 * 1 to 31 characters of [A-Za-z0-9_.-] and unique within the file.
 * Regions must not overlap; no two [pci] sections may name the same BAR.
 * backend = pci needs at least one [pci] section. The PCI domain may have
 * 4 to 7 hex digits (VMD domains have 5).
 */
#ifndef ZXD_CONFIG_H
#define ZXD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <zxd/zxd.h>

#include "backends/phys.h"

#define CONFIG_DEFAULT_SOCKET		ZXD_DEFAULT_SOCKET
#define CONFIG_DEFAULT_SOCKET_MODE	0666
#define CONFIG_DEFAULT_BACKEND		"sim"
#define CONFIG_DEFAULT_VMO_BYTES	(UINT64_C(16) << 30)
#define CONFIG_DEFAULT_HANDLES		65536u
#define CONFIG_DEFAULT_VMO_BYTES_UID	(UINT64_C(64) << 30)
#define CONFIG_DEFAULT_HANDLES_UID	262144u
#define CONFIG_DEFAULT_CONNS		64u
#define CONFIG_DEFAULT_CONNS_UID	4096u
#define CONFIG_DEFAULT_CHAN_BYTES	(UINT64_C(64) << 20)
#define CONFIG_DEFAULT_CHAN_BYTES_UID	(UINT64_C(256) << 20)
#define CONFIG_DEFAULT_CHAN_MSGS	16384u
#define CONFIG_DEFAULT_CHAN_MSGS_UID	65536u
#define CONFIG_DEFAULT_PINNED		(UINT64_C(1) << 30)
#define CONFIG_DEFAULT_PINNED_UID	(UINT64_C(4) << 30)
#define CONFIG_DEFAULT_ROOT_FACTOR	1u
#define CONFIG_DEFAULT_FD_RESERVE	256u
#define CONFIG_DEFAULT_FD_SHARE		50u
#define CONFIG_DEFAULT_LOG_LEVEL	6	/* info */

/* Regions are in whole pages of this size. */
#define CONFIG_PAGE_SIZE		UINT64_C(4096)

/* The [limits] keys past the first two: name, where, whether K/M/G/T
 * suffixes are allowed, lowest and highest value. */
struct config_limit_key {
	const char *name;
	size_t offset;			/* of a uint64_t in struct config */
	bool suffix;
	uint64_t min, max;
};
extern const struct config_limit_key config_limit_keys[];
extern const size_t config_n_limit_keys;

/* Longest region or PCI name, without the terminating NUL. */
#define CONFIG_NAME_MAX			PHYS_NAME_MAX
/* Longest key line, without comments and outer blanks (what inih,
 * which zxd once used, allowed). */
#define CONFIG_LINE_MAX			198

struct config {
	char *path;			/* file loaded, NULL for built-ins */

	char *socket_path;
	mode_t socket_mode;
	bool socket_group_set;		/* false: leave the group as is */
	gid_t socket_group;
	char *backend;			/* "sim", "pci" or "devmem" */

	/* Peers admitted to the root resource. */
	uid_t *root_uids;
	size_t n_root_uids;
	gid_t *root_gids;
	size_t n_root_gids;

	/* The most verbose priority logged (sd-daemon.h's numbers:
	 * 3 err ... 7 debug). */
	int log_level;

	/* Limits per client process and per uid, 0 = unlimited (see
	 * daemon/account.c). */
	uint64_t vmo_bytes_per_client;
	uint32_t handles_per_client;
	uint64_t vmo_bytes_per_uid;
	uint64_t handles_per_uid;
	uint64_t connections_per_process;
	uint64_t connections_per_uid;
	uint64_t channel_bytes_per_process;
	uint64_t channel_bytes_per_uid;
	uint64_t channel_messages_per_process;
	uint64_t channel_messages_per_uid;
	uint64_t pinned_bytes_per_process;
	uint64_t pinned_bytes_per_uid;
	uint64_t root_limit_factor;	/* at least 1 */
	uint64_t fd_budget;		/* 0: RLIMIT_NOFILE */
	uint64_t fd_reserve;
	uint64_t fd_share_per_uid;	/* percent, 1..100 */

	/* In file order; regions never overlap. */
	struct phys_region_def *regions;
	size_t n_regions;
	struct phys_bar_def *pci_bars;
	size_t n_pci_bars;
};

/*
 * Fill *ret with the built-in defaults (the values shown above, root_uids
 * {0}, no root_gids, no PCI BARs, and API.md's sim map: RAM "ram" at
 * [0x0, 0x4000_0000) and MMIO "mmio0" at [0xF000_0000, 0xF100_0000)).
 * Returns 0 or -ENOMEM; *ret is untouched on failure.
 */
int config_init_defaults(struct config *ret);

/* What the physical-memory backend is to serve, for phys_init. */
static inline struct phys_setup
config_phys(const struct config *c)
{
	return (struct phys_setup){
		.backend = c->backend,
		.regions = c->regions,
		.n_regions = c->n_regions,
		.bars = c->pci_bars,
		.n_bars = c->n_pci_bars,
	};
}

/*
 * Parse the file at path over the configuration already in *c, which is
 * replaced only if the whole file is valid. Every error found is written
 * to errors (may be NULL), in line order, as "path:line: message\n", and
 * then -EINVAL is returned. A file that cannot be opened or read gives
 * "path: reason\n" and -errno; -ENOMEM when memory runs out. path may be
 * c->path, to load the same file again. A key line may hold
 * CONFIG_LINE_MAX characters, not counting comments and outer blanks;
 * comments may be longer.
 */
int config_load(struct config *c, const char *path, FILE *errors);

/* Free what *c holds and zero it; *c may be zeroed or half-built. */
void config_free(struct config *c);

/* The priority of a log_level name (err, warning, notice, info, debug),
 * or -1. */
int config_log_level_parse(const char *name);
/* The name of a priority between 3 and 7. */
const char *config_log_level_name(int level);

/* Whether name is a backend zxd knows ("sim", "pci", "devmem"). */
bool config_backend_known(const char *name);

/* "ram" or "mmio". */
const char *config_region_kind_name(enum phys_kind kind);

/*
 * Whether a peer gets the root resource: its uid is in root_uids, or its
 * gid or one of its n_groups supplementary groups is in root_gids.
 */
bool config_admits_root(const struct config *c, uid_t uid, gid_t gid,
			const gid_t *groups, size_t n_groups);

#endif /* ZXD_CONFIG_H */
