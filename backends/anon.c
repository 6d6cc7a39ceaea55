/* Anonymous memory backed by memfds. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/anon.h"

int
anon_memfd_new(const char *name, uint64_t size, int *ret_fd)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -errno;
	if (size > INT64_MAX) {
		close(fd);
		return -EFBIG;
	}
	if (size > 0 && ftruncate(fd, (off_t)size) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

int
anon_seal_mode(int fd)
{
	if (fchmod(fd, 0400) < 0)
		return -errno;
	return 0;
}

int
anon_reopen(int fd, bool writable, int *ret_fd)
{
	char path[64];
	int nfd;

	if (writable) {
		/* The same description: write access was granted at birth
		 * and the inode mode no longer allows a fresh one. */
		nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	} else {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		nfd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (nfd < 0)
		return -errno;
	*ret_fd = nfd;
	return 0;
}
