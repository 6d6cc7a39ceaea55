/*
 * A zxd client for the ops tests: creates objects, prints their koids,
 * then holds them until its stdin reaches EOF (or a line is read).
 *
 *	holder [-n N] [-p] [-c COMM]
 *	  -n N     create N events (default 1)
 *	  -p       also create an eventpair
 *	  -c COMM  set the process's command name (what zxd reads from
 *	           /proc/PID/comm) first
 *
 * Prints "event KOID" per event and "eventpair KOID KOID", then "ready",
 * one per line, flushed.
 */
#include "config-build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

static zx_koid_t
koid_of(zx_handle_t h)
{
	zx_info_handle_basic_t info;

	if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info),
	    NULL, NULL) != ZX_OK)
		return 0;
	return info.koid;
}

int
main(int argc, char **argv)
{
	long n = 1;
	int pair = 0, opt;
	zx_handle_t h, p0, p1;
	char buf[16];

	while ((opt = getopt(argc, argv, "n:pc:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'p':
			pair = 1;
			break;
		case 'c':
			prctl(PR_SET_NAME, optarg, 0, 0, 0);
			break;
		default:
			return 2;
		}
	}
	for (long i = 0; i < n; i++) {
		zx_status_t st = zx_event_create(0, &h);

		if (st != ZX_OK) {
			fprintf(stderr, "holder: zx_event_create: %d\n", st);
			return 1;
		}
		printf("event %llu\n", (unsigned long long)koid_of(h));
	}
	if (pair) {
		if (zx_eventpair_create(0, &p0, &p1) != ZX_OK) {
			fprintf(stderr, "holder: zx_eventpair_create failed\n");
			return 1;
		}
		printf("eventpair %llu %llu\n",
		    (unsigned long long)koid_of(p0),
		    (unsigned long long)koid_of(p1));
	}
	printf("ready\n");
	fflush(stdout);
	/* Hold everything until told to go. */
	(void)!read(0, buf, sizeof(buf));
	return 0;
}
