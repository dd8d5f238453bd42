/*
 * Unit tests for the buddy page allocator (kernel/page_alloc.c).
 *
 * "Physical" addresses are host addresses inside mmap'ed arenas. An
 * independent per-page model (usable / owned) checks every allocation:
 * inside a bank, clear of every reserved byte and of the metadata carve,
 * naturally aligned, never overlapping a live block. Tags written into the
 * blocks catch overlaps the model could miss (and metadata corruption).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <kernel/page_alloc.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define PG ((u64)PAGE_SIZE)

/* ---- Test environment: arena, allocator, model ------------------------- */

struct env {
	void *map;
	size_t maplen;
	paddr_t base;		/* arena start, aligned as asked */
	u64 npages;		/* arena pages */
	struct page_alloc pa;
	struct mem_range ram[PA_MAX_BANKS + 2], rsv[16];
	unsigned nram, nrsv;
	struct pa_stats init;	/* right after pa_init */
	u8 *init_meta;		/* the metadata carve right after pa_init */
	u8 *usable;		/* per arena page: may be handed out */
	u8 *owned;		/* per arena page: allocated (model) */
};

static struct env *env_new(u64 size, u64 align)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->maplen = size + align;
	e->map = mmap(NULL, e->maplen, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(e->map != MAP_FAILED);
	e->base = ALIGN_UP((paddr_t)(uintptr_t)e->map, align);
	e->npages = size / PG;
	return e;
}

static void env_free(struct env *e)
{
	munmap(e->map, e->maplen);
	free(e->init_meta);
	free(e->usable);
	free(e->owned);
	free(e);
}

/* RAM bank / reservation at an offset from the arena base. */
static void env_ram(struct env *e, u64 off, u64 size)
{
	e->ram[e->nram++] = (struct mem_range){ e->base + off, size };
}

static void env_rsv(struct env *e, u64 off, u64 size)
{
	e->rsv[e->nrsv++] = (struct mem_range){ e->base + off, size };
}

static bool overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* The model's idea of whether arena page p may ever be handed out. */
static bool page_usable(const struct env *e, u64 p)
{
	paddr_t a = e->base + p * PG;
	bool in_ram = false;

	for (unsigned i = 0; i < e->nram; i++)
		if (a >= e->ram[i].base && a + PG <= e->ram[i].base + e->ram[i].size)
			in_ram = true;
	for (unsigned i = 0; i < e->nrsv; i++)
		if (overlaps(a, PG, e->rsv[i].base, e->rsv[i].size))
			return false;
	return in_ram && !overlaps(a, PG, e->init.meta_base, e->init.meta_bytes);
}

static u64 env_init(struct env *e)
{
	u64 n = 0;

	assert_int_equal(pa_init(&e->pa, e->ram, e->nram, e->rsv, e->nrsv), 0);
	pa_get_stats(&e->pa, &e->init);
	e->init_meta = malloc(e->init.meta_bytes);
	memcpy(e->init_meta, (void *)(uintptr_t)e->init.meta_base, e->init.meta_bytes);
	e->usable = calloc(e->npages, 1);
	e->owned = calloc(e->npages, 1);
	for (u64 p = 0; p < e->npages; p++)
		n += e->usable[p] = page_usable(e, p);
	assert_int_equal(e->init.total_pages, n);
	assert_int_equal(e->init.free_pages, n);
	return n;
}

static void assert_stats_equal(const struct pa_stats *a, const struct pa_stats *b)
{
	assert_int_equal(a->total_pages, b->total_pages);
	assert_int_equal(a->free_pages, b->free_pages);
	for (unsigned k = 0; k < PA_NR_ORDERS; k++)
		assert_int_equal(a->free_blocks[k], b->free_blocks[k]);
	assert_int_equal(a->largest_free_order, b->largest_free_order);
	assert_int_equal(a->meta_base, b->meta_base);
	assert_int_equal(a->meta_bytes, b->meta_bytes);
}

/* State equal to `st` and metadata bytes equal to `meta`. */
static void assert_state(struct env *e, const struct pa_stats *st, const u8 *meta)
{
	struct pa_stats now;

	pa_get_stats(&e->pa, &now);
	assert_stats_equal(&now, st);
	assert_memory_equal((void *)(uintptr_t)st->meta_base, meta, st->meta_bytes);
}

/* Back to exactly the post-init state: every block merged back. */
static void assert_initial(struct env *e)
{
	assert_state(e, &e->init, e->init_meta);
}

/* Run `call`, expect `err` and no change at all (stats and metadata). */
#define assert_fails(e, call, err)                                                    \
	do {                                                                          \
		struct pa_stats st_;                                                  \
		u8 *meta_;                                                            \
		pa_get_stats(&(e)->pa, &st_);                                         \
		meta_ = malloc(st_.meta_bytes);                                       \
		memcpy(meta_, (void *)(uintptr_t)st_.meta_base, st_.meta_bytes);      \
		assert_int_equal((call), (err));                                      \
		assert_state((e), &st_, meta_);                                       \
		free(meta_);                                                          \
	} while (0)
#define assert_rejected(e, call) assert_fails(e, call, -EINVAL)

/* ---- Model bookkeeping for live blocks ------------------------------- */

static u64 page_index(const struct env *e, paddr_t a)
{
	assert_true(a >= e->base && a < e->base + e->npages * PG);
	return (a - e->base) / PG;
}

static u64 tag_of(paddr_t a)
{
	return a ^ 0x5a5aa5a5c3c33c3cULL;
}

/* A fresh allocation of npages at a: usable, not live, tagged. */
static void take_pages(struct env *e, paddr_t a, u64 npages)
{
	u64 p0 = page_index(e, a);

	assert_true(p0 + npages <= e->npages);
	for (u64 p = p0; p < p0 + npages; p++) {
		assert_true(e->usable[p]);
		assert_false(e->owned[p]);
		e->owned[p] = 1;
	}
	for (unsigned i = 0; i < e->nrsv; i++)
		assert_false(overlaps(a, npages * PG, e->rsv[i].base, e->rsv[i].size));
	*(u64 *)(uintptr_t)a = tag_of(a);
	*(u64 *)(uintptr_t)(a + npages * PG - 8) = tag_of(a);
}

static void drop_pages(struct env *e, paddr_t a, u64 npages)
{
	u64 p0 = page_index(e, a);

	assert_int_equal(*(u64 *)(uintptr_t)a, tag_of(a));
	assert_int_equal(*(u64 *)(uintptr_t)(a + npages * PG - 8), tag_of(a));
	for (u64 p = p0; p < p0 + npages; p++) {
		assert_true(e->owned[p]);
		e->owned[p] = 0;
	}
}

static paddr_t alloc_ok(struct env *e, unsigned order)
{
	paddr_t a = 0;

	assert_int_equal(pa_alloc(&e->pa, order, &a), 0);
	assert_true(IS_ALIGNED(a, PA_ORDER_BYTES(order)));
	take_pages(e, a, 1ULL << order);
	return a;
}

static void free_ok(struct env *e, paddr_t a, unsigned order)
{
	drop_pages(e, a, 1ULL << order);
	assert_int_equal(pa_free(&e->pa, a, order), 0);
}

/*
 * With eager merging, a failed order-k request means no naturally aligned
 * 2^k-page region is entirely usable and free in the model.
 */
static void assert_no_free_region(const struct env *e, unsigned k)
{
	u64 n = 1ULL << k, p = (ALIGN_UP(e->base, n * PG) - e->base) / PG;

	for (; p + n <= e->npages; p += n) {
		u64 i = 0;

		while (i < n && e->usable[p + i] && !e->owned[p + i])
			i++;
		assert_true(i < n);
	}
}

static int cmp_addr(const void *a, const void *b)
{
	paddr_t x = *(const paddr_t *)a, y = *(const paddr_t *)b;

	return x < y ? -1 : x > y;
}

/* Allocate every order-0 page; returns how many, sorted into out[]. */
static u64 alloc_all_pages(struct env *e, paddr_t *out, u64 max)
{
	u64 n = 0;
	paddr_t a;

	while (n < max && pa_alloc(&e->pa, 0, &a) == 0) {
		take_pages(e, a, 1);
		out[n++] = a;
	}
	qsort(out, n, sizeof(*out), cmp_addr);
	return n;
}

/* ---- Initialisation ---------------------------------------------------- */

static void test_init_errors(void **state)
{
	struct env *e = env_new(64 * MiB, 2 * MiB);
	struct mem_range r[PA_MAX_BANKS + 1], rs[2];
	struct page_alloc *pa = &e->pa;

	for (unsigned i = 0; i < ARRAY_SIZE(r); i++)
		r[i] = (struct mem_range){ e->base + i * MiB, MiB };
	assert_int_equal(pa_init(pa, r, PA_MAX_BANKS + 1, NULL, 0), -E2BIG);
	assert_int_equal(pa_init(pa, r, PA_MAX_BANKS, NULL, 0), 0);
	assert_int_equal(pa_init(pa, NULL, 0, NULL, 0), -ENOMEM);

	r[0] = (struct mem_range){ e->base, 2 * MiB };		/* overlap */
	assert_int_equal(pa_init(pa, r, 2, NULL, 0), -EINVAL);
	r[0] = (struct mem_range){ e->base, MiB + 0x800 };	/* overlap by less */
	assert_int_equal(pa_init(pa, r, 2, NULL, 0), -EINVAL);	/* than a page */
	r[0] = (struct mem_range){ ~0ULL - 0xfff, 0x2000 };		/* wraps */
	assert_int_equal(pa_init(pa, r, 1, NULL, 0), -EINVAL);
	r[0] = (struct mem_range){ PA_MAX_PHYS - PG, 2 * PG };	/* too high */
	assert_int_equal(pa_init(pa, r, 1, NULL, 0), -EINVAL);

	r[0] = (struct mem_range){ e->base + 0x10, PG };	/* trims to nothing */
	assert_int_equal(pa_init(pa, r, 1, NULL, 0), -ENOMEM);
	r[0] = (struct mem_range){ e->base, 4 * MiB };
	rs[0] = (struct mem_range){ e->base - 1, 4 * MiB + 2 };	/* all reserved */
	assert_int_equal(pa_init(pa, r, 1, rs, 1), -ENOMEM);

	/* 64 MiB needs several metadata pages; leave only 1-page gaps. */
	r[0] = (struct mem_range){ e->base, 64 * MiB };
	rs[0] = (struct mem_range){ e->base + PG, 4 * PG };
	rs[1] = (struct mem_range){ e->base + 6 * PG, 64 * MiB - 6 * PG };
	assert_int_equal(pa_init(pa, r, 1, rs, 2), -ENOMEM);
	env_free(e);
}

/*
 * Unsorted banks with unaligned edges, touching banks, a bank that trims
 * away, reservations that overlap, straddle bank edges and holes, lie
 * outside RAM, are empty or one byte long.
 */
static void test_banks_and_reserved(void **state)
{
	struct env *e = env_new(40 * MiB, 2 * MiB);
	static paddr_t pages[40 * MiB / PAGE_SIZE];
	u64 n, total;
	paddr_t a;

	env_ram(e, 24 * MiB, 8 * MiB);
	env_ram(e, 0x1800, 8 * MiB + 0x123 - 0x1800);
	env_ram(e, 12 * MiB, 4 * MiB);
	env_ram(e, 16 * MiB, 4 * MiB);
	env_ram(e, 36 * MiB + 0x800, 0x400);
	env_rsv(e, MiB, 0x3000);
	env_rsv(e, MiB + 0x2000, 0x10000);
	env_rsv(e, 8 * MiB - 0x1000 + 0x10, 4 * MiB + 0x5000);
	env_rsv(e, 16 * MiB - 0x1000, 0x2000);
	env_rsv(e, 21 * MiB, MiB);
	env_rsv(e, 26 * MiB, 0);
	env_rsv(e, 26 * MiB + 0x10, 1);
	env_rsv(e, 31 * MiB, 4 * MiB);
	env_rsv(e, 12 * MiB + 0x6000, 0x100);	/* one page after a run start */
	e->rsv[e->nrsv++] = (struct mem_range){ 0x1000, 0x1000 };
	total = env_init(e);
	assert_int_equal(e->init.nbanks, 3);	/* dropped one, joined two */

	n = alloc_all_pages(e, pages, ARRAY_SIZE(pages));
	assert_int_equal(n, total);
	assert_int_equal(pa_alloc(&e->pa, 0, &a), -ENOMEM);
	for (u64 i = 0; i < n; i++)
		free_ok(e, pages[i], 0);
	assert_initial(e);
	env_free(e);
}

/* A reservation running to the top of the address space (its page-rounded
 * end would overflow) and one that wraps around. */
static void test_reserve_to_top(void **state)
{
	struct env *e = env_new(4 * MiB, 2 * MiB);

	env_ram(e, 0, 4 * MiB);
	e->rsv[e->nrsv++] = (struct mem_range){ e->base + 2 * MiB, ~0ULL - e->base - 2 * MiB };
	e->rsv[e->nrsv++] = (struct mem_range){ ~0ULL - 0xfff, 0x2000 };
	assert_true(env_init(e) < 512);
	env_free(e);
}

/* Metadata goes to the smallest gap that holds it, so a 1 GiB block
 * survives, and order 18 is allocatable. */
static void test_order18(void **state)
{
	struct env *e = env_new(GiB + 8 * MiB, GiB);
	paddr_t a;

	env_ram(e, 0, GiB);
	env_ram(e, GiB + 2 * MiB, 4 * MiB);
	env_init(e);
	assert_int_equal(e->init.meta_base, e->base + GiB + 2 * MiB);
	assert_int_equal(e->init.largest_free_order, PA_MAX_ORDER);
	assert_int_equal(e->init.free_blocks[PA_MAX_ORDER], 1);
	a = alloc_ok(e, PA_MAX_ORDER);
	assert_int_equal(a, e->base);
	assert_true(pa_largest_free_order(&e->pa) < PA_MAX_ORDER);
	free_ok(e, a, PA_MAX_ORDER);
	assert_int_equal(pa_alloc_pages(&e->pa, 1ULL << PA_MAX_ORDER, &a), 0);
	assert_int_equal(pa_free_pages(&e->pa, a, 1ULL << PA_MAX_ORDER), 0);
	assert_initial(e);
	env_free(e);
}

/* ---- Taking a given block (identity-mapped VM RAM) ------------------ */

static void take_ok(struct env *e, paddr_t a, unsigned order)
{
	assert_int_equal(pa_take(&e->pa, a, order), 0);
	take_pages(e, a, 1ULL << order);
}

/* pa_block_free() (identity = yes placement) with block mid taken: only
 * whole free aligned blocks inside RAM; pa_banks() lists the one bank. */
static void check_block_free(struct env *e, paddr_t mid)
{
	struct mem_range bk[2];

	assert_false(pa_block_free(&e->pa, mid, 9));
	assert_true(pa_block_free(&e->pa, mid + 2 * MiB, 9));
	assert_true(pa_block_free(&e->pa, mid + 2 * MiB, 0));
	assert_false(pa_block_free(&e->pa, mid & ~(4 * MiB - 1), 10));	/* holds mid */
	assert_false(pa_block_free(&e->pa, e->base, 9));		/* reserved */
	assert_false(pa_block_free(&e->pa, e->base + 16 * MiB, 9));	/* not RAM */
	assert_false(pa_block_free(&e->pa, mid + 2 * MiB + PG, 9));	/* misaligned */
	assert_false(pa_block_free(&e->pa, mid, PA_MAX_ORDER + 1));
	assert_int_equal(pa_banks(&e->pa, bk, 2), 1);
	assert_int_equal(bk[0].base, e->base);
	assert_int_equal(bk[0].size, 16 * MiB);
	assert_int_equal(pa_banks(&e->pa, bk, 0), 0);
}

/* pa_take() gets exactly the block asked for, out of the middle of a big
 * free block; the halves it splits off stay allocatable; freeing merges
 * everything back. */
static void test_take(void **state)
{
	struct env *e = env_new(16 * MiB, 16 * MiB);
	paddr_t mid, a;

	env_ram(e, 0, 16 * MiB);
	env_rsv(e, 0, 2 * MiB);		/* "the host image" */
	env_init(e);
	mid = e->init.meta_base + e->init.meta_bytes > e->base + 10 * MiB ? e->base + 4 * MiB
									   : e->base + 10 * MiB;
	take_ok(e, mid, 9);
	assert_int_equal(pa_page_state(&e->pa, mid + 5 * PG), PA_PAGE_ALLOCATED);
	assert_int_equal(pa_page_state(&e->pa, e->base + PG), PA_PAGE_RESERVED);
	assert_int_equal(pa_page_state(&e->pa, e->base + 16 * MiB), PA_PAGE_NOT_RAM);
	assert_int_equal(pa_page_state(&e->pa, mid + 2 * MiB), PA_PAGE_FREE);
	check_block_free(e, mid);
	/* taken twice, reserved, outside RAM, misaligned: refused, no change */
	assert_fails(e, pa_take(&e->pa, mid, 9), -EBUSY);
	assert_fails(e, pa_take(&e->pa, mid + 4 * PG, 0), -EBUSY);
	assert_fails(e, pa_take(&e->pa, e->base, 9), -EBUSY);
	assert_rejected(e, pa_take(&e->pa, e->base + 16 * MiB, 9));
	assert_rejected(e, pa_take(&e->pa, mid + PG, 9));
	assert_rejected(e, pa_take(&e->pa, mid, PA_MAX_ORDER + 1));
	/* a page the allocator handed out is busy for pa_take() too */
	a = alloc_ok(e, 0);
	assert_fails(e, pa_take(&e->pa, a & ~(2 * MiB - 1), 9), -EBUSY);
	free_ok(e, a, 0);
	free_ok(e, mid, 9);
	assert_initial(e);
	/* freed: the same block can be taken again */
	take_ok(e, mid, 9);
	free_ok(e, mid, 9);
	assert_initial(e);
	env_free(e);
}

/* ---- Allocation behaviour ------------------------------------------------ */

static void test_order9_alignment(void **state)
{
	struct env *e = env_new(16 * MiB, 2 * MiB);
	paddr_t blk[8], a;
	unsigned n = 0;

	env_ram(e, PG, 16 * MiB - 2 * PG);	/* bank edges not 2 MiB aligned */
	env_init(e);
	while (n < ARRAY_SIZE(blk) && pa_alloc(&e->pa, 9, &a) == 0) {
		assert_true(IS_ALIGNED(a, 2 * MiB));
		take_pages(e, a, 512);
		blk[n++] = a;
	}
	assert_int_equal(n, 6);	/* 2 MiB .. 14 MiB: the fully covered slots */
	assert_no_free_region(e, 9);
	while (n)
		free_ok(e, blk[--n], 9);
	assert_initial(e);
	env_free(e);
}

static void test_fragmentation(void **state)
{
	struct env *e = env_new(4 * MiB, 2 * MiB);
	static paddr_t pages[4 * MiB / PAGE_SIZE];
	struct pa_stats st;
	u64 n, freed = 0;
	paddr_t a;

	env_ram(e, 0, 4 * MiB);
	env_init(e);
	n = alloc_all_pages(e, pages, ARRAY_SIZE(pages));
	assert_int_equal(n, e->init.total_pages);
	for (u64 i = 0; i < n; i += 2, freed++)
		free_ok(e, pages[i], 0);
	pa_get_stats(&e->pa, &st);
	assert_int_equal(st.free_pages, freed);
	assert_int_equal(st.free_blocks[0], freed);
	assert_int_equal(st.largest_free_order, 0);
	assert_fails(e, pa_alloc(&e->pa, 1, &a), -ENOMEM);
	for (u64 i = 1; i < n; i += 2)
		free_ok(e, pages[i], 0);
	a = alloc_ok(e, 1);
	free_ok(e, a, 1);
	assert_initial(e);
	env_free(e);
}

/* Within an order the lowest free address wins, whatever the free order. */
static void test_lowest_address_first(void **state)
{
	struct env *e = env_new(4 * MiB, 2 * MiB);
	static paddr_t pages[4 * MiB / PAGE_SIZE];
	u64 n;

	env_ram(e, 0, 4 * MiB);
	env_init(e);
	n = alloc_all_pages(e, pages, ARRAY_SIZE(pages));
	free_ok(e, pages[10], 0);
	free_ok(e, pages[6], 0);
	free_ok(e, pages[2], 0);
	assert_int_equal(alloc_ok(e, 0), pages[2]);
	assert_int_equal(alloc_ok(e, 0), pages[6]);
	assert_int_equal(alloc_ok(e, 0), pages[10]);
	for (u64 i = 0; i < n; i++)
		free_ok(e, pages[i], 0);
	assert_initial(e);
	env_free(e);
}

/*
 * 16K pages give the order-0 bitmap three levels (4096 pages per level-1
 * word): emptying one 4096-page group must clear its summary bit, or the
 * search would descend into an empty word.
 */
static void test_bitmap_levels(void **state)
{
	struct env *e = env_new(64 * MiB, 2 * MiB);
	static paddr_t pages[64 * MiB / PAGE_SIZE];
	paddr_t a;
	u64 n;

	env_ram(e, 0, 64 * MiB);
	env_init(e);
	n = alloc_all_pages(e, pages, ARRAY_SIZE(pages));
	free_ok(e, pages[10000], 0);
	free_ok(e, pages[100], 0);
	free_ok(e, pages[5000], 0);
	assert_int_equal(alloc_ok(e, 0), pages[100]);
	assert_int_equal(alloc_ok(e, 0), pages[5000]);
	assert_int_equal(alloc_ok(e, 0), pages[10000]);
	assert_fails(e, pa_alloc(&e->pa, 0, &a), -ENOMEM);
	for (u64 i = 0; i < n; i++)
		free_ok(e, pages[i], 0);
	assert_initial(e);
	env_free(e);
}

static void test_exhaustion(void **state)
{
	struct env *e = env_new(8 * MiB, 2 * MiB);
	paddr_t blk[64], a;
	unsigned n = 0;

	env_ram(e, 0, 8 * MiB);
	env_rsv(e, 3 * MiB, PG);
	env_init(e);
	assert_int_equal(pa_alloc(&e->pa, PA_MAX_ORDER + 1, &a), -EINVAL);
	while (n < ARRAY_SIZE(blk) && pa_alloc(&e->pa, 5, &a) == 0) {
		take_pages(e, a, 32);
		blk[n++] = a;
	}
	assert_no_free_region(e, 5);
	assert_fails(e, pa_alloc(&e->pa, 5, &a), -ENOMEM);
	assert_fails(e, pa_alloc(&e->pa, 9, &a), -ENOMEM);
	while (n)
		free_ok(e, blk[--n], 5);
	assert_initial(e);
	env_free(e);
}

/* A free page that was never handed out (model view). */
static paddr_t some_free_page(const struct env *e)
{
	for (u64 p = 0; p < e->npages; p++)
		if (e->usable[p] && !e->owned[p])
			return e->base + p * PG;
	fail();
	return 0;
}

static void test_bad_frees(void **state)
{
	struct env *e = env_new(8 * MiB, 2 * MiB);
	struct page_alloc *pa = &e->pa;
	paddr_t x;

	env_ram(e, MiB, 6 * MiB);
	env_rsv(e, 4 * MiB, 4 * PG);
	env_init(e);
	x = alloc_ok(e, 2);
	assert_rejected(e, pa_free(pa, x, 1));			/* wrong order */
	assert_rejected(e, pa_free(pa, x, 3));
	assert_rejected(e, pa_free(pa, x, PA_MAX_ORDER + 1));
	assert_rejected(e, pa_free(pa, x + PG, 0));		/* not the head */
	assert_rejected(e, pa_free(pa, x + 2 * PG, 1));
	assert_rejected(e, pa_free(pa, x + 8, 2));		/* misaligned */
	assert_rejected(e, pa_free(pa, e->base, 0));		/* outside RAM */
	assert_rejected(e, pa_free(pa, e->base + 7 * MiB, 0));
	assert_rejected(e, pa_free(pa, 0, 0));
	assert_rejected(e, pa_free(pa, ~0ULL & ~(PG - 1), 0));
	assert_rejected(e, pa_free(pa, e->base + 4 * MiB, 0));	/* reserved */
	assert_rejected(e, pa_free(pa, e->init.meta_base, 0));	/* metadata */
	assert_rejected(e, pa_free(pa, some_free_page(e), 0));	/* never allocated */
	free_ok(e, x, 2);
	assert_rejected(e, pa_free(pa, x, 2));			/* double free */
	assert_initial(e);
	env_free(e);
}

static void test_bad_run_frees(void **state)
{
	struct env *e = env_new(8 * MiB, 2 * MiB);
	struct page_alloc *pa = &e->pa;
	paddr_t r;

	env_ram(e, 0, 8 * MiB);
	env_init(e);
	assert_int_equal(pa_alloc_pages(pa, 7, &r), 0);		/* pieces 4+2+1 */
	assert_rejected(e, pa_free(pa, r, 2));
	assert_rejected(e, pa_free(pa, r + 6 * PG, 0));
	assert_rejected(e, pa_free_pages(pa, r, 4));
	assert_rejected(e, pa_free_pages(pa, r, 6));
	assert_rejected(e, pa_free_pages(pa, r, 8));
	assert_rejected(e, pa_free_pages(pa, r, 0));
	assert_rejected(e, pa_free_pages(pa, r + 4 * PG, 3));	/* mid-run */
	assert_rejected(e, pa_free_pages(pa, r + 6 * PG, 1));
	assert_int_equal(pa_free_pages(pa, r, 7), 0);
	assert_rejected(e, pa_free_pages(pa, r, 7));		/* double free */
	assert_initial(e);
	env_free(e);
}

static void test_alloc_pages(void **state)
{
	struct env *e = env_new(32 * MiB, 2 * MiB);
	struct { paddr_t a; u64 n; } runs[80];
	u64 used = 0;
	struct pa_stats st;
	paddr_t a;

	env_ram(e, 0, 32 * MiB);
	env_init(e);
	assert_int_equal(pa_alloc_pages(&e->pa, 0, &a), -EINVAL);
	assert_int_equal(pa_alloc_pages(&e->pa, (1ULL << PA_MAX_ORDER) + 1, &a), -EINVAL);
	for (u64 n = 1; n <= ARRAY_SIZE(runs); n++) {
		assert_int_equal(pa_alloc_pages(&e->pa, n, &a), 0);
		assert_true(IS_ALIGNED(a, PA_ORDER_BYTES(pa_order_for_pages(n))));
		take_pages(e, a, n);
		runs[n - 1].a = a;
		runs[n - 1].n = n;
		used += n;
		pa_get_stats(&e->pa, &st);
		assert_int_equal(st.free_pages, e->init.free_pages - used);	/* tail returned */
	}
	for (u64 i = ARRAY_SIZE(runs); i-- > 0;) {
		drop_pages(e, runs[i].a, runs[i].n);
		assert_int_equal(pa_free_pages(&e->pa, runs[i].a, runs[i].n), 0);
	}
	assert_initial(e);
	/* Power-of-two runs and plain blocks are interchangeable. */
	assert_int_equal(pa_alloc(&e->pa, 3, &a), 0);
	assert_int_equal(pa_free_pages(&e->pa, a, 8), 0);
	assert_int_equal(pa_alloc_pages(&e->pa, 8, &a), 0);
	assert_int_equal(pa_free(&e->pa, a, 3), 0);
	assert_initial(e);
	env_free(e);
}

static void test_order_for_pages(void **state)
{
	assert_int_equal(pa_order_for_pages(1), 0);
	assert_int_equal(pa_order_for_pages(2), 1);
	assert_int_equal(pa_order_for_pages(3), 2);
	assert_int_equal(pa_order_for_pages(512), 9);
	assert_int_equal(pa_order_for_pages(513), 10);
}

/* ---- Randomised stress against the model ------------------------------ */

struct live {
	paddr_t a;
	u64 npages;
	bool run;	/* from pa_alloc_pages() */
};

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void stress_check_stats(const struct env *e, u64 live_pages)
{
	struct pa_stats st;
	u64 sum = 0;
	int top = -1;

	pa_get_stats(&e->pa, &st);
	for (unsigned k = 0; k < PA_NR_ORDERS; k++) {
		sum += st.free_blocks[k] << k;
		if (st.free_blocks[k])
			top = (int)k;
	}
	assert_int_equal(st.free_pages, sum);
	assert_int_equal(st.free_pages, st.total_pages - live_pages);
	assert_int_equal(st.largest_free_order, top);
}

/* One allocation attempt; returns true when it succeeded into *l. */
static bool stress_alloc(struct env *e, struct live *l, u64 *nfail)
{
	bool run = rnd() % 4 == 0;
	unsigned order = (unsigned)__builtin_ctzll(rnd() | BIT_ULL(11));
	u64 n = run ? 1 + rnd() % 300 : 1ULL << order;
	int ret = run ? pa_alloc_pages(&e->pa, n, &l->a) : pa_alloc(&e->pa, order, &l->a);

	if (ret) {
		assert_int_equal(ret, -ENOMEM);
		if ((*nfail)++ % 4 == 0)
			assert_no_free_region(e, pa_order_for_pages(n));
		return false;
	}
	assert_true(IS_ALIGNED(l->a, PA_ORDER_BYTES(pa_order_for_pages(n))));
	take_pages(e, l->a, n);
	l->npages = n;
	l->run = run;
	return true;
}

static void stress_free(struct env *e, struct live *l)
{
	drop_pages(e, l->a, l->npages);
	if (l->run)
		assert_int_equal(pa_free_pages(&e->pa, l->a, l->npages), 0);
	else
		assert_int_equal(pa_free(&e->pa, l->a, pa_order_for_pages(l->npages)), 0);
}

static void test_stress(void **state)
{
	struct env *e = env_new(48 * MiB, 2 * MiB);
	static struct live live[2048];
	u64 nlive = 0, live_pages = 0, nfail = 0;

	env_ram(e, 0x3000, 15 * MiB + 0x800 - 0x3000);
	env_ram(e, 24 * MiB, 16 * MiB);
	env_ram(e, 16 * MiB, 8 * MiB);
	env_ram(e, 42 * MiB, 6 * MiB);
	env_rsv(e, 5 * MiB + 0x123, 0x40000);
	env_rsv(e, 5 * MiB + 0x20000, 0x80000);
	env_rsv(e, 15 * MiB, 2 * MiB);
	env_rsv(e, 30 * MiB, PG);
	env_rsv(e, 41 * MiB, 2 * PG);
	env_rsv(e, 47 * MiB, 4 * MiB);
	env_rsv(e, 17 * MiB + PG, PG);
	env_init(e);
	for (unsigned op = 0; op < 200000; op++) {
		if (nlive < ARRAY_SIZE(live) && (nlive == 0 || rnd() % 100 < 55)) {
			if (stress_alloc(e, &live[nlive], &nfail))
				live_pages += live[nlive++].npages;
		} else {
			u64 i = rnd() % nlive;

			stress_free(e, &live[i]);
			live_pages -= live[i].npages;
			live[i] = live[--nlive];
		}
		if (op % 512 == 0)
			stress_check_stats(e, live_pages);
	}
	assert_true(nfail > 0);	/* the run did reach exhaustion */
	while (nlive) {
		u64 i = rnd() % nlive;

		stress_free(e, &live[i]);
		live[i] = live[--nlive];
	}
	assert_initial(e);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_banks_and_reserved),
		cmocka_unit_test(test_reserve_to_top),
		cmocka_unit_test(test_order18),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_order9_alignment),
		cmocka_unit_test(test_fragmentation),
		cmocka_unit_test(test_lowest_address_first),
		cmocka_unit_test(test_bitmap_levels),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_bad_frees),
		cmocka_unit_test(test_bad_run_frees),
		cmocka_unit_test(test_alloc_pages),
		cmocka_unit_test(test_order_for_pages),
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
