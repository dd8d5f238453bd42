/*
 * Injecting synchronous exceptions into a guest's EL1, as the hardware
 * would take them (ARM ARM D1.10: exception entry; vector offsets D1.10.2).
 * The EL1 registers are reached through vcpu_el1(): they may be live.
 */
#include <arch/esr.h>
#include <virt/vcpu_ctx.h>
#include <virt/vm.h>

#define PSTATE_MODE_MASK 0xf
#define PSTATE_EL1T 0x4
#define PSTATE_EL1H 0x5
#define PSTATE_DAIF (0xfULL << 6)
#define VEC_CUR_SP0 0x000
#define VEC_CUR_SPX 0x200
#define VEC_LOWER64 0x400

static u64 vector_offset(u64 pstate)
{
	switch (pstate & PSTATE_MODE_MASK) {
	case PSTATE_EL1T:
		return VEC_CUR_SP0;
	case PSTATE_EL1H:
		return VEC_CUR_SPX;
	default:
		return VEC_LOWER64;	/* from EL0 */
	}
}

static bool from_el1(u64 pstate)
{
	return (pstate & PSTATE_MODE_MASK) == PSTATE_EL1T ||
	       (pstate & PSTATE_MODE_MASK) == PSTATE_EL1H;
}

static void inject_sync(struct vcpu *v, u64 esr, u64 far, bool set_far)
{
	struct guest_ctx *c = &v->arch.ctx;
	struct vcpu_sysregs *s = vcpu_el1(v);

	s->elr_el1 = c->pc;
	s->spsr_el1 = c->pstate;
	s->esr = esr;
	if (set_far)
		s->far = far;
	c->pc = s->vbar + vector_offset(c->pstate);
	c->pstate = PSTATE_DAIF | PSTATE_EL1H;
}

void vcpu_inject_undef(struct vcpu *v)
{
	inject_sync(v, ((u64)ESR_EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL, 0, false);
}

/* Synchronous external abort, not on a table walk (DFSC/IFSC 0x10). */
#define FSC_SEA 0x10

void vcpu_inject_dabt(struct vcpu *v, u64 far)
{
	u64 ec = from_el1(v->arch.ctx.pstate) ? ESR_EC_DABT_CUR : ESR_EC_DABT_LOW;

	inject_sync(v, (ec << ESR_EC_SHIFT) | ESR_IL | FSC_SEA, far, true);
}

void vcpu_inject_iabt(struct vcpu *v, u64 far)
{
	u64 ec = from_el1(v->arch.ctx.pstate) ? ESR_EC_IABT_CUR : ESR_EC_IABT_LOW;

	inject_sync(v, (ec << ESR_EC_SHIFT) | ESR_IL | FSC_SEA, far, true);
}
