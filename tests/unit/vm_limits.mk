# What a VM may ask for (virt/vm_limits.c): memory, vCPUs, placement.
UNIT_TESTS += vm_limits
vm_limits_SRCS := virt/vm_limits.c lib/errmsg.c lib/fmt.c
