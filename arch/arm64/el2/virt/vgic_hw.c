/*
 * Copying a vCPU's list-register bank to and from the GICv3 virtual CPU
 * interface (IHI 0069, 12.4 "ICH_* registers"). Each ICH_LR<n>_EL2 is a
 * separate system register, reached by index through vgic_lr.S; only the
 * first nr_lr exist (ICH_VTR_EL2.ListRegs), and only the active priority
 * registers that ICH_VTR_EL2.PREbits implies (1, 2 or 4).
 */
#include <arch/sysreg.h>
#include <virt/vgic_hw.h>

#define ICH_VTR_LISTREGS(v) (((v) & 0x1f) + 1)
#define ICH_VTR_PREBITS(v) ((((v) >> 26) & 7) + 1)

u32 vgic_hw_elrsr(void)
{
	return (u32)read_sysreg(ich_elrsr_el2);
}

unsigned int vgic_hw_nr_lr(void)
{
	return ICH_VTR_LISTREGS(read_sysreg(ich_vtr_el2));
}

/* 5 preemption bits: APR0 only; 6: APR0-1; 7: APR0-3. */
static unsigned int nr_apr(void)
{
	static unsigned int n;

	if (!n)
		n = 1u << (ICH_VTR_PREBITS(read_sysreg(ich_vtr_el2)) - 5);
	return n;
}

static void apr_write(const u32 *ap0, const u32 *ap1)
{
	switch (nr_apr()) {
	case 4:
		write_sysreg(ich_ap0r3_el2, ap0[3]);
		write_sysreg(ich_ap1r3_el2, ap1[3]);
		write_sysreg(ich_ap0r2_el2, ap0[2]);
		write_sysreg(ich_ap1r2_el2, ap1[2]);
		__attribute__((fallthrough));
	case 2:
		write_sysreg(ich_ap0r1_el2, ap0[1]);
		write_sysreg(ich_ap1r1_el2, ap1[1]);
		__attribute__((fallthrough));
	default:
		write_sysreg(ich_ap0r0_el2, ap0[0]);
		write_sysreg(ich_ap1r0_el2, ap1[0]);
	}
}

static void apr_read(u32 *ap0, u32 *ap1)
{
	switch (nr_apr()) {
	case 4:
		ap0[3] = (u32)read_sysreg(ich_ap0r3_el2);
		ap1[3] = (u32)read_sysreg(ich_ap1r3_el2);
		ap0[2] = (u32)read_sysreg(ich_ap0r2_el2);
		ap1[2] = (u32)read_sysreg(ich_ap1r2_el2);
		__attribute__((fallthrough));
	case 2:
		ap0[1] = (u32)read_sysreg(ich_ap0r1_el2);
		ap1[1] = (u32)read_sysreg(ich_ap1r1_el2);
		__attribute__((fallthrough));
	default:
		ap0[0] = (u32)read_sysreg(ich_ap0r0_el2);
		ap1[0] = (u32)read_sysreg(ich_ap1r0_el2);
	}
}

void vgic_hw_read_lrs(struct vgic_lr_bank *b)
{
	for (unsigned int i = 0; i < b->nr_lr; i++)
		b->lr[i] = vgic_hw_read_lr(i);
}

u32 vgic_hw_read_held_lrs(struct vgic_lr_bank *b)
{
	u32 held = ~vgic_hw_elrsr() & (u32)GENMASK(b->nr_lr - 1, 0);

	for (unsigned int i = 0; i < b->nr_lr; i++)
		b->lr[i] = held & BIT(i) ? vgic_hw_read_lr(i) : 0;
	return held;
}

void vgic_hw_write_lrs(const struct vgic_lr_bank *b, u32 held)
{
	for (unsigned int i = 0; i < b->nr_lr; i++)
		if ((b->lr[i] || (held & BIT(i))) && !(b->kept & BIT(i)))
			vgic_hw_write_lr(i, b->lr[i]);
	write_sysreg(ich_hcr_el2, b->hcr);
}

void vgic_hw_load(const struct vgic_lr_bank *b)
{
	for (unsigned int i = 0; i < b->nr_lr; i++)
		vgic_hw_write_lr(i, b->lr[i]);
	apr_write(b->ap0r, b->ap1r);
	write_sysreg(ich_vmcr_el2, b->vmcr);
	write_sysreg(ich_hcr_el2, b->hcr);
}

void vgic_hw_save(struct vgic_lr_bank *b)
{
	vgic_hw_read_lrs(b);
	apr_read(b->ap0r, b->ap1r);
	b->vmcr = (u32)read_sysreg(ich_vmcr_el2);
	write_sysreg(ich_hcr_el2, 0);
	/* Unused LRs must not keep stale state into the next vCPU: flush
	 * writes all nr_lr of them on every entry, so nothing to clear here. */
}
