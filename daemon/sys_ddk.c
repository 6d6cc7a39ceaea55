/*
 * The driver calls of Zircon's ddk.cc: zx_iommu_create, zx_bti_create,
 * zx_bti_pin, zx_pmt_unpin, zx_bti_release_quarantine,
 * zx_vmo_create_contiguous, and zxd's simulated DMA engine
 * (zxd_sim_dma_read/write). Handles are looked up and rights checked in
 * Zircon's order here; objects/iommu.c, bti.c and pmt.c do the rest.
 */
#include "config-build.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/resource.h>

#include "daemon/account.h"
#include "daemon/dispatch.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "objects/bti.h"
#include "objects/interrupt.h"
#include "objects/iommu.h"
#include "objects/pmt.h"
#include "objects/resource.h"
#include "objects/vmo.h"

#define PAGE		vmo_page_size()
/* sys_bti_pin's kMaxAddrs: what 64 pages of addresses hold. */
#define MAX_ADDRS	(PAGE * 64 / sizeof(uint64_t))

/* The handles server_settle takes before an answer a PMT's close
 * changes (what the device reaches, the quarantine): those of BTI b's
 * pinned PMTs, while b has mapped PMTs and handles. (With no BTI handle
 * left a close frees the PMT, and perhaps b: nothing to settle for
 * anyone's answer.) */
static bool
pinned_pmt_of(const struct handle *h, void *arg)
{
	const struct bti *b = arg;
	const struct pmt *p = pmt_of(h->obj);

	return b->mapped > 0 && !b->zero_handles && p != NULL &&
	    p->bti == b && p->state == PMT_PINNED;
}

size_t
sys_ddk_settle(struct object *bti)
{
	struct bti *b = bti_of(bti);

	/* Nothing pinned through b: no close to take first. */
	if (b == NULL || b->mapped == 0 || b->zero_handles)
		return 0;
	return server_settle(pinned_pmt_of, b);
}

/* The handles of pinned PMTs over memory m. */
static bool
pinned_pmt_over(const struct handle *h, void *arg)
{
	const struct pmt *p = pmt_of(h->obj);

	return p != NULL && p->state == PMT_PINNED && p->vmo != NULL &&
	    p->vmo->mem == arg;
}

size_t
sys_ddk_settle_vmo(struct vmo *v)
{
	if (v->mem == NULL || v->mem->pins == NULL)
		return 0;
	return server_settle(pinned_pmt_over, v->mem);
}

/* The handles of pinned PMTs that processes of uid *arg pay for. */
static bool
pinned_pmt_of_uid(const struct handle *h, void *arg)
{
	const struct pmt *p = pmt_of(h->obj);
	const struct client *payer = p != NULL ? p->payer : NULL;

	return payer != NULL && p->state == PMT_PINNED &&
	    payer->uid == *(const uid_t *)arg;
}

void
sys_ddk_unpin_closing(struct handle *h)
{
	struct pmt *p = h != NULL ? pmt_of(h->obj) : NULL;

	if (p != NULL)
		pmt_unpin(p);
}

/*
 * A memfd a client sent to carry bytes: the daemon reads `need` bytes
 * from its offset 0 (reading) or writes them there. Only a memfd will
 * do, so that no copy can block the daemon (a FIFO, a FUSE file) and no
 * file offset or append mode gets in the way.
 */
static zx_status_t
stage_check(int fd, bool daemon_writes, uint64_t need)
{
	int fl = fcntl(fd, F_GETFL), seals = fcntl(fd, F_GET_SEALS);
	struct stat st;

	if (fl < 0 || seals < 0 || fstat(fd, &st) < 0 ||
	    !S_ISREG(st.st_mode) || (fl & O_APPEND))
		return ZX_ERR_INVALID_ARGS;
	if (daemon_writes) {
		if ((fl & O_ACCMODE) == O_RDONLY ||
		    (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) ||
		    ((uint64_t)st.st_size < need && (seals & F_SEAL_GROW)))
			return ZX_ERR_INVALID_ARGS;
	} else {
		if ((fl & O_ACCMODE) == O_WRONLY ||
		    (uint64_t)st.st_size < need)
			return ZX_ERR_INVALID_ARGS;
	}
	return ZX_OK;
}

/* --- zx_iommu_create ------------------------------------------------- */

zx_status_t
call_iommu_create(struct call *c)
{
	const Zxd__IommuCreate *r = c->req->iommu_create;
	struct resource *rsrc;
	struct iommu *m;
	zx_status_t st;

	/* validate_resource_kind_base: new trees want SYSTEM at
	 * IOMMU_BASE, old ones ROOT; both pass, others are WRONG_TYPE. */
	st = handle_check(c->self, ZX_OBJ_TYPE_RESOURCE, 0);
	if (st != ZX_OK)
		return st;
	rsrc = resource_of(c->self->obj);
	st = resource_validate_kind_base(rsrc, ZX_RSRC_KIND_SYSTEM,
	    ZX_RSRC_SYSTEM_IOMMU_BASE);
	if (st != ZX_OK)
		return st;
	if (r->desc_size > ZX_IOMMU_MAX_DESC_LEN)
		return ZX_ERR_INVALID_ARGS;
	/* The copy: a NULL descriptor faults. */
	if (r->desc_fault || r->desc.len != r->desc_size)
		return ZX_ERR_INVALID_ARGS;
	st = iommu_create(r->type, r->desc.data, r->desc.len, &m);
	if (st != ZX_OK)
		return st;
	log_debug("pid %d created IOMMU koid %" PRIu64 " (type %u)",
	    (int)c->pid, m->obj.koid, r->type);
	st = dispatch_add_handle(c, &m->obj, ZX_DEFAULT_IOMMU_RIGHTS);
	object_unref(&m->obj);
	return st;
}

/* --- zx_bti_create ---------------------------------------------------- */

zx_status_t
call_bti_create(struct call *c)
{
	const Zxd__BtiCreate *r = c->req->bti_create;
	struct bti *b;
	zx_status_t st;

	if (r->options != 0)
		return ZX_ERR_INVALID_ARGS;
	/* Zircon asks for no right on the IOMMU here. */
	st = handle_check(c->self, ZX_OBJ_TYPE_IOMMU, 0);
	if (st != ZX_OK)
		return st;
	st = bti_create(iommu_of(c->self->obj), r->bti_id, &b);
	if (st != ZX_OK)
		return st;
	st = dispatch_add_handle(c, &b->obj, ZX_DEFAULT_BTI_RIGHTS);
	object_unref(&b->obj);
	return st;
}

/* --- zx_bti_pin ------------------------------------------------------- */

zx_status_t
call_bti_pin(struct call *c)
{
	const Zxd__BtiPinRequest *r = c->req->bti_pin;
	Zxd__BtiPinReply *rep = call_body(c, sizeof(*rep));
	uint32_t options = r->options, perms = 0;
	bool compress = false, contiguous = false;
	size_t nfds = (r->vmo_sent ? 1 : 0) + (r->addrs_staged ? 1 : 0);
	struct handle *vh;
	struct vmo *v;
	struct bti *b;
	struct pmt *p;
	uint64_t *addrs;
	zx_rights_t vr;
	zx_status_t st;

	if (call_nfds(c) != nfds)
		return ZX_ERR_INVALID_ARGS;
	st = handle_check(c->self, ZX_OBJ_TYPE_BTI, ZX_RIGHT_MAP);
	if (st != ZX_OK)
		return st;
	b = bti_of(c->self->obj);
	if ((r->offset & (PAGE - 1)) || (r->size & (PAGE - 1)) ||
	    r->num_addrs > MAX_ADDRS)
		return ZX_ERR_INVALID_ARGS;
	vh = r->vmo_sent ? dispatch_arg_handle(c, 0) : NULL;
	if (vh == NULL)
		return ZX_ERR_BAD_HANDLE;
	if (vh->obj->ops->type != ZX_OBJ_TYPE_VMO)
		return ZX_ERR_WRONG_TYPE;
	vr = vh->rights;
	v = vmo_of(vh->obj);
	if (!(vr & ZX_RIGHT_MAP))
		return ZX_ERR_ACCESS_DENIED;
	/* A device executing from memory reads it: EXECUTE wants READ. */
	if (options & ZX_BTI_PERM_READ) {
		if (!(vr & ZX_RIGHT_READ))
			return ZX_ERR_ACCESS_DENIED;
		perms |= ZX_BTI_PERM_READ;
		options &= ~ZX_BTI_PERM_READ;
	}
	if (options & ZX_BTI_PERM_WRITE) {
		if (!(vr & ZX_RIGHT_WRITE))
			return ZX_ERR_ACCESS_DENIED;
		perms |= ZX_BTI_PERM_WRITE;
		options &= ~ZX_BTI_PERM_WRITE;
	}
	if (options & ZX_BTI_PERM_EXECUTE) {
		if (!(vr & ZX_RIGHT_READ))
			return ZX_ERR_ACCESS_DENIED;
		perms |= ZX_BTI_PERM_EXECUTE;
		options &= ~ZX_BTI_PERM_EXECUTE;
	}
	/* Each is taken only without the other; CONTIGUOUS only for
	 * contiguous memory. What is left over is refused. */
	if (!((options & ZX_BTI_COMPRESS) && (options & ZX_BTI_CONTIGUOUS))) {
		if (options & ZX_BTI_COMPRESS) {
			compress = true;
			options &= ~ZX_BTI_COMPRESS;
		}
		if ((options & ZX_BTI_CONTIGUOUS) && vmo_is_contiguous(v)) {
			contiguous = true;
			options &= ~ZX_BTI_CONTIGUOUS;
		}
	}
	if (options != 0)
		return ZX_ERR_INVALID_ARGS;

	addrs = call_alloc(c, r->num_addrs * sizeof(*addrs));
	if (addrs == NULL)
		return ZX_ERR_NO_MEMORY;
	sys_ddk_settle(&b->obj);
	/* Pinned memory counts against the process and uid pinning it
	 * until unpinned (daemon/account.c). */
	st = account_charge(c->client, ACCT_PINNED, r->size);
	if (st != ZX_OK && server_settle(pinned_pmt_of_uid,
	    &c->client->uid) > 0)
		/* Unpins (WIRE_UNPIN) already sent may make room. */
		st = account_charge(c->client, ACCT_PINNED, r->size);
	if (st != ZX_OK)
		return st;
	st = bti_pin(b, v, r->offset, r->size, perms, &p);
	if (st != ZX_OK) {
		account_uncharge(c->client, ACCT_PINNED, r->size);
		return st;
	}
	p->payer = server_client_ref(c->client);
	st = pmt_encode(p, compress, contiguous, addrs, r->num_addrs);
	/* The addresses go out; failing that, the pin is undone (never
	 * quarantined: the caller never held it). */
	if (st == ZX_OK && r->addrs_staged) {
		int fd = c->msg->fds[1];
		size_t len = r->num_addrs * sizeof(*addrs);

		st = stage_check(fd, true, len);
		if (st == ZX_OK && pwrite(fd, addrs, len, 0) != (ssize_t)len)
			st = ZX_ERR_INVALID_ARGS;
	} else if (st == ZX_OK && r->num_addrs > WIRE_INLINE_ADDRS) {
		st = ZX_ERR_INVALID_ARGS;	/* would not fit a packet */
	}
	if (st == ZX_OK)
		st = dispatch_add_handle(c, &p->obj, ZX_DEFAULT_PMT_RIGHTS);
	if (st != ZX_OK) {
		pmt_unpin(p);
		object_unref(&p->obj);
		return st;
	}
	object_unref(&p->obj);
	zxd__bti_pin_reply__init(rep);
	if (!r->addrs_staged) {
		rep->addrs = addrs;
		rep->n_addrs = r->num_addrs;
	}
	c->rep->body_case = ZXD__REPLY__BODY_BTI_PIN;
	c->rep->bti_pin = rep;
	return ZX_OK;
}

/* --- zx_pmt_unpin ----------------------------------------------------- */

zx_status_t
call_pmt_unpin(struct call *c)
{
	struct pmt *p = pmt_of(c->self->obj);

	/* The handle is removed first, whatever follows. */
	c->close_self = true;
	if (p == NULL)
		return ZX_ERR_WRONG_TYPE;
	pmt_unpin(p);
	return ZX_OK;
}

/* --- zx_bti_release_quarantine --------------------------------------- */

zx_status_t
call_bti_release_quarantine(struct call *c)
{
	struct bti *b;
	zx_status_t st;

	st = handle_check(c->self, ZX_OBJ_TYPE_BTI, ZX_RIGHT_WRITE);
	if (st != ZX_OK)
		return st;
	b = bti_of(c->self->obj);
	sys_ddk_settle(&b->obj);
	bti_release_quarantine(b);
	return ZX_OK;
}

/* --- zxd_sim_dma_read/write ------------------------------------------ */

static zx_time_t
sim_dma_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (zx_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

zx_status_t
call_sim_dma(struct call *c)
{
	const Zxd__SimDma *r = c->req->sim_dma;
	Zxd__SimDmaReply *rep = call_body(c, sizeof(*rep));
	struct bti_dma_io io = { .fd = -1 };
	struct bti *b;
	zx_status_t st;

	if (c->msg->nfds != (r->staged ? 1u : 0u) || (r->staged && r->direct))
		return ZX_ERR_INVALID_ARGS;
	/* Reading memory takes READ on the BTI, writing it WRITE. */
	st = handle_check(c->self, ZX_OBJ_TYPE_BTI, r->write ?
	    ZX_RIGHT_WRITE : ZX_RIGHT_READ);
	if (st != ZX_OK)
		return st;
	if (r->buf_null && r->len > 0)
		return ZX_ERR_INVALID_ARGS;
	b = bti_of(c->self->obj);
	if (r->direct) {
		/* The caller's own memory, the process this packet came
		 * from (its credentials were checked). */
		io.pid = c->pid;
		io.user_addr = r->user_addr;
	} else if (r->staged) {
		io.fd = c->msg->fds[0];
		st = stage_check(io.fd, !r->write, r->len);
		if (st != ZX_OK)
			return st;
	} else if (r->write) {
		if (r->data.len != r->len)
			return ZX_ERR_INVALID_ARGS;
		io.buf = r->data.data;
	} else {
		if (r->len > WIRE_INLINE_DMA_MAX)
			return ZX_ERR_INVALID_ARGS;
		io.buf = call_alloc(c, r->len);
		if (io.buf == NULL)
			return ZX_ERR_NO_MEMORY;
	}
	sys_ddk_settle(&b->obj);
	st = bti_dma(b, r->write, r->addr, r->len, &io);
	if (r->direct && st == ZX_ERR_NOT_SUPPORTED) {
		zxd__sim_dma_reply__init(rep);
		rep->direct_refused = true;
		c->rep->body_case = ZXD__REPLY__BODY_SIM_DMA;
		c->rep->sim_dma = rep;
		return st;
	}
	/* The simulated device raises its completion interrupt. */
	if (st == ZX_OK)
		interrupt_sim_dma_done(c->self->obj->koid, sim_dma_now());
	if (st != ZX_OK || r->write || r->staged || r->direct)
		return st;
	zxd__sim_dma_reply__init(rep);
	rep->data.data = io.buf;
	rep->data.len = r->len;
	c->rep->body_case = ZXD__REPLY__BODY_SIM_DMA;
	c->rep->sim_dma = rep;
	return ZX_OK;
}
