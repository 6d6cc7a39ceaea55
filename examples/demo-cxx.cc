// The C++ side of the tour: lib/zx classes own their handles, a VMO
// travels through a channel, both ends see the same bytes through
// mappings, and an eventpair says when the work is done.
#include <lib/zx/channel.h>
#include <lib/zx/eventpair.h>
#include <lib/zx/result.h>
#include <lib/zx/time.h>
#include <lib/zx/vmar.h>
#include <lib/zx/vmo.h>
#include <stdio.h>
#include <string.h>
#include <zircon/status.h>

namespace {

// A status as a result, for a one-line check.
zx::result<> check(const char* what, zx_status_t status) {
  zx::result<> r = zx::make_result(status);
  if (r.is_error())
    fprintf(stderr, "zxd-demo-cxx: %s: %s\n", what, r.status_string());
  return r;
}

zx_koid_t koid(const zx::object_base& o) {
  zx_info_handle_basic_t info{};
  return o.get_info(ZX_INFO_HANDLE_BASIC, &info, sizeof(info), nullptr, nullptr) == ZX_OK
             ? info.koid
             : ZX_KOID_INVALID;
}

}  // namespace

int main() {
  zx::vmo vmo;
  zx::channel near, far;
  zx::eventpair done, done_peer;
  if (check("zx::vmo::create", zx::vmo::create(ZX_PAGE_SIZE, 0, &vmo)).is_error() ||
      check("zx::channel::create", zx::channel::create(0, &near, &far)).is_error() ||
      check("zx::eventpair::create", zx::eventpair::create(0, &done, &done_peer)).is_error())
    return 1;
  printf("vmo koid %lu, channel koids %lu/%lu\n", (unsigned long)koid(vmo),
         (unsigned long)koid(near), (unsigned long)koid(far));

  // Write through a mapping, then send the VMO itself.
  zx_vaddr_t addr = 0;
  if (check("map", zx::vmar::root_self()->map(ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                                              ZX_PAGE_SIZE, &addr))
          .is_error())
    return 1;
  strcpy(reinterpret_cast<char*>(addr), "written through a mapping");
  zx_handle_t moving = vmo.release();
  if (check("write", near.write(0, "vmo", 3, &moving, 1)).is_error())
    return 1;

  // The other end gets a handle to the same memory.
  char bytes[8];
  zx_handle_t got = ZX_HANDLE_INVALID;
  uint32_t nb = 0, nh = 0;
  if (check("read", far.read(0, bytes, &got, sizeof(bytes), 1, &nb, &nh)).is_error())
    return 1;
  zx::vmo received(got);
  char text[32] = {};
  if (check("zx::vmo::read", received.read(text, 0, sizeof(text) - 1)).is_error())
    return 1;
  printf("received vmo koid %lu: \"%s\"\n", (unsigned long)koid(received), text);
  zx::vmar::root_self()->unmap(addr, ZX_PAGE_SIZE);

  // Done: signal the peer, which sees it at once.
  done_peer.signal_peer(0, ZX_EVENTPAIR_SIGNALED);
  zx_signals_t seen = 0;
  if (check("wait_one", done.wait_one(ZX_EVENTPAIR_SIGNALED,
                                      zx::deadline_after(zx::sec(5)), &seen))
          .is_error())
    return 1;
  printf("eventpair signalled (0x%x); handles close as the objects go\n", seen);
  return 0;
}
