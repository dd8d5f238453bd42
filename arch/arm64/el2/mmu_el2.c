/* EL2 translation-regime registers (non-VHE: HCR_EL2.E2H = 0). */
#include <arch/mmu.h>
#include <arch/mmu_regs.h>
#include <arch/sysreg.h>
#include <zvm/compiler.h>

/* TCR_EL2 fields (ARM ARM D13.2.131). */
#define TCR_PS_SHIFT 16
#define TCR_EL2_RES1 (BIT_ULL(31) | BIT_ULL(23))

/* SCTLR_EL2 (non-VHE) bits. */
#define SCTLR_EL2_RES1 0x30c50830ULL

u64 mmu_hw_tcr(unsigned int pa_bits)
{
	return TCR_EL2_RES1 | TCR_T0SZ(48) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
	       TCR_TG0_4K | (mmu_pa_size_field(pa_bits) << TCR_PS_SHIFT);
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
