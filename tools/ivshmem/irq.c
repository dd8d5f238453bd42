/*
 * ivshmem tool: doorbells. uio_pci_generic's interrupt handler masks INTx
 * (PCI 2.3: Command bit 10, Interrupt Disable) whenever the device's Status
 * bit 3 says it is asserting, and counts the event on /dev/uioN. The driver
 * has no irqcontrol hook (writing /dev/uioN fails with ENOSYS), so user
 * space unmasks through the device's config space in sysfs, as DPDK does
 * for this driver. The device's line stays high while IntrStatus &
 * IntrMask != 0 and reading IntrStatus clears it, so IntrStatus is read
 * before INTx is unmasked again.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ivshmem.h"

long long ivs_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

#define PCI_COMMAND 4
#define PCI_COMMAND_INTX_DISABLE 0x400

/* Clear Command.InterruptDisable (little-endian config space). Nothing
 * else writes Command meanwhile: the kernel's handler only runs while
 * INTx is unmasked. */
static void unmask(struct ivs_dev *d)
{
	u8 c[2];

	if (d->irq <= 0)
		return;
	if (pread(d->cfg_fd, c, 2, PCI_COMMAND) != 2) {
		ivs_err("%s: reading config space: %s", d->bdf, strerror(errno));
		return;
	}
	if (!(c[1] & PCI_COMMAND_INTX_DISABLE >> 8))
		return;
	c[1] &= (u8)~(PCI_COMMAND_INTX_DISABLE >> 8);
	if (pwrite(d->cfg_fd, c, 2, PCI_COMMAND) != 2)
		ivs_err("%s: unmasking INTx in config space: %s", d->bdf, strerror(errno));
}

/* Take the doorbells rung so far (returned: IntrStatus, read-to-clear) and
 * let the next one interrupt: call before asking a peer for an answer. */
u32 ivs_irq_arm(struct ivs_dev *d)
{
	u32 st = d->regs[IVS_INTR_STATUS];

	unmask(d);
	return st;
}

/*
 * Wait up to timeout_ms for a doorbell: 1 with *status = the IntrStatus
 * bits taken, 0 on timeout, -1 on error. A device without an interrupt
 * (QEMU's ivshmem-plain) only sleeps, at most 1 ms, for its callers' polls.
 */
int ivs_irq_wait(struct ivs_dev *d, int timeout_ms, u32 *status)
{
	struct pollfd p = { .fd = d->uio_fd, .events = POLLIN };
	u32 count;
	int r;

	*status = 0;
	if (d->irq <= 0) {
		usleep(timeout_ms < 1 ? 0 : 1000);
		return 0;
	}
	r = poll(&p, 1, timeout_ms);
	if (r < 0 && errno == EINTR)
		return 0;
	if (r < 0)
		return ivs_err("poll %s: %s", d->uio, strerror(errno));
	if (!r)
		return 0;
	if (read(d->uio_fd, &count, sizeof(count)) != sizeof(count))
		return ivs_err("read /dev/%s: %s", d->uio, strerror(errno));
	*status = ivs_irq_arm(d);
	return 1;
}

/* Ring vector `vector` of peer `peer` (BAR0 Doorbell: peer << 16 | vector). */
int ivs_ring(struct ivs_dev *d, u32 peer, u32 vector)
{
	if (peer >= IVC_MAX_PEERS || vector > 7)
		return ivs_err("ring: peer %u vector %u: the peer is 0..%d, the vector 0..7", peer,
			       vector, IVC_MAX_PEERS - 1);
	d->regs[IVS_DOORBELL] = peer << 16 | vector;
	return 0;
}
