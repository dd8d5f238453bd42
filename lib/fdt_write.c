/*
 * Sequential DTB writer. Layout while building:
 *
 *   [header][reservations][structure ->      free      <- strings]
 *
 * The structure grows up from the front, the strings table down from the
 * end, so neither size has to be known in advance. Until fdt_w_finish()
 * moves the strings down behind the structure, a property's name offset
 * holds its distance from the END of the table; finish rewrites it.
 */
#include "fdt_priv.h"
#include <lib/fdt_write.h>
#include <lib/byteorder.h>
#include <lib/string.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define FDT_RSV_ENTRY 16

static int fail(struct fdt_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

/* Refuse every call after an error or after finish. */
static int usable(struct fdt_writer *w)
{
	return w->err ? w->err : w->finished ? fail(w, -EINVAL) : 0;
}

static u32 free_space(const struct fdt_writer *w)
{
	return w->size - w->strtab_len - w->pos;
}

/* Claim len bytes (rounded up to 4) of structure, zeroed; NULL: -ENOSPC. */
static u8 *reserve(struct fdt_writer *w, u32 len)
{
	u32 alen = ALIGN_UP(len, 4);
	u8 *p = w->buf + w->pos;

	/* len is checked too: alen wraps to 0 for len close to 4 GiB. */
	if (len > free_space(w) || alen > free_space(w)) {
		fail(w, -ENOSPC);
		return NULL;
	}
	memset(p, 0, alen);
	w->pos += alen;
	return p;
}

static int put_token(struct fdt_writer *w, u32 tag)
{
	u8 *p = reserve(w, 4);

	if (!p)
		return w->err;
	st_be32(p, tag);
	return 0;
}

int fdt_w_init(struct fdt_writer *w, void *buf, size_t size)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->size = (u32)MIN(size, (size_t)FDT_MAX_SIZE);
	w->pos = FDT_HDR_SIZE;
	if (!buf || ((uintptr_t)buf & 7))
		return fail(w, -EINVAL);
	if (size < FDT_HDR_SIZE)
		return fail(w, -ENOSPC);
	return 0;
}

int fdt_w_add_mem_rsv(struct fdt_writer *w, u64 addr, u64 size)
{
	int err = usable(w);
	u8 *p;

	if (err)
		return err;
	if (w->struct_off)
		return fail(w, -EINVAL);	/* reservations precede the structure */
	p = reserve(w, FDT_RSV_ENTRY);
	if (!p)
		return w->err;
	st_be64(p, addr);
	st_be64(p + 8, size);
	return 0;
}

/* Root must be "" and come once; other names are non-empty without '/'. */
static bool node_name_ok(const struct fdt_writer *w, const char *name)
{
	if (w->depth == 0)
		return !w->root_done && name[0] == '\0';
	return name[0] != '\0' && !strchr(name, '/') && w->depth < FDT_MAX_DEPTH;
}

/* The first node ends the reservation map with a zero entry. */
static int start_structure(struct fdt_writer *w)
{
	if (w->struct_off)
		return 0;
	if (!reserve(w, FDT_RSV_ENTRY))
		return w->err;
	w->struct_off = w->pos;
	return 0;
}

int fdt_w_begin_node(struct fdt_writer *w, const char *name)
{
	size_t len = strlen(name);
	int err = usable(w);
	u8 *p;

	if (!err && !node_name_ok(w, name))
		err = fail(w, -EINVAL);
	if (!err)
		err = start_structure(w);
	if (err)
		return err;
	p = len < FDT_MAX_SIZE ? reserve(w, 4 + (u32)len + 1) : NULL;
	if (!p)
		return fail(w, -ENOSPC);
	st_be32(p, FDT_BEGIN_NODE);
	memcpy(p + 4, name, len);	/* NUL and padding come zeroed */
	w->depth++;
	return 0;
}

int fdt_w_end_node(struct fdt_writer *w)
{
	int err = usable(w);

	if (!err && w->depth == 0)
		err = fail(w, -EINVAL);
	if (!err)
		err = put_token(w, FDT_END_NODE);
	if (err)
		return err;
	if (--w->depth == 0)
		w->root_done = true;
	return 0;
}

/* ---- properties -------------------------------------------------------- */

/* Existing copy of s (with its NUL) in the table: its distance from the
 * table end, or 0. Suffixes are shared too ("cells" inside "#size-cells"). */
static u32 find_string(const struct fdt_writer *w, const char *s, u32 n)
{
	const u8 *tab = w->buf + w->size - w->strtab_len;
	u32 i;

	for (i = 0; i + n <= w->strtab_len; i++)
		if (!memcmp(tab + i, s, n))
			return w->strtab_len - i;
	return 0;
}

/* Distance from the table end of name, adding it if new; 0 on -ENOSPC. */
static u32 string_ref(struct fdt_writer *w, const char *name)
{
	u32 n = (u32)strnlen(name, FDT_MAX_SIZE) + 1;
	u32 d = find_string(w, name, n);

	if (d)
		return d;
	if (n > free_space(w)) {
		fail(w, -ENOSPC);
		return 0;
	}
	w->strtab_len += n;
	memcpy(w->buf + w->size - w->strtab_len, name, n);
	return w->strtab_len;
}

/* Write a property header; returns where its len-byte value goes. */
static u8 *prop_begin(struct fdt_writer *w, const char *name, u32 len)
{
	u32 ref;
	u8 *p;

	if (usable(w))
		return NULL;
	if (w->depth == 0 || name[0] == '\0' || len > FDT_MAX_SIZE) {
		fail(w, -EINVAL);
		return NULL;
	}
	ref = string_ref(w, name);
	p = ref ? reserve(w, 12 + len) : NULL;
	if (!p)
		return NULL;
	st_be32(p, FDT_PROP);
	st_be32(p + 4, len);
	st_be32(p + 8, ref);
	return p + 12;
}

int fdt_w_prop(struct fdt_writer *w, const char *name, const void *val, u32 len)
{
	u8 *p = prop_begin(w, name, len);

	if (!p)
		return w->err;
	if (len)
		memcpy(p, val, len);
	return 0;
}

int fdt_w_prop_empty(struct fdt_writer *w, const char *name)
{
	return fdt_w_prop(w, name, NULL, 0);
}

int fdt_w_prop_u32(struct fdt_writer *w, const char *name, u32 v)
{
	u8 cell[4];

	st_be32(cell, v);
	return fdt_w_prop(w, name, cell, sizeof(cell));
}

int fdt_w_prop_u64(struct fdt_writer *w, const char *name, u64 v)
{
	u8 cells[8];

	st_be64(cells, v);
	return fdt_w_prop(w, name, cells, sizeof(cells));
}

int fdt_w_prop_string(struct fdt_writer *w, const char *name, const char *s)
{
	return fdt_w_prop(w, name, s, (u32)strlen(s) + 1);
}

int fdt_w_prop_stringlist(struct fdt_writer *w, const char *name, const char *const *strs,
			  int n)
{
	u32 len = 0, l;
	u8 *p;
	int i;

	for (i = 0; i < n; i++)
		len += (u32)strlen(strs[i]) + 1;
	p = prop_begin(w, name, len);
	for (i = 0; p && i < n; i++, p += l) {
		l = (u32)strlen(strs[i]) + 1;
		memcpy(p, strs[i], l);
	}
	return w->err;
}

int fdt_w_prop_cells(struct fdt_writer *w, const char *name, const u32 *cells, int n)
{
	u8 *p;
	int i;

	if (n < 0 || n > (int)(FDT_MAX_SIZE / 4))
		return fail(w, -EINVAL);
	p = prop_begin(w, name, 4 * (u32)n);
	for (i = 0; p && i < n; i++)
		st_be32(p + 4 * i, cells[i]);
	return w->err;
}

/* Store v as ncells big-endian cells (most significant first). */
static u8 *put_cells(u8 *p, int ncells, u64 v)
{
	int i, from_end;

	for (i = 0; i < ncells; i++) {
		from_end = ncells - 1 - i;	/* 0: low word, 1: high word */
		st_be32(p + 4 * i, from_end > 1 ? 0 : (u32)(v >> (32 * from_end)));
	}
	return p + 4 * ncells;
}

static bool fits_cells(u64 v, int ncells)
{
	return ncells >= 2 || (ncells == 1 ? v <= UINT32_MAX : v == 0);
}

int fdt_w_prop_reg(struct fdt_writer *w, int ac, int sc, const u64 *addr_size, int n)
{
	u8 *p;
	int i;

	if (ac < 1 || sc < 0 || ac > FDT_MAX_NCELLS || sc > FDT_MAX_NCELLS || n < 0 ||
	    n > (int)(FDT_MAX_SIZE / 32))
		return fail(w, -EINVAL);
	for (i = 0; i < n; i++)
		if (!fits_cells(addr_size[2 * i], ac) || !fits_cells(addr_size[2 * i + 1], sc))
			return fail(w, -ERANGE);
	p = prop_begin(w, "reg", 4 * (u32)(ac + sc) * (u32)n);
	for (i = 0; p && i < n; i++)
		p = put_cells(put_cells(p, ac, addr_size[2 * i]), sc, addr_size[2 * i + 1]);
	return w->err;
}

/* ---- copying from a reader --------------------------------------------- */

static int copy_token(struct fdt_writer *w, const struct fdt_token *t, int *level)
{
	switch (t->tag) {
	case FDT_BEGIN_NODE:
		++*level;
		return fdt_w_begin_node(w, t->name);
	case FDT_END_NODE:
		--*level;
		return fdt_w_end_node(w);
	case FDT_PROP:
		return fdt_w_prop(w, t->name, t->data, t->len);
	case FDT_NOP:
		return 0;
	default:
		return fail(w, -EBADMSG);	/* FDT_END inside a node */
	}
}

int fdt_w_copy_props(struct fdt_writer *w, const struct fdt *f, int node,
		     bool (*skip)(const char *name, const void *ctx), const void *ctx)
{
	const char *name;
	const void *val;
	int prop, len, err = 0;

	fdt_for_each_property(prop, f, node) {
		val = fdt_property_value(f, prop, &name, &len);
		if (val && !(skip && skip(name, ctx)))
			err = err ? err : fdt_w_prop(w, name, val, (u32)len);
	}
	return err;
}

int fdt_w_copy_node(struct fdt_writer *w, const struct fdt *f, int node)
{
	struct fdt_token t;
	int level = 0, off = node;
	int err = fdt_node_token(f, node, &t);

	while (!err) {
		err = fdt_token(f, off, &t);
		if (!err)
			err = copy_token(w, &t, &level);
		if (!err && level == 0)
			return 0;
		off = t.next;
	}
	return fail(w, err);
}

/* ---- finishing --------------------------------------------------------- */

/* Turn every property's distance-from-end into a real name offset. */
static void fix_name_offsets(struct fdt_writer *w, u32 end)
{
	u32 off = w->struct_off;
	u8 *p;

	while (off < end) {
		p = w->buf + off;
		switch (ld_be32(p)) {
		case FDT_BEGIN_NODE:
			off += 4 + ALIGN_UP((u32)strlen((const char *)p + 4) + 1, 4);
			break;
		case FDT_PROP:
			st_be32(p + 8, w->strtab_len - ld_be32(p + 8));
			off += 12 + ALIGN_UP(ld_be32(p + 4), 4);
			break;
		default:
			off += 4;
		}
	}
}

static void write_header(struct fdt_writer *w, u32 boot_cpuid)
{
	u8 *h = w->buf;

	st_be32(h + FDT_HDR_MAGIC, FDT_MAGIC);
	st_be32(h + FDT_HDR_TOTALSIZE, w->pos + w->strtab_len);
	st_be32(h + FDT_HDR_OFF_STRUCT, w->struct_off);
	st_be32(h + FDT_HDR_OFF_STRINGS, w->pos);
	st_be32(h + FDT_HDR_OFF_MEM_RSV, FDT_HDR_SIZE);
	st_be32(h + FDT_HDR_VERSION, 17);
	st_be32(h + FDT_HDR_LAST_COMP, 16);
	st_be32(h + FDT_HDR_BOOT_CPUID, boot_cpuid);
	st_be32(h + FDT_HDR_SIZE_STRINGS, w->strtab_len);
	st_be32(h + FDT_HDR_SIZE_STRUCT, w->pos - w->struct_off);
}

int fdt_w_finish(struct fdt_writer *w, u32 boot_cpuid)
{
	int err = usable(w);

	if (!err && (w->depth || !w->root_done))
		err = fail(w, -EINVAL);
	if (!err)
		err = put_token(w, FDT_END);
	if (err)
		return err;
	fix_name_offsets(w, w->pos);
	memmove(w->buf + w->pos, w->buf + w->size - w->strtab_len, w->strtab_len);
	write_header(w, boot_cpuid);
	w->finished = true;
	return (int)(w->pos + w->strtab_len);
}
