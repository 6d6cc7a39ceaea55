/*
 * The operator's side (zxctl): status, objects, handles, iob, phys, bti,
 * one file each (inspect_<listing>.c); this header and inspect.c hold
 * what they share: what the asker may see (a view) and replies built
 * in pages (an arena).
 *
 * Visibility: a peer the root-resource policy admits (root_admitted) sees
 * every object and every holder. Any other peer sees the objects that
 * processes of its own uid hold handles to, and of their holders only
 * those of its uid; asking for another uid's process is refused. Status
 * figures are daemon-wide for everyone.
 *
 * Everything is read through object_ops and Zircon's own info topics
 * (ZX_INFO_VMO, ZX_INFO_IOB_REGIONS, ZX_INFO_BTI), so a new object type
 * shows up in `zxctl objects` and `status` with no change here. What no
 * info topic carries (IOB mappings, a physical VMO's address, a BTI's
 * pins) comes from objects/: iob_mappings(), vmo_paddr(), bti_pins().
 *
 * Lists come in pages that fit one packet (proto/zxd.proto).
 */
#ifndef ZXD_DAEMON_INSPECT_H
#define ZXD_DAEMON_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <zircon/types.h>

#include "daemon/dispatch.h"

/* Per page: at most this many entries, and packed bytes (WIRE_MAX_MSG
 * less room for the envelope). */
#define PAGE_ENTRIES	512
#define PAGE_BYTES	(WIRE_MAX_MSG - 4096)
/* Holders listed per object, BTI pins per BTI; the rest are counted. */
#define HOLDERS_MAX	16
#define PINS_MAX	64
/* IOB mappings listed per `zxctl iob`. */
#define IOB_MAPS_MAX	256

/* Every right: the operator reads info as the kernel would. */
#define OPERATOR_RIGHTS	((zx_rights_t)~ZX_RIGHT_SAME_RIGHTS)

struct seen {
	struct handle *h;
	struct client *cl;		/* its owner */
};

struct view {
	bool all;			/* root_admitted: sees everything */
	uid_t uid;
	struct seen *hs;		/* visible handles, by (koid, pid) */
	size_t n_hs;
	struct object **objs;		/* visible objects, by koid */
	size_t n_objs;
};

/*
 * Reply messages are built in one block, freed by call_keep after
 * sending: first sized, then carved up.
 */
struct arena {
	char *p;
	size_t left;
};

#define ARENA_ALIGN(n)	(((n) + 15) & ~(size_t)15)

#define ARENA_ARRAY(a, n, type, INIT) __extension__ ({		\
	static const type init_ = INIT;				\
	(type **)arena_array((a), (n), &init_, sizeof(type));	\
})

/* What the peer of call c may see: every object and holder when the
 * root-resource policy admits it, else those of its uid. */
zx_status_t view_init(struct view *v, const struct call *c);
void view_free(struct view *v);

/* The index in v->objs of the visible object with this koid, or
 * v->n_objs. */
size_t view_index(const struct view *v, zx_koid_t koid);

/* The visible object with this koid, or NULL. */
struct object *view_find(const struct view *v, zx_koid_t koid);

/* An arena of `size` bytes, freed after c's reply is sent. */
zx_status_t arena_new(struct call *c, struct arena *a, size_t size);

/* Sized beforehand, so it never runs out. */
void *arena_get(struct arena *a, size_t size);

/* Arena bytes for n messages of `size` and their pointer array. */
size_t arena_size(size_t n, size_t size);

/* n copies of the message `init` (its protobuf-c INIT value) and an
 * array pointing at them. */
void **arena_array(struct arena *a, size_t n, const void *init, size_t size);

/* o's holders (at most HOLDERS_MAX, by pid); the rest counted in
 * *omitted. Arena room: arena_size(HOLDERS_MAX or fewer, Holder). */
size_t fill_holders(const struct view *v, const struct object *o,
    struct arena *a, Zxd__Holder ***ret, uint32_t *omitted);

/* The arena room fill_holders needs for o. */
size_t holders_room(const struct view *v, const struct object *o);

/* Run o's get_info for one record of `topic`, with every right;
 * false if it has none. */
bool view_info(struct object *o, uint32_t topic, void *buf, size_t size);

/*
 * A page of visible objects with koid > after that pass `want`: their
 * indices in v->objs go to sel[], at most PAGE_ENTRIES. Returns the count.
 */
size_t select_page(const struct view *v, zx_koid_t after,
    bool (*want)(struct object *), size_t *sel);

/*
 * Keep the first entries of a page that fit PAGE_BYTES; `next` is the
 * key of the last one kept when more remain (the page was full, or cut
 * short here), else 0.
 */
size_t fit_page(void **msgs, size_t n, bool full, size_t fixed,
    const zx_koid_t *keys, uint64_t *next);

#endif
