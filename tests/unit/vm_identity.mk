# Identity-mapped VM RAM (virt/vm_identity.c: memory_at; virt/vm_ident_place.c:
# identity = yes) on a real page allocator.
UNIT_TESTS += vm_identity
vm_identity_SRCS := virt/vm_identity.c virt/vm_ident_place.c kernel/page_alloc.c lib/errmsg.c \
		    lib/fmt.c
