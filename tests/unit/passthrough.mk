# Passthrough validation (virt/passthrough_check.c): ranges, SPIs, ownership.
UNIT_TESTS += passthrough
passthrough_SRCS := virt/passthrough_check.c lib/errmsg.c lib/fmt.c
