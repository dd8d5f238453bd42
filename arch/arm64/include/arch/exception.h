/* Exception frame saved by the vectors, and the C entry points they call. */
#ifndef ARCH_EXCEPTION_H
#define ARCH_EXCEPTION_H

#define EXC_FRAME_SIZE 288	/* 36 * 8, a multiple of 16 */
#define EXC_FRAME_SP 248
#define EXC_FRAME_ELR 256
#define EXC_FRAME_SPSR 264
#define EXC_FRAME_ESR 272
#define EXC_FRAME_FAR 280

/* Below this much stack at exception entry the thread is declared overflowed
 * and the handler runs on the per-CPU exception stack instead. */
#define EXC_STACK_MARGIN 1024

/* Offsets into struct cpu_arch (percpu, pointed to by TPIDR_ELx). */
#define CPU_ARCH_STACK_LIMIT 0
#define CPU_ARCH_EXC_STACK_TOP 8

#ifndef __ASSEMBLY__
#include <zvm/types.h>

struct exc_frame {
	u64 x[31];
	u64 sp;		/* interrupted SP (SP_EL0 for threads) */
	u64 elr;
	u64 spsr;
	u64 esr;
	u64 far;
};

_Static_assert(sizeof(struct exc_frame) == EXC_FRAME_SIZE, "frame size");
_Static_assert(__builtin_offsetof(struct exc_frame, elr) == EXC_FRAME_ELR, "elr offset");
_Static_assert(__builtin_offsetof(struct exc_frame, far) == EXC_FRAME_FAR, "far offset");

/* Per-CPU arch state; first member of struct cpu. */
struct cpu_arch {
	u64 stack_limit;	/* lowest usable address of the current thread's stack */
	u64 exc_stack_top;	/* this CPU's exception stack (SP_ELx) */
	void *guest_ctx;	/* struct guest_ctx of the guest running here, or NULL */
	bool undef_probing;	/* arch_try_undef() running here (arch/undef.h) */
	unsigned int undef_hits;
};

/* Called from vectors.S. */
void exc_sync_handler(struct exc_frame *f);
void exc_irq_handler(struct exc_frame *f);
void exc_fatal_handler(struct exc_frame *f, unsigned long kind);

void exc_dump(const struct exc_frame *f, const char *why);
#endif

#endif
