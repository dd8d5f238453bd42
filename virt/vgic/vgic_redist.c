/*
 * The Redistributor region: VGIC_REDIST_STRIDE bytes per vCPU, an RD_base
 * frame (control, identification, power) then an SGI_base frame (the
 * SGI/PPI registers). The frame index selects the vCPU, not the vCPU
 * making the access. No LPIs: the LPI registers (PROPBASER, PENDBASER,
 * SETLPIR, INVLPIR, SYNCR, ...) fall in the RES0 catch-all, as does
 * reserved space; IGRPMODR0 and NSACR are RAZ/WI (DS = 1).
 */
#include "vgic_priv.h"

#include <virt/vm_api.h>

#define GICR_FRAME 0x10000u
#define GICR_TYPER_LAST BIT(4)
#define GICR_WAKER_SLEEP BIT(1)		/* ProcessorSleep */
#define GICR_WAKER_ASLEEP BIT(2)	/* ChildrenAsleep */

/* GICR_CTLR: EnableLPIs RES0 (no LPIs), RWP 0, no DPG support: RAZ/WI. */

/*
 * GICR_TYPER (64-bit, or either 32-bit half): Affinity_Value [63:32] =
 * MPIDR Aff3.Aff2.Aff1.Aff0 = 0.0.0.n, Processor_Number [23:8] = n, Last
 * [4] on the last vCPU; PLPIS, VLPIS, DirectLPI, PPInum all 0.
 */
static u64 gicr_typer_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	struct vgic_scope *s = dev;
	u64 n = s->c->id, typer = n << 32 | n << 8;

	if (n == s->d->nr_vcpus - 1)
		typer |= GICR_TYPER_LAST;
	return typer >> ((off & 4) * 8);
}

/*
 * GICR_WAKER: the PE's sleep handshake. ChildrenAsleep follows
 * ProcessorSleep at once, so the guest's poll after clearing
 * ProcessorSleep ends immediately. Delivery does not depend on it.
 */
static u64 gicr_waker_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	struct vgic_scope *s = dev;

	return s->c->sleep ? GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP : 0;
}

static void gicr_waker_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	struct vgic_scope *s = dev;

	s->c->sleep = val & GICR_WAKER_SLEEP;
}

static const struct vreg gicr_rd_regs[] = {
	{ 0x0000, 4, W32, vreg_raz, vreg_wi },			/* CTLR */
	{ 0x0004, 4, W32, vgic_iidr_read, NULL },		/* IIDR */
	{ 0x0008, 8, W32_64, gicr_typer_read, NULL },		/* TYPER */
	{ 0x0010, 4, W32, vreg_raz, vreg_wi },			/* STATUSR */
	{ 0x0014, 4, W32, gicr_waker_read, gicr_waker_write },	/* WAKER */
	{ VGIC_IDREGS_OFF, VGIC_IDREGS_SPAN, W32, vgic_idregs_read, vreg_wi },
	{ 0x0000, GICR_FRAME, W32_64, vreg_raz, vreg_wi },	/* reserved: RES0 */
};

static const struct vreg gicr_sgi_regs[] = {
	{ 0x0080, 4, W32, vgic_group_read, vgic_group_write },	/* IGROUPR0 */
	{ 0x0100, 4, W32, vgic_enable_read, vgic_senable_write },
	{ 0x0180, 4, W32, vgic_enable_read, vgic_cenable_write },
	{ 0x0200, 4, W32, vgic_pending_read, vgic_spending_write },
	{ 0x0280, 4, W32, vgic_pending_read, vgic_cpending_write },
	{ 0x0300, 4, W32, vgic_active_read, vgic_sactive_write },
	{ 0x0380, 4, W32, vgic_active_read, vgic_cactive_write },
	{ 0x0400, 0x20, W8_32, vgic_prio_read, vgic_prio_write },	/* IPRIORITYR0-7 */
	{ 0x0c00, 8, W32, vgic_cfg_read, vgic_cfg_write },	/* ICFGR0-1 */
	{ 0x0d00, 4, W32, vreg_raz, vreg_wi },			/* IGRPMODR0 */
	{ 0x0e00, 4, W32, vreg_raz, vreg_wi },			/* NSACR */
	{ 0x0000, GICR_FRAME, W32_64, vreg_raz, vreg_wi },	/* reserved: RES0 */
};

int vgic_redist_access(void *dev, struct vcpu *v, u64 off, unsigned int size, bool write,
		       u64 *val)
{
	struct vgic_dist *d = dev;
	u64 idx = off / VGIC_REDIST_STRIDE;
	u32 frame_off = (u32)(off % GICR_FRAME);
	bool sgi_frame = (off / GICR_FRAME) & 1;
	struct vgic_scope s = { d, idx < d->nr_vcpus ? &d->cpu[idx] : NULL };
	unsigned long f;
	int ret;

	if (!s.c)
		return MMIO_BAD_ACCESS;
	f = vgic_lock(d);
	if (sgi_frame)
		ret = vreg_dispatch(gicr_sgi_regs, ARRAY_SIZE(gicr_sgi_regs), &s, v, frame_off,
				    size, write, val);
	else
		ret = vreg_dispatch(gicr_rd_regs, ARRAY_SIZE(gicr_rd_regs), &s, v, frame_off,
				    size, write, val);
	if (write)
		vgic_config_changed(d);
	vgic_unlock(d, f, v);
	return ret;
}

const struct mmio_ops vgic_redist_ops = { .access = vgic_redist_access };
