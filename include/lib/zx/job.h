// zx::job. job::default_job() is the process's default job (see
// zx_job_default(3) for what zxd offers).
#ifndef LIB_ZX_JOB_H_
#define LIB_ZX_JOB_H_

#include <lib/zx/process.h>
#include <lib/zx/task.h>
#include <zircon/process.h>

namespace zx {

class job final : public task<job> {
 public:
  static constexpr zx_obj_type_t TYPE = ZX_OBJ_TYPE_JOB;

  constexpr job() = default;
  explicit job(zx_handle_t value) : task(value) {}
  explicit job(handle&& h) : task(h.release()) {}
  job(job&& other) : task(other.release()) {}
  job& operator=(job&& other) {
    reset(other.release());
    return *this;
  }

  static zx_status_t create(const zx::job& parent, uint32_t options, job* result) {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_job_create(parent.get(), options, &h);
    result->reset(h);
    return status;
  }

  // The child job or process with koid koid.
  zx_status_t get_child(uint64_t koid, zx_rights_t rights, job* result) const {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_object_get_child(get(), koid, rights, &h);
    result->reset(h);
    return status;
  }
  zx_status_t get_child(uint64_t koid, zx_rights_t rights, process* result) const {
    zx_handle_t h = ZX_HANDLE_INVALID;
    zx_status_t status = zx_object_get_child(get(), koid, rights, &h);
    result->reset(h);
    return status;
  }

  zx_status_t set_policy(uint32_t options, uint32_t topic, const void* policy,
                         uint32_t count) const {
    return zx_job_set_policy(get(), options, topic, policy, count);
  }

  zx_status_t set_critical(uint32_t options, const zx::process& process) const {
    return zx_job_set_critical(get(), options, process.get());
  }

  static inline unowned<job> default_job() { return unowned<job>(zx_job_default()); }
};

using unowned_job = unowned<job>;

inline zx_status_t process::create(const job& job, const char* name, uint32_t name_len,
                                   uint32_t flags, process* proc, vmar* root_vmar) {
  zx_handle_t p = ZX_HANDLE_INVALID, v = ZX_HANDLE_INVALID;
  zx_status_t status = zx_process_create(job.get(), name, name_len, flags, &p, &v);
  proc->reset(p);
  root_vmar->reset(v);
  return status;
}

}  // namespace zx

#endif  // LIB_ZX_JOB_H_
