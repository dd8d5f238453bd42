/*
 * A hostile guest: it does, thousands of times, what a broken or malicious
 * kernel might, and the hypervisor must answer each the way hardware would
 * (a value, nothing, or an exception injected into this guest) without
 * hurting the host or another VM. Instructions with the encoding in them
 * are generated at run time into a small code buffer:
 *
 *   sysreg  every MRS encoding (op0 2-3: 32768), every MSR encoding except
 *           the few that would wreck this guest's own EL1 state (SCTLR,
 *           CPACR, VBAR, PSTATE fields, ELR/SPSR/SP), twice (0, then ~0)
 *   sys     every SYS and SYSL encoding (op0 1: DC/IC/AT/TLBI/...), the
 *           operand an address outside RAM
 *   call    HVC and SMC with random immediates, function IDs and x1-x7,
 *           except the PSCI calls that stop or suspend this vCPU
 *   mmio    loads and stores of every kind (widths, sign extension, pairs,
 *           exclusives, acquire/release, SIMD, writeback) at random
 *           offsets of the vGIC, the vPL011 (reads only: it is our console)
 *           and holes of the address map
 *
 * Meanwhile its second vCPU, on another pCPU, does the calls and the MMIO
 * too, so both hit the vGIC (each other's redistributor included) at the
 * same time. A seeded xorshift PRNG per vCPU picks the operations.
 * Interrupts stay masked throughout (DAIF as at entry), so a timer or SGI
 * set off by a random write is never taken. It ends with "chaos: done",
 * the exceptions both took by class, and SYSTEM_OFF.
 */
#include <stdbool.h>

#include "guest.h"
#include "jit.h"

#define RAM_BASE 0x40000000UL
#define GICD_BASE 0x08000000UL
#define GICR_BASE 0x080a0000UL
#define HOLE_ADDR 0x20000000UL		/* nothing mapped */

typedef uint64_t (*insn_fn)(uint64_t x0, uint64_t x1);

/* Per vCPU, each in its own cache line. */
struct chaos_cpu {
	uint64_t rng;
	uint64_t executed;
	uint32_t by_ec[64];
} __attribute__((aligned(64)));

static struct chaos_cpu cpus[2] = {
	{ .rng = 0x2545f4914f6cdd1dULL }, { .rng = 0x9e3779b97f4a7c15ULL },
};
static uint8_t stack1[8192] __attribute__((aligned(16)));
static volatile int secondary_done;

static struct chaos_cpu *me(void)
{
	return &cpus[cpu_index() & 1];
}

static uint64_t rnd(void)
{
	struct chaos_cpu *c = me();

	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return c->rng;
}

/* An exception an instruction took, counted by class. */
static void count_ec(uint64_t esr)
{
	me()->by_ec[(esr >> 26) & 0x3f]++;
}

/* Run one instruction with x0, x1 as given. */
static void run1(uint32_t insn, uint64_t x0, uint64_t x1)
{
	uint64_t esr;

	me()->executed++;
	if (jit_run(insn, &x0, x1, &esr))
		count_ec(esr);
}

/* The EL1 state this guest lives on: written, it would stop running. */
static bool wrecks_us(uint32_t o0, uint32_t op1, uint32_t crn, uint32_t crm)
{
	if (!o0)
		return false;			/* op0 2: debug registers */
	if (crn == 4 && (op1 == 0 || op1 == 3))
		return true;			/* SPSR/ELR/SP_EL0/SPSel/DAIF/NZCV/PMR... */
	if (op1 == 0 && crn == 1)
		return true;			/* SCTLR, ACTLR, CPACR, ZCR, ... */
	return op1 == 0 && crn == 12 && crm == 0;	/* VBAR, RVBAR, RMR */
}

/*
 * QEMU before 8.1.4 computes the virtual timer's next event as CNTV_CVAL +
 * CNTVOFF_EL2 without checking for overflow: a CVAL that wraps it puts the
 * event in the past, for ever, and the emulator spins in its timer list
 * (fixed upstream: "target/arm: Handle overflow in calculation of next
 * timer tick"). Hardware, and ZVM (vtimer_deadline()), are fine with it;
 * the emulator under the test is not, so the test does not write it.
 */
static bool freezes_qemu(uint32_t e, uint64_t val)
{
	return e == (1u << 14 | 3u << 11 | 14u << 7 | 3u << 3 | 2u) && val >> 62;
}

static void for_each_sysreg(bool read, uint64_t val)
{
	for (uint32_t e = 0; e < 1u << 15; e++) {
		uint32_t o0 = e >> 14, op1 = e >> 11 & 7, crn = e >> 7 & 15, crm = e >> 3 & 15;

		if (!read && (wrecks_us(o0, op1, crn, crm) || freezes_qemu(e, val)))
			continue;
		run1(jit_sysreg_e(read, e), val, 0);
	}
}

/* SYS/SYSL (op0 1), Xt = x0 = an address that is not RAM, chosen at
 * random (not by the encoding, so every VA operation meets each). */
static void for_each_sys(void)
{
	static const uint64_t addr[] = { HOLE_ADDR, GICD_BASE, UART_BASE + 0x40, 1ULL << 47 };

	for (uint32_t e = 0; e < 1u << 15; e++) {
		uint32_t l = e >> 14, op1 = e >> 11 & 7, crn = e >> 7 & 15, crm = e >> 3 & 15;

		run1(0xd5080000u | l << 21 | op1 << 16 | crn << 12 | crm << 8 | (e & 7) << 5,
		     addr[rnd() & 3], 0);
	}
}

/* The PSCI calls that would stop, suspend or reset this (only) vCPU. */
static bool stops_us(uint32_t fid)
{
	uint32_t fn = fid & 0x1f;

	if ((fid & ~0x4000001fu) != 0x84000000u)
		return false;
	return !(fn == 0x0 || fn == 0x3 || fn == 0x4 || fn == 0x6 || fn == 0xa);
}

/* HVC/SMC #imm with x0 = fid and x1-x7 random (x8-x17, the other SMCCC
 * argument registers, hold whatever they held): written out so that the
 * compiler keeps them live. */
static void call1(uint32_t insn, uint64_t fid)
{
	uint64_t a[7];
	int before = cpu_faults[cpu_index()];
	insn_fn f0;

	for (int i = 0; i < 7; i++)
		a[i] = rnd();
	me()->executed++;
	f0 = (insn_fn)(uintptr_t)jit_load(insn);
	/* Register variables last: no call may come between them and the
	 * asm (GCC does not keep them across calls). */
	register uint64_t r0 __asm__("x0") = fid;
	register uint64_t r1 __asm__("x1") = a[0], r2 __asm__("x2") = a[1];
	register uint64_t r3 __asm__("x3") = a[2], r4 __asm__("x4") = a[3];
	register uint64_t r5 __asm__("x5") = a[4], r6 __asm__("x6") = a[5];
	register uint64_t r7 __asm__("x7") = a[6];
	register insn_fn f __asm__("x16") = f0;

	__asm__ volatile("blr %[f]"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
			   "+r"(r7), [f] "+r"(f)
			 :
			 : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x17", "x30",
			   "memory", "cc");
	if (cpu_faults[cpu_index()] != before)
		count_ec(cpu_last_esr[cpu_index()]);
}

static void calls(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t r = rnd();
		uint32_t fid = (uint32_t)r;

		/* Mostly the SMCCC ranges a hypervisor decodes, sometimes anything. */
		if (r >> 62)
			fid = (fid & 0xc000001fu) | (uint32_t)(r >> 40 & 0x3f) << 24;
		if (stops_us(fid))
			continue;
		call1(((r >> 32 & 1) ? 0xd4000003u : 0xd4000002u) | (uint32_t)(r >> 33 & 0xffff) << 5,
		      fid);
	}
}

/*
 * Memory accesses, Rt = x0 (x2 for pairs, w3 status), Rn = x1: register,
 * immediate, pair, exclusive, acquire/release, SIMD, and post-index forms;
 * stores last (STR_FIRST), so reads-only regions take the first part.
 */
static const uint32_t mem_ops[] = {
	0x39400020, 0x79400020, 0xb9400020, 0xf9400020,	/* ldrb/ldrh/ldr w/ldr x */
	0x39800020, 0x79800020, 0xb9800020, 0x39c00020,	/* ldrsb x/ldrsh x/ldrsw/ldrsb w */
	0xa9400820, 0xc85f7c20, 0xc8dffc20, 0x3dc00020,	/* ldp x0,x2 / ldxr / ldar / ldr q0 */
	0xf8408420, 0x885f7c20,				/* ldr x0,[x1],#8 / ldxr w0 */
#define STR_FIRST 14
	0x39000020, 0x79000020, 0xb9000020, 0xf9000020,	/* strb/strh/str w/str x */
	0xa9000820, 0xc8037c20, 0xc89ffc20, 0x3d800020,	/* stp / stxr / stlr / str q0 */
	0xf8008420,					/* str x0,[x1],#8 */
};

/* Offset, operation and alignment drawn independently. Unaligned ones
 * fault in the guest itself (Device memory, MMU off): a few suffice. */
static void mmio_one(uint64_t base, uint64_t span, bool writes)
{
	unsigned int n = writes ? sizeof(mem_ops) / sizeof(mem_ops[0]) : STR_FIRST;
	uint64_t off = rnd() % span;
	uint32_t op = mem_ops[rnd() % n];

	if (rnd() % 8)
		off &= ~15ULL;			/* mostly aligned (q0 and pairs too) */
	run1(op, rnd(), base + off);
}

static void mmio(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		switch (rnd() % 5) {
		case 0: mmio_one(GICD_BASE, 0x10000, true); break;
		case 1: mmio_one(GICR_BASE, 0x40000, true); break;
		case 2: mmio_one(UART_BASE, 0x1000, false); break;
		case 3: mmio_one(HOLE_ADDR, 0x10000000, true); break;
		default: mmio_one(RAM_BASE - 0x10000000, 0x10000000, true); break;
		}
	}
}

static void phase(const char *name, void (*fn)(void))
{
	int before = cpu_faults[0];

	fn();
	puts_("chaos: ");
	puts_(name);
	puts_(" done, ");
	putdec((uint64_t)(cpu_faults[0] - before));
	puts_(" exceptions\n");
}

static void reads(void) { for_each_sysreg(true, 0); }
static void writes_zero(void) { for_each_sysreg(false, 0); }
static void writes_ones(void) { for_each_sysreg(false, ~0ULL); }
static void calls_(void) { calls(20000); }
static void mmio_(void) { mmio(20000); }

/* vCPU 1: the calls and the MMIO, concurrently with vCPU 0's phases. */
void guest_secondary(uint64_t cpu)
{
	(void)cpu;
	calls(20000);
	mmio(20000);
	secondary_done = 1;
	psci(0x84000002, 0, 0, 0);	/* CPU_OFF */
}

static void report(void)
{
	puts_("chaos: done, ");
	putdec(cpus[0].executed + cpus[1].executed);
	puts_(" instructions, exceptions by class:");
	for (unsigned int ec = 0; ec < 64; ec++) {
		if (!cpus[0].by_ec[ec] && !cpus[1].by_ec[ec])
			continue;
		puts_(" ");
		puthex(ec);
		puts_("=");
		putdec(cpus[0].by_ec[ec] + cpus[1].by_ec[ec]);
	}
	puts_("\n");
}

void guest_main(uint64_t dtb)
{
	(void)dtb;
	puts_("chaos: start\n");
	if (psci(0xc4000003, 1, (uint64_t)_secondary, (uint64_t)(stack1 + sizeof(stack1)))) {
		puts_("chaos: no second vCPU\n");
		secondary_done = 1;
	} else
		puts_("chaos: second vCPU started\n");
	phase("sysreg reads", reads);
	phase("sysreg writes 0", writes_zero);
	phase("sysreg writes ~0", writes_ones);
	phase("sys", for_each_sys);
	phase("calls", calls_);
	phase("mmio", mmio_);
	while (!secondary_done)
		;
	puts_("chaos: second vCPU done, ");
	putdec((uint64_t)cpu_faults[1]);
	puts_(" exceptions\n");
	report();
}
