/*
 * Virtual PSCI. Every call is decoded and validated first, then acted on
 * in a step that cannot fail (seL4's decode/invoke split).
 */
#include <arch/psci.h>
#include <kernel/printk.h>
#include <kernel/sync.h>
#include <virt/vcpu_ctx.h>
#include <virt/vm.h>
#include <virt/vpsci.h>

#define PSCI_VERSION_1_0 0x10000
#define SMCCC_VERSION_1_1 0x10001
#define AFFINITY_ON 0
#define AFFINITY_OFF 1
#define MIGRATE_NOT_REQUIRED 2	/* no Trusted OS that needs migration */
#define MPIDR_AFF_MASK 0xff00ffffffULL


static s64 psci_cpu_on(struct vcpu *v, u64 mpidr, u64 entry, u64 ctx)
{
	struct vm *vm = v->vm;
	unsigned int id;
	s64 r = vpsci_check_cpu_on(vm->nr_vcpus, mpidr, entry, vm->ram_ipa, vm->mem_size, &id);
	struct vcpu *t;

	if (r)
		return r;
	t = vm->vcpus[id];
	if (READ_ONCE(t->powered_on))
		return PSCI_ALREADY_ON;
	vcpu_reset(t, entry, ctx);
	WRITE_ONCE(t->powered_on, true);
	sem_give(&t->wake);
	return PSCI_SUCCESS;
}

static s64 psci_affinity_info(struct vcpu *v, u64 mpidr, u64 level)
{
	u64 aff = mpidr & MPIDR_AFF_MASK;

	if (level != 0 || aff >= v->vm->nr_vcpus)
		return PSCI_INVALID_PARAMS;
	return READ_ONCE(v->vm->vcpus[aff]->powered_on) ? AFFINITY_ON : AFFINITY_OFF;
}

static s64 psci_features(u64 fid)
{
	switch ((u32)fid) {
	case PSCI_VERSION: case PSCI_CPU_SUSPEND_64: case PSCI_CPU_OFF: case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_64: case PSCI_MIGRATE_INFO_TYPE: case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET: case PSCI_SYSTEM_RESET2_64: case PSCI_FEATURES:
	case SMCCC_VERSION:
		return PSCI_SUCCESS;
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

/* Calls that end this vCPU's run loop. */
static bool psci_stop_call(struct vcpu *v, u32 fid)
{
	switch (fid) {
	case PSCI_CPU_OFF:
		/* Saved before a CPU_ON can reset it (vcpu_ctx.h). */
		vcpu_ctx_put(v);
		WRITE_ONCE(v->powered_on, false);
		return true;
	case PSCI_SYSTEM_OFF:
		vm_halt(v->vm, false, VM_EXIT_OFF);
		return true;
	case PSCI_SYSTEM_RESET:
		vm_halt(v->vm, false, VM_EXIT_RESET);
		return true;
	case PSCI_SYSTEM_RESET2_64:
		/* ZVM's convention (docs/architecture.md, "Guest reset and crash"):
		 * a warm reset is how a panicking Linux booted with `panic=-1
		 * reboot=panic_warm` leaves, so it marks the VM crashed and keeps
		 * it for inspection instead of restarting it. */
		vm_halt(v->vm, true, VM_EXIT_PANIC);
		return true;
	default:
		return false;
	}
}

static s64 psci_dispatch(struct vcpu *v, u32 fid, const u64 *x)
{
	switch (fid) {
	case PSCI_VERSION:
		return PSCI_VERSION_1_0;
	case SMCCC_VERSION:
		return SMCCC_VERSION_1_1;
	case PSCI_FEATURES:
		return psci_features(x[1]);
	case PSCI_CPU_ON_64:
		return psci_cpu_on(v, x[1], x[2], x[3]);
	case PSCI_AFFINITY_INFO_64:
		return psci_affinity_info(v, x[1], x[2]);
	case PSCI_MIGRATE_INFO_TYPE:
		return MIGRATE_NOT_REQUIRED;
	case PSCI_CPU_SUSPEND_64:
		return PSCI_SUCCESS;	/* a standby state: returning at once is allowed */
	default:
		return PSCI_NOT_SUPPORTED;	/* includes SMCCC_ARCH_FEATURES queries */
	}
}

bool vpsci_call(struct vcpu *v)
{
	u64 *x = v->arch.ctx.x;
	u32 fid = (u32)x[0];

	if (psci_stop_call(v, fid))
		return false;
	x[0] = (u64)psci_dispatch(v, fid, x);
	return true;
}
