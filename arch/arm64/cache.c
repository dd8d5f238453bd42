/*
 * Data cache maintenance to the Point of Coherency, for memory that is
 * written with the caches on and read with them off (or the reverse): a
 * secondary CPU's boot data, a guest's RAM before its first instruction
 * (it starts with its MMU and caches off), what boot wrote with the MMU
 * off (ARM ARM D7.5 "Cache maintenance instructions"). QEMU models no
 * caches; real boards need every one of these.
 */
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <zvm/compiler.h>

/* Smallest D-cache line of any level: CTR_EL0.DminLine, log2 of words. */
static u64 dcache_line(void)
{
	return 4ULL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

/* One DC operation (its name is part of the instruction) over every line
 * of [p, p + size), then a DSB so that it is complete when we return. */
#define DCACHE_RANGE(fn, op)								\
void fn(const void *p, size_t size)							\
{											\
	u64 line = dcache_line();							\
											\
	for (u64 a = ALIGN_DOWN((u64)p, line); a < (u64)p + size; a += line)		\
		__asm__ volatile("dc " op ", %0" : : "r"(a) : "memory");		\
	dsb(sy);									\
}

DCACHE_RANGE(arch_dcache_clean_poc, "cvac")
DCACHE_RANGE(arch_dcache_clean_inval_poc, "civac")
DCACHE_RANGE(arch_dcache_inval_poc, "ivac")

void arch_icache_inval_all(void)
{
	__asm__ volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
}
