/*
 * mkpack --dump-dtb TEMPLATE PACK OUT [--ram-at ADDR]: write the device tree
 * ZVM gives a VM of that template, built by the hypervisor's own loader (a dry run of
 * loader_boot_vm(), as at `zvm new`). Used to boot the same guest bare on
 * QEMU with the very same machine description (bench/rtos_bench.py).
 */
#include <stdlib.h>
#include <string.h>

#include "mkpack.h"
#include <lib/loader.h>
#include <virt/loader_vm.h>
#include <virt/vm_dtb.h>

/* A tool has no host device tree: passthrough devices are not described
 * (the DTB a bare QEMU boots with comes from here; QEMU's own board has
 * the devices anyway). */
const void *vm_dtb_host(u32 *size)
{
	*size = 0;
	return NULL;
}

/* Nor seeds: a bare QEMU run booted with this DTB must be reproducible
 * (the benchmarks compare it, seedless, with a seedless host's VM). */
bool vm_dtb_seed(struct vm_dtb_seed *s)
{
	(void)s;
	return false;
}

/*
 * Where the VM's RAM is: fixed by the template (memory_at, or IPA
 * 0x40000000), or for identity = yes where the hypervisor placed it at
 * `zvm new` - which only the user knows (`zvm info -n`): ram_at, or the
 * dry run's 0x40000000 with a note saying so. 0 = ram_at not given.
 */
static int ram_base_of(const struct pack_template *t, u64 ram_at, u64 *base, char *err,
		       size_t errlen)
{
	*base = loader_vm_ram_base(t);
	if (!t->identity_any) {
		if (ram_at)
			snprintf(err, errlen, "--ram-at: template '%s' is not identity = yes: its RAM is at 0x%llx",
				 t->name, (unsigned long long)*base);
		return ram_at ? -1 : 0;
	}
	if (!ram_at) {
		fprintf(stderr, "mkpack: note: template '%s' is identity = yes: the hypervisor places its RAM at zvm new; this DTB puts it at 0x%llx (--ram-at ADDR, with the address `zvm info -n` shows, for the VM's own)\n",
			t->name, (unsigned long long)*base);
		return 0;
	}
	if (!pack_ram_base_ok(ram_at, t->mem_size)) {
		snprintf(err, errlen, "--ram-at 0x%llx: %llu MiB of RAM cannot be placed there (2 MiB aligned, between 0x%llx and 0x%llx)",
			 (unsigned long long)ram_at, (unsigned long long)(t->mem_size >> 20),
			 PACK_RAM_BASE_MIN, PACK_IPA_END);
		return -1;
	}
	*base = ram_at;
	return 0;
}

static int dtb_of(const struct pack *pk, const char *name, u64 ram_at, FILE *out, char *err,
		  size_t errlen)
{
	struct pack_template t;
	struct loader_ram ram = { 0 };
	struct vm_boot boot;
	u64 *scratch;
	int ret = -1;

	if (pack_find_template(pk, name, &t)) {
		snprintf(err, errlen, "no template '%s'", name);
		return -1;
	}
	if (ram_base_of(&t, ram_at, &ram.base, err, errlen))
		return -1;
	scratch = malloc(LOADER_DTB_MAX);	/* u64: the DTB writer wants 8-aligned */
	if (!scratch) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ram.size = t.mem_size;
	if (!loader_boot_vm(pk, &t, &ram, scratch, LOADER_DTB_MAX, &boot, err, errlen)) {
		ret = fwrite(scratch, 1, (size_t)boot.dtb_size, out) == boot.dtb_size ? 0 : -1;
		if (ret)
			snprintf(err, errlen, "write failed");
	}
	free(scratch);
	return ret;
}

int mk_dump_dtb(const char *tmpl, const char *pack_path, const char *out_path, u64 ram_at)
{
	char err[MK_ERR_LEN] = "";
	struct pack pk = { 0 };
	FILE *out = NULL;
	size_t size;
	u8 *blob;
	int ret = -1;

	if (mk_read_file(pack_path, &blob, &size)) {
		perror(pack_path);
		return 1;
	}
	if (!pack_open(&pk, blob, size, err, sizeof(err)) && (out = fopen(out_path, "wb")))
		ret = dtb_of(&pk, tmpl, ram_at, out, err, sizeof(err));
	else if (!err[0])
		snprintf(err, sizeof(err), "%s: cannot open for writing", out_path);
	if (out && fclose(out))
		ret = -1;
	if (ret)
		fprintf(stderr, "mkpack: %s\n", err);
	free(blob);
	return ret ? 1 : 0;
}
