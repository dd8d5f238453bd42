/*
 * Sequential device tree builder (lib/fdt_write.c), used to generate guest
 * DTBs. Call order:
 *
 *   fdt_w_init(&w, buf, size);
 *   fdt_w_add_mem_rsv(&w, addr, size);        (optional, before any node)
 *   fdt_w_begin_node(&w, "");                 (the root)
 *     fdt_w_prop_u32(&w, "#address-cells", 2); ... properties ...
 *     fdt_w_begin_node(&w, "memory@40000000"); ... fdt_w_end_node(&w);
 *   fdt_w_end_node(&w);
 *   len = fdt_w_finish(&w, 0);                (total size, or error)
 *
 * Errors are sticky: after the first failure (-ENOSPC when the buffer is too
 * small, -EINVAL for a call out of order or a bad name, -ERANGE for a value
 * that does not fit its cells) every call, including fdt_w_finish(), returns
 * that error, so a builder may check only the result of fdt_w_finish().
 * The buffer is never written past `size`. Property names go into a
 * de-duplicated strings table.
 */
#ifndef LIB_FDT_WRITE_H
#define LIB_FDT_WRITE_H

#include <lib/fdt.h>

struct fdt_writer {
	u8 *buf;
	u32 size;
	u32 pos;		/* end of header + reservations + structure */
	u32 struct_off;		/* 0 until the first node is begun */
	u32 strtab_len;		/* strings table, kept at the end of buf */
	int depth;		/* nodes currently open */
	bool root_done;
	bool finished;
	int err;		/* first error, sticky */
};

/* buf must be 8-byte aligned. */
int fdt_w_init(struct fdt_writer *w, void *buf, size_t size);
int fdt_w_add_mem_rsv(struct fdt_writer *w, u64 addr, u64 size);
int fdt_w_begin_node(struct fdt_writer *w, const char *name);
int fdt_w_end_node(struct fdt_writer *w);

int fdt_w_prop(struct fdt_writer *w, const char *name, const void *val, u32 len);
int fdt_w_prop_empty(struct fdt_writer *w, const char *name);
int fdt_w_prop_u32(struct fdt_writer *w, const char *name, u32 v);
int fdt_w_prop_u64(struct fdt_writer *w, const char *name, u64 v);
int fdt_w_prop_string(struct fdt_writer *w, const char *name, const char *s);
int fdt_w_prop_stringlist(struct fdt_writer *w, const char *name, const char *const *strs,
			  int n);
int fdt_w_prop_cells(struct fdt_writer *w, const char *name, const u32 *cells, int n);
/* "reg" with n (address, size) pairs from addr_size[2 * n], encoded with
 * ac address cells and sc size cells (the parent's #address/#size-cells). */
int fdt_w_prop_reg(struct fdt_writer *w, int ac, int sc, const u64 *addr_size, int n);

/* Copy node's properties (not its subnodes) into w's open node, except
 * those for which skip(name, ctx) is true (skip may be NULL). */
int fdt_w_copy_props(struct fdt_writer *w, const struct fdt *f, int node,
		     bool (*skip)(const char *name, const void *ctx), const void *ctx);
/* Copy node of f, with its properties and whole subtree, into w. */
int fdt_w_copy_node(struct fdt_writer *w, const struct fdt *f, int node);

/* Close the blob: returns its total size (> 0) or the sticky error. The
 * result is a v17 DTB at buf that fdt_open() accepts. */
int fdt_w_finish(struct fdt_writer *w, u32 boot_cpuid);

#endif
