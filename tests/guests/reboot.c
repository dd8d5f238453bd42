/*
 * A guest that asks for a reset as soon as it runs (PSCI SYSTEM_RESET), so
 * the host restarts it over and over: its halt and restart log lines must
 * be rate-limited like any other guest-caused line
 * (tests/system/test_console.py).
 */
#include "guest.h"

#define PSCI_SYSTEM_RESET 0x84000009UL

void guest_main(uint64_t dtb)
{
	puts_("reboot\n");
	psci(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}
