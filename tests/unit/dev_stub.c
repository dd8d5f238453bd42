/* Host stand-ins shared by the emulated-device tests (test_vpl011.c,
 * test_ivshmem.c): the heap is libc's, and masking IRQs does nothing in a
 * single-threaded test (the spinlock stand-in still checks pairing). */
#include <stdlib.h>

#include <kernel/arch_interface.h>
#include <kernel/mm.h>

void *kzalloc(size_t size)
{
	return calloc(1, size);
}

void kfree(void *p)
{
	free(p);
}

unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long flags)
{
	(void)flags;
}
