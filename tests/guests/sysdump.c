/*
 * Reads every system register encoding (MRS, op0 2-3: 32768) and prints
 * the ones that read without an exception, as "R <encoding> <value>" in
 * hex, then "sysdump: N readable". tests/system/test_vms.py compares the
 * dump of a fresh VM on a pCPU where the chaos guest (which writes every
 * register it can) ran just before, with dumps from clean runs: whatever
 * differs was left behind by another VM.
 */
#include "guest.h"
#include "jit.h"

void guest_main(uint64_t dtb)
{
	uint64_t readable = 0;

	(void)dtb;
	puts_("sysdump: start\n");
	for (uint32_t e = 0; e < 1u << 15; e++) {
		uint64_t val = 0, esr;

		if (jit_run(jit_sysreg_e(true, e), &val, 0, &esr))
			continue;
		readable++;
		puts_("R ");
		puthex_n(e, 4);
		putc_(' ');
		puthex_n(val, 16);
		puts_("\n");
	}
	puts_("sysdump: ");
	putdec(readable);
	puts_(" readable\n");
}
