/* C side of the boot: what runs between head.S and the generic kernel. */
#include <arch/boot.h>
#include <arch/mmu.h>
#include <arch/psci.h>
#include <arch/stacks.h>
#include <arch/sysreg.h>
#include <drivers/pl011.h>
#include <kernel/console.h>
#include <kernel/cpu.h>
#include <kernel/init.h>
#include <kernel/platform.h>
#include <kernel/printk.h>

u8 idle_stacks[CONFIG_MAX_CPUS][IDLE_STACK_SLOT] __aligned(PAGE_SIZE) __section(".bss_stacks");
u8 exc_stacks[CONFIG_MAX_CPUS][EXC_STACK_SLOT] __aligned(PAGE_SIZE) __section(".bss_stacks");
struct secondary_boot secondary_boot[CONFIG_MAX_CPUS];

#ifndef CONFIG_EARLY_UART
#define CONFIG_EARLY_UART 0x09000000	/* QEMU virt; only for fatal early errors */
#endif

void boot_early_console(const void *dtb)
{
	paddr_t base = platform_find_console(dtb);

	pl011_early_init(base ? base : CONFIG_EARLY_UART);
	console_set_output(pl011_putc);
}

void boot_primary(const void *dtb)
{
	cpus[0].id = 0;
	arch_cpu_init_mode();
	boot_early_console(dtb);
	kernel_early_init(dtb);
	arch_mm_init();
	kernel_main();
}

void arch_mm_init(void)
{
	mmu_init(plat.ram, plat.nram);
}

/* Data the secondary reads with its MMU and caches off: push it to memory. */
static void clean_to_poc(const void *p, size_t size)
{
	for (u64 a = ALIGN_DOWN((u64)p, 64); a < (u64)p + size; a += 64)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

void arch_secondary_prepare(unsigned int cpu)
{
	struct secondary_boot *b = &secondary_boot[cpu];

	b->percpu = (u64)&cpus[cpu];
	b->sp = (u64)idle_stacks[cpu] + IDLE_STACK_SLOT;
	b->stack_limit = (u64)idle_stacks[cpu] + STACK_GUARD_SIZE;
	b->exc_sp = (u64)exc_stacks[cpu] + EXC_STACK_SLOT;
	clean_to_poc(b, sizeof(*b));
	clean_to_poc(&cpus[cpu], sizeof(cpus[cpu]));
}

void boot_secondary(unsigned int cpu)
{
	mmu_enable_secondary();
	arch_cpu_init_mode();
	kernel_secondary_main(cpu);
}
