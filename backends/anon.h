/* Anonymous memory: memfds the daemon owns and hands out with exactly
 * the access a handle allows. Negative errno returns. */
#ifndef ZXD_BACKENDS_ANON_H
#define ZXD_BACKENDS_ANON_H

#include <stdbool.h>
#include <stdint.h>

/* The largest size a memfd can have on Linux (LLONG_MAX), rounded down
 * to a page. */
#define ANON_MAX_SIZE	UINT64_C(0x7ffffffffffff000)

/* A new CLOEXEC memfd of `size` bytes (sparse), mode 0600. */
int anon_memfd_new(const char *name, uint64_t size, int *ret_fd);

/* A new open file description of memfd `fd`: read-write, or read-only.
 * A read-only one is reopened through /proc/self/fd after the inode was
 * made 0400, so its holder cannot get write access back by any route. */
int anon_reopen(int fd, bool writable, int *ret_fd);

/* Like anon_reopen, but always a fresh open file description, opened
 * O_RDONLY, O_WRONLY or O_RDWR (`oflags`): no holder shares file flags
 * (O_APPEND, ...) with another. */
int anon_open(int fd, int oflags, int *ret_fd);

/* Make the inode read-only (0400): from now on only fds already open
 * for writing can write. Call once, right after creation. */
int anon_seal_mode(int fd);

/* Seal the memfd against size changes (`fixed`) through any fd, and in
 * any case against further seals, so that no holder can freeze it. */
int anon_seal_size(int fd, bool fixed);

int anon_resize(int fd, uint64_t size);
/* Allocate the pages of [off, off + len). */
int anon_commit(int fd, uint64_t off, uint64_t len);
/* Free the pages of [off, off + len): they read as zero again. Partial
 * pages at either end are zeroed in place. */
int anon_punch(int fd, uint64_t off, uint64_t len);
/* Write zeros over [off, off + len), keeping the pages. */
int anon_zero(int fd, uint64_t off, uint64_t len);
/* Bytes of memory the memfd holds. */
int anon_committed(int fd, uint64_t *ret_bytes);
/* Copy [src_off, src_off + len) of `src` to `dst` at dst_off, skipping
 * holes (they stay holes). Bytes past the end of src read as zero. */
int anon_copy(int src, uint64_t src_off, int dst, uint64_t dst_off,
    uint64_t len);

#endif
