/* SIGHUP: read zxd.conf again and apply what can change while zxd runs
 * (log_level, [policy], [limits]); say what would need a restart. A file
 * with errors changes nothing. */
#include "config-build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/account.h"
#include "daemon/log.h"
#include "daemon/reload.h"

#define SWAP(a, b) do { __typeof__(a) t_ = (a); (a) = (b); (b) = t_; } while (0)

static void
log_lines(int priority, const char *id, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		int len = nl != NULL ? (int)(nl - p) : (int)strlen(p);

		log_ctx_msg(priority, &(struct log_ctx){ .message_id = id },
		    "%.*s", len, p);
		p += len + (nl != NULL);
	}
}

static void
needs_restart(const char *path, const char *what)
{
	log_warn("reload: %s: %s changed; that takes effect when zxd "
	    "restarts", path, what);
}

static bool
same_regions(const struct config *a, const struct config *b)
{
	return a->n_regions == b->n_regions && (a->n_regions == 0 ||
	    memcmp(a->regions, b->regions,
	    a->n_regions * sizeof(a->regions[0])) == 0);
}

static bool
same_bars(const struct config *a, const struct config *b)
{
	return a->n_pci_bars == b->n_pci_bars && (a->n_pci_bars == 0 ||
	    memcmp(a->pci_bars, b->pci_bars,
	    a->n_pci_bars * sizeof(a->pci_bars[0])) == 0);
}

int
reload_config(struct config *run, const struct reload_pins *pins)
{
	struct config fresh;
	char *errors = NULL;
	size_t errlen = 0;
	FILE *f;
	int r;

	if (run->path == NULL) {
		log_notice("reload: zxd was started without --config; "
		    "nothing to read");
		return 0;
	}
	if (config_init_defaults(&fresh) < 0)
		return -ENOMEM;
	f = open_memstream(&errors, &errlen);
	r = config_load(&fresh, run->path, f);
	if (f != NULL)
		fclose(f);
	if (r < 0) {
		if (errors != NULL)
			log_lines(3, LOG_ID_RELOAD_FAILED, errors);
		log_ctx_msg(3, &(struct log_ctx){
		    .message_id = LOG_ID_RELOAD_FAILED },
		    "reload: %s has errors; the running configuration is "
		    "kept", run->path);
		free(errors);
		config_free(&fresh);
		return r;
	}
	free(errors);

	/* What only a restart changes. */
	if (!pins->socket && (strcmp(fresh.socket_path, run->socket_path) ||
	    fresh.socket_mode != run->socket_mode ||
	    fresh.socket_group_set != run->socket_group_set ||
	    fresh.socket_group != run->socket_group))
		needs_restart(run->path, "the socket (socket, socket_mode, "
		    "socket_group)");
	if (!pins->backend && strcmp(fresh.backend, run->backend) != 0)
		needs_restart(run->path, "backend");
	if (!same_regions(&fresh, run) || !same_bars(&fresh, run))
		needs_restart(run->path, "the physical map ([region], [pci])");

	/* What changes now: fresh gets the old values and frees them. */
	SWAP(run->root_uids, fresh.root_uids);
	SWAP(run->n_root_uids, fresh.n_root_uids);
	SWAP(run->root_gids, fresh.root_gids);
	SWAP(run->n_root_gids, fresh.n_root_gids);
	run->vmo_bytes_per_client = fresh.vmo_bytes_per_client;
	run->handles_per_client = fresh.handles_per_client;
	/* The per-process and per-uid limits and the descriptor budget
	 * (daemon/account.c reads them from run at each charge). */
	for (size_t i = 0; i < config_n_limit_keys; i++) {
		size_t off = config_limit_keys[i].offset;

		*(uint64_t *)((char *)run + off) =
		    *(const uint64_t *)((const char *)&fresh + off);
	}
	account_init(run);
	run->log_level = fresh.log_level;
	if (!pins->log_level)
		log_max_priority = run->log_level;
	config_free(&fresh);
	log_ctx_msg(5, &(struct log_ctx){ .message_id = LOG_ID_RELOADED },
	    "reloaded %s: log_level %s, %zu root uid(s), %zu root gid(s), "
	    "vmo_bytes_per_client %llu, handles_per_client %u", run->path,
	    config_log_level_name(log_max_priority), run->n_root_uids,
	    run->n_root_gids,
	    (unsigned long long)run->vmo_bytes_per_client,
	    run->handles_per_client);
	return 0;
}
