/* Minimal GICv3 driver for the test guests (IHI 0069). */
#include "gic.h"

void gic_init_dist(void)
{
	mmio_w32(GICD + 0x0, (1u << 4) | (1u << 1) | 1u);	/* ARE, EnableGrp1, EnableGrp0 */
}

void gic_init_cpu(unsigned int cpu)
{
	mmio_w32(GICR(cpu) + 0x14, mmio_r32(GICR(cpu) + 0x14) & ~2u);	/* WAKER.ProcessorSleep */
	while (mmio_r32(GICR(cpu) + 0x14) & 4u)
		;
	mmio_w32(GICR_SGI(cpu) + 0x80, ~0u);	/* all private interrupts Group 1 */
	sysreg_write(s3_0_c12_c12_5, 7);	/* ICC_SRE_EL1: SRE, DFB, DIB */
	isb();
	sysreg_write(s3_0_c4_c6_0, 0xff);	/* ICC_PMR_EL1 */
	sysreg_write(s3_0_c12_c12_7, 1);	/* ICC_IGRPEN1_EL1 */
	isb();
}

void gic_enable(unsigned int cpu, unsigned int intid, uint8_t prio)
{
	uintptr_t frame = intid < 32 ? GICR_SGI(cpu) : GICD;

	*(volatile uint8_t *)(frame + 0x400 + intid) = prio;
	if (intid >= 32) {
		mmio_w32(GICD + 0x80 + (intid / 32) * 4,
			 mmio_r32(GICD + 0x80 + (intid / 32) * 4) | (1u << (intid % 32)));
		*(volatile uint64_t *)(GICD + 0x6000 + intid * 8) = cpu;	/* IROUTER: Aff0 */
	}
	mmio_w32(frame + 0x100 + (intid / 32) * 4, 1u << (intid % 32));
}

unsigned int gic_ack(void)
{
	return (unsigned int)sysreg_read(s3_0_c12_c12_0) & 0xffffff;	/* ICC_IAR1_EL1 */
}

void gic_eoi(unsigned int intid)
{
	sysreg_write(s3_0_c12_c12_1, intid);	/* ICC_EOIR1_EL1 */
	isb();
}

void gic_sgi(unsigned int intid, uint16_t targets)
{
	sysreg_write(s3_0_c12_c11_5, ((uint64_t)intid << 24) | targets);	/* ICC_SGI1R_EL1 */
	isb();
}
