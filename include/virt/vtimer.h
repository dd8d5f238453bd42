/*
 * vTimer: the guest owns the EL1 virtual timer (CNTV_*_EL0, PPI 27) in
 * hardware, with CNTVOFF_EL2 per VM. Its interrupt is hardware-linked to
 * the virtual PPI 27 (LR.HW), so the guest's deactivation deactivates the
 * physical interrupt without an exit. The EL1 physical timer (CNTP_*,
 * PPI 30) is left to the guest too (CNTHCTL_EL2.EL1PCEN/EL1PCTEN = 1):
 * see docs/architecture.md, "Timers".
 */
#ifndef VIRT_VTIMER_H
#define VIRT_VTIMER_H

#include <zvm/types.h>

struct vcpu;

/* Host side, once per pCPU that runs vCPUs (idempotent). */
void vtimer_cpu_init(void);
/* Link the vCPU's PPI 27 to the physical PPI 27. */
int vtimer_init(struct vcpu *v);
/* Before entry (after vgic_flush): make the physical PPI's active state
 * match what the guest still has to deactivate. */
void vtimer_enter(struct vcpu *v);
/* After exit (after vgic_sync): a timer that fired in the guest becomes a
 * pending virtual PPI 27. */
void vtimer_exit(struct vcpu *v);
/*
 * On an IRQ from the guest (vcpu_irq_fast()), IRQs masked, v's context
 * loaded, the physical PPI 27 the highest pending interrupt (guest.S read
 * ICC_HPPIR1_EL1): if v's own timer fired, inject it straight into a list
 * register and return the host counter at which it was done, so the
 * guest is re-entered at once (no EL1 context switch, no scheduler).
 * 0: take the full exit path.
 */
u64 vtimer_fast_exit(struct vcpu *v, u64 left);
/* Right before entering the guest: account a full-path timer delivery
 * (the latency `zvm info -n` shows). */
void vtimer_account_entry(struct vcpu *v, u64 now);
/* Host counter value at which the guest's virtual timer fires, or K_FOREVER. */
u64 vtimer_deadline(const struct vcpu *v);
/*
 * Entry after a WFI (vcpu_enter(), IRQs masked, v's context just loaded):
 * if its timer fired meanwhile, inject it the fast path's way, sparing the
 * exit the loaded timer would cause at once.
 */
void vtimer_wake(struct vcpu *v, u64 now);	/* now: the entry's time (k_now()) */

#endif
