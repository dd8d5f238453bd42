/* VTCR_EL2 / VTTBR_EL2 and stage-2 TLB maintenance. */
#include <arch/sysreg.h>
#include <kernel/spinlock.h>
#include <zvm/compiler.h>
#include <virt/vmem_hw.h>

/* VTCR_EL2 fields (ARM ARM D13.2.151): 39-bit IPA, start at level 1. */
#define VTCR_T0SZ(bits) (64 - (bits))
#define VTCR_SL0_L1 (1ULL << 6)
#define VTCR_IRGN0_WBWA (1ULL << 8)
#define VTCR_ORGN0_WBWA (1ULL << 10)
#define VTCR_SH0_INNER (3ULL << 12)
#define VTCR_TG0_4K (0ULL << 14)
#define VTCR_PS_SHIFT 16
#define VTCR_VS_16BIT BIT_ULL(19)
#define VTCR_RES1 BIT_ULL(31)

unsigned int vmem_hw_vmid_bits(void)
{
	/* ID_AA64MMFR1_EL1.VMIDBits: 0 = 8 bits, 2 = 16 bits. */
	return ((read_sysreg(id_aa64mmfr1_el1) >> 4) & 0xf) == 2 ? 16 : 8;
}

u64 vmem_hw_vtcr(void)
{
	u64 ps = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	if (ps > 5)
		ps = 5;
	return VTCR_RES1 | VTCR_T0SZ(39) | VTCR_SL0_L1 | VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA |
	       VTCR_SH0_INNER | VTCR_TG0_4K | (ps << VTCR_PS_SHIFT) |
	       (vmem_hw_vmid_bits() == 16 ? VTCR_VS_16BIT : 0);
}

void vmem_hw_load(u64 s2_root, u16 vmid)
{
	/* Same value on every CPU and for every VM; computing it is cheap
	 * next to a world switch, and racing first users agree. */
	static u64 vtcr;

	if (!vtcr)
		vtcr = vmem_hw_vtcr();
	write_sysreg(vtcr_el2, vtcr);
	write_sysreg(vttbr_el2, s2_root | ((u64)vmid << 48));
	isb();
}

static spinlock_t tlb_lock = SPINLOCK_INIT;

void vmem_hw_flush_vmid(u16 vmid)
{
	/* TLBI VMALLS12E1IS acts on the VMID in VTTBR_EL2: load it briefly. */
	unsigned long flags = spin_lock_irqsave(&tlb_lock);
	u64 saved = read_sysreg(vttbr_el2);

	write_sysreg(vttbr_el2, (u64)vmid << 48);
	isb();
	__asm__ volatile("tlbi vmalls12e1is\n dsb ish\n isb" ::: "memory");
	write_sysreg(vttbr_el2, saved);
	isb();
	spin_unlock_irqrestore(&tlb_lock, flags);
}
