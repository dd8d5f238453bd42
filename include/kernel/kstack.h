/* Thread stacks: mapped in their own VA window with an unmapped guard page
 * below each, so an overflow faults instead of corrupting a neighbour. */
#ifndef KERNEL_KSTACK_H
#define KERNEL_KSTACK_H

#include <zvm/types.h>

/* Returns the stack top (initial SP) or NULL. */
void *kstack_alloc(size_t size);
void kstack_free(void *top, size_t size);
unsigned int kstack_in_use(void);

#endif
