/* EL2 translation-regime registers (non-VHE: HCR_EL2.E2H = 0). */
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <zvm/compiler.h>

/* TCR_EL2 fields (ARM ARM D13.2.131). */
#define TCR_T0SZ(bits) (64 - (bits))
#define TCR_IRGN0_WBWA (1ULL << 8)
#define TCR_ORGN0_WBWA (1ULL << 10)
#define TCR_SH0_INNER (3ULL << 12)
#define TCR_TG0_4K (0ULL << 14)
#define TCR_PS_SHIFT 16
#define TCR_EL2_RES1 (BIT_ULL(31) | BIT_ULL(23))

/* SCTLR_EL2 (non-VHE) bits. */
#define SCTLR_M BIT_ULL(0)
#define SCTLR_C BIT_ULL(2)
#define SCTLR_SA BIT_ULL(3)
#define SCTLR_I BIT_ULL(12)
#define SCTLR_WXN BIT_ULL(19)
#define SCTLR_EL2_RES1 0x30c50830ULL

static u64 pa_bits_to_ps(unsigned int bits)
{
	static const u8 table[] = { 32, 36, 40, 42, 44, 48 };

	for (unsigned int i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i] == bits)
			return i;
	return 5;
}

u64 mmu_hw_tcr(unsigned int pa_bits)
{
	return TCR_EL2_RES1 | TCR_T0SZ(48) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
	       TCR_TG0_4K | (pa_bits_to_ps(pa_bits) << TCR_PS_SHIFT);
}

u64 mmu_hw_sctlr(void)
{
	return SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN;
}

void mmu_hw_enable(u64 ttbr, u64 tcr, u64 mair, u64 sctlr)
{
	write_sysreg(mair_el2, mair);
	write_sysreg(tcr_el2, tcr);
	write_sysreg(ttbr0_el2, ttbr);
	isb();
	__asm__ volatile("tlbi alle2\n dsb ish\n ic iallu\n dsb ish" ::: "memory");
	isb();
	write_sysreg(sctlr_el2, sctlr);
	isb();
}

void mmu_hw_flush_tlb_va(vaddr_t va)
{
	__asm__ volatile("tlbi vae2is, %0\n dsb ish\n isb" : : "r"(va >> 12) : "memory");
}

void mmu_hw_flush_tlb_all(void)
{
	__asm__ volatile("tlbi alle2is\n dsb ish\n isb" ::: "memory");
}
