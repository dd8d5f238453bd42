/* The hypervisor's vm_dtb_seed() (include/virt/vm_dtb.h): from the pool. */
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <virt/vm_dtb.h>

bool vm_dtb_seed(struct vm_dtb_seed *s)
{
	return !k_random_get(s, sizeof(*s));
}

/* Say once at boot what guests will get, so a missing seed is not a
 * mystery found later in a guest's dmesg ("KASLR disabled"). */
static int vm_seed_report(void)
{
	if (k_random_seeded())
		pr_info("random: seeded by the boot loader; VMs get rng-seed and kaslr-seed");
	else
		pr_info("random: no seed from the boot loader (/chosen/rng-seed); "
			"VMs boot without rng-seed and kaslr-seed");
	return 0;
}
INITCALL(vm_seed_report);
