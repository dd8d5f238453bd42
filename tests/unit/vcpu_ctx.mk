# Lazy EL1 context (virt/vcpu_ctx.c) and a reader through its accessor
# (virt/inject.c), against a fake register file per pCPU.
UNIT_TESTS += vcpu_ctx
vcpu_ctx_SRCS := virt/vcpu_ctx.c virt/inject.c
