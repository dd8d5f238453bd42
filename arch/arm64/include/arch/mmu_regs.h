/*
 * Translation-control and system-control bits shared by the EL1 and EL2
 * variants (arch/arm64/el1/mmu_el1.c, el2/mmu_el2.c): TCR_ELx.T0SZ, the
 * walk attributes and 4 KiB granule of TTBR0, and SCTLR_ELx's common
 * enables sit at the same positions in both (ARM ARM D13.2).
 */
#ifndef ARCH_MMU_REGS_H
#define ARCH_MMU_REGS_H

#include <zvm/compiler.h>
#include <zvm/types.h>

#define TCR_T0SZ(bits) (64 - (bits))
#define TCR_IRGN0_WBWA (1ULL << 8)
#define TCR_ORGN0_WBWA (1ULL << 10)
#define TCR_SH0_INNER (3ULL << 12)
#define TCR_TG0_4K (0ULL << 14)

#define SCTLR_M BIT_ULL(0)
#define SCTLR_C BIT_ULL(2)
#define SCTLR_SA BIT_ULL(3)
#define SCTLR_I BIT_ULL(12)
#define SCTLR_WXN BIT_ULL(19)

/* Physical address size as TCR_EL1.IPS / TCR_EL2.PS / VTCR_EL2.PS encode
 * it (also ID_AA64MMFR0_EL1.PARange's encoding): 32..48 bits. */
static inline u64 mmu_pa_size_field(unsigned int bits)
{
	static const u8 table[] = { 32, 36, 40, 42, 44, 48 };

	for (unsigned int i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i] == bits)
			return i;
	return 5;
}

#endif
