/* C side of the boot: what runs between head.S and the generic kernel. */
#include <arch/boot.h>
#include <arch/mmu.h>
#include <arch/psci.h>
#include <arch/stacks.h>
#include <arch/sysreg.h>
#include <drivers/uart.h>
#include <kernel/console.h>
#include <kernel/cpu.h>
#include <kernel/init.h>
#include <kernel/platform.h>
#include <kernel/printk.h>

u8 idle_stacks[CONFIG_MAX_CPUS][IDLE_STACK_SLOT] __aligned(PAGE_SIZE) __section(".bss_stacks");
u8 exc_stacks[CONFIG_MAX_CPUS][EXC_STACK_SLOT] __aligned(PAGE_SIZE) __section(".bss_stacks");
struct secondary_boot secondary_boot[CONFIG_MAX_CPUS];

/*
 * The console the device tree names, driven by the driver its compatible
 * asks for. Never a guessed address: on another board that is a data
 * abort before the first message. Without a UART we can drive (nor an
 * earlycon= in bootargs) the boot stays silent and platform_discover()
 * stops it.
 */
void boot_early_console(const void *dtb)
{
	paddr_t base;
	const struct uart_ops *uart = platform_find_console(dtb, &base);

	if (!uart)
		return;
	uart->early_init(base);
	console_set_uart(&uart->console);
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

extern char _start[], _end[];

/*
 * Everything written so far (BSS, the platform data, the pool's seed, the
 * zeroed seeds in the DT) went to memory uncached: the MMU is off. Lines
 * the boot loader left in the caches for those addresses would be stale
 * once they are mapped cacheable, so drop them first (what Linux does for
 * its own early writes; the boot protocol has had the image and DT cleaned
 * to the PoC, so nothing dirty is lost).
 */
void arch_mm_init(void)
{
	arch_dcache_inval_poc(_start, (size_t)(_end - _start));
	arch_dcache_inval_poc(plat.dtb, plat.dtb_size);
	mmu_init(plat.ram, plat.nram);
}

void arch_secondary_prepare(unsigned int cpu)
{
	struct secondary_boot *b = &secondary_boot[cpu];

	b->percpu = (u64)&cpus[cpu];
	b->sp = (u64)idle_stacks[cpu] + IDLE_STACK_SLOT;
	b->stack_limit = (u64)idle_stacks[cpu] + STACK_GUARD_SIZE;
	b->exc_sp = (u64)exc_stacks[cpu] + EXC_STACK_SLOT;
	/* Read by the secondary with its MMU and caches off. */
	arch_dcache_clean_inval_poc(b, sizeof(*b));
	arch_dcache_clean_inval_poc(&cpus[cpu], sizeof(cpus[cpu]));
}

void boot_secondary(unsigned int cpu)
{
	mmu_enable_secondary();
	arch_cpu_init_mode();
	kernel_secondary_main(cpu);
}
