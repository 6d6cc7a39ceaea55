/*
 * bench_scale: many callers at once.
 *
 *   threads   N threads of one process creating and closing events:
 *             calls/s against one thread of the same process (the floor
 *             is the same work serialised; a ratio above 1 means the
 *             threads overlap their calls instead of queueing on a lock)
 *   clients   C processes x K mixed calls each, all started together,
 *             for C = 1, 10, 100 and BENCH_CLIENTS: the aggregate calls/s
 *             against one client doing the same alone (the floor, best of
 *             three, measured first in the same run), and per call type
 *             p50, p99 and p99/p50 of
 *               - the call as the client sees it (end to end), and
 *               - inside the daemon (its own call timing, zxctl status
 *                 --timing): the wait from the kernel's stamp when the
 *                 client sent the request to the start of its handler
 *                 (the daemon's queue), and the handler's own time.
 *             With the daemon's CPU share and its run-queue share (time
 *             runnable but not on a CPU, /proc/PID/schedstat): what the
 *             machine's scheduler adds, which the daemon cannot help.
 *
 * Mixed calls, one round each: zx_event_create + close (control
 * connection), zx_object_signal (a handle's socket), zx_object_get_info
 * (HANDLE_COUNT, a handle's socket), zx_vmo_create(4 KiB) + close.
 *
 * Starts its own zxd ($ZXD_BIN, else ./zxd). BENCH_CLIENTS (default 1000),
 * BENCH_CALLS (default 100 mixed rounds per client; more for fewer
 * clients), BENCH_THREADS (default 4). Prints figures only.
 */
#include "config-build.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "proto/conn.h"
#include "proto/envelope.h"
#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

enum { T_EVENT, T_SIGNAL, T_INFO, T_VMO, N_TYPES };
static const char *const type_name[N_TYPES] = {
	"event create+close", "object_signal", "get_info(COUNT)",
	"vmo create+close",
};
/* The request of each type the daemon times (calls.def's names). */
static const char *const type_call[N_TYPES] = {
	"event_create", "object_signal", "get_info", "vmo_create",
};

static long
env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v != NULL && atol(v) > 0 ? atol(v) : def;
}

/* --- N threads of one process ----------------------------------------- */

struct thr {
	long calls;
	pthread_barrier_t *go;
	int failed;
};

static void *
thread_creates(void *arg)
{
	struct thr *t = arg;

	pthread_barrier_wait(t->go);
	for (long i = 0; i < t->calls; i++) {
		zx_handle_t e;

		if (zx_event_create(0, &e) != ZX_OK) {
			t->failed = 1;
			return NULL;
		}
		zx_handle_close(e);
	}
	return NULL;
}

static void schedstat(pid_t pid, double *run, double *wait);
static pid_t zxd_pid;

static double
process_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Calls per second of n threads doing `calls` creates each; the CPU
 * each call cost this process and zxd (ns), which load from elsewhere
 * changes less than the rate. */
static double
threads_rate(int n, long calls, double *cpu_here, double *cpu_zxd)
{
	pthread_t tid[64];
	struct thr t[64];
	pthread_barrier_t go;
	double c0, z0, z1, w;
	int64_t t0;

	pthread_barrier_init(&go, NULL, (unsigned)n + 1);
	for (int i = 0; i < n; i++) {
		t[i] = (struct thr){ .calls = calls, .go = &go };
		if (pthread_create(&tid[i], NULL, thread_creates, &t[i]) != 0)
			bench_die("pthread_create");
	}
	pthread_barrier_wait(&go);
	c0 = process_cpu_ns();
	schedstat(zxd_pid, &z0, &w);
	t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		if (t[i].failed)
			bench_die("zx_event_create in a thread");
	}
	t0 = bench_now_ns() - t0;
	schedstat(zxd_pid, &z1, &w);
	*cpu_here = (process_cpu_ns() - c0) / ((double)n * (double)calls);
	*cpu_zxd = (z1 - z0) / ((double)n * (double)calls);
	pthread_barrier_destroy(&go);
	return (double)n * (double)calls / ((double)t0 * 1e-9);
}

/* --- C client processes ------------------------------------------------ */

/* Latencies in ns, [client][round][type], in shared memory. */
static float *lat;

/* The daemon under test, and hooks around the timed part of a run (the
 * daemon's own figures). */
static const struct zxdtest_daemon *daemon_;
static void (*run_begin)(void), (*run_during)(void), (*run_end)(void);

static int
one_round(zx_handle_t ev, float *out)
{
	zx_info_handle_count_t cnt;
	zx_handle_t h;
	int64_t t;

	t = bench_now_ns();
	if (zx_event_create(0, &h) != ZX_OK)
		return -1;
	zx_handle_close(h);
	out[T_EVENT] = (float)(bench_now_ns() - t);
	t = bench_now_ns();
	if (zx_object_signal(ev, 0, ZX_USER_SIGNAL_0) != ZX_OK)
		return -1;
	out[T_SIGNAL] = (float)(bench_now_ns() - t);
	t = bench_now_ns();
	if (zx_object_get_info(ev, ZX_INFO_HANDLE_COUNT, &cnt, sizeof(cnt),
	    NULL, NULL) != ZX_OK)
		return -1;
	out[T_INFO] = (float)(bench_now_ns() - t);
	t = bench_now_ns();
	if (zx_vmo_create(4096, 0, &h) != ZX_OK)
		return -1;
	zx_handle_close(h);
	out[T_VMO] = (float)(bench_now_ns() - t);
	return 0;
}

static void
client_main(int idx, long rounds, int go_fd)
{
	zx_handle_t ev;
	char c;

	/* Connected and holding a handle before the start. */
	if (zx_event_create(0, &ev) != ZX_OK)
		_exit(2);
	if (read(go_fd, &c, 1) != 1)
		_exit(3);
	for (long r = 0; r < rounds; r++)
		if (one_round(ev, &lat[((size_t)idx * (size_t)rounds +
		    (size_t)r) * N_TYPES]) < 0)
			_exit(4);
	_exit(0);
}

static int
cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* Each client's total time in its calls: the median and the slowest
 * client's, of the last run (ns). */
static double client_median, client_max;

/* Run n clients at once; returns aggregate calls/s (calls = rounds x
 * types); fills per-type p50/p99 in ns. */
static double
clients_run(int n, long rounds, double p50[N_TYPES], double p99[N_TYPES])
{
	size_t per = (size_t)rounds * N_TYPES;
	int go[2];
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	float *col;
	int64_t t0;
	int bad = 0;

	if (pids == NULL || pipe(go) < 0)
		bench_die("pipe");
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			bench_die("fork");
		if (pids[i] == 0) {
			close(go[1]);
			client_main(i, rounds, go[0]);
		}
	}
	close(go[0]);
	/* Let them connect, then start them together. */
	usleep(200000 + (useconds_t)n * 500);
	if (run_begin != NULL)
		run_begin();
	t0 = bench_now_ns();
	for (int i = 0; i < n; i++)
		if (write(go[1], "g", 1) != 1)
			bench_die("write");
	if (run_during != NULL)
		run_during();
	for (int i = 0; i < n; i++) {
		int st;

		waitpid(pids[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	}
	t0 = bench_now_ns() - t0;
	if (run_end != NULL)
		run_end();
	close(go[1]);
	free(pids);
	if (bad > 0) {
		fprintf(stderr, "bench_scale: %d clients failed\n", bad);
		exit(1);
	}
	col = malloc((size_t)n * (size_t)rounds * sizeof(*col));
	if (col == NULL)
		bench_die("malloc");
	for (int t = 0; t < N_TYPES; t++) {
		size_t k = 0;

		for (int i = 0; i < n; i++)
			for (long r = 0; r < rounds; r++)
				col[k++] = lat[(size_t)i * per +
				    (size_t)r * N_TYPES + (size_t)t];
		qsort(col, k, sizeof(*col), cmp_float);
		p50[t] = col[k / 2];
		p99[t] = col[k * 99 / 100];
	}
	/* Fairness between clients: each one's time in its calls. */
	for (int i = 0; i < n; i++) {
		float sum = 0;

		for (size_t j = 0; j < per; j++)
			sum += lat[(size_t)i * per + j];
		col[i] = sum;
	}
	qsort(col, (size_t)n, sizeof(*col), cmp_float);
	client_median = col[n / 2];
	client_max = col[n - 1];
	free(col);
	return (double)n * (double)per / ((double)t0 * 1e-9);
}

/* --- the daemon's own figures ---------------------------------------- */

struct inside {
	double wait50, wait99, svc50, svc99;	/* ns */
	uint64_t count;
};

/* Ask the daemon's stats with call_timing `op` (1 start, 2 stop, 0
 * read); fills in[] for our call types when asked to. */
static void
daemon_timing(const char *sock, uint32_t op, struct inside in[N_TYPES])
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Stats st = ZXD__STATS__INIT;
	struct wire_msg m = { 0 };
	Zxd__Reply *rep;
	int32_t hello;
	int fd;

	if (conn_open(sock, &fd, &hello) < 0)
		bench_die("connecting for stats");
	m.buf = malloc(WIRE_MAX_MSG);
	if (m.buf == NULL)
		bench_die("malloc");
	st.call_timing = op;
	req.txid = 2;
	req.body_case = ZXD__REQUEST__BODY_STATS;
	req.stats = &st;
	if (conn_call(fd, &req, NULL, 0, &m, &rep) < 0 || rep->status != 0 ||
	    rep->body_case != ZXD__REPLY__BODY_STATS)
		bench_die("stats (call timing)");
	for (int t = 0; in != NULL && t < N_TYPES; t++) {
		in[t] = (struct inside){ 0 };
		for (size_t i = 0; i < rep->stats->n_call_timing; i++) {
			const Zxd__CallTiming *ct = rep->stats->call_timing[i];

			if (strcmp(ct->name, type_call[t]) != 0)
				continue;
			in[t] = (struct inside){
				.wait50 = (double)ct->wait_p50_ns,
				.wait99 = (double)ct->wait_p99_ns,
				.svc50 = (double)ct->service_p50_ns,
				.svc99 = (double)ct->service_p99_ns,
				.count = ct->count,
			};
		}
	}
	envelope_free(&rep->base);
	free(m.buf);
	close(fd);
}

/* CPU time and run-queue wait of a process (ns), from its schedstat. */
static void
schedstat(pid_t pid, double *run, double *wait)
{
	char path[64];
	unsigned long long a = 0, b = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "re");
	if (f == NULL || fscanf(f, "%llu %llu", &a, &b) != 2)
		a = b = 0;
	if (f != NULL)
		fclose(f);
	*run = (double)a;
	*wait = (double)b;
}

struct step {
	double rate;			/* aggregate calls/s */
	double p50[N_TYPES], p99[N_TYPES];	/* end to end, ns */
	struct inside in[N_TYPES];	/* inside the daemon */
	double cpu, runq;		/* the daemon's shares of the time */
	double op50, opmax;		/* an operator's status, ns */
	double cl50, clmax;		/* a client's total time, ns */
	int n_op;
};

/* What `zxctl status` costs while the clients run (connect, HELLO,
 * stats): the listener and an operator's call are not starved. */
static double op_ns[16];
static int n_op;

static void
step_during(void)
{
	for (n_op = 0; n_op < 16;) {
		int64_t t = bench_now_ns();
		siginfo_t si = { 0 };

		daemon_timing(daemon_->socket, 0, NULL);
		op_ns[n_op++] = (double)(bench_now_ns() - t);
		usleep(20000);
		/* Stop when the first client is done: the run is ending. */
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
		    si.si_pid != 0)
			break;
	}
}

static double run0, wait0, run1, wait1;
static int64_t when0, when1;

static void
step_begin(void)
{
	daemon_timing(daemon_->socket, 1, NULL);
	schedstat(daemon_->pid, &run0, &wait0);
	when0 = bench_now_ns();
}

static void
step_end(void)
{
	schedstat(daemon_->pid, &run1, &wait1);
	when1 = bench_now_ns();
}

/* One step: n clients x rounds, timed inside the daemon too. */
static void
step_run(const struct zxdtest_daemon *d, int n, long rounds,
    struct step *s)
{
	daemon_ = d;
	run_begin = step_begin;
	run_during = step_during;
	run_end = step_end;
	s->rate = clients_run(n, rounds, s->p50, s->p99);
	s->cl50 = client_median;
	s->clmax = client_max;
	run_begin = run_during = run_end = NULL;
	s->n_op = n_op;
	s->opmax = 0;
	for (int i = 0; i < n_op; i++)
		if (op_ns[i] > s->opmax)
			s->opmax = op_ns[i];
	s->op50 = n_op > 0 ? bench_median_of(op_ns, n_op) : 0;
	daemon_timing(d->socket, 2, s->in);
	s->cpu = (run1 - run0) / (double)(when1 - when0);
	s->runq = (wait1 - wait0) / (double)(when1 - when0);
}

static void
step_print(const struct step *s, const struct step *alone)
{
	printf("  daemon: %.0f%% on a CPU, %.0f%% runnable waiting for one "
	    "(the machine's share of the waits)\n", s->cpu * 100,
	    s->runq * 100);
	printf("  each client's time in its calls: median %.1f ms, slowest "
	    "%.1f ms (ratio %.2f: 1 is every client served alike)\n",
	    s->cl50 / 1e6, s->clmax / 1e6, s->clmax / s->cl50);
	if (s->n_op > 0)
		printf("  an operator's status during the run (connect + "
		    "HELLO + stats, %d times): median %.0f us, max %.0f us\n",
		    s->n_op, s->op50 / 1e3, s->opmax / 1e3);
	printf("  %-19s %-27s %-27s %s\n", "", "end to end p50/p99 (ratio)",
	    "in zxd: wait p50/p99 (ratio)", "handler p50/p99");
	for (int t = 0; t < N_TYPES; t++) {
		char e2e[40], w[40];

		snprintf(e2e, sizeof(e2e), "%.1f/%.1f us (%.2f)",
		    s->p50[t] / 1e3, s->p99[t] / 1e3, s->p99[t] / s->p50[t]);
		snprintf(w, sizeof(w), "%.1f/%.1f us (%.2f)",
		    s->in[t].wait50 / 1e3, s->in[t].wait99 / 1e3,
		    s->in[t].wait50 > 0 ? s->in[t].wait99 / s->in[t].wait50 :
		    0);
		printf("  %-19s %-27s %-27s %.1f/%.1f us   (alone: %.1f us, "
		    "in zxd %.1f)\n", type_name[t], e2e, w,
		    s->in[t].svc50 / 1e3, s->in[t].svc99 / 1e3,
		    alone->p50[t] / 1e3, alone->in[t].wait50 / 1e3);
	}
}

int
main(void)
{
	struct zxdtest_daemon d;
	long clients = env_long("BENCH_CLIENTS", 1000);
	long rounds = env_long("BENCH_CALLS", 100);
	long nthreads = env_long("BENCH_THREADS", 4);
	long tcalls = 3000 * env_long("BENCH_SCALE", 1);
	long steps[] = { 10, 100, clients };
	struct rlimit rl = { 65536, 65536 };
	double one, many, r1[3], rn[3], h1[3], hn[3], z1[3], zn[3];
	struct step alone = { 0 }, s;
	long max = clients > 100 ? clients : 100;

	if (nthreads > 64)
		nthreads = 64;
	/* The daemon holds a socket per handle and per client. */
	setrlimit(RLIMIT_NOFILE, &rl);
	if (zxdtest_start(&d, NULL) < 0)
		bench_die("starting zxd");

	/* Alternate single and multi rounds; medians of three. */
	zxd_pid = d.pid;
	threads_rate(1, tcalls / 4, h1, z1);
	for (int i = 0; i < 3; i++) {
		r1[i] = threads_rate(1, tcalls, &h1[i], &z1[i]);
		rn[i] = threads_rate((int)nthreads, tcalls, &hn[i], &zn[i]);
	}
	one = bench_median_of(r1, 3);
	many = bench_median_of(rn, 3);
	printf("bench_scale: %ld threads of one process creating events, "
	    "medians of 3 rounds\n", nthreads);
	printf("  %ld threads  %8.0f calls/s   floor %8.0f calls/s (one "
	    "thread)   ratio %.2fx\n", nthreads, many, one, many / one);
	printf("  CPU per call: this process %.1f us (one thread %.1f, "
	    "ratio %.2f), zxd %.1f us (one thread %.1f, ratio %.2f)\n",
	    bench_median_of(hn, 3) / 1e3, bench_median_of(h1, 3) / 1e3,
	    bench_median_of(hn, 3) / bench_median_of(h1, 3),
	    bench_median_of(zn, 3) / 1e3, bench_median_of(z1, 3) / 1e3,
	    bench_median_of(zn, 3) / bench_median_of(z1, 3));

	lat = mmap(NULL, (size_t)max * (size_t)rounds * N_TYPES *
	    sizeof(float) * 10, PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_ANONYMOUS, -1, 0);
	if (lat == MAP_FAILED)
		bench_die("mmap");
	/* One client alone: the best of three runs (the least disturbed by
	 * load from elsewhere), as its own floor. */
	for (int i = 0; i < 3; i++) {
		step_run(&d, 1, rounds * 10, &s);
		if (s.rate > alone.rate)
			alone = s;
	}
	printf("bench_scale: one client alone, %ld mixed rounds (%d calls "
	    "each), best of 3: %.0f calls/s\n", rounds * 10, N_TYPES,
	    alone.rate);
	step_print(&alone, &alone);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		long n = steps[k], r = n < 100 ? rounds * 10 : rounds;

		if (k > 0 && n <= steps[k - 1])
			continue;
		step_run(&d, (int)n, r, &s);
		printf("bench_scale: %ld clients x %ld mixed rounds, started "
		    "together\n", n, r);
		printf("  aggregate  %8.0f calls/s   floor %8.0f calls/s (one "
		    "client alone)   ratio %.2f of it\n", s.rate, alone.rate,
		    s.rate / alone.rate);
		step_print(&s, &alone);
	}
	if (zxdtest_stop(&d) != 0)
		bench_die("zxd did not stop cleanly");
	return 0;
}
