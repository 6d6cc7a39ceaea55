/* Virtual memory objects, Zircon's VmObjectDispatcher in miniature.
 *
 * A VMO is a window [offset, offset + size) on a piece of memory (struct
 * vmo_mem): a memfd today, physical memory later. A VMO made by
 * zx_vmo_create owns its memory; slices and references share their
 * parent's; snapshot children get a copy of their own. Clients reach the
 * bytes through descriptors of the memfd (vmo_get_fds); the daemon never
 * copies data for them. */
#ifndef ZXD_OBJECTS_VMO_H
#define ZXD_OBJECTS_VMO_H

#include <stdbool.h>
#include <stdint.h>

#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include "objects/object.h"
#include "proto/pages.h"

/* Zircon's largest VMO: ROUNDDOWN(UINT64_MAX, 2 * 16 pages), 2^64 - 128
 * KiB with 4 KiB pages. */
#define VMO_MAX_SIZE(page)	(UINT64_MAX & ~(UINT64_C(32) * (page) - 1))

/* struct vmo_mem.flags */
#define VMO_MEM_RESIZABLE	(1u << 0)
#define VMO_MEM_DISCARDABLE	(1u << 1)
#define VMO_MEM_UNBOUNDED	(1u << 2)
#define VMO_MEM_PHYSICAL	(1u << 3)	/* not paged: no clones, ... */
#define VMO_MEM_CONTIGUOUS	(1u << 4)
/* Charged for the pages it holds (fstat of its memfd), not its size:
 * all anonymous memory but contiguous memory, which is committed at
 * once and charged its size. */
#define VMO_MEM_BY_COMMIT	(1u << 5)

/* struct vmo.kind */
enum vmo_kind {
	VMO_ROOT,		/* owns its memory (zx_vmo_create, physical) */
	VMO_SLICE,
	VMO_REFERENCE,
	VMO_SNAPSHOT,		/* a copy-on-write clone (an eager copy) */
};

/* Who pays for a VMO's memory: the daemon's client record. objects/
 * only calls these. */
struct vmo_payer_ops {
	/* Take `bytes` more; ZX_ERR_NO_MEMORY over the payer's limit. */
	zx_status_t (*charge)(void *ctx, uint64_t bytes);
	void (*uncharge)(void *ctx, uint64_t bytes);
	/* Memory keeps a reference to its payer while it lives. */
	void (*ref)(void *ctx);
	void (*release)(void *ctx);
};

struct vmo_payer {
	const struct vmo_payer_ops *ops;	/* NULL: nobody pays */
	void *ctx;
};

/* A pinned range of a vmo_mem, in memory offsets. */
struct vmo_pin {
	uint64_t offset, len;
	struct vmo_pin *next;
};

/* Memory shared by a VMO, its slices and its references. */
struct vmo_mem {
	unsigned refcount;
	int fd;			/* the daemon's read-write memfd */
	uint64_t size;		/* size of the owner and its references */
	uint64_t file_limit;	/* the memfd's length: bytes past it read
				 * as zero and cannot be written */
	uint32_t flags;		/* VMO_MEM_* */
	uint64_t charged;	/* bytes charged to payer */
	struct vmo_payer payer;
	struct vmo_pin *pins;
	/* [committed_lo, committed_hi): found or made committed by a pin,
	 * and not handed back since (every punch and resize clears it),
	 * so that pinning a driver's buffer again asks Linux nothing. */
	uint64_t committed_lo, committed_hi;
	struct vmo *users;	/* VMOs over this memory (state pages) */
	struct vmo_mem *unbounded_next;	/* all unbounded memory */
	struct vmo_mem **unbounded_pprev;	/* what points at this one */
	/* The daemon's own mapping of [0, file_limit), made at the first
	 * simulated DMA that copies with a process's memory, or NULL. */
	void *dma_map;
	size_t dma_map_len;
	/* VMO_MEM_PHYSICAL: the memory is [paddr, paddr + size) of the
	 * physical address space, starting at fd offset paddr_fd_offset.
	 * Contiguous memory has such addresses too (has_paddr, from
	 * vmo_set_paddr); paddr_release, when set, gives them back as the
	 * memory dies. */
	uint64_t paddr;
	uint64_t paddr_fd_offset;
	bool has_paddr;
	void (*paddr_release)(uint64_t paddr, uint64_t size);
	uint64_t release_addr, release_size;
};

/* Content size, shared by a VMO and its references. */
struct vmo_content {
	unsigned refcount;
	uint64_t size;
};

struct vmar_mapping;

struct vmo {
	struct object obj;
	struct vmo_mem *mem;	/* a reference */
	enum vmo_kind kind;
	uint64_t offset;	/* where this VMO starts in mem */
	uint64_t slice_size;	/* VMO_SLICE: its fixed size */
	uint64_t snap_offset;	/* VMO_SNAPSHOT: where it started in its
				 * parent, for memory attribution */
	struct vmo_content *content;
	uint32_t cache_policy;
	bool immutable;		/* SNAPSHOT | NO_WRITE */
	unsigned lock_count;	/* discardable: ZX_VMO_OP_LOCK count */
	/* Zircon's VMO tree: a child does not keep its parent alive; when
	 * a VMO dies its children move to its parent. */
	struct vmo *parent;
	struct vmo *children;
	struct vmo *sib_prev, *sib_next;
	size_t num_children;
	/* Mapping records (objects/vmar.c), linked through vmo_next. */
	struct vmar_mapping *mappings;
	size_t num_mappings;
	struct vmo *mem_next;	/* next user of mem */
};

/* Zircon's attribution of v's committed pages in `info` (committed,
 * populated, private, scaled and fractional scaled bytes, metadata):
 * objects/vmo_attrib.c. */
void vmo_attribute(const struct vmo *v, zx_info_vmo_t *info);

/* The same for [off, off + len) of v (a mapping's range). */
struct vmo_attrib {
	uint64_t committed;	/* bytes committed in the range */
	uint64_t private_bytes;	/* of those, shared with no relative */
	uint64_t scaled;	/* each page's bytes over its sharers */
	uint64_t fraction;	/* and below a byte, in 1/2^63; UINT64_MAX
				 * when past the bounds (no sharing seen) */
};
void vmo_attribute_range(const struct vmo *v, uint64_t off, uint64_t len,
    struct vmo_attrib *a);

/* Zircon's share_count: how many address spaces (processes) map v. */
size_t vmo_share_count(const struct vmo *v);

/* The VMO o is, or NULL when it is none. */
struct vmo *vmo_of(struct object *o);

bool vmo_is(const struct object *o);

/* The system page size (what zx_system_get_page_size returns). */
uint64_t vmo_page_size(void);

/* VmObject::RoundSize: up to a page; ZX_ERR_OUT_OF_RANGE on overflow or
 * past VMO_MAX_SIZE. */
zx_status_t vmo_round_size(uint64_t size, uint64_t *ret);

/* zx_vmo_create: parse `options` and `size` as Zircon does and make a
 * VMO charged to `payer` (NULL: nobody). */
zx_status_t vmo_create(uint64_t size, uint32_t options,
    const struct vmo_payer *payer, struct vmo **ret);

/* A VMO over [offset, offset + size) of an existing fd (taken, also on
 * failure), for memory the daemon does not allocate (physical memory):
 * mem_flags are VMO_MEM_*; nobody is charged. */
zx_status_t vmo_create_on_fd(int fd, uint64_t offset, uint64_t size,
    uint32_t mem_flags, struct vmo **ret);

/*
 * zx_vmo_create_physical after the resource, size and address checks: a
 * VMO over physical [paddr, paddr + size) (page aligned, not empty, not
 * wrapping), whose bytes are [fd_offset, fd_offset + size) of `fd`, the
 * daemon's own descriptor of the region holding them (taken, also on
 * failure). Physical and contiguous, uncached, content size = size.
 * Nobody is charged: the memory is the device's. Clients never get a
 * descriptor of it from here (vmo_open refuses): the backend makes theirs.
 */
zx_status_t vmo_create_physical(int fd, uint64_t fd_offset, uint64_t paddr,
    uint64_t size, struct vmo **ret);

struct phys_peer;
/* zx_vmo_create_physical after the resource handle was looked up (it
 * needs no right): objects/vmo_physical.c. *ret_region names the
 * backend's region that holds it. */
zx_status_t vmo_physical_create(struct object *rsrc, uint64_t paddr,
    uint64_t size, struct vmo **ret, const char **ret_region);
/* zx_vmo_create_contiguous after the BTI handle was checked: `size`
 * bytes of physically contiguous memory aligned to 2^align_log2, charged
 * to payer. */
zx_status_t vmo_contiguous_create(uint64_t size, uint32_t align_log2,
    const struct vmo_payer *payer, struct vmo **ret);
/* A descriptor of physical VMO v's memory for `peer`, read-write when
 * `write`: the backend makes one per peer. */
zx_status_t vmo_physical_open(struct vmo *v, bool write,
    const struct phys_peer *peer, int *ret_fd);

/* The physical address of byte `offset` of physical VMO v (a slice's
 * offsets count from the slice), or of a VMO given one by
 * vmo_set_paddr. false when v has none, or offset lies past its end
 * (offset 0 always answers: the VMO's base). */
bool vmo_paddr(const struct vmo *v, uint64_t offset, uint64_t *paddr);

uint64_t vmo_size(const struct vmo *v);
uint64_t vmo_content_size(const struct vmo *v);
bool vmo_is_resizable(const struct vmo *v);
bool vmo_is_discardable(const struct vmo *v);
bool vmo_is_physical(const struct vmo *v);
/* Zircon's is_contiguous(): contiguous or physical memory. */
bool vmo_is_contiguous(const struct vmo *v);

/* zx_vmo_create_contiguous after its checks: `size` (not 0) is rounded
 * up, the memory committed at once; charged to `payer`. */
zx_status_t vmo_create_contiguous(uint64_t size,
    const struct vmo_payer *payer, struct vmo **ret);

/* Give memory that has no physical address of its own one (contiguous
 * VMOs, from objects/iommu.c): offset 0 of v is at `paddr`, and so is
 * every VMO over the same memory at its own offset; vmo_paddr answers
 * for them as for physical VMOs. `release` (may be NULL) gets (paddr,
 * v's size) back when the memory dies. */
void vmo_set_paddr(struct vmo *v, uint64_t paddr,
    void (*release)(uint64_t paddr, uint64_t size));

/* zx_vmo_set_size after the rights checks. */
zx_status_t vmo_set_size(struct vmo *v, uint64_t size);
/* zx_vmo_set_stream_size after the rights check. */
zx_status_t vmo_set_stream_size(struct vmo *v, uint64_t size);
/* Setting ZX_PROP_VMO_CONTENT_SIZE: any value; zeroes the tail. */
void vmo_set_content_size(struct vmo *v, uint64_t size);

/* zx_vmo_create_child after the size rounding, the NO_WRITE/RESIZABLE
 * check and the handle lookup: `options` without ZX_VMO_CHILD_NO_WRITE,
 * `size` rounded, `content_size` the caller's size. A snapshot's copy
 * is charged to `payer`. */
zx_status_t vmo_create_child(struct vmo *v, uint32_t options,
    uint64_t offset, uint64_t size, uint64_t content_size, bool copy_name,
    bool immutable, const struct vmo_payer *payer, struct vmo **ret);

/* zx_vmo_op_range: checks the rights each op needs itself. *lock_state
 * is filled for ZX_VMO_OP_LOCK. */
zx_status_t vmo_op_range(struct vmo *v, uint32_t op, uint64_t offset,
    uint64_t size, zx_rights_t rights, uint64_t buffer_size,
    zx_vmo_lock_state_t *lock_state);

/* zx_vmo_set_cache_policy after the mask and rights checks. */
zx_status_t vmo_set_cache_policy(struct vmo *v, uint32_t policy);

/* The descriptors for a client's data path: the read-only state page,
 * and, when `oflags` is not -1, the memory opened O_RDONLY, O_WRONLY or
 * O_RDWR. *ret_offset is where the VMO starts in the memory fd and
 * *ret_limit how far the fd reaches. */
zx_status_t vmo_get_fds(struct vmo *v, int oflags, int *ret_state_fd,
    int *ret_data_fd, uint64_t *ret_offset, uint64_t *ret_limit);

/* A new descriptor of the VMO's memory opened with `oflags` (O_RDONLY,
 * O_WRONLY or O_RDWR), for a mapping at vmo_fd_offset(v). Physical VMOs:
 * ZX_ERR_NOT_SUPPORTED (their clients' descriptors come from the
 * physical-memory backend, which knows who may hold what). */
zx_status_t vmo_open(struct vmo *v, int oflags, int *ret_fd);
uint64_t vmo_fd_offset(const struct vmo *v);
/* The daemon's mapping of m's memfd (kept until m goes), or NULL if it
 * cannot be mapped; *ret_len is its length. */
void *vmo_mem_map(struct vmo_mem *m, size_t *ret_len);

/* Pin [offset, offset + len) (page aligned, inside the VMO): its pages
 * are committed and stay; set_size, decommit and cache-policy changes
 * refuse to touch them. */
zx_status_t vmo_pin(struct vmo *v, uint64_t offset, uint64_t len);
/* Undo one vmo_pin of exactly that range. */
void vmo_unpin(struct vmo *v, uint64_t offset, uint64_t len);
bool vmo_any_pinned(const struct vmo *v, uint64_t offset, uint64_t len);

/* Bytes of memory the VMO holds itself (0 for slices and references). */
uint64_t vmo_committed_bytes(const struct vmo *v);

/* Memory held by `ctx`'s live unbounded VMOs, which are charged by what
 * they hold rather than by their size. */
uint64_t vmo_unbounded_bytes(const void *ctx);
/* The same, for every payer ctx for which mine(ctx, arg) holds. */
uint64_t vmo_held_bytes(bool (*mine)(const void *ctx, const void *arg),
    const void *arg);

/* ZX_INFO_VMO. */
void vmo_get_info_record(const struct vmo *v, zx_rights_t rights,
    zx_info_vmo_t *info);

/* Mapping bookkeeping (objects/vmar.c). */
void vmo_mapping_added(struct vmo *v, struct vmar_mapping *m);
void vmo_mapping_removed(struct vmo *v, struct vmar_mapping *m);

#endif
