/*
 * Run by tests/integration/transfer.c after exec: imports the export
 * token at fd argv[1], checks it is the object with koid argv[2] and
 * XOBJ_RIGHTS, pokes it, and exits 0 (or a code that says what failed).
 */
#include "config-build.h"

#include <stdlib.h>

#include <zircon/syscalls.h>
#include <zxd/zxd.h>

#include "tests/integration/transfer_object.h"

int
main(int argc, char **argv)
{
	zx_info_handle_basic_t b;
	zx_handle_t h;

	if (argc != 3)
		return 2;
	if (zxd_handle_import(atoi(argv[1]), &h) != ZX_OK)
		return 3;
	if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b, sizeof(b), NULL,
	    NULL) != ZX_OK)
		return 4;
	if (b.koid != strtoull(argv[2], NULL, 10) || b.type != XOBJ_TYPE ||
	    b.rights != XOBJ_RIGHTS)
		return 5;
	if (xobj_poke(h) != ZX_OK)
		return 6;
	return zx_handle_close(h) == ZX_OK ? 0 : 7;
}
