/* Pure decoding helpers of the exit handlers (unit-tested). */
#include <arch/guest_ctx.h>
#include <virt/exits.h>

u64 mmio_load_extend(u64 val, unsigned int size, bool sign_extend, bool sixty_four)
{
	unsigned int bits = size * 8;

	if (sign_extend && bits < 64 && (val & (1ULL << (bits - 1))))
		val |= ~0ULL << bits;
	if (!sixty_four)
		val &= 0xffffffffULL;	/* a W register write clears the top half */
	return val;
}

void sysreg_decode(u64 esr, struct sysreg_access *a)
{
	a->op0 = (esr >> 20) & 3;
	a->op2 = (esr >> 17) & 7;
	a->op1 = (esr >> 14) & 7;
	a->crn = (esr >> 10) & 15;
	a->rt = (esr >> 5) & 31;
	a->crm = (esr >> 1) & 15;
	a->read = esr & 1;
}

u64 exit_serror_syndrome(int kind, u64 esr, u64 serror)
{
	return kind == GUEST_EXIT_SERROR ? esr : serror;
}
