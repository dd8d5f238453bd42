/* Interrupt handler registry; the interrupt controller driver feeds it. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <zvm/types.h>

typedef void (*irq_handler_t)(unsigned int intid, void *arg);

/* SGIs the kernel uses between CPUs. */
#define IPI_RESCHED 0
#define IPI_CALL 1
#define IPI_STOP 2
/* A vCPU's vGIC changed (vcpu_kick()): the guest running here must see it.
 * Nothing for the host to do; the IRQ vector may take it without an exit
 * (vcpu_irq_fast()). Separate from IPI_RESCHED, which the scheduler needs. */
#define IPI_KICK 4

int irq_register(unsigned int intid, irq_handler_t fn, void *arg);
void irq_unregister(unsigned int intid);
/* A forwarded interrupt is only priority-dropped after its handler, not
 * deactivated: a guest deactivates it through a hardware-linked LR. */
void irq_set_forwarded(unsigned int intid, bool forwarded);
/* Acknowledge and dispatch everything pending (interrupt context). */
void irq_handle(void);
/* irq_handle(), then switch threads if a handler asked for it: the whole
 * of an interrupt, from its vector or from a thread with IRQs masked that
 * knows one is pending (a guest exit) and takes it without a second
 * exception entry. */
void irq_handle_and_switch(void);
/* Route intid's handler, or count it as spurious. Used by the controller. */
void irq_dispatch(unsigned int intid);
u64 irq_count(unsigned int intid);

void ipi_init_cpu(void);
void ipi_send(unsigned int cpu, unsigned int ipi);
void ipi_broadcast_others(unsigned int ipi);

/* Panic support: stop everything else, then print. */
void panic_begin(void);
__attribute__((noreturn)) void panic_end(void);

#endif
