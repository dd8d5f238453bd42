# Guest device trees (virt/vm_dtb*.c): generated DTBs read back with
# lib/fdt, patched DTBs (including QEMU's, dumped by tests/unit/fdt.mk).
UNIT_TESTS += vm_dtb
vm_dtb_SRCS := virt/vm_dtb.c virt/vm_dtb_patch.c virt/vm_dtb_devs.c lib/fdt.c lib/fdt_walk.c lib/fdt_prop.c \
	       lib/fdt_write.c lib/fmt.c

$(BUILD)/unit/test_vm_dtb: $(BUILD)/dtb/virt-a53-smp4.dtb
