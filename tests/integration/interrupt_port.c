/*
 * Virtual interrupts bound to ports against a real zxd: the port cases of
 * Zircon's interrupt-test.cc (NonBindablePort, BindTriggeredIrqToPort,
 * BindPort, UnBindPort, UntriggeredSignalPortsAndAck) and zx_interrupt_bind's
 * statuses in Zircon's order; and async waits on sockets and FIFOs, whose
 * data signals the daemon learns of through the rings' doorbell.
 */
#include "config-build.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>

#define BOGUS	((zx_handle_t)((1000000u << 2) | 3))
#define MS	1000000ll

static zx_handle_t
virq(void)
{
	zx_handle_t h;

	cr_assert_eq(zx_interrupt_create(ZX_HANDLE_INVALID, 0,
	    ZX_INTERRUPT_VIRTUAL, &h), ZX_OK);
	return h;
}

static zx_handle_t
port(uint32_t options)
{
	zx_handle_t h;
	zx_status_t st = zx_port_create(options, &h);

	cr_assert_eq(st, ZX_OK, "zx_port_create: %s",
	    zx_status_get_string(st));
	return h;
}

static zx_port_packet_t
next(zx_handle_t p, zx_status_t want)
{
	zx_port_packet_t pk;

	memset(&pk, 0xa5, sizeof(pk));
	cr_assert_eq(zx_port_wait(p, zx_deadline_after(want == ZX_OK ?
	    5000 * MS : 20 * MS), &pk), want);
	return pk;
}

Test(bind, checks_in_order)
{
	zx_handle_t irq = virq(), p = port(ZX_PORT_BIND_TO_INTERRUPT),
	    plain = port(0), ev, nr, nw;

	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(irq, ZX_DEFAULT_INTERRUPT_RIGHTS &
	    ~ZX_RIGHT_READ, &nr), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(p, (ZX_RIGHTS_BASIC &
	    ~ZX_RIGHT_WAIT) | ZX_RIGHT_READ, &nw), ZX_OK);
	cr_assert_eq(zx_interrupt_bind(BOGUS, BOGUS, 0, 2),
	    ZX_ERR_INVALID_ARGS, "options first");
	cr_assert_eq(zx_interrupt_bind(BOGUS, p, 0, ZX_INTERRUPT_BIND),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zx_interrupt_bind(ev, p, 0, ZX_INTERRUPT_BIND),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_interrupt_bind(nr, p, 0, ZX_INTERRUPT_BIND),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zx_interrupt_bind(irq, BOGUS, 0, ZX_INTERRUPT_BIND),
	    ZX_ERR_BAD_HANDLE, "the interrupt before the port");
	cr_assert_eq(zx_interrupt_bind(irq, ev, 0, ZX_INTERRUPT_BIND),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_interrupt_bind(irq, nw, 0, ZX_INTERRUPT_BIND),
	    ZX_ERR_ACCESS_DENIED);
	/* NonBindablePort */
	cr_assert_eq(zx_interrupt_bind(irq, plain, 0, ZX_INTERRUPT_BIND),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zx_interrupt_bind(irq, p, 1, ZX_INTERRUPT_BIND), ZX_OK);
	cr_assert_eq(zx_interrupt_bind(irq, p, 1, ZX_INTERRUPT_BIND),
	    ZX_ERR_ALREADY_BOUND);
	/* Bound: no zx_interrupt_wait. */
	cr_assert_eq(zx_interrupt_wait(irq, NULL), ZX_ERR_BAD_STATE);
	zx_handle_close(nr);
	zx_handle_close(nw);
	zx_handle_close(ev);
	zx_handle_close(plain);
	zx_handle_close(p);
	zx_handle_close(irq);
}

Test(bind, triggered_before_bind)
{
	zx_handle_t irq = virq(), p = port(ZX_PORT_BIND_TO_INTERRUPT);
	zx_port_packet_t pk;

	cr_assert_eq(zx_interrupt_trigger(irq, 0, 12345), ZX_OK);
	cr_assert_eq(zx_interrupt_bind(irq, p, 7, ZX_INTERRUPT_BIND), ZX_OK);
	pk = next(p, ZX_OK);
	cr_assert_eq(pk.key, 7);
	cr_assert_eq(pk.type, ZX_PKT_TYPE_INTERRUPT);
	cr_assert_eq(pk.status, ZX_OK);
	cr_assert_eq(pk.interrupt.timestamp, 12345);
	cr_assert_eq(pk.interrupt.reserved0, 0);
	zx_handle_close(p);
	zx_handle_close(irq);
}

Test(bind, packets_acks_and_destroy)
{
	zx_handle_t irq = virq(), p = port(ZX_PORT_BIND_TO_INTERRUPT);
	zx_port_packet_t pk;
	zx_signals_t s;

	cr_assert_eq(zx_interrupt_ack(irq), ZX_ERR_BAD_STATE, "unbound");
	cr_assert_eq(zx_interrupt_bind(irq, p, 42, ZX_INTERRUPT_BIND), ZX_OK);
	cr_assert_eq(zx_interrupt_ack(irq), ZX_OK, "idle: nothing to ack");
	cr_assert_eq(zx_interrupt_trigger(irq, 0, 1), ZX_OK);
	pk = next(p, ZX_OK);
	cr_assert_eq(pk.interrupt.timestamp, 1);
	/* One packet at a time: the next trigger waits for the ack. */
	cr_assert_eq(zx_interrupt_trigger(irq, 0, 2), ZX_OK);
	cr_assert_eq(zx_interrupt_trigger(irq, 0, 3), ZX_OK);
	next(p, ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_interrupt_ack(irq), ZX_OK);
	pk = next(p, ZX_OK);
	cr_assert_eq(pk.interrupt.timestamp, 2, "the first pending one");
	cr_assert_eq(zx_interrupt_ack(irq), ZX_OK);
	next(p, ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_object_wait_one(irq, ZX_VIRTUAL_INTERRUPT_UNTRIGGERED,
	    0, &s), ZX_OK, "idle again");
	cr_assert_eq(zx_interrupt_trigger(irq, 0, 4), ZX_OK);
	pk = next(p, ZX_OK);
	/* Destroyed after its packet was read: NOT_FOUND, then CANCELED. */
	cr_assert_eq(zx_interrupt_destroy(irq), ZX_ERR_NOT_FOUND);
	cr_assert_eq(zx_interrupt_ack(irq), ZX_ERR_CANCELED);
	cr_assert_eq(zx_interrupt_trigger(irq, 0, 5), ZX_ERR_CANCELED);
	cr_assert_eq(zx_interrupt_bind(irq, p, 0, ZX_INTERRUPT_UNBIND),
	    ZX_ERR_CANCELED);
	zx_handle_close(p);
	zx_handle_close(irq);
}

Test(bind, destroy_with_packet_queued)
{
	zx_handle_t irq = virq(), p = port(ZX_PORT_BIND_TO_INTERRUPT);

	cr_assert_eq(zx_interrupt_bind(irq, p, 1, ZX_INTERRUPT_BIND), ZX_OK);
	cr_assert_eq(zx_interrupt_trigger(irq, 0, 9), ZX_OK);
	cr_assert_eq(zx_interrupt_destroy(irq), ZX_OK, "packet removed");
	next(p, ZX_ERR_TIMED_OUT);
	zx_handle_close(p);
	zx_handle_close(irq);
}

Test(unbind, rules)
{
	zx_handle_t irq = virq(), p = port(ZX_PORT_BIND_TO_INTERRUPT),
	    p2 = port(ZX_PORT_BIND_TO_INTERRUPT);

	cr_assert_eq(zx_interrupt_bind(irq, p, 0, ZX_INTERRUPT_UNBIND),
	    ZX_ERR_NOT_FOUND, "not bound");
	cr_assert_eq(zx_interrupt_bind(irq, p, 1, ZX_INTERRUPT_BIND), ZX_OK);
	cr_assert_eq(zx_interrupt_bind(irq, p2, 0, ZX_INTERRUPT_UNBIND),
	    ZX_ERR_NOT_FOUND, "another port");
	cr_assert_eq(zx_interrupt_trigger(irq, 0, 5), ZX_OK);
	cr_assert_eq(zx_interrupt_bind(irq, p, 0, ZX_INTERRUPT_UNBIND), ZX_OK);
	next(p, ZX_ERR_TIMED_OUT);
	/* Unbound again: it may be bound to the other port. */
	cr_assert_eq(zx_interrupt_bind(irq, p2, 2, ZX_INTERRUPT_BIND), ZX_OK);
	zx_handle_close(p);
	zx_handle_close(p2);
	zx_handle_close(irq);
}

/* --- async waits on sockets and FIFOs ------------------------------- */

Test(async, socket_data_signals_reach_ports)
{
	zx_handle_t a, b, p = port(0);
	zx_port_packet_t pk;
	char buf[8];

	cr_assert_eq(zx_socket_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_object_wait_async(b, p, 1, ZX_SOCKET_READABLE, 0),
	    ZX_OK);
	next(p, ZX_ERR_TIMED_OUT);
	/* The write goes straight into the ring; the daemon hears of it
	 * through the doorbell and queues the packet. */
	cr_assert_eq(zx_socket_write(a, 0, "abc", 3, NULL), ZX_OK);
	pk = next(p, ZX_OK);
	cr_assert_eq(pk.key, 1);
	cr_assert_eq(pk.type, ZX_PKT_TYPE_SIGNAL_ONE);
	cr_assert(pk.signal.observed & ZX_SOCKET_READABLE);
	/* Level: registered while readable, it fires at once. */
	cr_assert_eq(zx_object_wait_async(b, p, 2, ZX_SOCKET_READABLE, 0),
	    ZX_OK);
	pk = next(p, ZX_OK);
	cr_assert_eq(pk.key, 2);
	/* Drained, then written again: a new rising edge. */
	cr_assert_eq(zx_socket_read(b, 0, buf, sizeof(buf), NULL), ZX_OK);
	cr_assert_eq(zx_object_wait_async(b, p, 3, ZX_SOCKET_READABLE, 0),
	    ZX_OK);
	next(p, ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_socket_write(a, 0, "d", 1, NULL), ZX_OK);
	pk = next(p, ZX_OK);
	cr_assert_eq(pk.key, 3);
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(p);
}

Test(async, fifo_writable_and_peer_closed)
{
	zx_handle_t a, b, p = port(0);
	zx_port_packet_t pk;
	uint32_t v[2] = { 1, 2 };

	cr_assert_eq(zx_fifo_create(2, 4, 0, &a, &b), ZX_OK);
	cr_assert_eq(zx_fifo_write(a, 4, v, 2, NULL), ZX_OK);
	cr_assert_eq(zx_object_wait_async(a, p, 5, ZX_FIFO_WRITABLE, 0),
	    ZX_OK);
	next(p, ZX_ERR_TIMED_OUT);
	cr_assert_eq(zx_fifo_read(b, 4, v, 1, NULL), ZX_OK);
	pk = next(p, ZX_OK);
	cr_assert_eq(pk.key, 5);
	cr_assert(pk.signal.observed & ZX_FIFO_WRITABLE);
	cr_assert_eq(zx_object_wait_async(a, p, 6, ZX_FIFO_PEER_CLOSED, 0),
	    ZX_OK);
	zx_handle_close(b);
	pk = next(p, ZX_OK);
	cr_assert_eq(pk.key, 6);
	zx_handle_close(a);
	zx_handle_close(p);
}

/* zx_object_wait_many sees socket and FIFO signals as the rings say. */
static void *
write_later(void *arg)
{
	usleep(30000);
	zx_socket_write(*(zx_handle_t *)arg, 0, "z", 1, NULL);
	return NULL;
}

Test(wait_many, sockets_and_fifos)
{
	zx_handle_t a, b, f0, f1;
	zx_wait_item_t it[2];
	pthread_t t;

	cr_assert_eq(zx_socket_create(0, &a, &b), ZX_OK);
	cr_assert_eq(zx_fifo_create(4, 4, 0, &f0, &f1), ZX_OK);
	it[0] = (zx_wait_item_t){ .handle = b, .waitfor = ZX_SOCKET_READABLE };
	it[1] = (zx_wait_item_t){ .handle = f1, .waitfor = ZX_FIFO_READABLE };
	cr_assert_eq(zx_object_wait_many(it, 2, 0), ZX_ERR_TIMED_OUT);
	cr_assert_eq(it[0].pending, ZX_SOCKET_WRITABLE);
	cr_assert_eq(it[1].pending, ZX_FIFO_WRITABLE);
	pthread_create(&t, NULL, write_later, &a);
	cr_assert_eq(zx_object_wait_many(it, 2, zx_deadline_after(5000 * MS)),
	    ZX_OK);
	pthread_join(t, NULL);
	cr_assert_eq(it[0].pending, ZX_SOCKET_WRITABLE | ZX_SOCKET_READABLE);
	cr_assert_eq(it[1].pending, ZX_FIFO_WRITABLE);
	zx_handle_close(a);
	zx_handle_close(b);
	zx_handle_close(f0);
	zx_handle_close(f1);
}
