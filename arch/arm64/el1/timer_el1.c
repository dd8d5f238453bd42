/*
 * The RTOS guest's own timer: the EL1 virtual timer (CNTV_*_EL0, PPI 27),
 * the one a hypervisor gives a guest (ARM ARM D11.2.4). Its comparator
 * counts virtual time (CNTVCT_EL0 = CNTPCT_EL0 - CNTVOFF_EL2), so the
 * kernel's clock is the virtual count too.
 */
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <zvm/compiler.h>

#define CNT_CTL_ENABLE BIT(0)
#define CNT_CTL_IMASK BIT(1)

u64 arch_counter_read(void)
{
	isb();	/* keep the read in program order (ARM ARM D11.2.2) */
	return read_sysreg(cntvct_el0);
}

void arch_timer_set_deadline(u64 deadline)
{
	write_sysreg(cntv_cval_el0, deadline);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
}

void arch_timer_stop(void)
{
	write_sysreg(cntv_ctl_el0, CNT_CTL_IMASK);
	isb();
}

/* Index of the virtual timer in the DT "arm,armv8-timer" interrupts list
 * (secure phys, non-secure phys, virtual, hypervisor). */
unsigned int arch_timer_ppi_dt_index(void)
{
	return 2;
}
