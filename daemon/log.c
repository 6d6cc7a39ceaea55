/* stderr logging; one line per call, prefixed "<N>" as sd-daemon.h
 * defines, so journald files each line at its priority. Messages about a
 * client also carry journal fields when stderr is the journal. */
#include "config-build.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "daemon/log.h"

#define LOG_LINE_MAX 1024

int log_max_priority = 6;

static enum { JOURNAL_UNKNOWN, JOURNAL_NO, JOURNAL_YES } journal;

/* systemd sets JOURNAL_STREAM=DEV:INO for a service whose stderr is a
 * journal stream; a stderr redirected elsewhere no longer matches.
 * Checked once: stderr does not change while zxd runs. */
static bool
stderr_is_journal(void)
{
	unsigned long long dev, ino;
	const char *e;
	struct stat st;

	if (journal != JOURNAL_UNKNOWN)
		return journal == JOURNAL_YES;
	journal = JOURNAL_NO;
	e = getenv("JOURNAL_STREAM");
	if (e != NULL && sscanf(e, "%llu:%llu", &dev, &ino) == 2 &&
	    fstat(STDERR_FILENO, &st) == 0 &&
	    (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino)
		journal = JOURNAL_YES;
	return journal == JOURNAL_YES;
}

/* A person reading a terminal wants no "<N>"; journald and other
 * readers of a pipe or file get the prefix sd-daemon.h defines. */
static bool
stderr_wants_prefix(void)
{
	static int wants = -1;

	if (wants < 0)
		wants = !isatty(STDERR_FILENO) || stderr_is_journal();
	return wants;
}

static void
write_line(int priority, const char *text)
{
	char line[LOG_LINE_MAX + 8];

	/* One write per line, so lines of concurrent writers never mix. */
	if (stderr_wants_prefix())
		snprintf(line, sizeof(line), "<%d>%s\n", priority, text);
	else
		snprintf(line, sizeof(line), "zxd: %s\n", text);
	fputs(line, stderr);
}

void
log_msg(int priority, const char *fmt, ...)
{
	char text[LOG_LINE_MAX];
	va_list ap;

	if (priority > log_max_priority)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	write_line(priority, text);
}

/* Journal field values must not hold newlines in the simple
 * KEY=value form sd_journal_sendv() picks for them. */
static void
field(struct iovec *iov, int *n, char *buf, size_t size, const char *fmt,
    ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len >= size)
		len = (int)size - 1;
	for (char *p = strchr(buf, '\n'); p != NULL; p = strchr(p, '\n'))
		*p = ' ';
	iov[*n].iov_base = buf;
	iov[*n].iov_len = (size_t)len;
	(*n)++;
}

void
log_ctx_msg(int priority, const struct log_ctx *ctx, const char *fmt, ...)
{
	char text[LOG_LINE_MAX];
	char f[11][LOG_LINE_MAX + 16];
	struct iovec iov[11];
	va_list ap;
	int n = 0;

	if (priority > log_max_priority)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!stderr_is_journal()) {
		write_line(priority, text);
		return;
	}

	field(iov, &n, f[n], sizeof(f[n]), "PRIORITY=%d", priority);
	field(iov, &n, f[n], sizeof(f[n]), "MESSAGE=%s", text);
	field(iov, &n, f[n], sizeof(f[n]), "SYSLOG_IDENTIFIER=zxd");
	if (ctx != NULL && ctx->message_id != NULL)
		field(iov, &n, f[n], sizeof(f[n]), "MESSAGE_ID=%s",
		    ctx->message_id);
	if (ctx != NULL && ctx->client_id != 0)
		field(iov, &n, f[n], sizeof(f[n]), "ZXD_CLIENT_ID=%" PRIu64,
		    ctx->client_id);
	if (ctx != NULL && ctx->pid != 0) {
		field(iov, &n, f[n], sizeof(f[n]), "ZXD_CLIENT_PID=%d",
		    (int)ctx->pid);
		/* journald adds the peer's own metadata (OBJECT_COMM=,
		 * OBJECT_UID=, ...) for this one. */
		field(iov, &n, f[n], sizeof(f[n]), "OBJECT_PID=%d",
		    (int)ctx->pid);
		field(iov, &n, f[n], sizeof(f[n]), "ZXD_CLIENT_UID=%u",
		    (unsigned)ctx->uid);
		if (ctx->comm != NULL)
			field(iov, &n, f[n], sizeof(f[n]),
			    "ZXD_CLIENT_COMM=%s", ctx->comm);
	}
	if (ctx != NULL && ctx->koid != 0)
		field(iov, &n, f[n], sizeof(f[n]), "ZXD_KOID=%" PRIu64,
		    ctx->koid);
	if (ctx != NULL && ctx->request != NULL)
		field(iov, &n, f[n], sizeof(f[n]), "ZXD_REQUEST=%s",
		    ctx->request);
	if (sd_journal_sendv(iov, n) < 0)
		write_line(priority, text);
}

static struct log_rate global_rate[LOG_NKINDS];
static uint64_t suppressed_total;

uint64_t
log_suppressed_total(void)
{
	return suppressed_total;
}

/* Whether a line may go out under `r`; opens a new window when the
 * last one is over. */
static bool
rate_allows(struct log_rate *r, uint64_t now)
{
	if (now >= r->window + LOG_RATE_WINDOW_S) {
		r->window = now;
		r->lines = 0;
	}
	return r->lines < LOG_RATE_BURST;
}

void
log_rate(int priority, struct log_rate *rate, enum log_kind kind,
    const struct log_ctx *ctx, const char *fmt, ...)
{
	struct log_rate *g = &global_rate[kind < LOG_NKINDS ? kind :
	    LOG_KIND_OTHER];
	char text[LOG_LINE_MAX];
	struct timespec ts;
	unsigned skipped;
	uint64_t now;
	va_list ap;

	if (priority > log_max_priority)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec;
	if (!rate_allows(g, now) || (rate != NULL && !rate_allows(rate, now))) {
		if (rate != NULL)
			rate->suppressed++;
		g->suppressed++;
		suppressed_total++;
		return;
	}
	g->lines++;
	skipped = g->suppressed;
	g->suppressed = 0;
	if (rate != NULL) {
		rate->lines++;
		if (rate->suppressed > skipped)
			skipped = rate->suppressed;
		rate->suppressed = 0;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (skipped > 0)
		log_ctx_msg(priority, ctx, "%s (%u similar lines suppressed "
		    "before this one)", text, skipped);
	else
		log_ctx_msg(priority, ctx, "%s", text);
}
