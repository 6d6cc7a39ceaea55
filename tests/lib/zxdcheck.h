/* Assertions tests share (criterion): header-only, so that libzxdtest
 * itself needs no criterion (the benchmarks link it). */
#ifndef ZXD_TESTS_ZXDCHECK_H
#define ZXD_TESTS_ZXDCHECK_H

#include <pthread.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

/* A handle value no process has. */
#define BOGUS	((zx_handle_t)((1000000u << 2) | 3))
#define MS	1000000ll

/* ZX_INFO_HANDLE_BASIC of h, which must be a handle. */
static inline zx_info_handle_basic_t
basic_of(zx_handle_t h)
{
	zx_info_handle_basic_t info;

	memset(&info, 0, sizeof(info));
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info,
	    sizeof(info), NULL, NULL), ZX_OK);
	return info;
}

/* A new pair's two ends: both of `type` with `rights`, each the other's
 * related koid, both with `signals` asserted and no other. */
static inline void
assert_new_pair(zx_handle_t a, zx_handle_t b, zx_obj_type_t type,
    zx_rights_t rights, zx_signals_t signals)
{
	zx_info_handle_basic_t ia = basic_of(a), ib = basic_of(b);
	zx_signals_t seen[2] = { 0xdeadbeef, 0xdeadbeef };

	cr_assert_eq(ia.type, type);
	cr_assert_eq(ib.type, type);
	cr_assert_eq(ia.rights, rights);
	cr_assert_eq(ib.rights, rights);
	cr_assert_eq(ia.related_koid, ib.koid);
	cr_assert_eq(ib.related_koid, ia.koid);
	cr_assert_eq(zx_object_wait_one(a, 0, 0, &seen[0]), ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_object_wait_one(b, 0, 0, &seen[1]), ZX_ERR_TIMED_OUT);
	cr_assert_eq(seen[0], signals);
	cr_assert_eq(seen[1], signals);
}

/* ZX_INFO_HANDLE_COUNT of h's object. */
static inline uint32_t
count_of(zx_handle_t h)
{
	zx_info_handle_count_t c;

	cr_assert_eq(zx_object_get_info(h, ZX_INFO_HANDLE_COUNT, &c,
	    sizeof(c), NULL, NULL), ZX_OK);
	return c.handle_count;
}

/* A new event. */
static inline zx_handle_t
new_event(void)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_status_t st = zx_event_create(0, &h);

	cr_assert_eq(st, ZX_OK, "zx_event_create: %s",
	    zx_status_get_string(st));
	return h;
}

/* The signals h has now: a wait for nothing, that cannot wait. */
static inline zx_signals_t
signals_of(zx_handle_t h)
{
	zx_signals_t seen = 0xdeadbeef;
	zx_status_t st = zx_object_wait_one(h, 0, 0, &seen);

	cr_assert_eq(st, ZX_ERR_TIMED_OUT, "%s", zx_status_get_string(st));
	return seen;
}

static inline zx_handle_t
dup_rights(zx_handle_t h, zx_rights_t rights)
{
	zx_handle_t d = ZX_HANDLE_INVALID;

	cr_assert_eq(zx_handle_duplicate(h, rights, &d), ZX_OK);
	return d;
}

/*
 * A thread blocked in zx_object_wait_one(h, want) for 10 s at most:
 * wait_thread_start starts it and gives it time to block (st stays 1
 * until the wait returns); wait_thread_join waits for it and returns its
 * status (seen: what it observed).
 */
struct wait_thread {
	zx_handle_t h;
	zx_signals_t want, seen;
	volatile zx_status_t st;
	pthread_t t;
};

static inline void *
wait_thread_main(void *arg)
{
	struct wait_thread *w = arg;

	w->st = zx_object_wait_one(w->h, w->want,
	    zx_deadline_after(10000 * MS), &w->seen);
	return NULL;
}

static inline void
wait_thread_start(struct wait_thread *w, zx_handle_t h, zx_signals_t want)
{
	w->h = h;
	w->want = want;
	w->seen = 0;
	w->st = 1;
	cr_assert_eq(pthread_create(&w->t, NULL, wait_thread_main, w), 0);
	usleep(20000);
}

static inline zx_status_t
wait_thread_join(struct wait_thread *w)
{
	cr_assert_eq(pthread_join(w->t, NULL), 0);
	return w->st;
}

/* Fork a child that exits with fn(tok); the parent closes its copy of
 * tok (an exported handle's descriptor). */
static inline pid_t
fork_child(int (*fn)(int tok), int tok)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(fn(tok));
	close(tok);
	return pid;
}

/* Reap child pid: its exit status, or 128 + the signal that killed it. */
static inline int
wait_child(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
