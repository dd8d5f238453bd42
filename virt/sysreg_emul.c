/*
 * Trapped system-register and system-instruction accesses (EC 0x18).
 * HCR_EL2.TSW traps set/way cache maintenance: the guest's operand names
 * a set/way of this physical CPU's caches, which are shared with the host
 * and other guests, so an invalidate (which would discard their dirty
 * lines) is performed as clean+invalidate. HCR_EL2.TACR traps ACTLR_EL1,
 * which reads as zero and ignores writes.
 */
#include <arch/sysreg.h>
#include <virt/exits.h>
#include <virt/vgic_hooks.h>
#include <virt/vm.h>

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

bool sysreg_emulate(struct vcpu *v, u64 esr)
{
	struct sysreg_access a;

	sysreg_decode(esr, &a);
	switch (sysreg_key(&a)) {
	case SYS_DC_ISW:
	case SYS_DC_CSW:
	case SYS_DC_CISW:
		if (a.read)
			return false;
		__asm__ volatile("dc cisw, %0\n dsb sy" : : "r"(reg_val(v, a.rt)) : "memory");
		return true;
	case SYS_ACTLR_EL1:
		if (a.read)
			set_reg(v, a.rt, 0);
		return true;
	case SYS_ICC_SGI1R_EL1:
		return !a.read && vgic_hook_sgi(v, reg_val(v, a.rt));
	default:
		return false;
	}
}
