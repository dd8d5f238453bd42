/*
 * `identity = yes`: where an identity-mapped VM's RAM goes (see
 * vm_ident_alloc() in include/virt/vm_identity.h for the policy). One scan
 * of the RAM banks in 2 MiB steps builds the runs of usable blocks and
 * keeps the best fit and, for the refusal, the largest one.
 */
#include <lib/errmsg.h>
#include <virt/vm_identity.h>
#include <zvm/errno.h>

#define PLACE_TRIES 3	/* the allocator is shared: a block may go meanwhile */

struct place_scan {
	u64 want;
	u64 best, best_size;		/* smallest run that fits, 0 size: none */
	u64 largest, largest_size;	/* for the refusal */
};

static bool in_region(const struct ident_region *rg, unsigned int n, paddr_t b)
{
	for (unsigned int i = 0; i < n; i++)
		if (rg[i].size && b < rg[i].base + rg[i].size && rg[i].base < b + VM_IDENT_BLOCK)
			return true;
	return false;
}

/* The run [s, e) of usable blocks has ended. Strictly smaller wins, so
 * the lowest run is kept among equals (banks come in address order). */
static void run_done(struct place_scan *ps, u64 s, u64 e)
{
	u64 len = e - s;

	if (len > ps->largest_size) {
		ps->largest = s;
		ps->largest_size = len;
	}
	if (len >= ps->want && (!ps->best_size || len < ps->best_size)) {
		ps->best = s;
		ps->best_size = len;
	}
}

static void scan_bank(const struct ident_pages *pg, const struct ident_region *rg,
		      unsigned int n, const struct ident_place *req, const struct mem_range *bk,
		      struct place_scan *ps)
{
	u64 b = bk->base > req->lo ? bk->base : req->lo;
	u64 end = bk->base + bk->size < req->hi ? bk->base + bk->size : req->hi;
	u64 s;

	b = (b + VM_IDENT_BLOCK - 1) & ~(VM_IDENT_BLOCK - 1);
	for (s = b; b < end && end - b >= VM_IDENT_BLOCK; b += VM_IDENT_BLOCK) {
		if (pg->block_free(pg->ctx, b) && !in_region(rg, n, b))
			continue;
		if (s < b)
			run_done(ps, s, b);
		s = b + VM_IDENT_BLOCK;
	}
	if (s < b)
		run_done(ps, s, b);
}

static int no_room(const struct place_scan *ps, char *err, size_t errlen)
{
	if (!ps->largest_size)
		return errmsg_set(err, errlen, -ENOMEM,
				  "identity = yes: no free 2 MiB-aligned range of 0x%llx bytes (%llu MiB) in host RAM; no 2 MiB block is free",
				  (unsigned long long)ps->want,
				  (unsigned long long)(ps->want >> 20));
	return errmsg_set(err, errlen, -ENOMEM,
			  "identity = yes: no free 2 MiB-aligned range of 0x%llx bytes (%llu MiB) in host RAM; the largest free block is 0x%llx bytes (%llu MiB) at 0x%llx",
			  (unsigned long long)ps->want, (unsigned long long)(ps->want >> 20),
			  (unsigned long long)ps->largest_size,
			  (unsigned long long)(ps->largest_size >> 20),
			  (unsigned long long)ps->largest);
}

/* Where the range would go now, or an error naming the largest block. */
static int place(const struct ident_pages *pg, const struct ident_region *rg, unsigned int n,
		 struct ident_place *req, char *err, size_t errlen)
{
	struct mem_range bk[PA_MAX_BANKS];
	struct place_scan ps = { .want = req->size };
	unsigned int nb = pg->banks(pg->ctx, bk, PA_MAX_BANKS);

	for (unsigned int i = 0; i < nb; i++)
		scan_bank(pg, rg, n, req, &bk[i], &ps);
	if (!ps.best_size)
		return no_room(&ps, err, errlen);
	req->base = ps.best;
	return 0;
}

int vm_ident_alloc(const struct ident_pages *pg, const struct ident_region *rg,
		   unsigned int n, struct ident_place *req, char *err, size_t errlen)
{
	int r = -EBUSY;

	if (!req->size || req->size % VM_IDENT_BLOCK)
		return errmsg_set(err, errlen, -EINVAL,
				  "identity = yes: memory 0x%llx is not a whole number of 2 MiB blocks",
				  (unsigned long long)req->size);
	for (int i = 0; i < PLACE_TRIES && r == -EBUSY; i++) {
		r = place(pg, rg, n, req, err, errlen);
		if (!r)
			r = vm_ident_reserve(pg, rg, n, req->base, req->size, err, errlen);
	}
	return r;
}
