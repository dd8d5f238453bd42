# ZVM top-level build.
#   make            build build/zvm.bin (arm64 Image) and build/zvm.elf
#   make test-image build/zvm-test.bin: the same plus the self-tests and the
#                   `selftest`/`bench` commands (tests/kernel/), for the tests
#   make size       host SLOC and image/section sizes (docs/architecture.md)
#   make run        boot it on QEMU virt (virtualization=on, GICv3)
#   make debug      same, halted, waiting for gdb-multiarch
#   make bench-host kernel micro-benchmarks under deterministic QEMU icount
#   make test       layering check, unit tests (host, cmocka + sanitizers) and
#                   system tests (QEMU)
#   make check-layers  fails if kernel/ includes a header of a layer above it
#   make unit       host unit tests only
#   make systest    system tests only

CROSS_COMPILE ?= aarch64-linux-gnu-
CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
READELF := $(CROSS_COMPILE)readelf
HOSTCC  ?= cc
PYTHON  ?= /usr/bin/python3

BUILD   ?= build
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

# Platform: where the boot loader puts the Image (QEMU virt: RAM base + 2 MiB).
PLAT          ?= qemu-virt
LOAD_ADDR     ?= 0x40200000
MAX_CPUS      ?= 8

# QEMU run parameters (make run CPU=cortex-a72 SMP=2 MEM=2G).
QEMU    ?= qemu-system-aarch64
CPU     ?= cortex-a53
SMP     ?= 4
MEM     ?= 4G
MACHINE ?= virt,virtualization=on,gic-version=3
QEMU_EXTRA ?=
# The Linux VM's root disk and network (docs/guests.md, "Root disk and
# network"): virtio-blk on virtio-mmio transport 0 (0xa000000) with
# build/guests/disk/rootfs.ext4, virtio-net on transport 8 (0xa001000) on
# QEMU's user network, the guest's ssh on 127.0.0.1:SSH_PORT. NET=0 and
# DISK=0 leave them out (the Linux VM then keeps its initramfs as root).
NET      ?= 1
DISK     ?= 1
SSH_PORT ?= 2222
DISK_IMG := $(BUILD)/guests/disk/rootfs.ext4
DISK_INITRAMFS := $(BUILD)/guests/disk/initramfs-disk.cpio.gz
QEMU_DISK = -drive if=none,id=disk0,format=raw,file=$(DISK_IMG) \
	    -device virtio-blk-device,drive=disk0,bus=virtio-mmio-bus.0
QEMU_NET = -netdev user,id=net0,hostfwd=tcp:127.0.0.1:$(SSH_PORT)-:22 \
	   -device virtio-net-device,netdev=net0,bus=virtio-mmio-bus.8
QEMU_CMD = $(QEMU) -M $(MACHINE) -cpu $(CPU) -smp $(SMP) -m $(MEM) -nographic \
	   -nic none -kernel $(BUILD)/zvm.bin $(if $(PACK),-initrd $(PACK)) \
	   $(if $(filter 1,$(DISK)),$(QEMU_DISK)) $(if $(filter 1,$(NET)),$(QEMU_NET)) $(QEMU_EXTRA)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	    -Wvla -Wpointer-arith -Wundef -Wno-unused-parameter \
	    -Wimplicit-fallthrough -Wmissing-declarations -Wformat=2

COMMON_CFLAGS := -std=gnu11 $(WARNINGS) -Iinclude

CFLAGS := $(COMMON_CFLAGS) -Iarch/arm64/el2/include -ffreestanding -fno-builtin -nostdinc \
	  -isystem $(shell $(CC) -print-file-name=include) \
	  -Iarch/arm64/include -O2 -g -mgeneral-regs-only -mstrict-align \
	  -fno-stack-protector -fno-pic -fno-pie -mno-outline-atomics \
	  -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	  -ffunction-sections -fdata-sections -MMD -MP \
	  -DCONFIG_MAX_CPUS=$(MAX_CPUS) -DCONFIG_LOAD_ADDR=$(LOAD_ADDR)
ASFLAGS := $(CFLAGS) -D__ASSEMBLY__
LDFLAGS := -nostdlib -static -no-pie --gc-sections -z max-page-size=4096 \
	   -z noexecstack --no-warn-rwx-segments

# The hypervisor links with link-time optimisation: its hot paths (guest
# exit, vGIC, vtimer) cross many small files, and inlining across them
# took a virtual-timer exit from ~2000 to ~1250 instructions
# (docs/benchmarks.md). `make HOST_LTO=` builds without. lib/string.c stays
# out of LTO: the compiler emits memcpy/memset calls after LTO has run.
HOST_LTO ?= -flto=auto
HOST_LINK := $(CC) $(filter-out -MMD -MP,$(CFLAGS)) $(HOST_LTO) -nostdlib -static -no-pie \
	     -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
	     -Wl,--no-warn-rwx-segments

# Sources of the host image. Exception-level variant: el2/ for the hypervisor.
ARCH_SRCS  := $(wildcard arch/arm64/*.c arch/arm64/*.S arch/arm64/el2/*.c arch/arm64/el2/*.S)
KERNEL_SRCS := $(wildcard kernel/*.c)
DRIVER_SRCS := $(wildcard drivers/*.c)
LIB_SRCS    := $(wildcard lib/*.c)
SHELL_SRCS  := $(wildcard shell/*.c)
VIRT_SRCS   := $(wildcard virt/*.c virt/*/*.c arch/arm64/el2/virt/*.c arch/arm64/el2/virt/*.S)
KTEST_SRCS  := $(wildcard tests/kernel/*.c)
ZVM_SRCS := $(ARCH_SRCS) $(KERNEL_SRCS) $(DRIVER_SRCS) $(LIB_SRCS) $(SHELL_SRCS) $(VIRT_SRCS)
ZVM_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(ZVM_SRCS))
# The test image links the same objects plus the in-kernel self-tests and
# benchmarks, which register their shell commands through the linker sections.
ZVM_TEST_OBJS := $(ZVM_OBJS) $(patsubst %,$(BUILD)/obj/%.o,$(KTEST_SRCS))

GIT_REV := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

.PHONY: all run debug test unit systest clean setup bench-host guests pack test-image \
	check-layers size disk disk-clean
all: $(BUILD)/zvm.bin

$(BUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(HOST_LTO) -c $< -o $@

$(BUILD)/obj/lib/string.c.o: HOST_LTO :=

$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

# The build id lives in its own object so that a new commit relinks, not recompiles.
$(BUILD)/obj/version.c: FORCE
	@mkdir -p $(dir $@)
	@echo 'const char zvm_build_id[] = "$(GIT_REV)";' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
$(BUILD)/obj/version.o: $(BUILD)/obj/version.c
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/zvm.ld: arch/arm64/zvm.ld.in
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -DLOAD_ADDR=$(LOAD_ADDR) $< -o $@

LIBGCC := $(shell $(CC) -print-libgcc-file-name)

define link_host
	@echo "  LD      $@"
	+$(Q)$(HOST_LINK) -T $(BUILD)/zvm.ld -Wl,-Map,$(@:.elf=.map) $(filter %.o,$^) \
		$(LIBGCC) -o $@
endef

$(BUILD)/zvm.elf: $(ZVM_OBJS) $(BUILD)/obj/version.o $(BUILD)/zvm.ld
	$(link_host)

$(BUILD)/zvm-test.elf: $(ZVM_TEST_OBJS) $(BUILD)/obj/version.o $(BUILD)/zvm.ld
	$(link_host)

$(BUILD)/zvm.bin $(BUILD)/zvm-test.bin: $(BUILD)/%.bin: $(BUILD)/%.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

test-image: $(BUILD)/zvm-test.bin

# kernel/ sits below shell/, virt/ and the tests: it must not use them.
check-layers:
	$(Q)bash scripts/check-layers

size: $(BUILD)/zvm.bin
	$(Q)$(PYTHON) scripts/size.py $(BUILD) $(ZVM_SRCS)

run: $(BUILD)/zvm.bin $(PACK) $(if $(filter 1,$(DISK)),$(DISK_IMG))
	$(QEMU_CMD)

debug: $(BUILD)/zvm.bin $(PACK)
	@echo "QEMU is waiting for gdb. In another terminal run:"
	@echo "  gdb-multiarch $(BUILD)/zvm.elf -ex 'target remote :1234'"
	$(QEMU_CMD) -s -S

setup:
	bash scripts/setup

# Kernel micro-benchmarks under deterministic icount (see docs/benchmarks.md).
bench-host: $(BUILD)/zvm-test.bin
	$(PYTHON) bench/host_bench.py $(BUILD)/zvm-test.bin

# ---- Test guests (bare-metal EL1 programs, tests/guests/) -------------
GUEST_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdlib -mgeneral-regs-only \
		-mstrict-align -fno-pic -fno-pie -Wall -Wextra -Werror -Wno-unused-parameter
GUEST_COMMON := tests/guests/start.S tests/guests/lib.c tests/guests/gic.c tests/guests/fp.S tests/guests/jit.c
GUESTS := hello irqs ticker cpufeat passthru prio chaos sysdump storm ivc flood reboot
GUEST_ELFS := $(patsubst %,$(BUILD)/guests/%.elf,$(GUESTS))

$(BUILD)/guests/%.elf: tests/guests/%.c $(GUEST_COMMON) $(wildcard tests/guests/*.h) tests/guests/guest.ld
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(GUEST_CFLAGS) -T tests/guests/guest.ld $(GUEST_COMMON) $< -o $@ \
		-static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-z,max-page-size=4096

guests: $(GUEST_ELFS)

# ---- Host tools and the image pack ------------------------------------
MKPACK := $(BUILD)/tools/mkpack
MKPACK_DEPS := $(wildcard tools/Makefile tools/mkpack/* lib/*.c lib/*.h include/lib/*.h \
	virt/vm_dtb*.c virt/vm_dtb_priv.h virt/loader_vm.c include/virt/*.h)
$(MKPACK): $(MKPACK_DEPS)
	$(Q)$(MAKE) --no-print-directory -C tools BUILD=$(abspath $(BUILD)) HOSTCC=$(HOSTCC)

# Packs are built in build/guests/, where manifests' relative paths point.
#   test pack    tests/guests/pack.manifest -> build/guests/pack.bin (system tests)
#   default pack guests/default.manifest    -> build/guests/default.pack (make run)
# `make run PACK=...` boots another pack; PACK= boots none.
TEST_PACK := $(BUILD)/guests/pack.bin
DEFAULT_PACK := $(BUILD)/guests/default.pack
PACK ?= $(DEFAULT_PACK)
DEBIAN_STAMP := $(BUILD)/guests/debian/.stamp

$(TEST_PACK): tests/guests/pack.manifest $(GUEST_ELFS) $(MKPACK)
	@echo "  MKPACK  $@"
	$(Q)cp $< $(BUILD)/guests/pack.manifest
	$(Q)$(MKPACK) -o $@ $(BUILD)/guests/pack.manifest >/dev/null

$(DEFAULT_PACK): guests/default.manifest $(DEBIAN_STAMP) $(MKPACK) $(BUILD)/rtos-guest.bin \
		 $(DISK_INITRAMFS)
	@echo "  MKPACK  $@"
	@mkdir -p $(dir $@)
	$(Q)cp $< $(BUILD)/guests/default.manifest
	$(Q)$(MKPACK) -o $@ $(BUILD)/guests/default.manifest >/dev/null

# Debian's kernels and our initramfs (downloaded once, cached in build/).
$(DEBIAN_STAMP): tools/fetch-guests $(wildcard tools/initramfs/*)
	ZVM_BUILD=$(abspath $(BUILD)) bash tools/fetch-guests

# The Linux VM's disk (tools/mkdisk): the initramfs that boots from it
# (cheap, part of the default pack) and the ext4 root file system, built
# when missing and then kept, as it is the VM's persistent disk
# (`make disk-clean disk` builds a fresh one, e.g. after tools/disk/ changed).
$(DISK_INITRAMFS): tools/mkdisk tools/disk/init $(DEBIAN_STAMP)
	$(Q)ZVM_BUILD=$(abspath $(BUILD)) bash tools/mkdisk initramfs
$(DISK_IMG): | $(DEBIAN_STAMP)
	$(Q)ZVM_BUILD=$(abspath $(BUILD)) bash tools/mkdisk rootfs
disk: $(DISK_INITRAMFS) $(DISK_IMG)
disk-clean:
	rm -f $(DISK_IMG)

pack: $(TEST_PACK) $(DEFAULT_PACK)

# ---- Host unit tests ---------------------------------------------------
# Each tests/unit/<name>.mk adds "UNIT_TESTS += <name>" and sets
# "<name>_SRCS := <real source files under test>"; the test itself is
# tests/unit/test_<name>.c.
UNIT_TESTS :=
.SECONDEXPANSION:
include $(wildcard tests/unit/*.mk)

HOST_CFLAGS := $(COMMON_CFLAGS) -Itests/unit/include -Iarch/arm64/include -DHOST_TEST -g -O1 \
	       -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_BINS := $(patsubst %,$(BUILD)/unit/test_%,$(UNIT_TESTS))

$(BUILD)/unit/test_%: tests/unit/test_%.c $$(%_SRCS) $(wildcard tests/unit/include/*.h) | $(BUILD)/unit
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(filter %.c,$^) -o $@ -lcmocka

$(BUILD)/unit:
	@mkdir -p $@

unit: check-layers $(UNIT_BINS) fuzz-regress
	$(Q)set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

systest: $(BUILD)/zvm.bin $(BUILD)/zvm-test.bin $(TEST_PACK) $(DEFAULT_PACK) $(DISK_IMG)
	$(PYTHON) -m pytest -v tests/system tests/tools

test: check-layers unit systest

clean:
	rm -rf $(BUILD)

FORCE:
-include $(ZVM_TEST_OBJS:.o=.d)

# The RTOS guest (the same kernel at EL1): make guest-rtos.
include mk/guest-rtos.mk
include mk/bench.mk
include mk/bench-linux.mk
include mk/bench-throughput.mk
include mk/fuzz.mk
include mk/ivshmem.mk
