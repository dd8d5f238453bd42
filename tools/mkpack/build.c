/*
 * Pack writer: lays out [header][entry table][template table][shm table]
 * and then each
 * entry's data on a 4 KiB boundary (so kernels can be used in place), and
 * checks the result with the hypervisor's own reader and loader.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mkpack.h"
#include <lib/byteorder_le.h>
#include <lib/crc32.h>
#include <lib/loader.h>
#include <virt/loader_vm.h>
#include <virt/vm_dtb.h>
#include <zvm/compiler.h>

int mk_read_file(const char *path, u8 **data, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	long len;
	u8 *buf;

	if (!fp)
		return -1;
	if (fseek(fp, 0, SEEK_END) || (len = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
		fclose(fp);
		return -1;
	}
	buf = malloc((size_t)len + 1);	/* +1: a NUL for text, and no malloc(0) */
	if (!buf || fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		free(buf);
		fclose(fp);
		errno = errno ? errno : EIO;
		return -1;
	}
	fclose(fp);
	buf[len] = '\0';
	*data = buf;
	*size = (size_t)len;
	return 0;
}

static void put_name(u8 *dst, const char *name)
{
	memcpy(dst, name, strnlen(name, PACK_NAME_LEN - 1));
}

static void put_entry(u8 *r, const struct mk_entry *e, u64 offset)
{
	put_name(r + PACK_ENT_NAME, e->name);
	st_le32(r + PACK_ENT_KIND, e->kind);
	st_le64(r + PACK_ENT_OFFSET, offset);
	st_le64(r + PACK_ENT_SIZE_F, e->size);
	st_le32(r + PACK_ENT_CRC, crc32(e->data, e->size));
}

static void put_template(u8 *r, const struct mk_template *t)
{
	u8 *d;
	u32 i;

	put_name(r + PACK_TPL_NAME, t->name);
	st_le32(r + PACK_TPL_OS, t->os);
	st_le32(r + PACK_TPL_FLAGS, t->flags);
	put_name(r + PACK_TPL_KERNEL, t->ref[MK_KERNEL]);
	put_name(r + PACK_TPL_INITRD, t->ref[MK_INITRD]);
	put_name(r + PACK_TPL_DTB, t->ref[MK_DTB]);
	st_le64(r + PACK_TPL_MEM_SIZE, t->mem_size);
	st_le64(r + PACK_TPL_LOAD_ADDR, t->load_addr);
	st_le64(r + PACK_TPL_RAM_BASE, t->ram_base);
	st_le64(r + PACK_TPL_PCPU_MASK, t->pcpu_mask);
	st_le32(r + PACK_TPL_VCPUS, t->vcpus);
	st_le32(r + PACK_TPL_PRIORITY, t->priority);
	memcpy(r + PACK_TPL_PCPU_PIN, t->pin, PACK_MAX_VCPUS);
	st_le32(r + PACK_TPL_DEV_COUNT, t->ndevs);
	for (i = 0; i < t->ndevs; i++) {
		d = r + PACK_TPL_DEVS + i * PACK_DEV_SIZE;
		st_le64(d + PACK_DEV_BASE, t->devs[i].base);
		st_le64(d + PACK_DEV_LEN, t->devs[i].size);
		st_le32(d + PACK_DEV_IRQ, t->devs[i].irq);
		st_le32(d + PACK_DEV_FLAGS, t->devs[i].flags);
	}
	memcpy(r + PACK_TPL_BOOTARGS, t->bootargs, strnlen(t->bootargs, PACK_BOOTARGS_LEN - 1));
}

static void put_shm(u8 *r, const struct mk_shm *s)
{
	put_name(r + PACK_SHM_NAME, s->name);
	st_le64(r + PACK_SHM_SIZE, s->size);
	st_le32(r + PACK_SHM_NMEMBERS, s->nmembers);
	memcpy(r + PACK_SHM_MEMBERS, s->member, PACK_SHM_MAX_PEERS);
}

static u32 shm_offset(const struct mk_pack *mp, u32 tmpl_off)
{
	return tmpl_off + mp->ntemplates * PACK_TPL_SIZE;
}

static void put_header(u8 *b, const struct mk_pack *mp, u64 total, u32 tmpl_off)
{
	u32 shm_off = shm_offset(mp, tmpl_off);
	u32 tables = shm_off + mp->nshm * PACK_SHM_REC_SIZE - PACK_HDR_SIZE;

	memcpy(b + PACK_HDR_MAGIC, PACK_MAGIC, PACK_MAGIC_LEN);
	st_le16(b + PACK_HDR_VERSION, PACK_VERSION);
	st_le16(b + PACK_HDR_HDR_SIZE, PACK_HDR_SIZE);
	st_le64(b + PACK_HDR_TOTAL_SIZE, total);
	st_le32(b + PACK_HDR_ENTRY_COUNT, mp->nentries);
	st_le32(b + PACK_HDR_ENTRY_OFF, PACK_HDR_SIZE);
	st_le32(b + PACK_HDR_TMPL_COUNT, mp->ntemplates);
	st_le32(b + PACK_HDR_TMPL_OFF, tmpl_off);
	st_le32(b + PACK_HDR_SHM_COUNT, mp->nshm);
	st_le32(b + PACK_HDR_SHM_OFF, shm_off);
	/* The tables are contiguous after the header, so one CRC run covers
	 * "entry table, template table, then shm table". */
	st_le32(b + PACK_HDR_TABLES_CRC, crc32(b + PACK_HDR_SIZE, tables));
	st_le32(b + PACK_HDR_CRC, crc32(b, PACK_HDR_CRC));
}

/*
 * Errors that only the built pack shows (pins outside pcpu_mask, devices
 * sharing an IRQ, a kernel too big for its memory...) used to come out
 * without a place. lib/pack and check_boot() start every template message
 * with "template 'NAME': ", so point at that template's [template] line.
 */
static void locate_error(const struct mk_pack *mp, char *err, size_t errlen)
{
	char msg[MK_ERR_LEN], prefix[PACK_NAME_LEN + 16];
	int line = 0;
	u32 i;

	if (!mp->fname || !errlen)
		return;
	snprintf(msg, sizeof(msg), "%s", err);
	for (i = 0; i < mp->ntemplates && !line; i++) {
		snprintf(prefix, sizeof(prefix), "template '%s': ", mp->tmpl[i].name);
		if (!strncmp(msg, prefix, strlen(prefix)))
			line = mp->tmpl[i].line;
	}
	if (line)
		snprintf(err, errlen, "%s:%d: %s", mp->fname, line, msg);
	else
		snprintf(err, errlen, "%s: %s", mp->fname, msg);
}

int mk_build(const struct mk_pack *mp, u8 **out, size_t *size, char *err, size_t errlen)
{
	u32 tmpl_off = PACK_HDR_SIZE + mp->nentries * PACK_ENT_SIZE;
	u64 off = ALIGN_UP((u64)shm_offset(mp, tmpl_off) + mp->nshm * PACK_SHM_REC_SIZE,
			   PACK_DATA_ALIGN);
	u64 total = off;
	u8 *b;
	u32 i;

	for (i = 0; i < mp->nentries; i++)
		total = ALIGN_UP(total, PACK_DATA_ALIGN) + mp->entries[i].size;
	b = calloc(1, (size_t)total);
	if (!b) {
		snprintf(err, errlen, "out of memory for a %llu-byte pack",
			 (unsigned long long)total);
		return -1;
	}
	for (i = 0; i < mp->nentries; i++) {
		off = ALIGN_UP(off, PACK_DATA_ALIGN);
		memcpy(b + off, mp->entries[i].data, mp->entries[i].size);
		put_entry(b + PACK_HDR_SIZE + i * PACK_ENT_SIZE, &mp->entries[i], off);
		off += mp->entries[i].size;
	}
	for (i = 0; i < mp->ntemplates; i++)
		put_template(b + tmpl_off + i * PACK_TPL_SIZE, &mp->tmpl[i]);
	for (i = 0; i < mp->nshm; i++)
		put_shm(b + shm_offset(mp, tmpl_off) + i * PACK_SHM_REC_SIZE, &mp->shm[i]);
	put_header(b, mp, total, tmpl_off);
	if (mk_check(b, (size_t)total, err, errlen)) {
		locate_error(mp, err, errlen);
		free(b);
		return -1;
	}
	*out = b;
	*size = (size_t)total;
	return 0;
}

/* Load template t into a dry-run VM of its own size, as the hypervisor will. */
static int check_boot(const struct pack *pk, const struct pack_template *t, void *scratch,
		      size_t scratch_size, char *err, size_t errlen)
{
	struct loader_ram ram = { .base = loader_vm_ram_base(t), .size = t->mem_size };
	struct vm_boot boot;
	char why[MK_ERR_LEN];

	if (!loader_boot_vm(pk, t, &ram, scratch, scratch_size, &boot, why, sizeof(why)))
		return 0;
	snprintf(err, errlen, "template '%s': %s", t->name, why);
	return -1;
}

int mk_check(const void *blob, size_t size, char *err, size_t errlen)
{
	size_t scratch_size = LOADER_DTB_MAX;
	u64 *scratch = malloc(scratch_size);	/* u64: the DTB writer wants 8-aligned */
	struct pack_template t;
	struct pack pk = { 0 };
	int ret = scratch ? 0 : -1;
	u32 i;

	if (!scratch)
		snprintf(err, errlen, "out of memory");
	else if (pack_open(&pk, blob, size, err, errlen))
		ret = -1;
	for (i = 0; !ret && i < pack_template_count(&pk); i++) {
		pack_get_template(&pk, i, &t);
		ret = check_boot(&pk, &t, scratch, scratch_size, err, errlen);
	}
	free(scratch);
	return ret;
}
