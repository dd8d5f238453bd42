/* Device tree properties: lookup, typed accessors, string lists, reg. */
#include "fdt_priv.h"
#include <lib/byteorder.h>
#include <lib/string.h>
#include <zvm/errno.h>

/* First FDT_PROP at or after off, skipping NOPs; -ENOENT at a node edge. */
static int prop_from(const struct fdt *f, int off)
{
	struct fdt_token t;
	int err;

	for (;; off = t.next) {
		err = fdt_token(f, off, &t);
		if (err)
			return err;
		if (t.tag == FDT_PROP)
			return off;
		if (t.tag != FDT_NOP)
			return -ENOENT;
	}
}

int fdt_first_property(const struct fdt *f, int node)
{
	struct fdt_token t;
	int err = fdt_node_token(f, node, &t);

	return err ? err : prop_from(f, t.next);
}

int fdt_next_property(const struct fdt *f, int prop)
{
	struct fdt_token t;
	int err = fdt_prop_token(f, prop, &t);

	return err ? err : prop_from(f, t.next);
}

const void *fdt_property_value(const struct fdt *f, int prop, const char **name, int *lenp)
{
	struct fdt_token t;
	int err = fdt_prop_token(f, prop, &t);

	if (lenp)
		*lenp = err ? err : (int)t.len;
	if (err)
		return NULL;
	if (name)
		*name = t.name;
	return t.data;
}

const void *fdt_getprop_namelen(const struct fdt *f, int node, const char *name,
				size_t namelen, int *lenp)
{
	const char *pname = "";
	const void *val;
	int prop, len;

	fdt_for_each_property(prop, f, node) {
		val = fdt_property_value(f, prop, &pname, &len);
		if (val && strlen(pname) == namelen && !memcmp(pname, name, namelen)) {
			if (lenp)
				*lenp = len;
			return val;
		}
	}
	if (lenp)
		*lenp = prop;	/* the error that ended the walk */
	return NULL;
}

const void *fdt_getprop(const struct fdt *f, int node, const char *name, int *lenp)
{
	return fdt_getprop_namelen(f, node, name, strlen(name), lenp);
}

/* Property value of at least min bytes; the error otherwise. */
static const void *getprop_min(const struct fdt *f, int node, const char *name, int min,
			       int *lenp)
{
	const void *val = fdt_getprop(f, node, name, lenp);

	if (val && *lenp < min) {
		*lenp = -EBADMSG;
		return NULL;
	}
	return val;
}

int fdt_getprop_u32(const struct fdt *f, int node, const char *name, u32 *out)
{
	int len;
	const u8 *val = getprop_min(f, node, name, 4, &len);

	if (!val)
		return len;
	if (len != 4)
		return -EBADMSG;
	*out = ld_be32(val);
	return 0;
}

int fdt_getprop_u64(const struct fdt *f, int node, const char *name, u64 *out)
{
	int len;
	const u8 *val = getprop_min(f, node, name, 4, &len);

	if (!val)
		return len;
	if (len != 4 && len != 8)
		return -EBADMSG;
	*out = len == 4 ? ld_be32(val) : ld_be64(val);
	return 0;
}

int fdt_getprop_cell(const struct fdt *f, int node, const char *name, int index, u32 *out)
{
	int len;
	const u8 *val = fdt_getprop(f, node, name, &len);

	if (!val)
		return len;
	if (index < 0 || index >= len / 4)
		return -ERANGE;
	*out = ld_be32(val + 4 * index);
	return 0;
}

const char *fdt_getprop_string(const struct fdt *f, int node, const char *name)
{
	int len;
	const char *val = getprop_min(f, node, name, 1, &len);

	/* The string must end exactly at the end of the value. */
	return val && val[len - 1] == '\0' ? val : NULL;
}

/* ---- string lists ------------------------------------------------------ */

/* Take the next string of a list; NULL at the end or an unterminated tail. */
static const char *strlist_next(const char **list, int *len)
{
	const char *s = *list;
	size_t n;

	if (*len <= 0)
		return NULL;
	n = strnlen(s, (size_t)*len);
	if (n == (size_t)*len)
		return NULL;
	*list += n + 1;
	*len -= (int)n + 1;
	return s;
}

bool fdt_stringlist_contains(const char *list, int len, const char *str)
{
	const char *s;

	while ((s = strlist_next(&list, &len)) != NULL)
		if (!strcmp(s, str))
			return true;
	return false;
}

int fdt_stringlist_count(const struct fdt *f, int node, const char *name)
{
	int len, count = 0;
	const char *list = fdt_getprop(f, node, name, &len);

	if (!list)
		return len;
	while (strlist_next(&list, &len))
		count++;
	return count;
}

const char *fdt_stringlist_get(const struct fdt *f, int node, const char *name, int index)
{
	int len;
	const char *list = fdt_getprop(f, node, name, &len);
	const char *s = NULL;

	while (list && index-- >= 0)
		if ((s = strlist_next(&list, &len)) == NULL)
			break;
	return s;
}

int fdt_node_check_compatible(const struct fdt *f, int node, const char *compat)
{
	int len;
	const char *list = fdt_getprop(f, node, "compatible", &len);

	if (!list)
		return len;
	return fdt_stringlist_contains(list, len, compat) ? 0 : 1;
}

int fdt_node_offset_by_compatible(const struct fdt *f, int start, const char *compat)
{
	int node = start < 0 ? f->root : fdt_next_node(f, start, NULL);

	while (node >= 0 && fdt_node_check_compatible(f, node, compat) != 0)
		node = fdt_next_node(f, node, NULL);
	return node;
}

bool fdt_node_is_enabled(const struct fdt *f, int node)
{
	int len;
	const char *status;

	if (!fdt_getprop(f, node, "status", &len))
		return len == -ENOENT;
	status = fdt_getprop_string(f, node, "status");
	return status && (!strcmp(status, "okay") || !strcmp(status, "ok"));
}

/* ---- phandles ---------------------------------------------------------- */

u32 fdt_get_phandle(const struct fdt *f, int node)
{
	u32 ph;

	if (fdt_getprop_u32(f, node, "phandle", &ph) &&
	    fdt_getprop_u32(f, node, "linux,phandle", &ph))
		return 0;
	return ph == UINT32_MAX ? 0 : ph;	/* -1 is not a valid phandle */
}

int fdt_find_phandle(const struct fdt *f, u32 ph)
{
	int node = f->root;

	if (ph == 0 || ph == UINT32_MAX)
		return -EINVAL;
	while (node >= 0 && fdt_get_phandle(f, node) != ph)
		node = fdt_next_node(f, node, NULL);
	return node;
}

/* ---- cells and reg ----------------------------------------------------- */

static int cells_prop(const struct fdt *f, int node, const char *name, int dflt)
{
	u32 v;
	int err = fdt_getprop_u32(f, node, name, &v);

	if (err)
		return err == -ENOENT ? dflt : err;
	return v > FDT_MAX_NCELLS ? -EBADMSG : (int)v;
}

int fdt_address_cells(const struct fdt *f, int node)
{
	return cells_prop(f, node, "#address-cells", 2);
}

int fdt_size_cells(const struct fdt *f, int node)
{
	return cells_prop(f, node, "#size-cells", 1);
}

int fdt_read_cells(const void *cells, int ncells, u64 *out)
{
	const u8 *p = cells;
	u64 v = 0;

	for (; ncells > 0; ncells--, p += 4) {
		if (v >> 32)
			return -ERANGE;
		v = v << 32 | ld_be32(p);
	}
	*out = v;
	return 0;
}

/* Locate node's reg and the size in bytes of one (address, size) entry. */
static const u8 *reg_layout(const struct fdt *f, int node, int *ac, int *sc, int *lenp)
{
	int parent = fdt_parent_offset(f, node);

	*lenp = parent;
	if (parent < 0)
		return NULL;
	*ac = fdt_address_cells(f, parent);
	*sc = fdt_size_cells(f, parent);
	if (*ac <= 0 || *sc < 0) {
		*lenp = *ac < 0 ? *ac : *sc < 0 ? *sc : -EBADMSG;
		return NULL;
	}
	return fdt_getprop(f, node, "reg", lenp);
}

int fdt_reg_count(const struct fdt *f, int node)
{
	int ac, sc, len;
	int entry;

	if (!reg_layout(f, node, &ac, &sc, &len))
		return len;
	entry = 4 * (ac + sc);
	return len % entry ? -EBADMSG : len / entry;
}

int fdt_get_reg(const struct fdt *f, int node, int index, u64 *addr, u64 *size)
{
	int ac, sc, len;
	const u8 *reg = reg_layout(f, node, &ac, &sc, &len);
	int entry, err;

	if (!reg)
		return len;
	entry = 4 * (ac + sc);
	if (index < 0 || index >= len / entry)
		return -ENOENT;
	reg += index * entry;
	err = fdt_read_cells(reg, ac, addr);
	return err ? err : fdt_read_cells(reg + 4 * ac, sc, size);
}
