/* Arch part of vCPU switching (arch/arm64/el2/virt/vcpu_hw.c). */
#ifndef VIRT_VCPU_HW_H
#define VIRT_VCPU_HW_H

#include <zvm/types.h>

struct vcpu;

u64 vcpu_hw_default_hcr(void);
void vcpu_hw_load(struct vcpu *v);	/* EL1 sysregs, stage 2, HCR: before entry */
void vcpu_hw_save(struct vcpu *v);	/* after exit; restores the host HCR */
void vcpu_hw_reset_sysregs(struct vcpu *v);
/* Lazy FP/SIMD switch: the guest's first FP use on this pCPU since another
 * vCPU's (IRQs masked), and forgetting a vCPU whose thread ends. */
void vcpu_hw_fp_trap(struct vcpu *v);
void vcpu_hw_fp_release(struct vcpu *v);
/* Of the guest whose EL1 context is loaded (between load and save):
 * CNTV_CTL_EL0, and its timer's deadline on the host counter (CNTV_CVAL_EL0
 * + CNTVOFF_EL2, which holds its VM's offset then: one register read
 * instead of two dependent loads on the timer fast path). */
u64 vcpu_hw_live_cntv_ctl(void);
u64 vcpu_hw_live_cntv_deadline(void);

#endif
