/* Virtual machines and their vCPUs. */
#ifndef VIRT_VM_H
#define VIRT_VM_H

#include <arch/fpsimd.h>
#include <arch/guest_ctx.h>
#include <kernel/spinlock.h>
#include <kernel/sync.h>
#include <kernel/thread.h>
#include <lib/ringbuf.h>
#include <virt/mmio.h>
#include <virt/vm_api.h>
#include <virt/vm_state.h>
#include <virt/vsysreg.h>

#define VM_MAX 16
#define VM_MAX_VCPUS 8
#define VM_NAME_LEN 32
#define VM_RAM_IPA 0x40000000ULL
#define VM_IPA_BITS 39			/* stage 2 starts at level 1 (virt/vmem.c) */
/* Guest RAM runs from VM_RAM_IPA to the top of the IPA space: 511 GiB. */
#define VM_RAM_MAX ((1ULL << VM_IPA_BITS) - VM_RAM_IPA)
#define VM_CONSOLE_BUF 16384
/* Room for vm_create()'s messages: a refused passthrough device names its
 * host device tree node (path and compatible) and the reason. */
#define VM_ERR_LEN 256
#define VM_MAX_SHM 4			/* = PACK_SHM_MAX_PER_TPL, = VPCI_MAX_DEVS */


/* Exit reasons counted per vCPU (the `zvm info` columns). EXIT_VTIMER: an
 * irq exit for the guest's own timer, injected on the fast path. */
enum exit_reason {
	EXIT_IRQ, EXIT_VTIMER, EXIT_WFI, EXIT_WFE, EXIT_HVC, EXIT_SMC, EXIT_SYSREG, EXIT_DABT_MMIO,
	EXIT_DABT_BAD, EXIT_IABT, EXIT_FP, EXIT_UNDEF, EXIT_OTHER, EXIT_NR,
};

/* EL1 system registers switched with the vCPU (ARM ARM D13), saved when
 * its thread leaves the pCPU (virt/vcpu_ctx.c). */
struct vcpu_sysregs {
	u64 sctlr, cpacr, ttbr0, ttbr1, tcr, esr, afsr0, afsr1, far, mair, amair;
	u64 vbar, contextidr, tpidr_el0, tpidrro_el0, tpidr_el1, sp_el1, elr_el1, spsr_el1;
	u64 par, cntkctl, csselr;
	u64 cntp_ctl, cntp_cval;	/* EL1 physical timer: the guest's, not shared */
	/* Only with the features (hidden from guests, but these registers
	 * work anyway): VDISR_EL2 (RAS: the guest's DISR_EL1), TPIDR2_EL0 (SME). */
	u64 vdisr, tpidr2;
};

/* The guest's virtual timer as of its latest exit (vcpu_hw_save() reads it
 * on every exit: vtimer.c decides on it between exits). `masked`: the exit
 * set CNTV_CTL_EL0.IMASK in hardware so that the timer cannot fire into
 * the host while the EL1 context stays loaded; the next entry clears it. */
struct vcpu_cntv {
	u64 ctl, cval;
	bool masked;
};


/*
 * How late the guest's timer interrupt reaches it (`zvm info -n`, `zvm
 * latency`): host counter ticks from the timer's deadline to the guest
 * entry that carries it, split by path, with a log2 histogram (bucket i
 * holds [2^i, 2^(i+1)) ticks, bucket 0 also 0: one per bit, stored in
 * reverse - vtimer_lat_at() reads them - so that the fast path indexes it
 * with the CLZ alone).
 * For the full path, `worst_exit` says what the vCPU was doing when its
 * slowest delivery came due: VTIMER_WHY_IRQ for an interrupt exit, else the
 * exception class (ESR_EL2.EC) of the exit being handled. Statistics only:
 * the shell reads and clears them without stopping the vCPU.
 */
enum vtimer_path { VTIMER_FAST, VTIMER_FULL, VTIMER_PATH_NR };
#define VTIMER_WHY_IRQ 64
#define VTIMER_HIST_NR 64
struct vtimer_lat {
	u64 sum, max;			/* the count is the histogram's total */
	u64 zvm_sum, zvm_max;		/* the hypervisor's part (vtimer_lat_add()) */
	unsigned int worst_exit;
	u64 hist[VTIMER_HIST_NR];	/* 64-bit: a 1 kHz timer fills a u32 in 50 days */
	u64 zvm_hist[VTIMER_HIST_NR];	/* the hypervisor's part, same buckets */
};
/* One delivery not yet added to its histogram (vtimer_lat.h); now == 0:
 * none (a host counter value, never 0 once the host runs). */
struct vtimer_lat_defer {
	u64 due, left, now;
	unsigned int why;
};

struct vcpu_arch {
	struct guest_ctx ctx;		/* general registers, written by guest.S */
	/*
	 * The saved EL1 context. Loaded lazily: from the first entry after its
	 * thread is switched in until it is switched out (or unloaded), the
	 * hardware holds the truth and this copy is stale (poisoned in host
	 * tests). Never touch it directly: vcpu_el1() (virt/vcpu_ctx.h)
	 * unloads first.
	 */
	struct vcpu_sysregs el1_saved_;
	int live_cpu;			/* pCPU holding the EL1 context, or -1 */
	struct vcpu_cntv cntv;
	u64 vmpidr;			/* VMPIDR_EL2: what the guest reads as MPIDR */
	u64 hcr;
	u64 mdcr;			/* MDCR_EL2 while this vCPU runs */
	u64 host_mdcr;			/* and the host's, while it is loaded */
	struct vcpu_debug dbg;
	struct vcpu_pmu pmu;
	struct fpsimd_state fp;		/* valid unless this vCPU owns its pCPU's FP */
};

struct vm;
struct virq;
struct vpci;
struct ivshmem;

struct vcpu {
	struct vcpu_arch arch;		/* first: the world switch uses it */
	struct vm *vm;
	unsigned int id;
	unsigned int pcpu;		/* pinned physical CPU */
	unsigned int prio;
	struct thread *thread;
	bool powered_on;		/* PSCI: CPU_ON'ed or the boot vCPU */
	bool wfi_wait;			/* blocked in WFI */
	bool wfi_done;			/* a WFI handled since the last entry */
	struct semaphore wake;		/* WFI wake-ups, CPU_ON, resume */
	u64 exits[EXIT_NR];
	u64 entries;
	u64 host_ticks;			/* counter ticks spent in the hypervisor for it */
	bool vtimer_owed;		/* its virtual timer PPI may be pending/active */
	int last_exit_kind;		/* GUEST_EXIT_* of the latest exit */
	u64 left_guest_at;		/* host counter at the latest exit */
	u64 vtimer_due;			/* deadline of a full-path delivery in flight, or 0 */
	struct vtimer_lat vtimer_lat[VTIMER_PATH_NR];
	/* A VTIMER_FULL delivery, added at the next full exit: vtimer_wake(),
	 * vtimer_account_entry() */
	struct vtimer_lat_defer vtimer_lat_full_defer;
};

struct pack;
struct pack_template;

/* What `zvm new` asks for: a template from the image pack, with the
 * memory size and vCPU count possibly overridden. */
struct vm_config {
	const struct pack *pack;
	const struct pack_template *tmpl;
	u64 mem_size;			/* 0 = the template's */
	unsigned int nr_vcpus;		/* 0 = the template's */
};

struct vm {
	unsigned int id;
	char name[VM_NAME_LEN];
	enum vm_state state;
	spinlock_t lock;
	u64 mem_size;
	u64 ram_ipa;			/* guest RAM base: VM_RAM_IPA, or = host PA (identity) */
	bool identity;			/* RAM at IPA == PA (memory_at or identity = yes) */
	paddr_t *ram_blocks;		/* host PA of each 2 MiB block */
	u64 nr_ram_blocks;		/* u64 like mem_size: a count never wraps */
	u64 *s2_root;			/* stage-2 translation table */
	u16 vmid;
	unsigned int nr_vcpus;
	struct vcpu *vcpus[VM_MAX_VCPUS];
	struct mmio_bus mmio;
	u64 entry, dtb_ipa;
	u64 cntvoff;			/* CNTVOFF_EL2: guest time starts near 0 */
	u64 paused_at;
	u64 started_at;
	u64 build_ticks;		/* zvm new (or a restart): RAM, images, vCPUs */
	u64 first_entry_at;		/* vCPU 0's first entry after a start; 0 = none yet */
	struct ringbuf console;
	u8 console_mem[VM_CONSOLE_BUF];
	const struct pack *pack;	/* images, for a restart */
	struct pack_template *tmpl;
	void *vpl011;
	struct virq *virq;		/* vGIC (virt/virq.c) */
	struct vpci *vpci;		/* PCI host bridge, when it has ivshmem devices */
	struct ivshmem *ivshmem[VM_MAX_SHM];	/* one per shared region joined */
	unsigned int nr_ivshmem;
	int exit_code;			/* why it halted/crashed: VM_EXIT_* */
	/* Serialises start/pause/resume/restart/delete of this VM (the shell,
	 * the restart worker); taken inside vm_table_lock, never around it. */
	struct mutex op_lock;
	unsigned int restarts;		/* since `zvm new` */
	u64 restart_not_before;		/* back-off of guest-requested restarts */
};

/* A guest's reset loop: the next restart waits this many times as long as
 * the last one took (the worker spends at most 1/(1 + n) of its CPU). */
#define VM_RESTART_BACKOFF 4

/* Why a VM stopped (vm->exit_code). */
enum { VM_EXIT_OFF, VM_EXIT_RESET, VM_EXIT_PANIC, VM_EXIT_SERROR };

/* Lifecycle (virt/vm.c). Every illegal transition returns -EPERM. */
int vm_create(const struct vm_config *cfg, struct vm **out, char *err, size_t errlen);
int vm_start(struct vm *vm);
int vm_pause(struct vm *vm);
int vm_resume(struct vm *vm);
int vm_delete(struct vm *vm);
struct vm *vm_find(unsigned int id);
void vm_for_each(void (*fn)(struct vm *vm, void *ctx), void *ctx);
/* A guest asked to stop (PSCI SYSTEM_OFF/RESET) or broke beyond recovery.
 * VM_EXIT_RESET also queues a restart (virt/vm_restart.c). */
void vm_halt(struct vm *vm, bool crashed, int code);
void vm_request_restart(struct vm *vm);
/* The restart worker: boot VM slot id again from its images (fresh RAM,
 * vCPUs, devices) if it is still halted by its guest's reset. Returns 0,
 * or the counter value before which its back-off forbids it. */
u64 vm_restart_requested(unsigned int id, u64 now);

/* vCPU (virt/vcpu.c). */
/* A vCPU lives as long as its VM (vm->vcpus[i] is never NULL in between);
 * its thread lives for one boot: vcpu_stop() joins it, vcpu_respawn()
 * gives a restart a fresh one (and fresh registers and counters). */
int vcpu_create(struct vm *vm, unsigned int id, unsigned int pcpu, unsigned int prio);
int vcpu_respawn(struct vcpu *v);
void vcpu_stop(struct vcpu *v);
void vcpu_destroy(struct vcpu *v);
void vcpu_reset(struct vcpu *v, u64 entry, u64 x0);
/* Exit handling (virt/exits.c): returns false when the vCPU must stop. */
bool vcpu_handle_exit(struct vcpu *v, int kind);
void vcpu_inject_undef(struct vcpu *v);
void vcpu_inject_dabt(struct vcpu *v, u64 far);
void vcpu_inject_iabt(struct vcpu *v, u64 far);

/* Identity-mapped RAM (virt/vm_ident_host.c): take exactly the VM's
 * [ram_ipa, +mem_size) (memory_at), or a range placed now, which becomes
 * ram_ipa (identity = yes), from the page allocator into vm->ram_blocks,
 * before vmem_init(); table[0..n) are the other VMs (table lock held).
 * The message names what is in the way, or the largest free block. */
int vm_ident_take(struct vm *vm, struct vm *const *table, unsigned int n, char *err,
		  size_t errlen);

/* Stage-2 (virt/vmem.c). */
int vmem_init(struct vm *vm);
/* How a range is mapped: guest RAM (normal, write-back, inner shareable),
 * passthrough MMIO (Device-nGnRE, XN), or inter-VM shared memory (normal
 * like RAM, but XN). */
enum vmem_type { VMEM_RAM, VMEM_DEVICE, VMEM_SHARED };
int vmem_map(struct vm *vm, u64 ipa, paddr_t pa, u64 size, enum vmem_type type);
void vmem_destroy(struct vm *vm);
/* Zero all guest RAM (a restart: nothing of the last boot survives). */
void vmem_clear(struct vm *vm);
/* Guest RAM to memory and no stale instructions: before its first run. */
void vmem_sync_for_guest(struct vm *vm);
/* Copy into / out of guest RAM by IPA; -EFAULT outside RAM. */
int vmem_write(struct vm *vm, u64 ipa, const void *src, size_t len);
int vmem_read(struct vm *vm, u64 ipa, void *dst, size_t len);
/* Host pointer for an IPA inside RAM (contiguous up to the 2 MiB block). */
void *vmem_ipa_to_host(struct vm *vm, u64 ipa, size_t *avail);

#endif
