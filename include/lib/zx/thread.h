// zx::thread. thread::self() is the calling thread (see zx_thread_self(3)
// for what zxd offers).
#ifndef LIB_ZX_THREAD_H_
#define LIB_ZX_THREAD_H_

#include <lib/zx/object.h>
#include <lib/zx/task.h>
#include <zircon/process.h>

namespace zx {

class process;

class thread final : public task<thread> {
 public:
  static constexpr zx_obj_type_t TYPE = ZX_OBJ_TYPE_THREAD;

  constexpr thread() = default;
  explicit thread(zx_handle_t value) : task(value) {}
  explicit thread(handle&& h) : task(h.release()) {}
  thread(thread&& other) : task(other.release()) {}
  thread& operator=(thread&& other) {
    reset(other.release());
    return *this;
  }

  // Defined in <lib/zx/process.h>, which includes this header.
  static zx_status_t create(const process& process, const char* name, uint32_t name_len,
                            uint32_t flags, thread* result);

  zx_status_t start(uintptr_t thread_entry, uintptr_t stack, uintptr_t arg1,
                    uintptr_t arg2) const {
    return zx_thread_start(get(), thread_entry, stack, arg1, arg2);
  }

  zx_status_t read_state(uint32_t kind, void* buffer, size_t len) const {
    return zx_thread_read_state(get(), kind, buffer, len);
  }

  zx_status_t write_state(uint32_t kind, const void* buffer, size_t len) const {
    return zx_thread_write_state(get(), kind, buffer, len);
  }

  static inline unowned<thread> self() { return unowned<thread>(zx_thread_self()); }
};

using unowned_thread = unowned<thread>;

}  // namespace zx

#endif  // LIB_ZX_THREAD_H_
