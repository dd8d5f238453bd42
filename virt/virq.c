/*
 * Wiring the vGICv3 model into a VM: storage, the Distributor and
 * Redistributor frames on the MMIO bus (QEMU virt addresses), SGIs from
 * trapped ICC_SGI1R_EL1 writes, and the LR bank around each guest entry.
 */
#include <arch/sysreg.h>
#include <drivers/gicv3.h>
#include <kernel/irq.h>
#include <kernel/mm.h>
#include <virt/passthrough.h>
#include <virt/vgic.h>
#include <virt/vgic_hooks.h>
#include <virt/vgic_hw.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <virt/vtimer.h>
#include <zvm/errno.h>

struct virq {
	struct vgic_dist dist;
	struct vgic_irq spis[VGIC_DEFAULT_NR_SPIS];
	struct vgic_cpu cpus[];
};

struct vgic_dist *virq_dist(struct vm *vm)
{
	return &vm->virq->dist;
}

int virq_init(struct vm *vm)
{
	struct virq *q = kzalloc(sizeof(*q) + vm->nr_vcpus * sizeof(q->cpus[0]));
	struct vgic_config cfg = { VGIC_DEFAULT_NR_SPIS, vgic_hw_nr_lr(), NULL, NULL };
	int r;

	if (!q)
		return -ENOMEM;
	cfg.cpus = q->cpus;
	cfg.spis = q->spis;
	vm->virq = q;
	r = vgic_init(&q->dist, vm, &cfg);
	if (!r)
		r = vgic_register_mmio(&q->dist, &vm->mmio, VGIC_DIST_BASE, VGIC_REDIST_BASE);
	for (unsigned int i = 0; i < vm->nr_vcpus && !r; i++)
		r = vtimer_init(vm->vcpus[i]);
	return r;
}

void virq_destroy(struct vm *vm)
{
	kfree(vm->virq);
	vm->virq = NULL;
}

void virq_close(struct vm *vm)
{
	if (!vm->virq)
		return;
	vgic_close(&vm->virq->dist);
	/* A kick is a few instructions on another CPU (or an interrupt on
	 * this one that already returned): sleep on the event vgic_hook_
	 * kicks_done() signals rather than spin. */
	while (vgic_kicks_in_flight(&vm->virq->dist))
		wfe();
}

void virq_open(struct vm *vm)
{
	vgic_open(&vm->virq->dist);
}

void vgic_hook_kicks_done(void)
{
	sev();
}

void virq_reset(struct vm *vm)
{
	vgic_reset(&vm->virq->dist);
	passthrough_reset(vm);	/* the reset guest owes no deactivation */
}

int virq_set_level(struct vm *vm, u32 intid, bool level)
{
	return vm->virq ? vgic_set_level(&vm->virq->dist, NULL, intid, level) : -EINVAL;
}

int virq_set_private(struct vcpu *v, u32 intid, bool level)
{
	return vgic_set_level(&v->vm->virq->dist, v, intid, level);
}

bool vgic_hook_sgi(struct vcpu *v, u64 sgi1r)
{
	vgic_send_sgi(&v->vm->virq->dist, v, sgi1r, true);
	return true;
}

/*
 * The SGI fast path (vcpu_sgi_fast(), from the exception vector): v wrote
 * ICC_SGI1R_EL1 and its EL1 context and LRs are still loaded. The vGIC
 * does what sync, send and flush would do around a full exit, on the LRs
 * read from and written back to the hardware. Declined (false, nothing
 * changed) if another target runs on this pCPU: waking it needs this
 * pCPU's scheduler, which only the full exit reaches. An SGI to v alone
 * tries the direct SGI first (vgic_sgi_direct()): one LR written, the
 * others neither read nor written; one not to v leaves v's LRs alone (no
 * sync or flush: v's state does not change) and only queues and kicks.
 */
bool virq_sgi_fast(struct vcpu *v, u64 sgi1r)
{
	struct vgic_dist *d = &v->vm->virq->dist;
	struct vgic_lr_bank *b;
	u32 targets, others, held;
	u64 lr;
	int i;

	if (vgic_sgi_self_only(v->id, sgi1r)) {	/* ICH_ELRSR_EL2 read only then */
		i = vgic_sgi_direct(d, v, sgi1r, vgic_hw_elrsr(), &lr);
		if (i >= 0) {	/* into one free LR: the direct SGI */
			vgic_hw_write_lr((unsigned int)i, lr);
			return true;
		}
	}
	targets = vgic_sgi_targets(d, v->id, sgi1r);
	for (others = targets & ~(u32)BIT(v->id); others; others &= others - 1)
		if (v->vm->vcpus[__builtin_ctz(others)]->pcpu == v->pcpu)
			return false;
	if (!(targets & BIT(v->id))) {	/* v's own LRs do not change */
		vgic_send_sgi(d, v, sgi1r, true);
		return true;
	}
	b = vgic_lr_bank(d, v);
	held = vgic_hw_read_held_lrs(b);
	vgic_send_sgi_live(d, v, sgi1r);
	vgic_hw_write_lrs(b, held);
	return true;
}

/*
 * The kick fast path (vcpu_kick_irq(), from the exception vector): the
 * physical IPI_KICK is pending for this pCPU while v runs. Its pending
 * state is cleared first (not acknowledged: any other interrupt stays
 * pending and exits as usual once the guest runs), then v's LRs are
 * refreshed from the model: every kick whose IPI this clears queued its
 * change before sending it (gic_send_sgi()'s DSB), so the refresh, under
 * the lock, sees it; a kick after the clear pends the IPI again.
 */
void virq_kick_fast(struct vcpu *v)
{
	struct vgic_dist *d = &v->vm->virq->dist;
	struct vgic_lr_bank *b = vgic_lr_bank(d, v);
	u32 held;

	gic_clear_pending(IPI_KICK);
	held = vgic_hw_read_held_lrs(b);
	vgic_refresh_live(d, v);
	vgic_hw_write_lrs(b, held);
}

void virq_enter(struct vcpu *v)
{
	struct vgic_lr_bank *b = vgic_flush(&v->vm->virq->dist, v);

	vtimer_enter(v);
	vgic_hw_load(b);
}

void virq_exit(struct vcpu *v)
{
	struct vgic_dist *d = &v->vm->virq->dist;

	vgic_hw_save(vgic_lr_bank_self(d, v));
	vgic_sync(d, v);
	vtimer_exit(v);
}

bool virq_pending(struct vcpu *v)
{
	return vgic_vcpu_has_pending(&v->vm->virq->dist, v);
}
