// zx::suspend_token: a task stays suspended while one is held.
#ifndef LIB_ZX_SUSPEND_TOKEN_H_
#define LIB_ZX_SUSPEND_TOKEN_H_

#include <lib/zx/handle.h>
#include <lib/zx/object.h>

namespace zx {

class suspend_token final : public object<suspend_token> {
 public:
  static constexpr zx_obj_type_t TYPE = ZX_OBJ_TYPE_SUSPEND_TOKEN;

  constexpr suspend_token() = default;
  explicit suspend_token(zx_handle_t value) : object(value) {}
  explicit suspend_token(handle&& h) : object(h.release()) {}
  suspend_token(suspend_token&& other) : object(other.release()) {}
  suspend_token& operator=(suspend_token&& other) {
    reset(other.release());
    return *this;
  }
};

using unowned_suspend_token = unowned<suspend_token>;

}  // namespace zx

#endif  // LIB_ZX_SUSPEND_TOKEN_H_
