/* Device tree navigation: depth-first walk, children, parents, paths. */
#include "fdt_priv.h"
#include <lib/string.h>
#include <zvm/errno.h>

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	struct fdt_token t;
	int off, level = 1;	/* nesting relative to the parent of `node` */
	int err = fdt_node_token(f, node, &t);

	while (!err) {
		off = t.next;
		err = fdt_token(f, off, &t);
		if (err)
			break;
		if (t.tag == FDT_BEGIN_NODE) {
			if (depth)
				*depth += level;
			return off;
		}
		if (t.tag == FDT_END_NODE)
			level--;
		else if (t.tag == FDT_END)
			return -ENOENT;
	}
	return err;
}

int fdt_first_subnode(const struct fdt *f, int node)
{
	int depth = 0;
	int off = fdt_next_node(f, node, &depth);

	if (off >= 0 && depth != 1)
		return -ENOENT;	/* the next node is not below `node` */
	return off;
}

int fdt_next_subnode(const struct fdt *f, int node)
{
	int depth = 0;
	int off = node;

	do {	/* skip node's own descendants */
		off = fdt_next_node(f, off, &depth);
		if (off < 0)
			return off;
	} while (depth > 0);
	return depth == 0 ? off : -ENOENT;
}

const char *fdt_node_name(const struct fdt *f, int node, int *lenp)
{
	struct fdt_token t;
	int err = fdt_node_token(f, node, &t);

	if (lenp)
		*lenp = err ? err : (int)t.len;
	return err ? NULL : t.name;
}

/*
 * Walk from the root to `node`, returning its depth. When `at` is not NULL,
 * *at is the last node seen at depth `want` before `node`: for want =
 * depth - 1 that is its parent.
 */
static int walk_to(const struct fdt *f, int node, int want, int *at)
{
	struct fdt_token t;
	int off = f->root, depth = 0;
	int err = fdt_node_token(f, node, &t);

	while (!err && off != node) {
		if (at && depth == want)
			*at = off;
		off = fdt_next_node(f, off, &depth);
		if (off < 0)
			return -EINVAL;	/* looks like a node but is not in the tree */
	}
	return err ? err : depth;
}

int fdt_node_depth(const struct fdt *f, int node)
{
	return walk_to(f, node, -1, NULL);
}

int fdt_parent_offset(const struct fdt *f, int node)
{
	int parent = -ENOENT;
	int depth = fdt_node_depth(f, node);

	if (depth <= 0)
		return depth < 0 ? depth : -ENOENT;
	walk_to(f, node, depth - 1, &parent);
	return parent;
}

/* "name" matches "name" and, when it has no unit address, "name@unit". */
static bool name_matches(const char *node, int len, const char *name, size_t namelen)
{
	if ((size_t)len < namelen || memcmp(node, name, namelen))
		return false;
	if ((size_t)len == namelen)
		return true;
	return node[namelen] == '@' && !memchr(name, '@', namelen);
}

int fdt_subnode_offset_namelen(const struct fdt *f, int parent, const char *name,
			       size_t namelen)
{
	const char *n;
	int child, len;

	fdt_for_each_subnode(child, f, parent) {
		n = fdt_node_name(f, child, &len);
		if (n && name_matches(n, len, name, namelen))
			return child;
	}
	return child;
}

int fdt_subnode_offset(const struct fdt *f, int parent, const char *name)
{
	return fdt_subnode_offset_namelen(f, parent, name, strlen(name));
}

/* Follow '/'-separated components of path below node. */
static int walk_path(const struct fdt *f, int node, const char *path)
{
	const char *end;

	while (node >= 0 && *path) {
		if (*path == '/') {
			path++;
			continue;
		}
		end = strchr(path, '/');
		if (!end)
			end = path + strlen(path);
		node = fdt_subnode_offset_namelen(f, node, path, (size_t)(end - path));
		path = end;
	}
	return node;
}

/* Node named by the alias at the start of path (up to the first '/'). */
static int alias_offset(const struct fdt *f, const char *path, const char **rest)
{
	const char *end = strchr(path, '/');
	int aliases = fdt_subnode_offset(f, f->root, "aliases");
	const char *target;
	int len;

	if (aliases < 0)
		return aliases;
	if (!end)
		end = path + strlen(path);
	*rest = end;
	target = fdt_getprop_namelen(f, aliases, path, (size_t)(end - path), &len);
	if (!target)
		return len;
	/* Must be an absolute, terminated path: no alias chains or loops. */
	if (len < 1 || target[0] != '/' || !memchr(target, '\0', (size_t)len))
		return -EBADMSG;
	return walk_path(f, f->root, target);
}

int fdt_path_offset(const struct fdt *f, const char *path)
{
	const char *rest;
	int node;

	if (*path == '/')
		return walk_path(f, f->root, path);
	node = alias_offset(f, path, &rest);
	return node < 0 ? node : walk_path(f, node, rest);
}

/* See <lib/fdt.h>: the ancestors and their translations are kept on a
 * stack, so the walk never searches for a parent. */
void fdt_iter_start(struct fdt_iter *it, const struct fdt *f)
{
	it->f = f;
	it->node = fdt_root(f);
	it->depth = 0;
	it->phys = true;
	it->path[0] = it->node;
	it->kids_phys[0] = true;	/* the root's address space is physical */
}

bool fdt_iter_next(struct fdt_iter *it)
{
	int len, d = it->depth;

	it->node = fdt_next_node(it->f, it->node, &d);
	if (it->node < 0 || d <= 0 || d >= FDT_MAX_DEPTH)
		return false;
	it->depth = d;
	it->phys = it->kids_phys[d - 1];
	it->path[d] = it->node;
	it->kids_phys[d] = it->phys && fdt_getprop(it->f, it->node, "ranges", &len) && !len;
	return true;
}
