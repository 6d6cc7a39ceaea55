/* The calls Zircon's vDSO answers without the kernel: the CPRNG, the
 * number of CPUs, the amount of RAM and the version string. None of them
 * needs the daemon. */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "client/libzx.h"

/* Zircon draws in chunks of ZX_CPRNG_DRAW_MAX_LEN and traps on any
 * failure: a caller must never go on with bytes that are not random. */
EXPORT void
zx_cprng_draw(void *buffer, size_t buffer_size)
{
	uint8_t *p = buffer;

	while (buffer_size > 0) {
		size_t chunk = buffer_size < ZX_CPRNG_DRAW_MAX_LEN ?
		    buffer_size : ZX_CPRNG_DRAW_MAX_LEN;
		ssize_t n = getrandom(p, chunk, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			abort();
		p += n;
		buffer_size -= (size_t)n;
	}
}

/* Linux credits entropy only from root (RNDADDENTROPY); any process may
 * mix bytes into the pool by writing /dev/urandom, which is what this
 * does. Zircon's answer does not depend on whether it helped. */
EXPORT zx_status_t
zx_cprng_add_entropy(const void *buffer, size_t buffer_size)
{
	int fd;

	if (buffer_size > ZX_CPRNG_ADD_ENTROPY_MAX_LEN)
		return ZX_ERR_INVALID_ARGS;
	if (buffer_size > 0 && buffer == NULL)
		return ZX_ERR_INVALID_ARGS;
	if (buffer_size == 0)
		return ZX_OK;
	fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, buffer, buffer_size);
		close(fd);
	}
	return ZX_OK;
}

/* Zircon's max_num_cpus: every CPU the system has, online or not. */
EXPORT uint32_t
zx_system_get_num_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (uint32_t)n : 1;
}

EXPORT uint64_t
zx_system_get_physmem(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || size <= 0)
		return 0;
	return (uint64_t)pages * (uint64_t)size;
}

static char version[128];
static pthread_once_t version_once = PTHREAD_ONCE_INIT;

static void
version_init(void)
{
	struct utsname u;
	char *p;

	if (uname(&u) < 0)
		strcpy(u.release, "unknown");
	snprintf(version, sizeof(version), "zxd-%s-linux-%s", PACKAGE_VERSION,
	    u.release);
	/* Printable, no spaces: Zircon's string is one word. */
	for (p = version; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~')
			*p = '_';
}

EXPORT zx_string_view_t
zx_system_get_version_string(void)
{
	zx_string_view_t v;

	pthread_once(&version_once, version_init);
	v.c_str = version;
	v.length = strlen(version);
	return v;
}
