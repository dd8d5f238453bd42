/*
 * Unit tests of identity-mapped VM RAM reservation (virt/vm_identity.c)
 * against the real buddy allocator (kernel/page_alloc.c) over an arena:
 * conflicts with the host image, the pack, another VM's RAM and a device
 * window are named; pages the allocator has handed out, reserved pages
 * and addresses outside RAM are refused; a refusal takes nothing; the
 * range is free and can be reserved again after the VM is deleted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

static const struct ident_pages pages = { take, give, state, owner, &pa };

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_named_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocator_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_or_nothing_and_reuse, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
