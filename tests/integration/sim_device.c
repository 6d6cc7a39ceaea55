/*
 * The simulated device end to end: the example driver (examples/
 * sim_driver.c) against a real zxd, and zxd_sim_dma_set_interrupt's own
 * statuses: the DMA engine raises the attached virtual interrupt when a
 * transfer completes, and only then.
 */
#include "config-build.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zircon/syscalls.h>

#include "tests/integration/bti_util.h"

#define BOGUS	((zx_handle_t)((1000000u << 2) | 3))

Test(example, sim_driver_runs)
{
	const char *top = getenv("ZXD_TOP_BUILDDIR");
	char path[4096];
	int status;
	pid_t pid;

	cr_assert_not_null(top);
	snprintf(path, sizeof(path), "%s/examples/sim-driver", top);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "sim-driver: status %d", status);
}

static zx_handle_t
virq(void)
{
	zx_handle_t h;

	cr_assert_eq(zx_interrupt_create(ZX_HANDLE_INVALID, 0,
	    ZX_INTERRUPT_VIRTUAL, &h), ZX_OK);
	return h;
}

struct w {
	zx_handle_t irq;
	zx_status_t *st;
};

static void *
waiter(void *arg)
{
	struct w *w = arg;

	*w->st = zx_interrupt_wait(w->irq, NULL);
	return NULL;
}

static bool
triggered(zx_handle_t irq)
{
	zx_signals_t s = 0;

	zx_object_wait_one(irq, 0, 0, &s);
	return !(s & ZX_VIRTUAL_INTERRUPT_UNTRIGGERED);
}

Test(set_interrupt, statuses)
{
	zx_handle_t bti = bti_new(), irq = virq(), ev, ro, ns;

	cr_assert_eq(zx_event_create(0, &ev), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(bti, ZX_DEFAULT_BTI_RIGHTS &
	    ~ZX_RIGHT_WRITE, &ro), ZX_OK);
	cr_assert_eq(zx_handle_duplicate(irq, ZX_DEFAULT_INTERRUPT_RIGHTS &
	    ~ZX_RIGHT_SIGNAL, &ns), ZX_OK);
	cr_assert_eq(zxd_sim_dma_set_interrupt(BOGUS, irq),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zxd_sim_dma_set_interrupt(ev, irq), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zxd_sim_dma_set_interrupt(ro, irq),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zxd_sim_dma_set_interrupt(bti, BOGUS),
	    ZX_ERR_BAD_HANDLE);
	cr_assert_eq(zxd_sim_dma_set_interrupt(bti, ev), ZX_ERR_WRONG_TYPE);
	cr_assert_eq(zxd_sim_dma_set_interrupt(bti, ns),
	    ZX_ERR_ACCESS_DENIED);
	cr_assert_eq(zxd_sim_dma_set_interrupt(bti, irq), ZX_OK);
	cr_assert_eq(zxd_sim_dma_set_interrupt(bti, ZX_HANDLE_INVALID),
	    ZX_OK);
	zx_handle_close(ns);
	zx_handle_close(ro);
	zx_handle_close(ev);
	zx_handle_close(irq);
	zx_handle_close(bti);
}

Test(set_interrupt, completion_raises_it)
{
	zx_handle_t bti = bti_new(), irq = virq(), other = bti_new(), vmo, pmt;
	zx_paddr_t addr;
	zx_time_t ts = 0, before;
	uint8_t b[16] = { 1, 2, 3 };

	vmo = vmo_new(PAGE, 0);
	pmt = pin(bti, ZX_BTI_PERM_READ | ZX_BTI_PERM_WRITE, vmo, 0, PAGE,
	    &addr);
	cr_assert_eq(zxd_sim_dma_set_interrupt(bti, irq), ZX_OK);
	/* A transfer that fails raises nothing. */
	cr_assert_eq(zxd_sim_dma_write(bti, addr + PAGE, b, 1),
	    ZX_ERR_NOT_FOUND);
	cr_assert(!triggered(irq));
	/* Another BTI's transfers are not this device's. */
	cr_assert_eq(zxd_sim_dma_write(other, addr, b, 1), ZX_ERR_NOT_FOUND);
	cr_assert(!triggered(irq));
	before = zx_clock_get_monotonic();
	cr_assert_eq(zxd_sim_dma_write(bti, addr, b, sizeof(b)), ZX_OK);
	cr_assert(triggered(irq));
	cr_assert_eq(zx_interrupt_wait(irq, &ts), ZX_OK);
	cr_assert_geq(ts, before, "the completion time");
	cr_assert_leq(ts, zx_clock_get_monotonic());
	/* Reads complete too. */
	cr_assert_eq(zxd_sim_dma_read(bti, addr, b, sizeof(b)), ZX_OK);
	cr_assert_eq(zx_interrupt_wait(irq, &ts), ZX_OK);
	/* Detached: transfers go on, the interrupt stays quiet. */
	cr_assert_eq(zxd_sim_dma_set_interrupt(bti, ZX_HANDLE_INVALID),
	    ZX_OK);
	cr_assert_eq(zxd_sim_dma_write(bti, addr, b, 1), ZX_OK);
	{
		/* Nothing pending: a wait sleeps until the destroy. */
		pthread_t t;
		zx_status_t st = ZX_OK;

		pthread_create(&t, NULL, waiter, &(struct w){ irq, &st });
		usleep(50000);
		cr_assert_eq(zx_interrupt_destroy(irq), ZX_OK);
		pthread_join(t, NULL);
		cr_assert_eq(st, ZX_ERR_CANCELED);
	}
	zx_pmt_unpin(pmt);
	zx_handle_close(vmo);
	zx_handle_close(irq);
	zx_handle_close(other);
	zx_handle_close(bti);
}
