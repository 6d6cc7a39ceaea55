/*
 * A structure-aware fuzz run against a real zxd: requests of every type in
 * the wire schema, built through protobuf-c's descriptors with hostile
 * field values (0, 1, page sizes, all-ones, random), sometimes with their
 * bytes mutated or their fd count wrong, sent on the control connection or
 * on the socket of a live handle (VMO, channel, event, eventpair, IOB
 * endpoint, VMAR), with random fds attached. The seed is fixed, so a
 * failure repeats; set ZXD_FUZZ_SEED and ZXD_FUZZ_ROUNDS to explore.
 *
 * What must hold: every packet gets exactly one reply or the connection is
 * dropped (never a hang), the daemon stays up and keeps serving libzx, and
 * once everything is closed its counts and fds are back to the baseline,
 * with no sanitizer report and a clean exit.
 */
#include "config-build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iob.h>
#include <zxd/zxd.h>

#include <sys/wait.h>

#include "proto/wire.h"
#include "tests/lib/zxdtest.h"

/* The fuzzing runs in a forked child (its death then also drops whatever
 * a lying request made the daemon record for it): checks there print and
 * exit instead of using criterion's asserts. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz: " __VA_ARGS__);			\
		fprintf(stderr, " (%s:%d)\n", __FILE__, __LINE__);	\
		_exit(2);						\
	}								\
} while (0)

static struct zxdtest_daemon D;
static uint64_t rng;

static uint64_t
next(void)
{
	/* xorshift64*: small, and the same everywhere. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1Dull;
}

static uint64_t
pick(uint64_t n)
{
	return n == 0 ? 0 : next() % n;
}

static uint64_t
hostile(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 7, 31, 32, 63, 64, 65, 4095, 4096, 4097, 8192,
		0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000ull,
		0xF0000000, 0xF0FFF000, 0x40000000, UINT64_MAX,
		UINT64_MAX - 4095, INT64_MAX, (uint64_t)INT64_MIN,
	};

	if (pick(4) == 0)
		return next();
	return v[pick(sizeof(v) / sizeof(v[0]))];
}

/* Fill every scalar field of `m` with hostile values; nested messages
 * one level deep, repeated fields with a few elements. */
static void
fill(ProtobufCMessage *m, int depth, void **owned, size_t *n_owned)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		char *p = (char *)m + f->offset;

		if (pick(3) == 0)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t k = pick(4), esz;
			void *arr;

			if (f->type == PROTOBUF_C_TYPE_MESSAGE ||
			    f->type == PROTOBUF_C_TYPE_STRING ||
			    f->type == PROTOBUF_C_TYPE_BYTES)
				continue;
			esz = f->type == PROTOBUF_C_TYPE_UINT64 ||
			    f->type == PROTOBUF_C_TYPE_SINT64 ||
			    f->type == PROTOBUF_C_TYPE_INT64 ? 8 : 4;
			arr = calloc(k ? k : 1, esz);
			for (size_t j = 0; j < k; j++) {
				uint64_t v = hostile();

				memcpy((char *)arr + j * esz, &v, esz);
			}
			*(size_t *)((char *)m + f->quantifier_offset) = k;
			*(void **)p = arr;
			owned[(*n_owned)++] = arr;
			continue;
		}
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			continue;
		switch (f->type) {
		case PROTOBUF_C_TYPE_BOOL:
			*(protobuf_c_boolean *)p = (protobuf_c_boolean)pick(2);
			break;
		case PROTOBUF_C_TYPE_UINT32:
		case PROTOBUF_C_TYPE_INT32:
		case PROTOBUF_C_TYPE_SINT32:
		case PROTOBUF_C_TYPE_ENUM:
		case PROTOBUF_C_TYPE_FIXED32:
		case PROTOBUF_C_TYPE_SFIXED32:
			*(uint32_t *)p = (uint32_t)hostile();
			break;
		case PROTOBUF_C_TYPE_UINT64:
		case PROTOBUF_C_TYPE_INT64:
		case PROTOBUF_C_TYPE_SINT64:
		case PROTOBUF_C_TYPE_FIXED64:
		case PROTOBUF_C_TYPE_SFIXED64:
			*(uint64_t *)p = hostile();
			break;
		case PROTOBUF_C_TYPE_BYTES: {
			ProtobufCBinaryData *b = (ProtobufCBinaryData *)p;
			size_t len = pick(4) == 0 ? 120 * pick(4) : pick(64);
			uint8_t *buf = malloc(len ? len : 1);

			for (size_t j = 0; j < len; j++)
				buf[j] = (uint8_t)next();
			b->data = buf;
			b->len = len;
			owned[(*n_owned)++] = buf;
			break;
		}
		case PROTOBUF_C_TYPE_MESSAGE: {
			const ProtobufCMessageDescriptor *sd = f->descriptor;
			ProtobufCMessage *sub;

			if (depth > 1)
				break;
			sub = calloc(1, sd->sizeof_message);
			sd->message_init(sub);
			owned[(*n_owned)++] = sub;
			fill(sub, depth + 1, owned, n_owned);
			*(ProtobufCMessage **)p = sub;
			break;
		}
		default:
			break;
		}
	}
}

/* A packed Request of a random body type with hostile fields. */
static size_t
build(uint8_t *out, size_t cap, uint32_t nfds)
{
	const ProtobufCMessageDescriptor *rd = &zxd__request__descriptor;
	const ProtobufCFieldDescriptor *f;
	const ProtobufCMessageDescriptor *sd;
	Zxd__Request req = ZXD__REQUEST__INIT;
	void *owned[256];
	size_t n_owned = 0, len;
	ProtobufCMessage *body;

	/* A oneof member: every field after txid and nfds. */
	do
		f = &rd->fields[pick(rd->n_fields)];
	while (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF));
	sd = f->descriptor;
	body = calloc(1, sd->sizeof_message);
	sd->message_init(body);
	owned[n_owned++] = body;
	fill(body, 1, owned, &n_owned);
	*(uint32_t *)((char *)&req + f->quantifier_offset) = f->id;
	*(ProtobufCMessage **)((char *)&req + f->offset) = body;
	req.txid = next();
	req.nfds = nfds;
	len = protobuf_c_message_get_packed_size(&req.base);
	if (len <= cap)
		protobuf_c_message_pack(&req.base, out);
	else
		len = 0;
	while (n_owned > 0)
		free(owned[--n_owned]);
	return len;
}

static void
mutate(uint8_t *buf, size_t *len, size_t cap)
{
	switch (pick(4)) {
	case 0:	/* flip bits */
		for (int i = 0; i < 1 + (int)pick(4) && *len > 0; i++)
			buf[pick(*len)] ^= (uint8_t)(1u << pick(8));
		break;
	case 1:	/* truncate */
		*len = pick(*len + 1);
		break;
	case 2:	/* random tail */
		for (size_t n = pick(16); n > 0 && *len < cap; n--)
			buf[(*len)++] = (uint8_t)next();
		break;
	default:
		break;
	}
}

static int
raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0, "socket");
	memcpy(sa.sun_path, D.socket, strlen(D.socket) + 1);
	CHECK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect");
	return fd;
}

static void
raw_send(int sock, const uint8_t *buf, size_t len, const int *fds, size_t n)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 8)];
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	/* A refused send (the daemon already dropped the socket) is fine. */
	(void)sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* One reply or a drop, within the time limit; never silence. */
static void
expect_answer(int sock, uint64_t round)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct wire_msg m = { 0 };
	uint8_t *buf = malloc(WIRE_MAX_MSG);
	int r = poll(&p, 1, 5000);

	CHECK(r > 0, "round %llu: the daemon neither answered nor dropped "
	    "the connection", (unsigned long long)round);
	m.buf = buf;
	(void)wire_recv(sock, &m);
	wire_msg_clear(&m);
	free(buf);
}

static void
hello(int sock)
{
	Zxd__Request req = ZXD__REQUEST__INIT;
	Zxd__Hello h = ZXD__HELLO__INIT;
	struct wire_msg m = { 0 };

	h.version = ZXD_PROTOCOL_VERSION;
	req.body_case = ZXD__REQUEST__BODY_HELLO;
	req.hello = &h;
	CHECK(wire_send(sock, &req.base, NULL, 0) == 0, "hello");
	m.buf = malloc(WIRE_MAX_MSG);
	CHECK(wire_recv(sock, &m) > 0, "hello reply");
	wire_msg_clear(&m);
	free(m.buf);
}

#define CHECK_OK(call, want) CHECK((call) == (want), "%s", #call)

/* A fresh handle of a random kind; its raw socket is h >> 2. */
static zx_handle_t
some_handle(zx_handle_t *extra)
{
	zx_handle_t h = ZX_HANDLE_INVALID;
	zx_iob_region_t rg;

	*extra = ZX_HANDLE_INVALID;
	switch (pick(6)) {
	case 0:
		CHECK_OK(zx_vmo_create(4096 * (1 + pick(4)),
		    pick(2) ? ZX_VMO_RESIZABLE : 0, &h), ZX_OK);
		break;
	case 1:
		CHECK_OK(zx_channel_create(0, &h, extra), ZX_OK);
		break;
	case 2:
		CHECK_OK(zx_event_create(0, &h), ZX_OK);
		break;
	case 3:
		CHECK_OK(zx_eventpair_create(0, &h, extra), ZX_OK);
		break;
	case 4:
		memset(&rg, 0, sizeof(rg));
		rg.type = ZX_IOB_REGION_TYPE_PRIVATE;
		rg.access = ZX_IOB_ACCESS_EP0_CAN_MAP_READ |
		    ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE |
		    ZX_IOB_ACCESS_EP1_CAN_MAP_READ;
		rg.size = 4096;
		CHECK_OK(zx_iob_create(0, &rg, 1, &h, extra), ZX_OK);
		break;
	default:
		CHECK_OK(zx_handle_duplicate(zx_vmar_root_self(),
		    ZX_RIGHT_SAME_RIGHTS, &h), ZX_OK);
		break;
	}
	return h;
}

static int
count_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The daemon's counts and fds, once steady. */
static void
settle(const struct zxdtest_stats *want, int want_fds)
{
	struct zxdtest_stats s = { 0 };
	int fds = -1;

	for (int i = 0; i < 300; i++) {
		usleep(20000);
		fds = count_fds(D.pid);
		cr_assert_eq(zxdtest_stats(D.socket, &s), 0, "zxd is gone");
		if (s.handles == want->handles && s.objects == want->objects &&
		    fds == want_fds)
			return;
	}
	cr_assert_fail("not back to baseline: handles %llu/%llu objects "
	    "%llu/%llu fds %d/%d", (unsigned long long)s.handles,
	    (unsigned long long)want->handles, (unsigned long long)s.objects,
	    (unsigned long long)want->objects, fds, want_fds);
}

static void
start(void)
{
	/* Small limits: a hostile COMMIT must not eat the machine. */
	cr_assert_eq(zxdtest_start_config(&D, "[limits]\n"
	    "vmo_bytes_per_client = 64M\nhandles_per_client = 4096\n", NULL),
	    0);
}

static void
stop(void)
{
	if (D.pid > 0)
		zxdtest_stop(&D);
}

TestSuite(fuzz, .init = start, .fini = stop, .timeout = 300);

static void
fuzz_child(uint64_t seed, uint64_t rounds)
{
	uint8_t *buf = malloc(WIRE_MAX_MSG);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	rng = seed;
	for (uint64_t r = 0; r < rounds; r++) {
		zx_handle_t h = ZX_HANDLE_INVALID, extra, arg = 0;
		zx_handle_t argx = ZX_HANDLE_INVALID;
		int fds[3], sock;
		size_t nfds = pick(3), len;
		uint32_t declared;
		bool on_handle = pick(2);

		if (on_handle) {
			h = some_handle(&extra);
			sock = (int)(h >> 2);
		} else {
			sock = raw_connect();
			hello(sock);
			extra = ZX_HANDLE_INVALID;
		}
		for (size_t i = 0; i < nfds; i++) {
			if (pick(2)) {
				if (arg == 0)
					arg = some_handle(&argx);
				fds[i] = (int)(arg >> 2);
			} else
				fds[i] = devnull;
		}
		declared = pick(8) == 0 ? (uint32_t)pick(4) : (uint32_t)nfds;
		len = build(buf, WIRE_MAX_MSG, declared);
		if (pick(3) == 0)
			mutate(buf, &len, WIRE_MAX_MSG);
		raw_send(sock, buf, len, fds, nfds);
		if (len > 0)
			expect_answer(sock, r);
		/* Whatever the request did to them, let them go. */
		if (on_handle)
			zx_handle_close(h);
		else
			close(sock);
		if (extra != ZX_HANDLE_INVALID)
			zx_handle_close(extra);
		if (arg != 0)
			zx_handle_close(arg);
		if (argx != ZX_HANDLE_INVALID)
			zx_handle_close(argx);
	}
	close(devnull);
	free(buf);
	_exit(0);
}

Test(fuzz, hostile_requests)
{
	const char *env_seed = getenv("ZXD_FUZZ_SEED");
	const char *env_rounds = getenv("ZXD_FUZZ_ROUNDS");
	uint64_t rounds = env_rounds ? strtoull(env_rounds, NULL, 0) : 1500;
	uint64_t seed = env_seed ? strtoull(env_seed, NULL, 0) : 0x5EED2026ull;
	struct zxdtest_stats base;
	zx_handle_t keep, root;
	char log[4096];
	FILE *lf;
	pid_t pid;
	int fds0, st;

	cr_assert_eq(zx_event_create(0, &keep), ZX_OK);
	/* The root resource is made on first grant and lives as long as the
	 * daemon: let it exist before the baseline. */
	cr_assert_eq(zxd_get_root_resource(&root), ZX_OK);
	cr_assert_eq(zx_handle_close(root), ZX_OK);
	usleep(100000);
	cr_assert_eq(zxdtest_stats(D.socket, &base), 0);
	/* Count fds once the daemon has dropped that stats connection. */
	usleep(100000);
	fds0 = count_fds(D.pid);

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		fuzz_child(seed, rounds);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the fuzzing process failed (status 0x%x, seed 0x%llx)", st,
	    (unsigned long long)seed);

	/* This process was served all along and still is. */
	cr_assert_eq(zx_object_signal(keep, 0, ZX_USER_SIGNAL_0), ZX_OK);
	settle(&base, fds0);
	zx_handle_close(keep);

	/* No sanitizer report, no error-level line; a clean exit. */
	lf = fopen(D.log, "r");
	cr_assert_not_null(lf);
	while (fgets(log, sizeof(log), lf) != NULL) {
		cr_assert_null(strstr(log, "Sanitizer"), "zxd: %s", log);
		cr_assert_null(strstr(log, "runtime error"), "zxd: %s", log);
		cr_assert(strncmp(log, "<0>", 3) && strncmp(log, "<1>", 3) &&
		    strncmp(log, "<2>", 3) && strncmp(log, "<3>", 3),
		    "zxd logged: %s", log);
	}
	fclose(lf);
	st = zxdtest_stop(&D);
	D.pid = 0;
	cr_assert_eq(st, 0, "zxd did not exit cleanly");
}
