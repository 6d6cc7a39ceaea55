/* Koids, refcounts, signals and the shared signal page. */
#include "config-build.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backends/anon.h"
#include "objects/object.h"
#include "proto/pages.h"


static zx_koid_t next_koid = ZX_KOID_FIRST;
static struct object *all_objects;
static size_t n_objects;
static size_t n_by_type[64];

zx_koid_t
object_new_koid(void)
{
	return next_koid++;
}

void
object_init(struct object *o, const struct object_ops *ops)
{
	o->ops = ops;
	o->koid = object_new_koid();
	o->refcount = 1;
	o->handle_count = 0;
	o->handles = NULL;
	o->signals = 0;
	o->strobe_seq = 0;
	o->strobed = 0;
	o->peer = NULL;
	o->peer_koid = ZX_KOID_INVALID;
	memset(o->name, 0, sizeof(o->name));
	o->sigpage_fd = -1;
	o->sigword = NULL;
	o->gc_mark = 0;
	o->observers = NULL;
	o->prev = NULL;
	o->next = all_objects;
	if (all_objects != NULL)
		all_objects->prev = o;
	all_objects = o;
	n_objects++;
	if (ops->type < 64)
		n_by_type[ops->type]++;
}

struct object *
object_ref(struct object *o)
{
	o->refcount++;
	return o;
}

void (*object_payer_release)(struct object *o);

void
object_unref(struct object *o)
{
	if (o == NULL || --o->refcount > 0)
		return;
	if (o->peer != NULL)
		o->peer->peer = NULL;
	if (o->prev != NULL)
		o->prev->next = o->next;
	else
		all_objects = o->next;
	if (o->next != NULL)
		o->next->prev = o->prev;
	n_objects--;
	if (o->ops->type < 64)
		n_by_type[o->ops->type]--;
	object_cancel_handle(o, NULL);
	if (o->payer != NULL && object_payer_release != NULL)
		object_payer_release(o);
	if (o->sigword != NULL)
		munmap((void *)o->sigword, SIGPAGE_SIZE);
	if (o->sigpage_fd >= 0)
		close(o->sigpage_fd);
	if (o->ops->destroy != NULL)
		o->ops->destroy(o);
	else
		free(o);
}

void
object_handle_added(struct object *o)
{
	o->handle_count++;
	if (o->ops->handle_added != NULL)
		o->ops->handle_added(o);
}

void
object_handle_removed(struct object *o)
{
	if (--o->handle_count == 0 && o->ops->on_zero_handles != NULL)
		o->ops->on_zero_handles(o);
}

void
object_pair(struct object *a, struct object *b)
{
	a->peer = b;
	b->peer = a;
	a->peer_koid = b->koid;
	b->peer_koid = a->koid;
}

void
object_unpair(struct object *o, zx_signals_t peer_closed)
{
	struct object *p = o->peer;

	if (p == NULL)
		return;
	p->peer = NULL;
	o->peer = NULL;
	object_signal(p, 0, peer_closed);
}

void
object_observe(struct object *o, struct object_observer *ob)
{
	ob->obj = o;
	ob->prev = NULL;
	ob->next = o->observers;
	if (o->observers != NULL)
		o->observers->prev = ob;
	o->observers = ob;
	if (o->ops->watch != NULL)
		o->ops->watch(o);
}

void
object_refresh(struct object *o)
{
	if (o->ops->refresh != NULL)
		o->ops->refresh(o);
}

void
object_unobserve(struct object_observer *ob)
{
	struct object *o = ob->obj;

	if (o == NULL)
		return;
	if (ob->prev != NULL)
		ob->prev->next = ob->next;
	else
		o->observers = ob->next;
	if (ob->next != NULL)
		ob->next->prev = ob->prev;
	ob->prev = ob->next = NULL;
	ob->obj = NULL;
}

/* Unlink the observers of o that `pick` selects, in list order (newest
 * first), onto a private list: callbacks then run with o's list in a
 * consistent state, free to observe again. */
static struct object_observer *
take_observers(struct object *o, bool (*pick)(const struct object_observer *,
    const void *), const void *arg)
{
	struct object_observer *ob, *next, *head = NULL, *tail = NULL;

	for (ob = o->observers; ob != NULL; ob = next) {
		next = ob->next;
		if (!pick(ob, arg))
			continue;
		object_unobserve(ob);
		if (tail != NULL)
			tail->next = ob;
		else
			head = ob;
		tail = ob;
	}
	return head;
}

static bool
pick_matching(const struct object_observer *ob, const void *arg)
{
	return (ob->signals & *(const zx_signals_t *)arg) != 0;
}

static bool
pick_handle(const struct object_observer *ob, const void *arg)
{
	return arg == NULL || ob->handle == arg;
}

/* Run the observers of o whose signals `state` meets, with `state`. */
static void
fire_observers(struct object *o, zx_signals_t state)
{
	struct object_observer *ob, *next;

	/* The object outlives the callbacks even if one drops a handle
	 * (unless it is already being destroyed). */
	if (o->observers == NULL || o->refcount == 0)
		return;
	object_ref(o);
	for (ob = take_observers(o, pick_matching, &state); ob != NULL;
	    ob = next) {
		next = ob->next;
		ob->next = NULL;
		ob->on_match(ob, state);
	}
	object_unref(o);
}

void
object_signal(struct object *o, zx_signals_t clear, zx_signals_t set)
{
	zx_signals_t old = o->signals, now;

	now = o->signals = (old & ~clear) | set;
	if (now == old)
		return;
	if (o->sigword != NULL) {
		/* The counter's sleepers always wake; word 0's (strobe
		 * waits, sockets and FIFOs) when it changed: it may hold
		 * `now` already (object_signal_reassert). */
		bool changed = atomic_exchange(&o->sigword[ZXD_SIGPAGE_SIGNALS],
		    now) != now;

		object_signal_notify(o);
		if (changed)
			syscall(SYS_futex, &o->sigword[ZXD_SIGPAGE_SIGNALS],
			    FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	}
	if ((now & ~old) != 0)
		fire_observers(o, now);
}

size_t
object_cancel_handle(struct object *o, const void *handle)
{
	struct object_observer *ob, *next;
	size_t n = 0;

	for (ob = take_observers(o, pick_handle, handle); ob != NULL;
	    ob = next) {
		next = ob->next;
		ob->next = NULL;
		ob->on_cancel(ob);
		n++;
	}
	return n;
}

size_t
object_observer_count(const struct object *o)
{
	size_t n = 0;

	for (const struct object_observer *ob = o->observers; ob != NULL;
	    ob = ob->next)
		n++;
	return n;
}

void
object_signal_notify(struct object *o)
{
	_Atomic uint32_t *seq;

	if (o->sigword == NULL)
		return;
	seq = &o->sigword[ZXD_SIGPAGE_SEQ];
	atomic_fetch_add(seq, 1);
	/* Waits on channels, events, ... sleep on the counter (word 0 has
	 * not changed: nothing to wake there). */
	syscall(SYS_futex, seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void
object_signal_reassert(struct object *o, zx_signals_t bits)
{
	/* Taken away where the daemon could not see it: drop the bits
	 * quietly, so setting them again is the edge it is. */
	o->signals &= ~bits;
	object_signal(o, 0, bits);
}

void
object_strobe(struct object *o, zx_signals_t bits)
{
	o->strobe_seq++;
	o->strobed |= bits;
	if (o->sigword != NULL) {
		atomic_store(&o->sigword[OBJECT_SIGWORD_STROBED], o->strobed);
		atomic_store(&o->sigword[OBJECT_SIGWORD_STROBE_SEQ],
		    o->strobe_seq);
		syscall(SYS_futex, &o->sigword[OBJECT_SIGWORD_STROBE_SEQ],
		    FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	}
	/* Observers see the state with the strobed bits for that moment, as
	 * Zircon's do (a port's async wait gets them in `observed`). */
	fire_observers(o, o->signals | bits);
}

zx_status_t
object_sigpage_fd(struct object *o, int *ret_fd)
{
	int fd, r;
	void *p;

	if (o->sigword == NULL) {
		r = anon_memfd_new("zxd-signals", SIGPAGE_SIZE, &fd);
		if (r < 0)
			return ZX_ERR_NO_MEMORY;
		p = mmap(NULL, SIGPAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
		if (p == MAP_FAILED || anon_seal_mode(fd) < 0) {
			if (p != MAP_FAILED)
				munmap(p, SIGPAGE_SIZE);
			close(fd);
			return ZX_ERR_NO_MEMORY;
		}
		o->sigpage_fd = fd;
		o->sigword = p;
		atomic_store(o->sigword, o->signals);
		atomic_store(&o->sigword[OBJECT_SIGWORD_STROBED], o->strobed);
		atomic_store(&o->sigword[OBJECT_SIGWORD_STROBE_SEQ],
		    o->strobe_seq);
	}
	if (anon_reopen(o->sigpage_fd, false, &fd) < 0)
		return ZX_ERR_NO_RESOURCES;
	*ret_fd = fd;
	return ZX_OK;
}

bool
object_close_observable(const struct object *o)
{
	if (o->ops->close_observable != NULL)
		return o->ops->close_observable(o);
	return o->ops->type != ZX_OBJ_TYPE_EVENT;
}

struct object *
object_first(void)
{
	return all_objects;
}

struct object *
object_next(struct object *o)
{
	return o->next;
}

size_t
object_count(void)
{
	return n_objects;
}

size_t
object_count_by_type(zx_obj_type_t type)
{
	return type < 64 ? n_by_type[type] : 0;
}

bool
object_close_never_observable(const struct object *o)
{
	(void)o;
	return false;
}
