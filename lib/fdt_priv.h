/* Internal to the lib/fdt*.c reader: decoded structure block tokens. */
#ifndef LIB_FDT_PRIV_H
#define LIB_FDT_PRIV_H

#include <lib/fdt.h>

struct fdt_token {
	u32 tag;		/* FDT_BEGIN_NODE, FDT_PROP, ... */
	int next;		/* offset of the following token */
	const char *name;	/* node name or property name */
	const u8 *data;		/* property value */
	u32 len;		/* property value length, or node name length */
	const char *why;	/* what is wrong, when decoding failed */
};

/*
 * Decode the token at offset off of the structure block, checking that it
 * and everything it points to (name, value, strings entry) lie inside the
 * blob. -EINVAL for an offset outside the block or not 4-aligned, -EBADMSG
 * for a malformed token; t->why describes either.
 */
int fdt_token(const struct fdt *f, int off, struct fdt_token *t);
/* fdt_token() that also requires a FDT_BEGIN_NODE. The offset is the
 * caller's (the blob was validated), so any failure is -EINVAL. */
int fdt_node_token(const struct fdt *f, int node, struct fdt_token *t);
/* Same for FDT_PROP. */
int fdt_prop_token(const struct fdt *f, int prop, struct fdt_token *t);

#endif
