/* The daemon's side of a socket or FIFO direction. */
#include "config-build.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/anon.h"
#include "objects/object.h"
#include "objects/ring.h"
#include "objects/vmo.h"

static void
lock_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
}

static zx_status_t
page_new(const char *name, int *ret_fd, void **ret_map)
{
	void *p;
	int fd;

	if (anon_memfd_new(name, RING_PAGE, &fd) < 0)
		return ZX_ERR_NO_MEMORY;
	p = mmap(NULL, RING_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || anon_seal_size(fd, true) < 0 ||
	    anon_seal_mode(fd) < 0) {
		if (p != MAP_FAILED)
			munmap(p, RING_PAGE);
		close(fd);
		return ZX_ERR_NO_MEMORY;
	}
	*ret_fd = fd;
	*ret_map = p;
	return ZX_OK;
}

zx_status_t
ring_init(struct ring *r, uint64_t cap, uint64_t max, bool datagram)
{
	void *h = NULL, *t = NULL;
	zx_status_t st;

	memset(r, 0, sizeof(*r));
	r->fd[0] = r->fd[1] = r->fd[2] = -1;
	r->cap = cap;
	r->max = max;
	r->datagram = datagram;
	st = page_new("zxd-ring-head", &r->fd[RING_HEAD], &h);
	if (st == ZX_OK)
		st = page_new("zxd-ring-tail", &r->fd[RING_TAIL], &t);
	if (st == ZX_OK && (anon_memfd_new("zxd-ring-data", cap,
	    &r->fd[RING_DATA]) < 0 ||
	    anon_seal_size(r->fd[RING_DATA], true) < 0 ||
	    anon_seal_mode(r->fd[RING_DATA]) < 0))
		st = ZX_ERR_NO_MEMORY;
	r->head = h;
	r->tail = t;
	if (st != ZX_OK) {
		ring_fini(r);
		return st;
	}
	lock_init(&r->head->lock);
	lock_init(&r->tail->lock);
	return ZX_OK;
}

void
ring_fini(struct ring *r)
{
	if (r->head != NULL)
		munmap(r->head, RING_PAGE);
	if (r->tail != NULL)
		munmap(r->tail, RING_PAGE);
	r->head = NULL;
	r->tail = NULL;
	for (int i = 0; i < 3; i++) {
		if (r->fd[i] >= 0)
			close(r->fd[i]);
		r->fd[i] = -1;
	}
}

uint64_t
ring_used(const struct ring *r)
{
	uint64_t in = __atomic_load_n(&r->head->payload, __ATOMIC_ACQUIRE);
	uint64_t out = __atomic_load_n(&r->tail->payload, __ATOMIC_ACQUIRE);
	uint64_t used = in - out;

	return used > r->max ? r->max : used;
}

uint64_t
ring_first(const struct ring *r)
{
	uint64_t hpos, tpos;
	struct ring_dgram_hdr hdr;

	if (!r->datagram)
		return ring_used(r);
	hpos = __atomic_load_n(&r->head->pos, __ATOMIC_ACQUIRE);
	tpos = __atomic_load_n(&r->tail->pos, __ATOMIC_ACQUIRE);
	if (hpos == tpos || hpos - tpos > r->cap)
		return 0;
	if (pread(r->fd[RING_DATA], &hdr, sizeof(hdr),
	    (off_t)(tpos % r->cap)) != (ssize_t)sizeof(hdr))
		return 0;
	return hdr.len > r->max ? 0 : hdr.len;
}

zx_status_t
ring_open(const struct ring *r, enum ring_part part, bool writable,
    int *ret_fd)
{
	int e = anon_open(r->fd[part], writable ? O_RDWR : O_RDONLY, ret_fd);

	if (e == -EMFILE || e == -ENFILE)
		return ZX_ERR_NO_RESOURCES;
	return e < 0 ? ZX_ERR_NO_MEMORY : ZX_OK;
}

uint64_t
ring_bytes(const struct ring *r)
{
	return r->cap + 2 * RING_PAGE;
}


zx_status_t
ringpair_new(uint64_t cap, uint64_t max, bool datagram,
    const struct vmo_payer *payer, struct ringpair **ret)
{
	struct ringpair *rp = calloc(1, sizeof(*rp));
	zx_status_t st;

	if (rp == NULL)
		return ZX_ERR_NO_MEMORY;
	rp->refs = 1;
	rp->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (rp->notify_fd < 0) {
		free(rp);
		return ZX_ERR_NO_RESOURCES;
	}
	rp->charged = 2 * (cap + 2 * RING_PAGE);
	if (payer != NULL && payer->ops != NULL) {
		st = payer->ops->charge(payer->ctx, rp->charged);
		if (st != ZX_OK) {
			close(rp->notify_fd);
			free(rp);
			return st;
		}
		rp->payer_ops = payer->ops;
		rp->payer_ctx = payer->ctx;
		payer->ops->ref(payer->ctx);
	}
	st = ring_init(&rp->ring[0], cap, max, datagram);
	if (st == ZX_OK) {
		st = ring_init(&rp->ring[1], cap, max, datagram);
		if (st != ZX_OK)
			ring_fini(&rp->ring[0]);
	}
	if (st != ZX_OK) {
		if (rp->payer_ops != NULL) {
			rp->payer_ops->uncharge(rp->payer_ctx, rp->charged);
			rp->payer_ops->release(rp->payer_ctx);
		}
		close(rp->notify_fd);
		free(rp);
		return st;
	}
	*ret = rp;
	return ZX_OK;
}

void
ringpair_unref(struct ringpair *rp)
{
	if (rp == NULL || --rp->refs > 0)
		return;
	if (rp->release != NULL)
		rp->release(rp->release_ctx);
	close(rp->notify_fd);
	ring_fini(&rp->ring[0]);
	ring_fini(&rp->ring[1]);
	if (rp->payer_ops != NULL) {
		rp->payer_ops->uncharge(rp->payer_ctx, rp->charged);
		rp->payer_ops->release(rp->payer_ctx);
	}
	free(rp);
}

zx_status_t
ringpair_end_attach(struct ringpair *rp, int end, struct object *o,
    void (*refresh)(struct object *o))
{
	zx_status_t st;
	int fd;

	rp->refs++;
	/* The signal page carries the ring's ctl: make it now. */
	st = object_sigpage_fd(o, &fd);
	if (st != ZX_OK) {
		object_unref(o);
		return st;
	}
	close(fd);
	rp->end[end] = o;
	rp->ctl[end] = (struct ring_ctl *)((char *)o->sigword +
	    RING_CTL_OFFSET);
	rp->refresh = refresh;
	return ZX_OK;
}

void
ringpair_end_detach(struct ringpair *rp, int end)
{
	rp->end[end] = NULL;
	rp->ctl[end] = NULL;
	ringpair_unref(rp);
}

zx_status_t
ringpair_make_ends(struct ringpair *rp,
    zx_status_t (*end_new)(struct ringpair *rp, int end, void *arg,
    struct object **ret), void *arg, struct object **ret0,
    struct object **ret1)
{
	struct object *a = NULL, *b = NULL;
	zx_status_t st;

	st = end_new(rp, 0, arg, &a);
	if (st == ZX_OK)
		st = end_new(rp, 1, arg, &b);
	ringpair_unref(rp);
	if (st != ZX_OK) {
		if (a != NULL)
			object_unref(a);
		return st;
	}
	object_pair(a, b);
	rp->refresh(a);
	rp->refresh(b);
	*ret0 = a;
	*ret1 = b;
	return ZX_OK;
}

void
ringpair_watch(struct ringpair *rp, bool on)
{
	for (int i = 0; i < 2; i++) {
		if (rp->ctl[i] == NULL)
			continue;
		__atomic_store_n(&rp->ctl[i]->watch, on ? 1u : 0u,
		    __ATOMIC_SEQ_CST);
	}
	/* A change a client made before it saw the flag: look now. */
	if (on) {
		rp->refs++;
		for (int i = 0; i < 2; i++)
			if (rp->end[i] != NULL && rp->refresh != NULL)
				rp->refresh(rp->end[i]);
		ringpair_unref(rp);
	}
}

void
ringpair_changed(struct ringpair *rp)
{
	uint64_t n;

	/* Drain the pokes; the counters say what happened. */
	while (read(rp->notify_fd, &n, sizeof(n)) == (ssize_t)sizeof(n))
		;
	rp->refs++;
	for (int i = 0; i < 2; i++)
		if (rp->end[i] != NULL && rp->refresh != NULL)
			rp->refresh(rp->end[i]);
	/* Nobody observes either end any more: the clients may stop
	 * poking (object_observe turns it back on). */
	if ((rp->end[0] == NULL || rp->end[0]->observers == NULL) &&
	    (rp->end[1] == NULL || rp->end[1]->observers == NULL))
		for (int i = 0; i < 2; i++)
			if (rp->ctl[i] != NULL)
				__atomic_store_n(&rp->ctl[i]->watch, 0u,
				    __ATOMIC_SEQ_CST);
	ringpair_unref(rp);
}

zx_status_t
ringpair_fds(const struct ringpair *rp, int end, int sigpage_fd,
    bool can_read, bool can_write, int fds[8], size_t *nfds, uint32_t *mask)
{
	const struct ring *in = &rp->ring[end], *out = &rp->ring[1 - end];
	struct {
		const struct ring *r;
		enum ring_part part;
		bool want, rw;
		uint32_t bit;
	} parts[] = {
		{ in, RING_HEAD, true, false, RING_FD_IN_HEAD },
		{ in, RING_TAIL, true, can_read, RING_FD_IN_TAIL },
		{ in, RING_DATA, can_read, false, RING_FD_IN_DATA },
		{ out, RING_HEAD, true, can_write, RING_FD_OUT_HEAD },
		{ out, RING_TAIL, true, false, RING_FD_OUT_TAIL },
		{ out, RING_DATA, can_write, true, RING_FD_OUT_DATA },
	};
	size_t n = 0;
	zx_status_t st = ZX_OK;

	fds[n++] = sigpage_fd;
	*mask = RING_FD_SIGPAGE;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (!parts[i].want)
			continue;
		st = ring_open(parts[i].r, parts[i].part, parts[i].rw,
		    &fds[n]);
		if (st != ZX_OK)
			break;
		n++;
		*mask |= parts[i].bit;
	}
	if (st != ZX_OK) {
		for (size_t i = 0; i < n; i++)
			close(fds[i]);
		return st;
	}
	if (st == ZX_OK) {
		int nfd = fcntl(rp->notify_fd, F_DUPFD_CLOEXEC, 0);

		if (nfd < 0) {
			st = ZX_ERR_NO_RESOURCES;
		} else {
			fds[n++] = nfd;
			*mask |= RING_FD_NOTIFY;
		}
	}
	if (st != ZX_OK) {
		for (size_t i = 0; i < n; i++)
			close(fds[i]);
		return st;
	}
	if (can_read)
		*mask |= RING_RW_IN_TAIL;
	if (can_write)
		*mask |= RING_RW_OUT;
	*nfds = n;
	return ZX_OK;
}
