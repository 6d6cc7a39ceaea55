/*
 * Many callers at once (issue 17, scale), for correctness only: the
 * timings are bench_scale's (make bench).
 *
 *  - threads of one process share the control connection with several
 *    requests in flight: every reply reaches the thread that asked;
 *  - many processes started together are all served, and what they held
 *    is gone when they are;
 *  - a newcomer (a status call) is served while they run;
 *  - the daemon's own call timing (Stats.call_timing): its statuses in
 *    order, what it counts.
 */
#include "config-build.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

#include "proto/conn.h"
#include "proto/envelope.h"
#include "tests/lib/zxdtest.h"

static struct zxdtest_daemon d;

static void
start(void)
{
	alarm(60);
	cr_assert_eq(zxdtest_start(&d, NULL), 0);
	setenv("ZXD_SOCKET", d.socket, 1);
}

static void
stop(void)
{
	alarm(0);
	cr_assert_eq(zxdtest_stop(&d), 0, "zxd did not stop cleanly");
}

TestSuite(scale, .init = start, .fini = stop);

/* A status request with call_timing `op` on a connection of its own;
 * returns the reply's status; *ret (if not NULL) gets the reply. */
static int32_t
stats(uint32_t op, Zxd__Reply **ret)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Stats st = ZXD__STATS__INIT;
	struct wire_msg m = { 0 };
	Zxd__Reply *rep;
	int32_t hello, status;
	int fd;

	if (conn_open(d.socket, &fd, &hello) < 0)
		return -1000;
	m.buf = malloc(WIRE_MAX_MSG);
	st.call_timing = op;
	req.txid = 2;
	req.body_case = ZXD__REQUEST__BODY_STATS;
	req.stats = &st;
	if (m.buf == NULL || conn_call(fd, &req, NULL, 0, &m, &rep) < 0) {
		free(m.buf);
		close(fd);
		return -1001;
	}
	status = rep->status;
	if (ret != NULL)
		*ret = rep;
	else
		envelope_free(&rep->base);
	free(m.buf);
	close(fd);
	return status;
}

/* --- threads ------------------------------------------------------------ */

enum { N_THREADS = 8, THREAD_CALLS = 150 };

struct thr {
	int idx;
	zx_handle_t shared;
	int bad;
};

static void *
thread_main(void *arg)
{
	struct thr *t = arg;

	for (int i = 0; i < THREAD_CALLS && !t->bad; i++) {
		zx_info_handle_count_t cnt;
		zx_handle_t e, v;
		uint64_t size = 0;

		/* A size of its own: a reply handed to the wrong thread
		 * shows. */
		if (zx_vmo_create(4096 * (uint64_t)(t->idx + 1), 0, &v) !=
		    ZX_OK || zx_vmo_get_size(v, &size) != ZX_OK ||
		    size != 4096 * (uint64_t)(t->idx + 1))
			t->bad = 1;
		zx_handle_close(v);
		if (zx_event_create(0, &e) != ZX_OK ||
		    zx_object_signal(t->shared, 0, ZX_USER_SIGNAL_0) != ZX_OK ||
		    zx_object_get_info(t->shared, ZX_INFO_HANDLE_COUNT, &cnt,
		    sizeof(cnt), NULL, NULL) != ZX_OK || cnt.handle_count != 1)
			t->bad = 2;
		zx_handle_close(e);
	}
	return NULL;
}

Test(scale, threads_share_the_control_connection)
{
	pthread_t tid[N_THREADS];
	struct thr t[N_THREADS];
	zx_handle_t shared;

	cr_assert_eq(zx_event_create(0, &shared), ZX_OK);
	for (int i = 0; i < N_THREADS; i++) {
		t[i] = (struct thr){ .idx = i, .shared = shared };
		cr_assert_eq(pthread_create(&tid[i], NULL, thread_main, &t[i]),
		    0);
	}
	for (int i = 0; i < N_THREADS; i++) {
		pthread_join(tid[i], NULL);
		cr_expect_eq(t[i].bad, 0, "thread %d: step %d failed", i,
		    t[i].bad);
	}
	cr_assert_eq(zx_handle_close(shared), ZX_OK);
}

/* --- processes ---------------------------------------------------------- */

enum { N_CLIENTS = 64, CLIENT_ROUNDS = 20 };

static int
client_main(int go)
{
	zx_handle_t ev, h;
	char c;

	if (zx_event_create(0, &ev) != ZX_OK || read(go, &c, 1) != 1)
		return 2;
	for (int r = 0; r < CLIENT_ROUNDS; r++) {
		zx_info_handle_count_t cnt;

		if (zx_event_create(0, &h) != ZX_OK)
			return 3;
		zx_handle_close(h);
		if (zx_object_signal(ev, 0, ZX_USER_SIGNAL_0) != ZX_OK)
			return 4;
		if (zx_object_get_info(ev, ZX_INFO_HANDLE_COUNT, &cnt,
		    sizeof(cnt), NULL, NULL) != ZX_OK || cnt.handle_count != 1)
			return 5;
		if (zx_vmo_create(4096, 0, &h) != ZX_OK)
			return 6;
		zx_handle_close(h);
	}
	return 0;
}

Test(scale, many_processes_at_once_then_a_newcomer)
{
	struct zxdtest_stats before, after;
	pid_t pid[N_CLIENTS];
	int go[2];

	cr_assert_eq(zxdtest_stats(d.socket, &before), 0);
	cr_assert_eq(pipe(go), 0);
	for (int i = 0; i < N_CLIENTS; i++) {
		pid[i] = fork();
		cr_assert_geq(pid[i], 0);
		if (pid[i] == 0) {
			close(go[1]);
			_exit(client_main(go[0]));
		}
	}
	close(go[0]);
	for (int i = 0; i < N_CLIENTS; i++)
		cr_assert_eq(write(go[1], "g", 1), 1);
	/* A newcomer is served while they run. */
	cr_expect_eq(stats(0, NULL), ZX_OK);
	for (int i = 0; i < N_CLIENTS; i++) {
		int st;

		cr_assert_eq(waitpid(pid[i], &st, 0), pid[i]);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "client %d: step %d failed", i, WEXITSTATUS(st));
	}
	close(go[1]);
	/* What they held went with them. */
	for (int tries = 0; tries < 100; tries++) {
		cr_assert_eq(zxdtest_stats(d.socket, &after), 0);
		if (after.handles == before.handles)
			break;
		usleep(20000);
	}
	cr_expect_eq(after.handles, before.handles);
}

/* --- the daemon's call timing ------------------------------------------- */

static int
timing_as_nobody(void *arg)
{
	(void)arg;
	/* Turning it on or off is the operator's; reading is anyone's. */
	if (stats(1, NULL) != ZX_ERR_ACCESS_DENIED)
		return 1;
	if (stats(2, NULL) != ZX_ERR_ACCESS_DENIED)
		return 2;
	if (stats(3, NULL) != ZX_ERR_INVALID_ARGS)
		return 3;
	return stats(0, NULL) == ZX_OK ? 0 : 4;
}

Test(scale, call_timing_statuses)
{
	/* Out of range first, then who asks. */
	cr_expect_eq(stats(3, NULL), ZX_ERR_INVALID_ARGS);
	cr_expect_eq(zxdtest_run_as_nobody(timing_as_nobody, NULL), 0);
}

static const Zxd__CallTiming *
timed(const Zxd__Reply *rep, const char *name)
{
	for (size_t i = 0; i < rep->stats->n_call_timing; i++)
		if (strcmp(rep->stats->call_timing[i]->name, name) == 0)
			return rep->stats->call_timing[i];
	return NULL;
}

Test(scale, call_timing_counts_each_request)
{
	const Zxd__CallTiming *ct;
	Zxd__Reply *rep;
	zx_handle_t e;

	/* Connected before: the timing stamps connections that exist. */
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zx_handle_close(e), ZX_OK);
	cr_assert_eq(stats(1, &rep), ZX_OK);
	cr_expect(rep->stats->call_timing_on);
	envelope_free(&rep->base);
	for (int i = 0; i < 10; i++) {
		cr_assert_eq(zx_event_create(0, &e), ZX_OK);
		cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
		cr_assert_eq(zx_handle_close(e), ZX_OK);
	}
	cr_assert_eq(stats(2, &rep), ZX_OK);
	cr_expect_not(rep->stats->call_timing_on);
	ct = timed(rep, "event_create");
	cr_assert_not_null(ct);
	cr_expect_eq(ct->count, 10);
	cr_expect_eq(ct->waits, 10, "every request carries the kernel's "
	    "stamp");
	cr_expect_leq(ct->wait_p50_ns, ct->wait_p99_ns);
	cr_expect_leq(ct->service_p50_ns, ct->service_p99_ns);
	cr_expect_gt(ct->service_p50_ns, 0);
	/* On the events' own sockets, made while timing was on. */
	ct = timed(rep, "object_signal");
	cr_assert_not_null(ct);
	cr_expect_eq(ct->count, 10);
	cr_expect_eq(ct->waits, 10);
	envelope_free(&rep->base);

	/* Stopped: what was recorded stays, nothing more is added. */
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zx_handle_close(e), ZX_OK);
	cr_assert_eq(stats(0, &rep), ZX_OK);
	ct = timed(rep, "event_create");
	cr_assert_not_null(ct);
	cr_expect_eq(ct->count, 10);
	envelope_free(&rep->base);

	/* Started again: afresh. */
	cr_assert_eq(stats(1, NULL), ZX_OK);
	cr_assert_eq(stats(0, &rep), ZX_OK);
	cr_expect_null(timed(rep, "event_create"));
	envelope_free(&rep->base);
	cr_assert_eq(stats(2, NULL), ZX_OK);
}
