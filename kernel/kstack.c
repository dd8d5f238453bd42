/* Thread stacks in the STACK_VA window (see include/kernel/kstack.h). */
#include <arch/mmu.h>
#include <kernel/kstack.h>
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

static u64 slot_used[STACK_VA_SLOTS / 64];
static unsigned int slots_in_use;
static spinlock_t kstack_lock = SPINLOCK_INIT;

static int slot_get(void)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	int slot = -1;

	for (size_t w = 0; w < ARRAY_SIZE(slot_used) && slot < 0; w++) {
		if (slot_used[w] == ~0ULL)
			continue;
		slot = (int)(w * 64 + (unsigned int)__builtin_ctzll(~slot_used[w]));
		slot_used[w] |= BIT_ULL(slot % 64);
		slots_in_use++;
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	return slot;
}

static void slot_put(unsigned int slot)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);

	slot_used[slot / 64] &= ~BIT_ULL(slot % 64);
	slots_in_use--;
	spin_unlock_irqrestore(&kstack_lock, flags);
}

/* Each slot: [guard page][stack ... top]. The stack is at the top of the slot. */
static vaddr_t slot_top(unsigned int slot)
{
	return STACK_VA_BASE + (u64)(slot + 1) * STACK_VA_SLOT;
}

void *kstack_alloc(size_t size)
{
	unsigned int order = pa_order_for_pages(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	int slot;
	paddr_t pa;
	vaddr_t top;

	size = PAGE_SIZE << order;
	if (size > STACK_VA_SLOT - PAGE_SIZE || (slot = slot_get()) < 0)
		return NULL;
	if (pages_alloc(order, &pa)) {
		slot_put((unsigned int)slot);
		return NULL;
	}
	top = slot_top((unsigned int)slot);
	if (mmu_map(top - size, pa, size, MMU_NORMAL_RW)) {
		pages_free(pa, order);
		slot_put((unsigned int)slot);
		return NULL;
	}
	return (void *)top;
}

void kstack_free(void *top, size_t size)
{
	unsigned int order = pa_order_for_pages(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	vaddr_t t = (vaddr_t)top;
	paddr_t pa;

	size = PAGE_SIZE << order;
	pa = mmu_virt_to_phys(t - size);
	mmu_unmap(t - size, size);
	pages_free(pa, order);
	slot_put((unsigned int)((t - STACK_VA_BASE) / STACK_VA_SLOT - 1));
}

unsigned int kstack_in_use(void)
{
	return slots_in_use;
}
