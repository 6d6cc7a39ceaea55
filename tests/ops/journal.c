/*
 * zxd's structured logging. With stderr a journal stream (JOURNAL_STREAM
 * names stderr's device and inode, as systemd sets it), messages about
 * clients go to the journal's native socket with fields: connect and
 * disconnect at debug, a refused request at notice, a protocol error at
 * warning (these two with a MESSAGE_ID), with ZXD_CLIENT_PID, ZXD_CLIENT_UID, ZXD_KOID, ... Otherwise
 * they are "<N>" lines on stderr.
 *
 * journald is stood in for by a datagram socket at
 * /run/systemd/journal/socket on a tmpfs mounted over /run in a private
 * mount namespace: this needs CAP_SYS_ADMIN (the test is skipped
 * without it) and leaves the real /run alone.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "tests/lib/zxdtest.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

struct daemon {
	pid_t pid;
	char dir[64];
	char sock[128];
	char log[128];
};

/* A private /run with a journal socket; -1 if not allowed here. */
static int
fake_journal(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { 5, 0 };
	int fd;

	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") < 0)
		return -1;
	cr_assert(mkdir("/run/systemd", 0755) == 0);
	cr_assert(mkdir("/run/systemd/journal", 0755) == 0);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert(fd >= 0);
	strcpy(sa.sun_path, JOURNAL_SOCKET);
	cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	cr_assert(chmod(JOURNAL_SOCKET, 0666) == 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Start zxd with stderr on a file; JOURNAL_STREAM names that file when
 * `journal` is true, another inode otherwise. */
static void
start(struct daemon *d, bool journal)
{
	char *bin = getenv("ZXD_BIN");
	struct stat st;
	char env[64];
	int fd;

	snprintf(d->dir, sizeof(d->dir), "/tmp/zxd-journal.XXXXXX");
	cr_assert_not_null(mkdtemp(d->dir));
	chmod(d->dir, 0755);
	snprintf(d->sock, sizeof(d->sock), "%s/zxd.sock", d->dir);
	snprintf(d->log, sizeof(d->log), "%s/zxd.log", d->dir);
	fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	cr_assert(fd >= 0 && fstat(fd, &st) == 0);
	snprintf(env, sizeof(env), "%llu:%llu",
	    (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino + (journal ? 0 : 1));
	d->pid = fork();
	cr_assert(d->pid >= 0);
	if (d->pid == 0) {
		dup2(fd, 2);
		setenv("JOURNAL_STREAM", env, 1);
		execl(bin ? bin : "./zxd", "zxd", "--socket", d->sock,
		    "--verbose", (char *)NULL);
		_exit(127);
	}
	close(fd);
	for (int i = 0; i < 1000; i++) {
		if (access(d->sock, F_OK) == 0) {
			setenv("ZXD_SOCKET", d->sock, 1);
			return;
		}
		usleep(10000);
	}
	cr_assert_fail("zxd did not start");
}

static void
stop(struct daemon *d)
{
	int st;

	kill(d->pid, SIGTERM);
	cr_assert(waitpid(d->pid, &st, 0) == d->pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "zxd did not exit cleanly");
	cr_assert_eq(zxdtest_log_reports(d->log), 0, "sanitizer report");
	unlink(d->log);
	rmdir(d->dir);
}

static char *
read_log(const struct daemon *d)
{
	static char buf[65536];
	int fd = open(d->log, O_RDONLY);
	ssize_t n;

	cr_assert(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Whether entry (KEY=value lines) has the line `field`. */
static bool
has(const char *entry, const char *field)
{
	size_t n = strlen(field);

	for (const char *p = entry; p != NULL && *p != '\0';) {
		if (strncmp(p, field, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return true;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return false;
}

/*
 * Read journal entries until one has every field of `want` (NULL-ended);
 * returns it (a static buffer). Fails after the socket's timeout.
 */
static const char *
expect_entry(int jfd, const char *const *want)
{
	static char buf[8192];

	for (;;) {
		ssize_t n = recv(jfd, buf, sizeof(buf) - 1, 0);
		bool all = true;

		cr_assert(n > 0, "no journal entry with %s (%s)", want[0],
		    strerror(errno));
		buf[n] = '\0';
		for (const char *const *w = want; *w != NULL; w++)
			all = all && has(buf, *w);
		if (all)
			return buf;
	}
}

#define EXPECT(jfd, ...) \
	expect_entry(jfd, (const char *const[]){ __VA_ARGS__, NULL })

static pid_t
client_child(void)
{
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0) {
		zx_handle_t h;

		if (zx_event_create(0, &h) != ZX_OK)
			_exit(1);
		zx_handle_close(h);
		_exit(0);
	}
	return pid;
}

static void
reap(pid_t pid)
{
	int st;

	cr_assert(waitpid(pid, &st, 0) == pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

Test(journal, fields, .timeout = 60)
{
	char f_pid[64], f_obj[64], f_koid[64], f_self[64], cmd[512];
	zx_info_handle_basic_t info;
	struct daemon d;
	const char *e;
	zx_handle_t ev, keep;
	pid_t child;
	int jfd;

	jfd = fake_journal();
	if (jfd < 0)
		cr_skip_test("no private mount namespace here (%s)",
		    strerror(errno));
	start(&d, true);

	/* Connect and disconnect, at debug, about the child. */
	child = client_child();
	reap(child);
	snprintf(f_pid, sizeof(f_pid), "ZXD_CLIENT_PID=%d", (int)child);
	snprintf(f_obj, sizeof(f_obj), "OBJECT_PID=%d", (int)child);
	e = EXPECT(jfd, "PRIORITY=7", f_pid, "SYSLOG_IDENTIFIER=zxd");
	cr_assert(has(e, f_obj) && has(e, "ZXD_CLIENT_UID=0"), "%s", e);
	cr_assert_not_null(strstr(e, "connected"), "%s", e);
	cr_assert(has(e, "ZXD_CLIENT_ID=1"), "%s", e);
	e = EXPECT(jfd, "PRIORITY=7", f_pid);
	cr_assert_not_null(strstr(e, ") disconnected"), "%s", e);

	/* A protocol error on a handle: warning, with the object's koid. */
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, &info,
	    sizeof(info), NULL, NULL), ZX_OK);
	cr_assert_eq(send((int)(ev >> 2), "\xff\xff\xff", 3, 0), 3);
	snprintf(f_self, sizeof(f_self), "ZXD_CLIENT_PID=%d", (int)getpid());
	snprintf(f_koid, sizeof(f_koid), "ZXD_KOID=%llu",
	    (unsigned long long)info.koid);
	e = EXPECT(jfd, "PRIORITY=4", f_self, f_koid);
	cr_assert_not_null(strstr(e, "protocol error on handle connection"),
	    "%s", e);
	cr_assert(has(e, "MESSAGE_ID=02671b5312ed4b7baf48c4bbb12c20d9"), "%s",
	    e);
	zx_handle_close(ev);

	/* A refused request: notice, with the request's name. nobody asks
	 * for the handles of this (root) process. */
	cr_assert_eq(zx_event_create(0, &keep), ZX_OK);
	snprintf(cmd, sizeof(cmd), "setpriv --reuid=65534 --regid=65534 "
	    "--clear-groups %s/zxctl handles %d >/dev/null 2>&1",
	    getenv("ZXD_TOP_BUILDDIR"), (int)getpid());
	cr_assert_eq(WEXITSTATUS(system(cmd)), 1, "zxctl was not refused");
	e = EXPECT(jfd, "PRIORITY=5", "ZXD_REQUEST=list_handles",
	    "ZXD_CLIENT_UID=65534");
	cr_assert_not_null(strstr(e, "list_handles refused"), "%s", e);
	cr_assert(has(e, "MESSAGE_ID=5416085729d04cb683f17dd3cadb5448"), "%s",
	    e);
	zx_handle_close(keep);

	/* None of these went to stderr as well. */
	cr_assert_null(strstr(read_log(&d), "connected"), "%s", read_log(&d));
	stop(&d);
	close(jfd);
}

/* stderr that is not the journal stream: "<N>" lines, no journal. */
Test(journal, plain_stderr, .timeout = 60)
{
	struct daemon d;
	char want[128];
	pid_t child;
	char buf[64];
	int jfd;

	jfd = fake_journal();
	if (jfd < 0)
		cr_skip_test("no private mount namespace here (%s)",
		    strerror(errno));
	start(&d, false);
	child = client_child();
	reap(child);
	snprintf(want, sizeof(want), "<7>client 1 (pid %d uid 0 ",
	    (int)child);
	for (int i = 0; i < 200 && strstr(read_log(&d), ") disconnected") ==
	    NULL; i++)
		usleep(10000);
	cr_assert_not_null(strstr(read_log(&d), want), "%s", read_log(&d));
	cr_assert_not_null(strstr(read_log(&d), ") disconnected"));
	stop(&d);
	/* The journal socket got nothing. */
	cr_assert_eq(recv(jfd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN);
	close(jfd);
}
