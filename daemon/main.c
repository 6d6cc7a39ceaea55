/* zxd: the daemon that owns every Zircon object. */
#include "config-build.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "backends/phys.h"
#include "daemon/config.h"
#include "daemon/dispatch.h"
#include "daemon/log.h"
#include "daemon/reload.h"
#include "daemon/server.h"
#include "objects/resource.h"

#define DEFAULT_SOCKET "/run/zxd/zxd.sock"

static void
usage(FILE *f)
{
	fprintf(f,
	    "Usage: zxd [OPTION]...\n"
	    "Run the zxd daemon in the foreground: it owns Zircon kernel "
	    "objects\nfor programs linked with libzx.\n\n"
	    "  -s, --socket PATH        listen on PATH (default %s;\n"
	    "                           ignored under socket activation)\n"
	    "  -c, --config FILE        read configuration from FILE\n"
	    "                           (default: built-in settings)\n"
	    "  -b, --backend NAME       physical-memory backend: sim, pci, "
	    "devmem\n"
	    "      --check-config FILE  validate FILE, report every error "
	    "as\n"
	    "                           FILE:LINE: what, and exit\n"
	    "  -v, --verbose            log debug messages too\n"
	    "  -h, --help               show this help and exit\n"
	    "  -V, --version            show the version and exit\n\n"
	    "SIGTERM or SIGINT stops zxd cleanly; SIGHUP reloads the --config\n"
	    "file (log_level, [policy], [limits]). See zxd(8).\n",
	    DEFAULT_SOCKET);
}

static void
stop_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	log_info("caught signal %d, stopping", (int)sig);
	event_base_loopbreak(arg);
}

/* The configuration and what the command line pinned, for SIGHUP. */
static struct {
	struct config *cfg;
	struct reload_pins pins;
} reload;

static void
reload_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	sd_notify(0, "RELOADING=1");
	reload_config(reload.cfg, &reload.pins);
	sd_notify(0, "READY=1");
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("cannot raise RLIMIT_NOFILE to %llu: %s "
			    "(ignored)", (unsigned long long)rl.rlim_max,
			    strerror(errno));
	}
}

int
main(int argc, char **argv)
{
	enum { OPT_CHECK_CONFIG = 0x100 };
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "backend", required_argument, NULL, 'b' },
		{ "check-config", required_argument, NULL, OPT_CHECK_CONFIG },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	const char *socket_opt = NULL, *config_path = NULL, *backend = NULL;
	const char *check = NULL;
	char errbuf[512];
	struct phys_setup ps;
	struct event *ev_term, *ev_int, *ev_hup, *ev_wd = NULL;
	bool verbose = false;
	struct event_base *base;
	struct config cfg;
	uint64_t wd_usec = 0;
	int opt, n, r;

	while ((opt = getopt_long(argc, argv, "s:c:b:vhV", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			socket_opt = optarg;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'b':
			backend = optarg;
			break;
		case OPT_CHECK_CONFIG:
			check = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("zxd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			/* getopt said what was wrong. */
			fputs("Try 'zxd --help' for more information.\n",
			    stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "zxd: unexpected argument '%s'\n"
		    "Try 'zxd --help' for more information.\n", argv[optind]);
		return 2;
	}

	if (config_init_defaults(&cfg) < 0) {
		log_err("out of memory");
		return 1;
	}
	if (check != NULL) {
		r = config_load(&cfg, check, stderr);
		config_free(&cfg);
		if (r == 0)
			printf("%s: OK\n", check);
		return r == 0 ? 0 : 1;
	}
	if (config_path != NULL && config_load(&cfg, config_path, stderr) < 0) {
		log_err("%s: configuration not loaded", config_path);
		config_free(&cfg);
		return 1;
	}
	log_max_priority = verbose ? 7 : cfg.log_level;
	if (backend != NULL) {
		free(cfg.backend);
		cfg.backend = strdup(backend);
	}
	if (socket_opt != NULL) {
		free(cfg.socket_path);
		cfg.socket_path = strdup(socket_opt);
	}
	if (cfg.backend == NULL || cfg.socket_path == NULL) {
		log_err("out of memory");
		return 1;
	}
	if (dispatch_init() < 0) {
		config_free(&cfg);
		return 1;
	}
	if (!config_backend_known(cfg.backend)) {
		log_err("unknown backend '%s' (sim, pci or devmem)",
		    cfg.backend);
		config_free(&cfg);
		return 1;
	}
	ps = config_phys(&cfg);
	if (phys_init(&ps, errbuf, sizeof(errbuf)) < 0) {
		log_err("backend %s: %s", cfg.backend, errbuf);
		config_free(&cfg);
		return 1;
	}
	for (size_t i = 0; i < phys_region_count(); i++) {
		const struct phys_region *pr = phys_region_at(i);

		log_info("physical region %s: %s [%#" PRIx64 ", %#" PRIx64
		    ") from %s", pr->name, pr->kind == PHYS_RAM ? "ram" :
		    "mmio", pr->base, pr->base + pr->size, pr->source);
	}

	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	base = event_base_new();
	if (base == NULL || server_init(base, &cfg) < 0) {
		log_err("cannot set up the event loop");
		return 1;
	}
	/* Before the socket can be reached: whoever connects may stop us
	 * at once, and must see a clean stop. */
	ev_term = evsignal_new(base, SIGTERM, stop_cb, base);
	ev_int = evsignal_new(base, SIGINT, stop_cb, base);
	event_add(ev_term, NULL);
	event_add(ev_int, NULL);

	n = sd_listen_fds(1);
	if (n > 1) {
		log_err("socket activation passed %d sockets; expected one", n);
		return 1;
	} else if (n == 1) {
		if (sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_SEQPACKET, 1,
		    NULL, 0) <= 0) {
			log_err("the activated socket is not a listening "
			    "AF_UNIX SOCK_SEQPACKET socket");
			return 1;
		}
		r = server_adopt_listener(SD_LISTEN_FDS_START);
		if (r < 0) {
			log_err("activated socket: %s", strerror(-r));
			return 1;
		}
		log_info("listening on the socket-activated socket");
	} else {
		r = server_bind(cfg.socket_path);
		if (r < 0) {
			log_err("cannot listen on %s: %s", cfg.socket_path,
			    r == -EADDRINUSE ?
			    "another zxd is already listening there" :
			    strerror(-r));
			if (r == -ENOENT)
				log_err("its folder does not exist: create it "
				    "(for the default, `systemd-tmpfiles "
				    "--create zxd.conf` makes /run/zxd), or "
				    "choose another path with --socket or "
				    "[daemon] socket");
			else if (r == -EACCES || r == -EPERM)
				log_err("zxd may not create a socket there: run "
				    "it as a user who may (the zxd.socket unit "
				    "does it for zxd), or choose another path "
				    "with --socket or [daemon] socket");
			else if (r == -EADDRINUSE)
				log_err("stop that zxd first, or choose another "
				    "path with --socket");
			return 1;
		}
		log_info("listening on %s", cfg.socket_path);
	}

	reload.cfg = &cfg;
	reload.pins = (struct reload_pins){
		.socket = socket_opt != NULL || n == 1,
		.backend = backend != NULL,
		.log_level = verbose,
	};
	ev_hup = evsignal_new(base, SIGHUP, reload_cb, NULL);
	event_add(ev_hup, NULL);
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0) {
		struct timeval tv = {
			.tv_sec = (time_t)(wd_usec / 2 / 1000000),
			.tv_usec = (suseconds_t)(wd_usec / 2 % 1000000),
		};

		ev_wd = event_new(base, -1, EV_PERSIST, watchdog_cb, NULL);
		event_add(ev_wd, &tv);
	}

	sd_notifyf(0, "READY=1\nSTATUS=Serving on %s\nMAINPID=%d",
	    n == 1 ? "the activated socket" : cfg.socket_path, (int)getpid());
	log_notice("zxd %s ready (backend %s)", PACKAGE_VERSION, cfg.backend);

	event_base_dispatch(base);

	sd_notify(0, "STOPPING=1");
	server_shutdown();
	resource_shutdown();
	phys_shutdown();
	event_free(ev_term);
	event_free(ev_hup);
	event_free(ev_int);
	if (ev_wd != NULL)
		event_free(ev_wd);
	event_base_free(base);
	config_free(&cfg);
	log_info("stopped");
	return 0;
}
