/* Anonymous memory backed by memfds. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/anon.h"

#define COPY_CHUNK	(1u << 20)

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
anon_seal_size(int fd, bool fixed)
{
	int seals = F_SEAL_SEAL;

	if (fixed)
		seals |= F_SEAL_GROW | F_SEAL_SHRINK;
	if (fcntl(fd, F_ADD_SEALS, seals) < 0)
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

int
anon_open(int fd, int oflags, int *ret_fd)
{
	char path[64];
	bool write = (oflags & O_ACCMODE) != O_RDONLY;
	int nfd, r = 0;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* The inode is 0400 so that nobody can reopen it for writing; the
	 * daemon lifts that for the one open it does itself. It is single
	 * threaded and other users cannot reach its /proc/self/fd. */
	if (write && fchmod(fd, 0600) < 0)
		return -errno;
	nfd = open(path, (oflags & O_ACCMODE) | O_CLOEXEC);
	if (nfd < 0)
		r = -errno;
	if (write && fchmod(fd, 0400) < 0 && r == 0) {
		r = -errno;
		close(nfd);
	}
	if (r < 0)
		return r;
	*ret_fd = nfd;
	return 0;
}

int
anon_resize(int fd, uint64_t size)
{
	if (size > INT64_MAX)
		return -EFBIG;
	if (ftruncate(fd, (off_t)size) < 0)
		return -errno;
	return 0;
}

int
anon_commit(int fd, uint64_t off, uint64_t len)
{
	if (len == 0)
		return 0;
	if (off > INT64_MAX || len > INT64_MAX - off)
		return -EFBIG;
	if (fallocate(fd, 0, (off_t)off, (off_t)len) < 0)
		return -errno;
	return 0;
}

int
anon_punch(int fd, uint64_t off, uint64_t len)
{
	if (len == 0)
		return 0;
	if (off > INT64_MAX || len > INT64_MAX - off)
		return -EFBIG;
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)off, (off_t)len) < 0)
		return -errno;
	return 0;
}

int
anon_zero(int fd, uint64_t off, uint64_t len)
{
	static const char zeros[4096];

	if (off > INT64_MAX || len > INT64_MAX - off)
		return -EFBIG;
	while (len > 0) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
		ssize_t w = pwrite(fd, zeros, n, (off_t)off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -EIO;
		off += (uint64_t)w;
		len -= (uint64_t)w;
	}
	return 0;
}

int
anon_committed(int fd, uint64_t *ret_bytes)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	*ret_bytes = (uint64_t)st.st_blocks * 512;
	return 0;
}

/* Copy one run of data, [off, off + len) of src to dst at off + delta. */
static int
copy_run(int src, int dst, uint64_t off, uint64_t len, int64_t delta,
    char *buf)
{
	while (len > 0) {
		size_t n = len < COPY_CHUNK ? (size_t)len : COPY_CHUNK;
		ssize_t r = pread(src, buf, n, (off_t)off);
		ssize_t w;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return 0;	/* src shrank: the rest is zero */
		w = pwrite(dst, buf, (size_t)r, (off_t)((int64_t)off + delta));
		if (w < 0)
			return -errno;
		if (w != r)
			return -EIO;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	return 0;
}

int
anon_copy(int src, uint64_t src_off, int dst, uint64_t dst_off, uint64_t len)
{
	struct stat st;
	uint64_t end, pos;
	int64_t delta;
	char *buf;
	int r = 0;

	if (fstat(src, &st) < 0)
		return -errno;
	if (src_off >= (uint64_t)st.st_size || len == 0)
		return 0;
	end = (uint64_t)st.st_size - src_off < len ?
	    (uint64_t)st.st_size : src_off + len;
	if (dst_off > INT64_MAX || end - src_off > INT64_MAX - dst_off)
		return -EFBIG;
	delta = (int64_t)dst_off - (int64_t)src_off;
	buf = malloc(COPY_CHUNK);
	if (buf == NULL)
		return -ENOMEM;
	/* Walk the data runs only: a sparse VMO stays sparse. */
	for (pos = src_off; pos < end && r == 0;) {
		off_t data = lseek(src, (off_t)pos, SEEK_DATA);
		off_t hole;

		if (data < 0) {
			if (errno != ENXIO)
				r = -errno;
			break;
		}
		if ((uint64_t)data >= end)
			break;
		hole = lseek(src, data, SEEK_HOLE);
		if (hole < 0) {
			r = -errno;
			break;
		}
		if ((uint64_t)hole > end)
			hole = (off_t)end;
		r = copy_run(src, dst, (uint64_t)data,
		    (uint64_t)(hole - data), delta, buf);
		pos = (uint64_t)hole;
	}
	free(buf);
	return r;
}
