/*
 * Kernel stage-1 page tables (ARM ARM D8: VMSAv8-64 translation).
 *
 * 4 KiB granule, 48-bit VA, four levels (L0..L3). RAM and MMIO are
 * identity-mapped (VA == PA), so the kernel and the page allocator can use
 * physical addresses directly; thread stacks live in a separate window so
 * that each gets an unmapped guard page below it. Tables are built with the
 * MMU off on the boot CPU from a static pool, later pages come from the
 * page allocator.
 */
#include <arch/el.h>
#include <arch/mmu.h>
#include <arch/stacks.h>
#include <arch/sysreg.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include <zvm/errno.h>

#define PTE_VALID BIT_ULL(0)
#define PTE_TABLE BIT_ULL(1)	/* L0-L2: next-level table; L3: page */
#define PTE_ATTR(i) ((u64)(i) << 2)
#define PTE_RDONLY BIT_ULL(7)	/* AP[2] */
#define PTE_SH_INNER (3ULL << 8)
#define PTE_AF BIT_ULL(10)
#define PTE_ADDR_MASK GENMASK(47, 12)

/* MAIR attribute indexes (see MAIR_VALUE). */
#define ATTR_DEVICE 0		/* Device-nGnRE */
#define ATTR_NORMAL 1		/* Normal, inner/outer write-back RW-allocate */
#define ATTR_NORMAL_NC 2	/* Normal, inner/outer non-cacheable */
#define MAIR_VALUE ((0x04ULL << (8 * ATTR_DEVICE)) | (0xffULL << (8 * ATTR_NORMAL)) | \
		    (0x44ULL << (8 * ATTR_NORMAL_NC)))

#define EARLY_PT_PAGES 64
static u64 early_pt[EARLY_PT_PAGES][512] __aligned(PAGE_SIZE);
static unsigned int early_pt_used;
static int (*pt_page_source)(paddr_t *pa);
static u64 *root;
static spinlock_t pt_lock = SPINLOCK_INIT;
static u64 hw_tcr, hw_sctlr;
static bool mmu_live;

extern char _start[], _etext[], _erodata[], _end[];

static u64 *pt_alloc(void)
{
	paddr_t pa;

	if (pt_page_source) {
		if (pt_page_source(&pa))
			return NULL;
	} else {
		if (early_pt_used == EARLY_PT_PAGES)
			return NULL;
		pa = (paddr_t)early_pt[early_pt_used++];
	}
	memset((void *)pa, 0, PAGE_SIZE);
	return (u64 *)pa;
}

static u64 attrs_for(unsigned int kind)
{
	u64 a = PTE_VALID | PTE_AF | PTE_AP_BASE | PTE_XN_EL0;

	switch (kind) {
	case MMU_NORMAL_RW:
		return a | PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_XN_BITS;
	case MMU_NORMAL_RO:
		return a | PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_XN_BITS | PTE_RDONLY;
	case MMU_NORMAL_RX:
		return a | PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_RDONLY;
	case MMU_NORMAL_NC:
		return a | PTE_ATTR(ATTR_NORMAL_NC) | PTE_SH_INNER | PTE_XN_BITS;
	default:
		return a | PTE_ATTR(ATTR_DEVICE) | PTE_XN_BITS;
	}
}

static unsigned int pt_index(vaddr_t va, int level)
{
	return (va >> (39 - 9 * level)) & 511;
}

/* Descend to the table at `level` for va, creating tables as needed.
 * Fails if a block mapping is in the way. */
static u64 *pt_walk(vaddr_t va, int level, bool create)
{
	u64 *t = root;

	for (int l = 0; l < level; l++) {
		u64 *e = &t[pt_index(va, l)];

		if (!(*e & PTE_VALID)) {
			u64 *n;

			if (!create || !(n = pt_alloc()))
				return NULL;
			dsb(ishst);
			*e = (u64)n | PTE_VALID | PTE_TABLE;
		} else if (!(*e & PTE_TABLE)) {
			return NULL;	/* a block already covers this range */
		}
		t = (u64 *)(*e & PTE_ADDR_MASK);
	}
	return t;
}

static int map_one(vaddr_t va, paddr_t pa, u64 attrs, bool block)
{
	int level = block ? 2 : 3;
	u64 *t = pt_walk(va, level, true);
	u64 *e;

	if (!t)
		return -ENOMEM;
	e = &t[pt_index(va, level)];
	if (*e & PTE_VALID)
		return -EEXIST;
	*e = (pa & PTE_ADDR_MASK) | attrs | (block ? 0 : PTE_TABLE);
	return 0;
}

int mmu_map(vaddr_t va, paddr_t pa, size_t size, unsigned int kind)
{
	u64 attrs = attrs_for(kind);
	vaddr_t end = va + size;
	unsigned long flags;
	int err = 0;

	if (!IS_ALIGNED(va | pa | size, PAGE_SIZE))
		return -EINVAL;
	flags = spin_lock_irqsave(&pt_lock);
	if (!root && !(root = pt_alloc())) {
		spin_unlock_irqrestore(&pt_lock, flags);
		return -ENOMEM;
	}
	while (va < end && !err) {
		bool block = IS_ALIGNED(va | pa, BLOCK_2M) && end - va >= BLOCK_2M;
		size_t step = block ? BLOCK_2M : PAGE_SIZE;

		err = map_one(va, pa, attrs, block);
		va += step;
		pa += step;
	}
	dsb(ishst);
	isb();
	spin_unlock_irqrestore(&pt_lock, flags);
	return err;
}

void mmu_unmap(vaddr_t va, size_t size)
{
	unsigned long flags = spin_lock_irqsave(&pt_lock);

	for (vaddr_t end = va + size; va < end; va += PAGE_SIZE) {
		u64 *t = pt_walk(va, 3, false);

		if (!t)
			continue;
		t[pt_index(va, 3)] = 0;
		dsb(ishst);
		if (mmu_live)
			mmu_hw_flush_tlb_va(va);
	}
	spin_unlock_irqrestore(&pt_lock, flags);
}

paddr_t mmu_virt_to_phys(vaddr_t va)
{
	u64 *t = root;

	for (int l = 0; l < 4; l++) {
		u64 e = t[pt_index(va, l)];
		unsigned int shift = 39 - 9 * l;

		if (!(e & PTE_VALID))
			return 0;
		if (l == 3 || !(e & PTE_TABLE))
			return (e & PTE_ADDR_MASK & ~((1ULL << shift) - 1)) |
			       (va & ((1ULL << shift) - 1));
		t = (u64 *)(e & PTE_ADDR_MASK);
	}
	return 0;
}

void *ioremap(paddr_t pa, size_t size)
{
	paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	size_t len = ALIGN_UP(pa + size, PAGE_SIZE) - base;
	int err = mmu_map(base, base, len, MMU_DEVICE);

	/* Two drivers may share a page (-EEXIST): the mapping is the same. */
	if (err && err != -EEXIST)
		panic("ioremap %#llx+%#zx failed: %d", (unsigned long long)pa, size, err);
	return (void *)pa;
}

void mmu_set_page_source(int (*alloc)(paddr_t *pa))
{
	pt_page_source = alloc;
}

static void map_or_die(vaddr_t va, paddr_t pa, size_t size, unsigned int kind)
{
	int err = mmu_map(va, pa, size, kind);

	if (err)
		panic("mmu: cannot map %#llx+%#zx: %d", (unsigned long long)va, size, err);
}

/* Map a RAM bank, leaving out the kernel image (mapped with finer rights). */
static void map_ram_bank(paddr_t base, paddr_t end, paddr_t kstart, paddr_t kend)
{
	base = ALIGN_UP(base, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (kstart < end && kend > base) {
		if (kstart > base)
			map_or_die(base, base, kstart - base, MMU_NORMAL_RW);
		if (kend < end)
			map_or_die(kend, kend, end - kend, MMU_NORMAL_RW);
	} else if (end > base) {
		map_or_die(base, base, end - base, MMU_NORMAL_RW);
	}
}

static void map_kernel_image(void)
{
	paddr_t text = (paddr_t)_start, rodata = (paddr_t)_etext;
	paddr_t data = (paddr_t)_erodata, end = ALIGN_UP((paddr_t)_end, PAGE_SIZE);

	map_or_die(text, text, rodata - text, MMU_NORMAL_RX);
	map_or_die(rodata, rodata, data - rodata, MMU_NORMAL_RO);
	map_or_die(data, data, end - data, MMU_NORMAL_RW);
	/* Guard pages below every boot and exception stack. */
	for (unsigned int i = 0; i < CONFIG_MAX_CPUS; i++) {
		mmu_unmap((vaddr_t)idle_stacks[i], STACK_GUARD_SIZE);
		mmu_unmap((vaddr_t)exc_stacks[i], STACK_GUARD_SIZE);
	}
}

static unsigned int pa_bits(void)
{
	unsigned int bits = parange_to_bits(read_sysreg(id_aa64mmfr0_el1) & 0xf);

	return bits > 48 ? 48 : bits;
}

void mmu_init(const struct mem_range *ram, unsigned int nram)
{
	paddr_t kstart = (paddr_t)_start, kend = ALIGN_UP((paddr_t)_end, PAGE_SIZE);

	for (unsigned int i = 0; i < nram; i++)
		map_ram_bank(ram[i].base, ram[i].base + ram[i].size, kstart, kend);
	map_kernel_image();
	hw_tcr = mmu_hw_tcr(pa_bits());
	hw_sctlr = mmu_hw_sctlr();
	mmu_hw_enable((u64)root, hw_tcr, MAIR_VALUE, hw_sctlr);
	mmu_live = true;
}

void mmu_enable_secondary(void)
{
	mmu_hw_enable((u64)root, hw_tcr, MAIR_VALUE, hw_sctlr);
}
