/*
 * API-level annotations. zxd tracks Zircon's newest API (HEAD), so every
 * annotation expands to nothing and every level test says "at least".
 */
#ifndef ZIRCON_AVAILABILITY_H
#define ZIRCON_AVAILABILITY_H

#define ZX_AVAILABLE_SINCE(level)
#define ZX_DEPRECATED_SINCE(level, ...)
#define ZX_REMOVED_SINCE(level, ...)
#define ZX_DEPRECATE_SINCE(level, ...)

/* The level code is built for: always the newest here. */
#ifndef __Fuchsia_API_level__
#define __Fuchsia_API_level__	4293918720
#endif

#define FUCHSIA_API_LEVEL_AT_LEAST(level)	1
#define FUCHSIA_API_LEVEL_LESS_THAN(level)	0
/* True only for the symbolic top levels. */
#define FUCHSIA_API_LEVEL_AT_MOST(level)	ZX_API_AT_MOST_##level
#define ZX_API_AT_MOST_HEAD			1
#define ZX_API_AT_MOST_NEXT			1
#define ZX_API_AT_MOST_PLATFORM			1

#endif /* ZIRCON_AVAILABILITY_H */
