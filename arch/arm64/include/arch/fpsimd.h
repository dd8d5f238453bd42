/*
 * FP/SIMD register file of a guest (V0-V31, FPSR, FPCR). The host kernel
 * is built with -mgeneral-regs-only and never touches these registers, so
 * a pCPU's FP state belongs to the last vCPU that used FP there; it is
 * switched lazily, on the first FP trap (CPTR_EL2.TFP) of another vCPU.
 */
#ifndef ARCH_FPSIMD_H
#define ARCH_FPSIMD_H

#include <zvm/types.h>

struct fpsimd_state {
	u64 v[64];		/* 32 x 128-bit, little-endian halves */
	u64 fpsr, fpcr;
} __attribute__((aligned(16)));

_Static_assert(__builtin_offsetof(struct fpsimd_state, fpsr) == 512, "fpsimd.S offsets");

void fpsimd_save(struct fpsimd_state *s);
void fpsimd_load(const struct fpsimd_state *s);

#endif
