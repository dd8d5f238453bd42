/* Host stand-ins for virt/vmem.c's dependencies (see vmem_stub.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/mmu.h>
#include <kernel/arch_interface.h>
#include <kernel/mm.h>
#include <zvm/compiler.h>
#include <virt/vmem_hw.h>
#include <zvm/errno.h>

#include "vmem_stub.h"

struct vmem_stub stub;

void arch_dcache_clean_poc(const void *p, size_t size)
{
	if (stub.nr_cleaned < ARRAY_SIZE(stub.cleaned))
		stub.cleaned[stub.nr_cleaned] = (__typeof__(stub.cleaned[0])){ p, size };
	stub.nr_cleaned++;
}

void arch_icache_inval_all(void)
{
	stub.icache_invals++;
}

void stub_reset(void)
{
	memset(&stub, 0, sizeof(stub));
}

unsigned int stub_outstanding(void)
{
	unsigned int n = stub.heap;

	for (unsigned int i = 0; i < 10; i++)
		n += stub.pages[i];
	return n;
}

int pages_alloc(unsigned int order, paddr_t *out)
{
	size_t size = PAGE_SIZE << order;
	void *p;

	assert_true(order < 10);
	if (stub.fail_at && (int)(stub.allocs + 1) == stub.fail_at) {
		stub.fail_at = 0;
		return -ENOMEM;
	}
	p = aligned_alloc(size, size);
	assert_non_null(p);
	memset(p, 0xa5, size);		/* the builder must clear what it uses */
	stub.allocs++;
	stub.pages[order]++;
	*out = (paddr_t)p;
	return 0;
}

int pages_free(paddr_t pa, unsigned int order)
{
	assert_true(order < 10);
	assert_true(stub.pages[order] > 0);
	assert_true(IS_ALIGNED(pa, PAGE_SIZE << order));
	stub.pages[order]--;
	stub.frees++;
	free((void *)pa);
	return 0;
}

void *kzalloc(size_t size)
{
	stub.heap++;
	return calloc(1, size);
}

void kfree(void *p)
{
	if (!p)
		return;
	assert_true(stub.heap > 0);
	stub.heap--;
	free(p);
}

void vmem_hw_flush_vmid(u16 vmid)
{
	stub.flushes++;
	stub.flushed_vmid = vmid;
}
