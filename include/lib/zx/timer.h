// zx::timer: one-shot timers on the monotonic or boot timeline.
#ifndef LIB_ZX_TIMER_H_
#define LIB_ZX_TIMER_H_

#include <lib/zx/handle.h>
#include <lib/zx/object.h>
#include <lib/zx/time.h>

namespace zx {

class timer final : public object<timer> {
 public:
  static constexpr zx_obj_type_t TYPE = ZX_OBJ_TYPE_TIMER;

  constexpr timer() = default;
  explicit timer(zx_handle_t value) : object(value) {}
  explicit timer(handle&& h) : object(h.release()) {}
  timer(timer&& other) : object(other.release()) {}
  timer& operator=(timer&& other) {
    reset(other.release());
    return *this;
  }

  static zx_status_t create(uint32_t options, zx_clock_t clock_id, timer* result) {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_timer_create(options, clock_id, &h);
    result->reset(h);
    return status;
  }

  template <zx_clock_t kClockId>
  zx_status_t set(zx::basic_time<kClockId> deadline, zx::duration slack) const {
    return zx_timer_set(get(), deadline.get(), slack.get());
  }

  zx_status_t cancel() const { return zx_timer_cancel(get()); }
};

using unowned_timer = unowned<timer>;

}  // namespace zx

#endif  // LIB_ZX_TIMER_H_
