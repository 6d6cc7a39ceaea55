/*
 * 1,000 clients x 1,000 calls (quick: 50 x 100), all at once, half of
 * them uid 65534: each call is an ordinary one (event create, signal,
 * wait, close; channel write and read with a handle; VMO create, write,
 * read, close). Figures: errors, wall time, calls per second, the
 * slowest call and how many took over 50 ms (on a 2-core machine
 * 1,000 runnable processes make scheduling delays of that order; the
 * figure is printed, the bar is 0 errors).
 */
#include "config-build.h"

#include "tests/stress/stress.h"

int
main(int argc, char **argv)
{
	int nclients, rounds, res[2], go[2];
	struct observed sum = { 0 };
	int64_t t0, wall;
	int reported = 0;
	static pid_t kids[1000];
	bool ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	nclients = quick ? 50 : 1000;
	/* observe_round makes 11 timed calls. */
	rounds = (quick ? 100 : 1000) / 11 + 1;
	daemon_start("");
	if (pipe(res) < 0 || pipe(go) < 0)
		return 2;
	for (int i = 0; i < nclients; i++) {
		pid_t pid = fork();

		kids[i] = pid;
		if (pid == 0) {
			struct observed o = { 0 };
			char c;

			close(res[0]);
			close(go[1]);
			if (i % 2 && geteuid() == 0)
				drop_to_nobody();
			(void)!read(go[0], &c, 1);
			for (int r = 0; r < rounds; r++)
				observe_round(&o);
			(void)!write(res[1], &o, sizeof(o));
			_exit(0);
		}
	}
	close(res[1]);
	close(go[0]);
	t0 = now_ns();
	close(go[1]);		/* all start */
	for (int i = 0; i < nclients; i++) {
		struct observed o;

		if (read(res[0], &o, sizeof(o)) != (ssize_t)sizeof(o))
			break;
		reported++;
		sum.calls += o.calls;
		sum.errors += o.errors;
		sum.slow += o.slow;
		if (o.max_ns > sum.max_ns)
			sum.max_ns = o.max_ns;
		if (o.errors > 0 && sum.first_error == 0) {
			sum.first_error = o.first_error;
			memcpy(sum.first_call, o.first_call,
			    sizeof(sum.first_call));
		}
	}
	wall = now_ns() - t0;
	for (int i = 0; i < nclients; i++)
		waitpid(kids[i], NULL, 0);
	printf("%d clients (half uid 65534) x %d calls each\n", nclients,
	    rounds * 11);
	printf("  %llu calls in %.2f s (%.0f calls/s), %llu errors, slowest "
	    "%.2f ms, %llu over 50 ms, %d clients reported\n",
	    (unsigned long long)sum.calls, (double)wall / 1e9,
	    (double)sum.calls / ((double)wall / 1e9),
	    (unsigned long long)sum.errors, ms(sum.max_ns),
	    (unsigned long long)sum.slow, reported);
	if (sum.errors > 0)
		printf("  first error: %s %s\n", sum.first_call,
		    zx_status_get_string(sum.first_error));
	ok = sum.errors == 0 && reported == nclients;
	printf("VERDICT: %s (bar: 0 errors)\n", ok ? "PASS" : "FAIL");
	daemon_stop();
	return ok ? 0 : 1;
}
