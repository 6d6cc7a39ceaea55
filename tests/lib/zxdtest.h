/* Helpers for tests and benchmarks that need a real zxd. */
#ifndef ZXD_TESTS_ZXDTEST_H
#define ZXD_TESTS_ZXDTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct zxdtest_daemon {
	pid_t pid;
	char dir[64];
	char socket[100];
	char log[128];
	char conf[128];
};

/* Start `$ZXD_BIN --socket DIR/zxd.sock [extra args]` with its stderr in
 * DIR/zxd.log, wait until it accepts connections, and point this
 * process's libzx at it (ZXD_SOCKET). Returns 0 or -errno. */
int zxdtest_start(struct zxdtest_daemon *d, const char *const *extra_args);
/* Start zxd again on the same socket and log (after the last one died),
 * with `extra_args`. */
int zxdtest_respawn(struct zxdtest_daemon *d, const char *const *extra_args);
/* The same with a configuration file of text `conf_text` (--config). */
int zxdtest_start_config(struct zxdtest_daemon *d, const char *conf_text,
    const char *const *extra_args);
/* SIGTERM it, wait, remove the folder. Returns its exit status (0 for a
 * clean exit), -1 if it died of a signal, -2 if its log has a sanitizer
 * report (written to stderr, with the log). */
int zxdtest_stop(struct zxdtest_daemon *d);
/* How many sanitizer report lines (ASan, LSan, UBSan) a daemon's log
 * has; each is written to stderr. */
int zxdtest_log_reports(const char *log);

/* Every way to write through fd, or to make it writable: 0 when all
 * fail, else the first that worked. */
enum {
	ZXDTEST_ATTACK_PWRITE = 40,
	ZXDTEST_ATTACK_TRUNCATE,
	ZXDTEST_ATTACK_FCHMOD,
	ZXDTEST_ATTACK_REOPEN,		/* O_RDWR through /proc/self/fd */
	ZXDTEST_ATTACK_MMAP_WRITE,
	ZXDTEST_ATTACK_MMAP_READ,	/* a read-only mapping failed */
	ZXDTEST_ATTACK_MPROTECT,
	ZXDTEST_ATTACK_SEAL,
	ZXDTEST_ATTACK_PUNCH,
};
int zxdtest_attack_fd(int fd);
/* The descriptors of zxd memory (its memfds: VMOs, regions, signal
 * pages) this process holds, up to max of them; how many. */
int zxdtest_memfds(int *fds, int max);

/* The daemon's live counts, through a raw Stats request. */
struct zxdtest_stats {
	uint64_t clients, handles, objects;
	uint64_t in_flight;	/* handles in channel messages or tokens */
	uint64_t spares;	/* spare sockets: one daemon fd each */
	uint64_t replies;	/* kept call reply sockets: the same */
};
int zxdtest_stats(const char *socket, struct zxdtest_stats *s);
/* Whether the daemon serves nothing on fd, a copy of a handle's
 * descriptor kept after the handle left the process: the socket is
 * closed, or a spare (doc/DATAPATH.md), which the request this sends
 * closes. 1 or 0. */
int zxdtest_socket_holds_nothing(int fd);
/* A control connection of the test's own to the daemon at `socket`
 * (HELLO done), as zxctl opens: its fd, or -errno. */
int zxdtest_connect(const char *socket);
/* Whether `zxctl objects` lists koid, asked on connection fd: 1 or 0, or
 * -errno. */
int zxdtest_object_listed(int fd, uint64_t koid);

/* Fork, drop to uid/gid 65534 in the child, run fn there; returns the
 * child's exit status (fn's return value), or -1. */
int zxdtest_run_as_nobody(int (*fn)(void *), void *arg);

#endif
