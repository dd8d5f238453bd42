/* Host shell commands: version/info, uptime, cpus, log, reboot, poweroff. */
#include <drivers/gicv3.h>
#include <kernel/console.h>
#include <kernel/cpu.h>
#include <kernel/init.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <shell/shell.h>
#include <zvm/errno.h>

static int no_args(struct shell *sh, int argc)
{
	if (argc > 1) {
		shell_printf(sh, "%s: takes no arguments\n", sh->cur_name);
		return -EINVAL;
	}
	return 0;
}

static int cmd_version(struct shell *sh, int argc, char **argv)
{
	int err = no_args(sh, argc);

	if (err)
		return err;
	shell_printf(sh, "ZVM %s, running at %s\n", zvm_build_id, arch_mode_name());
	shell_printf(sh, "machine: %s\n", plat.model);
	shell_printf(sh, "cpus:    %u online of %u in DT\n", cpus_online_count(), plat.ncpus);
	shell_printf(sh, "memory:  %llu MiB\n", (unsigned long long)(platform_ram_total() >> 20));
	shell_printf(sh, "gic:     %s\n", gic_describe());
	shell_printf(sh, "timer:   %llu Hz\n", (unsigned long long)arch_counter_freq());
	return 0;
}
SHELL_CMD(version, "version", "build, CPUs, memory and GIC", cmd_version);
SHELL_CMD(info, "info", "same as version", cmd_version);

static int cmd_uptime(struct shell *sh, int argc, char **argv)
{
	u64 ms = k_uptime_ms();
	int err = no_args(sh, argc);

	if (err)
		return err;
	shell_printf(sh, "up %llu.%03llu s\n", (unsigned long long)(ms / 1000),
		     (unsigned long long)(ms % 1000));
	return 0;
}
SHELL_CMD(uptime, "uptime", "time since boot", cmd_uptime);

static int cmd_cpus(struct shell *sh, int argc, char **argv)
{
	int err = no_args(sh, argc);

	if (err)
		return err;
	shell_printf(sh, "CPU  MPIDR       CURRENT          IRQS      TIMER     IPIS      SWITCHES  SLICES\n");
	for (unsigned int c = 0; c < CONFIG_MAX_CPUS; c++) {
		struct cpu *cpu = &cpus[c];

		if (!cpu->online)
			continue;
		shell_printf(sh, "%-4u %#-11llx %-16s %-9llu %-9llu %-9llu %-9llu %llu\n", c,
			     (unsigned long long)cpu->hwid, cpu->current->name,
			     (unsigned long long)cpu->irqs, (unsigned long long)cpu->timer_irqs,
			     (unsigned long long)cpu->ipis, (unsigned long long)cpu->ctx_switches,
			     (unsigned long long)cpu->slice_expiries);
	}
	return 0;
}
SHELL_CMD(cpus, "cpus", "per-CPU state and counters", cmd_cpus);

static void log_out(void *ctx, const char *s, size_t n)
{
	shell_write(ctx, s, n);
}

static int cmd_log(struct shell *sh, int argc, char **argv)
{
	int err = no_args(sh, argc);

	if (err)
		return err;
	printk_dump_log(log_out, sh);
	return 0;
}
SHELL_CMD(log, "log", "recent kernel messages", cmd_log);

static int cmd_poweroff(struct shell *sh, int argc, char **argv)
{
	int err = no_args(sh, argc);

	if (err)
		return err;
	shell_printf(sh, "powering off\n");
	console_out_pump();	/* what is queued goes out before the machine does */
	arch_system_off();
	shell_printf(sh, "poweroff: firmware refused (no PSCI?)\n");
	return -EIO;
}
SHELL_CMD(poweroff, "poweroff", "power the machine off (PSCI SYSTEM_OFF)", cmd_poweroff);

static int cmd_reboot(struct shell *sh, int argc, char **argv)
{
	int err = no_args(sh, argc);

	if (err)
		return err;
	shell_printf(sh, "rebooting\n");
	console_out_pump();	/* what is queued goes out before the machine does */
	arch_system_reset();
	shell_printf(sh, "reboot: firmware refused (no PSCI?)\n");
	return -EIO;
}
SHELL_CMD(reboot, "reboot", "reset the machine (PSCI SYSTEM_RESET)", cmd_reboot);
