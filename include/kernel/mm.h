/* Kernel memory: physical pages (buddy allocator) and the heap, both locked. */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <kernel/page_alloc.h>

int mm_init(const struct mem_range *ram, unsigned int nram,
	    const struct mem_range *rsv, unsigned int nrsv);
int pages_alloc(unsigned int order, paddr_t *out);
int pages_free(paddr_t pa, unsigned int order);
void pages_stats(struct pa_stats *st);
/* pa_take() and pa_page_state(), locked: memory at a given address. */
int pages_take(paddr_t addr, unsigned int order);
enum pa_page_state pages_state(paddr_t addr);
/* pa_block_free() and pa_banks(), locked: placing identity-mapped RAM. */
bool pages_block_free(paddr_t addr, unsigned int order);
unsigned int pages_banks(struct mem_range *out, unsigned int max);

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kmalloc_aligned(size_t size, size_t align);
void kfree(void *p);

struct heap_stats;
void kheap_stats(struct heap_stats *st);

#endif
