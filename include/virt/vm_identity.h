/*
 * Identity-mapped VM RAM (template `memory_at`, or `identity = yes`): the
 * VM's RAM sits at host physical address = guest IPA, so a DMA master the
 * VM owns (there is no SMMU to translate) is programmed with addresses
 * that are right.
 *
 * vm_ident_reserve() and vm_ident_alloc() are pure: the host's regions and
 * the other VMs' RAM come in as a list, the page allocator through
 * callbacks, so host unit tests run them on a real allocator
 * (tests/unit/test_vm_identity.c, test_vm_ident_place.c).
 */
#ifndef VIRT_VM_IDENTITY_H
#define VIRT_VM_IDENTITY_H

#include <kernel/page_alloc.h>
#include <zvm/types.h>

#define VM_IDENT_BLOCK 0x200000ULL	/* taken in 2 MiB blocks (order 9) */
#define VM_IDENT_ORDER 9

/* Something identity RAM must not cover: the host image, the pack, the
 * host DTB, a device window (named by `what`), or another VM's RAM (what
 * NULL: named "vm <vm>'s RAM"). */
struct ident_region {
	u64 base, size;
	const char *what;
	unsigned int vm;
};

/* The page allocator, locked by the callee. */
struct ident_pages {
	int (*take)(void *ctx, paddr_t pa, unsigned int order);		/* pa_take() */
	void (*free)(void *ctx, paddr_t pa, unsigned int order);
	enum pa_page_state (*state)(void *ctx, paddr_t pa);
	/* Which VM holds an allocated page, or -1 (the host's own use). */
	int (*owner)(void *ctx, paddr_t pa);
	/* For vm_ident_alloc(): whether the 2 MiB block at pa is all free
	 * (pa_block_free()), and the RAM banks (pa_banks()). */
	bool (*block_free)(void *ctx, paddr_t pa);
	unsigned int (*banks)(void *ctx, struct mem_range *out, unsigned int max);
	void *ctx;
};

/*
 * Take [base, base + size) (2 MiB aligned, non-empty) block by block, after
 * checking it against the regions. Returns 0 with every block taken (the
 * caller frees them with pages_free(order 9)), or an error with nothing
 * taken and err naming what is in the way, e.g. "memory_at 0x48000000
 * +0x20000000 overlaps the image pack [0x48000000, 0x4a3c1000)" or
 * "memory_at ...: page 0x60000000 is vm 1's RAM".
 */
int vm_ident_reserve(const struct ident_pages *pg, const struct ident_region *rg,
		     unsigned int n, u64 base, u64 size, char *err, size_t errlen);

/* What vm_ident_alloc() places: size bytes (2 MiB multiple) inside the
 * window [lo, hi) (the guest's RAM IPA window); base is the answer. */
struct ident_place {
	u64 size, lo, hi;
	u64 base;
};

/*
 * `identity = yes`: find room for req->size bytes of RAM and take it like
 * vm_ident_reserve(). Candidates are runs of whole 2 MiB blocks (2 MiB
 * aligned: with IPA == PA, stage 2 can then map them with level-2 block
 * descriptors, whose output address holds only bits [47:21]; ARM ARM,
 * "Translation table descriptor formats", 4KB granule) that the allocator
 * has free and no region covers. Policy, best fit: the smallest run that
 * holds the size, the lowest one among equals, and the bottom of it; so a
 * larger free run is split only when nothing smaller fits and the largest
 * free block stays intact for the next identity VM whenever it can.
 * Returns 0 with req->base set, or an error with nothing taken, e.g.
 * "identity = yes: no free 2 MiB-aligned range of 0x10000000 bytes (256
 * MiB) in host RAM; the largest free block is 0x6000000 bytes (96 MiB) at
 * 0x4a000000".
 */
int vm_ident_alloc(const struct ident_pages *pg, const struct ident_region *rg,
		   unsigned int n, struct ident_place *req, char *err, size_t errlen);

#endif
