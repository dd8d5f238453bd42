/*
 * Probing an instruction that may be undefined here (arch/arm64/undef.c):
 * a system register the CPU implements on paper (its ID register says so)
 * can still be refused by a hypervisor, which injects an undefined-
 * instruction exception (ESR EC 0, "unknown reason", ARM ARM D17.2.37).
 * Only a probe expects one; anywhere else it stays fatal.
 */
#ifndef ARCH_UNDEF_H
#define ARCH_UNDEF_H

#include <arch/exception.h>
#include <zvm/types.h>

/* Run fn(arg) on this CPU, IRQs masked, with undefined-instruction
 * exceptions from it caught: the instruction is skipped. Returns false
 * when any was. Thread context only (the exception must be a
 * current-EL/SP_EL0 one to come back). */
bool arch_try_undef(void (*fn)(void *arg), void *arg);

/* From the synchronous exception handler: true if f is a probed
 * instruction's exception, now skipped. */
bool arch_undef_fixup(struct exc_frame *f);

#endif
