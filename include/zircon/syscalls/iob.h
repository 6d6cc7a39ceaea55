/*
 * IOBuffers: region descriptions passed to zx_iob_create() and returned by
 * ZX_INFO_IOB_REGIONS.
 *
 * The structs cross the wire byte for byte, so their layout is fixed:
 * zx_iob_discipline_t is 72 bytes and zx_iob_region_t 120
 * (tests/unit/headers.c checks every offset). zx_iob_region_info_t, the
 * ZX_INFO_IOB_REGIONS record, is in <zircon/syscalls/object.h>.
 */
#ifndef ZIRCON_SYSCALLS_IOB_H
#define ZIRCON_SYSCALLS_IOB_H

#include <stdint.h>

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many regions per IOBuffer. */
#define ZX_IOB_MAX_REGIONS		64

/* Disciplines: how the kernel reads and writes a region for the caller. */

typedef uint64_t zx_iob_discipline_type_t;

/* A plain byte buffer; the kernel mediates nothing. */
#define ZX_IOB_DISCIPLINE_TYPE_NONE	((zx_iob_discipline_type_t)(0u))

/*
 * Blobs mapped to sequential ids, for zx_iob_allocate_id(). The region
 * starts with {uint32_t next_id; uint32_t blob_head;}, followed by one
 * {uint32_t size; uint32_t offset;} entry per id growing up, while the
 * blobs themselves are copied down from blob_head.
 */
#define ZX_IOB_DISCIPLINE_TYPE_ID_ALLOCATOR \
	((zx_iob_discipline_type_t)(1u))

/*
 * A ring buffer that many writers append to through zx_iob_writev(), each
 * entry headed by the writing endpoint's tag; one reader consumes it
 * through a mapping. Shared regions only.
 */
#define ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER \
	((zx_iob_discipline_type_t)(2u))

typedef struct zx_iob_discipline_mediated_write_ring_buffer {
	/* Written into the header of every entry this IOB appends. */
	uint64_t tag;
	uint64_t reserved[7];
} zx_iob_discipline_mediated_write_ring_buffer_t;

typedef struct zx_iob_discipline {
	zx_iob_discipline_type_t type;
	union {
		zx_iob_discipline_mediated_write_ring_buffer_t ring_buffer;
		uint64_t reserved[8];
	};
} zx_iob_discipline_t;

/* Region types: what backs a region and who owns it. */

typedef uint32_t zx_iob_region_type_t;

/* Memory owned by the IOBuffer alone, reachable only through it. */
#define ZX_IOB_REGION_TYPE_PRIVATE	((zx_iob_region_type_t)(0u))
/* Memory of a shared region (zx_iob_create_shared_region()), which many
 * IOBuffers may refer to. */
#define ZX_IOB_REGION_TYPE_SHARED	((zx_iob_region_type_t)(1u))

/*
 * Per-endpoint access to a region. "Mediated" access goes through the
 * discipline's syscalls rather than through a mapping. The EP1 bits are
 * the EP0 bits shifted up by four.
 */
typedef uint32_t zx_iob_access_t;

#define ZX_IOB_ACCESS_EP0_CAN_MAP_READ		((zx_iob_access_t)(1u << 0))
#define ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE		((zx_iob_access_t)(1u << 1))
#define ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ	((zx_iob_access_t)(1u << 2))
#define ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE	((zx_iob_access_t)(1u << 3))
#define ZX_IOB_ACCESS_EP1_CAN_MAP_READ		((zx_iob_access_t)(1u << 4))
#define ZX_IOB_ACCESS_EP1_CAN_MAP_WRITE		((zx_iob_access_t)(1u << 5))
#define ZX_IOB_ACCESS_EP1_CAN_MEDIATED_READ	((zx_iob_access_t)(1u << 6))
#define ZX_IOB_ACCESS_EP1_CAN_MEDIATED_WRITE	((zx_iob_access_t)(1u << 7))

/* The first published header used these names for the same bits. */
#define ZX_IOB_EP0_CAN_MAP_READ		ZX_IOB_ACCESS_EP0_CAN_MAP_READ
#define ZX_IOB_EP0_CAN_MAP_WRITE	ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE
#define ZX_IOB_EP0_CAN_MEDIATED_READ	ZX_IOB_ACCESS_EP0_CAN_MEDIATED_READ
#define ZX_IOB_EP0_CAN_MEDIATED_WRITE	ZX_IOB_ACCESS_EP0_CAN_MEDIATED_WRITE
#define ZX_IOB_EP1_CAN_MAP_READ		ZX_IOB_ACCESS_EP1_CAN_MAP_READ
#define ZX_IOB_EP1_CAN_MAP_WRITE	ZX_IOB_ACCESS_EP1_CAN_MAP_WRITE
#define ZX_IOB_EP1_CAN_MEDIATED_READ	ZX_IOB_ACCESS_EP1_CAN_MEDIATED_READ
#define ZX_IOB_EP1_CAN_MEDIATED_WRITE	ZX_IOB_ACCESS_EP1_CAN_MEDIATED_WRITE

/* ZX_IOB_REGION_TYPE_PRIVATE: options are zx_vmo_create() options. */
typedef struct zx_iob_region_private {
	uint32_t options;
	uint32_t padding1;
	uint64_t padding2[3];
} zx_iob_region_private_t;

/* ZX_IOB_REGION_TYPE_SHARED: the region's size is the shared region's. */
typedef struct zx_iob_region_shared {
	uint32_t options;
	zx_handle_t shared_region;
	uint64_t padding[3];
} zx_iob_region_shared_t;

typedef struct zx_iob_region {
	zx_iob_region_type_t type;
	zx_iob_access_t access;
	/* Rounded up to a page when the IOBuffer is created. */
	uint64_t size;
	zx_iob_discipline_t discipline;
	/* Per-type description, selected by type. */
	union {
		zx_iob_region_private_t private_region;
		zx_iob_region_shared_t shared_region;
		uint8_t max_extension[32];
	};
} zx_iob_region_t;

/* Options for zx_iob_allocate_id(); none are defined yet. */
typedef uint32_t zx_iob_allocate_id_options_t;

/* Options for zx_iob_writev(); none are defined yet. */
typedef uint64_t zx_iob_write_options_t;

/* zx_iob_create_shared_region() options; none are defined yet. */
typedef uint64_t zx_iob_create_shared_region_options_t;

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_SYSCALLS_IOB_H */
