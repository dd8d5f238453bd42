/*
 * Guest DTB generator: a QEMU-virt-like machine (see <virt/vm_dtb.h>).
 * Node and property names and values follow what QEMU's own virt DTB
 * says for the same devices, so Linux, Zephyr and U-Boot configurations
 * for QEMU virt work on a ZVM guest without a custom device tree.
 */
#include "vm_dtb_priv.h"
#include <lib/fmt.h>
#include <virt/vpci_layout.h>
#include <zvm/errno.h>

#define PH_GIC 1
#define PH_CLK 2
#define UART_PATH "/pl011@9000000"

#define PPI_TIMER_SEC 13
#define PPI_TIMER_NS 14
#define PPI_TIMER_VIRT 11
#define PPI_TIMER_HYP 10
#define PPI_GIC_MAINT 9

/* PSCI 0.2 function IDs, for the "arm,psci" (0.1) binding's properties. */
#define PSCI_FN_CPU_SUSPEND 0xc4000001U
#define PSCI_FN_CPU_OFF 0x84000002U
#define PSCI_FN_CPU_ON 0xc4000003U
#define PSCI_FN_MIGRATE 0xc4000005U

#define CPUS_PER_CLUSTER 16

u64 vm_dtb_vcpu_mpidr(u32 n)
{
	return (u64)(n / CPUS_PER_CLUSTER) << 8 | n % CPUS_PER_CLUSTER;
}

bool vm_dtb_has_initrd(const struct vm_dtb_params *p)
{
	return p->initrd_end > p->initrd_start;
}

void vm_dtb_memory_node(struct fdt_writer *w, const struct vm_dtb_params *p, int ac, int sc)
{
	const u64 reg[] = { p->mem_base, p->mem_size };
	char name[32];

	fmt_snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)p->mem_base);
	fdt_w_begin_node(w, name);
	fdt_w_prop_string(w, "device_type", "memory");
	fdt_w_prop_reg(w, ac, sc, reg, 1);
	fdt_w_end_node(w);
}

void vm_dtb_chosen_props(struct fdt_writer *w, const struct vm_dtb_params *p)
{
	if (p->bootargs && p->bootargs[0])
		fdt_w_prop_string(w, "bootargs", p->bootargs);
	if (vm_dtb_has_initrd(p)) {
		fdt_w_prop_u64(w, "linux,initrd-start", p->initrd_start);
		fdt_w_prop_u64(w, "linux,initrd-end", p->initrd_end);
	}
	if (p->seed) {
		fdt_w_prop(w, "rng-seed", p->seed->rng, sizeof(p->seed->rng));
		fdt_w_prop_u64(w, "kaslr-seed", p->seed->kaslr);
	}
}

static void chosen_and_aliases(struct fdt_writer *w, const struct vm_dtb_params *p)
{
	fdt_w_begin_node(w, "chosen");
	vm_dtb_chosen_props(w, p);
	fdt_w_prop_string(w, "stdout-path", UART_PATH);
	/* BARs are ours and fixed: Linux must not reassign them. */
	if (p->nr_pci)
		fdt_w_prop_u32(w, "linux,pci-probe-only", 1);
	fdt_w_end_node(w);

	fdt_w_begin_node(w, "aliases");
	fdt_w_prop_string(w, "serial0", UART_PATH);
	fdt_w_end_node(w);
}

static void cpus(struct fdt_writer *w, u32 n)
{
	char name[32];
	u64 mpidr;
	u32 i;

	fdt_w_begin_node(w, "cpus");
	fdt_w_prop_u32(w, "#address-cells", 1);
	fdt_w_prop_u32(w, "#size-cells", 0);
	for (i = 0; i < n; i++) {
		mpidr = vm_dtb_vcpu_mpidr(i);
		fmt_snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
		fdt_w_begin_node(w, name);
		fdt_w_prop_string(w, "device_type", "cpu");
		fdt_w_prop_string(w, "compatible", "arm,armv8");
		fdt_w_prop_u32(w, "reg", (u32)mpidr);
		fdt_w_prop_string(w, "enable-method", "psci");
		fdt_w_end_node(w);
	}
	fdt_w_end_node(w);
}

static void psci(struct fdt_writer *w)
{
	static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };

	fdt_w_begin_node(w, "psci");
	fdt_w_prop_stringlist(w, "compatible", compat, 3);
	fdt_w_prop_string(w, "method", "hvc");
	fdt_w_prop_u32(w, "cpu_suspend", PSCI_FN_CPU_SUSPEND);
	fdt_w_prop_u32(w, "cpu_off", PSCI_FN_CPU_OFF);
	fdt_w_prop_u32(w, "cpu_on", PSCI_FN_CPU_ON);
	fdt_w_prop_u32(w, "migrate", PSCI_FN_MIGRATE);
	fdt_w_end_node(w);
}

static void gic(struct fdt_writer *w, u32 nr_vcpus)
{
	const u64 reg[] = { VM_DTB_GICD_BASE, VM_DTB_GICD_SIZE, VM_DTB_GICR_BASE,
			    VM_DTB_GICR_STRIDE * nr_vcpus };
	const u32 maint[] = { GIC_PPI, PPI_GIC_MAINT, IRQ_LEVEL_HI };

	fdt_w_begin_node(w, "intc@8000000");
	fdt_w_prop_string(w, "compatible", "arm,gic-v3");
	fdt_w_prop_u32(w, "#interrupt-cells", 3);
	fdt_w_prop_empty(w, "interrupt-controller");
	/* No children, but dtc wants these in an interrupt provider. */
	fdt_w_prop_u32(w, "#address-cells", 2);
	fdt_w_prop_u32(w, "#size-cells", 2);
	fdt_w_prop_empty(w, "ranges");
	fdt_w_prop_reg(w, 2, 2, reg, 2);
	fdt_w_prop_u32(w, "#redistributor-regions", 1);
	fdt_w_prop_cells(w, "interrupts", maint, 3);
	fdt_w_prop_u32(w, "phandle", PH_GIC);
	fdt_w_end_node(w);
}

static void timer(struct fdt_writer *w)
{
	static const char *const compat[] = { "arm,armv8-timer", "arm,armv7-timer" };
	const u32 irqs[] = {
		GIC_PPI, PPI_TIMER_SEC, IRQ_LEVEL_HI,  GIC_PPI, PPI_TIMER_NS, IRQ_LEVEL_HI,
		GIC_PPI, PPI_TIMER_VIRT, IRQ_LEVEL_HI, GIC_PPI, PPI_TIMER_HYP, IRQ_LEVEL_HI,
	};

	fdt_w_begin_node(w, "timer");
	fdt_w_prop_stringlist(w, "compatible", compat, 2);
	fdt_w_prop_cells(w, "interrupts", irqs, 12);
	fdt_w_prop_empty(w, "always-on");
	fdt_w_end_node(w);
}

static void uart_and_clock(struct fdt_writer *w)
{
	static const char *const compat[] = { "arm,pl011", "arm,primecell" };
	static const char *const clk_names[] = { "uartclk", "apb_pclk" };
	const u64 reg[] = { VM_DTB_UART_BASE, VM_DTB_UART_SIZE };
	const u32 irq[] = { GIC_SPI, VM_DTB_UART_SPI, IRQ_LEVEL_HI };
	const u32 clocks[] = { PH_CLK, PH_CLK };

	fdt_w_begin_node(w, "apb-pclk");
	fdt_w_prop_string(w, "compatible", "fixed-clock");
	fdt_w_prop_u32(w, "#clock-cells", 0);
	fdt_w_prop_u32(w, "clock-frequency", VM_DTB_CLOCK_HZ);
	fdt_w_prop_string(w, "clock-output-names", "clk24mhz");
	fdt_w_prop_u32(w, "phandle", PH_CLK);
	fdt_w_end_node(w);

	fdt_w_begin_node(w, UART_PATH + 1);
	fdt_w_prop_stringlist(w, "compatible", compat, 2);
	fdt_w_prop_reg(w, 2, 2, reg, 1);
	fdt_w_prop_cells(w, "interrupts", irq, 3);
	fdt_w_prop_cells(w, "clocks", clocks, 2);
	fdt_w_prop_stringlist(w, "clock-names", clk_names, 2);
	fdt_w_end_node(w);
}

/*
 * interrupt-map of the host bridge: INTA..D of slots 0..3 (the mask folds
 * the others onto them) to SPIs 3..6 with the standard swizzle, as QEMU
 * virt. Entry: child unit address (3 cells: slot in phys.hi bits 15:11),
 * pin, GIC phandle, GIC unit address (2 cells), GIC specifier (3 cells).
 */
#define PCI_MAP_CELLS 10
static void pci_interrupt_map(struct fdt_writer *w)
{
	const u32 mask[] = { 3u << 11, 0, 0, 7 };
	u32 map[VPCI_NR_INTX * VPCI_NR_INTX * PCI_MAP_CELLS], *e = map;

	for (u32 slot = 0; slot < VPCI_NR_INTX; slot++)
		for (u32 pin = 1; pin <= VPCI_NR_INTX; pin++) {
			const u32 entry[PCI_MAP_CELLS] = {
				slot << 11, 0, 0, pin, PH_GIC, 0, 0, GIC_SPI,
				VPCI_INTX_SPI + (slot + pin - 1) % VPCI_NR_INTX, IRQ_LEVEL_HI,
			};

			for (u32 i = 0; i < PCI_MAP_CELLS; i++)
				*e++ = entry[i];
		}
	fdt_w_prop_cells(w, "interrupt-map-mask", mask, 4);
	fdt_w_prop_cells(w, "interrupt-map", map, (int)(e - map));
}

/* No "dma-coherent": the devices do no DMA. No I/O space. */
static void pci_host(struct fdt_writer *w)
{
	const u64 reg[] = { VPCI_ECAM_BASE, VPCI_ECAM_SIZE };
	const u32 bus_range[] = { 0, 0 };
	const u32 ranges[] = { 0x02000000, 0, (u32)VPCI_MMIO_BASE, 0, (u32)VPCI_MMIO_BASE, 0,
			       (u32)VPCI_MMIO_SIZE };
	char name[32];

	fmt_snprintf(name, sizeof(name), "pcie@%llx", (unsigned long long)VPCI_ECAM_BASE);
	fdt_w_begin_node(w, name);
	fdt_w_prop_string(w, "compatible", "pci-host-ecam-generic");
	fdt_w_prop_string(w, "device_type", "pci");
	fdt_w_prop_u32(w, "#address-cells", 3);
	fdt_w_prop_u32(w, "#size-cells", 2);
	fdt_w_prop_u32(w, "#interrupt-cells", 1);
	fdt_w_prop_reg(w, 2, 2, reg, 1);
	fdt_w_prop_cells(w, "bus-range", bus_range, 2);
	fdt_w_prop_u32(w, "linux,pci-domain", 0);
	fdt_w_prop_cells(w, "ranges", ranges, 7);
	pci_interrupt_map(w);
	fdt_w_end_node(w);
}

int vm_dtb_build(const struct vm_dtb_params *p, void *buf, size_t size)
{
	struct fdt_writer w;

	if (!p || !p->mem_size || p->mem_base + p->mem_size < p->mem_base ||
	    !p->nr_vcpus || p->nr_vcpus > VM_DTB_MAX_VCPUS)
		return -EINVAL;
	fdt_w_init(&w, buf, size);
	fdt_w_begin_node(&w, "");
	fdt_w_prop_string(&w, "compatible", "linux,dummy-virt");
	fdt_w_prop_string(&w, "model", "linux,dummy-virt");
	fdt_w_prop_u32(&w, "#address-cells", 2);
	fdt_w_prop_u32(&w, "#size-cells", 2);
	fdt_w_prop_u32(&w, "interrupt-parent", PH_GIC);
	chosen_and_aliases(&w, p);
	vm_dtb_memory_node(&w, p, 2, 2);
	cpus(&w, p->nr_vcpus);
	psci(&w);
	gic(&w, p->nr_vcpus);
	timer(&w);
	uart_and_clock(&w);
	if (p->nr_pci)
		pci_host(&w);
	if (vm_dtb_devices(&w, p, PH_CLK) < 0)
		return -EINVAL;
	fdt_w_end_node(&w);
	return fdt_w_finish(&w, 0);
}
