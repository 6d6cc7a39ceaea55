// zx::object_base, zx::object<T> and zx::unowned<T>: the owning and the
// borrowed handle wrappers every lib/zx class builds on. An owning
// wrapper closes its handle when destroyed; it moves but does not copy.
#ifndef LIB_ZX_OBJECT_H_
#define LIB_ZX_OBJECT_H_

#include <lib/zx/object_traits.h>
#include <lib/zx/time.h>
#include <zircon/syscalls.h>
#include <zircon/types.h>

#include <type_traits>

namespace zx {

class port;
class profile;

template <typename T>
class unowned;

// Owns a handle, whatever its type.
class object_base {
 public:
  void reset(zx_handle_t value = ZX_HANDLE_INVALID) {
    close();
    value_ = value;
  }

  bool is_valid() const { return value_ != ZX_HANDLE_INVALID; }
  explicit operator bool() const { return is_valid(); }

  zx_handle_t get() const { return value_; }

  // Closes the handle, then gives the storage to a C call to fill.
  zx_handle_t* reset_and_get_address() {
    reset();
    return &value_;
  }

  [[nodiscard]] zx_handle_t release() {
    zx_handle_t result = value_;
    value_ = ZX_HANDLE_INVALID;
    return result;
  }

  zx_status_t get_info(uint32_t topic, void* buffer, size_t buffer_size, size_t* actual_count,
                       size_t* avail_count) const {
    return zx_object_get_info(get(), topic, buffer, buffer_size, actual_count, avail_count);
  }

  zx_status_t get_property(uint32_t property, void* value, size_t size) const {
    return zx_object_get_property(get(), property, value, size);
  }

  zx_status_t set_property(uint32_t property, const void* value, size_t size) const {
    return zx_object_set_property(get(), property, value, size);
  }

 protected:
  constexpr object_base() : value_(ZX_HANDLE_INVALID) {}
  explicit object_base(zx_handle_t value) : value_(value) {}
  ~object_base() { close(); }

  object_base(const object_base&) = delete;
  void operator=(const object_base&) = delete;

  void close() {
    if (value_ != ZX_HANDLE_INVALID) {
      zx_handle_close(value_);
      value_ = ZX_HANDLE_INVALID;
    }
  }

  zx_handle_t value_;
};

// An owned handle to an object of type T (void: any type).
template <typename T>
class object : public object_base {
 public:
  constexpr object() = default;
  explicit object(zx_handle_t value) : object_base(value) {}

  // Any typed object moves into an untyped one (zx::handle), not back.
  template <typename U>
  object(object<U>&& other) : object_base(other.release()) {
    static_assert(std::is_void<T>::value, "Receiver must be compatible.");
  }

  template <typename U>
  object<T>& operator=(object<U>&& other) {
    static_assert(std::is_void<T>::value, "Receiver must be compatible.");
    reset(other.release());
    return *this;
  }

  void swap(object<T>& other) {
    zx_handle_t tmp = value_;
    value_ = other.value_;
    other.value_ = tmp;
  }

  zx_status_t duplicate(zx_rights_t rights, object<T>* result) const {
    static_assert(object_traits<T>::supports_duplication, "Object must support duplication.");
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_handle_duplicate(value_, rights, &h);
    result->reset(h);
    return status;
  }

  // The handle is gone whatever the outcome; result may be *this.
  zx_status_t replace(zx_rights_t rights, object<T>* result) {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_handle_replace(value_, rights, &h);
    value_ = ZX_HANDLE_INVALID;
    result->reset(h);
    return status;
  }

  zx_status_t wait_one(zx_signals_t signals, zx::time deadline, zx_signals_t* pending) const {
    static_assert(object_traits<T>::supports_wait, "Object is not waitable.");
    return zx_object_wait_one(value_, signals, deadline.get(), pending);
  }

  zx_status_t wait_async(const object<port>& port, uint64_t key, zx_signals_t signals,
                         uint32_t options) const {
    static_assert(object_traits<T>::supports_wait, "Object is not waitable.");
    return zx_object_wait_async(value_, port.get(), key, signals, options);
  }

  static zx_status_t wait_many(zx_wait_item_t* wait_items, uint32_t count, zx::time deadline) {
    static_assert(object_traits<T>::supports_wait, "Object is not waitable.");
    return zx_object_wait_many(wait_items, count, deadline.get());
  }

  zx_status_t signal(uint32_t clear_mask, uint32_t set_mask) const {
    static_assert(object_traits<T>::supports_user_signal, "Object must support user signals.");
    return zx_object_signal(get(), clear_mask, set_mask);
  }

  zx_status_t signal_peer(uint32_t clear_mask, uint32_t set_mask) const {
    static_assert(object_traits<T>::supports_user_signal, "Object must support user signals.");
    static_assert(object_traits<T>::has_peer_handle, "Object must have peer object.");
    return zx_object_signal_peer(get(), clear_mask, set_mask);
  }

  zx_status_t get_child(uint64_t koid, zx_rights_t rights, object<void>* result) const {
    static_assert(object_traits<T>::supports_get_child, "Object must support getting children.");
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_object_get_child(value_, koid, rights, &h);
    result->reset(h);
    return status;
  }

  zx_status_t set_profile(const object<profile>& profile, uint32_t options) const {
    static_assert(object_traits<T>::supports_set_profile,
                  "Object must support scheduling profiles.");
    return zx_object_set_profile(get(), profile.get(), options);
  }

  // A non-owning view of the same handle.
  unowned<T> borrow() const;
};

// Comparisons: by handle value, against objects and raw handles.
#define ZX_OBJECT_COMPARE_(op)                                                  \
  template <typename T>                                                         \
  bool operator op(const object<T>& a, const object<T>& b) {                   \
    return a.get() op b.get();                                                  \
  }                                                                             \
  template <typename T>                                                         \
  bool operator op(zx_handle_t a, const object<T>& b) {                        \
    return a op b.get();                                                        \
  }                                                                             \
  template <typename T>                                                         \
  bool operator op(const object<T>& a, zx_handle_t b) {                        \
    return a.get() op b;                                                        \
  }
ZX_OBJECT_COMPARE_(==)
ZX_OBJECT_COMPARE_(!=)
ZX_OBJECT_COMPARE_(<)
ZX_OBJECT_COMPARE_(>)
ZX_OBJECT_COMPARE_(<=)
ZX_OBJECT_COMPARE_(>=)
#undef ZX_OBJECT_COMPARE_

// A handle used as a T without being owned: never closed by this wrapper.
//   do_something(*zx::unowned_event(handle));
//   zx::unowned_vmo(handle)->get_size(&size);
template <typename T>
class unowned final {
 public:
  explicit unowned(zx_handle_t h) : value_(h) {}
  explicit unowned(const T& owner) : unowned(owner.get()) {}
  explicit unowned(const unowned& other) : unowned(*other) {}
  constexpr unowned() = default;
  unowned(unowned&& other) = default;

  ~unowned() { release_value(); }

  unowned& operator=(const unowned& other) {
    if (&other == this)
      return *this;
    *this = unowned(other);
    return *this;
  }
  unowned& operator=(unowned&& other) {
    release_value();
    value_ = static_cast<T&&>(other.value_);
    return *this;
  }

  const T& operator*() const { return value_; }
  const T* operator->() const { return &value_; }

 private:
  void release_value() {
    zx_handle_t h = value_.release();
    static_cast<void>(h);
  }

  T value_;
};

template <typename T>
unowned<T> object<T>::borrow() const {
  return unowned<T>(get());
}

#define ZX_UNOWNED_COMPARE_(op)                                                 \
  template <typename T>                                                         \
  bool operator op(const unowned<T>& a, const unowned<T>& b) {                 \
    return a->get() op b->get();                                                \
  }                                                                             \
  template <typename T>                                                         \
  bool operator op(zx_handle_t a, const unowned<T>& b) {                       \
    return a op b->get();                                                       \
  }                                                                             \
  template <typename T>                                                         \
  bool operator op(const unowned<T>& a, zx_handle_t b) {                       \
    return a->get() op b;                                                       \
  }
ZX_UNOWNED_COMPARE_(==)
ZX_UNOWNED_COMPARE_(!=)
ZX_UNOWNED_COMPARE_(<)
ZX_UNOWNED_COMPARE_(>)
ZX_UNOWNED_COMPARE_(<=)
ZX_UNOWNED_COMPARE_(>=)
#undef ZX_UNOWNED_COMPARE_

}  // namespace zx

#endif  // LIB_ZX_OBJECT_H_
