/* Generated instructions for the test guests (see jit.h). */
#include "guest.h"
#include "jit.h"

typedef uint64_t (*jit_fn)(uint64_t x0, uint64_t x1);

/* Per vCPU, each in its own cache line. */
static uint32_t code[GUEST_MAX_CPUS][16] __attribute__((aligned(64)));

void *jit_load(uint32_t insn)
{
	uint32_t *c = code[cpu_index()];
	uintptr_t a = (uintptr_t)c;

	c[0] = insn;
	c[1] = JIT_RET;
	/* Visible to instruction fetch (ARM ARM B2.4.4). */
	__asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish\n isb"
			 : : "r"(a) : "memory");
	return c;
}

bool jit_run(uint32_t insn, uint64_t *x0, uint64_t x1, uint64_t *esr)
{
	unsigned int me = cpu_index();
	int before = cpu_faults[me];
	jit_fn f = (jit_fn)(uintptr_t)jit_load(insn);

	*x0 = f(*x0, x1);
	if (cpu_faults[me] == before)
		return false;
	*esr = cpu_last_esr[me];
	return true;
}

uint32_t jit_sysreg(bool read, uint32_t o0, uint32_t op1, uint32_t crn, uint32_t crm,
		    uint32_t op2)
{
	return (read ? 0xd5300000u : 0xd5100000u) | o0 << 19 | op1 << 16 | crn << 12 |
	       crm << 8 | op2 << 5;
}

uint32_t jit_sysreg_e(bool read, uint32_t e)
{
	return jit_sysreg(read, e >> 14, e >> 11 & 7, e >> 7 & 15, e >> 3 & 15, e & 7);
}
