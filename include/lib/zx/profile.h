// zx::profile: scheduling profiles.
#ifndef LIB_ZX_PROFILE_H_
#define LIB_ZX_PROFILE_H_

#include <lib/zx/handle.h>
#include <lib/zx/object.h>
#include <lib/zx/resource.h>
#include <zircon/syscalls/profile.h>

namespace zx {

class profile final : public object<profile> {
 public:
  static constexpr zx_obj_type_t TYPE = ZX_OBJ_TYPE_PROFILE;

  constexpr profile() = default;
  explicit profile(zx_handle_t value) : object(value) {}
  explicit profile(handle&& h) : object(h.release()) {}
  profile(profile&& other) : object(other.release()) {}
  profile& operator=(profile&& other) {
    reset(other.release());
    return *this;
  }

  static zx_status_t create(const resource& profile_rsrc, uint32_t options,
                            const zx_profile_info_t* info, profile* result) {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_profile_create(profile_rsrc.get(), options, info, &h);
    result->reset(h);
    return status;
  }
};

using unowned_profile = unowned<profile>;

}  // namespace zx

#endif  // LIB_ZX_PROFILE_H_
