/* Stage-1 translation for the kernel itself: 4 KiB granule, 48-bit VA,
 * identity map for RAM and devices, a separate window for thread stacks. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <zvm/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define BLOCK_2M (1UL << 21)

/* Mapping kinds. */
#define MMU_NORMAL_RW 0		/* data: read/write, never executable */
#define MMU_NORMAL_RO 1
#define MMU_NORMAL_RX 2		/* kernel text */
#define MMU_DEVICE 3		/* MMIO: Device-nGnRE, XN */
/* Memory shared with an agent that does not snoop our caches (another VM
 * that maps it as Device, as Linux maps a PCI BAR): Normal non-cacheable,
 * so both sides see the same bytes without cache maintenance. */
#define MMU_NORMAL_NC 4

/* Thread stacks are mapped here, each slot preceded by an unmapped guard. */
#define STACK_VA_BASE 0x0000F00000000000ULL
#define STACK_VA_SLOT (64UL * 1024)
#define STACK_VA_SLOTS 4096

/* Build the initial tables from the RAM banks and enable the MMU on the
 * boot CPU. */
struct mem_range;
void mmu_init(const struct mem_range *ram, unsigned int nram);
/* Enable the MMU on a secondary CPU with the boot CPU's tables. */
void mmu_enable_secondary(void);
/* After the page allocator is up, take page-table pages from it. */
void mmu_set_page_source(int (*alloc)(paddr_t *pa));

int mmu_map(vaddr_t va, paddr_t pa, size_t size, unsigned int kind);
void mmu_unmap(vaddr_t va, size_t size);
/* Identity-map an MMIO range as device memory; returns its address. */
void *ioremap(paddr_t pa, size_t size);
/* Translate a kernel VA (identity or stack window) to PA; 0 if unmapped. */
paddr_t mmu_virt_to_phys(vaddr_t va);

/* EL-specific pieces (arch/arm64/elN/mmu_elN.c). */
void mmu_hw_enable(u64 ttbr, u64 tcr, u64 mair, u64 sctlr);
u64 mmu_hw_tcr(unsigned int pa_bits);
u64 mmu_hw_sctlr(void);
void mmu_hw_flush_tlb_va(vaddr_t va);
void mmu_hw_flush_tlb_all(void);

#endif
