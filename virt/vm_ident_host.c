/*
 * Identity-mapped VM RAM on the host: what it must not cover (the host
 * image, the pack, the host DTB, other identity VMs' RAM) and the page
 * allocator, handed to vm_ident_reserve() (virt/vm_identity.c).
 */
#include <arch/mmu.h>
#include <kernel/mm.h>
#include <kernel/platform.h>
#include <virt/vm.h>
#include <virt/vm_identity.h>
#include <zvm/errno.h>

extern char _start[], _end[];

struct ident_ctx {
	struct vm *const *table;
	unsigned int n;
};

static int take(void *ctx, paddr_t pa, unsigned int order)
{
	return pages_take(pa, order);
}

static void give(void *ctx, paddr_t pa, unsigned int order)
{
	pages_free(pa, order);
}

static enum pa_page_state state(void *ctx, paddr_t pa)
{
	return pages_state(pa);
}

/* Which VM's RAM holds pa (the caller holds the VM table lock). */
static int owner(void *ctx, paddr_t pa)
{
	const struct ident_ctx *c = ctx;

	for (unsigned int i = 0; i < c->n; i++)
		for (u64 b = 0; c->table[i] && b < c->table[i]->nr_ram_blocks; b++)
			if (pa - c->table[i]->ram_blocks[b] < BLOCK_2M)
				return (int)c->table[i]->id;
	return -1;
}

static unsigned int host_regions(struct ident_region *r, const struct ident_ctx *c)
{
	unsigned int n = 0;

	r[n++] = (struct ident_region){ (paddr_t)_start, (u64)(_end - _start), "the host image", 0 };
	r[n++] = (struct ident_region){ plat.initrd_start, plat.initrd_end - plat.initrd_start,
					"the image pack", 0 };
	r[n++] = (struct ident_region){ (paddr_t)plat.dtb, plat.dtb_size, "the host device tree",
					0 };
	for (unsigned int i = 0; i < c->n; i++)
		if (c->table[i] && c->table[i]->identity)
			r[n++] = (struct ident_region){ c->table[i]->ram_ipa, c->table[i]->mem_size,
							NULL, c->table[i]->id };
	return n;
}

int vm_ident_take(struct vm *vm, struct vm *const *table, unsigned int n, char *err,
		  size_t errlen)
{
	struct ident_region rg[3 + VM_MAX];
	struct ident_ctx c = { table, n };
	const struct ident_pages pg = { take, give, state, owner, &c };
	u64 nb = vm->mem_size / BLOCK_2M;
	int r;

	vm->ram_blocks = kzalloc((size_t)nb * sizeof(paddr_t));
	if (!vm->ram_blocks)
		return -ENOMEM;
	r = vm_ident_reserve(&pg, rg, host_regions(rg, &c), vm->ram_ipa, vm->mem_size, err,
			     errlen);
	if (r)
		return r;
	for (u64 i = 0; i < nb; i++)
		vm->ram_blocks[i] = vm->ram_ipa + i * BLOCK_2M;
	vm->nr_ram_blocks = nb;
	return 0;
}
