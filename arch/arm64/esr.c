/* Exception Syndrome Register decoding (ARM ARM D13.2.37, ESR_ELx.EC). */
#include <arch/esr.h>
#include <zvm/compiler.h>

static const char *const ec_names[64] = {
	[ESR_EC_UNKNOWN] = "Unknown reason",
	[ESR_EC_WFx] = "WFI/WFE",
	[0x03] = "MCR/MRC (CP15)",
	[0x04] = "MCRR/MRRC (CP15)",
	[0x05] = "MCR/MRC (CP14)",
	[0x06] = "LDC/STC (CP14)",
	[ESR_EC_FP_ASIMD] = "FP/ASIMD access",
	[0x0c] = "MRRC (CP14)",
	[0x0d] = "Branch target",
	[ESR_EC_ILLEGAL] = "Illegal execution state",
	[0x11] = "SVC (AArch32)",
	[0x12] = "HVC (AArch32)",
	[0x13] = "SMC (AArch32)",
	[ESR_EC_SVC64] = "SVC (AArch64)",
	[ESR_EC_HVC64] = "HVC (AArch64)",
	[ESR_EC_SMC64] = "SMC (AArch64)",
	[ESR_EC_SYS64] = "MSR/MRS/system instruction",
	[ESR_EC_SVE] = "SVE access",
	[0x1a] = "ERET",
	[0x1c] = "Pointer authentication failure",
	[ESR_EC_IABT_LOW] = "Instruction abort (lower EL)",
	[ESR_EC_IABT_CUR] = "Instruction abort (same EL)",
	[ESR_EC_PC_ALIGN] = "PC alignment fault",
	[ESR_EC_DABT_LOW] = "Data abort (lower EL)",
	[ESR_EC_DABT_CUR] = "Data abort (same EL)",
	[ESR_EC_SP_ALIGN] = "SP alignment fault",
	[0x28] = "FP exception (AArch32)",
	[0x2c] = "FP exception (AArch64)",
	[ESR_EC_SERROR] = "SError",
	[0x30] = "Breakpoint (lower EL)",
	[0x31] = "Breakpoint (same EL)",
	[0x32] = "Software step (lower EL)",
	[0x33] = "Software step (same EL)",
	[0x34] = "Watchpoint (lower EL)",
	[0x35] = "Watchpoint (same EL)",
	[0x38] = "BKPT (AArch32)",
	[ESR_EC_BRK64] = "BRK (AArch64)",
};

const char *esr_class_name(unsigned int ec)
{
	if (ec < ARRAY_SIZE(ec_names) && ec_names[ec])
		return ec_names[ec];
	return "Reserved";
}

static const char *const dfsc_names[] = {
	"address size fault L0", "address size fault L1", "address size fault L2",
	"address size fault L3", "translation fault L0", "translation fault L1",
	"translation fault L2", "translation fault L3", "access flag fault L0",
	"access flag fault L1", "access flag fault L2", "access flag fault L3",
	"permission fault L0", "permission fault L1", "permission fault L2",
	"permission fault L3", "synchronous external abort",
};

const char *esr_fault_name(u32 fsc)
{
	if (fsc < ARRAY_SIZE(dfsc_names))
		return dfsc_names[fsc];
	if (fsc == 0x21)
		return "alignment fault";
	return "other fault";
}

void esr_decode_dabt(u64 esr, struct esr_dabt *d)
{
	u32 iss = esr & ESR_ISS_MASK;

	d->isv = iss & BIT(24);
	d->size = 1u << ((iss >> 22) & 3);
	d->sign_extend = iss & BIT(21);
	d->reg = (iss >> 16) & 31;
	d->sixty_four = iss & BIT(15);
	d->write = iss & BIT(6);
	d->s1ptw = iss & BIT(7);
	d->fsc = iss & 0x3f;
}
