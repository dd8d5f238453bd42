/* Arm generic timer: the kernel's per-CPU timeout interrupt. */
#ifndef DRIVERS_ARCH_TIMER_H
#define DRIVERS_ARCH_TIMER_H

void arch_timer_init_cpu(void);
unsigned int arch_timer_intid(void);

#endif
