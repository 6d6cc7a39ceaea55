#include "config-build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proto/wire.h"
#include "tests/lib/zxdtest.h"

static bool
can_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	int fd;
	bool ok;

	if (len >= sizeof(sa.sun_path))
		return false;
	memcpy(sa.sun_path, path, len + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* Start zxd in d's folder (made first unless `again`). */
static int
start(struct zxdtest_daemon *d, const char *conf_text,
    const char *const *extra, bool again)
{
	const char *bin = getenv("ZXD_BIN");
	const char *argv[32];
	size_t n = 0;

	if (bin == NULL)
		bin = "./zxd";
	if (!again) {
		snprintf(d->dir, sizeof(d->dir), "/tmp/zxdtest.XXXXXX");
		if (mkdtemp(d->dir) == NULL)
			return -errno;
		chmod(d->dir, 0755);
		snprintf(d->socket, sizeof(d->socket), "%s/zxd.sock", d->dir);
		snprintf(d->log, sizeof(d->log), "%s/zxd.log", d->dir);
		snprintf(d->conf, sizeof(d->conf), "%s/zxd.conf", d->dir);
	}
	argv[n++] = bin;
	argv[n++] = "--socket";
	argv[n++] = d->socket;
	if (conf_text != NULL) {
		FILE *f = fopen(d->conf, "we");

		if (f == NULL)
			return -errno;
		fputs(conf_text, f);
		if (fclose(f) != 0)
			return -EIO;
		argv[n++] = "--config";
		argv[n++] = d->conf;
	}
	for (; extra != NULL && *extra != NULL && n < 30; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;
	d->pid = fork();
	if (d->pid < 0)
		return -errno;
	if (d->pid == 0) {
		int fd = open(d->log, O_WRONLY | O_CREAT |
		    (again ? O_APPEND : O_TRUNC), 0644);

		if (fd >= 0)
			dup2(fd, 2);
		unsetenv("NOTIFY_SOCKET");
		unsetenv("LISTEN_FDS");
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		int st;

		if (can_connect(d->socket)) {
			setenv("ZXD_SOCKET", d->socket, 1);
			return 0;
		}
		if (waitpid(d->pid, &st, WNOHANG) == d->pid)
			return -ECHILD;
		usleep(10000);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, NULL, 0);
	return -ETIMEDOUT;
}

int
zxdtest_start(struct zxdtest_daemon *d, const char *const *extra)
{
	return start(d, NULL, extra, false);
}

int
zxdtest_respawn(struct zxdtest_daemon *d, const char *const *extra)
{
	return start(d, NULL, extra, true);
}

int
zxdtest_start_config(struct zxdtest_daemon *d, const char *conf_text,
    const char *const *extra)
{
	return start(d, conf_text, extra, false);
}

int
zxdtest_log_reports(const char *log)
{
	char line[1024];
	int n = 0;
	FILE *f = fopen(log, "re");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, "ERROR: AddressSanitizer") != NULL ||
		    strstr(line, "ERROR: LeakSanitizer") != NULL ||
		    strstr(line, "runtime error") != NULL) {
			if (n++ == 0)
				fprintf(stderr, "%s: sanitizer report:\n", log);
			fputs(line, stderr);
		}
	}
	fclose(f);
	return n;
}

int
zxdtest_stop(struct zxdtest_daemon *d)
{
	char cmd[sizeof(d->log) + 16];
	int st, reports;

	kill(d->pid, SIGTERM);
	if (waitpid(d->pid, &st, 0) < 0)
		return -1;
	d->pid = 0;
	reports = zxdtest_log_reports(d->log);
	if (getenv("ZXDTEST_KEEP") != NULL || reports > 0) {
		snprintf(cmd, sizeof(cmd), "cat %s >&2", d->log);
		(void)!system(cmd);
	}
	if (getenv("ZXDTEST_KEEP") == NULL) {
		unlink(d->log);
		unlink(d->conf);
		rmdir(d->dir);
	}
	if (!WIFEXITED(st))
		return -1;
	if (reports > 0)
		return -2;
	return WEXITSTATUS(st);
}

int
zxdtest_attack_fd(int fd)
{
	long page = sysconf(_SC_PAGESIZE);
	char path[64];
	void *p;
	int nfd;

	if (pwrite(fd, "X", 1, 0) >= 0)
		return ZXDTEST_ATTACK_PWRITE;
	if (ftruncate(fd, 0) == 0 || ftruncate(fd, 100 * page) == 0)
		return ZXDTEST_ATTACK_TRUNCATE;
	if (fchmod(fd, 0666) == 0)
		return ZXDTEST_ATTACK_FCHMOD;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, O_RDWR);
	if (nfd >= 0 || (nfd = open(path, O_WRONLY)) >= 0)
		return ZXDTEST_ATTACK_REOPEN;
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED)
		return ZXDTEST_ATTACK_MMAP_WRITE;
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return ZXDTEST_ATTACK_MMAP_READ;
	if (mprotect(p, page, PROT_READ | PROT_WRITE) == 0)
		return ZXDTEST_ATTACK_MPROTECT;
	munmap(p, page);
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0)
		return ZXDTEST_ATTACK_SEAL;
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
	    page) == 0)
		return ZXDTEST_ATTACK_PUNCH;
	return 0;
}

/* Send `req` on control connection fd and unpack the reply: 0 and
 * *ret, or -errno. */
static int
raw_call(int fd, Zxd__Request *req, Zxd__Reply **ret)
{
	struct wire_msg m = { 0 };
	static uint64_t txid = 1;
	int r = -EPROTO;

	m.buf = malloc(WIRE_MAX_MSG);
	if (m.buf == NULL)
		return -ENOMEM;
	req->txid = txid++;
	if (wire_send(fd, &req->base, NULL, 0) < 0 || wire_recv(fd, &m) <= 0)
		goto out;
	*ret = zxd__reply__unpack(NULL, m.len, m.buf);
	if (*ret != NULL)
		r = 0;
out:
	free(m.buf);
	return r;
}

int
zxdtest_socket_holds_nothing(int fd)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__GetInfo gi = ZXD__GET_INFO__INIT;
	Zxd__Reply *rep = NULL;
	int r;

	/* ZX_INFO_HANDLE_BASIC (2): any handle answers it. */
	gi.topic = 2;
	gi.buffer_size = 64;
	req.body_case = ZXD__REQUEST__BODY_GET_INFO;
	req.get_info = &gi;
	r = raw_call(fd, &req, &rep);
	if (r == 0) {
		zxd__reply__free_unpacked(rep, NULL);
		return 0;
	}
	return 1;
}

int
zxdtest_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Hello hello = ZXD__HELLO__INIT;
	Zxd__Reply *rep;
	int fd, r;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	hello.version = ZXD_PROTOCOL_VERSION;
	req.body_case = ZXD__REQUEST__BODY_HELLO;
	req.hello = &hello;
	r = raw_call(fd, &req, &rep);
	if (r < 0) {
		close(fd);
		return r;
	}
	zxd__reply__free_unpacked(rep, NULL);
	return fd;
}

int
zxdtest_stats(const char *path, struct zxdtest_stats *s)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Stats st = ZXD__STATS__INIT;
	Zxd__Reply *rep;
	int fd = zxdtest_connect(path), r;

	if (fd < 0)
		return fd;
	req.body_case = ZXD__REQUEST__BODY_STATS;
	req.stats = &st;
	r = raw_call(fd, &req, &rep);
	close(fd);
	if (r < 0)
		return r;
	r = -EPROTO;
	if (rep->body_case == ZXD__REPLY__BODY_STATS) {
		/* Our own stats connection counts as a client. */
		s->clients = rep->stats->clients - 1;
		s->handles = rep->stats->handles;
		s->objects = rep->stats->objects;
		s->in_flight = rep->stats->handles_in_flight;
		s->spares = rep->stats->spare_sockets;
		s->replies = rep->stats->reply_sockets;
		r = 0;
	}
	zxd__reply__free_unpacked(rep, NULL);
	return r;
}

int
zxdtest_object_listed(int fd, uint64_t koid)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__ListObjects lo = ZXD__LIST_OBJECTS__INIT;
	Zxd__Reply *rep;
	int r;

	lo.after = koid - 1;
	req.body_case = ZXD__REQUEST__BODY_LIST_OBJECTS;
	req.list_objects = &lo;
	r = raw_call(fd, &req, &rep);
	if (r < 0)
		return r;
	r = -EPROTO;
	if (rep->body_case == ZXD__REPLY__BODY_OBJECTS)
		r = rep->objects->n_objects > 0 &&
		    rep->objects->objects[0]->koid == koid;
	zxd__reply__free_unpacked(rep, NULL);
	return r;
}

int
zxdtest_run_as_nobody(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(126);
		_exit(fn(arg));
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int
zxdtest_memfds(int *fds, int max)
{
	char path[300], link[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && n < max) {
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (strncmp(link, "/memfd:zxd-", 11) == 0)
			fds[n++] = atoi(de->d_name);
	}
	closedir(d);
	return n;
}
