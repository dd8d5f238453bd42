/*
 * vCPUs: each is a kernel thread pinned to its physical CPU, looping
 * "enter guest, handle exit". WFI blocks the thread (the pCPU can idle or
 * run others); a kick wakes it or, if it is in the guest on another CPU,
 * interrupts it with an IPI so it sees new work on exit.
 */
#include <arch/esr.h>
#include <drivers/gicv3.h>
#include <kernel/cpu.h>
#include <kernel/irq.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <virt/exits.h>
#include <virt/vcpu_ctx.h>
#include <virt/vcpu_hw.h>
#include <virt/vgic.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <virt/vtimer.h>
#include <zvm/errno.h>

/* EL1h with D, A, I, F masked: how the arm64 boot protocol enters a kernel. */
#define PSTATE_EL1H_MASKED 0x3c5

unsigned int vcpu_id(const struct vcpu *v)
{
	return v->id;
}

struct vm *vcpu_vm(const struct vcpu *v)
{
	return v->vm;
}

void vcpu_reset(struct vcpu *v, u64 entry, u64 x0)
{
	memset(&v->arch.ctx, 0, sizeof(v->arch.ctx));
	v->arch.ctx.pc = entry;
	v->arch.ctx.pstate = PSTATE_EL1H_MASKED;
	v->arch.ctx.x[0] = x0;
	vcpu_hw_reset_sysregs(v);
}

void vcpu_kick(struct vcpu *v)
{
	struct thread *t;

	if (!v)
		return;
	t = READ_ONCE(v->thread);
	if (READ_ONCE(v->wfi_wait))
		sem_give(&v->wake);
	else if (t && t->state == THREAD_RUNNING && t->cpu != arch_cpu_id())
		ipi_send(t->cpu, IPI_KICK);	/* the guest sees it (vcpu_kick_irq()) */
}

static bool vcpu_should_run(struct vcpu *v)
{
	enum vm_state s = READ_ONCE(v->vm->state);

	return s == VM_RUNNING || s == VM_PAUSED;
}

/* A secondary vCPU sleeps until PSCI CPU_ON; every vCPU stops with its VM. */
static bool vcpu_wait_power_on(struct vcpu *v)
{
	while (!READ_ONCE(v->powered_on) && vcpu_should_run(v))
		sem_take(&v->wake, K_FOREVER);
	return vcpu_should_run(v);
}

/*
 * A fast path made a thread ready on this pCPU (a kick's sem_give() from a
 * fold, rare): the vector returns to the guest, so make it exit at once
 * for the scheduler (sched_irq_exit() after the IPI's handler).
 */
static void vcpu_fast_resched(void)
{
	if (this_cpu()->need_resched)
		ipi_send(arch_cpu_id(), IPI_RESCHED);
}

/* A fast path (kick, SGI, MMIO) did the exit's work since t: accounted as
 * an entry, a thread it readied here gets the pCPU. */
static bool vcpu_fast_done(struct vcpu *v, u64 t)
{
	vcpu_fast_resched();
	v->entries++;
	v->host_ticks += k_now() - t;
	return true;
}

_Static_assert(GUEST_IRQ_FAST_VTIMER == VGIC_PPI_VTIMER, "guest.S: the vtimer PPI");
_Static_assert(GUEST_IRQ_FAST_KICK == IPI_KICK, "guest.S: the kick SGI");

/*
 * From the lower-EL IRQ vector (guest.S) like vcpu_irq_fast(), IPI_KICK
 * the highest pending interrupt: the running vCPU's vGIC changed
 * (vcpu_kick() on another pCPU): refresh its LRs in place
 * (virq_kick_fast()). Only when nothing else needs this pCPU - no thread
 * made ready here (need_resched, which comes with its own IPI_RESCHED), the
 * VM still running (vm_halt() and vcpu_stop() kick so that the loop sees
 * the state) - else a full exit.
 */
bool vcpu_kick_irq(struct guest_ctx *ctx)
{
	struct vcpu *v = container_of(ctx, struct vcpu, arch.ctx);
	u64 t = k_now();

	if (READ_ONCE(this_cpu()->need_resched) ||
	    READ_ONCE(v->vm->state) != VM_RUNNING)
		return false;
	virq_kick_fast(v);
	v->exits[EXIT_IRQ]++;
	return vcpu_fast_done(v, t);
}

/*
 * From the lower-EL IRQ vector (guest.S), the guest's context loaded, IRQs
 * masked, on the exception stack, with the physical PPI 27 the highest
 * pending interrupt: if it is v's own timer, inject it and return true so
 * that the vector returns straight into the guest (no world switch, no
 * scheduler). False: a full exit.
 */
bool vcpu_irq_fast(struct guest_ctx *ctx)
{
	struct vcpu *v = container_of(ctx, struct vcpu, arch.ctx);
	u64 t = k_now(), done = vtimer_fast_exit(v, t);

	if (!done)
		return false;
	v->exits[EXIT_VTIMER]++;
	v->entries++;
	v->host_ticks += done - t;
	return true;
}

/*
 * From the lower-EL synchronous vector (guest.S), for a trapped write of
 * ICC_SGI1R_EL1 only, the guest's context loaded, IRQs masked, all of the
 * guest's general registers in ctx: deliver the SGIs without the exit
 * (virq_sgi_fast()). True: guest.S steps past the instruction and returns
 * to the guest; false: the full exit emulates it.
 */
bool vcpu_sgi_fast(struct guest_ctx *ctx, u64 esr)
{
	struct vcpu *v = container_of(ctx, struct vcpu, arch.ctx);
	unsigned int rt = (esr >> 5) & 0x1f;	/* ISS.Rt (ARM ARM D17.2.37, EC 0x18) */
	u64 t = k_now();

	if (!virq_sgi_fast(v, rt == 31 ? 0 : ctx->x[rt]))
		return false;
	v->exits[EXIT_SYSREG]++;
	return vcpu_fast_done(v, t);
}

/*
 * From the lower-EL synchronous vector (guest.S), for a data abort from the
 * guest, with the same context as vcpu_sgi_fast() and FAR/HPFAR_EL2 read
 * there: an MMIO access its device completes atomically (vPL011 console
 * traffic) without the exit. True: guest.S steps past the instruction,
 * reloads every general register (a load's result) and returns to the
 * guest; false: nothing was done, the full exit emulates it.
 */
bool vcpu_dabt_fast(struct guest_ctx *ctx, u64 esr, u64 far, u64 hpfar)
{
	struct vcpu *v = container_of(ctx, struct vcpu, arch.ctx);
	u64 t = k_now();

	if (!exit_dabt_atomic(v, esr, far, hpfar))
		return false;
	return vcpu_fast_done(v, t);	/* counted: exit_dabt_atomic() */
}

static int vcpu_enter(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();
	int kind;
	u64 t = k_now(), now;

	virq_enter(v);
	vcpu_ctx_enter(v);	/* EL1 context: only after a switch (vcpu_ctx.h) */
	vcpu_hw_load(v);
	/* One reading for what follows: the entry is a few instructions on. */
	now = k_now();
	if (v->wfi_done)
		vtimer_wake(v, now);
	v->entries++;
	if (!v->vm->first_entry_at)	/* start latency: zvm info -n */
		v->vm->first_entry_at = now;
	vtimer_account_entry(v, now);
	v->host_ticks += now - t;
	kind = __guest_enter(&v->arch.ctx);
	t = k_now();
	v->last_exit_kind = kind;
	v->left_guest_at = t;
	vcpu_hw_save(v);
	virq_exit(v);
	v->host_ticks += k_now() - t;
	/* The host interrupt that caused the exit, taken here rather than by
	 * a second exception entry once IRQs are unmasked: its handler may
	 * switch straight to the thread it woke (a higher-priority vCPU). */
	if (kind == GUEST_EXIT_IRQ)
		irq_handle_and_switch();
	arch_irq_restore(flags);
	return kind;
}

static void vcpu_thread(void *arg)
{
	struct vcpu *v = arg;

	vtimer_cpu_init();	/* this thread is pinned: its pCPU's PPIs */
	/* An exit that stops the vCPU (CPU_OFF, SYSTEM_OFF) makes the wait
	 * below block or end the loop. */
	while (vcpu_wait_power_on(v)) {
		int kind = vcpu_enter(v);
		u64 t = k_now();

		vcpu_handle_exit(v, kind);
		/* WFI sleeps are not hypervisor work. */
		if (kind != GUEST_EXIT_SYNC || ESR_EC(v->arch.ctx.esr) != ESR_EC_WFx)
			v->host_ticks += k_now() - t;
	}
	vcpu_ctx_put(v);	/* before vcpu_stop() can free v */
	vcpu_hw_fp_release(v);
}

/* A new thread for v, suspended until vm_go() starts it. */
static int vcpu_spawn(struct vcpu *v)
{
	char name[20];
	struct thread_params p = {
		.name = name, .entry = vcpu_thread, .arg = v, .prio = v->prio,
		.affinity = BIT_ULL(v->pcpu), .start_suspended = true,
	};

	fmt_snprintf(name, sizeof(name), "vm%u.vcpu%u", v->vm->id, v->id);
	return thread_create(&p, &v->thread);
}

/* Everything of a boot starts afresh (as kzalloc'ed): registers, counters,
 * power state; only the identity is kept. */
static void vcpu_init(struct vcpu *v, struct vm *vm, unsigned int id, unsigned int pcpu,
		      unsigned int prio)
{
	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->id = id;
	v->pcpu = pcpu;
	v->prio = prio;
	v->powered_on = id == 0;
	sem_init(&v->wake, 0, 1);
	vcpu_ctx_init(v);
}

int vcpu_create(struct vm *vm, unsigned int id, unsigned int pcpu, unsigned int prio)
{
	struct vcpu *v = kzalloc(sizeof(*v));
	int err;

	if (!v)
		return -ENOMEM;
	vcpu_init(v, vm, id, pcpu, prio);
	err = vcpu_spawn(v);
	if (err) {
		kfree(v);
		return err;
	}
	vm->vcpus[id] = v;
	return 0;
}

int vcpu_respawn(struct vcpu *v)
{
	vcpu_stop(v);
	vcpu_init(v, v->vm, v->id, v->pcpu, v->prio);
	return vcpu_spawn(v);
}

/* The VM is no longer runnable: wake the thread wherever it waits, join it.
 * The vGIC was closed first (virq_close()), so no kick can reach the thread
 * once it is freed. */
void vcpu_stop(struct vcpu *v)
{
	struct thread *t = v->thread;

	if (!t)
		return;
	if (t->state == THREAD_NEW)
		thread_start(t);
	thread_resume(t);
	sem_give(&v->wake);
	vcpu_kick(v);
	thread_join(t, NULL);
	v->thread = NULL;
}

void vcpu_destroy(struct vcpu *v)
{
	vcpu_stop(v);
	v->vm->vcpus[v->id] = NULL;
	kfree(v);
}
