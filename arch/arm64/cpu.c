/* CPU-level primitives of the port contract that are the same at EL1 and EL2. */
#include <arch/boot.h>
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

/* CNTHCTL_EL2 / CNTKCTL_EL1 event stream fields (ARM ARM D11.2.3, "Event
 * streams"): an event each time counter bit EVNTI goes 0 -> 1. */
#define CNTCTL_EVNTEN BIT(2)
#define CNTCTL_EVNTI_SHIFT 4
#define EVENT_STREAM_HZ 10000

/* The bit that toggles every >= 100 us, so that a WFE waiting for a CPU
 * that never answers still wakes to notice its timeout: the period is
 * 2^(EVNTI+1) counter ticks. */
u64 arch_event_stream_bits(void)
{
	u64 ticks = arch_counter_freq() / EVENT_STREAM_HZ;
	unsigned int bit = 0;

	while (bit < 15 && (2ULL << bit) < ticks)
		bit++;
	return CNTCTL_EVNTEN | ((u64)bit << CNTCTL_EVNTI_SHIFT);
}

void arch_wait_event(void)
{
	wfe();
}

/* SEV is not ordered with memory accesses: the DSB makes the waiter's
 * condition visible before it wakes (ARM ARM D1.6.1, "The Event Register"). */
void arch_send_event(void)
{
	dsb(ishst);
	sev();
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
