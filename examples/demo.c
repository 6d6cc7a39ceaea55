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

static void
show(const char *what, zx_handle_t h)
{
	zx_info_handle_basic_t info;
	char name[ZX_MAX_NAME_LEN] = "";

	if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info),
	    NULL, NULL) != ZX_OK) {
		printf("%-10s (no info)\n", what);
		return;
	}
	zx_object_get_property(h, ZX_PROP_NAME, name, sizeof(name));
	printf("%-10s handle 0x%08x koid %-6llu type %-3u rights 0x%05x "
	    "related %-6llu name \"%s\"\n", what, h,
	    (unsigned long long)info.koid, info.type, info.rights,
	    (unsigned long long)info.related_koid, name);
}

static int
check(const char *call, zx_status_t st)
{
	if (st != ZX_OK) {
		fprintf(stderr, "zxd-demo: %s: %s\n", call,
		    zx_status_get_string(st));
		exit(1);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	zx_handle_t ev, ep0, ep1;
	zx_signals_t seen = 0;

	check("zx_event_create", zx_event_create(0, &ev));
	check("zx_eventpair_create", zx_eventpair_create(0, &ep0, &ep1));
	show("event", ev);
	show("eventpair0", ep0);
	show("eventpair1", ep1);

	check("zx_object_signal_peer",
	    zx_object_signal_peer(ep0, 0, ZX_USER_SIGNAL_0));
	check("zx_object_wait_one", zx_object_wait_one(ep1, ZX_USER_SIGNAL_0,
	    zx_deadline_after(ZX_SEC(1)), &seen));
	printf("eventpair1 saw signals 0x%08x after its peer signalled it\n",
	    seen);

	if (argc > 1) {
		pid_t pid = fork();

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
	return 0;
}
