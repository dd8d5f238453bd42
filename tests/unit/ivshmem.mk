# Inter-VM channel: the ECAM host bridge (virt/vdev/vpci.c), the ivshmem
# registers and doorbells (virt/vdev/ivshmem.c) and the shared regions
# (virt/shm.c) through the real MMIO dispatcher and pack reader; the page
# allocator, vGIC, stage 2 and log are stubs in the test.
UNIT_TESTS += ivshmem
ivshmem_SRCS := virt/vdev/ivshmem.c virt/vdev/vpci.c virt/vdev/mmio.c virt/shm.c \
		lib/pack.c lib/pack_template.c lib/pack_shm.c lib/crc32.c lib/errmsg.c lib/fmt.c \
		tests/unit/dev_stub.c
