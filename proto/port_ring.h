/* The shared packet ring of a port: the layout the daemon and libzx
 * agree on (header only).
 *
 * The daemon keeps every port's queue. The front of it is published in
 * a ring of cells in a memfd that every holder of a port handle with
 * ZX_RIGHT_READ maps read-write, so zx_port_wait takes a queued packet
 * with two compare-and-swaps and no round trip. Only the daemon
 * publishes; any consumer takes.
 *
 * A cell's state word is (position << 2) | kind. The daemon writes the
 * packet, then READY(pos), then advances `tail`. A consumer copies the
 * packet of a READY(pos) cell and claims it with CAS READY(pos) ->
 * TAKEN(pos); the daemon cancels a published packet with CAS READY(pos)
 * -> CANCELED(pos), so exactly one of the two wins. Positions never
 * repeat, so a consumer that stalled while a cell was reused fails its
 * CAS. `head` is only a hint of where to start looking.
 *
 * The daemon reclaims cells in order from its own private position: any
 * state other than READY(pos) counts as consumed, so a client that
 * scribbles on the ring loses packets of that port and nothing else.
 *
 * `pull` is non-zero when the daemon holds packets a consumer must ask
 * for (PortPull): interrupt packets, which come before everything on a
 * ZX_PORT_BIND_TO_INTERRUPT port, or packets that did not fit in the
 * ring. Sleepers count themselves in `waiters` and poll the port's
 * eventfd, which the daemon writes after publishing while waiters > 0.
 */
#ifndef ZXD_PROTO_PORT_RING_H
#define ZXD_PROTO_PORT_RING_H

#include <stdint.h>

#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/types.h>

#define PORT_RING_SIZE		16384u
#define PORT_RING_HDR		64u
#define PORT_RING_CELLS		((PORT_RING_SIZE - PORT_RING_HDR) / 64u)

#define PORT_CELL_READY		1u
#define PORT_CELL_TAKEN		2u
#define PORT_CELL_CANCELED	3u
#define PORT_CELL(pos, kind)	(((uint64_t)(pos) << 2) | (kind))

#define PORT_PULL_IRQ		1u	/* interrupt packets first */
#define PORT_PULL_OVERFLOW	2u	/* more behind the ring */

struct port_ring_cell {
	_Atomic uint64_t state;
	uint64_t reserved;
	zx_port_packet_t packet;
};

struct port_ring {
	_Atomic uint64_t head;
	_Atomic uint64_t tail;
	_Atomic uint32_t waiters;
	_Atomic uint32_t pull;
	uint32_t cells;
	uint8_t reserved[PORT_RING_HDR - 28];
	struct port_ring_cell cell[PORT_RING_CELLS];
};

_Static_assert(sizeof(struct port_ring_cell) == 64, "cell layout");
_Static_assert(sizeof(struct port_ring) == PORT_RING_SIZE, "ring layout");
_Static_assert(sizeof(zx_port_packet_t) == 48, "packet layout");

#endif
