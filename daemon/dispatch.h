/* The syscall layer: one table entry per request type. Handlers look
 * handles up, check rights in Zircon's order and call objects/. */
#ifndef ZXD_DISPATCH_H
#define ZXD_DISPATCH_H

#include "daemon/server.h"
#include "daemon/wire.h"

/* A channel read returns up to 64 handles. */
#define DISPATCH_MAX_OUT WIRE_MAX_FDS

/* Return values of dispatch_packet besides 0. */
#define DISPATCH_CLOSE	1	/* reply sent; now close this connection */

struct dispatch_entry;

/* One request in flight. */
struct call {
	const struct dispatch_entry *entry;	/* its table entry */
	struct conn *conn;
	struct client *client;
	struct handle *self;		/* the handle it came on, or NULL */
	pid_t pid;			/* the process that sent it */
	const Zxd__Request *req;
	struct wire_msg *msg;		/* in fds: set an entry to -1 to keep it */
	Zxd__Reply *rep;
	/* New handles and extra fds for the reply (handles first). */
	struct handle *out_handles[DISPATCH_MAX_OUT];
	Zxd__HandleDesc out_desc[DISPATCH_MAX_OUT];
	Zxd__HandleDesc *out_descp[DISPATCH_MAX_OUT];
	int out_handle_fds[DISPATCH_MAX_OUT];
	size_t n_out_handles;
	int out_fds[DISPATCH_MAX_OUT];
	size_t n_out_fds;
	bool close_self;		/* close `conn` after replying */
	/* Storage for the reply's body, and a buffer freed after sending. */
	union {
		Zxd__GetInfoReply get_info;
		Zxd__PropertyReply property;
		Zxd__StatsReply stats;
		Zxd__VmoFdReply vmo_fd;
		Zxd__VmoLockState vmo_lock_state;
		Zxd__VmarInfo vmar_info;
		Zxd__VmarMapReply vmar_map;
		Zxd__BtiPinReply bti_pin;
		Zxd__SimDmaReply sim_dma;
		Zxd__ChannelReadReply channel_read;
		Zxd__IobAllocateIdReply iob_alloc;
		Zxd__PortPullReply port_pull;
	} body;
	void *scratch;
};

typedef zx_status_t (*dispatch_fn)(struct call *c);

enum dispatch_where {
	ON_CONTROL = 1,
	ON_HANDLE = 2,
	ON_ANY = 3,
};

struct dispatch_entry {
	Zxd__Request__BodyCase body;
	const char *name;
	dispatch_fn fn;
	enum dispatch_where where;
	int nfds;			/* fds the request carries; -1 = any */
};

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
/* Resolve the i-th fd of the request as a handle of this caller. */
struct handle *dispatch_arg_handle(struct call *c, size_t i);

/* A client's control connection closed: its process is gone. */
void dispatch_client_gone(struct client *cl);

/* The tables of each family, ended by an entry with fn == NULL. */
extern const struct dispatch_entry sys_object_calls[];
extern const struct dispatch_entry sys_event_calls[];
extern const struct dispatch_entry sys_resource_calls[];
extern const struct dispatch_entry sys_operator_calls[];
extern const struct dispatch_entry sys_vmo_calls[];
extern const struct dispatch_entry sys_vmar_calls[];
extern const struct dispatch_entry sys_ddk_calls[];

/* A descriptor of VMO v's memory for the caller of c to map, opened
 * O_RDONLY or O_RDWR (`oflags`): vmo_open's, or for a physical VMO one
 * the physical-memory backend makes for that peer. */
struct vmo;
zx_status_t sys_vmo_open(struct call *c, struct vmo *v, int oflags,
    int *ret_fd);
extern const struct dispatch_entry sys_channel_calls[];
extern const struct dispatch_entry sys_transfer_calls[];
extern const struct dispatch_entry sys_iob_calls[];
extern const struct dispatch_entry sys_port_calls[];
extern const struct dispatch_entry sys_timer_calls[];

/* Per-family hooks for dispatch_client_gone. */
void sys_vmar_client_gone(struct client *cl);

struct vmo_payer;
/* Memory charged to client `cl` (its VMO limit): VMOs, IOB regions. */
void sys_vmo_payer(struct client *cl, struct vmo_payer *ret);
/* Take the closes of BTI `bti`'s PMT handles that are already there
 * (sys_ddk.c), before an answer they change. Returns how many; each
 * may have destroyed objects, `bti` among them. */
size_t sys_ddk_settle(struct call *c, struct object *bti);

#endif
