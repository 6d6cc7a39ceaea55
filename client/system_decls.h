/* Declarations main's headers do not have yet (issue 14 brings them;
 * this file goes once they land). */
#ifndef ZXD_CLIENT_SYSTEM_DECLS_H
#define ZXD_CLIENT_SYSTEM_DECLS_H

#include <stddef.h>
#include <stdint.h>

#include <zircon/types.h>

#ifndef ZX_CPRNG_DRAW_MAX_LEN
#define ZX_CPRNG_DRAW_MAX_LEN		256
#define ZX_CPRNG_ADD_ENTROPY_MAX_LEN	256
#endif

#ifndef ZIRCON_STRING_VIEW_H_
typedef struct {
	const char *c_str;
	size_t length;
} zx_string_view_t;
#endif

void zx_cprng_draw(void *buffer, size_t buffer_size);
zx_status_t zx_cprng_add_entropy(const void *buffer, size_t buffer_size);
uint32_t zx_system_get_num_cpus(void);
uint64_t zx_system_get_physmem(void);
zx_string_view_t zx_system_get_version_string(void);

#endif
