/* Handles: an object reference with rights, owned by one process.
 * The daemon's end of the handle's socket is kept by daemon/; here a
 * handle is found again by the inode of the client's end. */
#ifndef ZXD_OBJECTS_HANDLE_H
#define ZXD_OBJECTS_HANDLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "objects/object.h"
#include "uthash.h"

struct handle {
	struct object *obj;	/* a reference */
	zx_rights_t rights;
	pid_t owner_pid;	/* the only process that may use it */
	void *owner;		/* daemon's client record (opaque here) */
	void *conn;		/* daemon's connection record (opaque here) */
	uint64_t ino;		/* inode of the client's socket end; 0 = none */
	bool in_flight;		/* owned by no process: queued in a channel
				 * message or parked behind an export token */
	void *payer;		/* daemon's client record charged for it
				 * (held, in flight or behind a token) */
	struct handle *obj_prev, *obj_next;	/* obj->handles */
	UT_hash_handle hh;
};

/* A handle to `o` with `rights`; takes a new reference on o. */
zx_status_t handle_new(struct object *o, zx_rights_t rights,
    struct handle **ret);
/* Drop the handle (removes it from the table, releases the object). */
void handle_free(struct handle *h);
/* Called by handle_free first, for the daemon's accounting (h->payer);
 * NULL by default. */
extern void (*handle_release_hook)(struct handle *h);

/* Register under the client end's inode; EEXIST-style clash gives
 * ZX_ERR_ALREADY_EXISTS. */
zx_status_t handle_table_add(struct handle *h, uint64_t ino);
void handle_table_remove(struct handle *h);
struct handle *handle_table_find(uint64_t ino);
size_t handle_count(void);
/* Walk the handles in the table, in no particular order. */
struct handle *handle_first(void);
struct handle *handle_next(const struct handle *h);

/* Mark h as in flight or not; handle_in_flight_count() counts them. */
void handle_set_in_flight(struct handle *h, bool in_flight);
size_t handle_in_flight_count(void);

/* Lookup with Zircon's order: the type, then the rights. */
zx_status_t handle_check(const struct handle *h, zx_obj_type_t type,
    zx_rights_t rights);

#endif
