/*
 * zxctl against a real zxd: each test starts its own daemon (counts are
 * daemon-wide), holds objects with tests/ops/holder (as root or as
 * nobody), runs the zxctl binary and reads its JSON with json-c, or its
 * tables as text.
 */
#include "config-build.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json.h>

#include "tests/lib/zxctlrun.h"
#include "tests/lib/zxdtest.h"

#define NOBODY 65534

#define ZXCTL(out, err, ...) \
	zxctl_as(0, out, err, (const char *const[]){ __VA_ARGS__, NULL })
#define ZXCTL_NOBODY(out, err, ...) \
	zxctl_as(NOBODY, out, err, (const char *const[]){ __VA_ARGS__, NULL })

/* Run zxctl with --json; its document, parsed. */
static json_object *
zxctl_json(uid_t uid, int want_exit, const char *const *args)
{
	const char *argv[16];
	json_object *j;
	size_t n = 0;
	char *out, *err;
	int rc;

	for (; *args != NULL && n < 14; args++)
		argv[n++] = *args;
	argv[n++] = "--json";
	argv[n] = NULL;
	rc = zxctl_as(uid, &out, &err, argv);
	cr_assert_eq(rc, want_exit, "zxctl %s: exit %d, want %d; stderr: %s",
	    argv[0], rc, want_exit, err);
	j = json_tokener_parse(out);
	cr_assert_not_null(j, "not one JSON document: %s", out);
	free(out);
	free(err);
	return j;
}

#define JSON(uid, want, ...) \
	zxctl_json(uid, want, (const char *const[]){ __VA_ARGS__, NULL })

static json_object *
get(json_object *o, const char *key)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no \"%s\" in %s",
	    key, json_object_to_json_string(o));
	return v;
}

static uint64_t
get_u64(json_object *o, const char *key)
{
	return json_object_get_uint64(get(o, key));
}

static const char *
get_str(json_object *o, const char *key)
{
	return json_object_get_string(get(o, key));
}

/* ---- holders ------------------------------------------------------------ */

struct holder {
	pid_t pid;
	int in;				/* its stdin: close to let it go */
	uint64_t koids[4096];
	size_t n;
	/* holder -b */
	uint64_t bti, pin_pmt, pin_vmo, pin_addr, quarantined;
	/* holder -m: the sub-VMAR, the mapping, its VMO; an event's value */
	uint64_t sub_base, map_addr, map_vmo;
	uint64_t value_koid, value;
};

/* Start tests/ops/holder ARGS as uid; wait for "ready". */
static void
holder_start(struct holder *h, uid_t uid, const char *const *args)
{
	char *bin = builddir_path("tests/ops/holder");
	const char *argv[16] = { bin };
	char line[256];
	int pi[2], po[2];
	size_t n = 1;
	FILE *f;

	for (; *args != NULL && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	memset(h, 0, sizeof(*h));
	cr_assert(pipe(pi) == 0 && pipe(po) == 0);
	h->pid = fork();
	cr_assert(h->pid >= 0);
	if (h->pid == 0) {
		dup2(pi[0], 0);
		dup2(po[1], 1);
		close(pi[1]);
		close(po[0]);
		drop_to(uid);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	free(bin);
	close(pi[0]);
	close(po[1]);
	h->in = pi[1];
	f = fdopen(po[0], "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long a, b;

		if (strcmp(line, "ready\n") == 0)
			break;
		unsigned long long c;

		if (sscanf(line, "bti %llu", &a) == 1)
			h->bti = a;
		else if (sscanf(line, "maps %llu %llu %llu", &a, &b, &c) ==
		    3) {
			h->sub_base = a;
			h->map_addr = b;
			h->map_vmo = c;
		} else if (sscanf(line, "value %llu %llu", &a, &b) == 2) {
			h->value_koid = a;
			h->value = b;
		}
		else if (sscanf(line, "pin %llu %llu %llu", &a, &b, &c) == 3) {
			h->pin_pmt = a;
			h->pin_vmo = b;
			h->pin_addr = c;
		} else if (sscanf(line, "quarantined %llu", &a) == 1)
			h->quarantined = a;
		else if (sscanf(line, "eventpair %llu %llu", &a, &b) == 2) {
			h->koids[h->n++] = a;
			h->koids[h->n++] = b;
		} else if (sscanf(line, "event %llu", &a) == 1 &&
		    h->n < sizeof(h->koids) / sizeof(h->koids[0]))
			h->koids[h->n++] = a;
	}
	cr_assert(!feof(f), "holder did not get ready");
	fclose(f);
}

#define HOLDER(h, uid, ...) \
	holder_start(h, uid, (const char *const[]){ __VA_ARGS__, NULL })

static void
holder_stop(struct holder *h)
{
	int st;

	close(h->in);
	cr_assert(waitpid(h->pid, &st, 0) == h->pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- daemons ------------------------------------------------------------ */

static struct zxdtest_daemon daemon_;

static void
start(const char *const *extra)
{
	cr_assert_eq(zxdtest_start(&daemon_, extra), 0, "zxd did not start");
}

/* Stop the daemon: it must exit 0 and have logged no error. */
static void
stop(void)
{
	FILE *f = fopen(daemon_.log, "r");
	char line[1024];

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		cr_assert(line[0] != '<' || line[1] > '3',
		    "zxd logged: %s", line);
	fclose(f);
	cr_assert_eq(zxdtest_stop(&daemon_), 0, "zxd did not exit cleanly");
}

/* The daemon's log so far. */
static char *
daemon_log(void)
{
	int fd = open(daemon_.log, O_RDONLY);
	char *s;

	cr_assert(fd >= 0);
	s = slurp(fd);
	close(fd);
	return s;
}

/* A config file in the daemon's folder-to-be. */
static char *
write_config(const char *text)
{
	char *path = strdup("/tmp/zxctl-test.XXXXXX");
	int fd;

	cr_assert_not_null(path);
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, 0644);
	close(fd);
	return path;
}

static json_object *
find_koid(json_object *arr, uint64_t koid)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);

		if (get_u64(e, "koid") == koid)
			return e;
	}
	return NULL;
}

/* ---- tests -------------------------------------------------------------- */

TestSuite(zxctl, .timeout = 60);

Test(zxctl, status)
{
	struct holder h;
	json_object *j, *types;
	bool seen_event = false, seen_pair = false;
	char *out;

	start(NULL);
	HOLDER(&h, 0, "-n", "2", "-p");
	j = JSON(0, 0, "status");
	cr_assert_str_eq(get_str(j, "command"), "status");
	cr_assert_eq(get_u64(j, "format"), 1);
	cr_assert_str_eq(get_str(j, "version"), PACKAGE_VERSION);
	cr_assert_str_eq(get_str(j, "backend"), "sim");
	cr_assert_eq(get_u64(j, "pid"), (uint64_t)daemon_.pid);
	/* The holder and zxctl itself. */
	cr_assert_eq(get_u64(j, "clients"), 2);
	cr_assert_eq(get_u64(j, "objects"), 4);
	cr_assert_eq(get_u64(j, "handles"), 4);
	cr_assert_eq(get_u64(j, "memory_bytes"), 0);
	cr_assert(json_object_get_boolean(get(j, "all_visible")));
	cr_assert_gt(get_u64(j, "uptime_ns"), 0);
	types = get(j, "types");
	for (size_t i = 0; i < json_object_array_length(types); i++) {
		json_object *t = json_object_array_get_idx(types, i);
		const char *name = get_str(t, "type_name");

		if (strcmp(name, "event") == 0) {
			cr_assert_eq(get_u64(t, "type"), 5);
			cr_assert_eq(get_u64(t, "objects"), 2);
			cr_assert_eq(get_u64(t, "handles"), 2);
			seen_event = true;
		} else if (strcmp(name, "eventpair") == 0) {
			cr_assert_eq(get_u64(t, "type"), 16);
			cr_assert_eq(get_u64(t, "objects"), 2);
			cr_assert_eq(get_u64(t, "handles"), 2);
			seen_pair = true;
		} else
			cr_assert_fail("unexpected type %s", name);
	}
	cr_assert(seen_event && seen_pair);
	json_object_put(j);

	/* The table: a row per type, counts right-aligned under heads. */
	cr_assert_eq(ZXCTL(&out, NULL, "status"), 0);
	cr_assert_not_null(strstr(out, "\nTYPE       OBJECTS  HANDLES\n"
	    "event            2        2\n"
	    "eventpair        2        2\n"), "%s", out);
	cr_assert_not_null(strstr(out, "clients  2\n"), "%s", out);
	free(out);

	holder_stop(&h);
	/* Counts follow: the holder's objects are gone. */
	j = JSON(0, 0, "status");
	cr_assert_eq(get_u64(j, "objects"), 0);
	cr_assert_eq(get_u64(j, "handles"), 0);
	cr_assert_eq(json_object_array_length(get(j, "types")), 0);
	json_object_put(j);
	stop();
}

Test(zxctl, status_call_timing)
{
	json_object *j, *calls, *e = NULL;
	char *out;

	start(NULL);
	/* Starting and stopping are the operator's; reading is anyone's. */
	j = JSON(NOBODY, 1, "status", "timing-on");
	cr_assert_str_eq(get_str(get(j, "error"), "status_name"),
	    "ZX_ERR_ACCESS_DENIED");
	json_object_put(j);
	j = JSON(0, 0, "status", "timing-on");
	cr_assert(json_object_get_boolean(get(j, "call_timing_on")));
	json_object_put(j);
	/* A status is timed once served: the next one shows it. */
	cr_assert_eq(ZXCTL_NOBODY(NULL, NULL, "status"), 0);
	j = JSON(NOBODY, 0, "status");
	calls = get(j, "call_timing");
	for (size_t i = 0; i < json_object_array_length(calls); i++)
		if (strcmp(get_str(json_object_array_get_idx(calls, i),
		    "request"), "stats") == 0)
			e = json_object_array_get_idx(calls, i);
	cr_assert_not_null(e);
	cr_assert_geq(get_u64(e, "count"), 1);
	cr_assert_leq(get_u64(e, "wait_p50_ns"), get_u64(e, "wait_p99_ns"));
	cr_assert_leq(get_u64(e, "handler_p50_ns"),
	    get_u64(e, "handler_p99_ns"));
	json_object_put(j);
	cr_assert_eq(ZXCTL(&out, NULL, "status", "timing-off"), 0);
	cr_assert_not_null(strstr(out, "\ncall timing off\nREQUEST "),
	    "%s", out);
	cr_assert_not_null(strstr(out, "\nstats "), "%s", out);
	free(out);
	stop();
}

Test(zxctl, objects_and_holders)
{
	struct holder h;
	json_object *j, *objs;
	char *out, *line, *save, expect[64];
	size_t col = 0, rows = 0;

	start(NULL);
	HOLDER(&h, 0, "-n", "1", "-p");
	cr_assert_eq(h.n, 3);
	j = JSON(0, 0, "objects");
	cr_assert_str_eq(get_str(j, "command"), "objects");
	cr_assert(json_object_get_boolean(get(j, "all_visible")));
	objs = get(j, "objects");
	cr_assert_eq(json_object_array_length(objs), 3);
	for (size_t i = 0; i < 3; i++) {
		json_object *o = json_object_array_get_idx(objs, i);
		json_object *hs = get(o, "holders"), *hd;

		/* By koid, as created. */
		cr_assert_eq(get_u64(o, "koid"), h.koids[i]);
		cr_assert_str_eq(get_str(o, "type_name"),
		    i == 0 ? "event" : "eventpair");
		cr_assert_eq(get_u64(o, "handle_count"), 1);
		cr_assert_eq(get_u64(o, "size_bytes"), 0);
		cr_assert_str_eq(get_str(o, "name"), "");
		cr_assert_eq(get_u64(o, "related_koid"),
		    i == 0 ? 0 : h.koids[i == 1 ? 2 : 1]);
		cr_assert_eq(json_object_array_length(hs), 1);
		hd = json_object_array_get_idx(hs, 0);
		cr_assert_eq(get_u64(hd, "pid"), (uint64_t)h.pid);
		cr_assert_eq(get_u64(hd, "uid"), 0);
		cr_assert_str_eq(get_str(hd, "command"), "holder");
		cr_assert_eq(get_u64(hd, "handles"), 1);
		cr_assert_eq(get_u64(o, "holders_omitted"), 0);
	}
	json_object_put(j);

	/* The table: one row per object, columns aligned on the heads. */
	cr_assert_eq(ZXCTL(&out, NULL, "objects"), 0);
	snprintf(expect, sizeof(expect), "holder[%d]", (int)h.pid);
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (col == 0) {
			cr_assert_eq(strncmp(line, "KOID  TYPE", 10), 0, "%s",
			    line);
			col = (size_t)(strstr(line, "HOLDERS") - line);
			continue;
		}
		cr_assert_not_null(strstr(line, expect), "%s", line);
		cr_assert_eq((size_t)(strstr(line, expect) - line), col,
		    "HOLDERS not aligned: %s", line);
		rows++;
	}
	cr_assert_eq(rows, 3);
	free(out);
	holder_stop(&h);
	stop();
}

/* An unprivileged peer sees only its own uid's objects and holders. */
Test(zxctl, visibility)
{
	struct holder mine, theirs;
	json_object *j, *objs;
	char pid[16];
	char *out, *err, *log;

	start(NULL);
	HOLDER(&theirs, 0, "-n", "2");
	HOLDER(&mine, NOBODY, "-n", "1", "-p");

	j = JSON(NOBODY, 0, "objects");
	cr_assert(!json_object_get_boolean(get(j, "all_visible")));
	objs = get(j, "objects");
	cr_assert_eq(json_object_array_length(objs), 3);
	for (size_t i = 0; i < mine.n; i++)
		cr_assert_not_null(find_koid(objs, mine.koids[i]));
	json_object_put(j);

	/* Root (admitted by the default policy) sees all of them. */
	j = JSON(0, 0, "objects");
	cr_assert(json_object_get_boolean(get(j, "all_visible")));
	cr_assert_eq(json_object_array_length(get(j, "objects")), 5);
	cr_assert_eq(get_u64(json_object_array_get_idx(get(find_koid(get(j,
	    "objects"), mine.koids[0]), "holders"), 0), "uid"), NOBODY);
	json_object_put(j);

	/* handles: nobody's own; all for root. */
	j = JSON(NOBODY, 0, "handles");
	cr_assert_eq(json_object_array_length(get(j, "handles")), 3);
	for (size_t i = 0; i < 3; i++)
		cr_assert_eq(get_u64(json_object_array_get_idx(get(j,
		    "handles"), i), "pid"), (uint64_t)mine.pid);
	json_object_put(j);
	j = JSON(0, 0, "handles");
	cr_assert_eq(json_object_array_length(get(j, "handles")), 5);
	json_object_put(j);

	/* Asking for root's process is refused, and logged at notice. */
	snprintf(pid, sizeof(pid), "%d", (int)theirs.pid);
	j = JSON(NOBODY, 1, "handles", pid);
	cr_assert_str_eq(get_str(get(j, "error"), "status_name"),
	    "ZX_ERR_ACCESS_DENIED");
	json_object_put(j);
	cr_assert_eq(ZXCTL_NOBODY(&out, &err, "handles", pid), 1);
	cr_assert_str_eq(out, "");
	cr_assert_not_null(strstr(err, "ZX_ERR_ACCESS_DENIED"), "%s", err);
	free(out);
	free(err);
	log = daemon_log();
	cr_assert_not_null(strstr(log, "<5>"), "%s", log);
	cr_assert_not_null(strstr(log, "list_handles refused"), "%s", log);
	free(log);

	/* Its own pid is fine; root may ask for anyone's. */
	snprintf(pid, sizeof(pid), "%d", (int)mine.pid);
	j = JSON(NOBODY, 0, "handles", pid);
	cr_assert_eq(json_object_array_length(get(j, "handles")), 3);
	json_object_put(j);
	snprintf(pid, sizeof(pid), "%d", (int)theirs.pid);
	j = JSON(0, 0, "handles", pid);
	cr_assert_eq(json_object_array_length(get(j, "handles")), 2);
	json_object_put(j);

	holder_stop(&mine);
	holder_stop(&theirs);
	stop();
}

/* The root-resource policy's peers see everything, whatever their uid. */
Test(zxctl, admitted_by_policy)
{
	char *conf = write_config("[policy]\nroot_uids = 0, 65534\n");
	const char *const extra[] = { "--config", conf, NULL };
	struct holder theirs;
	json_object *j;

	start(extra);
	HOLDER(&theirs, 0, "-n", "2");
	j = JSON(NOBODY, 0, "objects");
	cr_assert(json_object_get_boolean(get(j, "all_visible")));
	cr_assert_eq(json_object_array_length(get(j, "objects")), 2);
	json_object_put(j);
	holder_stop(&theirs);
	stop();
	unlink(conf);
	free(conf);
}

/* Lists longer than one packet come in pages; none is lost. */
Test(zxctl, paging)
{
	struct holder h;
	json_object *j, *a;

	start(NULL);
	HOLDER(&h, 0, "-n", "1300");
	cr_assert_eq(h.n, 1300);
	j = JSON(0, 0, "objects");
	a = get(j, "objects");
	cr_assert_eq(json_object_array_length(a), 1300);
	for (size_t i = 0; i < 1300; i++)
		cr_assert_eq(get_u64(json_object_array_get_idx(a, i), "koid"),
		    h.koids[i]);
	json_object_put(j);
	j = JSON(0, 0, "handles");
	cr_assert_eq(json_object_array_length(get(j, "handles")), 1300);
	json_object_put(j);
	holder_stop(&h);
	stop();
}

/* Names and commands are shown, never obeyed by the terminal. */
Test(zxctl, hostile_command_name)
{
	struct holder h;
	char *out;

	start(NULL);
	HOLDER(&h, 0, "-n", "1", "-c", "\033[2Jevil");
	cr_assert_eq(ZXCTL(&out, NULL, "objects"), 0);
	cr_assert_null(strchr(out, '\033'), "raw escape in: %s", out);
	cr_assert_not_null(strstr(out, "\\x1b[2Jevil["), "%s", out);
	free(out);
	holder_stop(&h);
	stop();
}

/* IOBs are not built yet: every koid is "no such IOB". */
Test(zxctl, iob_not_found)
{
	struct holder h;
	json_object *j, *e;
	char koid[32], *out, *err;

	start(NULL);
	HOLDER(&h, 0, "-n", "1");
	snprintf(koid, sizeof(koid), "%" PRIu64, h.koids[0]);
	/* An event is not an IOB. */
	j = JSON(0, 1, "iob", koid);
	e = get(j, "error");
	cr_assert_eq(json_object_get_int(get(e, "status")), -25);
	cr_assert_str_eq(get_str(e, "status_name"), "ZX_ERR_NOT_FOUND");
	cr_assert_eq(json_object_get_int(get(e, "exit_status")), 1);
	json_object_put(j);
	cr_assert_eq(ZXCTL(&out, &err, "iob", "99999"), 1);
	cr_assert_str_eq(err, "zxctl: no such IOB 99999 (ZX_ERR_NOT_FOUND)\n");
	free(out);
	free(err);
	cr_assert_eq(ZXCTL(NULL, NULL, "iob", "x1"), 2);
	cr_assert_eq(ZXCTL(NULL, NULL, "iob"), 2);
	cr_assert_eq(ZXCTL(NULL, NULL, "iob", "1", "2"), 2);
	holder_stop(&h);
	stop();
}

/* No BTI: an empty list, and "no such BTI". */
Test(zxctl, bti)
{
	json_object *j;
	char *out;

	start(NULL);
	j = JSON(0, 0, "bti");
	cr_assert_eq(json_object_array_length(get(j, "btis")), 0);
	json_object_put(j);
	cr_assert_eq(ZXCTL(&out, NULL, "bti"), 0);
	cr_assert_str_eq(out, "no BTIs\n");
	free(out);
	j = JSON(0, 1, "bti", "1024");
	cr_assert_str_eq(get_str(get(j, "error"), "status_name"),
	    "ZX_ERR_NOT_FOUND");
	json_object_put(j);
	stop();
}

/* A BTI's pins: the live one and the quarantined one, by JSON and by
 * text; they go with their holder. */
Test(zxctl, bti_pins)
{
	struct holder h;
	json_object *j, *b, *pins, *live = NULL, *q = NULL;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	char *out, koid[32];

	start(NULL);
	HOLDER(&h, 0, "-n", "0", "-b");
	cr_assert_neq(h.bti, 0);
	j = JSON(0, 0, "bti");
	cr_assert_eq(json_object_array_length(get(j, "btis")), 1);
	b = json_object_array_get_idx(get(j, "btis"), 0);
	cr_assert_eq(get_u64(b, "koid"), h.bti);
	cr_assert_str_eq(get_str(b, "name"), "holder-bti");
	cr_assert_eq(get_u64(b, "pmo_count"), 2);
	cr_assert_eq(get_u64(b, "quarantine_count"), 1);
	cr_assert_eq(get_u64(b, "pins_omitted"), 0);
	pins = get(b, "pins");
	cr_assert_eq(json_object_array_length(pins), 2);
	for (size_t i = 0; i < 2; i++) {
		json_object *p = json_object_array_get_idx(pins, i);

		if (get_u64(p, "pmt_koid") == h.pin_pmt)
			live = p;
		else if (get_u64(p, "pmt_koid") == h.quarantined)
			q = p;
	}
	cr_assert_not_null(live);
	cr_assert_not_null(q);
	cr_assert_eq(get_u64(live, "vmo_koid"), h.pin_vmo);
	cr_assert_eq(get_u64(live, "vmo_offset"), 0);
	cr_assert_eq(get_u64(live, "size"), 2 * page);
	cr_assert_eq(get_u64(live, "device_addr"), h.pin_addr);
	cr_assert_eq(get_u64(live, "perms"), 3);
	cr_assert(!json_object_get_boolean(get(live, "quarantined")));
	cr_assert_eq(get_u64(q, "size"), page);
	cr_assert_eq(get_u64(q, "perms"), 1);
	cr_assert(json_object_get_boolean(get(q, "quarantined")));
	cr_assert_eq(json_object_array_length(get(b, "holders")), 1);
	json_object_put(j);
	/* One BTI by koid; the table. */
	snprintf(koid, sizeof(koid), "%llu", (unsigned long long)h.bti);
	cr_assert_eq(ZXCTL(&out, NULL, "bti", koid), 0);
	cr_assert_not_null(strstr(out, "\"holder-bti\": 2 pinned, 1 "
	    "quarantined"), "%s", out);
	cr_assert_not_null(strstr(out, "quarantined\n"), "%s", out);
	cr_assert_not_null(strstr(out, "rw-"), "%s", out);
	{
		char addr[32];

		snprintf(addr, sizeof(addr), "%#llx",
		    (unsigned long long)h.pin_addr);
		cr_assert_not_null(strstr(out, addr), "%s", out);
	}
	free(out);
	/* The holder goes: so do the BTI, its pins and its quarantine. */
	holder_stop(&h);
	for (int i = 0; i < 500; i++) {
		j = JSON(0, 0, "bti");
		if (json_object_array_length(get(j, "btis")) == 0)
			break;
		json_object_put(j);
		j = NULL;
		usleep(10000);
	}
	cr_assert_not_null(j, "the BTI outlived its holder");
	json_object_put(j);
	stop();
}

static void
check_region(json_object *r, const char *name, const char *kind,
    uint64_t start, uint64_t size)
{
	cr_assert_str_eq(get_str(r, "name"), name);
	cr_assert_str_eq(get_str(r, "kind"), kind);
	cr_assert_eq(get_u64(r, "start"), start);
	cr_assert_eq(get_u64(r, "size"), size);
}

/* The built-in sim map of API.md. */
Test(zxctl, phys_default)
{
	json_object *j, *rg;
	char *out;

	start(NULL);
	j = JSON(NOBODY, 0, "phys");
	cr_assert_str_eq(get_str(j, "backend"), "sim");
	rg = get(j, "regions");
	cr_assert_eq(json_object_array_length(rg), 2);
	check_region(json_object_array_get_idx(rg, 0), "ram", "ram", 0,
	    0x40000000);
	check_region(json_object_array_get_idx(rg, 1), "mmio0", "mmio",
	    0xf0000000, 0x1000000);
	cr_assert_eq(json_object_array_length(get(j, "vmos")), 0);
	cr_assert_eq(json_object_array_length(get(j, "pci_bars")), 0);
	json_object_put(j);
	cr_assert_eq(ZXCTL(&out, NULL, "phys"), 0);
	cr_assert_str_eq(out, "backend sim\n\n"
	    "REGION  KIND       START         END  SIZE\n"
	    "ram     ram   0x00000000  0x40000000    1G\n"
	    "mmio0   mmio  0xf0000000  0xf1000000   16M\n\n"
	    "physical VMOs: none\n");
	free(out);
	stop();
}

/* A map from zxd.conf replaces the built-in one. */
Test(zxctl, phys_configured)
{
	char *conf = write_config("[region dram]\nkind = ram\nbase = 0\n"
	    "size = 256M\n\n[region uart]\nkind = mmio\nbase = 0xFE201000\n"
	    "size = 4K\n");
	const char *const extra[] = { "--config", conf, NULL };
	json_object *j, *rg;

	start(extra);
	j = JSON(0, 0, "phys");
	rg = get(j, "regions");
	cr_assert_eq(json_object_array_length(rg), 2);
	check_region(json_object_array_get_idx(rg, 0), "dram", "ram", 0,
	    256 << 20);
	check_region(json_object_array_get_idx(rg, 1), "uart", "mmio",
	    0xfe201000, 4096);
	json_object_put(j);
	stop();
	unlink(conf);
	free(conf);
}

Test(zxctl, usage_and_exit_statuses)
{
	static const char *const cmds[] = { "status", "objects", "handles",
		"iob", "phys", "bti" };
	char *out, *err;

	/* No daemon there: 3, with the socket named. */
	cr_assert_eq(ZXCTL(&out, &err, "--socket", "/nonexistent/zxd.sock",
	    "status"), 3);
	cr_assert_str_eq(out, "");
	cr_assert_not_null(strstr(err, "/nonexistent/zxd.sock"), "%s", err);
	free(out);
	free(err);
	/* ... and with --json, still one document. */
	{
		json_object *j = JSON(0, 3, "--socket", "/nonexistent/s",
		    "objects");

		cr_assert_eq(json_object_get_int(get(get(j, "error"),
		    "exit_status")), 3);
		json_object_put(j);
	}

	cr_assert_eq(ZXCTL(NULL, NULL, "frobnicate"), 2);
	cr_assert_eq(ZXCTL(NULL, NULL, "--bogus", "status"), 2);
	/* No command is status (with whatever status says here). */
	cr_assert_eq(zxctl_as(0, NULL, NULL, (const char *const[]){ NULL }),
	    ZXCTL(NULL, NULL, "status"));
	cr_assert_eq(ZXCTL(NULL, NULL, "status", "extra"), 2);
	cr_assert_eq(ZXCTL(NULL, NULL, "handles", "0"), 2);
	cr_assert_eq(ZXCTL(NULL, NULL, "handles", "12ab"), 2);
	cr_assert_eq(ZXCTL(&out, NULL, "--help"), 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		cr_assert_not_null(strstr(out, cmds[i]), "%s", out);
	free(out);
	cr_assert_eq(ZXCTL(&out, NULL, "--version"), 0);
	cr_assert_str_eq(out, "zxctl " PACKAGE_VERSION "\n");
	free(out);
	/* COMMAND --help and help COMMAND need no daemon. */
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "Usage: zxctl [OPTIONS] %s",
		    cmds[i]);
		cr_assert_eq(ZXCTL(&out, NULL, "--socket", "/nonexistent",
		    cmds[i], "--help"), 0);
		cr_assert_eq(strncmp(out, want, strlen(want)), 0, "%s", out);
		free(out);
		cr_assert_eq(ZXCTL(&out, NULL, "help", cmds[i]), 0);
		cr_assert_eq(strncmp(out, want, strlen(want)), 0, "%s", out);
		free(out);
	}
}

/* zxctl handles: each handle's value as its process sees it, and the
 * related koid; zxctl maps PID: the process's VMAR tree, as
 * ZX_INFO_PROCESS_MAPS gives it. */
Test(zxctl, handle_values_and_maps)
{
	struct holder h;
	json_object *j, *arr, *e;
	char pid[16], *out;
	bool seen_sub = false, seen_map = false;
	uint64_t sub_depth = 0;

	start(NULL);
	HOLDER(&h, 0, "-n", "1", "-p", "-m");
	cr_assert_neq(h.value, 0);
	snprintf(pid, sizeof(pid), "%d", (int)h.pid);
	j = JSON(0, 0, "handles", pid);
	arr = get(j, "handles");
	e = find_koid(arr, h.value_koid);
	cr_assert_not_null(e);
	cr_assert_eq(get_u64(e, "value"), h.value);
	cr_assert_eq(get_u64(e, "related_koid"), 0);
	e = find_koid(arr, h.koids[1]);
	cr_assert_not_null(e);
	cr_assert_eq(get_u64(e, "related_koid"), h.koids[2]);
	json_object_put(j);

	j = JSON(0, 0, "maps", pid);
	cr_assert_eq(get_u64(j, "pid"), (uint64_t)h.pid);
	cr_assert_str_eq(get_str(j, "command"), "maps");
	cr_assert_str_eq(get_str(j, "process"), "holder");
	arr = get(j, "maps");
	cr_assert_geq(json_object_array_length(arr), 4);
	e = json_object_array_get_idx(arr, 0);
	cr_assert_str_eq(get_str(e, "type_name"), "aspace");
	cr_assert_eq(get_u64(e, "depth"), 0);
	e = json_object_array_get_idx(arr, 1);
	cr_assert_str_eq(get_str(e, "type_name"), "vmar");
	cr_assert_eq(get_u64(e, "depth"), 1);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		e = json_object_array_get_idx(arr, i);
		if (get_u64(e, "base") == h.sub_base &&
		    strcmp(get_str(e, "type_name"), "vmar") == 0) {
			seen_sub = true;
			sub_depth = get_u64(e, "depth");
			cr_assert_eq(get_u64(e, "size"), 16 * 4096);
		}
		if (get_u64(e, "base") == h.map_addr &&
		    strcmp(get_str(e, "type_name"), "mapping") == 0) {
			seen_map = true;
			cr_assert_eq(get_u64(e, "depth"), sub_depth + 1);
			cr_assert_eq(get_u64(e, "vmo_koid"), h.map_vmo);
			/* ZX_VM_PERM_READ | ZX_VM_PERM_WRITE */
			cr_assert_eq(get_u64(e, "mmu_flags"), 3);
			cr_assert_str_eq(get_str(e, "name"), "mapped");
		}
	}
	cr_assert(seen_sub && seen_map);
	json_object_put(j);

	/* The table, indented by depth. */
	cr_assert_eq(ZXCTL(&out, NULL, "maps", pid), 0);
	cr_assert_not_null(strstr(out, "TYPE"));
	cr_assert_not_null(strstr(out, "      mapping"));
	cr_assert_not_null(strstr(out, "rw-"));
	free(out);
	/* Not a client; not a number. */
	cr_assert_neq(ZXCTL(&out, NULL, "maps", "999999999"), 0);
	free(out);
	cr_assert_neq(ZXCTL(&out, NULL, "maps", "x"), 0);
	free(out);
	holder_stop(&h);
	stop();
}
