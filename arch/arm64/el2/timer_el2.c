/*
 * The host kernel's own timer: the EL2 physical timer (CNTHP_*, PPI 26),
 * leaving the EL1 virtual and physical timers to guests.
 */
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <zvm/compiler.h>

#define CNT_CTL_ENABLE BIT(0)
#define CNT_CTL_IMASK BIT(1)

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
