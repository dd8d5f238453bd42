/* Unit tests of the passthrough rules (virt/passthrough_check.c): page
 * alignment and wrap-around, overlap with host/guest regions and other
 * VMs' devices, SPI range, busy and owned SPIs, devices of one template. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <virt/passthrough.h>
#include <zvm/errno.h>

/* QEMU virt with 1 GiB of host RAM and a 16 MiB VM with one vCPU. */
static const struct pt_region regions[] = {
	{ 0x40000000, 0x40000000, "host RAM" },
	{ 0x08000000, 0x10000, "the host GIC distributor" },
	{ 0x080a0000, 0xf60000, "the host GIC redistributors" },
	{ 0x09000000, 0x1000, "the host UART" },
	{ 0x40000000, 0x1000000, "guest RAM" },
};
static const struct pt_busy_irq busy[] = {
	{ 33, "the host UART's interrupt" },
};
static struct pt_claim claims[4];
static char err[160];

static struct pt_rules rules(void)
{
	return (struct pt_rules){ regions, 5, busy, 1, claims, 4, 288, 96 };
}

static int check(u64 base, u64 size, u32 irq)
{
	struct pt_rules r = rules();
	struct pack_dev d = { base, size, irq };

	err[0] = 0;
	return pt_check_dev(&r, &d, err, sizeof(err));
}

static int setup(void **state)
{
	memset(claims, 0, sizeof(claims));
	return 0;
}

static void test_overlaps(void **state)
{
	assert_true(pt_overlaps(0x1000, 0x1000, 0x1fff, 1));
	assert_false(pt_overlaps(0x1000, 0x1000, 0x2000, 0x1000));	/* adjacent */
	assert_false(pt_overlaps(0x2000, 0x1000, 0x1000, 0x1000));
	assert_true(pt_overlaps(0x0, 0x10000, 0x1000, 0x1000));	/* contains */
	assert_true(pt_overlaps(0x1000, 0x1000, 0x0, 0x10000));	/* inside */
	assert_false(pt_overlaps(0x1000, 0, 0x1000, 0x1000));	/* empty */
	assert_true(pt_overlaps(~0xfffULL, 0x1000, ~0xfffULL, 0x1000));	/* top page */
}

static void test_good_device(void **state)
{
	assert_int_equal(check(0x9010000, 0x1000, 34), 0);
	assert_int_equal(check(0x9010000, 0x1000, 0), 0);		/* no SPI */
	assert_int_equal(check(0x9020000, 0x1000, 95), 0);		/* last vGIC SPI */
	assert_int_equal(check(0x3fff0000, 0x10000, 0), 0);		/* touching RAM */
}

static void test_bad_range(void **state)
{
	assert_int_equal(check(0x9010800, 0x1000, 0), -EINVAL);
	assert_string_equal(err, "device 0x9010800+0x1000 is not a page-aligned range");
	assert_int_equal(check(0x9010000, 0x800, 0), -EINVAL);
	assert_int_equal(check(0x9010000, 0, 0), -EINVAL);
	assert_int_equal(check(~0xfffULL, 0x2000, 0), -EINVAL);	/* wraps */
}

static void test_forbidden_regions(void **state)
{
	assert_int_equal(check(0x9000000, 0x1000, 0), -EINVAL);
	assert_string_equal(err, "device 0x9000000+0x1000 overlaps the host UART");
	assert_int_equal(check(0x8ff0000, 0x20000, 0), -EINVAL);	/* straddles: first match */
	assert_string_equal(err, "device 0x8ff0000+0x20000 overlaps the host GIC redistributors");
	assert_int_equal(check(0x8000000, 0x10000, 0), -EINVAL);
	assert_string_equal(err, "device 0x8000000+0x10000 overlaps the host GIC distributor");
	assert_int_equal(check(0x8100000, 0x1000, 0), -EINVAL);
	assert_string_equal(err, "device 0x8100000+0x1000 overlaps the host GIC redistributors");
	assert_int_equal(check(0x7fffffff000ULL, 0x1000, 0), 0);
	assert_int_equal(check(0x3ffff000, 0x2000, 0), -EINVAL);
	assert_string_equal(err, "device 0x3ffff000+0x2000 overlaps host RAM");
}

static void test_claimed_range(void **state)
{
	claims[2] = (struct pt_claim){ 0x9010000, 0x1000, 34, 1 };
	assert_int_equal(check(0x9010000, 0x1000, 34), -EBUSY);
	assert_string_equal(err, "device 0x9010000+0x1000 is already passed through to vm 1");
	assert_int_equal(check(0x900f000, 0x2000, 0), -EBUSY);	/* partly */
	assert_string_equal(err, "device 0x900f000+0x2000 is already passed through to vm 1");
	assert_int_equal(check(0x9010000 + 0x1000, 0x1000, 34), -EBUSY);
	assert_string_equal(err, "device 0x9011000+0x1000: SPI 34 is already passed through to vm 1");
	assert_int_equal(check(0x9011000, 0x1000, 35), 0);
}

static void test_bad_spi(void **state)
{
	assert_int_equal(check(0x9010000, 0x1000, 27), -EINVAL);
	assert_string_equal(err, "device 0x9010000+0x1000: INTID 27 is not an SPI of the GIC (32..287)");
	assert_int_equal(check(0x9010000, 0x1000, 288), -EINVAL);
	assert_int_equal(check(0x9010000, 0x1000, 1020), -EINVAL);
	assert_int_equal(check(0x9010000, 0x1000, 96), -EINVAL);
	assert_string_equal(err, "device 0x9010000+0x1000: SPI 96 is beyond the VM's vGIC (32..95)");
	assert_int_equal(check(0x9010000, 0x1000, 33), -EINVAL);
	assert_string_equal(err, "device 0x9010000+0x1000: SPI 33 is the host UART's interrupt");
}

static void test_large_gic_caps_at_1019(void **state)
{
	struct pt_rules r = rules();
	struct pack_dev d = { 0x9010000, 0x1000, 1020 };

	r.nr_irqs = 1024;
	r.guest_nr_irqs = 1020;
	assert_int_equal(pt_check_dev(&r, &d, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "device 0x9010000+0x1000: INTID 1020 is not an SPI of the GIC (32..1019)");
	d.irq = 1019;
	assert_int_equal(pt_check_dev(&r, &d, err, sizeof(err)), 0);
}

static void test_template_devices(void **state)
{
	struct pt_rules r = rules();
	struct pack_dev ok[] = { { 0x9010000, 0x1000, 34 }, { 0x9030000, 0x1000, 35 } };
	struct pack_dev clash[] = { { 0x9010000, 0x2000, 34 }, { 0x9011000, 0x1000, 35 } };
	struct pack_dev share[] = { { 0x9010000, 0x1000, 34 }, { 0x9030000, 0x1000, 34 } };
	struct pack_dev bad2[] = { { 0x9010000, 0x1000, 34 }, { 0x9000000, 0x1000, 0 } };

	assert_int_equal(pt_check_devs(&r, ok, 2, err, sizeof(err)), 0);
	assert_int_equal(pt_check_devs(&r, ok, 0, err, sizeof(err)), 0);
	assert_int_equal(pt_check_devs(&r, clash, 2, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "device 0x9011000+0x1000 overlaps or shares its SPI with "
				 "device 0x9010000+0x2000");
	assert_int_equal(pt_check_devs(&r, share, 2, err, sizeof(err)), -EINVAL);
	assert_int_equal(pt_check_devs(&r, bad2, 2, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "device 0x9000000+0x1000 overlaps the host UART");
	claims[0] = (struct pt_claim){ 0x9030000, 0x1000, 0, 3 };
	assert_int_equal(pt_check_devs(&r, ok, 2, err, sizeof(err)), -EBUSY);
	assert_string_equal(err, "device 0x9030000+0x1000 is already passed through to vm 3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_overlaps, setup),
		cmocka_unit_test_setup(test_good_device, setup),
		cmocka_unit_test_setup(test_bad_range, setup),
		cmocka_unit_test_setup(test_forbidden_regions, setup),
		cmocka_unit_test_setup(test_claimed_range, setup),
		cmocka_unit_test_setup(test_bad_spi, setup),
		cmocka_unit_test_setup(test_large_gic_caps_at_1019, setup),
		cmocka_unit_test_setup(test_template_devices, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
