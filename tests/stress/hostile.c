/*
 * Each hostile pattern of issue 16, by uid 0 (processes of root, not
 * admitted to anything more than the limits), while a well-behaved
 * client of uid 65534 keeps making ordinary calls:
 *
 *   memory       VMOs committed by the daemon, from four processes
 *   inflight     VMOs queued in channel messages nobody reads, from
 *                four processes
 *   connections  raw control connections until refused
 *   handles      events from four processes until refused
 *   cycles       self-cycles (c1 and a 1 MiB VMO written into c0, c0
 *                closed, exit), 3 x 1,000 (quick: 3 x 50)
 *   logflood     garbage packets on fresh connections
 *
 * Figures per pattern: what the hostile uid got, the observer's calls,
 * errors and slowest call, the daemon's descriptors and RSS before,
 * at the peak and after, log lines written. The bar: 0 observer
 * errors, no observer call over 50 ms (judged in full runs only), fds
 * back to the baseline and RSS within 8 MiB of it once the hostile
 * processes are gone.
 */
#include "config-build.h"

#include "tests/stress/stress.h"

#define LIMITS \
	"vmo_bytes_per_client = 64M\n" \
	"vmo_bytes_per_uid = 128M\n" \
	"channel_bytes_per_process = 16M\n" \
	"channel_bytes_per_uid = 32M\n" \
	"fd_budget = 6000\n"

static int seconds = 3;

/* Hold on until the pattern's time is up, then exit (everything goes). */
static void
linger(int64_t until)
{
	int64_t left = until - now_ns();

	if (left > 0)
		usleep((useconds_t)(left / 1000));
}

static uint64_t got;	/* what the pattern obtained (per process) */

static int
p_memory(int64_t until)
{
	zx_handle_t v;

	/* The daemon commits the pages (a VMO costs the pages it holds). */
	while (zx_vmo_create(1 << 20, 0, &v) == ZX_OK &&
	    zx_vmo_op_range(v, ZX_VMO_OP_COMMIT, 0, 1 << 20, NULL, 0) ==
	    ZX_OK) {
		got += 1 << 20;
		if (got > (1ull << 30))
			break;
	}
	linger(until);
	return 0;
}

static int
p_inflight(int64_t until)
{
	zx_handle_t a, b, v;

	if (zx_channel_create(0, &a, &b) != ZX_OK)
		return 1;
	for (;;) {
		if (zx_vmo_create(4096, 0, &v) != ZX_OK)
			break;
		if (zx_channel_write(a, 0, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 32,
		    &v, 1) != ZX_OK)
			break;
		got++;
		if (got % 3000 == 0) {	/* a new channel: 3500 per queue */
			if (zx_channel_create(0, &a, &b) != ZX_OK)
				break;
		}
	}
	linger(until);
	return 0;
}

static int
p_connections(int64_t until)
{
	int max = quick ? 2000 : 20000;

	for (int i = 0; i < max && raw_connect() >= 0; i++)
		got++;
	linger(until);
	return 0;
}

static int
p_handles(int64_t until)
{
	zx_handle_t e;

	while (zx_event_create(0, &e) == ZX_OK && got < 1000000)
		got++;
	linger(until);
	return 0;
}

static int
p_cycles(int64_t until)
{
	int n = quick ? 50 : 1000;

	(void)until;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			zx_handle_t c0, c1, v, hs[2];

			if (zx_channel_create(0, &c0, &c1) != ZX_OK ||
			    zx_vmo_create(1 << 20, 0, &v) != ZX_OK ||
			    zx_vmo_write(v, "x", 0, 1) != ZX_OK)
				_exit(1);
			hs[0] = c1;
			hs[1] = v;
			if (zx_channel_write(c0, 0, "c", 1, hs, 2) != ZX_OK)
				_exit(2);
			_exit(0);
		}
		if (pid > 0 && waitpid(pid, NULL, 0) == pid)
			got++;
	}
	return 0;
}

static int
p_logflood(int64_t until)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int n = quick ? 300 : 3000;

	(void)until;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", D.socket);
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

		if (fd < 0)
			break;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		    send(fd, "\xff\xff\xff\xff", 4, MSG_NOSIGNAL) == 4) {
			char b;

			(void)!recv(fd, &b, 1, 0);	/* dropped: EOF */
			got++;
		}
		close(fd);
	}
	return 0;
}

struct pattern {
	const char *name;
	int (*fn)(int64_t until);
	int procs;		/* hostile processes */
	const char *unit;
};

static const struct pattern patterns[] = {
	{ "memory", p_memory, 4, "bytes committed in VMOs" },
	{ "inflight", p_inflight, 4, "VMOs in flight" },
	{ "connections", p_connections, 4, "connections" },
	{ "handles", p_handles, 4, "events" },
	{ "cycles", p_cycles, 3, "cycles left behind" },
	{ "logflood", p_logflood, 1, "garbage packets" },
};

static int
log_lines(void)
{
	char line[1024];
	int n = 0;
	FILE *f = fopen(D.log, "re");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		n++;
	fclose(f);
	return n;
}

/* One pattern; returns whether it met the bar. */
static bool
run(const struct pattern *p)
{
	struct observer ob;
	struct observed o;
	int64_t until = now_ns() + (int64_t)seconds * 1000000000;
	int fds0, fds_peak = 0, fds1, lines0, lines1;
	long rss0, rss_peak = 0, rss1;
	uint64_t total = 0;
	pid_t pids[8];
	int res[2];
	bool ok;

	daemon_start(LIMITS);
	fds0 = daemon_settle(1 << 30, 0, 1);
	rss0 = daemon_rss_kb();
	lines0 = log_lines();
	observer_start(&ob);
	if (pipe(res) < 0)
		exit(2);
	for (int i = 0; i < p->procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(res[0]);
			p->fn(until);
			(void)!write(res[1], &got, sizeof(got));
			_exit(0);
		}
	}
	close(res[1]);
	/* Watch the daemon while they work. */
	for (;;) {
		struct pollfd pf = { .fd = res[0], .events = POLLIN };
		int f = daemon_fds();
		long r = daemon_rss_kb();

		if (f > fds_peak)
			fds_peak = f;
		if (r > rss_peak)
			rss_peak = r;
		if (poll(&pf, 1, 20) == 1) {
			uint64_t g;
			ssize_t n = read(res[0], &g, sizeof(g));

			if (n == (ssize_t)sizeof(g)) {
				total += g;
				continue;
			}
			if (n <= 0)
				break;
		}
	}
	close(res[0]);
	for (int i = 0; i < p->procs; i++)
		waitpid(pids[i], NULL, 0);
	o = observer_stop(&ob);
	fds1 = daemon_settle(fds0, 0, 5);
	usleep(700000);		/* the daemon trims its heap after a burst */
	rss1 = daemon_rss_kb();
	lines1 = log_lines();
	printf("%s: uid 0 (%d process%s) got %llu %s\n", p->name, p->procs,
	    p->procs > 1 ? "es" : "", (unsigned long long)total, p->unit);
	observed_print(p->name, &o);
	printf("  daemon fds %d -> peak %d -> %d; RSS %ld -> peak %ld -> "
	    "%ld KiB; %d log lines\n", fds0, fds_peak, fds1, rss0, rss_peak,
	    rss1, lines1 - lines0);
	ok = o.errors == 0 && fds1 <= fds0 && rss1 - rss0 < 8 * 1024;
	if (!quick)
		ok = ok && o.slow == 0;
	printf("  %s\n", ok ? "ok" : "MISSED");
	daemon_stop();
	return ok;
}

int
main(int argc, char **argv)
{
	bool all = true;
	const char *only = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '-')
			only = argv[i];
	if (quick)
		seconds = 1;
	if (geteuid() != 0) {
		printf("VERDICT: SKIP (needs root to run uid 65534's "
		    "observer)\n");
		return 77;
	}
	printf("hostile patterns by uid 0, %d s each%s; observer uid 65534\n",
	    seconds, quick ? " (quick: timing not judged)" : "");
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
		if (only == NULL || strcmp(only, patterns[i].name) == 0)
			all = run(&patterns[i]) && all;
	printf("VERDICT: %s\n", all ? "PASS" : "FAIL");
	return all ? 0 : 1;
}
