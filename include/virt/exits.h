/* Exit handlers that live in their own files (virt/mmio_exit.c, virt/sysreg_emul.c). */
#ifndef VIRT_EXITS_H
#define VIRT_EXITS_H

#include <zvm/types.h>

struct vcpu;

/* Data abort from the guest: emulated MMIO, or an abort injected back. */
bool exit_dabt(struct vcpu *v, u64 esr);
/* The same from the exception vector (vcpu_dabt_fast()), FAR_EL2 and
 * HPFAR_EL2 as read there: true if the device completed it atomically
 * (the caller steps the PC), false with nothing done. */
bool exit_dabt_atomic(struct vcpu *v, u64 esr, u64 far, u64 hpfar);
/* Trapped MSR/MRS/SYS (EC 0x18): emulated (skip it), UNDEF injected, or
 * retried unchanged after the trap that caught it was lifted. */
enum sysreg_result { SYSREG_UNDEF, SYSREG_DONE, SYSREG_RETRY, SYSREG_NOT_MINE };
enum sysreg_result sysreg_emulate(struct vcpu *v, u64 esr);

/* Decoded ISS of EC 0x18 (ARM ARM D13.2.37, "ISS encoding for an exception
 * from MSR, MRS, or System instruction execution"). */
struct sysreg_access {
	u8 op0, op1, crn, crm, op2, rt;
	bool read;
};
void sysreg_decode(u64 esr, struct sysreg_access *a);
/*
 * The syndrome of an SError the exiting guest caused, or 0: taken from the
 * guest itself (kind GUEST_EXIT_SERROR, esr = its ESR_EL2), or caught at
 * its exit (serror = guest_ctx.serror: the ESR_EL2 of guest.S's unmask
 * window, or DISR_EL1 after its ESB).
 */
u64 exit_serror_syndrome(int kind, u64 esr, u64 serror);
/* Sign/zero-extend an MMIO load per the data-abort syndrome. */
u64 mmio_load_extend(u64 val, unsigned int size, bool sign_extend, bool sixty_four);

#endif
