/*
 * A CPU-bound guest for the priority tests (two VMs on one pCPU). It spins
 * reading CNTVCT: a jump of more than GAP_MS between two reads means its
 * vCPU was descheduled, printed as "gap <ms>"; the rest is run time, and
 * every 100 ms of it prints "run <n>". Its virtual timer fires every
 * 200 ms (re-armed relative to the interrupt): each interrupt must find the
 * timer condition met (no spurious or repeated interrupt), and the guest
 * must not have run more than SLACK_MS past the deadline without it, even
 * when the deadline passed while it was descheduled ("vtimer late=<ms>"
 * for those). Typing 's' makes it sleep in WFI for 5 timer periods.
 */
#include "gic.h"

#define PPI_VTIMER 27
#define SPI_UART 33
#define GAP_MS 20
#define SLACK_MS 50

static uint64_t ms;				/* counter ticks per ms */
static volatile uint64_t last_seen;		/* the spin loop's last CNTVCT */
static volatile unsigned int irqs, spurious, bad, sleep_req;
static volatile uint64_t deferred_late, deferred_ran;	/* ms, us */

static uint64_t now(void)
{
	isb();
	return sysreg_read(cntvct_el0);
}

static void vtimer_irq(void)
{
	uint64_t t = now(), cval = sysreg_read(cntv_cval_el0);
	uint64_t seen = last_seen;

	if (!(sysreg_read(cntv_ctl_el0) & 4)) {		/* ISTATUS */
		spurious++;
		return;
	}
	irqs++;
	if (seen > cval + SLACK_MS * ms)
		bad++;
	if (t - cval > GAP_MS * ms && !deferred_late) {
		deferred_late = (t - cval) / ms;
		deferred_ran = seen > cval ? (seen - cval) * 1000 / ms : 0;
	}
	sysreg_write(cntv_cval_el0, t + 200 * ms);
}

void guest_irq(void)
{
	unsigned int id = gic_ack();

	if (id == PPI_VTIMER) {
		vtimer_irq();
	} else if (id == SPI_UART) {
		while (!(mmio_r32(UART_BASE + 0x18) & (1u << 4)))	/* FR.RXFE */
			sleep_req |= (char)mmio_r32(UART_BASE) == 's';
		mmio_w32(UART_BASE + 0x44, 0x7ff);
	}
	if (id < 1020)
		gic_eoi(id);
}

static void report_deferred(void)
{
	uint64_t late = deferred_late, ran = deferred_ran;

	deferred_late = 0;
	puts_("vtimer late=");
	putdec(late);
	puts_(" ran-past-deadline-us=");
	putdec(ran);
	puts_(ran <= SLACK_MS * 1000 ? "\nPASS vtimer-on-time-after-deschedule\n"
				     : "\nFAIL vtimer-on-time-after-deschedule\n");
}

static void do_sleep(void)
{
	unsigned int until = irqs + 5;

	sleep_req = 0;
	puts_("sleep\n");
	while (irqs < until)
		__asm__ volatile("wfi");
	puts_("woke\n");
	last_seen = now();
}

static void report_run(uint64_t n)
{
	puts_("run ");
	putdec(n);
	puts_(" irqs=");
	putdec(irqs);
	puts_(" spurious=");
	putdec(spurious);
	puts_(" bad=");
	putdec(bad);
	puts_("\n");
}

void guest_main(uint64_t dtb)
{
	uint64_t ran = 0, runs = 0;

	ms = sysreg_read(cntfrq_el0) / 1000;
	gic_init_dist();
	gic_init_cpu(0);
	gic_enable(0, PPI_VTIMER, 0xa0);
	gic_enable(0, SPI_UART, 0x90);
	mmio_w32(UART_BASE + 0x38, (1u << 4) | (1u << 6));	/* IMSC: RX, RX timeout */
	puts_("prio up\n");
	last_seen = now();
	sysreg_write(cntv_cval_el0, last_seen + 200 * ms);
	sysreg_write(cntv_ctl_el0, 1);
	irq_on();
	for (;;) {
		uint64_t t = now(), d = t - last_seen;

		last_seen = t;
		if (d > GAP_MS * ms) {
			puts_("gap ");
			putdec(d / ms);
			puts_("\n");
		} else {
			ran += d;
		}
		if (deferred_late)
			report_deferred();
		if (ran / (100 * ms) > runs)
			report_run(++runs);
		if (sleep_req)
			do_sleep();
	}
}
