/* Per-call timing inside the daemon, on demand (zxctl status --timing,
 * bench_scale): for each request type, how long a request waited in its
 * socket before its handler started (from the kernel's receive stamp,
 * SO_TIMESTAMPNS, taken when the client sent it) and how long the
 * daemon then took until its reply was sent. The wait is the daemon's
 * queue: requests served before this one, and any time the daemon was
 * not on a CPU; the service is its own work. */
#ifndef ZXD_DAEMON_TIMING_H
#define ZXD_DAEMON_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/zxd.pb-c.h"

/* Whether requests are being timed (their sockets stamp packets). */
extern bool timing_on;

/* Start afresh (forget what was recorded) or stop. */
void timing_start(void);
void timing_stop(void);
/* The current time in the clock of the kernel's stamps. */
int64_t timing_now_ns(void);
/* One request of call `idx` (of n_calls) named `name`: stamped at
 * `stamp_ns` (0: no stamp), started at `start_ns`, replied at `end_ns`. */
void timing_record(size_t idx, size_t n_calls, const char *name,
    int64_t stamp_ns, int64_t start_ns, int64_t end_ns);
/* The figures recorded, one entry per call type seen, in `out` (an array
 * of n pointers the caller allocates: timing_count() of them). */
size_t timing_count(void);
void timing_report(Zxd__CallTiming **out, size_t n);
void timing_free(void);

#endif
