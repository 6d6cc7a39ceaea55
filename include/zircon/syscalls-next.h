/*
 * Zircon's unstable calls and their types. zxd declares every call, the
 * unstable ones included, in <zircon/syscalls.h>, so this header only
 * gathers what Fuchsia code expects to find through it.
 */
#ifndef ZIRCON_SYSCALLS_NEXT_H
#define ZIRCON_SYSCALLS_NEXT_H

#include <stdint.h>

#include <zircon/compiler.h>
#include <zircon/syscalls/debug.h>
#include <zircon/syscalls/exception.h>
#include <zircon/syscalls/internal/next-types.h>
#include <zircon/syscalls/iob.h>
#include <zircon/syscalls.h>

#endif /* ZIRCON_SYSCALLS_NEXT_H */
