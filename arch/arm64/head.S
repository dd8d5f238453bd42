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
 */
#include <arch/el.h>
#include <arch/exception.h>
#include <arch/stacks.h>

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
	.quad	0x2			/* flags: little-endian, 4K pages, 2 MiB aligned base */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

primary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	bl	boot_el_setup		/* EL variant: may change the EL */

	/* We are linked at one address and not relocatable: refuse anything else. */
	adr	x1, _head
	ldr	x2, =_head
	cmp	x1, x2
	b.ne	park

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
