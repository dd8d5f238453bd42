/* Boot pieces of the EL1 (RTOS guest) build: refusing an unusable entry EL. */
#include <arch/boot.h>
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <kernel/printk.h>

/* head_el1.S has already left EL2, so only EL3 (a loader that stayed in the
 * secure monitor's level) ends up here. */
void boot_wrong_el(const void *dtb)
{
	unsigned int el = (read_sysreg(CurrentEL) >> 2) & 3;

	boot_early_console(dtb);
	kprintf("\nZVM RTOS guest: entered at EL%u, but it must be entered at EL1 or EL2.\n", el);
	kprintf("ZVM RTOS guest: on QEMU, do not use -M virt,secure=on without firmware.\n");
	kprintf("ZVM RTOS guest: halting.\n");
	arch_cpu_park();
}
