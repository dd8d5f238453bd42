/*
 * VM lifecycle: created -> running <-> paused -> halted/crashed -> deleted
 * (ARM-agnostic). Every request checks the transition table first and only
 * then acts; an illegal one changes nothing and returns -EPERM.
 */
#include <arch/mmu.h>
#include <kernel/cpu.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <lib/fmt.h>
#include <lib/pack.h>
#include <lib/string.h>
#include <virt/loader_vm.h>
#include <virt/passthrough.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <virt/vm_dtb.h>
#include <virt/vmem_hw.h>
#include <virt/vpl011.h>
#include <zvm/errno.h>

#define VM_UART_INTID 33

static struct vm *vm_table[VM_MAX];
static struct mutex vm_table_lock = MUTEX_INIT(vm_table_lock);
static u64 vmid_used[4];	/* VMID 0 is the host's: never handed out */


/* Move to `to` if allowed; under vm->lock so racing requests serialise. */
static int vm_set_state(struct vm *vm, enum vm_state to)
{
	unsigned long flags = spin_lock_irqsave(&vm->lock);
	int r = vm_transition_ok(vm->state, to) ? 0 : -EPERM;

	if (!r)
		WRITE_ONCE(vm->state, to);
	spin_unlock_irqrestore(&vm->lock, flags);
	return r;
}

unsigned int vm_nr_vcpus(const struct vm *vm)
{
	return vm->nr_vcpus;
}

struct vcpu *vm_vcpu(struct vm *vm, unsigned int id)
{
	return id < vm->nr_vcpus ? vm->vcpus[id] : NULL;
}

static int vmid_alloc(void)
{
	unsigned int max = 64u * ARRAY_SIZE(vmid_used);	/* fits 8-bit VMIDs too */

	for (unsigned int id = 1; id < max; id++)
		if (!(vmid_used[id / 64] & BIT_ULL(id % 64))) {
			vmid_used[id / 64] |= BIT_ULL(id % 64);
			return (int)id;
		}
	return -ENOSPC;
}

static void vmid_free(u16 id)
{
	vmid_used[id / 64] &= ~BIT_ULL(id % 64);
}

static int slot_alloc(void)
{
	for (int i = 0; i < VM_MAX; i++)
		if (!vm_table[i])
			return i;
	return -ENOSPC;
}

/* pCPU of vCPU i: the template's pin, else the i-th CPU of its mask, else
 * the i-th CPU after the host console's CPU 0. */
static unsigned int pick_pcpu(const struct pack_template *t, unsigned int i)
{
	u64 online = 0, mask;
	unsigned int n;

	for (unsigned int c = 0; c < CONFIG_MAX_CPUS; c++)
		if (cpus[c].online)
			online |= BIT_ULL(c);
	if (i < PACK_MAX_VCPUS && t->pcpu_pin[i] != PACK_PIN_NONE &&
	    (online & BIT_ULL(t->pcpu_pin[i])))
		return t->pcpu_pin[i];
	mask = t->pcpu_mask & online;
	if (!mask)
		mask = (online & ~1ULL) ? (online & ~1ULL) : online;
	n = i % (unsigned int)__builtin_popcountll(mask);
	while (n--)
		mask &= mask - 1;
	return (unsigned int)__builtin_ctzll(mask);
}

static int guest_ram_write(void *ctx, u64 ipa, const void *src, u64 len)
{
	struct vm *vm = ctx;

	if (src)
		return vmem_write(vm, ipa, src, len);
	return 0;	/* RAM is already zeroed */
}

static int vm_load(struct vm *vm, const struct pack *pk, const struct pack_template *t,
		   char *err, size_t errlen)
{
	struct loader_ram ram = { VM_RAM_IPA, vm->mem_size, NULL, guest_ram_write, vm };
	struct vm_boot boot;
	size_t scratch_size = 64 * 1024;
	void *scratch = kmalloc_aligned(scratch_size, 16);
	int r;

	if (!scratch)
		return -ENOMEM;
	r = loader_boot_vm(pk, t, &ram, scratch, scratch_size, &boot, err, errlen);
	memzero_explicit(scratch, scratch_size);	/* the DTB's seeds: the guest's copy only */
	kfree(scratch);
	if (r)
		return r;
	vm->entry = boot.kernel.entry;
	vm->dtb_ipa = boot.layout.dtb;
	return 0;
}

/* Images into RAM, vCPU threads, vCPU 0 at the entry point: what a boot
 * and a restart share. */
static int vm_boot_setup(struct vm *vm, char *err, size_t errlen)
{
	const struct pack_template *t = vm->tmpl;
	int r = vm_load(vm, vm->pack, vm->tmpl, err, errlen);

	for (unsigned int i = 0; i < vm->nr_vcpus && !r; i++) {
		r = vcpu_create(vm, i, pick_pcpu(t, i), t->priority);
		if (r)
			fmt_snprintf(err, errlen, "cannot create vCPU threads");
	}
	if (!r) {
		vmem_sync_for_guest(vm);
		vcpu_reset(vm->vcpus[0], vm->entry, vm->dtb_ipa);
	}
	return r;
}

static int vm_build(struct vm *vm, const struct vm_config *cfg, char *err, size_t errlen)
{
	int r;

	vm->pack = cfg->pack;
	vm->tmpl = kmalloc(sizeof(*vm->tmpl));
	if (!vm->tmpl)
		return -ENOMEM;
	*vm->tmpl = *cfg->tmpl;
	vm->tmpl->mem_size = vm->mem_size;	/* what a restart must rebuild */
	vm->tmpl->vcpus = vm->nr_vcpus;
	r = vmem_init(vm);
	if (r) {
		fmt_snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM",
			     (unsigned long long)(vm->mem_size >> 20));
		return r;
	}
	r = vpl011_create(vm, VM_DTB_UART_BASE, VM_UART_INTID);
	if (!r)
		r = vm_boot_setup(vm, err, errlen);
	if (r)
		return r;
	r = virq_init(vm);
	if (r) {
		fmt_snprintf(err, errlen, "cannot set up the virtual GIC");
		return r;
	}
	return passthrough_attach(vm, err, errlen);
}

static void vm_stop_vcpus(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i])
			vcpu_destroy(vm->vcpus[i]);
}

static void vm_free(struct vm *vm)
{
	vm_stop_vcpus(vm);
	passthrough_release(vm);
	kfree(vm->tmpl);
	vpl011_destroy(vm);
	virq_destroy(vm);
	vmem_destroy(vm);
	vmid_free(vm->vmid);
	kfree(vm);
}

static int check_config(const struct vm_config *cfg, u64 *mem, unsigned int *nv, char *err,
			size_t errlen)
{
	*mem = cfg->mem_size ? cfg->mem_size : cfg->tmpl->mem_size;
	*nv = cfg->nr_vcpus ? cfg->nr_vcpus : cfg->tmpl->vcpus;
	if (*mem < BLOCK_2M || !IS_ALIGNED(*mem, BLOCK_2M)) {
		fmt_snprintf(err, errlen, "memory must be a multiple of 2 MiB (got %llu bytes)",
			     (unsigned long long)*mem);
		return -EINVAL;
	}
	if (*nv < 1 || *nv > VM_MAX_VCPUS) {
		fmt_snprintf(err, errlen, "vCPUs must be 1..%u (got %u)", VM_MAX_VCPUS, *nv);
		return -EINVAL;
	}
	return 0;
}

static struct vm *vm_alloc(const struct vm_config *cfg, u64 mem, unsigned int nv, int slot,
			   int vmid)
{
	struct vm *vm = kzalloc(sizeof(*vm));

	if (!vm)
		return NULL;
	vm->id = (unsigned int)slot;
	vm->vmid = (u16)vmid;
	strlcpy(vm->name, cfg->tmpl->name, sizeof(vm->name));
	vm->lock = (spinlock_t)SPINLOCK_INIT;
	vm->mem_size = mem;
	vm->nr_vcpus = nv;
	vm->state = VM_CREATED;
	mmio_bus_init(&vm->mmio);
	ringbuf_init(&vm->console, vm->console_mem, sizeof(vm->console_mem));
	return vm;
}

int vm_create(const struct vm_config *cfg, struct vm **out, char *err, size_t errlen)
{
	u64 mem;
	unsigned int nv;
	int slot, vmid, r = check_config(cfg, &mem, &nv, err, errlen);
	u64 t0 = k_now();
	struct vm *vm;

	if (r)
		return r;
	mutex_lock(&vm_table_lock, K_FOREVER);
	slot = slot_alloc();
	vmid = vmid_alloc();
	if (slot < 0 || vmid < 0) {
		if (vmid >= 0)
			vmid_free((u16)vmid);
		mutex_unlock(&vm_table_lock);
		fmt_snprintf(err, errlen, "too many VMs (at most %u)", VM_MAX);
		return -ENOSPC;
	}
	vm = vm_alloc(cfg, mem, nv, slot, vmid);
	r = vm ? vm_build(vm, cfg, err, errlen) : -ENOMEM;
	if (r) {
		if (vm)
			vm_free(vm);
		else
			vmid_free((u16)vmid);
	} else {
		vm->build_ticks = k_now() - t0;
		vm_table[slot] = vm;
		*out = vm;
	}
	mutex_unlock(&vm_table_lock);
	return r;
}

static int vm_go(struct vm *vm)
{
	int r = vm_set_state(vm, VM_RUNNING);

	if (r)
		return r;
	/* Guest virtual time starts near 0 (CNTVCT = CNTPCT - CNTVOFF). */
	vm->cntvoff = k_now();
	vm->started_at = k_now();
	vm->first_entry_at = 0;		/* vcpu_enter() stamps it */
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		thread_start(vm->vcpus[i]->thread);
	return 0;
}

/* Under vm_table_lock: the reset worker and the shell may both ask. */
static int vm_restart_locked(struct vm *vm)
{
	char err[160] = "";
	u64 t0 = k_now();
	int r;

	if (vm->state != VM_HALTED && vm->state != VM_CRASHED)
		return -EPERM;
	vm_stop_vcpus(vm);
	vmem_clear(vm);
	virq_reset(vm);
	vpl011_restart(vm);
	r = vm_boot_setup(vm, err, sizeof(err));
	if (r) {
		pr_ratelimited(LOG_ERR, "vm%u (%s): restart failed: %s", vm->id, vm->name, err);
		vm_stop_vcpus(vm);
		return r;
	}
	vm->build_ticks = k_now() - t0;
	pr_ratelimited(LOG_INFO, "vm%u (%s): restarting", vm->id, vm->name);
	return vm_go(vm);
}

int vm_restart(struct vm *vm)
{
	int r;

	mutex_lock(&vm_table_lock, K_FOREVER);
	r = vm_table[vm->id] == vm ? vm_restart_locked(vm) : -ENOENT;
	mutex_unlock(&vm_table_lock);
	return r;
}

int vm_start(struct vm *vm)
{
	if (vm->state == VM_HALTED || vm->state == VM_CRASHED)
		return vm_restart(vm);
	return vm_go(vm);
}

int vm_pause(struct vm *vm)
{
	int r = vm_set_state(vm, VM_PAUSED);

	if (r)
		return r;
	vm->paused_at = k_now();
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		thread_suspend(vm->vcpus[i]->thread);
	return 0;
}

int vm_resume(struct vm *vm)
{
	int r = vm_set_state(vm, VM_RUNNING);

	if (r)
		return r;
	/* Guest time does not advance while paused. */
	vm->cntvoff += k_now() - vm->paused_at;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		thread_resume(vm->vcpus[i]->thread);
	return 0;
}

void vm_halt(struct vm *vm, bool crashed, int code)
{
	if (vm_set_state(vm, crashed ? VM_CRASHED : VM_HALTED))
		return;
	vm->exit_code = code;
	pr_ratelimited(LOG_INFO, "vm%u (%s): %s%s", vm->id, vm->name,
		       crashed ? "crashed" : "halted",
		       code == VM_EXIT_RESET ? " (reset requested)" :
		       code == VM_EXIT_PANIC ? " (guest panic)" : "");
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(vm->vcpus[i]);	/* they see the state and stop */
	if (code == VM_EXIT_RESET)
		vm_request_restart(vm);
}

int vm_delete(struct vm *vm)
{
	int r;

	mutex_lock(&vm_table_lock, K_FOREVER);
	r = vm_set_state(vm, VM_DELETED);
	if (!r) {
		vm_table[vm->id] = NULL;
		vm_free(vm);
	}
	mutex_unlock(&vm_table_lock);
	return r;
}

struct vm *vm_find(unsigned int id)
{
	return id < VM_MAX ? vm_table[id] : NULL;
}

void vm_for_each(void (*fn)(struct vm *vm, void *ctx), void *ctx)
{
	mutex_lock(&vm_table_lock, K_FOREVER);
	for (unsigned int i = 0; i < VM_MAX; i++)
		if (vm_table[i])
			fn(vm_table[i], ctx);
	mutex_unlock(&vm_table_lock);
}
