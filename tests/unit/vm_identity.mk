# Identity-mapped VM RAM (virt/vm_identity.c) on a real page allocator.
UNIT_TESTS += vm_identity
vm_identity_SRCS := virt/vm_identity.c kernel/page_alloc.c lib/errmsg.c lib/fmt.c
