/*
 * ivshmem: the PCI device through which a VM uses a shared region
 * (include/virt/ivshmem.h). The register model follows QEMU's ivshmem
 * (IntrStatus clears on read), with the interrupt as PCI INTx so that stock
 * drivers (Linux uio_pci_generic) work without MSI-X.
 *
 * A doorbell is O(1) and allocates nothing: validated without a lock, then
 * under the region's spinlock the target is looked up, its IntrStatus set
 * and its line told to its vGIC (lock order region -> vGIC). Doorbells that
 * arrive while a vector is pending coalesce into its one bit.
 */
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <lib/errmsg.h>
#include <lib/pack.h>
#include <virt/ivshmem.h>
#include <virt/mmio.h>
#include <virt/shm.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <zvm/errno.h>

/* Device k of a VM is slot k: a template's regions fit both. */
_Static_assert(VM_MAX_SHM == PACK_SHM_MAX_PER_TPL && VM_MAX_SHM <= VPCI_MAX_DEVS,
	       "one PCI slot per shared region of a template");

static struct ivshmem *to_ivshmem(struct vpci_dev *d)
{
	return container_of(d, struct ivshmem, pci);
}

void ivshmem_layout(const u64 *sizes, unsigned int n, u64 *bar0, u64 *bar2)
{
	u64 next = VPCI_MMIO_BASE + (u64)n * IVSHMEM_REGS_WINDOW;

	for (unsigned int k = 0; k < n; k++) {
		bar0[k] = VPCI_MMIO_BASE + (u64)k * IVSHMEM_REGS_WINDOW;
		bar2[k] = ALIGN_UP(next, sizes[k]);
		next = bar2[k] + sizes[k];
	}
}

/* INTx (PCI 2.3): level-sensitive, told to the vGIC when it changes.
 * Under region->lock. */
static void update_line(struct ivshmem *d)
{
	bool line = (d->status & d->mask) && !(d->pci.command & PCI_CMD_INTX_DISABLE);

	if (line != d->line) {
		d->line = line;
		virq_set_level(d->vm, d->intid, line);
	}
}

static bool intx_asserted(struct vpci_dev *pd)
{
	struct ivshmem *d = to_ivshmem(pd);

	return (d->status & d->mask) != 0;
}

static void command_written(struct vpci_dev *pd)
{
	update_line(to_ivshmem(pd));
}

static const struct vpci_dev_ops ivshmem_pci_ops = { intx_asserted, command_written };

static u64 rd_mask(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return ((struct ivshmem *)dev)->mask;
}

static void wr_mask(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	((struct ivshmem *)dev)->mask = (u32)val;
}

/* As QEMU's ivshmem: reading IntrStatus acknowledges every pending vector. */
static u64 rd_status(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	struct ivshmem *d = dev;
	u32 s = d->status;

	d->status = 0;
	return s;
}

static void wr_status(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	((struct ivshmem *)dev)->status = (u32)val;
}

static u64 rd_position(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return ((struct ivshmem *)dev)->peer;
}

/* Doorbell writes never get here (ivshmem_access() takes them first). */
static const struct vreg ivshmem_regs[] = {
	{ IVSHMEM_INTRMASK, 4, VREG_W32, rd_mask, wr_mask },
	{ IVSHMEM_INTRSTATUS, 4, VREG_W32, rd_status, wr_status },
	{ IVSHMEM_IVPOSITION, 4, VREG_W32, rd_position, vreg_wi },
	{ IVSHMEM_DOORBELL, 4, VREG_W32, vreg_raz, vreg_wi },
	{ IVSHMEM_DOORBELL + 4, IVSHMEM_REGS_WINDOW - IVSHMEM_DOORBELL - 4, VREG_W32, vreg_raz,
	  vreg_wi },
};

/* Under the source's region lock: sets the vector's bit at the target
 * (coalescing with one already pending). No VM at that peer id: dropped. */
static void deliver(struct ivshmem *from, u32 peer, u32 vector)
{
	struct ivshmem *to = from->region->peers[peer];

	from->rung++;
	if (!to)
		return;
	to->status |= BIT(vector);
	to->received++;
	update_line(to);
}

static bool doorbell_bad(const struct ivshmem *d, u32 val)
{
	return val >> 16 >= d->region->nmembers || (val & 0xffff) >= IVSHMEM_VECTORS;
}

/*
 * A doorbell write: under the region lock, delivered when Memory Space is
 * on and the value names a peer and a vector of the region; a bad one is
 * logged. From the exception vector (`atomic`) only the target's vGIC may
 * change, so it is declined, before any side effect, for anything more: a
 * bad value (the full exit logs it), Memory Space off, or the ringing VM
 * itself as the target (its own line may change).
 */
static int doorbell(struct ivshmem *d, u32 val, bool atomic)
{
	struct shm_region *r = d->region;
	u32 peer = val >> 16, vector = val & 0xffff;
	bool bad = doorbell_bad(d, val), enabled;
	const struct ivshmem *to;
	unsigned long flags;
	int ret = MMIO_OK;

	if (atomic && bad)
		return MMIO_DECLINED;
	flags = spin_lock_irqsave(&r->lock);
	enabled = d->pci.command & PCI_CMD_MEM;
	to = bad ? NULL : r->peers[peer];
	if (atomic && (!enabled || (to && to->vm == d->vm)))
		ret = MMIO_DECLINED;
	else if (enabled && !bad)
		deliver(d, peer, vector);
	spin_unlock_irqrestore(&r->lock, flags);
	if (enabled && bad)
		pr_ratelimited(LOG_WARN,
			       "vm%u: ivshmem '%s': doorbell to peer %u vector %u ignored (peers 0..%u, vectors 0..%u)",
			       d->vm->id, r->name, peer, vector, r->nmembers - 1,
			       IVSHMEM_VECTORS - 1);
	return ret;
}

/* BAR0. With Memory Space disabled the device does not decode: 32-bit
 * accesses read zero and are ignored, others still abort. */
static int ivshmem_access(void *dev, struct vcpu *v, u64 off, unsigned int size, bool write,
			  u64 *val)
{
	struct ivshmem *d = dev;
	unsigned long flags;
	int r;

	if (write && off == IVSHMEM_DOORBELL && size == 4)
		return doorbell(d, (u32)*val, false);
	flags = spin_lock_irqsave(&d->region->lock);
	if (d->pci.command & PCI_CMD_MEM) {
		r = vreg_dispatch(ivshmem_regs, ARRAY_SIZE(ivshmem_regs), d, v, (u32)off, size,
				  write, val);
		update_line(d);
	} else {
		r = size == 4 && !(off & 3) ? MMIO_OK : MMIO_BAD_ACCESS;
		if (!write)
			*val = 0;
	}
	spin_unlock_irqrestore(&d->region->lock, flags);
	return r;
}

/*
 * From the guest's exception vector (mmio_ops.access_atomic): a valid
 * doorbell to another VM, the hot path of the channel; only the target's
 * vGIC changes (its line, then a kick), never the ringing vCPU's, so
 * nothing of this vCPU needs a flush. Any other register: declined.
 */
static int ivshmem_access_atomic(void *dev, struct vcpu *v, u64 off, unsigned int size,
				 bool write, u64 *val)
{
	if (!write || off != IVSHMEM_DOORBELL || size != 4)
		return MMIO_DECLINED;
	return doorbell(dev, (u32)*val, true);
}

static const struct mmio_ops ivshmem_ops = {
	.access = ivshmem_access, .access_atomic = ivshmem_access_atomic,
};

static void init_pci(struct ivshmem *d, u64 bar0, u64 bar2)
{
	struct vpci_dev *p = &d->pci;

	p->vendor = IVSHMEM_VENDOR;
	p->device = IVSHMEM_DEVICE;
	p->subsys_vendor = IVSHMEM_VENDOR;
	p->subsys = IVSHMEM_SUBSYS;
	p->class_rev = IVSHMEM_CLASS_REV;
	p->intx_pin = 1;
	p->bar[0] = (struct vpci_bar){ bar0, IVSHMEM_REGS_SIZE, 0 };
	p->bar[2] = (struct vpci_bar){ bar2, d->region->size, PCI_BAR_MEM64 | PCI_BAR_PREFETCH };
	p->lock = &d->region->lock;
	p->ops = &ivshmem_pci_ops;
}

/* Device k of vm for region ref: memory, mappings, slot; not yet claimed. */
static int create_dev(struct vm *vm, unsigned int k, const struct pack_shm_ref *ref, u64 bar0,
		      u64 bar2, char *err, size_t errlen)
{
	struct ivshmem *d = kzalloc(sizeof(*d));
	int r;

	if (!d)
		return -ENOMEM;
	vm->ivshmem[k] = d;
	vm->nr_ivshmem = k + 1;
	d->vm = vm;
	d->peer = ref->peer;
	d->intid = vpci_slot_intid(k);
	d->regs_ipa = bar0;
	d->region = shm_get(vm->pack, ref->shm, err, errlen);
	if (!d->region)
		return -ENOMEM;
	init_pci(d, bar0, bar2);
	r = vmem_map(vm, bar2, d->region->pa, d->region->size, VMEM_SHARED);
	if (!r)
		r = mmio_bus_add(&vm->mmio, bar0, IVSHMEM_REGS_WINDOW, &ivshmem_ops, d, "ivshmem");
	if (!r)
		r = vpci_add(vm, k, &d->pci);
	return r ? errmsg_set(err, errlen, r, "cannot map shared region '%s' (%d)",
			      d->region->name, r) : 0;
}

int ivshmem_attach(struct vm *vm, char *err, size_t errlen)
{
	struct pack_shm_ref refs[PACK_SHM_MAX_PER_TPL];
	u32 n = pack_template_shms(vm->pack, vm->tmpl->name, refs);
	u64 sizes[PACK_SHM_MAX_PER_TPL], bar0[PACK_SHM_MAX_PER_TPL], bar2[PACK_SHM_MAX_PER_TPL];
	struct pack_shm s;
	int r = 0;

	for (u32 k = 0; k < n; k++) {
		pack_get_shm(vm->pack, refs[k].shm, &s);
		sizes[k] = s.size;
	}
	ivshmem_layout(sizes, n, bar0, bar2);
	for (u32 k = 0; k < n && !r; k++)
		r = create_dev(vm, k, &refs[k], bar0[k], bar2[k], err, errlen);
	/* Last: from here on other VMs' doorbells reach this one. */
	for (u32 k = 0; k < n && !r; k++)
		r = shm_claim(vm->ivshmem[k]->region, refs[k].peer, vm->ivshmem[k], err, errlen);
	return r;
}

void ivshmem_detach(struct vm *vm)
{
	for (unsigned int k = 0; k < vm->nr_ivshmem; k++)
		if (vm->ivshmem[k]->region)
			shm_unclaim(vm->ivshmem[k]->region, vm->ivshmem[k]->peer, vm->ivshmem[k]);
}

void ivshmem_destroy(struct vm *vm)
{
	for (unsigned int k = 0; k < vm->nr_ivshmem; k++) {
		if (vm->ivshmem[k]->region)
			shm_put(vm->ivshmem[k]->region);
		kfree(vm->ivshmem[k]);
		vm->ivshmem[k] = NULL;
	}
	vm->nr_ivshmem = 0;
	vpci_destroy(vm);
}

void ivshmem_reset(struct vm *vm)
{
	for (unsigned int k = 0; k < vm->nr_ivshmem; k++) {
		struct ivshmem *d = vm->ivshmem[k];
		unsigned long flags = spin_lock_irqsave(&d->region->lock);

		d->status = d->mask = 0;
		d->line = false;	/* the vGIC is reset with it */
		vpci_dev_reset(&d->pci);
		spin_unlock_irqrestore(&d->region->lock, flags);
	}
}

int ivshmem_get_info(struct vm *vm, unsigned int i, struct ivshmem_info *out)
{
	struct ivshmem *d = i < vm->nr_ivshmem ? vm->ivshmem[i] : NULL;
	struct shm_region *r = d ? d->region : NULL;
	unsigned long flags;

	if (!r)
		return -ENOENT;
	flags = spin_lock_irqsave(&r->lock);
	*out = (struct ivshmem_info){ r->name, r->size, d->peer, r->nmembers, { 0 }, d->rung,
				      d->received };
	for (u32 p = 0; p < PACK_SHM_MAX_PEERS; p++)
		out->member_vm[p] = p < r->nmembers && r->peers[p] ? (int)r->peers[p]->vm->id : -1;
	spin_unlock_irqrestore(&r->lock, flags);
	return 0;
}
