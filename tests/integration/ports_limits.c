/* Ports and what a client makes the daemon hold: registered async waits
 * and the packets the daemon holds for it (behind a full ring) count
 * against port_items_per_client (zxd.conf); packets in the port's ring
 * live in memory charged to the port's creator and count against none;
 * consumed packets, cancelled and closed waits give the items back; a
 * dead client's waits and packets go with it; a wait blocked in
 * zx_port_wait returns when zxd dies. Each test runs its own zxd. */
#include "config-build.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "proto/port_ring.h"
#include "tests/lib/zxdtest.h"

#define LIMIT	10

static struct zxdtest_daemon daemon_;
static char conf[64];
static bool stopped;

static void
start(void)
{
	const char *args[] = { "--config", conf, NULL };
	FILE *f;
	int fd;

	snprintf(conf, sizeof(conf), "/tmp/zxd-ports.XXXXXX");
	fd = mkstemp(conf);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fprintf(f, "[limits]\nport_items_per_client = %d\n", LIMIT);
	fclose(f);
	cr_assert_eq(zxdtest_start(&daemon_, args), 0);
	stopped = false;
}

static void
stop(void)
{
	struct zxdtest_stats s;

	if (!stopped) {
		cr_assert_eq(zxdtest_stats(daemon_.socket, &s), 0);
		cr_expect_eq(s.handles, 0);
		cr_assert_eq(zxdtest_stop(&daemon_), 0);
	}
	unlink(conf);
}

TestSuite(ports_limits, .init = start, .fini = stop, .timeout = 30);

static zx_handle_t
new_port(void)
{
	zx_handle_t p;

	cr_assert_eq(zx_port_create(0, &p), ZX_OK);
	return p;
}

/* Fill the port's ring (packets queued without the daemon: they hold
 * nothing of the daemon's, and count against no client). */
static void
fill_ring(zx_handle_t p)
{
	zx_port_packet_t u;

	memset(&u, 0, sizeof(u));
	for (unsigned i = 0; i < PORT_RING_CELLS; i++)
		cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
}

Test(ports_limits, waits_and_packets_count)
{
	zx_handle_t p = new_port(), e;
	zx_port_packet_t u, pkt;

	memset(&u, 0, sizeof(u));
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	for (int i = 0; i < LIMIT / 2; i++)
		cr_assert_eq(zx_object_wait_async(e, p, (uint64_t)i,
		    ZX_USER_SIGNAL_0, 0), ZX_OK);
	fill_ring(p);
	/* Behind a full ring the daemon holds packets: those count. */
	for (int i = 0; i < LIMIT / 2; i++)
		cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 99, ZX_USER_SIGNAL_0, 0),
	    ZX_ERR_NO_RESOURCES);
	cr_assert_eq(zx_port_queue(p, &u), ZX_ERR_SHOULD_WAIT);
	/* A consumed packet gives its item back: the ring's go first,
	 * then the held ones. */
	for (unsigned i = 0; i <= PORT_RING_CELLS; i++)
		cr_assert_eq(zx_port_wait(p, 0, &pkt), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 99, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 99, ZX_USER_SIGNAL_0, 0),
	    ZX_ERR_NO_RESOURCES);
	/* A cancelled wait too. */
	cr_assert_eq(zx_port_cancel(p, e, 0), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 0, ZX_USER_SIGNAL_0, 0),
	    ZX_OK);
	/* A fired wait's packet holds the item until taken. */
	cr_assert_eq(zx_object_signal(e, 0, ZX_USER_SIGNAL_0), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 98, ZX_USER_SIGNAL_1, 0),
	    ZX_ERR_NO_RESOURCES);
	while (zx_port_wait(p, 0, &pkt) == ZX_OK)
		;
	fill_ring(p);
	for (int i = 0; i < LIMIT; i++)
		cr_assert_eq(zx_port_queue(p, &u), ZX_OK);
	cr_assert_eq(zx_port_queue(p, &u), ZX_ERR_SHOULD_WAIT);
	/* Closing the port frees everything. */
	zx_handle_close(p);
	p = new_port();
	for (int i = 0; i < LIMIT; i++)
		cr_assert_eq(zx_object_wait_async(e, p, 1, ZX_USER_SIGNAL_1,
		    0), ZX_OK);
	/* So does closing the handle the waits were made through. */
	zx_handle_close(e);
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	cr_assert_eq(zx_object_wait_async(e, p, 1, ZX_USER_SIGNAL_1, 0),
	    ZX_OK);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

/* A child fills its own limit and dies holding it all. */
static int
hog(void *arg)
{
	zx_handle_t p, e;
	zx_port_packet_t u;

	(void)arg;
	memset(&u, 0, sizeof(u));
	if (zx_port_create(0, &p) != ZX_OK || zx_event_create(0, &e) != ZX_OK)
		return 1;
	for (unsigned i = 0; i < PORT_RING_CELLS; i++)
		if (zx_port_queue(p, &u) != ZX_OK)
			return 2;
	for (int i = 0; i < LIMIT / 2; i++)
		if (zx_object_wait_async(e, p, 1, ZX_USER_SIGNAL_0, 0) !=
		    ZX_OK || zx_port_queue(p, &u) != ZX_OK)
			return 3;
	if (zx_port_queue(p, &u) != ZX_ERR_SHOULD_WAIT)
		return 4;
	return 0;
}

Test(ports_limits, per_client_and_cleaned_up_after_death)
{
	zx_handle_t p = new_port(), e;
	struct zxdtest_stats s;
	zx_port_packet_t u;
	pid_t pid;
	int st;

	memset(&u, 0, sizeof(u));
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(hog(NULL));
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %d",
	    WEXITSTATUS(st));
	/* Its limit is not ours. */
	cr_assert_eq(zx_event_create(0, &e), ZX_OK);
	for (int i = 0; i < LIMIT; i++)
		cr_assert_eq(zx_object_wait_async(e, p, 1, ZX_USER_SIGNAL_0,
		    0), ZX_OK);
	/* Its port and event are gone with it. */
	for (int i = 0; i < 100; i++) {
		cr_assert_eq(zxdtest_stats(daemon_.socket, &s), 0);
		if (s.objects <= 3)
			break;
		usleep(10000);
	}
	cr_assert_leq(s.objects, 3, "objects left: %llu",
	    (unsigned long long)s.objects);
	zx_handle_close_many((zx_handle_t[]){ p, e }, 2);
}

static void *
blocked_wait(void *arg)
{
	zx_handle_t p = *(zx_handle_t *)arg;
	zx_port_packet_t pkt;

	*(zx_status_t *)arg = zx_port_wait(p, ZX_TIME_INFINITE, &pkt);
	return NULL;
}

Test(ports_limits, port_wait_returns_when_zxd_dies)
{
	zx_handle_t p = new_port();
	zx_status_t r = (zx_status_t)p;
	pthread_t t;
	zx_time_t t0;

	/* Set the ring up first, then block. */
	cr_assert_eq(zx_port_wait(p, 0, NULL), ZX_ERR_TIMED_OUT);
	pthread_create(&t, NULL, blocked_wait, &r);
	usleep(50000);
	t0 = zx_clock_get_monotonic();
	kill(daemon_.pid, SIGKILL);
	pthread_join(t, NULL);
	cr_assert_eq(r, ZX_ERR_CANCELED);
	/* Within 100 ms on an idle machine; 1 s leaves room for a loaded one. */
	cr_assert_lt(zx_clock_get_monotonic() - t0, ZX_SEC(1));
	waitpid(daemon_.pid, NULL, 0);
	zxdtest_stop(&daemon_);
	stopped = true;
	zx_handle_close(p);
}
