/* ESR_ELx fields and exception classes (ARM ARM D13.2.37). */
#ifndef ARCH_ESR_H
#define ARCH_ESR_H

#include <zvm/compiler.h>

#define ESR_EC_SHIFT 26
#define ESR_EC(esr) (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL BIT(25)
#define ESR_ISS_MASK 0x1ffffffu

#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_WFx 0x01
#define ESR_EC_FP_ASIMD 0x07
#define ESR_EC_ILLEGAL 0x0e
#define ESR_EC_SVC64 0x15
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYS64 0x18
#define ESR_EC_SVE 0x19
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SERROR 0x2f
#define ESR_EC_BRK64 0x3c

/* Decoded data-abort ISS (ARM ARM D13.2.37, "ISS encoding for a Data Abort"). */
struct esr_dabt {
	bool isv;		/* the fields below are valid */
	unsigned int size;	/* access size in bytes */
	bool sign_extend;
	unsigned int reg;	/* Rt (31 = xzr/wzr) */
	bool sixty_four;	/* SF: 64-bit register */
	bool write;		/* WnR */
	bool s1ptw;		/* fault on a stage-1 table walk */
	unsigned int fsc;	/* fault status code */
};

const char *esr_class_name(unsigned int ec);
const char *esr_fault_name(u32 fsc);
void esr_decode_dabt(u64 esr, struct esr_dabt *d);

#endif
