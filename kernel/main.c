/* Kernel bring-up: the generic boot sequence after the arch entry code. */
#include <arch/psci.h>
#include <drivers/arch_timer.h>
#include <drivers/gicv3.h>
#include <kernel/console.h>
#include <kernel/init.h>
#include <kernel/irq.h>
#include <kernel/mm.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <lib/fmt.h>

extern char _start[], _end[];
extern const initcall_t __initcalls_start[], __initcalls_end[];
static struct thread idle_threads[CONFIG_MAX_CPUS];


void kernel_early_init(const void *dtb)
{
	time_init();
	kprintf("\n%s %s booting (%s)\n", arch_kernel_name(), zvm_build_id, arch_mode_name());
	if (platform_discover(dtb))
		panic("cannot continue without a valid device tree");
	psci_set_conduit(plat.psci);
	plat.uart->map();
}

static void init_idle_thread(unsigned int cpu)
{
	struct thread *t = &idle_threads[cpu];
	char name[16];

	fmt_snprintf(name, sizeof(name), "idle/%u", cpu);
	t->flags = THREAD_F_IDLE | THREAD_F_STATIC_STACK;
	t->cpu = cpu;
	t->arch.stack_limit = cpus[cpu].arch.stack_limit;
	thread_init_common(t, name, PRIO_IDLE, BIT_ULL(cpu));
	sched_init_cpu(cpu, t);
}

static void cpu_local_init(unsigned int cpu)
{
	cpus[cpu].hwid = arch_cpu_hwid();
	if (gic_init_cpu())
		panic("CPU %u: interrupt controller setup failed", cpu);
	init_idle_thread(cpu);
	ipi_init_cpu();
	arch_timer_init_cpu();
}

static void init_memory(void)
{
	struct mem_range rsv[PLAT_MAX_RSV + 1];
	struct pa_stats st;
	unsigned int n = 0;
	int err;

	for (unsigned int i = 0; i < plat.nrsv; i++)
		rsv[n++] = plat.rsv[i];
	rsv[n++] = (struct mem_range){ (paddr_t)_start, (u64)(_end - _start) };
	err = mm_init(plat.ram, plat.nram, rsv, n);
	if (err)
		panic("memory init failed: %d", err);
	pages_stats(&st);
	pr_info("mem: %llu MiB RAM in %u bank(s), %llu MiB free",
		(unsigned long long)(platform_ram_total() >> 20), plat.nram,
		(unsigned long long)((st.free_pages * PAGE_SIZE) >> 20));
	/* Where we run: a relocatable build (the RTOS guest) need not be where it was linked. */
	pr_info("mem: image at 0x%llx-0x%llx, linked at 0x%llx", (unsigned long long)(paddr_t)_start,
		(unsigned long long)(paddr_t)_end, (unsigned long long)CONFIG_LOAD_ADDR);
}

static void run_initcalls(void)
{
	for (const initcall_t *ic = __initcalls_start; ic < __initcalls_end; ic++) {
		int err = (*ic)();

		if (err)
			pr_err("init: initcall %p failed: %d", (void *)*ic, err);
	}
}

void kernel_main(void)
{
	init_memory();
	pr_info("machine: %s, %u CPU(s) in DT", plat.model, plat.ncpus);
	if (gic_init(&plat.gic))
		panic("GICv3 initialisation failed");
	pr_info("gic: %s", gic_describe());
	cpu_local_init(0);
	cpus[0].online = true;
	console_init_input();
	if (plat.uart->init_irq(plat.uart_irq))
		pr_err("uart: no RX interrupt, console input unavailable");
	arch_irq_enable();
	smp_boot_secondaries();
	pr_info("smp: %u CPUs online", cpus_online_count());
	run_initcalls();
	sched_idle_loop();
}

void kernel_secondary_main(unsigned int cpu)
{
	cpu_local_init(cpu);
	__atomic_store_n(&cpus[cpu].online, true, __ATOMIC_RELEASE);
	arch_send_event();	/* wakes the boot CPU in wait_online() */
	arch_irq_enable();
	sched_idle_loop();
}
