/*
 * DTB header validation and structure block token decoding. fdt_open()
 * checks everything once, with a message for the first problem; the token
 * decoder still bounds-checks on every later access, so an offset that a
 * caller made up can never read outside the blob either.
 */
#include "fdt_priv.h"
#include <lib/byteorder.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define FDT_V16_HDR_SIZE 36	/* v16 lacks size_dt_struct */
#define FDT_RSV_ENTRY 16	/* u64 address, u64 size */

static u32 hdr(const u8 *blob, u32 field)
{
	return ld_be32(blob + field);
}

/* Record why fdt_open() failed; returns err for a tail call. */
static int __printf(3, 4) reject(struct fdt *f, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(f->errmsg, sizeof(f->errmsg), fmt, ap);
	va_end(ap);
	return err;
}

/* ---- token decoding ---------------------------------------------------- */

static const u8 *struct_at(const struct fdt *f, u32 off)
{
	return f->blob + f->off_struct + off;
}

static int bad(struct fdt_token *t, int err, const char *why)
{
	t->why = why;
	return err;
}

static int decode_begin(const struct fdt *f, int off, struct fdt_token *t)
{
	u32 start = (u32)off + 4;
	const u8 *name = struct_at(f, start);
	const u8 *nul = memchr(name, '\0', f->size_struct - start);

	if (!nul)
		return bad(t, -EBADMSG, "unterminated node name");
	t->name = (const char *)name;
	t->len = (u32)(nul - name);
	t->next = (int)(start + ALIGN_UP(t->len + 1, 4));
	return 0;
}

/* Property name: a NUL-terminated string inside the strings block. */
static int decode_prop_name(const struct fdt *f, u32 nameoff, struct fdt_token *t)
{
	const u8 *s = f->blob + f->off_strings + nameoff;

	if (nameoff >= f->size_strings)
		return bad(t, -EBADMSG, "property name offset outside strings block");
	if (!memchr(s, '\0', f->size_strings - nameoff))
		return bad(t, -EBADMSG, "unterminated property name");
	t->name = (const char *)s;
	return 0;
}

static int decode_prop(const struct fdt *f, int off, struct fdt_token *t)
{
	u64 end;

	if ((u64)off + 12 > f->size_struct)
		return bad(t, -EBADMSG, "truncated property header");
	t->len = ld_be32(struct_at(f, (u32)off + 4));
	end = (u64)off + 12 + t->len;
	if (end > f->size_struct)
		return bad(t, -EBADMSG, "property value runs past structure block");
	t->data = struct_at(f, (u32)off + 12);
	t->next = (int)ALIGN_UP(end, 4);
	return decode_prop_name(f, ld_be32(struct_at(f, (u32)off + 8)), t);
}

int fdt_token(const struct fdt *f, int off, struct fdt_token *t)
{
	if (off < 0 || (off & 3) || (u32)off + 4 > f->size_struct)
		return bad(t, -EINVAL, "token offset outside structure block");
	t->tag = ld_be32(struct_at(f, (u32)off));
	switch (t->tag) {
	case FDT_BEGIN_NODE:
		return decode_begin(f, off, t);
	case FDT_PROP:
		return decode_prop(f, off, t);
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		t->next = off + 4;
		return 0;
	default:
		return bad(t, -EBADMSG, "unknown token");
	}
}

/*
 * The offset comes from a caller and the blob was validated by fdt_open(),
 * so whatever is wrong here is the offset: always -EINVAL.
 */
static int token_of_kind(const struct fdt *f, int off, struct fdt_token *t, u32 tag)
{
	if (fdt_token(f, off, t) || t->tag != tag)
		return bad(t, -EINVAL, "offset is not a node/property");
	return 0;
}

int fdt_node_token(const struct fdt *f, int node, struct fdt_token *t)
{
	return token_of_kind(f, node, t, FDT_BEGIN_NODE);
}

int fdt_prop_token(const struct fdt *f, int prop, struct fdt_token *t)
{
	return token_of_kind(f, prop, t, FDT_PROP);
}

/* ---- validation -------------------------------------------------------- */

static u32 hdr_size(const struct fdt *f)
{
	return f->version >= 17 ? FDT_HDR_SIZE : FDT_V16_HDR_SIZE;
}

static int check_header(struct fdt *f, size_t avail)
{
	const u8 *b = f->blob;

	if (avail < FDT_HDR_SIZE)
		return reject(f, -EBADMSG, "buffer of %zu bytes is smaller than a header", avail);
	if (hdr(b, FDT_HDR_MAGIC) != FDT_MAGIC)
		return reject(f, -EBADMSG, "bad magic 0x%x (expected 0x%x)", hdr(b, FDT_HDR_MAGIC),
			      FDT_MAGIC);
	f->version = hdr(b, FDT_HDR_VERSION);
	if (f->version < 16)
		return reject(f, -EBADMSG, "version %u is older than 16", f->version);
	if (hdr(b, FDT_HDR_LAST_COMP) > 17)
		return reject(f, -EBADMSG, "last compatible version %u is newer than 17",
			      hdr(b, FDT_HDR_LAST_COMP));
	f->totalsize = hdr(b, FDT_HDR_TOTALSIZE);
	if (f->totalsize > avail)
		return reject(f, -EBADMSG, "totalsize %u exceeds buffer %zu", f->totalsize, avail);
	if (f->totalsize < hdr_size(f) || f->totalsize > FDT_MAX_SIZE)
		return reject(f, -EBADMSG, "implausible totalsize %u", f->totalsize);
	return 0;
}

/* A block must lie between the header and totalsize. */
static int check_block(struct fdt *f, const char *what, u32 off, u32 size, u32 align)
{
	if (off % align)
		return reject(f, -EBADMSG, "%s block offset 0x%x not %u-byte aligned", what, off,
			      align);
	if (off < hdr_size(f) || (u64)off + size > f->totalsize)
		return reject(f, -EBADMSG, "%s block 0x%x+0x%x outside totalsize 0x%x", what, off,
			      size, f->totalsize);
	return 0;
}

static int check_blocks(struct fdt *f)
{
	const u8 *b = f->blob;
	int err;

	f->off_struct = hdr(b, FDT_HDR_OFF_STRUCT);
	f->off_strings = hdr(b, FDT_HDR_OFF_STRINGS);
	f->size_strings = hdr(b, FDT_HDR_SIZE_STRINGS);
	f->off_mem_rsv = hdr(b, FDT_HDR_OFF_MEM_RSV);
	/* v16 has no struct size: the block may run to the end of the blob. */
	f->size_struct = f->version >= 17 ? hdr(b, FDT_HDR_SIZE_STRUCT) : 0;
	if (f->version < 17 && f->off_struct < f->totalsize)
		f->size_struct = f->totalsize - f->off_struct;
	err = check_block(f, "structure", f->off_struct, f->size_struct, 4);
	if (!err)
		err = check_block(f, "strings", f->off_strings, f->size_strings, 1);
	if (!err)
		err = check_block(f, "reservation", f->off_mem_rsv, 0, 8);
	return err;
}

/* The reservation map is a list of entries ended by a zero address+size. */
static int check_mem_rsv(struct fdt *f)
{
	u32 off = f->off_mem_rsv;
	const u8 *e;

	for (f->num_mem_rsv = 0;; f->num_mem_rsv++, off += FDT_RSV_ENTRY) {
		if ((u64)off + FDT_RSV_ENTRY > f->totalsize)
			return reject(f, -EBADMSG, "reservation map has no terminating entry");
		e = f->blob + off;
		if (ld_be64(e) == 0 && ld_be64(e + 8) == 0)
			return 0;
	}
}

/* Nesting rules for one token at the given depth; NULL when it is fine. */
static const char *nesting_error(u32 tag, int depth, bool root_seen)
{
	switch (tag) {
	case FDT_BEGIN_NODE:
		if (depth == 0 && root_seen)
			return "second root node";
		return depth >= FDT_MAX_DEPTH ? "nodes nested too deeply" : NULL;
	case FDT_END_NODE:
		return depth == 0 ? "END_NODE without a node" : NULL;
	case FDT_PROP:
		return depth == 0 ? "property outside any node" : NULL;
	case FDT_END:
		return depth || !root_seen ? "FDT_END inside a node or before the root" : NULL;
	default:
		return NULL;
	}
}

static int struct_error(struct fdt *f, int off, const char *why)
{
	return reject(f, -EBADMSG, "structure block offset 0x%x: %s", off, why);
}

/* Walk every token once: well-formed, balanced, one root, FDT_END. */
static int check_struct(struct fdt *f)
{
	struct fdt_token t;
	int off = 0, depth = 0;
	const char *why;

	f->root = -1;
	for (;; off = t.next) {
		if ((u32)off >= f->size_struct)
			return struct_error(f, off, "missing FDT_END");
		if (fdt_token(f, off, &t))
			return struct_error(f, off, t.why);
		why = nesting_error(t.tag, depth, f->root >= 0);
		if (why)
			return struct_error(f, off, why);
		if (t.tag == FDT_END)
			return 0;
		if (t.tag == FDT_BEGIN_NODE && depth++ == 0)
			f->root = off;
		if (t.tag == FDT_END_NODE)
			depth--;
	}
}

int fdt_open(struct fdt *f, const void *blob, size_t avail)
{
	int err;

	memset(f, 0, sizeof(*f));
	f->blob = blob;
	f->root = -1;
	if (!blob)
		return reject(f, -EINVAL, "no blob");
	if ((uintptr_t)blob & 7)
		return reject(f, -EINVAL, "blob at %p is not 8-byte aligned", blob);
	err = check_header(f, avail);
	if (!err)
		err = check_blocks(f);
	if (!err)
		err = check_mem_rsv(f);
	if (!err)
		err = check_struct(f);
	if (!err)
		f->boot_cpuid = hdr(f->blob, FDT_HDR_BOOT_CPUID);
	return err;
}

const char *fdt_errmsg(const struct fdt *f)
{
	return f->errmsg[0] ? f->errmsg : "no error";
}

u32 fdt_header_totalsize(const void *blob)
{
	if (hdr(blob, FDT_HDR_MAGIC) != FDT_MAGIC)
		return 0;
	return hdr(blob, FDT_HDR_TOTALSIZE);
}

u32 fdt_totalsize(const struct fdt *f)
{
	return f->totalsize;
}

u32 fdt_boot_cpuid(const struct fdt *f)
{
	return f->boot_cpuid;
}

int fdt_root(const struct fdt *f)
{
	return f->root;
}

int fdt_num_mem_rsv(const struct fdt *f)
{
	return (int)f->num_mem_rsv;
}

int fdt_get_mem_rsv(const struct fdt *f, int index, u64 *addr, u64 *size)
{
	const u8 *e;

	if (index < 0 || (u32)index >= f->num_mem_rsv)
		return -ENOENT;
	e = f->blob + f->off_mem_rsv + (u32)index * FDT_RSV_ENTRY;
	*addr = ld_be64(e);
	*size = ld_be64(e + 8);
	return 0;
}
