UNIT_TESTS += virt_core
virt_core_SRCS := virt/vm_state.c virt/vpsci_check.c virt/exit_decode.c virt/vdev/mmio.c \
	arch/arm64/esr.c
