# Which DT node is the console (lib/fdt_console.c): hand-built trees the
# way other platforms describe their UARTs, and QEMU virt's own DTB.
UNIT_TESTS += fdt_console
fdt_console_SRCS := lib/fdt_console.c lib/fdt.c lib/fdt_walk.c lib/fdt_prop.c lib/fdt_write.c lib/parse.c \
		    lib/fmt.c

$(BUILD)/unit/test_fdt_console: $(BUILD)/dtb/virt-a53-smp4.dtb
