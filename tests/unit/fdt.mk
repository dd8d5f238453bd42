# Device tree reader (lib/fdt*.c).
#
# Fixtures are real QEMU virt DTBs, dumped at build time into $(BUILD)/dtb.
# The test looks for them in $ZVM_DTB_DIR, else in ../dtb next to its own
# binary (i.e. $(BUILD)/dtb), so "make unit" needs no extra arguments.
UNIT_TESTS += fdt
fdt_SRCS := lib/fdt.c lib/fdt_walk.c lib/fdt_prop.c lib/fmt.c

FDT_DTB_DIR := $(BUILD)/dtb
FDT_FIXTURES := $(FDT_DTB_DIR)/virt-a53-smp4.dtb $(FDT_DTB_DIR)/virt-a72-smp1.dtb
FDT_QEMU_MACHINE := virt,virtualization=on,gic-version=3

$(FDT_DTB_DIR)/virt-a53-smp4.dtb: FDT_QEMU_ARGS := -cpu cortex-a53 -smp 4 -m 4G
$(FDT_DTB_DIR)/virt-a72-smp1.dtb: FDT_QEMU_ARGS := -cpu cortex-a72 -smp 1 -m 1G

# -nic none: the default NIC wants efi-virtio.rom, which a dump does not need
# (and which is not installed without the ipxe-qemu package).
$(FDT_FIXTURES): tests/unit/fdt.mk
	@mkdir -p $(dir $@)
	@echo "  DTB     $@"
	$(Q)$(QEMU) -M $(FDT_QEMU_MACHINE),dumpdtb=$@ $(FDT_QEMU_ARGS) -nographic -nic none \
		>$@.log 2>&1 || { cat $@.log; rm -f $@; exit 1; }; rm -f $@.log

# Not sources: the test rule compiles only the .c files of its prerequisites.
$(BUILD)/unit/test_fdt: $(FDT_FIXTURES)
