/*
 * Host unit tests: a checking stand-in for the arm64 ticket spinlock
 * (arch/arm64/include/arch/spinlock.h, whose WFE/LDAXRH do not build
 * natively). Tests are single-threaded, so taking a lock already held or
 * releasing a free one can only be a bug in the code under test: abort.
 */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H

#include <stdlib.h>
#include <zvm/types.h>

typedef struct {
	int held;
} arch_spinlock_t;

#define ARCH_SPINLOCK_INIT { 0 }

static inline void arch_spin_lock(arch_spinlock_t *l)
{
	if (l->held++)
		abort();
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	if (l->held-- != 1)
		abort();
}

static inline bool arch_spin_is_locked(arch_spinlock_t *l)
{
	return l->held != 0;
}

#endif
