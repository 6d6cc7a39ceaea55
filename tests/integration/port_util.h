/* What the port tests share (tests/integration/ports*.c): making ports,
 * events and duplicates that must succeed, user packets, and taking the
 * next packet or seeing none. Criterion assertions; static inline. */
#ifndef ZXD_TESTS_PORT_UTIL_H
#define ZXD_TESTS_PORT_UTIL_H

#include <string.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>

static inline zx_handle_t
port(uint32_t options)
{
	zx_handle_t h;
	zx_status_t st = zx_port_create(options, &h);

	cr_assert_eq(st, ZX_OK, "zx_port_create: %s", zx_status_get_string(st));
	return h;
}

static inline zx_handle_t
event(void)
{
	zx_handle_t h;

	cr_assert_eq(zx_event_create(0, &h), ZX_OK);
	return h;
}

static inline zx_handle_t
hdup(zx_handle_t h, zx_rights_t rights)
{
	zx_handle_t d;

	cr_assert_eq(zx_handle_duplicate(h, rights, &d), ZX_OK);
	return d;
}

static inline zx_port_packet_t
user_packet(uint64_t key, uint64_t v)
{
	zx_port_packet_t p;

	memset(&p, 0, sizeof(p));
	p.key = key;
	p.type = ZX_PKT_TYPE_USER;
	p.user.u64[0] = v;
	return p;
}

/* The next packet, which must come within five seconds. */
static inline zx_port_packet_t
next(zx_handle_t p)
{
	zx_port_packet_t pkt;
	zx_status_t st;

	memset(&pkt, 0xa5, sizeof(pkt));
	st = zx_port_wait(p, zx_deadline_after(ZX_SEC(5)), &pkt);
	cr_assert_eq(st, ZX_OK, "zx_port_wait: %s", zx_status_get_string(st));
	return pkt;
}

static inline void
empty(zx_handle_t p)
{
	zx_port_packet_t pkt;

	cr_assert_eq(zx_port_wait(p, 0, &pkt), ZX_ERR_TIMED_OUT);
}

#endif
