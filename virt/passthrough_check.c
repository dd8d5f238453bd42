/*
 * Passthrough validation (see include/virt/passthrough.h): pure functions
 * of the rules the kernel builds, so host unit tests cover them.
 */
#include "passthrough_priv.h"
#include <lib/errmsg.h>
#include <zvm/errno.h>

#define PT_SPI_MIN 32u
#define PT_SPI_END 1020u	/* 1020..1023 are special INTIDs (IHI 0069 2.2.1) */

bool pt_overlaps(u64 a, u64 as, u64 b, u64 bs)
{
	if (!as || !bs)
		return false;
	return a - b < bs || b - a < as;	/* a in [b, b + bs) or b in [a, a + as) */
}

static int check_range(const struct pt_rules *r, const struct pack_dev *d, char *err,
		       size_t errlen)
{
	if (!d->size || ((d->base | d->size) & (PT_PAGE - 1)) || d->base + d->size < d->base)
		return errmsg_set(err, errlen, -EINVAL, DEV_FMT " is not a page-aligned range",
				  DEV_ARGS(d));
	for (unsigned int i = 0; i < r->nregions; i++)
		if (pt_overlaps(d->base, d->size, r->regions[i].base, r->regions[i].size))
			return errmsg_set(err, errlen, -EINVAL, DEV_FMT " overlaps %s", DEV_ARGS(d),
					  r->regions[i].what);
	for (unsigned int i = 0; i < r->nclaims; i++)
		if (pt_overlaps(d->base, d->size, r->claims[i].base, r->claims[i].size))
			return errmsg_set(err, errlen, -EBUSY,
					  DEV_FMT " is already passed through to vm %u",
					  DEV_ARGS(d), r->claims[i].vm);
	return 0;
}

static int check_irq(const struct pt_rules *r, const struct pack_dev *d, char *err,
		     size_t errlen)
{
	u32 end = r->nr_irqs < PT_SPI_END ? r->nr_irqs : PT_SPI_END;

	if (d->irq < PT_SPI_MIN || d->irq >= end)
		return errmsg_set(err, errlen, -EINVAL,
				  DEV_FMT ": INTID %u is not an SPI of the GIC (32..%u)",
				  DEV_ARGS(d), d->irq, end - 1);
	if (d->irq >= r->guest_nr_irqs)
		return errmsg_set(err, errlen, -EINVAL,
				  DEV_FMT ": SPI %u is beyond the VM's vGIC (32..%u)",
				  DEV_ARGS(d), d->irq, r->guest_nr_irqs - 1);
	for (unsigned int i = 0; i < r->nirqs; i++)
		if (r->irqs[i].intid == d->irq)
			return errmsg_set(err, errlen, -EINVAL, DEV_FMT ": SPI %u is %s",
					  DEV_ARGS(d), d->irq, r->irqs[i].what);
	for (unsigned int i = 0; i < r->nclaims; i++)
		if (r->claims[i].size && r->claims[i].irq == d->irq)
			return errmsg_set(err, errlen, -EBUSY,
					  DEV_FMT ": SPI %u is already passed through to vm %u",
					  DEV_ARGS(d), d->irq, r->claims[i].vm);
	return 0;
}

int pt_check_dev(const struct pt_rules *r, const struct pack_dev *d, char *err, size_t errlen)
{
	int ret = check_range(r, d, err, errlen);

	if (!ret && (d->flags & PACK_DEV_F_DMA) && !r->allow_dma)
		ret = errmsg_set(err, errlen, -EINVAL,
				 DEV_FMT " is marked dma, but this VM cannot own a DMA master: its RAM is not identity-mapped (memory_at or identity = yes) and there is no SMMU",
				 DEV_ARGS(d));

	if (!ret)
		ret = pt_check_dt(r, d, err, errlen);
	if (!ret && d->irq)
		ret = check_irq(r, d, err, errlen);
	return ret;
}

int pt_check_devs(const struct pt_rules *r, const struct pack_dev *devs, unsigned int n,
		  char *err, size_t errlen)
{
	for (unsigned int i = 0; i < n; i++) {
		int ret = pt_check_dev(r, &devs[i], err, errlen);

		if (ret)
			return ret;
		for (unsigned int j = 0; j < i; j++)
			if (pt_overlaps(devs[i].base, devs[i].size, devs[j].base, devs[j].size) ||
			    (devs[i].irq && devs[i].irq == devs[j].irq))
				return errmsg_set(err, errlen, -EINVAL,
						  DEV_FMT " overlaps or shares its SPI with "
						  DEV_FMT, DEV_ARGS(&devs[i]), DEV_ARGS(&devs[j]));
	}
	return 0;
}
