/*
 * ivshmem driver: maps the registers (Device) and the shared memory
 * (Normal non-cacheable: the other side, Linux, maps the BAR uncached),
 * unmasks every interrupt vector and turns INTx into a semaphore wake-up.
 * INTx is level-triggered: it stays asserted while IntrStatus & IntrMask
 * is non-zero, so the handler reads IntrStatus (which clears it) before the
 * end of interrupt, or the line would fire again at once.
 */
#include <arch/mmio.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <drivers/gicv3.h>
#include <drivers/ivshmem.h>
#include <drivers/pci_ecam.h>
#include <kernel/arch_interface.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/sync.h>
#include <kernel/thread.h>
#include <kernel/timeout.h>
#include <zvm/errno.h>

#define SHM_BAR 2

static struct ivshmem devs[IVSHMEM_MAX];
static unsigned int ndevs;
static bool probed;
static struct semaphore wake;
/*
 * Doorbell storms. A peer can ring faster than we drain (a flood: one
 * doorbell every few us); taking an interrupt for each would leave the
 * CPU to the handler and starve every thread, the real-time ones too.
 * `woken`: the handler gave `wake` and the waiter has not run since. A
 * doorbell interrupt while it is set masks the devices (IntrMask = 0: the
 * line stays low, doorbells still set IntrStatus) and the waiter unmasks
 * them when it next runs, before it drains, but not before
 * IVSHMEM_HOLDOFF_US after masking (interrupt moderation, as network
 * cards do). So however fast a peer rings, at most two doorbell
 * interrupts and one drain come per holdoff, below the real-time work;
 * none is lost (they coalesce in IntrStatus), they only wait for the
 * holdoff while the storm lasts.
 */
#define IVSHMEM_HOLDOFF_US 100

static bool woken, masked;
static u64 masked_at;

u64 ivshmem_stamp(void)
{
	isb();	/* counter reads may be performed out of order (ARM ARM, Generic Timer) */
	return read_sysreg(cntpct_el0);
}

/* IntrMask of every device on intid (0: all of them); masking is noted
 * after the writes, so the waiter never unmasks before they land. */
static void set_masks(u32 intid, u32 mask)
{
	for (unsigned int i = 0; i < ndevs; i++) {
		if (!devs[i].intid || (intid && devs[i].intid != intid))
			continue;
		mmio_write32(&devs[i].regs[IVSHMEM_INTR_MASK / 4], mask);
		devs[i].storms += !mask;
	}
	if (!mask) {
		masked_at = k_now();
		__atomic_store_n(&masked, true, __ATOMIC_RELEASE);
	}
}

static void ivshmem_irq(unsigned int intid, void *arg)
{
	u64 now = ivshmem_stamp();
	bool any = false;

	/* Devices in slots d and d + 4 share an SPI: look at all of them. */
	for (unsigned int i = 0; i < ndevs; i++) {
		if (devs[i].intid != intid || !mmio_read32(&devs[i].regs[IVSHMEM_INTR_STATUS / 4]))
			continue;
		devs[i].irqs++;
		devs[i].irq_at = now;
		any = true;
	}
	if (!any)
		return;
	if (__atomic_exchange_n(&woken, true, __ATOMIC_ACQ_REL))
		set_masks(intid, 0);	/* the waiter is behind: a storm */
	sem_give(&wake);
}

static void setup_irq(struct ivshmem *v)
{
	u32 intid;
	int r;

	if (pci_intx_irq(&v->pci, &intid))
		return;			/* no INTx: the user polls */
	r = irq_register(intid, ivshmem_irq, NULL);
	if (r) {
		pr_err("ivshmem: INTID %u busy (%d): polling only", intid, r);
		return;
	}
	v->intid = intid;		/* before the line can fire: the handler needs it */
	mmio_write32(&v->regs[IVSHMEM_INTR_MASK / 4], ~0u);
	(void)mmio_read32(&v->regs[IVSHMEM_INTR_STATUS / 4]);	/* drop stale doorbells */
	pci_write32(&v->pci, PCI_COMMAND,
		    pci_read32(&v->pci, PCI_COMMAND) & 0xffff & ~PCI_CMD_INTX_DISABLE);
	gic_set_edge(intid, false);
	gic_route_spi(intid, arch_cpu_hwid());
	gic_enable_irq(intid);
}

static void probe(const struct pci_dev *d)
{
	struct ivshmem *v = &devs[ndevs];

	*v = (struct ivshmem){ .pci = *d, .shm_size = d->bar[SHM_BAR].size };
	if (d->bar[0].size < IVSHMEM_DOORBELL + 4 || !d->bar[SHM_BAR].size) {
		pr_err("ivshmem: %02x:%02x.%x lacks BAR0 registers or BAR2 memory", d->bus, d->dev,
		       d->fn);
		return;
	}
	v->regs = pci_map_bar(d, 0, MMU_DEVICE);
	v->shm = v->regs ? pci_map_bar(d, SHM_BAR, MMU_NORMAL_NC) : NULL;
	if (!v->shm)
		return;
	v->peer_id = mmio_read32(&v->regs[IVSHMEM_IV_POSITION / 4]);
	ndevs++;		/* visible to the handler before its line is enabled */
	setup_irq(v);
	pr_info("ivshmem: %02x:%02x.%x %llu KiB at %#llx, peer id %d, %s", d->bus, d->dev, d->fn,
		(unsigned long long)(v->shm_size >> 10), (unsigned long long)d->bar[SHM_BAR].cpu,
		(int)v->peer_id, v->intid ? "INTx" : "polled");
}

int ivshmem_init(void)
{
	if (probed)
		return (int)ndevs;
	probed = true;
	sem_init(&wake, 0, 1);
	if (pci_init() <= 0)
		return 0;
	for (unsigned int i = 0; i < pci_count(); i++) {
		const struct pci_dev *d = pci_get(i);

		if (d->vendor != IVSHMEM_VENDOR || d->device != IVSHMEM_DEVICE)
			continue;
		if (ndevs == IVSHMEM_MAX)
			pr_warn("ivshmem: more than %u devices, ignoring the rest", IVSHMEM_MAX);
		else
			probe(d);
	}
	return (int)ndevs;
}

unsigned int ivshmem_count(void)
{
	return ndevs;
}

struct ivshmem *ivshmem_get(unsigned int i)
{
	return i < ndevs ? &devs[i] : NULL;
}

int ivshmem_ring(struct ivshmem *v, u32 peer, u32 vector)
{
	if (peer > 0xffff || vector >= IVSHMEM_VECTORS)
		return -EINVAL;
	mmio_write32(&v->regs[IVSHMEM_DOORBELL / 4], peer << 16 | vector);
	v->doorbells++;
	return 0;
}

int ivshmem_wait(u64 timeout)
{
	int r = sem_take(&wake, timeout);

	__atomic_store_n(&woken, false, __ATOMIC_RELEASE);
	if (__atomic_exchange_n(&masked, false, __ATOMIC_ACQ_REL)) {
		k_sleep_until(masked_at + k_us_to_ticks(IVSHMEM_HOLDOFF_US));
		set_masks(0, ~0u);	/* a doorbell since rings at once */
	}
	return r;
}
