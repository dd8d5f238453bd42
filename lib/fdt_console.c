/* The console node of a device tree: see <lib/fdt_console.h>. */
#include <lib/fdt_console.h>
#include <lib/parse.h>
#include <lib/string.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

/* The driver (index in compats) for an enabled node, or -ENOENT. */
static int driver_of(const struct fdt *f, int node, const char *const *compats)
{
	if (!fdt_node_is_enabled(f, node))
		return -ENOENT;
	for (int i = 0; compats[i]; i++)
		if (fdt_node_check_compatible(f, node, compats[i]) == 0)
			return i;
	return -ENOENT;
}

/* stdout-path up to its ':' (options such as "115200n8"), resolved. */
static int stdout_path_node(const struct fdt *f)
{
	int chosen = fdt_path_offset(f, "/chosen");
	const char *path = chosen >= 0 ? fdt_getprop_string(f, chosen, "stdout-path") : NULL;
	const char *colon;
	char buf[128];
	size_t n;

	if (!path)
		return -ENOENT;
	colon = strchr(path, ':');
	n = colon ? (size_t)(colon - path) : strlen(path);
	if (!n || n >= sizeof(buf))
		return -ENOENT;
	memcpy(buf, path, n);
	buf[n] = 0;
	return fdt_path_offset(f, buf);
}

/* A named candidate: taken when a driver handles it, else remembered. */
static bool try_named(const struct fdt *f, int node, const char *const *compats,
		      enum fdt_console_via via, struct fdt_console *out)
{
	int drv;

	if (node < 0)
		return false;
	drv = driver_of(f, node, compats);
	if (drv < 0) {
		if (out->skipped < 0)
			out->skipped = node;
		return false;
	}
	*out = (struct fdt_console){ node, drv, via, out->skipped };
	return true;
}

int fdt_console_find(const struct fdt *f, const char *const *compats, struct fdt_console *out)
{
	int node, depth = 0;

	*out = (struct fdt_console){ -ENOENT, -ENOENT, FDT_CONSOLE_NONE, -ENOENT };
	if (try_named(f, stdout_path_node(f), compats, FDT_CONSOLE_STDOUT_PATH, out) ||
	    try_named(f, fdt_path_offset(f, "serial0"), compats, FDT_CONSOLE_SERIAL0, out))
		return 0;
	for (node = fdt_root(f); node >= 0; node = fdt_next_node(f, node, &depth)) {
		int drv = driver_of(f, node, compats);

		if (drv >= 0) {
			*out = (struct fdt_console){ node, drv, FDT_CONSOLE_FIRST_UART, out->skipped };
			return 0;
		}
	}
	return -ENOENT;
}

int fdt_console_earlycon(const struct fdt *f, u64 *base)
{
	int chosen = fdt_path_offset(f, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop_string(f, chosen, "bootargs") : NULL;
	const char *val, *end;
	size_t len;
	u64 addr;

	if (!args || !cmdline_find(args, "earlycon", &val, &len) || !val ||
	    len < 6 || strncmp(val, "pl011,", 6))
		return -ENOENT;
	val += 6;
	if (!strncmp(val, "mmio32,", 7))
		val += 7;
	if (str_parse_u64(val, &end, &addr) || (*end && *end != ' ' && *end != ','))
		return -ENOENT;
	*base = addr;
	return 0;
}

const char *fdt_console_via_name(enum fdt_console_via via)
{
	static const char *const names[] = {
		[FDT_CONSOLE_NONE] = "none",
		[FDT_CONSOLE_STDOUT_PATH] = "/chosen/stdout-path",
		[FDT_CONSOLE_SERIAL0] = "alias serial0",
		[FDT_CONSOLE_FIRST_UART] = "first UART in the tree",
	};

	return (size_t)via < ARRAY_SIZE(names) ? names[via] : "?";
}
