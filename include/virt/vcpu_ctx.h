/*
 * Lazy EL1 context (virt/vcpu_ctx.c): which vCPU's EL1 state a pCPU holds.
 *
 * A vCPU's EL1 system registers, EL1 timers, PMU, MDCR_EL2, stage-2 root
 * and CPTR_EL2 are loaded at its first entry after its thread was switched
 * in and stay loaded across exits handled on its own thread: host code at
 * EL2 does not use them. They are saved (vcpu_ctx_put()) when the thread
 * leaves the pCPU - preempted, blocked, suspended or ended: the scheduler's
 * arch_thread_switch_out() hook - or when someone needs the saved copy.
 *
 * The rule: the saved copy (vcpu_arch.el1_saved_) is read and written only
 * through vcpu_el1(), which unloads the vCPU first when this pCPU holds it.
 */
#ifndef VIRT_VCPU_CTX_H
#define VIRT_VCPU_CTX_H

#include <zvm/types.h>

struct vcpu;
struct vcpu_sysregs;

/* What a stale saved copy holds while the hardware has the truth (host
 * tests only: virt/vcpu_ctx.c). */
#define VCPU_EL1_POISON 0x5a5a5a5a5a5a5a5aULL

/* v's saved EL1 registers, up to date: if this pCPU holds them, they are
 * saved first (the next entry loads them again, with any change). Called
 * on v's own thread or while v's thread is off every pCPU (stopped, blocked
 * in CPU_OFF, never started); a vCPU live on another pCPU is a host bug,
 * logged, and gets the stale copy. */
struct vcpu_sysregs *vcpu_el1(struct vcpu *v);

/* Before each entry (IRQs masked): load v's context unless this pCPU
 * already holds it. True when it was loaded now. */
bool vcpu_ctx_enter(struct vcpu *v);

/* Save v's context if this pCPU holds it; the host's view is back. */
void vcpu_ctx_put(struct vcpu *v);

/* The thread running on this pCPU is switched out (IRQs masked, scheduler
 * lock held): save whatever vCPU context it holds. */
void vcpu_ctx_switch_out(void);

/* A new vCPU (or a reset one): nothing of it is live. */
void vcpu_ctx_init(struct vcpu *v);

/* The arch side (vcpu_hw.c): everything switched with the vCPU. */
void vcpu_hw_el1_load(struct vcpu *v);
void vcpu_hw_el1_save(struct vcpu *v);

#endif
