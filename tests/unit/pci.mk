# PCI: the ECAM host bridge's device tree (drivers/pci_dt.c), on QEMU
# virt's own tree (dumped by tests/unit/fdt.mk) and on made-up ones; bus
# scan and BAR decoding (drivers/pci.c) on a fake config space.
UNIT_TESTS += pci
pci_SRCS := drivers/pci.c drivers/pci_dt.c lib/fdt.c lib/fdt_walk.c lib/fdt_prop.c \
	    lib/fdt_write.c lib/errmsg.c lib/fmt.c

$(BUILD)/unit/test_pci: $(BUILD)/dtb/virt-a53-smp4.dtb
