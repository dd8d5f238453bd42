/* The first test guest: console output, MMIO widths and sign extension
 * through the vPL011, PSCI version/features, an undefined system register
 * and an access outside RAM (both must come back as exceptions), then
 * SYSTEM_OFF. Each check prints PASS or FAIL. */
#include "guest.h"

#define EC(esr) (((esr) >> 26) & 0x3f)

static void check_psci(void)
{
	long v = psci(0x84000000, 0, 0, 0);

	if (v == 0x10000)
		pass("psci-version 1.0");
	else
		fail("psci-version", (uint64_t)v);
	if (psci(0xdeadbeef, 0, 0, 0) == -1)
		pass("psci-unknown-fid NOT_SUPPORTED");
	else
		fail("psci-unknown-fid", 0);
}

static void check_mmio_widths(void)
{
	/* PeriphID0..3 of a PL011 read 0x11 0x10 0x14 0x00; CellID 0x0d 0xf0 0x05 0xb1. */
	uint64_t b, sb, neg, h, w32;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(b) : "r"(UART_BASE + 0xfe0));
	__asm__ volatile("ldrsb %0, [%1]" : "=r"(sb) : "r"(UART_BASE + 0xff8));	/* 0x05 */
	__asm__ volatile("ldrsb %0, [%1]" : "=r"(neg) : "r"(UART_BASE + 0xffc));	/* 0xb1 */
	__asm__ volatile("ldrh %w0, [%1]" : "=r"(h) : "r"(UART_BASE + 0xff4));
	/* LDRSB into a W register: sign-extended to 32 bits, top half zero. */
	__asm__ volatile("ldrsb %w0, [%1]" : "=r"(w32) : "r"(UART_BASE + 0xffc));
	if (b == 0x11 && sb == 5 && neg == 0xffffffffffffffb1ULL && h == 0xf0 &&
	    w32 == 0xffffffb1ULL)
		pass("mmio-widths-sign-extension");
	else
		fail("mmio-widths-sign-extension", neg);
}

static void check_undef_sysreg(void)
{
	int before = faults;

	/* An IMPLEMENTATION DEFINED register (HCR_EL2.TIDCP traps it): the hypervisor must inject UNDEF. */
	__asm__ volatile("msr s3_0_c15_c0_0, xzr" ::: "memory");
	if (faults == before + 1 && EC(last_esr) == 0)
		pass("undef-sysreg");
	else
		fail("undef-sysreg", last_esr);
}

static void check_outside_ram(void)
{
	int before = faults;
	volatile uint32_t *p = (volatile uint32_t *)0x20000000;	/* nothing there */

	(void)*p;
	if (faults == before + 1 && EC(last_esr) == 0x25 && last_far == 0x20000000)
		pass("abort-outside-ram");
	else
		fail("abort-outside-ram", last_esr);
}

void guest_main(uint64_t dtb)
{
	puts_("hello from guest, dtb at ");
	puthex(dtb);
	puts_("\n");
	check_psci();
	check_mmio_widths();
	check_undef_sysreg();
	check_outside_ram();
	puts_("guest: done\n");
}
