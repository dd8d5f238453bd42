/* PSCI calls through the conduit the device tree names (SMC or HVC). */
#include <arch/psci.h>
#include <arch/stacks.h>
#include <kernel/arch_interface.h>
#include <zvm/errno.h>

static enum psci_conduit conduit = PSCI_CONDUIT_NONE;

void psci_set_conduit(enum psci_conduit c)
{
	conduit = c;
}

enum psci_conduit psci_conduit(void)
{
	return conduit;
}

s64 psci_call(u32 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	if (conduit == PSCI_CONDUIT_SMC)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	else if (conduit == PSCI_CONDUIT_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	else
		return PSCI_NOT_SUPPORTED;
	return (s64)x0;
}

const char *psci_strerror(s64 err)
{
	static const char *const names[] = {
		"success", "not supported", "invalid parameters", "denied", "already on",
		"on pending", "internal failure", "not present", "disabled", "invalid address",
	};

	if (err <= 0 && err >= -9)
		return names[-err];
	return "unknown PSCI error";
}

extern char secondary_entry[];

int arch_cpu_start(unsigned int cpu, u64 hwid)
{
	s64 r = psci_call(PSCI_CPU_ON_64, hwid, (u64)secondary_entry, cpu);

	if (r == PSCI_SUCCESS)
		return 0;
	return r == PSCI_ALREADY_ON ? -EBUSY : -EIO;
}

void arch_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void arch_system_reset(void)
{
	psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
}
