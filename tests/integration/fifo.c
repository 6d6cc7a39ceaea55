/*
 * FIFOs against a real zxd: the cases of Zircon's core test fifo/fifo.cc
 * and every status of ZIRCON-2.md §2.5 in Zircon's order; elements move
 * between the clients through the rings (client/ring.c).
 */
#include "config-build.h"

#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "tests/lib/zxdcheck.h"


typedef struct {
	uint64_t a, b;
} elem_t;

static void
mk(size_t count, size_t size, zx_handle_t *a, zx_handle_t *b)
{
	zx_status_t st = zx_fifo_create(count, size, 0, a, b);

	cr_assert_eq(st, ZX_OK, "zx_fifo_create: %s",
	    zx_status_get_string(st));
}

Test(create, out_of_range_and_rights)
{
	zx_handle_t a = 5, b = 6;

	cr_assert_eq(zx_fifo_create(0, 0, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_fifo_create(0, 8, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_fifo_create(8, 0, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_fifo_create(128, 33, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_fifo_create(4097, 1, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_fifo_create(1, 4097, 0, &a, &b), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_fifo_create(0, 0, 1, &a, &b), ZX_ERR_OUT_OF_RANGE);
	cr_assert(a == 5 && b == 6, "outs untouched");
	cr_assert_eq(zx_fifo_create(8, 8, 0, NULL, &b), ZX_ERR_INVALID_ARGS);
	/* The limits themselves, and options ignored. */
	mk(4096, 1, &a, &b);
	zx_handle_close(a);
	zx_handle_close(b);
	mk(1, 4096, &a, &b);
	zx_handle_close(a);
	zx_handle_close(b);
	cr_assert_eq(zx_fifo_create(128, 32, 0x55, &a, &b), ZX_OK);
	assert_new_pair(a, b, ZX_OBJ_TYPE_FIFO, 0xF00Fu, ZX_FIFO_WRITABLE);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(rw, order_partial_and_signals)
{
	zx_handle_t a, b;
	elem_t e[8], r[8];
	size_t n = 77;

	mk(4, sizeof(elem_t), &a, &b);
	cr_assert_eq(zx_fifo_read(b, sizeof(elem_t), r, 1, &n),
	    ZX_ERR_SHOULD_WAIT);
	cr_assert_eq(n, 77);
	for (uint64_t i = 0; i < 8; i++)
		e[i] = (elem_t){ i, ~i };
	/* Sizes and counts are checked first. */
	cr_assert_eq(zx_fifo_write(a, sizeof(elem_t) + 1, e, 1, &n),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_fifo_write(a, sizeof(elem_t), e, 0, &n),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_fifo_read(b, sizeof(elem_t) - 1, r, 1, &n),
	    ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(zx_fifo_read(b, sizeof(elem_t), r, 0, &n),
	    ZX_ERR_OUT_OF_RANGE);
	/* A partial write queues what fits. */
	cr_assert_eq(zx_fifo_write(a, sizeof(elem_t), e, 3, &n), ZX_OK);
	cr_assert_eq(n, 3);
	cr_assert_eq(zx_fifo_write(a, sizeof(elem_t), e + 3, 5, &n), ZX_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(signals_of(a), 0, "full");
	cr_assert_eq(signals_of(b), ZX_FIFO_WRITABLE | ZX_FIFO_READABLE);
	cr_assert_eq(zx_fifo_write(a, sizeof(elem_t), e, 1, NULL),
	    ZX_ERR_SHOULD_WAIT);
	/* Individual reads keep the order; the writer is writable again. */
	cr_assert_eq(zx_fifo_read(b, sizeof(elem_t), r, 1, &n), ZX_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(r[0].a, 0);
	cr_assert_eq(signals_of(a), ZX_FIFO_WRITABLE);
	cr_assert_eq(zx_fifo_write(a, sizeof(elem_t), e + 4, 4, &n), ZX_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(zx_fifo_read(b, sizeof(elem_t), r, 8, &n), ZX_OK);
	cr_assert_eq(n, 4);
	for (uint64_t i = 0; i < 4; i++) {
		cr_assert_eq(r[i].a, i + 1);
		cr_assert_eq(r[i].b, ~(i + 1));
	}
	cr_assert_eq(signals_of(b), ZX_FIFO_WRITABLE);
	/* actual is optional. */
	cr_assert_eq(zx_fifo_write(a, sizeof(elem_t), e, 1, NULL), ZX_OK);
	cr_assert_eq(zx_fifo_read(b, sizeof(elem_t), r, 1, NULL), ZX_OK);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(rw, non_power_of_two_wraps)
{
	zx_handle_t a, b;
	uint8_t w[3 * 7], r[3 * 7];
	size_t n;

	mk(7, 3, &a, &b);
	for (int round = 0; round < 50; round++) {
		size_t k = 1 + (size_t)round % 7;

		for (size_t i = 0; i < 3 * k; i++)
			w[i] = (uint8_t)(round * 31 + i);
		cr_assert_eq(zx_fifo_write(a, 3, w, k, &n), ZX_OK);
		cr_assert_eq(n, k);
		cr_assert_eq(zx_fifo_read(b, 3, r, 7, &n), ZX_OK);
		cr_assert_eq(n, k);
		cr_assert_arr_eq(r, w, 3 * k);
	}
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(rw, peer_closed)
{
	zx_handle_t a, b;
	uint32_t v = 42, r;
	size_t n;

	mk(8, 4, &a, &b);
	cr_assert_eq(zx_fifo_write(b, 4, &v, 1, &n), ZX_OK);
	zx_handle_close(b);
	cr_assert_eq(signals_of(a), ZX_FIFO_READABLE | ZX_FIFO_PEER_CLOSED);
	/* PEER_CLOSED before the size checks on write. */
	cr_assert_eq(zx_fifo_write(a, 5, &v, 0, &n), ZX_ERR_PEER_CLOSED);
	cr_assert_eq(zx_fifo_read(a, 4, &r, 1, &n), ZX_OK);
	cr_assert_eq(r, 42);
	cr_assert_eq(signals_of(a), ZX_FIFO_PEER_CLOSED);
	cr_assert_eq(zx_fifo_read(a, 4, &r, 1, &n), ZX_ERR_PEER_CLOSED);
	cr_assert_eq(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_PEER_CLOSED);
	zx_handle_close(a);
}

Test(rw, handle_checks)
{
	zx_handle_t a, b, ev, ro, wo;
	uint32_t v = 1;

	mk(8, 4, &a, &b);
	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(a, ZX_DEFAULT_FIFO_RIGHTS &
	    ~ZX_RIGHT_WRITE, &ro), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(b, ZX_DEFAULT_FIFO_RIGHTS &
	    ~ZX_RIGHT_READ, &wo), ZX_OK);
	cr_assert_eq(zx_fifo_write(BOGUS, 4, &v, 1, NULL), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_fifo_write(ev, 4, &v, 1, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_fifo_write(ro, 4, &v, 1, NULL),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_fifo_write(ro, 5, &v, 0, NULL),
	    ZX_ERR_ACCESS_DENIED, "rights before sizes");
	cr_assert_eq(zx_fifo_read(BOGUS, 4, &v, 1, NULL), ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_fifo_read(ev, 4, &v, 1, NULL), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_fifo_read(wo, 4, &v, 1, NULL), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_fifo_write(wo, 4, &v, 1, NULL), ZX_OK);
	cr_assert_eq(zx_fifo_read(ro, 4, &v, 1, NULL), ZX_OK);
	zx_handle_close(ro);
	zx_handle_close(wo);
	zx_handle_close(ev);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(rw, bad_buffers_roll_back)
{
	zx_handle_t a, b;
	size_t pg = 4096, n = 99;
	uint8_t *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert(p != MAP_FAILED);
	mk(64, 64, &a, &b);
	cr_assert_eq(zx_fifo_write(a, 64, NULL, 1, &n), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_fifo_read(b, 64, p, 1, &n), ZX_ERR_SHOULD_WAIT);
	munmap(p + pg, pg);
	/* Half the elements come from a good page: all are rolled back. */
	cr_assert_eq(zx_fifo_write(a, 64, p + pg - 128, 4, &n),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(n, 99);
	cr_assert_eq(signals_of(b), ZX_FIFO_WRITABLE, "nothing queued");
	cr_assert_eq(zx_fifo_write(a, 64, p, 4, &n), ZX_OK);
	cr_assert_eq(zx_fifo_read(b, 64, NULL, 1, &n), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_fifo_read(b, 64, p + pg - 128, 4, &n),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_fifo_read(b, 64, p, 8, &n), ZX_OK);
	cr_assert_eq(n, 4, "the failed reads took nothing");
	munmap(p, pg);
	zx_handle_close(a);
	zx_handle_close(b);
}

Test(wait, readable_writable_closed)
{
	zx_handle_t a, b;
	struct wait_thread w;
	uint32_t v[2] = { 1, 2 };

	mk(2, 4, &a, &b);
	wait_thread_start(&w, b, ZX_FIFO_READABLE);
	cr_assert_eq(zx_fifo_write(a, 4, v, 2, NULL), ZX_OK);
	cr_assert_eq(wait_thread_join(&w), ZX_OK);
	wait_thread_start(&w, a, ZX_FIFO_WRITABLE);
	cr_assert_eq(zx_fifo_read(b, 4, v, 1, NULL), ZX_OK);
	cr_assert_eq(wait_thread_join(&w), ZX_OK);
	wait_thread_start(&w, a, ZX_FIFO_PEER_CLOSED);
	zx_handle_close(b);
	cr_assert_eq(wait_thread_join(&w), ZX_OK);
	cr_assert_eq(w.seen, ZX_FIFO_PEER_CLOSED);
	zx_handle_close(a);
}
