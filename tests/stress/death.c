/*
 * zxd dies (SIGKILL) under clients blocked in every kind of wait:
 * processes of uid 65534, each with threads in zx_object_wait_one
 * (event, channel), a channel read-then-wait loop and zx_channel_call,
 * all with no deadline. Then a new zxd starts on the same socket and each
 * process makes a new call.
 *
 * Figures: how long each blocked call took to return after the kill
 * (max and mean), the statuses seen, how many never returned (hung,
 * after 2 s), and how many processes were served by the new daemon.
 * The bar: 0 hung, every call back within 100 ms (judged in full runs),
 * every process served again.
 */
#include "config-build.h"

#include <pthread.h>

#include "tests/stress/stress.h"

#define KINDS 4

struct waiter {
	int kind;
	zx_handle_t h;
	zx_status_t st;
	int64_t t;
	pthread_t thr;
};

struct report {
	int64_t t[KINDS];
	zx_status_t st[KINDS];
	zx_status_t after;	/* a call to the new daemon */
};

static void *
wait_main(void *arg)
{
	struct waiter *w = arg;
	char buf[16];
	uint32_t nb, nh;

	switch (w->kind) {
	case 0:
		w->st = zx_object_wait_one(w->h, ZX_USER_SIGNAL_0,
		    ZX_TIME_INFINITE, NULL);
		break;
	case 1:
		w->st = zx_object_wait_one(w->h, ZX_CHANNEL_READABLE,
		    ZX_TIME_INFINITE, NULL);
		break;
	case 2:
		for (;;) {
			w->st = zx_channel_read(w->h, 0, buf, NULL,
			    sizeof(buf), 0, &nb, &nh);
			if (w->st != ZX_ERR_SHOULD_WAIT)
				break;
			w->st = zx_object_wait_one(w->h, ZX_CHANNEL_READABLE,
			    ZX_TIME_INFINITE, NULL);
			if (w->st != ZX_OK)
				break;
		}
		break;
	default: {
		uint32_t req = 0;
		zx_channel_call_args_t a = {
			.wr_bytes = &req, .wr_num_bytes = 4,
			.rd_bytes = buf, .rd_num_bytes = sizeof(buf),
		};

		w->st = zx_channel_call(w->h, 0, ZX_TIME_INFINITE, &a, &nb,
		    &nh);
	}
	}
	w->t = now_ns();
	return NULL;
}

static int
client(int ready, int out, int go)
{
	struct waiter w[KINDS];
	zx_handle_t ev, c0, c1, r0, r1, k0, k1;
	struct report rep;
	char c;

	drop_to_nobody();
	if (zx_event_create(0, &ev) != ZX_OK ||
	    zx_channel_create(0, &c0, &c1) != ZX_OK ||
	    zx_channel_create(0, &r0, &r1) != ZX_OK ||
	    zx_channel_create(0, &k0, &k1) != ZX_OK)
		return 1;
	w[0].h = ev;
	w[1].h = c0;
	w[2].h = r0;
	w[3].h = k0;
	for (int i = 0; i < KINDS; i++) {
		w[i].kind = i;
		pthread_create(&w[i].thr, NULL, wait_main, &w[i]);
	}
	usleep(100000);
	(void)!write(ready, "r", 1);
	for (int i = 0; i < KINDS; i++) {
		struct timespec ts;

		/* A waiter that never returns is reported as hung (its time
		 * stays 0) rather than holding this process for ever. */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 5;
		if (pthread_timedjoin_np(w[i].thr, NULL, &ts) != 0) {
			rep.t[i] = INT64_MAX;
			rep.st[i] = ZX_ERR_TIMED_OUT;
			continue;
		}
		rep.t[i] = w[i].t;
		rep.st[i] = w[i].st;
	}
	/* Wait for the new daemon, then call it. */
	(void)!read(go, &c, 1);
	rep.after = zx_event_create(0, &ev);
	(void)!write(out, &rep, sizeof(rep));
	return 0;
}

int
main(int argc, char **argv)
{
	int nproc, ready[2], out[2], go[2], hung = 0, served = 0, n = 0;
	int64_t killed, max = 0, sum = 0;
	int counts[KINDS][2] = { { 0 } };	/* CANCELED, other */
	pid_t kids[1000];
	bool ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	nproc = quick ? 8 : 100;
	if (geteuid() != 0) {
		printf("VERDICT: SKIP (needs root for uid 65534 clients)\n");
		return 77;
	}
	daemon_start("");
	if (pipe(ready) < 0 || pipe(out) < 0 || pipe(go) < 0)
		return 2;
	for (int i = 0; i < nproc; i++) {
		pid_t pid = fork();

		kids[i] = pid;
		if (pid == 0) {
			close(ready[0]);
			close(out[0]);
			close(go[1]);
			_exit(client(ready[1], out[1], go[0]));
		}
	}
	close(ready[1]);
	close(out[1]);
	close(go[0]);
	for (int i = 0; i < nproc; i++) {
		char c;

		if (read(ready[0], &c, 1) != 1)
			break;
	}
	usleep(200000);
	killed = now_ns();
	kill(D.pid, SIGKILL);
	waitpid(D.pid, NULL, 0);
	/* The new daemon, on the same socket. */
	usleep(50000);
	if (zxdtest_respawn(&D, NULL) != 0)
		printf("cannot restart zxd\n");
	for (int i = 0; i < nproc; i++)
		(void)!write(go[1], "g", 1);
	for (int i = 0; i < nproc; i++) {
		struct pollfd p = { .fd = out[0], .events = POLLIN };
		struct report r;

		if (poll(&p, 1, 3000) != 1 ||
		    read(out[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
			break;
		n++;
		for (int k = 0; k < KINDS; k++) {
			int64_t d = r.t[k] - killed;

			if (d > 2000000000)
				hung++;
			if (d > max)
				max = d;
			sum += d;
			counts[k][r.st[k] != ZX_ERR_CANCELED]++;
		}
		served += r.after == ZX_OK;
	}
	hung += (nproc - n) * KINDS;
	for (int i = 0; i < nproc; i++)
		waitpid(kids[i], NULL, 0);
	printf("daemon death under %d processes x %d blocked calls (uid "
	    "65534)\n", nproc, KINDS);
	printf("  returned after the kill: max %.2f ms, mean %.2f ms; hung "
	    "(> 2 s or never): %d\n", ms(max), n ? ms(sum / (n * KINDS)) :
	    0.0, hung);
	printf("  wait_one(event) CANCELED %d other %d; wait_one(channel) "
	    "CANCELED %d other %d;\n  read loop CANCELED %d other (BAD_HANDLE)"
	    " %d; channel_call CANCELED %d other %d\n", counts[0][0],
	    counts[0][1], counts[1][0], counts[1][1], counts[2][0],
	    counts[2][1], counts[3][0], counts[3][1]);
	printf("  served by the restarted zxd without restarting: %d of "
	    "%d\n", served, nproc);
	ok = hung == 0 && served == nproc && counts[0][1] == 0 &&
	    counts[1][1] == 0 && counts[3][1] == 0;
	if (!quick)
		ok = ok && max <= 100000000;
	printf("VERDICT: %s (bar: 0 hung, all back within 100 ms%s)\n",
	    ok ? "PASS" : "FAIL", quick ? ", not judged in --quick" : "");
	daemon_stop();
	return ok ? 0 : 1;
}
