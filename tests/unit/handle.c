/*
 * Unit tests for objects/object.c, objects/handle.c and objects/event.c:
 * koids, refcounts, handle counts and on_zero_handles, the handle table,
 * handle_check's order, signals and the signal page, peers.
 *
 * The last group drives the handlers of daemon/sys_object.c directly
 * (through the call table, daemon/calls.def) with handles whose rights no client can
 * get yet: an event carries no GET/SET_PROPERTY right, so the NAME
 * property paths are only reachable here until VMOs exist.
 *
 * Criterion runs each test in a fresh process, so the daemon's global
 * tables start empty in every test.
 */
#include "config-build.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls/object.h>

#include "daemon/dispatch.h"
#include "objects/event.h"
#include "objects/handle.h"
#include "objects/object.h"

/* A type of our own, so counts by type see only these tests' objects:
 * no name, not waitable, no peer; hooks that record their calls. */
static int zero_calls, destroy_calls;
static char call_log[16];

static void
t_zero(struct object *o)
{
	(void)o;
	zero_calls++;
	strcat(call_log, "z");
}

static void
t_destroy(struct object *o)
{
	destroy_calls++;
	strcat(call_log, "d");
	free(o);
}

static const struct object_ops t_ops = {
	.type = ZX_OBJ_TYPE_TIMER,
	.name = "test",
	.default_rights = ZX_RIGHTS_BASIC,
	.on_zero_handles = t_zero,
	.destroy = t_destroy,
};

static struct object *
t_new(void)
{
	struct object *o = calloc(1, sizeof(*o));

	cr_assert_not_null(o);
	object_init(o, &t_ops);
	return o;
}

static struct handle *
h_new(struct object *o, zx_rights_t rights)
{
	struct handle *h;

	cr_assert_eq(handle_new(o, rights, &h), ZX_OK);
	return h;
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

/* --- koids and refcounts -------------------------------------------- */

Test(object, koids_start_at_1024_and_increase)
{
	struct object *a = t_new(), *b;
	zx_koid_t k;

	cr_assert_eq(a->koid, ZX_KOID_FIRST, "first koid %lu",
	    (unsigned long)a->koid);
	k = object_new_koid();
	cr_assert_eq(k, a->koid + 1, "koids are shared with other users");
	b = t_new();
	cr_assert_eq(b->koid, k + 1);
	object_unref(a);
	object_unref(b);
	/* Never reused. */
	a = t_new();
	cr_assert_eq(a->koid, k + 2);
	object_unref(a);
}

Test(object, refcount_and_counts)
{
	size_t n0 = object_count();
	struct object *o = t_new();

	cr_assert_eq(o->refcount, 1);
	cr_assert_eq(o->handle_count, 0);
	cr_assert_eq(o->signals, 0);
	cr_assert_eq(o->peer, NULL);
	cr_assert_eq(o->sigpage_fd, -1);
	cr_assert_eq(object_count(), n0 + 1);
	cr_assert_eq(object_count_by_type(ZX_OBJ_TYPE_TIMER), 1);
	cr_assert_eq(object_count_by_type(ZX_OBJ_TYPE_EVENT), 0);
	cr_assert_eq(object_count_by_type(64), 0, "out of range type");
	cr_assert_eq(object_count_by_type(UINT32_MAX), 0);
	cr_assert_eq(object_first(), o);
	cr_assert_eq(object_next(o), NULL);

	cr_assert_eq(object_ref(o), o);
	cr_assert_eq(o->refcount, 2);
	object_unref(o);
	cr_assert_eq(destroy_calls, 0);
	cr_assert_eq(object_count(), n0 + 1);
	object_unref(o);
	cr_assert_eq(destroy_calls, 1);
	cr_assert_eq(zero_calls, 0, "never had a handle");
	cr_assert_eq(object_count(), n0);
	cr_assert_eq(object_count_by_type(ZX_OBJ_TYPE_TIMER), 0);
	object_unref(NULL);
}

Test(object, live_list_unlinks_from_the_middle)
{
	struct object *o[3];
	size_t n = 0;

	for (int i = 0; i < 3; i++)
		o[i] = t_new();
	object_unref(o[1]);
	for (struct object *p = object_first(); p != NULL; p = object_next(p)) {
		cr_assert_neq(p, o[1]);
		n++;
	}
	cr_assert_eq(n, 2);
	object_unref(o[2]);		/* the head */
	cr_assert_eq(object_first(), o[0]);
	object_unref(o[0]);
	cr_assert_eq(object_first(), NULL);
	cr_assert_eq(object_count(), 0);
}

/* --- handles -------------------------------------------------------- */

Test(handle, counts_and_on_zero_handles)
{
	struct object *o = t_new();
	struct handle *h1, *h2;

	cr_assert_eq(handle_count(), 0);
	h1 = h_new(o, ZX_RIGHT_DUPLICATE);
	cr_assert_eq(h1->obj, o);
	cr_assert_eq(h1->rights, ZX_RIGHT_DUPLICATE);
	cr_assert_eq(h1->ino, 0);
	cr_assert_eq(o->refcount, 2, "a handle holds a reference");
	cr_assert_eq(o->handle_count, 1);
	h2 = h_new(o, ZX_RIGHT_SAME_RIGHTS);
	cr_assert_eq(o->handle_count, 2);
	cr_assert_eq(handle_count(), 2);

	handle_free(h1);
	cr_assert_eq(o->handle_count, 1);
	cr_assert_eq(zero_calls, 0);
	cr_assert_eq(handle_count(), 1);

	/* The last handle goes: on_zero_handles, but the object lives on
	 * while a reference remains (a mapping, a pin...). */
	handle_free(h2);
	cr_assert_eq(o->handle_count, 0);
	cr_assert_eq(zero_calls, 1);
	cr_assert_eq(destroy_calls, 0);
	cr_assert_eq(handle_count(), 0);
	object_unref(o);
	cr_assert_eq(destroy_calls, 1);
	handle_free(NULL);
}

Test(handle, last_handle_destroys_after_on_zero)
{
	struct object *o = t_new();
	struct handle *h = h_new(o, 0);

	object_unref(o);		/* only the handle holds it now */
	cr_assert_eq(destroy_calls, 0);
	handle_free(h);
	cr_assert_str_eq(call_log, "zd", "on_zero_handles, then destroy");
	cr_assert_eq(object_count(), 0);
}

Test(handle, table_add_find_remove)
{
	struct object *o = t_new();
	struct handle *a = h_new(o, 0), *b = h_new(o, 0);

	cr_assert_eq(handle_table_find(42), NULL);
	cr_assert_eq(handle_table_add(a, 42), ZX_OK);
	cr_assert_eq(a->ino, 42);
	cr_assert_eq(handle_table_find(42), a);
	/* A second handle on the same inode is refused and left alone. */
	cr_assert_eq(handle_table_add(b, 42), ZX_ERR_ALREADY_EXISTS);
	cr_assert_eq(b->ino, 0);
	cr_assert_eq(handle_table_find(42), a);
	/* 0 means "no inode". */
	cr_assert_eq(handle_table_add(b, 0), ZX_ERR_ALREADY_EXISTS);
	cr_assert_eq(handle_table_find(0), NULL);

	cr_assert_eq(handle_table_add(b, 43), ZX_OK);
	cr_assert_eq(handle_table_find(43), b);
	handle_table_remove(a);
	cr_assert_eq(a->ino, 0);
	cr_assert_eq(handle_table_find(42), NULL);
	cr_assert_eq(handle_table_find(43), b);
	handle_table_remove(a);		/* twice is harmless */
	/* The inode is free again. */
	cr_assert_eq(handle_table_add(a, 42), ZX_OK);

	/* handle_free takes it out of the table. */
	handle_free(b);
	cr_assert_eq(handle_table_find(43), NULL);
	handle_free(a);
	cr_assert_eq(handle_table_find(42), NULL);
	object_unref(o);
	cr_assert_eq(object_count(), 0);
	cr_assert_eq(handle_count(), 0);
}

Test(handle, table_many)
{
	enum { N = 2000 };
	struct object *o = t_new();
	struct handle **h = calloc(N, sizeof(*h));

	cr_assert_not_null(h);
	for (uint64_t i = 0; i < N; i++) {
		h[i] = h_new(o, 0);
		cr_assert_eq(handle_table_add(h[i], 1000003 * (i + 1)), ZX_OK);
	}
	cr_assert_eq(o->handle_count, N);
	for (uint64_t i = 0; i < N; i++)
		cr_assert_eq(handle_table_find(1000003 * (i + 1)), h[i]);
	for (size_t i = 0; i < N; i += 2)
		handle_free(h[i]);
	for (uint64_t i = 0; i < N; i++)
		cr_assert_eq(handle_table_find(1000003 * (i + 1)),
		    i % 2 ? h[i] : NULL);
	for (size_t i = 1; i < N; i += 2)
		handle_free(h[i]);
	cr_assert_eq(zero_calls, 1);
	cr_assert_eq(handle_count(), 0);
	free(h);
	object_unref(o);
}

/* Handles parked in a channel message or behind an export token. */
Test(handle, in_flight_and_walk)
{
	struct object *o = t_new();
	struct handle *a = h_new(o, 0), *b = h_new(o, 0), *c = h_new(o, 0);
	int seen = 0;

	cr_assert_eq(handle_in_flight_count(), 0);
	handle_set_in_flight(a, true);
	handle_set_in_flight(a, true);	/* idempotent */
	cr_assert(a->in_flight);
	cr_assert_eq(handle_in_flight_count(), 1);
	handle_set_in_flight(b, true);
	cr_assert_eq(handle_in_flight_count(), 2);
	handle_set_in_flight(b, false);
	handle_set_in_flight(b, false);
	cr_assert_eq(handle_in_flight_count(), 1);
	/* Freeing an in-flight handle takes it off the count. */
	handle_free(a);
	cr_assert_eq(handle_in_flight_count(), 0);

	/* The walk covers exactly the handles in the table. */
	cr_assert_eq(handle_first(), NULL);
	cr_assert_eq(handle_table_add(b, 7), ZX_OK);
	cr_assert_eq(handle_table_add(c, 8), ZX_OK);
	for (struct handle *h = handle_first(); h != NULL; h = handle_next(h)) {
		cr_assert(h == b || h == c);
		seen++;
	}
	cr_assert_eq(seen, 2);
	handle_free(b);
	handle_free(c);
	cr_assert_eq(handle_first(), NULL);
	object_unref(o);
}

/* ZIRCON.md §1.0: BAD_HANDLE, then WRONG_TYPE, then ACCESS_DENIED. */
Test(handle, check_order)
{
	struct object *o = t_new();
	struct handle *none = h_new(o, 0);
	struct handle *some = h_new(o, ZX_RIGHT_READ | ZX_RIGHT_WRITE);

	cr_assert_eq(handle_check(NULL, ZX_OBJ_TYPE_NONE, 0),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(handle_check(NULL, ZX_OBJ_TYPE_VMO, ZX_RIGHT_READ),
	    ZX_ERR_BAD_HANDLE);
	/* A wrong type wins over missing rights. */
	cr_assert_eq(handle_check(none, ZX_OBJ_TYPE_VMO, ZX_RIGHT_READ),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(handle_check(some, ZX_OBJ_TYPE_VMO, 0),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(handle_check(none, ZX_OBJ_TYPE_TIMER, ZX_RIGHT_READ),
	    ZX_ERR_ACCESS_DENIED);
	/* Every requested right is needed, not just one of them. */
	cr_assert_eq(handle_check(some, ZX_OBJ_TYPE_TIMER,
	    ZX_RIGHT_READ | ZX_RIGHT_MAP), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(handle_check(some, ZX_OBJ_TYPE_TIMER,
	    ZX_RIGHT_READ | ZX_RIGHT_WRITE), ZX_OK);
	cr_assert_eq(handle_check(none, ZX_OBJ_TYPE_TIMER, 0), ZX_OK);
	/* TYPE_NONE: any type. */
	cr_assert_eq(handle_check(some, ZX_OBJ_TYPE_NONE, ZX_RIGHT_READ),
	    ZX_OK);
	cr_assert_eq(handle_check(none, ZX_OBJ_TYPE_NONE, ZX_RIGHT_READ),
	    ZX_ERR_ACCESS_DENIED);
	handle_free(none);
	handle_free(some);
	object_unref(o);
}

/* --- signals -------------------------------------------------------- */

Test(signal, set_and_clear)
{
	struct object *o = t_new();

	object_signal(o, 0, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1);
	cr_assert_eq(o->signals, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1);
	object_signal(o, ZX_USER_SIGNAL_0, ZX_USER_SIGNAL_2);
	cr_assert_eq(o->signals, ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_2);
	/* Clear first, then set: a bit in both ends up set. */
	object_signal(o, ZX_USER_SIGNAL_3, ZX_USER_SIGNAL_3);
	cr_assert_eq(o->signals,
	    ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_2 | ZX_USER_SIGNAL_3);
	object_signal(o, UINT32_MAX, 0);
	cr_assert_eq(o->signals, 0);
	object_unref(o);
}

struct futex_waiter {
	const _Atomic uint32_t *word;
	uint32_t seen;
	int64_t elapsed_ns;
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *
futex_wait_thread(void *arg)
{
	struct futex_waiter *w = arg;
	int64_t t0 = now_ns();
	/* Waiters sleep on the change counter (word 3), read first. */
	uint32_t seq = atomic_load(&w->word[3]);
	uint32_t v = atomic_load(w->word);

	while (v == 0) {
		/* Long enough that a missing FUTEX_WAKE shows. */
		struct timespec ts = { 10, 0 };

		syscall(SYS_futex, &w->word[3], FUTEX_WAIT, seq, &ts, NULL, 0);
		seq = atomic_load(&w->word[3]);
		v = atomic_load(w->word);
		if (now_ns() - t0 > 9000000000)
			break;
	}
	w->seen = v;
	w->elapsed_ns = now_ns() - t0;
	return NULL;
}

Test(signal, page_mirrors_state_and_wakes_futex)
{
	int fds0 = count_fds();
	struct object *o = t_new();
	struct futex_waiter w = { 0 };
	pthread_t t;
	void *p;
	int fd, fd2;

	object_signal(o, 0, ZX_USER_SIGNAL_5);
	cr_assert_eq(object_sigpage_fd(o, &fd), ZX_OK);
	cr_assert_geq(o->sigpage_fd, 0);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert_neq(p, MAP_FAILED);
	w.word = p;
	cr_assert_eq(*w.word, ZX_USER_SIGNAL_5, "state from before the page");
	/* The holder's fd is read-only. */
	cr_assert_eq(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0), MAP_FAILED);
	cr_assert_eq(errno, EACCES);
	/* A second waiter gets its own fd on the same page. */
	cr_assert_eq(object_sigpage_fd(o, &fd2), ZX_OK);
	cr_assert_neq(fd2, fd);
	close(fd2);

	object_signal(o, ZX_USER_SIGNAL_5, 0);
	cr_assert_eq(*w.word, 0);
	cr_assert_eq(pthread_create(&t, NULL, futex_wait_thread, &w), 0);
	usleep(50000);
	object_signal(o, 0, ZX_EVENT_SIGNALED);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(w.seen, ZX_EVENT_SIGNALED);
	cr_assert_lt(w.elapsed_ns, 3000000000, "waiter not woken (%ld ns)",
	    (long)w.elapsed_ns);

	munmap(p, 4096);
	close(fd);
	object_unref(o);
	cr_assert_eq(count_fds(), fds0, "the page's fd is closed with the "
	    "object");
}

/* --- events and peers ----------------------------------------------- */

Test(event, create)
{
	struct object *o, *a, *b;

	cr_assert_eq(event_create(1, &o), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(event_pair_create(1, &a, &b), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(object_count(), 0);

	cr_assert_eq(event_create(0, &o), ZX_OK);
	cr_assert_eq(o->ops->type, ZX_OBJ_TYPE_EVENT);
	cr_assert_eq(o->ops->default_rights, 0xD003);
	cr_assert(o->ops->waitable);
	cr_assert_not(o->ops->peered);
	cr_assert_eq(o->ops->signal_extra, ZX_EVENT_SIGNALED);
	cr_assert_eq(o->peer, NULL);
	cr_assert_eq(event_pair_create(0, &a, &b), ZX_OK);
	cr_assert_eq(a->ops->type, ZX_OBJ_TYPE_EVENTPAIR);
	cr_assert_eq(a->ops->default_rights, 0xF003);
	cr_assert(a->ops->peered);
	cr_assert_eq(a->peer, b);
	cr_assert_eq(b->peer, a);
	cr_assert_eq(a->peer_koid, b->koid);
	cr_assert_eq(b->peer_koid, a->koid);
	cr_assert_eq(o->peer_koid, ZX_KOID_INVALID);
	cr_assert_eq(b->koid, a->koid + 1);
	cr_assert_eq(object_count_by_type(ZX_OBJ_TYPE_EVENTPAIR), 2);
	object_unref(o);
	zx_koid_t ka = a->koid;

	object_unref(a);
	cr_assert_eq(b->peer, NULL, "a destroyed peer is forgotten");
	cr_assert_eq(b->peer_koid, ka, "but its koid is kept");
	object_unref(b);
	cr_assert_eq(object_count(), 0);
}

Test(event, last_handle_asserts_peer_closed)
{
	struct object *a, *b;
	struct handle *a1, *a2, *b1;

	cr_assert_eq(event_pair_create(0, &a, &b), ZX_OK);
	a1 = h_new(a, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	a2 = h_new(a, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	b1 = h_new(b, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	object_unref(a);
	object_unref(b);
	object_signal(b, 0, ZX_USER_SIGNAL_0);

	handle_free(a1);
	cr_assert_eq(b->signals, ZX_USER_SIGNAL_0, "a handle of a remains");
	cr_assert_eq(b->peer, a);
	handle_free(a2);
	cr_assert_eq(b->signals, ZX_USER_SIGNAL_0 | ZX_EVENTPAIR_PEER_CLOSED);
	cr_assert_eq(b->peer, NULL);
	cr_assert_neq(b->peer_koid, ZX_KOID_INVALID);
	cr_assert_eq(object_count(), 1);
	handle_free(b1);
	cr_assert_eq(object_count(), 0);
}

/* --- the call table (daemon/calls.def) ------------------------------- */

/* Every request of proto/zxd.proto but HELLO has exactly one entry, the
 * entry named as its field, its handler set. */
Test(calls, every_request_has_one_entry)
{
	const ProtobufCMessageDescriptor *d = &zxd__request__descriptor;
	size_t n = 0;

	cr_assert_eq(dispatch_init(), 0);
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const struct dispatch_entry *e;

		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		e = dispatch_lookup((Zxd__Request__BodyCase)f->id);
		if (f->id == ZXD__REQUEST__BODY_HELLO) {
			cr_expect_null(e, "hello has a table entry");
			continue;
		}
		cr_assert_not_null(e, "no entry for request %s", f->name);
		cr_expect_str_eq(e->name, f->name);
		cr_expect_not_null(e->fn, "%s", f->name);
		cr_expect(e->where & (ON_CONTROL | ON_HANDLE), "%s", f->name);
		cr_expect(!(e->where & SELF_LATE) || (e->where & ON_HANDLE),
		    "%s: SELF_LATE off a handle", f->name);
		n++;
	}
	cr_assert_gt(n, 40);
}

/* --- the syscall layer (daemon/sys_object.c) -------------------------- */

struct fake_call {
	struct call c;
	Zxd__Request req;
	Zxd__Reply rep;
	struct wire_msg msg;
};

static zx_status_t
run(struct fake_call *f, struct handle *self)
{
	const struct dispatch_entry *e = dispatch_lookup(f->req.body_case);

	cr_assert_not_null(e, "no handler for body %d",
	    (int)f->req.body_case);
	cr_assert_eq(e->where & ON_HANDLE, ON_HANDLE);
	dispatch_call_release(&f->c);
	memset(&f->c, 0, sizeof(f->c));
	zxd__reply__init(&f->rep);
	f->c.self = self;
	f->c.req = &f->req;
	f->c.rep = &f->rep;
	f->c.msg = &f->msg;
	return e->fn(&f->c);
}

static void
fake_free(struct fake_call *f)
{
	dispatch_call_release(&f->c);
	wire_close_fds(f->c.out_fds, f->c.n_out_fds);
	f->c.n_out_fds = 0;
}

static zx_status_t
get_prop(struct fake_call *f, struct handle *h, uint32_t prop, uint64_t size)
{
	static Zxd__GetProperty gp;

	zxd__request__init(&f->req);
	zxd__get_property__init(&gp);
	gp.property = prop;
	gp.size = size;
	f->req.body_case = ZXD__REQUEST__BODY_GET_PROPERTY;
	f->req.get_property = &gp;
	return run(f, h);
}

static zx_status_t
set_prop(struct fake_call *f, struct handle *h, uint32_t prop,
    const void *v, size_t len)
{
	static Zxd__SetProperty sp;

	zxd__request__init(&f->req);
	zxd__set_property__init(&sp);
	sp.property = prop;
	sp.value.data = (uint8_t *)v;
	sp.value.len = len;
	f->req.body_case = ZXD__REQUEST__BODY_SET_PROPERTY;
	f->req.set_property = &sp;
	return run(f, h);
}

#define ALL_RIGHTS	((zx_rights_t)0x01ffffff)

Test(sys_object, name_property)
{
	struct fake_call f = { 0 };
	struct object *o;
	struct handle *h, *noget, *noset;
	char name[ZX_MAX_NAME_LEN], zero[ZX_MAX_NAME_LEN] = { 0 };
	const char *longname = "0123456789abcdefghijklmnopqrstuvwxyz";

	cr_assert_eq(event_create(0, &o), ZX_OK);
	h = h_new(o, ALL_RIGHTS);
	noget = h_new(o, ALL_RIGHTS & ~ZX_RIGHT_GET_PROPERTY);
	noset = h_new(o, ALL_RIGHTS & ~ZX_RIGHT_SET_PROPERTY);

	cr_assert_eq(get_prop(&f, h, ZX_PROP_NAME, ZX_MAX_NAME_LEN - 1),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(get_prop(&f, h, ZX_PROP_NAME, 0),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(get_prop(&f, h, ZX_PROP_NAME, ZX_MAX_NAME_LEN), ZX_OK);
	cr_assert_eq(f.rep.body_case, ZXD__REPLY__BODY_PROPERTY);
	cr_assert_eq(f.rep.property->value.len, ZX_MAX_NAME_LEN);
	cr_assert_eq(memcmp(f.rep.property->value.data, zero,
	    ZX_MAX_NAME_LEN), 0, "a new object has an empty name");

	cr_assert_eq(set_prop(&f, h, ZX_PROP_NAME, "abc", 3), ZX_OK);
	cr_assert_eq(get_prop(&f, h, ZX_PROP_NAME, 100), ZX_OK);
	cr_assert_eq(f.rep.property->value.len, ZX_MAX_NAME_LEN,
	    "32 bytes, NUL padded, whatever the buffer size");
	memset(name, 'x', sizeof(name));
	strcpy(name, "abc");
	memset(name + 3, 0, sizeof(name) - 3);
	cr_assert_eq(memcmp(f.rep.property->value.data, name,
	    ZX_MAX_NAME_LEN), 0);

	/* Longer than 31: clamped to 31, always NUL terminated. */
	cr_assert_eq(set_prop(&f, h, ZX_PROP_NAME, longname,
	    strlen(longname)), ZX_OK);
	cr_assert_eq(get_prop(&f, h, ZX_PROP_NAME, ZX_MAX_NAME_LEN), ZX_OK);
	memcpy(name, longname, ZX_MAX_NAME_LEN - 1);
	name[ZX_MAX_NAME_LEN - 1] = '\0';
	cr_assert_eq(memcmp(f.rep.property->value.data, name,
	    ZX_MAX_NAME_LEN), 0);
	/* A shorter name replaces it completely. */
	cr_assert_eq(set_prop(&f, h, ZX_PROP_NAME, "zz", 2), ZX_OK);
	cr_assert_str_eq(o->name, "zz");
	cr_assert_eq(memcmp(o->name + 2, zero, ZX_MAX_NAME_LEN - 2), 0);
	/* An empty value (as unpacked: NULL, 0) clears it. */
	cr_assert_eq(set_prop(&f, h, ZX_PROP_NAME, NULL, 0), ZX_OK);
	cr_assert_eq(memcmp(o->name, zero, ZX_MAX_NAME_LEN), 0);

	/* Rights. */
	cr_assert_eq(get_prop(&f, noget, ZX_PROP_NAME, ZX_MAX_NAME_LEN),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(set_prop(&f, noset, ZX_PROP_NAME, "q", 1),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(get_prop(&f, noset, ZX_PROP_NAME, ZX_MAX_NAME_LEN),
	    ZX_OK);
	cr_assert_eq(set_prop(&f, noget, ZX_PROP_NAME, "q", 1), ZX_OK);
	/* ACCESS_DENIED before any property check. */
	cr_assert_eq(get_prop(&f, noget, 9999, 0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(set_prop(&f, noset, ZX_PROP_VMO_CONTENT_SIZE, "", 0),
	    ZX_ERR_ACCESS_DENIED);

	fake_free(&f);
	handle_free(h);
	handle_free(noget);
	handle_free(noset);
	object_unref(o);
}

Test(sys_object, other_properties)
{
	struct fake_call f = { 0 };
	struct object *ev, *t = t_new();
	struct handle *h, *th;
	uint64_t v = 5;

	cr_assert_eq(event_create(0, &ev), ZX_OK);
	h = h_new(ev, ALL_RIGHTS);
	th = h_new(t, ALL_RIGHTS);

	/* VMO_CONTENT_SIZE: the size first, then the type. */
	cr_assert_eq(get_prop(&f, h, ZX_PROP_VMO_CONTENT_SIZE, 7),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(get_prop(&f, h, ZX_PROP_VMO_CONTENT_SIZE, 8),
	    ZX_ERR_WRONG_TYPE);
	cr_assert_eq(set_prop(&f, h, ZX_PROP_VMO_CONTENT_SIZE, &v, 7),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(set_prop(&f, h, ZX_PROP_VMO_CONTENT_SIZE, &v, 8),
	    ZX_ERR_WRONG_TYPE);
	/* Unknown properties. */
	cr_assert_eq(get_prop(&f, h, 9999, 64), ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(set_prop(&f, h, 9999, &v, 8), ZX_ERR_NOT_SUPPORTED);
	/* A type without a name: set is NOT_SUPPORTED, get reads empty. */
	cr_assert_eq(set_prop(&f, th, ZX_PROP_NAME, "abc", 3),
	    ZX_ERR_NOT_SUPPORTED);
	cr_assert_eq(get_prop(&f, th, ZX_PROP_NAME, ZX_MAX_NAME_LEN), ZX_OK);
	cr_assert_eq(((const char *)f.rep.property->value.data)[0], '\0');

	fake_free(&f);
	handle_free(h);
	handle_free(th);
	object_unref(ev);
	object_unref(t);
}

static zx_status_t
get_info(struct fake_call *f, struct handle *h, uint32_t topic, uint64_t size)
{
	static Zxd__GetInfo gi;

	zxd__request__init(&f->req);
	zxd__get_info__init(&gi);
	gi.topic = topic;
	gi.buffer_size = size;
	f->req.body_case = ZXD__REQUEST__BODY_GET_INFO;
	f->req.get_info = &gi;
	return run(f, h);
}

Test(sys_object, info_topics)
{
	struct fake_call f = { 0 };
	struct object *a, *b;
	struct handle *ha, *ha2, *hb;
	zx_info_handle_basic_t basic;
	zx_info_handle_count_t cnt;

	cr_assert_eq(event_pair_create(0, &a, &b), ZX_OK);
	ha = h_new(a, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	ha2 = h_new(a, ZX_RIGHT_WAIT);
	hb = h_new(b, ZX_DEFAULT_EVENTPAIR_RIGHTS);

	cr_assert_eq(get_info(&f, ha, ZX_INFO_HANDLE_BASIC, sizeof(basic)),
	    ZX_OK);
	cr_assert_eq(f.rep.body_case, ZXD__REPLY__BODY_GET_INFO);
	cr_assert_eq(f.rep.get_info->actual, 1);
	cr_assert_eq(f.rep.get_info->avail, 1);
	cr_assert_eq(f.rep.get_info->data.len, sizeof(basic));
	memcpy(&basic, f.rep.get_info->data.data, sizeof(basic));
	cr_assert_eq(basic.koid, a->koid);
	cr_assert_eq(basic.related_koid, b->koid);
	cr_assert_eq(basic.rights, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	cr_assert_eq(basic.type, ZX_OBJ_TYPE_EVENTPAIR);
	cr_assert_eq(basic.reserved, 0);

	cr_assert_eq(get_info(&f, ha, ZX_INFO_HANDLE_BASIC, sizeof(basic) - 1),
	    ZX_ERR_BUFFER_TOO_SMALL);
	cr_assert_eq(f.rep.get_info->actual, 0);
	cr_assert_eq(f.rep.get_info->avail, 1);
	cr_assert_eq(f.rep.get_info->data.len, 0);

	cr_assert_eq(get_info(&f, ha, ZX_INFO_HANDLE_VALID, 0), ZX_OK);
	cr_assert_eq(get_info(&f, ha2, ZX_INFO_HANDLE_VALID, 0), ZX_OK);

	cr_assert_eq(get_info(&f, ha, ZX_INFO_HANDLE_COUNT, sizeof(cnt)),
	    ZX_OK);
	memcpy(&cnt, f.rep.get_info->data.data, sizeof(cnt));
	cr_assert_eq(cnt.handle_count, 2);
	cr_assert_eq(get_info(&f, ha2, ZX_INFO_HANDLE_COUNT, sizeof(cnt)),
	    ZX_ERR_ACCESS_DENIED, "HANDLE_COUNT needs INSPECT");
	cr_assert_eq(get_info(&f, ha, ZX_INFO_HANDLE_COUNT, 0),
	    ZX_ERR_BUFFER_TOO_SMALL);

	cr_assert_eq(get_info(&f, ha, 0x7777, 4096), ZX_ERR_NOT_SUPPORTED);
	/* Another type's topic: that type is looked up, WRONG_TYPE. */
	cr_assert_eq(get_info(&f, ha, ZX_INFO_VMO, 4096), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(get_info(&f, ha, ZX_INFO_VMAR, 4096), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(get_info(&f, ha, ZX_INFO_RESOURCE, 4096),
	    ZX_ERR_WRONG_TYPE);

	/* The peer gone: related_koid still names it, as in Zircon. */
	zx_koid_t kb = b->koid;

	handle_free(hb);
	object_unref(b);
	cr_assert_eq(get_info(&f, ha, ZX_INFO_HANDLE_BASIC, sizeof(basic)),
	    ZX_OK);
	memcpy(&basic, f.rep.get_info->data.data, sizeof(basic));
	cr_assert_eq(basic.related_koid, kb);

	fake_free(&f);
	handle_free(ha);
	handle_free(ha2);
	object_unref(a);
}

static zx_status_t
sig(struct fake_call *f, struct handle *h, bool peer, uint32_t clear,
    uint32_t set)
{
	static Zxd__ObjectSignal s;

	zxd__request__init(&f->req);
	zxd__object_signal__init(&s);
	s.clear_mask = clear;
	s.set_mask = set;
	if (peer) {
		f->req.body_case = ZXD__REQUEST__BODY_OBJECT_SIGNAL_PEER;
		f->req.object_signal_peer = &s;
	} else {
		f->req.body_case = ZXD__REQUEST__BODY_OBJECT_SIGNAL;
		f->req.object_signal = &s;
	}
	return run(f, h);
}

Test(sys_object, signal_checks)
{
	struct fake_call f = { 0 };
	struct object *ev, *a, *b, *t = t_new();
	struct handle *he, *ha, *hb, *th, *nosig;

	cr_assert_eq(event_create(0, &ev), ZX_OK);
	cr_assert_eq(event_pair_create(0, &a, &b), ZX_OK);
	he = h_new(ev, ZX_DEFAULT_EVENT_RIGHTS);
	ha = h_new(a, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	hb = h_new(b, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	th = h_new(t, ALL_RIGHTS);
	nosig = h_new(t, 0);

	cr_assert_eq(sig(&f, he, false, 0, ZX_EVENT_SIGNALED |
	    ZX_USER_SIGNAL_7), ZX_OK);
	cr_assert_eq(ev->signals, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_7);
	cr_assert_eq(sig(&f, he, false, ZX_USER_SIGNAL_7, 0), ZX_OK);
	cr_assert_eq(ev->signals, ZX_EVENT_SIGNALED);
	/* Bits outside USER_ALL | SIGNALED, in either mask. */
	cr_assert_eq(sig(&f, he, false, 0, ZX_EVENTPAIR_PEER_CLOSED),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(sig(&f, he, false, ZX_OBJECT_READABLE, 0),
	    ZX_ERR_INVALID_ARGS);
	cr_assert_eq(ev->signals, ZX_EVENT_SIGNALED, "unchanged on error");
	/* Not waitable: rights first, then NOT_SUPPORTED. */
	cr_assert_eq(sig(&f, nosig, false, 0, 0), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(sig(&f, th, false, 0, 0), ZX_ERR_NOT_SUPPORTED);

	/* signal_peer. */
	cr_assert_eq(sig(&f, he, true, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_ACCESS_DENIED, "events lack SIGNAL_PEER");
	he->rights |= ZX_RIGHT_SIGNAL_PEER;
	cr_assert_eq(sig(&f, he, true, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_NOT_SUPPORTED, "an event has no peer");
	cr_assert_eq(sig(&f, ha, true, 0, ZX_USER_SIGNAL_0 |
	    ZX_EVENTPAIR_SIGNALED), ZX_OK);
	cr_assert_eq(b->signals, ZX_USER_SIGNAL_0 | ZX_EVENTPAIR_SIGNALED);
	cr_assert_eq(a->signals, 0);
	cr_assert_eq(sig(&f, ha, true, 0, ZX_EVENTPAIR_PEER_CLOSED),
	    ZX_ERR_INVALID_ARGS, "PEER_CLOSED is not the user's to set");
	handle_free(hb);
	object_unref(b);
	cr_assert_eq(sig(&f, ha, true, 0, ZX_USER_SIGNAL_0),
	    ZX_ERR_PEER_CLOSED);
	cr_assert_eq(sig(&f, ha, true, 0, 1u << 20), ZX_ERR_INVALID_ARGS,
	    "the mask is checked before the peer");

	fake_free(&f);
	handle_free(he);
	handle_free(ha);
	handle_free(th);
	handle_free(nosig);
	object_unref(ev);
	object_unref(a);
	object_unref(t);
}

Test(sys_object, wait_setup_and_dup_checks)
{
	struct fake_call f = { 0 };
	static Zxd__WaitSetup ws = ZXD__WAIT_SETUP__INIT;
	static Zxd__HandleDuplicate hd = ZXD__HANDLE_DUPLICATE__INIT;
	static Zxd__HandleReplace hr = ZXD__HANDLE_REPLACE__INIT;
	struct object *ev, *t = t_new();
	struct handle *he, *nowait, *th;
	void *p;

	cr_assert_eq(event_create(0, &ev), ZX_OK);
	he = h_new(ev, ZX_DEFAULT_EVENT_RIGHTS);
	nowait = h_new(ev, ZX_DEFAULT_EVENT_RIGHTS & ~(ZX_RIGHT_WAIT |
	    ZX_RIGHT_DUPLICATE));
	th = h_new(t, ALL_RIGHTS);

	zxd__request__init(&f.req);
	f.req.body_case = ZXD__REQUEST__BODY_WAIT_SETUP;
	f.req.wait_setup = &ws;
	cr_assert_eq(run(&f, nowait), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(run(&f, th), ZX_ERR_NOT_SUPPORTED);
	object_signal(ev, 0, ZX_USER_SIGNAL_3);
	cr_assert_eq(run(&f, he), ZX_OK);
	cr_assert_eq(f.c.n_out_fds, 1);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, f.c.out_fds[0], 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(*(uint32_t *)p, ZX_USER_SIGNAL_3);
	munmap(p, 4096);
	fake_free(&f);

	/* duplicate: DUPLICATE first, then the subset rule. */
	zxd__request__init(&f.req);
	f.req.body_case = ZXD__REQUEST__BODY_HANDLE_DUPLICATE;
	f.req.handle_duplicate = &hd;
	hd.rights = ZX_RIGHT_SAME_RIGHTS;
	cr_assert_eq(run(&f, nowait), ZX_ERR_ACCESS_DENIED);
	hd.rights = ZX_DEFAULT_EVENT_RIGHTS | ZX_RIGHT_READ;
	cr_assert_eq(run(&f, he), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(run(&f, nowait), ZX_ERR_ACCESS_DENIED);

	/* replace: no DUPLICATE needed; a superset fails and still closes
	 * the source. */
	zxd__request__init(&f.req);
	f.req.body_case = ZXD__REQUEST__BODY_HANDLE_REPLACE;
	f.req.handle_replace = &hr;
	hr.rights = ZX_RIGHT_WAIT;
	cr_assert_eq(run(&f, nowait), ZX_ERR_INVALID_ARGS);
	cr_assert(f.c.close_self);
	cr_assert_eq(f.c.n_out_handles, 0);

	fake_free(&f);
	handle_free(he);
	handle_free(nowait);
	handle_free(th);
	object_unref(ev);
	object_unref(t);
}
