/*
 * Inter-VM channel test guest (tests/system/test_ivshmem.py): run as two
 * templates, peers 0 and 1 of the region "ivc" (tests/guests/pack.manifest).
 * Finds the ivshmem device by scanning the ECAM at 0x3f000000, checks its
 * configuration header, enables memory space, writes its pattern into its
 * half of the shared memory, rings the other peer and waits (WFI) for the
 * other's doorbell as INTx through the vGIC, then checks the other's
 * pattern. Both VMs must exist before either runs (a doorbell to a peer id
 * no VM holds is dropped). Then: INTx Disable and Status.IS (PCI 2.3), a
 * doorbell to itself, and doorbells to a peer id outside the region or with a vector
 * above 7, which must deliver nothing. Then it stays up, answering each
 * doorbell with one of its own (a restarted peer's handshake); typing 'r'
 * re-checks the region (after the other peer was deleted), 'x' resets the
 * VM (PSCI SYSTEM_RESET): the region and its data must survive it.
 *
 * The MMU is off, so the shared memory is Device memory to us: aligned
 * 32-bit accesses only.
 */
#include "gic.h"

#define ECAM 0x3f000000UL
#define CFG(slot, reg) (ECAM + ((uintptr_t)(slot) << 15) + (reg))
#define IVSHMEM_ID 0x11101af4u
#define MAX_SLOTS 32
#define INTX_INTID0 35
#define CMD_MEM (1u << 1)
#define CMD_INTX_DISABLE (1u << 10)
#define STATUS_IS (1u << 19)	/* Interrupt Status, in the Command dword */
#define INTRMASK 0x00
#define INTRSTATUS 0x04
#define IVPOSITION 0x08
#define DOORBELL 0x0c
#define SHM_SIZE 0x10000u
#define HALF (SHM_SIZE / 2)
#define WORDS 256
#define UART_FR 0x18
#define UART_RXFE (1u << 4)

static uintptr_t regs, shm;
static unsigned int slot, intid;
static volatile unsigned int irqs, other_irqs;
static volatile uint32_t status_seen;

void guest_irq(void)
{
	unsigned int id = gic_ack();

	if (id >= 1020)
		return;
	if (id == intid) {
		status_seen |= mmio_r32(regs + INTRSTATUS);	/* read clears: line drops */
		irqs++;
	} else {
		other_irqs++;
	}
	gic_eoi(id);
}

static void check(const char *name, int ok, uint64_t got)
{
	if (ok)
		pass(name);
	else
		fail(name, got);
}

static uint64_t now(void)
{
	isb();
	return sysreg_read(cntvct_el0);
}

static void delay_ms(unsigned int ms)
{
	uint64_t end = now() + sysreg_read(cntfrq_el0) * ms / 1000;

	while (now() < end)
		;
}

/* Wait in WFI until `count` interrupts arrived, up to ms of guest time. */
static void wait_irqs(unsigned int count, unsigned int ms)
{
	uint64_t end = now() + sysreg_read(cntfrq_el0) * ms / 1000;

	while (irqs < count && now() < end)
		__asm__ volatile("wfi");
}

/* 64-bit BAR at cfg offset off: probe its size, restore, return address. */
static uint64_t bar_probe(unsigned int off, uint32_t *size_lo)
{
	uint32_t lo = mmio_r32(CFG(slot, off));

	mmio_w32(CFG(slot, off), 0xffffffffu);
	*size_lo = mmio_r32(CFG(slot, off));
	mmio_w32(CFG(slot, off), 0x12345000u);		/* a move: ignored */
	return lo;
}

static int find_device(void)
{
	for (slot = 0; slot < MAX_SLOTS; slot++)
		if (mmio_r32(CFG(slot, 0)) == IVSHMEM_ID)
			break;
	check("ivc-found", slot < MAX_SLOTS, slot);
	check("ivc-absent-slot-all-ones", mmio_r32(CFG(slot + 1, 0)) == 0xffffffffu,
	      mmio_r32(CFG(slot + 1, 0)));
	return slot < MAX_SLOTS;
}

static void check_header(void)
{
	uint32_t bar0_size, bar2_size, bar0, bar2;

	check("ivc-class-rev", mmio_r32(CFG(slot, 0x08)) == 0x05000001u, mmio_r32(CFG(slot, 0x08)));
	check("ivc-subsystem", mmio_r32(CFG(slot, 0x2c)) == 0x11001af4u, mmio_r32(CFG(slot, 0x2c)));
	check("ivc-int-pin-a", ((mmio_r32(CFG(slot, 0x3c)) >> 8) & 0xff) == 1,
	      mmio_r32(CFG(slot, 0x3c)));
	bar0 = (uint32_t)bar_probe(0x10, &bar0_size);
	bar2 = (uint32_t)bar_probe(0x18, &bar2_size);
	check("ivc-bar0-256-bytes", bar0_size == 0xffffff00u, bar0_size);
	check("ivc-bar2-64bit-prefetch-64k", bar2_size == (0xffff0000u | 0xc), bar2_size);
	check("ivc-bars-fixed", mmio_r32(CFG(slot, 0x10)) == bar0 &&
	      mmio_r32(CFG(slot, 0x18)) == bar2 && mmio_r32(CFG(slot, 0x1c)) == 0,
	      mmio_r32(CFG(slot, 0x10)));
	regs = bar0 & ~0xfu;
	shm = bar2 & ~0xfu;
	intid = INTX_INTID0 + slot % 4;
}

static void ring(uint32_t peer, uint32_t vector)
{
	__asm__ volatile("dsb sy" ::: "memory");	/* our data before the doorbell */
	mmio_w32(regs + DOORBELL, peer << 16 | vector);
}

/* PCI 2.3: with INTx Disable set, a pending doorbell shows in Status.IS
 * but raises no interrupt; clearing the bit lets it through. */
static void intx_disable(uint32_t me)
{
	uint32_t cmd = mmio_r32(CFG(slot, 0x04)), before = irqs;

	mmio_w32(CFG(slot, 0x04), (cmd & 0xffff) | CMD_INTX_DISABLE);
	ring(me, 3);
	delay_ms(20);
	check("ivc-intx-disable-holds-irq", irqs == before &&
	      (mmio_r32(CFG(slot, 0x04)) & STATUS_IS), mmio_r32(CFG(slot, 0x04)));
	mmio_w32(CFG(slot, 0x04), cmd & 0xffff & ~CMD_INTX_DISABLE);
	wait_irqs(before + 1, 1000);
	check("ivc-self-doorbell-vector-3", irqs == before + 1 && (status_seen & (1u << 3)),
	      status_seen);
	check("ivc-status-is-clear-after-read", !(mmio_r32(CFG(slot, 0x04)) & STATUS_IS),
	      mmio_r32(CFG(slot, 0x04)));
	status_seen = 0;
}

static void fill(uint32_t me)
{
	for (uint32_t i = 0; i < WORDS; i++)
		mmio_w32(shm + me * HALF + 4 * i, 0xc0de0000u | me << 12 | i);
}

static int verify(uint32_t peer)
{
	for (uint32_t i = 0; i < WORDS; i++)
		if (mmio_r32(shm + peer * HALF + 4 * i) != (0xc0de0000u | peer << 12 | i))
			return 0;
	return 1;
}

/* Nothing may come of doorbells the region cannot deliver. */
static void bad_doorbells(uint32_t other)
{
	unsigned int before = irqs;

	ring(5, 0);		/* no peer 5 in a two-member region */
	ring(other, 9);		/* vectors are 0..7 */
	delay_ms(100);
	check("ivc-bad-doorbells-deliver-nothing", irqs == before && !other_irqs,
	      (uint64_t)other_irqs << 32 | irqs);
}

/* Console commands: 'r' checks the other peer's data is still in the
 * region, 'x' resets this VM. */
static void command(uint32_t other)
{
	uint32_t c;

	if (mmio_r32(UART_BASE + UART_FR) & UART_RXFE)
		return;
	c = mmio_r32(UART_BASE) & 0xff;
	if (c == 'r')
		check("ivc-region-intact", verify(other), irqs);
	if (c == 'x') {
		puts_("guest: SYSTEM_RESET\n");
		psci(0x84000009, 0, 0, 0);
	}
}

static void serve(uint32_t other)
{
	unsigned int answered = irqs;

	for (;;) {
		if (irqs != answered) {
			answered = irqs;
			ring(other, other + 1);
		}
		command(other);
		delay_ms(10);
	}
}

/* A fresh region is zero; after a restart our earlier data is still in it. */
static void own_half(uint32_t me)
{
	uint32_t zero = 1;

	for (uint32_t i = 0; i < WORDS; i++)
		zero &= mmio_r32(shm + me * HALF + 4 * i) == 0;
	puts_(zero ? "ivc: own half zero\n" : verify(me) ? "ivc: own half kept\n" :
							   "ivc: own half garbled\n");
}

void guest_main(uint64_t dtb)
{
	uint32_t me, other;

	puts_("ivc guest\n");
	gic_init_dist();
	gic_init_cpu(0);
	if (!find_device())
		return;
	check_header();
	mmio_w32(CFG(slot, 0x04), CMD_MEM);
	me = mmio_r32(regs + IVPOSITION);
	other = 1 - me;
	puts_("ivc: peer ");
	putdec(me);
	puts_("\n");
	gic_enable(0, intid, 0x80);
	irq_on();
	mmio_w32(regs + INTRMASK, 0xffffffffu);
	own_half(me);
	fill(me);
	ring(other, other + 1);
	wait_irqs(1, 20000);
	check("ivc-doorbell-from-peer", irqs == 1 && (status_seen & (1u << (me + 1))), status_seen);
	check("ivc-data-from-peer", verify(other), 0);
	status_seen = 0;
	intx_disable(me);
	bad_doorbells(other);
	puts_("guest: done\n");
	serve(other);
}
