/*
 * Copying a vCPU's list-register bank to and from the GICv3 virtual CPU
 * interface (IHI 0069, 12.4 "ICH_* registers"). Each ICH_LR<n>_EL2 is a
 * separate system register, reached by index through vgic_lr.S; only the
 * first nr_lr exist (ICH_VTR_EL2.ListRegs), and only the active priority
 * registers that ICH_VTR_EL2.PREbits implies (1, 2 or 4).
 */
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <kernel/config.h>
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

/*
 * Per pCPU: the LRs that may hold an interrupt of the vCPU saved last (not
 * found empty then). An empty LR acts as a zero one - it holds no
 * interrupt and asks for no EOI maintenance (IHI 0069, ICH_ELRSR_EL2: State
 * invalid and HW = 1 or EOI = 0) - so the next load writes only these and
 * the LRs its own bank fills: the other LRs may keep a former vCPU's
 * stateless bits, which no guest can read (ICH_LR<n>_EL2 is EL2 only) and
 * the model never reads back (only the LRs found holding something are).
 * Zero-initialised: all may (the registers reset UNKNOWN).
 */
static u32 lr_dirty_inv[CONFIG_MAX_CPUS];	/* inverted: 0 = dirty */

/* Only the LRs of mask (< 2^nr_lr) go to the hardware. */
static void write_lrs(const struct vgic_lr_bank *b, u32 mask)
{
	for (; mask; mask &= mask - 1) {
		unsigned int i = (unsigned int)__builtin_ctz(mask);

		vgic_hw_write_lr(i, b->lr[i]);
	}
}

/* An LR that holds an interrupt has State or EOI set: never 0. */
u32 vgic_hw_read_held_lrs(struct vgic_lr_bank *b)
{
	u32 held = ~vgic_hw_elrsr() & (u32)GENMASK(b->nr_lr - 1, 0);

	for (u32 k = b->used & ~held; k; k &= k - 1)
		b->lr[__builtin_ctz(k)] = 0;
	for (u32 k = held; k; k &= k - 1)
		b->lr[__builtin_ctz(k)] = vgic_hw_read_lr((unsigned int)__builtin_ctz(k));
	b->used = held;
	return held;
}

void vgic_hw_write_lrs(const struct vgic_lr_bank *b, u32 held)
{
	write_lrs(b, (b->used | held) & ~b->kept);
	write_sysreg(ich_hcr_el2, b->hcr);
}

void vgic_hw_load(const struct vgic_lr_bank *b)
{
	u32 dirty = ~lr_dirty_inv[arch_cpu_id()] & (u32)GENMASK(b->nr_lr - 1, 0);

	write_lrs(b, b->used | dirty);
	apr_write(b->ap0r, b->ap1r);
	write_sysreg(ich_vmcr_el2, b->vmcr);
	write_sysreg(ich_hcr_el2, b->hcr);
}

void vgic_hw_save(struct vgic_lr_bank *b)
{
	lr_dirty_inv[arch_cpu_id()] = ~vgic_hw_read_held_lrs(b);
	apr_read(b->ap0r, b->ap1r);
	b->vmcr = (u32)read_sysreg(ich_vmcr_el2);
	write_sysreg(ich_hcr_el2, 0);
}
