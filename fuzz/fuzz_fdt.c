/* libFuzzer target: the device tree reader (lib/fdt*.c). After fdt_open()
 * accepts a blob, a depth-first walk of every node and property, and the
 * lookups the hypervisor does at boot, must stay inside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/fdt.h>

#include "fuzz.h"

static void node_props(const struct fdt *f, int node)
{
	int prop, len, n = 0;
	const char *name;
	u32 cell;
	u64 v;

	fdt_for_each_property(prop, f, node) {
		const u8 *val = fdt_property_value(f, prop, &name, &len);

		FUZZ_CHECK(val && len >= 0 && name);
		for (int i = 0; i < len; i++)
			fuzz_sink += val[i];
		fuzz_sink += (u32)strlen(name);
		FUZZ_CHECK(++n < 100000);
	}
	fuzz_sink += fdt_getprop_string(f, node, "compatible") != NULL;
	fuzz_sink += (u32)fdt_getprop_u32(f, node, "#address-cells", &cell);
	fuzz_sink += (u32)fdt_getprop_u64(f, node, "reg", &v);
	fuzz_sink += (u32)fdt_getprop_cell(f, node, "reg", 1, &cell);
	fuzz_sink += fdt_get_phandle(f, node);
}

static void walk(const struct fdt *f)
{
	int depth = 0, len, n = 0;
	u64 addr, size;

	for (int node = fdt_root(f); node >= 0 && depth >= 0; node = fdt_next_node(f, node, &depth)) {
		const char *name = fdt_node_name(f, node, &len);

		FUZZ_CHECK(name && len >= 0 && (int)strlen(name) == len);
		FUZZ_CHECK(fdt_node_depth(f, node) >= 0);
		fuzz_sink += (u32)fdt_parent_offset(f, node);
		fuzz_sink += (u32)fdt_first_subnode(f, node);
		node_props(f, node);
		FUZZ_CHECK(++n < 100000);
	}
	for (int i = 0; i < fdt_num_mem_rsv(f); i++)
		FUZZ_CHECK(fdt_get_mem_rsv(f, i, &addr, &size) == 0);
	fuzz_sink += (u32)fdt_path_offset(f, "/chosen");
	fuzz_sink += (u32)fdt_path_offset(f, "serial0");
	fuzz_sink += (u32)fdt_path_offset(f, "/cpus/cpu@0");
	fuzz_sink += (u32)fdt_node_offset_by_compatible(f, -1, "arm,gic-v3");
	fuzz_sink += (u32)fdt_find_phandle(f, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 8-byte aligned (malloc), exact size: ASan sees any read past the end. */
	u8 *blob = malloc(size ? size : 1);
	struct fdt f;
	int rc;

	if (!blob)
		return 0;
	memcpy(blob, data, size);
	fuzz_sink += fdt_header_totalsize(size >= 8 ? blob : (const u8 *)"\0\0\0\0\0\0\0\0");
	rc = fdt_open(&f, blob, size);
	if (rc == 0)
		walk(&f);
	else
		FUZZ_CHECK(strcmp(fdt_errmsg(&f), "no error") != 0);
	free(blob);
	return rc ? -1 : 0;	/* libFuzzer keeps only accepted inputs as seeds */
}
