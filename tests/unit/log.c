/* daemon/log.c's rate limiting: per client and per kind, a burst of
 * LOG_RATE_BURST lines per window, then silence, then a line that says
 * how many were suppressed. */
#include "config-build.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "daemon/log.h"

/* Run fn with stderr captured; returns what it wrote. */
static char *
capture(void (*fn)(void))
{
	static char buf[16384];
	int p[2], saved;
	ssize_t n;

	cr_assert_eq(pipe(p), 0);
	fflush(stderr);
	saved = dup(2);
	dup2(p[1], 2);
	close(p[1]);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int
count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = strstr(text, what); p != NULL;
	    p = strstr(p + 1, what))
		n++;
	return n;
}

/* A client keeps one state per kind (struct client's lograte[]). */
static struct log_rate client_a, client_a_refused, client_b;

static void
burst(void)
{
	for (int i = 0; i < 20; i++)
		log_rate(4, &client_a, LOG_KIND_PROTOCOL, NULL, "bad packet %d",
		    i);
}

static void
after_window(void)
{
	log_rate(4, &client_a, LOG_KIND_PROTOCOL, NULL, "bad packet again");
}

static void
other_kind(void)
{
	log_rate(5, &client_a_refused, LOG_KIND_REFUSED, NULL, "refused");
}

static void
other_client(void)
{
	log_rate(4, &client_b, LOG_KIND_PROTOCOL, NULL, "other client");
}

Test(log, rate_limited_per_client_and_kind)
{
	char *out;

	log_rate_window = 1;
	out = capture(burst);
	cr_expect_eq(count(out, "bad packet"), LOG_RATE_BURST, "%s", out);
	/* Another kind of the same client has its own budget. */
	out = capture(other_kind);
	cr_expect_eq(count(out, "refused"), 1, "%s", out);
	/* Another client, same kind: the daemon-wide budget of the kind
	 * is spent too (a hostile client cannot flood by reconnecting). */
	out = capture(other_client);
	cr_expect_eq(count(out, "other client"), 0, "%s", out);
	/* The next window: the line says what was suppressed. */
	sleep(2);
	out = capture(after_window);
	cr_expect_eq(count(out, "bad packet again"), 1, "%s", out);
	cr_expect_not_null(strstr(out, "16 similar lines suppressed"), "%s",
	    out);
	cr_expect_eq(log_suppressed_total(), 16);
}
