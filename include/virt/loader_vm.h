/*
 * Putting a pack template's images into a VM's RAM (virt/loader_vm.c): the
 * glue between the pack reader, the loader and the DTB generator, kept pure
 * so that mkpack runs the very same code as a dry run at build time.
 */
#ifndef VIRT_LOADER_VM_H
#define VIRT_LOADER_VM_H

#include <lib/loader.h>
#include <lib/pack.h>

/* What the VM core needs to start the boot vCPU, per the arm64 boot
 * protocol: PC = entry, x0 = dtb, x1 = x2 = x3 = 0, MMU and caches off. */
struct vm_boot {
	struct loader_result kernel;
	struct loader_layout layout;	/* .dtb, .initrd_start/.initrd_end */
	u64 dtb_size;
};

/*
 * Load template t of pack pk into ram (whose base and size are the VM's
 * RAM: normally VM_DTB_RAM_BASE and t->mem_size):
 *  1. the kernel entry, as ELF, Image or raw at t->load_addr (by its kind);
 *  2. the initrd, if any, placed by loader_place_boot_data();
 *  3. the DTB: t->dtb patched by vm_dtb_patch(), or one from vm_dtb_build()
 *     for t->vcpus vCPUs; either with t->bootargs and the initrd range.
 * scratch (8-byte aligned) holds the DTB while it is built; 64 KiB is ample
 * for a generated one, a template's own DTB needs its size plus ~1 KiB.
 * Returns 0, or a negative error with err saying which step failed why.
 * With a dry-run ram (no host, no write) nothing is written anywhere.
 */
/* Guest IPA of the VM's RAM: the template's memory_at (identity-mapped
 * RAM, IPA = host PA), else VM_DTB_RAM_BASE. */
u64 loader_vm_ram_base(const struct pack_template *t);

int loader_boot_vm(const struct pack *pk, const struct pack_template *t,
		   const struct loader_ram *ram, void *scratch, size_t scratch_size,
		   struct vm_boot *out, char *err, size_t errlen);

#endif
