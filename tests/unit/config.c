/*
 * Unit tests for daemon/config.c, the zxd.conf parser.
 *
 * Most tests write their file to a temporary one, so the expected errors
 * sit next to the text; "F" stands for its path in them. Two files come
 * from tests/data, found as data_path() says.
 */
#include "config-build.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "daemon/config.h"

/* Replace every occurrence of path in s with "F". */
static char *
replace_path(const char *s, const char *path)
{
	size_t plen = strlen(path);
	char *out, *o;

	out = malloc(strlen(s) + 1);
	cr_assert_not_null(out);
	for (o = out; *s;) {
		if (strncmp(s, path, plen) == 0) {
			*o++ = 'F';
			s += plen;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

struct load {
	int r;
	char *errors;		/* what config_load() wrote, path as "F" */
};

/* config_load() of path over *c, capturing its error output. */
static struct load
load_path(struct config *c, const char *path)
{
	struct load l;
	char *buf = NULL;
	size_t size = 0;
	FILE *errors;

	errors = open_memstream(&buf, &size);
	cr_assert_not_null(errors);
	l.r = config_load(c, path, errors);
	cr_assert_eq(fclose(errors), 0);
	l.errors = replace_path(buf, path);
	free(buf);
	return l;
}

/* config_load() of a temporary file holding len bytes of text. */
static struct load
load_bytes(struct config *c, const char *text, size_t len)
{
	const char *tmpdir = getenv("TMPDIR");
	char path[PATH_MAX];
	struct load l;
	int fd;

	snprintf(path, sizeof(path), "%s/zxd-config-XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp: %s", strerror(errno));
	cr_assert_eq(write(fd, text, len), (ssize_t)len);
	cr_assert_eq(close(fd), 0);
	l = load_path(c, path);
	unlink(path);
	return l;
}

static struct load
load_text(struct config *c, const char *text)
{
	return load_bytes(c, text, strlen(text));
}

/* Load text over the defaults into *c; it must be valid. */
static void
load_ok(struct config *c, const char *text)
{
	struct load l;

	cr_assert_eq(config_init_defaults(c), 0);
	l = load_text(c, text);
	cr_assert_str_eq(l.errors, "", "unexpected errors for:\n%s", text);
	cr_assert_eq(l.r, 0);
	free(l.errors);
}

/* The errors text gives over the defaults, which must stay as they were. */
static char *
errors_of(const char *text)
{
	struct config c;
	struct load l;

	cr_assert_eq(config_init_defaults(&c), 0);
	l = load_text(&c, text);
	cr_assert_eq(l.r, -EINVAL, "config_load() = %d for:\n%s", l.r, text);
	cr_assert_null(c.path);
	cr_assert_str_eq(c.socket_path, CONFIG_DEFAULT_SOCKET);
	cr_assert_str_eq(c.backend, CONFIG_DEFAULT_BACKEND);
	cr_assert_eq(c.n_regions, 2);
	config_free(&c);
	return l.errors;
}

#define assert_errors(text, expected)					\
	do {								\
		char *errors_ = errors_of(text);			\
		cr_assert_str_eq(errors_, expected, "for:\n%s", text);	\
		free(errors_);						\
	} while (0)

/* $ZXD_TEST_DATA, else tests/data under $ZXD_TOP_SRCDIR or $srcdir. */
static char *
data_path(const char *name)
{
	const char *dir = getenv("ZXD_TEST_DATA");
	const char *top = getenv("ZXD_TOP_SRCDIR");
	char path[PATH_MAX];

	if (!top || !*top)
		top = getenv("srcdir");
	if (dir && *dir)
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	else if (top && *top)
		snprintf(path, sizeof(path), "%s/tests/data/%s", top, name);
	else
		snprintf(path, sizeof(path), "tests/data/%s", name);
	return strdup(path);
}

Test(config, defaults)
{
	struct config c;

	cr_assert_eq(config_init_defaults(&c), 0);
	cr_assert_null(c.path);
	cr_assert_str_eq(c.socket_path, "/run/zxd/zxd.sock");
	cr_assert_eq(c.socket_mode, 0666);
	cr_assert_not(c.socket_group_set);
	cr_assert_str_eq(c.backend, "sim");
	cr_assert_eq(c.n_root_uids, 1);
	cr_assert_eq(c.root_uids[0], 0);
	cr_assert_eq(c.n_root_gids, 0);
	cr_assert_eq(c.vmo_bytes_per_client, UINT64_C(16) << 30);
	cr_assert_eq(c.handles_per_client, 65536);
	cr_assert_eq(c.n_pci_bars, 0);

	cr_assert_eq(c.n_regions, 2);
	cr_assert_str_eq(c.regions[0].name, "ram");
	cr_assert_eq(c.regions[0].kind, PHYS_RAM);
	cr_assert_eq(c.regions[0].base, 0x0);
	cr_assert_eq(c.regions[0].size, 0x40000000);
	cr_assert_str_eq(c.regions[1].name, "mmio0");
	cr_assert_eq(c.regions[1].kind, PHYS_MMIO);
	cr_assert_eq(c.regions[1].base, 0xf0000000);
	cr_assert_eq(c.regions[1].size, 0x1000000);

	config_free(&c);
	cr_assert_null(c.socket_path);
	cr_assert_eq(c.n_regions, 0);
	config_free(&c);	/* twice is fine */
}

Test(config, full_file)
{
	char *path = data_path("full.conf");
	struct config c;
	struct load l;

	cr_assert_eq(config_init_defaults(&c), 0);
	l = load_path(&c, path);
	cr_assert_str_eq(l.errors, "");
	cr_assert_eq(l.r, 0);

	cr_assert_str_eq(c.path, path);
	cr_assert_str_eq(c.socket_path, "/run/zxd-test/zxd.sock");
	cr_assert_eq(c.socket_mode, 0660);
	cr_assert(c.socket_group_set);
	cr_assert_eq(c.socket_group, 0);
	cr_assert_str_eq(c.backend, "sim");
	cr_assert_eq(c.n_root_uids, 2);
	cr_assert_eq(c.root_uids[0], 0);
	cr_assert_eq(c.root_uids[1], 1000);
	cr_assert_eq(c.n_root_gids, 2);
	cr_assert_eq(c.root_gids[0], 0);
	cr_assert_eq(c.root_gids[1], 27);
	cr_assert_eq(c.vmo_bytes_per_client, UINT64_C(1) << 30);
	cr_assert_eq(c.handles_per_client, 1024);

	cr_assert_eq(c.n_regions, 2);
	cr_assert_str_eq(c.regions[0].name, "dram");
	cr_assert_eq(c.regions[0].kind, PHYS_RAM);
	cr_assert_eq(c.regions[0].base, 0);
	cr_assert_eq(c.regions[0].size, 256 << 20);
	cr_assert_str_eq(c.regions[1].name, "uart");
	cr_assert_eq(c.regions[1].kind, PHYS_MMIO);
	cr_assert_eq(c.regions[1].base, 0xfe201000);
	cr_assert_eq(c.regions[1].size, 4096);

	cr_assert_eq(c.n_pci_bars, 1);
	cr_assert_str_eq(c.pci_bars[0].name, "gpu");
	cr_assert_str_eq(c.pci_bars[0].device, "0000:01:00.0");
	cr_assert_eq(c.pci_bars[0].bar, 2);

	/* Loading c.path again, as a reload would. */
	cr_assert_eq(config_load(&c, c.path, stderr), 0);
	cr_assert_str_eq(c.path, path);
	cr_assert_eq(c.n_regions, 2);

	free(l.errors);
	free(path);
	config_free(&c);
}

Test(config, errors_file)
{
	char *path = data_path("errors.conf");
	struct config c;
	struct load l;

	cr_assert_eq(config_init_defaults(&c), 0);
	l = load_path(&c, path);
	cr_assert_eq(l.r, -EINVAL);
	cr_assert_str_eq(l.errors,
		"F:4: socket: 'relative/zxd.sock' is not an absolute path\n"
		"F:5: socket_mode: '0778' is not an octal mode from 0 to 0777\n"
		"F:6: unknown key 'colour' in [daemon]\n"
		"F:8: handles_per_client: '4294967296' is out of range"
		" (at most 4294967295)\n"
		"F:9: vmo_bytes_per_client: '-1' is not a number"
		" (with an optional K, M, G or T)\n"
		"F:10: [region ram] has no 'size'\n"
		"F:11: kind: 'rom' is not ram or mmio\n"
		"F:12: base: '0x1001' is not a multiple of the page size"
		" (4096)\n"
		"F:13: unknown section [nonsense]\n");
	free(l.errors);
	free(path);
	config_free(&c);
}

Test(config, syntax)
{
	/* Both an empty file and one with only comments change nothing. */
	struct config c;

	load_ok(&c, "");
	cr_assert_str_eq(c.socket_path, CONFIG_DEFAULT_SOCKET);
	cr_assert_eq(c.n_regions, 2);
	cr_assert_not_null(c.path);
	config_free(&c);

	/* BOM, CRLF, blanks everywhere, ':' for '=', both comment kinds. */
	load_ok(&c,
		"\xef\xbb\xbf; comment\r\n"
		"# comment\r\n"
		"\r\n"
		"  [ daemon ]   ; comment\r\n"
		"\tbackend : sim\r\n"
		"    socket=/run/a;b ; only ';' after a blank is a comment\r\n"
		"  socket_mode = 0600\r\n");
	cr_assert_str_eq(c.socket_path, "/run/a;b");
	cr_assert_eq(c.socket_mode, 0600);
	config_free(&c);

	assert_errors("[daemon\n", "F:1: missing ']' in section header\n");
	assert_errors("[daemon] x\n", "F:1: unexpected text after ']'\n");
	assert_errors("[daemon]\nsocket\n",
		      "F:2: expected '[section]' or 'key = value'\n");
	assert_errors("socket = /x\n",
		      "F:1: 'socket' is outside any section\n");
	assert_errors("[daemon]\n= /x\n", "F:2: missing key before '='\n");
	assert_errors("[daemon]\nsocket =\n", "F:2: socket: missing value\n");
	assert_errors("[daemon]\nbackend = sim\n[limits]\n[daemon]\n"
		      "backend = sim\n",
		      "F:5: backend: already set at line 2\n");
}

Test(config, nul_byte)
{
	static const char text[] = "[daemon]\nbackend = s\0im\nsocket = x\n";
	struct config c;
	struct load l;

	cr_assert_eq(config_init_defaults(&c), 0);
	l = load_bytes(&c, text, sizeof(text) - 1);
	cr_assert_eq(l.r, -EINVAL);
	cr_assert_str_eq(l.errors,
			 "F:2: NUL character in line\n"
			 "F:3: socket: 'x' is not an absolute path\n");
	free(l.errors);
	config_free(&c);
}

Test(config, long_lines)
{
	char line[512], text[1024];
	struct config c;

	/* inih's buffer is 200 bytes: the longest key line is 198. */
	memset(line, 'a', sizeof(line));
	snprintf(text, sizeof(text), "[daemon]\nsocket = /%.*s\nbackend = x\n",
		 198 - 10, line);
	assert_errors(text,
		      "F:2: socket: path longer than 107 characters\n"
		      "F:3: backend: unknown backend 'x' (sim, pci or"
		      " devmem)\n");
	snprintf(text, sizeof(text), "[daemon]\nsocket = /%.*s\nbackend = x\n",
		 198 - 9, line);
	assert_errors(text,
		      "F:2: line too long (over 198 characters without"
		      " comments)\n"
		      "F:3: backend: unknown backend 'x' (sim, pci or"
		      " devmem)\n");

	/* Comments do not count, however long. */
	snprintf(text, sizeof(text),
		 ";%.400s\n[daemon]\nsocket = /s ; %.400s\n", line, line);
	load_ok(&c, text);
	cr_assert_str_eq(c.socket_path, "/s");
	config_free(&c);
}

Test(config, sections)
{
	assert_errors("[foo]\nx = 1\n[foo bar]\n",
		      "F:1: unknown section [foo]\n"
		      "F:3: unknown section [foo bar]\n");
	assert_errors("[Daemon]\n", "F:1: unknown section [Daemon]\n");
	assert_errors("[daemon x]\n", "F:1: [daemon] takes no name\n");
	assert_errors("[region]\n",
		      "F:1: [region] needs a name, as in [region NAME]\n");
	assert_errors("[pci]\n", "F:1: [pci] needs a name, as in [pci NAME]\n");
	assert_errors("[policy]\nroot_uids = 0\n[limits]\nroot_uids = 0\n",
		      "F:4: unknown key 'root_uids' in [limits]\n");
	assert_errors("[region r]\nkind = ram\nbase = 0\nsize = 4K\n"
		      "device = 0000:00:02.0\n",
		      "F:5: unknown key 'device' in [region]\n");
}

Test(config, daemon_keys)
{
	struct config c;
	char text[256];

	load_ok(&c, "[daemon]\nsocket_mode = 666\nbackend = devmem\n");
	cr_assert_eq(c.socket_mode, 0666);
	cr_assert_str_eq(c.backend, "devmem");
	config_free(&c);

	load_ok(&c, "[daemon]\nsocket_mode = 0\n");
	cr_assert_eq(c.socket_mode, 0);
	config_free(&c);

	/* sun_path holds 107 characters and a NUL. */
	snprintf(text, sizeof(text), "[daemon]\nsocket = /%0106d\n", 0);
	load_ok(&c, text);
	cr_assert_eq(strlen(c.socket_path), 107);
	config_free(&c);
	snprintf(text, sizeof(text), "[daemon]\nsocket = /%0107d\n", 0);
	assert_errors(text, "F:2: socket: path longer than 107 characters\n");

	assert_errors("[daemon]\nsocket = zxd.sock\n",
		      "F:2: socket: 'zxd.sock' is not an absolute path\n");
	assert_errors("[daemon]\nsocket_mode = 01777\nbackend = vfio\n",
		      "F:2: socket_mode: '01777' is not an octal mode from 0"
		      " to 0777\n"
		      "F:3: backend: unknown backend 'vfio' (sim, pci or"
		      " devmem)\n");
	assert_errors("[daemon]\nsocket_mode = 0x1b6\n",
		      "F:2: socket_mode: '0x1b6' is not an octal mode from 0"
		      " to 0777\n");
	assert_errors("[daemon]\nsocket_mode = -0666\n",
		      "F:2: socket_mode: '-0666' is not an octal mode from 0"
		      " to 0777\n");
	assert_errors("[daemon]\nsocket_mode = 000000000000000000000001000\n",
		      "F:2: socket_mode: '000000000000000000000001000' is not"
		      " an octal mode from 0 to 0777\n");
}

Test(config, backend_pci)
{
	struct config c;

	assert_errors("[daemon]\nbackend = pci\n",
		      "F:2: backend: pci needs at least one [pci NAME]"
		      " section\n");

	load_ok(&c, "[pci nic]\ndevice = 02:00.0\nbar = 0\n"
		    "[daemon]\nbackend = pci\n"
		    "[pci gpu]\ndevice = 0000:0A:1F.7\nbar = 5\n"
		    "[pci vmd]\ndevice = 10000:e1:00.0\nbar = 1\n");
	cr_assert_str_eq(c.backend, "pci");
	cr_assert_eq(c.n_pci_bars, 3);
	cr_assert_str_eq(c.pci_bars[0].name, "nic");
	cr_assert_str_eq(c.pci_bars[0].device, "0000:02:00.0");
	cr_assert_eq(c.pci_bars[0].bar, 0);
	cr_assert_str_eq(c.pci_bars[1].device, "0000:0a:1f.7");
	cr_assert_eq(c.pci_bars[1].bar, 5);
	cr_assert_str_eq(c.pci_bars[2].device, "10000:e1:00.0");
	/* The sim map is left alone. */
	cr_assert_eq(c.n_regions, 2);
	config_free(&c);
}

Test(config, pci_errors)
{
	static const char *const bad[] = {
		"0000:00:20.0",		/* device > 0x1f */
		"0000:00:02.8",		/* function > 7 */
		"0000:00:02",
		"0000:00:02.0x",
		"000:00:02.0",
		"00000000:00:02.0",
		"0000:0:02.0",
		"0000:00:2.0",
		"0000-00:02.0",
		"gpu",
	};
	char text[256], expected[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[pci x]\ndevice = %s\nbar = 0\n",
			 bad[i]);
		snprintf(expected, sizeof(expected),
			 "F:2: device: '%s' is not a PCI address"
			 " (DDDD:BB:DD.F)\n", bad[i]);
		assert_errors(text, expected);
	}
	assert_errors("[pci x]\ndevice = 0000:00:02.0\nbar = 6\n",
		      "F:3: bar: '6' is out of range (at most 5)\n");
	assert_errors("[pci x]\nbar = 1\n[pci y]\ndevice = 0000:00:02.0\n",
		      "F:1: [pci x] has no 'device'\n"
		      "F:3: [pci y] has no 'bar'\n");
	assert_errors("[pci a]\ndevice = 00:02.0\nbar = 1\n"
		      "[pci b]\ndevice = 0000:00:02.0\nbar = 1\n"
		      "[pci a]\ndevice = 0000:00:03.0\nbar = 1\n",
		      "F:4: [pci b] is the same BAR as [pci a] (line 1)\n"
		      "F:7: duplicate [pci a], first at line 1\n");
}

Test(config, regions)
{
	struct config c;

	/* Any [region] replaces the whole built-in map. */
	load_ok(&c, "[region lo]\nkind = mmio\nbase = 0x10000000\n"
		    "size = 0x1000\n");
	cr_assert_eq(c.n_regions, 1);
	cr_assert_str_eq(c.regions[0].name, "lo");
	cr_assert_eq(c.regions[0].kind, PHYS_MMIO);
	cr_assert_eq(c.regions[0].base, 0x10000000);
	cr_assert_eq(c.regions[0].size, 0x1000);
	config_free(&c);

	/* A name of 31 characters; the top page of the address space. */
	load_ok(&c, "[region abcdefghijklmnopqrstuvwxyz.-_12]\nkind = ram\n"
		    "base = 0xFFFFFFFFFFFFE000\nsize = 4K\n");
	cr_assert_str_eq(c.regions[0].name, "abcdefghijklmnopqrstuvwxyz.-_12");
	config_free(&c);

	assert_errors("[region abcdefghijklmnopqrstuvwxyz.-_123]\nkind = ram\n"
		      "base = 0\nsize = 4K\n",
		      "F:1: invalid region name"
		      " 'abcdefghijklmnopqrstuvwxyz.-_123'"
		      " (1 to 31 of A-Z a-z 0-9 _ . -)\n");
	assert_errors("[region a/b]\nkind = ram\nbase = 0\nsize = 4K\n",
		      "F:1: invalid region name 'a/b'"
		      " (1 to 31 of A-Z a-z 0-9 _ . -)\n");
	assert_errors("[region a]\nkind = ram\nbase = 0x1000\n",
		      "F:1: [region a] has no 'size'\n");
	assert_errors("[region a]\n[region b]\nkind = ram\nsize = 4K\n",
		      "F:1: [region a] has no 'kind'\n"
		      "F:1: [region a] has no 'base'\n"
		      "F:1: [region a] has no 'size'\n"
		      "F:2: [region b] has no 'base'\n");
	assert_errors("[region a]\nkind = ROM\nbase = 0\nsize = 0\n",
		      "F:2: kind: 'ROM' is not ram or mmio\n"
		      "F:4: size: must not be 0\n");
	assert_errors("[region a]\nkind = ram\nbase = 0x800\nsize = 0x800\n",
		      "F:3: base: '0x800' is not a multiple of the page size"
		      " (4096)\n"
		      "F:4: size: '0x800' is not a multiple of the page size"
		      " (4096)\n");
	assert_errors("[region a]\nkind = ram\nbase = 0xFFFFFFFFFFFFF000\n"
		      "size = 4K\n",
		      "F:1: [region a] ends beyond 2^64\n");
	assert_errors("[region a]\nkind = ram\nbase = 0\nsize = 4K\n"
		      "[region a]\nkind = ram\nbase = 4K\nsize = 4K\n",
		      "F:5: duplicate [region a], first at line 1\n");
}

Test(config, overlap)
{
	struct config c;

	/* Adjacent regions touch without overlapping. */
	load_ok(&c, "[region a]\nkind = ram\nbase = 0\nsize = 8K\n"
		    "[region b]\nkind = mmio\nbase = 8K\nsize = 4K\n"
		    "[region c]\nkind = mmio\nbase = 12K\nsize = 4K\n");
	cr_assert_eq(c.n_regions, 3);
	config_free(&c);

	assert_errors("[region a]\nkind = ram\nbase = 0\nsize = 8K\n"
		      "[region b]\nkind = mmio\nbase = 4K\nsize = 8K\n",
		      "F:5: [region b] [0x1000, 0x3000) overlaps [region a]"
		      " (line 1)\n");
	/* Inside, around, identical; each against every region before. */
	assert_errors("[region a]\nkind = ram\nbase = 0x10000\nsize = 64K\n"
		      "[region in]\nkind = ram\nbase = 0x11000\nsize = 4K\n"
		      "[region b]\nkind = ram\nbase = 0x20000\nsize = 4K\n"
		      "[region around]\nkind = ram\nbase = 0\nsize = 1M\n"
		      "[region same]\nkind = mmio\nbase = 0x20000\n"
		      "size = 0x1000\n",
		      "F:5: [region in] [0x11000, 0x12000) overlaps [region a]"
		      " (line 1)\n"
		      "F:13: [region around] [0, 0x100000) overlaps [region a]"
		      " (line 1)\n"
		      "F:13: [region around] [0, 0x100000) overlaps [region b]"
		      " (line 9)\n"
		      "F:17: [region same] [0x20000, 0x21000) overlaps"
		      " [region b] (line 9)\n");
}

Test(config, users_and_groups)
{
	struct config c;

	load_ok(&c, "[daemon]\nsocket_group = root\n"
		    "[policy]\nroot_uids = root,1000 , 0x10\t7\n"
		    "root_gids = root\n");
	cr_assert(c.socket_group_set);
	cr_assert_eq(c.socket_group, 0);
	cr_assert_eq(c.n_root_uids, 4);
	cr_assert_eq(c.root_uids[0], 0);
	cr_assert_eq(c.root_uids[1], 1000);
	cr_assert_eq(c.root_uids[2], 16);
	cr_assert_eq(c.root_uids[3], 7);
	cr_assert_eq(c.n_root_gids, 1);
	cr_assert_eq(c.root_gids[0], 0);
	config_free(&c);

	/* Empty: nobody, and a group left as it is. */
	load_ok(&c, "[daemon]\nsocket_group = 42\n");
	cr_assert(c.socket_group_set);
	cr_assert_eq(c.socket_group, 42);
	config_free(&c);
	load_ok(&c, "[daemon]\nsocket_group =\n[policy]\nroot_uids =\n");
	cr_assert_not(c.socket_group_set);
	cr_assert_eq(c.n_root_uids, 0);
	cr_assert_null(c.root_uids);
	config_free(&c);

	assert_errors("[policy]\nroot_uids = root zxd-no-such-user 4294967295"
		      " 12ab\nroot_gids = zxd-no-such-group, 0\n"
		      "[daemon]\nsocket_group = zxd-no-such-group\n",
		      "F:2: root_uids: unknown user 'zxd-no-such-user'\n"
		      "F:2: root_uids: '4294967295' is out of range"
		      " (at most 4294967294)\n"
		      "F:2: root_uids: '12ab' is not a number\n"
		      "F:3: root_gids: unknown group 'zxd-no-such-group'\n"
		      "F:5: socket_group: unknown group 'zxd-no-such-group'\n");
}

/* vmo_bytes_per_client = value: 0 and *ret, or the error text. */
static char *
vmo_bytes(const char *value, uint64_t *ret)
{
	char text[256];
	struct config c;
	struct load l;

	snprintf(text, sizeof(text), "[limits]\nvmo_bytes_per_client = %s\n",
		 value);
	cr_assert_eq(config_init_defaults(&c), 0);
	l = load_text(&c, text);
	*ret = c.vmo_bytes_per_client;
	config_free(&c);
	cr_assert_eq(l.r, *l.errors ? -EINVAL : 0);
	return l.errors;
}

Test(config, numbers)
{
	static const struct {
		const char *text;
		uint64_t value;
	} good[] = {
		{ "0", 0 },
		{ "0x0", 0 },
		{ "010", 10 },			/* never octal */
		{ "0x10", 16 },
		{ "0XfF", 255 },
		{ "1k", 1024 },
		{ "0x10K", 16384 },
		{ "16G", UINT64_C(16) << 30 },
		{ "16g", UINT64_C(16) << 30 },
		{ "3M", UINT64_C(3) << 20 },
		{ "1T", UINT64_C(1) << 40 },
		{ "16777215T", UINT64_MAX - ((UINT64_C(1) << 40) - 1) },
		{ "18446744073709551615", UINT64_MAX },
		{ "0xFFFFFFFFFFFFFFFF", UINT64_MAX },
		{ "0x00000000000000000000001", 1 },
	};
	static const char *const not_numbers[] = {
		"0x", "x10", "-1", "+1", "1 G", "1KB", "1KiB", "16E", "1.5G",
		"0x-1", "0x 1", "1e3", "G", "0b101", "١",
	};
	static const char *const too_big[] = {
		"18446744073709551616", "0x10000000000000000",
		"16777216T", "99999999999999999999999K",
	};
	char expected[256];
	uint64_t v;
	char *e;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		e = vmo_bytes(good[i].text, &v);
		cr_assert_str_eq(e, "", "%s", good[i].text);
		cr_assert_eq(v, good[i].value, "%s: %#" PRIx64, good[i].text,
			     v);
		free(e);
	}
	for (size_t i = 0; i < sizeof(not_numbers) / sizeof(*not_numbers);
	     i++) {
		e = vmo_bytes(not_numbers[i], &v);
		snprintf(expected, sizeof(expected),
			 "F:2: vmo_bytes_per_client: '%s' is not a number"
			 " (with an optional K, M, G or T)\n",
			 not_numbers[i]);
		cr_assert_str_eq(e, expected);
		cr_assert_eq(v, CONFIG_DEFAULT_VMO_BYTES);
		free(e);
	}
	for (size_t i = 0; i < sizeof(too_big) / sizeof(too_big[0]); i++) {
		e = vmo_bytes(too_big[i], &v);
		snprintf(expected, sizeof(expected),
			 "F:2: vmo_bytes_per_client: '%s' is out of range"
			 " (at most 18446744073709551615)\n", too_big[i]);
		cr_assert_str_eq(e, expected);
		free(e);
	}

	/* Counts take no suffix. */
	assert_errors("[limits]\nhandles_per_client = 1K\n",
		      "F:2: handles_per_client: '1K' is not a number\n");
	assert_errors("[limits]\nhandles_per_client = 0x100000000\n",
		      "F:2: handles_per_client: '0x100000000' is out of range"
		      " (at most 4294967295)\n");
}

Test(config, limits)
{
	struct config c;

	load_ok(&c, "[limits]\nvmo_bytes_per_client = 0\n"
		    "handles_per_client = 4294967295\n");
	cr_assert_eq(c.vmo_bytes_per_client, 0);
	cr_assert_eq(c.handles_per_client, UINT32_MAX);
	config_free(&c);
}

Test(config, several_errors)
{
	/* inih alone would stop counting at the first bad line. */
	assert_errors("[daemon]\n"
		      "socket /x\n"
		      "backend = sim\n"
		      "[limits\n"
		      "handles_per_client = x\n"
		      "[limits]\n"
		      "handles_per_client = x\n"
		      "vmo_bytes_per_client\n"
		      "[region r]\n"
		      "kind = ram\n"
		      "base = 1\n"
		      "[daemon]\n"
		      "backend = sim\n"
		      "socket = /run/zxd.sock ; fine\n"
		      "[pci p]\n"
		      "bar = 9\n",
		      "F:2: expected '[section]' or 'key = value'\n"
		      "F:4: missing ']' in section header\n"
		      "F:7: handles_per_client: 'x' is not a number\n"
		      "F:8: expected '[section]' or 'key = value'\n"
		      "F:9: [region r] has no 'size'\n"
		      "F:11: base: '1' is not a multiple of the page size"
		      " (4096)\n"
		      "F:13: backend: already set at line 3\n"
		      "F:15: [pci p] has no 'device'\n"
		      "F:16: bar: '9' is out of range (at most 5)\n");
}

Test(config, unreadable)
{
	char path[PATH_MAX];
	const char *tmpdir = getenv("TMPDIR");
	struct config c;
	struct load l;

	cr_assert_eq(config_init_defaults(&c), 0);
	snprintf(path, sizeof(path), "%s/zxd-config-XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	cr_assert_not_null(mkdtemp(path));

	/* A directory opens, then fails to read. */
	l = load_path(&c, path);
	cr_assert_eq(l.r, -EISDIR);
	cr_assert_str_eq(l.errors, "F: Is a directory\n");
	free(l.errors);

	strcat(path, "/missing.conf");
	l = load_path(&c, path);
	cr_assert_eq(l.r, -ENOENT);
	cr_assert_str_eq(l.errors, "F: No such file or directory\n");
	free(l.errors);

	/* No error stream: the result alone. */
	cr_assert_eq(config_load(&c, path, NULL), -ENOENT);
	cr_assert_eq(config_load(&c, "/dev/null", NULL), 0);
	cr_assert_str_eq(c.path, "/dev/null");

	*strrchr(path, '/') = '\0';
	cr_assert_eq(rmdir(path), 0);
	config_free(&c);
}

Test(config, load_over_previous)
{
	struct config c;
	struct load l;

	/* Each file sets what it names, over what came before. */
	load_ok(&c, "[daemon]\nsocket = /a\n[region r]\nkind = ram\n"
		    "base = 0\nsize = 4K\n");
	l = load_text(&c, "[daemon]\nbackend = devmem\n");
	cr_assert_eq(l.r, 0);
	free(l.errors);
	cr_assert_str_eq(c.socket_path, "/a");
	cr_assert_str_eq(c.backend, "devmem");
	cr_assert_eq(c.n_regions, 1);

	/* A file with errors changes nothing at all. */
	l = load_text(&c, "[daemon]\nsocket = /b\n[region s]\nkind = ram\n"
			  "base = 0\nsize = 4K\n[policy]\nroot_uids = x y\n");
	cr_assert_eq(l.r, -EINVAL);
	free(l.errors);
	cr_assert_str_eq(c.socket_path, "/a");
	cr_assert_str_eq(c.regions[0].name, "r");
	cr_assert_eq(c.n_root_uids, 1);
	config_free(&c);
}

Test(config, admits_root)
{
	static const gid_t groups[] = { 5, 27 };
	struct config c;

	cr_assert_eq(config_init_defaults(&c), 0);
	cr_assert(config_admits_root(&c, 0, 0, NULL, 0));
	cr_assert(config_admits_root(&c, 0, 1000, groups, 2));
	cr_assert_not(config_admits_root(&c, 1000, 0, NULL, 0));
	cr_assert_not(config_admits_root(&c, 1000, 0, groups, 2));
	config_free(&c);

	load_ok(&c, "[policy]\nroot_uids = 1000\nroot_gids = 27, 28\n");
	cr_assert_not(config_admits_root(&c, 0, 0, NULL, 0));
	cr_assert(config_admits_root(&c, 1000, 1000, NULL, 0));
	cr_assert(config_admits_root(&c, 1, 28, NULL, 0));
	cr_assert(config_admits_root(&c, 1, 1, groups, 2));
	cr_assert_not(config_admits_root(&c, 1, 1, groups, 1));
	config_free(&c);
}

Test(config, helpers)
{
	cr_assert(config_backend_known("sim"));
	cr_assert(config_backend_known("pci"));
	cr_assert(config_backend_known("devmem"));
	cr_assert_not(config_backend_known("Sim"));
	cr_assert_not(config_backend_known(""));
	cr_assert_str_eq(config_region_kind_name(PHYS_RAM), "ram");
	cr_assert_str_eq(config_region_kind_name(PHYS_MMIO), "mmio");
}
