# Emulated PL011 (virt/vdev/vpl011.c) through the real MMIO dispatcher and
# ring buffer, on a VM with stubbed interrupt wiring and allocator.
UNIT_TESTS += vpl011
vpl011_SRCS := virt/vdev/vpl011.c virt/vdev/mmio.c lib/ringbuf.c tests/unit/dev_stub.c
