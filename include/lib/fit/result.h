// A minimal fit::result, enough for zx::result and for code written
// against Fuchsia's lib/fit: fit::result<E, T> (a value or an error) and
// fit::result<E> (success or an error), built from fit::ok(...),
// fit::error(...) and fit::as_error(...); fit::success, fit::failed.
// Accessing the value of an error (or the error of a value) aborts.
//
// Not provided (Fuchsia has them): the monadic members (map, and_then,
// or_else, ...), operator<< and std::formatter support, and
// fit::result<E, T&>.
#ifndef LIB_FIT_RESULT_H_
#define LIB_FIT_RESULT_H_

#include <stdio.h>
#include <stdlib.h>

#include <new>
#include <type_traits>
#include <utility>

namespace fit {

namespace internal {
[[noreturn]] inline void result_abort(const char* what) {
  fprintf(stderr, "fit::result: %s\n", what);
  abort();
}
}  // namespace internal

// The error half of a result.
template <typename E>
class error {
 public:
  using error_type = E;

  template <typename... Args,
            typename = std::enable_if_t<std::is_constructible<E, Args&&...>::value>>
  explicit constexpr error(Args&&... args) : value_(std::forward<Args>(args)...) {}

  constexpr E& error_value() & { return value_; }
  constexpr const E& error_value() const& { return value_; }
  constexpr E&& error_value() && { return std::move(value_); }
  constexpr const E&& error_value() const&& { return std::move(value_); }

 private:
  E value_;
};

template <typename E>
error(E) -> error<E>;

template <typename E>
constexpr error<std::decay_t<E>> as_error(E&& value) {
  return error<std::decay_t<E>>(std::forward<E>(value));
}

// The success half of a result: a value, or none.
template <typename... Ts>
class success;

template <typename T>
class success<T> {
 public:
  using value_type = T;

  template <typename... Args,
            typename = std::enable_if_t<std::is_constructible<T, Args&&...>::value>>
  explicit constexpr success(Args&&... args) : value_(std::forward<Args>(args)...) {}

  constexpr T& value() & { return value_; }
  constexpr const T& value() const& { return value_; }
  constexpr T&& value() && { return std::move(value_); }

 private:
  T value_;
};

template <>
class success<> {
 public:
  constexpr success() = default;
};

template <typename T>
success(T) -> success<T>;
success() -> success<>;

template <typename T>
constexpr success<std::decay_t<T>> ok(T&& value) {
  return success<std::decay_t<T>>(std::forward<T>(value));
}
constexpr success<> ok() { return success<>{}; }

// An error type for results that need no detail: fit::result<fit::failed, T>.
struct failed {};

template <typename E, typename... Ts>
class result;

// Either a T or an E.
template <typename E, typename T>
class [[nodiscard]] result<E, T> {
 public:
  using error_type = E;
  using value_type = T;

  template <typename F, typename = std::enable_if_t<std::is_constructible<E, F>::value>>
  constexpr result(error<F> e) : ok_(false) {
    new (&storage_.error) E(std::move(e.error_value()));
  }
  template <typename U, typename = std::enable_if_t<std::is_constructible<T, U>::value>>
  constexpr result(success<U> s) : ok_(true) {
    new (&storage_.value) T(std::move(s.value()));
  }
  template <typename F, typename U,
            typename = std::enable_if_t<std::is_constructible<E, F>::value &&
                                        std::is_constructible<T, U>::value>>
  constexpr result(result<F, U> other) : ok_(other.is_ok()) {
    if (ok_)
      new (&storage_.value) T(std::move(other.value()));
    else
      new (&storage_.error) E(std::move(other.error_value()));
  }

  result(const result& other) : ok_(other.ok_) {
    if (ok_)
      new (&storage_.value) T(other.storage_.value);
    else
      new (&storage_.error) E(other.storage_.error);
  }
  result(result&& other) noexcept : ok_(other.ok_) {
    if (ok_)
      new (&storage_.value) T(std::move(other.storage_.value));
    else
      new (&storage_.error) E(std::move(other.storage_.error));
  }
  result& operator=(const result& other) {
    if (this != &other) {
      destroy();
      new (this) result(other);
    }
    return *this;
  }
  result& operator=(result&& other) noexcept {
    if (this != &other) {
      destroy();
      new (this) result(std::move(other));
    }
    return *this;
  }
  ~result() { destroy(); }

  constexpr bool is_ok() const { return ok_; }
  constexpr bool is_error() const { return !ok_; }

  E& error_value() & { return check_error(), storage_.error; }
  const E& error_value() const& { return check_error(), storage_.error; }
  E&& error_value() && { return check_error(), std::move(storage_.error); }
  error<E> take_error() { return check_error(), error<E>(std::move(storage_.error)); }

  T& value() & { return check_value(), storage_.value; }
  const T& value() const& { return check_value(), storage_.value; }
  T&& value() && { return check_value(), std::move(storage_.value); }
  T take_value() { return check_value(), std::move(storage_.value); }

  template <typename U>
  T value_or(U&& default_value) const& {
    return ok_ ? storage_.value : static_cast<T>(std::forward<U>(default_value));
  }
  template <typename U>
  T value_or(U&& default_value) && {
    return ok_ ? std::move(storage_.value) : static_cast<T>(std::forward<U>(default_value));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void check_value() const {
    if (!ok_)
      internal::result_abort("value of an error");
  }
  void check_error() const {
    if (ok_)
      internal::result_abort("error of a value");
  }
  void destroy() {
    if (ok_)
      storage_.value.~T();
    else
      storage_.error.~E();
  }

  union storage {
    storage() {}
    ~storage() {}
    E error;
    T value;
  } storage_;
  bool ok_;
};

// Success or an E.
template <typename E>
class [[nodiscard]] result<E> {
 public:
  using error_type = E;

  template <typename F, typename = std::enable_if_t<std::is_constructible<E, F>::value>>
  constexpr result(error<F> e) : ok_(false), error_(std::move(e.error_value())) {}
  constexpr result(success<>) : ok_(true), error_() {}
  template <typename F, typename = std::enable_if_t<std::is_constructible<E, F>::value>>
  constexpr result(result<F> other)
      : ok_(other.is_ok()), error_(other.is_ok() ? E() : E(other.error_value())) {}

  constexpr bool is_ok() const { return ok_; }
  constexpr bool is_error() const { return !ok_; }

  E& error_value() & { return check_error(), error_; }
  const E& error_value() const& { return check_error(), error_; }
  E&& error_value() && { return check_error(), std::move(error_); }
  error<E> take_error() { return check_error(), error<E>(std::move(error_)); }

  void value() const {
    if (!ok_)
      internal::result_abort("value of an error");
  }

 private:
  void check_error() const {
    if (ok_)
      internal::result_abort("error of a value");
  }

  bool ok_;
  E error_;
};

template <typename E, typename... Ts, typename F, typename... Us>
constexpr bool operator==(const result<E, Ts...>& a, const result<F, Us...>& b) {
  if (a.is_ok() != b.is_ok())
    return false;
  if (a.is_error())
    return a.error_value() == b.error_value();
  if constexpr (sizeof...(Ts) == 0)
    return true;
  else
    return a.value() == b.value();
}
template <typename E, typename... Ts, typename F, typename... Us>
constexpr bool operator!=(const result<E, Ts...>& a, const result<F, Us...>& b) {
  return !(a == b);
}

}  // namespace fit

#endif  // LIB_FIT_RESULT_H_
