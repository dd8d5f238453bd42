/*
 * Self-hosted debug registers of a guest (MDCR_EL2.TDA, TDOSA, TDRA trap
 * them; ARM ARM D13.3.x and D2 "AArch64 self-hosted debug"). They live in a
 * per-vCPU shadow and never reach the hardware, so a guest's breakpoints and
 * watchpoints cannot fire in another VM or in the host. The consequence:
 * guest self-hosted debug (hardware breakpoints, watchpoints, software step
 * through MDSCR_EL1.SS) is not supported yet; the registers read back what
 * was written, which is all Linux needs at boot (debug-monitors.c clears
 * the OS lock, hw_breakpoint.c zeroes every BVR/BCR/WVR/WCR).
 *
 * The debug communications channel (MDCCSR_EL0, DBGDTR_EL0, DBGDTRRX/TX_EL0)
 * is not offered: those accesses get UNDEF, as do encodings not listed here.
 * OSDTRRX/OSDTRTX/OSECCR_EL1 (external-debug save/restore) are RAZ/WI.
 */
#include <arch/sysreg.h>
#include <virt/vm.h>
#include <virt/vsysreg.h>

#define DBG(op1, crn, crm, op2) ((2u << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
#define DBG_MDCCINT DBG(0, 0, 2, 0)
#define DBG_MDSCR DBG(0, 0, 2, 2)
#define DBG_OSDTRRX DBG(0, 0, 0, 2)
#define DBG_OSDTRTX DBG(0, 0, 3, 2)
#define DBG_OSECCR DBG(0, 0, 6, 2)
#define DBG_MDRAR DBG(0, 1, 0, 0)
#define DBG_OSLAR DBG(0, 1, 0, 4)
#define DBG_OSLSR DBG(0, 1, 1, 4)
#define DBG_OSDLR DBG(0, 1, 3, 4)
#define DBG_DBGPRCR DBG(0, 1, 4, 4)
#define DBG_CLAIMSET DBG(0, 7, 8, 6)
#define DBG_CLAIMCLR DBG(0, 7, 9, 6)
#define DBG_AUTHSTATUS DBG(0, 7, 14, 6)

/* OSLSR_EL1 (D13.3.x): OSLM = 0b10 (OS lock implemented, bits 3 and 0), OSLK bit 1. */
#define OSLSR_OSLM_IMPL BIT(3)
#define OSLSR_OSLK BIT(1)

/* Breakpoints/watchpoints: the number ID_AA64DFR0_EL1 advertises. */
static unsigned int nr_bp(unsigned int shift)
{
	return ((idreg_read(5, 0) >> shift) & 0xf) + 1;
}

/* DBGBVR/BCR/WVR/WCR<n>_EL1: op0=2 op1=0 CRn=0 CRm=n op2=4..7. */
static enum sysreg_result bp_reg(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	struct vcpu_debug *d = &v->arch.dbg;
	u64 *regs[] = { d->bvr, d->bcr, d->wvr, d->wcr };
	unsigned int n = a->crm;

	if (n >= nr_bp(a->op2 < 6 ? 12 : 20))	/* BRPs, WRPs */
		return SYSREG_UNDEF;
	if (a->read)
		*val = regs[a->op2 - 4][n];
	else
		regs[a->op2 - 4][n] = *val;
	return SYSREG_DONE;
}

/* Read-write registers kept whole in the shadow. */
static u64 *shadow_rw(struct vcpu *v, u32 key)
{
	switch (key) {
	case DBG_MDSCR:
		return &v->arch.dbg.mdscr;
	case DBG_MDCCINT:
		return &v->arch.dbg.mdccint;
	case DBG_DBGPRCR:
		return &v->arch.dbg.dbgprcr;
	default:
		return NULL;
	}
}

/* Registers with side effects or fixed values; false if not one of them. */
static bool special(struct vcpu *v, u32 key, bool read, u64 *val)
{
	struct vcpu_debug *d = &v->arch.dbg;

	switch (key) {
	case DBG_OSLAR:
		if (!read)
			d->oslk = *val & 1;
		return !read;
	case DBG_OSLSR:
		*val = OSLSR_OSLM_IMPL | (d->oslk ? OSLSR_OSLK : 0);
		return read;
	case DBG_OSDLR:
		if (read)
			*val = d->osdlk;
		else
			d->osdlk = *val & 1;
		return true;
	case DBG_CLAIMSET:	/* reads: which of the 8 claim tags exist */
		if (read)
			*val = 0xff;
		else
			d->claim |= (u8)*val;
		return true;
	case DBG_CLAIMCLR:
		if (read)
			*val = d->claim;
		else
			d->claim &= (u8)~*val;
		return true;
	default:
		return false;
	}
}

/* Read-only status: no ROM table, authentication as the hardware reports. */
static bool read_only(u32 key, bool read, u64 *val)
{
	switch (key) {
	case DBG_MDRAR:
		*val = 0;
		return read;
	case DBG_AUTHSTATUS:
		*val = read_sysreg(dbgauthstatus_el1);
		return read;
	case DBG_OSDTRRX:
	case DBG_OSDTRTX:
	case DBG_OSECCR:
		*val = 0;
		return true;
	default:
		return false;
	}
}

enum sysreg_result vdebug_emulate(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	u32 key = DBG(a->op1, a->crn, a->crm, a->op2);
	u64 *reg;

	if (a->op0 != 2)
		return SYSREG_NOT_MINE;
	if (a->op1 == 0 && a->crn == 0 && a->op2 >= 4)
		return bp_reg(v, a, val);
	reg = shadow_rw(v, key);
	if (reg) {
		if (a->read)
			*val = *reg;
		else
			*reg = *val;
		return SYSREG_DONE;
	}
	if (special(v, key, a->read, val))
		return SYSREG_DONE;
	/* Anything else, including the DCC registers, is UNDEFINED. */
	return read_only(key, a->read, val) ? SYSREG_DONE : SYSREG_UNDEF;
}

/* Cold reset (D2.5): the OS lock is locked, everything else clear. */
void vdebug_reset(struct vcpu *v)
{
	v->arch.dbg = (struct vcpu_debug){ .oslk = true };
}
