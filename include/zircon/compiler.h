/*
 * Compiler attribute macros, as Zircon's public headers and Fuchsia code
 * spell them. GCC and Clang only.
 */
#ifndef ZIRCON_COMPILER_H
#define ZIRCON_COMPILER_H

#ifndef __has_feature
#define __has_feature(x)	0
#endif
#ifndef __has_builtin
#define __has_builtin(x)	0
#endif
#ifndef __has_attribute
#define __has_attribute(x)	0
#endif
#ifndef __has_include
#define __has_include(x)	0
#endif
#ifndef __has_cpp_attribute
#define __has_cpp_attribute(x)	0
#endif

#ifndef __ASSEMBLER__

#define __UNUSED		__attribute__((__unused__))
#define __USED			__attribute__((__used__))
#define __PACKED		__attribute__((__packed__))
#define __ALIGNED(x)		__attribute__((__aligned__(x)))
#define __PRINTFLIKE(fmt, args)	__attribute__((__format__(__printf__, fmt, args)))
#define __SCANFLIKE(fmt, args)	__attribute__((__format__(__scanf__, fmt, args)))
#define __SECTION(name)		__attribute__((__section__(name)))
#define __PURE			__attribute__((__pure__))
#define __CONST			__attribute__((__const__))
#define __NO_RETURN		__attribute__((__noreturn__))
#define __MALLOC		__attribute__((__malloc__))
#define __WEAK			__attribute__((__weak__))
#define __ALIAS(x)		__attribute__((__alias__(x)))
#define __WEAK_ALIAS(x)		__attribute__((__weak__, __alias__(x)))
#define __ALWAYS_INLINE		__attribute__((__always_inline__))
#define __NO_INLINE		__attribute__((__noinline__))
#define __EXPORT		__attribute__((__visibility__("default")))
#define __LOCAL			__attribute__((__visibility__("hidden")))
#define __THREAD		__thread
#define __offsetof(type, field)	__builtin_offsetof(type, field)
#define __WARN_UNUSED_RESULT	__attribute__((__warn_unused_result__))
#define __NONNULL(x)		__attribute__((__nonnull__ x))
#define __UNREACHABLE		__builtin_unreachable()
#define __ISCONSTANT(x)		__builtin_constant_p(x)

#if defined(__clang__)
#define __LEAF_FN
#define __OPTIMIZE(x)
#define __EXTERNALLY_VISIBLE
#define __NO_SAFESTACK		__attribute__((__no_sanitize__("safe-stack", "shadow-call-stack")))
#else
#define __LEAF_FN		__attribute__((__leaf__))
#define __OPTIMIZE(x)		__attribute__((__optimize__(x)))
#define __EXTERNALLY_VISIBLE	__attribute__((__externally_visible__))
#define __NO_SAFESTACK
#endif

#ifndef __cplusplus
#define __FALLTHROUGH		__attribute__((__fallthrough__))
#elif __cplusplus >= 201703L
#define __FALLTHROUGH		[[fallthrough]]
#else
#define __FALLTHROUGH		__attribute__((__fallthrough__))
#endif

/* A function usable in constant expressions where the language allows. */
#ifdef __cplusplus
#define __CONSTEXPR		constexpr
#else
#define __CONSTEXPR
#endif

/* Clang's ownership and thread-safety annotations; nothing elsewhere. */
#if defined(__clang__) && !defined(__cplusplus)
#define __OWNER(x)
#define __POINTER(x)
#elif defined(__clang__) && __has_attribute(__owner__)
#define __OWNER(x)		[[gsl::Owner(x)]]
#define __POINTER(x)		[[gsl::Pointer(x)]]
#else
#define __OWNER(x)
#define __POINTER(x)
#endif

#if defined(__clang__)
#define __TA_ATTR(x)		__attribute__((x))
#else
#define __TA_ATTR(x)
#endif
#define __TA_CAPABILITY(x)		__TA_ATTR(capability(x))
#define __TA_GUARDED(x)			__TA_ATTR(guarded_by(x))
#define __TA_PT_GUARDED(x)		__TA_ATTR(pt_guarded_by(x))
#define __TA_ACQUIRED_BEFORE(...)	__TA_ATTR(acquired_before(__VA_ARGS__))
#define __TA_ACQUIRED_AFTER(...)	__TA_ATTR(acquired_after(__VA_ARGS__))
#define __TA_REQUIRES(...)		__TA_ATTR(requires_capability(__VA_ARGS__))
#define __TA_REQUIRES_SHARED(...)	__TA_ATTR(requires_shared_capability(__VA_ARGS__))
#define __TA_ACQUIRE(...)		__TA_ATTR(acquire_capability(__VA_ARGS__))
#define __TA_ACQUIRE_SHARED(...)	__TA_ATTR(acquire_shared_capability(__VA_ARGS__))
#define __TA_TRY_ACQUIRE(...)		__TA_ATTR(try_acquire_capability(__VA_ARGS__))
#define __TA_TRY_ACQUIRE_SHARED(...)	__TA_ATTR(try_acquire_shared_capability(__VA_ARGS__))
#define __TA_RELEASE(...)		__TA_ATTR(release_capability(__VA_ARGS__))
#define __TA_RELEASE_SHARED(...)	__TA_ATTR(release_shared_capability(__VA_ARGS__))
#define __TA_EXCLUDES(...)		__TA_ATTR(locks_excluded(__VA_ARGS__))
#define __TA_ASSERT(...)		__TA_ATTR(assert_capability(__VA_ARGS__))
#define __TA_ASSERT_SHARED(...)		__TA_ATTR(assert_shared_capability(__VA_ARGS__))
#define __TA_RETURN_CAPABILITY(x)	__TA_ATTR(lock_returned(x))
#define __TA_SCOPED_CAPABILITY		__TA_ATTR(scoped_lockable)
#define __TA_NO_THREAD_SAFETY_ANALYSIS	__TA_ATTR(no_thread_safety_analysis)

#if !defined(__DEPRECATE)
#define __DEPRECATE		__attribute__((__deprecated__))
#endif

/* Only for wrapping C declarations in C++. */
#ifdef __cplusplus
#ifndef __BEGIN_CDECLS
#define __BEGIN_CDECLS		extern "C" {
#define __END_CDECLS		}
#endif
#else
#ifndef __BEGIN_CDECLS
#define __BEGIN_CDECLS
#define __END_CDECLS
#endif
#endif

/* Branch hints, and checked arithmetic (returns true on overflow). */
#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif
#define add_overflow(a, b, c)	__builtin_add_overflow(a, b, c)
#define sub_overflow(a, b, c)	__builtin_sub_overflow(a, b, c)
#define mul_overflow(a, b, c)	__builtin_mul_overflow(a, b, c)

/*
 * Around the few Zircon structs that use anonymous structs or flexible
 * arrays, which C11 has and ISO C++ lacks: GCC accepts them quietly under
 * __extension__, Clang needs its warnings silenced.
 */
#if defined(__clang__) && defined(__cplusplus)
#define __ZX_EXTENSIONS_BEGIN \
	_Pragma("clang diagnostic push") \
	_Pragma("clang diagnostic ignored \"-Wgnu-anonymous-struct\"") \
	_Pragma("clang diagnostic ignored \"-Wnested-anon-types\"") \
	_Pragma("clang diagnostic ignored \"-Wc99-extensions\"") \
	_Pragma("clang diagnostic ignored \"-Wflexible-array-extensions\"")
#define __ZX_EXTENSIONS_END	_Pragma("clang diagnostic pop")
#else
#define __ZX_EXTENSIONS_BEGIN
#define __ZX_EXTENSIONS_END
#endif

#ifndef countof
#define countof(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#endif /* !__ASSEMBLER__ */

#endif /* ZIRCON_COMPILER_H */
