/*
 * Unit tests of the inter-VM channel as guests see it through their MMIO
 * buses: the ECAM host bridge (virt/vdev/vpci.c: every header register,
 * widths, absent devices, BAR sizing, Command/Status with PCI 2.3 INTx
 * Disable and Interrupt Status), the ivshmem registers (virt/vdev/
 * ivshmem.c: every register, widths, RAZ/WI, Memory Space, doorbells and
 * their coalescing, bad doorbells) and the regions behind them (virt/shm.c:
 * zeroed on first use, peer ids exclusive, kept while a member exists,
 * scrubbed and freed after the last). Packs come from pack_fixture.h; the
 * page allocator, vGIC, stage 2 and log are recorded by the stubs below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pack_fixture.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/arch_interface.h>
#include <kernel/page_alloc.h>
#include <kernel/sync.h>
#include <lib/pack.h>
#include <virt/ivshmem.h>
#include <virt/mmio.h>
#include <virt/shm.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <virt/vpci.h>
#include <zvm/errno.h>

#define T_A 0
#define T_B 1
#define S_LINK 0	/* 64 KiB: a is peer 0, b peer 1 */
#define S_SOLO 1	/* 4 KiB: a only */
#define LINK_SIZE 0x10000
#define BAR0_A0 0x10000000ULL	/* a: two devices, two register pages */
#define BAR0_A1 0x10001000ULL
#define BAR2_A0 0x10010000ULL	/* first aligned 64 KiB after them */
#define BAR2_A1 0x10020000ULL
#define BAR0_B0 0x10000000ULL	/* b: one device */
#define BAR2_B0 0x10010000ULL
#define ECAM(slot, reg) (VPCI_ECAM_BASE + ((u64)(slot) << 15) + (reg))

/* ---- stubs -------------------------------------------------------------- */

static u64 pack_words[4096];
static struct pack pk;

struct level_call {
	struct vm *vm;
	u32 intid;
	bool level;
};
static struct level_call levels[64];
static unsigned int nlevels;

int virq_set_level(struct vm *vm, u32 intid, bool level)
{
	assert_true(nlevels < 64);
	levels[nlevels++] = (struct level_call){ vm, intid, level };
	return 0;
}

struct map_call {
	u64 ipa;
	paddr_t pa;
	u64 size;
	enum vmem_type type;
};
static struct map_call maps[8];
static unsigned int nmaps;

int vmem_map(struct vm *vm, u64 ipa, paddr_t pa, u64 size, enum vmem_type type)
{
	assert_true(nmaps < 8);
	maps[nmaps++] = (struct map_call){ ipa, pa, size, type };
	return 0;
}

static unsigned int page_blocks, page_frees;
static bool freed_scrubbed;

int pages_alloc(unsigned int order, paddr_t *out)
{
	size_t size = PAGE_SIZE << order;
	void *p = aligned_alloc(size, size);

	assert_non_null(p);
	memset(p, 0xa5, size);		/* what an earlier owner left */
	*out = (paddr_t)p;
	page_blocks++;
	return 0;
}

int pages_free(paddr_t pa, unsigned int order)
{
	const u8 *p = (const u8 *)pa;

	freed_scrubbed = true;
	for (size_t i = 0; i < (PAGE_SIZE << order); i++)
		freed_scrubbed &= p[i] == 0;
	free((void *)pa);
	page_frees++;
	return 0;
}

void arch_dcache_clean_inval_poc(const void *p, size_t size)
{
}


int mutex_lock(struct mutex *m, u64 timeout)
{
	return 0;
}

int mutex_unlock(struct mutex *m)
{
	return 0;
}

static char logbuf[1024];
static unsigned int nlogs;

void printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(logbuf, sizeof(logbuf), fmt, ap);
	va_end(ap);
	nlogs++;
}

bool ratelimit_ok(struct ratelimit *rl, unsigned int burst)
{
	return true;
}

/* ---- VMs -------------------------------------------------------------- */

static void build_pack(void)
{
	static const u8 link[] = { T_A, T_B }, solo[] = { T_A };
	u8 *b = (u8 *)pack_words, data[16] = { 1 };
	char err[128];

	pfx_init(b, sizeof(pack_words), 1, 2);
	pfx_entry(b, 0, "k", PACK_KIND_ELF, 0x1000, data, sizeof(data));
	pfx_template(b, T_A, "a", PACK_OS_BAREMETAL, "k", 8 << 20, 1);
	pfx_template(b, T_B, "b", PACK_OS_BAREMETAL, "k", 8 << 20, 1);
	pfx_shm_table(b, 2);
	pfx_shm(b, S_LINK, "link", LINK_SIZE, 2, link);
	pfx_shm(b, S_SOLO, "solo", 0x1000, 1, solo);
	pfx_seal(b, 0x1000 + sizeof(data));
	if (pack_open(&pk, b, sizeof(pack_words), err, sizeof(err)))
		fail_msg("pack: %s", err);
}

static struct vm *vm_of(const char *tmpl, unsigned int id, char *err, size_t errlen)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	assert_non_null(vm);
	vm->id = id;
	vm->pack = &pk;
	vm->tmpl = calloc(1, sizeof(*vm->tmpl));
	assert_int_equal(pack_find_template(&pk, tmpl, vm->tmpl), 0);
	mmio_bus_init(&vm->mmio);
	if (ivshmem_attach(vm, err, errlen))
		return vm;	/* the caller checks err; free_vm() undoes */
	return vm;
}

static struct vm *new_vm(const char *tmpl, unsigned int id)
{
	char err[VM_ERR_LEN] = "";
	struct vm *vm = vm_of(tmpl, id, err, sizeof(err));

	if (err[0])
		fail_msg("ivshmem_attach: %s", err);
	return vm;
}

/* vm_free()'s order: detach, (vCPUs, stage 2 gone), destroy. */
static void free_vm(struct vm *vm)
{
	ivshmem_detach(vm);
	ivshmem_destroy(vm);
	assert_null(vm->vpci);
	free(vm->tmpl);
	free(vm);
}

static u64 rd(struct vm *vm, u64 ipa, unsigned int size)
{
	u64 val = 0xdeadbeefdeadbeefULL;

	assert_int_equal(mmio_bus_access(&vm->mmio, NULL, ipa, size, false, &val), MMIO_OK);
	return val;
}

static void wr(struct vm *vm, u64 ipa, unsigned int size, u64 val)
{
	assert_int_equal(mmio_bus_access(&vm->mmio, NULL, ipa, size, true, &val), MMIO_OK);
}

static int access(struct vm *vm, u64 ipa, unsigned int size, bool write)
{
	u64 val = 0;

	return mmio_bus_access(&vm->mmio, NULL, ipa, size, write, &val);
}

static void enable_mem(struct vm *vm, unsigned int slot)
{
	wr(vm, ECAM(slot, PCI_COMMAND), 2, PCI_CMD_MEM);
}

static int setup(void **state)
{
	build_pack();
	nlevels = nmaps = page_blocks = page_frees = nlogs = 0;
	freed_scrubbed = false;
	logbuf[0] = '\0';
	return 0;
}

/* ---- layout and the configuration header ------------------------------- */

/* Four regions of any allowed sizes, in any order, fit the window. */
static void test_layout(void **state)
{
	const u64 sizes[4] = { 0x1000, PACK_SHM_MAX, 0x1000, PACK_SHM_MAX };
	u64 bar0[4], bar2[4];

	ivshmem_layout(sizes, 4, bar0, bar2);
	for (int k = 0; k < 4; k++) {
		assert_int_equal(bar0[k], VPCI_MMIO_BASE + 0x1000 * (u64)k);
		assert_int_equal(bar2[k] % sizes[k], 0);
		assert_true(bar2[k] >= VPCI_MMIO_BASE + 0x4000);
		if (k)
			assert_true(bar2[k] >= bar2[k - 1] + sizes[k - 1]);
	}
	assert_true(bar2[3] + sizes[3] <= VPCI_MMIO_BASE + VPCI_MMIO_SIZE);
}

static void test_header(void **state)
{
	struct vm *a = new_vm("a", 0);

	assert_int_equal(rd(a, ECAM(0, PCI_VENDOR_ID), 4), 0x11101af4);
	assert_int_equal(rd(a, ECAM(0, PCI_VENDOR_ID), 2), 0x1af4);
	assert_int_equal(rd(a, ECAM(0, 2), 2), 0x1110);
	assert_int_equal(rd(a, ECAM(0, 1), 1), 0x1a);
	assert_int_equal(rd(a, ECAM(0, PCI_COMMAND), 4), 0);	/* Status: no CapList */
	assert_int_equal(rd(a, ECAM(0, PCI_CLASS_REV), 4), 0x05000001);
	assert_int_equal(rd(a, ECAM(0, PCI_HEADER), 4), 0);	/* type 0, single function */
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0), 4), BAR0_A0);	/* 32-bit, non-prefetchable */
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0 + 4), 4), 0);
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0 + 8), 4), BAR2_A0 | 0xc);
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0 + 12), 4), 0);
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0 + 16), 4), 0);
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0 + 20), 4), 0);
	assert_int_equal(rd(a, ECAM(0, PCI_SUBSYSTEM), 4), 0x11001af4);
	assert_int_equal(rd(a, ECAM(0, PCI_ROM), 4), 0);
	assert_int_equal(rd(a, ECAM(0, PCI_CAP_PTR), 4), 0);
	assert_int_equal(rd(a, ECAM(0, PCI_INTERRUPT), 4), 0x100);	/* pin INTA */
	for (u32 reg = 0x40; reg < 0x1000; reg += 4)
		assert_int_equal(rd(a, ECAM(0, reg), 4), 0);
	/* The second region in slot 1, its own pages. */
	assert_int_equal(rd(a, ECAM(1, PCI_BAR0), 4), BAR0_A1);
	assert_int_equal(rd(a, ECAM(1, PCI_BAR0 + 8), 4), BAR2_A1 | 0xc);
	free_vm(a);
}

/* No device: all-ones in every width (what a bus scan looks for). */
static void test_absent_functions(void **state)
{
	struct vm *b = new_vm("b", 0);

	assert_int_equal(rd(b, ECAM(1, 0), 4), 0xffffffff);
	assert_int_equal(rd(b, ECAM(31, 0), 2), 0xffff);
	assert_int_equal(rd(b, ECAM(0, 0) + (1 << 12), 4), 0xffffffff);	/* function 1 */
	assert_int_equal(rd(b, ECAM(0, 0) + (7 << 12) + 0x3c, 1), 0xff);
	wr(b, ECAM(2, PCI_COMMAND), 4, 0xffffffff);				/* ignored */
	assert_int_equal(rd(b, ECAM(0, PCI_COMMAND), 4), 0);
	free_vm(b);
}

/* Odd widths and misaligned accesses read zero and change nothing. */
static void test_config_widths(void **state)
{
	struct vm *a = new_vm("a", 0);

	assert_int_equal(rd(a, ECAM(0, PCI_VENDOR_ID), 8), 0);
	assert_int_equal(rd(a, ECAM(0, 1), 2), 0);
	assert_int_equal(rd(a, ECAM(0, 2), 4), 0);
	wr(a, ECAM(0, PCI_COMMAND), 8, PCI_CMD_MEM);
	wr(a, ECAM(0, 3), 2, 0xffff);
	assert_int_equal(rd(a, ECAM(0, PCI_COMMAND), 4), 0);
	free_vm(a);
}

static void test_bar_sizing(void **state)
{
	struct vm *a = new_vm("a", 0);

	wr(a, ECAM(0, PCI_BAR0), 4, 0xffffffff);
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0), 4), 0xffffff00);	/* 256 bytes */
	wr(a, ECAM(0, PCI_BAR0), 4, BAR0_A0);
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0), 4), BAR0_A0);
	wr(a, ECAM(0, PCI_BAR0 + 8), 4, 0xffffffff);
	wr(a, ECAM(0, PCI_BAR0 + 12), 4, 0xffffffff);
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0 + 8), 4), 0xffff000c);	/* 64 KiB */
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0 + 12), 4), 0xffffffff);
	/* A move is ignored: the fixed address reads back. */
	wr(a, ECAM(0, PCI_BAR0 + 8), 4, 0x20000000);
	wr(a, ECAM(0, PCI_BAR0 + 12), 4, 1);
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0 + 8), 4), BAR2_A0 | 0xc);
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0 + 12), 4), 0);
	/* Only a full 32-bit all-ones write is a probe. */
	wr(a, ECAM(0, PCI_BAR0), 2, 0xffff);
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0), 4), BAR0_A0);
	wr(a, ECAM(0, PCI_BAR0 + 4), 4, 0xffffffff);			/* BAR1: none */
	assert_int_equal(rd(a, ECAM(0, PCI_BAR0 + 4), 4), 0);
	wr(a, ECAM(0, PCI_ROM), 4, 0xfffff800);
	assert_int_equal(rd(a, ECAM(0, PCI_ROM), 4), 0);
	free_vm(a);
}

static void test_command_and_line(void **state)
{
	struct vm *a = new_vm("a", 0);

	wr(a, ECAM(0, PCI_COMMAND), 4, 0xffffffff);
	assert_int_equal(rd(a, ECAM(0, PCI_COMMAND), 4),
			 PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE);
	wr(a, ECAM(0, PCI_COMMAND + 1), 1, 0);				/* INTx Disable off */
	assert_int_equal(rd(a, ECAM(0, PCI_COMMAND), 2), PCI_CMD_MEM | PCI_CMD_MASTER);
	wr(a, ECAM(0, PCI_COMMAND + 2), 2, 0xffff);			/* Status: no RW1C set */
	assert_int_equal(rd(a, ECAM(0, PCI_COMMAND), 4), PCI_CMD_MEM | PCI_CMD_MASTER);
	wr(a, ECAM(0, PCI_INTERRUPT), 1, 0x2a);				/* Line: scratch */
	wr(a, ECAM(0, PCI_INTERRUPT + 1), 1, 7);			/* Pin: read-only */
	assert_int_equal(rd(a, ECAM(0, PCI_INTERRUPT), 4), 0x12a);
	ivshmem_reset(a);
	assert_int_equal(rd(a, ECAM(0, PCI_COMMAND), 4), 0);
	assert_int_equal(rd(a, ECAM(0, PCI_INTERRUPT), 4), 0x100);
	free_vm(a);
}

/* ---- the ivshmem registers ---------------------------------------------- */

static void test_registers(void **state)
{
	struct vm *a = new_vm("a", 0), *b = new_vm("b", 1);

	/* Memory Space off: the device does not decode. */
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_IVPOSITION, 4), 0);
	wr(b, BAR0_B0 + IVSHMEM_INTRMASK, 4, 0xff);
	enable_mem(b, 0);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRMASK, 4), 0);
	wr(b, BAR0_B0 + IVSHMEM_INTRMASK, 4, 0x81);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRMASK, 4), 0x81);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_IVPOSITION, 4), 1);
	wr(b, BAR0_B0 + IVSHMEM_IVPOSITION, 4, 7);			/* read-only */
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_IVPOSITION, 4), 1);
	enable_mem(a, 0);
	assert_int_equal(rd(a, BAR0_A0 + IVSHMEM_IVPOSITION, 4), 0);
	/* IntrStatus: a write sets it, a read returns and clears it. */
	wr(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4, 0x6);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4), 0x6);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4), 0);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_DOORBELL, 4), 0);	/* write-only */
	for (u64 off = 0x10; off < IVSHMEM_REGS_WINDOW; off += 4) {
		wr(b, BAR0_B0 + off, 4, 0xffffffff);
		assert_int_equal(rd(b, BAR0_B0 + off, 4), 0);
	}
	/* 32-bit accesses only: anything else is a bad access (abort). */
	assert_int_equal(access(b, BAR0_B0 + IVSHMEM_INTRMASK, 1, false), MMIO_BAD_ACCESS);
	assert_int_equal(access(b, BAR0_B0 + IVSHMEM_INTRMASK, 2, true), MMIO_BAD_ACCESS);
	assert_int_equal(access(b, BAR0_B0 + IVSHMEM_INTRMASK, 8, false), MMIO_BAD_ACCESS);
	assert_int_equal(access(b, BAR0_B0 + IVSHMEM_DOORBELL, 2, true), MMIO_BAD_ACCESS);
	assert_int_equal(access(b, BAR0_B0 + 0x22, 4, false), MMIO_BAD_ACCESS);
	assert_int_equal(nlevels, 0);
	free_vm(a);
	free_vm(b);
}

/* The line follows (IntrStatus & IntrMask) && !INTxDisable; Status.IS the
 * same without the disable bit. */
static void test_intx(void **state)
{
	struct vm *b = new_vm("b", 1);
	u32 intid = VPCI_INTX_INTID;

	enable_mem(b, 0);
	wr(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4, 0x4);
	assert_int_equal(nlevels, 0);					/* masked */
	assert_int_equal(rd(b, ECAM(0, PCI_COMMAND), 4) & (PCI_STATUS_INTX << 16), 0);
	wr(b, BAR0_B0 + IVSHMEM_INTRMASK, 4, 0x4);
	assert_int_equal(nlevels, 1);
	assert_ptr_equal(levels[0].vm, b);
	assert_int_equal(levels[0].intid, intid);
	assert_true(levels[0].level);
	assert_int_equal(rd(b, ECAM(0, PCI_COMMAND), 4) >> 16, PCI_STATUS_INTX);
	wr(b, ECAM(0, PCI_COMMAND), 2, PCI_CMD_MEM | PCI_CMD_INTX_DISABLE);
	assert_int_equal(nlevels, 2);
	assert_false(levels[1].level);
	assert_int_equal(rd(b, ECAM(0, PCI_COMMAND), 4) >> 16, PCI_STATUS_INTX);
	wr(b, ECAM(0, PCI_COMMAND), 2, PCI_CMD_MEM);
	assert_int_equal(nlevels, 3);
	assert_true(levels[2].level);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4), 0x4);	/* acknowledge */
	assert_int_equal(nlevels, 4);
	assert_false(levels[3].level);
	assert_int_equal(rd(b, ECAM(0, PCI_COMMAND), 4) >> 16, 0);
	free_vm(b);
}

static void test_doorbell_and_coalescing(void **state)
{
	struct vm *a = new_vm("a", 0), *b = new_vm("b", 1);
	struct ivshmem_info in;

	enable_mem(a, 0);
	enable_mem(b, 0);
	wr(b, BAR0_B0 + IVSHMEM_INTRMASK, 4, 0xff);
	wr(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, 1 << 16 | 2);
	wr(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, 1 << 16 | 2);		/* coalesces */
	wr(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, 1 << 16 | 7);
	assert_int_equal(nlevels, 1);					/* one rising edge */
	assert_ptr_equal(levels[0].vm, b);
	assert_true(levels[0].level);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4), 0x84);
	assert_false(levels[nlevels - 1].level);
	/* To itself, and a's second device does not see the first's. */
	enable_mem(a, 1);
	wr(a, BAR0_A1 + IVSHMEM_INTRMASK, 4, 0xff);
	wr(a, BAR0_A0 + IVSHMEM_INTRMASK, 4, 0xff);
	wr(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, 0 << 16 | 0);
	assert_int_equal(rd(a, BAR0_A0 + IVSHMEM_INTRSTATUS, 4), 1);
	assert_int_equal(rd(a, BAR0_A1 + IVSHMEM_INTRSTATUS, 4), 0);
	assert_int_equal(levels[nlevels - 2].intid, VPCI_INTX_INTID);
	assert_int_equal(ivshmem_get_info(a, 0, &in), 0);
	assert_string_equal(in.name, "link");
	assert_int_equal(in.rung, 4);
	assert_int_equal(in.received, 1);
	assert_int_equal(in.member_vm[0], 0);
	assert_int_equal(in.member_vm[1], 1);
	assert_int_equal(ivshmem_get_info(b, 0, &in), 0);
	assert_int_equal(in.peer, 1);
	assert_int_equal(in.received, 3);
	assert_int_equal(ivshmem_get_info(b, 1, &in), -ENOENT);
	assert_int_equal(nlogs, 0);
	free_vm(a);
	free_vm(b);
}

static int atomic(struct vm *vm, u64 ipa, unsigned int size, bool write, u64 val)
{
	struct vcpu v = { .vm = vm };

	return mmio_bus_access_atomic(&vm->mmio, &v, ipa, size, write, &val);
}

/*
 * From the exception vector: a valid doorbell to another VM is delivered
 * there (only the target's line changes); everything else is declined
 * before any side effect, for the full exit: a doorbell to the ringing VM
 * itself (its own line), a bad one (the full exit logs it), one with
 * Memory Space off, another width, any other register.
 */
static void test_doorbell_atomic(void **state)
{
	struct vm *a = new_vm("a", 0), *b = new_vm("b", 1);
	struct ivshmem_info in;

	enable_mem(a, 0);
	enable_mem(b, 0);
	wr(a, BAR0_A0 + IVSHMEM_INTRMASK, 4, 0xff);
	wr(b, BAR0_B0 + IVSHMEM_INTRMASK, 4, 0xff);
	assert_int_equal(atomic(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, true, 1 << 16 | 3), MMIO_OK);
	assert_int_equal(nlevels, 1);
	assert_ptr_equal(levels[0].vm, b);
	assert_true(levels[0].level);
	assert_int_equal(atomic(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, true, 0 << 16 | 3), MMIO_DECLINED);
	assert_int_equal(atomic(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, true, 2 << 16 | 0), MMIO_DECLINED);
	assert_int_equal(atomic(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, true, 1 << 16 | 8), MMIO_DECLINED);
	assert_int_equal(atomic(a, BAR0_A0 + IVSHMEM_DOORBELL, 2, true, 1 << 16 | 1), MMIO_DECLINED);
	assert_int_equal(atomic(a, BAR0_A0 + IVSHMEM_INTRMASK, 4, true, 0), MMIO_DECLINED);
	assert_int_equal(atomic(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, false, 0), MMIO_DECLINED);
	assert_int_equal(atomic(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4, false, 0), MMIO_DECLINED);
	wr(a, ECAM(0, PCI_COMMAND), 2, 0);
	assert_int_equal(atomic(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, true, 1 << 16 | 1), MMIO_DECLINED);
	assert_int_equal(nlevels, 1);
	assert_int_equal(nlogs, 0);
	assert_int_equal(ivshmem_get_info(a, 0, &in), 0);
	assert_int_equal(in.rung, 1);
	assert_int_equal(in.received, 0);
	assert_int_equal(ivshmem_get_info(b, 0, &in), 0);
	assert_int_equal(in.received, 1);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4), 0x8);
	free_vm(a);
	free_vm(b);
}

/* Nothing delivered, a log line naming the VM, region, peer and vector. */
static void test_bad_doorbells(void **state)
{
	struct vm *a = new_vm("a", 0), *b = new_vm("b", 1);
	struct ivshmem_info in;

	enable_mem(a, 0);
	enable_mem(b, 0);
	wr(b, BAR0_B0 + IVSHMEM_INTRMASK, 4, 0xffffffff);
	wr(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, 2 << 16 | 0);	/* no peer 2 in 'link' */
	assert_string_equal(logbuf, "vm0: ivshmem 'link': doorbell to peer 2 vector 0 ignored (peers 0..1, vectors 0..7)");
	wr(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, 1 << 16 | 8);
	assert_string_equal(logbuf, "vm0: ivshmem 'link': doorbell to peer 1 vector 8 ignored (peers 0..1, vectors 0..7)");
	wr(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, 0xffffffff);
	wr(a, BAR0_A1 + IVSHMEM_DOORBELL, 4, 1 << 16 | 0);		/* 'solo' has one peer */
	assert_int_equal(nlogs, 3);	/* the last: a's device 1 is not enabled */
	assert_int_equal(nlevels, 0);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4), 0);
	assert_int_equal(ivshmem_get_info(a, 0, &in), 0);
	assert_int_equal(in.rung, 0);
	free_vm(a);
	free_vm(b);
}

/* A valid peer id no VM holds: dropped without a word. */
static void test_doorbell_to_absent_peer(void **state)
{
	struct vm *a = new_vm("a", 0);

	enable_mem(a, 0);
	wr(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, 1 << 16 | 1);
	assert_int_equal(nlevels, 0);
	assert_int_equal(nlogs, 0);
	free_vm(a);
}

/* ---- regions ------------------------------------------------------------ */

static void test_region_lifetime(void **state)
{
	struct vm *a = new_vm("a", 0), *b;
	const u8 *mem;

	/* a: both regions allocated and zeroed, mapped as shared memory. */
	assert_int_equal(page_blocks, 2);
	assert_int_equal(nmaps, 2);
	assert_int_equal(maps[0].ipa, BAR2_A0);
	assert_int_equal(maps[0].size, LINK_SIZE);
	assert_int_equal(maps[0].type, VMEM_SHARED);
	assert_int_equal(maps[1].ipa, BAR2_A1);
	assert_int_equal(maps[1].type, VMEM_SHARED);
	mem = (const u8 *)maps[0].pa;
	for (u32 i = 0; i < LINK_SIZE; i++)
		assert_int_equal(mem[i], 0);
	((u8 *)maps[0].pa)[100] = 42;
	/* b: the same pages, not cleared again. */
	b = new_vm("b", 1);
	assert_int_equal(page_blocks, 2);
	assert_int_equal(maps[2].pa, maps[0].pa);
	assert_int_equal(maps[2].ipa, BAR2_B0);
	free_vm(a);
	assert_int_equal(page_frees, 1);	/* 'solo' went with a, 'link' stays */
	assert_true(freed_scrubbed);
	assert_int_equal(mem[100], 42);
	free_vm(b);
	assert_int_equal(page_frees, 2);
	assert_true(freed_scrubbed);
	/* A new first member gets fresh zeroed memory. */
	a = new_vm("a", 2);
	assert_int_equal(page_blocks, 4);
	assert_int_equal(((const u8 *)maps[3].pa)[100], 0);
	free_vm(a);
}

static void test_peer_id_exclusive(void **state)
{
	struct vm *b = new_vm("b", 3), *b2, *b3;
	char err[VM_ERR_LEN] = "";

	b2 = vm_of("b", 4, err, sizeof(err));
	assert_string_equal(err, "shared region 'link': peer 1 is held by vm 3 (another VM of this template)");
	free_vm(b2);				/* a failed build is undone */
	wr(b, BAR0_B0 + IVSHMEM_INTRMASK, 4, 0);	/* b is untouched */
	free_vm(b);
	assert_int_equal(page_frees, 1);
	b3 = new_vm("b", 5);
	free_vm(b3);
}

/* A restart: registers reset, region, peer id and data kept. */
static void test_reset_keeps_region(void **state)
{
	struct vm *a = new_vm("a", 0), *b = new_vm("b", 1);

	enable_mem(b, 0);
	wr(b, BAR0_B0 + IVSHMEM_INTRMASK, 4, 0xff);
	wr(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4, 0x1);
	ivshmem_reset(b);
	enable_mem(b, 0);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRMASK, 4), 0);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4), 0);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_IVPOSITION, 4), 1);
	/* Still peer 1: a's doorbell reaches it, and raises its line again
	 * (the vGIC was reset with the device: the line starts low). */
	enable_mem(a, 0);
	wr(b, BAR0_B0 + IVSHMEM_INTRMASK, 4, 0xff);
	nlevels = 0;
	wr(a, BAR0_A0 + IVSHMEM_DOORBELL, 4, 1 << 16 | 3);
	assert_int_equal(nlevels, 1);
	assert_ptr_equal(levels[0].vm, b);
	assert_true(levels[0].level);
	assert_int_equal(rd(b, BAR0_B0 + IVSHMEM_INTRSTATUS, 4), 0x8);
	free_vm(a);
	free_vm(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_layout, setup),
		cmocka_unit_test_setup(test_header, setup),
		cmocka_unit_test_setup(test_absent_functions, setup),
		cmocka_unit_test_setup(test_config_widths, setup),
		cmocka_unit_test_setup(test_bar_sizing, setup),
		cmocka_unit_test_setup(test_command_and_line, setup),
		cmocka_unit_test_setup(test_registers, setup),
		cmocka_unit_test_setup(test_intx, setup),
		cmocka_unit_test_setup(test_doorbell_and_coalescing, setup),
		cmocka_unit_test_setup(test_doorbell_atomic, setup),
		cmocka_unit_test_setup(test_bad_doorbells, setup),
		cmocka_unit_test_setup(test_doorbell_to_absent_peer, setup),
		cmocka_unit_test_setup(test_region_lifetime, setup),
		cmocka_unit_test_setup(test_peer_id_exclusive, setup),
		cmocka_unit_test_setup(test_reset_keeps_region, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
