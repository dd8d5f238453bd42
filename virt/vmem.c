/*
 * vMem: stage-2 translation (ARM ARM D8, "stage 2 translation").
 *
 * 4 KiB granule, 39-bit IPA space starting at level 1 (one table page).
 * Guest RAM is a set of 2 MiB blocks from the host page allocator, zeroed
 * before the guest sees them and scrubbed when the VM is deleted; emulated
 * MMIO is left unmapped so that accesses trap; passthrough MMIO is mapped
 * as device memory; inter-VM shared memory (virt/shm.c) as normal memory
 * that cannot be executed. Nothing else of the host is reachable from a
 * guest.
 */
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <virt/vm.h>
#include <virt/vmem_hw.h>
#include <zvm/errno.h>

#define S2_VALID BIT_ULL(0)
#define S2_TABLE BIT_ULL(1)		/* table (L1/L2) or page (L3) */
#define S2_MEMATTR_NORMAL (0xfULL << 2)	/* outer/inner write-back */
#define S2_MEMATTR_DEVICE (0x1ULL << 2)	/* Device-nGnRE */
#define S2_AP_RW (3ULL << 6)
#define S2_SH_INNER (3ULL << 8)
#define S2_AF BIT_ULL(10)
#define S2_XN BIT_ULL(54)
#define S2_ADDR GENMASK(47, 12)

static u64 *s2_table_alloc(void)
{
	paddr_t pa;

	if (pages_alloc(0, &pa))
		return NULL;
	memset((void *)pa, 0, PAGE_SIZE);
	return (u64 *)pa;
}

static unsigned int s2_index(u64 ipa, int level)
{
	return (ipa >> (39 - 9 * level)) & 511;
}

/* Table at `level` (2 or 3) for ipa, created on demand from the L1 root;
 * NULL with *err = -ENOMEM, or -EEXIST if a block already maps ipa. */
static u64 *s2_walk(struct vm *vm, u64 ipa, int level, int *err)
{
	u64 *t = vm->s2_root;

	for (int l = 1; l < level; l++) {
		u64 *e = &t[s2_index(ipa, l)];

		if (!(*e & S2_VALID)) {
			u64 *n = s2_table_alloc();

			*err = -ENOMEM;
			if (!n)
				return NULL;
			*e = (u64)n | S2_VALID | S2_TABLE;
		} else if (!(*e & S2_TABLE)) {
			*err = -EEXIST;
			return NULL;
		}
		t = (u64 *)(*e & S2_ADDR);
	}
	return t;
}

/* Shared memory is XN so that no VM can run code another VM wrote there
 * (stage-2 XN, ARM ARM D8.4.2: execute-never whatever stage 1 says). */
static u64 s2_attrs(enum vmem_type type)
{
	static const u64 attrs[] = {
		[VMEM_RAM] = S2_MEMATTR_NORMAL | S2_SH_INNER,
		[VMEM_DEVICE] = S2_MEMATTR_DEVICE | S2_XN,
		[VMEM_SHARED] = S2_MEMATTR_NORMAL | S2_SH_INNER | S2_XN,
	};

	return S2_VALID | S2_AF | S2_AP_RW | attrs[type];
}

int vmem_map(struct vm *vm, u64 ipa, paddr_t pa, u64 size, enum vmem_type type)
{
	u64 end = ipa + size;

	if (!IS_ALIGNED(ipa | pa | size, PAGE_SIZE) || end > (1ULL << VM_IPA_BITS) || end < ipa ||
	    (unsigned int)type > VMEM_SHARED)
		return -EINVAL;
	while (ipa < end) {
		bool block = IS_ALIGNED(ipa | pa, BLOCK_2M) && end - ipa >= BLOCK_2M;
		int err = 0;
		u64 *t = s2_walk(vm, ipa, block ? 2 : 3, &err);
		u64 *e;

		if (!t)
			return err;
		e = &t[s2_index(ipa, block ? 2 : 3)];
		if (*e & S2_VALID)
			return -EEXIST;
		*e = (pa & S2_ADDR) | s2_attrs(type) | (block ? 0 : S2_TABLE);
		ipa += block ? BLOCK_2M : PAGE_SIZE;
		pa += block ? BLOCK_2M : PAGE_SIZE;
	}
	dsb(ishst);
	return 0;
}

static void s2_free_tables(u64 *t, int level)
{
	for (unsigned int i = 0; level < 3 && i < 512; i++)
		if ((t[i] & (S2_VALID | S2_TABLE)) == (S2_VALID | S2_TABLE))
			s2_free_tables((u64 *)(t[i] & S2_ADDR), level + 1);
	pages_free((paddr_t)t, 0);
}

static void ram_free(struct vm *vm)
{
	for (u64 i = 0; i < vm->nr_ram_blocks; i++) {
		/* Scrub: the next owner of these pages must not see this guest's data. */
		memset((void *)vm->ram_blocks[i], 0, BLOCK_2M);
		pages_free(vm->ram_blocks[i], 9);
	}
	kfree(vm->ram_blocks);
	vm->ram_blocks = NULL;
	vm->nr_ram_blocks = 0;
}

/* Identity-mapped VMs come with their blocks already taken (vm.c,
 * vm_identity.c): nr_ram_blocks of them, at ram_ipa onwards. */
static int ram_alloc(struct vm *vm)
{
	u64 n = vm->mem_size / BLOCK_2M;	/* <= VM_RAM_MAX / 2 MiB: the size cannot wrap */

	if (!vm->ram_blocks)
		vm->ram_blocks = kzalloc((size_t)n * sizeof(paddr_t));
	if (!vm->ram_blocks)
		return -ENOMEM;
	for (u64 i = 0; i < n; i++) {
		if (i >= vm->nr_ram_blocks && pages_alloc(9, &vm->ram_blocks[i]))
			return -ENOMEM;
		vm->nr_ram_blocks = MAX(vm->nr_ram_blocks, i + 1);
		memset((void *)vm->ram_blocks[i], 0, BLOCK_2M);
		if (vmem_map(vm, vm->ram_ipa + i * BLOCK_2M, vm->ram_blocks[i], BLOCK_2M, VMEM_RAM))
			return -ENOMEM;
	}
	return 0;
}

/*
 * Before the guest's first instruction: it starts with its MMU and caches
 * off, so what the host wrote through its cacheable mapping (the zeroing,
 * the images, the DTB) must be in memory, and no instruction cache may
 * hold an earlier owner's code for these addresses.
 */
void vmem_sync_for_guest(struct vm *vm)
{
	for (u64 i = 0; i < vm->nr_ram_blocks; i++)
		arch_dcache_clean_poc((void *)vm->ram_blocks[i], BLOCK_2M);
	arch_icache_inval_all();
}

void vmem_clear(struct vm *vm)
{
	for (u64 i = 0; i < vm->nr_ram_blocks; i++)
		memset((void *)vm->ram_blocks[i], 0, BLOCK_2M);
}

int vmem_init(struct vm *vm)
{
	int err;

	/* vm_create() checked already; but the block count and every IPA below
	 * are only sound for RAM inside the IPA space, so say no here too. */
	if (!vm->mem_size || !IS_ALIGNED(vm->mem_size, BLOCK_2M) ||
	    vm->ram_ipa < VM_RAM_IPA || vm->mem_size > (1ULL << VM_IPA_BITS) - vm->ram_ipa)
		return -EINVAL;
	vm->s2_root = s2_table_alloc();
	if (!vm->s2_root)
		return -ENOMEM;
	err = ram_alloc(vm);
	if (err)
		vmem_destroy(vm);
	return err;
}

void vmem_destroy(struct vm *vm)
{
	if (vm->s2_root) {
		vmem_hw_flush_vmid(vm->vmid);
		s2_free_tables(vm->s2_root, 1);
		vm->s2_root = NULL;
	}
	ram_free(vm);
}

void *vmem_ipa_to_host(struct vm *vm, u64 ipa, size_t *avail)
{
	u64 off = ipa - vm->ram_ipa;

	if (ipa < vm->ram_ipa || off >= vm->mem_size)
		return NULL;
	if (avail)
		*avail = BLOCK_2M - (off % BLOCK_2M);
	return (void *)(vm->ram_blocks[off / BLOCK_2M] + off % BLOCK_2M);
}

static int vmem_copy(struct vm *vm, u64 ipa, void *buf, size_t len, bool to_guest)
{
	if (ipa < vm->ram_ipa || ipa + len < ipa || ipa + len - vm->ram_ipa > vm->mem_size)
		return -EFAULT;
	while (len) {
		size_t avail = 0, n;
		u8 *host = vmem_ipa_to_host(vm, ipa, &avail);

		n = MIN(len, avail);
		if (to_guest)
			memcpy(host, buf, n);
		else
			memcpy(buf, host, n);
		ipa += n;
		buf = (u8 *)buf + n;
		len -= n;
	}
	return 0;
}

int vmem_write(struct vm *vm, u64 ipa, const void *src, size_t len)
{
	return vmem_copy(vm, ipa, (void *)src, len, true);
}

int vmem_read(struct vm *vm, u64 ipa, void *dst, size_t len)
{
	return vmem_copy(vm, ipa, dst, len, false);
}
