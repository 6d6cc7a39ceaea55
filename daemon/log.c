/* stderr logging; one line per call, prefixed "<N>" as sd-daemon.h
 * defines, so journald files each line at its priority. */
#include "config-build.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon/log.h"

int log_max_priority = 6;

void
log_msg(int priority, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (priority > log_max_priority)
		return;
	n = snprintf(line, sizeof(line), "<%d>", priority);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	fputs(line, stderr);
}
