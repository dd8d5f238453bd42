# Guest kernel loader (lib/loader*.c): ELF64, arm64 Image and raw kernels
# from tests/unit/include/image_fixture.h, and DTB/initrd placement.
UNIT_TESTS += loader
loader_SRCS := lib/loader.c lib/loader_elf.c lib/loader_image.c lib/errmsg.c lib/fmt.c
