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
	u32 old, tmp, fail;
	u16 ticket;

	/*
	 * Take a ticket with one exclusive pair on the whole word: the load
	 * (acquire) returns the owner too, so the uncontended lock is taken
	 * without a second load (next is the high half: +0x10000).
	 */
	__asm__ volatile("1:	ldaxr	%w0, [%3]\n"
			 "	add	%w1, %w0, #0x10000\n"
			 "	stxr	%w2, %w1, [%3]\n"
			 "	cbnz	%w2, 1b\n"
			 : "=&r"(old), "=&r"(tmp), "=&r"(fail) : "r"(&l->word) : "memory");
	ticket = (u16)(old >> 16);
	if ((u16)old == ticket)
		return;
	/*
	 * LDAXRH arms our exclusive monitor; if it is not our turn, WFE sleeps
	 * until the owner's store clears the monitor (an event, ARM ARM
	 * D1.6.1) or an SEV; a store between the two leaves the event set and
	 * WFE falls through. The turn is checked before any WFE: an emulator
	 * may implement WFE as "let another CPU run" (QEMU's round-robin TCG,
	 * as under -icount, then runs a busy CPU for a whole 100 ms slice), so
	 * an uncontended lock must not execute one (the SEVL + WFE idiom did).
	 */
	for (;;) {
		u16 cur;

		__asm__ volatile("ldaxrh %w0, [%1]" : "=&r"(cur) : "r"(&l->owner) : "memory");
		if (cur == ticket)
			break;
		__asm__ volatile("wfe" ::: "memory");
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
