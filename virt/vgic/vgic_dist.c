/*
 * The Distributor frame (IHI 0069, GICD_* register map and descriptions),
 * as seen with GICD_CTLR.DS = 1 and affinity routing always enabled: the
 * GICv2-compatibility registers (ITARGETSR, SGIR, C/SPENDSGIR) and the
 * private-INTID parts of the per-interrupt arrays are RAZ/WI, so are
 * IGRPMODR and NSACR (DS = 1), and so is reserved space: the specification
 * makes reserved locations RES0. Width and alignment are enforced per
 * register; an access no entry accepts is MMIO_BAD_ACCESS.
 */
#include "vgic_priv.h"

#include <virt/vm_api.h>

#define GICD_TYPER_IDBITS(n) (((n) - 1) << 19)	/* INTID bits - 1 */

static u64 gicd_ctlr_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	struct vgic_scope *s = dev;

	/* ARE and DS are RAO/WI; RWP is always 0: writes take effect at once. */
	return s->d->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
}

/*
 * A group turned on: kick the vCPUs vgic_irq_update() noted as holding an
 * interrupt only that group kept back, without visiting any interrupt.
 * (This used to re-file every interrupt with a sorted insert, under the
 * lock with IRQs masked: with all of them active, each write of a guest
 * toggling GICD_CTLR cost the square of their number.) The fast path of
 * each vCPU's timer was prepared under the old value: as for any update of
 * that interrupt, its owner reloads (vgic_fast_changed()).
 */
static void gicd_ctlr_enabled(struct vgic_dist *d, u32 on)
{
	for (unsigned int g = 0; g < 2; g++) {
		if (!(on & GICD_CTLR_GRP(g)))
			continue;
		d->kick |= d->grp_blocked[g];
		d->grp_blocked[g] = 0;
	}
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->cpu[i].fast_irq)
			vgic_fast_changed(d, &d->cpu[i], d->cpu[i].fast_irq);
}

/* A group turned off: any queued interrupt of it may now be held back. */
static void gicd_ctlr_disabled(struct vgic_dist *d, u32 off)
{
	u32 queued = 0;

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (!list_empty(&d->cpu[i].ap_list))
			queued |= BIT(i);
	for (unsigned int g = 0; g < 2; g++)
		if (off & GICD_CTLR_GRP(g))
			d->grp_blocked[g] |= queued;
	/* What every vCPU has in its LRs, and may inject on its fast path,
	 * was loaded under the old value. All exit and reload. */
	d->kick |= (u32)BIT(d->nr_vcpus) - 1;
}

static void gicd_ctlr_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	struct vgic_scope *s = dev;
	u32 old = s->d->ctlr;

	s->d->ctlr = val & VGIC_CTLR_ALL;
	if (s->d->ctlr != old)	/* every LR was encoded under the old value */
		for (unsigned int i = 0; i < s->d->nr_vcpus; i++)
			s->d->cpu[i].lr_stale = (u32)GENMASK(VGIC_MAX_LR - 1, 0);
	if (s->d->ctlr & ~old)
		gicd_ctlr_enabled(s->d, s->d->ctlr & ~old);
	if (old & ~s->d->ctlr)
		gicd_ctlr_disabled(s->d, old & ~s->d->ctlr);
}

/*
 * ITLinesNumber [4:0] = INTIDs / 32 - 1; IDbits = 10 (no LPIs); LPIS,
 * MBIS, ESPI, RSS, A3V, SecurityExtn all 0; No1N = 0 (IRM supported).
 */
static u64 gicd_typer_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	struct vgic_scope *s = dev;
	u32 lines = (VGIC_NR_PRIVATE + s->d->nr_spis + 31) / 32;

	return (lines - 1) | GICD_TYPER_IDBITS(10);
}

/* GICD_IROUTER<n>: 64-bit, or either 32-bit half. */
static u64 gicd_irouter_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	struct vgic_scope *s = dev;
	struct vgic_irq *irq = vgic_irq_get(s->d, NULL, off / 8);

	return irq ? irq->irouter >> ((off & 4) * 8) : 0;
}

static void gicd_irouter_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	struct vgic_scope *s = dev;
	struct vgic_irq *irq = vgic_irq_get(s->d, NULL, off / 8);
	unsigned int shift = (off & 4) * 8;
	u64 mask = (size == 8 ? ~0ULL : 0xffffffffULL) << shift;
	bool was;

	if (!irq)
		return;
	was = vgic_irq_deliverable(s->d, irq);
	vgic_irq_route(s->d, irq, (irq->irouter & ~mask) | ((val << shift) & mask));
	vgic_irq_update(s->d, irq, was);
}

static const struct vreg gicd_regs[] = {
	{ 0x0000, 4, W32, gicd_ctlr_read, gicd_ctlr_write },	/* CTLR */
	{ 0x0004, 4, W32, gicd_typer_read, NULL },		/* TYPER */
	{ 0x0008, 4, W32, vgic_iidr_read, NULL },		/* IIDR */
	{ 0x000c, 4, W32, vreg_raz, vreg_wi },			/* TYPER2 */
	{ 0x0010, 4, W32, vreg_raz, vreg_wi },			/* STATUSR */
	{ 0x0080, 0x80, W32, vgic_group_read, vgic_group_write },
	{ 0x0100, 0x80, W32, vgic_enable_read, vgic_senable_write },
	{ 0x0180, 0x80, W32, vgic_enable_read, vgic_cenable_write },
	{ 0x0200, 0x80, W32, vgic_pending_read, vgic_spending_write },
	{ 0x0280, 0x80, W32, vgic_pending_read, vgic_cpending_write },
	{ 0x0300, 0x80, W32, vgic_active_read, vgic_sactive_write },
	{ 0x0380, 0x80, W32, vgic_active_read, vgic_cactive_write },
	{ 0x0400, 0x400, W8_32, vgic_prio_read, vgic_prio_write },
	{ 0x0800, 0x400, W8_32, vreg_raz, vreg_wi },		/* ITARGETSR */
	{ 0x0c00, 0x100, W32, vgic_cfg_read, vgic_cfg_write },
	{ 0x0d00, 0x80, W32, vreg_raz, vreg_wi },		/* IGRPMODR */
	{ 0x0e00, 0x100, W32, vreg_raz, vreg_wi },		/* NSACR */
	{ 0x0f00, 4, W32, vreg_raz, vreg_wi },			/* SGIR */
	{ 0x0f10, 0x20, W8_32, vreg_raz, vreg_wi },		/* C/SPENDSGIR */
	{ 0x6000, 0x2000, W32_64, gicd_irouter_read, gicd_irouter_write },
	{ VGIC_IDREGS_OFF, VGIC_IDREGS_SPAN, W32, vgic_idregs_read, vreg_wi },
	{ 0x0000, 0x10000, W32_64, vreg_raz, vreg_wi },		/* reserved: RES0 */
};

int vgic_dist_access(void *dev, struct vcpu *v, u64 off, unsigned int size, bool write,
		     u64 *val)
{
	struct vgic_scope s = { dev, NULL };
	unsigned long f = vgic_lock(s.d);
	int ret = vreg_dispatch(gicd_regs, ARRAY_SIZE(gicd_regs), &s, v, (u32)off, size, write,
				val);

	if (write)
		vgic_config_changed(s.d);
	vgic_unlock(s.d, f, v);
	return ret;
}

const struct mmio_ops vgic_dist_ops = { .access = vgic_dist_access };

int vgic_register_mmio(struct vgic_dist *d, struct mmio_bus *bus, paddr_t dist_base,
		       paddr_t redist_base)
{
	int ret = mmio_bus_add(bus, dist_base, VGIC_DIST_SIZE, &vgic_dist_ops, d, "gicv3-dist");

	if (ret)
		return ret;
	return mmio_bus_add(bus, redist_base, d->nr_vcpus * VGIC_REDIST_STRIDE,
			    &vgic_redist_ops, d, "gicv3-redist");
}
