// zx::exception: an exception, as received from an exception channel.
#ifndef LIB_ZX_EXCEPTION_H_
#define LIB_ZX_EXCEPTION_H_

#include <lib/zx/handle.h>
#include <lib/zx/object.h>
#include <lib/zx/process.h>
#include <lib/zx/thread.h>

namespace zx {

class exception final : public object<exception> {
 public:
  static constexpr zx_obj_type_t TYPE = ZX_OBJ_TYPE_EXCEPTION;

  constexpr exception() = default;
  explicit exception(zx_handle_t value) : object(value) {}
  explicit exception(handle&& h) : object(h.release()) {}
  exception(exception&& other) : object(other.release()) {}
  exception& operator=(exception&& other) {
    reset(other.release());
    return *this;
  }

  zx_status_t get_thread(thread* thread) const {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_exception_get_thread(get(), &h);
    thread->reset(h);
    return status;
  }

  zx_status_t get_process(process* process) const {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_exception_get_process(get(), &h);
    process->reset(h);
    return status;
  }
};

using unowned_exception = unowned<exception>;

}  // namespace zx

#endif  // LIB_ZX_EXCEPTION_H_
