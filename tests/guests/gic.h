/* Minimal GICv3 driver for the test guests (QEMU virt layout). */
#ifndef TEST_GUEST_GIC_H
#define TEST_GUEST_GIC_H

#include "guest.h"

#define GICD 0x08000000UL
#define GICR(n) (0x080A0000UL + (n) * 0x20000UL)
#define GICR_SGI(n) (GICR(n) + 0x10000UL)

void gic_init_dist(void);
void gic_init_cpu(unsigned int cpu);
void gic_enable(unsigned int cpu, unsigned int intid, uint8_t prio);
unsigned int gic_ack(void);
void gic_eoi(unsigned int intid);
void gic_sgi(unsigned int intid, uint16_t targets);
static inline void irq_on(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_off(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }

#endif
