/* Boot pieces of the EL2 (hypervisor) build: refusing any other entry EL. */
#include <arch/boot.h>
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <kernel/printk.h>

void boot_wrong_el(const void *dtb)
{
	unsigned int el = (read_sysreg(CurrentEL) >> 2) & 3;
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);

	boot_early_console(dtb);
	kprintf("\nZVM: entered at EL%u, but the hypervisor must be entered at EL2.\n", el);
	if (((pfr0 >> ID_PFR0_EL2_SHIFT) & 0xf) == 0)
		kprintf("ZVM: this CPU does not report EL2 (virtualization extensions);\n"
			"ZVM: on QEMU, EL2 exists only with -M virt,virtualization=on.\n");
	else
		kprintf("ZVM: the boot loader dropped to EL1; on QEMU use -M virt,virtualization=on.\n");
	kprintf("ZVM: halting.\n");
	arch_cpu_park();
}
