/*
 * Assertions in Zircon's spelling. A failed ZX_ASSERT prints the file,
 * line and condition to stderr and aborts; the ZX_DEBUG_ variants compile
 * to nothing under NDEBUG (ZX_DEBUG_ASSERT_IMPLEMENTED says which).
 */
#ifndef ZIRCON_ASSERT_H
#define ZIRCON_ASSERT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <zircon/compiler.h>

#ifdef __cplusplus
extern "C" {
#endif

__NO_RETURN __PRINTFLIKE(1, 2) static inline void
__zx_panic(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fflush(stderr);
	abort();
}

#ifdef __cplusplus
}
#endif

/* The first line of a failed assertion's report. */
static inline void
__zx_assert_report(const char *kind, const char *file, int line,
    const char *expr)
{
	fprintf(stderr, "%s FAILED at (%s:%d): %s\n", kind, file, line, expr);
}

#define ZX_PANIC(...)	__zx_panic(__VA_ARGS__)

#define ZX_ASSERT(x) \
	do { \
		if (unlikely(!(x))) { \
			__zx_assert_report("ASSERT", __FILE__, __LINE__, #x); \
			abort(); \
		} \
	} while (0)

/* ZX_ASSERT_MSG(x, format, args...): the message follows the report. */
#define ZX_ASSERT_MSG(x, ...) \
	do { \
		if (unlikely(!(x))) { \
			__zx_assert_report("ASSERT", __FILE__, __LINE__, #x); \
			__zx_panic(__VA_ARGS__); \
		} \
	} while (0)

#ifdef NDEBUG
#define ZX_DEBUG_ASSERT_IMPLEMENTED	0
#else
#define ZX_DEBUG_ASSERT_IMPLEMENTED	1
#endif

#define ZX_DEBUG_ASSERT(x) \
	do { \
		if (ZX_DEBUG_ASSERT_IMPLEMENTED && unlikely(!(x))) { \
			__zx_assert_report("DEBUG ASSERT", __FILE__, \
			    __LINE__, #x); \
			abort(); \
		} \
	} while (0)

#define ZX_DEBUG_ASSERT_MSG(x, ...) \
	do { \
		if (ZX_DEBUG_ASSERT_IMPLEMENTED && unlikely(!(x))) { \
			__zx_assert_report("DEBUG ASSERT", __FILE__, \
			    __LINE__, #x); \
			__zx_panic(__VA_ARGS__); \
		} \
	} while (0)

/* Evaluates x even without debug assertions. */
#define ZX_DEBUG_ASSERT_COND(x)	(ZX_DEBUG_ASSERT_IMPLEMENTED && (x))

#endif /* ZIRCON_ASSERT_H */
