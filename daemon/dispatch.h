/* The syscall layer: one table entry per request type. Handlers look
 * handles up, check rights in Zircon's order and call objects/. */
#ifndef ZXD_DISPATCH_H
#define ZXD_DISPATCH_H

#include "daemon/server.h"
#include "proto/wire.h"

#include <stdbool.h>
#include <stddef.h>

/* A channel read returns up to 64 handles. */
#define DISPATCH_MAX_OUT WIRE_MAX_FDS

/* Return values of dispatch_packet besides 0. */
#define DISPATCH_CLOSE	1	/* reply sent; now close this connection */
#define DISPATCH_SPARE	2	/* reply sent; its handle closes, the
				 * socket becomes a spare (self_spare) */

struct dispatch_entry;

/* One request in flight. dispatch_packet zeroes every field before
 * `out_handles` (add new ones there); the buffers from `out_handles`
 * on are filled as they are used. */
struct call {
	const struct dispatch_entry *entry;	/* its table entry */
	struct conn *conn;
	struct client *client;
	struct handle *self;		/* the handle it came on, or NULL */
	pid_t pid;			/* the process that sent it */
	const Zxd__Request *req;
	struct wire_msg *msg;		/* in fds: set an entry to -1 to keep it */
	Zxd__Reply *rep;
	bool close_self;		/* close `conn` after replying */
	bool no_reply;			/* the handler answered elsewhere */
	size_t n_out_handles;
	size_t n_out_fds;
	bool body_used;
	size_t small_used;
	size_t n_scratch;
	/* Memory freed once the reply is sent (call_alloc, call_keep). */
	void *scratch[4];

	/* New handles and extra fds for the reply (handles first). */
	struct handle *out_handles[DISPATCH_MAX_OUT];
	Zxd__HandleDesc out_desc[DISPATCH_MAX_OUT];
	Zxd__HandleDesc *out_descp[DISPATCH_MAX_OUT];
	int out_handle_fds[DISPATCH_MAX_OUT];
	int out_fds[DISPATCH_MAX_OUT];
	/* The reply's body (call_body) and small records (call_alloc). */
	_Alignas(max_align_t) unsigned char body[512];
	_Alignas(max_align_t) unsigned char small[256];
};


typedef zx_status_t (*dispatch_fn)(struct call *c);

/* Where a request may arrive (daemon/calls.def). */
enum dispatch_where {
	ON_CONTROL = 1,
	ON_HANDLE = 2,
	SELF_LATE = 4,		/* sent absent: the handler still runs */
};

struct dispatch_entry {
	Zxd__Request__BodyCase body;	/* from the name, at start */
	const char *name;		/* the oneof field */
	dispatch_fn fn;			/* call_<name> */
	unsigned where;
	int nfds;			/* fds the request carries; -1 = any */
};

/* Every handler, declared from the table. */
#define CALL(n_, w_, k_) zx_status_t call_##n_(struct call *c);
#include "daemon/calls.def"
#undef CALL

/* Build the index of the table: each name must be a field of Request's
 * body. Returns 0, or -1 with the reason on stderr. dispatch_packet
 * builds it on first use; zxd calls it at start to fail early. */
int dispatch_init(void);
/* The table entry for a request body, or NULL (the index is built on
 * first use). */
const struct dispatch_entry *dispatch_lookup(Zxd__Request__BodyCase body);
/* Free what call_alloc and call_keep hold for c. */
void dispatch_call_release(struct call *c);

/* The reply's body, zeroed memory of `size` bytes that lives until the
 * reply is sent, or NULL. CALL_REPLY sets it as the reply's `field`
 * (body case ZXD__REPLY__BODY_<CASE>) after `init`: */
void *call_body(struct call *c, size_t size);
#define CALL_REPLY(c, field, CASE, init) __extension__ ({		\
	__typeof__((c)->rep->field) r_ = call_body((c), sizeof(*r_));	\
	if (r_ != NULL) {						\
		init(r_);						\
		(c)->rep->body_case = ZXD__REPLY__BODY_##CASE;		\
		(c)->rep->field = r_;					\
	}								\
	r_;								\
})
/* Memory freed after the reply is sent (the bytes a reply points to):
 * call_alloc's is zeroed, NULL when out of memory; call_keep takes
 * memory already allocated (on failure, false, it is freed now). */
void *call_alloc(struct call *c, size_t size);
bool call_keep(struct call *c, void *p);

/* Handle one received packet on `conn`. Returns 0, DISPATCH_CLOSE, or
 * -EPROTO to drop the connection. */
int dispatch_packet(struct conn *conn, struct wire_msg *m);

/* Give the caller a new handle to `o` with `rights` in the reply. */
zx_status_t dispatch_add_handle(struct call *c, struct object *o,
    zx_rights_t rights);
/* Give the caller the in-flight handle h in the reply (attaching it to
 * the calling process). On failure h stays in flight. */
zx_status_t dispatch_give_handle(struct call *c, struct handle *h);
/* Take back the reply's handles from index `from` on: they are in flight
 * again, as before dispatch_give_handle. */
void dispatch_take_back(struct call *c, size_t from);
/* Attach a non-handle fd to the reply; takes the fd. */
zx_status_t dispatch_add_fd(struct call *c, int fd);
/* Log, at notice level with the client's journal fields, that the
 * policy refused this request a privilege: "...: <name> refused: what". */
void dispatch_log_refused(const struct call *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* What libzx is told about a handle it receives. */
void dispatch_describe(const struct handle *h, Zxd__HandleDesc *d);
/* Resolve the i-th fd of the request (or the i-th of
 * Request.handle_args) as a handle of this caller. */
struct handle *dispatch_arg_handle(struct call *c, size_t i);
/* How many arguments the request carries: its fds, or the handles it
 * names instead (Request.handle_args). */
size_t call_nfds(const struct call *c);
/* Charge the caller for what object o holds of the daemon's own (fds
 * descriptors, bytes of shared memory) until it is destroyed:
 * ZX_ERR_NO_RESOURCES or ZX_ERR_NO_MEMORY over a limit. An object that
 * has a payer already adds it to that payer's charge (past its limit:
 * the object is there). */
zx_status_t dispatch_charge_object(struct call *c, struct object *o,
    unsigned fds, uint64_t bytes);
/* The same for o's signal page (its descriptor), if it has none yet:
 * call before what makes it. */
zx_status_t dispatch_charge_sigpage(struct call *c, struct object *o);
/* Take argument handle h from the caller (server_detach_handle), or
 * close it (server_close_handle); its socket stays the caller's spare
 * where libzx offered it (Request.spare_args, Reply.spared_args). */
void dispatch_detach_arg(struct call *c, struct handle *h);
void dispatch_close_arg(struct call *c, struct handle *h);

/* A client's control connection closed: its process is gone. */
void dispatch_client_gone(struct client *cl);

/* A descriptor of VMO v's memory for the caller of c to map, opened
 * O_RDONLY or O_RDWR (`oflags`): vmo_open's, or for a physical VMO one
 * the physical-memory backend makes for that peer. */
struct vmo;
zx_status_t sys_vmo_open(struct call *c, struct vmo *v, int oflags,
    int *ret_fd);

/* Per-family hooks for dispatch_client_gone. */
void sys_vmar_client_gone(struct client *cl);
void sys_iob_client_gone(struct client *cl);
void sys_process_client_gone(struct client *cl);

/* The caller's root VMAR (made on first use; not a new reference). */
struct vmar;
zx_status_t sys_vmar_root(struct call *c, struct vmar **ret);

struct vmo_payer;
/* Memory charged to client `cl` (its VMO limit): VMOs, IOB regions. */
void sys_vmo_payer(struct client *cl, struct vmo_payer *ret);
/* Take the closes of BTI `bti`'s PMT handles that are already there
 * (sys_ddk.c), before an answer they change. Returns how many; each
 * may have destroyed objects, `bti` among them. */
size_t sys_ddk_settle(struct object *bti);
/* The same for the PMTs that pin v's memory, before an answer its
 * pinned pages change (a decommit, a shrink, a cache policy). */
struct vmo;
size_t sys_ddk_settle_vmo(struct vmo *v);
/* WIRE_UNPIN read on h's socket: unpin h's PMT (nothing for another
 * type), just before the handle closes. */
void sys_ddk_unpin_closing(struct handle *h);

#endif
