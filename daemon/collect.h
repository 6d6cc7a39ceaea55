/* The cycle collector of channel messages nobody can read (see
 * daemon/collect.c). */
#ifndef ZXD_COLLECT_H
#define ZXD_COLLECT_H

#include <stddef.h>
#include <stdint.h>

/* One pass now; returns how many channel queues it freed. */
size_t collect_run(void);
/* A pass shortly, if handles are in flight (after a close). */
void collect_soon(void);
void collect_shutdown(void);
/* Queues freed since the start. */
uint64_t collect_count(void);

#endif
