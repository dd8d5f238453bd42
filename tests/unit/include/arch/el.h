/* Host unit tests: the port's choices that shared kernel code reads
 * (arch/arm64/el2/include/arch/el.h in the hypervisor). */
#ifndef ARCH_EL_H
#define ARCH_EL_H

#define CONSOLE_DRAIN_CPUS 0x1ULL

#endif
