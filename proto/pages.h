/* Pages the daemon writes and libzx maps read-only: an object's signal
 * page (WaitSetup's fd), and for a VMO its state inside the same page
 * (VmoGetFd's first fd). */
#ifndef ZXD_PROTO_PAGES_H
#define ZXD_PROTO_PAGES_H

#include <stdint.h>

/* The signal page: its first 32-bit word is the object's signal state;
 * the second counts changes (of the first, and packets the daemon pushed
 * into a channel handle's delivery socket, doc/DATAPATH.md). Waiters read
 * the counter, then the state, and FUTEX_WAIT on the counter, so any
 * change after their look wakes them (no ABA on the state word). */
#define SIGPAGE_SIZE		4096
#define SIGPAGE_SIGNALS_OFFSET	0
#define SIGPAGE_SEQ_OFFSET	12	/* words 1, 2: strobes (objects/object.h) */
/* The same as indices of 32-bit words. */
#define ZXD_SIGPAGE_SIGNALS	(SIGPAGE_SIGNALS_OFFSET / 4)
#define ZXD_SIGPAGE_SEQ		(SIGPAGE_SEQ_OFFSET / 4)

/* A VMO's state, at VMO_SHARED_OFFSET of its signal page: the daemon
 * keeps it current, so size checks and zx_vmo_get_size cost no round
 * trip. */
#define VMO_SHARED_OFFSET	64
struct vmo_shared {
	uint64_t size;			/* zx_vmo_get_size */
	uint64_t content_size;		/* zx_vmo_get_stream_size */
	uint32_t cache_policy;
	uint32_t reserved;
};

/* VmoFdReply.flags: what the data path must know. */
#define VMO_FD_PHYSICAL		(1u << 0)	/* no zx_vmo_read, write */
#define VMO_FD_RESIZABLE	(1u << 1)

#endif
