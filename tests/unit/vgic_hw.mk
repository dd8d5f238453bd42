# The LR bank's copy to and from the GICv3 virtual CPU interface
# (arch/arm64/el2/virt/vgic_hw.c), against a fake ICH_* register file per pCPU.
UNIT_TESTS += vgic_hw
vgic_hw_SRCS := arch/arm64/el2/virt/vgic_hw.c
