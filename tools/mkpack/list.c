/* mkpack --list: what a pack holds, after checking it like the hypervisor. */
#include <string.h>

#include "mkpack.h"

static void print_size(FILE *out, u64 v)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (v && v % 1024 == 0 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		fprintf(out, "%llu", (unsigned long long)v);
	else
		fprintf(out, "%llu%c", (unsigned long long)v, units[u]);
}

static void list_entries(FILE *out, const struct pack *pk)
{
	struct pack_entry e;
	u32 i;

	fprintf(out, "entries:\n  %-31s %-6s %12s %12s  %s\n", "name", "kind", "offset", "size",
		"crc32");
	for (i = 0; !pack_get_entry(pk, i, &e); i++)
		fprintf(out, "  %-31s %-6s %#12llx %12llu  %08x\n", e.name, pack_kind_name(e.kind),
			(unsigned long long)e.offset, (unsigned long long)e.size, e.crc);
}

static void list_pcpus(FILE *out, const struct pack_template *t)
{
	u32 v;

	fprintf(out, "    pcpus:    ");
	if (t->pcpu_mask)
		fprintf(out, "mask %#llx", (unsigned long long)t->pcpu_mask);
	else
		fprintf(out, "any");
	for (v = 0; v < t->vcpus; v++)
		if (t->pcpu_pin[v] != PACK_PIN_NONE)
			fprintf(out, ", vCPU %u on pCPU %u", v, t->pcpu_pin[v]);
	fprintf(out, "\n");
}

static void list_template(FILE *out, const struct pack_template *t)
{
	u32 i;

	fprintf(out, "  %s: %s, %u vCPU%s, memory ", t->name, pack_os_name(t->os), t->vcpus,
		t->vcpus == 1 ? "" : "s");
	print_size(out, t->mem_size);
	if (t->ram_base)
		fprintf(out, " at %#llx (identity-mapped)", (unsigned long long)t->ram_base);
	if (t->identity_any)
		fprintf(out, " (identity-mapped, placed at create)");
	fprintf(out, ", priority %u%s\n", t->priority, t->autostart ? ", autostart" : "");
	fprintf(out, "    kernel:   %s", t->kernel);
	if (t->load_addr)
		fprintf(out, " at %#llx", (unsigned long long)t->load_addr);
	fprintf(out, "\n");
	if (t->initrd[0])
		fprintf(out, "    initrd:   %s\n", t->initrd);
	fprintf(out, "    dtb:      %s\n", t->dtb[0] ? t->dtb : "(generated)");
	list_pcpus(out, t);
	if (t->bootargs[0])
		fprintf(out, "    bootargs: %s\n", t->bootargs);
	for (i = 0; i < t->ndevs; i++) {
		fprintf(out, "    device:   %#llx size %#llx", (unsigned long long)t->devs[i].base,
			(unsigned long long)t->devs[i].size);
		if (t->devs[i].irq)
			fprintf(out, " irq %u", t->devs[i].irq);
		if (t->devs[i].flags & PACK_DEV_F_DMA)
			fprintf(out, " dma");
		fprintf(out, "\n");
	}
}

static void list_shms(FILE *out, const struct pack *pk)
{
	struct pack_template t;
	struct pack_shm s;
	u32 i, m;

	if (!pack_shm_count(pk))
		return;
	fprintf(out, "shm regions:\n");
	for (i = 0; !pack_get_shm(pk, i, &s); i++) {
		fprintf(out, "  %s: ", s.name);
		print_size(out, s.size);
		fprintf(out, ", peers");
		for (m = 0; m < s.nmembers && !pack_get_template(pk, s.member[m], &t); m++)
			fprintf(out, " %u=%s", m, t.name);
		fprintf(out, "\n");
	}
}

int mk_list(FILE *out, const void *blob, size_t size, char *err, size_t errlen)
{
	struct pack_template t;
	struct pack pk;
	u32 i;

	if (mk_check(blob, size, err, errlen) || pack_open(&pk, blob, size, err, errlen))
		return -1;
	fprintf(out, "pack: %llu bytes, version %u, %u entries, %u templates\n",
		(unsigned long long)pk.size, PACK_VERSION, pack_entry_count(&pk),
		pack_template_count(&pk));
	list_entries(out, &pk);
	fprintf(out, "templates:\n");
	for (i = 0; !pack_get_template(&pk, i, &t); i++)
		list_template(out, &t);
	list_shms(out, &pk);
	return 0;
}
