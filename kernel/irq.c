/* Interrupt handler table, dispatch, IPIs and the panic stop protocol. */
#include <arch/sysreg.h>
#include <drivers/gicv3.h>
#include <kernel/cpu.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <zvm/errno.h>

struct irq_desc {
	irq_handler_t fn;
	void *arg;
	u64 count;
	bool forwarded;		/* to a guest: it deactivates (HW-linked LR) */
};

static struct irq_desc irq_table[CONFIG_MAX_IRQS];
static u64 spurious;

int irq_register(unsigned int intid, irq_handler_t fn, void *arg)
{
	if (intid >= CONFIG_MAX_IRQS || !fn)
		return -EINVAL;
	if (irq_table[intid].fn && irq_table[intid].fn != fn)
		return -EBUSY;
	irq_table[intid].arg = arg;
	WRITE_ONCE(irq_table[intid].fn, fn);
	return 0;
}

void irq_unregister(unsigned int intid)
{
	if (intid < CONFIG_MAX_IRQS)
		WRITE_ONCE(irq_table[intid].fn, NULL);
}

void irq_set_forwarded(unsigned int intid, bool forwarded)
{
	if (intid < CONFIG_MAX_IRQS)
		WRITE_ONCE(irq_table[intid].forwarded, forwarded);
}

u64 irq_count(unsigned int intid)
{
	return intid < CONFIG_MAX_IRQS ? irq_table[intid].count : 0;
}

void irq_dispatch(unsigned int intid)
{
	struct irq_desc *d = &irq_table[intid];
	irq_handler_t fn = READ_ONCE(d->fn);

	if (!fn) {
		spurious++;
		pr_ratelimited(LOG_WARN, "irq: no handler for INTID %u", intid);
		return;
	}
	d->count++;
	fn(intid, d->arg);
}

void irq_handle(void)
{
	for (;;) {
		unsigned int intid = gic_ack();

		if (intid >= 1020)
			break;
		this_cpu()->irqs++;
		if (intid < CONFIG_MAX_IRQS)
			irq_dispatch(intid);
		/* EOImode = 1: a forwarded interrupt stays active until the
		 * guest deactivates it through its list register. */
		if (intid < CONFIG_MAX_IRQS && READ_ONCE(irq_table[intid].forwarded))
			gic_priority_drop(intid);
		else
			gic_eoi(intid);
	}
}

void irq_handle_and_switch(void)
{
	irq_handle();
	sched_irq_exit();
}

void ipi_send(unsigned int cpu, unsigned int ipi)
{
	gic_send_sgi(ipi, cpus[cpu].hwid);
}

void ipi_broadcast_others(unsigned int ipi)
{
	for (unsigned int c = 0; c < CONFIG_MAX_CPUS; c++)
		if (cpus[c].online && c != arch_cpu_id())
			ipi_send(c, ipi);
}

static void ipi_resched(unsigned int intid, void *arg)
{
	this_cpu()->ipis++;
	this_cpu()->need_resched = true;
}

/* Taken by the full exit (the vector's fast path declined, or the host
 * ran): the exit itself was the point, the next entry flushes the vGIC. */
static void ipi_kick(unsigned int intid, void *arg)
{
	this_cpu()->ipis++;
}

static void ipi_stop(unsigned int intid, void *arg)
{
	gic_eoi(intid);
	arch_cpu_park();
}

void ipi_init_cpu(void)
{
	irq_register(IPI_RESCHED, ipi_resched, NULL);
	irq_register(IPI_STOP, ipi_stop, NULL);
	irq_register(IPI_KICK, ipi_kick, NULL);
	gic_enable_irq(IPI_RESCHED);
	gic_enable_irq(IPI_KICK);
	gic_enable_irq(IPI_STOP);
}

static int panicking;

void panic_begin(void)
{
	arch_irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL))
		arch_cpu_park();	/* another CPU is already panicking */
	ipi_broadcast_others(IPI_STOP);
	printk_panic_mode();
}

void panic_end(void)
{
	pr_emerg("---[ end of kernel panic: system halted ]---");
	arch_cpu_park();
}
