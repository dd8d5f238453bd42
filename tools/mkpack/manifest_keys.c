/*
 * Manifest keys: each value is parsed and range-checked on its own line, so
 * the message points at the line to fix. Rules that involve several keys
 * are checked once the section is complete (manifest.c: finish_template)
 * and, finally, by lib/pack.c on the pack that was built.
 */
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include <lib/parse.h>

struct tmpl_key {
	const char *name;
	int (*parse)(struct mk_parser *ps, struct mk_template *t, char *val);
	bool repeatable;
};

static int number(struct mk_parser *ps, const char *key, const char *val, u64 min, u64 max,
		  u64 *out)
{
	if (str_to_u64(val, out) || *out < min || *out > max)
		return mk_perr(ps, "%s must be a number from %llu to %llu, not '%s'", key,
			       (unsigned long long)min, (unsigned long long)max, val);
	return 0;
}

static int key_os(struct mk_parser *ps, struct mk_template *t, char *val)
{
	t->os = pack_os_from_name(val);
	return t->os ? 0 : mk_perr(ps, "unknown os '%s': linux, zephyr, rtos or baremetal", val);
}

/* "path" relative to the manifest, or "@entry". */
static int file_ref(struct mk_parser *ps, struct mk_template *t, enum mk_role role,
		    const char *val)
{
	t->src[role] = val[0] == '@' ? strdup(val) : mk_resolve_path(ps, val);
	t->src_line[role] = ps->line;
	if (!t->src[role])
		return val[0] == '@' ? mk_perr(ps, "out of memory") : -1;
	return 0;
}

static int key_kernel(struct mk_parser *ps, struct mk_template *t, char *val)
{
	return file_ref(ps, t, MK_KERNEL, val);
}

static int key_initrd(struct mk_parser *ps, struct mk_template *t, char *val)
{
	return file_ref(ps, t, MK_INITRD, val);
}

static int key_dtb(struct mk_parser *ps, struct mk_template *t, char *val)
{
	return file_ref(ps, t, MK_DTB, val);
}

static int key_memory(struct mk_parser *ps, struct mk_template *t, char *val)
{
	if (str_to_size(val, &t->mem_size))
		return mk_perr(ps, "memory must be a size such as 64M or 0x4000000, not '%s'", val);
	if (!t->mem_size || t->mem_size % PACK_MEM_ALIGN)
		return mk_perr(ps, "memory must be a non-zero multiple of 4K");
	return 0;
}

static int key_vcpus(struct mk_parser *ps, struct mk_template *t, char *val)
{
	u64 v;
	int ret = number(ps, "vcpus", val, 1, PACK_MAX_VCPUS, &v);

	t->vcpus = (u32)v;
	return ret;
}

/* "any", or one pCPU per vCPU: "2" or "0,1". The pins are reconciled
 * with pcpu_mask once the section is complete (manifest.c). */
static int key_pcpus(struct mk_parser *ps, struct mk_template *t, char *val)
{
	char *tok, *save = NULL;
	u64 cpu;

	if (!strcmp(val, "any"))
		return 0;
	for (tok = strtok_r(val, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		if (t->npins == PACK_MAX_VCPUS)
			return mk_perr(ps, "pcpus lists more than %d pCPUs", PACK_MAX_VCPUS);
		if (number(ps, "a pCPU", tok, 0, PACK_MAX_PCPU - 1, &cpu))
			return -1;
		t->pin[t->npins++] = (u8)cpu;
	}
	return t->npins ? 0 : mk_perr(ps, "pcpus needs 'any' or a list such as 0,1");
}

static int key_pcpu_mask(struct mk_parser *ps, struct mk_template *t, char *val)
{
	return number(ps, "pcpu_mask", val, 1, UINT64_MAX, &t->pcpu_mask);
}

static int key_priority(struct mk_parser *ps, struct mk_template *t, char *val)
{
	u64 v;
	int ret = number(ps, "priority", val, 0, PACK_PRIO_MAX, &v);

	t->priority = (u32)v;
	return ret;
}

static int key_bootargs(struct mk_parser *ps, struct mk_template *t, char *val)
{
	size_t len = strlen(val);

	if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
		val[len - 1] = '\0';
		val++;
		len -= 2;
	}
	if (len >= PACK_BOOTARGS_LEN)
		return mk_perr(ps, "bootargs are %zu characters, at most %d", len,
			       PACK_BOOTARGS_LEN - 1);
	memcpy(t->bootargs, val, len + 1);
	return 0;
}

/* A yes/no key: sets template flag `flag` on yes. */
static int flag_key(struct mk_parser *ps, struct mk_template *t, const char *key, char *val,
		    u32 flag)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(val, yes[i])) {
			t->flags |= flag;
			return 0;
		}
		if (!strcmp(val, no[i]))
			return 0;
	}
	return mk_perr(ps, "%s must be yes or no, not '%s'", key, val);
}

static int key_autostart(struct mk_parser *ps, struct mk_template *t, char *val)
{
	return flag_key(ps, t, "autostart", val, PACK_TPL_F_AUTOSTART);
}

/* Identity-mapped RAM the hypervisor places (memory_at excluded: checked
 * with the pack, by the same checker as the hypervisor's). */
static int key_identity(struct mk_parser *ps, struct mk_template *t, char *val)
{
	return flag_key(ps, t, "identity", val, PACK_TPL_F_IDENTITY);
}

static int key_load_addr(struct mk_parser *ps, struct mk_template *t, char *val)
{
	return number(ps, "load_addr", val, 1, UINT64_MAX, &t->load_addr);
}

/* Host PA of identity-mapped RAM (the rest is checked with the pack). */
static int key_memory_at(struct mk_parser *ps, struct mk_template *t, char *val)
{
	if (str_to_u64(val, &t->ram_base) || !t->ram_base)
		return mk_perr(ps, "memory_at must be a host physical address such as 0xa0000000, not '%s'",
			       val);
	return 0;
}

/* The optional last word of a device line: "dma" marks a DMA master. */
static char *device_dma(struct pack_dev *d, char *word)
{
	if (word && !strcmp(word, "dma")) {
		d->flags |= PACK_DEV_F_DMA;
		return NULL;
	}
	return word;
}

/* "BASE SIZE [INTID] [dma]": a passthrough MMIO region, optional SPI, and
 * whether it can do DMA. */
static int key_device(struct mk_parser *ps, struct mk_template *t, char *val)
{
	char *save = NULL, *base = strtok_r(val, " \t", &save);
	char *size = strtok_r(NULL, " \t", &save), *irq = strtok_r(NULL, " \t", &save);
	struct pack_dev *d = &t->devs[t->ndevs];
	u64 v = 0;

	if (t->ndevs == PACK_MAX_DEVS)
		return mk_perr(ps, "more than %d devices", PACK_MAX_DEVS);
	irq = device_dma(d, irq);
	if (!size || (irq && device_dma(d, strtok_r(NULL, " \t", &save))) ||
	    strtok_r(NULL, " \t", &save))
		return mk_perr(ps, "device needs 'BASE SIZE [SPI-INTID] [dma]'");
	if (str_to_u64(base, &d->base) || str_to_size(size, &d->size))
		return mk_perr(ps, "device base/size '%s %s' are not numbers", base, size);
	if (!d->size || d->base % PACK_DEV_ALIGN || d->size % PACK_DEV_ALIGN)
		return mk_perr(ps, "device base and size must be 4K aligned, size non-zero");
	if (irq && number(ps, "the device IRQ (SPI INTID)", irq, PACK_SPI_MIN, PACK_SPI_MAX, &v))
		return -1;
	d->irq = (u32)v;
	t->ndevs++;
	return 0;
}

static const struct tmpl_key tmpl_keys[] = {
	{ "os", key_os, false },		{ "kernel", key_kernel, false },
	{ "initrd", key_initrd, false },	{ "dtb", key_dtb, false },
	{ "memory", key_memory, false },	{ "vcpus", key_vcpus, false },
	{ "pcpus", key_pcpus, false },		{ "pcpu_mask", key_pcpu_mask, false },
	{ "priority", key_priority, false },	{ "bootargs", key_bootargs, false },
	{ "autostart", key_autostart, false },	{ "load_addr", key_load_addr, false },
	{ "device", key_device, true },		{ "memory_at", key_memory_at, false },
	{ "identity", key_identity, false },
};

int mk_template_key(struct mk_parser *ps, const char *key, char *val)
{
	size_t i;

	for (i = 0; i < sizeof(tmpl_keys) / sizeof(tmpl_keys[0]); i++) {
		if (strcmp(key, tmpl_keys[i].name))
			continue;
		if (!tmpl_keys[i].repeatable && (ps->tmpl->seen & (1u << i)))
			return mk_perr(ps, "'%s' is given twice in template '%s'", key,
				       ps->tmpl->name);
		ps->tmpl->seen |= 1u << i;
		return tmpl_keys[i].parse(ps, ps->tmpl, val);
	}
	return mk_perr(ps, "unknown template key '%s'", key);
}

int mk_entry_key(struct mk_parser *ps, const char *key, char *val)
{
	struct mk_entry *e = ps->entry;
	unsigned int bit = !strcmp(key, "file") ? 1 : !strcmp(key, "kind") ? 2 : 0;

	if (!bit)
		return mk_perr(ps, "unknown entry key '%s' (file or kind)", key);
	if (ps->entry_seen & bit)
		return mk_perr(ps, "'%s' is given twice in entry '%s'", key, e->name);
	ps->entry_seen |= bit;
	if (bit == 2) {
		e->kind = pack_kind_from_name(val);
		return e->kind ? 0 : mk_perr(ps, "unknown kind '%s': elf, image, raw, initrd, dtb or blob", val);
	}
	e->path = mk_resolve_path(ps, val);
	return e->path ? 0 : -1;
}
