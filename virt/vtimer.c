/*
 * vTimer (see include/virt/vtimer.h). The guest's CNTV_* registers are
 * switched with the vCPU's EL1 context (vcpu_hw.c, vcpu_ctx.c); between
 * exit and entry it is masked, while the vCPU's thread is off its pCPU
 * disabled, and a WFI sleep uses a host timeout instead. vcpu_hw_save()
 * leaves its value at the latest exit in v->arch.cntv.
 *
 * Invariant, per pCPU: the physical PPI 27 is active exactly when the vCPU
 * last loaded there owes it a deactivation (virtual PPI 27 pending or
 * active, LR.HW = 1). An active physical PPI cannot fire again, so a timer
 * that stays asserted is delivered once until the guest EOIs it; the
 * guest's EOI deactivates the physical interrupt in hardware.
 */
#include <drivers/gicv3.h>
#include <arch/esr.h>
#include <kernel/arch_interface.h>
#include <kernel/init.h>
#include <kernel/irq.h>
#include <kernel/timeout.h>
#include <virt/vcpu_hw.h>
#include <virt/vgic.h>
#include <virt/vgic_hw.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <virt/vtimer.h>
#include <virt/vtimer_lat.h>

#define CNTV_CTL_ENABLE BIT(0)
#define CNTV_CTL_IMASK BIT(1)
#define CNTV_CTL_ISTATUS BIT(2)

/* Per pCPU, whether PPI 27 is held active: exact after every full exit
 * (vtimer_exit()); a fast injection since then sets the hardware and
 * vtimer_owed only, and the next full exit catches the cache up before
 * vtimer_enter() reads it. */
static bool phys_active[CONFIG_MAX_CPUS];
static bool cpu_ready[CONFIG_MAX_CPUS];

/* The physical vtimer PPI reaches the host only in a race with the exit
 * path disabling the timer; irq_handle() deactivates it. */
static void vtimer_host_irq(unsigned int intid, void *arg)
{
	phys_active[arch_cpu_id()] = false;
}

/* Maintenance interrupt: its only job is to make the guest exit so that
 * vgic_sync()/vgic_flush() refill the list registers. */
static void vgic_maint_irq(unsigned int intid, void *arg)
{
}

static int vtimer_setup(void)
{
	irq_register(VGIC_PPI_VTIMER, vtimer_host_irq, NULL);
	irq_register(VGIC_PPI_MAINT, vgic_maint_irq, NULL);
	return 0;
}
INITCALL(vtimer_setup);

void vtimer_cpu_init(void)
{
	unsigned int cpu = arch_cpu_id();

	if (cpu_ready[cpu])
		return;
	gic_set_priority(VGIC_PPI_VTIMER, GIC_PRIO_DEFAULT);
	gic_set_priority(VGIC_PPI_MAINT, GIC_PRIO_DEFAULT);
	gic_set_active(VGIC_PPI_VTIMER, false);
	gic_enable_irq(VGIC_PPI_VTIMER);
	gic_enable_irq(VGIC_PPI_MAINT);
	cpu_ready[cpu] = true;
}

int vtimer_init(struct vcpu *v)
{
	struct vgic_dist *d = virq_dist(v->vm);
	int r = vgic_map_hw(d, v, VGIC_PPI_VTIMER, VGIC_PPI_VTIMER);

	return r ? r : vgic_set_fast(d, v, VGIC_PPI_VTIMER);
}

/* Hold the physical PPI 27 active (the guest owes its deactivation) or not,
 * on this pCPU, and remember which. */
static void phys_set_active(unsigned int cpu, bool active)
{
	gic_set_active(VGIC_PPI_VTIMER, active);
	phys_active[cpu] = active;
}

static bool owes(struct vcpu *v)
{
	return vgic_irq_owes_deactivation(virq_dist(v->vm), v, VGIC_PPI_VTIMER);
}

void vtimer_enter(struct vcpu *v)
{
	unsigned int cpu = arch_cpu_id();
	bool want;

	/* Most entries: nothing owed, physical PPI inactive. */
	if (!v->vtimer_owed && !phys_active[cpu])
		return;
	want = owes(v);

	/*
	 * While owed, set it on every entry rather than trusting the cache:
	 * the guest may EOI the interrupt and the timer fire again within one
	 * run, behind the cache's back. The window is short (from the timer
	 * firing to the guest's EOI), so the extra GICR write is cheap. Past
	 * that early return, want or the cache is set: clear or set accordingly.
	 */
	if (want || phys_active[cpu])
		phys_set_active(cpu, want);
}

/* Record one delivery that came due at `due` (host counter); returns now. */
static u64 lat_record(struct vcpu *v, enum vtimer_path path, u64 due, u64 left,
		      unsigned int why)
{
	u64 now = k_now();

	vtimer_lat_add(&v->vtimer_lat[path], due, left, now, why);
	return now;
}

/* A full-path delivery reaching the guest at `now`, recorded at the next
 * full exit (vtimer_exit()), off the path it measures. */
static void defer_full(struct vcpu *v, u64 due, u64 now, unsigned int why)
{
	vtimer_lat_defer(&v->vtimer_lat[VTIMER_FULL], &v->vtimer_lat_full_defer, due,
			 v->left_guest_at, now, why);
}

/*
 * Just before entry (at `now`): a delivery vtimer_fire() set up reaches the
 * guest now (in an LR, unless more interrupts are pending than there are
 * LRs). The exit just handled is the one in flight when the timer came
 * due. Added to the statistics at the next full exit, like vtimer_wake()'s,
 * off the path it measures.
 */
void vtimer_account_entry(struct vcpu *v, u64 now)
{
	unsigned int why;

	if (!v->vtimer_due)
		return;
	why = v->last_exit_kind == GUEST_EXIT_SYNC ? ESR_EC(v->arch.ctx.esr) : VTIMER_WHY_IRQ;
	defer_full(v, v->vtimer_due, now, why);
	v->vtimer_due = 0;
}

static void vtimer_fire(struct vcpu *v)
{
	v->vtimer_owed = true;
	/* Already owed (e.g. the guest exits inside its timer handler before
	 * reprogramming): do not latch a second, spurious delivery. */
	if (owes(v))
		return;
	virq_set_private(v, VGIC_PPI_VTIMER, true);
	if (!v->vtimer_due)
		v->vtimer_due = vtimer_deadline(v);
}

static bool timer_asserted(u64 ctl)
{
	return (ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK | CNTV_CTL_ISTATUS)) ==
	       (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS);
}

/*
 * The caller found the physical PPI 27 the host's highest pending
 * interrupt (nothing of higher priority waits), with the guest's timer
 * condition met. Same result as the full path (vtimer_exit() then
 * vtimer_enter()): the virtual PPI pending in an LR with HW = 1, the
 * physical one active until the guest deactivates it - which also stops it
 * from signalling again. A host interrupt pending behind it makes the
 * guest exit again at once and takes the full path. Inlined into both
 * callers (the IRQ vector's fast path and the WFI wake-up).
 */
static inline __attribute__((always_inline)) bool fast_inject(struct vcpu *v)
{
	u64 lr;
	int n;

	if (!timer_asserted(vcpu_hw_live_cntv_ctl()))
		return false;
	n = vgic_fast_inject(virq_dist(v->vm), v, vgic_hw_elrsr(), &lr);
	if (n < 0)
		return false;
	vgic_hw_write_lr((unsigned int)n, lr);
	/*
	 * Its DSB also publishes the injection (see vgic_fast_inject()). The
	 * phys_active cache is left as it is: nothing reads it before the next
	 * full exit, whose vtimer_exit() sets it from vtimer_owed (set here),
	 * and the store cost the fast path 5 instructions.
	 */
	gic_set_active(VGIC_PPI_VTIMER, true);
	v->vtimer_owed = true;
	return true;
}

u64 vtimer_fast_exit(struct vcpu *v, u64 left)
{
	if (!fast_inject(v))
		return 0;
	return lat_record(v, VTIMER_FAST, vcpu_hw_live_cntv_deadline(), left, VTIMER_WHY_IRQ);
}

/*
 * The timer that ends a WFI sleep is not injected through the model when
 * the sleep ends: once vcpu_hw_load() has loaded CNTV, its condition holds
 * and the physical PPI 27 is pending, so the fast path's injection applies
 * as it is - on this entry rather than on an exit right after it (an ERET,
 * an IRQ exception and the guest's registers saved and restored, saved).
 * If it does not apply (a host interrupt of higher priority pending, no LR
 * set aside), the PPI makes the guest exit at once and that exit handles
 * it. Accounted as before: a full-path delivery behind the WFI exit, so
 * that the hypervisor's part includes the switch to this vCPU - but added
 * to the statistics at the vCPU's next full exit (vtimer_exit()), not on
 * this entry, the path whose latency they measure (`zvm latency` reads
 * the deferred one too: vtimer_lat_view()).
 */
void vtimer_wake(struct vcpu *v, u64 now)
{
	v->wfi_done = false;
	if (gic_highest_pending() == VGIC_PPI_VTIMER && fast_inject(v))
		defer_full(v, vcpu_hw_live_cntv_deadline(), now, ESR_EC_WFx);
}

void vtimer_exit(struct vcpu *v)
{
	u64 ctl = v->arch.cntv.ctl;

	vtimer_lat_settle(&v->vtimer_lat[VTIMER_FULL], &v->vtimer_lat_full_defer);
	/* The guest's EOI may have deactivated the physical PPI meanwhile.
	 * vtimer_owed is only a hint that owes() must be asked: set when we
	 * inject, cleared once the guest has dealt with it. */
	if (v->vtimer_owed) {
		v->vtimer_owed = owes(v);
		phys_active[arch_cpu_id()] = v->vtimer_owed;
	}
	if (timer_asserted(ctl))
		vtimer_fire(v);
}

u64 vtimer_deadline(const struct vcpu *v)
{
	const struct vcpu_cntv *c = &v->arch.cntv;	/* as of the latest exit */

	if ((c->ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) != CNTV_CTL_ENABLE)
		return K_FOREVER;
	/* A deadline beyond the counter's range never comes. */
	if (c->cval >= K_FOREVER - v->vm->cntvoff)
		return K_FOREVER;
	return c->cval + v->vm->cntvoff;
}
