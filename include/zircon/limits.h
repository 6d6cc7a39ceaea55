/*
 * Page-size limits. ZX_PAGE_SIZE is the size every zxd build uses (4 KiB);
 * zx_system_get_page_size() returns the same value at run time.
 */
#ifndef ZIRCON_LIMITS_H
#define ZIRCON_LIMITS_H

#include <stdint.h>

#define ZX_MIN_PAGE_SHIFT	12u
#if defined(__aarch64__)
#define ZX_MAX_PAGE_SHIFT	16u
#else
#define ZX_MAX_PAGE_SHIFT	21u
#endif

#define ZX_MIN_PAGE_SIZE	(1ul << ZX_MIN_PAGE_SHIFT)
#define ZX_MAX_PAGE_SIZE	(1ul << ZX_MAX_PAGE_SHIFT)

/* The page size Zircon's compile-time constants assume. */
#define ZX_PAGE_SHIFT		((uint32_t)12u)
#define ZX_PAGE_SIZE		((uintptr_t)(1u << ZX_PAGE_SHIFT))
#define ZX_PAGE_MASK		(ZX_PAGE_SIZE - 1u)

#endif /* ZIRCON_LIMITS_H */
