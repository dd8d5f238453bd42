/*
 * Timer interrupt latency: the runner sleeps until an absolute deadline on
 * the kernel's timer (the EL1 virtual timer, CNTV); measured with the
 * generic counter, in ns (one tick is 16 ns on QEMU virt):
 *   timer_isr_latency     deadline -> the timer interrupt handler's start
 *   timer_thread_latency  deadline -> the woken thread runs
 * For the first, rtbench puts a wrapper in front of the kernel's timer
 * handler (same work, plus a counter read on entry); it stays installed.
 */
#include <drivers/arch_timer.h>
#include <kernel/arch_interface.h>
#include <kernel/irq.h>
#include <kernel/timeout.h>

#include "bench.h"

static volatile u64 isr_cnt;
static volatile bool armed;

static void timer_wrapper(unsigned int intid, void *arg)
{
	if (armed) {
		isr_cnt = k_now();
		armed = false;
	}
	timeout_handle_expiry();
}

static void install_wrapper(void)
{
	unsigned int intid = arch_timer_intid();
	unsigned long flags = arch_irq_save();

	/* The timer is level-triggered: an expiry in between stays pending. */
	irq_unregister(intid);
	irq_register(intid, timer_wrapper, NULL);
	arch_irq_restore(flags);
}

static void ns_stat(struct bstat *s, const char *name)
{
	bs_begin(s, name);
	s->unit = "ns";
}

void bench_timer(const struct bench_run *r)
{
	static struct bstat isr, thr;
	u64 base = k_us_to_ticks(100);

	install_wrapper();
	ns_stat(&isr, "timer_isr_latency");
	ns_stat(&thr, "timer_thread_latency");
	for (unsigned int i = 0; i < r->samples; i++) {
		u64 deadline = k_now() + base + i % 7;

		isr_cnt = 0;
		armed = true;
		k_sleep_until(deadline);
		bs_add(&thr, k_ticks_to_ns(k_now() - deadline));
		if (isr_cnt >= deadline)
			bs_add(&isr, k_ticks_to_ns(isr_cnt - deadline));
	}
	armed = false;
	isr.cnt0 = isr.cnt1 = thr.cnt0 = thr.cnt1 = 0;
	bs_print(r, &isr);
	bs_print(r, &thr);
}
