/* CPU-level primitives of the port contract that are the same at EL1 and EL2. */
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <kernel/thread.h>

extern void arch_thread_start(void);

unsigned long arch_irq_save(void)
{
	unsigned long flags = read_sysreg(daif);

	__asm__ volatile("msr daifset, #2" ::: "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	__asm__ volatile("msr daif, %0" : : "r"(flags) : "memory");
}

void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

void arch_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

bool arch_irqs_disabled(void)
{
	return read_sysreg(daif) & DAIF_I;
}

void arch_cpu_idle(void)
{
	dsb(sy);
	wfi();
}

void arch_cpu_park(void)
{
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	for (;;)
		wfe();
}

u64 arch_cpu_hwid(void)
{
	return read_sysreg(mpidr_el1) & 0xff00ffffffULL;
}

u64 arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

void arch_thread_init(struct thread *t, void *stack_top)
{
	t->arch.sp = (u64)stack_top;
	t->arch.lr = (u64)arch_thread_start;
	t->arch.fp = 0;
	t->arch.stack_limit = (u64)stack_top - t->stack_size;
}
