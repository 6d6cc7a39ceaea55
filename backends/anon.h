/* Anonymous memory: memfds the daemon owns and hands out with exactly
 * the access a handle allows. Negative errno returns. */
#ifndef ZXD_BACKENDS_ANON_H
#define ZXD_BACKENDS_ANON_H

#include <stdbool.h>
#include <stdint.h>

/* A new CLOEXEC memfd of `size` bytes (sparse), mode 0600. */
int anon_memfd_new(const char *name, uint64_t size, int *ret_fd);

/* A new open file description of memfd `fd`: read-write, or read-only.
 * A read-only one is reopened through /proc/self/fd after the inode was
 * made 0400, so its holder cannot get write access back by any route. */
int anon_reopen(int fd, bool writable, int *ret_fd);

/* Make the inode read-only (0400): from now on only fds already open
 * for writing can write. Call once, right after creation. */
int anon_seal_mode(int fd);

#endif
