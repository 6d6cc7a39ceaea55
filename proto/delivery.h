/* The packets zxd pushes into a channel handle's delivery socket
 * (doc/DATAPATH.md): a fixed binary layout, shared by zxd and libzx.
 *
 *   struct zxd_dlv_hdr
 *   struct zxd_dlv_handle[nhandles]
 *   nbytes of message bytes
 *   SCM_RIGHTS: one fd per handle not on a spare, in the order of the
 *   descriptions (a handle flagged ZXD_DLV_SPARE is on the reader's
 *   spare socket of inode `ino`: doc/DATAPATH.md, "Spare sockets")
 */
#ifndef ZXD_PROTO_DELIVERY_H
#define ZXD_PROTO_DELIVERY_H

#include <stdint.h>

/* A message, queued in order. */
#define ZXD_DLV_MSG		1u
/* More messages wait in the daemon, after the last packet here: ask it
 * (zx_channel_read by request). Carries nothing. */
#define ZXD_DLV_BACKLOG		2u

struct zxd_dlv_hdr {
	uint32_t kind;
	uint32_t nbytes;
	uint32_t nhandles;
	uint32_t reserved;
	/* nbytes and nhandles again, for the reader to scatter straight
	 * into its caller's actual_bytes and actual_handles: the kernel's
	 * copy-out checks those pointers (EFAULT) in the read itself, in
	 * Zircon's order (the counts, then the bytes). */
	uint32_t actual_bytes;
	uint32_t actual_handles;
};

_Static_assert(sizeof(struct zxd_dlv_hdr) == 24, "delivery header layout");

/* What the reader learns with each handle: what a HandleDesc says. */
#define ZXD_DLV_CLOSE_SYNC	1u
#define ZXD_DLV_SPARE		2u

struct zxd_dlv_handle {
	uint64_t koid;
	uint64_t related_koid;
	uint32_t type;
	uint32_t rights;
	uint32_t flags;
	uint32_t reserved;
	uint64_t ino;		/* its socket's client end (HandleDesc.ino) */
};

#endif
