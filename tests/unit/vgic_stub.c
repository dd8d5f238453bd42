/* vm_api.h stubs and the simulated guest for the vGIC tests (vgic_test.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <virt/vgic_hooks.h>

#include "vgic_test.h"

unsigned int vcpu_id(const struct vcpu *v)
{
	return v->id;
}

struct vm *vcpu_vm(const struct vcpu *v)
{
	return v->vm;
}

unsigned int vm_nr_vcpus(const struct vm *vm)
{
	return vm->nr_vcpus;
}

struct vcpu *vm_vcpu(struct vm *vm, unsigned int id)
{
	return id < vm->nr_vcpus ? &vm->v[id] : NULL;
}

/* struct tvm begins with its struct vm. */
static struct tvm *tvm_of(struct vm *vm)
{
	return (struct tvm *)vm;
}

void vcpu_kick(struct vcpu *v)
{
	assert_non_null(v);
	v->vm->kicks[v->id]++;
	if (vgic_kicks_in_flight(&tvm_of(v->vm)->d))
		v->vm->kicks_counted++;
}

unsigned int vgic_kick_batches;

void vgic_hook_kicks_done(void)
{
	vgic_kick_batches++;
}

struct tvm *tvm_new(unsigned int nr_vcpus, unsigned int nr_spis, unsigned int nr_lr)
{
	struct tvm *t = calloc(1, sizeof(*t));
	struct vgic_config cfg = { nr_spis, nr_lr, t->cpus, t->spis };

	assert_non_null(t);
	t->vm.nr_vcpus = nr_vcpus;
	for (unsigned int i = 0; i < VGIC_MAX_VCPUS; i++)
		t->vm.v[i] = (struct vcpu){ i, &t->vm };
	assert_int_equal(vgic_init(&t->d, &t->vm, &cfg), 0);
	mmio_bus_init(&t->bus);
	assert_int_equal(vgic_register_mmio(&t->d, &t->bus, GICD, GICR(0)), 0);
	return t;
}

void tvm_free(struct tvm *t)
{
	free(t);
}

struct vcpu *tvcpu(struct tvm *t, unsigned int n)
{
	return &t->vm.v[n];
}

u64 rd(struct tvm *t, paddr_t addr, unsigned int size)
{
	u64 val = 0xdeadbeef;

	assert_int_equal(mmio_bus_access(&t->bus, tvcpu(t, 0), addr, size, false, &val), MMIO_OK);
	return val;
}

void wr(struct tvm *t, paddr_t addr, unsigned int size, u64 val)
{
	assert_int_equal(mmio_bus_access(&t->bus, tvcpu(t, 0), addr, size, true, &val), MMIO_OK);
}

int access_status(struct tvm *t, paddr_t addr, unsigned int size, bool write)
{
	u64 val = 0;

	return mmio_bus_access(&t->bus, tvcpu(t, 0), addr, size, write, &val);
}

void enable_dist(struct tvm *t)
{
	wr(t, GICD + 0x0, 4, 0x3);
}

void enable_irq(struct tvm *t, unsigned int n, u32 intid)
{
	if (intid < 32)
		wr(t, GICR_SGI(n) + 0x100, 4, 1u << intid);
	else
		wr(t, GICD + 0x100 + intid / 32 * 4, 4, 1u << (intid % 32));
}

void set_prio(struct tvm *t, unsigned int n, u32 intid, u8 prio)
{
	wr(t, (intid < 32 ? GICR_SGI(n) : GICD) + 0x400 + intid, 1, prio);
}

struct vgic_lr_bank *bank(struct tvm *t, unsigned int n)
{
	return vgic_lr_bank(&t->d, tvcpu(t, n));
}

void hw_lr_write(struct tvm *t, unsigned int n, unsigned int i, u64 val)
{
	struct vgic_lr_bank *b = bank(t, n);

	b->lr[i] = val;
	b->used |= 1u << i;
}

int lr_find(struct tvm *t, unsigned int n, u32 intid)
{
	struct vgic_lr_bank *b = bank(t, n);

	for (unsigned int i = 0; i < b->nr_lr; i++)
		if ((b->lr[i] & VGIC_LR_STATE) && (b->lr[i] & VGIC_LR_VINTID_MASK) == intid)
			return (int)i;
	return -1;
}

u64 lr_state(struct tvm *t, unsigned int n, u32 intid)
{
	int i = lr_find(t, n, intid);

	return i < 0 ? 0 : bank(t, n)->lr[i] & VGIC_LR_STATE;
}

void guest_ack(struct tvm *t, unsigned int n, u32 intid)
{
	int i = lr_find(t, n, intid);

	assert_true(i >= 0);
	assert_true((bank(t, n)->lr[i] & VGIC_LR_STATE) == VGIC_LR_PENDING);
	bank(t, n)->lr[i] ^= VGIC_LR_STATE;
}

void guest_eoi(struct tvm *t, unsigned int n, u32 intid)
{
	int i = lr_find(t, n, intid);

	assert_true(i >= 0);
	assert_true(bank(t, n)->lr[i] & VGIC_LR_ACTIVE);
	bank(t, n)->lr[i] &= ~VGIC_LR_ACTIVE;
}

unsigned int guest_take_all(struct tvm *t, unsigned int n, u32 *out, unsigned int max)
{
	struct vgic_lr_bank *b = bank(t, n);
	unsigned int got = 0;

	vgic_flush(&t->d, tvcpu(t, n));
	for (unsigned int i = 0; i < b->nr_lr; i++) {
		if ((b->lr[i] & VGIC_LR_STATE) != VGIC_LR_PENDING)
			continue;
		assert_true(got < max);
		out[got++] = (u32)(b->lr[i] & VGIC_LR_VINTID_MASK);
		b->lr[i] = 0;	/* acknowledged and deactivated */
	}
	vgic_sync(&t->d, tvcpu(t, n));
	return got;
}
