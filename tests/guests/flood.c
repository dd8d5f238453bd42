/*
 * A guest that floods the host log: it reads an IPA with nothing behind it
 * in a loop, so every read is an injected abort and a (rate-limited) host
 * warning. With the RT ticker on the same pCPU at a higher priority it
 * shows whether guest-caused log lines cost another VM timer lateness
 * (tests/system/test_console.py).
 */
#include "guest.h"

#define HOLE_ADDR 0x20000000UL		/* nothing mapped */

void guest_main(uint64_t dtb)
{
	puts_("flood up\n");
	for (;;)
		(void)mmio_r32(HOLE_ADDR);	/* guest_exception() skips it */
}
