/*
 * Interrupt items, with a software-generated interrupt (SGI 3, unused by
 * the kernel) sent by the running thread to its own CPU:
 *   isr_entry          send -> first line of the handler
 *   isr_resume_thread  end of the handler -> the interrupted thread
 *   isr_switch_thread  end of the handler -> a higher-priority thread it
 *                      woke (semaphore), i.e. interrupt exit with a switch
 * Under ZVM sending an SGI (ICC_SGI1R_EL1) traps to the hypervisor.
 */
#include <arch/sysreg.h>
#include <drivers/gicv3.h>
#include <kernel/arch_interface.h>
#include <kernel/irq.h>
#include <kernel/selftest.h>
#include <kernel/sync.h>

#include "bench.h"

#define BENCH_SGI 3

static volatile u64 t_send, t_isr, t_end;
static struct semaphore isr_sem;
static volatile bool give_in_isr;

static void sgi_handler(unsigned int intid, void *arg)
{
	t_isr = bench_cycles();
	if (give_in_isr)
		sem_give(&isr_sem);
	t_end = bench_cycles();
}

static void fire(void)
{
	t_send = bench_cycles();
	ipi_send(arch_cpu_id(), BENCH_SGI);
	isb();
}

static void bench_resume(const struct bench_run *r)
{
	static struct bstat entry, resume;

	give_in_isr = false;
	bs_begin(&entry, "isr_entry");
	bs_begin(&resume, "isr_resume_thread");
	for (unsigned int i = 0; i < r->iters; i++) {
		u64 back;

		t_isr = 0;
		fire();
		while (!t_isr)
			;
		back = bench_cycles();
		bs_add(&entry, t_isr - t_send);
		bs_add(&resume, back - t_end);
	}
	bs_end(&entry);
	bs_same_window(&resume, &entry);
	bs_print(r, &entry);
	bs_print(r, &resume);
}

static struct bstat sw;

static void isr_waiter(void *arg)
{
	const struct bench_run *r = arg;

	for (unsigned int i = 0; i < r->iters; i++) {
		sem_take(&isr_sem, K_FOREVER);
		bs_add(&sw, bench_cycles() - t_end);
	}
}

static void bench_switch(const struct bench_run *r)
{
	struct thread *t;

	sem_init(&isr_sem, 0, 1);
	give_in_isr = true;
	t = bench_spawn(r, "rtb-isrw", isr_waiter, (void *)r, BENCH_PRIO_HI);
	bs_begin(&sw, "isr_switch_thread");
	for (unsigned int i = 0; i < r->iters; i++) {
		t_isr = 0;
		fire();
		while (!t_isr)
			;
	}
	bs_end(&sw);
	give_in_isr = false;
	st_join(t);
	bs_print(r, &sw);
}

void bench_isr(const struct bench_run *r)
{
	if (irq_register(BENCH_SGI, sgi_handler, NULL))
		return;
	gic_enable_irq(BENCH_SGI);
	bench_resume(r);
	bench_switch(r);
}
