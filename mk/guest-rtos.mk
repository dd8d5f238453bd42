# ---- The RTOS guest: the same kernel built for EL1 ---------------------
# Included from the top-level Makefile (after its variables).
#   make guest-rtos   build/rtos-guest.bin (arm64 Image) and build/rtos-guest.elf
#   make run-rtos     boot it bare on QEMU virt (EL1; RTOS_MACHINE to change)
# Same sources as the host image except: arch/arm64/el1/ instead of el2/
# (include path and objects), no virt/, no `zvm` shell commands (shell/cmd_zvm*.c) and no
# VM image loader/pack code; plus the guest applications in apps/ and, like
# the host's test image (build/zvm-test.bin), the self-tests and the
# `selftest`/`bench` commands of tests/kernel/ (its tests and benchmarks use them).
# Objects go to build/rtos/.
RTOS_BUILD     := $(BUILD)/rtos
RTOS_LOAD_ADDR ?= 0x40200000
RTOS_MACHINE   ?= virt,gic-version=3
RTOS_MEM       ?= 1G

RTOS_SRCS := $(wildcard arch/arm64/*.c arch/arm64/*.S arch/arm64/el1/*.c arch/arm64/el1/*.S) \
	     $(KERNEL_SRCS) $(DRIVER_SRCS) \
	     $(filter-out lib/loader% lib/pack%,$(LIB_SRCS)) \
	     $(filter-out shell/cmd_zvm%.c,$(SHELL_SRCS)) $(KTEST_SRCS) \
	     $(wildcard apps/*.c apps/*/*.c)
RTOS_OBJS := $(patsubst %,$(RTOS_BUILD)/%.o,$(RTOS_SRCS))

# Relocatable (docs/guests.md, "The RTOS guest runs at any address"): linked
# as a static PIE whose R_AARCH64_RELATIVE entries (the addresses stored in
# data: pointer tables, string tables, function pointers) stay in the image
# for head.S to apply at the address it was loaded at; still linked at
# RTOS_LOAD_ADDR, where there is nothing to apply. The objects are compiled
# as for a fixed address: AArch64's small code model already reaches code
# and data PC-relative (adrp/add, b/bl), and ld refuses any absolute
# reference it cannot turn into R_AARCH64_RELATIVE (ABS32, MOVW_UABS_*).
# -fpie would add nothing to that but changed GCC's register allocation:
# the deterministic `make bench` figures moved by up to 3% (thread_start
# 274 -> 282 cycles); this way the guest runs the very same instructions.
RTOS_CFLAGS := $(patsubst -DCONFIG_LOAD_ADDR=%,-DCONFIG_LOAD_ADDR=$(RTOS_LOAD_ADDR), \
		$(subst -Iarch/arm64/el2/include,-Iarch/arm64/el1/include,$(CFLAGS))) \
	       -DCONFIG_RELOCATABLE
RTOS_ASFLAGS := $(RTOS_CFLAGS) -D__ASSEMBLY__
# -z notext: .rodata holds relocated words too (patched before the MMU maps it).
RTOS_LDFLAGS := $(filter-out -no-pie,$(LDFLAGS)) -pie --no-dynamic-linker -z notext

.PHONY: guest-rtos run-rtos
guest-rtos: $(BUILD)/rtos-guest.bin

$(RTOS_BUILD)/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(RTOS_CFLAGS) -c $< -o $@

$(RTOS_BUILD)/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $@"
	$(Q)$(CC) $(RTOS_ASFLAGS) -c $< -o $@

$(RTOS_BUILD)/version.o: $(BUILD)/obj/version.c
	$(Q)$(CC) $(RTOS_CFLAGS) -c $< -o $@

$(RTOS_BUILD)/rtos-guest.ld: arch/arm64/zvm.ld.in
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -DLOAD_ADDR=$(RTOS_LOAD_ADDR) $< -o $@

$(BUILD)/rtos-guest.elf: $(RTOS_OBJS) $(RTOS_BUILD)/version.o $(RTOS_BUILD)/rtos-guest.ld scripts/check-relocs
	@echo "  LD      $@"
	$(Q)$(LD) $(RTOS_LDFLAGS) -T $(RTOS_BUILD)/rtos-guest.ld -Map $(RTOS_BUILD)/rtos-guest.map \
		$(RTOS_OBJS) $(RTOS_BUILD)/version.o $(LIBGCC) -o $@
	$(Q)scripts/check-relocs $(READELF) $@ || { rm -f $@; exit 1; }

$(BUILD)/rtos-guest.bin: $(BUILD)/rtos-guest.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

run-rtos: $(BUILD)/rtos-guest.bin
	$(QEMU) -M $(RTOS_MACHINE) -cpu $(CPU) -smp $(SMP) -m $(RTOS_MEM) -nographic \
		-nic none -kernel $< $(QEMU_EXTRA)

# The system tests boot it too (tests/system/test_rtos_guest.py).
systest: $(BUILD)/rtos-guest.bin

-include $(RTOS_OBJS:.o=.d)
