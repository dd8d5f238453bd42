/* Spinlocks that also mask interrupts on the local CPU. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <arch/spinlock.h>
#include <kernel/arch_interface.h>

typedef arch_spinlock_t spinlock_t;
#define SPINLOCK_INIT ARCH_SPINLOCK_INIT

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = arch_irq_save();

	arch_spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	arch_spin_unlock(l);
	arch_irq_restore(flags);
}

static inline void spin_lock(spinlock_t *l)
{
	arch_spin_lock(l);
}

static inline void spin_unlock(spinlock_t *l)
{
	arch_spin_unlock(l);
}

#endif
