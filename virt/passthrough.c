/*
 * Device passthrough (see include/virt/passthrough.h).
 *
 * The SPI is hardware-linked (ICH_LR<n>_EL2.HW = 1, pINTID = vINTID): the
 * host takes the physical interrupt, drops its priority but leaves it
 * active (irq_set_forwarded(); ICC_CTLR_EL1.EOImode = 1 splits the two,
 * IHI 0069), and makes the virtual one pending. The guest's EOI (or DIR)
 * deactivates the virtual interrupt and, through the LR, the physical one
 * too (IHI 0069, ICH_LR<n>_EL2.HW). While the physical SPI is active it
 * cannot fire again, so a level-sensitive device is delivered once per
 * guest handling, with no exit for the EOI.
 *
 * The physical SPI is routed to the pCPU of vCPU 0, which is pinned: it
 * never moves, so the SPI is always taken where the VM's interrupts are
 * looked after.
 */
#include <drivers/gicv3.h>
#include <kernel/cpu.h>
#include <kernel/irq.h>
#include <kernel/platform.h>
#include <kernel/spinlock.h>
#include <lib/errmsg.h>
#include <lib/fdt.h>
#include <virt/passthrough.h>
#include <virt/vgic.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <virt/vm_dtb.h>
#include <virt/vpci.h>
#include <zvm/errno.h>

#define PT_SLOTS (VM_MAX * PACK_MAX_DEVS)
#define PT_MAX_REGIONS (6 + PA_MAX_BANKS + 3)
#define PT_HOST_UART_SIZE 0x1000ULL
#define PT_VUART_INTID (32 + VM_DTB_UART_SPI)

/* claims[i] is owned by owner[i] (NULL when free, then size 0). The lock
 * also keeps the interrupt handler off a VM being released. */
static struct pt_claim claims[PT_SLOTS];
static struct vm *owner[PT_SLOTS];
static bool wired[PT_SLOTS];		/* SPI set up: undo on release */
static spinlock_t pt_lock = SPINLOCK_INIT;

/* The generated guest DTB copies passthrough devices' nodes from here. */
const void *vm_dtb_host(u32 *size)
{
	*size = plat.dtb_size;
	return plat.dtb;
}

static unsigned int host_regions(struct pt_region *r)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < plat.nram; i++)
		r[n++] = (struct pt_region){ plat.ram[i].base, plat.ram[i].size, "host RAM" };
	r[n++] = (struct pt_region){ plat.gic.dist_base, plat.gic.dist_size,
				     "the host GIC distributor" };
	r[n++] = (struct pt_region){ plat.gic.redist_base, plat.gic.redist_size,
				     "the host GIC redistributors" };
	r[n++] = (struct pt_region){ plat.uart_base, PT_HOST_UART_SIZE, "the host UART" };
	return n;
}

/* Whether the VM gets the virtual PCI host bridge (it joins a region). */
static bool has_vpci(const struct vm *vm)
{
	return pack_template_shms(vm->pack, vm->tmpl->name, NULL) > 0;
}

/* The identity map puts the device at the same guest address: it must not
 * hide the guest's RAM or an emulated device (those must trap), nor the
 * PCI windows where its shared regions appear. */
static unsigned int guest_regions(const struct vm *vm, struct pt_region *r)
{
	r[0] = (struct pt_region){ vm->ram_ipa, vm->mem_size, "guest RAM" };
	r[1] = (struct pt_region){ VGIC_DIST_BASE, VGIC_DIST_SIZE, "the vGIC distributor" };
	r[2] = (struct pt_region){ VGIC_REDIST_BASE, vm->nr_vcpus * VGIC_REDIST_STRIDE,
				   "the vGIC redistributors" };
	r[3] = (struct pt_region){ VM_DTB_UART_BASE, VM_DTB_UART_SIZE, "the virtual UART" };
	if (!has_vpci(vm))
		return 4;
	r[4] = (struct pt_region){ VPCI_ECAM_BASE, VPCI_ECAM_SIZE, "the virtual PCI ECAM" };
	r[5] = (struct pt_region){ VPCI_MMIO_BASE, VPCI_MMIO_SIZE,
				   "the virtual PCI memory window" };
	return 6;
}

/*
 * Whether vm may own DMA masters (devices its template marks dma). Without
 * an SMMU the only way a stock driver's DMA addresses are right is RAM at
 * IPA == PA, and such a device reaches all of physical memory: the VM is
 * trusted for memory isolation (`zvm info -n` says so). An SMMU would
 * make this a platform capability: give the device a stage-2 context of
 * the VM's own and allow it for every VM.
 */
static bool pt_dma_allowed(const struct vm *vm)
{
	return vm->identity;
}

bool passthrough_dma_trusted(const struct vm *vm)
{
	for (u32 i = 0; i < vm->tmpl->ndevs; i++)
		if (vm->tmpl->devs[i].flags & PACK_DEV_F_DMA)
			return true;
	return false;
}

/* Under pt_lock. */
static int check_all(const struct vm *vm, char *err, size_t errlen)
{
	struct pt_region regions[PT_MAX_REGIONS];
	const struct pt_busy_irq irqs[] = {
		{ plat.uart_irq, "the host UART's interrupt" },
		{ PT_VUART_INTID, "the virtual UART's interrupt" },
		{ VPCI_INTX_INTID, "the virtual PCI INTx" },
		{ VPCI_INTX_INTID + 1, "the virtual PCI INTx" },
		{ VPCI_INTX_INTID + 2, "the virtual PCI INTx" },
		{ VPCI_INTX_INTID + 3, "the virtual PCI INTx" },
	};
	unsigned int n = host_regions(regions);
	struct fdt dt;
	struct pt_rules r = {
		.regions = regions, .irqs = irqs,
		.nirqs = has_vpci(vm) ? ARRAY_SIZE(irqs) : 2,
		.claims = claims, .nclaims = PT_SLOTS, .nr_irqs = gic_nr_irqs(),
		.guest_nr_irqs = GIC_SPI_BASE + VGIC_DEFAULT_NR_SPIS,
		.host_uart = plat.uart_base,
	};

	if (!vm->tmpl->ndevs)
		return 0;
	if (fdt_open(&dt, plat.dtb, plat.dtb_size))
		return errmsg_set(err, errlen, -EINVAL, "the host device tree does not parse: %s",
				  fdt_errmsg(&dt));
	r.host_dt = &dt;
	r.allow_dma = pt_dma_allowed(vm);
	r.nregions = n + guest_regions(vm, regions + n);
	return pt_check_devs(&r, vm->tmpl->devs, vm->tmpl->ndevs, err, errlen);
}

/* Under pt_lock, after check_all(): there are PT_SLOTS, enough for all. */
static void claim(struct vm *vm, const struct pack_dev *d)
{
	for (unsigned int i = 0; i < PT_SLOTS; i++)
		if (!owner[i]) {
			claims[i] = (struct pt_claim){ d->base, d->size, d->irq, vm->id };
			owner[i] = vm;
			wired[i] = false;
			return;
		}
}

/* The physical SPI fired and the host left it active: hand it over. */
static void pt_irq(unsigned int intid, void *arg)
{
	struct pt_claim *c = arg;
	unsigned long f = spin_lock_irqsave(&pt_lock);
	struct vm *vm = owner[c - claims];

	if (vm && c->irq == intid)
		vgic_set_level(virq_dist(vm), NULL, intid, true);
	spin_unlock_irqrestore(&pt_lock, f);
}

static int wire_spi(struct vm *vm, unsigned int slot, char *err, size_t errlen)
{
	u32 irq = claims[slot].irq;

	if (vgic_map_hw(virq_dist(vm), NULL, irq, irq) ||
	    irq_register(irq, pt_irq, &claims[slot]))
		return errmsg_set(err, errlen, -EBUSY, "SPI %u: cannot link it to the VM", irq);
	wired[slot] = true;
	gic_disable_irq(irq);
	gic_set_active(irq, false);
	gic_set_priority(irq, GIC_PRIO_DEFAULT);
	gic_route_spi(irq, cpus[vm->vcpus[0]->pcpu].hwid);
	irq_set_forwarded(irq, true);
	gic_enable_irq(irq);
	return 0;
}

static int act(struct vm *vm, unsigned int slot, char *err, size_t errlen)
{
	const struct pt_claim *c = &claims[slot];

	if (vmem_map(vm, c->base, c->base, c->size, VMEM_DEVICE))
		return errmsg_set(err, errlen, -ENOMEM, "device %#llx+%#llx: cannot map it",
				  (unsigned long long)c->base, (unsigned long long)c->size);
	return c->irq ? wire_spi(vm, slot, err, errlen) : 0;
}

int passthrough_attach(struct vm *vm, char *err, size_t errlen)
{
	unsigned long f = spin_lock_irqsave(&pt_lock);
	int r = check_all(vm, err, errlen);

	for (unsigned int i = 0; i < vm->tmpl->ndevs && !r; i++)
		claim(vm, &vm->tmpl->devs[i]);
	spin_unlock_irqrestore(&pt_lock, f);
	/* Only this VM's build touches its slots until it is released. */
	for (unsigned int i = 0; i < PT_SLOTS && !r; i++)
		if (owner[i] == vm)
			r = act(vm, i, err, errlen);
	return r;
}

/* Disabled first, then not forwarded: an SPI acknowledged meanwhile is
 * either fully EOIed by irq_handle() or left active and cleared here. */
static void unwire_spi(u32 irq)
{
	gic_disable_irq(irq);
	irq_set_forwarded(irq, false);
	irq_unregister(irq);
}

void passthrough_release(struct vm *vm)
{
	for (unsigned int i = 0; i < PT_SLOTS; i++) {
		u32 irq = claims[i].irq;
		bool was_wired = wired[i];
		unsigned long f;

		if (owner[i] != vm)
			continue;
		if (was_wired)
			unwire_spi(irq);
		f = spin_lock_irqsave(&pt_lock);
		owner[i] = NULL;
		claims[i] = (struct pt_claim){ 0 };
		wired[i] = false;
		spin_unlock_irqrestore(&pt_lock, f);
		if (was_wired)
			gic_set_active(irq, false);
	}
}

/* The VM's wired SPIs, one at a time (only its own lifecycle changes them). */
static void for_each_wired(struct vm *vm, void (*fn)(u32 irq))
{
	for (unsigned int i = 0; i < PT_SLOTS; i++)
		if (owner[i] == vm && wired[i])
			fn(claims[i].irq);
}

static void deactivate(u32 irq)
{
	gic_set_active(irq, false);
}

void passthrough_reset(struct vm *vm)
{
	for_each_wired(vm, deactivate);
}

void passthrough_quiesce(struct vm *vm)
{
	for_each_wired(vm, gic_disable_irq);
}

void passthrough_resume(struct vm *vm)
{
	for_each_wired(vm, gic_enable_irq);
}
