/* The generic timer PPI that drives kernel timeouts. Which timer (EL2
 * physical at EL2, virtual at EL1) is the port's choice. */
#include <drivers/arch_timer.h>
#include <drivers/gicv3.h>
#include <kernel/arch_interface.h>
#include <kernel/irq.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/timeout.h>

unsigned int arch_timer_intid(void)
{
	return plat.timer_irq[arch_timer_ppi_dt_index()];
}

static void timer_irq(unsigned int intid, void *arg)
{
	timeout_timer_irq();	/* the expiry: sched_irq_exit() */
}

void arch_timer_init_cpu(void)
{
	unsigned int intid = arch_timer_intid();

	arch_timer_stop();
	if (irq_register(intid, timer_irq, NULL))
		panic("timer: cannot register INTID %u", intid);
	gic_enable_irq(intid);
}
