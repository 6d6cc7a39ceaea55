/* The per-process limits of zxd.conf: VMO bytes (ZX_ERR_NO_MEMORY past
 * them) and handles (ZX_ERR_NO_RESOURCES), charged to the creating
 * process, released when the VMO dies, and no business of other
 * processes. A VMO is charged for the pages it holds, not its size
 * (issue 20 item 7): creating and growing are free, the daemon asks
 * before it commits pages (op_range COMMIT, snapshots), and pages the
 * client wrote itself count in what it holds. Each test runs its own
 * zxd with a small limit. */
#include "config-build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/vmo_util.h"
#include "tests/lib/zxdtest.h"

#define LIMIT_PAGES	16	/* vmo_bytes_per_client = 64K */
#define HANDLE_LIMIT	16

static struct zxdtest_daemon daemon_;

static void
start(void)
{
	char conf[128];

	snprintf(conf, sizeof(conf), "[limits]\nvmo_bytes_per_client = %dK\n"
	    "handles_per_client = %d\n", LIMIT_PAGES * 4, HANDLE_LIMIT);
	cr_assert_eq(zxdtest_start_config(&daemon_, conf, NULL), 0);
}

static void
stop(void)
{
	struct zxdtest_stats s;

	/* Everything the test made is gone with it, but for this
	 * process's root VMAR. */
	cr_assert_eq(zxdtest_stats(daemon_.socket, &s), 0);
	cr_expect_eq(s.handles, 0);
	cr_expect_leq(s.objects, 1);
	cr_assert_eq(zxdtest_stop(&daemon_), 0);
}

/* These tests assume 4 KiB pages (the limit is in KiB). */
static void
need_4k(void)
{
	if (PAGE != 4096)
		cr_skip_test("page size is not 4 KiB");
}

/* Commit all of v (the daemon commits: it asks first). */
static zx_status_t
commit(zx_handle_t v, uint64_t len)
{
	return zx_vmo_op_range(v, ZX_VMO_OP_COMMIT, 0, len, NULL, 0);
}

Test(vmo_limits, bytes, .init = start, .fini = stop)
{
	zx_handle_t a, b;

	need_4k();
	a = vmo_new(LIMIT_PAGES * PAGE, 0);
	cr_assert_eq(commit(a, LIMIT_PAGES * PAGE), ZX_OK);
	/* Creating costs nothing; committing more does not fit. */
	b = vmo_new(1ull << 40, 0);
	cr_assert_eq(commit(b, PAGE), ZX_ERR_NO_MEMORY);
	zx_handle_close(a);
	/* Released when the VMO died (the daemon settles closes before it
	 * refuses). */
	cr_assert_eq(commit(b, LIMIT_PAGES * PAGE), ZX_OK);
	cr_assert_eq(commit(b, (LIMIT_PAGES + 1) * PAGE), ZX_ERR_NO_MEMORY);
	zx_handle_close(b);
}

Test(vmo_limits, growth, .init = start, .fini = stop)
{
	zx_handle_t a, b;
	uint64_t size;

	need_4k();
	a = vmo_new(8 * PAGE, ZX_VMO_RESIZABLE);
	b = vmo_new(8 * PAGE, 0);
	cr_assert_eq(commit(a, 8 * PAGE), ZX_OK);
	cr_assert_eq(commit(b, 8 * PAGE), ZX_OK);
	/* Growing commits nothing: free. */
	cr_assert_eq(zx_vmo_set_size(a, 1ull << 30), ZX_OK);
	cr_assert_eq(zx_vmo_get_size(a, &size), ZX_OK);
	cr_assert_eq(size, 1ull << 30);
	cr_assert_eq(zx_vmo_op_range(a, ZX_VMO_OP_COMMIT, 8 * PAGE, PAGE,
	    NULL, 0), ZX_ERR_NO_MEMORY);
	/* Shrinking gives back what it held past the new end. */
	cr_assert_eq(zx_vmo_set_size(a, 4 * PAGE), ZX_OK);
	cr_assert_eq(zx_vmo_op_range(a, ZX_VMO_OP_COMMIT, 0, 4 * PAGE, NULL,
	    0), ZX_OK);
	cr_assert_eq(zx_vmo_set_size(a, 8 * PAGE), ZX_OK);
	cr_assert_eq(commit(a, 5 * PAGE), ZX_ERR_NO_MEMORY);
	zx_handle_close(b);
	zx_handle_close(a);
}

Test(vmo_limits, children, .init = start, .fini = stop)
{
	zx_handle_t a, s, r, c;

	static char data[8 * 4096];

	need_4k();
	a = vmo_new(8 * PAGE, 0);
	/* Data, not just committed zeros: a snapshot copies data. */
	memset(data, 7, sizeof(data));
	cr_assert_eq(zx_vmo_write(a, data, 0, sizeof(data)), ZX_OK);
	/* Slices and references share the parent's memory: free. */
	cr_assert_eq(zx_vmo_create_child(a, ZX_VMO_CHILD_SLICE, 0, 8 * PAGE,
	    &s), ZX_OK);
	cr_assert_eq(zx_vmo_create_child(a, ZX_VMO_CHILD_REFERENCE, 0, 0, &r),
	    ZX_OK);
	/* A snapshot is a copy, and costs what it copies. */
	cr_assert_eq(zx_vmo_create_child(a, ZX_VMO_CHILD_SNAPSHOT, 0, 8 * PAGE,
	    &c), ZX_OK);
	zx_handle_close(c);
	cr_assert_eq(zx_vmo_create_child(a, ZX_VMO_CHILD_SNAPSHOT, 0, 8 * PAGE,
	    &c), ZX_OK);
	/* The parent's 8 pages and one copy: 16, the limit. Another copy
	 * does not fit. */
	cr_assert_eq(zx_vmo_create_child(a, ZX_VMO_CHILD_SNAPSHOT, 0,
	    9 * PAGE, &s), ZX_ERR_NO_MEMORY);
	zx_handle_close(c);
	zx_handle_close(r);
	zx_handle_close(s);
	zx_handle_close(a);
}

Test(vmo_limits, mappings_keep_the_charge, .init = start, .fini = stop)
{
	zx_handle_t a, b;
	zx_vaddr_t addr;

	need_4k();
	a = vmo_new(LIMIT_PAGES * PAGE, 0);
	cr_assert_eq(commit(a, LIMIT_PAGES * PAGE), ZX_OK);
	cr_assert_eq(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, a,
	    0, PAGE, &addr), ZX_OK);
	zx_handle_close(a);
	/* The memory is still mapped, so still this process's. */
	b = vmo_new(PAGE, 0);
	cr_assert_eq(commit(b, PAGE), ZX_ERR_NO_MEMORY);
	cr_assert_eq(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE), ZX_OK);
	cr_assert_eq(commit(b, PAGE), ZX_OK);
	zx_handle_close(b);
	zx_handle_close(zx_vmar_root_self());
}

Test(vmo_limits, unbounded_pays_for_what_it_holds, .init = start,
    .fini = stop)
{
	char *buf = calloc(1, LIMIT_PAGES * PAGE);
	zx_handle_t u, b;

	need_4k();
	memset(buf, 1, LIMIT_PAGES * PAGE);
	u = vmo_new(0, ZX_VMO_UNBOUNDED);
	b = vmo_new(PAGE, 0);
	zx_handle_close(b);
	cr_assert_eq(zx_vmo_write(u, buf, 1ull << 40, LIMIT_PAGES * PAGE),
	    ZX_OK);
	/* What it holds counts: no room to commit more. */
	b = vmo_new(PAGE, 0);
	cr_assert_eq(commit(b, PAGE), ZX_ERR_NO_MEMORY);
	zx_handle_close(b);
	cr_assert_eq(zx_vmo_op_range(u, ZX_VMO_OP_DECOMMIT, 1ull << 40,
	    LIMIT_PAGES * PAGE, NULL, 0), ZX_OK);
	/* Committing asks the same question first. */
	cr_assert_eq(zx_vmo_op_range(u, ZX_VMO_OP_COMMIT, 0,
	    (LIMIT_PAGES + 1) * PAGE, NULL, 0), ZX_ERR_NO_MEMORY);
	cr_assert_eq(zx_vmo_op_range(u, ZX_VMO_OP_COMMIT, 0,
	    LIMIT_PAGES * PAGE, NULL, 0), ZX_OK);
	b = vmo_new(PAGE, 0);
	cr_assert_eq(commit(b, PAGE), ZX_ERR_NO_MEMORY);
	cr_assert_eq(zx_vmo_op_range(u, ZX_VMO_OP_DECOMMIT, 0,
	    LIMIT_PAGES * PAGE, NULL, 0), ZX_OK);
	cr_assert_eq(commit(b, PAGE), ZX_OK);
	zx_handle_close(b);
	zx_handle_close(u);
	free(buf);
}

Test(vmo_limits, other_clients_unaffected, .init = start, .fini = stop)
{
	zx_handle_t a, b, e;
	int st;
	pid_t pid;

	need_4k();
	a = vmo_new(LIMIT_PAGES * PAGE, 0);
	cr_assert_eq(commit(a, LIMIT_PAGES * PAGE), ZX_OK);
	b = vmo_new(PAGE, 0);
	cr_assert_eq(commit(b, PAGE), ZX_ERR_NO_MEMORY);
	zx_handle_close(b);
	/* A fork is a new process with its own budget. */
	pid = fork();
	if (pid == 0) {
		if (zx_vmo_create(LIMIT_PAGES * PAGE, 0, &b) != ZX_OK ||
		    commit(b, LIMIT_PAGES * PAGE) != ZX_OK)
			_exit(1);
		if (zx_vmo_create(PAGE, 0, &e) != ZX_OK ||
		    commit(e, PAGE) != ZX_ERR_NO_MEMORY)
			_exit(2);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(WEXITSTATUS(st), 0);
	zx_handle_close(a);
}

Test(vmo_limits, handles, .init = start, .fini = stop)
{
	zx_handle_t h[HANDLE_LIMIT + 1], v;
	size_t n = 0;
	int st;
	pid_t pid;

	while (n < HANDLE_LIMIT + 1 && zx_event_create(0, &h[n]) == ZX_OK)
		n++;
	cr_assert_eq(n, HANDLE_LIMIT);
	cr_assert_eq(zx_vmo_create(PAGE, 0, &v), ZX_ERR_NO_RESOURCES);
	cr_assert_eq(zx_vmo_create_child(h[0], ZX_VMO_CHILD_SNAPSHOT, 0, PAGE,
	    &v), ZX_ERR_WRONG_TYPE);
	pid = fork();
	if (pid == 0)
		_exit(zx_vmo_create(PAGE, 0, &v) == ZX_OK ? 0 : 1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(WEXITSTATUS(st), 0);
	zx_handle_close(h[--n]);
	/* The refused VMO was not charged: the whole budget is there. */
	v = vmo_new(LIMIT_PAGES * PAGE, 0);
	cr_assert_eq(zx_vmo_create_child(v, ZX_VMO_CHILD_SLICE, 0, PAGE,
	    &h[n]), ZX_ERR_NO_RESOURCES);
	zx_handle_close(v);
	cr_assert_eq(zx_handle_close_many(h, n), ZX_OK);
}
