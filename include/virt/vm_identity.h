/*
 * Identity-mapped VM RAM (template `memory_at`): the VM's RAM sits at host
 * physical address = guest IPA, so a DMA master the VM owns (there is no
 * SMMU to translate) is programmed with addresses that are right.
 *
 * vm_ident_reserve() is pure: the host's regions and the other VMs' RAM
 * come in as a list, the page allocator through callbacks, so host unit
 * tests run it on a real allocator (tests/unit/test_vm_identity.c).
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

#endif
