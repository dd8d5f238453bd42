/*
 * Passthrough test guest: QEMU virt's PL031 RTC (0x09010000, SPI 2 =
 * INTID 34) is mapped straight into the VM and its SPI hardware-linked.
 * The guest reads the RTC's ID and time registers (no trap), then twice
 * arms the match interrupt one second ahead, waits for it in WFI, clears
 * it at the device and EOIs it. The second interrupt can only come if the
 * guest's EOI deactivated the physical SPI (LR.HW = 1).
 */
#include "gic.h"

#define RTC 0x09010000UL
#define RTCDR 0x000		/* data: seconds */
#define RTCMR 0x004		/* match */
#define RTCIMSC 0x010		/* interrupt mask set/clear */
#define RTCRIS 0x014		/* raw interrupt status */
#define RTCICR 0x01c		/* interrupt clear */
#define RTC_PERIPHID 0xfe0
#define SPI_RTC 34
#define ROUNDS 2

static volatile unsigned int rtc_irqs, other_irqs;
static volatile uint32_t ris_seen;

static uint64_t now(void)
{
	isb();
	return sysreg_read(cntvct_el0);
}

void guest_irq(void)
{
	unsigned int id = gic_ack();

	if (id >= 1020)
		return;
	if (id == SPI_RTC) {
		ris_seen = mmio_r32(RTC + RTCRIS);
		mmio_w32(RTC + RTCICR, 1);	/* the line drops */
		rtc_irqs++;
	} else {
		other_irqs++;
	}
	gic_eoi(id);	/* EOImode 0: drop + deactivate, physical too */
}

/* PeriphID0..3: part number 0x031, designer 0x41 (ARM), any revision
 * (QEMU's reads 0x31 0x10 0x14 0x00). */
static void check_ids(void)
{
	uint32_t id = 0;

	for (unsigned int i = 0; i < 4; i++)
		id |= (mmio_r32(RTC + RTC_PERIPHID + 4 * i) & 0xff) << (8 * i);
	if ((id & 0xfff) == 0x031 && ((id >> 12) & 0xff) == 0x41)
		pass("pl031-periphid");
	else
		fail("pl031-periphid", id);
	if (mmio_r32(RTC + RTCDR) != 0)	/* seconds since 1970 on QEMU */
		pass("pl031-rtcdr-plausible");
	else
		fail("pl031-rtcdr-plausible", mmio_r32(RTC + RTCDR));
}

/* Arm the match one second ahead; wait up to 3 s of guest time. */
static void one_round(unsigned int round, const char *name)
{
	uint64_t end = now() + 3 * sysreg_read(cntfrq_el0);

	mmio_w32(RTC + RTCMR, mmio_r32(RTC + RTCDR) + 1);
	mmio_w32(RTC + RTCIMSC, 1);
	while (rtc_irqs < round && now() < end)
		__asm__ volatile("wfi");
	mmio_w32(RTC + RTCIMSC, 0);
	if (rtc_irqs == round && (ris_seen & 1) && !other_irqs)
		pass(name);
	else
		fail(name, ((uint64_t)other_irqs << 32) | rtc_irqs);
}

void guest_main(uint64_t dtb)
{
	puts_("passthru guest\n");
	gic_init_dist();
	gic_init_cpu(0);
	check_ids();
	mmio_w32(RTC + RTCIMSC, 0);
	mmio_w32(RTC + RTCICR, 1);
	gic_enable(0, SPI_RTC, 0x80);
	irq_on();
	one_round(1, "pl031-spi-34-first");
	one_round(2, "pl031-spi-34-second-after-hw-deactivation");
	irq_off();
	puts_("guest: done\n");
}
