# Passthrough validation (virt/passthrough_check.c, virt/passthrough_dt.c):
# ranges, SPIs, ownership, and the host device tree (QEMU's own, dumped by
# tests/unit/fdt.mk, and made-up boards).
UNIT_TESTS += passthrough
passthrough_SRCS := virt/passthrough_check.c virt/passthrough_dt.c lib/fdt.c lib/fdt_walk.c \
		    lib/fdt_prop.c lib/fdt_write.c lib/errmsg.c lib/fmt.c

$(BUILD)/unit/test_passthrough: $(BUILD)/dtb/virt-a53-smp4.dtb
