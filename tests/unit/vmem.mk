# Stage-2 builder (virt/vmem.c) on the host: pages and heap from
# tests/unit/vmem_stub.c, which counts every allocation and free.
UNIT_TESTS += vmem
vmem_SRCS := virt/vmem.c tests/unit/vmem_stub.c

$(BUILD)/unit/test_vmem: tests/unit/vmem_stub.h
