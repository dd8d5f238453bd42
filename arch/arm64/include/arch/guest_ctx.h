/*
 * Guest register context as saved by the EL2 exit path (guest.S). The
 * layout is shared with assembly: keep the offsets below in sync.
 */
#ifndef ARCH_GUEST_CTX_H
#define ARCH_GUEST_CTX_H

#define GCTX_X0 0		/* x0..x30: 31 * 8 */
#define GCTX_SP_EL0 248
#define GCTX_PC 256		/* ELR_EL2 */
#define GCTX_PSTATE 264		/* SPSR_EL2 */
#define GCTX_ESR 272
#define GCTX_FAR 280
#define GCTX_HPFAR 288
#define GCTX_HOST 296		/* host x19..x30, sp: 13 * 8 */
#define GCTX_SERROR 400		/* ESR_EL2 of an SError taken in the exit window, or 0 */
#define GCTX_SIZE 408

/* Exit kinds returned by __guest_enter. */
#define GUEST_EXIT_SYNC 0
#define GUEST_EXIT_IRQ 1
#define GUEST_EXIT_FIQ 2
#define GUEST_EXIT_SERROR 3
#define GUEST_EXIT_AARCH32 4

/* The only host interrupts vcpu_irq_fast() may handle: the virtual timer's
 * PPI 27 (VGIC_PPI_VTIMER) and the kick SGI (IPI_KICK); vcpu.c asserts
 * both. guest.S sends any other highest pending interrupt to the full exit
 * without the C call. */
#define GUEST_IRQ_FAST_VTIMER 27
#define GUEST_IRQ_FAST_KICK 4

/* Per-CPU slot (struct cpu_arch) holding the running guest context. */
#define CPU_ARCH_GUEST_CTX 16

#ifndef __ASSEMBLY__
#include <zvm/types.h>

struct guest_ctx {
	u64 x[31];
	u64 sp_el0;
	u64 pc;
	u64 pstate;
	u64 esr;
	u64 far;
	u64 hpfar;
	u64 host[13];
	u64 serror;
};

_Static_assert(sizeof(struct guest_ctx) == GCTX_SIZE, "guest_ctx layout");
_Static_assert(__builtin_offsetof(struct guest_ctx, host) == GCTX_HOST, "host offset");
_Static_assert(__builtin_offsetof(struct guest_ctx, serror) == GCTX_SERROR, "serror offset");

/* Run the guest until it exits; returns a GUEST_EXIT_* kind. IRQs off. */
int __guest_enter(struct guest_ctx *ctx);
/*
 * Provided by virt/ (vcpu.c), called by guest.S on an IRQ from the guest
 * before any exit work, on the exception stack with IRQs masked and only
 * the guest's caller-saved registers saved in ctx, when the highest
 * pending interrupt is GUEST_IRQ_FAST_VTIMER (vcpu_irq_fast()) or _KICK
 * (vcpu_kick_irq()): true = handled, return to the guest at once; false =
 * take the full exit (GUEST_EXIT_IRQ).
 */
bool vcpu_irq_fast(struct guest_ctx *ctx);
bool vcpu_kick_irq(struct guest_ctx *ctx);
/*
 * Likewise for a trapped ICC_SGI1R_EL1 write (guest.S matches the ESR),
 * with all of the guest's general registers in ctx (the operand may be any
 * of them): true = delivered, step past it and return to the guest.
 */
bool vcpu_sgi_fast(struct guest_ctx *ctx, u64 esr);
/*
 * Likewise for a data abort from the guest (EC 0x24), FAR_EL2 and
 * HPFAR_EL2 as read in the vector: true = the device completed the access
 * (a load's result is in ctx), step past it, reload every general register
 * from ctx and return to the guest.
 */
bool vcpu_dabt_fast(struct guest_ctx *ctx, u64 esr, u64 far, u64 hpfar);
#endif

#endif
