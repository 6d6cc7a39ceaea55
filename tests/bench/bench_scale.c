/*
 * bench_scale: many callers at once.
 *
 *   threads   N threads of one process creating and closing events:
 *             calls/s against one thread of the same process (the floor
 *             is the same work serialised; a ratio above 1 means the
 *             threads overlap their calls instead of queueing on a lock)
 *   clients   C processes x K mixed calls each, all started together:
 *             per call type p50 and p99 latency, p99/p50 (fairness), and
 *             the aggregate calls/s against one client doing the same
 *             alone (the floor)
 *
 * Mixed calls, one round each: zx_event_create + close (control
 * connection), zx_object_signal (a handle's socket), zx_object_get_info
 * (HANDLE_COUNT, a handle's socket), zx_vmo_create(4 KiB) + close.
 *
 * Starts its own zxd ($ZXD_BIN, else ./zxd). BENCH_CLIENTS (default 1000),
 * BENCH_CALLS (default 200 mixed rounds per client), BENCH_THREADS
 * (default 4). Prints figures only.
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

#include "tests/bench/bench.h"
#include "tests/lib/zxdtest.h"

enum { T_EVENT, T_SIGNAL, T_INFO, T_VMO, N_TYPES };
static const char *const type_name[N_TYPES] = {
	"event create+close", "object_signal", "get_info(COUNT)",
	"vmo create+close",
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

/* Calls per second of n threads doing `calls` creates each. */
static double
threads_rate(int n, long calls)
{
	pthread_t tid[64];
	struct thr t[64];
	pthread_barrier_t go;
	int64_t t0;

	pthread_barrier_init(&go, NULL, (unsigned)n + 1);
	for (int i = 0; i < n; i++) {
		t[i] = (struct thr){ .calls = calls, .go = &go };
		if (pthread_create(&tid[i], NULL, thread_creates, &t[i]) != 0)
			bench_die("pthread_create");
	}
	pthread_barrier_wait(&go);
	t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		if (t[i].failed)
			bench_die("zx_event_create in a thread");
	}
	t0 = bench_now_ns() - t0;
	pthread_barrier_destroy(&go);
	return (double)n * (double)calls / ((double)t0 * 1e-9);
}

/* --- C client processes ------------------------------------------------ */

/* Latencies in ns, [client][round][type], in shared memory. */
static float *lat;

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
	t0 = bench_now_ns();
	for (int i = 0; i < n; i++)
		if (write(go[1], "g", 1) != 1)
			bench_die("write");
	for (int i = 0; i < n; i++) {
		int st;

		waitpid(pids[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	}
	t0 = bench_now_ns() - t0;
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
	free(col);
	return (double)n * (double)per / ((double)t0 * 1e-9);
}

int
main(void)
{
	struct zxdtest_daemon d;
	long clients = env_long("BENCH_CLIENTS", 1000);
	long rounds = env_long("BENCH_CALLS", 200);
	long nthreads = env_long("BENCH_THREADS", 4);
	long tcalls = 3000 * env_long("BENCH_SCALE", 1);
	double one, many, p50[N_TYPES], p99[N_TYPES], a50[N_TYPES],
	    a99[N_TYPES];
	struct rlimit rl = { 65536, 65536 };
	double r1[3], rn[3];

	if (nthreads > 64)
		nthreads = 64;
	/* The daemon holds a socket per handle and per client. */
	setrlimit(RLIMIT_NOFILE, &rl);
	if (zxdtest_start(&d, NULL) < 0)
		bench_die("starting zxd");

	/* Alternate single and multi rounds; medians of three. */
	threads_rate(1, tcalls / 4);
	for (int i = 0; i < 3; i++) {
		r1[i] = threads_rate(1, tcalls);
		rn[i] = threads_rate((int)nthreads, tcalls);
	}
	one = bench_median_of(r1, 3);
	many = bench_median_of(rn, 3);
	printf("bench_scale: %ld threads of one process creating events, "
	    "medians of 3 rounds\n", nthreads);
	printf("  %ld threads  %8.0f calls/s   floor %8.0f calls/s (one "
	    "thread)   ratio %.2fx\n", nthreads, many, one, many / one);

	lat = mmap(NULL, (size_t)(clients > 4 ? clients : 4) * (size_t)rounds *
	    N_TYPES *
	    sizeof(float), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (lat == MAP_FAILED)
		bench_die("mmap");
	/* One client alone: the best of three runs (the least disturbed by
	 * load from elsewhere), as its own floor. */
	one = 0;
	for (int i = 0; i < 3; i++) {
		double r, x50[N_TYPES], x99[N_TYPES];

		r = clients_run(1, rounds * 4, x50, x99);
		if (r > one) {
			one = r;
			memcpy(a50, x50, sizeof(a50));
			memcpy(a99, x99, sizeof(a99));
		}
	}
	many = clients_run((int)clients, rounds, p50, p99);
	printf("bench_scale: %ld clients x %ld mixed rounds (%d calls each), "
	    "started together\n", clients, rounds, N_TYPES);
	printf("  aggregate  %8.0f calls/s   floor %8.0f calls/s (one client "
	    "alone, best of 3)   ratio %.2f of it\n", many, one, many / one);
	for (int t = 0; t < N_TYPES; t++)
		printf("  %-20s p50 %7.1f us  p99 %7.1f us  p99/p50 %.2f   "
		    "(alone: p50 %.1f us)\n", type_name[t], p50[t] / 1e3,
		    p99[t] / 1e3, p99[t] / p50[t], a50[t] / 1e3);
	if (zxdtest_stop(&d) != 0)
		bench_die("zxd did not stop cleanly");
	return 0;
}
