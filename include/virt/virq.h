/*
 * A VM's interrupt controller as the rest of virt/ uses it: the vGICv3
 * model (virt/vgic/) wired to the VM's MMIO bus, its vCPUs and the
 * hardware CPU interface (virt/virq.c).
 */
#ifndef VIRT_VIRQ_H
#define VIRT_VIRQ_H

#include <zvm/types.h>

struct vm;
struct vcpu;
struct vgic_dist;

/* After the vCPUs exist: model, MMIO frames, the virtual timer's HW link. */
int virq_init(struct vm *vm);
void virq_destroy(struct vm *vm);
/* Architectural reset for a VM restart (hardware links are kept, physical
 * passthrough SPIs deactivated). */
void virq_reset(struct vm *vm);
/* Teardown gate (vgic_close()): before a restart or deletion stops the
 * vCPUs, no interrupt source may kick them any more; returns once no kick
 * is in flight. virq_open() once the vCPUs have threads again. */
void virq_close(struct vm *vm);
void virq_open(struct vm *vm);
/* A device line (SPI) of the VM; -EINVAL for an INTID it lacks. */
int virq_set_level(struct vm *vm, u32 intid, bool level);
/* A private interrupt of one vCPU (PPI), e.g. its timer. */
int virq_set_private(struct vcpu *v, u32 intid, bool level);

/* World switch, IRQs masked: fill and load the LRs before entry; save and
 * fold them back after exit. */
void virq_enter(struct vcpu *v);
void virq_exit(struct vcpu *v);
/* From the exception vector, v's guest context live: deliver v's
 * ICC_SGI1R_EL1 write sgi1r; false = take the full exit (nothing done). */
bool virq_sgi_fast(struct vcpu *v, u64 sgi1r);
/* From the IRQ vector, v's guest context live, IPI_KICK pending here:
 * clear it and bring v's LRs up to date with the model. */
void virq_kick_fast(struct vcpu *v);
/* WFI: would the guest take an interrupt now? */
bool virq_pending(struct vcpu *v);
struct vgic_dist *virq_dist(struct vm *vm);

#endif
