/* zxctl's main: the command table, options, the connection to zxd
 * and errors. See zxctl.h. */
#include "config-build.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zircon/status.h>
#include <zxd/zxd.h>

#include "client/zxctl/zxctl.h"
#include "proto/conn.h"

/*
 * Report a failure: a line on stderr and, with --json, a document with
 * an "error" member on stdout, so a script always gets one document.
 * status is the daemon's answer, or ZX_OK when there is none.
 */
int
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

static const char *
socket_path(const struct ctl *ctl)
{
	return ctl->socket != NULL ? ctl->socket : conn_socket_path();
}

/* Send req and read its reply into *ret (kept in ctl->replies). Returns
 * an exit status; the reply's own status is the caller's to read. */
static int
roundtrip(struct ctl *ctl, Zxd__Request *req, Zxd__Reply **ret)
{
	struct wire_msg m = { .buf = ctl->buf };
	Zxd__Reply *rep, **grown;
	int r;

	req->txid = ++ctl->txid;
	r = conn_call(ctl->fd, req, NULL, 0, &m, &rep);
	if (r == -ECONNRESET)
		return fail(ctl, EXIT_PROTOCOL, ZX_OK,
		    "zxd closed the connection (a request it does not "
		    "know? zxd and zxctl of different versions?)");
	if (r == -EBADMSG || (r == 0 && m.nfds != 0)) {
		if (r == 0) {
			wire_msg_clear(&m);
			zxd__reply__free_unpacked(rep, NULL);
		}
		return fail(ctl, EXIT_PROTOCOL, ZX_OK,
		    "zxd sent a reply zxctl cannot read");
	}
	if (r == -EPROTO)
		return fail(ctl, EXIT_PROTOCOL, ZX_OK,
		    "reading a reply: malformed packet");
	if (r < 0)
		return fail(ctl, EXIT_UNREACHABLE, ZX_OK, "%s: %s",
		    socket_path(ctl), strerror(-r));
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
	const char *path = socket_path(ctl);
	int32_t status;
	int r;

	ctl->buf = malloc(WIRE_MAX_MSG);
	if (ctl->buf == NULL)
		return fail(ctl, EXIT_PROTOCOL, ZX_OK, "out of memory");
	r = conn_open(path, &ctl->fd, &status);
	if (r == -ENAMETOOLONG)
		return fail(ctl, EXIT_USAGE, ZX_OK, "%s: socket path too long",
		    path);
	if (r == -EPROTONOSUPPORT)
		return fail(ctl, EXIT_UNREACHABLE, status,
		    "zxd at %s does not speak protocol version %u", path,
		    ZXD_PROTOCOL_VERSION);
	if (r == -EMFILE || r == -ENFILE || r == -ENOMEM)
		return fail(ctl, EXIT_PROTOCOL, ZX_OK, "%s", strerror(-r));
	if (r < 0)
		return fail(ctl, EXIT_UNREACHABLE, ZX_OK,
		    "cannot reach zxd at %s: %s", path, strerror(-r));
	return EXIT_OK;
}

/* One request whose reply must be OK with body `want`. `what` names
 * the thing asked about, for messages. Connects on first use, so bad
 * arguments are reported without a daemon. */
int
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

int
list_all(struct ctl *ctl, const struct listing *l, void *all, size_t *n)
{
	int r;

	do {
		Zxd__Reply *rep;
		struct page pg;

		r = call(ctl, l->req, l->want, l->what, &rep);
		if (r != EXIT_OK)
			return r;
		l->read(rep, &pg, l->arg);
		if (!append(all, n, pg.items, pg.n))
			return fail(ctl, EXIT_PROTOCOL, ZX_OK,
			    "out of memory");
		r = next_page(ctl, l->after, pg.next);
		if (r != EXIT_OK)
			return r;
	} while (*l->after != 0);
	return EXIT_OK;
}

bool
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

static int cmd_top(struct ctl *ctl, char **argv, int argc);

static const struct command commands[] = {
	{ "status", "[timing-on|timing-off]", 0, 1,
	    "the daemon: version, uptime, clients, handles, objects, memory",
	    "Show zxd's version, pid, uptime and backend; how many clients,\n"
	    "handles and objects it has (by object type) and the memory its\n"
	    "objects hold. These figures are daemon-wide for every user.\n"
	    "timing-on starts timing every request inside the daemon afresh\n"
	    "(the wait from when it was sent to its handler, and the\n"
	    "handler until the reply), timing-off stops it; the figures\n"
	    "recorded, p50 and p99 by request, follow the status. Starting\n"
	    "and stopping need the root-resource policy's admission.\n",
	    cmd_status },
	{ "objects", "", 0, 0,
	    "objects: koid, type, name, size, handles, holders",
	    "List the objects you may see, by koid: type, name, the memory\n"
	    "each holds, its handle count, its peer, and the processes\n"
	    "holding handles to it (command[pid], xN for N handles).\n"
	    "Without the root-resource policy's admission you see the\n"
	    "objects your uid holds handles to, and only your uid's holders.\n",
	    cmd_objects },
	{ "ports", "", 0, 0,
	    "ports (queued packets, async waits) and timers",
	    "List the ports you may see, with the packets queued on each\n"
	    "that nobody has taken yet and the async waits registered on it;\n"
	    "then the timers: clock, whether armed, how long until the\n"
	    "deadline, the slack, and whether ZX_TIMER_SIGNALED is set.\n",
	    cmd_ports },
	{ "handles", "[PID]", 0, 1,
	    "handles by process (of one process with PID)",
	    "List handles by process: pid, uid, command, the handle's value\n"
	    "in its process, the object's koid and type, the handle's\n"
	    "rights and the related koid (ZX_INFO_HANDLE_TABLE's fields).\n"
	    "With PID, only that process's; asking for another uid's\n"
	    "process is refused unless the root-resource policy admits you.\n",
	    cmd_handles },
	{ "maps", "PID", 1, 1,
	    "a process's address space: VMARs and mappings",
	    "Show process PID's address space as ZX_INFO_PROCESS_MAPS gives\n"
	    "it: the address space, the root VMAR, its sub-VMARs and the\n"
	    "mappings, depth first, indented by depth; each mapping's\n"
	    "permissions, VMO koid and offset. Asking for another uid's\n"
	    "process is refused unless the root-resource policy admits you.\n",
	    cmd_maps },
	{ "iob", "KOID", 1, 1,
	    "an IOBuffer endpoint: regions, access per endpoint, mappings",
	    "Show the IOBuffer endpoint KOID and its peer: each region's\n"
	    "memory-object koid, type, discipline, size, the access of each\n"
	    "endpoint (map read/write / mediated read/write) and how many\n"
	    "mappings each endpoint holds; for shared regions, the shared\n"
	    "region, the tag and the ring's head, tail and counts. KOID may\n"
	    "also be a shared region's. KOID must be an IOB you may see,\n"
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
	{ "top", "", 0, 0,
	    "a live view: status and objects, refreshed every second",
	    "Show status and then objects, again every second (or every\n"
	    "--watch SECONDS), until interrupted; --count N stops after N\n"
	    "views.\n",
	    cmd_top },
	{ 0 },
};

/* zxctl top: status and objects. */
static int
cmd_top(struct ctl *ctl, char **argv, int argc)
{
	int r = cmd_status(ctl, argv, argc);

	if (r != EXIT_OK)
		return r;
	if (!ctl->json)
		putchar('\n');
	return cmd_objects(ctl, argv, argc);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "Usage: zxctl [OPTIONS] [COMMAND [ARG]]\n"
	    "Show what zxd holds (without a command: status).\n\n"
	    "Commands:\n");
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
	    "  -o, --output COLS  print these table columns, in this order\n"
	    "                     (comma-separated heads, e.g. koid,type)\n"
	    "      --no-legend    no head row\n"
	    "      --numeric      rights as numbers, not names\n"
	    "  -w, --watch SECS   run the command again every SECS seconds\n"
	    "  -n, --count N      with --watch (or top): stop after N runs\n"
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
	printf("Usage: zxctl [OPTIONS] %s%s%s\n%s", c->name,
	    c->args[0] ? " " : "", c->args, c->help);
}

int
main(int argc, char **argv)
{
	enum { OPT_NO_LEGEND = 0x100, OPT_NUMERIC };
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-legend", no_argument, NULL, OPT_NO_LEGEND },
		{ "numeric", no_argument, NULL, OPT_NUMERIC },
		{ "watch", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct ctl ctl = { .fd = -1 };
	const struct command *cmd = NULL;
	bool help = false;
	double watch = 0;
	uint64_t count = 0;
	int opt, nargs, r;

	setlocale(LC_ALL, "");
	while ((opt = getopt_long(argc, argv, "s:jo:w:n:hV", opts, NULL)) !=
	    -1) {
		switch (opt) {
		case 's':
			ctl.socket = optarg;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 'o':
			table_opts.columns = optarg;
			break;
		case OPT_NO_LEGEND:
			table_opts.no_legend = true;
			break;
		case OPT_NUMERIC:
			table_opts.numeric = true;
			break;
		case 'w': {
			char *end;

			watch = strtod(optarg, &end);
			if (*end != '\0' || !(watch > 0) || watch > 86400) {
				fprintf(stderr, "zxctl: --watch wants seconds "
				    "between 0 and 86400, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 'n':
			if (!parse_u64(optarg, UINT32_MAX, &count) ||
			    count == 0) {
				fprintf(stderr, "zxctl: --count wants a "
				    "positive number, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			printf("zxctl %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			fputs("Try 'zxctl --help' for more information.\n",
			    stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		if (help) {
			usage(stdout);
			return EXIT_OK;
		}
		/* No command: status, as `ip` shows its default. */
		argv[--optind] = (char *)"status";
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

	if (strcmp(cmd->name, "top") == 0 && watch == 0)
		watch = 1;
	for (uint64_t i = 0;; i++) {
		/* On a terminal each view replaces the last. */
		if (watch > 0 && isatty(STDOUT_FILENO) && !ctl.json)
			fputs("\033[H\033[2J", stdout);
		r = cmd->run(&ctl, argv + optind + 1, nargs);
		for (size_t k = 0; k < ctl.n_replies; k++)
			zxd__reply__free_unpacked(ctl.replies[k], NULL);
		ctl.n_replies = 0;
		if (r != EXIT_OK || watch == 0 || (count > 0 && i + 1 >= count))
			break;
		if (fflush(stdout) != 0)
			break;
		{
			struct timespec ts = {
				.tv_sec = (time_t)watch,
				.tv_nsec = (long)((watch - (double)(time_t)watch) *
				    1e9),
			};

			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
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
