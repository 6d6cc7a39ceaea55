// What each lib/zx object type supports, checked by static_assert in
// zx::object<T>'s members: duplication, waiting, user signals, a peer,
// children, scheduling profiles, being killed.
#ifndef LIB_ZX_OBJECT_TRAITS_H_
#define LIB_ZX_OBJECT_TRAITS_H_

namespace zx {

class bti;
class channel;
class clock;
class counter;
class debuglog;
class event;
class eventpair;
class exception;
class fifo;
class guest;
class interrupt;
class iob;
class iommu;
class job;
class msi;
class pager;
class pmt;
class port;
class process;
class profile;
class resource;
class socket;
class stream;
class suspend_token;
class thread;
class timer;
class vcpu;
class vmar;
class vmo;

// The common case (bti, clock, counter, event, iob, iommu, profile,
// stream, timer, vmo, ...): duplicable, waitable, user signals.
struct object_traits_default {
  static constexpr bool supports_duplication = true;
  static constexpr bool supports_get_child = false;
  static constexpr bool supports_set_profile = false;
  static constexpr bool supports_user_signal = true;
  static constexpr bool supports_wait = true;
  static constexpr bool supports_kill = false;
  static constexpr bool has_peer_handle = false;
};

template <typename T>
struct object_traits : object_traits_default {};

// Peered objects.
template <>
struct object_traits<channel> : object_traits_default {
  static constexpr bool supports_duplication = false;
  static constexpr bool has_peer_handle = true;
};
template <>
struct object_traits<eventpair> : object_traits_default {
  static constexpr bool has_peer_handle = true;
};
template <>
struct object_traits<fifo> : object_traits_default {
  static constexpr bool has_peer_handle = true;
};
template <>
struct object_traits<socket> : object_traits_default {
  static constexpr bool has_peer_handle = true;
};

// Not waitable.
template <>
struct object_traits<port> : object_traits_default {
  static constexpr bool supports_user_signal = false;
  static constexpr bool supports_wait = false;
};
template <>
struct object_traits<vmar> : object_traits_default {
  static constexpr bool supports_set_profile = true;
  static constexpr bool supports_user_signal = false;
  static constexpr bool supports_wait = false;
};
template <>
struct object_traits<guest> : object_traits_default {
  static constexpr bool supports_user_signal = false;
  static constexpr bool supports_wait = false;
};
template <>
struct object_traits<pmt> : object_traits_default {
  static constexpr bool supports_duplication = false;
  static constexpr bool supports_user_signal = false;
  static constexpr bool supports_wait = false;
};
template <>
struct object_traits<exception> : object_traits_default {
  static constexpr bool supports_duplication = false;
  static constexpr bool supports_user_signal = false;
  static constexpr bool supports_wait = false;
};
template <>
struct object_traits<msi> : object_traits_default {
  static constexpr bool supports_user_signal = false;
};

// Tasks.
template <>
struct object_traits<job> : object_traits_default {
  static constexpr bool supports_get_child = true;
  static constexpr bool supports_kill = true;
};
template <>
struct object_traits<process> : object_traits_default {
  static constexpr bool supports_get_child = true;
  static constexpr bool supports_kill = true;
};
template <>
struct object_traits<thread> : object_traits_default {
  static constexpr bool supports_set_profile = true;
  static constexpr bool supports_kill = true;
};

template <>
struct object_traits<resource> : object_traits_default {
  static constexpr bool supports_get_child = true;
};

}  // namespace zx

#endif  // LIB_ZX_OBJECT_TRAITS_H_
