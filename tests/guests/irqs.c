/*
 * Interrupt test guest (2 vCPUs, both on one pCPU): the virtual timer
 * through WFI, eight SGIs at once (more than the 4 list registers, in
 * priority order), the vPL011's SPI, PSCI CPU_ON/CPU_OFF/AFFINITY_INFO, an
 * SGI to the other vCPU, and FP/SIMD registers surviving vCPU switches.
 */
#include "gic.h"

#define PPI_VTIMER 27
#define SPI_UART 33
#define SGI_CROSS 9
#define TICKS 10

uint64_t fp_check(uint64_t seed);
void fp_fill(uint64_t seed);

static volatile unsigned int ticks, sgi_seen, uart_irqs, cross_sgis, vcpu1_up, vcpu1_done;
static volatile unsigned int sgi_order[16];
static volatile uint64_t period, max_late;
static uint8_t stack1[8192] __attribute__((aligned(16)));

static uint64_t now(void)
{
	isb();
	return sysreg_read(cntvct_el0);
}

static void on_timer(void)
{
	uint64_t late = now() - sysreg_read(cntv_cval_el0);

	if (late > max_late)
		max_late = late;

	if (++ticks < TICKS)
		sysreg_write(cntv_cval_el0, sysreg_read(cntv_cval_el0) + period);
	else
		sysreg_write(cntv_ctl_el0, 0);
}

void guest_irq(void)
{
	unsigned int id = gic_ack();

	if (id == PPI_VTIMER)
		on_timer();
	else if (id < 8)
		sgi_order[sgi_seen++] = id;
	else if (id == SGI_CROSS)
		cross_sgis++;
	else if (id == SPI_UART) {
		mmio_w32(UART_BASE + 0x38, 0);		/* IMSC: mask all */
		mmio_w32(UART_BASE + 0x44, 0x7ff);	/* ICR: clear all */
		uart_irqs++;
	} else if (id < 1020)
		fail("irq-unknown-intid", id);
	if (id < 1020)
		gic_eoi(id);
}

static void check_timer(void)
{
	uint64_t start;

	gic_enable(0, PPI_VTIMER, 0xa0);
	period = sysreg_read(cntfrq_el0) / 1000;	/* 1 ms */
	start = now();
	sysreg_write(cntv_cval_el0, start + period);
	sysreg_write(cntv_ctl_el0, 1);
	irq_on();
	while (ticks < TICKS)
		__asm__ volatile("wfi");
	if (now() - start >= TICKS * period)
		pass("vtimer-ticks-through-wfi");
	else
		fail("vtimer-ticks-through-wfi", now() - start);
	puts_("vtimer max lateness (ticks): ");
	puthex(max_late);
	puts_("\n");
}

static void check_sgis(void)
{
	period = sysreg_read(cntfrq_el0) / 1000;
	unsigned int i, ok = 1;

	irq_off();
	for (i = 0; i < 8; i++) {
		gic_enable(0, i, (uint8_t)(0x40 + 8 * (7 - i)));	/* SGI 7 most urgent */
		gic_sgi(i, 1);
	}
	irq_on();
	/* The last four need a refill: the underflow maintenance interrupt
	 * makes us exit once the first batch is EOIed. Allow 50 ms. */
	for (uint64_t end = now() + 50 * period; sgi_seen < 8 && now() < end;)
		;
	for (i = 0; i < 8; i++)
		ok &= sgi_order[i] == 7 - i;
	if (sgi_seen == 8 && ok)
		pass("sgi-8-pending-4-lrs-priority-order");
	else
		fail("sgi-8-pending-4-lrs-priority-order", sgi_seen);
}

static void check_uart_spi(void)
{
	gic_enable(0, SPI_UART, 0x90);
	putc_('\n');				/* TX interrupt raw status is set */
	mmio_w32(UART_BASE + 0x38, 1u << 5);	/* IMSC.TXIM: the line goes high */
	for (int i = 0; i < 100000 && !uart_irqs; i++)
		;
	if (uart_irqs == 1)
		pass("vpl011-spi-33");
	else
		fail("vpl011-spi-33", uart_irqs);
}

/* Keep exiting to the hypervisor for a while, so that the other vCPU on
 * this pCPU runs in between, then check our FP registers. */
static void check_fp(uint64_t seed, const char *name)
{
	uint64_t end;

	fp_fill(seed);
	end = now() + 40 * period;
	while (now() < end)
		psci(0x84000000, 0, 0, 0);
	if (fp_check(seed) == 0)
		pass(name);
	else
		fail(name, fp_check(seed));
}

void guest_secondary(uint64_t cpu)
{
	gic_init_cpu((unsigned int)cpu);
	gic_enable((unsigned int)cpu, SGI_CROSS, 0x80);
	irq_on();
	vcpu1_up = 1;
	while (!cross_sgis)
		__asm__ volatile("wfi");
	check_fp(0x5000, "fp-state-vcpu1");
	vcpu1_done = 1;
	psci(0x84000002, 0, 0, 0);	/* CPU_OFF */
	fail("cpu-off-returned", 0);
}

static void check_secondary(void)
{
	long r = psci(0xc4000003, 1, (uint64_t)_secondary, (uint64_t)(stack1 + sizeof(stack1)));

	if (r) {
		fail("psci-cpu-on", (uint64_t)r);
		return;
	}
	while (!vcpu1_up)
		;
	if (psci(0xc4000004, 1, 0, 0) == 0)	/* AFFINITY_INFO: ON */
		pass("psci-affinity-info-on");
	else
		fail("psci-affinity-info-on", 0);
	gic_sgi(SGI_CROSS, 1u << 1);
	check_fp(0x1000, "fp-state-vcpu0");
	while (!vcpu1_done)
		;
	for (int i = 0; i < 1000000 && psci(0xc4000004, 1, 0, 0) != 1; i++)
		;
	if (psci(0xc4000004, 1, 0, 0) == 1 && cross_sgis == 1)
		pass("psci-cpu-off-and-cross-sgi");
	else
		fail("psci-cpu-off-and-cross-sgi", cross_sgis);
}

void guest_main(uint64_t dtb)
{
	puts_("irqs guest\n");
	gic_init_dist();
	gic_init_cpu(0);
	check_timer();
	check_sgis();
	check_uart_spi();
	check_secondary();
	puts_("guest: done\n");
}
