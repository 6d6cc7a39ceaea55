/* A short tour of libzx: create objects through zxd, use them, show
 * them. With arguments, runs that command (e.g. zxctl objects) while the
 * objects are still alive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iob.h>

static void
show(const char *what, zx_handle_t h)
{
	zx_info_handle_basic_t info;

	if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info),
	    NULL, NULL) != ZX_OK) {
		printf("%-10s (no info)\n", what);
		return;
	}
	printf("%-10s handle 0x%08x koid %-6llu type %-3u rights 0x%05x "
	    "related %llu\n", what, h, (unsigned long long)info.koid,
	    info.type, info.rights, (unsigned long long)info.related_koid);
}

static void
check(const char *call, zx_status_t st)
{
	if (st != ZX_OK) {
		fprintf(stderr, "zxd-demo: %s: %s\n", call,
		    zx_status_get_string(st));
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	uint64_t page = zx_system_get_page_size();
	zx_handle_t ev, ep0, ep1, vmo, iob0, iob1;
	zx_iob_region_t region;
	zx_vaddr_t a0, a1;
	zx_signals_t seen = 0;
	char buf[32] = "";

	check("zx_event_create", zx_event_create(0, &ev));
	check("zx_eventpair_create", zx_eventpair_create(0, &ep0, &ep1));
	check("zx_vmo_create", zx_vmo_create(3 * page, 0, &vmo));
	check("zx_object_set_property", zx_object_set_property(vmo,
	    ZX_PROP_NAME, "demo-vmo", 8));

	/* An IOBuffer with one region: endpoint 0 writes, endpoint 1 may
	 * only read. */
	memset(&region, 0, sizeof(region));
	region.type = ZX_IOB_REGION_TYPE_PRIVATE;
	region.access = ZX_IOB_ACCESS_EP0_CAN_MAP_READ |
	    ZX_IOB_ACCESS_EP0_CAN_MAP_WRITE | ZX_IOB_ACCESS_EP1_CAN_MAP_READ;
	region.size = page;
	region.discipline.type = ZX_IOB_DISCIPLINE_TYPE_NONE;
	check("zx_iob_create", zx_iob_create(0, &region, 1, &iob0, &iob1));
	check("zx_object_set_property", zx_object_set_property(iob0,
	    ZX_PROP_NAME, "demo-iob", 8));

	show("event", ev);
	show("eventpair0", ep0);
	show("eventpair1", ep1);
	show("vmo", vmo);
	show("iob ep0", iob0);
	show("iob ep1", iob1);

	check("zx_object_signal_peer",
	    zx_object_signal_peer(ep0, 0, ZX_USER_SIGNAL_0));
	check("zx_object_wait_one", zx_object_wait_one(ep1, ZX_USER_SIGNAL_0,
	    zx_deadline_after(ZX_SEC(1)), &seen));
	printf("eventpair1 saw signals 0x%08x after its peer signalled it\n",
	    seen);

	check("zx_vmo_write", zx_vmo_write(vmo, "hello, vmo", page, 11));
	check("zx_vmo_read", zx_vmo_read(vmo, buf, page, 11));
	printf("vmo holds \"%s\" at offset %llu\n", buf,
	    (unsigned long long)page);

	check("zx_vmar_map_iob", zx_vmar_map_iob(zx_vmar_root_self(),
	    ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, iob0, 0, 0, page, &a0));
	check("zx_vmar_map_iob", zx_vmar_map_iob(zx_vmar_root_self(),
	    ZX_VM_PERM_READ, 0, iob1, 0, 0, page, &a1));
	strcpy((char *)a0, "hello through the iob");
	printf("iob ep1 reads \"%s\" from its read-only mapping\n",
	    (const char *)a1);
	printf("iob ep1 mapping for writing: %s (endpoint 1 may only read)\n",
	    zx_status_get_string(zx_vmar_map_iob(zx_vmar_root_self(),
	    ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, iob1, 0, 0, page, &a1)));

	if (argc > 1) {
		pid_t pid;

		fflush(stdout);
		pid = fork();

		if (pid == 0) {
			execvp(argv[1], argv + 1);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}

	zx_handle_close(ep0);
	check("zx_object_wait_one", zx_object_wait_one(ep1,
	    ZX_EVENTPAIR_PEER_CLOSED, ZX_TIME_INFINITE, &seen));
	printf("eventpair1 saw PEER_CLOSED (0x%08x) once eventpair0 closed\n",
	    seen);
	zx_handle_close(ep1);
	zx_handle_close(ev);
	zx_handle_close(vmo);
	zx_vmar_unmap(zx_vmar_root_self(), a0, page);
	zx_handle_close(iob0);
	check("zx_object_wait_one", zx_object_wait_one(iob1,
	    ZX_IOB_PEER_CLOSED, ZX_TIME_INFINITE, &seen));
	printf("iob ep1 saw PEER_CLOSED once ep0's handle and mapping went\n");
	zx_handle_close(iob1);
	return 0;
}
