/*
 * Image pack reader: header, tables and entries. Templates are checked in
 * lib/pack_template.c. Each check names the exact field and values at
 * fault, since a rejected pack at boot has only this message to go on.
 */
#include "pack_priv.h"
#include <lib/byteorder_le.h>
#include <lib/crc32.h>
#include <lib/errmsg.h>
#include <lib/ctype.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <zvm/errno.h>

/* Region i of the pack: 0 header, 1 entry table, 2 template table,
 * 3 shm table, 4 + n entry n's data. Used by the overlap check and its
 * messages. */
#define REGION_ENTRY0 4

struct region {
	u64 start, end;
};

bool pack_all_zero(const u8 *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

static bool name_char_ok(char ch)
{
	return ch_isalpha(ch) || ch_isdigit(ch) || ch == '.' || ch == '_' || ch == '-' || ch == '+';
}

const char *pack_name_problem(const u8 *f, bool may_be_empty)
{
	size_t len = strnlen((const char *)f, PACK_NAME_LEN);
	size_t i;

	if (len == PACK_NAME_LEN)
		return "is not NUL-terminated";
	if (len == 0 && !may_be_empty)
		return "is empty";
	for (i = 0; i < len; i++)
		if (!name_char_ok((char)f[i]))
			return "has a character other than A-Z a-z 0-9 . _ + -";
	return NULL;
}

bool pack_name_ok(const char *name)
{
	u8 field[PACK_NAME_LEN] = { 0 };
	size_t len = strnlen(name, PACK_NAME_LEN);

	if (len == PACK_NAME_LEN)
		return false;
	memcpy(field, name, len);
	return !pack_name_problem(field, false);
}

const u8 *pack_entry_rec(const struct pack *p, u32 i)
{
	return p->blob + p->entry_off + (size_t)i * PACK_ENT_SIZE;
}

const u8 *pack_tmpl_rec(const struct pack *p, u32 i)
{
	return p->blob + p->tmpl_off + (size_t)i * PACK_TPL_SIZE;
}

const u8 *pack_shm_rec(const struct pack *p, u32 i)
{
	return p->blob + p->shm_off + (size_t)i * PACK_SHM_REC_SIZE;
}

/* ---- header ----------------------------------------------------------- */

static int check_header_fields(struct pack_ctx *c, const u8 *h, size_t avail)
{
	u32 crc = crc32(h, PACK_HDR_CRC), want = ld_le32(h + PACK_HDR_CRC);
	u64 total = ld_le64(h + PACK_HDR_TOTAL_SIZE);

	if (memcmp(h + PACK_HDR_MAGIC, PACK_MAGIC, PACK_MAGIC_LEN))
		return pack_bad(c, "bad magic: not a ZVM image pack");
	if (ld_le16(h + PACK_HDR_VERSION) != PACK_VERSION)
		return pack_bad(c, "unsupported version %u (this reader knows %u)",
				ld_le16(h + PACK_HDR_VERSION), PACK_VERSION);
	if (ld_le16(h + PACK_HDR_HDR_SIZE) != PACK_HDR_SIZE)
		return pack_bad(c, "header size %u, version %u has %u",
				ld_le16(h + PACK_HDR_HDR_SIZE), PACK_VERSION, PACK_HDR_SIZE);
	if (crc != want)
		return pack_bad(c, "header checksum 0x%08x does not match the header (0x%08x)",
				want, crc);
	if (ld_le32(h + PACK_HDR_FLAGS))
		return pack_bad(c, "unknown header flags 0x%x", ld_le32(h + PACK_HDR_FLAGS));
	if (!pack_all_zero(h + PACK_HDR_RESERVED, PACK_HDR_CRC - PACK_HDR_RESERVED))
		return pack_bad(c, "reserved header bytes are not zero");
	if (total < PACK_HDR_SIZE)
		return pack_bad(c, "total size %llu is smaller than the header",
				(unsigned long long)total);
	if (total > avail)
		return pack_bad(c, "truncated: the header says %llu bytes, only %zu present",
				(unsigned long long)total, avail);
	return 0;
}

/* One table: count records of recsize at off, inside the pack. */
static int check_table(struct pack_ctx *c, const char *what, u32 count, u32 max, u32 off,
		       u32 recsize)
{
	u64 end = (u64)off + (u64)count * recsize;

	/* Not "%u %ss": that made "65 entrys". */
	if (count > max)
		return pack_bad(c, "%u %s records, at most %u", count, what, max);
	if (off % PACK_ALIGN)
		return pack_bad(c, "%s table offset 0x%x is not %u-byte aligned", what, off,
				PACK_ALIGN);
	if (end > c->p->size)
		return pack_bad(c, "%s table [0x%x,0x%llx) lies outside the pack (%llu bytes)",
				what, off, (unsigned long long)end,
				(unsigned long long)c->p->size);
	return 0;
}

static int check_header(struct pack_ctx *c, const u8 *blob, size_t avail)
{
	struct pack *p = c->p;
	u32 crc;
	int err;

	if (avail < PACK_HDR_SIZE)
		return pack_bad(c, "truncated: %zu bytes, the header alone has %u", avail,
				PACK_HDR_SIZE);
	err = check_header_fields(c, blob, avail);
	if (err)
		return err;
	p->size = ld_le64(blob + PACK_HDR_TOTAL_SIZE);
	p->nentries = ld_le32(blob + PACK_HDR_ENTRY_COUNT);
	p->entry_off = ld_le32(blob + PACK_HDR_ENTRY_OFF);
	p->ntemplates = ld_le32(blob + PACK_HDR_TMPL_COUNT);
	p->tmpl_off = ld_le32(blob + PACK_HDR_TMPL_OFF);
	p->nshm = ld_le32(blob + PACK_HDR_SHM_COUNT);
	p->shm_off = ld_le32(blob + PACK_HDR_SHM_OFF);
	err = check_table(c, "entry", p->nentries, PACK_MAX_ENTRIES, p->entry_off,
			  PACK_ENT_SIZE);
	if (!err)
		err = check_table(c, "template", p->ntemplates, PACK_MAX_TEMPLATES, p->tmpl_off,
				  PACK_TPL_SIZE);
	if (!err)
		err = check_table(c, "shm", p->nshm, PACK_MAX_SHM, p->shm_off, PACK_SHM_REC_SIZE);
	if (err)
		return err;
	crc = crc32(pack_entry_rec(p, 0), (size_t)p->nentries * PACK_ENT_SIZE);
	crc = crc32_update(crc, pack_tmpl_rec(p, 0), (size_t)p->ntemplates * PACK_TPL_SIZE);
	crc = crc32_update(crc, pack_shm_rec(p, 0), (size_t)p->nshm * PACK_SHM_REC_SIZE);
	if (crc != ld_le32(blob + PACK_HDR_TABLES_CRC))
		return pack_bad(c, "table checksum 0x%08x does not match the tables (0x%08x)",
				ld_le32(blob + PACK_HDR_TABLES_CRC), crc);
	return 0;
}

/* ---- entries ---------------------------------------------------------- */

static void decode_entry(const struct pack *p, u32 i, struct pack_entry *e)
{
	const u8 *r = pack_entry_rec(p, i);

	e->name = (const char *)r + PACK_ENT_NAME;
	e->kind = (enum pack_kind)ld_le32(r + PACK_ENT_KIND);
	e->offset = ld_le64(r + PACK_ENT_OFFSET);
	e->size = ld_le64(r + PACK_ENT_SIZE_F);
	e->crc = ld_le32(r + PACK_ENT_CRC);
	e->data = p->blob + e->offset;
}

/* Fields of entry i that can be checked on their own (not its data). */
static int check_entry_fields(struct pack_ctx *c, u32 i)
{
	const u8 *r = pack_entry_rec(c->p, i);
	const char *why = pack_name_problem(r + PACK_ENT_NAME, false);
	struct pack_entry e;

	if (why)
		return pack_bad(c, "entry %u: name %s", i, why);
	decode_entry(c->p, i, &e);
	if (e.kind < PACK_KIND_ELF || e.kind > PACK_KIND_MAX)
		return pack_bad(c, "entry '%s': unknown kind %u", e.name, (u32)e.kind);
	if (ld_le32(r + PACK_ENT_FLAGS))
		return pack_bad(c, "entry '%s': unknown flags 0x%x", e.name,
				ld_le32(r + PACK_ENT_FLAGS));
	if (!pack_all_zero(r + PACK_ENT_RESERVED, PACK_ENT_SIZE - PACK_ENT_RESERVED))
		return pack_bad(c, "entry '%s': reserved bytes are not zero", e.name);
	if (e.size == 0)
		return pack_bad(c, "entry '%s': size is 0", e.name);
	if (e.offset % PACK_ALIGN)
		return pack_bad(c, "entry '%s': offset 0x%llx is not %u-byte aligned", e.name,
				(unsigned long long)e.offset, PACK_ALIGN);
	if (e.offset > c->p->size || e.size > c->p->size - e.offset)
		return pack_bad(c, "entry '%s': data at 0x%llx size 0x%llx lies outside the pack (%llu bytes)",
				e.name, (unsigned long long)e.offset, (unsigned long long)e.size,
				(unsigned long long)c->p->size);
	return 0;
}

static struct region region_of(const struct pack *p, u32 i)
{
	struct pack_entry e;

	switch (i) {
	case 0:
		return (struct region){ 0, PACK_HDR_SIZE };
	case 1:
		return (struct region){ p->entry_off,
					p->entry_off + (u64)p->nentries * PACK_ENT_SIZE };
	case 2:
		return (struct region){ p->tmpl_off,
					p->tmpl_off + (u64)p->ntemplates * PACK_TPL_SIZE };
	case 3:
		return (struct region){ p->shm_off,
					p->shm_off + (u64)p->nshm * PACK_SHM_REC_SIZE };
	default:
		decode_entry(p, i - REGION_ENTRY0, &e);
		return (struct region){ e.offset, e.offset + e.size };
	}
}

/* "the header", "the entry table", "entry 'x'" for region i. */
static void region_name(const struct pack *p, u32 i, char *buf, size_t len)
{
	static const char *const fixed[] = { "the header", "the entry table",
					     "the template table", "the shm table" };

	if (i < REGION_ENTRY0)
		fmt_snprintf(buf, len, "%s", fixed[i]);
	else
		fmt_snprintf(buf, len, "entry '%s'",
			     (const char *)pack_entry_rec(p, i - REGION_ENTRY0) + PACK_ENT_NAME);
}

static int overlap_error(struct pack_ctx *c, u32 i, u32 j, struct region a)
{
	char na[PACK_NAME_LEN + 16], nb[PACK_NAME_LEN + 16];

	region_name(c->p, i, na, sizeof(na));
	region_name(c->p, j, nb, sizeof(nb));
	return pack_bad(c, "%s [0x%llx,0x%llx) overlaps %s", na, (unsigned long long)a.start,
			(unsigned long long)a.end, nb);
}

/* Region i against every region before it; empty regions overlap nothing. */
static int check_overlaps(struct pack_ctx *c, u32 i)
{
	struct region a = region_of(c->p, i), b;
	u32 j;

	for (j = 0; j < i && a.start < a.end; j++) {
		b = region_of(c->p, j);
		if (b.start < b.end && a.start < b.end && b.start < a.end)
			return overlap_error(c, i, j, a);
	}
	return 0;
}

static int check_entry(struct pack_ctx *c, u32 i)
{
	struct pack_entry e;
	u32 j, crc;
	int err = check_entry_fields(c, i);

	if (err)
		return err;
	decode_entry(c->p, i, &e);
	for (j = 0; j < i; j++)
		if (!strcmp(e.name, (const char *)pack_entry_rec(c->p, j) + PACK_ENT_NAME))
			return pack_bad(c, "duplicate entry name '%s' (entries %u and %u)", e.name,
					j, i);
	err = check_overlaps(c, REGION_ENTRY0 + i);
	if (err)
		return err;
	crc = crc32(e.data, (size_t)e.size);
	if (crc != e.crc)
		return pack_bad(c, "entry '%s': checksum 0x%08x does not match its data (0x%08x)",
				e.name, e.crc, crc);
	return 0;
}

int pack_open(struct pack *p, const void *blob, size_t size, char *err, size_t errlen)
{
	struct pack_ctx c = { .p = p, .err = err, .errlen = errlen };
	int ret;
	u32 i;

	errmsg_clear(err, errlen);
	if (!p || !blob)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->blob = blob;
	ret = check_header(&c, blob, size);
	for (i = 1; !ret && i < REGION_ENTRY0; i++)
		ret = check_overlaps(&c, i);
	for (i = 0; !ret && i < p->nentries; i++)
		ret = check_entry(&c, i);
	if (!ret)
		ret = pack_check_templates(&c);
	if (!ret)
		ret = pack_check_shms(&c);
	if (ret)
		memset(p, 0, sizeof(*p));
	return ret;
}

/* ---- entry accessors -------------------------------------------------- */

u32 pack_entry_count(const struct pack *p)
{
	return p->nentries;
}

int pack_get_entry(const struct pack *p, u32 index, struct pack_entry *e)
{
	if (index >= p->nentries)
		return -ENOENT;
	decode_entry(p, index, e);
	return 0;
}

int pack_entry_index(const struct pack *p, const char *name)
{
	u32 i;

	for (i = 0; i < p->nentries; i++)
		if (!strcmp(name, (const char *)pack_entry_rec(p, i) + PACK_ENT_NAME))
			return (int)i;
	return -ENOENT;
}

int pack_find_entry(const struct pack *p, const char *name, struct pack_entry *e)
{
	int i = pack_entry_index(p, name);

	return i < 0 ? i : pack_get_entry(p, (u32)i, e);
}
