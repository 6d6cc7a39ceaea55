/*
 * Clients SIGKILLed in the middle of calls: each makes events, channels
 * carrying handles, VMOs (mapped and written) and IOB-free calls in a
 * loop and is killed after a random 0-5 ms; 10,000 of them (quick: 300),
 * 16 at a time, while a well-behaved client of uid 65534 makes its calls.
 *
 * Figures: clients killed, the observer's errors and slowest call, what
 * the daemon holds afterwards (clients, handles, objects, handles in
 * flight, descriptors, RSS) against its baseline. The bar: nothing left
 * behind, 0 observer errors, no observer call over 50 ms (full runs).
 */
#include "config-build.h"

#include "tests/stress/stress.h"

/* What a victim holds on to (the rest it leaks): a global, so the
 * handles stay live until the kill. */
zx_handle_t victim_keep[64];

static void
victim(unsigned seed)
{

	size_t n = 0;

	srand(seed);
	for (;;) {
		zx_handle_t e, c0, c1, v;
		zx_vaddr_t addr;

		if (zx_event_create(0, &e) != ZX_OK)
			continue;
		if (zx_channel_create(0, &c0, &c1) == ZX_OK) {
			zx_channel_write(c0, 0, "k", 1, &e, 1);
			if (rand() % 2)
				zx_handle_close(c0);
			victim_keep[n++ % 64] = c1;
		}
		if (zx_vmo_create(8192, 0, &v) == ZX_OK) {
			zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ |
			    ZX_VM_PERM_WRITE, 0, v, 0, 8192, &addr);
			zx_vmo_write(v, "x", 0, 1);
			victim_keep[n++ % 64] = v;
		}
	}
}

int
main(int argc, char **argv)
{
	struct zxdtest_stats s = { 0 };
	struct observer ob;
	struct observed o;
	int total, fds0, fds1;
	long rss0, rss1;
	bool ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	total = quick ? 300 : 10000;
	if (geteuid() != 0) {
		printf("VERDICT: SKIP (needs root for the uid 65534 observer)\n");
		return 77;
	}
	daemon_start("");
	fds0 = daemon_settle(1 << 30, 0, 1);
	rss0 = daemon_rss_kb();
	observer_start(&ob);
	srand(1);
	for (int done = 0; done < total; done += 16) {
		pid_t pids[16];

		for (int i = 0; i < 16; i++) {
			pids[i] = fork();
			if (pids[i] == 0)
				victim((unsigned)(done + i));
		}
		usleep((useconds_t)(rand() % 5000));
		for (int i = 0; i < 16; i++)
			kill(pids[i], SIGKILL);
		for (int i = 0; i < 16; i++)
			waitpid(pids[i], NULL, 0);
	}
	o = observer_stop(&ob);
	fds1 = daemon_settle(fds0, 0, 10);
	zxdtest_stats(D.socket, &s);
	usleep(700000);		/* the daemon trims its heap after a burst */
	rss1 = daemon_rss_kb();
	printf("%d clients SIGKILLed mid-call, 16 at a time\n", total);
	observed_print("the kills", &o);
	printf("  daemon afterwards: %llu clients, %llu handles, %llu objects, "
	    "%llu in flight; fds %d (baseline %d); RSS %ld KiB (baseline "
	    "%ld)\n", (unsigned long long)s.clients,
	    (unsigned long long)s.handles, (unsigned long long)s.objects,
	    (unsigned long long)s.in_flight, fds1, fds0, rss1, rss0);
	ok = s.clients == 0 && s.handles == 0 && s.objects == 0 &&
	    s.in_flight == 0 && fds1 <= fds0 && o.errors == 0;
	if (!quick)
		ok = ok && o.slow == 0;
	printf("VERDICT: %s (bar: nothing left, 0 observer errors, no "
	    "observer call over 50 ms%s)\n", ok ? "PASS" : "FAIL",
	    quick ? ", not judged in --quick" : "");
	daemon_stop();
	return ok ? 0 : 1;
}
