/*
 * Running one generated instruction (the encoding chosen at run time: a
 * system register, a SYS operation, an HVC immediate, ...) in the test
 * guests: it goes into this vCPU's code buffer, followed by RET.
 */
#ifndef TEST_GUEST_JIT_H
#define TEST_GUEST_JIT_H

#include <stdbool.h>
#include <stdint.h>

#define JIT_RET 0xd65f03c0u

/* Put insn (then RET) into this vCPU's buffer; returns its address. */
void *jit_load(uint32_t insn);
/* Run insn with x0, x1 as given; returns x0 after it. *esr gets the
 * syndrome of the exception it took (lib.c resumes after it), or is left
 * alone if it took none; returns whether it took one. */
bool jit_run(uint32_t insn, uint64_t *x0, uint64_t x1, uint64_t *esr);
/* MRS/MSR Xt with t = 0, op0 = 2 + o0. */
uint32_t jit_sysreg(bool read, uint32_t o0, uint32_t op1, uint32_t crn, uint32_t crm,
		    uint32_t op2);
/* The encoding index e (0 .. 1 << 15) of jit_sysreg()'s fields, o0 first. */
uint32_t jit_sysreg_e(bool read, uint32_t e);

#endif
