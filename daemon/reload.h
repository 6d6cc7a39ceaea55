/* SIGHUP's configuration reload. */
#ifndef ZXD_DAEMON_RELOAD_H
#define ZXD_DAEMON_RELOAD_H

#include <stdbool.h>

#include "daemon/config.h"

/* Settings the command line fixed, which the file does not change. */
struct reload_pins {
	bool socket;		/* --socket, or socket activation */
	bool backend;		/* --backend */
	bool log_level;		/* --verbose */
};

/*
 * Read run->path again. On errors, log them (MESSAGE_ID
 * LOG_ID_RELOAD_FAILED), change nothing and return the error; otherwise
 * apply log_level, the root-resource policy and the limits to *run in
 * place (the server reads them from there for every request), log each
 * changed setting that needs a restart, and return 0.
 */
int reload_config(struct config *run, const struct reload_pins *pins);

#endif
