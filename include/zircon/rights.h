/*
 * Handle rights: what a handle lets its holder do to the object.
 *
 * Bit positions and the default-rights combinations are Zircon's ABI.
 * The defaults are written as the combinations Zircon defines them as;
 * tests/unit/headers.c checks that they come out to the documented values.
 */
#ifndef ZIRCON_RIGHTS_H
#define ZIRCON_RIGHTS_H

#include <stdint.h>

typedef uint32_t zx_rights_t;

#define ZX_RIGHT_NONE			((zx_rights_t)0u)
#define ZX_RIGHT_DUPLICATE		((zx_rights_t)1u << 0)
#define ZX_RIGHT_TRANSFER		((zx_rights_t)1u << 1)
#define ZX_RIGHT_READ			((zx_rights_t)1u << 2)
#define ZX_RIGHT_WRITE			((zx_rights_t)1u << 3)
#define ZX_RIGHT_EXECUTE		((zx_rights_t)1u << 4)
#define ZX_RIGHT_MAP			((zx_rights_t)1u << 5)
#define ZX_RIGHT_GET_PROPERTY		((zx_rights_t)1u << 6)
#define ZX_RIGHT_SET_PROPERTY		((zx_rights_t)1u << 7)
#define ZX_RIGHT_ENUMERATE		((zx_rights_t)1u << 8)
#define ZX_RIGHT_DESTROY		((zx_rights_t)1u << 9)
#define ZX_RIGHT_SET_POLICY		((zx_rights_t)1u << 10)
#define ZX_RIGHT_GET_POLICY		((zx_rights_t)1u << 11)
#define ZX_RIGHT_SIGNAL			((zx_rights_t)1u << 12)
#define ZX_RIGHT_SIGNAL_PEER		((zx_rights_t)1u << 13)
#define ZX_RIGHT_WAIT			((zx_rights_t)1u << 14)
#define ZX_RIGHT_INSPECT		((zx_rights_t)1u << 15)
#define ZX_RIGHT_MANAGE_JOB		((zx_rights_t)1u << 16)
#define ZX_RIGHT_MANAGE_PROCESS		((zx_rights_t)1u << 17)
#define ZX_RIGHT_MANAGE_THREAD		((zx_rights_t)1u << 18)
#define ZX_RIGHT_APPLY_PROFILE		((zx_rights_t)1u << 19)
#define ZX_RIGHT_MANAGE_SOCKET		((zx_rights_t)1u << 20)
#define ZX_RIGHT_OP_CHILDREN		((zx_rights_t)1u << 21)
#define ZX_RIGHT_RESIZE			((zx_rights_t)1u << 22)
#define ZX_RIGHT_ATTACH_VMO		((zx_rights_t)1u << 23)
#define ZX_RIGHT_MANAGE_VMO		((zx_rights_t)1u << 24)
/* Not a right: asks zx_handle_duplicate/replace to keep the source's. */
#define ZX_RIGHT_SAME_RIGHTS		((zx_rights_t)1u << 31)

/* Groups. */
#define ZX_RIGHTS_BASIC \
	(ZX_RIGHT_TRANSFER | ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT | \
	    ZX_RIGHT_INSPECT)
#define ZX_RIGHTS_IO		(ZX_RIGHT_READ | ZX_RIGHT_WRITE)
#define ZX_RIGHTS_PROPERTY	(ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY)
#define ZX_RIGHTS_POLICY	(ZX_RIGHT_GET_POLICY | ZX_RIGHT_SET_POLICY)

/* Rights on the handle a create call returns. */

/* 0xD0EF; a resizable VMO also gets ZX_RIGHT_RESIZE. */
#define ZX_DEFAULT_VMO_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHTS_PROPERTY | ZX_RIGHT_MAP | \
	    ZX_RIGHT_SIGNAL)

/* 0xF0EF. WAIT is already in BASIC; Zircon spells it out anyway. */
#define ZX_DEFAULT_IOB_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHT_WAIT | ZX_RIGHTS_IO | ZX_RIGHTS_PROPERTY | \
	    ZX_RIGHT_MAP | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER)

/* 0xD0C3: a shared region is used through the IOBuffers over it; it is
 * neither mapped nor read or written through its own handle. */
#define ZX_DEFAULT_IOB_SHARED_REGION_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_PROPERTY | ZX_RIGHT_SIGNAL)

/* 0x8003: IOMMUs cannot be waited on. */
#define ZX_DEFAULT_IOMMU_RIGHTS	(ZX_RIGHTS_BASIC & ~ZX_RIGHT_WAIT)

/* 0x80EF */
#define ZX_DEFAULT_BTI_RIGHTS \
	((ZX_RIGHTS_BASIC & ~ZX_RIGHT_WAIT) | ZX_RIGHTS_IO | \
	    ZX_RIGHTS_PROPERTY | ZX_RIGHT_MAP)

/* 0x8000 */
#define ZX_DEFAULT_PMT_RIGHTS	(ZX_RIGHT_INSPECT)

/* 0x800B */
#define ZX_DEFAULT_RESOURCE_RIGHTS \
	(ZX_RIGHT_TRANSFER | ZX_RIGHT_DUPLICATE | ZX_RIGHT_WRITE | \
	    ZX_RIGHT_INSPECT)

/* 0xD003 */
#define ZX_DEFAULT_EVENT_RIGHTS	(ZX_RIGHTS_BASIC | ZX_RIGHT_SIGNAL)

/* 0xF003 */
#define ZX_DEFAULT_EVENTPAIR_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER)

/* 0xF00E: channel endpoints cannot be duplicated. */
#define ZX_DEFAULT_CHANNEL_RIGHTS \
	((ZX_RIGHTS_BASIC & ~ZX_RIGHT_DUPLICATE) | ZX_RIGHTS_IO | \
	    ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER)

/*
 * 0x208003. A real VMAR handle also carries READ, WRITE and EXECUTE for
 * each ZX_VM_CAN_MAP_* flag it was created with.
 */
#define ZX_DEFAULT_VMAR_RIGHTS \
	((ZX_RIGHTS_BASIC & ~ZX_RIGHT_WAIT) | ZX_RIGHT_OP_CHILDREN)

/* 0x800F: ports cannot be waited on. */
#define ZX_DEFAULT_PORT_RIGHTS \
	((ZX_RIGHTS_BASIC & ~ZX_RIGHT_WAIT) | ZX_RIGHTS_IO)

/* 0xD00B */
#define ZX_DEFAULT_TIMER_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHT_WRITE | ZX_RIGHT_SIGNAL)

/* 0x10F0CF */
#define ZX_DEFAULT_SOCKET_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_GET_PROPERTY | \
	    ZX_RIGHT_SET_PROPERTY | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER | \
	    ZX_RIGHT_MANAGE_SOCKET)

/* 0xF00F */
#define ZX_DEFAULT_FIFO_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_SIGNAL | ZX_RIGHT_SIGNAL_PEER)

/* 0xD00F */
#define ZX_DEFAULT_INTERRUPT_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_SIGNAL)

/* 0xD00F */
#define ZX_DEFAULT_PCI_INTERRUPT_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_SIGNAL)

/* 0xC00F */
#define ZX_DEFAULT_PCI_DEVICE_RIGHTS	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO)

/* 0xC003 */
#define ZX_DEFAULT_MSI_RIGHTS		(ZX_RIGHTS_BASIC)

/* 0xD00B */
#define ZX_DEFAULT_LOG_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHT_WRITE | ZX_RIGHT_SIGNAL)

/* 0xD00F: the creator decides whether duplicates keep SIGNAL. */
#define ZX_DEFAULT_CLOCK_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_SIGNAL)

/* 0xD00F */
#define ZX_DEFAULT_COUNTER_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_SIGNAL)

/* 0xD0C3 */
#define ZX_DEFAULT_STREAM_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_PROPERTY | ZX_RIGHT_SIGNAL)

/* 0x6D3CF */
#define ZX_DEFAULT_PROCESS_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHTS_PROPERTY | \
	    ZX_RIGHT_ENUMERATE | ZX_RIGHT_DESTROY | ZX_RIGHT_SIGNAL | \
	    ZX_RIGHT_MANAGE_PROCESS | ZX_RIGHT_MANAGE_THREAD)

/* 0x4D2CF */
#define ZX_DEFAULT_THREAD_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHTS_PROPERTY | \
	    ZX_RIGHT_DESTROY | ZX_RIGHT_SIGNAL | ZX_RIGHT_MANAGE_THREAD)

/* 0x7DFCF */
#define ZX_DEFAULT_JOB_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHTS_PROPERTY | \
	    ZX_RIGHTS_POLICY | ZX_RIGHT_ENUMERATE | ZX_RIGHT_DESTROY | \
	    ZX_RIGHT_SIGNAL | ZX_RIGHT_MANAGE_JOB | ZX_RIGHT_MANAGE_PROCESS | \
	    ZX_RIGHT_MANAGE_THREAD)

/* The task rights Starnix gives its processes and threads. */
#define ZX_DEFAULT_STARNIX_TASK_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHTS_PROPERTY | \
	    ZX_RIGHT_DESTROY | ZX_RIGHT_SIGNAL | ZX_RIGHT_MANAGE_THREAD)

#define ZX_DEFAULT_PROFILE_RIGHTS \
	((ZX_RIGHTS_BASIC & ~ZX_RIGHT_WAIT) | ZX_RIGHT_APPLY_PROFILE)

#define ZX_DEFAULT_SUSPEND_TOKEN_RIGHTS	(ZX_RIGHT_TRANSFER | ZX_RIGHT_INSPECT)

#define ZX_DEFAULT_PAGER_RIGHTS \
	(ZX_RIGHT_INSPECT | ZX_RIGHT_TRANSFER | ZX_RIGHT_ATTACH_VMO | \
	    ZX_RIGHT_MANAGE_VMO)

#define ZX_DEFAULT_EXCEPTION_RIGHTS \
	(ZX_RIGHT_TRANSFER | ZX_RIGHTS_PROPERTY | ZX_RIGHT_INSPECT)

#define ZX_DEFAULT_GUEST_RIGHTS \
	(ZX_RIGHT_TRANSFER | ZX_RIGHT_DUPLICATE | ZX_RIGHT_WRITE | \
	    ZX_RIGHT_INSPECT | ZX_RIGHT_MANAGE_THREAD)

#define ZX_DEFAULT_VCPU_RIGHTS \
	(ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHT_EXECUTE | ZX_RIGHT_SIGNAL)

/* The low-memory system events. */
#define ZX_DEFAULT_SYSTEM_EVENT_LOW_MEMORY_RIGHTS \
	(ZX_RIGHT_WAIT | ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER)

#endif /* ZIRCON_RIGHTS_H */
