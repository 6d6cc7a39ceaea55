/*
 * The calls Zircon's vDSO answers: zx_cprng_draw, zx_cprng_add_entropy,
 * zx_system_get_num_cpus, zx_system_get_physmem,
 * zx_system_get_version_string (ZIRCON-2.md §2.10).
 */
#include "config-build.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>


Test(cprng, draw_fills_any_length)
{
	static uint8_t a[1000], b[1000];
	size_t zeros = 0;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	/* Longer than one 256-byte chunk, and not a multiple of it. */
	zx_cprng_draw(a, sizeof(a));
	zx_cprng_draw(b, sizeof(b));
	cr_assert(memcmp(a, b, sizeof(a)) != 0);
	for (size_t i = 0; i < sizeof(a); i++)
		zeros += a[i] == 0;
	/* 1000 random bytes hold about 4 zeros; an unfilled tail would
	 * hold hundreds. */
	cr_assert_lt(zeros, 40);
	cr_assert_neq(memcmp(a + 744, b + 744, 256), 0);
	zx_cprng_draw(NULL, 0);
	zx_cprng_draw(a, 0);
}

Test(cprng, add_entropy)
{
	uint8_t buf[ZX_CPRNG_ADD_ENTROPY_MAX_LEN + 1] = { 1, 2, 3 };

	cr_assert_eq(zx_cprng_add_entropy(buf, ZX_CPRNG_ADD_ENTROPY_MAX_LEN),
	    ZX_OK);
	cr_assert_eq(zx_cprng_add_entropy(buf, 1), ZX_OK);
	cr_assert_eq(zx_cprng_add_entropy(buf, 0), ZX_OK);
	cr_assert_eq(zx_cprng_add_entropy(NULL, 0), ZX_OK);
	cr_assert_eq(zx_cprng_add_entropy(buf,
	    ZX_CPRNG_ADD_ENTROPY_MAX_LEN + 1), ZX_ERR_INVALID_ARGS);
	/* The length is checked before the buffer. */
	cr_assert_eq(zx_cprng_add_entropy(NULL,
	    ZX_CPRNG_ADD_ENTROPY_MAX_LEN + 1), ZX_ERR_INVALID_ARGS);
	cr_assert_eq(zx_cprng_add_entropy(NULL, 8), ZX_ERR_INVALID_ARGS);
}

Test(system, num_cpus)
{
	uint32_t n = zx_system_get_num_cpus();

	cr_assert_geq(n, 1);
	cr_assert_eq(n, (uint32_t)sysconf(_SC_NPROCESSORS_CONF));
	cr_assert_geq(n, (uint32_t)sysconf(_SC_NPROCESSORS_ONLN));
	/* A constant, as the vDSO's. */
	cr_assert_eq(zx_system_get_num_cpus(), n);
}

Test(system, physmem_is_memtotal)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[128];

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(f);
	cr_assert_gt(kb, 0);
	/* MemTotal rounds down to a KiB. */
	cr_assert_eq(zx_system_get_physmem() / 1024, kb);
	cr_assert_eq(zx_system_get_physmem() % zx_system_get_page_size(), 0);
}

/* version/version-test.cc: NUL-terminated, length == strlen, non-empty,
 * no leading or trailing whitespace, printable. */
Test(system, version_string)
{
	zx_string_view_t v = zx_system_get_version_string();

	cr_assert_not_null(v.c_str);
	cr_assert_gt(v.length, 0);
	cr_assert_eq(strlen(v.c_str), v.length);
	cr_assert(!isspace((unsigned char)v.c_str[0]));
	cr_assert(!isspace((unsigned char)v.c_str[v.length - 1]));
	for (size_t i = 0; i < v.length; i++)
		cr_assert(isprint((unsigned char)v.c_str[i]), "byte %zu", i);
	/* The same string every time. */
	cr_assert_eq(zx_system_get_version_string().c_str, v.c_str);
	cr_assert_not_null(strstr(v.c_str, PACKAGE_VERSION));
}
