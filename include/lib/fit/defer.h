// fit::defer: run a callable when the returned object goes out of scope,
// unless cancel()ed first; call() runs it early, once. A minimal
// compatible subset of Fuchsia's lib/fit/defer.h (no deferred_callback,
// which needs fit::function).
#ifndef LIB_FIT_DEFER_H_
#define LIB_FIT_DEFER_H_

#include <optional>
#include <utility>

namespace fit {

template <typename T>
class [[nodiscard]] deferred_action final {
 public:
  deferred_action() = default;
  explicit deferred_action(T target) : target_(std::move(target)) {}
  deferred_action(decltype(nullptr)) {}

  deferred_action(deferred_action&& other) noexcept : target_(std::move(other.target_)) {
    other.target_.reset();
  }
  deferred_action& operator=(deferred_action&& other) noexcept {
    if (&other != this) {
      call();
      if (other.target_)
        target_.emplace(std::move(*other.target_));
      other.target_.reset();
    }
    return *this;
  }
  deferred_action(const deferred_action&) = delete;
  deferred_action& operator=(const deferred_action&) = delete;

  ~deferred_action() { call(); }

  // Whether the action is still to run.
  explicit operator bool() const { return target_.has_value(); }

  void call() {
    if (target_) {
      std::optional<T> t(std::move(target_));
      target_.reset();
      (*t)();
    }
  }

  void cancel() { target_.reset(); }

 private:
  std::optional<T> target_;
};

template <typename T>
inline deferred_action<T> defer(T target) {
  return deferred_action<T>(std::move(target));
}

}  // namespace fit

#endif  // LIB_FIT_DEFER_H_
