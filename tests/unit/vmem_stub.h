/* Host stand-ins for the page allocator, heap and stage-2 TLB maintenance
 * used by virt/vmem.c, with counters for the tests. */
#ifndef TEST_VMEM_STUB_H
#define TEST_VMEM_STUB_H

#include <zvm/types.h>

struct vmem_stub {
	unsigned int pages[10];		/* outstanding allocations per order */
	unsigned int allocs, frees;	/* pages_alloc/pages_free calls that succeeded */
	unsigned int heap;		/* outstanding kzalloc blocks */
	int fail_at;			/* pages_alloc call number that fails (1-based), 0 = none */
	unsigned int flushes;
	u16 flushed_vmid;
	/* arch_dcache_clean_poc() ranges, in call order; I-cache invalidations. */
	struct { const void *p; size_t size; } cleaned[16];
	unsigned int nr_cleaned, icache_invals;
};

extern struct vmem_stub stub;
void stub_reset(void);
unsigned int stub_outstanding(void);

#endif
