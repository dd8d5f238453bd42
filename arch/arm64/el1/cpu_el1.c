/* Port-contract pieces specific to running the kernel at EL1 (RTOS guest). */
#include <arch/boot.h>
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <kernel/cpu.h>

void arch_set_percpu(void *p)
{
	write_sysreg(tpidr_el1, p);
}

void *arch_get_percpu(void)
{
	return (void *)read_sysreg(tpidr_el1);
}

unsigned int arch_cpu_id(void)
{
	return this_cpu()->id;
}

const char *arch_mode_name(void)
{
	return "EL1";
}

/* No lazily switched state at EL1 (kernel/arch_interface.h). */
void arch_thread_switch_out(struct thread *from)
{
	(void)from;
}

const char *arch_kernel_name(void)
{
	return "ZVM RTOS guest";
}

/* ICC_SRE_EL1.SRE: use the system-register interface. Reads as 0 if EL2
 * (ICC_SRE_EL2.Enable) or the GIC does not allow it. */
#define ICC_SRE_SRE BIT(0)

bool arch_gic_sysregs_enable(void)
{
	write_sysreg(icc_sre_el1, read_sysreg(icc_sre_el1) | ICC_SRE_SRE);
	isb();
	return read_sysreg(icc_sre_el1) & ICC_SRE_SRE;
}

/* Only the event stream (CNTKCTL_EL1, EL0 access bits kept): translation,
 * timer and GIC registers have their own code, and the PMU is left alone —
 * under a hypervisor that does not virtualize it, PMCR_EL0/PMCCFILTR_EL0
 * would be the host's. */
#define CNTKCTL_EVNT_MASK 0xfcULL	/* EVNTI, EVNTDIR, EVNTEN */

void arch_cpu_init_mode(void)
{
	u64 v = read_sysreg(cntkctl_el1) & ~CNTKCTL_EVNT_MASK;

	write_sysreg(cntkctl_el1, v | arch_event_stream_bits());
	isb();
}
