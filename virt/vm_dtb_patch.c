/*
 * Patching a template's own DTB: the tree is re-emitted node by node with
 * the writer, dropping the memory nodes and the stale parts of /chosen and
 * adding ours. Re-emitting (rather than editing in place) means the result
 * never depends on spare room in the source blob.
 */
#include "vm_dtb_priv.h"
#include <lib/string.h>
#include <zvm/errno.h>

static bool is_memory_node(const struct fdt *f, int node)
{
	const char *name = fdt_node_name(f, node, NULL);
	const char *type = fdt_getprop_string(f, node, "device_type");

	if (type && !strcmp(type, "memory"))
		return true;
	return name && (!strcmp(name, "memory") || !strncmp(name, "memory@", 7));
}

/* Properties that vm_dtb_chosen_props() may set, dropped from the source
 * /chosen: bootargs only when we have new ones; the seeds always (a seed
 * in an image is the same for every VM and every boot: worse than none,
 * since Linux would credit it). */
static bool replaced_in_chosen(const char *name, const void *ctx)
{
	const struct vm_dtb_params *p = ctx;

	if (!strcmp(name, "linux,initrd-start") || !strcmp(name, "linux,initrd-end"))
		return true;
	if (!strcmp(name, "rng-seed") || !strcmp(name, "kaslr-seed"))
		return true;
	return !strcmp(name, "bootargs") && p->bootargs && p->bootargs[0];
}

/* /chosen from the source's node (or from nothing when node < 0). */
static void copy_chosen(struct fdt_writer *w, const struct fdt *f, int node,
			const struct vm_dtb_params *p)
{
	int child;

	fdt_w_begin_node(w, "chosen");
	if (node >= 0)
		fdt_w_copy_props(w, f, node, replaced_in_chosen, p);
	vm_dtb_chosen_props(w, p);
	if (node >= 0)
		fdt_for_each_subnode(child, f, node)
			fdt_w_copy_node(w, f, child);
	fdt_w_end_node(w);
}

static void copy_reservations(struct fdt_writer *w, const struct fdt *f)
{
	u64 addr, size;
	int i, n = fdt_num_mem_rsv(f);

	for (i = 0; i < n; i++)
		if (!fdt_get_mem_rsv(f, i, &addr, &size))
			fdt_w_add_mem_rsv(w, addr, size);
}

static void copy_root(struct fdt_writer *w, const struct fdt *f, const struct vm_dtb_params *p)
{
	int root = fdt_root(f), child;
	bool had_chosen = false;
	const char *name;

	fdt_w_begin_node(w, "");
	fdt_w_copy_props(w, f, root, NULL, NULL);
	fdt_for_each_subnode(child, f, root) {
		name = fdt_node_name(f, child, NULL);
		if (is_memory_node(f, child))
			continue;
		if (name && !strcmp(name, "chosen")) {
			copy_chosen(w, f, child, p);
			had_chosen = true;
		} else {
			fdt_w_copy_node(w, f, child);
		}
	}
	vm_dtb_memory_node(w, p, fdt_address_cells(f, root), fdt_size_cells(f, root));
	if (!had_chosen)
		copy_chosen(w, f, -1, p);
	fdt_w_end_node(w);
}

int vm_dtb_patch(const struct vm_dtb_params *p, const void *src, size_t src_size, void *buf,
		 size_t size)
{
	struct fdt_writer w;
	struct fdt f;

	if (!p || !src || !p->mem_size || p->mem_base + p->mem_size < p->mem_base)
		return -EINVAL;
	if (fdt_open(&f, src, src_size))
		return -EBADMSG;
	fdt_w_init(&w, buf, size);
	copy_reservations(&w, &f);
	copy_root(&w, &f, p);
	return fdt_w_finish(&w, fdt_boot_cpuid(&f));
}
