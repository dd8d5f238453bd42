/*
 * virt/vm_dtb.c and virt/vm_dtb_patch.c: the generated guest DTB read back
 * with lib/fdt (and checked by dtc when installed), a supplied DTB patched
 * (memory and /chosen replaced, the rest kept), and bad input refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <dtb_fixture.h>
#include <lib/byteorder.h>
#include <lib/fdt_write.h>
#include <lib/pack.h>
#include <virt/vm_dtb.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define MEM (256ULL << 20)
#define INITRD_START 0x4f000000ULL
#define INITRD_END 0x4f123456ULL
#define BOOTARGS "console=ttyAMA0 earlycon rdinit=/sbin/init"
#define UART "/pl011@9000000"

static char dtb_path[600];
static u64 out_words[16384];	/* 128 KiB, 8-byte aligned */
static u8 *const out = (u8 *)out_words;
static u64 src_words[8192];	/* sources built by the tests */
static u8 *const src = (u8 *)src_words;
static struct fdt f;

static const struct vm_dtb_params params = {
	.mem_base = VM_DTB_RAM_BASE, .mem_size = MEM, .nr_vcpus = 4, .bootargs = BOOTARGS,
	.initrd_start = INITRD_START, .initrd_end = INITRD_END,
};

static void open_ok(const void *blob, int size)
{
	int ret;

	if (size < 0)
		fail_msg("DTB not made: %d", size);
	ret = fdt_open(&f, blob, (size_t)size);
	if (ret)
		fail_msg("fdt_open: %d: %s", ret, fdt_errmsg(&f));
}

static int node(const char *path)
{
	int n = fdt_path_offset(&f, path);

	if (n < 0)
		fail_msg("no node %s (%d)", path, n);
	return n;
}

static void assert_reg(int n, int index, u64 addr, u64 size)
{
	u64 a = 0, s = 0;

	assert_int_equal(fdt_get_reg(&f, n, index, &a, &s), 0);
	if (a != addr || s != size)
		fail_msg("reg[%d] = 0x%llx+0x%llx, wanted 0x%llx+0x%llx", index,
			 (unsigned long long)a, (unsigned long long)s, (unsigned long long)addr,
			 (unsigned long long)size);
}

static void assert_str(int n, const char *prop, const char *want)
{
	const char *s = fdt_getprop_string(&f, n, prop);

	if (!s || strcmp(s, want))
		fail_msg("%s = '%s', wanted '%s'", prop, s ? s : "(none)", want);
}

static void assert_cells(int n, const char *prop, const u32 *want, int count)
{
	int len = 0;
	const u8 *v = fdt_getprop(&f, n, prop, &len);

	assert_non_null(v);
	assert_int_equal(len, count * 4);
	for (int i = 0; i < count; i++)
		if (ld_be32(v + 4 * i) != want[i])
			fail_msg("%s cell %d = %u, wanted %u", prop, i, ld_be32(v + 4 * i), want[i]);
}

static u32 u32_prop(int n, const char *prop)
{
	u32 v = 0;

	assert_int_equal(fdt_getprop_u32(&f, n, prop, &v), 0);
	return v;
}

/* The memory nodes: exactly one, /memory@<base> with reg base, size. */
static void assert_memory(u64 base, u64 size)
{
	char path[40];
	int n, count = 0;

	fdt_for_each_subnode(n, &f, fdt_root(&f)) {
		const char *type = fdt_getprop_string(&f, n, "device_type");

		count += type && !strcmp(type, "memory");
	}
	assert_int_equal(count, 1);
	snprintf(path, sizeof(path), "/memory@%llx", (unsigned long long)base);
	assert_str(node(path), "device_type", "memory");
	assert_reg(node(path), 0, base, size);
}

static void assert_initrd(u64 start, u64 end)
{
	u64 v = 0;
	int ch = node("/chosen");

	assert_int_equal(fdt_getprop_u64(&f, ch, "linux,initrd-start", &v), 0);
	assert_int_equal(v, start);
	assert_int_equal(fdt_getprop_u64(&f, ch, "linux,initrd-end", &v), 0);
	assert_int_equal(v, end);
}

static void assert_no_prop(const char *path, const char *prop)
{
	assert_null(fdt_getprop(&f, node(path), prop, NULL));
}

/* ---- generated -------------------------------------------------------------- */

static void test_build_memory_chosen(void **state)
{
	open_ok(out, vm_dtb_build(&params, out, sizeof(out_words)));
	assert_int_equal(fdt_address_cells(&f, fdt_root(&f)), 2);
	assert_int_equal(fdt_size_cells(&f, fdt_root(&f)), 2);
	assert_str(fdt_root(&f), "compatible", "linux,dummy-virt");
	assert_memory(VM_DTB_RAM_BASE, MEM);
	assert_str(node("/chosen"), "bootargs", BOOTARGS);
	assert_str(node("/chosen"), "stdout-path", UART);
	assert_initrd(INITRD_START, INITRD_END);
	assert_int_equal(fdt_path_offset(&f, "serial0"), node(UART));
}

static void test_build_no_bootargs_no_initrd(void **state)
{
	struct vm_dtb_params p = params;

	p.bootargs = "";
	p.initrd_end = p.initrd_start;	/* empty range: no initrd */
	open_ok(out, vm_dtb_build(&p, out, sizeof(out_words)));
	assert_no_prop("/chosen", "bootargs");
	assert_no_prop("/chosen", "linux,initrd-start");
	assert_no_prop("/chosen", "linux,initrd-end");
	assert_str(node("/chosen"), "stdout-path", UART);
	p.bootargs = NULL;
	open_ok(out, vm_dtb_build(&p, out, sizeof(out_words)));
	assert_no_prop("/chosen", "bootargs");
}

/* One cpu@<mpidr> per vCPU, reg = MPIDR affinity, started through PSCI. */
static void check_cpus(u32 nr)
{
	struct vm_dtb_params p = params;
	int cpus, n, count = 0;
	char path[32];

	p.nr_vcpus = nr;
	open_ok(out, vm_dtb_build(&p, out, sizeof(out_words)));
	cpus = node("/cpus");
	assert_int_equal(u32_prop(cpus, "#address-cells"), 1);
	assert_int_equal(u32_prop(cpus, "#size-cells"), 0);
	fdt_for_each_subnode(n, &f, cpus)
		count++;
	assert_int_equal(count, nr);
	for (u32 i = 0; i < nr; i++) {
		u64 mpidr = (i / 16) << 8 | i % 16;

		assert_int_equal(vm_dtb_vcpu_mpidr(i), mpidr);
		snprintf(path, sizeof(path), "/cpus/cpu@%llx", (unsigned long long)mpidr);
		n = node(path);
		assert_int_equal(u32_prop(n, "reg"), mpidr);
		assert_str(n, "device_type", "cpu");
		assert_str(n, "enable-method", "psci");
	}
	/* The redistributor region grows with the vCPUs. */
	n = fdt_node_offset_by_compatible(&f, -1, "arm,gic-v3");
	assert_reg(n, 1, VM_DTB_GICR_BASE, VM_DTB_GICR_STRIDE * nr);
}

static void test_build_cpus(void **state)
{
	static const u32 counts[] = { 1, 2, 4, 8, 16, 17, VM_DTB_MAX_VCPUS };

	for (size_t i = 0; i < ARRAY_SIZE(counts); i++)
		check_cpus(counts[i]);
	assert_true(VM_DTB_GICR_BASE + VM_DTB_GICR_STRIDE * VM_DTB_MAX_VCPUS <= VM_DTB_UART_BASE);
}

static void test_build_gic_timer_psci(void **state)
{
	static const u32 timer_irqs[] = { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 };
	int gic, n;

	open_ok(out, vm_dtb_build(&params, out, sizeof(out_words)));
	gic = fdt_node_offset_by_compatible(&f, -1, "arm,gic-v3");
	assert_true(gic >= 0);
	assert_int_equal(fdt_reg_count(&f, gic), 2);
	assert_reg(gic, 0, VM_DTB_GICD_BASE, VM_DTB_GICD_SIZE);
	assert_reg(gic, 1, VM_DTB_GICR_BASE, 4 * VM_DTB_GICR_STRIDE);
	assert_non_null(fdt_getprop(&f, gic, "interrupt-controller", NULL));
	assert_int_equal(u32_prop(gic, "#interrupt-cells"), 3);
	assert_int_equal(u32_prop(fdt_root(&f), "interrupt-parent"), fdt_get_phandle(&f, gic));

	n = fdt_node_offset_by_compatible(&f, -1, "arm,armv8-timer");
	assert_true(n >= 0);
	assert_cells(n, "interrupts", timer_irqs, 12);

	n = node("/psci");
	assert_int_equal(fdt_node_check_compatible(&f, n, "arm,psci-1.0"), 0);
	assert_int_equal(fdt_node_check_compatible(&f, n, "arm,psci-0.2"), 0);
	assert_str(n, "method", "hvc");
	assert_int_equal(u32_prop(n, "cpu_on"), 0xc4000003);
}

static void test_build_uart_clock(void **state)
{
	static const u32 irq[] = { 0, VM_DTB_UART_SPI, 4 };
	u32 ph0 = 0, ph1 = 0;
	int uart, clk;

	open_ok(out, vm_dtb_build(&params, out, sizeof(out_words)));
	uart = node(UART);
	assert_int_equal(fdt_node_check_compatible(&f, uart, "arm,pl011"), 0);
	assert_int_equal(fdt_node_check_compatible(&f, uart, "arm,primecell"), 0);
	assert_reg(uart, 0, VM_DTB_UART_BASE, VM_DTB_UART_SIZE);
	assert_cells(uart, "interrupts", irq, 3);
	/* Linux's AMBA bus wants a clock named apb_pclk before it probes. */
	assert_int_equal(fdt_stringlist_count(&f, uart, "clock-names"), 2);
	assert_string_equal(fdt_stringlist_get(&f, uart, "clock-names", 0), "uartclk");
	assert_string_equal(fdt_stringlist_get(&f, uart, "clock-names", 1), "apb_pclk");
	assert_int_equal(fdt_getprop_cell(&f, uart, "clocks", 0, &ph0), 0);
	assert_int_equal(fdt_getprop_cell(&f, uart, "clocks", 1, &ph1), 0);
	clk = fdt_find_phandle(&f, ph1);
	assert_true(clk >= 0 && ph0 == ph1);
	assert_int_equal(fdt_node_check_compatible(&f, clk, "fixed-clock"), 0);
	assert_int_equal(u32_prop(clk, "clock-frequency"), VM_DTB_CLOCK_HZ);
	assert_int_equal(u32_prop(clk, "#clock-cells"), 0);
}

static void test_build_refused(void **state)
{
	struct vm_dtb_params p = params;
	int size = vm_dtb_build(&params, out, sizeof(out_words));

	assert_true(size > 0);
	assert_int_equal(vm_dtb_build(NULL, out, sizeof(out_words)), -EINVAL);
	p.mem_size = 0;
	assert_int_equal(vm_dtb_build(&p, out, sizeof(out_words)), -EINVAL);
	p = params;
	p.nr_vcpus = 0;
	assert_int_equal(vm_dtb_build(&p, out, sizeof(out_words)), -EINVAL);
	p.nr_vcpus = VM_DTB_MAX_VCPUS + 1;
	assert_int_equal(vm_dtb_build(&p, out, sizeof(out_words)), -EINVAL);
	p = params;
	p.mem_base = ~0ULL - 0xfff;
	assert_int_equal(vm_dtb_build(&p, out, sizeof(out_words)), -EINVAL);
	/* Every buffer too small is refused, and nothing is written past it. */
	for (int n = 0; n < size; n += 8) {
		memset(out, 0xee, (size_t)size + 64);
		assert_int_equal(vm_dtb_build(&params, out, (size_t)n), -ENOSPC);
		for (int i = n; i < size + 64; i++)
			if (out[i] != 0xee)
				fail_msg("buffer of %d bytes written at %d", n, i);
	}
}

static bool have_dtc(void)
{
	return system("command -v dtc >/dev/null 2>&1") == 0;
}

/* dtc's own checks (unit addresses, interrupt providers, ...) pass on
 * the DTB in out (size bytes). */
static void dtc_clean(int size)
{
	char in[] = "/tmp/zvm-vmdtb-XXXXXX", cmd[128], log[] = "/tmp/zvm-vmdtb-log-XXXXXX";
	int fd = mkstemp(in), lfd = mkstemp(log);
	size_t len = 0;
	char *text;

	assert_true(fd >= 0 && lfd >= 0 && size > 0);
	assert_int_equal(write(fd, out, (size_t)size), size);
	close(fd);
	close(lfd);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null %s 2>%s", in, log);
	assert_int_equal(system(cmd), 0);
	text = (char *)read_whole_file(log, &len);
	unlink(in);
	unlink(log);
	if (len)
		fail_msg("dtc warns about the generated DTB:\n%s", text);
	free(text);
}

static void test_build_dtc_clean(void **state)
{
	if (!have_dtc())
		skip();
	dtc_clean(vm_dtb_build(&params, out, sizeof(out_words)));
}

/* ---- the PCI host bridge (shared regions) ---------------------------------- */

/* Only with nr_pci: the generic ECAM bridge as QEMU virt describes it,
 * INTx swizzled onto SPIs 3..6, BARs fixed (probe-only), no DMA; dtc-clean. */
static void test_build_pci_host(void **state)
{
	struct vm_dtb_params p = params;
	const u32 bus_range[] = { 0, 0 };
	const u32 ranges[] = { 0x02000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2eff0000 };
	const u32 mask[] = { 0x1800, 0, 0, 7 };
	u32 map[160];
	int n, size;

	open_ok(out, vm_dtb_build(&params, out, sizeof(out_words)));
	assert_true(fdt_path_offset(&f, "/pcie@3f000000") < 0);
	assert_no_prop("/chosen", "linux,pci-probe-only");
	p.nr_pci = 2;
	size = vm_dtb_build(&p, out, sizeof(out_words));
	open_ok(out, size);
	n = node("/pcie@3f000000");
	assert_str(n, "compatible", "pci-host-ecam-generic");
	assert_str(n, "device_type", "pci");
	assert_int_equal(u32_prop(n, "#address-cells"), 3);
	assert_int_equal(u32_prop(n, "#size-cells"), 2);
	assert_int_equal(u32_prop(n, "#interrupt-cells"), 1);
	assert_reg(n, 0, 0x3f000000, 0x100000);
	assert_cells(n, "bus-range", bus_range, 2);
	assert_cells(n, "ranges", ranges, 7);
	assert_cells(n, "interrupt-map-mask", mask, 4);
	for (u32 slot = 0, *e = map; slot < 4; slot++)
		for (u32 pin = 1; pin <= 4; pin++, e += 10) {
			const u32 want[10] = { slot << 11, 0, 0, pin, 1, 0, 0, 0,
					       3 + (slot + pin - 1) % 4, 4 };

			memcpy(e, want, sizeof(want));
		}
	assert_cells(n, "interrupt-map", map, 160);
	assert_no_prop("/pcie@3f000000", "dma-coherent");
	assert_int_equal(u32_prop(node("/chosen"), "linux,pci-probe-only"), 1);
	if (have_dtc())
		dtc_clean(size);
}

/* ---- passthrough devices ----------------------------------------------------- */

#define RTC_BASE 0x9010000ULL
#define RTC_INTID 34		/* QEMU virt's PL031: SPI 2 */

static struct pack_dev rtc_dev = { RTC_BASE, 0x1000, RTC_INTID, 0 };

static int build_with(const struct pack_dev *devs, u32 n, const void *host, u32 host_size)
{
	struct vm_dtb_params p = params;

	p.devs = devs;
	p.nr_devs = n;
	p.host_dtb = host;
	p.host_dtb_size = host_size;
	return vm_dtb_build(&p, out, sizeof(out_words));
}

/* The guest's fixed clock (what /pl011@9000000's apb_pclk points at). */
static u32 guest_clock(void)
{
	u32 ph = 0;

	assert_int_equal(fdt_getprop_cell(&f, node(UART), "clocks", 1, &ph), 0);
	return ph;
}

static u32 guest_clock_after(int size)
{
	open_ok(out, size);
	return guest_clock();
}

/* QEMU's own DTB as the host's: the PL031 RTC's node, adapted. */
static void test_passthrough_node_from_host(void **state)
{
	static const u32 irq[] = { 0, RTC_INTID - 32, 4 };
	size_t size;
	u8 *qemu = read_whole_file(dtb_path, &size);
	u32 clk = 0;
	int rtc;

	if (have_dtc())
		dtc_clean(build_with(&rtc_dev, 1, qemu, (u32)size));
	open_ok(out, build_with(&rtc_dev, 1, qemu, (u32)size));
	rtc = node("/pl031@9010000");
	assert_int_equal(fdt_node_check_compatible(&f, rtc, "arm,pl031"), 0);
	assert_int_equal(fdt_node_check_compatible(&f, rtc, "arm,primecell"), 0);
	assert_int_equal(fdt_reg_count(&f, rtc), 1);
	assert_reg(rtc, 0, RTC_BASE, 0x1000);
	assert_cells(rtc, "interrupts", irq, 3);
	assert_str(rtc, "clock-names", "apb_pclk");
	assert_int_equal(fdt_getprop_cell(&f, rtc, "clocks", 0, &clk), 0);
	assert_int_equal(clk, guest_clock());
	assert_no_prop("/pl031@9010000", "phandle");
	assert_no_prop("/pl031@9010000", "interrupt-parent");
	/* Without an SPI the guest gets no interrupt for it. */
	rtc_dev.irq = 0;
	open_ok(out, build_with(&rtc_dev, 1, qemu, (u32)size));
	assert_no_prop("/pl031@9010000", "interrupts");
	rtc_dev.irq = RTC_INTID;
	/* No host tree (a tool), or no node at that address: not described. */
	open_ok(out, build_with(&rtc_dev, 1, NULL, 0));
	assert_true(fdt_path_offset(&f, "/pl031@9010000") < 0);
	{
		const struct pack_dev none = { 0x9100000, 0x1000, 0, 0 };

		open_ok(out, build_with(&none, 1, qemu, (u32)size));
		assert_true(fdt_node_offset_by_compatible(&f, -1, "arm,pl031") < 0);
	}
	/* A host tree that does not parse is refused, not half-used. */
	qemu[0] ^= 0xff;
	assert_int_equal(build_with(&rtc_dev, 1, qemu, (u32)size), -EINVAL);
	free(qemu);
}

/*
 * A board-like host tree: the device under an identity-mapped bus, with
 * properties that name providers the guest does not have, a 1-cell clock
 * provider, a second reg entry outside the passed-through region; a twin
 * under a translating bus and a disabled one at other addresses.
 */
static int build_board_host(void)
{
	static const u64 dev_reg[] = { 0x20000000, 0x1000, 0x30000000, 0x1000 };
	static const u64 other[] = { 0x21000000, 0x1000 }, off[] = { 0x22000000, 0x1000 };
	const u32 irq[] = { 0, 40, 1 }, clocks[] = { 7, 3, 8 }, pwr[] = { 9 };
	struct fdt_writer w;

	fdt_w_init(&w, src, sizeof(src_words));
	fdt_w_begin_node(&w, "");
	fdt_w_prop_u32(&w, "#address-cells", 2);
	fdt_w_prop_u32(&w, "#size-cells", 2);
	fdt_w_begin_node(&w, "cru");
	fdt_w_prop_u32(&w, "#clock-cells", 1);
	fdt_w_prop_u32(&w, "phandle", 7);
	fdt_w_end_node(&w);
	fdt_w_begin_node(&w, "osc");
	fdt_w_prop_u32(&w, "#clock-cells", 0);
	fdt_w_prop_u32(&w, "phandle", 8);
	fdt_w_end_node(&w);
	fdt_w_begin_node(&w, "soc");
	fdt_w_prop_u32(&w, "#address-cells", 2);
	fdt_w_prop_u32(&w, "#size-cells", 2);
	fdt_w_prop_empty(&w, "ranges");
	fdt_w_begin_node(&w, "serial@20000000");
	fdt_w_prop_string(&w, "compatible", "snps,dw-apb-uart");
	fdt_w_prop_reg(&w, 2, 2, dev_reg, 2);
	fdt_w_prop_cells(&w, "interrupts", irq, 3);
	fdt_w_prop_cells(&w, "clocks", clocks, 3);
	fdt_w_prop_cells(&w, "power-domains", pwr, 1);
	fdt_w_prop_cells(&w, "vcc-supply", pwr, 1);
	fdt_w_prop_cells(&w, "pinctrl-0", pwr, 1);
	fdt_w_prop_cells(&w, "reset-gpios", pwr, 1);
	fdt_w_prop_u32(&w, "reg-shift", 2);
	fdt_w_prop_u32(&w, "phandle", 10);
	fdt_w_prop_string(&w, "status", "okay");
	fdt_w_begin_node(&w, "bluetooth");
	fdt_w_end_node(&w);
	fdt_w_end_node(&w);
	fdt_w_begin_node(&w, "serial@22000000");
	fdt_w_prop_string(&w, "compatible", "snps,dw-apb-uart");
	fdt_w_prop_reg(&w, 2, 2, off, 1);
	fdt_w_prop_string(&w, "status", "disabled");
	fdt_w_end_node(&w);
	fdt_w_end_node(&w);
	fdt_w_begin_node(&w, "bus");
	fdt_w_prop_u32(&w, "#address-cells", 2);
	fdt_w_prop_u32(&w, "#size-cells", 2);
	{
		static const u32 ranges[] = { 0, 0, 0, 0x40, 0, 0, 0, 0x1000000 };

		fdt_w_prop_cells(&w, "ranges", ranges, 8);
	}
	fdt_w_begin_node(&w, "serial@21000000");
	fdt_w_prop_string(&w, "compatible", "snps,dw-apb-uart");
	fdt_w_prop_reg(&w, 2, 2, other, 1);
	fdt_w_end_node(&w);
	fdt_w_end_node(&w);
	fdt_w_end_node(&w);
	return fdt_w_finish(&w, 0);
}

static void test_passthrough_node_adapted(void **state)
{
	static const struct pack_dev devs[] = {
		{ 0x20000000, 0x1000, 72, 0 }, { 0x21000000, 0x1000, 0, 0 }, { 0x22000000, 0x1000, 0, 0 },
	};
	static const u32 irq[] = { 0, 40, 1 };
	static const char *const gone[] = {
		"power-domains", "vcc-supply", "pinctrl-0", "reset-gpios", "phandle", "status",
	};
	int host = build_board_host(), uart;
	u32 clk = guest_clock_after(build_with(devs, 3, src, (u32)host));

	uart = node("/serial@20000000");
	assert_reg(uart, 0, 0x20000000, 0x1000);
	assert_int_equal(fdt_reg_count(&f, uart), 1);	/* 0x30000000 is not passed */
	assert_cells(uart, "interrupts", irq, 3);	/* the host's flags: edge */
	/* Two host clocks (one with a 1-cell specifier): two guest clocks. */
	{
		const u32 want[] = { clk, clk };

		assert_cells(uart, "clocks", want, 2);
	}
	assert_int_equal(u32_prop(uart, "reg-shift"), 2);
	for (size_t i = 0; i < ARRAY_SIZE(gone); i++)
		assert_no_prop("/serial@20000000", gone[i]);
	assert_true(fdt_first_subnode(&f, uart) < 0);
	/* Behind a translating bus, or disabled: not described. */
	assert_true(fdt_path_offset(&f, "/serial@21000000") < 0);
	assert_true(fdt_path_offset(&f, "/serial@22000000") < 0);
}

/* ---- patched --------------------------------------------------------------- */

/* A board DTB of its own: 1-cell addresses, two memory nodes (one found
 * only by device_type), stale /chosen with a subnode, a reservation. */
static int build_source(bool with_chosen, int ac)
{
	static const u64 mem[] = { 0x40000000, 0x10000000 }, mem2[] = { 0x80000000, 0x1000 };
	struct fdt_writer w;

	fdt_w_init(&w, src, sizeof(src_words));
	fdt_w_add_mem_rsv(&w, 0x48000000, 0x1000);
	fdt_w_begin_node(&w, "");
	fdt_w_prop_u32(&w, "#address-cells", (u32)ac);
	fdt_w_prop_u32(&w, "#size-cells", 1);
	fdt_w_prop_string(&w, "model", "my board");
	if (with_chosen) {
		fdt_w_begin_node(&w, "chosen");
		fdt_w_prop_string(&w, "bootargs", "old args");
		fdt_w_prop_u32(&w, "linux,initrd-start", 0x1000);
		fdt_w_prop_u32(&w, "linux,initrd-end", 0x2000);
		fdt_w_prop_string(&w, "stdout-path", "serial0:115200n8");
		fdt_w_prop(&w, "rng-seed", "\xaa\xbb\xcc\xdd", 4);
		fdt_w_prop_u64(&w, "kaslr-seed", 0x1111);
		fdt_w_begin_node(&w, "opp");
		fdt_w_prop_u32(&w, "x", 7);
		fdt_w_end_node(&w);
		fdt_w_end_node(&w);
	}
	fdt_w_begin_node(&w, "memory@40000000");
	fdt_w_prop_string(&w, "device_type", "memory");
	fdt_w_prop_reg(&w, 1, 1, mem, 1);
	fdt_w_end_node(&w);
	fdt_w_begin_node(&w, "sdram@80000000");
	fdt_w_prop_string(&w, "device_type", "memory");
	fdt_w_prop_reg(&w, 1, 1, mem2, 1);
	fdt_w_end_node(&w);
	fdt_w_begin_node(&w, "soc");
	fdt_w_prop_string(&w, "compatible", "simple-bus");
	fdt_w_end_node(&w);
	fdt_w_end_node(&w);
	return fdt_w_finish(&w, 0);
}

static int patch(const struct vm_dtb_params *p, int src_size)
{
	assert_true(src_size > 0);
	return vm_dtb_patch(p, src, (size_t)src_size, out, sizeof(out_words));
}

static void test_patch_replaces_memory_and_chosen(void **state)
{
	u64 a, s;

	open_ok(out, patch(&params, build_source(true, 1)));
	assert_memory(VM_DTB_RAM_BASE, MEM);
	assert_true(fdt_path_offset(&f, "/sdram@80000000") < 0);	/* memory by device_type */
	assert_str(node("/chosen"), "bootargs", BOOTARGS);
	assert_str(node("/chosen"), "stdout-path", "serial0:115200n8");	/* kept */
	assert_initrd(INITRD_START, INITRD_END);
	assert_int_equal(u32_prop(node("/chosen/opp"), "x"), 7);
	assert_str(fdt_root(&f), "model", "my board");
	assert_true(node("/soc") >= 0);
	assert_int_equal(fdt_num_mem_rsv(&f), 1);
	assert_int_equal(fdt_get_mem_rsv(&f, 0, &a, &s), 0);
	assert_true(a == 0x48000000 && s == 0x1000);
}

/* No new bootargs: the DTB's stay; no initrd: the stale range goes. */
static void test_patch_keeps_bootargs(void **state)
{
	struct vm_dtb_params p = params;

	p.bootargs = "";
	p.initrd_start = p.initrd_end = 0;
	open_ok(out, patch(&p, build_source(true, 1)));
	assert_str(node("/chosen"), "bootargs", "old args");
	assert_no_prop("/chosen", "linux,initrd-start");
	assert_no_prop("/chosen", "linux,initrd-end");
}

/* How many properties of node path are called name. */
static int count_props(const char *path, const char *name)
{
	const char *pn;
	int prop, n = 0;

	fdt_for_each_property(prop, &f, node(path)) {
		assert_non_null(fdt_property_value(&f, prop, &pn, NULL));
		n += !strcmp(pn, name);
	}
	return n;
}

/* Seeds given: a board DTB's own are replaced (each property once);
 * none given: they go all the same (a fixed seed would be the same for
 * every VM). Generated DTBs carry them only when given. */
static void test_seeds(void **state)
{
	struct vm_dtb_seed seed = { .kaslr = 0x0123456789abcdefULL };
	struct vm_dtb_params p = params;
	const u8 *rng;
	u64 kaslr = 0;
	int len = 0;

	for (size_t i = 0; i < sizeof(seed.rng); i++)
		seed.rng[i] = (u8)(0xc0 + i);
	p.seed = &seed;
	open_ok(out, patch(&p, build_source(true, 1)));
	rng = fdt_getprop(&f, node("/chosen"), "rng-seed", &len);
	assert_int_equal(len, VM_DTB_RNG_SEED_SIZE);
	assert_memory_equal(rng, seed.rng, sizeof(seed.rng));
	assert_int_equal(fdt_getprop_u64(&f, node("/chosen"), "kaslr-seed", &kaslr), 0);
	assert_int_equal(kaslr, seed.kaslr);
	assert_int_equal(count_props("/chosen", "rng-seed"), 1);
	assert_int_equal(count_props("/chosen", "kaslr-seed"), 1);
	open_ok(out, patch(&params, build_source(true, 1)));
	assert_no_prop("/chosen", "rng-seed");
	assert_no_prop("/chosen", "kaslr-seed");
	open_ok(out, vm_dtb_build(&p, out, sizeof(out_words)));
	rng = fdt_getprop(&f, node("/chosen"), "rng-seed", &len);
	assert_int_equal(len, VM_DTB_RNG_SEED_SIZE);
	assert_memory_equal(rng, seed.rng, sizeof(seed.rng));
	open_ok(out, vm_dtb_build(&params, out, sizeof(out_words)));
	assert_no_prop("/chosen", "rng-seed");
	assert_no_prop("/chosen", "kaslr-seed");
}

static void test_patch_adds_chosen(void **state)
{
	open_ok(out, patch(&params, build_source(false, 2)));
	assert_str(node("/chosen"), "bootargs", BOOTARGS);
	assert_initrd(INITRD_START, INITRD_END);
	assert_memory(VM_DTB_RAM_BASE, MEM);
}

/* QEMU's own virt DTB: 4 GiB becomes 256 MiB, everything else stays. */
static void test_patch_qemu_dtb(void **state)
{
	size_t size;
	u8 *qemu = read_whole_file(dtb_path, &size);
	int n, cpus = 0;

	assert_true(vm_dtb_patch(&params, qemu, size, out, sizeof(out_words)) > 0);
	open_ok(out, (int)fdt_header_totalsize(out));
	assert_memory(VM_DTB_RAM_BASE, MEM);
	assert_str(node("/chosen"), "bootargs", BOOTARGS);
	assert_initrd(INITRD_START, INITRD_END);
	assert_str(node("/chosen"), "stdout-path", UART);
	fdt_for_each_subnode(n, &f, node("/cpus"))
		cpus += !strncmp(fdt_node_name(&f, n, NULL), "cpu@", 4);
	assert_int_equal(cpus, 4);
	assert_true(fdt_node_offset_by_compatible(&f, -1, "arm,gic-v3") >= 0);
	assert_true(fdt_node_offset_by_compatible(&f, -1, "arm,pl011") >= 0);
	free(qemu);
}

static void test_patch_refused(void **state)
{
	struct vm_dtb_params p = params;
	int size = build_source(true, 1), need;

	src[0] ^= 0xff;		/* magic */
	assert_int_equal(patch(&params, size), -EBADMSG);
	src[0] ^= 0xff;
	assert_int_equal(vm_dtb_patch(&params, src, 39, out, sizeof(out_words)), -EBADMSG);
	assert_int_equal(vm_dtb_patch(&params, src, (size_t)size - 8, out, sizeof(out_words)),
			 -EBADMSG);	/* totalsize beyond what is there */
	assert_int_equal(vm_dtb_patch(&params, NULL, 0, out, sizeof(out_words)), -EINVAL);
	p.mem_size = 0;
	assert_int_equal(patch(&p, size), -EINVAL);
	/* 1-cell addresses cannot say 0x1_0000_0000. */
	p = params;
	p.mem_base = 0x100000000ULL;
	assert_int_equal(patch(&p, size), -ERANGE);
	need = patch(&params, size);
	assert_true(need > 0);
	assert_int_equal(vm_dtb_patch(&params, src, (size_t)size, out, (size_t)need - 8), -ENOSPC);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_memory_chosen),
		cmocka_unit_test(test_build_no_bootargs_no_initrd),
		cmocka_unit_test(test_build_cpus),
		cmocka_unit_test(test_build_gic_timer_psci),
		cmocka_unit_test(test_build_uart_clock),
		cmocka_unit_test(test_build_refused),
		cmocka_unit_test(test_build_dtc_clean),
		cmocka_unit_test(test_build_pci_host),
		cmocka_unit_test(test_passthrough_node_from_host),
		cmocka_unit_test(test_passthrough_node_adapted),
		cmocka_unit_test(test_patch_replaces_memory_and_chosen),
		cmocka_unit_test(test_patch_keeps_bootargs),
		cmocka_unit_test(test_patch_adds_chosen),
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_patch_qemu_dtb),
		cmocka_unit_test(test_patch_refused),
	};
	char dir[512];

	dtb_fixture_dir(dir, sizeof(dir), argc > 0 ? argv[0] : NULL);
	snprintf(dtb_path, sizeof(dtb_path), "%s/virt-a53-smp4.dtb", dir);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
