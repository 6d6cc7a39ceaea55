// zx::task<T>: what jobs, processes and threads share (kill, suspend,
// exception channels).
#ifndef LIB_ZX_TASK_H_
#define LIB_ZX_TASK_H_

#include <lib/zx/channel.h>
#include <lib/zx/handle.h>
#include <lib/zx/object.h>
#include <lib/zx/suspend_token.h>

namespace zx {

template <typename T = void>
class task : public object<T> {
 public:
  constexpr task() = default;
  explicit task(zx_handle_t value) : object<T>(value) {}
  explicit task(handle&& h) : object<T>(h.release()) {}
  task(task&& other) : object<T>(other.release()) {}

  zx_status_t kill() const {
    static_assert(object_traits<T>::supports_kill, "Object must support being killed.");
    return zx_task_kill(this->get());
  }

  zx_status_t suspend(suspend_token* result) const {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_task_suspend_token(this->get(), &h);
    result->reset(h);
    return status;
  }

  zx_status_t create_exception_channel(uint32_t options, object<channel>* exception_channel) const {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_task_create_exception_channel(this->get(), options, &h);
    exception_channel->reset(h);
    return status;
  }
};

}  // namespace zx

#endif  // LIB_ZX_TASK_H_
