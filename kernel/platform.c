/*
 * Hardware discovery from the flattened device tree: RAM, CPUs, GICv3,
 * console UART (and its driver), timer PPIs, PSCI conduit, initrd and reserved memory.
 * Nothing about the board is hard-coded here; a malformed or incomplete
 * tree gets a message saying what is missing.
 */
#include <kernel/arch_interface.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/timeout.h>
#include <lib/fdt.h>
#include <lib/fdt_console.h>
#include <lib/string.h>
#include <zvm/errno.h>

struct platform plat;
static struct fdt dt;

static int find_compatible(const char *compat)
{
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(&dt, node, compat)) >= 0)
		if (fdt_node_is_enabled(&dt, node))
			return node;
	return node;
}

/* The console per <lib/fdt_console.h>, among the UARTs we have drivers for. */
static int console_find(struct fdt_console *con)
{
	const char *compats[8];
	unsigned int n = 0;

	for (; uart_drivers[n] && n < ARRAY_SIZE(compats) - 1; n++)
		compats[n] = uart_drivers[n]->compatible;
	compats[n] = NULL;
	return fdt_console_find(&dt, compats, con);
}

const struct uart_ops *platform_find_console(const void *dtb, paddr_t *base)
{
	struct fdt_console con;
	u64 size;

	if (fdt_open(&dt, dtb, FDT_MAX_SIZE))
		return NULL;
	if (!console_find(&con) && !fdt_get_reg(&dt, con.node, 0, base, &size))
		return uart_drivers[con.driver];
	/* Only to say what is wrong: the SBSA subset (UARTDR, UARTFR) is
	 * all output needs, on a PL011 too. */
	if (!fdt_console_earlycon(&dt, base))
		return &sbsa_uart_ops;
	return NULL;
}

/* GIC interrupt specifier <type num flags> -> INTID (IHI 0069 / DT binding). */
static int irq_of(int node, int index, unsigned int *intid)
{
	u32 type, num;

	if (fdt_getprop_cell(&dt, node, "interrupts", index * 3, &type) ||
	    fdt_getprop_cell(&dt, node, "interrupts", index * 3 + 1, &num))
		return -ENOENT;
	if (type > 1 || num > 987)
		return -EINVAL;
	*intid = type == 0 ? num + 32 : num + 16;
	return 0;
}

static bool is_device_type(int node, const char *type)
{
	const char *t = fdt_getprop_string(&dt, node, "device_type");

	return t && !strcmp(t, type);
}

static int parse_memory(void)
{
	int node;

	fdt_for_each_subnode(node, &dt, dt.root) {
		u64 base, size;

		if (!is_device_type(node, "memory") || !fdt_node_is_enabled(&dt, node))
			continue;
		for (int i = 0; !fdt_get_reg(&dt, node, i, &base, &size); i++) {
			if (!size)
				continue;
			if (plat.nram == PA_MAX_BANKS) {
				pr_warn("dt: more than %u RAM banks, ignoring %#llx+%#llx",
					PA_MAX_BANKS, (unsigned long long)base, (unsigned long long)size);
				continue;
			}
			plat.ram[plat.nram++] = (struct mem_range){ base, size };
		}
	}
	if (!plat.nram) {
		pr_err("dt: no /memory node with a usable reg");
		return -ENOENT;
	}
	return 0;
}

static int parse_cpus(void)
{
	int cpus_node = fdt_path_offset(&dt, "/cpus"), node;

	if (cpus_node < 0) {
		pr_err("dt: no /cpus node");
		return -ENOENT;
	}
	fdt_for_each_subnode(node, &dt, cpus_node) {
		u64 hwid, unused;

		if (!is_device_type(node, "cpu") || !fdt_node_is_enabled(&dt, node))
			continue;
		if (fdt_get_reg(&dt, node, 0, &hwid, &unused)) {
			pr_err("dt: cpu node without reg (MPIDR)");
			return -EINVAL;
		}
		if (plat.ncpus == CONFIG_MAX_CPUS) {
			plat.ncpus_ignored++;
			continue;
		}
		plat.cpu_hwid[plat.ncpus++] = hwid;
	}
	if (!plat.ncpus) {
		pr_err("dt: no cpu nodes under /cpus");
		return -ENOENT;
	}
	return 0;
}

static int parse_gic(void)
{
	int node = find_compatible("arm,gic-v3");
	u64 size;

	if (node < 0) {
		pr_err("dt: no GICv3 (compatible \"arm,gic-v3\"); ZVM needs a GICv3");
		return -ENODEV;
	}
	if (fdt_get_reg(&dt, node, 0, &plat.gic.dist_base, &plat.gic.dist_size) ||
	    fdt_get_reg(&dt, node, 1, &plat.gic.redist_base, &size)) {
		pr_err("dt: GICv3 node needs distributor and redistributor reg entries");
		return -EINVAL;
	}
	plat.gic.redist_size = size;
	if (irq_of(node, 0, &plat.gic.maint_ppi))
		plat.gic.maint_ppi = 25;	/* GICv3 recommended maintenance PPI */
	return 0;
}

static const char *node_compatible(int node)
{
	const char *c = fdt_getprop_string(&dt, node, "compatible");

	return c ? c : "none";
}

static int parse_uart(void)
{
	struct fdt_console con;
	u64 size;

	int err = console_find(&con);

	if (con.skipped >= 0)
		pr_warn("dt: console %s (compatible \"%s\") has no driver here or is disabled",
			fdt_node_name(&dt, con.skipped, NULL), node_compatible(con.skipped));
	if (err || fdt_get_reg(&dt, con.node, 0, &plat.uart_base, &size)) {
		pr_err("dt: no console UART: none of /chosen/stdout-path, alias serial0 or "
		       "any enabled node is an \"arm,pl011\" or \"arm,sbsa-uart\" with a reg");
		return -ENODEV;
	}
	plat.uart = uart_drivers[con.driver];
	pr_info("console: %s at %#llx (%s, from the %s)", fdt_node_name(&dt, con.node, NULL),
		(unsigned long long)plat.uart_base, plat.uart->name, fdt_console_via_name(con.via));
	if (irq_of(con.node, 0, &plat.uart_irq) || plat.uart_irq < 32) {
		pr_err("dt: console UART has no SPI interrupt");
		return -EINVAL;
	}
	return 0;
}

/* "arm,armv8-timer" lists secure physical, non-secure physical, virtual
 * and, optionally, the EL2 physical timer's interrupt (DT binding
 * arm,arch_timer.yaml): a tree for EL1 often has only the first three.
 * The port uses one of them; that one must be there. */
static int parse_timer(void)
{
	int node = find_compatible("arm,armv8-timer");
	unsigned int need = arch_timer_ppi_dt_index() + 1;

	if (node < 0) {
		pr_err("dt: no arch timer node (compatible \"arm,armv8-timer\")");
		return -ENODEV;
	}
	plat.ntimer_irq = 0;
	while (plat.ntimer_irq < ARRAY_SIZE(plat.timer_irq) &&
	       !irq_of(node, (int)plat.ntimer_irq, &plat.timer_irq[plat.ntimer_irq]))
		plat.ntimer_irq++;
	if (plat.ntimer_irq < need) {
		pr_err("dt: timer node lists %u interrupts; this kernel uses interrupt %u (the %s)",
		       plat.ntimer_irq, need, need == 4 ? "EL2 physical timer" : "virtual timer");
		return -EINVAL;
	}
	return 0;
}

static int parse_psci(void)
{
	int node = find_compatible("arm,psci-1.0");
	const char *method;

	if (node < 0)
		node = find_compatible("arm,psci-0.2");
	if (node < 0)
		node = find_compatible("arm,psci");
	method = node >= 0 ? fdt_getprop_string(&dt, node, "method") : NULL;
	if (!method) {
		pr_warn("dt: no PSCI node: secondary CPUs and poweroff unavailable");
		plat.psci = PSCI_CONDUIT_NONE;
	} else if (!strcmp(method, "smc")) {
		plat.psci = PSCI_CONDUIT_SMC;
	} else if (!strcmp(method, "hvc")) {
		plat.psci = PSCI_CONDUIT_HVC;
	} else {
		pr_err("dt: unknown PSCI method \"%s\"", method);
		return -EINVAL;
	}
	return 0;
}

static void add_rsv(paddr_t base, u64 size)
{
	if (!size)
		return;
	if (plat.nrsv == PLAT_MAX_RSV) {
		pr_warn("dt: too many reserved ranges, RAM at %#llx may be reused",
			(unsigned long long)base);
		return;
	}
	plat.rsv[plat.nrsv++] = (struct mem_range){ base, size };
}

static int read_addr_prop(int node, const char *name, u64 *out)
{
	u32 v32;

	if (!fdt_getprop_u64(&dt, node, name, out))
		return 0;
	if (fdt_getprop_u32(&dt, node, name, &v32))
		return -ENOENT;
	*out = v32;
	return 0;
}

/*
 * A seed the boot loader left in /chosen (QEMU's virt machine and U-Boot
 * write rng-seed and kaslr-seed): credited to the random pool, then zeroed
 * in the tree so that no later reader of the host DT sees it. This runs
 * with the MMU off, so the tree's memory is written directly.
 */
static void take_seed(int node, const char *name)
{
	int len;
	const void *seed = fdt_getprop(&dt, node, name, &len);
	volatile u8 *b = (volatile u8 *)(uintptr_t)seed;
	u8 any = 0;

	if (!seed || len <= 0)
		return;
	for (int i = 0; i < len; i++)
		any |= b[i];
	/* All zeros: a tree passed on again after we zeroed it (a warm
	 * restart that skips the boot loader), not a seed. */
	k_random_add(seed, (size_t)len, any != 0);
	for (int i = 0; i < len; i++)
		b[i] = 0;
}

static int parse_chosen(void)
{
	int node = fdt_path_offset(&dt, "/chosen");
	const char *args;
	u64 start, end, now;

	if (node < 0)
		return 0;
	take_seed(node, "rng-seed");
	take_seed(node, "kaslr-seed");
	now = k_now();		/* not credited: only makes boots differ */
	k_random_add(&now, sizeof(now), false);
	args = fdt_getprop_string(&dt, node, "bootargs");
	if (args)
		strlcpy(plat.bootargs, args, sizeof(plat.bootargs));
	if (read_addr_prop(node, "linux,initrd-start", &start) ||
	    read_addr_prop(node, "linux,initrd-end", &end))
		return 0;
	if (end < start) {
		pr_err("dt: initrd end %#llx below start %#llx", (unsigned long long)end,
		       (unsigned long long)start);
		return -EINVAL;
	}
	plat.initrd_start = start;
	plat.initrd_end = end;
	add_rsv(start, end - start);
	return 0;
}

static void parse_reserved(void)
{
	int rm = fdt_path_offset(&dt, "/reserved-memory"), node;
	u64 base, size;

	for (int i = 0; i < fdt_num_mem_rsv(&dt); i++)
		if (!fdt_get_mem_rsv(&dt, i, &base, &size))
			add_rsv(base, size);
	if (rm < 0)
		return;
	fdt_for_each_subnode(node, &dt, rm)
		for (int i = 0; !fdt_get_reg(&dt, node, i, &base, &size); i++)
			add_rsv(base, size);
}

static void parse_model(void)
{
	const char *model = fdt_getprop_string(&dt, dt.root, "model");

	strlcpy(plat.model, model ? model : "unknown", sizeof(plat.model));
}

int platform_discover(const void *dtb)
{
	int err = fdt_open(&dt, dtb, FDT_MAX_SIZE);

	if (err) {
		pr_err("dt: bad device tree at %p: %s", dtb, fdt_errmsg(&dt));
		return err;
	}
	plat.dtb = dtb;
	plat.dtb_size = fdt_totalsize(&dt);
	add_rsv((paddr_t)dtb, plat.dtb_size);
	parse_model();
	if ((err = parse_memory()) || (err = parse_cpus()) || (err = parse_gic()) ||
	    (err = parse_uart()) || (err = parse_timer()) || (err = parse_psci()) ||
	    (err = parse_chosen()))
		return err;
	parse_reserved();
	return 0;
}

u64 platform_ram_total(void)
{
	u64 total = 0;

	for (unsigned int i = 0; i < plat.nram; i++)
		total += plat.ram[i].size;
	return total;
}
