/*
 * Unit tests of identity-mapped VM RAM reservation (virt/vm_identity.c)
 * against the real buddy allocator (kernel/page_alloc.c) over an arena:
 * conflicts with the host image, the pack, another VM's RAM and a device
 * window are named; pages the allocator has handed out, reserved pages
 * and addresses outside RAM are refused; a refusal takes nothing; the
 * range is free and can be reserved again after the VM is deleted.
 * Placement (identity = yes, virt/vm_ident_place.c): best fit over the
 * allocator's free 2 MiB blocks, 2 MiB alignment inside the window, the
 * regions avoided, the refusal naming the size and the largest free
 * block, the range reused after a delete.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <virt/vm_identity.h>
#include <zvm/errno.h>

#define MiB 0x100000ULL
#define ARENA (64 * MiB)

static struct page_alloc pa;
static void *map;
static paddr_t base;		/* arena start: "host RAM" at 64 MiB alignment */
static int owner_vm = -1;	/* what the owner callback says */
static char err[256];

static int take(void *ctx, paddr_t p, unsigned int order)
{
	return pa_take(ctx, p, order);
}

static void give(void *ctx, paddr_t p, unsigned int order)
{
	assert_int_equal(pa_free(ctx, p, order), 0);
}

static enum pa_page_state state(void *ctx, paddr_t p)
{
	return pa_page_state(ctx, p);
}

static int owner(void *ctx, paddr_t p)
{
	return owner_vm;
}

static bool block_free(void *ctx, paddr_t p)
{
	return pa_block_free(ctx, p, VM_IDENT_ORDER);
}

static unsigned int banks(void *ctx, struct mem_range *out, unsigned int max)
{
	return pa_banks(ctx, out, max);
}

static const struct ident_pages pages = {
	.take = take, .free = give, .state = state, .owner = owner,
	.block_free = block_free, .banks = banks, .ctx = &pa,
};

/* RAM: the arena but its last 8 MiB (a "device window" beyond RAM); the
 * first 2 MiB are reserved at init, like firmware. */
static int setup(void **state_)
{
	struct mem_range ram = { 0, ARENA - 8 * MiB }, rsv = { 0, 2 * MiB };

	map = mmap(NULL, 2 * ARENA, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(map != MAP_FAILED);
	base = ((paddr_t)(uintptr_t)map + ARENA - 1) & ~(ARENA - 1);
	ram.base = base;
	rsv.base = base;
	assert_int_equal(pa_init(&pa, &ram, 1, &rsv, 1), 0);
	owner_vm = -1;
	return 0;
}

static int teardown(void **state_)
{
	munmap(map, 2 * ARENA);
	return 0;
}

static u64 free_pages(void)
{
	struct pa_stats st;

	pa_get_stats(&pa, &st);
	return st.free_pages;
}

static void expect(int r, int want, const char *needle)
{
	assert_int_equal(r, want);
	if (!strstr(err, needle))
		fail_msg("message '%s' lacks '%s'", err, needle);
}

static void release(u64 at, u64 size)
{
	for (u64 o = 0; o < size; o += VM_IDENT_BLOCK)
		give(&pa, at + o, VM_IDENT_ORDER);
}

static void test_named_conflicts(void **state_)
{
	const struct ident_region rg[] = {
		{ base + 2 * MiB, 2 * MiB, "the host image", 0 },
		{ base + 8 * MiB, 4 * MiB, "the image pack", 0 },
		{ base + 16 * MiB, 8 * MiB, NULL, 3 },
		{ base + 30 * MiB, 0x1000, "device 0x9010000+0x1000 of vm 1", 0 },
	};
	u64 before = free_pages();

	expect(vm_ident_reserve(&pages, rg, 4, base + 2 * MiB, 4 * MiB, err, sizeof(err)),
	       -EBUSY, "overlaps the host image [");
	expect(vm_ident_reserve(&pages, rg, 4, base + 4 * MiB, 6 * MiB, err, sizeof(err)),
	       -EBUSY, "overlaps the image pack [");
	expect(vm_ident_reserve(&pages, rg, 4, base + 22 * MiB, 4 * MiB, err, sizeof(err)),
	       -EBUSY, "overlaps vm 3's RAM");
	expect(vm_ident_reserve(&pages, rg, 4, base + 28 * MiB, 4 * MiB, err, sizeof(err)),
	       -EBUSY, "overlaps device 0x9010000+0x1000 of vm 1 [");
	assert_int_equal(free_pages(), before);	/* nothing taken */
	assert_int_equal(vm_ident_reserve(&pages, rg, 4, base + 24 * MiB, 6 * MiB, err,
					  sizeof(err)), 0);
	release(base + 24 * MiB, 6 * MiB);
	assert_int_equal(free_pages(), before);
}

static void test_allocator_conflicts(void **state_)
{
	u64 before = free_pages();
	paddr_t p;

	expect(vm_ident_reserve(&pages, NULL, 0, base, 4 * MiB, err, sizeof(err)), -EBUSY,
	       "is reserved by the host");
	expect(vm_ident_reserve(&pages, NULL, 0, base + 52 * MiB, 8 * MiB, err, sizeof(err)),
	       -EINVAL, ": 0x");
	assert_non_null(strstr(err, "is not host RAM (a device window or a hole)"));
	/* a block the allocator handed out: the host's heap, or a VM's RAM */
	assert_int_equal(pa_alloc(&pa, 9, &p), 0);
	expect(vm_ident_reserve(&pages, NULL, 0, p, 4 * MiB, err, sizeof(err)), -EBUSY,
	       "is in use by the host");
	owner_vm = 2;
	expect(vm_ident_reserve(&pages, NULL, 0, p, 2 * MiB, err, sizeof(err)), -EBUSY,
	       "is vm 2's RAM");
	assert_int_equal(pa_free(&pa, p, 9), 0);
	expect(vm_ident_reserve(&pages, NULL, 0, base + MiB, 2 * MiB, err, sizeof(err)), -EINVAL,
	       "is not a 2 MiB aligned range");
	assert_int_equal(free_pages(), before);
}

/* All or nothing: a range whose last block is busy takes no block. */
static void test_all_or_nothing_and_reuse(void **state_)
{
	u64 before = free_pages();
	paddr_t p;

	assert_int_equal(pa_take(&pa, base + 40 * MiB, 0), 0);	/* a page in the 4th block */
	expect(vm_ident_reserve(&pages, NULL, 0, base + 34 * MiB, 8 * MiB, err, sizeof(err)),
	       -EBUSY, "page 0x");
	assert_int_equal(free_pages(), before - 1);
	assert_int_equal(pa_free(&pa, base + 40 * MiB, 0), 0);
	/* a VM's RAM, then a second VM on the same range, then after delete */
	assert_int_equal(vm_ident_reserve(&pages, NULL, 0, base + 34 * MiB, 8 * MiB, err,
					  sizeof(err)), 0);
	assert_int_equal(free_pages(), before - 8 * MiB / PAGE_SIZE);
	expect(vm_ident_reserve(&pages, NULL, 0, base + 40 * MiB, 4 * MiB, err, sizeof(err)),
	       -EBUSY, "page 0x");
	assert_int_not_equal(pa_alloc(&pa, 9, &p) == 0 && p >= base + 34 * MiB &&
			     p < base + 42 * MiB, 1);	/* never handed out meanwhile */
	release(base + 34 * MiB, 8 * MiB);
	assert_int_equal(pa_free(&pa, p, 9), 0);
	assert_int_equal(free_pages(), before);
	assert_int_equal(vm_ident_reserve(&pages, NULL, 0, base + 40 * MiB, 4 * MiB, err,
					  sizeof(err)), 0);
	release(base + 40 * MiB, 4 * MiB);
	assert_int_equal(free_pages(), before);
}

/* ---- identity = yes: placement ---------------------------------------- */

#define WHOLE { 0, 0, ~0ULL, 0 }	/* size, no window limits, base */

static u64 alloc(const struct ident_region *rg, unsigned int n, u64 size)
{
	struct ident_place req = WHOLE;

	req.size = size;
	if (vm_ident_alloc(&pages, rg, n, &req, err, sizeof(err)))
		fail_msg("vm_ident_alloc(%#llx): %s", (unsigned long long)size, err);
	return req.base - base;
}

/* Free runs in MiB from base (RAM is [2, 56); the allocator's metadata
 * sits in the block at 2): [4, 16) 12, [18, 24) 6, [26, 56) 30, split by
 * blocks the host holds at 16 and 24. */
static void hold_two_blocks(void)
{
	assert_int_equal(pa_take(&pa, base + 16 * MiB, 9), 0);
	assert_int_equal(pa_take(&pa, base + 24 * MiB, 9), 0);
}

/* Best fit: the smallest run that holds it (first fit would take the
 * run at 4), its bottom; the 30 MiB run stays whole until only it fits. */
static void test_place_best_fit(void **state_)
{
	hold_two_blocks();
	assert_int_equal(alloc(NULL, 0, 4 * MiB), 18 * MiB);
	assert_int_equal(alloc(NULL, 0, 2 * MiB), 22 * MiB);	/* [22, 24) is left */
	assert_int_equal(alloc(NULL, 0, 8 * MiB), 4 * MiB);
	assert_int_equal(alloc(NULL, 0, 4 * MiB), 12 * MiB);	/* [12, 16), exact */
	assert_int_equal(alloc(NULL, 0, 16 * MiB), 26 * MiB);	/* only the big one */
	assert_true(pa_block_free(&pa, base + 42 * MiB, 9));	/* the rest: [42, 56) */
}

/* Equal runs: the lowest. A window: only inside it, 2 MiB aligned. */
static void test_place_ties_and_window(void **state_)
{
	struct ident_place req = { 4 * MiB, 0, 0, 0 };

	assert_int_equal(pa_take(&pa, base + 10 * MiB, 9), 0);	/* [4, 10) and [12, 18) */
	assert_int_equal(pa_take(&pa, base + 18 * MiB, 9), 0);
	assert_int_equal(alloc(NULL, 0, 6 * MiB), 4 * MiB);
	assert_int_equal(alloc(NULL, 0, 6 * MiB), 12 * MiB);
	req.lo = base + 41 * MiB;	/* not a block boundary: from 42 */
	req.hi = base + 50 * MiB;
	assert_int_equal(vm_ident_alloc(&pages, NULL, 0, &req, err, sizeof(err)), 0);
	assert_int_equal(req.base, base + 42 * MiB);
	req.lo = base + 50 * MiB;
	req.hi = base + 53 * MiB;	/* one whole block only */
	expect(vm_ident_alloc(&pages, NULL, 0, &req, err, sizeof(err)), -ENOMEM,
	       "the largest free block is 0x200000 bytes (2 MiB) at 0x");
	req.size = 3 * MiB;
	expect(vm_ident_alloc(&pages, NULL, 0, &req, err, sizeof(err)), -EINVAL,
	       "identity = yes: memory 0x300000 is not a whole number of 2 MiB blocks");
}

/* The host image, the pack (its last page enough to lose the block), a
 * memory_at VM's RAM, a memory_at template's range: never placed on. */
static void test_place_avoids_regions(void **state_)
{
	const struct ident_region rg[] = {
		{ base + 2 * MiB, 2 * MiB, "the host image", 0 },
		{ base + 8 * MiB, 4 * MiB + 0x1000, "the image pack", 0 },
		{ base + 20 * MiB, 10 * MiB, NULL, 3 },
		{ base + 36 * MiB, 12 * MiB, "linux", 0 },
	};
	/* Left: [4, 8) 4, [14, 20) 6, [30, 36) 6, [48, 56) 8. */
	assert_int_equal(alloc(rg, 4, 6 * MiB), 14 * MiB);
	assert_int_equal(alloc(rg, 4, 6 * MiB), 30 * MiB);
	assert_int_equal(alloc(rg, 4, 4 * MiB), 4 * MiB);
	assert_int_equal(alloc(rg, 4, 8 * MiB), 48 * MiB);
	assert_false(pa_block_free(&pa, base + 54 * MiB, 9));
}

/* No room: the size asked and the largest free block, nothing taken. */
static void test_place_refused(void **state_)
{
	struct ident_place req = WHOLE;
	char want[160];
	u64 before;

	hold_two_blocks();
	before = free_pages();
	req.size = 32 * MiB;
	snprintf(want, sizeof(want),
		 "identity = yes: no free 2 MiB-aligned range of 0x2000000 bytes (32 MiB) in host RAM; the largest free block is 0x1e00000 bytes (30 MiB) at %#llx",
		 (unsigned long long)(base + 26 * MiB));
	expect(vm_ident_alloc(&pages, NULL, 0, &req, err, sizeof(err)), -ENOMEM, want);
	assert_int_equal(free_pages(), before);
	assert_int_equal(alloc(NULL, 0, 30 * MiB), 26 * MiB);
	assert_int_equal(alloc(NULL, 0, 12 * MiB), 4 * MiB);
	assert_int_equal(alloc(NULL, 0, 6 * MiB), 18 * MiB);
	expect(vm_ident_alloc(&pages, NULL, 0, &req, err, sizeof(err)), -ENOMEM,
	       "(32 MiB) in host RAM; no 2 MiB block is free");
}

/* A delete frees the range (vmem_destroy() gives the blocks back): the
 * next identity VM of that size gets it again. */
static void test_place_reused_after_delete(void **state_)
{
	u64 before, a, b;

	hold_two_blocks();
	before = free_pages();
	a = alloc(NULL, 0, 6 * MiB);
	b = alloc(NULL, 0, 12 * MiB);
	assert_int_equal(a, 18 * MiB);
	assert_int_equal(b, 4 * MiB);
	assert_int_equal(free_pages(), before - 18 * MiB / PAGE_SIZE);
	release(base + a, 6 * MiB);
	assert_int_equal(alloc(NULL, 0, 6 * MiB), a);
	release(base + a, 6 * MiB);
	release(base + b, 12 * MiB);
	assert_int_equal(free_pages(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_named_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocator_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_or_nothing_and_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_best_fit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_ties_and_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_avoids_regions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_reused_after_delete, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
