/*
 * Time types and overflow-safe time arithmetic.
 *
 * Every time value is a signed 64-bit count of nanoseconds (or of ticks,
 * for the *_ticks types). The monomorphic names say which timeline a value
 * belongs to (monotonic: stops while suspended; boot: does not); the old
 * polymorphic names zx_time_t, zx_duration_t and zx_ticks_t are the same
 * type. The helpers saturate: overflow gives ZX_TIME_INFINITE, underflow
 * ZX_TIME_INFINITE_PAST.
 */
#ifndef ZIRCON_TIME_H
#define ZIRCON_TIME_H

#include <stdint.h>

#include <zircon/compiler.h>

#if __has_include(<time.h>)
#include <time.h>
#define ZX_TIME_HAVE_TIMESPEC_ 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t zx_instant_mono_t;
typedef int64_t zx_instant_mono_ticks_t;
typedef int64_t zx_duration_mono_t;
typedef int64_t zx_duration_mono_ticks_t;
typedef int64_t zx_instant_boot_t;
typedef int64_t zx_instant_boot_ticks_t;
typedef int64_t zx_duration_boot_t;
typedef int64_t zx_duration_boot_ticks_t;

typedef int64_t zx_time_t;
typedef int64_t zx_duration_t;
typedef int64_t zx_ticks_t;

#define ZX_TIME_INFINITE	INT64_MAX
#define ZX_TIME_INFINITE_PAST	INT64_MIN

/*
 * For + and -: when the exact result does not fit, the wrapped result has
 * the opposite sign of the true one, so a wrapped non-negative value means
 * the true result was below INT64_MIN.
 */
#define ZX_TIME_SATURATE_(r)	((r) >= 0 ? ZX_TIME_INFINITE_PAST : ZX_TIME_INFINITE)

__CONSTEXPR static inline zx_time_t
zx_time_add_duration(zx_time_t time, zx_duration_t duration)
{
	zx_time_t r = 0;

	if (add_overflow(time, duration, &r))
		return ZX_TIME_SATURATE_(r);
	return r;
}

__CONSTEXPR static inline zx_time_t
zx_time_sub_duration(zx_time_t time, zx_duration_t duration)
{
	zx_time_t r = 0;

	if (sub_overflow(time, duration, &r))
		return ZX_TIME_SATURATE_(r);
	return r;
}

__CONSTEXPR static inline zx_duration_t
zx_time_sub_time(zx_time_t time1, zx_time_t time2)
{
	zx_duration_t r = 0;

	if (sub_overflow(time1, time2, &r))
		return ZX_TIME_SATURATE_(r);
	return r;
}

__CONSTEXPR static inline zx_duration_t
zx_duration_add_duration(zx_duration_t dur1, zx_duration_t dur2)
{
	zx_duration_t r = 0;

	if (add_overflow(dur1, dur2, &r))
		return ZX_TIME_SATURATE_(r);
	return r;
}

__CONSTEXPR static inline zx_duration_t
zx_duration_sub_duration(zx_duration_t dur1, zx_duration_t dur2)
{
	zx_duration_t r = 0;

	if (sub_overflow(dur1, dur2, &r))
		return ZX_TIME_SATURATE_(r);
	return r;
}

__CONSTEXPR static inline zx_duration_t
zx_duration_mul_int64(zx_duration_t duration, int64_t multiplier)
{
	zx_duration_t r = 0;

	if (mul_overflow(duration, multiplier, &r))
		return (duration > 0) == (multiplier > 0) ?
		    ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
	return r;
}

__CONSTEXPR static inline int64_t
zx_nsec_from_duration(zx_duration_t n)
{
	return n;
}

__CONSTEXPR static inline zx_duration_t
zx_duration_from_nsec(int64_t n)
{
	return zx_duration_mul_int64(1, n);
}

__CONSTEXPR static inline zx_duration_t
zx_duration_from_usec(int64_t n)
{
	return zx_duration_mul_int64(1000, n);
}

__CONSTEXPR static inline zx_duration_t
zx_duration_from_msec(int64_t n)
{
	return zx_duration_mul_int64(1000000, n);
}

__CONSTEXPR static inline zx_duration_t
zx_duration_from_sec(int64_t n)
{
	return zx_duration_mul_int64(1000000000, n);
}

__CONSTEXPR static inline zx_duration_t
zx_duration_from_min(int64_t n)
{
	return zx_duration_mul_int64(60000000000LL, n);
}

__CONSTEXPR static inline zx_duration_t
zx_duration_from_hour(int64_t n)
{
	return zx_duration_mul_int64(3600000000000LL, n);
}

__CONSTEXPR static inline zx_ticks_t
zx_ticks_add_ticks(zx_ticks_t ticks1, zx_ticks_t ticks2)
{
	zx_ticks_t r = 0;

	if (add_overflow(ticks1, ticks2, &r))
		return ZX_TIME_SATURATE_(r);
	return r;
}

__CONSTEXPR static inline zx_ticks_t
zx_ticks_sub_ticks(zx_ticks_t ticks1, zx_ticks_t ticks2)
{
	zx_ticks_t r = 0;

	if (sub_overflow(ticks1, ticks2, &r))
		return ZX_TIME_SATURATE_(r);
	return r;
}

__CONSTEXPR static inline zx_ticks_t
zx_ticks_mul_int64(zx_ticks_t ticks, int64_t multiplier)
{
	zx_ticks_t r = 0;

	if (mul_overflow(ticks, multiplier, &r))
		return (ticks > 0) == (multiplier > 0) ?
		    ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
	return r;
}

#ifdef ZX_TIME_HAVE_TIMESPEC_

__CONSTEXPR static inline zx_duration_t
zx_duration_from_timespec(struct timespec ts)
{
	return zx_duration_add_duration(zx_duration_from_sec(ts.tv_sec),
	    zx_duration_from_nsec(ts.tv_nsec));
}

__CONSTEXPR static inline struct timespec
zx_timespec_from_duration(zx_duration_t duration)
{
	struct timespec ts = {
		(time_t)(duration / 1000000000),
		(long)(duration % 1000000000),
	};

	return ts;
}

__CONSTEXPR static inline zx_time_t
zx_time_from_timespec(struct timespec ts)
{
	return zx_duration_from_timespec(ts);
}

__CONSTEXPR static inline struct timespec
zx_timespec_from_time(zx_time_t time)
{
	return zx_timespec_from_duration(time);
}

#endif

/*
 * Unit macros: plain multiplication for constants (so they stay integer
 * constant expressions), the saturating helpers otherwise.
 */
#define ZX_NSEC(n)	(__ISCONSTANT(n) ? ((zx_duration_t)(1LL * (n))) : \
	zx_duration_from_nsec(n))
#define ZX_USEC(n)	(__ISCONSTANT(n) ? ((zx_duration_t)(1000LL * (n))) : \
	zx_duration_from_usec(n))
#define ZX_MSEC(n)	(__ISCONSTANT(n) ? ((zx_duration_t)(1000000LL * (n))) : \
	zx_duration_from_msec(n))
#define ZX_SEC(n)	(__ISCONSTANT(n) ? \
	((zx_duration_t)(1000000000LL * (n))) : zx_duration_from_sec(n))
#define ZX_MIN(n)	(__ISCONSTANT(n) ? \
	((zx_duration_t)(60LL * 1000000000LL * (n))) : zx_duration_from_min(n))
#define ZX_HOUR(n)	(__ISCONSTANT(n) ? \
	((zx_duration_t)(3600LL * 1000000000LL * (n))) : \
	zx_duration_from_hour(n))

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_TIME_H */
