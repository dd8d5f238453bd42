# Virtual GICv3 (virt/vgic/): registers, LR management, randomized model check.
# All three link the whole vGIC, the MMIO dispatcher and the stub VM.
VGIC_TEST_SRCS := $(wildcard virt/vgic/*.c) virt/vdev/mmio.c tests/unit/vgic_stub.c
VGIC_TEST_HDRS := $(wildcard virt/vgic/*.h) include/virt/vgic.h tests/unit/vgic_test.h

UNIT_TESTS += vgic_regs vgic_lr vgic_fuzz
vgic_regs_SRCS := $(VGIC_TEST_SRCS)
vgic_lr_SRCS := $(VGIC_TEST_SRCS)
vgic_fuzz_SRCS := $(VGIC_TEST_SRCS)

# Headers are not sources (the rule compiles only the .c prerequisites).
$(BUILD)/unit/test_vgic_regs $(BUILD)/unit/test_vgic_lr $(BUILD)/unit/test_vgic_fuzz: \
	$(VGIC_TEST_HDRS)
