/* System register access and barriers (ARM ARM D13, "AArch64 System Register Descriptions"). */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <zvm/types.h>

#ifdef HOST_TEST
/* A unit test that builds a register user natively provides the
 * registers, by name (tests/unit/test_vgic_hw.c). */
u64 host_read_sysreg(const char *name);
void host_write_sysreg(const char *name, u64 v);
#define read_sysreg(r) host_read_sysreg(#r)
#define write_sysreg(r, v) host_write_sysreg(#r, (u64)(v))
#else
#define read_sysreg(r) ({ u64 __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %x0" : : "rZ"((u64)(v)))
#endif
/* Registers GCC's assembler does not know by name (e.g. GICv3 ICC_* on old binutils). */
#define read_sysreg_s(enc) ({ u64 __v; __asm__ volatile("mrs %0, " enc : "=r"(__v)); __v; })
#define write_sysreg_s(enc, v) __asm__ volatile("msr " enc ", %x0" : : "rZ"((u64)(v)))

#ifdef HOST_TEST	/* unit tests build some users natively: compiler barriers only */
#define isb() __asm__ volatile("" : : : "memory")
#define dsb(opt) __asm__ volatile("" : : : "memory")
#define dmb(opt) __asm__ volatile("" : : : "memory")
#else
#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt : : : "memory")
#endif
#define wfi() __asm__ volatile("wfi" : : : "memory")
#define wfe() __asm__ volatile("wfe" : : : "memory")
#define sev() __asm__ volatile("sev" : : : "memory")

/* DAIF bits as seen through the DAIF register. */
#define DAIF_D BIT(9)
#define DAIF_A BIT(8)
#define DAIF_I BIT(7)
#define DAIF_F BIT(6)

/* ID_AA64PFR0_EL1 */
#define ID_PFR0_EL2_SHIFT 8
#define ID_PFR0_GIC_SHIFT 24

/* ID_AA64MMFR0_EL1.PARange encodings -> physical address bits. */
static inline unsigned int parange_to_bits(unsigned int pa)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	return pa < sizeof(bits) ? bits[pa] : 48;
}

#endif
