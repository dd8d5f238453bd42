/*
 * A template's kernel, initrd and DTB into guest RAM. The initrd is placed
 * before the DTB is built, because the DTB must carry the initrd's address;
 * loader_place_boot_data() puts the initrd at the top of RAM whatever the
 * DTB size, so placing it again with the real DTB size keeps it there.
 */
#include <virt/loader_vm.h>
#include <virt/vm_dtb.h>
#include <lib/errmsg.h>
#include <lib/fdt.h>
#include <lib/string.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

static enum loader_format format_of(enum pack_kind kind)
{
	return kind == PACK_KIND_ELF ? LOADER_FMT_ELF :
	       kind == PACK_KIND_IMAGE ? LOADER_FMT_IMAGE : LOADER_FMT_RAW;
}

/* Prefix err (which holds a callee's message) with what we were doing. */
static int step_failed(char *err, size_t errlen, int ret, const char *what)
{
	char why[160];
	size_t n;

	if (!err || !errlen)
		return ret;
	n = strnlen(err, MIN(errlen, sizeof(why) - 1));
	memcpy(why, err, n);
	why[n] = '\0';
	return errmsg_set(err, errlen, ret, "%s: %s", what, why);
}

static int load_kernel(const struct pack *pk, const struct pack_template *t,
		       const struct loader_ram *ram, struct vm_boot *out, char *err, size_t errlen)
{
	struct loader_image img;
	struct pack_entry e;
	int ret;

	if (pack_find_entry(pk, t->kernel, &e))
		return errmsg_set(err, errlen, -ENOENT, "kernel '%s' is not in the pack",
				  t->kernel);
	img = (struct loader_image){ .fmt = format_of(e.kind), .data = e.data,
				     .size = (size_t)e.size, .load_addr = t->load_addr };
	ret = loader_load(ram, &img, &out->kernel, err, errlen);
	return ret ? step_failed(err, errlen, ret, "kernel") : 0;
}

/* vm_dtb_patch() refused the template's DTB: say why, as fdt_open() does
 * (it used to be only "patching the DTB failed (-74)"). */
static int bad_dtb(const struct pack_entry *e, char *err, size_t errlen)
{
	struct fdt f;

	fdt_open(&f, e->data, (size_t)e->size);
	return errmsg_set(err, errlen, -EBADMSG, "dtb '%s' is not a valid device tree: %s",
			  e->name, fdt_errmsg(&f));
}

/* Build or patch the DTB for prm into scratch; returns its size or an error. */
static int dtb_write(const struct pack *pk, const struct pack_template *t,
		     struct vm_dtb_params *prm, void *scratch, size_t scratch_size, char *err,
		     size_t errlen)
{
	struct pack_entry e;
	int ret;

	if (!t->dtb[0]) {
		prm->host_dtb = vm_dtb_host(&prm->host_dtb_size);
		ret = vm_dtb_build(prm, scratch, scratch_size);
	} else if (pack_find_entry(pk, t->dtb, &e)) {
		return errmsg_set(err, errlen, -ENOENT, "dtb '%s' is not in the pack", t->dtb);
	} else {
		ret = vm_dtb_patch(prm, e.data, (size_t)e.size, scratch, scratch_size);
		if (ret == -EBADMSG)
			return bad_dtb(&e, err, errlen);
	}
	if (ret < 0)
		return errmsg_set(err, errlen, ret, "%s DTB failed (%d%s)",
				  t->dtb[0] ? "patching the" : "generating the", ret,
				  ret == -ENOSPC ? ": scratch buffer too small" : "");
	return ret;
}

/* The VM's DTB, with fresh seeds when the build provides them. */
static int make_dtb(const struct pack *pk, const struct pack_template *t,
		    const struct loader_ram *ram, const struct vm_boot *b, void *scratch,
		    size_t scratch_size, char *err, size_t errlen)
{
	struct vm_dtb_params prm = {
		.mem_base = ram->base, .mem_size = ram->size, .nr_vcpus = t->vcpus,
		.bootargs = t->bootargs, .initrd_start = b->layout.initrd_start,
		.initrd_end = b->layout.initrd_end, .devs = t->devs, .nr_devs = t->ndevs,
		.nr_pci = pack_template_shms(pk, t->name, NULL),
	};
	struct vm_dtb_seed seed;
	int ret;

	if (vm_dtb_seed(&seed))
		prm.seed = &seed;
	ret = dtb_write(pk, t, &prm, scratch, scratch_size, err, errlen);
	memzero_explicit(&seed, sizeof(seed));	/* the guest's DTB holds the only copy */
	return ret;
}

static int write_blob(const struct loader_ram *ram, const char *what, u64 ipa, const void *src,
		      u64 len, char *err, size_t errlen)
{
	int ret = loader_write(ram, ipa, src, len);

	if (ret)
		return errmsg_set(err, errlen, ret, "writing the %s at 0x%llx failed (%d)", what,
				  (unsigned long long)ipa, ret);
	return 0;
}

u64 loader_vm_ram_base(const struct pack_template *t)
{
	return t->ram_base ? t->ram_base : VM_DTB_RAM_BASE;
}

int loader_boot_vm(const struct pack *pk, const struct pack_template *t,
		   const struct loader_ram *ram, void *scratch, size_t scratch_size,
		   struct vm_boot *out, char *err, size_t errlen)
{
	struct pack_entry initrd = { .size = 0 };
	int ret;

	errmsg_clear(err, errlen);
	memset(out, 0, sizeof(*out));
	if (t->initrd[0] && pack_find_entry(pk, t->initrd, &initrd))
		return errmsg_set(err, errlen, -ENOENT, "initrd '%s' is not in the pack",
				  t->initrd);
	ret = load_kernel(pk, t, ram, out, err, errlen);
	if (!ret)
		ret = loader_place_boot_data(ram, &out->kernel, 0, initrd.size, &out->layout, err,
					     errlen);
	if (!ret)
		ret = make_dtb(pk, t, ram, out, scratch, scratch_size, err, errlen);
	if (ret < 0)
		return ret;
	out->dtb_size = (u64)ret;
	ret = loader_place_boot_data(ram, &out->kernel, out->dtb_size, initrd.size, &out->layout,
				     err, errlen);
	if (!ret && initrd.size)
		ret = write_blob(ram, "initrd", out->layout.initrd_start, initrd.data, initrd.size,
				 err, errlen);
	if (!ret)
		ret = write_blob(ram, "DTB", out->layout.dtb, scratch, out->dtb_size, err, errlen);
	return ret;
}
