/*
 * Sockets against a real zxd (run under tests/with-zxd.sh): the cases of
 * Zircon's core test socket/socket.cc and every status of ZIRCON-2.md
 * §2.4 in Zircon's order, with the data path that bypasses the daemon
 * (client/ring.c): short writes, SHOULD_WAIT, PEER_CLOSED, datagram
 * truncation, PEEK, dispositions, thresholds, ZX_INFO_SOCKET, Zircon's
 * buffer size, faulting buffers, rights enforced by the Linux kernel.
 */
#include "config-build.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

#include "tests/lib/zxdcheck.h"

#define MAXBUF	264160u

static void
mk(uint32_t options, zx_handle_t *a, zx_handle_t *b)
{
	zx_status_t st = zx_socket_create(options, a, b);

	cr_assert_eq(st, ZX_OK, "zx_socket_create: %s",
	    zx_status_get_string(st));
}

static void
wr(zx_handle_t h, const void *buf, size_t len)
{
	size_t n = 0;
	zx_status_t st = zx_socket_write(h, 0, buf, len, &n);

	cr_assert_eq(st, ZX_OK, "write: %s", zx_status_get_string(st));
	cr_assert_eq(n, len);
}

static zx_info_socket_t
info(zx_handle_t h)
{
	zx_info_socket_t i;

	memset(&i, 0xa5, sizeof(i));
	cr_assert_eq(zx_object_get_info(h, ZX_INFO_SOCKET, &i, sizeof(i),
	    NULL, NULL), ZX_OK);
	return i;
}

/* --- create --------------------------------------------------------- */

Test(create, options_and_rights)
{
	zx_handle_t a = 7, b = 9;

	cr_assert_eq(zx_socket_create(2, &a, &b), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_socket_create(ZX_SOCKET_PEEK, &a, &b),
	    ZX_ERR_INVALID_ARGS);
	cr_assert(a == 7 && b == 9, "outs untouched");
	/* A NULL out loses both new ends. */
	cr_assert_eq(zx_socket_create(0, NULL, &b), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_socket_create(0, &a, NULL), ZX_ERR_INVALID_ARGS);
	mk(ZX_SOCKET_STREAM, &a, &b);
	cr_assert_eq(ZX_DEFAULT_SOCKET_RIGHTS, 0x10F0CFu);
	assert_new_pair(a, b, ZX_OBJ_TYPE_SOCKET, ZX_DEFAULT_SOCKET_RIGHTS,
	    ZX_SOCKET_WRITABLE);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* --- stream --------------------------------------------------------- */

Test(stream, write_read_verify)
{
	zx_handle_t a, b;
	uint32_t w[2] = { 0xdeadbeef, 0xc0ffee }, r[2];
	size_t n;

	mk(0, &a, &b);
	cr_assert_eq(zx_socket_read(a, 0, r, sizeof(r), NULL),
	    ZX_ERR_SHOULD_WAIT);
	wr(a, &w[0], 4);
	wr(a, &w[1], 4);
	cr_assert_eq(zx_socket_read(b, 0, r, sizeof(r), &n), ZX_OK);
	cr_assert_eq(n, 8);
	cr_assert_arr_eq(r, w, 8);
	wr(a, w, 8);
	cr_assert_eq(zx_socket_read(b, 0, r, sizeof(r), &n), ZX_OK);
	cr_assert_eq(n, 8);
	cr_assert_arr_eq(r, w, 8);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(stream, peek_leaves_data)
{
	zx_handle_t a, b;
	uint32_t w[2] = { 0xdeadbeef, 0xc0ffee }, r[2];
	size_t n;

	mk(0, &a, &b);
	cr_assert_eq(zx_socket_read(a, ZX_SOCKET_PEEK, r, 4, NULL),
	    ZX_ERR_SHOULD_WAIT);
	wr(a, w, 8);
	cr_assert_eq(zx_socket_read(b, ZX_SOCKET_PEEK, r, 8, &n), ZX_OK);
	cr_assert_eq(n, 8);
	cr_assert_arr_eq(r, w, 8);
	cr_assert_eq(signals_of(a), ZX_SOCKET_WRITABLE);
	cr_assert_eq(signals_of(b), ZX_SOCKET_WRITABLE | ZX_SOCKET_READABLE);
	cr_assert_eq(zx_socket_read(b, 0, r, 8, &n), ZX_OK);
	cr_assert_arr_eq(r, w, 8);
	cr_assert_eq(signals_of(b), ZX_SOCKET_WRITABLE);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(stream, signals_and_peer_closed)
{
	zx_handle_t a, b;
	static char big[128 * 1024];
	size_t n;

	mk(0, &a, &b);
	memset(big, 0x66, sizeof(big));
	wr(a, big, 8192);
	cr_assert_eq(signals_of(a), ZX_SOCKET_WRITABLE);
	cr_assert_eq(signals_of(b), ZX_SOCKET_READABLE | ZX_SOCKET_WRITABLE);
	cr_assert_eq(zx_socket_read(b, 0, big, sizeof(big), &n), ZX_OK);
	cr_assert_eq(n, 8192);
	cr_assert_eq(signals_of(b), ZX_SOCKET_WRITABLE);
	cr_assert_eq(zx_object_signal_peer(a, ZX_SOCKET_WRITABLE, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_1), ZX_OK);
	cr_assert_eq(signals_of(a), ZX_SOCKET_WRITABLE);
	cr_assert_eq(signals_of(b), ZX_SOCKET_WRITABLE | ZX_USER_SIGNAL_1);
	/* Data stays readable after the peer closes. */
	wr(b, "xyz", 3);
	cr_assert_eq(zx_handle_close(b), ZX_OK);
	cr_assert_eq(signals_of(a), ZX_SOCKET_PEER_CLOSED | ZX_SOCKET_READABLE);
	cr_assert_eq(zx_socket_write(a, 0, "q", 1, NULL), ZX_ERR_PEER_CLOSED);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_PEER_CLOSED);
	cr_assert_eq(zx_socket_read(a, 0, big, 2, &n), ZX_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(zx_socket_read(a, 0, big, 2, &n), ZX_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(signals_of(a), ZX_SOCKET_PEER_CLOSED);
	cr_assert_eq(zx_socket_read(a, 0, big, 2, &n), ZX_ERR_PEER_CLOSED);
	zx_handle_close(a);
}

Test(stream, short_write_at_zircon_size)
{
	zx_handle_t a, b;
	zx_info_socket_t i;
	char *buf = calloc(1, MAXBUF + 1);
	size_t n = (size_t)-1, total = 0;

	mk(0, &a, &b);
	i = info(a);
	cr_assert_eq(i.rx_buf_max, MAXBUF);
	cr_assert_eq(i.tx_buf_max, MAXBUF);
	cr_assert_eq(zx_socket_write(a, 0, buf, MAXBUF + 1, &n), ZX_OK);
	cr_assert_eq(n, MAXBUF, "short write: %zu", n);
	cr_assert_eq(signals_of(a), 0, "full: not writable");
	n = 77;
	cr_assert_eq(zx_socket_write(a, 0, buf, 1, &n), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(n, 77, "actual untouched");
	i = info(b);
	cr_assert_eq(i.rx_buf_size, MAXBUF);
	cr_assert_eq(i.rx_buf_available, MAXBUF);
	cr_assert_eq(info(a).tx_buf_size, MAXBUF);
	/* One byte read makes it writable again; drain the rest. */
	cr_assert_eq(zx_socket_read(b, 0, buf, 1, &n), ZX_OK);
	cr_assert_eq(signals_of(a), ZX_SOCKET_WRITABLE);
	total = 1;
	while (zx_socket_read(b, 0, buf, 100000, &n) == ZX_OK)
		total += n;
	cr_assert_eq(total, MAXBUF);
	/* The ring wraps: write and read across the end twice over. */
	for (int round = 0; round < 8; round++) {
		size_t k = 100003;

		for (size_t j = 0; j < k; j++)
			buf[j] = (char)(j * 7 + round);
		wr(a, buf, k);
		memset(buf, 0, k);
		cr_assert_eq(zx_socket_read(b, 0, buf, k, &n), ZX_OK);
		cr_assert_eq(n, k);
		for (size_t j = 0; j < k; j++)
			cr_assert_eq(buf[j], (char)(j * 7 + round));
	}
	free(buf);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(stream, zero_size)
{
	zx_handle_t a, b;
	char c;
	size_t n = 5;

	mk(0, &a, &b);
	cr_assert_eq(zx_socket_read(a, 0, &c, 0, NULL), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_socket_write(a, 0, NULL, 0, &n), ZX_OK);
	cr_assert_eq(n, 0);
	cr_assert_eq(zx_socket_write(a, 0, "a", 1, NULL), ZX_OK);
	cr_assert_eq(zx_socket_read(b, 0, &c, 0, NULL), ZX_OK);
	cr_assert_eq(zx_socket_read(b, 0, &c, 0, NULL), ZX_OK);
	cr_assert_eq(info(b).rx_buf_size, 1);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* --- argument and handle checks, in Zircon's order ------------------- */

Test(order, write)
{
	zx_handle_t a, b, ro, ev;

	mk(0, &a, &b);
	ro = dup_rights(a, ZX_DEFAULT_SOCKET_RIGHTS & ~ZX_RIGHT_WRITE);
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	/* 1. NULL buffer, 2. options: before the handle. */
	cr_assert_eq(zx_socket_write(BOGUS, 0, NULL, 1, NULL),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_socket_write(BOGUS, 1, "a", 1, NULL),
	    ZX_ERR_INVALID_ARGS);
	/* 3. the lookup. */
	cr_assert_eq(zx_socket_write(BOGUS, 0, "a", 1, NULL),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_socket_write(ev, 0, "a", 1, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_socket_write(ro, 0, "a", 1, NULL),
	    ZX_ERR_ACCESS_DENIED);
	/* 7. over UINT32_MAX, after the lookup (the bytes are never
	 * touched). */
	cr_assert_eq(zx_socket_write(a, 0, "a", (size_t)UINT32_MAX + 1, NULL),
	    ZX_ERR_INVALID_ARGS);
	zx_handle_close(ro);
	zx_handle_close(ev);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(order, read)
{
	zx_handle_t a, b, wo, ev;
	char c;

	mk(0, &a, &b);
	wo = dup_rights(a, ZX_DEFAULT_SOCKET_RIGHTS & ~ZX_RIGHT_READ);
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_socket_read(BOGUS, 0, NULL, 1, NULL),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_socket_read(BOGUS, 1, &c, 1, NULL),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_socket_read(BOGUS, 0, &c, 1, NULL),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_socket_read(ev, 0, &c, 1, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_socket_read(wo, 0, &c, 1, NULL),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_socket_read(a, 0, &c, (size_t)UINT32_MAX + 1, NULL),
	    ZX_ERR_INVALID_ARGS);
	/* A handle with only WRITE still writes (its own fd). */
	wr(wo, "x", 1);
	cr_assert_eq(zx_socket_read(b, 0, &c, 1, NULL), ZX_OK);
	cr_assert_eq(c, 'x');
	zx_handle_close(wo);
	zx_handle_close(ev);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* A bad buffer is INVALID_ARGS, as Zircon's copy fault. */
Test(order, bad_buffers)
{
	zx_handle_t a, b;
	size_t n = 99, pg = 4096;
	char *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	char *none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);

	cr_assert(p != MAP_FAILED && ro != MAP_FAILED && none != MAP_FAILED);
	mk(0, &a, &b);
	cr_assert_eq(zx_socket_write(a, 0, none, 1, &n), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(signals_of(b), ZX_SOCKET_WRITABLE, "nothing queued");
	wr(a, "A", 1);
	cr_assert_eq(zx_socket_read(b, 0, ro, 1, &n), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(n, 99, "actual untouched");
	/* A partly bad write keeps what was copied before the fault. */
	cr_assert_eq(zx_socket_read(b, 0, p, 10, &n), ZX_OK);
	munmap(p + pg, pg);
	cr_assert_eq(zx_socket_write(a, 0, p, 2 * pg, &n),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(info(b).rx_buf_size, pg);
	cr_assert_eq(signals_of(b), ZX_SOCKET_WRITABLE | ZX_SOCKET_READABLE);
	munmap(p, 3 * pg);
	munmap(ro, pg);
	munmap(none, pg);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* --- datagrams ------------------------------------------------------- */

Test(datagram, truncation_and_available)
{
	zx_handle_t a, b;
	uint8_t big[4096], r[4096];
	size_t n;

	mk(ZX_SOCKET_DATAGRAM, &a, &b);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	wr(a, "12345", 5);
	wr(a, "abcdef", 6);
	wr(a, big, sizeof(big));
	cr_assert_eq(info(b).rx_buf_available, 5);
	cr_assert_eq(info(b).rx_buf_size, 5 + 6 + 4096);
	cr_assert_eq(info(b).options, ZX_SOCKET_DATAGRAM);
	cr_assert_eq(zx_socket_read(b, 0, r, 4, &n), ZX_OK);
	cr_assert_eq(n, 4);
	cr_assert_arr_eq(r, "1234", 4);
	cr_assert_eq(info(b).rx_buf_available, 6);
	cr_assert_eq(zx_socket_read(b, 0, r, sizeof(r), &n), ZX_OK);
	cr_assert_eq(n, 6);
	cr_assert_arr_eq(r, "abcdef", 6);
	cr_assert_eq(zx_socket_read(b, 0, r, sizeof(r), &n), ZX_OK);
	cr_assert_eq(n, 4096);
	cr_assert_arr_eq(r, big, 4096);
	cr_assert_eq(info(b).rx_buf_available, 0);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(datagram, peek)
{
	zx_handle_t a, b;
	char r[8];
	size_t n;

	mk(ZX_SOCKET_DATAGRAM, &a, &b);
	cr_assert_eq(zx_socket_read(a, ZX_SOCKET_PEEK, r, 1, NULL),
	    ZX_ERR_SHOULD_WAIT);
	wr(a, "12345", 5);
	wr(a, "abcdef", 6);
	cr_assert_eq(zx_socket_read(b, ZX_SOCKET_PEEK, r, 4, &n), ZX_OK);
	cr_assert_eq(n, 4);
	cr_assert_eq(zx_socket_read(b, ZX_SOCKET_PEEK, r, 5, &n), ZX_OK);
	cr_assert_eq(n, 5);
	cr_assert_arr_eq(r, "12345", 5);
	cr_assert_eq(zx_socket_read(b, 0, r, 5, &n), ZX_OK);
	cr_assert_eq(zx_socket_read(b, ZX_SOCKET_PEEK, r, 6, &n), ZX_OK);
	cr_assert_eq(n, 6);
	cr_assert_arr_eq(r, "abcdef", 6);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(datagram, no_short_write_and_limits)
{
	zx_handle_t a, b;
	size_t sz = 2 * MAXBUF, n = ~(size_t)0;
	char *buf = calloc(1, sz);
	char c;

	mk(ZX_SOCKET_DATAGRAM, &a, &b);
	cr_assert_eq(zx_socket_write(a, 0, buf, sz, &n), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(n, ~(size_t)0, "actual untouched");
	/* Exactly the limit fits, all or nothing; then it is full. */
	wr(a, buf, MAXBUF - 10);
	cr_assert_eq(zx_socket_write(a, 0, buf, 11, NULL),
	    ZX_ERR_SHOULD_WAIT);
	wr(a, buf, 10);
	cr_assert_eq(signals_of(a), 0);
	cr_assert_eq(zx_socket_write(a, 0, buf, 1, NULL), ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_socket_write(a, 0, buf, sz, NULL), ZX_ERR_SHOULD_WAIT,
	    "full comes before OUT_OF_RANGE");
	/* Zero-size reads consume nothing. */
	cr_assert_eq(zx_socket_read(b, 0, &c, 0, NULL), ZX_OK);
	cr_assert_eq(info(b).rx_buf_available, MAXBUF - 10);
	/* A consuming read into a bad buffer drops the datagram; a peek
	 * keeps it. */
	cr_assert_eq(zx_socket_read(b, ZX_SOCKET_PEEK, (void *)8, 1, NULL),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(info(b).rx_buf_available, MAXBUF - 10);
	cr_assert_eq(zx_socket_read(b, 0, (void *)8, 1, NULL),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(info(b).rx_buf_available, 10);
	cr_assert_eq(signals_of(a), ZX_SOCKET_WRITABLE);
	free(buf);
	zx_handle_close(a);
	zx_handle_close(b);
}

/* Many small datagrams through a ring that wraps. */
Test(datagram, reuse_buffer)
{
	zx_handle_t a, b;
	char w[300], r[300];
	size_t n;

	mk(ZX_SOCKET_DATAGRAM, &a, &b);
	for (int i = 0; i < 20000; i++) {
		size_t len = 1 + (size_t)(i * 37) % sizeof(w);

		memset(w, (char)i, len);
		wr(a, w, len);
		if (i % 3 == 2) {
			for (int k = 0; k < 3; k++)
				cr_assert_eq(zx_socket_read(b, 0, r, sizeof(r),
				    &n), ZX_OK);
		}
	}
	zx_handle_close(a);
	zx_handle_close(b);
}

/* --- dispositions ---------------------------------------------------- */

Test(disposition, checks)
{
	zx_handle_t a, b, d, ev;

	mk(0, &a, &b);
	d = dup_rights(a, ZX_DEFAULT_SOCKET_RIGHTS & ~ZX_RIGHT_MANAGE_SOCKET);
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_socket_set_disposition(BOGUS, 3, 0),
	    ZX_ERR_INVALID_ARGS, "values before the handle");
	cr_assert_eq(zx_socket_set_disposition(a, 0, 3), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_socket_set_disposition(a, 1337 & ~3u, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_socket_set_disposition(BOGUS, 1, 0),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_socket_set_disposition(ev, 1, 0), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_socket_set_disposition(d,
	    ZX_SOCKET_DISPOSITION_WRITE_DISABLED, 0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_socket_set_disposition(d, 0,
	    ZX_SOCKET_DISPOSITION_WRITE_DISABLED), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_socket_set_disposition(a, 0, 0), ZX_OK);
	cr_assert_eq(signals_of(a), ZX_SOCKET_WRITABLE);
	zx_handle_close(d);
	zx_handle_close(ev);
	zx_handle_close(a);
	zx_handle_close(b);
}

static void
disable_writes(bool local_off, bool remote_off)
{
	zx_handle_t l, r;
	zx_signals_t ls = ZX_SOCKET_WRITABLE, rs = ZX_SOCKET_WRITABLE;
	char buf[16];
	size_t n;

	mk(0, &l, &r);
	if (local_off) {
		wr(l, "12345", 5);
		rs |= ZX_SOCKET_READABLE;
	}
	if (remote_off) {
		wr(r, "abcdef", 6);
		ls |= ZX_SOCKET_READABLE;
	}
	if (local_off) {
		ls = (ls | ZX_SOCKET_WRITE_DISABLED) & ~ZX_SOCKET_WRITABLE;
		rs |= ZX_SOCKET_PEER_WRITE_DISABLED;
	}
	if (remote_off) {
		rs = (rs | ZX_SOCKET_WRITE_DISABLED) & ~ZX_SOCKET_WRITABLE;
		ls |= ZX_SOCKET_PEER_WRITE_DISABLED;
	}
	cr_assert_eq(zx_socket_set_disposition(l,
	    local_off ? ZX_SOCKET_DISPOSITION_WRITE_DISABLED : 0,
	    remote_off ? ZX_SOCKET_DISPOSITION_WRITE_DISABLED : 0), ZX_OK);
	cr_assert_eq(signals_of(l), ls);
	cr_assert_eq(signals_of(r), rs);
	if (local_off) {
		cr_assert_eq(zx_socket_write(l, 0, "x", 1, NULL),
		    ZX_ERR_BAD_STATE);
		cr_assert_eq(zx_socket_set_disposition(l,
		    ZX_SOCKET_DISPOSITION_WRITE_ENABLED, 0), ZX_ERR_BAD_STATE);
	} else {
		wr(l, "12345", 5);
		rs |= ZX_SOCKET_READABLE;
	}
	if (remote_off) {
		cr_assert_eq(zx_socket_write(r, 0, "x", 1, NULL),
		    ZX_ERR_BAD_STATE);
		cr_assert_eq(zx_socket_set_disposition(r,
		    ZX_SOCKET_DISPOSITION_WRITE_ENABLED, 0), ZX_ERR_BAD_STATE);
	} else {
		wr(r, "abcdef", 6);
		ls |= ZX_SOCKET_READABLE;
	}
	cr_assert_eq(signals_of(l), ls);
	cr_assert_eq(signals_of(r), rs);
	cr_assert_eq(zx_socket_read(l, 0, buf, sizeof(buf), &n), ZX_OK);
	cr_assert_eq(n, 6);
	cr_assert_eq(zx_socket_read(l, 0, buf, 1, NULL),
	    remote_off ? ZX_ERR_BAD_STATE : ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_socket_read(r, 0, buf, sizeof(buf), &n), ZX_OK);
	cr_assert_eq(n, 5);
	cr_assert_eq(zx_socket_read(r, 0, buf, 1, NULL),
	    local_off ? ZX_ERR_BAD_STATE : ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(zx_socket_set_disposition(l,
	    ZX_SOCKET_DISPOSITION_WRITE_ENABLED,
	    ZX_SOCKET_DISPOSITION_WRITE_ENABLED), ZX_OK);
	cr_assert_eq(signals_of(l), ZX_SOCKET_WRITABLE);
	cr_assert_eq(signals_of(r), ZX_SOCKET_WRITABLE);
	wr(l, "abcdef", 6);
	wr(r, "ghijklm", 7);
	cr_assert_eq(signals_of(l), ZX_SOCKET_WRITABLE | ZX_SOCKET_READABLE);
	cr_assert_eq(signals_of(r), ZX_SOCKET_WRITABLE | ZX_SOCKET_READABLE);
	zx_handle_close(l);
	zx_handle_close(r);
}

Test(disposition, disable_local) { disable_writes(true, false); }
Test(disposition, disable_peer) { disable_writes(false, true); }
Test(disposition, disable_both) { disable_writes(true, true); }

Test(disposition, closed_peer_with_buffered_data)
{
	zx_handle_t l, r;

	mk(0, &l, &r);
	wr(r, "12345", 5);
	cr_assert_eq(zx_socket_set_disposition(l, 0,
	    ZX_SOCKET_DISPOSITION_WRITE_DISABLED), ZX_OK);
	cr_assert_eq(zx_socket_set_disposition(l, 0,
	    ZX_SOCKET_DISPOSITION_WRITE_ENABLED), ZX_ERR_BAD_STATE);
	zx_handle_close(r);
	cr_assert_eq(zx_socket_set_disposition(l, 0,
	    ZX_SOCKET_DISPOSITION_WRITE_ENABLED), ZX_ERR_BAD_STATE);
	zx_handle_close(l);
}

/* --- thresholds ------------------------------------------------------ */

static void
set_thr(zx_handle_t h, uint32_t prop, size_t v, zx_status_t want)
{
	cr_assert_eq(zx_object_set_property(h, prop, &v, sizeof(v)), want,
	    "set %u = %zu", prop, v);
}

static size_t
get_thr(zx_handle_t h, uint32_t prop)
{
	size_t v = 12345;

	cr_assert_eq(zx_object_get_property(h, prop, &v, sizeof(v)), ZX_OK);
	return v;
}

Test(threshold, property_checks)
{
	zx_handle_t a, b, ev, np;
	size_t v = 1;
	uint32_t small = 1;

	mk(0, &a, &b);
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	set_thr(a, ZX_PROP_SOCKET_RX_THRESHOLD, 0, ZX_OK);
	set_thr(a, ZX_PROP_SOCKET_RX_THRESHOLD, 0xefffffff,
	    ZX_ERR_INVALID_ARGS);
	set_thr(a, ZX_PROP_SOCKET_TX_THRESHOLD, 0, ZX_OK);
	set_thr(a, ZX_PROP_SOCKET_TX_THRESHOLD, 0xefffffff,
	    ZX_ERR_INVALID_ARGS);
	set_thr(a, ZX_PROP_SOCKET_RX_THRESHOLD, MAXBUF, ZX_OK);
	set_thr(a, ZX_PROP_SOCKET_RX_THRESHOLD, MAXBUF + 1,
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_object_set_property(a, ZX_PROP_SOCKET_RX_THRESHOLD,
	    &small, sizeof(small)), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(zx_object_get_property(a, ZX_PROP_SOCKET_RX_THRESHOLD,
	    &small, sizeof(small)), ZX_ERR_BUFFER_TOO_SMALL);
	/* An event has no property rights: ACCESS_DENIED comes first. A
	 * VMO has them: WRONG_TYPE. */
	cr_assert_eq(zx_object_set_property(ev, ZX_PROP_SOCKET_RX_THRESHOLD,
	    &v, sizeof(v)), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_handle_close(ev), ZX_OK);
	cr_assert_eq(zx_vmo_create(4096, 0, &ev), ZX_OK);
	cr_assert_eq(zx_object_set_property(ev, ZX_PROP_SOCKET_RX_THRESHOLD,
	    &v, sizeof(v)), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_object_get_property(ev, ZX_PROP_SOCKET_TX_THRESHOLD,
	    &v, sizeof(v)), ZX_ERR_WRONG_TYPE);
	np = dup_rights(a, ZX_DEFAULT_SOCKET_RIGHTS & ~ZX_RIGHT_SET_PROPERTY);
	cr_assert_eq(zx_object_set_property(np, ZX_PROP_SOCKET_RX_THRESHOLD,
	    &v, sizeof(v)), ZX_ERR_ACCESS_DENIED);
	set_thr(a, ZX_PROP_SOCKET_TX_THRESHOLD, 1, ZX_OK);
	zx_handle_close(b);
	set_thr(a, ZX_PROP_SOCKET_TX_THRESHOLD, 1, ZX_ERR_PEER_CLOSED);
	zx_handle_close(np);
	zx_handle_close(ev);
	zx_handle_close(a);
}

Test(threshold, signals_walkthrough)
{
	zx_handle_t l, r, lc, rc;
	const size_t rx = 101;
	size_t wt, n;
	static char buf[MAXBUF];
	const zx_signals_t W = ZX_SOCKET_WRITABLE, R = ZX_SOCKET_READABLE,
	    RT = ZX_SOCKET_READ_THRESHOLD, WT = ZX_SOCKET_WRITE_THRESHOLD;

	mk(0, &l, &r);
	set_thr(l, ZX_PROP_SOCKET_RX_THRESHOLD, rx, ZX_OK);
	cr_assert_eq(get_thr(l, ZX_PROP_SOCKET_RX_THRESHOLD), rx);
	wt = info(r).tx_buf_max - (rx + 2);
	set_thr(r, ZX_PROP_SOCKET_TX_THRESHOLD, wt, ZX_OK);
	cr_assert_eq(get_thr(r, ZX_PROP_SOCKET_TX_THRESHOLD), wt);
	lc = dup_rights(l, ZX_RIGHT_SAME_RIGHTS);
	rc = dup_rights(r, ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(get_thr(lc, ZX_PROP_SOCKET_RX_THRESHOLD), rx);
	cr_assert_eq(get_thr(rc, ZX_PROP_SOCKET_TX_THRESHOLD), wt);
	cr_assert_eq(signals_of(l), W);
	cr_assert_eq(signals_of(lc), W);
	cr_assert_eq(signals_of(r), W | WT);
	cr_assert_eq(signals_of(rc), W | WT);
	wr(r, buf, rx - 1);
	cr_assert_eq(signals_of(l), W | R);
	cr_assert_eq(signals_of(r), W | WT);
	wr(r, buf, 1);
	cr_assert_eq(signals_of(l), W | R | RT);
	cr_assert_eq(signals_of(lc), W | R | RT);
	cr_assert_eq(signals_of(rc), W | WT);
	set_thr(l, ZX_PROP_SOCKET_RX_THRESHOLD, rx + 50, ZX_OK);
	cr_assert_eq(signals_of(l), W | R);
	cr_assert_eq(signals_of(lc), W | R);
	set_thr(l, ZX_PROP_SOCKET_RX_THRESHOLD, rx, ZX_OK);
	cr_assert_eq(signals_of(lc), W | R | RT);
	set_thr(r, ZX_PROP_SOCKET_TX_THRESHOLD, info(r).tx_buf_max - 10,
	    ZX_OK);
	cr_assert_eq(signals_of(r), W);
	set_thr(r, ZX_PROP_SOCKET_TX_THRESHOLD, wt, ZX_OK);
	cr_assert_eq(signals_of(rc), W | WT);
	n = wt - (rx + 1);
	wr(r, buf, n);
	cr_assert_eq(signals_of(l), W | R | RT);
	cr_assert_eq(signals_of(r), W);
	cr_assert_eq(signals_of(rc), W);
	cr_assert_eq(zx_socket_read(l, 0, buf, n + 10, &n), ZX_OK);
	cr_assert_eq(signals_of(l), W | R);
	cr_assert_eq(signals_of(r), W | WT);
	cr_assert_eq(signals_of(rc), W | WT);
	/* 0 disables and clears. */
	set_thr(r, ZX_PROP_SOCKET_TX_THRESHOLD, 0, ZX_OK);
	cr_assert_eq(signals_of(r), W);
	zx_handle_close(lc);
	zx_handle_close(rc);
	zx_handle_close(l);
	zx_handle_close(r);
}

/* --- info ------------------------------------------------------------ */

Test(info, checks)
{
	zx_handle_t a, b, ev, ni;
	zx_info_socket_t i;
	size_t actual = 9, avail = 9;

	mk(0, &a, &b);
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_object_get_info(ev, ZX_INFO_SOCKET, &i, sizeof(i),
	    NULL, NULL), ZX_ERR_WRONG_TYPE);
	ni = dup_rights(a, ZX_DEFAULT_SOCKET_RIGHTS & ~ZX_RIGHT_INSPECT);
	cr_assert_eq(zx_object_get_info(ni, ZX_INFO_SOCKET, &i, sizeof(i),
	    NULL, NULL), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_object_get_info(a, ZX_INFO_SOCKET, &i, 8, &actual,
	    &avail), ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(sizeof(zx_info_socket_t), 48);
	wr(a, "hello", 5);
	i = info(a);
	cr_assert_eq(i.options, 0);
	cr_assert_eq(i.rx_buf_size, 0);
	cr_assert_eq(i.tx_buf_size, 5);
	i = info(b);
	cr_assert_eq(i.rx_buf_size, 5);
	cr_assert_eq(i.rx_buf_available, 5);
	cr_assert_eq(i.tx_buf_size, 0);
	zx_handle_close(b);
	i = info(a);
	cr_assert_eq(i.tx_buf_max, 0, "peer closed: no tx");
	cr_assert_eq(i.tx_buf_size, 0);
	zx_handle_close(ni);
	zx_handle_close(ev);
	zx_handle_close(a);
}

/* --- waits ----------------------------------------------------------- */

Test(wait, wakes_on_data_space_and_close)
{
	zx_handle_t a, b;
	struct wait_thread w;
	char *buf = calloc(1, MAXBUF);
	size_t n;

	mk(0, &a, &b);
	wait_thread_start(&w, b, ZX_SOCKET_READABLE);
	wr(a, "x", 1);
	cr_assert_eq(wait_thread_join(&w), ZX_OK);
	cr_assert(w.seen & ZX_SOCKET_READABLE);
	/* WRITABLE comes back when the reader frees space. */
	cr_assert_eq(zx_socket_write(a, 0, buf, MAXBUF, &n), ZX_OK);
	wait_thread_start(&w, a, ZX_SOCKET_WRITABLE);
	cr_assert_eq(zx_socket_read(b, 0, buf, 10, &n), ZX_OK);
	cr_assert_eq(wait_thread_join(&w), ZX_OK);
	/* PEER_CLOSED wakes too; a timeout reports the state. */
	wait_thread_start(&w, a, ZX_SOCKET_PEER_CLOSED);
	zx_handle_close(b);
	cr_assert_eq(wait_thread_join(&w), ZX_OK);
	cr_assert_eq(w.seen, ZX_SOCKET_PEER_CLOSED);
	free(buf);
	zx_handle_close(a);
}

Test(wait, close_cancels_and_rights)
{
	zx_handle_t a, b, nw;
	struct wait_thread w;
	zx_signals_t s;

	mk(0, &a, &b);
	nw = dup_rights(a, ZX_DEFAULT_SOCKET_RIGHTS & ~ZX_RIGHT_WAIT);
	cr_assert_eq(zx_object_wait_one(nw, ZX_SOCKET_READABLE, 0, &s),
	    ZX_ERR_ACCESS_DENIED);
	wait_thread_start(&w, a, ZX_SOCKET_READABLE);
	zx_handle_close(a);
	cr_assert_eq(wait_thread_join(&w), ZX_ERR_CANCELED);
	cr_assert_eq(zx_object_wait_one(b, ZX_SOCKET_READABLE,
	    zx_deadline_after(5 * MS), &s), ZX_ERR_TIMED_OUT);
	zx_handle_close(nw);
	zx_handle_close(b);
}
