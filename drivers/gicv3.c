/*
 * GICv3 (Arm IHI 0069, "GICv3 and GICv4 Architecture Specification").
 * Affinity routing on, all interrupts Group 1 Non-secure, EOImode = 1 so
 * that priority drop and deactivation are separate: the hypervisor needs
 * that to forward hardware interrupts to guests later.
 */
#include <arch/mmio.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <drivers/gicv3.h>
#include <kernel/arch_interface.h>
#include <kernel/cpu.h>
#include <kernel/printk.h>
#include <lib/fmt.h>
#include <zvm/errno.h>

/* Distributor registers (IHI 0069 12.9). */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ICPENDR 0x0280
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8
#define GICD_CTLR_RWP BIT(31)
#define GICD_CTLR_ENABLE (BIT(0) | BIT(1) | BIT(4))	/* G0/G1NS, G1A, ARE */

/* Redistributor: RD_base frame then SGI_base frame (IHI 0069 12.10/12.11). */
#define GICR_FRAME 0x10000
#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_TYPER_LAST BIT(4)
#define GICR_TYPER_VLPIS BIT(1)
#define GICR_WAKER_SLEEP BIT(1)
#define GICR_WAKER_ASLEEP BIT(2)
#define GICR_SGI_IGROUPR0 (GICR_FRAME + 0x0080)
#define GICR_SGI_ISENABLER0 (GICR_FRAME + 0x0100)
#define GICR_SGI_ICENABLER0 (GICR_FRAME + 0x0180)
#define GICR_SGI_ICPENDR0 (GICR_FRAME + 0x0280)
#define GICR_SGI_ISACTIVER0 (GICR_FRAME + 0x0300)
#define GICR_SGI_ICACTIVER0 (GICR_FRAME + 0x0380)
#define GICD_ISACTIVER 0x0300
#define GICR_SGI_IPRIORITYR (GICR_FRAME + 0x0400)
#define GICR_SGI_ICFGR0 (GICR_FRAME + 0x0c00)

static volatile u8 *gicd;
static volatile u8 *gicr_region;
static u64 gicr_size;
static volatile u8 *gicr_of_cpu[CONFIG_MAX_CPUS];
static unsigned int nr_irqs;
static char describe_buf[96];

/* Single plain loads/stores (arch/mmio.h): emulable when we are a guest. */
static inline u32 rd32(volatile u8 *base, u32 off) { return mmio_read32(base + off); }
static inline void wr32(volatile u8 *base, u32 off, u32 v) { mmio_write32(base + off, v); }
static inline u64 rd64(volatile u8 *base, u32 off) { return mmio_read64(base + off); }
static inline void wr64(volatile u8 *base, u32 off, u64 v) { mmio_write64(base + off, v); }

static int wait_clear(volatile u8 *base, u32 off, u32 mask)
{
	for (unsigned int i = 0; i < 1000000; i++)
		if (!(rd32(base, off) & mask))
			return 0;
	return -ETIMEDOUT;
}

static volatile u8 *this_gicr(void)
{
	return gicr_of_cpu[arch_cpu_id()];
}

/* Byte-per-interrupt and bit-per-interrupt register locations for any INTID:
 * private interrupts (< 32) live in the calling CPU's redistributor. */
static volatile u8 *bank_for(unsigned int intid, u32 *dist_off, u32 gicr_off, u32 gicd_off)
{
	if (intid < GIC_SPI_BASE) {
		*dist_off = gicr_off;
		return this_gicr();
	}
	*dist_off = gicd_off;
	return gicd;
}

static void set_bit_reg(unsigned int intid, u32 gicr_off, u32 gicd_off)
{
	u32 off;
	volatile u8 *base = bank_for(intid, &off, gicr_off, gicd_off);

	wr32(base, off + (intid / 32) * 4, BIT(intid % 32));
}

void gic_enable_irq(unsigned int intid)
{
	set_bit_reg(intid, GICR_SGI_ISENABLER0, GICD_ISENABLER);
}

void gic_disable_irq(unsigned int intid)
{
	set_bit_reg(intid, GICR_SGI_ICENABLER0, GICD_ICENABLER);
	dsb(sy);
}

void gic_set_active(unsigned int intid, bool active)
{
	if (active)
		set_bit_reg(intid, GICR_SGI_ISACTIVER0, GICD_ISACTIVER);
	else
		set_bit_reg(intid, GICR_SGI_ICACTIVER0, GICD_ICACTIVER);
	dsb(sy);
}

void gic_clear_pending(unsigned int intid)
{
	set_bit_reg(intid, GICR_SGI_ICPENDR0, GICD_ICPENDR);
	dsb(sy);
}

void gic_set_priority(unsigned int intid, u8 prio)
{
	u32 off;
	volatile u8 *base = bank_for(intid, &off, GICR_SGI_IPRIORITYR, GICD_IPRIORITYR);

	base[off + intid] = prio;	/* byte-accessible (IHI 0069 12.9.22) */
}

void gic_set_edge(unsigned int intid, bool edge)
{
	u32 off;
	volatile u8 *base = bank_for(intid, &off, GICR_SGI_ICFGR0, GICD_ICFGR);
	u32 reg = off + (intid / 16) * 4, shift = (intid % 16) * 2 + 1;
	u32 v = rd32(base, reg);

	wr32(base, reg, edge ? v | BIT(shift) : v & ~BIT(shift));
}

static u64 mpidr_to_irouter(u64 mpidr)
{
	return (mpidr & 0xffffff) | ((mpidr >> 32 & 0xff) << 32);
}

void gic_route_spi(unsigned int intid, u64 mpidr)
{
	wr64(gicd, GICD_IROUTER + intid * 8, mpidr_to_irouter(mpidr));
}

unsigned int gic_nr_irqs(void)
{
	return nr_irqs;
}

const char *gic_describe(void)
{
	return describe_buf;
}

static void dist_configure_spis(void)
{
	for (unsigned int i = GIC_SPI_BASE; i < nr_irqs; i += 32) {
		wr32(gicd, GICD_ICENABLER + i / 8, ~0u);
		wr32(gicd, GICD_ICPENDR + i / 8, ~0u);
		wr32(gicd, GICD_ICACTIVER + i / 8, ~0u);
		wr32(gicd, GICD_IGROUPR + i / 8, ~0u);
	}
	for (unsigned int i = GIC_SPI_BASE; i < nr_irqs; i += 4)
		wr32(gicd, GICD_IPRIORITYR + i, 0x01010101u * GIC_PRIO_DEFAULT);
	for (unsigned int i = GIC_SPI_BASE; i < nr_irqs; i += 16)
		wr32(gicd, GICD_ICFGR + i / 4, 0);	/* level-sensitive */
}

int gic_init(const struct gic_info *info)
{
	u32 pidr2;

	gicd = ioremap(info->dist_base, info->dist_size);
	gicr_region = ioremap(info->redist_base, info->redist_size);
	gicr_size = info->redist_size;
	pidr2 = rd32(gicd, GICD_PIDR2);
	if (((pidr2 >> 4) & 0xf) < 3) {
		pr_err("gic: distributor at %#llx is not GICv3/v4 (PIDR2 %#x)",
		       (unsigned long long)info->dist_base, pidr2);
		return -ENODEV;
	}
	nr_irqs = MIN(32 * ((rd32(gicd, GICD_TYPER) & 0x1f) + 1), 1020u);
	wr32(gicd, GICD_CTLR, 0);
	if (wait_clear(gicd, GICD_CTLR, GICD_CTLR_RWP))
		return -ETIMEDOUT;
	dist_configure_spis();
	wr32(gicd, GICD_CTLR, GICD_CTLR_ENABLE);
	if (wait_clear(gicd, GICD_CTLR, GICD_CTLR_RWP))
		return -ETIMEDOUT;
	fmt_snprintf(describe_buf, sizeof(describe_buf), "GICv%u, %u IRQs, dist %#llx, redist %#llx",
		     (pidr2 >> 4) & 0xf, nr_irqs, (unsigned long long)info->dist_base,
		     (unsigned long long)info->redist_base);
	return 0;
}

/* Walk the redistributor frames for the one whose affinity is ours. */
static volatile u8 *find_redist(u64 mpidr)
{
	u64 aff = ((mpidr >> 32 & 0xff) << 24) | (mpidr & 0xffffff);

	for (u64 off = 0; off + 2 * GICR_FRAME <= gicr_size;) {
		volatile u8 *rd = gicr_region + off;
		u64 typer = rd64(rd, GICR_TYPER);

		if ((typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		off += (typer & GICR_TYPER_VLPIS) ? 4 * GICR_FRAME : 2 * GICR_FRAME;
	}
	return NULL;
}

static int redist_wake(volatile u8 *rd)
{
	wr32(rd, GICR_WAKER, rd32(rd, GICR_WAKER) & ~GICR_WAKER_SLEEP);
	return wait_clear(rd, GICR_WAKER, GICR_WAKER_ASLEEP);
}

static void redist_configure_private(volatile u8 *rd)
{
	wr32(rd, GICR_SGI_ICENABLER0, ~0u);
	wr32(rd, GICR_SGI_ICPENDR0, ~0u);
	wr32(rd, GICR_SGI_IGROUPR0, ~0u);
	for (unsigned int i = 0; i < 32; i += 4)
		wr32(rd, GICR_SGI_IPRIORITYR + i, 0x01010101u * GIC_PRIO_DEFAULT);
	for (unsigned int i = 0; i < 16; i += 4)
		wr32(rd, GICR_SGI_IPRIORITYR + i, 0x01010101u * GIC_PRIO_IPI);
}

#define ICC_CTLR_EOIMODE BIT(1)

/* The ICC_*_EL1 registers below are the kernel's own at EL2 and at EL1;
 * only enabling them (ICC_SRE_ELx) is EL-specific. */
static int cpu_interface_init(void)
{
	if (!arch_gic_sysregs_enable())
		return -ENODEV;
	write_sysreg(icc_pmr_el1, 0xff);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_ctlr_el1, read_sysreg(icc_ctlr_el1) | ICC_CTLR_EOIMODE);
	write_sysreg(icc_igrpen1_el1, 1);
	isb();
	return 0;
}

int gic_init_cpu(void)
{
	u64 mpidr = arch_cpu_hwid();
	volatile u8 *rd = find_redist(mpidr);

	if (!rd) {
		pr_err("gic: no redistributor for MPIDR %#llx", (unsigned long long)mpidr);
		return -ENODEV;
	}
	gicr_of_cpu[arch_cpu_id()] = rd;
	if (redist_wake(rd)) {
		pr_err("gic: redistributor of CPU %u does not wake up", arch_cpu_id());
		return -ETIMEDOUT;
	}
	redist_configure_private(rd);
	if (cpu_interface_init()) {
		pr_err("gic: CPU %u: no GICv3 system-register interface", arch_cpu_id());
		return -ENODEV;
	}
	return 0;
}

unsigned int gic_ack(void)
{
	u64 iar = read_sysreg(icc_iar1_el1);

	dsb(sy);	/* the device's state is visible before we read it */
	return iar & 0xffffff;
}

/* What gic_ack() would return now, without acknowledging it (1023: none). */
unsigned int gic_highest_pending(void)
{
	return read_sysreg(icc_hppir1_el1) & 0xffffff;
}

void gic_priority_drop(unsigned int intid)
{
	write_sysreg(icc_eoir1_el1, intid);
	isb();
}

void gic_deactivate(unsigned int intid)
{
	write_sysreg(icc_dir_el1, intid);
	isb();
}

void gic_eoi(unsigned int intid)
{
	gic_priority_drop(intid);
	gic_deactivate(intid);
}

void gic_send_sgi(unsigned int sgi, u64 mpidr)
{
	u64 aff0 = mpidr & 0xff;
	u64 v = (BIT(aff0 % 16)) | ((mpidr >> 8 & 0xff) << 16) | ((u64)sgi << 24) |
		((mpidr >> 16 & 0xff) << 32) | ((aff0 / 16) << 44) | ((mpidr >> 32 & 0xff) << 48);

	dsb(ishst);	/* make our writes visible before the target runs */
	write_sysreg(icc_sgi1r_el1, v);
	isb();
}
