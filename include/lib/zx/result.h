// zx::result<T> and zx::result<>: a fit::result whose error is a
// zx_status_t. Build them with zx::ok(...) and zx::error(status) (or
// zx::make_result(status[, value])); an error made of ZX_OK aborts.
#ifndef LIB_ZX_RESULT_H_
#define LIB_ZX_RESULT_H_

#include <lib/fit/result.h>
#include <zircon/errors.h>
#include <zircon/status.h>
#include <zircon/types.h>

#include <type_traits>
#include <utility>

namespace zx {

using fit::as_error;
using fit::error;
using fit::failed;
using fit::ok;
using fit::success;

using error_result = fit::error<zx_status_t>;

namespace internal {
inline zx_status_t check_not_ok(zx_status_t status) {
  if (status == ZX_OK)
    fit::internal::result_abort("zx::error(ZX_OK)");
  return status;
}
}  // namespace internal

template <typename... Ts>
class result;

template <typename T>
class [[nodiscard]] result<T> : public fit::result<zx_status_t, T> {
  using base = fit::result<zx_status_t, T>;

 public:
  using base::base;

  template <typename F, typename = std::enable_if_t<std::is_constructible<zx_status_t, F>::value>>
  constexpr result(fit::error<F> e)
      : base(fit::error<zx_status_t>(internal::check_not_ok(e.error_value()))) {}
  constexpr result(base b) : base(std::move(b)) {}

  zx_status_t status_value() const { return this->is_ok() ? ZX_OK : this->error_value(); }
  const char* status_string() const { return zx_status_get_string(status_value()); }
};

template <>
class [[nodiscard]] result<> : public fit::result<zx_status_t> {
  using base = fit::result<zx_status_t>;

 public:
  using base::base;

  template <typename F, typename = std::enable_if_t<std::is_constructible<zx_status_t, F>::value>>
  constexpr result(fit::error<F> e)
      : base(fit::error<zx_status_t>(internal::check_not_ok(e.error_value()))) {}
  constexpr result(base b) : base(std::move(b)) {}

  zx_status_t status_value() const { return is_ok() ? ZX_OK : error_value(); }
  const char* status_string() const { return zx_status_get_string(status_value()); }
};

template <typename T>
result(fit::success<T>) -> result<T>;
result(fit::success<>) -> result<>;

// A legacy status as a result: ok for ZX_OK, else that error.
inline result<> make_result(zx_status_t status) {
  if (status == ZX_OK)
    return ok();
  return error(status);
}

template <typename T>
result<std::decay_t<T>> make_result(zx_status_t status, T&& value) {
  if (status == ZX_OK)
    return ok(std::forward<T>(value));
  return error(status);
}

}  // namespace zx

#endif  // LIB_ZX_RESULT_H_
