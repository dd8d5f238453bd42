/* Unit tests of the stage-2 builder (virt/vmem.c): descriptors for RAM and
 * device memory, 2 MiB blocks where aligned and 4 KiB pages otherwise,
 * overlap and alignment refusals, guest RAM copies and their bounds, and
 * every table page and RAM block freed (tests/unit/vmem_stub.c counts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/mmu.h>
#include <kernel/mm.h>
#include <virt/vm.h>
#include <zvm/errno.h>

#include "vmem_stub.h"

#define MB (1024ULL * 1024)
#define D_VALID BIT_ULL(0)
#define D_TABLE BIT_ULL(1)		/* table at L1/L2, page at L3 */
#define D_ATTR (0xfULL << 2)
#define D_NORMAL_WB (0xfULL << 2)
#define D_DEVICE_NGNRE (0x1ULL << 2)
#define D_AP (3ULL << 6)
#define D_SH (3ULL << 8)
#define D_AF BIT_ULL(10)
#define D_XN BIT_ULL(54)
#define D_ADDR GENMASK(47, 12)

/* The descriptor mapping ipa and its level (0: unmapped), by a walk
 * independent of the code under test. */
static u64 lookup(struct vm *vm, u64 ipa, int *level)
{
	u64 *t = vm->s2_root;

	for (int l = 1; l <= 3; l++) {
		u64 e = t[(ipa >> (39 - 9 * l)) & 511];

		*level = l;
		if (!(e & D_VALID)) {
			*level = 0;
			return 0;
		}
		if (l == 3 || !(e & D_TABLE))
			return e;
		t = (u64 *)(e & D_ADDR);
	}
	return 0;
}

static struct vm *new_vm(u64 mem)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	assert_non_null(vm);
	vm->mem_size = mem;
	vm->ram_ipa = VM_RAM_IPA;
	vm->vmid = 7;
	return vm;
}

static int setup(void **state)
{
	stub_reset();
	*state = new_vm(8 * MB);
	return vmem_init(*state);
}

static int teardown(void **state)
{
	vmem_destroy(*state);
	free(*state);
	assert_int_equal(stub_outstanding(), 0);
	return 0;
}

static void test_ram_is_2m_normal_blocks(void **state)
{
	struct vm *vm = *state;
	int level;

	/* Root and one L2 table, four 2 MiB blocks, the block array. */
	assert_int_equal(stub.pages[0], 2);
	assert_int_equal(stub.pages[9], 4);
	assert_int_equal(vm->nr_ram_blocks, 4);
	for (u64 off = 0; off < 8 * MB; off += 2 * MB) {
		u64 e = lookup(vm, VM_RAM_IPA + off, &level);

		assert_int_equal(level, 2);
		assert_int_equal(e & (D_VALID | D_TABLE), D_VALID);
		assert_int_equal(e & D_ATTR, D_NORMAL_WB);
		assert_int_equal(e & (D_AP | D_SH | D_AF), D_AP | D_SH | D_AF);
		assert_int_equal(e & D_XN, 0);
		assert_int_equal(e & D_ADDR, vm->ram_blocks[off / (2 * MB)]);
		/* Zeroed before the guest gets it (the stub fills with 0xa5). */
		assert_int_equal(((u8 *)vm->ram_blocks[off / (2 * MB)])[4096], 0);
	}
	lookup(vm, VM_RAM_IPA + 8 * MB, &level);
	assert_int_equal(level, 0);
	lookup(vm, VM_RAM_IPA - PAGE_SIZE, &level);
	assert_int_equal(level, 0);
	lookup(vm, 0x09000000, &level);		/* emulated MMIO traps */
	assert_int_equal(level, 0);
}

/* An identity-mapped VM: its blocks come taken (vm.c), are mapped at its
 * own RAM base, zeroed, read and written there, and freed with the rest. */
static void test_identity_blocks(void **state)
{
	struct vm *vm = new_vm(4 * MB);
	u64 ipa = 0x80000000, word = 0x1122334455667788ULL, back = 0;
	int level;

	stub_reset();
	vm->ram_ipa = ipa;
	vm->identity = true;
	vm->ram_blocks = kzalloc(2 * sizeof(paddr_t));
	for (int i = 0; i < 2; i++)
		assert_int_equal(pages_alloc(9, &vm->ram_blocks[i]), 0);
	vm->nr_ram_blocks = 2;
	assert_int_equal(vmem_init(vm), 0);
	assert_int_equal(stub.pages[9], 2);	/* none allocated on top */
	for (u64 off = 0; off < 4 * MB; off += 2 * MB) {
		assert_int_equal(lookup(vm, ipa + off, &level) & D_ADDR,
				 vm->ram_blocks[off / (2 * MB)]);
		assert_int_equal(((u8 *)vm->ram_blocks[off / (2 * MB)])[8], 0);
	}
	lookup(vm, VM_RAM_IPA, &level);
	assert_int_equal(level, 0);		/* nothing at the usual base */
	assert_int_equal(vmem_write(vm, ipa + 2 * MB + 8, &word, 8), 0);
	assert_int_equal(vmem_read(vm, ipa + 2 * MB + 8, &back, 8), 0);
	assert_true(back == word);
	assert_int_equal(vmem_write(vm, VM_RAM_IPA, &word, 8), -EFAULT);
	vmem_destroy(vm);
	free(vm);
	assert_int_equal(stub_outstanding(), 0);
}

static void test_device_page(void **state)
{
	struct vm *vm = *state;
	int level;
	u64 e;

	assert_int_equal(vmem_map(vm, 0x09010000, 0x09010000, PAGE_SIZE, true), 0);
	e = lookup(vm, 0x09010000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(e & (D_VALID | D_TABLE), D_VALID | D_TABLE);
	assert_int_equal(e & D_ATTR, D_DEVICE_NGNRE);
	assert_int_equal(e & (D_AP | D_AF), D_AP | D_AF);
	assert_int_equal(e & D_XN, D_XN);
	assert_int_equal(e & D_ADDR, 0x09010000);
	lookup(vm, 0x09011000, &level);
	assert_int_equal(level, 0);
	lookup(vm, 0x0900f000, &level);
	assert_int_equal(level, 0);
}

/* Inter-VM shared memory: normal write-back inner-shareable like RAM, so
 * data accesses never trap, but execute-never; a bad type is refused. */
static void test_shared_pages(void **state)
{
	struct vm *vm = *state;
	int level;
	u64 e;

	assert_int_equal(vmem_map(vm, 0x10004000, 0x7ff00000, 2 * PAGE_SIZE, VMEM_SHARED), 0);
	for (u64 off = 0; off < 2 * PAGE_SIZE; off += PAGE_SIZE) {
		e = lookup(vm, 0x10004000 + off, &level);
		assert_int_equal(level, 3);
		assert_int_equal(e & D_ATTR, D_NORMAL_WB);
		assert_int_equal(e & (D_AP | D_SH | D_AF), D_AP | D_SH | D_AF);
		assert_int_equal(e & D_XN, D_XN);
		assert_int_equal(e & D_ADDR, 0x7ff00000 + off);
	}
	assert_int_equal(vmem_map(vm, 0x20000000, 0x7fe00000, PAGE_SIZE, (enum vmem_type)3),
			 -EINVAL);
	lookup(vm, 0x20000000, &level);
	assert_int_equal(level, 0);
}

static void test_blocks_where_aligned_pages_elsewhere(void **state)
{
	struct vm *vm = *state;
	u64 ipa = 0x80000000 - PAGE_SIZE, size = PAGE_SIZE + 2 * MB + PAGE_SIZE;
	int level;
	u64 e;

	assert_int_equal(vmem_map(vm, ipa, 0x100000000 - PAGE_SIZE, size, false), 0);
	e = lookup(vm, ipa, &level);
	assert_int_equal(level, 3);
	assert_int_equal(e & D_ADDR, 0x100000000 - PAGE_SIZE);
	e = lookup(vm, 0x80000000 + 4096, &level);
	assert_int_equal(level, 2);
	assert_int_equal(e & (D_VALID | D_TABLE), D_VALID);
	assert_int_equal(e & D_ADDR, 0x100000000);
	e = lookup(vm, 0x80200000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(e & D_ADDR, 0x100200000);
	lookup(vm, 0x80201000, &level);
	assert_int_equal(level, 0);

	/* IPA 2 MiB aligned but PA not: 512 pages, no block. */
	assert_int_equal(vmem_map(vm, 0xc0000000, 0x200001000, 2 * MB, false), 0);
	for (u64 off = 0; off < 2 * MB; off += PAGE_SIZE) {
		e = lookup(vm, 0xc0000000 + off, &level);
		assert_int_equal(level, 3);
		assert_int_equal(e & D_ADDR, 0x200001000 + off);
	}
}

static void test_overlap_refused(void **state)
{
	struct vm *vm = *state;
	int level;

	assert_int_equal(vmem_map(vm, 0x09010000, 0x09010000, PAGE_SIZE, true), 0);
	assert_int_equal(vmem_map(vm, 0x09010000, 0x09020000, PAGE_SIZE, true), -EEXIST);
	/* A block over a range that already has a page table. */
	assert_int_equal(vmem_map(vm, 0x08e00000, 0x08e00000, 2 * MB, true), 0);
	assert_int_equal(vmem_map(vm, 0x09000000, 0x09000000, 2 * MB, true), -EEXIST);
	/* A page inside guest RAM (a block). */
	assert_int_equal(vmem_map(vm, VM_RAM_IPA + PAGE_SIZE, 0x09000000, PAGE_SIZE, true),
			 -EEXIST);
	assert_int_equal(vmem_map(vm, VM_RAM_IPA, 0x09000000, 2 * MB, true), -EEXIST);
	/* The existing mappings are unchanged. */
	assert_int_equal(lookup(vm, 0x09010000, &level) & D_ADDR, 0x09010000);
	assert_int_equal(lookup(vm, VM_RAM_IPA, &level) & D_ADDR, vm->ram_blocks[0]);
}

static void test_alignment_and_range_checks(void **state)
{
	struct vm *vm = *state;
	unsigned int allocs = stub.allocs;

	assert_int_equal(vmem_map(vm, 0x09010800, 0x09010000, PAGE_SIZE, true), -EINVAL);
	assert_int_equal(vmem_map(vm, 0x09010000, 0x09010800, PAGE_SIZE, true), -EINVAL);
	assert_int_equal(vmem_map(vm, 0x09010000, 0x09010000, 100, true), -EINVAL);
	/* Beyond the 39-bit IPA space, and wrapping around. */
	assert_int_equal(vmem_map(vm, (1ULL << 39) - PAGE_SIZE, 0, 2 * PAGE_SIZE, false),
			 -EINVAL);
	assert_int_equal(vmem_map(vm, ~0ULL << 12, 0, 1ULL << 13, false), -EINVAL);
	assert_int_equal(stub.allocs, allocs);
	assert_int_equal(vmem_map(vm, (1ULL << 39) - PAGE_SIZE, 0, PAGE_SIZE, false), 0);
}

static void test_vm_size_checked(void **state)
{
	struct vm *vm = new_vm(0);

	stub_reset();
	assert_int_equal(vmem_init(vm), -EINVAL);
	vm->mem_size = 3 * MB;
	assert_int_equal(vmem_init(vm), -EINVAL);
	assert_int_equal(stub.allocs, 0);
	free(vm);
}

/*
 * `zvm new -m 8589934594M` (2^53 + 2 MiB bytes): the 2 MiB block count
 * used to wrap to 1 in an unsigned int, so vmem_init() succeeded with one
 * block while mem_size said 8 PiB, and the loader indexed ram_blocks[]
 * out of bounds. A size past the IPA space is refused before anything is
 * allocated; the largest one that fits is accepted (and tried: here the
 * first RAM block fails).
 */
static void test_huge_size_refused(void **state)
{
	static const u64 huge[] = { 8589934594ULL * MB, VM_RAM_MAX + 2 * MB, 1ULL << 39,
				    ALIGN_DOWN(~0ULL, 2 * MB) };
	struct vm *vm = new_vm(0);

	for (unsigned int i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		stub_reset();
		vm->mem_size = huge[i];
		assert_int_equal(vmem_init(vm), -EINVAL);
		assert_int_equal(stub.allocs, 0);
		assert_int_equal(stub.heap, 0);
		assert_null(vm->ram_blocks);
	}
	stub_reset();
	vm->mem_size = VM_RAM_MAX;
	stub.fail_at = 2;		/* the root table, then the first block */
	assert_int_equal(vmem_init(vm), -ENOMEM);
	assert_int_equal(stub.allocs, 1);
	assert_int_equal(stub_outstanding(), 0);
	free(vm);
}

static void test_copies_and_bounds(void **state)
{
	struct vm *vm = *state;
	u8 buf[64], back[64];
	u64 edge = VM_RAM_IPA + 2 * MB - 16;	/* spans blocks 0 and 1 */
	size_t avail;
	u8 *host;

	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i + 1);
	assert_int_equal(vmem_write(vm, edge, buf, sizeof(buf)), 0);
	assert_memory_equal((u8 *)vm->ram_blocks[0] + 2 * MB - 16, buf, 16);
	assert_memory_equal((u8 *)vm->ram_blocks[1], buf + 16, 48);
	assert_int_equal(vmem_read(vm, edge, back, sizeof(back)), 0);
	assert_memory_equal(back, buf, sizeof(buf));

	host = vmem_ipa_to_host(vm, edge, &avail);
	assert_ptr_equal(host, (u8 *)vm->ram_blocks[0] + 2 * MB - 16);
	assert_int_equal(avail, 16);
	assert_null(vmem_ipa_to_host(vm, VM_RAM_IPA + 8 * MB, NULL));
	assert_null(vmem_ipa_to_host(vm, VM_RAM_IPA - 1, NULL));

	assert_int_equal(vmem_write(vm, VM_RAM_IPA + 8 * MB - 4, buf, 4), 0);
	assert_int_equal(vmem_write(vm, VM_RAM_IPA + 8 * MB - 4, buf, 5), -EFAULT);
	assert_int_equal(vmem_read(vm, VM_RAM_IPA + 8 * MB, back, 1), -EFAULT);
	assert_int_equal(vmem_read(vm, VM_RAM_IPA - 1, back, 2), -EFAULT);
	assert_int_equal(vmem_read(vm, ~0ULL - 1, back, 4), -EFAULT);
	assert_int_equal(vmem_write(vm, VM_RAM_IPA, buf, 0), 0);

	vmem_clear(vm);
	assert_int_equal(vmem_read(vm, edge, back, sizeof(back)), 0);
	for (unsigned int i = 0; i < sizeof(back); i++)
		assert_int_equal(back[i], 0);
}

/* Before the first instruction: every RAM block cleaned to the PoC, in
 * full, then the I-caches invalidated (the guest starts with caches off). */
static void test_sync_for_guest_cleans_all_ram(void **state)
{
	struct vm *vm = *state;

	stub.nr_cleaned = stub.icache_invals = 0;
	vmem_sync_for_guest(vm);
	assert_int_equal(stub.nr_cleaned, vm->nr_ram_blocks);
	for (unsigned int i = 0; i < vm->nr_ram_blocks; i++) {
		assert_ptr_equal(stub.cleaned[i].p, (void *)vm->ram_blocks[i]);
		assert_int_equal(stub.cleaned[i].size, 2 * MB);
	}
	assert_int_equal(stub.icache_invals, 1);
}

static void test_destroy_frees_every_table(void **state)
{
	struct vm *vm = new_vm(4 * MB);

	stub_reset();
	assert_int_equal(vmem_init(vm), 0);
	/* Tables under several L1 and L2 entries. */
	assert_int_equal(vmem_map(vm, 0x09010000, 0x09010000, PAGE_SIZE, true), 0);
	assert_int_equal(vmem_map(vm, 0x0a000000, 0x0a000000, 3 * PAGE_SIZE, true), 0);
	assert_int_equal(vmem_map(vm, 0x80000000, 0x80000000, 2 * MB, false), 0);
	assert_int_equal(vmem_map(vm, 0x4000000000 - PAGE_SIZE, 0x1000, PAGE_SIZE, false), 0);
	/* root; L2 + two L3s for 0-1G; L2s for 1-2G and 2-3G; L2 + L3 at the top */
	assert_int_equal(stub.pages[0], 1 + 3 + 1 + 1 + 2);
	vmem_destroy(vm);
	assert_int_equal(stub.flushes, 1);
	assert_int_equal(stub.flushed_vmid, 7);
	assert_null(vm->s2_root);
	assert_null(vm->ram_blocks);
	assert_int_equal(vm->nr_ram_blocks, 0);
	assert_int_equal(stub_outstanding(), 0);
	assert_int_equal(stub.frees, stub.allocs);
	vmem_destroy(vm);			/* twice is harmless */
	assert_int_equal(stub.flushes, 1);
	free(vm);
}

static void test_out_of_memory_leaks_nothing(void **state)
{
	/* 4 MiB: root, L2, block, block; fail each allocation in turn. */
	for (int n = 1; n <= 4; n++) {
		struct vm *vm = new_vm(4 * MB);

		stub_reset();
		stub.fail_at = n;
		assert_int_equal(vmem_init(vm), -ENOMEM);
		assert_int_equal(stub_outstanding(), 0);
		assert_null(vm->s2_root);
		free(vm);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ram_is_2m_normal_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocks_where_aligned_pages_elsewhere, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_overlap_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alignment_and_range_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copies_and_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_for_guest_cleans_all_ram, setup, teardown),
		cmocka_unit_test(test_vm_size_checked),
		cmocka_unit_test(test_identity_blocks),
		cmocka_unit_test(test_huge_size_refused),
		cmocka_unit_test(test_destroy_frees_every_table),
		cmocka_unit_test(test_out_of_memory_leaks_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
