/*
 * Per-interrupt register arrays, common to the Distributor (SPIs) and the
 * Redistributor SGI_base frame (SGIs, PPIs): IGROUPR, IS/ICENABLER,
 * IS/ICPENDR, IS/ICACTIVER, IPRIORITYR, ICFGR. Each holds `bits` bits per
 * INTID; a handler's offset is relative to the array start, so the first
 * INTID an access covers is off * 8 / bits. INTIDs outside the scope
 * (private ones in the Distributor: affinity routing is on; unimplemented
 * SPIs) are RAZ/WI.
 */
#include "vgic_priv.h"

typedef u32 (*vgic_get_fn)(const struct vgic_irq *irq);
typedef void (*vgic_set_fn)(struct vgic_irq *irq, u32 field);

static u64 vgic_field_read(struct vgic_scope *s, u32 off, unsigned int size, unsigned int bits,
			   vgic_get_fn get)
{
	u32 first = off * 8 / bits;
	u64 val = 0;

	for (unsigned int i = 0; i < size * 8 / bits; i++) {
		struct vgic_irq *irq = vgic_irq_get(s->d, s->c, first + i);

		if (irq)
			val |= (u64)get(irq) << (i * bits);
	}
	return val;
}

static void vgic_field_write(struct vgic_scope *s, u32 off, unsigned int size, unsigned int bits,
			     u64 val, vgic_set_fn set)
{
	u32 first = off * 8 / bits, mask = (u32)GENMASK(bits - 1, 0);

	for (unsigned int i = 0; i < size * 8 / bits; i++) {
		struct vgic_irq *irq = vgic_irq_get(s->d, s->c, first + i);
		bool was;

		if (!irq)
			continue;
		was = vgic_irq_deliverable(s->d, irq);
		set(irq, (val >> (i * bits)) & mask);
		vgic_irq_update(s->d, irq, was);
	}
}

static u32 get_group(const struct vgic_irq *irq)
{
	return irq->group1;
}

static void set_group(struct vgic_irq *irq, u32 f)
{
	irq->group1 = f;
}

u64 vgic_group_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return vgic_field_read(dev, off, size, 1, get_group);
}

void vgic_group_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	vgic_field_write(dev, off, size, 1, val, set_group);
}

/*
 * The set/clear register pairs (IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER):
 * writing 1 sets (clears) that INTID's bit, 0 has no effect.
 */
#define VGIC_SET_CLEAR_REGS(name, member)						\
static void set_##name(struct vgic_irq *irq, u32 f)					\
{											\
	irq->member |= f;								\
}											\
static void clear_##name(struct vgic_irq *irq, u32 f)					\
{											\
	irq->member &= !f;								\
}											\
void vgic_s##name##_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val) \
{											\
	vgic_field_write(dev, off, size, 1, val, set_##name);				\
}											\
void vgic_c##name##_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val) \
{											\
	vgic_field_write(dev, off, size, 1, val, clear_##name);			\
}

static u32 get_enabled(const struct vgic_irq *irq)
{
	return irq->enabled;
}

u64 vgic_enable_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return vgic_field_read(dev, off, size, 1, get_enabled);
}

VGIC_SET_CLEAR_REGS(enable, enabled)

/*
 * Set/clear-pending act on the latch. Clearing does not lower a level
 * interrupt's line: if it is still asserted the interrupt stays pending
 * (IHI 0069, GICD_ICPENDR<n>).
 */
static u32 get_pending(const struct vgic_irq *irq)
{
	return vgic_irq_pending(irq);
}

u64 vgic_pending_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return vgic_field_read(dev, off, size, 1, get_pending);
}

VGIC_SET_CLEAR_REGS(pending, pending_latch)

static u32 get_active(const struct vgic_irq *irq)
{
	return irq->active;
}

u64 vgic_active_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return vgic_field_read(dev, off, size, 1, get_active);
}

VGIC_SET_CLEAR_REGS(active, active)

/* IPRIORITYR: one byte per INTID, byte- or word-accessible. */
static u32 get_prio(const struct vgic_irq *irq)
{
	return irq->prio;
}

static void set_prio(struct vgic_irq *irq, u32 f)
{
	irq->prio = f & VGIC_PRIO_MASK;
}

u64 vgic_prio_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return vgic_field_read(dev, off, size, 8, get_prio);
}

void vgic_prio_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	vgic_field_write(dev, off, size, 8, val, set_prio);
}

/* ICFGR: Int_config[1] = 1 edge, 0 level; bit 0 RES0. SGIs are always
 * edge-triggered (read 0b10, writes ignored). */
static u32 get_cfg(const struct vgic_irq *irq)
{
	return irq->edge ? 2 : 0;
}

static void set_cfg(struct vgic_irq *irq, u32 f)
{
	if (irq->intid >= VGIC_NR_SGIS)
		irq->edge = f & 2;
}

u64 vgic_cfg_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return vgic_field_read(dev, off, size, 2, get_cfg);
}

void vgic_cfg_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	vgic_field_write(dev, off, size, 2, val, set_cfg);
}

/*
 * GICD_IIDR / GICR_IIDR: ProductID 'Z' [31:24], Revision 0, Implementer
 * 0x43B (JEP106 code of Arm, as KVM reports for its own vGIC; no Linux
 * erratum workaround keys on this ProductID).
 */
#define VGIC_IIDR ((0x5aU << 24) | 0x43bU)

u64 vgic_iidr_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return VGIC_IIDR;
}

/*
 * The ID block at 0xFFD0: PIDR4..7, PIDR0..3, CIDR0..3. PIDR2 = 0x3B:
 * ArchRev [7:4] = 3 (GICv3), JEDEC [3] = 1, DES_1 [2:0] = 3 (Arm), which is
 * what Linux's gic-v3 probe checks. CIDR0..3 carry the standard component
 * preamble; the rest is zero.
 */
u64 vgic_idregs_read(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	static const u8 id[VGIC_IDREGS_SPAN / 4] = {
		[0x18 / 4] = 0x3b,				/* PIDR2 */
		[0x20 / 4] = 0x0d, 0xf0, 0x05, 0xb1,		/* CIDR0..3 */
	};

	return id[off / 4];
}
