/* The shared packet ring of a port: the layout the daemon and libzx
 * agree on (header only). doc/DATAPATH.md, "Ports", says why.
 *
 * A port's queue is one sequence of positions, claimed in order by the
 * daemon (signal, timer and interrupt packets, and user packets queued
 * through it) and by writers (zx_port_queue in any process) alike, with
 * a compare-and-swap on `tail`. Position pos lives in cell pos % CELLS
 * of one of two arrays, each in a memfd of its own so that the Linux
 * kernel enforces who may write what:
 *
 *  - the daemon's cells (struct port_kring): written by the daemon only;
 *    every holder with ZX_RIGHT_READ maps them read-only. A packet here
 *    is exactly what the daemon queued.
 *  - the writers' cells (struct port_uring): mapped read-write by
 *    holders with ZX_RIGHT_WRITE, read-only by the others. A consumer
 *    forces the type of a packet it takes from here to ZX_PKT_TYPE_USER,
 *    so no writer can forge a signal packet.
 *  - the control page (struct port_ctl): `tail`, the consumers' claim
 *    words, a hint of the front, the sleepers' count and the user-packet
 *    count; mapped read-write by holders with READ or WRITE.
 *
 * A cell's state word is (position << 2) | kind. The daemon writes a
 * packet, then READY(pos) in its cell. A writer writes the packet in its
 * cell, then CASes the state from what it was to READY(pos). A position is consumed once claim[cell] > pos:
 * a consumer copies a READY(pos) packet and claims it with CAS claim
 * (old -> pos + 1); the daemon cancels the same way, so exactly one of
 * them has it. A cell is free for position pos when pos - CELLS was
 * consumed. Positions never repeat, so a stale CAS fails.
 *
 * Consumers take positions in order: a claimed position whose state is
 * not READY yet (a writer between its claim and its READY) holds the
 * ones behind it. Before it claims, a writer names itself in the cell's
 * `owner` unless a rival for the same position did; after, it names
 * itself again, then reads the state, copies the packet and CASes
 * READY. The daemon gives a position up once the owner named there is
 * gone: CAS state -> ABANDONED(pos) (so a live writer never loses a
 * READY to it), then, if the owner word still names the dead one, it
 * frees the cell (claim). Otherwise the writer is alive and past its
 * second naming: it sees ABANDONED, stops writing, frees the cell
 * itself and claims a new position. Consumers skip an ABANDONED
 * position and never free its cell, so no writer's copy can tear a
 * packet of the cell's next turn.
 *
 * `tail` carries PORT_TAIL_HELD while the daemon holds packets behind
 * the ring (overflow): writers then queue through the daemon, which
 * keeps one order. The ring has fewer cells than the port's user-packet
 * limit, so no writer reaches the limit without the daemon, which
 * counts for itself and decides. The daemon trusts no word here.
 *
 * `pull` (in the daemon's page) is non-zero when the daemon holds
 * packets a consumer must ask for (PortPull): interrupt packets, which
 * come before everything on a ZX_PORT_BIND_TO_INTERRUPT port, or packets
 * that did not fit in the ring. Sleepers count themselves in `waiters`
 * and poll the port's wake socket, which the daemon writes, and its
 * eventfd, which writers write, after publishing while waiters > 0.
 */
#ifndef ZXD_PROTO_PORT_RING_H
#define ZXD_PROTO_PORT_RING_H

#include <stdint.h>

#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/types.h>

#define PORT_RING_SIZE		16384u	/* each array of cells */
#define PORT_RING_HDR		64u
#define PORT_RING_CELLS		((PORT_RING_SIZE - PORT_RING_HDR) / 64u)
#define PORT_CTL_SIZE		4096u

#define PORT_CELL_READY		1u
#define PORT_CELL_ABANDONED	2u
#define PORT_CELL(pos, kind)	(((uint64_t)(pos) << 2) | (kind))

/* Zircon's per-port limit: a queue call fails once more than this many
 * user packets are queued (so 4097 fit). */
#define PORT_MAX_USER_PACKETS	4096u

#define PORT_TAIL_HELD		(1ull << 63)

/* A writer's `owner` word: the low 40 bits of its position + 1, then
 * the pid the daemon knows it by (PortSetupReply.pid). */
#define PORT_OWNER_POS_SHIFT	24
#define PORT_OWNER_POS_MASK	((1ull << 40) - 1)
#define PORT_OWNER_PID_MASK	((1ull << PORT_OWNER_POS_SHIFT) - 1)
#define PORT_OWNER_TAG(pos)	(((uint64_t)(pos) + 1) & PORT_OWNER_POS_MASK)
#define PORT_OWNER(pos, pid)	((PORT_OWNER_TAG(pos) << PORT_OWNER_POS_SHIFT) | \
	((uint64_t)(pid) & PORT_OWNER_PID_MASK))

/* PortSetup's reply fds, in this order: the control page (read-write),
 * the writers' cells (read-write with ZX_RIGHT_WRITE, else read-only),
 * the writers' eventfd; and with ZX_RIGHT_READ the daemon's cells
 * (read-only) and the wake socket. */
#define PORT_SETUP_FDS		5

#define PORT_PULL_IRQ		1u	/* interrupt packets first */
#define PORT_PULL_OVERFLOW	2u	/* more behind the ring */

struct port_cell {
	_Atomic uint64_t state;
	_Atomic uint64_t owner;		/* writers' cells: PORT_OWNER() */
	zx_port_packet_t packet;
};

struct port_ctl {
	_Atomic uint64_t tail;		/* next position | PORT_TAIL_HELD */
	_Atomic uint64_t head;		/* a hint: the front */
	_Atomic uint32_t waiters;
	uint8_t reserved[PORT_RING_HDR - 20];
	_Atomic uint64_t claim[PORT_RING_CELLS];
};

struct port_kring {
	_Atomic uint32_t pull;
	uint32_t cells;
	uint8_t reserved[PORT_RING_HDR - 8];
	struct port_cell cell[PORT_RING_CELLS];
};

struct port_uring {
	uint8_t reserved[PORT_RING_HDR];
	struct port_cell cell[PORT_RING_CELLS];
};

_Static_assert(sizeof(struct port_cell) == 64, "cell layout");
_Static_assert(sizeof(struct port_kring) == PORT_RING_SIZE, "ring layout");
_Static_assert(sizeof(struct port_uring) == PORT_RING_SIZE, "ring layout");
_Static_assert(sizeof(struct port_ctl) <= PORT_CTL_SIZE, "ctl layout");
_Static_assert(sizeof(zx_port_packet_t) == 48, "packet layout");
_Static_assert(PORT_RING_CELLS <= PORT_MAX_USER_PACKETS,
    "the daemon decides the user-packet limit");

/* Whether position pos is consumed, given its cell's claim word. */
static inline int
port_consumed(uint64_t claim, uint64_t pos)
{
	return claim > pos;
}

/* Whether the cell of position pos is free (pos - CELLS consumed). */
static inline int
port_cell_free(uint64_t claim, uint64_t pos)
{
	return pos < PORT_RING_CELLS || claim > pos - PORT_RING_CELLS;
}

#endif
