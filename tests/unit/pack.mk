# Image pack reader (lib/pack*.c): good packs read back, every rejection
# with its message, byte flips and truncation. Packs are written by
# tests/unit/include/pack_fixture.h, not by tools/mkpack.
UNIT_TESTS += pack
pack_SRCS := lib/pack.c lib/pack_template.c lib/pack_shm.c lib/crc32.c lib/errmsg.c lib/fmt.c
