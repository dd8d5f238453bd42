/* Boot-time stacks: each CPU's idle/boot stack and exception stack, each
 * preceded by an unmapped guard page (see mmu.c). */
#ifndef ARCH_STACKS_H
#define ARCH_STACKS_H

#define STACK_GUARD_SIZE 0x1000
#define IDLE_STACK_SIZE 0x4000
#define EXC_STACK_SIZE 0x2000
#define IDLE_STACK_SLOT (STACK_GUARD_SIZE + IDLE_STACK_SIZE)
#define EXC_STACK_SLOT (STACK_GUARD_SIZE + EXC_STACK_SIZE)

#ifndef __ASSEMBLY__
#include <zvm/types.h>
extern u8 idle_stacks[][IDLE_STACK_SLOT];
extern u8 exc_stacks[][EXC_STACK_SLOT];

/* Filled by the boot CPU before PSCI CPU_ON; read by secondary_entry. */
struct secondary_boot {
	u64 percpu;
	u64 sp;
	u64 exc_sp;
	u64 stack_limit;
};
extern struct secondary_boot secondary_boot[];
#endif

#define SECONDARY_BOOT_SHIFT 5	/* sizeof(struct secondary_boot) == 32 */

#endif
