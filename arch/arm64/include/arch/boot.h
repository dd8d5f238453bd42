/* Arm64-internal boot entry points (called from head.S and boot.c). */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

void boot_primary(const void *dtb);
void boot_secondary(unsigned int cpu);
void boot_wrong_el(const void *dtb);
/* EL-specific per-CPU register setup (HCR/CNTHCTL/PMU at EL2). */
void arch_cpu_init_mode(void);

#endif
