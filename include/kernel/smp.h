#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

/* Start every CPU the device tree lists besides the boot CPU. */
void smp_boot_secondaries(void);

#endif
