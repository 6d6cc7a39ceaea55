/*
 * Noticing zxd's death, so that nothing in libzx blocks for ever on a
 * daemon that is gone.
 *
 * Each control connection libzx makes is one "epoch" of the daemon, as
 * this process sees it (1, 2, ...). Handles remember the epoch they were
 * received in. A monitor thread holds a duplicate of the control
 * connection and polls it for hang-up only (never for data, so it steals
 * no reply): when the daemon dies, the kernel closes the daemon's end and
 * the monitor declares that epoch, and every earlier one, dead at once.
 * From then on the handles of those epochs are orphans: every call on
 * them answers ZX_ERR_BAD_HANDLE without a round trip, a wait in progress
 * returns ZX_ERR_CANCELED, and zx_handle_close releases them (ZX_OK).
 *
 * Waits stay free of round trips in the live case: a blocking waiter
 * registers the futex word it sleeps on (monitor_wait_enter) and checks
 * monitor_epoch_dead() each time it wakes; the monitor FUTEX_WAKEs every
 * registered word of a dead epoch, again every millisecond until each of
 * those waiters has left, which covers a waiter that checked just before
 * the death and slept just after the wake.
 *
 * A new call after a restart reconnects (rpc.c), which starts a new
 * epoch; rpc.c declares the old epoch dead itself first, should it see
 * the death before the monitor does.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "client/libzx.h"

/* Connections watched at once (old ones stay watched until their
 * hang-up, which is immediate once the daemon is gone). */
#define MON_MAX 8

static pthread_mutex_t mon_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int fd;			/* a dup of the control connection */
	unsigned epoch;
} watched[MON_MAX] = { [0 ... MON_MAX - 1] = { .fd = -1 } };
static atomic_uint cur_epoch;		/* of the current connection */
static atomic_uint dead_epoch;		/* every epoch <= this is dead */
static struct monitor_wait *waits;	/* under mon_lock */
static atomic_int debug = -1;

void libzx_monitor_atfork_child(void);

bool
monitor_debug_enabled(void)
{
	int d = atomic_load(&debug);

	if (d < 0) {
		const char *e = getenv("ZXD_DEBUG");

		d = e != NULL && *e != '\0' && *e != '0';
		atomic_store(&debug, d);
	}
	return d;
}

void
monitor_debug(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (!monitor_debug_enabled())
		return;
	n = snprintf(line, sizeof(line), "libzx[%d]: ", (int)getpid());
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One write, so lines of several processes do not mix. */
	n = (int)strlen(line);
	if (n < (int)sizeof(line) - 1)
		line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

void
libzx_monitor_atfork_child(void)
{
	/* The monitor threads did not come along; their duplicates of the
	 * parent's control connection must not keep it open. */
	pthread_mutex_init(&mon_lock, NULL);
	for (size_t i = 0; i < MON_MAX; i++) {
		if (watched[i].fd >= 0)
			close(watched[i].fd);
		watched[i].fd = -1;
	}
	waits = NULL;
	/* Every epoch so far is over for the child: its handles are gone. */
	atomic_store(&dead_epoch, atomic_load(&cur_epoch));
}

unsigned
monitor_epoch(void)
{
	return atomic_load(&cur_epoch);
}

bool
monitor_epoch_dead(unsigned epoch)
{
	return epoch <= atomic_load(&dead_epoch);
}

static void
wake_word(atomic_uint *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void
monitor_gone(unsigned epoch)
{
	unsigned d = atomic_load(&dead_epoch);

	while (d < epoch)
		if (atomic_compare_exchange_weak(&dead_epoch, &d, epoch))
			break;
	if (d >= epoch)
		return;		/* already declared */
	monitor_debug("zxd is gone (connection %u): waits end with "
	    "ZX_ERR_CANCELED, old handles answer ZX_ERR_BAD_HANDLE", epoch);
	/* Wake every waiter of a dead epoch until none is left; bounded, in
	 * case one is stopped by a debugger. */
	for (int round = 0; round < 2000; round++) {
		bool left = false;

		pthread_mutex_lock(&mon_lock);
		for (struct monitor_wait *w = waits; w != NULL; w = w->next) {
			if (!monitor_epoch_dead(w->epoch))
				continue;
			left = true;
			if (w->word != NULL)
				wake_word(w->word);
			if (w->wake != NULL)
				w->wake(w);
		}
		pthread_mutex_unlock(&mon_lock);
		if (!left)
			break;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
}

void
monitor_wait_enter(struct monitor_wait *w)
{
	pthread_mutex_lock(&mon_lock);
	w->prev = NULL;
	w->next = waits;
	if (waits != NULL)
		waits->prev = w;
	waits = w;
	pthread_mutex_unlock(&mon_lock);
}

void
monitor_wait_leave(struct monitor_wait *w)
{
	pthread_mutex_lock(&mon_lock);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		waits = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&mon_lock);
}

static void *
watch_main(void *arg)
{
	size_t slot = (size_t)(uintptr_t)arg;
	struct pollfd p;
	unsigned epoch;
	int r;

	pthread_mutex_lock(&mon_lock);
	p.fd = watched[slot].fd;
	epoch = watched[slot].epoch;
	pthread_mutex_unlock(&mon_lock);
	/* Hang-up only: POLLIN would report the replies rpc.c reads. */
	p.events = POLLRDHUP;
	do {
		r = poll(&p, 1, -1);
	} while (r < 0 && errno == EINTR);
	monitor_gone(epoch);
	pthread_mutex_lock(&mon_lock);
	if (watched[slot].fd == p.fd && watched[slot].epoch == epoch) {
		close(watched[slot].fd);
		watched[slot].fd = -1;
	}
	pthread_mutex_unlock(&mon_lock);
	return NULL;
}

unsigned
monitor_watch(int ctl)
{
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t t;
	unsigned epoch;
	size_t slot = MON_MAX;
	int fd;

	epoch = atomic_fetch_add(&cur_epoch, 1) + 1;
	fd = fcntl(ctl, F_DUPFD_CLOEXEC, 3);
	pthread_mutex_lock(&mon_lock);
	for (size_t i = 0; fd >= 0 && i < MON_MAX; i++) {
		if (watched[i].fd < 0) {
			slot = i;
			watched[i].fd = fd;
			watched[i].epoch = epoch;
			break;
		}
	}
	pthread_mutex_unlock(&mon_lock);
	if (slot == MON_MAX) {
		if (fd >= 0)
			close(fd);
		monitor_debug("cannot watch connection %u: zxd's death will "
		    "only be seen by the next call", epoch);
		return epoch;
	}
	/* The thread takes no signal meant for the program. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	if (pthread_create(&t, &attr, watch_main, (void *)(uintptr_t)slot)
	    != 0) {
		pthread_mutex_lock(&mon_lock);
		close(watched[slot].fd);
		watched[slot].fd = -1;
		pthread_mutex_unlock(&mon_lock);
		monitor_debug("cannot start the monitor thread: zxd's death "
		    "will only be seen by the next call");
	}
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return epoch;
}
