/* Undefined-instruction probes: see <arch/undef.h>. */
#include <arch/esr.h>
#include <arch/undef.h>
#include <kernel/arch_interface.h>
#include <kernel/cpu.h>

bool arch_try_undef(void (*fn)(void *arg), void *arg)
{
	unsigned long flags = arch_irq_save();	/* stays on this CPU */
	struct cpu_arch *a = &this_cpu()->arch;
	bool ok;

	a->undef_hits = 0;
	a->undef_probing = true;
	fn(arg);
	a->undef_probing = false;
	ok = a->undef_hits == 0;
	arch_irq_restore(flags);
	return ok;
}

bool arch_undef_fixup(struct exc_frame *f)
{
	struct cpu_arch *a = &this_cpu()->arch;

	if (!a->undef_probing || ESR_EC(f->esr) != ESR_EC_UNKNOWN)
		return false;
	a->undef_hits++;
	/* Skip it: A64 instructions are 4 bytes; IL is 1 for EC 0. */
	f->elr += 4;
	return true;
}
