/*
 * PL011 UART driver: TX by polling FR.TXFF (the console's drain thread
 * sleeps while it is set; see kernel/console_out.c), RX by interrupt.
 */
#include <arch/mmio.h>
#include <arch/mmu.h>
#include <drivers/gicv3.h>
#include <drivers/pl011.h>
#include <kernel/arch_interface.h>
#include <kernel/console.h>
#include <kernel/init.h>
#include <kernel/irq.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/timeout.h>
#include <lib/parse.h>
#include <lib/string.h>
#include <zvm/compiler.h>

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_MIS 0x40
#define UART_ICR 0x44
#define FR_RXFE BIT(4)
#define FR_TXFF BIT(5)
#define CR_UARTEN BIT(0)
#define CR_TXE BIT(8)
#define CR_RXE BIT(9)
#define INT_RX BIT(4)
#define INT_RT BIT(6)	/* receive timeout: data sits below the FIFO level */

static volatile u32 *uart;
static paddr_t uart_phys;

static inline u32 reg_rd(u32 off) { return mmio_read32(&uart[off / 4]); }
static inline void reg_wr(u32 off, u32 v) { mmio_write32(&uart[off / 4], v); }

void pl011_early_init(paddr_t base)
{
	uart_phys = base;
	uart = (volatile u32 *)base;
	/* Keep the loader's baud settings; make sure TX and RX are on. */
	reg_wr(UART_CR, reg_rd(UART_CR) | CR_UARTEN | CR_TXE | CR_RXE);
}

void pl011_map(void)
{
	/* Builds the mapping while the MMU is still off; identity, so the
	 * pointer stays valid once it is on. */
	ioremap(uart_phys, 0x1000);
}

paddr_t pl011_base(void)
{
	return uart_phys;
}

/*
 * The slow-UART model (boot argument slowuart=<baud>): QEMU's PL011 sends
 * every byte at once and never sets TXFF, so nothing would show what a real
 * UART's pace costs its writers. With the model on, the transmitter takes a
 * 10-bit frame per byte at <baud> behind a MODEL_FIFO-byte FIFO, and
 * reports itself full (as TXFF would) while MODEL_FIFO bytes are unsent.
 * Callers serialise TX (the console's UART lock), which covers the state.
 */
#define MODEL_FIFO 16
#define MODEL_ARG "slowuart="
static u64 model_byte_ticks;	/* 0: the model is off */
static u64 model_idle_at;	/* counter value when the FIFO has gone out */

static u64 model_unsent_ticks(u64 now)
{
	return model_idle_at > now ? model_idle_at - now : 0;
}

static bool model_full(void)
{
	u64 now = arch_counter_read();

	if (model_unsent_ticks(now) > (MODEL_FIFO - 1) * model_byte_ticks)
		return true;
	model_idle_at = MAX(model_idle_at, now) + model_byte_ticks;
	return false;
}

bool pl011_try_putc(char c)
{
	if (!uart)
		return true;	/* no console: nothing to wait for */
	if (reg_rd(UART_FR) & FR_TXFF)
		return false;
	if (model_byte_ticks && model_full())
		return false;
	reg_wr(UART_DR, (u8)c);
	return true;
}

/* How long a full transmitter takes to have room for a burst: half the
 * model's FIFO; on hardware, whose baud rate the driver does not track,
 * 500 us (6 bytes at 115200, well inside a 16- or 32-byte FIFO's time). */
u64 pl011_tx_full_wait(void)
{
	if (model_byte_ticks) {
		u64 unsent = model_unsent_ticks(arch_counter_read());
		u64 half = MODEL_FIFO / 2 * model_byte_ticks;

		return unsent > half ? unsent - half : 1;
	}
	return k_us_to_ticks(500);
}

static int pl011_model_init(void)
{
	const char *arg;
	char buf[16];
	size_t len;
	u64 baud;

	if (!cmdline_find(plat.bootargs, "slowuart", &arg, &len))
		return 0;
	len = arg ? MIN(len, sizeof(buf) - 1) : 0;
	memcpy(buf, arg ? arg : "", len);
	buf[len] = '\0';
	if (str_to_u64(buf, &baud) || baud < 300 || baud > 10000000) {
		pr_err("uart: bad '" MODEL_ARG "<baud>' boot argument (300 to 10000000); "
		       "the UART runs at full speed");
		return 0;
	}
	model_byte_ticks = arch_counter_freq() * 10 / baud;	/* start, 8 data, stop bits */
	pr_info("uart: modelling a %llu-baud transmitter (%llu ns per byte)",
		(unsigned long long)baud, (unsigned long long)k_ticks_to_ns(model_byte_ticks));
	return 0;
}
INITCALL(pl011_model_init);

/* Acknowledge first, then drain. The other order loses input for good: a
 * byte landing between the last empty check and the ICR write has its
 * interrupt cleared while it sits in the FIFO, and QEMU's PL011 raises RX
 * only when the FIFO goes from empty to non-empty, so nothing would ever
 * interrupt again (seen as a console that stops reading mid-line). */
static void pl011_irq(unsigned int intid, void *arg)
{
	reg_wr(UART_ICR, INT_RX | INT_RT);
	while (!(reg_rd(UART_FR) & FR_RXFE))
		console_rx_push((char)(reg_rd(UART_DR) & 0xff));
}

int pl011_init_irq(unsigned int intid)
{
	int err;

	err = irq_register(intid, pl011_irq, NULL);
	if (err)
		return err;
	reg_wr(UART_ICR, 0x7ff);
	reg_wr(UART_IMSC, INT_RX | INT_RT);
	gic_route_spi(intid, arch_cpu_hwid());
	gic_enable_irq(intid);
	return 0;
}
