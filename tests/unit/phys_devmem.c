/*
 * The devmem backend, and how zxd starts (or refuses to) with each
 * backend. As in phys.c, every host path is read under $ZXD_SYSROOT, a
 * fake tree of plain files: no test opens a real device or /dev/mem.
 */
#include "config-build.h"

#include "tests/unit/phys_util.h"

/* ----------------------------------------------------------------------
 * devmem, on a fake /dev/mem (a plain file)
 */

TestSuite(devmem, .init = setup, .fini = teardown);

struct child_result {
	int r;
	char err[512];
};

/* Run phys_init for devmem as nobody and report through a pipe. */
static void
devmem_as_nobody(struct child_result *res)
{
	int p[2], st;
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct child_result cr = { 0 };

		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(1);
		cr.r = init_with("devmem", NULL);
		memcpy(cr.err, err, sizeof(cr.err));
		_exit(write(p[1], &cr, sizeof(cr)) == sizeof(cr) ? 0 : 2);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0);
	cr_assert_eq(read(p[0], res, sizeof(*res)), sizeof(*res));
	close(p[0]);
	close(p[1]);
}

Test(devmem, refused_without_root)
{
	struct child_result res;

	/* Even with a file it could open. */
	put_file("dev/mem", NULL, 0);
	cr_assert_eq(chmod(tmpdir, 0755), 0);
	use_sysroot();
	devmem_as_nobody(&res);
	cr_assert_eq(res.r, -EPERM);
	cr_assert_not_null(strstr(res.err,
	    "the devmem backend needs root (zxd runs as uid 65534)"),
	    "%s", res.err);
}

Test(devmem, refused_without_dev_mem)
{
	size_t fds = open_fds();

	use_sysroot();
	cr_assert_eq(init_with("devmem", NULL), -ENOENT);
	cr_assert_not_null(strstr(err, "cannot open "), "%s", err);
	cr_assert_not_null(strstr(err, "/dev/mem: No such file"), "%s", err);
	cr_assert_null(phys_backend());
	cr_assert_eq(open_fds(), fds);
}

Test(devmem, refused_without_mmio_regions)
{
	put_file("dev/mem", NULL, 0);
	use_sysroot();
	cr_assert_eq(init_with("devmem",
	    "[region dram]\nkind = ram\nbase = 0\nsize = 1G\n"), -EINVAL);
	cr_assert_not_null(strstr(err, "there are none"), "%s", err);
}

Test(devmem, refused_over_system_ram)
{
	size_t fds;

	put_file("dev/mem", NULL, 0);
	put_file("proc/iomem", "f0000000-f0ffffff : System RAM\n", 0);
	use_sysroot();
	fds = open_fds();
	cr_assert_eq(init_with("devmem", NULL), -EEXIST);
	cr_assert_not_null(strstr(err, "mmio0"), "%s", err);
	cr_assert_not_null(strstr(err, "is RAM"), "%s", err);
	cr_assert_eq(open_fds(), fds);
}

Test(devmem, serves_mmio_regions)
{
	const struct phys_region *ram, *mmio;
	struct phys_range r;
	int fd;

	put_file("dev/mem", NULL, 0);
	use_sysroot();
	cr_assert_eq(init_with("devmem", NULL), 0, "%s", err);
	cr_assert_str_eq(phys_backend(), "devmem");
	ram = region_named("ram");
	mmio = region_named("mmio0");
	cr_assert_eq(ram->kind, PHYS_RAM);
	cr_assert_eq(ram->fd, -1);
	cr_assert_str_eq(ram->source, "not served");
	cr_assert_str_eq(mmio->source, "/dev/mem");
	cr_assert_geq(mmio->fd, 0);
	/* /dev/mem's offsets are physical addresses. */
	cr_assert_eq(phys_lookup(0xF0001000, PAGE, &r), ZX_OK);
	cr_assert_eq(r.fd_offset, 0xF0001000);
	cr_assert(phys_touches_ram(0, PAGE));
	/* This process is root with CAP_SYS_RAWIO. */
	cr_assert_eq(phys_client_fd(&r, true, &(struct phys_peer){
	    getpid(), 0 }, &fd), ZX_OK);
	cr_assert_eq((fcntl(fd, F_GETFL) & O_ACCMODE), O_RDWR);
	close(fd);
	cr_assert_eq(phys_client_fd(&r, false, &(struct phys_peer){
	    getpid(), 0 }, &fd), ZX_OK);
	cr_assert_eq((fcntl(fd, F_GETFL) & O_ACCMODE), O_RDONLY);
	close(fd);
	/* RAM is never served. */
	cr_assert_eq(phys_lookup(0, PAGE, &r), ZX_OK);
	cr_assert_eq(phys_client_fd(&r, true, &(struct phys_peer){
	    getpid(), 0 }, &fd), ZX_ERR_ACCESS_DENIED);
}

/* A child that gave up CAP_SYS_RAWIO and waits to be killed. */
static pid_t
child_without_rawio(void)
{
	int p[2];
	pid_t pid;
	char c;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct __user_cap_header_struct h = {
			_LINUX_CAPABILITY_VERSION_3, 0
		};
		struct __user_cap_data_struct d[2];

		if (syscall(SYS_capget, &h, d) < 0)
			_exit(1);
		d[0].effective &= ~(1u << CAP_SYS_RAWIO);
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(2);
		(void)!write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	cr_assert_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	close(p[1]);
	return pid;
}

Test(devmem, fd_only_for_peers_that_could_open_it)
{
	struct phys_range r;
	pid_t pid;
	int fd = -1;

	put_file("dev/mem", NULL, 0);
	use_sysroot();
	cr_assert_eq(init_with("devmem", NULL), 0, "%s", err);
	cr_assert_eq(phys_lookup(0xF0000000, PAGE, &r), ZX_OK);
	/* Not uid 0. */
	cr_assert_eq(phys_client_fd(&r, false, &(struct phys_peer){
	    getpid(), 65534 }, &fd), ZX_ERR_ACCESS_DENIED);
	/* uid 0 without CAP_SYS_RAWIO. */
	pid = child_without_rawio();
	cr_assert_eq(phys_client_fd(&r, false, &(struct phys_peer){
	    pid, 0 }, &fd), ZX_ERR_ACCESS_DENIED);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* A peer that is gone. */
	cr_assert_eq(phys_client_fd(&r, false, &(struct phys_peer){
	    pid, 0 }, &fd), ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(fd, -1);
}

/* ----------------------------------------------------------------------
 * zxd itself: each backend's failures stop it at startup with exit 1.
 */

TestSuite(daemon, .init = setup, .fini = teardown);

struct run {
	int status;		/* exit status, or -1 */
	char log[4096];
};

/* Run zxd with args (after --socket) and wait for it to exit on its own
 * within ~5 s; as nobody when asked. */
static void
run_zxd(const char *const *args, bool as_nobody, struct run *res)
{
	const char *bin = getenv("ZXD_BIN");
	char sock[256], logpath[256];
	const char *argv[16];
	size_t n = 0;
	ssize_t len;
	pid_t pid;
	int fd, st;

	cr_assert_not_null(bin, "ZXD_BIN is not set");
	snprintf(sock, sizeof(sock), "%s/zxd.sock", tmpdir);
	snprintf(logpath, sizeof(logpath), "%s/zxd.log", tmpdir);
	argv[n++] = bin;
	argv[n++] = "--socket";
	argv[n++] = sock;
	for (; *args != NULL; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	chmod(tmpdir, 0777);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd < 0)
			_exit(126);
		dup2(fd, 2);
		unsetenv("LISTEN_FDS");
		unsetenv("NOTIFY_SOCKET");
		if (as_nobody && (setgroups(0, NULL) < 0 ||
		    setgid(65534) < 0 || setuid(65534) < 0))
			_exit(126);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	res->status = -1;
	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			res->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
			break;
		}
		usleep(10000);
	}
	if (res->status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	fd = open(logpath, O_RDONLY);
	cr_assert_geq(fd, 0);
	len = read(fd, res->log, sizeof(res->log) - 1);
	res->log[len > 0 ? len : 0] = '\0';
	close(fd);
	cr_assert_eq(zxdtest_log_reports(logpath), 0, "sanitizer report");
}

Test(daemon, pci_without_sections_exits_1)
{
	struct run res;

	run_zxd((const char *[]){ "--backend", "pci", NULL }, false, &res);
	cr_assert_eq(res.status, 1, "%s", res.log);
	cr_assert_not_null(strstr(res.log, "<3>backend pci: the pci backend "
	    "needs at least one [pci NAME] section"), "%s", res.log);
}

Test(daemon, devmem_as_nobody_exits_1)
{
	struct run res;

	run_zxd((const char *[]){ "--backend", "devmem", NULL }, true, &res);
	cr_assert_eq(res.status, 1, "%s", res.log);
	cr_assert_not_null(strstr(res.log, "<3>backend devmem: the devmem "
	    "backend needs root (zxd runs as uid 65534)"), "%s", res.log);
}

Test(daemon, unknown_backend_exits_1)
{
	struct run res;

	run_zxd((const char *[]){ "--backend", "floppy", NULL }, false, &res);
	cr_assert_eq(res.status, 1, "%s", res.log);
	cr_assert_not_null(strstr(res.log, "<3>unknown backend 'floppy'"),
	    "%s", res.log);
}

Test(daemon, pci_missing_device_exits_1)
{
	char conf[512];
	struct run res;

	fake_device();
	snprintf(conf, sizeof(conf), "%s/pci.conf", tmpdir);
	put_file("pci.conf",
	    "[daemon]\nbackend = pci\n[pci nic]\ndevice = 03:00.0\nbar = 0\n",
	    0);
	run_zxd((const char *[]){ "--config", conf, NULL }, false, &res);
	cr_assert_eq(res.status, 1, "%s", res.log);
	cr_assert_not_null(strstr(res.log, "<3>backend pci: [pci nic]: no PCI "
	    "device 0000:03:00.0"), "%s", res.log);
}

static bool
can_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool ok;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

Test(daemon, pci_backend_starts_and_stops)
{
	const char *bin = getenv("ZXD_BIN");
	char conf[256], sock[256], logpath[256], log[4096];
	pid_t pid;
	ssize_t len;
	int fd, st;

	fake_device();
	cr_assert_not_null(bin);
	snprintf(conf, sizeof(conf), "%s/pci.conf", tmpdir);
	snprintf(sock, sizeof(sock), "%s/zxd.sock", tmpdir);
	snprintf(logpath, sizeof(logpath), "%s/zxd.log", tmpdir);
	put_file("pci.conf", pci_conf, 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		unsetenv("LISTEN_FDS");
		unsetenv("NOTIFY_SOCKET");
		execl(bin, bin, "--socket", sock, "--config", conf, (char *)0);
		_exit(127);
	}
	for (int i = 0; i < 500 && !can_connect(sock); i++)
		usleep(10000);
	cr_assert(can_connect(sock));
	kill(pid, SIGTERM);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	fd = open(logpath, O_RDONLY);
	len = read(fd, log, sizeof(log) - 1);
	log[len > 0 ? len : 0] = '\0';
	close(fd);
	cr_assert_eq(zxdtest_log_reports(logpath), 0, "sanitizer report");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", log);
	cr_assert_not_null(strstr(log, "physical region gpu: mmio "
	    "[0xfe000000, 0xfe800000) from pci 0000:01:00.0 bar 0"), "%s",
	    log);
	cr_assert_not_null(strstr(log, "ready (backend pci)"), "%s", log);
}
