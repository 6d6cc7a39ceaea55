/*
 * zx_iommu_create, zx_bti_*, zx_pmt_unpin, zx_vmo_create_contiguous and
 * the simulated DMA engine (zxd_sim_dma_read/write).
 *
 * Bytes that do not fit a packet (a DMA transfer over INLINE_DMA, more
 * than WIRE_INLINE_ADDRS pinned addresses) travel through a memfd of the
 * calling thread's, kept mapped, that rides along with the request:
 * libzx copies into it and the daemon copies from it (copy_file_range),
 * or the other way round, so the daemon never maps client memory and a
 * transfer is one round trip whatever its size.
 */
#include "config-build.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zircon/syscalls/iommu.h>
#include <zxd/zxd.h>

#include "client/libzx.h"

/*
 * Transfers up to INLINE_DMA travel in the packet (the daemon takes up to
 * WIRE_INLINE_DMA_MAX there); past it the memfd is as fast (measured
 * with tests/bench/bench_bti: equal from 8 KiB, the packet twice as fast
 * at 4 KiB and below). Addresses: up to WIRE_INLINE_ADDRS in the reply.
 */
#define INLINE_DMA	(8 * 1024)
/* The smallest memfd a thread keeps. */
#define STAGE_MIN	(64 * 1024)
/* A thread keeps a memfd this big between calls; larger transfers get
 * one of their own, so that a big one does not hold memory after. */
#define STAGE_KEEP	(4u << 20)

/* A thread's memfd for long transfers, mapped so that libzx copies into
 * and out of it with memcpy. */
struct stage {
	int fd;
	uint64_t size;
	void *map;
};

static __thread struct stage *stage;
static pthread_key_t stage_key;
static pthread_once_t stage_once = PTHREAD_ONCE_INIT;

static void
stage_free(void *arg)
{
	struct stage *s = arg;

	if (s->map != NULL)
		munmap(s->map, s->size);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	stage = NULL;
}

/* A forked child must not share its parent's memfd: the daemon would
 * copy into a file the parent is reading. */
static void
stage_atfork_child(void)
{
	if (stage != NULL) {
		pthread_setspecific(stage_key, NULL);
		stage_free(stage);
	}
}

static void
stage_init(void)
{
	pthread_key_create(&stage_key, stage_free);
	pthread_atfork(NULL, NULL, stage_atfork_child);
}

/* The calling thread's memfd, at least len bytes long and mapped; NULL
 * when it cannot be had. */
static struct stage *
stage_get(uint64_t len)
{
	uint64_t want = len < STAGE_MIN ? STAGE_MIN : len;
	struct stage *s = stage;
	void *map;

	pthread_once(&stage_once, stage_init);
	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return NULL;
		s->fd = memfd_create("zxd-dma", MFD_CLOEXEC);
		if (s->fd < 0 || pthread_setspecific(stage_key, s) != 0) {
			if (s->fd >= 0)
				close(s->fd);
			free(s);
			return NULL;
		}
		stage = s;
	}
	if (s->size >= want)
		return s;
	if (ftruncate(s->fd, (off_t)want) < 0)
		return NULL;
	map = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (map == MAP_FAILED)
		return NULL;
	if (s->map != NULL)
		munmap(s->map, s->size);
	s->map = map;
	s->size = want;
	return s;
}

/* A memfd of its own for a transfer longer than a thread keeps. */
static int
stage_once_fd(uint64_t len)
{
	int fd = memfd_create("zxd-dma", MFD_CLOEXEC);

	if (fd >= 0 && ftruncate(fd, (off_t)len) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int
full_pread(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, p - (char *)buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
full_pwrite(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, p - (const char *)buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

EXPORT zx_status_t
zx_iommu_create(zx_handle_t resource, uint32_t type, const void *desc,
    size_t desc_size, zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__IommuCreate ic = ZXD__IOMMU_CREATE__INIT;
	zx_handle_t h;
	zx_status_t st;

	ic.type = type;
	ic.desc_size = desc_size;
	/* The kernel copies the descriptor after the resource and size
	 * checks: the daemon says when a NULL one faults. */
	if (desc_size <= ZX_IOMMU_MAX_DESC_LEN) {
		if (desc == NULL && desc_size > 0) {
			ic.desc_fault = true;
		} else {
			ic.desc.data = (uint8_t *)desc;
			ic.desc.len = desc_size;
		}
	}
	req.body_case = ZXD__REQUEST__BODY_IOMMU_CREATE;
	req.iommu_create = &ic;
	st = rpc_new_handles(resource, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}

EXPORT zx_status_t
zx_bti_create(zx_handle_t iommu, uint32_t options, uint64_t bti_id,
    zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__BtiCreate bc = ZXD__BTI_CREATE__INIT;
	zx_handle_t h;
	zx_status_t st;

	/* Checked before the handle. */
	if (options != 0)
		return ZX_ERR_INVALID_ARGS;
	bc.options = options;
	bc.bti_id = bti_id;
	req.body_case = ZXD__REQUEST__BODY_BTI_CREATE;
	req.bti_create = &bc;
	st = rpc_new_handles(iommu, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}

EXPORT zx_status_t
zx_bti_pin(zx_handle_t handle, uint32_t options, zx_handle_t vmo,
    uint64_t offset, uint64_t size, zx_paddr_t *addrs, size_t num_addrs,
    zx_handle_t *pmt)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__BtiPinRequest bp = ZXD__BTI_PIN_REQUEST__INIT;
	uint64_t max = (uint64_t)zx_system_get_page_size() * 64 / 8;
	struct rpc_reply rep;
	zx_handle_t nh;
	struct stage *s = NULL;
	zx_status_t st;
	int fds[2], vfd;
	size_t n = 0;

	bp.options = options;
	bp.offset = offset;
	bp.size = size;
	bp.num_addrs = num_addrs;
	/* A VMO value libzx does not know goes as none: the daemon says
	 * BAD_HANDLE when Zircon would, after the BTI and argument checks. */
	if (zxh_get(vmo, &vfd) != NULL) {
		bp.vmo_sent = true;
		fds[n++] = vfd;
	}
	if (num_addrs > WIRE_INLINE_ADDRS && num_addrs <= max) {
		s = stage_get(num_addrs * sizeof(*addrs));
		if (s == NULL)
			return ZX_ERR_NO_MEMORY;
		bp.addrs_staged = true;
		fds[n++] = s->fd;
	}
	req.body_case = ZXD__REQUEST__BODY_BTI_PIN;
	req.bti_pin = &bp;
	st = rpc_call(handle, &req, fds, n, &rep);
	if (rep.rep != NULL) {
		if (st == ZX_OK && (rep.rep->body_case !=
		    ZXD__REPLY__BODY_BTI_PIN || (!bp.addrs_staged &&
		    rep.rep->bti_pin->n_addrs != num_addrs)))
			st = ZX_ERR_INTERNAL;
		if (st == ZX_OK)
			st = rpc_reply_handles(&rep, &nh, 1);
		if (st == ZX_OK) {
			/* The addresses are copied out after the pin, and a
			 * failed copy undoes it. */
			if (addrs == NULL && num_addrs > 0)
				st = ZX_ERR_INVALID_ARGS;
			else if (bp.addrs_staged)
				memcpy(addrs, s->map, num_addrs *
				    sizeof(*addrs));
			else if (num_addrs > 0)
				memcpy(addrs, rep.rep->bti_pin->addrs,
				    num_addrs * sizeof(*addrs));
			if (st == ZX_OK && pmt == NULL)
				st = ZX_ERR_INVALID_ARGS;
			if (st != ZX_OK)
				zx_pmt_unpin(nh);
			else
				*pmt = nh;
		}
		rpc_reply_free(&rep);
	}
	return st;
}

EXPORT zx_status_t
zx_pmt_unpin(zx_handle_t handle)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__PmtUnpin pu = ZXD__PMT_UNPIN__INIT;
	struct zxh_consume k;
	struct rpc_reply rep;
	zx_status_t st;

	/* A PMT's unpin is always ZX_OK: sent, not waited for. */
	if (zxh_unpin_post(handle))
		return ZX_OK;
	/* The daemon removes the handle first, whatever follows (a wrong
	 * type still loses it). */
	req.body_case = ZXD__REQUEST__BODY_PMT_UNPIN;
	req.pmt_unpin = &pu;
	zxh_consume_begin(handle, &req, &k);
	st = rpc_call(handle, &req, NULL, 0, &rep);
	zxh_consume_end(handle, &rep, &k);
	rpc_reply_free(&rep);
	return st;
}

EXPORT zx_status_t
zx_bti_release_quarantine(zx_handle_t handle)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__BtiReleaseQuarantine rq = ZXD__BTI_RELEASE_QUARANTINE__INIT;

	req.body_case = ZXD__REQUEST__BODY_BTI_RELEASE_QUARANTINE;
	req.bti_release_quarantine = &rq;
	return rpc_call(handle, &req, NULL, 0, NULL);
}

EXPORT zx_status_t
zx_vmo_create_contiguous(zx_handle_t bti, size_t size,
    uint32_t alignment_log2, zx_handle_t *out)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__VmoCreateContiguous cc = ZXD__VMO_CREATE_CONTIGUOUS__INIT;
	zx_handle_t h;
	zx_status_t st;

	cc.size = size;
	cc.alignment_log2 = alignment_log2;
	req.body_case = ZXD__REQUEST__BODY_VMO_CREATE_CONTIGUOUS;
	req.vmo_create_contiguous = &cc;
	st = rpc_new_handles(bti, &req, NULL, 0, &h, 1);
	if (st != ZX_OK)
		return st;
	return rpc_out_handle(h, out);
}

/* Set once a daemon said it cannot copy our memory itself. */
static atomic_bool direct_refused;

/* One transfer of the simulated DMA engine. */
static zx_status_t
sim_dma(zx_handle_t bti, bool write, zx_paddr_t addr, void *buf, size_t len)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__SimDma sd = ZXD__SIM_DMA__INIT;
	struct stage *s = NULL;
	struct rpc_reply rep;
	zx_status_t st;
	int sfd = -1;

	sd.write = write;
	sd.addr = addr;
	sd.len = len;
	if (len > 0 && buf == NULL) {
		sd.buf_null = true;
	} else if (len > INLINE_DMA && !atomic_load(&direct_refused)) {
		/* The daemon copies from or into buf itself: one copy. */
		sd.direct = true;
		sd.user_addr = (uintptr_t)buf;
		req.body_case = ZXD__REQUEST__BODY_SIM_DMA;
		req.sim_dma = &sd;
		st = rpc_call(bti, &req, NULL, 0, &rep);
		if (rep.rep == NULL || rep.rep->body_case !=
		    ZXD__REPLY__BODY_SIM_DMA ||
		    !rep.rep->sim_dma->direct_refused) {
			rpc_reply_free(&rep);
			return st;
		}
		/* This daemon may not reach our memory: stage from now on. */
		rpc_reply_free(&rep);
		atomic_store(&direct_refused, true);
		req = (Zxd__Request)ZXD__REQUEST__INIT;
		sd.direct = false;
		sd.user_addr = 0;
		return sim_dma(bti, write, addr, buf, len);
	} else if (len > STAGE_KEEP) {
		sfd = stage_once_fd(len);
		if (sfd < 0 || (write && full_pwrite(sfd, buf, len) < 0)) {
			if (sfd >= 0)
				close(sfd);
			return ZX_ERR_NO_MEMORY;
		}
		sd.staged = true;
	} else if (len > INLINE_DMA) {
		s = stage_get(len);
		if (s == NULL)
			return ZX_ERR_NO_MEMORY;
		sfd = s->fd;
		if (write)
			memcpy(s->map, buf, len);
		sd.staged = true;
	} else if (write) {
		sd.data.data = buf;
		sd.data.len = len;
	}
	req.body_case = ZXD__REQUEST__BODY_SIM_DMA;
	req.sim_dma = &sd;
	st = rpc_call(bti, &req, &sfd, sfd >= 0 ? 1 : 0, &rep);
	if (rep.rep != NULL) {
		if (st == ZX_OK && !write && s != NULL) {
			memcpy(buf, s->map, len);
		} else if (st == ZX_OK && !write && sd.staged) {
			if (full_pread(sfd, buf, len) < 0)
				st = ZX_ERR_INTERNAL;
		} else if (st == ZX_OK && !write) {
			if (rep.rep->body_case != ZXD__REPLY__BODY_SIM_DMA ||
			    rep.rep->sim_dma->data.len != len)
				st = ZX_ERR_INTERNAL;
			else if (len > 0)
				memcpy(buf, rep.rep->sim_dma->data.data, len);
		}
		rpc_reply_free(&rep);
	}
	if (sfd >= 0 && s == NULL)
		close(sfd);
	return st;
}

EXPORT zx_status_t
zxd_sim_dma_read(zx_handle_t bti, zx_paddr_t addr, void *buf, size_t len)
{
	return sim_dma(bti, false, addr, buf, len);
}

EXPORT zx_status_t
zxd_sim_dma_write(zx_handle_t bti, zx_paddr_t addr, const void *buf,
    size_t len)
{
	return sim_dma(bti, true, addr, (void *)buf, len);
}
