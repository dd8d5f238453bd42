/*
 * Flattened device tree (DTB) reader: lib/fdt.c (header checks, token
 * decoding), lib/fdt_walk.c (nodes, paths), lib/fdt_prop.c (properties).
 *
 * Every access is bounds-checked against the blob, so a corrupt or truncated
 * DTB produces an error, never an out-of-bounds read. fdt_open() validates
 * the header, the memory reservation map and the whole structure block once
 * and explains a rejection in f->errmsg.
 *
 * Nodes and properties are named by their offset (int) in the structure
 * block, like libfdt; the root is fdt_root(). Functions returning int give
 * a non-negative offset/count/value or a negative error:
 *   -EBADMSG  the blob (or one property's encoding) is malformed
 *   -ENOENT   no such node, property or entry
 *   -EINVAL   an argument is wrong (e.g. an offset that is not a node)
 *   -ERANGE   a value does not fit the requested type
 * All multi-byte values in a DTB are big-endian; the accessors convert.
 * The blob must stay mapped and unchanged while a struct fdt refers to it.
 */
#ifndef LIB_FDT_H
#define LIB_FDT_H

#include <zvm/types.h>

#define FDT_MAGIC 0xd00dfeedU
#define FDT_MAX_DEPTH 32	/* deepest node nesting accepted */
#define FDT_MAX_NCELLS 4	/* largest #address-cells / #size-cells */
#define FDT_MAX_SIZE 0x10000000U	/* 256 MiB: keeps every offset an int */
#define FDT_ERRMSG_LEN 96

/* Structure block tokens. */
#define FDT_BEGIN_NODE 0x1
#define FDT_END_NODE 0x2
#define FDT_PROP 0x3
#define FDT_NOP 0x4
#define FDT_END 0x9

/* Header: ten big-endian u32 fields (v17), in this order. */
#define FDT_HDR_MAGIC 0
#define FDT_HDR_TOTALSIZE 4
#define FDT_HDR_OFF_STRUCT 8
#define FDT_HDR_OFF_STRINGS 12
#define FDT_HDR_OFF_MEM_RSV 16
#define FDT_HDR_VERSION 20
#define FDT_HDR_LAST_COMP 24
#define FDT_HDR_BOOT_CPUID 28
#define FDT_HDR_SIZE_STRINGS 32
#define FDT_HDR_SIZE_STRUCT 36
#define FDT_HDR_SIZE 40

struct fdt {
	const u8 *blob;
	u32 totalsize;
	u32 version;
	u32 boot_cpuid;
	u32 off_struct, size_struct;
	u32 off_strings, size_strings;
	u32 off_mem_rsv, num_mem_rsv;
	int root;			/* offset of the root node */
	char errmsg[FDT_ERRMSG_LEN];	/* why fdt_open() failed, or "" */
};

/* ---- blob ------------------------------------------------------------- */

/*
 * Validate the DTB at blob (8-byte aligned, at most avail bytes readable)
 * and attach f to it. On failure returns -EBADMSG (or -EINVAL for bad
 * arguments) and f->errmsg says what is wrong.
 */
int fdt_open(struct fdt *f, const void *blob, size_t avail);
/* f->errmsg, or "no error". */
const char *fdt_errmsg(const struct fdt *f);
/* totalsize field of a raw header (8 bytes readable), 0 if no FDT magic:
 * lets early boot code learn how much to map before calling fdt_open(). */
u32 fdt_header_totalsize(const void *blob);

u32 fdt_totalsize(const struct fdt *f);
u32 fdt_boot_cpuid(const struct fdt *f);
int fdt_num_mem_rsv(const struct fdt *f);
int fdt_get_mem_rsv(const struct fdt *f, int index, u64 *addr, u64 *size);

/* ---- nodes ------------------------------------------------------------ */

int fdt_root(const struct fdt *f);
/*
 * Next node in depth-first order, or -ENOENT after the last. If depth is not
 * NULL it is adjusted: +1 into a child, 0 to a sibling, -n when climbing n
 * levels, so "while (depth > 0)" walks exactly one subtree.
 */
int fdt_next_node(const struct fdt *f, int node, int *depth);
int fdt_first_subnode(const struct fdt *f, int node);
int fdt_next_subnode(const struct fdt *f, int node);
#define fdt_for_each_subnode(child, f, parent) \
	for ((child) = fdt_first_subnode((f), (parent)); (child) >= 0; \
	     (child) = fdt_next_subnode((f), (child)))

/* Node name including any unit address ("" for the root); *lenp (if not
 * NULL) gets its length or, when NULL is returned, the error. */
const char *fdt_node_name(const struct fdt *f, int node, int *lenp);
int fdt_node_depth(const struct fdt *f, int node);	/* root: 0 */
int fdt_parent_offset(const struct fdt *f, int node);	/* root: -ENOENT */

/*
 * Depth-first walk of every node below the root that also says whether a
 * node's reg is a CPU physical address: every bus between it and the root
 * has an empty `ranges` (an identity translation). Below a bus without
 * `ranges` (i2c, spi, /cpus) or with a real translation, reg means
 * something else. The walk stops at the end or at a malformed node.
 */
struct fdt_iter {
	const struct fdt *f;
	int node;			/* current node */
	int depth;			/* its depth (root: 0) */
	bool phys;			/* its reg is physical */
	int path[FDT_MAX_DEPTH];	/* path[d]: its ancestor at depth d */
	bool kids_phys[FDT_MAX_DEPTH];	/* children of path[d] have physical reg */
};

void fdt_iter_start(struct fdt_iter *it, const struct fdt *f);
/* Move to the next node; false after the last. */
bool fdt_iter_next(struct fdt_iter *it);

/* Child by name; "memory" also matches "memory@40000000". */
int fdt_subnode_offset(const struct fdt *f, int parent, const char *name);
int fdt_subnode_offset_namelen(const struct fdt *f, int parent, const char *name,
			       size_t namelen);
/* "/cpus/cpu@0", or "alias/rest" resolved through /aliases. */
int fdt_path_offset(const struct fdt *f, const char *path);

/* First node after `start` (or from the root when start < 0) whose
 * compatible list contains compat; -ENOENT when there is none. */
int fdt_node_offset_by_compatible(const struct fdt *f, int start, const char *compat);
/* Node whose phandle (or linux,phandle) is ph. */
int fdt_find_phandle(const struct fdt *f, u32 ph);
/* The node's phandle, 0 when it has none. */
u32 fdt_get_phandle(const struct fdt *f, int node);

/* ---- properties ------------------------------------------------------- */

int fdt_first_property(const struct fdt *f, int node);
int fdt_next_property(const struct fdt *f, int prop);
#define fdt_for_each_property(prop, f, node) \
	for ((prop) = fdt_first_property((f), (node)); (prop) >= 0; \
	     (prop) = fdt_next_property((f), (prop)))
/* Value of the property at offset prop; *name and *lenp may be NULL. */
const void *fdt_property_value(const struct fdt *f, int prop, const char **name, int *lenp);

/* Value of node's property `name` or NULL; *lenp (if not NULL) gets the
 * length, or the error when NULL is returned. */
const void *fdt_getprop(const struct fdt *f, int node, const char *name, int *lenp);
const void *fdt_getprop_namelen(const struct fdt *f, int node, const char *name,
				size_t namelen, int *lenp);
/* A one-cell property (length must be 4, else -EBADMSG). */
int fdt_getprop_u32(const struct fdt *f, int node, const char *name, u32 *out);
/* A one- or two-cell property. */
int fdt_getprop_u64(const struct fdt *f, int node, const char *name, u64 *out);
/* Cell `index` of a property; -ERANGE past its end. */
int fdt_getprop_cell(const struct fdt *f, int node, const char *name, int index, u32 *out);
/* A property holding a NUL-terminated string, else NULL. */
const char *fdt_getprop_string(const struct fdt *f, int node, const char *name);

/* String lists ("a\0b\0"): an unterminated tail counts as absent. */
bool fdt_stringlist_contains(const char *list, int len, const char *str);
int fdt_stringlist_count(const struct fdt *f, int node, const char *name);
const char *fdt_stringlist_get(const struct fdt *f, int node, const char *name, int index);

/* 0 when node is compatible with compat, 1 when not, <0 on error (also
 * -ENOENT when it has no compatible property). */
int fdt_node_check_compatible(const struct fdt *f, int node, const char *compat);
/* status absent, "okay" or "ok". */
bool fdt_node_is_enabled(const struct fdt *f, int node);

/* #address-cells / #size-cells of node (what its children's reg use);
 * defaults 2 and 1 when absent. */
int fdt_address_cells(const struct fdt *f, int node);
int fdt_size_cells(const struct fdt *f, int node);
/* Join ncells big-endian cells; -ERANGE when the value exceeds 64 bits. */
int fdt_read_cells(const void *cells, int ncells, u64 *out);
/* Entries of node's reg, decoded with the PARENT's cell counts. */
int fdt_reg_count(const struct fdt *f, int node);
int fdt_get_reg(const struct fdt *f, int node, int index, u64 *addr, u64 *size);

#endif
