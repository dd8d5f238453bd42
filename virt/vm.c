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
#include <lib/errmsg.h>
#include <lib/fmt.h>
#include <lib/pack.h>
#include <lib/string.h>
#include <virt/ivshmem.h>
#include <virt/loader_vm.h>
#include <virt/passthrough.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <virt/vm_dtb.h>
#include <virt/vm_limits.h>
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
	struct loader_ram ram = { vm->ram_ipa, vm->mem_size, NULL, guest_ram_write, vm };
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

/* Images into RAM, vCPU 0 at the entry point: what a boot and a restart
 * share (the vCPUs exist). */
static int vm_boot_images(struct vm *vm, char *err, size_t errlen)
{
	int r = vm_load(vm, vm->pack, vm->tmpl, err, errlen);

	if (r)
		return r;
	vmem_sync_for_guest(vm);
	vcpu_reset(vm->vcpus[0], vm->entry, vm->dtb_ipa);
	return 0;
}

static int vm_create_vcpus(struct vm *vm, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vcpu_create(vm, i, pick_pcpu(vm->tmpl, i), vm->tmpl->priority))
			return errmsg_set(err, errlen, -ENOMEM, "cannot create vCPU threads");
	return 0;
}

/* Setup order (teardown, vm_free(), is its reverse): memory, the UART,
 * vCPUs, the vGIC, then the interrupt sources that reach in from outside
 * (passthrough SPIs, other VMs' doorbells through shared regions), then
 * images. */
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
	if (vm->identity) {
		r = vm_ident_take(vm, vm_table, VM_MAX, err, errlen);
		if (r)
			return r;
	}
	if (vmem_init(vm))
		return errmsg_set(err, errlen, -ENOMEM, "cannot allocate %llu MiB of guest RAM",
				  (unsigned long long)(vm->mem_size >> 20));
	r = vpl011_create(vm, VM_DTB_UART_BASE, VM_UART_INTID);
	if (!r)
		r = vm_create_vcpus(vm, err, errlen);
	if (!r && virq_init(vm))
		r = errmsg_set(err, errlen, -ENOMEM, "cannot set up the virtual GIC");
	if (!r)
		r = passthrough_attach(vm, err, errlen);
	if (!r)
		r = ivshmem_attach(vm, err, errlen);
	return r ? r : vm_boot_images(vm, err, errlen);
}

static void vm_stop_vcpus(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i])
			vcpu_stop(vm->vcpus[i]);
}

/*
 * The reverse of vm_build(), for a VM no one can find any more (or a
 * failed build): first what reaches in asynchronously (other VMs'
 * doorbells, passthrough SPIs, then the vGIC's kicks), then the vCPUs, then
 * the devices and memory. The shared regions are put only once the stage 2
 * that maps them is gone.
 */
static void vm_free(struct vm *vm)
{
	ivshmem_detach(vm);
	passthrough_release(vm);
	virq_close(vm);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i])
			vcpu_destroy(vm->vcpus[i]);
	virq_destroy(vm);
	vpl011_destroy(vm);
	vmem_destroy(vm);
	ivshmem_destroy(vm);
	kfree(vm->tmpl);
	vmid_free(vm->vmid);
	kfree(vm);
}

/* Everything is bounded before anything is allocated: memory by the host's
 * RAM and the IPA space, vCPUs by VM_MAX_VCPUS, and no vCPU may land above
 * the shell on its pCPU (where it lands depends on the CPUs online). */
static int check_config(const struct vm_config *cfg, u64 *mem, unsigned int *nv, char *err,
			size_t errlen)
{
	struct pa_stats st;
	int r;

	*mem = cfg->mem_size ? cfg->mem_size : cfg->tmpl->mem_size;
	*nv = cfg->nr_vcpus ? cfg->nr_vcpus : cfg->tmpl->vcpus;
	pages_stats(&st);
	r = vm_check_mem(*mem, st.total_pages * PAGE_SIZE, err, errlen);
	if (!r)
		r = vm_check_vcpus(*nv, err, errlen);
	for (unsigned int i = 0; i < *nv && !r; i++)
		r = vm_check_placement(i, pick_pcpu(cfg->tmpl, i), cfg->tmpl->priority, err,
				       errlen);
	return r;
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
	vm->identity = pack_tpl_identity(cfg->tmpl);
	vm->ram_ipa = loader_vm_ram_base(cfg->tmpl);
	vm->nr_vcpus = nv;
	vm->state = VM_CREATED;
	mutex_init(&vm->op_lock);
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

/*
 * Under vm->op_lock. The teardown half is vm_free()'s order (interrupt
 * sources, vGIC gate, vCPUs, memory); the rebuild is vm_build()'s. The
 * slow part (clearing RAM) holds no lock anyone else needs but this VM's.
 */
static int vm_restart_locked(struct vm *vm)
{
	char err[VM_ERR_LEN] = "";
	u64 t0 = k_now();
	int r = 0;

	if (vm->state != VM_HALTED && vm->state != VM_CRASHED)
		return -EPERM;
	passthrough_quiesce(vm);
	virq_close(vm);
	vm_stop_vcpus(vm);
	vmem_clear(vm);
	ivshmem_reset(vm);	/* IntrMask 0: nothing raises its line until the guest sets it */
	virq_reset(vm);
	vpl011_restart(vm);
	for (unsigned int i = 0; i < vm->nr_vcpus && !r; i++)
		if (vcpu_respawn(vm->vcpus[i]))
			r = errmsg_set(err, sizeof(err), -ENOMEM, "cannot create vCPU threads");
	if (!r)
		r = vm_boot_images(vm, err, sizeof(err));
	if (r) {
		pr_ratelimited(LOG_ERR, "vm%u (%s): restart failed: %s", vm->id, vm->name, err);
		vm_stop_vcpus(vm);	/* the gate stays closed: only delete is left */
		return r;
	}
	virq_open(vm);
	passthrough_resume(vm);
	vm->restarts++;
	vm->build_ticks = k_now() - t0;
	/* Guest-requested restarts take at most 1/(1 + VM_RESTART_BACKOFF)
	 * of the worker's CPU: a reset loop cannot keep it clearing RAM. */
	vm->restart_not_before = k_now() + VM_RESTART_BACKOFF * vm->build_ticks;
	pr_ratelimited(LOG_INFO, "vm%u (%s): restarting", vm->id, vm->name);
	return vm_go(vm);
}

/* The one way to act on a VM found by slot from a thread other than the
 * shell: the table lock keeps it from being freed until its op_lock is
 * held, which vm_delete() then waits for. */
static struct vm *vm_lock_slot(unsigned int id)
{
	struct vm *vm;

	mutex_lock(&vm_table_lock, K_FOREVER);
	vm = id < VM_MAX ? vm_table[id] : NULL;
	if (vm)
		mutex_lock(&vm->op_lock, K_FOREVER);
	mutex_unlock(&vm_table_lock);
	return vm;
}

u64 vm_restart_requested(unsigned int id, u64 now)
{
	struct vm *vm = vm_lock_slot(id);
	u64 retry = 0;

	if (!vm)
		return 0;
	/* Deleted or restarted by hand meanwhile: nothing to do. */
	if (vm->state == VM_HALTED && vm->exit_code == VM_EXIT_RESET) {
		if (now < vm->restart_not_before)
			retry = vm->restart_not_before;
		else if (vm_restart_locked(vm))
			pr_ratelimited(LOG_ERR, "vm%u: restart after guest reset failed; it stays halted", id);
	}
	mutex_unlock(&vm->op_lock);
	return retry;
}

/* Shell requests: one at a time per VM, against the restart worker too. */
static int vm_op(struct vm *vm, int (*op)(struct vm *vm))
{
	int r;

	mutex_lock(&vm->op_lock, K_FOREVER);
	r = op(vm);
	mutex_unlock(&vm->op_lock);
	return r;
}

static int vm_start_locked(struct vm *vm)
{
	if (vm->state == VM_HALTED || vm->state == VM_CRASHED)
		return vm_restart_locked(vm);
	return vm_go(vm);
}

int vm_start(struct vm *vm)
{
	return vm_op(vm, vm_start_locked);
}

static int vm_pause_locked(struct vm *vm)
{
	int r = vm_set_state(vm, VM_PAUSED);

	if (r)
		return r;
	vm->paused_at = k_now();
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		thread_suspend(vm->vcpus[i]->thread);
	return 0;
}

int vm_pause(struct vm *vm)
{
	return vm_op(vm, vm_pause_locked);
}

static int vm_resume_locked(struct vm *vm)
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

int vm_resume(struct vm *vm)
{
	return vm_op(vm, vm_resume_locked);
}

void vm_halt(struct vm *vm, bool crashed, int code)
{
	if (vm_set_state(vm, crashed ? VM_CRASHED : VM_HALTED))
		return;
	vm->exit_code = code;
	pr_ratelimited(LOG_INFO, "vm%u (%s): %s%s", vm->id, vm->name,
		       crashed ? "crashed" : "halted",
		       code == VM_EXIT_RESET ? " (reset requested)" :
		       code == VM_EXIT_PANIC ? " (guest panic)" :
		       code == VM_EXIT_SERROR ? " (SError)" : "");
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(vm->vcpus[i]);	/* they see the state and stop */
	if (code == VM_EXIT_RESET)
		vm_request_restart(vm);
}

/* Out of the table first (nobody finds it again), after any restart in
 * progress (its op_lock), then freed without holding a lock. */
int vm_delete(struct vm *vm)
{
	int r = -ENOENT;

	mutex_lock(&vm_table_lock, K_FOREVER);
	if (vm_table[vm->id] == vm) {
		mutex_lock(&vm->op_lock, K_FOREVER);
		r = vm_set_state(vm, VM_DELETED);
		if (!r)
			vm_table[vm->id] = NULL;
		mutex_unlock(&vm->op_lock);
	}
	mutex_unlock(&vm_table_lock);
	if (!r)
		vm_free(vm);
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
