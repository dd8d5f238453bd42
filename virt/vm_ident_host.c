/*
 * Identity-mapped VM RAM on the host: what it must not cover (the host
 * image, the pack, the host DTB, other identity VMs' RAM; when placing,
 * also the pack's memory_at ranges) and the page allocator, handed to
 * vm_ident_reserve() (virt/vm_identity.c) or vm_ident_alloc()
 * (virt/vm_ident_place.c).
 */
#include <arch/mmu.h>
#include <kernel/mm.h>
#include <kernel/platform.h>
#include <lib/pack.h>
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

static bool block_free(void *ctx, paddr_t pa)
{
	return pages_block_free(pa, VM_IDENT_ORDER);
}

static unsigned int banks(void *ctx, struct mem_range *out, unsigned int max)
{
	return pages_banks(out, max);
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

/* Placing identity = yes RAM: nor on a range a memory_at template of the
 * pack asks for, so that template can still be created (at boot, autostart
 * templates start in pack order, whichever kind comes first). The names
 * point into the pack, which outlives the call. */
static unsigned int pack_ram_regions(struct ident_region *r, unsigned int n,
				     const struct pack *pk)
{
	struct pack_template t;

	for (u32 i = 0; i < pack_template_count(pk) && i < PACK_MAX_TEMPLATES; i++)
		if (!pack_get_template(pk, i, &t) && t.ram_base)
			r[n++] = (struct ident_region){ t.ram_base, t.mem_size, t.name, 0 };
	return n;
}

/* The RAM range: the template's memory_at, or one placed now (which
 * becomes vm->ram_ipa). */
static int ident_range(struct vm *vm, struct ident_ctx *c, char *err, size_t errlen)
{
	struct ident_region rg[3 + VM_MAX + PACK_MAX_TEMPLATES];
	const struct ident_pages pg = { take, give, state, owner, block_free, banks, c };
	struct ident_place req = { vm->mem_size, PACK_RAM_BASE_MIN, PACK_IPA_END, 0 };
	unsigned int n = host_regions(rg, c);
	int r;

	if (vm->tmpl->ram_base)
		return vm_ident_reserve(&pg, rg, n, vm->ram_ipa, vm->mem_size, err, errlen);
	r = vm_ident_alloc(&pg, rg, pack_ram_regions(rg, n, vm->pack), &req, err, errlen);
	if (!r)
		vm->ram_ipa = req.base;
	return r;
}

int vm_ident_take(struct vm *vm, struct vm *const *table, unsigned int n, char *err,
		  size_t errlen)
{
	struct ident_ctx c = { table, n };
	u64 nb = vm->mem_size / BLOCK_2M;
	int r;

	vm->ram_blocks = kzalloc((size_t)nb * sizeof(paddr_t));
	if (!vm->ram_blocks)
		return -ENOMEM;
	r = ident_range(vm, &c, err, errlen);
	if (r)
		return r;
	for (u64 i = 0; i < nb; i++)
		vm->ram_blocks[i] = vm->ram_ipa + i * BLOCK_2M;
	vm->nr_ram_blocks = nb;
	return 0;
}
