/*
 * Per-vCPU state of the trapped system-register groups that are emulated
 * or switched by the arch code (arch/arm64/el2/virt/{idregs,vdebug,vpmu}.c):
 * ID register hiding, the self-hosted debug registers kept in a shadow, and
 * the PMU switched lazily per vCPU.
 */
#ifndef VIRT_VSYSREG_H
#define VIRT_VSYSREG_H

#include <virt/exits.h>

#define VDBG_MAX_BP 16
#define VPMU_MAX_EV 31

/* Debug registers as the guest wrote them; never loaded to hardware. */
struct vcpu_debug {
	u64 bvr[VDBG_MAX_BP], bcr[VDBG_MAX_BP], wvr[VDBG_MAX_BP], wcr[VDBG_MAX_BP];
	u64 mdscr, mdccint, dbgprcr;	/* shadows: debug is trapped (MDCR_EL2) */
	u8 claim;
	bool oslk, osdlk;
};

/* The host's PMU while an active vCPU is loaded on its pCPU. */
struct vpmu_host {
	u64 pmcr, cnten, inten, selr, ccntr, ccfiltr, userenr;
};

/* The guest's PMU registers (valid while not loaded; see vpmu.c). */
struct vcpu_pmu {
	bool active;			/* touched once: switched on every entry/exit */
	struct vpmu_host host;
	u64 pmcr, cnten, inten, ovs, selr, ccntr, ccfiltr, userenr;
	u64 evcnt[VPMU_MAX_EV], evtyper[VPMU_MAX_EV];
};

struct vcpu;

/* ID group 3 (op0=3, op1=0, CRn=0, CRm=1..7): sanitised value for a read. */
bool idreg_is_group3(const struct sysreg_access *a);
u64 idreg_read(unsigned int crm, unsigned int op2);
u64 idreg_read_hw(unsigned int crm, unsigned int op2);
enum sysreg_result idreg_emulate(const struct sysreg_access *a, u64 *val);

/* Debug registers trapped by MDCR_EL2.TDA/TDOSA/TDRA. */
enum sysreg_result vdebug_emulate(struct vcpu *v, const struct sysreg_access *a, u64 *val);
void vdebug_reset(struct vcpu *v);

/* PMU: MDCR_EL2 for guests, lazy switch, first-use trap (MDCR_EL2.TPM). */
u64 vpmu_guest_mdcr(void);
enum sysreg_result vpmu_emulate(struct vcpu *v, const struct sysreg_access *a, u64 *val);
void vpmu_load(struct vcpu *v);		/* only if v->arch.pmu.active */
void vpmu_save(struct vcpu *v);
void vpmu_exit(struct vcpu *v);		/* each exit, the PMU staying loaded */
void vpmu_reset(struct vcpu *v);
/* Event counters 0..n-1 (vpmu_events.c); types loaded & keep. */
void vpmu_ev_save(struct vcpu_pmu *p, unsigned int n);
void vpmu_ev_load(const struct vcpu_pmu *p, unsigned int n, u64 keep);
void vpmu_ev_sanitize(unsigned int n, u64 keep);

#endif
