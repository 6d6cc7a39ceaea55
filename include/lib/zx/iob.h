// zx::iob: IOBuffer endpoints; writev() returns a zx::result.
#ifndef LIB_ZX_IOB_H_
#define LIB_ZX_IOB_H_

#include <lib/zx/handle.h>
#include <lib/zx/object.h>
#include <lib/zx/result.h>
#include <zircon/syscalls/iob.h>

namespace zx {

class iob final : public object<iob> {
 public:
  static constexpr zx_obj_type_t TYPE = ZX_OBJ_TYPE_IOB;

  constexpr iob() = default;
  explicit iob(zx_handle_t value) : object(value) {}
  explicit iob(handle&& h) : object(h.release()) {}
  iob(iob&& other) : object(other.release()) {}
  iob& operator=(iob&& other) {
    reset(other.release());
    return *this;
  }

  static zx_status_t create(uint64_t options, zx_iob_region_t* regions, uint32_t region_count,
                            iob* endpoint0, iob* endpoint1) {
    zx_handle_t h0 = ZX_HANDLE_INVALID, h1 = ZX_HANDLE_INVALID;
    zx_status_t status = zx_iob_create(options, regions, region_count, &h0, &h1);
    endpoint0->reset(h0);
    endpoint1->reset(h1);
    return status;
  }

  zx_status_t allocate_id(zx_iob_allocate_id_options_t options, uint32_t region_index,
                          const void* blob, size_t blob_size, uint32_t* id) const {
    return zx_iob_allocate_id(get(), options, region_index, blob, blob_size, id);
  }

  zx::result<> writev(zx_iob_write_options_t options, uint32_t region_index,
                      const zx_iovec_t* vectors, size_t num_vectors) const {
    return zx::make_result(zx_iob_writev(get(), options, region_index, vectors, num_vectors));
  }
};

using unowned_iob = unowned<iob>;

}  // namespace zx

#endif  // LIB_ZX_IOB_H_
