/* Locked wrappers around the page allocator and the kernel heap. */
#include <arch/mmu.h>
#include <kernel/config.h>
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include <zvm/errno.h>

static struct page_alloc pa;
static spinlock_t pa_lock = SPINLOCK_INIT;
static struct heap kheap;
static spinlock_t heap_lock = SPINLOCK_INIT;

int pages_alloc(unsigned int order, paddr_t *out)
{
	unsigned long flags = spin_lock_irqsave(&pa_lock);
	int r = pa_alloc(&pa, order, out);

	spin_unlock_irqrestore(&pa_lock, flags);
	return r;
}

int pages_free(paddr_t addr, unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&pa_lock);
	int r = pa_free(&pa, addr, order);

	spin_unlock_irqrestore(&pa_lock, flags);
	if (r)
		pr_err("mm: bad free of %#llx order %u: %d", (unsigned long long)addr, order, r);
	return r;
}

int pages_take(paddr_t addr, unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&pa_lock);
	int r = pa_take(&pa, addr, order);

	spin_unlock_irqrestore(&pa_lock, flags);
	return r;
}

enum pa_page_state pages_state(paddr_t addr)
{
	unsigned long flags = spin_lock_irqsave(&pa_lock);
	enum pa_page_state st = pa_page_state(&pa, addr);

	spin_unlock_irqrestore(&pa_lock, flags);
	return st;
}

bool pages_block_free(paddr_t addr, unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&pa_lock);
	bool r = pa_block_free(&pa, addr, order);

	spin_unlock_irqrestore(&pa_lock, flags);
	return r;
}

unsigned int pages_banks(struct mem_range *out, unsigned int max)
{
	unsigned long flags = spin_lock_irqsave(&pa_lock);
	unsigned int n = pa_banks(&pa, out, max);

	spin_unlock_irqrestore(&pa_lock, flags);
	return n;
}

void pages_stats(struct pa_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&pa_lock);

	pa_get_stats(&pa, st);
	spin_unlock_irqrestore(&pa_lock, flags);
}

static int pt_page(paddr_t *out)
{
	return pages_alloc(0, out);
}

int mm_init(const struct mem_range *ram, unsigned int nram,
	    const struct mem_range *rsv, unsigned int nrsv)
{
	paddr_t heap_pa;
	int err = pa_init(&pa, ram, nram, rsv, nrsv);

	if (err)
		return err;
	mmu_set_page_source(pt_page);
	err = pages_alloc(pa_order_for_pages(CONFIG_HEAP_SIZE / PAGE_SIZE), &heap_pa);
	if (err)
		return err;
	return heap_init(&kheap, (void *)heap_pa, CONFIG_HEAP_SIZE);
}

void *kmalloc_aligned(size_t size, size_t align)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	void *p = heap_alloc(&kheap, size, align);

	spin_unlock_irqrestore(&heap_lock, flags);
	return p;
}

void *kmalloc(size_t size)
{
	return kmalloc_aligned(size, 16);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	unsigned long flags;
	int r;

	if (!p)
		return;
	flags = spin_lock_irqsave(&heap_lock);
	r = heap_free(&kheap, p);
	spin_unlock_irqrestore(&heap_lock, flags);
	if (r)
		panic("kfree(%p): heap corruption or bad pointer (%d)", p, r);
}

void kheap_stats(struct heap_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);

	heap_stats(&kheap, st);
	spin_unlock_irqrestore(&heap_lock, flags);
}
