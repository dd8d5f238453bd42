UNIT_TESTS += page_alloc
page_alloc_SRCS := kernel/page_alloc.c
