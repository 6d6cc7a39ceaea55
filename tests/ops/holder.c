/*
 * A zxd client for the ops tests: creates objects, prints their koids,
 * then holds them until its stdin reaches EOF (or a line is read).
 *
 *	holder [-n N] [-p] [-b | -B] [-c COMM]
 *	  -n N     create N events (default 1)
 *	  -p       also create an eventpair
 *	  -b       also create a BTI named "holder-bti" (root only) with
 *	           two pins: a live one of a 2-page VMO (read-write), and
 *	           a quarantined one (its PMT closed without unpin)
 *	  -B       the same BTI without a name
 *	  -c COMM  set the process's command name (what zxd reads from
 *	           /proc/PID/comm) first
 *
 * Prints "event KOID" per event, "eventpair KOID KOID", for -b "bti KOID",
 * "pin PMT_KOID VMO_KOID DEVICE_ADDR" and "quarantined PMT_KOID", then
 * "ready", one per line, flushed.
 */
#include "config-build.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <zircon/syscalls.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/object.h>
#include <zxd/zxd.h>

static zx_koid_t
koid_of(zx_handle_t h)
{
	zx_info_handle_basic_t info;

	if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info),
	    NULL, NULL) != ZX_OK)
		return 0;
	return info.koid;
}

/* A BTI with a live pin and a quarantined one; its handles are held
 * until exit. */
static int
make_bti(bool named)
{
	zx_iommu_desc_dummy_t desc = { 0 };
	zx_handle_t root, iommu, bti, vmo, vmo2, pmt, pmt2;
	uint64_t page = zx_system_get_page_size();
	zx_paddr_t a[2], b;

	if (zxd_get_root_resource(&root) != ZX_OK ||
	    zx_iommu_create(root, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof(desc),
	    &iommu) != ZX_OK ||
	    zx_bti_create(iommu, 0, 1, &bti) != ZX_OK ||
	    (named && zx_object_set_property(bti, ZX_PROP_NAME, "holder-bti",
	    10) != ZX_OK) ||
	    zx_vmo_create(2 * page, 0, &vmo) != ZX_OK ||
	    zx_vmo_create(page, 0, &vmo2) != ZX_OK ||
	    zx_bti_pin(bti, ZX_BTI_PERM_READ | ZX_BTI_PERM_WRITE, vmo, 0,
	    2 * page, a, 2, &pmt) != ZX_OK ||
	    zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo2, 0, page, &b, 1, &pmt2) !=
	    ZX_OK) {
		fprintf(stderr, "holder: cannot make a BTI\n");
		return -1;
	}
	printf("bti %llu\n", (unsigned long long)koid_of(bti));
	printf("pin %llu %llu %llu\n", (unsigned long long)koid_of(pmt),
	    (unsigned long long)koid_of(vmo), (unsigned long long)a[0]);
	printf("quarantined %llu\n", (unsigned long long)koid_of(pmt2));
	zx_handle_close(pmt2);
	return 0;
}

/* -m: a sub-VMAR with a mapping of a VMO named "mapped" in it. */
static int
make_maps(void)
{
	zx_handle_t vmo, sub;
	zx_vaddr_t sa, a;

	if (zx_vmo_create(4096, 0, &vmo) != ZX_OK ||
	    zx_object_set_property(vmo, ZX_PROP_NAME, "mapped", 6) != ZX_OK ||
	    zx_vmar_allocate(zx_vmar_root_self(), ZX_VM_CAN_MAP_READ |
	    ZX_VM_CAN_MAP_WRITE, 0, 16 * 4096, &sub, &sa) != ZX_OK ||
	    zx_vmar_map(sub, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
	    4096, &a) != ZX_OK) {
		fprintf(stderr, "holder: cannot make a sub-VMAR mapping\n");
		return -1;
	}
	printf("maps %llu %llu %llu\n", (unsigned long long)sa,
	    (unsigned long long)a, (unsigned long long)koid_of(vmo));
	return 0;
}

int
main(int argc, char **argv)
{
	long n = 1;
	int pair = 0, bti = 0, maps = 0, opt;
	zx_handle_t h, p0, p1;
	char buf[16];

	while ((opt = getopt(argc, argv, "n:pbBmc:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'p':
			pair = 1;
			break;
		case 'b':
			bti = 1;
			break;
		case 'B':
			bti = 2;
			break;
		case 'm':
			maps = 1;
			break;
		case 'c':
			prctl(PR_SET_NAME, optarg, 0, 0, 0);
			break;
		default:
			return 2;
		}
	}
	for (long i = 0; i < n; i++) {
		zx_status_t st = zx_event_create(0, &h);

		if (st != ZX_OK) {
			fprintf(stderr, "holder: zx_event_create: %d\n", st);
			return 1;
		}
		printf("event %llu\n", (unsigned long long)koid_of(h));
		printf("value %llu %u\n", (unsigned long long)koid_of(h), h);
	}
	if (pair) {
		if (zx_eventpair_create(0, &p0, &p1) != ZX_OK) {
			fprintf(stderr, "holder: zx_eventpair_create failed\n");
			return 1;
		}
		printf("eventpair %llu %llu\n",
		    (unsigned long long)koid_of(p0),
		    (unsigned long long)koid_of(p1));
	}
	if (bti && make_bti(bti == 1) < 0)
		return 1;
	if (maps && make_maps() < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	/* Hold everything until told to go. */
	(void)!read(0, buf, sizeof(buf));
	return 0;
}
