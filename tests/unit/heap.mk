UNIT_TESTS += heap
heap_SRCS := kernel/heap.c
