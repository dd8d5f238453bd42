/*
 * EL1&0 translation-regime registers (ARM ARM D13.2: TCR_EL1, SCTLR_EL1).
 * The kernel uses only TTBR0_EL1 (identity map, low VAs); TTBR1 walks are
 * disabled. TLB maintenance is for the EL1&0 regime, all ASIDs, which a
 * hypervisor scopes to this VM's VMID.
 */
#include <arch/mmu.h>
#include <arch/mmu_regs.h>
#include <arch/sysreg.h>
#include <zvm/compiler.h>

/* TCR_EL1 fields. */
#define TCR_EPD1 BIT_ULL(23)		/* no walks through TTBR1_EL1 */
#define TCR_TG1_4K (2ULL << 30)
#define TCR_IPS_SHIFT 32

/* SCTLR_EL1 bits; RES1 = EOS, TSCXT, EIS, SPAN, nTLSMD, LSMAOE (ARMv8.0). */
#define SCTLR_EL1_RES1 0x30d00800ULL

u64 mmu_hw_tcr(unsigned int pa_bits)
{
	return TCR_T0SZ(48) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K |
	       TCR_EPD1 | TCR_TG1_4K | (mmu_pa_size_field(pa_bits) << TCR_IPS_SHIFT);
}

u64 mmu_hw_sctlr(void)
{
	return SCTLR_EL1_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN;
}

void mmu_hw_enable(u64 ttbr, u64 tcr, u64 mair, u64 sctlr)
{
	write_sysreg(mair_el1, mair);
	write_sysreg(tcr_el1, tcr);
	write_sysreg(ttbr0_el1, ttbr);
	write_sysreg(ttbr1_el1, 0);
	isb();
	__asm__ volatile("tlbi vmalle1\n dsb ish\n ic iallu\n dsb ish" ::: "memory");
	isb();
	write_sysreg(sctlr_el1, sctlr);
	isb();
}

void mmu_hw_flush_tlb_va(vaddr_t va)
{
	__asm__ volatile("tlbi vaae1is, %0\n dsb ish\n isb" : : "r"(va >> 12) : "memory");
}

void mmu_hw_flush_tlb_all(void)
{
	__asm__ volatile("tlbi vmalle1is\n dsb ish\n isb" ::: "memory");
}
