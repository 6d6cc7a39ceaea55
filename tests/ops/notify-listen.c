/*
 * Stand in for systemd's notification socket in tests.
 *
 *	notify-listen PATH SECONDS WANT...
 *
 * Binds an AF_UNIX datagram socket at PATH (as NOTIFY_SOCKET names it),
 * prints "ready" on stdout once bound, then prints every line of every
 * notification it receives, each datagram preceded by "SENDER_PID=N"
 * (from SCM_CREDENTIALS). Exits 0 once every WANT has been seen as a
 * whole line (a WANT ending in '=' matches any value), 1 after SECONDS
 * without that, 2 on a usage or socket error. Removes PATH on exit.
 */
#include "config-build.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static bool
matches(const char *line, const char *want)
{
	size_t n = strlen(want);

	if (n > 0 && want[n - 1] == '=')
		return strncmp(line, want, n) == 0;
	return strcmp(line, want) == 0;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	bool seen[64] = { false };
	long long deadline;
	int fd, one = 1, nwant, rc = 1;

	if (argc < 4 || argc - 3 > 64 ||
	    strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: notify-listen PATH SECONDS WANT...\n");
		return 2;
	}
	nwant = argc - 3;
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		fprintf(stderr, "notify-listen: %s: %s\n", argv[1],
		    strerror(errno));
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	deadline = now_ms() + atol(argv[2]) * 1000;

	for (;;) {
		union {
			struct cmsghdr hdr;
			char space[CMSG_SPACE(sizeof(struct ucred))];
		} ctl;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char buf[4097];
		struct iovec iov = { buf, sizeof(buf) - 1 };
		struct msghdr mh = {
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = ctl.space,
			.msg_controllen = sizeof(ctl.space),
		};
		struct cmsghdr *c;
		char *line, *save;
		long long left = deadline - now_ms();
		ssize_t n;
		bool all;

		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = recvmsg(fd, &mh, 0);
		if (n < 0)
			continue;
		buf[n] = '\0';
		for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_CREDENTIALS) {
				struct ucred uc;

				memcpy(&uc, CMSG_DATA(c), sizeof(uc));
				printf("SENDER_PID=%d\n", (int)uc.pid);
			}
		for (line = strtok_r(buf, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			printf("%s\n", line);
			for (int i = 0; i < nwant; i++)
				if (matches(line, argv[3 + i]))
					seen[i] = true;
		}
		fflush(stdout);
		all = true;
		for (int i = 0; i < nwant; i++)
			all = all && seen[i];
		if (all) {
			rc = 0;
			break;
		}
	}
	close(fd);
	unlink(argv[1]);
	return rc;
}
