/*
 * Entry point. The first 64 bytes are the arm64 Image header
 * (Documentation/arch/arm64/booting.rst in Linux describes the format), so
 * QEMU's -kernel, U-Boot's booti and other loaders boot build/zvm.bin.
 *
 * The boot CPU arrives here with x0 = DTB physical address, MMU and D-cache
 * off, at the highest implemented EL (EL2 when QEMU virt runs with
 * virtualization=on). Secondary CPUs arrive at secondary_entry through PSCI
 * CPU_ON with x0 = their logical CPU number.
 *
 * boot_el_setup (el2/head_el2.S or el1/head_el1.S, whichever the build
 * links) runs first on every CPU, without a stack, and may only use x0-x5
 * and x30: the EL1 build uses it to leave EL2 when a loader enters there.
 *
 * The hypervisor is linked at one address and parks anywhere else. The RTOS
 * guest (CONFIG_RELOCATABLE, mk/guest-rtos.mk) runs wherever it is loaded:
 * all its code is PC-relative, and before anything reads a stored address
 * the boot CPU applies the image's R_AARCH64_RELATIVE relocations for the
 * distance between where it runs and where it was linked. Everything after
 * that (page tables, vectors, stacks, the PSCI entry point) derives from
 * the running addresses, and the MMU maps VA == PA.
 */
#include <arch/el.h>
#include <arch/exception.h>
#include <arch/stacks.h>

/* ELF for the Arm 64-bit Architecture (AAELF64), 5.7.12: dynamic relocations. */
#define R_AARCH64_RELATIVE 1027
#define ELF64_RELA_SIZE 24	/* r_offset, r_info, r_addend */

/* Image header flags (Linux Documentation/arch/arm64/booting.rst): bit 0
 * little-endian, bits 1-2 = 1: 4K pages, bit 3: the 2 MiB-aligned base may
 * be anywhere in physical memory (only if we can run anywhere). */
#ifdef CONFIG_RELOCATABLE
#define IMAGE_FLAGS 0xa
#else
#define IMAGE_FLAGS 0x2
#endif

.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

	.section .text.head, "ax"
	.global _head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	TEXT_OFFSET		/* text_offset from a 2 MiB aligned base */
	.quad	_kernel_size		/* image_size, includes BSS */
	.quad	IMAGE_FLAGS		/* flags: little-endian, 4K pages, where the base may be */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

primary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	bl	boot_el_setup		/* EL variant: may change the EL */

	bl	boot_relocate

	/* Zero BSS (MMU off: aligned stores only). */
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:
	/* Boot stack = CPU 0's idle stack; usable at any EL. */
	adr_l	x1, idle_stacks
	add	x1, x1, #IDLE_STACK_SLOT
	mov	sp, x1

	mrs	x1, CurrentEL
	lsr	x1, x1, #2
	cmp	x1, #KERNEL_EL
	b.eq	3f
	mov	x0, x19
	bl	boot_wrong_el		/* prints why, never returns */
	b	park
3:
	adr_l	x0, cpus
	adr_l	x1, idle_stacks
	add	x2, x1, #STACK_GUARD_SIZE
	add	x1, x1, #IDLE_STACK_SLOT
	adr_l	x3, exc_stacks
	add	x3, x3, #EXC_STACK_SLOT
	bl	cpu_enter_kernel_mode
	mov	x0, x19
	bl	boot_primary
	b	park

/*
 * x0 = where _head runs - where it was linked (CONFIG_LOAD_ADDR, which the
 * linker script puts _head at; a constant, not a relocated literal).
 */
.macro load_delta
	adr	x0, _head
	ldr	x1, =CONFIG_LOAD_ADDR
	sub	x0, x0, x1
.endm

#ifdef CONFIG_RELOCATABLE
/*
 * Apply the image's relocations for the running address, with the MMU off
 * (every access aligned: .rela.dyn and the 8-byte words it patches are):
 * each R_AARCH64_RELATIVE word becomes its addend + delta (AAELF64: RELA
 * keeps the addend in the entry). The entries overlay the start of BSS
 * (zvm.ld.in), which is zeroed right after, so they are read once: a
 * restart reloads the image (ZVM's VM restart and a machine reset do), as
 * the initialised data needs anyway. R_AARCH64_NONE entries are skipped
 * (ld reserves a slot for each absolute word it links, then leaves it
 * empty when the value needs none, e.g. the header's image_size).
 *
 * Parks, before any console could be used (printing needs the very
 * pointers not relocated yet), on another relocation type (the build
 * refuses those: scripts/check-relocs) and on a load address that is not
 * a multiple of 4 KiB away from the link address: adrp computes addresses
 * by 4 KiB page, so such a move would shift every one of them (the Image
 * protocol puts us 2 MiB-aligned + text_offset, which never does that).
 * Runs without a stack; uses only x0-x5.
 */
boot_relocate:
	load_delta
	cbz	x0, 2f			/* at the link address: nothing to do */
	tst	x0, #0xfff
	b.ne	park
	adr_l	x1, __rela_start
	adr_l	x2, __rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #ELF64_RELA_SIZE	/* r_offset, r_info */
	ldr	x5, [x1, #-8]			/* r_addend */
	cbz	x4, 1b				/* R_AARCH64_NONE: nothing */
	cmp	x4, #R_AARCH64_RELATIVE		/* symbol 0, type RELATIVE */
	b.ne	park
	add	x5, x5, x0
	str	x5, [x3, x0]
	b	1b
2:	ret
#else
/* Linked at one address and not relocatable: refuse anything else. */
boot_relocate:
	load_delta
	cbnz	x0, park
	ret
#endif

	.text
	.global secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	bl	boot_el_setup
	adr_l	x4, secondary_boot
	add	x4, x4, x19, lsl #SECONDARY_BOOT_SHIFT
	ldp	x0, x1, [x4]		/* percpu, sp */
	ldp	x3, x2, [x4, #16]	/* exc_sp, stack_limit */
	bl	cpu_enter_kernel_mode
	mov	x0, x19
	bl	boot_secondary
	b	park

/*
 * cpu_enter_kernel_mode(percpu=x0, thread_sp=x1, stack_limit=x2, exc_sp=x3):
 * set the per-CPU pointer and the exception stack, install the vectors and
 * continue on SP_EL0 (threads run in ELxt). Uses only x0-x5, x30.
 */
cpu_enter_kernel_mode:
	msr	TPIDR_ELx, x0
	str	x2, [x0, #CPU_ARCH_STACK_LIMIT]
	str	x3, [x0, #CPU_ARCH_EXC_STACK_TOP]
	msr	spsel, #1
	mov	sp, x3
	msr	sp_el0, x1
	msr	spsel, #0
	adr_l	x5, exception_vectors
	msr	VBAR_ELx, x5
	isb
	mov	x29, xzr
	ret

	.global park
park:
	msr	daifset, #0xf
1:	wfe
	b	1b
