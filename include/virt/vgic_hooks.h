/* Where the vCPU core calls into the vGIC (virt/vgic/). Until the vGIC is
 * linked these are answered by virt/vgic_none.c. */
#ifndef VIRT_VGIC_HOOKS_H
#define VIRT_VGIC_HOOKS_H

#include <zvm/types.h>

struct vcpu;

/* Guest wrote ICC_SGI1R_EL1; false if SGIs are not supported. */
bool vgic_hook_sgi(struct vcpu *v, u64 sgi1r);
/* A batch of vcpu_kick()s has ended: wake a waiter in virq_close(). */
void vgic_hook_kicks_done(void);

#endif
