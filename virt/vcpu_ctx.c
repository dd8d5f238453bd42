/*
 * Lazy EL1 context: see include/virt/vcpu_ctx.h. Each pCPU holds at most
 * one vCPU's context, that of the thread running on it (the switch-out
 * hook saves it before any other thread runs), so loaded[] and
 * vcpu_arch.live_cpu change only on that pCPU, with IRQs masked.
 */
#include <kernel/arch_interface.h>
#include <kernel/printk.h>
#include <virt/vcpu_ctx.h>
#include <virt/vm.h>

static struct vcpu *loaded[CONFIG_MAX_CPUS];

void vcpu_ctx_init(struct vcpu *v)
{
	v->arch.live_cpu = -1;
}

/*
 * The saved copy is stale while loaded: make any direct reader see it.
 * Host tests only (tests/unit/test_vcpu_ctx.c checks the rule with it):
 * in the hypervisor, `make check-layers` refuses any direct user of the
 * copy, and the fill cost ~20 instructions on every vCPU switch.
 */
static void poison(struct vcpu_sysregs *s)
{
#ifdef HOST_TEST
	u64 *w = (u64 *)s;

	for (size_t i = 0; i < sizeof(*s) / sizeof(u64); i++)
		w[i] = VCPU_EL1_POISON;
#else
	(void)s;
#endif
}

static void put_locked(unsigned int cpu)
{
	struct vcpu *v = loaded[cpu];

	vcpu_hw_el1_save(v);
	v->arch.live_cpu = -1;
	loaded[cpu] = NULL;
}

bool vcpu_ctx_enter(struct vcpu *v)
{
	unsigned int cpu = arch_cpu_id();

	if (loaded[cpu] == v)
		return false;
	if (loaded[cpu])
		put_locked(cpu);
	vcpu_hw_el1_load(v);
	poison(&v->arch.el1_saved_);
	v->arch.live_cpu = (int)cpu;
	loaded[cpu] = v;
	return true;
}

void vcpu_ctx_put(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();
	unsigned int cpu = arch_cpu_id();

	if (loaded[cpu] == v)
		put_locked(cpu);
	arch_irq_restore(flags);
}

void vcpu_ctx_switch_out(void)
{
	unsigned int cpu = arch_cpu_id();

	if (loaded[cpu])
		put_locked(cpu);
}

struct vcpu_sysregs *vcpu_el1(struct vcpu *v)
{
	int live;

	vcpu_ctx_put(v);
	live = READ_ONCE(v->arch.live_cpu);
	if (live >= 0)
		pr_err("vcpu: vm%u.vcpu%u's EL1 state read while live on CPU %d\n",
		       v->vm->id, v->id, live);
	return &v->arch.el1_saved_;
}
