# Device tree writer (lib/fdt_write.c), checked by reading its output back
# with lib/fdt*.c and, when installed, with dtc. It also copies a real QEMU
# DTB, built by the rule in tests/unit/fdt.mk.
UNIT_TESTS += fdt_write
fdt_write_SRCS := lib/fdt_write.c lib/fdt.c lib/fdt_walk.c lib/fdt_prop.c lib/fmt.c

$(BUILD)/unit/test_fdt_write: $(BUILD)/dtb/virt-a53-smp4.dtb
