/*
 * A driver against zxd's simulated device, end to end.
 *
 * The driver (this process) does what it would on hardware: it pins a
 * DMA buffer through a BTI, hands the device the buffer's device
 * addresses through a request FIFO (as block and network drivers do),
 * waits for the device's completion interrupt on a port (bound with
 * zx_interrupt_bind, acked after each packet), and checks the bytes the
 * device wrote.
 *
 * The device is a second process playing the hardware: it takes each
 * request from the FIFO and writes into the buffer with the `sim`
 * backend's DMA engine (zxd_sim_dma_write), which raises the virtual
 * interrupt attached to the BTI (zxd_sim_dma_set_interrupt) when the
 * transfer completes, with the completion time as its timestamp.
 *
 * Needs the root resource (the IOMMU), so run it as root against a zxd
 * (ZXD_SOCKET). Exits 0 when every transfer arrived intact.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/port.h>
#include <zxd/zxd.h>

#define PAGES		8
#define PAGE		4096
#define TRANSFERS	16

/* One request on the FIFO: where to write, and what. */
struct dma_req {
	uint64_t addr;			/* a device address from the pin */
	uint32_t len;
	uint32_t seed;
};

static int
check(zx_status_t st, const char *what)
{
	if (st != ZX_OK) {
		fprintf(stderr, "sim-driver: %s: %s\n", what,
		    zx_status_get_string(st));
		exit(1);
	}
	return 0;
}

static uint8_t
pattern(uint32_t seed, size_t i)
{
	return (uint8_t)(seed * 131 + i * 7 + (i >> 9));
}

/* --- the device ----------------------------------------------------- */

static int
device(int bti_tok, int fifo_tok)
{
	zx_handle_t bti, fifo;
	static uint8_t buf[PAGE];
	struct dma_req r;

	if (zxd_handle_import(bti_tok, &bti) != ZX_OK ||
	    zxd_handle_import(fifo_tok, &fifo) != ZX_OK)
		return 1;
	for (;;) {
		zx_status_t st = zx_fifo_read(fifo, sizeof(r), &r, 1, NULL);

		if (st == ZX_ERR_SHOULD_WAIT) {
			zx_object_wait_one(fifo, ZX_FIFO_READABLE |
			    ZX_FIFO_PEER_CLOSED, ZX_TIME_INFINITE, NULL);
			continue;
		}
		if (st == ZX_ERR_PEER_CLOSED)
			return 0;	/* the driver is done */
		if (st != ZX_OK || r.len > sizeof(buf))
			return 2;
		for (size_t i = 0; i < r.len; i++)
			buf[i] = pattern(r.seed, i);
		/* The transfer; its completion raises the interrupt. */
		if (zxd_sim_dma_write(bti, r.addr, buf, r.len) != ZX_OK)
			return 3;
	}
}

/* --- the driver ----------------------------------------------------- */

#define IRQ_KEY		0x1d

/* Wait on the port for the device's interrupt; its timestamp. The
 * interrupt is re-armed once the packet is handled. */
static zx_time_t
wait_irq(zx_handle_t port, zx_handle_t irq)
{
	zx_port_packet_t pk;

	check(zx_port_wait(port, ZX_TIME_INFINITE, &pk), "zx_port_wait");
	if (pk.type != ZX_PKT_TYPE_INTERRUPT || pk.key != IRQ_KEY) {
		fprintf(stderr, "sim-driver: unexpected packet %u\n",
		    pk.type);
		exit(1);
	}
	check(zx_interrupt_ack(irq), "zx_interrupt_ack");
	return pk.interrupt.timestamp;
}

int
main(void)
{
	zx_iommu_desc_dummy_t desc = { 0 };
	zx_handle_t root, iommu, bti, vmo, pmt, irq, fifo, dev_fifo, dev_bti;
	zx_handle_t port;
	zx_paddr_t addrs[PAGES];
	uint8_t *got = malloc(PAGE);
	zx_time_t last = 0;
	int bti_tok, fifo_tok, status;
	pid_t pid;

	check(zxd_get_root_resource(&root), "zxd_get_root_resource");
	check(zx_iommu_create(root, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof(desc),
	    &iommu), "zx_iommu_create");
	check(zx_bti_create(iommu, 0, 0x5151, &bti), "zx_bti_create");
	zx_handle_close(iommu);
	zx_handle_close(root);

	/* The DMA buffer, pinned for the device to write. */
	check(zx_vmo_create(PAGES * PAGE, 0, &vmo), "zx_vmo_create");
	check(zx_bti_pin(bti, ZX_BTI_PERM_READ | ZX_BTI_PERM_WRITE, vmo, 0,
	    PAGES * PAGE, addrs, PAGES, &pmt), "zx_bti_pin");

	/* The device's completion interrupt, and its request FIFO. */
	check(zx_interrupt_create(ZX_HANDLE_INVALID, 0, ZX_INTERRUPT_VIRTUAL,
	    &irq), "zx_interrupt_create");
	check(zxd_sim_dma_set_interrupt(bti, irq),
	    "zxd_sim_dma_set_interrupt");
	check(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port),
	    "zx_port_create");
	check(zx_interrupt_bind(irq, port, IRQ_KEY, ZX_INTERRUPT_BIND),
	    "zx_interrupt_bind");
	check(zx_fifo_create(16, sizeof(struct dma_req), 0, &fifo, &dev_fifo),
	    "zx_fifo_create");

	/* The device process gets the BTI and its end of the FIFO. */
	check(zx_handle_duplicate(bti, ZX_RIGHT_SAME_RIGHTS, &dev_bti),
	    "zx_handle_duplicate");
	check(zxd_handle_export(dev_bti, &bti_tok), "zxd_handle_export");
	check(zxd_handle_export(dev_fifo, &fifo_tok), "zxd_handle_export");
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0)
		_exit(device(bti_tok, fifo_tok));
	close(bti_tok);
	close(fifo_tok);

	for (uint32_t t = 0; t < TRANSFERS; t++) {
		struct dma_req r = {
			.addr = addrs[t % PAGES] + (t % 3) * 512,
			.len = PAGE - (t % 3) * 512,
			.seed = t + 1,
		};
		zx_time_t ts;

		check(zx_fifo_write(fifo, sizeof(r), &r, 1, NULL),
		    "zx_fifo_write");
		ts = wait_irq(port, irq);
		if (ts <= last) {
			fprintf(stderr, "sim-driver: timestamps go back\n");
			return 1;
		}
		last = ts;
		check(zx_vmo_read(vmo, got, (t % PAGES) * PAGE + (t % 3) * 512,
		    r.len), "zx_vmo_read");
		for (size_t i = 0; i < r.len; i++) {
			if (got[i] != pattern(r.seed, i)) {
				fprintf(stderr, "sim-driver: transfer %u: "
				    "byte %zu is %#x, not %#x\n", t, i, got[i],
				    pattern(r.seed, i));
				return 1;
			}
		}
	}
	/* Done: the device sees PEER_CLOSED and stops. */
	zx_handle_close(fifo);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "sim-driver: device failed (%d)\n", status);
		return 1;
	}
	check(zx_pmt_unpin(pmt), "zx_pmt_unpin");
	zx_handle_close(irq);
	zx_handle_close(port);
	zx_handle_close(vmo);
	zx_handle_close(bti);
	free(got);
	printf("sim-driver: %d transfers through the simulated device, "
	    "each completed by its interrupt on a port\n", TRANSFERS);
	return 0;
}
