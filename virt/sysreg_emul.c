/*
 * Trapped system-register and system-instruction accesses (EC 0x18).
 * HCR_EL2.TSW traps set/way cache maintenance: the guest's operand names
 * a set/way of this physical CPU's caches, which are shared with the host
 * and other guests, so an invalidate (which would discard their dirty
 * lines) is performed as clean+invalidate. HCR_EL2.TACR traps ACTLR_EL1,
 * which reads as zero and ignores writes. The ID registers (HCR_EL2.TID3),
 * the debug registers (MDCR_EL2.TDA/TDOSA/TDRA) and the PMU's first use
 * (MDCR_EL2.TPM) are handled by the arch code: idregs.c, vdebug.c, vpmu.c.
 */
#include <arch/sysreg.h>
#include <virt/exits.h>
#include <virt/vgic_hooks.h>
#include <virt/vm.h>
#include <virt/vsysreg.h>

#define SYS(op0, op1, crn, crm, op2) \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

#define SYS_DC_ISW SYS(1, 0, 7, 6, 2)
#define SYS_DC_CSW SYS(1, 0, 7, 10, 2)
#define SYS_DC_CISW SYS(1, 0, 7, 14, 2)
#define SYS_ACTLR_EL1 SYS(3, 0, 1, 0, 1)
#define SYS_ICC_SGI1R_EL1 SYS(3, 0, 12, 11, 5)


static u32 sysreg_key(const struct sysreg_access *a)
{
	return SYS(a->op0, a->op1, a->crn, a->crm, a->op2);
}

static u64 reg_val(const struct vcpu *v, unsigned int rt)
{
	return rt == 31 ? 0 : v->arch.ctx.x[rt];
}

static void set_reg(struct vcpu *v, unsigned int rt, u64 val)
{
	if (rt != 31)
		v->arch.ctx.x[rt] = val;
}

/* Set/way maintenance, ACTLR_EL1 and SGIs. */
static enum sysreg_result misc_emulate(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	switch (sysreg_key(a)) {
	case SYS_DC_ISW:
	case SYS_DC_CSW:
	case SYS_DC_CISW:
		if (a->read)
			return SYSREG_UNDEF;
		__asm__ volatile("dc cisw, %0\n dsb sy" : : "r"(*val) : "memory");
		return SYSREG_DONE;
	case SYS_ACTLR_EL1:
		*val = 0;
		return SYSREG_DONE;
	case SYS_ICC_SGI1R_EL1:
		return !a->read && vgic_hook_sgi(v, *val) ? SYSREG_DONE : SYSREG_UNDEF;
	default:
		return SYSREG_NOT_MINE;
	}
}

enum sysreg_result sysreg_emulate(struct vcpu *v, u64 esr)
{
	struct sysreg_access a;
	enum sysreg_result r;
	u64 val;

	sysreg_decode(esr, &a);
	val = a.read ? 0 : reg_val(v, a.rt);
	r = misc_emulate(v, &a, &val);
	if (r == SYSREG_NOT_MINE)
		r = idreg_emulate(&a, &val);
	if (r == SYSREG_NOT_MINE)
		r = vdebug_emulate(v, &a, &val);
	if (r == SYSREG_NOT_MINE)
		r = vpmu_emulate(v, &a, &val);
	if (r == SYSREG_DONE && a.read)
		set_reg(v, a.rt, val);
	return r == SYSREG_NOT_MINE ? SYSREG_UNDEF : r;
}
