/* virt/vm_limits.c: the bounds vm_create() puts on memory (2 MiB blocks,
 * the host's RAM, the IPA space), vCPU counts and where a vCPU at a given
 * priority may run, each at its maximum, one past it and far past it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/mmu.h>
#include <lib/pack_format.h>
#include <virt/vm.h>
#include <virt/vm_limits.h>
#include <zvm/errno.h>
#include <zvm/host_prio.h>

#define MB (1ULL << 20)
#define GB (1ULL << 30)
#define HOST_RAM (4 * GB - 5 * MB - 4096)	/* usable pages of a 4 GiB board */

static char err[256];

static void expect_ok(int r)
{
	if (r)
		fail_msg("refused (%d): %s", r, err);
}

static void expect_refused(int r, const char *msg)
{
	assert_int_equal(r, -EINVAL);
	if (strcmp(err, msg))
		fail_msg("message '%s', wanted '%s'", err, msg);
}

static void test_memory_blocks(void **state)
{
	expect_ok(vm_check_mem(BLOCK_2M, HOST_RAM, err, sizeof(err)));
	expect_refused(vm_check_mem(0, HOST_RAM, err, sizeof(err)),
		       "memory must be a multiple of 2 MiB (got 0 bytes)");
	expect_refused(vm_check_mem(3 * MB, HOST_RAM, err, sizeof(err)),
		       "memory must be a multiple of 2 MiB (got 3145728 bytes)");
	expect_refused(vm_check_mem(~0ULL, HOST_RAM, err, sizeof(err)),
		       "memory must be a multiple of 2 MiB (got 18446744073709551615 bytes)");
}

/* `zvm new -m 8589934594M` used to wrap the 2 MiB block count to 1. */
static void test_memory_bounded_by_host(void **state)
{
	u64 top = ALIGN_DOWN(HOST_RAM, BLOCK_2M);

	expect_ok(vm_check_mem(top, HOST_RAM, err, sizeof(err)));
	expect_refused(vm_check_mem(top + BLOCK_2M, HOST_RAM, err, sizeof(err)),
		       "memory 4092 MiB exceeds the host's 4090 MiB");
	expect_refused(vm_check_mem(8589934594ULL * MB, HOST_RAM, err, sizeof(err)),
		       "memory 8589934594 MiB exceeds the host's 4090 MiB");
	expect_refused(vm_check_mem(ALIGN_DOWN(~0ULL, BLOCK_2M), HOST_RAM, err, sizeof(err)),
		       "memory 17592186044414 MiB exceeds the host's 4090 MiB");
}

/* A host with more RAM than a VM can address: the IPA space bounds it. */
static void test_memory_bounded_by_ipa_space(void **state)
{
	u64 host = 1ULL << 40;

	assert_int_equal(VM_RAM_MAX, 511 * GB);
	assert_int_equal(PACK_MEM_MAX, VM_RAM_MAX);
	expect_ok(vm_check_mem(VM_RAM_MAX, host, err, sizeof(err)));
	expect_refused(vm_check_mem(VM_RAM_MAX + BLOCK_2M, host, err, sizeof(err)),
		       "memory 523266 MiB exceeds the 523264 MiB a VM can address");
	expect_refused(vm_check_mem(8589934594ULL * MB, ~0ULL, err, sizeof(err)),
		       "memory 8589934594 MiB exceeds the 523264 MiB a VM can address");
}

static void test_vcpus(void **state)
{
	expect_ok(vm_check_vcpus(1, err, sizeof(err)));
	expect_ok(vm_check_vcpus(VM_MAX_VCPUS, err, sizeof(err)));
	expect_refused(vm_check_vcpus(0, err, sizeof(err)), "vCPUs must be 1..8 (got 0)");
	expect_refused(vm_check_vcpus(VM_MAX_VCPUS + 1, err, sizeof(err)),
		       "vCPUs must be 1..8 (got 9)");
	expect_refused(vm_check_vcpus(~0U, err, sizeof(err)), "vCPUs must be 1..8 (got 4294967295)");
}

/* On the shell's pCPU a vCPU must stay below the shell and its helpers;
 * elsewhere any priority goes (the real-time VM runs at 2 on pCPU 1). */
static void test_placement(void **state)
{
	assert_int_equal(HOST_PRIO_RESERVED, 12);
	expect_ok(vm_check_placement(0, HOST_CPU, HOST_PRIO_RESERVED + 1, err, sizeof(err)));
	expect_ok(vm_check_placement(0, HOST_CPU, PACK_PRIO_MAX, err, sizeof(err)));
	expect_ok(vm_check_placement(0, 1, 0, err, sizeof(err)));
	expect_ok(vm_check_placement(7, 63, 2, err, sizeof(err)));
	expect_refused(vm_check_placement(0, HOST_CPU, HOST_PRIO_RESERVED, err, sizeof(err)),
		       "vCPU 0 would run on pCPU 0 at priority 12, above the host shell: "
		       "priorities 0..12 on pCPU 0 are the host's (use 13..30 or another pCPU)");
	expect_refused(vm_check_placement(3, HOST_CPU, 0, err, sizeof(err)),
		       "vCPU 3 would run on pCPU 0 at priority 0, above the host shell: "
		       "priorities 0..12 on pCPU 0 are the host's (use 13..30 or another pCPU)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_blocks),
		cmocka_unit_test(test_memory_bounded_by_host),
		cmocka_unit_test(test_memory_bounded_by_ipa_space),
		cmocka_unit_test(test_vcpus),
		cmocka_unit_test(test_placement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
