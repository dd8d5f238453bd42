/*
 * Image pack reader: VM templates. A template is checked field by field and
 * then against the entries it names, so that a VM created from a template
 * that pack_open() accepted can only fail for run-time reasons (memory,
 * pCPUs present), never because the pack is inconsistent.
 */
#include "pack_priv.h"
#include <lib/byteorder_le.h>
#include <lib/string.h>
#include <zvm/errno.h>
#include <zvm/host_prio.h>

static const char *const os_names[] = {
	[PACK_OS_LINUX] = "linux", [PACK_OS_ZEPHYR] = "zephyr",
	[PACK_OS_RTOS] = "rtos", [PACK_OS_BAREMETAL] = "baremetal",
};

static const char *const kind_names[] = {
	[PACK_KIND_ELF] = "elf", [PACK_KIND_IMAGE] = "image", [PACK_KIND_RAW] = "raw",
	[PACK_KIND_INITRD] = "initrd", [PACK_KIND_DTB] = "dtb", [PACK_KIND_BLOB] = "blob",
};

static const char *name_in(const char *const *tab, u32 n, u32 v)
{
	return v && v < n ? tab[v] : "?";
}

static u32 value_in(const char *const *tab, u32 n, const char *name)
{
	u32 v;

	for (v = 1; v < n; v++)
		if (!strcmp(tab[v], name))
			return v;
	return 0;
}

const char *pack_os_name(u32 os)
{
	return name_in(os_names, ARRAY_SIZE(os_names), os);
}

const char *pack_kind_name(u32 kind)
{
	return name_in(kind_names, ARRAY_SIZE(kind_names), kind);
}

u32 pack_os_from_name(const char *name)
{
	return value_in(os_names, ARRAY_SIZE(os_names), name);
}

u32 pack_kind_from_name(const char *name)
{
	return value_in(kind_names, ARRAY_SIZE(kind_names), name);
}

/* ---- decoding ---------------------------------------------------------- */

static void decode_dev(const u8 *r, struct pack_dev *d)
{
	d->base = ld_le64(r + PACK_DEV_BASE);
	d->size = ld_le64(r + PACK_DEV_LEN);
	d->irq = ld_le32(r + PACK_DEV_IRQ);
	d->flags = ld_le32(r + PACK_DEV_FLAGS);
}

static void decode_template(const u8 *r, struct pack_template *t)
{
	u32 i;

	memset(t, 0, sizeof(*t));
	t->name = (const char *)r + PACK_TPL_NAME;
	t->os = (enum pack_os)ld_le32(r + PACK_TPL_OS);
	t->autostart = ld_le32(r + PACK_TPL_FLAGS) & PACK_TPL_F_AUTOSTART;
	t->identity_any = ld_le32(r + PACK_TPL_FLAGS) & PACK_TPL_F_IDENTITY;
	t->kernel = (const char *)r + PACK_TPL_KERNEL;
	t->initrd = (const char *)r + PACK_TPL_INITRD;
	t->dtb = (const char *)r + PACK_TPL_DTB;
	t->mem_size = ld_le64(r + PACK_TPL_MEM_SIZE);
	t->ram_base = ld_le64(r + PACK_TPL_RAM_BASE);
	t->load_addr = ld_le64(r + PACK_TPL_LOAD_ADDR);
	t->pcpu_mask = ld_le64(r + PACK_TPL_PCPU_MASK);
	t->vcpus = ld_le32(r + PACK_TPL_VCPUS);
	t->priority = ld_le32(r + PACK_TPL_PRIORITY);
	memcpy(t->pcpu_pin, r + PACK_TPL_PCPU_PIN, PACK_MAX_VCPUS);
	t->ndevs = ld_le32(r + PACK_TPL_DEV_COUNT);
	for (i = 0; i < PACK_MAX_DEVS && i < t->ndevs; i++)
		decode_dev(r + PACK_TPL_DEVS + i * PACK_DEV_SIZE, &t->devs[i]);
	t->bootargs = (const char *)r + PACK_TPL_BOOTARGS;
}

/* ---- checks ------------------------------------------------------------ */

/* The NUL-terminated string fields: names, entry references, bootargs. */
static int check_strings(struct pack_ctx *c, u32 i, const u8 *r)
{
	static const struct {
		u32 off;
		const char *what;
		bool may_be_empty;
	} refs[] = {
		{ PACK_TPL_KERNEL, "kernel", false },
		{ PACK_TPL_INITRD, "initrd", true },
		{ PACK_TPL_DTB, "dtb", true },
	};
	const char *why = pack_name_problem(r + PACK_TPL_NAME, false);
	u32 k;

	if (why)
		return pack_bad(c, "template %u: name %s", i, why);
	for (k = 0; k < ARRAY_SIZE(refs); k++) {
		why = pack_name_problem(r + refs[k].off, refs[k].may_be_empty);
		if (why)
			return pack_bad(c, "template '%s': %s entry name %s", r + PACK_TPL_NAME,
					refs[k].what, why);
	}
	if (strnlen((const char *)r + PACK_TPL_BOOTARGS, PACK_BOOTARGS_LEN) ==
	    PACK_BOOTARGS_LEN)
		return pack_bad(c, "template '%s': bootargs are not NUL-terminated",
				r + PACK_TPL_NAME);
	return 0;
}

static int check_reserved(struct pack_ctx *c, const struct pack_template *t, const u8 *r)
{
	u32 flags = ld_le32(r + PACK_TPL_FLAGS);

	if (flags & ~(u32)PACK_TPL_F_ALL)
		return pack_bad(c, "template '%s': unknown flags 0x%x", t->name, flags);
	if (!pack_all_zero(r + PACK_TPL_RESERVED1, 4))
		return pack_bad(c, "template '%s': reserved bytes are not zero", t->name);
	return 0;
}

static int check_resources(struct pack_ctx *c, const struct pack_template *t)
{
	if (t->os < PACK_OS_LINUX || t->os > PACK_OS_MAX)
		return pack_bad(c, "template '%s': unknown OS type %u", t->name, (u32)t->os);
	if (t->mem_size == 0)
		return pack_bad(c, "template '%s': memory size is 0", t->name);
	if (t->mem_size % PACK_MEM_ALIGN)
		return pack_bad(c, "template '%s': memory size 0x%llx is not a multiple of 4 KiB",
				t->name, (unsigned long long)t->mem_size);
	if (t->mem_size > PACK_MEM_MAX)
		return pack_bad(c, "template '%s': memory size 0x%llx exceeds the %llu GiB a VM can address",
				t->name, (unsigned long long)t->mem_size, PACK_MEM_MAX >> 30);
	if (t->vcpus == 0 || t->vcpus > PACK_MAX_VCPUS)
		return pack_bad(c, "template '%s': %u vCPUs, must be 1 to %u", t->name, t->vcpus,
				PACK_MAX_VCPUS);
	if (t->priority > PACK_PRIO_MAX)
		return pack_bad(c, "template '%s': priority %u, must be 0 (highest) to %u",
				t->name, t->priority, PACK_PRIO_MAX);
	return 0;
}

/* Identity-mapped RAM: whole 2 MiB blocks (stage 2 and the allocator work
 * in them), not hiding the guest's device windows below 1 GiB, inside the
 * IPA space. Whether the host has that RAM free is the hypervisor's check;
 * with identity = yes, where it is is the hypervisor's choice, so a RAM
 * base as well would be a contradiction. mkpack runs this very check. */
static int check_ram_base(struct pack_ctx *c, const struct pack_template *t)
{
	u64 b = t->ram_base;

	if (b && t->identity_any)
		return pack_bad(c, "template '%s': memory_at 0x%llx and identity = yes exclude each other: memory_at places the RAM at that address, identity = yes lets the hypervisor place it",
				t->name, (unsigned long long)b);
	if (t->identity_any && t->mem_size % PACK_RAM_ALIGN)
		return pack_bad(c, "template '%s': identity = yes needs memory in whole 2 MiB blocks, not 0x%llx",
				t->name, (unsigned long long)t->mem_size);
	if (!b)
		return 0;
	if (b % PACK_RAM_ALIGN || t->mem_size % PACK_RAM_ALIGN)
		return pack_bad(c, "template '%s': memory_at 0x%llx and memory 0x%llx must be multiples of 2 MiB",
				t->name, (unsigned long long)b, (unsigned long long)t->mem_size);
	if (!pack_ram_base_ok(b, t->mem_size))
		return pack_bad(c, "template '%s': memory_at 0x%llx: RAM must lie between 0x%llx (below are the guest's devices) and 0x%llx (the IPA space)",
				t->name, (unsigned long long)b, PACK_RAM_BASE_MIN, PACK_IPA_END);
	return 0;
}

static int check_pins(struct pack_ctx *c, const struct pack_template *t)
{
	u32 v, pin;

	for (v = 0; v < PACK_MAX_VCPUS; v++) {
		pin = t->pcpu_pin[v];
		if (pin == PACK_PIN_NONE)
			continue;
		if (v >= t->vcpus)
			return pack_bad(c, "template '%s': pin for vCPU %u, but it has %u vCPUs",
					t->name, v, t->vcpus);
		if (pin >= PACK_MAX_PCPU)
			return pack_bad(c, "template '%s': vCPU %u pinned to pCPU %u, at most %u",
					t->name, v, pin, PACK_MAX_PCPU - 1);
		if (t->pcpu_mask && !(t->pcpu_mask & (1ULL << pin)))
			return pack_bad(c, "template '%s': vCPU %u pinned to pCPU %u, outside pcpu_mask 0x%llx",
					t->name, v, pin, (unsigned long long)t->pcpu_mask);
	}
	return 0;
}

/* A vCPU that could run on the host's pCPU above its shell: pinned there,
 * or free to go there by the mask (<zvm/host_prio.h>). vm_create() checks
 * the pCPU each vCPU really gets, which also depends on the CPUs online. */
static int check_host_prio(struct pack_ctx *c, const struct pack_template *t)
{
	u32 v;

	if (!host_prio_reserved(HOST_CPU, t->priority))
		return 0;
	for (v = 0; v < t->vcpus && v < PACK_MAX_VCPUS; v++)
		if (t->pcpu_pin[v] == HOST_CPU)
			return pack_bad(c, "template '%s': vCPU %u pinned to pCPU %u at priority %u: "
					HOST_PRIO_RULE, t->name, v, HOST_CPU, t->priority,
					HOST_PRIO_RULE_ARGS(PACK_PRIO_MAX));
	if (t->pcpu_mask & (1ULL << HOST_CPU))
		return pack_bad(c, "template '%s': pcpu_mask 0x%llx allows pCPU %u at priority %u: "
				HOST_PRIO_RULE, t->name, (unsigned long long)t->pcpu_mask, HOST_CPU,
				t->priority, HOST_PRIO_RULE_ARGS(PACK_PRIO_MAX));
	return 0;
}

static int check_dev(struct pack_ctx *c, const struct pack_template *t, u32 i)
{
	const struct pack_dev *d = &t->devs[i];
	u32 j;

	if (!d->size || d->base % PACK_DEV_ALIGN || d->size % PACK_DEV_ALIGN ||
	    d->base + d->size < d->base)
		return pack_bad(c, "template '%s': device %u at 0x%llx size 0x%llx is not a non-empty 4 KiB-aligned region",
				t->name, i, (unsigned long long)d->base,
				(unsigned long long)d->size);
	if (d->flags & ~(u32)PACK_DEV_F_ALL)
		return pack_bad(c, "template '%s': device %u has unknown flags 0x%x", t->name, i,
				d->flags);
	if ((d->flags & PACK_DEV_F_DMA) && !pack_tpl_identity(t))
		return pack_bad(c, "template '%s': device %u is marked dma, but the VM's RAM is not identity-mapped (memory_at or identity = yes): its DMA addresses would not be host addresses",
				t->name, i);
	if (t->ram_base && d->base < t->ram_base + t->mem_size && t->ram_base < d->base + d->size)
		return pack_bad(c, "template '%s': device %u at 0x%llx overlaps the VM's RAM at memory_at 0x%llx",
				t->name, i, (unsigned long long)d->base, (unsigned long long)t->ram_base);
	if (d->irq && (d->irq < PACK_SPI_MIN || d->irq > PACK_SPI_MAX))
		return pack_bad(c, "template '%s': device %u IRQ %u is not an SPI (%u..%u)",
				t->name, i, d->irq, PACK_SPI_MIN, PACK_SPI_MAX);
	for (j = 0; j < i; j++) {
		if (d->base < t->devs[j].base + t->devs[j].size &&
		    t->devs[j].base < d->base + d->size)
			return pack_bad(c, "template '%s': devices %u and %u overlap", t->name, j,
					i);
		if (d->irq && d->irq == t->devs[j].irq)
			return pack_bad(c, "template '%s': devices %u and %u share IRQ %u",
					t->name, j, i, d->irq);
	}
	return 0;
}

static int check_devs(struct pack_ctx *c, const struct pack_template *t, const u8 *r)
{
	u32 i;
	int err;

	if (t->ndevs > PACK_MAX_DEVS)
		return pack_bad(c, "template '%s': %u devices, at most %u", t->name, t->ndevs,
				PACK_MAX_DEVS);
	for (i = 0; i < t->ndevs; i++) {
		err = check_dev(c, t, i);
		if (err)
			return err;
	}
	if (!pack_all_zero(r + PACK_TPL_DEVS + t->ndevs * PACK_DEV_SIZE,
			   (PACK_MAX_DEVS - t->ndevs) * PACK_DEV_SIZE))
		return pack_bad(c, "template '%s': unused device records are not zero", t->name);
	return 0;
}

/* Kind of the entry a template names for role `what`, or 0 after an error. */
static u32 ref_kind(struct pack_ctx *c, const struct pack_template *t, const char *what,
		    const char *name)
{
	int i = pack_entry_index(c->p, name);

	if (i < 0) {
		pack_bad(c, "template '%s': %s '%s' is not in the pack", t->name, what, name);
		return 0;
	}
	return ld_le32(pack_entry_rec(c->p, (u32)i) + PACK_ENT_KIND);
}

static int wrong_kind(struct pack_ctx *c, const struct pack_template *t, const char *what,
		      const char *name, u32 kind, const char *want)
{
	/* "has kind initrd": "is a %s entry" made "is a initrd entry". */
	return pack_bad(c, "template '%s': %s '%s' has kind %s, not %s", t->name, what, name,
			pack_kind_name(kind), want);
}

static int check_refs(struct pack_ctx *c, const struct pack_template *t)
{
	u32 k = ref_kind(c, t, "kernel", t->kernel);

	if (!k)
		return -EBADMSG;
	if (k != PACK_KIND_ELF && k != PACK_KIND_IMAGE && k != PACK_KIND_RAW)
		return wrong_kind(c, t, "kernel", t->kernel, k, "elf, image or raw");
	if (t->identity_any && k != PACK_KIND_IMAGE)
		return pack_bad(c, "template '%s': identity = yes needs a relocatable kernel (an arm64 Image): the RAM's address is known only at `zvm new`, but kernel '%s' is %s, loaded at fixed addresses",
				t->name, t->kernel, pack_kind_name(k));
	if (k == PACK_KIND_RAW && !t->load_addr)
		return pack_bad(c, "template '%s': raw kernel '%s' needs a load address",
				t->name, t->kernel);
	if (k != PACK_KIND_RAW && t->load_addr)
		return pack_bad(c, "template '%s': load address set, but kernel '%s' is %s, not raw",
				t->name, t->kernel, pack_kind_name(k));
	if (t->initrd[0]) {
		k = ref_kind(c, t, "initrd", t->initrd);
		if (!k)
			return -EBADMSG;
		if (k != PACK_KIND_INITRD)
			return wrong_kind(c, t, "initrd", t->initrd, k, "initrd");
	}
	if (t->dtb[0]) {
		k = ref_kind(c, t, "dtb", t->dtb);
		if (!k)
			return -EBADMSG;
		if (k != PACK_KIND_DTB)
			return wrong_kind(c, t, "dtb", t->dtb, k, "dtb");
	}
	return 0;
}

static int check_template(struct pack_ctx *c, u32 i)
{
	const u8 *r = pack_tmpl_rec(c->p, i);
	struct pack_template t;
	int err = check_strings(c, i, r);
	u32 j;

	if (err)
		return err;
	decode_template(r, &t);
	for (j = 0; j < i; j++)
		if (!strcmp(t.name, (const char *)pack_tmpl_rec(c->p, j) + PACK_TPL_NAME))
			return pack_bad(c, "duplicate template name '%s' (templates %u and %u)",
					t.name, j, i);
	err = check_reserved(c, &t, r);
	if (!err)
		err = check_resources(c, &t);
	if (!err)
		err = check_ram_base(c, &t);
	if (!err)
		err = check_pins(c, &t);
	if (!err)
		err = check_host_prio(c, &t);
	if (!err)
		err = check_devs(c, &t, r);
	if (!err)
		err = check_refs(c, &t);
	return err;
}

/* Two identity-mapped templates on the same host RAM could never run
 * together: say so when the pack is built, not at the second `zvm new`. */
static int check_ram_overlap(struct pack_ctx *c, u32 i)
{
	struct pack_template a, b;
	u32 j;

	decode_template(pack_tmpl_rec(c->p, i), &a);
	for (j = 0; a.ram_base && j < i; j++) {
		decode_template(pack_tmpl_rec(c->p, j), &b);
		if (b.ram_base && a.ram_base < b.ram_base + b.mem_size &&
		    b.ram_base < a.ram_base + a.mem_size)
			return pack_bad(c, "template '%s': memory_at 0x%llx overlaps template '%s' (memory_at 0x%llx)",
					a.name, (unsigned long long)a.ram_base, b.name,
					(unsigned long long)b.ram_base);
	}
	return 0;
}

int pack_check_templates(struct pack_ctx *c)
{
	u32 i;
	int err = 0;

	for (i = 0; !err && i < c->p->ntemplates; i++)
		err = check_template(c, i);
	for (i = 0; !err && i < c->p->ntemplates; i++)
		err = check_ram_overlap(c, i);
	return err;
}

/* ---- accessors --------------------------------------------------------- */

u32 pack_template_count(const struct pack *p)
{
	return p->ntemplates;
}

int pack_get_template(const struct pack *p, u32 index, struct pack_template *t)
{
	if (index >= p->ntemplates)
		return -ENOENT;
	decode_template(pack_tmpl_rec(p, index), t);
	return 0;
}

int pack_find_template(const struct pack *p, const char *name, struct pack_template *t)
{
	u32 i;

	for (i = 0; i < p->ntemplates; i++)
		if (!strcmp(name, (const char *)pack_tmpl_rec(p, i) + PACK_TPL_NAME))
			return pack_get_template(p, i, t);
	return -ENOENT;
}
