// zx::clock: clock objects (kernel clocks a maintainer updates), and the
// static readers of the system timelines.
#ifndef LIB_ZX_CLOCK_H_
#define LIB_ZX_CLOCK_H_

#include <lib/zx/handle.h>
#include <lib/zx/object.h>
#include <lib/zx/time.h>
#include <zircon/syscalls/clock.h>

namespace zx {

class clock final : public object<clock> {
 public:
  static constexpr zx_obj_type_t TYPE = ZX_OBJ_TYPE_CLOCK;

  // The arguments of update(), with each setter marking its field valid.
  class update_args {
   public:
    constexpr update_args() = default;

    update_args& reset() {
      options_ = 0;
      return *this;
    }
    update_args& set_value(zx::time value) {
      args_.synthetic_value = value.get();
      options_ |= ZX_CLOCK_UPDATE_OPTION_SYNTHETIC_VALUE_VALID;
      return *this;
    }
    update_args& set_reference_value(zx::time reference_value) {
      args_.reference_value = reference_value.get();
      options_ |= ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID;
      return *this;
    }
    update_args& set_both_values(zx::time reference_value, zx::time synthetic_value) {
      return set_reference_value(reference_value).set_value(synthetic_value);
    }
    update_args& set_rate_adjust(int32_t rate) {
      args_.rate_adjust = rate;
      options_ |= ZX_CLOCK_UPDATE_OPTION_RATE_ADJUST_VALID;
      return *this;
    }
    update_args& set_error_bound(uint64_t error_bound) {
      args_.error_bound = error_bound;
      options_ |= ZX_CLOCK_UPDATE_OPTION_ERROR_BOUND_VALID;
      return *this;
    }

   private:
    friend class ::zx::clock;
    zx_clock_update_args_v2_t args_{};
    uint64_t options_ = 0;
  };

  constexpr clock() = default;
  explicit clock(zx_handle_t value) : object(value) {}
  explicit clock(handle&& h) : object(h.release()) {}
  clock(clock&& other) : object(other.release()) {}
  clock& operator=(clock&& other) {
    reset(other.release());
    return *this;
  }

  static zx_status_t create(uint64_t options, const void* args, clock* result) {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_clock_create(options, args, &h);
    result->reset(h);
    return status;
  }

  zx_status_t read(zx_time_t* now_out) const { return zx_clock_read(get(), now_out); }

  zx_status_t get_details(zx_clock_details_v1_t* details_out) const {
    return zx_clock_get_details(get(), ZX_CLOCK_ARGS_VERSION(1), details_out);
  }

  zx_status_t update(const update_args& args) const {
    return zx_clock_update(get(), ZX_CLOCK_ARGS_VERSION(2) | args.options_, &args.args_);
  }

  static zx::time get_monotonic() { return zx::time(zx_clock_get_monotonic()); }
  static zx::time_boot get_boot() { return zx::time_boot(zx_clock_get_boot()); }
};

using unowned_clock = unowned<clock>;

}  // namespace zx

#endif  // LIB_ZX_CLOCK_H_
