/* BTIs: pins, quarantine, ZX_INFO_BTI and the simulated DMA engine. */
#include "config-build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "proto/status.h"
#include "objects/bti.h"

#define PAGE	vmo_page_size()
/* Bounce buffer for copies copy_file_range cannot make. */
#define BOUNCE	(64 * 1024)

static const struct object_ops bti_ops;

struct bti *
bti_of(struct object *o)
{
	return o != NULL && o->ops == &bti_ops ? (struct bti *)o : NULL;
}

size_t
bti_pins(const struct bti *b, size_t skip, struct bti_pin_view *out,
    size_t n)
{
	size_t total = 0;

	for (const struct pmt *p = b->pmts; p != NULL; p = p->next) {
		if (p->state == PMT_UNPINNED)
			continue;
		if (total >= skip && total - skip < n) {
			struct bti_pin_view *d = &out[total - skip];

			d->pmt_koid = p->obj.koid;
			d->vmo_koid = p->vmo->obj.koid;
			d->vmo_offset = p->offset;
			d->size = p->size;
			d->device_addr = pmt_addr(p, 0);
			d->perms = p->perms;
			d->quarantined = p->state == PMT_QUARANTINED;
		}
		total++;
	}
	return total;
}

zx_status_t
bti_create(struct iommu *iommu, uint64_t bti_id, struct bti **ret)
{
	struct bti *b;

	if (!iommu_valid_bti_id(iommu, bti_id))
		return ZX_ERR_INVALID_ARGS;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return ZX_ERR_NO_MEMORY;
	object_init(&b->obj, &bti_ops);
	b->iommu = iommu;
	object_ref(&iommu->obj);
	b->bti_id = bti_id;
	*ret = b;
	return ZX_OK;
}

/* --- the device's view ---------------------------------------------- */

void
bti_map(struct bti *b, struct pmt *p)
{
	if (p->fixed)
		b->mapped_fixed++;
	b->mapped++;
}

void
bti_unmap(struct bti *b, struct pmt *p)
{
	if (p->fixed)
		b->mapped_fixed--;
	b->mapped--;
}

/* --- pins and quarantine -------------------------------------------- */

zx_status_t
bti_pin(struct bti *b, struct vmo *v, uint64_t offset, uint64_t size,
    uint32_t perms, struct pmt **ret)
{
	struct pmt *p;
	zx_status_t st;

	if (size == 0)
		return ZX_ERR_INVALID_ARGS;
	st = vmo_pin(v, offset, size);
	if (st != ZX_OK)
		return st;
	/* No new pins once the driver lost track of some (quarantine),
	 * nor through a BTI nobody holds. */
	if (b->zero_handles || b->quarantine_count > 0) {
		vmo_unpin(v, offset, size);
		return ZX_ERR_BAD_STATE;
	}
	/* The IOMMU refuses a mapping without permissions. */
	if (perms == 0) {
		vmo_unpin(v, offset, size);
		return ZX_ERR_INVALID_ARGS;
	}
	st = pmt_create(b, v, offset, size, perms, &p);
	if (st != ZX_OK)
		return st;
	p->prev = NULL;
	p->next = b->pmts;
	if (b->pmts != NULL)
		b->pmts->prev = p;
	b->pmts = p;
	b->pmo_count++;
	bti_map(b, p);
	*ret = p;
	return ZX_OK;
}

void
bti_quarantine(struct bti *b, struct pmt *p)
{
	if (b->zero_handles) {
		/* Nobody could release it (Zircon leaks it here). */
		pmt_unpin(p);
		return;
	}
	bti_unmap(b, p);
	p->state = PMT_QUARANTINED;
	object_ref(&p->obj);
	b->quarantine_count++;
}

void
bti_release_quarantine(struct bti *b)
{
	struct pmt *p;

again:
	for (p = b->pmts; p != NULL; p = p->next) {
		if (p->state != PMT_QUARANTINED)
			continue;
		pmt_unpin(p);
		b->quarantine_count--;
		/* Destroys p, which leaves the list: start over. */
		object_unref(&p->obj);
		goto again;
	}
}

void
bti_remove(struct bti *b, struct pmt *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else if (b->pmts == p)
		b->pmts = p->next;
	else
		return;		/* never linked */
	if (p->next != NULL)
		p->next->prev = p->prev;
	p->prev = p->next = NULL;
	b->pmo_count--;
}

void
bti_info(const struct bti *b, zx_info_bti_t *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->minimum_contiguity = iommu_minimum_contiguity(b->iommu);
	ret->aspace_size = iommu_aspace_size(b->iommu);
	ret->pmo_count = b->pmo_count;
	ret->quarantine_count = b->quarantine_count;
}

/* --- the DMA engine ------------------------------------------------- */

/* A piece of the transfer: len bytes at off of a memory fd. */
struct seg {
	int fd;
	struct vmo_mem *mem;
	uint64_t off, len;
};

/* Where the page holding addr is, if the device may reach it, and how
 * many bytes from addr on lie in the same pin (*ret_avail: to the end of
 * the page for paged memory, of the pinned range for memory with
 * addresses of its own). */
static zx_status_t
resolve(struct bti *b, uint64_t addr, bool write, struct vmo_mem **ret_mem,
    uint64_t *ret_off, uint64_t *ret_avail)
{
	uint64_t page = addr & ~(PAGE - 1);
	uint32_t need = write ? ZX_BTI_PERM_WRITE : ZX_BTI_PERM_READ;
	bool found = false;

	if (iommu_is_frame_addr(page)) {
		uint64_t i;
		struct iommu_run *r = iommu_frame_at(page, &i);

		/* Paged memory: the pins of the page (its run's pieces)
		 * through b that the device may reach. */
		for (const struct iommu_piece *pc = r != NULL ? r->pieces :
		    NULL; pc != NULL; pc = pc->next) {
			const struct pmt *p = pc->owner;

			if (p->bti != b || p->state != PMT_PINNED ||
			    i - pc->index >= pc->count || i < pc->index)
				continue;
			found = true;
			if (!(p->perms & need))
				continue;
			*ret_mem = (struct vmo_mem *)r->mem;
			*ret_off = r->offset + i * PAGE + (addr - page);
			*ret_avail = PAGE - (addr - page);
			return ZX_OK;
		}
		return found ? ZX_ERR_ACCESS_DENIED : ZX_ERR_NOT_FOUND;
	}
	if (b->mapped_fixed == 0)
		return ZX_ERR_NOT_FOUND;
	/* Contiguous and physical memory: a few extents. Any pin of the
	 * page that grants the access will do. */
	for (struct pmt *p = b->pmts; p != NULL; p = p->next) {
		if (p->state != PMT_PINNED || !p->fixed ||
		    addr < p->base || addr - p->base >= p->size)
			continue;
		found = true;
		if (!(p->perms & need))
			continue;
		*ret_mem = p->vmo->mem;
		*ret_off = vmo_fd_offset(p->vmo) + p->offset +
		    (addr - p->base);
		*ret_avail = p->size - (addr - p->base);
		return ZX_OK;
	}
	return found ? ZX_ERR_ACCESS_DENIED : ZX_ERR_NOT_FOUND;
}

/* Copy len bytes between two files, in the kernel when it can. */
static int
copy_fds(int in, uint64_t in_off, int out, uint64_t out_off, uint64_t len)
{
	char *bounce = NULL;
	int r = 0;

	while (len > 0) {
		loff_t io = (loff_t)in_off, oo = (loff_t)out_off;
		ssize_t n = copy_file_range(in, &io, out, &oo, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0) {
			in_off += (uint64_t)n;
			out_off += (uint64_t)n;
			len -= (uint64_t)n;
			continue;
		}
		if (n == 0) {
			r = -EINVAL;	/* the source ends early */
			break;
		}
		if (errno != EXDEV && errno != EINVAL &&
		    errno != EOPNOTSUPP && errno != ENOSYS) {
			r = -errno;
			break;
		}
		/* Files copy_file_range will not take (the same file,
		 * special files): through a buffer. */
		if (bounce == NULL && (bounce = malloc(BOUNCE)) == NULL) {
			r = -ENOMEM;
			break;
		}
		n = pread(in, bounce, len < BOUNCE ? len : BOUNCE,
		    (off_t)in_off);
		if (n <= 0) {
			r = n < 0 ? -errno : -EINVAL;
			break;
		}
		if (pwrite(out, bounce, (size_t)n, (off_t)out_off) != n) {
			r = -EIO;
			break;
		}
		in_off += (uint64_t)n;
		out_off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	free(bounce);
	return r;
}

/* Between a memory fd and a buffer. */
static int
copy_buf(int fd, uint64_t off, char *buf, uint64_t len, bool to_fd)
{
	while (len > 0) {
		ssize_t n = to_fd ? pwrite(fd, buf, len, (off_t)off) :
		    pread(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (uint64_t)n;
		buf += n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* Between memory and another process's memory: the kernel copies once,
 * between the daemon's mapping of the memory (kept with it) and the
 * process. -EPERM when the daemon may not reach that process, -EFAULT
 * for a bad buffer. */
static int
copy_user(struct vmo_mem *mem, uint64_t off, pid_t pid, uint64_t uaddr,
    uint64_t len, bool to_mem)
{
	struct iovec local, remote;
	size_t maplen;
	char *map = vmo_mem_map(mem, &maplen);
	ssize_t n;

	if (map == NULL || off > maplen || len > maplen - off) {
		/* Memory the daemon does not map (a physical window
		 * past the memfd's length): through a buffer. */
		char *bounce = malloc(len ? len : 1);
		int r;

		if (bounce == NULL)
			return -ENOMEM;
		local = (struct iovec){ bounce, (size_t)len };
		remote = (struct iovec){ (void *)(uintptr_t)uaddr, (size_t)len };
		r = 0;
		if (!to_mem)
			r = copy_buf(mem->fd, off, bounce, len, false);
		if (r == 0) {
			n = to_mem ? process_vm_readv(pid, &local, 1, &remote,
			    1, 0) : process_vm_writev(pid, &local, 1, &remote,
			    1, 0);
			r = n < 0 ? -errno : (uint64_t)n == len ? 0 : -EFAULT;
		}
		if (r == 0 && to_mem)
			r = copy_buf(mem->fd, off, bounce, len, true);
		free(bounce);
		return r;
	}
	local = (struct iovec){ map + off, (size_t)len };
	remote = (struct iovec){ (void *)(uintptr_t)uaddr, (size_t)len };
	n = to_mem ? process_vm_readv(pid, &local, 1, &remote, 1, 0) :
	    process_vm_writev(pid, &local, 1, &remote, 1, 0);
	if (n < 0)
		return -errno;
	return (uint64_t)n == len ? 0 : -EFAULT;
}

zx_status_t
bti_dma(struct bti *b, bool write, uint64_t addr, uint64_t len,
    const struct bti_dma_io *io)
{
	struct seg *segs = NULL, *s;
	size_t n = 0, cap = 0;
	uint64_t pos, io_off;
	zx_status_t st = ZX_OK;
	int r = 0;

	if (len == 0)
		return ZX_OK;
	if (addr + len < addr)
		return ZX_ERR_INVALID_ARGS;
	/* Check every page first, in order: all or nothing. A pin of
	 * memory with addresses of its own answers for all its pages at
	 * once. */
	for (pos = addr; pos - addr < len;) {
		uint64_t step, off;
		struct vmo_mem *mem;

		st = resolve(b, pos, write, &mem, &off, &step);
		if (st != ZX_OK)
			goto out;
		if (step > len - (pos - addr))
			step = len - (pos - addr);
		if (n > 0 && segs[n - 1].mem == mem &&
		    segs[n - 1].off + segs[n - 1].len == off) {
			segs[n - 1].len += step;
		} else {
			if (n == cap) {
				size_t nc = cap ? 2 * cap : 16;
				struct seg *ns = realloc(segs,
				    nc * sizeof(*ns));

				if (ns == NULL) {
					st = ZX_ERR_NO_MEMORY;
					goto out;
				}
				segs = ns;
				cap = nc;
			}
			segs[n].fd = mem->fd;
			segs[n].mem = mem;
			segs[n].off = off;
			segs[n].len = step;
			n++;
		}
		pos += step;
	}
	io_off = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		s = &segs[i];
		if (io->pid > 0)
			r = copy_user(s->mem, s->off, io->pid,
			    io->user_addr + io_off, s->len, write);
		else if (io->buf != NULL)
			r = copy_buf(s->fd, s->off, (char *)io->buf + io_off,
			    s->len, write);
		else if (write)
			r = copy_fds(io->fd, io_off, s->fd, s->off, s->len);
		else
			r = copy_fds(s->fd, s->off, io->fd, io_off, s->len);
		io_off += s->len;
	}
	if (io->pid > 0 && (r == -EPERM || r == -ESRCH || r == -ENOSYS))
		st = ZX_ERR_NOT_SUPPORTED;	/* may not reach it: nothing moved */
	else if (r == -EFAULT)
		st = ZX_ERR_INVALID_ARGS;	/* the caller's buffer */
	else
		st = status_from_errno(r, ZX_ERR_INTERNAL);
out:
	free(segs);
	return st;
}

/* --- object ops ------------------------------------------------------ */

static void
bti_zero_handles(struct object *o)
{
	struct bti *b = (struct bti *)o;

	b->zero_handles = true;
	bti_release_quarantine(b);
}

static void
bti_destroy(struct object *o)
{
	struct bti *b = (struct bti *)o;

	object_unref(&b->iommu->obj);
	free(b);
}

static zx_status_t
bti_get_info(struct object *o, uint32_t topic, zx_rights_t rights,
    void *buf, size_t buf_size, size_t *actual, size_t *avail,
    size_t *record_size)
{
	if (topic != ZX_INFO_BTI)
		return ZX_ERR_NOT_SUPPORTED;
	if (!(rights & ZX_RIGHT_INSPECT))
		return ZX_ERR_ACCESS_DENIED;
	*record_size = sizeof(zx_info_bti_t);
	*avail = 1;
	if (buf_size < sizeof(zx_info_bti_t)) {
		*actual = 0;
		return ZX_ERR_BUFFER_TOO_SMALL;
	}
	bti_info((struct bti *)o, buf);
	*actual = 1;
	return ZX_OK;
}

static const struct object_ops bti_ops = {
	.type = ZX_OBJ_TYPE_BTI,
	.name = "bti",
	.default_rights = ZX_DEFAULT_BTI_RIGHTS,
	.has_name = true,
	.on_zero_handles = bti_zero_handles,
	.destroy = bti_destroy,
	.get_info = bti_get_info,
};
