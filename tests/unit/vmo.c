/* objects/vmo.c and objects/vmar.c without a daemon: accounting, pins,
 * VMOs over existing memory, mapping records and the pure part of
 * zx_vmar_map. */
#include "config-build.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "backends/anon.h"
#include "objects/vmar.h"
#include "objects/vmo.h"

#define PAGE	vmo_page_size()

struct fake_payer {
	uint64_t used, limit;
	int refs;
};

static zx_status_t
fake_charge(void *ctx, uint64_t bytes)
{
	struct fake_payer *p = ctx;

	if (p->used + bytes > p->limit)
		return ZX_ERR_NO_MEMORY;
	p->used += bytes;
	return ZX_OK;
}

static void
fake_uncharge(void *ctx, uint64_t bytes)
{
	((struct fake_payer *)ctx)->used -= bytes;
}

static void
fake_ref(void *ctx)
{
	((struct fake_payer *)ctx)->refs++;
}

static void
fake_release(void *ctx)
{
	((struct fake_payer *)ctx)->refs--;
}

static const struct vmo_payer_ops fake_ops = {
	fake_charge, fake_uncharge, fake_ref, fake_release,
};

static struct vmo *
make(uint64_t size, uint32_t options)
{
	struct vmo *v = NULL;

	cr_assert_eq(vmo_create(size, options, NULL, &v), ZX_OK);
	return v;
}

/* Paged memory is charged for what it holds (vmo_held_bytes, what the
 * daemon adds to its checks), not its size; the payer is asked before
 * the daemon commits pages itself. Contiguous memory costs its size. */
Test(vmo_unit, accounting)
{
	struct fake_payer fp = { .limit = 8 * PAGE };
	struct vmo_payer payer = { &fake_ops, &fp };
	struct vmo *v, *w, *c;
	char data[16] = "held";

	cr_assert_eq(vmo_create(4 * PAGE, ZX_VMO_RESIZABLE, &payer, &v),
	    ZX_OK);
	cr_assert_eq(fp.used, 0);
	cr_assert_eq(fp.refs, 1);
	cr_assert_eq(vmo_unbounded_bytes(&fp), 0);
	/* Creating and growing commit nothing. */
	cr_assert_eq(vmo_create(1ull << 40, 0, &payer, &w), ZX_OK);
	cr_assert_eq(fp.refs, 2);
	cr_assert_eq(vmo_set_size(v, 9 * PAGE), ZX_OK);
	cr_assert_eq(fp.used, 0);
	/* Committing asks first. */
	cr_assert_eq(vmo_op_range(w, ZX_VMO_OP_COMMIT, 0, 9 * PAGE,
	    ZX_RIGHT_WRITE, 0, NULL), ZX_ERR_NO_MEMORY);
	cr_assert_eq(vmo_op_range(w, ZX_VMO_OP_COMMIT, PAGE, 2 * PAGE,
	    ZX_RIGHT_WRITE, 0, NULL), ZX_OK);
	cr_assert_eq(fp.used, 0);
	cr_assert_eq(vmo_unbounded_bytes(&fp), 2 * PAGE);
	cr_assert_eq(vmo_unbounded_bytes(NULL), 0);
	object_unref(&w->obj);
	cr_assert_eq(vmo_unbounded_bytes(&fp), 0);
	/* A snapshot is charged to whoever asks for it, for the data it
	 * copies. */
	cr_assert_eq(pwrite(vmo_mem_fd(v->mem), data, sizeof(data), 0),
	    (ssize_t)sizeof(data));
	cr_assert_eq(vmo_create_child(v, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE, PAGE,
	    false, false, &payer, &c), ZX_OK);
	cr_assert_eq(fp.refs, 2);
	cr_assert_eq(vmo_unbounded_bytes(&fp), 2 * PAGE);
	object_unref(&c->obj);
	object_unref(&v->obj);
	cr_assert_eq(fp.used, 0);
	cr_assert_eq(fp.refs, 0);
}

Test(vmo_unit, pins)
{
	struct vmo *v = make(4 * PAGE, ZX_VMO_RESIZABLE), *s;
	char buf[4] = "pin", back[4];
	int fd;

	cr_assert_eq(vmo_pin(v, 0, 0), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmo_pin(v, 1, PAGE), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmo_pin(v, 4 * PAGE, PAGE), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(vmo_pin(v, 2 * PAGE, PAGE), ZX_OK);
	cr_assert(vmo_any_pinned(v, 2 * PAGE, 1));
	cr_assert_not(vmo_any_pinned(v, 0, 2 * PAGE));
	/* Pinned pages are committed and stay. */
	cr_assert_eq(vmo_committed_bytes(v), PAGE);
	cr_assert_eq(vmo_set_size(v, 2 * PAGE), ZX_ERR_BAD_STATE);
	cr_assert_eq(vmo_set_size(v, 3 * PAGE), ZX_OK);
	cr_assert_eq(vmo_op_range(v, ZX_VMO_OP_DECOMMIT, 0, 3 * PAGE,
	    ZX_RIGHT_WRITE, 0, NULL), ZX_ERR_BAD_STATE);
	cr_assert_eq(vmo_set_cache_policy(v, ZX_CACHE_POLICY_UNCACHED),
	    ZX_ERR_BAD_STATE);
	/* Zeroing a pinned page zeroes it in place. */
	cr_assert_eq(vmo_open(v, O_RDWR, &fd), ZX_OK);
	cr_assert_eq(pwrite(fd, buf, 4, 2 * PAGE), 4);
	cr_assert_eq(vmo_op_range(v, ZX_VMO_OP_ZERO, 2 * PAGE, PAGE,
	    ZX_RIGHT_WRITE, 0, NULL), ZX_OK);
	cr_assert_eq(pread(fd, back, 4, 2 * PAGE), 4);
	cr_assert_arr_eq(back, "\0\0\0\0", 4);
	cr_assert_eq(vmo_committed_bytes(v), PAGE);
	/* A pin through a slice is a pin of the memory. */
	object_unref(&v->obj);
	v = make(4 * PAGE, 0);
	cr_assert_eq(vmo_create_child(v, ZX_VMO_CHILD_SLICE, PAGE, 2 * PAGE,
	    2 * PAGE, false, false, NULL, &s), ZX_OK);
	cr_assert_eq(vmo_pin(s, PAGE, PAGE), ZX_OK);
	cr_assert(vmo_any_pinned(v, 2 * PAGE, PAGE));
	vmo_unpin(s, PAGE, PAGE);
	cr_assert_not(vmo_any_pinned(v, 0, 4 * PAGE));
	close(fd);
	object_unref(&s->obj);
	object_unref(&v->obj);
}

Test(vmo_unit, on_fd)
{
	struct vmo *v, *s, *c;
	char back[6];
	zx_info_vmo_t info;
	uint64_t off, lim;
	int fd, sfd, dfd;

	cr_assert_eq(anon_memfd_new("unit", 8 * PAGE, &fd), 0);
	cr_assert_eq(pwrite(fd, "window", 6, 3 * PAGE), 6);
	cr_assert_eq(vmo_create_on_fd(fd, PAGE, 2 * PAGE, 0, &v), ZX_OK);
	cr_assert_eq(vmo_size(v), 2 * PAGE);
	cr_assert_eq(vmo_get_fds(v, O_RDONLY, &sfd, &dfd, &off, &lim), ZX_OK);
	/* The window, and how far it reaches in the fd. */
	cr_assert_eq(off, PAGE);
	cr_assert_eq(lim, 3 * PAGE);
	cr_assert_eq(pread(dfd, back, 6, off + 2 * PAGE), 6);
	cr_assert_arr_eq(back, "window", 6);
	close(sfd);
	close(dfd);
	object_unref(&v->obj);

	cr_assert_eq(anon_memfd_new("unit", 8 * PAGE, &fd), 0);
	cr_assert_eq(pwrite(fd, "window", 6, 3 * PAGE), 6);
	cr_assert_eq(vmo_create_on_fd(fd, 2 * PAGE, 4 * PAGE,
	    VMO_MEM_PHYSICAL, &v), ZX_OK);
	vmo_get_info_record(v, 0, &info);
	cr_assert_eq(ZX_INFO_VMO_TYPE(info.flags), ZX_INFO_VMO_TYPE_PHYSICAL);
	cr_assert_eq(vmo_set_size(v, PAGE), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(vmo_create_child(v, ZX_VMO_CHILD_SNAPSHOT, 0, PAGE, PAGE,
	    false, false, NULL, &c), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(vmo_create_child(v, ZX_VMO_CHILD_REFERENCE, 0, 0, 0,
	    false, false, NULL, &c), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(vmo_set_cache_policy(v, ZX_CACHE_POLICY_UNCACHED_DEVICE),
	    ZX_OK);
	/* A physical VMO may be sliced whatever its cache policy. */
	cr_assert_eq(vmo_create_child(v, ZX_VMO_CHILD_SLICE, PAGE, PAGE, PAGE,
	    false, false, NULL, &s), ZX_OK);
	/* Clients' descriptors of physical memory come from the backend
	 * (sys_vmo_open), never from vmo_open. */
	cr_assert_eq(vmo_get_fds(s, O_RDONLY, &sfd, &dfd, &off, &lim),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(vmo_get_fds(s, -1, &sfd, &dfd, &off, &lim), ZX_OK);
	cr_assert_eq(dfd, -1);
	cr_assert_eq(pread(vmo_mem_fd(s->mem), back, 6, off), 6);
	cr_assert_arr_eq(back, "window", 6);
	close(sfd);
	object_unref(&s->obj);
	object_unref(&v->obj);
	cr_assert_eq(vmo_create_on_fd(-1, 1, PAGE, 0, &v),
	    ZX_ERR_INVALID_ARGS);
}

Test(vmo_unit, mapping_records)
{
	struct vmo *v = make(8 * PAGE, 0);
	struct vmar *a, *b;
	zx_info_vmo_t info;

	cr_assert_eq(vmar_root_new(1, &a), ZX_OK);
	cr_assert_eq(vmar_root_new(2, &b), ZX_OK);
	cr_assert_eq(vmar_map_record(a, 0, PAGE, v, 0, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmar_map_record(a, VMAR_ROOT_BASE, 4 * PAGE, v, 0,
	    ZX_VM_PERM_READ), ZX_OK);
	vmo_get_info_record(v, 0, &info);
	cr_assert_eq(info.num_mappings, 1);
	cr_assert_eq(info.share_count, 1);
	/* A hole in the middle splits the record. */
	cr_assert_eq(vmar_unmap_record(a, VMAR_ROOT_BASE + PAGE, PAGE), ZX_OK);
	cr_assert_eq(a->num_mappings, 2);
	cr_assert_eq(a->mappings->len, PAGE);
	cr_assert_eq(a->mappings->next->addr, VMAR_ROOT_BASE + 2 * PAGE);
	cr_assert_eq(a->mappings->next->vmo_offset, 2 * PAGE);
	/* Trimming at either end. */
	cr_assert_eq(vmar_unmap_record(a, VMAR_ROOT_BASE + 3 * PAGE, 8 * PAGE),
	    ZX_OK);
	cr_assert_eq(a->mappings->next->len, PAGE);
	cr_assert_eq(vmar_unmap_record(a, 0, VMAR_ROOT_BASE + PAGE / 2),
	    ZX_OK);
	cr_assert_eq(a->mappings->addr, VMAR_ROOT_BASE + PAGE / 2);
	cr_assert_eq(vmar_map_record(b, VMAR_ROOT_BASE, PAGE, v, 0, 0), ZX_OK);
	vmo_get_info_record(v, 0, &info);
	cr_assert_eq(info.num_mappings, 3);
	cr_assert_eq(info.share_count, 2);
	/* A new record replaces what it covers. */
	cr_assert_eq(vmar_map_record(a, VMAR_ROOT_BASE, 8 * PAGE, v, 0, 0),
	    ZX_OK);
	cr_assert_eq(a->num_mappings, 1);
	/* Records keep the VMO alive. */
	cr_assert_eq(v->obj.refcount, 3);
	vmar_clear(a);
	cr_assert_eq(v->obj.refcount, 2);
	cr_assert_eq(vmar_unmap_record(b, 0, UINT64_MAX), ZX_OK);
	cr_assert_eq(v->num_mappings, 0);
	object_unref(&a->obj);
	object_unref(&b->obj);
	object_unref(&v->obj);
}

Test(vmo_unit, map_layout)
{
	const uint64_t base = VMAR_ROOT_BASE, len = VMAR_ROOT_LEN, pg = PAGE;
	struct vmar_place p;
	uint64_t align = 0;

	cr_assert_eq(vmar_map_flags(ZX_VM_PERM_READ | (1u << 16), &align),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmar_map_flags(ZX_VM_ALIGN_1KB, &align), ZX_OK);
	cr_assert_eq(align, 1024);
	cr_assert_eq(vmar_map_layout(base, len, pg, ZX_VM_PERM_READ, 0, 0, 1,
	    align, &p), ZX_OK);
	cr_assert_eq(p.size, pg);
	cr_assert_eq(p.align, pg);
	cr_assert_eq(p.addr, 0);
	cr_assert_eq(vmar_map_layout(base, len, pg, ZX_VM_SPECIFIC, 2 * pg, 0,
	    pg, 0, &p), ZX_OK);
	cr_assert_eq(p.addr, base + 2 * pg);
	cr_assert_eq(vmar_map_layout(base, len, pg, ZX_VM_SPECIFIC, len, 0, pg,
	    0, &p), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmar_map_layout(base, len, pg, ZX_VM_SPECIFIC, len - pg,
	    0, 2 * pg, 0, &p), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmar_map_layout(base, len, pg, ZX_VM_SPECIFIC, len - pg,
	    0, pg, 0, &p), ZX_OK);
	cr_assert_eq(vmar_map_layout(base, len, pg, ZX_VM_OFFSET_IS_UPPER_LIMIT,
	    4 * pg, 0, 4 * pg, 0, &p), ZX_OK);
	cr_assert_eq(p.upper, base + 4 * pg);
	cr_assert_eq(vmar_map_layout(base, len, pg, ZX_VM_OFFSET_IS_UPPER_LIMIT,
	    4 * pg, 0, 5 * pg, 0, &p), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmar_map_layout(base, len, pg, 0, 0, pg / 2, pg, 0, &p),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmar_map_layout(base, len, pg, 0, 0, 0, UINT64_MAX, 0,
	    &p), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(vmar_map_layout(base, len, pg, 0, 0, UINT64_MAX - pg + 1,
	    pg, 0, &p), ZX_ERR_OUT_OF_RANGE);
	cr_assert_eq(vmar_map_layout(base, len, pg, 0, 0, 0, 0, 0, &p),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(vmar_map_layout(base, len, pg, ZX_VM_COMPACT, 0, 0, pg, 0,
	    &p), ZX_ERR_INVALID_ARGS);
}

Test(vmo_unit, mapping_records_are_capped)
{
	struct vmo *v = make(PAGE, 0);
	struct vmar *a;
	size_t n = 0;

	cr_assert_eq(vmar_root_new(1, &a), ZX_OK);
	while (n <= VMAR_MAX_MAPPINGS && vmar_map_record(a, VMAR_ROOT_BASE +
	    2 * n * PAGE, PAGE, v, 0, 0) == ZX_OK)
		n++;
	cr_assert_eq(n, VMAR_MAX_MAPPINGS);
	/* Replacing one is still fine. */
	cr_assert_eq(vmar_map_record(a, VMAR_ROOT_BASE, PAGE, v, 0, 0), ZX_OK);
	object_unref(&a->obj);
	cr_assert_eq(v->num_mappings, 0);
	object_unref(&v->obj);
}
