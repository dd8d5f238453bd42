/* The per-VM MMIO bus and the register-table dispatcher (include/virt/mmio.h). */
#include <virt/mmio.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

u64 vreg_raz(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return 0;
}

void vreg_wi(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
}

static u32 vreg_span(const struct vreg *r)
{
	return r->span ? r->span : 1u << (31 - __builtin_clz(r->widths));
}

static u64 size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

int vreg_dispatch(const struct vreg *regs, size_t n, void *dev, struct vcpu *v, u32 off,
		  unsigned int size, bool write, u64 *val)
{
	for (size_t i = 0; i < n; i++) {
		const struct vreg *r = &regs[i];

		if (off < r->offset || off - r->offset >= vreg_span(r))
			continue;
		if (size > 8 || !(r->widths & size) || (off & (size - 1)))
			return MMIO_BAD_ACCESS;
		if (write) {
			if (r->write)
				r->write(dev, v, off - r->offset, size, *val & size_mask(size));
		} else {
			*val = r->read ? r->read(dev, v, off - r->offset, size) & size_mask(size) : 0;
		}
		return MMIO_OK;
	}
	return MMIO_BAD_ACCESS;
}

void mmio_bus_init(struct mmio_bus *bus)
{
	bus->n = 0;
}

int mmio_bus_add(struct mmio_bus *bus, paddr_t base, u64 size, const struct mmio_ops *ops,
		 void *dev, const char *name)
{
	if (!size || base + size < base)
		return -EINVAL;
	for (unsigned int i = 0; i < bus->n; i++)
		if (base < bus->r[i].base + bus->r[i].size && bus->r[i].base < base + size)
			return -EBUSY;
	if (bus->n == MMIO_MAX_REGIONS)
		return -ENOSPC;
	bus->r[bus->n++] = (struct mmio_region){ base, size, ops, dev, name };
	return 0;
}

const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus, paddr_t addr)
{
	for (unsigned int i = 0; i < bus->n; i++)
		if (addr >= bus->r[i].base && addr - bus->r[i].base < bus->r[i].size)
			return &bus->r[i];
	return NULL;
}

/* The region holding all of [addr, addr + size), or NULL and *err. */
static const struct mmio_region *bus_region(const struct mmio_bus *bus, paddr_t addr,
					    unsigned int size, int *err)
{
	const struct mmio_region *r = mmio_bus_find(bus, addr);

	if (!r)
		*err = MMIO_NO_DEVICE;
	else if (addr - r->base + size > r->size)
		*err = MMIO_BAD_ACCESS;	/* straddles the region's end */
	else
		return r;
	return NULL;
}

int mmio_bus_access(const struct mmio_bus *bus, struct vcpu *v, paddr_t addr,
		    unsigned int size, bool write, u64 *val)
{
	int err;
	const struct mmio_region *r = bus_region(bus, addr, size, &err);

	return r ? r->ops->access(r->dev, v, addr - r->base, size, write, val) : err;
}

int mmio_bus_access_atomic(const struct mmio_bus *bus, struct vcpu *v, paddr_t addr,
			   unsigned int size, bool write, u64 *val)
{
	int err;
	const struct mmio_region *r = bus_region(bus, addr, size, &err);

	if (!r || !r->ops->access_atomic)
		return MMIO_DECLINED;
	return r->ops->access_atomic(r->dev, v, addr - r->base, size, write, val);
}
