/* Tiny runtime for the bare-metal test guests. */
#ifndef TEST_GUEST_H
#define TEST_GUEST_H

#include <stdint.h>

#define UART_BASE 0x09000000UL

void putc_(char c);
void puts_(const char *s);
void puthex(uint64_t v);		/* 0x and 16 digits */
void puthex_n(uint64_t v, int digits);	/* the low digits, no prefix */
void putdec(uint64_t v);
void pass(const char *what);
void fail(const char *what, uint64_t got);
long psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
void psci_system_off(void);
void guest_main(uint64_t dtb);
uint64_t guest_exception(uint64_t esr, uint64_t far, uint64_t elr, uint64_t kind);
/* Optional hooks of a test guest (weak defaults in lib.c). */
void guest_irq(void);
void guest_secondary(uint64_t cpu);
void _secondary(void);

/* Set by guest_exception() for tests that expect a fault. */
extern volatile uint64_t last_esr, last_far;
extern volatile int faults;
/* The same per vCPU (MPIDR Aff0 < GUEST_MAX_CPUS), for guests whose
 * vCPUs fault at the same time. */
#define GUEST_MAX_CPUS 4
extern volatile uint64_t cpu_last_esr[GUEST_MAX_CPUS];
extern volatile int cpu_faults[GUEST_MAX_CPUS];
unsigned int cpu_index(void);

#define sysreg_read(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %x0" : : "rZ"((uint64_t)(v)) : "memory")
#define isb() __asm__ volatile("isb" : : : "memory")

static inline uint32_t mmio_r32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_w32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

#endif
