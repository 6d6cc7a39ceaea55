// zx::status<T>: the older name of zx::result<T>, still used by code
// written before the rename.
#ifndef LIB_ZX_STATUS_H_
#define LIB_ZX_STATUS_H_

#include <lib/zx/result.h>

namespace zx {

template <typename... Ts>
using status = result<Ts...>;

}  // namespace zx

#endif  // LIB_ZX_STATUS_H_
