/*
 * Physical page-frame allocator: a binary buddy system over the RAM banks
 * the device tree reports.
 *
 * Pure data structure: no locking, no printing, no arch calls. The caller
 * (kernel/mm.c) serialises every call with its own lock.
 *
 * Blocks: order k is 2^k pages (4 KiB .. 1 GiB for k = 0..18) and is always
 * naturally aligned to its size in the physical address space, so an
 * order-9 block is a 2 MiB aligned 2 MiB region (a stage-2 block mapping).
 *
 * Memory must be identity-accessible: the allocator keeps its metadata in a
 * region carved from the RAM it manages and accesses it through the
 * physical address. It never reads or writes free or allocated pages
 * themselves (no links in free pages), and never zeroes what it hands out.
 *
 * Metadata (carved at pa_init, see struct pa_stats.meta_*):
 *   - one byte per page of every bank (holes and reserved pages included):
 *     non-zero only on the first page of an allocated block, where it
 *     records the order; this is what lets pa_free() reject double frees,
 *     interior pages, wrong orders and reserved pages without side effects;
 *   - per order, a free bitmap (one bit per naturally aligned block that
 *     fits in a bank) with a 64-ary summary tree over it, so the lowest
 *     free block of an order is found with one count-trailing-zeros per
 *     tree level.
 *   Total is about 1.27 bytes per page (~0.03% of RAM: 1.3 MiB for 4 GiB),
 *   rounded up to whole pages, placed in the smallest usable gap of RAM that
 *   holds it (lowest address on ties), never overlapping a reserved range.
 *
 * Policy (deterministic, documented for reproducible benchmarks): pa_alloc
 * takes the smallest order that has a free block, and within it the block
 * with the lowest address; the lower half is kept when splitting. Frees merge
 * with buddies eagerly. All operations are O(orders x tree depth): bounded,
 * independent of how much is allocated.
 */
#ifndef KERNEL_PAGE_ALLOC_H
#define KERNEL_PAGE_ALLOC_H

#include <zvm/types.h>

#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#endif

#define PA_MAX_ORDER 18			/* 2^18 pages = 1 GiB */
#define PA_NR_ORDERS (PA_MAX_ORDER + 1)
#define PA_MAX_BANKS 8
#define PA_MAX_PHYS (1ULL << 48)	/* banks must end at or below this */
#define PA_BM_LEVELS 6			/* 64^6 bits >= pages below PA_MAX_PHYS */

#define PA_ORDER_BYTES(order) ((u64)PAGE_SIZE << (order))

struct mem_range {
	paddr_t base;
	u64 size;
};

/* Free bitmap of one order plus its summary levels: bit i of level l+1 is
 * set iff word i of level l is non-zero. level[nlevels-1] is a single word. */
struct pa_bitmap {
	u64 *level[PA_BM_LEVELS];
	unsigned nlevels;
};

/* One RAM bank after trimming to whole pages. Blocks of order k that lie
 * inside the bank are numbered blk_first[k] .. blk_first[k]+nblk[k]-1 by
 * (address >> (PAGE_SHIFT + k)); in the order-k bitmap they start at bit
 * blk_off[k] (banks are concatenated in address order). */
struct pa_bank {
	paddr_t base, end;
	u64 page_off;			/* index of the first page in meta[] */
	u64 blk_first[PA_NR_ORDERS];
	u64 nblk[PA_NR_ORDERS];
	u64 blk_off[PA_NR_ORDERS];
};

struct page_alloc {
	struct pa_bank bank[PA_MAX_BANKS];	/* sorted by address */
	unsigned nbanks;
	u8 *meta;				/* one byte per bank page */
	paddr_t meta_base;
	u64 meta_bytes;				/* page-rounded size of the carve */
	struct pa_bitmap free_map[PA_NR_ORDERS];
	u64 nfree[PA_NR_ORDERS];		/* free blocks per order */
	u64 total_pages;			/* managed: free + allocated */
	u64 free_pages;
};

struct pa_stats {
	u64 total_pages;	/* usable pages: RAM minus reserved minus metadata */
	u64 free_pages;
	u64 free_blocks[PA_NR_ORDERS];
	int largest_free_order;	/* -1 when nothing is free */
	unsigned nbanks;
	paddr_t meta_base;	/* where the metadata was carved */
	u64 meta_bytes;
};

/*
 * Build the allocator over `nram` RAM banks (any order, at most
 * PA_MAX_BANKS; edges trimmed inwards to whole pages, banks that trim to
 * nothing are ignored) minus `nrsv` reserved ranges (widened outwards to
 * whole pages; they may overlap each other, straddle bank edges or lie
 * outside RAM; `reserved` may be NULL when nrsv is 0).
 * Banks that touch after sorting are joined, so blocks may span them.
 * Returns 0, -E2BIG (more than PA_MAX_BANKS banks), -EINVAL (overlapping
 * banks, a bank that wraps or ends above PA_MAX_PHYS), -ENOMEM (no usable
 * RAM, or no gap large enough for the metadata).
 */
int pa_init(struct page_alloc *pa, const struct mem_range *ram, unsigned nram,
	    const struct mem_range *reserved, unsigned nrsv);

/* Allocate one naturally aligned block of 2^order pages into *out.
 * Returns 0, -EINVAL (order > PA_MAX_ORDER) or -ENOMEM (state unchanged). */
int pa_alloc(struct page_alloc *pa, unsigned order, paddr_t *out);

/* Free a block obtained from pa_alloc() with the same order. Returns 0, or
 * -EINVAL without changing anything when addr is not the start of an
 * allocated block of exactly that order (double free, interior page, wrong
 * order, reserved page, outside RAM, misaligned). */
int pa_free(struct page_alloc *pa, paddr_t addr, unsigned order);

/*
 * Allocate `npages` contiguous pages. The start is aligned to the next power
 * of two >= npages (it is carved from a block of that order) and the unused
 * tail is given back immediately, so at most npages pages are consumed.
 * Internally the run is held as one allocated block per set bit of npages,
 * largest first, each tagged with its position in the run. Free it only
 * with pa_free_pages(), the same address and the same npages (anything else
 * is rejected). When npages is a power of two the run is a plain block, so
 * pa_alloc(k) / pa_free_pages(1 << k) and the reverse pairing also work.
 * Returns 0, -EINVAL (npages 0 or above 2^PA_MAX_ORDER) or -ENOMEM.
 */
int pa_alloc_pages(struct page_alloc *pa, u64 npages, paddr_t *out);

/* Free a run from pa_alloc_pages(). Returns 0 or -EINVAL; every piece is
 * checked before anything is freed, so a bad call (wrong npages, not the
 * start of a run, double free) changes nothing. */
int pa_free_pages(struct page_alloc *pa, paddr_t addr, u64 npages);

/*
 * Allocate exactly the block of 2^order pages at addr (naturally aligned),
 * splitting the free block that holds it; free it with pa_free(). For
 * memory that must sit at a given physical address (identity-mapped VMs).
 * Returns 0, -EINVAL (bad order or alignment, not inside one bank) or
 * -EBUSY when any page of it is not free (state unchanged).
 */
int pa_take(struct page_alloc *pa, paddr_t addr, unsigned order);

/* Whether the whole naturally aligned block of 2^order pages at addr is
 * free (pa_take() would succeed): false when misaligned or not in RAM. */
bool pa_block_free(struct page_alloc *pa, paddr_t addr, unsigned order);

/* The RAM banks as managed (trimmed to pages, touching banks joined, in
 * address order; reserved ranges inside them included): at most max into
 * out, returns how many. */
unsigned pa_banks(const struct page_alloc *pa, struct mem_range *out, unsigned max);

/* What the page at addr is, to name what is in the way of pa_take(). */
enum pa_page_state {
	PA_PAGE_NOT_RAM,	/* outside every bank */
	PA_PAGE_FREE,
	PA_PAGE_ALLOCATED,	/* inside an allocated block */
	PA_PAGE_RESERVED,	/* a reserved range or the metadata carve */
};
enum pa_page_state pa_page_state(struct page_alloc *pa, paddr_t addr);

void pa_get_stats(const struct page_alloc *pa, struct pa_stats *st);

/* Highest order with a free block, -1 when nothing is free. */
int pa_largest_free_order(const struct page_alloc *pa);

/* Smallest order whose block holds npages pages (npages >= 1). */
unsigned pa_order_for_pages(u64 npages);

#endif
