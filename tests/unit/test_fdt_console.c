/*
 * lib/fdt_console.c: the console node per /chosen/stdout-path, then alias
 * serial0, then the first enabled UART with a driver, in tree order; named
 * nodes without a driver are skipped and reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dtb_fixture.h>
#include <lib/fdt_console.h>
#include <lib/fdt_write.h>
#include <zvm/errno.h>

static const char *const compats[] = { "arm,pl011", "arm,sbsa-uart", NULL };
static char dtb_dir[512];

struct uart {
	const char *name;	/* node under /soc */
	const char *compat;
	const char *status;	/* NULL: none (enabled) */
};

struct tree {
	const char *stdout_path;	/* NULL: none */
	const char *serial0;		/* NULL: no aliases */
	const char *bootargs;		/* NULL: none */
	struct uart uarts[5];		/* up to the first without name */
};

static u64 buf[1024];
static struct fdt dt;

/* The UARTs under a /soc simple-bus, as many SoC trees have them. */
static void build(const struct tree *t)
{
	struct fdt_writer w;

	assert_int_equal(fdt_w_init(&w, buf, sizeof(buf)), 0);
	fdt_w_begin_node(&w, "");
	fdt_w_prop_u32(&w, "#address-cells", 2);
	fdt_w_prop_u32(&w, "#size-cells", 2);
	fdt_w_begin_node(&w, "chosen");
	if (t->stdout_path)
		fdt_w_prop_string(&w, "stdout-path", t->stdout_path);
	if (t->bootargs)
		fdt_w_prop_string(&w, "bootargs", t->bootargs);
	fdt_w_end_node(&w);
	if (t->serial0) {
		fdt_w_begin_node(&w, "aliases");
		fdt_w_prop_string(&w, "serial0", t->serial0);
		fdt_w_end_node(&w);
	}
	fdt_w_begin_node(&w, "soc");
	fdt_w_prop_string(&w, "compatible", "simple-bus");
	fdt_w_prop_empty(&w, "ranges");
	for (const struct uart *u = t->uarts; u->name; u++) {
		fdt_w_begin_node(&w, u->name);
		fdt_w_prop_string(&w, "compatible", u->compat);
		if (u->status)
			fdt_w_prop_string(&w, "status", u->status);
		fdt_w_end_node(&w);
	}
	fdt_w_end_node(&w);
	fdt_w_end_node(&w);
	assert_true(fdt_w_finish(&w, 0) > 0);
	assert_int_equal(fdt_open(&dt, buf, sizeof(buf)), 0);
}

static void expect(const struct tree *t, const char *node, int driver,
		   enum fdt_console_via via, const char *skipped)
{
	struct fdt_console con;

	build(t);
	if (!node) {
		assert_int_equal(fdt_console_find(&dt, compats, &con), -ENOENT);
		assert_true(con.node < 0);
	} else {
		assert_int_equal(fdt_console_find(&dt, compats, &con), 0);
		assert_string_equal(fdt_node_name(&dt, con.node, NULL), node);
		assert_int_equal(con.driver, driver);
		assert_int_equal(con.via, via);
	}
	if (skipped)
		assert_string_equal(fdt_node_name(&dt, con.skipped, NULL), skipped);
	else
		assert_true(con.skipped < 0);
}

static void test_stdout_path_wins_over_tree_order(void **state)
{
	struct tree t = { .stdout_path = "/soc/serial@2000",
			  .uarts = { { "serial@1000", "arm,pl011" },
				     { "serial@2000", "arm,sbsa-uart" } } };

	expect(&t, "serial@2000", 1, FDT_CONSOLE_STDOUT_PATH, NULL);
}

static void test_stdout_path_alias_with_options(void **state)
{
	struct tree t = { .stdout_path = "serial0:115200n8", .serial0 = "/soc/serial@2000",
			  .uarts = { { "serial@1000", "arm,pl011" },
				     { "serial@2000", "arm,sbsa-uart" } } };

	expect(&t, "serial@2000", 1, FDT_CONSOLE_STDOUT_PATH, NULL);
}

static void test_serial0_alias_without_stdout_path(void **state)
{
	struct tree t = { .serial0 = "/soc/serial@2000",
			  .uarts = { { "serial@1000", "arm,pl011" },
				     { "serial@2000", "arm,pl011" } } };

	expect(&t, "serial@2000", 0, FDT_CONSOLE_SERIAL0, NULL);
}

/* The tree: one SBSA UART, no stdout-path, no aliases. */
static void test_sbsa_uart_alone(void **state)
{
	struct tree t = { .uarts = { { "uart@22000000", "arm,sbsa-uart" } } };

	expect(&t, "uart@22000000", 1, FDT_CONSOLE_FIRST_UART, NULL);
}

/* Tree order, not driver order; disabled and foreign UARTs are passed over. */
static void test_first_enabled_uart_in_tree_order(void **state)
{
	struct tree t = { .uarts = { { "serial@1000", "arm,pl011", "disabled" },
				     { "serial@2000", "ns16550a" },
				     { "serial@3000", "arm,sbsa-uart", "okay" },
				     { "serial@4000", "arm,pl011" } } };

	expect(&t, "serial@3000", 1, FDT_CONSOLE_FIRST_UART, NULL);
}

static void test_named_uart_without_driver_is_reported(void **state)
{
	struct tree t = { .stdout_path = "/soc/serial@1000",
			  .uarts = { { "serial@1000", "ns16550a" },
				     { "serial@2000", "arm,pl011" } } };

	expect(&t, "serial@2000", 0, FDT_CONSOLE_FIRST_UART, "serial@1000");
}

static void test_named_disabled_uart_falls_back_to_serial0(void **state)
{
	struct tree t = { .stdout_path = "/soc/serial@1000", .serial0 = "/soc/serial@2000",
			  .uarts = { { "serial@1000", "arm,pl011", "disabled" },
				     { "serial@2000", "arm,sbsa-uart" } } };

	expect(&t, "serial@2000", 1, FDT_CONSOLE_SERIAL0, "serial@1000");
}

static void test_bad_stdout_paths_fall_through(void **state)
{
	static const char *const bad[] = { "", ":115200", "/soc/nowhere", "serial9",
					   "/soc/serial@1000/extra" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tree t = { .stdout_path = bad[i],
				  .uarts = { { "serial@1000", "arm,pl011" } } };

		expect(&t, "serial@1000", 0, FDT_CONSOLE_FIRST_UART, NULL);
	}
}

static void test_no_uart_we_drive(void **state)
{
	struct tree t = { .stdout_path = "/soc/serial@1000",
			  .uarts = { { "serial@1000", "ns16550a" },
				     { "serial@2000", "arm,pl011", "fail" } } };

	expect(&t, NULL, 0, FDT_CONSOLE_NONE, "serial@1000");
}

static void test_earlycon_from_bootargs(void **state)
{
	static const struct { const char *args; int err; u64 base; } cases[] = {
		{ "earlycon=pl011,0x9000000", 0, 0x9000000 },
		{ "quiet earlycon=pl011,mmio32,0x22000000 console=ttyAMA0", 0, 0x22000000 },
		{ "earlycon=pl011,0x9000000,115200n8", 0, 0x9000000 },
		{ "earlycon", -ENOENT, 0 },		/* = stdout-path, nothing more */
		{ "earlycon=uart8250,mmio32,0x1000", -ENOENT, 0 },
		{ "earlycon=pl011,", -ENOENT, 0 },
		{ "earlycon=pl011,0x9000000x", -ENOENT, 0 },
		{ "noearlycon=pl011,0x9000000", -ENOENT, 0 },
		{ NULL, -ENOENT, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tree t = { .bootargs = cases[i].args };
		u64 base = 0;

		build(&t);
		assert_int_equal(fdt_console_earlycon(&dt, &base), cases[i].err);
		assert_int_equal(base, cases[i].base);
	}
}

static void test_qemu_virt_dtb(void **state)
{
	char path[600];
	size_t size;
	u8 *blob;
	struct fdt_console con;

	snprintf(path, sizeof(path), "%s/virt-a53-smp4.dtb", dtb_dir);
	blob = read_whole_file(path, &size);
	assert_int_equal(fdt_open(&dt, blob, size), 0);
	assert_int_equal(fdt_console_find(&dt, compats, &con), 0);
	assert_string_equal(fdt_node_name(&dt, con.node, NULL), "pl011@9000000");
	assert_int_equal(con.driver, 0);
	assert_int_equal(con.via, FDT_CONSOLE_STDOUT_PATH);
	assert_string_equal(fdt_console_via_name(con.via), "/chosen/stdout-path");
	free(blob);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stdout_path_wins_over_tree_order),
		cmocka_unit_test(test_stdout_path_alias_with_options),
		cmocka_unit_test(test_serial0_alias_without_stdout_path),
		cmocka_unit_test(test_sbsa_uart_alone),
		cmocka_unit_test(test_first_enabled_uart_in_tree_order),
		cmocka_unit_test(test_named_uart_without_driver_is_reported),
		cmocka_unit_test(test_named_disabled_uart_falls_back_to_serial0),
		cmocka_unit_test(test_bad_stdout_paths_fall_through),
		cmocka_unit_test(test_no_uart_we_drive),
		cmocka_unit_test(test_earlycon_from_bootargs),
		cmocka_unit_test(test_qemu_virt_dtb),
	};

	dtb_fixture_dir(dtb_dir, sizeof(dtb_dir), argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
