# Pack template -> guest RAM (virt/loader_vm.c) with the real pack reader,
# loader and DTB code; packs from tests/unit/include/pack_fixture.h.
UNIT_TESTS += loader_vm
loader_vm_SRCS := virt/loader_vm.c virt/vm_dtb.c virt/vm_dtb_patch.c virt/vm_dtb_devs.c \
		  lib/loader.c lib/loader_elf.c lib/loader_image.c \
		  lib/pack.c lib/pack_template.c lib/pack_shm.c lib/crc32.c lib/errmsg.c lib/fmt.c \
		  lib/fdt.c lib/fdt_walk.c lib/fdt_prop.c lib/fdt_write.c
