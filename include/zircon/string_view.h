/*
 * zx_string_view_t, the string zx_system_get_version_string() returns:
 * a NUL-terminated UTF-8 string and its length (NUL not counted). In C++
 * it converts to std::string_view (and, with char8_t, std::u8string_view)
 * or any type built from a pointer and a length.
 */
#ifndef ZIRCON_STRING_VIEW_H
#define ZIRCON_STRING_VIEW_H

#include <stddef.h>

#ifdef __cplusplus
#include <type_traits>
#endif

typedef struct zx_string_view {
	const char *c_str;
	size_t length;

#ifdef __cplusplus
	using value_type = char;

	constexpr const char *data() const { return c_str; }
	constexpr size_t size() const { return length; }

	template <typename T, typename = typename std::enable_if<
	    std::is_constructible<T, const char *, size_t>::value>::type>
	constexpr operator T() const { return T(c_str, length); }

#if defined(__cpp_char8_t)
	template <typename T, typename = typename std::enable_if<
	    !std::is_constructible<T, const char *, size_t>::value &&
	    std::is_constructible<T, const char8_t *, size_t>::value>::type,
	    typename = void>
	operator T() const
	{
		return T(reinterpret_cast<const char8_t *>(c_str), length);
	}
#endif
#endif
} zx_string_view_t;

#endif /* ZIRCON_STRING_VIEW_H */
