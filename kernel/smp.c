/* Secondary CPU bring-up through the arch port (PSCI CPU_ON on arm64). */
#include <kernel/arch_interface.h>
#include <kernel/cpu.h>
#include <kernel/init.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/smp.h>

#define CPU_ON_TIMEOUT_US 1000000

/*
 * Sleeps between checks rather than spinning: the new CPU signals an event
 * once online (kernel_secondary_main), and the periodic event stream bounds
 * each sleep so the timeout still fires. A busy loop here starved the new
 * CPU under an emulator that runs CPUs round robin (QEMU -icount): it only
 * got to run when the loop's second was up, and missed the deadline.
 */
static bool wait_online(unsigned int cpu)
{
	u64 end = k_now() + k_us_to_ticks(CPU_ON_TIMEOUT_US);

	while (!__atomic_load_n(&cpus[cpu].online, __ATOMIC_ACQUIRE)) {
		if (k_now() >= end)
			return false;
		arch_wait_event();
	}
	return true;
}

static void start_cpu(unsigned int cpu, u64 hwid)
{
	int err;

	cpus[cpu].id = cpu;
	cpus[cpu].hwid = hwid;
	arch_secondary_prepare(cpu);
	err = arch_cpu_start(cpu, hwid);
	if (err) {
		pr_err("smp: CPU %u (MPIDR %#llx) failed to start: %d", cpu,
		       (unsigned long long)hwid, err);
		return;
	}
	if (!wait_online(cpu))
		pr_err("smp: CPU %u (MPIDR %#llx) did not come online", cpu,
		       (unsigned long long)hwid);
}

void smp_boot_secondaries(void)
{
	unsigned int next = 1;
	u64 boot_hwid = cpus[0].hwid;

	cpus_possible = plat.ncpus;
	if (plat.ncpus_ignored)
		pr_warn("smp: %u CPU(s) beyond CONFIG_MAX_CPUS=%u ignored", plat.ncpus_ignored,
			CONFIG_MAX_CPUS);
	if (plat.psci == PSCI_CONDUIT_NONE)
		return;
	for (unsigned int i = 0; i < plat.ncpus; i++)
		if (plat.cpu_hwid[i] != boot_hwid)
			start_cpu(next++, plat.cpu_hwid[i]);
}
