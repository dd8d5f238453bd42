/*
 * Emulated Arm PL011 (DDI 0183): enough of the register set for Linux's
 * amba-pl011 and Zephyr's uart_pl011. TX bytes go into the VM's console
 * ring (and to an attached `zvm look`); RX comes from the host shell into a
 * 32-byte FIFO. Interrupt lines (RX, RT, TX) are computed from RIS & IMSC
 * and reported through vpl011_line(), which the vGIC wiring consumes.
 */
#include <kernel/mm.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include <virt/mmio.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <virt/vpl011.h>
#include <zvm/errno.h>

/* Register map (DDI 0183 3.2). */
#define UARTDR 0x000
#define UARTRSR 0x004
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048
#define UARTPERIPHID0 0xfe0
#define UARTCELLID0 0xff0

#define FR_RXFE BIT(4)
#define FR_TXFF BIT(5)
#define FR_RXFF BIT(6)
#define FR_TXFE BIT(7)
#define INT_RX BIT(4)
#define INT_TX BIT(5)
#define INT_RT BIT(6)
#define RX_FIFO 32
#define RX_BACKLOG 1024		/* typed ahead of the guest's FIFO */

struct vpl011 {
	struct vm *vm;
	spinlock_t lock;
	u32 ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, ilpr, dmacr;
	u8 rx[RX_FIFO];
	unsigned int rx_head, rx_count;
	/* Host input that did not fit the FIFO: a user pasting a line must not
	 * lose characters just because the guest reads its FIFO slowly. */
	struct ringbuf backlog;
	u8 backlog_mem[RX_BACKLOG];
	unsigned int intid;
	bool line;		/* UARTINTR as last told to the vGIC */
	void (*sink)(void *ctx, const char *s, size_t n);
	void *sink_ctx;
};

/* PrimeCell identification: PL011 r1p5, as QEMU reports it. */
static const u8 pl011_ids[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static void rx_fifo_put(struct vpl011 *u, u8 c)
{
	u->rx[(u->rx_head + u->rx_count++) % RX_FIFO] = c;
	u->ris |= INT_RX | INT_RT;
}

static u64 rd_dr(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	struct vpl011 *u = dev;
	u64 c = 0;
	u8 next;

	if (u->rx_count) {
		c = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % RX_FIFO;
		u->rx_count--;
		if (ringbuf_get(&u->backlog, &next))
			rx_fifo_put(u, next);
	}
	if (!u->rx_count)
		u->ris &= ~(INT_RX | INT_RT);
	return c;
}

static void wr_dr(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	struct vpl011 *u = dev;
	char c = (char)val;

	ringbuf_put_overwrite(&u->vm->console, (u8)c);
	if (u->sink)
		u->sink(u->sink_ctx, &c, 1);
	u->ris |= INT_TX;	/* TX FIFO is always drained at once */
}

static u64 rd_fr(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	struct vpl011 *u = dev;

	return FR_TXFE | (u->rx_count ? 0 : FR_RXFE) | (u->rx_count == RX_FIFO ? FR_RXFF : 0);
}

#define REG_FIELD(fn, field)							\
static u64 rd_##fn(void *dev, struct vcpu *v, u32 off, unsigned int size)	\
{										\
	return ((struct vpl011 *)dev)->field;					\
}										\
static void wr_##fn(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val) \
{										\
	((struct vpl011 *)dev)->field = (u32)val;				\
}

REG_FIELD(ibrd, ibrd)
REG_FIELD(fbrd, fbrd)
REG_FIELD(lcr_h, lcr_h)
REG_FIELD(cr, cr)
REG_FIELD(ifls, ifls)
REG_FIELD(imsc, imsc)
REG_FIELD(ilpr, ilpr)
REG_FIELD(dmacr, dmacr)

static u64 rd_ris(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return ((struct vpl011 *)dev)->ris;
}

static u64 rd_mis(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	struct vpl011 *u = dev;

	return u->ris & u->imsc;
}

/* Acknowledging clears the sources even with data left in the FIFO: a
 * driver may acknowledge in its handler and drain later with interrupts
 * on (tests/guests/ticker.c does). Hardware would raise RT again only
 * after 32 idle bit periods; raising it at once would storm such a guest,
 * so the next byte received raises RX/RT again instead (rx_fifo_put). */
static void wr_icr(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	((struct vpl011 *)dev)->ris &= ~(u32)val;
}

static u64 rd_id(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return pl011_ids[off / 4];
}

static const struct vreg vpl011_regs[] = {
	{ UARTDR, 4, VREG_W8 | VREG_W16 | VREG_W32, rd_dr, wr_dr },
	{ UARTRSR, 4, VREG_W8 | VREG_W16 | VREG_W32, vreg_raz, vreg_wi },
	{ UARTFR, 4, VREG_W8 | VREG_W16 | VREG_W32, rd_fr, vreg_wi },
	{ UARTILPR, 4, VREG_W8 | VREG_W16 | VREG_W32, rd_ilpr, wr_ilpr },
	{ UARTIBRD, 4, VREG_W16 | VREG_W32, rd_ibrd, wr_ibrd },
	{ UARTFBRD, 4, VREG_W8 | VREG_W16 | VREG_W32, rd_fbrd, wr_fbrd },
	{ UARTLCR_H, 4, VREG_W8 | VREG_W16 | VREG_W32, rd_lcr_h, wr_lcr_h },
	{ UARTCR, 4, VREG_W16 | VREG_W32, rd_cr, wr_cr },
	{ UARTIFLS, 4, VREG_W8 | VREG_W16 | VREG_W32, rd_ifls, wr_ifls },
	{ UARTIMSC, 4, VREG_W16 | VREG_W32, rd_imsc, wr_imsc },
	{ UARTRIS, 4, VREG_W16 | VREG_W32, rd_ris, vreg_wi },
	{ UARTMIS, 4, VREG_W16 | VREG_W32, rd_mis, vreg_wi },
	{ UARTICR, 4, VREG_W16 | VREG_W32, vreg_raz, wr_icr },
	{ UARTDMACR, 4, VREG_W8 | VREG_W16 | VREG_W32, rd_dmacr, wr_dmacr },
	{ UARTPERIPHID0, 32, VREG_W8 | VREG_W16 | VREG_W32, rd_id, vreg_wi },
};

/* The combined interrupt UARTINTR = OR of the masked sources (DDI 0183
 * 2.8.5), level-sensitive; told to the vGIC only when it changes. Called
 * with u->lock held so that updates reach the vGIC in order. */
static void vpl011_update_line(struct vpl011 *u)
{
	bool line = (u->ris & u->imsc) != 0;

	if (line != u->line) {
		u->line = line;
		virq_set_level(u->vm, u->intid, line);
	}
}

static int vpl011_access(void *dev, struct vcpu *v, u64 off, unsigned int size, bool write,
			 u64 *val)
{
	struct vpl011 *u = dev;
	unsigned long flags = spin_lock_irqsave(&u->lock);
	int r = vreg_dispatch(vpl011_regs, ARRAY_SIZE(vpl011_regs), u, v, (u32)off, size, write,
			      val);

	vpl011_update_line(u);
	spin_unlock_irqrestore(&u->lock, flags);
	return r;
}

/*
 * From the guest's exception vector (mmio_ops.access_atomic): the console's
 * hot pair, FR reads and DR writes, the latter only while no `zvm look` is
 * attached (its sink prints) and the interrupt line stays as it is (a TX
 * interrupt already signalled or masked): no vGIC change to flush.
 */
static int vpl011_access_atomic(void *dev, struct vcpu *v, u64 off, unsigned int size,
				bool write, u64 *val)
{
	struct vpl011 *u = dev;
	unsigned long flags = spin_lock_irqsave(&u->lock);
	bool ok = write ? off == UARTDR && !u->sink && (((u->ris | INT_TX) & u->imsc) != 0) == u->line
			: off == UARTFR;
	int r = ok ? vreg_dispatch(vpl011_regs, ARRAY_SIZE(vpl011_regs), u, v, (u32)off, size,
				   write, val) : MMIO_DECLINED;

	spin_unlock_irqrestore(&u->lock, flags);
	return r == MMIO_OK ? MMIO_OK : MMIO_DECLINED;
}

static const struct mmio_ops vpl011_ops = {
	.access = vpl011_access, .access_atomic = vpl011_access_atomic,
};

/* Reset values (DDI 0183 3.3). The console history (vm->console) stays;
 * the line is low, as the vGIC is reset with it. */
static void vpl011_reset(struct vm *vm, struct vpl011 *u)
{
	u->ibrd = u->fbrd = u->lcr_h = u->imsc = u->ris = u->ilpr = u->dmacr = 0;
	u->cr = 0x300;		/* TXE | RXE */
	u->ifls = 0x12;
	u->rx_head = u->rx_count = 0;
	u->line = false;
	ringbuf_reset(&u->backlog);
}

/* A line in the console history marking where the new boot begins, for
 * whoever replays it with `zvm look`. */
static const char restart_note[] = "\r\n[zvm: vm restarting]\r\n";

void vpl011_restart(struct vm *vm)
{
	struct vpl011 *u = vm->vpl011;
	unsigned long flags = spin_lock_irqsave(&u->lock);

	vpl011_reset(vm, u);
	ringbuf_write_overwrite(&vm->console, restart_note, sizeof(restart_note) - 1);
	if (u->sink)
		u->sink(u->sink_ctx, restart_note, sizeof(restart_note) - 1);
	spin_unlock_irqrestore(&u->lock, flags);
}

int vpl011_create(struct vm *vm, u64 base, unsigned int intid)
{
	struct vpl011 *u = kzalloc(sizeof(*u));
	int err;

	if (!u)
		return -ENOMEM;
	u->vm = vm;
	u->lock = (spinlock_t)SPINLOCK_INIT;
	u->intid = intid;
	ringbuf_init(&u->backlog, u->backlog_mem, sizeof(u->backlog_mem));
	vpl011_reset(vm, u);
	err = mmio_bus_add(&vm->mmio, base, 0x1000, &vpl011_ops, u, "pl011");
	if (err) {
		kfree(u);
		return err;
	}
	vm->vpl011 = u;
	return 0;
}

void vpl011_destroy(struct vm *vm)
{
	kfree(vm->vpl011);
	vm->vpl011 = NULL;
}

bool vpl011_rx_push(struct vm *vm, char c)
{
	struct vpl011 *u = vm->vpl011;
	unsigned long flags;
	bool ok;

	if (!u)
		return false;
	flags = spin_lock_irqsave(&u->lock);
	ok = true;
	if (u->rx_count < RX_FIFO && ringbuf_is_empty(&u->backlog)) {
		rx_fifo_put(u, (u8)c);
		vpl011_update_line(u);
	} else {
		ok = ringbuf_put(&u->backlog, (u8)c);
	}
	spin_unlock_irqrestore(&u->lock, flags);
	return ok;
}

void vpl011_set_sink(struct vm *vm, void (*sink)(void *ctx, const char *s, size_t n), void *ctx)
{
	struct vpl011 *u = vm->vpl011;
	unsigned long flags = spin_lock_irqsave(&u->lock);
	char buf[128];
	size_t off = 0, n;

	/* Replay the history and install the sink in one step, under the lock
	 * the guest's writes take: a byte written in between would otherwise
	 * be in neither (seen as lost characters in `zvm look`). */
	while (sink && (n = ringbuf_peek(&vm->console, off, buf, sizeof(buf))) > 0) {
		sink(ctx, buf, n);
		off += n;
	}
	u->sink = sink;
	u->sink_ctx = ctx;
	spin_unlock_irqrestore(&u->lock, flags);
}
