/* Test guest runtime: PL011 output, PSCI, fault bookkeeping. */
#include "guest.h"

volatile uint64_t last_esr, last_far;
volatile int faults;
volatile uint64_t cpu_last_esr[GUEST_MAX_CPUS];
volatile int cpu_faults[GUEST_MAX_CPUS];

unsigned int cpu_index(void)
{
	return (unsigned int)(sysreg_read(mpidr_el1) & (GUEST_MAX_CPUS - 1));
}

void putc_(char c)
{
	while (mmio_r32(UART_BASE + 0x18) & (1u << 5))
		;
	mmio_w32(UART_BASE, (uint8_t)c);
}

void puts_(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putc_('\r');
		putc_(*s++);
	}
}

void puthex_n(uint64_t v, int digits)
{
	for (int i = (digits - 1) * 4; i >= 0; i -= 4)
		putc_("0123456789abcdef"[(v >> i) & 15]);
}

void puthex(uint64_t v)
{
	puts_("0x");
	puthex_n(v, 16);
}

void putdec(uint64_t v)
{
	char buf[24];
	int i = 0;

	do {
		buf[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i--)
		putc_(buf[i]);
}

/* One result line at a time: vCPUs report concurrently (irqs, chaos), and
 * a test reads whole lines. A spin lock on exclusives (QEMU's TCG
 * implements them with the MMU off too). */
static volatile uint32_t line_lock;

static void line_begin(void)
{
	uint32_t busy, failed;

	do {
		__asm__ volatile("ldaxr %w0, [%2]\n"
				 "cbnz %w0, 1f\n"
				 "stxr %w1, %w3, [%2]\n"
				 "b 2f\n"
				 "1: mov %w1, #1\n"
				 "2:"
				 : "=&r"(busy), "=&r"(failed) : "r"(&line_lock), "r"(1u) : "memory");
	} while (busy || failed);
}

static void line_end(void)
{
	__asm__ volatile("stlr wzr, [%0]" : : "r"(&line_lock) : "memory");
}

void pass(const char *what)
{
	line_begin();
	puts_("PASS ");
	puts_(what);
	puts_("\n");
	line_end();
}

void fail(const char *what, uint64_t got)
{
	line_begin();
	puts_("FAIL ");
	puts_(what);
	puts_(" got ");
	puthex(got);
	puts_("\n");
	line_end();
}

long psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (long)x0;
}

void psci_system_off(void)
{
	puts_("guest: SYSTEM_OFF\n");
	psci(0x84000008, 0, 0, 0);
}

__attribute__((weak)) void guest_irq(void)
{
	fail("unexpected-irq", 0);
}

__attribute__((weak)) void guest_secondary(uint64_t cpu)
{
	fail("unexpected-secondary", cpu);
}

/* IRQs go to guest_irq(); synchronous exceptions resume after the faulting
 * instruction (all our probes are 4 bytes). */
uint64_t guest_exception(uint64_t esr, uint64_t far, uint64_t elr, uint64_t kind)
{
	if ((kind & 3) == 1) {
		guest_irq();
		return elr;
	}
	last_esr = esr;
	last_far = far;
	faults++;
	cpu_last_esr[cpu_index()] = esr;
	cpu_faults[cpu_index()]++;
	return elr + 4;
}
