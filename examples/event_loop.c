/*
 * An event loop on a port, written the way Fuchsia's async-loop code is:
 * each wait is a small record with a handler; begin_wait registers it
 * with zx_object_wait_async; the loop takes packets from the port with
 * zx_port_wait and calls the handler the packet's key names, which
 * handles the signal and re-arms.
 *
 * Two processes: the server answers each message on its channel with
 * "echo: <message>" and counts the ticks of a periodic timer; the client
 * sends "ping N" on each tick of its own timer until it has its replies,
 * then closes its channel. The server sees PEER_CLOSED and stops. Each
 * side prints what it did; the exit status says whether it all held.
 *
 *	zxd-event-loop [COUNT]		(COUNT pings, default 10)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zxd/zxd.h>


/* --- a minimal async loop ------------------------------------------ */

struct loop;
struct wait;

typedef void (*wait_handler)(struct loop *l, struct wait *w,
    zx_status_t status, const zx_packet_signal_t *signal);

struct wait {
	zx_handle_t object;
	zx_signals_t trigger;
	wait_handler handler;
	void *ctx;
};

struct loop {
	zx_handle_t port;
	bool quit;
	const char *who;
};

static void
die(const char *who, const char *what, zx_status_t st)
{
	fprintf(stderr, "%s: %s: %s\n", who, what, zx_status_get_string(st));
	exit(1);
}

static void
loop_init(struct loop *l, const char *who)
{
	zx_status_t st = zx_port_create(0, &l->port);

	if (st != ZX_OK)
		die(who, "zx_port_create", st);
	l->quit = false;
	l->who = who;
}

/* The key of a packet is the address of its wait record, as in
 * async-loop. */
static void
begin_wait(struct loop *l, struct wait *w)
{
	zx_status_t st = zx_object_wait_async(w->object, l->port,
	    (uint64_t)(uintptr_t)w, w->trigger, ZX_WAIT_ASYNC_TIMESTAMP);

	if (st != ZX_OK)
		die(l->who, "zx_object_wait_async", st);
}

static void
loop_run(struct loop *l)
{
	while (!l->quit) {
		zx_port_packet_t pkt;
		zx_status_t st = zx_port_wait(l->port,
		    zx_deadline_after(ZX_SEC(10)), &pkt);
		struct wait *w;

		if (st != ZX_OK)
			die(l->who, "zx_port_wait", st);
		if (pkt.type != ZX_PKT_TYPE_SIGNAL_ONE)
			continue;
		w = (struct wait *)(uintptr_t)pkt.key;
		w->handler(l, w, pkt.status, &pkt.signal);
	}
}

/* A periodic timer on top of a one-shot one: re-armed on each tick. */
struct ticker {
	struct wait wait;
	zx_duration_t period;
	zx_time_t next;
	unsigned ticks;
	void (*on_tick)(struct loop *l, struct ticker *t);
};

static void
ticker_arm(struct loop *l, struct ticker *t)
{
	zx_status_t st;

	t->next += t->period;
	st = zx_timer_set(t->wait.object, t->next, ZX_USEC(100));
	if (st != ZX_OK)
		die(l->who, "zx_timer_set", st);
	begin_wait(l, &t->wait);
}

static void
ticker_fired(struct loop *l, struct wait *w, zx_status_t status,
    const zx_packet_signal_t *signal)
{
	struct ticker *t = (struct ticker *)w;

	(void)status;
	(void)signal;
	t->ticks++;
	if (t->on_tick != NULL)
		t->on_tick(l, t);
	if (!l->quit)
		ticker_arm(l, t);
}

static void
ticker_start(struct loop *l, struct ticker *t, zx_duration_t period)
{
	zx_status_t st = zx_timer_create(0, ZX_CLOCK_MONOTONIC,
	    &t->wait.object);

	if (st != ZX_OK)
		die(l->who, "zx_timer_create", st);
	t->wait.trigger = ZX_TIMER_SIGNALED;
	t->wait.handler = ticker_fired;
	t->period = period;
	t->next = zx_clock_get_monotonic();
	t->ticks = 0;
	ticker_arm(l, t);
}

/* --- the server -------------------------------------------------------- */

struct server {
	struct wait chan;
	struct ticker ticker;
	unsigned served;
};

static void
server_readable(struct loop *l, struct wait *w, zx_status_t status,
    const zx_packet_signal_t *signal)
{
	struct server *s = (struct server *)w;
	char in[64], out[80];
	uint32_t n;

	(void)status;
	/* Drain what is there, then re-arm (or stop at PEER_CLOSED). */
	while (zx_channel_read(w->object, 0, in, NULL, sizeof(in) - 1, 0, &n,
	    NULL) == ZX_OK) {
		in[n] = '\0';
		n = (uint32_t)snprintf(out, sizeof(out), "echo: %s", in);
		if (zx_channel_write(w->object, 0, out, n, NULL, 0) != ZX_OK)
			break;
		s->served++;
	}
	if (signal->observed & ZX_CHANNEL_PEER_CLOSED) {
		l->quit = true;
		return;
	}
	begin_wait(l, w);
}

static int
server_main(zx_handle_t ch)
{
	struct server s = { 0 };
	struct loop l;

	loop_init(&l, "server");
	s.chan = (struct wait){ ch, ZX_CHANNEL_READABLE |
	    ZX_CHANNEL_PEER_CLOSED, server_readable, NULL };
	begin_wait(&l, &s.chan);
	ticker_start(&l, &s.ticker, ZX_MSEC(15));
	loop_run(&l);
	printf("server: served %u requests, %u timer ticks\n", s.served,
	    s.ticker.ticks);
	zx_handle_close_many((zx_handle_t[]){ ch, s.ticker.wait.object,
	    l.port }, 3);
	return s.served > 0 && s.ticker.ticks > 0 ? 0 : 1;
}

/* --- the client ------------------------------------------------------- */

struct client {
	struct wait chan;
	struct ticker ticker;
	unsigned sent, replies, want;
	bool bad;
};

static void
client_tick(struct loop *l, struct ticker *t)
{
	struct client *c = (struct client *)((char *)t -
	    offsetof(struct client, ticker));
	char msg[32];
	int n;

	(void)l;
	if (c->sent == c->want)
		return;
	n = snprintf(msg, sizeof(msg), "ping %u", c->sent);
	if (zx_channel_write(c->chan.object, 0, msg, (uint32_t)n, NULL, 0) ==
	    ZX_OK)
		c->sent++;
}

static void
client_readable(struct loop *l, struct wait *w, zx_status_t status,
    const zx_packet_signal_t *signal)
{
	struct client *c = (struct client *)w;
	char in[80], want[80];
	uint32_t n;

	(void)status;
	while (zx_channel_read(w->object, 0, in, NULL, sizeof(in) - 1, 0, &n,
	    NULL) == ZX_OK) {
		in[n] = '\0';
		snprintf(want, sizeof(want), "echo: ping %u", c->replies);
		if (strcmp(in, want) != 0) {
			fprintf(stderr, "client: got \"%s\", want \"%s\"\n",
			    in, want);
			c->bad = true;
		}
		c->replies++;
	}
	if (c->replies >= c->want || (signal->observed &
	    ZX_CHANNEL_PEER_CLOSED)) {
		l->quit = true;
		return;
	}
	begin_wait(l, w);
}

static int
client_main(zx_handle_t ch, unsigned count)
{
	struct client c = { .want = count };
	struct loop l;

	loop_init(&l, "client");
	c.chan = (struct wait){ ch, ZX_CHANNEL_READABLE |
	    ZX_CHANNEL_PEER_CLOSED, client_readable, NULL };
	c.ticker.on_tick = client_tick;
	begin_wait(&l, &c.chan);
	ticker_start(&l, &c.ticker, ZX_MSEC(10));
	loop_run(&l);
	printf("client: sent %u, got %u replies in order%s\n", c.sent,
	    c.replies, c.bad ? " (with mismatches)" : "");
	zx_handle_close_many((zx_handle_t[]){ ch, c.ticker.wait.object,
	    l.port }, 3);
	return !c.bad && c.replies == count ? 0 : 1;
}

int
main(int argc, char **argv)
{
	unsigned count = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 10;
	zx_handle_t a, b, ch;
	zx_status_t st;
	int tok, wst, rc;
	pid_t pid;

	st = zx_channel_create(0, &a, &b);
	if (st != ZX_OK)
		die("zxd-event-loop", "zx_channel_create", st);
	/* Handles do not cross fork(); a token does. */
	st = zxd_handle_export(b, &tok);
	if (st != ZX_OK)
		die("zxd-event-loop", "zxd_handle_export", st);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		st = zxd_handle_import(tok, &ch);
		if (st != ZX_OK)
			die("client", "zxd_handle_import", st);
		rc = client_main(ch, count);
		fflush(stdout);
		_exit(rc);
	}
	close(tok);
	rc = server_main(a);
	if (waitpid(pid, &wst, 0) != pid || !WIFEXITED(wst) ||
	    WEXITSTATUS(wst) != 0)
		rc = 1;
	printf("%s\n", rc == 0 ? "ok" : "FAILED");
	return rc;
}
