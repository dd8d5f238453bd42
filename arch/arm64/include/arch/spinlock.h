/*
 * Ticket spinlock. Fair (FIFO among waiters), which bounds the wait of any
 * CPU: a real-time property plain test-and-set locks lack.
 */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H

#include <zvm/types.h>

typedef union {
	u32 word;
	struct {
		u16 owner;	/* ticket being served */
		u16 next;	/* next ticket to hand out */
	};
} arch_spinlock_t;

#define ARCH_SPINLOCK_INIT { .word = 0 }

static inline void arch_spin_lock(arch_spinlock_t *l)
{
	u16 ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	/* SEVL + WFE: the first WFE falls through, later ones sleep until the
	 * owner's store (which clears our exclusive monitor) or an SEV. */
	__asm__ volatile("sevl" ::: "memory");
	for (;;) {
		u16 cur;

		__asm__ volatile("wfe\n ldaxrh %w0, [%1]" : "=&r"(cur) : "r"(&l->owner) : "memory");
		if (cur == ticket)
			break;
	}
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool arch_spin_is_locked(arch_spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

#endif
