/*
 * Exceptions taken by the kernel itself. Anything unexpected is fatal and
 * prints a full register dump, the decoded syndrome and a backtrace; a
 * fault on a stack guard page is reported as a stack overflow.
 */
#include <arch/el.h>
#include <arch/esr.h>
#include <arch/exception.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <arch/undef.h>
#include <kernel/cpu.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/sched.h>

static const char *const fatal_kinds[] = {
	[1] = "kernel stack overflow",
	[2] = "FIQ",
	[3] = "SError",
	[4] = "exception on the exception stack",
	[5] = "IRQ on the exception stack",
	[6] = "FIQ on the exception stack",
	[7] = "SError on the exception stack",
	[8] = "exception from a lower exception level",
};

void exc_dump(const struct exc_frame *f, const char *why)
{
	unsigned int ec = ESR_EC(f->esr);
	struct thread *t = this_cpu()->current;

	pr_emerg("%s on CPU %u, thread '%s'", why, arch_cpu_id(), t ? t->name : "?");
	pr_emerg("ESR %#010llx  EC %#04x: %s", (unsigned long long)f->esr, ec, esr_class_name(ec));
	if (ec == ESR_EC_DABT_CUR || ec == ESR_EC_IABT_CUR || ec == ESR_EC_DABT_LOW)
		pr_emerg("  %s, FAR %#018llx", esr_fault_name(f->esr & 0x3f),
			 (unsigned long long)f->far);
	pr_emerg("ELR %#018llx  SPSR %#010llx  SP %#018llx", (unsigned long long)f->elr,
		 (unsigned long long)f->spsr, (unsigned long long)f->sp);
	for (unsigned int i = 0; i < 30; i += 3)
		pr_emerg("x%-2u %016llx  x%-2u %016llx  x%-2u %016llx", i,
			 (unsigned long long)f->x[i], i + 1, (unsigned long long)f->x[i + 1],
			 i + 2, (unsigned long long)f->x[i + 2]);
	pr_emerg("x30 %016llx", (unsigned long long)f->x[30]);
}

static bool fp_readable(u64 fp)
{
	return fp && IS_ALIGNED(fp, 16) && mmu_virt_to_phys(fp) && mmu_virt_to_phys(fp + 8);
}

static void backtrace_from(u64 fp, u64 pc)
{
	pr_emerg("Backtrace:");
	pr_emerg("  [<%016llx>]", (unsigned long long)pc);
	for (int depth = 0; depth < 24 && fp_readable(fp); depth++) {
		const u64 *frame = (const u64 *)fp;

		if (!frame[1])
			break;
		pr_emerg("  [<%016llx>]", (unsigned long long)frame[1]);
		if (frame[0] <= fp)
			break;	/* frames grow upwards; anything else is corrupt */
		fp = frame[0];
	}
}

void arch_backtrace(void)
{
	u64 fp = (u64)__builtin_frame_address(0);

	backtrace_from(fp, (u64)__builtin_return_address(0));
}

static bool is_guard_fault(const struct exc_frame *f)
{
	unsigned int ec = ESR_EC(f->esr);
	u64 limit = this_cpu()->arch.stack_limit;

	return (ec == ESR_EC_DABT_CUR) && f->far < limit && f->far >= limit - PAGE_SIZE;
}

static __noreturn void fatal(struct exc_frame *f, const char *why)
{
	panic_begin();
	exc_dump(f, why);
	backtrace_from(f->x[29], f->elr);
	panic_end();
}

void exc_sync_handler(struct exc_frame *f)
{
	if (arch_undef_fixup(f))
		return;
	if (is_guard_fault(f))
		fatal(f, "kernel stack overflow (guard page hit)");
	fatal(f, "Unexpected synchronous exception");
}

void exc_irq_handler(struct exc_frame *f)
{
	irq_handle_and_switch();
}

void exc_fatal_handler(struct exc_frame *f, unsigned long kind)
{
	const char *why = kind < ARRAY_SIZE(fatal_kinds) && fatal_kinds[kind] ?
			  fatal_kinds[kind] : "fatal exception";
	fatal(f, why);
}
