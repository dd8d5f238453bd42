/*
 * Data aborts from a guest. With a valid syndrome (ISV) the access is
 * decoded — size, register, sign extension, direction — and sent to the
 * VM's MMIO bus. An access outside every region, one the device refuses,
 * or one without a syndrome (e.g. a load pair to MMIO) is answered as the
 * hardware would answer an access to nothing: a synchronous external abort
 * injected into the guest, and a rate-limited log line.
 */
#include <arch/esr.h>
#include <kernel/printk.h>
#include <virt/exits.h>
#include <virt/vm.h>


static u64 fault_ipa(u64 hpfar, u64 far)
{
	/* HPFAR_EL2.FIPA holds IPA[47:12]; the page offset comes from FAR. */
	return ((hpfar >> 4) << 12) | (far & 0xfff);
}

/* What a write stores: the source register's value. */
static u64 store_value(const struct vcpu *v, const struct esr_dabt *d)
{
	return d->write && d->reg != 31 ? v->arch.ctx.x[d->reg] : 0;
}

/* A completed access: a load's result into its register, counted. */
static void dabt_done(struct vcpu *v, const struct esr_dabt *d, u64 val)
{
	if (!d->write && d->reg != 31)
		v->arch.ctx.x[d->reg] = mmio_load_extend(val, d->size, d->sign_extend,
							 d->sixty_four);
	v->exits[EXIT_DABT_MMIO]++;
}

static bool inject_abort(struct vcpu *v, u64 ipa, const char *why)
{
	v->exits[EXIT_DABT_BAD]++;
	pr_ratelimited(LOG_WARN, "vm%u.vcpu%u: %s at IPA %#llx (pc %#llx): abort injected",
		       v->vm->id, v->id, why, (unsigned long long)ipa,
		       (unsigned long long)v->arch.ctx.pc);
	vcpu_inject_dabt(v, v->arch.ctx.far);
	return true;
}

bool exit_dabt(struct vcpu *v, u64 esr)
{
	struct esr_dabt d;
	u64 ipa = fault_ipa(v->arch.ctx.hpfar, v->arch.ctx.far), val;
	int r;

	esr_decode_dabt(esr, &d);
	if (!d.isv || d.s1ptw)
		return inject_abort(v, ipa, d.s1ptw ? "stage-1 walk outside RAM" :
				    "MMIO access without syndrome");
	val = store_value(v, &d);
	r = mmio_bus_access(&v->vm->mmio, v, ipa, d.size, d.write, &val);
	if (r == MMIO_NO_DEVICE)
		return inject_abort(v, ipa, "access outside RAM and devices");
	if (r != MMIO_OK)
		return inject_abort(v, ipa, "bad device register access");
	dabt_done(v, &d, val);
	v->arch.ctx.pc += 4;
	return true;
}

bool exit_dabt_atomic(struct vcpu *v, u64 esr, u64 far, u64 hpfar)
{
	struct esr_dabt d;
	u64 val;

	esr_decode_dabt(esr, &d);
	if (!d.isv || d.s1ptw)
		return false;
	val = store_value(v, &d);
	if (mmio_bus_access_atomic(&v->vm->mmio, v, fault_ipa(hpfar, far), d.size, d.write,
				   &val) != MMIO_OK)
		return false;
	dabt_done(v, &d, val);
	return true;
}
