/* The zx_vmo_* and zx_vmar_* manual pages lint cleanly with mandoc. */
#include "config-build.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

Test(man, vmo_and_vmar_pages_lint)
{
	const char *top = getenv("ZXD_TOP_SRCDIR");
	char cmd[512];
	int st;

	if (system("command -v mandoc >/dev/null 2>&1") != 0)
		cr_skip_test("mandoc not found");
	cr_assert_not_null(top);
	snprintf(cmd, sizeof(cmd), "cd '%s/man' && mandoc -T lint -W warning "
	    "zx_vmo_*.2 zx_vmar_*.2 >&2", top);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "mandoc -T lint -W warning found problems");
}
