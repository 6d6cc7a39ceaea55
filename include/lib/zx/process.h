// zx::process. process::self() is the calling process (see
// zx_process_self(3) for what zxd offers).
#ifndef LIB_ZX_PROCESS_H_
#define LIB_ZX_PROCESS_H_

#include <lib/zx/object.h>
#include <lib/zx/task.h>
#include <lib/zx/thread.h>
#include <lib/zx/vmar.h>
#include <lib/zx/vmo.h>
#include <zircon/process.h>

namespace zx {

class job;

class process final : public task<process> {
 public:
  static constexpr zx_obj_type_t TYPE = ZX_OBJ_TYPE_PROCESS;

  constexpr process() = default;
  explicit process(zx_handle_t value) : task(value) {}
  explicit process(handle&& h) : task(h.release()) {}
  process(process&& other) : task(other.release()) {}
  process& operator=(process&& other) {
    reset(other.release());
    return *this;
  }

  // Defined in <lib/zx/job.h>, which includes this header.
  static zx_status_t create(const job& job, const char* name, uint32_t name_len, uint32_t flags,
                            process* proc, vmar* root_vmar);

  zx_status_t start(const thread& thread_handle, uintptr_t entry, uintptr_t stack,
                    handle arg_handle, uintptr_t arg2) const {
    return zx_process_start(get(), thread_handle.get(), entry, stack, arg_handle.release(),
                            arg2);
  }

  zx_status_t read_memory(uintptr_t vaddr, void* buffer, size_t len, size_t* actual) const {
    return zx_process_read_memory(get(), vaddr, buffer, len, actual);
  }

  zx_status_t write_memory(uintptr_t vaddr, const void* buffer, size_t len,
                           size_t* actual) const {
    return zx_process_write_memory(get(), vaddr, buffer, len, actual);
  }

  // The thread of this process with koid koid.
  zx_status_t get_child(uint64_t koid, zx_rights_t rights, thread* result) const {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_object_get_child(get(), koid, rights, &h);
    result->reset(h);
    return status;
  }

  static inline unowned<process> self() { return unowned<process>(zx_process_self()); }
};

using unowned_process = unowned<process>;

inline zx_status_t thread::create(const process& process, const char* name, uint32_t name_len,
                                  uint32_t flags, thread* result) {
  zx_handle_t h = ZX_HANDLE_INVALID;
  zx_status_t status = zx_thread_create(process.get(), name, name_len, flags, &h);
  result->reset(h);
  return status;
}

}  // namespace zx

#endif  // LIB_ZX_PROCESS_H_
