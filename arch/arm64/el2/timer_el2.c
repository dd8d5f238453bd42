/*
 * The host kernel's own timer: the EL2 physical timer (CNTHP_*, PPI 26),
 * leaving the EL1 virtual and physical timers to guests.
 */
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <zvm/compiler.h>

#define CNT_CTL_ENABLE BIT(0)
#define CNT_CTL_IMASK BIT(1)

/* CNTHP_CVAL_EL2 compares against the physical count. */
u64 arch_counter_read(void)
{
	isb();	/* keep the read in program order (ARM ARM D11.2.2) */
	return read_sysreg(cntpct_el0);
}

void arch_timer_set_deadline(u64 deadline)
{
	write_sysreg(cnthp_cval_el2, deadline);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

void arch_timer_stop(void)
{
	write_sysreg(cnthp_ctl_el2, CNT_CTL_IMASK);
	isb();
}

/* Index of the hypervisor timer in the DT "arm,armv8-timer" interrupts list
 * (secure phys, non-secure phys, virtual, hypervisor). */
unsigned int arch_timer_ppi_dt_index(void)
{
	return 3;
}
