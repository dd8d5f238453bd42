/* Per-thread saved CPU context: what arch_switch() preserves (AAPCS64 callee-saved). */
#ifndef ARCH_THREAD_ARCH_H
#define ARCH_THREAD_ARCH_H

#define THREAD_ARCH_X19 0
#define THREAD_ARCH_FP 80
#define THREAD_ARCH_LR 88
#define THREAD_ARCH_SP 96
#define THREAD_ARCH_STACK_LIMIT 104

#ifndef __ASSEMBLY__
#include <zvm/types.h>

struct thread_arch {
	u64 x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	u64 fp;		/* x29 */
	u64 lr;		/* x30: where arch_switch() returns to */
	u64 sp;		/* SP_EL0: threads run in EL2t / EL1t */
	u64 stack_limit; /* lowest usable stack address, for overflow checks */
};
#endif

#endif
